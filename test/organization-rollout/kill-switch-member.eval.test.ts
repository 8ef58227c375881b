/**
 * The central kill switch acting in member accounts:
 *
 * - `KillSwitchMemberRole` in a member account: its trust policy, evaluated with the central kill
 *   switch's own role policy (iam-simulate), admits `sts:AssumeRole` by the security account's
 *   kill switch role and refuses it to an agent or an ordinary role of the security account, to a
 *   guardian role of another account, and to the member account's own agent;
 * - its permissions: the revoking inline policies on the member account's agent roles, nothing
 *   on other roles, no deletes; under AgentScp it may still revoke, and an agent of the member
 *   account may not change it;
 * - the central alarm with `killSwitch.actInMemberAccounts` gives its function the member role to
 *   assume and the home account (the handler is tested in test/monitoring/kill-switch.handler.test.ts,
 *   and against moto in test/integration/kill-switch.integ.ts);
 * - bad input gets a synth error naming the construct, the prop, the value and the fix.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentIdentity, AgentScp, DestructiveCallAlarm, KillSwitchMemberRole } from '../../src';
import { ACCOUNT, ADMINISTRATOR_ACCESS, orgPolicies, physicalName, PolicyDoc, resolveTemplate, rolePolicies, simulate } from '../harness';

jest.setTimeout(120_000);
process.env.CDK_VALIDATION = 'false';

const SECURITY = '999999999999';
const OTHER = '333333333333';
const MEMBER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/guardrails-guardian/${AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME}`;

function build() {
  const app = new App();
  const member = new Stack(app, 'Member', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const memberRole = new KillSwitchMemberRole(member, 'KillSwitchAccess', { centralAccount: SECURITY });
  const security = new Stack(app, 'Security', { env: { account: SECURITY, region: 'eu-west-1' } });
  const alarm = new DestructiveCallAlarm(security, 'Alarm', { killSwitch: { actInMemberAccounts: true } });
  const org = new Stack(app, 'Org', { env: { account: SECURITY, region: 'us-east-1' } });
  new AgentScp(org, 'Scp', { targetIds: ['ou-ab12-cd34ef56'] });
  return { memberRole, alarm, member, security, org };
}

const { memberRole, alarm, member, security, org } = build();
const mem = resolveTemplate(Template.fromStack(member).toJSON(), { account: ACCOUNT, region: 'us-east-1' });
const sec = resolveTemplate(Template.fromStack(security).toJSON(), { account: SECURITY, region: 'eu-west-1' });
const scps = orgPolicies(resolveTemplate(Template.fromStack(org).toJSON()), 'SERVICE_CONTROL_POLICY');
const roleId = member.getLogicalId(memberRole.role.node.defaultChild as any);
const trust: PolicyDoc = mem.Resources[roleId].Properties.AssumeRolePolicyDocument;
const memberPolicies: PolicyDoc[] = rolePolicies(mem, roleId, { account: ACCOUNT }).identity;
const fn = Object.values<any>(sec.Resources).find(r => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.AGENT_ROLE_PATH);
const fnRoleId = security.getLogicalId(alarm.killSwitch!.function.role!.node.defaultChild as any);
const centralPolicies: PolicyDoc[] = rolePolicies(sec, fnRoleId, { account: SECURITY, region: 'eu-west-1' }).identity;
const centralKillSwitchRole = `arn:aws:iam::${SECURITY}:role/guardrails-guardian/${physicalName(fnRoleId)}`;

const assume = (arn: string, identity: PolicyDoc[] = [ADMINISTRATOR_ACCESS]) => simulate({ identity, resourcePolicy: trust }, {
  action: 'sts:AssumeRole', resource: MEMBER_ROLE_ARN, resourceAccount: ACCOUNT, principal: { arn },
});

describe('KillSwitchMemberRole', () => {
  test('is the reserved guardian role name, one-hour sessions', () => {
    const props = mem.Resources[roleId].Properties;
    expect(props.RoleName).toBe(AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME);
    expect(props.Path).toBe(AgentIdentity.GUARDIAN_ROLE_PATH);
    expect(props.MaxSessionDuration).toBe(3600);
  });

  test('trust: the security account\'s kill switch role may assume it; nobody else', async () => {
    const figures = {
      'central kill switch role (its own policy)': await assume(centralKillSwitchRole, centralPolicies),
      'agent role of the security account': await assume(`arn:aws:iam::${SECURITY}:role/guardrails-agent/claude-code`),
      'ordinary admin role of the security account': await assume(`arn:aws:iam::${SECURITY}:role/Admin`),
      'guardian role of another account': await assume(`arn:aws:iam::${OTHER}:role/guardrails-guardian/kill-switch`),
      'agent role of the member account': await assume(`arn:aws:iam::${ACCOUNT}:role/guardrails-agent/claude-code`),
    };
    expect(figures).toEqual({
      'central kill switch role (its own policy)': 'Allowed',
      'agent role of the security account': 'ImplicitlyDenied',
      'ordinary admin role of the security account': 'ImplicitlyDenied',
      'guardian role of another account': 'ImplicitlyDenied',
      'agent role of the member account': 'ImplicitlyDenied',
    });
  });

  test('an agent of the security account cannot make itself a principal the member role trusts (a role under the guardian path)', async () => {
    const agent = { arn: `arn:aws:iam::${SECURITY}:role/guardrails-agent/claude-code`, tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE } };
    const guardian = `arn:aws:iam::${SECURITY}:role/guardrails-guardian/anything`;
    for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) {
      expect([action, await simulate({ identity: [ADMINISTRATOR_ACCESS], scps }, { action, resource: guardian, principal: agent })])
        .toEqual([action, 'ExplicitlyDenied']);
    }
  });

  test('the central function may assume the member role name only', async () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/guardrails-guardian/something-else`;
    expect(await simulate({ identity: centralPolicies, resourcePolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SECURITY}:root` }, Action: 'sts:AssumeRole' }] } }, {
      action: 'sts:AssumeRole', resource: other, resourceAccount: ACCOUNT, principal: { arn: centralKillSwitchRole },
    })).not.toBe('Allowed');
  });

  const asMember = { arn: MEMBER_ROLE_ARN, sessionName: 'guardrails-kill-switch' };
  const agentRole = `arn:aws:iam::${ACCOUNT}:role/guardrails-agent/claude-code`;

  test('may put and read the revoking policy on the member account\'s agent roles, also under AgentScp; nothing else', async () => {
    const must = async (action: string, resource: string, scp = false) =>
      simulate({ identity: memberPolicies, scps: scp ? scps : undefined }, { action, resource, principal: asMember });
    expect(await must('iam:PutRolePolicy', agentRole)).toBe('Allowed');
    expect(await must('iam:PutRolePolicy', agentRole, true)).toBe('Allowed');
    expect(await must('iam:GetRolePolicy', agentRole, true)).toBe('Allowed');
    expect(await must('iam:ListRoles', '*', true)).toBe('Allowed');
    expect(await must('iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/BreakGlassAdmin`)).not.toBe('Allowed');
    expect(await must('iam:PutRolePolicy', `arn:aws:iam::${OTHER}:role/guardrails-agent/claude-code`)).not.toBe('Allowed');
    expect(await must('iam:DeleteRolePolicy', agentRole)).not.toBe('Allowed');
    expect(await must('iam:AttachRolePolicy', agentRole)).not.toBe('Allowed');
  });

  test('an agent of the member account may not change it (AgentScp guards the guardian path)', async () => {
    const agent = { arn: agentRole, tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE } };
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRole', 'iam:AttachRolePolicy']) {
      expect([action, await simulate({ identity: [ADMINISTRATOR_ACCESS], scps }, { action, resource: MEMBER_ROLE_ARN, principal: agent })])
        .toEqual([action, 'ExplicitlyDenied']);
    }
  });
});

describe('the central alarm with killSwitch.actInMemberAccounts', () => {
  test('its function knows its account and the member role, and may assume it', () => {
    expect(fn.Properties.Environment.Variables).toMatchObject({
      HOME_ACCOUNT: SECURITY, MEMBER_ROLE: `/guardrails-guardian/${AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME}`,
    });
    const statements = centralPolicies.flatMap(p => p.Statement);
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'AssumeMemberKillSwitchRoles', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/guardrails-guardian/${AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME}`,
    }));
  });

  test('without it, the function still knows its account (an event of another account is never looked up here) and assumes nothing', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: SECURITY, region: 'eu-west-1' } });
    new DestructiveCallAlarm(stack, 'Alarm', { killSwitch: {} });
    const t = resolveTemplate(Template.fromStack(stack).toJSON(), { account: SECURITY, region: 'eu-west-1' });
    const f = Object.values<any>(t.Resources).find(r => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.AGENT_ROLE_PATH);
    expect(f.Properties.Environment.Variables.HOME_ACCOUNT).toBe(SECURITY);
    expect(f.Properties.Environment.Variables.MEMBER_ROLE).toBeUndefined();
    expect(JSON.stringify(t).includes('AssumeMemberKillSwitchRoles')).toBe(false);
  });
});

describe('bad input', () => {
  test.each([
    ['12345', /KillSwitchMemberRole 'M\/K': centralAccount: '12345' is not a 12-digit account ID\. Use the ID of the account of the central DestructiveCallAlarm/],
    ['', /centralAccount: '' is not a 12-digit account ID/],
  ])('centralAccount %p', (centralAccount, message) => {
    const stack = new Stack(new App(), 'M');
    expect(() => new KillSwitchMemberRole(stack, 'K', { centralAccount })).toThrow(message);
    expect(stack.node.tryFindChild('K')).toBeUndefined();
  });

  test('agentRolePath that is not an IAM path', () => {
    const stack = new Stack(new App(), 'M');
    expect(() => new KillSwitchMemberRole(stack, 'K', { centralAccount: SECURITY, agentRolePath: 'guardrails-agent' }))
      .toThrow(/KillSwitchMemberRole 'M\/K': agentRolePath: 'guardrails-agent' is not an IAM path below the root\. Use a path that starts and ends with '\/'/);
    expect(stack.node.tryFindChild('K')).toBeUndefined();
  });
});
