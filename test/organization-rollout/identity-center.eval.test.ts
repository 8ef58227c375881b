/**
 * Identity Center agents and the central alarm bus, evaluated:
 *
 * - an Identity Center agent role in a member account (`AWSReservedSSO_CodingAgent_<suffix>`
 *   under the reserved path), whose permission set carries AdministratorAccess, is denied every
 *   action of the catalog's plan by the customer managed policies the permission set references
 *   (and the agent boundary), and, separately, by AgentScp given the permission set's ARN pattern;
 *   reads, creates and stop stay allowed (iam-simulate);
 * - after the session cut, a session issued before it is denied and one issued after is allowed;
 *   a revoked Identity Center user is denied whatever the session (iam-simulate);
 * - the central bus policy accepts `events:PutEvents` from an organization account's forwarder
 *   role and refuses one from outside the organization (iam-simulate);
 * - CloudTrail-format records of an Identity Center agent role, from a member account and another
 *   Region, match the forwarder's rules and then the central alarm's (the library's matcher).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AgentAccess, AgentDenyPolicies, AgentIdentity, AgentPermissionSet, AgentScp, CentralAlarmBus, DestructiveCallForwarder, DenyGroup, DenyPlan,
  DestructiveCallAlarm, AlarmSeverity,
} from '../../src';
import { ACCOUNT, ADMINISTRATOR_ACCESS, Decision, ORG_ID, orgPolicies, PolicyDoc, PolicySet, Principal, resolveTemplate, simulate, simulateMany, SimRequest } from '../harness';
import { requestShape, resourceFor } from '../harness/condition-requests';
import { matchesPattern } from '../harness/event-pattern';
import { apiCall, SSO_ADMIN } from '../monitoring/records';

jest.setTimeout(600_000);
process.env.CDK_VALIDATION = 'false';

const SECURITY = '999999999999';
const OUTSIDE = '222222222222';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const NAME = 'CodingAgent';
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${NAME}_0123456789abcdef`;
const AGENT: Principal = { arn: SSO_ROLE, sessionName: 'alice@example.com' };
const CUT = '2026-11-29T12:00:00Z';
const BEFORE_CUT = { 'aws:TokenIssueTime': '2026-11-29T11:00:00Z' };
const AFTER_CUT = { 'aws:TokenIssueTime': '2026-11-29T12:30:00Z' };
const USER = '90677f3f2a-1e2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[identity center + central bus]', ...figures].join('\n  '));
});

/** The member account's policies and the permission set's, as the role Identity Center creates carries them. */
function identityCenterRole(cut?: string): { set: PolicySet; ps: AgentPermissionSet; denies: AgentDenyPolicies } {
  const app = new App();
  const member = new Stack(app, 'Member', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const denies = new AgentDenyPolicies(member, 'Denies');
  const mgmt = new Stack(app, 'Management', { env: { account: '000000000000', region: 'us-east-1' } });
  const ps = new AgentPermissionSet(mgmt, 'Agents', {
    instanceArn: INSTANCE,
    permissionSetName: NAME,
    access: AgentAccess.custom({ managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')] }),
    revokeSessionsIssuedBefore: cut,
    revokedUserIds: cut ? [USER] : undefined,
  });
  const m = resolveTemplate(Template.fromStack(member).toJSON());
  const p = resolveTemplate(Template.fromStack(mgmt).toJSON(), { account: '000000000000' });
  const byName = new Map<string, PolicyDoc>();
  for (const r of Object.values<any>(m.Resources)) {
    if (r.Type === 'AWS::IAM::ManagedPolicy') byName.set(`${r.Properties.Path}${r.Properties.ManagedPolicyName}`, r.Properties.PolicyDocument);
  }
  const props = Object.values<any>(p.Resources).find(r => r.Type === 'AWS::SSO::PermissionSet').Properties;
  // What Identity Center attaches: the referenced customer managed policies (they must exist in the account), the AWS managed policies, the inline policy.
  const referenced = props.CustomerManagedPolicyReferences.map((ref: any) => {
    const doc = byName.get(`${ref.Path}${ref.Name}`);
    if (!doc) throw new Error(`the permission set references ${ref.Path}${ref.Name}, which the member account does not create`);
    return doc;
  });
  expect(props.ManagedPolicies).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
  const b = props.PermissionsBoundary.CustomerManagedPolicyReference;
  const boundary = byName.get(`${b.Path}${b.Name}`);
  if (!boundary) throw new Error('the boundary is not created in the member account');
  return { set: { identity: [ADMINISTRATOR_ACCESS, ...referenced, props.InlinePolicy], boundary }, ps, denies };
}

/** A request that satisfies a plan group's conditions, on a resource the group covers (conformance.eval.test.ts's rules). */
function requestFor(g: DenyGroup, action: string, context: Record<string, string>): SimRequest {
  const shape = requestShape(g.conditions, `group ${g.name}`);
  const r = g.resources[0];
  const resource = r && r !== '*' ? resourceFor(r) : undefined;
  return { action, principal: AGENT, ...shape, context: { ...context, ...(shape.context ?? {}) }, resource };
}

/** Every action of every group of the plan, evaluated; returns the actions not explicitly denied. */
async function sweepPlan(plan: DenyPlan, set: PolicySet, label: string): Promise<string[]> {
  const reqs: SimRequest[] = [];
  for (const g of plan.groups) for (const a of g.actions) reqs.push(requestFor(g, a, BEFORE_CUT));
  const decisions: Decision[] = await simulateMany(set, reqs);
  const errors = decisions.filter(d => d.startsWith('Error'));
  const open = reqs.filter((_, i) => decisions[i] !== 'ExplicitlyDenied' && decisions[i] !== 'ImplicitlyDenied').map((r, i) => `${r.action}: ${decisions[i]}`);
  const explicit = decisions.filter(d => d === 'ExplicitlyDenied').length;
  figures.push(`${label}: ${reqs.length} requests (${plan.actions().length} distinct actions, ${plan.groups.length} groups): ${reqs.length - open.length} denied `
    + `(${explicit} explicitly), ${open.length} open, ${errors.length} evaluator errors`);
  expect(errors).toEqual([]);
  return open;
}

/** Reads, creates and stop: what an agent must keep. */
const MUST_STAY_ALLOWED = [
  'ec2:DescribeInstances', 'ec2:DescribeVpcs', 's3:GetObject', 's3:ListBucket', 'rds:DescribeDBInstances', 'dynamodb:GetItem', 'dynamodb:Query',
  'logs:GetLogEvents', 'cloudformation:DescribeStacks', 'lambda:GetFunction',
  'ec2:RunInstances', 'ec2:CreateVpc', 's3:CreateBucket', 's3:PutObject', 'rds:CreateDBInstance', 'dynamodb:CreateTable', 'dynamodb:PutItem',
  'sqs:SendMessage', 'ec2:StopInstances', 'rds:StopDBInstance',
];

async function allowedCount(set: PolicySet, context: Record<string, string>, label: string): Promise<string[]> {
  const decisions = await simulateMany(set, MUST_STAY_ALLOWED.map(action => ({ action, principal: AGENT, context })));
  const refused = MUST_STAY_ALLOWED.filter((_, i) => decisions[i] !== 'Allowed').map(a => `${a}: ${decisions[MUST_STAY_ALLOWED.indexOf(a)]}`);
  figures.push(`${label}: ${MUST_STAY_ALLOWED.length - refused.length} of ${MUST_STAY_ALLOWED.length} reads, creates and stops allowed`);
  return refused;
}

describe('an Identity Center agent role with AdministratorAccess in its permission set', () => {
  const { set, ps, denies } = identityCenterRole();

  test('the customer managed policies the permission set references deny every action of the plan explicitly (so with the boundary too)', async () => {
    figures.push(`permission set: ${ps.denyPolicyNames.length} deny policies + 1 AWS managed = ${ps.managedPolicyCount} of 10 managed policies per role; `
      + `deny policies ${denies.documentSizes.join(', ')} characters; boundary ${denies.boundarySize}; inline policy ${ps.inlinePolicySize} of 32,768`);
    // Without the boundary: an explicit deny in the identity policies decides whatever a boundary
    // adds (a boundary can only take permissions away), so this one sweep covers both.
    const reqs: SimRequest[] = [];
    for (const g of denies.denyPlan.groups) for (const a of g.actions) reqs.push(requestFor(g, a, BEFORE_CUT));
    const decisions = await simulateMany({ identity: set.identity }, reqs);
    const notExplicit = reqs.filter((_, i) => decisions[i] !== 'ExplicitlyDenied').map(r => r.action);
    figures.push(`customer managed policies alone: ${reqs.length - notExplicit.length} of ${reqs.length} requests explicitly denied`);
    expect(notExplicit).toEqual([]);
  });

  test('reads, creates and stop stay allowed', async () => {
    expect(await allowedCount(set, BEFORE_CUT, 'customer managed policies + boundary')).toEqual([]);
  });

  test('the role is matched by the ARN pattern in the Region path and in us-east-1\'s (no Region segment); other permission sets are not', () => {
    const re = (p: string) => new RegExp(`^${p.split('*').map(x => x.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
    expect(re(ps.roleArnPattern).test(SSO_ROLE)).toBe(true);
    expect(re(ps.roleArnPattern).test(`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${NAME}_0123456789abcdef`)).toBe(true);
    expect(re(ps.roleArnPattern).test(`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`)).toBe(false);
    expect(re(ps.roleArnPattern).test(`arn:aws:iam::${ACCOUNT}:role/${NAME}`)).toBe(false);
  });
});

describe('AgentScp given the permission set\'s ARN pattern', () => {
  const app = new App();
  const org = new Stack(app, 'Org');
  const scp = new AgentScp(org, 'Scp', {
    targetIds: ['r-ab12'],
    breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'],
    agentPrincipalArnPatterns: [
      AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN, AgentPermissionSet.roleArnPatternFor(NAME),
    ],
  });
  const scps = orgPolicies(resolveTemplate(Template.fromStack(org).toJSON()), 'SERVICE_CONTROL_POLICY');
  const set: PolicySet = { identity: [ADMINISTRATOR_ACCESS], scps };

  test('denies the Identity Center agent every action of the SCP plan, over AdministratorAccess', async () => {
    figures.push(`AgentScp with the Identity Center pattern: ${scp.policies.length} SCPs (${scp.documentSizes.join(', ')} characters) + FullAWSAccess = ${scp.policies.length + 1} of 10`);
    expect(await sweepPlan(scp.denyPlan, set, 'AgentScp over AdministratorAccess')).toEqual([]);
  });

  test('reads, creates and stop stay allowed; a human\'s Identity Center role is not denied', async () => {
    expect(await allowedCount(set, BEFORE_CUT, 'AgentScp')).toEqual([]);
    const human: Principal = { arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef` };
    expect(await simulate(set, { action: 'rds:DeleteDBInstance', principal: human })).toBe('Allowed');
    expect(await simulate(set, { action: 'rds:DeleteDBInstance', principal: AGENT })).toBe('ExplicitlyDenied');
  });
});

describe('the session cut', () => {
  const before = identityCenterRole();
  const after = identityCenterRole(CUT);
  const reads = ['s3:GetObject', 'ec2:DescribeInstances'];

  test('before the cut is moved, a session issued at 11:00 may read', async () => {
    for (const action of reads) expect(await simulate(before.set, { action, principal: AGENT, context: BEFORE_CUT })).toBe('Allowed');
  });

  test('after the cut (12:00), a session issued before it is denied everything, one issued after is allowed', async () => {
    const counts = { deniedBefore: 0, allowedAfter: 0 };
    for (const action of [...reads, ...MUST_STAY_ALLOWED]) {
      if (await simulate(after.set, { action, principal: AGENT, context: BEFORE_CUT }) === 'ExplicitlyDenied') counts.deniedBefore++;
      if (await simulate(after.set, { action, principal: AGENT, context: AFTER_CUT }) === 'Allowed') counts.allowedAfter++;
    }
    const n = reads.length + MUST_STAY_ALLOWED.length;
    figures.push(`cut at ${CUT}: session issued 11:00 denied ${counts.deniedBefore} of ${n}; session issued 12:30 allowed ${counts.allowedAfter} of ${n}`);
    expect(counts).toEqual({ deniedBefore: n, allowedAfter: n });
  });

  test('sts:GetCallerIdentity stays possible after the cut: AWS lets every session call it whatever the policies say', async () => {
    // "No permissions are required to perform this operation" (STS API reference): a deny cannot refuse it, and it changes nothing.
    expect(await simulate(after.set, { action: 'sts:GetCallerIdentity', principal: AGENT, context: BEFORE_CUT })).toBe('Allowed');
  });

  test('the revoked Identity Center user is denied whatever the session; another user is not', async () => {
    expect(await simulate(after.set, { action: 's3:GetObject', principal: AGENT, context: { ...AFTER_CUT, 'identitystore:userId': USER } })).toBe('ExplicitlyDenied');
    expect(await simulate(after.set, {
      action: 's3:GetObject', principal: AGENT, context: { ...AFTER_CUT, 'identitystore:userId': '90677f3f2a-00000000-0000-0000-0000-000000000000' },
    })).toBe('Allowed');
  });

  test('the worst-case survival without the cut is the session duration', () => {
    expect(after.ps.sessionDuration).toBe('PT1H');
    figures.push(`worst-case survival of an issued session without the cut: ${after.ps.sessionDuration} (sessionDuration)`);
  });
});

describe('the central alarm bus', () => {
  const app = new App();
  const security = new Stack(app, 'Security', { env: { account: SECURITY, region: 'eu-west-1' } });
  const bus = new CentralAlarmBus(security, 'Bus', { organizationId: ORG_ID });
  const alarm = new DestructiveCallAlarm(security, 'Alarm', {
    agentRoleArnPatterns: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN, AgentPermissionSet.roleArnPatternFor(NAME)],
  });
  const member = new Stack(app, 'Member', { env: { account: ACCOUNT, region: 'ap-southeast-2' } });
  const forwarder = new DestructiveCallForwarder(member, 'ToSecurity', {
    alarmAccount: SECURITY,
    alarmRegion: 'eu-west-1',
    agentRoleArnPatterns: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN, AgentPermissionSet.roleArnPatternFor(NAME)],
  });
  const sec = resolveTemplate(Template.fromStack(security).toJSON(), { account: SECURITY, region: 'eu-west-1' });
  const mem = resolveTemplate(Template.fromStack(member).toJSON(), { region: 'ap-southeast-2' });
  const statement = Object.values<any>(sec.Resources).find(r => r.Type === 'AWS::Events::EventBusPolicy').Properties.Statement;
  const busPolicy: PolicyDoc = { Version: '2012-10-17', Statement: [statement] };
  const rolePolicy: PolicyDoc = Object.values<any>(mem.Resources).find(r => r.Type === 'AWS::IAM::Policy').Properties.PolicyDocument;
  const busArn = `arn:aws:events:eu-west-1:${SECURITY}:event-bus/default`;

  test('the bus policy accepts events:PutEvents from an organization account\'s forwarder role and refuses one from outside', async () => {
    expect(bus.eventBusName).toBe('default');
    const put = (account: string, context: Record<string, string> = {}) => simulate({ identity: [rolePolicy], resourcePolicy: busPolicy }, {
      action: 'events:PutEvents', resource: busArn, resourceAccount: SECURITY, principal: { arn: `arn:aws:iam::${account}:role${AgentIdentity.GUARDIAN_ROLE_PATH}forwarder` }, context,
    });
    const inOrg = await put(ACCOUNT);
    const outside = await put(OUTSIDE, { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' });
    const noOrg = await put(OUTSIDE, { 'aws:PrincipalOrgID': '' });
    figures.push(`central bus policy, events:PutEvents: organization account ${inOrg}; account of another organization ${outside}; account in no organization ${noOrg}`);
    expect(inOrg).toBe('Allowed');
    expect(outside).not.toBe('Allowed');
    expect(noOrg).not.toBe('Allowed');
    // The forwarder role may put events on the central bus and nowhere else.
    expect(await simulate({ identity: [rolePolicy] }, {
      action: 'events:PutEvents', resource: `arn:aws:events:eu-west-1:${SECURITY}:event-bus/other`, principal: { arn: `arn:aws:iam::${ACCOUNT}:role/x` },
    })).not.toBe('Allowed');
  });

  test('CloudTrail records of an Identity Center agent role, from a member account in another Region, match the forwarder and then the central alarm', () => {
    const patterns = forwarder.rules.map(r => Stack.of(r).resolve((r.node.defaultChild as events.CfnRule).eventPattern));
    const alarmRules = alarm.rules.map((r, i) => ({
      severity: alarm.ruleInfo[i].severity, pattern: Stack.of(r).resolve(r.eventPattern),
    }));
    const ssoAgent = { rolePathAndName: `/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${NAME}_0123456789abcdef`, sessionName: 'alice@example.com', account: ACCOUNT };
    const ssoAgentUsEast1 = { ...ssoAgent, rolePathAndName: `/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${NAME}_0123456789abcdef` };
    const cases: Array<{ what: string; event: any; forwarded: boolean; severity?: AlarmSeverity }> = [
      { what: 'SSO agent terminates (ap-southeast-2)', event: apiCall(ssoAgent, 'ec2.amazonaws.com', 'TerminateInstances', { region: 'ap-southeast-2' }), forwarded: true, severity: AlarmSeverity.CRITICAL },
      {
        what: 'SSO agent refused DeleteDBInstance (ap-southeast-2)',
        event: apiCall(ssoAgent, 'rds.amazonaws.com', 'DeleteDBInstance', { region: 'ap-southeast-2', errorCode: 'AccessDenied' }),
        forwarded: true,
        severity: AlarmSeverity.DENIED,
      },
      { what: 'SSO agent (us-east-1 role path) DeleteBucket', event: apiCall(ssoAgentUsEast1, 's3.amazonaws.com', 'DeleteBucket', { region: 'ap-southeast-2' }), forwarded: true, severity: AlarmSeverity.CRITICAL },
      { what: 'SSO agent describes', event: apiCall(ssoAgent, 'ec2.amazonaws.com', 'DescribeInstances', { region: 'ap-southeast-2', readOnly: true }), forwarded: false },
      { what: 'human SSO administrator terminates', event: apiCall({ ...SSO_ADMIN, account: ACCOUNT }, 'ec2.amazonaws.com', 'TerminateInstances', { region: 'ap-southeast-2' }), forwarded: false },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      const forwarded = patterns.some(p => matchesPattern(p, c.event));
      const hit = alarmRules.filter(r => matchesPattern(r.pattern, c.event)).map(r => r.severity);
      rows.push(`${c.what}: forwarded ${forwarded}, central alarm ${hit.join('+') || 'none'}`);
      expect(forwarded).toBe(c.forwarded);
      if (c.forwarded) expect(hit).toEqual([c.severity]);
    }
    figures.push(`matcher (${forwarder.rules.length} forwarding rules, largest pattern ${Math.max(...forwarder.patternSizes)} characters; ${alarm.rules.length} central alarm rules): ${rows.join('; ')}`);
  });
});
