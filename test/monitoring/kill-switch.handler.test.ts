import { GetRolePolicyCommand, IAMClient, ListRolesCommand, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import * as r from './records';
import { BLOCK_POLICY_NAME, existingCutoff, handler, parseTrigger, REVOKE_POLICY_NAME } from '../../src/monitoring/kill-switch.lambda';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const noSuchEntity = () => new NoSuchEntityException({ message: 'The role policy with name AWSRevokeOlderSessions cannot be found.', $metadata: {} });
const encoded = (doc: any) => encodeURIComponent(JSON.stringify(doc));
const revokeDoc = (iso: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': iso } } }] });

const alarmEvent = (state = 'ALARM') => ({
  source: 'aws.cloudwatch',
  alarmArn: 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:guardrails-kill-switch-denied',
  accountId: '111111111111',
  time: '2026-11-23T10:05:00.000+0000',
  region: 'us-east-1',
  alarmData: { alarmName: 'guardrails-kill-switch-denied', state: { value: state, reason: 'Threshold Crossed', timestamp: '2026-11-23T10:05:00.000+0000' } },
});

beforeEach(() => {
  iam.reset();
  sts.reset();
  process.env.AGENT_ROLE_PATH = '/guardrails-agent/';
  process.env.BLOCK_NEW_SESSIONS = 'false';
  delete process.env.HOME_ACCOUNT;
  delete process.env.MEMBER_ROLE;
  jest.useFakeTimers({ now: new Date('2026-11-23T10:00:05Z'), doNotFake: ['nextTick', 'setImmediate'] });
});
afterEach(() => jest.useRealTimers());

describe('revoke', () => {
  test('a critical agent event puts AWSRevokeOlderSessions with DateLessThan aws:TokenIssueTime = now on that role only', async () => {
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand).resolves({});
    const out = await handler(r.ec2Terminate(r.AGENT));
    expect(out).toEqual({ trigger: 'cloudtrail-event', revoked: ['claude-code'], alreadyRevoked: [], blocked: [] });
    expect(iam).toHaveReceivedCommandTimes(PutRolePolicyCommand, 1);
    const input = iam.commandCalls(PutRolePolicyCommand)[0].args[0].input;
    expect(input.RoleName).toBe('claude-code');
    expect(input.PolicyName).toBe('AWSRevokeOlderSessions');
    expect(JSON.parse(input.PolicyDocument!)).toEqual(revokeDoc('2026-11-23T10:00:05.000Z'));
    expect(iam).not.toHaveReceivedCommand(ListRolesCommand);
  });

  test('a role under a nested agent path is revoked by its name', async () => {
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand).resolves({});
    expect((await handler(r.ec2Terminate(r.NESTED_AGENT))).revoked).toEqual(['copilot']);
  });

  test('the denied-attempts alarm revokes every role under the agent path (paginated ListRoles)', async () => {
    iam.on(ListRolesCommand, { PathPrefix: '/guardrails-agent/', Marker: undefined }).resolves({ Roles: [{ RoleName: 'a' } as any], IsTruncated: true, Marker: 'm1' });
    iam.on(ListRolesCommand, { PathPrefix: '/guardrails-agent/', Marker: 'm1' }).resolves({ Roles: [{ RoleName: 'b' } as any], IsTruncated: false });
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand).resolves({});
    const out = await handler(alarmEvent());
    expect(out.revoked).toEqual(['a', 'b']);
    expect(iam).toHaveReceivedCommandWith(PutRolePolicyCommand, { RoleName: 'a', PolicyName: REVOKE_POLICY_NAME });
    expect(iam).toHaveReceivedCommandWith(PutRolePolicyCommand, { RoleName: 'b', PolicyName: REVOKE_POLICY_NAME });
  });

  test('blockNewSessions also attaches the deny-all block policy', async () => {
    process.env.BLOCK_NEW_SESSIONS = 'true';
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand).resolves({});
    const out = await handler(r.rdsDeleteInstance(r.AGENT));
    expect(out.blocked).toEqual(['claude-code']);
    const block = iam.commandCalls(PutRolePolicyCommand).map(c => c.args[0].input).find(i => i.PolicyName === BLOCK_POLICY_NAME)!;
    expect(JSON.parse(block.PolicyDocument!).Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Action: ['*'], Resource: ['*'] })]);
    expect(JSON.parse(block.PolicyDocument!).Statement[0].Condition).toBeUndefined();
  });
});

