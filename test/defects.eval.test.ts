/**
 * The defects the one-source-of-truth work fixed, one test each. Each was reproduced on the
 * code before the change (with iam-simulate or the library's own checks) and fails there; the
 * file uses only APIs that code had, so it can be run against it.
 *
 * Every deny has its must-stay-allowed counterpart beside it.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { findingsOf, newApp } from './checks/apps';
import { ACCOUNT, ADMINISTRATOR_ACCESS, orgPolicies, PolicySet, resolveTemplate, rolePolicies, simulate } from './harness';
import { AgentIdentity, AgentRcp, AgentRole, AgentScp, AgentScpProps, DestructiveCallAlarm } from '../src';

jest.setTimeout(120_000);
process.env.CDK_VALIDATION = 'false';

const AGENT_ARN = `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`;
const AGENT = { arn: AGENT_ARN, tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE } };
const ADMIN = { arn: `arn:aws:iam::${ACCOUNT}:role/Admin` };
const BREAK_GLASS = { arn: `arn:aws:iam::${ACCOUNT}:role/BreakGlass` };
const BUCKET = 'arn:aws:s3:::prod-data';
const EPHEMERAL_TAGGING = { [AgentIdentity.EPHEMERAL_TAG_KEY]: AgentIdentity.EPHEMERAL_TAG_VALUE };

function orgSet(props: Partial<AgentScpProps> = {}): PolicySet {
  const stack = new Stack(new App(), 'Org');
  new AgentScp(stack, 'Scp', { targetIds: ['r-ab12'], breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'], ...props });
  new AgentRcp(stack, 'Rcp', { targetIds: ['r-ab12'] });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
  return { identity: [ADMINISTRATOR_ACCESS], scps: orgPolicies(resolved, 'SERVICE_CONTROL_POLICY'), rcps: orgPolicies(resolved, 'RESOURCE_CONTROL_POLICY') };
}
const ORG = orgSet();

describe('AG-IAM2 cannot be fooled by a Deny whose condition exempts agents', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['ArnNotLike on the agent path', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/guardrails-agent/*' } }],
    ['the agent tag equal to false', { StringEquals: { 'aws:PrincipalTag/guardrails:agent': 'false' } }],
    ['a negated ephemeral condition', { StringEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } }],
  ];
  test.each(cases)('%s: iam-simulate allows the delete, and AG-IAM2 reports the role', async (_name, condition) => {
    const app = newApp();
    const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: condition }] };
    new iam.CfnRole(stack, 'Agent', {
      path: AgentIdentity.AGENT_ROLE_PATH,
      roleName: 'coding-agent',
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] },
      policies: [{ policyName: 'p', policyDocument: doc }],
      tags: [{ key: AgentIdentity.AGENT_TAG_KEY, value: AgentIdentity.AGENT_TAG_VALUE }],
    });
    // The independent evaluator: the agent may delete the database.
    expect(await simulate({ identity: [doc] }, { action: 'rds:DeleteDBInstance', principal: AGENT })).toBe('Allowed');
    // The shipped check must say so.
    const hits = findingsOf(app, 'AG-IAM2');
    expect(hits).toHaveLength(1);
    expect(hits[0].message).toMatch(/rds:DeleteDBInstance/);
  });

  test('a role allowed only s3:PutBucketPolicy (EXPOSE) is reported', () => {
    const app = newApp();
    const stack = new Stack(app, 'Workload');
    const role = new iam.Role(stack, 'Agent', { assumedBy: new iam.AccountRootPrincipal(), path: AgentIdentity.AGENT_ROLE_PATH });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutBucketPolicy'], resources: ['*'] }));
    const hits = findingsOf(app, 'AG-IAM2');
    expect(hits).toHaveLength(1);
    expect(hits[0].message).toMatch(/s3:PutBucketPolicy/);
  });

  test('must stay quiet: an AgentRole, and a hand-written role whose denies carry only the agent\'s own tag', () => {
    const app = newApp();
    const stack = new Stack(app, 'Workload');
    new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountRootPrincipal() });
    expect(findingsOf(app, 'AG-IAM2')).toEqual([]);
  });
});

describe('AgentScp and AgentRcp refuse forging the ephemeral tag through tagging calls without aws:TagKeys', () => {
  test.each([
    ['s3:PutBucketTagging', BUCKET],
    ['route53:ChangeTagsForResource', 'arn:aws:route53:::hostedzone/Z123'],
  ])('%s by an agent is denied; by a person it stays allowed', async (action, resource) => {
    expect(await simulate(ORG, { action, resource, principal: AGENT, requestTags: EPHEMERAL_TAGGING })).toBe('ExplicitlyDenied');
    expect(await simulate(ORG, { action, resource, principal: ADMIN, requestTags: EPHEMERAL_TAGGING })).toBe('Allowed');
  });

  test('must stay allowed: the agent writes objects and creates a bucket tagged at creation', async () => {
    expect(await simulate(ORG, { action: 's3:PutObject', resource: `${BUCKET}/key`, principal: AGENT })).toBe('Allowed');
    expect(await simulate(ORG, { action: 's3:CreateBucket', resource: 'arn:aws:s3:::agent-scratch', principal: AGENT, requestTags: EPHEMERAL_TAGGING })).toBe('Allowed');
  });
});

describe('the kill switch works under AgentScp', () => {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new DestructiveCallAlarm(stack, 'Alarm', { killSwitch: {} });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
  const [roleId, role] = Object.entries<any>(resolved.Resources).find(([id, r]) => r.Type === 'AWS::IAM::Role' && /KillSwitchRole/.test(id))!;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role${role.Properties.Path ?? '/'}${roleId.toLowerCase()}`;
  const killSwitch = { identity: rolePolicies(resolved, roleId).identity, scps: ORG.scps };

  test('its role revokes an agent role\'s sessions (iam:PutRolePolicy on the agent role)', async () => {
    expect(await simulate(killSwitch, { action: 'iam:PutRolePolicy', resource: AGENT_ARN, principal: { arn: roleArn } })).toBe('Allowed');
  });

  test('nobody else but break-glass may: an administrator is refused, break-glass allowed', async () => {
    expect(await simulate(ORG, { action: 'iam:PutRolePolicy', resource: AGENT_ARN, principal: ADMIN })).toBe('ExplicitlyDenied');
    expect(await simulate(ORG, { action: 'iam:PutRolePolicy', resource: AGENT_ARN, principal: BREAK_GLASS })).toBe('Allowed');
  });

  test('and nobody but break-glass may change the kill switch\'s role', async () => {
    expect(await simulate(ORG, { action: 'iam:PutRolePolicy', resource: roleArn, principal: ADMIN })).toBe('ExplicitlyDenied');
    expect(await simulate(ORG, { action: 'iam:UpdateAssumeRolePolicy', resource: roleArn, principal: ADMIN })).toBe('ExplicitlyDenied');
    expect(await simulate(ORG, { action: 'iam:PutRolePolicy', resource: roleArn, principal: BREAK_GLASS })).toBe('Allowed');
    // Must stay allowed: an administrator's work on other roles.
    expect(await simulate(ORG, { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/app-role`, principal: ADMIN })).toBe('Allowed');
  });
});

describe('the agent cannot cut the delivery of denied calls to the alarm\'s log', () => {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), roleName: 'coding-agent' });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
  const roleId = Object.keys(resolved.Resources).find(id => resolved.Resources[id].Type === 'AWS::IAM::Role')!;
  const agentSet = rolePolicies(resolved, roleId);

  test('logs:PutResourcePolicy and logs:DeleteResourcePolicy are denied by AgentRole and by AgentScp', async () => {
    for (const action of ['logs:PutResourcePolicy', 'logs:DeleteResourcePolicy']) {
      expect(await simulate(agentSet, { action, resource: '*', principal: AGENT })).toBe('ExplicitlyDenied');
      expect(await simulate(ORG, { action, resource: '*', principal: AGENT })).toBe('ExplicitlyDenied');
    }
  });

  test('must stay allowed: the agent creates log groups and writes its own logs', async () => {
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/agent:*`;
    for (const action of ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']) {
      expect(await simulate(agentSet, { action, resource: group, principal: AGENT })).toBe('Allowed');
    }
  });
});

describe('a custom alarm name prefix keeps the organization guard of its rules', () => {
  test('every rule of an alarm with a namePrefix is one AgentScp guards, or the prefix is refused', () => {
    const guarded = (name: string) => AgentScp.GUARDRAIL_RULE_ARN_PATTERNS.some(p => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(`arn:aws:events:us-east-1:${ACCOUNT}:rule/${name}`));
    for (const namePrefix of ['team-a-alarm', 'guardrails-team-a']) {
      const stack = new Stack(new App(), 'Workload');
      let alarm: DestructiveCallAlarm | undefined;
      try {
        alarm = new DestructiveCallAlarm(stack, 'Alarm', { namePrefix });
      } catch (e) {
        expect((e as Error).message).toMatch(/namePrefix: 'team-a-alarm' does not start with 'guardrails-'/);
        continue;
      }
      const unguarded = alarm.ruleInfo.map(r => r.ruleName).filter(n => !guarded(n));
      expect({ namePrefix, unguarded }).toEqual({ namePrefix, unguarded: [] });
    }
  });
});