describe('idempotency', () => {
  test('a retry of the same trigger finds the revocation in place and writes nothing', async () => {
    // First run wrote a cut-off after the event time (10:00:00Z).
    iam.on(GetRolePolicyCommand, { PolicyName: REVOKE_POLICY_NAME }).resolves({ RoleName: 'claude-code', PolicyName: REVOKE_POLICY_NAME, PolicyDocument: encoded(revokeDoc('2026-11-23T10:00:05.000Z')) });
    const out = await handler(r.ec2Terminate(r.AGENT));
    expect(out).toEqual({ trigger: 'cloudtrail-event', revoked: [], alreadyRevoked: ['claude-code'], blocked: [] });
    expect(iam).not.toHaveReceivedCommand(PutRolePolicyCommand);
  });

  test('an older revocation is moved forward', async () => {
    iam.on(GetRolePolicyCommand).resolves({ RoleName: 'claude-code', PolicyName: REVOKE_POLICY_NAME, PolicyDocument: encoded(revokeDoc('2026-11-20T00:00:00Z')) });
    iam.on(PutRolePolicyCommand).resolves({});
    expect((await handler(r.ec2Terminate(r.AGENT))).revoked).toEqual(['claude-code']);
  });

  test('an existing block policy is not rewritten', async () => {
    process.env.BLOCK_NEW_SESSIONS = 'true';
    iam.on(GetRolePolicyCommand, { PolicyName: REVOKE_POLICY_NAME }).rejects(noSuchEntity());
    iam.on(GetRolePolicyCommand, { PolicyName: BLOCK_POLICY_NAME }).resolves({ PolicyDocument: encoded({ Statement: [] }), RoleName: 'claude-code', PolicyName: BLOCK_POLICY_NAME });
    iam.on(PutRolePolicyCommand).resolves({});
    const out = await handler(r.ec2Terminate(r.AGENT));
    expect(out.blocked).toEqual([]);
    expect(iam).toHaveReceivedCommandTimes(PutRolePolicyCommand, 1);
  });

  test('existingCutoff reads the latest DateLessThan of Deny statements', () => {
    expect(existingCutoff(revokeDoc('2026-11-23T10:00:05Z'))?.toISOString()).toBe('2026-11-23T10:00:05.000Z');
    expect(existingCutoff({ Statement: { Effect: 'Allow', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' } } } })).toBeUndefined();
    expect(existingCutoff(undefined)).toBeUndefined();
  });
});

describe('what it leaves alone', () => {
  test.each([
    ['a human SSO role', r.SSO_ADMIN],
    ['a pipeline role', r.PIPELINE],
    ['a look-alike path', r.LOOKALIKE],
    ['an IAM user', r.IAM_USER],
  ])('%s is never touched', async (_n, who) => {
    const out = await handler(r.ec2Terminate(who));
    expect(out.trigger).toBe('ignored');
    expect(iam.calls()).toHaveLength(0);
  });

  test('an alarm leaving ALARM (OK) does nothing', async () => {
    expect((await handler(alarmEvent('OK'))).trigger).toBe('ignored');
    expect(iam.calls()).toHaveLength(0);
  });
});

describe('errors', () => {
  test('an unknown event throws (counted in Errors, kept in the DLQ)', async () => {
    await expect(handler({ hello: 'world' })).rejects.toThrow(/unrecognised event/);
    expect(() => parseTrigger({}, '/guardrails-agent/')).toThrow(/unrecognised event/);
  });

  test('a PutRolePolicy failure fails the invocation after trying every role', async () => {
    iam.on(ListRolesCommand).resolves({ Roles: [{ RoleName: 'a' } as any, { RoleName: 'b' } as any] });
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand, { RoleName: 'a' }).rejects(Object.assign(new Error('User is not authorized to perform: iam:PutRolePolicy'), { name: 'AccessDenied' }));
    iam.on(PutRolePolicyCommand, { RoleName: 'b' }).resolves({});
    await expect(handler(alarmEvent())).rejects.toThrow(/kill switch failed for 1 of 2 role\(s\): a: AccessDenied/);
    expect(iam).toHaveReceivedCommandWith(PutRolePolicyCommand, { RoleName: 'b' });
  });

  test('a GetRolePolicy error other than NoSuchEntity is not taken as "no policy"', async () => {
    iam.on(GetRolePolicyCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(handler(r.ec2Terminate(r.AGENT))).rejects.toThrow(/Throttling/);
    expect(iam).not.toHaveReceivedCommand(PutRolePolicyCommand);
  });

  test('a missing AGENT_ROLE_PATH throws', async () => {
    delete process.env.AGENT_ROLE_PATH;
    await expect(handler(r.ec2Terminate(r.AGENT))).rejects.toThrow(/AGENT_ROLE_PATH/);
  });
});

describe('an agent role in a member account (a central alarm)', () => {
  const MEMBER = '222222222222';
  const MEMBER_ROLE = '/guardrails-guardian/guardrails-kill-switch-member';
  const memberAgent: r.Caller = { ...r.AGENT, account: MEMBER };
  const credentials = { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2026-11-23T10:15:05Z') };

  test('an event of this account\'s own agent is revoked here, without AssumeRole', async () => {
    process.env.HOME_ACCOUNT = r.ACCOUNT;
    process.env.MEMBER_ROLE = MEMBER_ROLE;
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand).resolves({});
    expect(await handler(r.ec2Terminate(r.AGENT))).toEqual({ trigger: 'cloudtrail-event', revoked: ['claude-code'], alreadyRevoked: [], blocked: [] });
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  test('an event of a member account\'s agent assumes that account\'s kill-switch role and revokes there', async () => {
    process.env.HOME_ACCOUNT = r.ACCOUNT;
    process.env.MEMBER_ROLE = MEMBER_ROLE;
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand).resolves({});
    const out = await handler(r.ec2Terminate(memberAgent));
    expect(out).toEqual({ trigger: 'cloudtrail-event', revoked: ['claude-code'], alreadyRevoked: [], blocked: [], account: MEMBER });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role${MEMBER_ROLE}`, RoleSessionName: 'guardrails-kill-switch',
    });
    // The IAM client that wrote the policy signs with the member role's credentials.
    const put = iam.commandCalls(PutRolePolicyCommand)[0];
    const creds = await (put.thisValue as IAMClient).config.credentials();
    expect(creds.accessKeyId).toBe('ASIAMEMBER');
    expect(JSON.parse(put.args[0].input.PolicyDocument!)).toEqual(revokeDoc('2026-11-23T10:00:05.000Z'));
  });

  test('without a member role, a member account\'s event fails the invocation and writes nothing here', async () => {
    process.env.HOME_ACCOUNT = r.ACCOUNT;
    await expect(handler(r.ec2Terminate(memberAgent))).rejects.toThrow(
      /agent role is in account 222222222222, not in this kill switch's account 111111111111.*nothing was revoked/);
    expect(iam).not.toHaveReceivedCommand(PutRolePolicyCommand);
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  test('a refused AssumeRole fails the invocation (alarmed, kept in the dead-letter queue)', async () => {
    process.env.HOME_ACCOUNT = r.ACCOUNT;
    process.env.MEMBER_ROLE = MEMBER_ROLE;
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    await expect(handler(r.ec2Terminate(memberAgent))).rejects.toThrow(/AccessDenied|sts:AssumeRole/);
    expect(iam).not.toHaveReceivedCommand(PutRolePolicyCommand);
  });

  test('parseTrigger names the member account and partition', () => {
    process.env.HOME_ACCOUNT = r.ACCOUNT;
    expect(parseTrigger(r.ec2Terminate(memberAgent), '/guardrails-agent/')).toMatchObject({ account: MEMBER, partition: 'aws', roleNames: ['claude-code'] });
    expect(parseTrigger(r.ec2Terminate(r.AGENT), '/guardrails-agent/')).toMatchObject({ account: undefined });
  });
});
