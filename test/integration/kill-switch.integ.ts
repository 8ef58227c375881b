/**
 * The kill switch end to end against an IAM the project did not write (moto's).
 *
 * The bundled Lambda asset (assets/monitoring/kill-switch.lambda/index.js, what the
 * KillSwitch construct deploys) runs in-process, as the Lambda runtime would run it, with the
 * real AWS SDK v3 IAM client sending real HTTP requests to moto (invoking a Lambda inside moto
 * needs Docker). The roles, inline policies and errors below are moto's, not mocks: this proves
 * the handler's requests are well-formed and its reading of IAM's answers (ListRoles pages,
 * GetRolePolicy's URL-encoded document, NoSuchEntity, AccessDenied) is right.
 *
 * It does not prove that the policies it writes stop a session: moto does not enforce IAM
 * conditions. That stays with the evaluator tests (test/monitoring, iam-simulate).
 */
import * as path from 'path';
import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteRoleCommand, GetRolePolicyCommand,
  IAMClient, ListRolePoliciesCommand, ListRolesCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { clientConfig, resetEmulator, setIamAuthorization } from './emulator';
import * as r from '../monitoring/records';

const ASSET = path.join(__dirname, '..', '..', 'assets', 'monitoring', 'kill-switch.lambda', 'index.js');
/** The name the IAM console's "Revoke active sessions" gives its policy. */
const REVOKE = 'AWSRevokeOlderSessions';
const AGENT_PATH = '/guardrails-agent/';

interface Result { trigger: string; revoked: string[]; alreadyRevoked: string[]; blocked: string[]; reason?: string }
interface Asset {
  REVOKE_POLICY_NAME: string;
  BLOCK_POLICY_NAME: string;
  handler(event: unknown): Promise<Result>;
}

/** A fresh copy of the asset: its IAM client reads the environment's endpoint and credentials. */
function loadAsset(): Asset {
  let asset: Asset | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    asset = require(ASSET);
  });
  return asset!;
}

const iam = new IAMClient(clientConfig());
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });

/** Roles as the reference records name them (test/monitoring/records.ts). */
const ROLES: Array<{ caller: r.Caller; agent: boolean }> = [
  { caller: r.AGENT, agent: true },
  { caller: r.NESTED_AGENT, agent: true },
  { caller: r.LOOKALIKE, agent: false },
  { caller: r.SSO_ADMIN, agent: false },
  { caller: r.PIPELINE, agent: false },
];
/** More agent roles than one ListRoles page (moto pages at 100, like IAM's default MaxItems). */
const BULK_AGENTS = 101;

function split(rolePathAndName: string): { path: string; name: string } {
  const i = rolePathAndName.lastIndexOf('/');
  return { path: rolePathAndName.slice(0, i + 1), name: rolePathAndName.slice(i + 1) };
}
const nameOf = (c: r.Caller) => split(c.rolePathAndName!).name;

let account = '';
/** A caller of the reference records, in the emulator's account. */
const inAccount = (c: r.Caller): r.Caller => ({ ...c, account });

async function createRole(rolePathAndName: string): Promise<string> {
  const { path: p, name } = split(rolePathAndName);
  const out = await iam.send(new CreateRoleCommand({ RoleName: name, Path: p, AssumeRolePolicyDocument: trust }));
  return out.Role!.Arn!;
}

async function inlinePolicies(roleName: string): Promise<string[]> {
  return (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
}

async function inlinePolicy(roleName: string, policyName: string): Promise<any> {
  const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
  return JSON.parse(decodeURIComponent(out.PolicyDocument!));
}

/** Every role's inline policy names, to prove what the handler did not touch. */
async function snapshot(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const { caller } of ROLES) out[nameOf(caller)] = await inlinePolicies(nameOf(caller));
  return out;
}

const alarmEvent = (time: string) => ({
  source: 'aws.cloudwatch',
  alarmArn: `arn:aws:cloudwatch:us-east-1:${account}:alarm:guardrails-kill-switch-denied`,
  accountId: account,
  time,
  region: 'us-east-1',
  alarmData: { alarmName: 'guardrails-kill-switch-denied', state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: time } },
});

const withTime = (event: any, time: string) => ({ ...event, time, detail: { ...event.detail, eventTime: time } });

let asset: Asset;
let firstEvent: any;
/** The handler's log lines (one JSON object per invocation), kept out of the test output. */
const logs: string[] = [];

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { logs.push(args.join(' ')); });
  await resetEmulator();
  for (const { caller } of ROLES) {
    const arn = await createRole(caller.rolePathAndName!);
    account = /^arn:aws:iam::(\d{12}):role\//.exec(arn)![1];
  }
  for (let i = 0; i < BULK_AGENTS; i++) await createRole(`${AGENT_PATH}bulk/agent-${String(i).padStart(3, '0')}`);
  process.env.AGENT_ROLE_PATH = AGENT_PATH;
  process.env.BLOCK_NEW_SESSIONS = 'false';
  asset = loadAsset();
});

afterAll(() => {
  iam.destroy();
  jest.restoreAllMocks();
});

describe('kill switch asset against moto IAM', () => {
  test('the asset names the policy as the IAM console does', () => {
    expect(asset.REVOKE_POLICY_NAME).toBe(REVOKE);
  });

  test('a critical event from an agent role writes AWSRevokeOlderSessions on that role, and on no other', async () => {
    const before = Date.now();
    // The event's time is now: sessions issued before it lose their rights.
    firstEvent = withTime(r.ec2Terminate(inAccount(r.AGENT)), new Date(before).toISOString());
    const out = await asset.handler(firstEvent);
    const after = Date.now();
    expect(out).toEqual({ trigger: 'cloudtrail-event', revoked: ['claude-code'], alreadyRevoked: [], blocked: [] });

    const doc = await inlinePolicy('claude-code', REVOKE);
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.any(String) } } }],
    });
    const cutoff = Date.parse(doc.Statement[0].Condition.DateLessThan['aws:TokenIssueTime']);
    expect(cutoff).toBeGreaterThanOrEqual(before);
    expect(cutoff).toBeLessThanOrEqual(after);
    expect(await snapshot()).toEqual({
      'claude-code': [REVOKE],
      'copilot': [],
      'not-an-agent': [],
      'AWSReservedSSO_AdministratorAccess_0123456789abcdef': [],
      'cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1': [],
    });
  });

  test('a retry of the same event finds the revocation in place and writes nothing', async () => {
    const first = await inlinePolicy('claude-code', REVOKE);
    const out = await asset.handler(firstEvent);
    expect(out).toEqual({ trigger: 'cloudtrail-event', revoked: [], alreadyRevoked: ['claude-code'], blocked: [] });
    expect(await inlinePolicy('claude-code', REVOKE)).toEqual(first);
  });

  test('a later event moves the cut-off forward', async () => {
    const first = Date.parse((await inlinePolicy('claude-code', REVOKE)).Statement[0].Condition.DateLessThan['aws:TokenIssueTime']);
    const later = new Date(first + 60_000).toISOString();
    const out = await asset.handler(withTime(r.rdsDeleteInstance(inAccount(r.AGENT)), later));
    expect(out.revoked).toEqual(['claude-code']);
    const doc = await inlinePolicy('claude-code', REVOKE);
    expect(Date.parse(doc.Statement[0].Condition.DateLessThan['aws:TokenIssueTime'])).toBe(Date.parse(later));
  });

  test('BLOCK_NEW_SESSIONS also attaches the deny-all block, once', async () => {
    process.env.BLOCK_NEW_SESSIONS = 'true';
    try {
      const event = r.s3DeleteBucket(inAccount(r.NESTED_AGENT));
      expect(await asset.handler(event)).toEqual({ trigger: 'cloudtrail-event', revoked: ['copilot'], alreadyRevoked: [], blocked: ['copilot'] });
      expect((await inlinePolicies('copilot')).sort()).toEqual([REVOKE, asset.BLOCK_POLICY_NAME].sort());
      const block = await inlinePolicy('copilot', asset.BLOCK_POLICY_NAME);
      expect(block.Statement).toEqual([{ Sid: expect.any(String), Effect: 'Deny', Action: ['*'], Resource: ['*'] }]);
      // A retry: both already in place.
      expect(await asset.handler(event)).toEqual({ trigger: 'cloudtrail-event', revoked: [], alreadyRevoked: ['copilot'], blocked: [] });
    } finally {
      process.env.BLOCK_NEW_SESSIONS = 'false';
    }
  });

  test.each([
    ['a look-alike path (/guardrails-agents/)', r.LOOKALIKE],
    ['a human SSO role', r.SSO_ADMIN],
    ['a pipeline role', r.PIPELINE],
    ['an IAM user', r.IAM_USER],
  ])('an event from %s is ignored and touches nothing', async (_n, who) => {
    const before = await snapshot();
    const out = await asset.handler(r.ec2Terminate(inAccount(who)));
    expect(out.trigger).toBe('ignored');
    expect(await snapshot()).toEqual(before);
  });

  test('the denied-attempts alarm revokes every role under the agent path (two ListRoles pages) and no other', async () => {
    // moto pages ListRoles like IAM: the handler must follow the Marker.
    expect((await iam.send(new ListRolesCommand({ PathPrefix: AGENT_PATH }))).IsTruncated).toBe(true);
    const out = await asset.handler(alarmEvent(new Date().toISOString()));
    expect(out.trigger).toBe('alarm');
    const all = [...out.revoked, ...out.alreadyRevoked];
    expect(all).toHaveLength(2 + BULK_AGENTS);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['claude-code', 'copilot', 'agent-000', `agent-${String(BULK_AGENTS - 1).padStart(3, '0')}`]));
    const policies = await snapshot();
    expect(policies['not-an-agent']).toEqual([]);
    expect(policies.AWSReservedSSO_AdministratorAccess_0123456789abcdef).toEqual([]);
    expect(policies['cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1']).toEqual([]);
    expect(await inlinePolicies('agent-050')).toEqual([REVOKE]);
  });
});

describe('kill switch errors against moto IAM', () => {
  test('a role that no longer exists fails the invocation with IAM\'s NoSuchEntity', async () => {
    await createRole(`${AGENT_PATH}gone`);
    await iam.send(new DeleteRoleCommand({ RoleName: 'gone' }));
    const event = r.ec2Terminate(inAccount({ rolePathAndName: `${AGENT_PATH}gone`, sessionName: 's' }));
    await expect(asset.handler(event)).rejects.toThrow(/^kill switch failed for 1 of 1 role\(s\): gone: NoSuchEntity/);
  });

  test('a refused PutRolePolicy fails the invocation after trying every role, and writes nothing', async () => {
    // The function's identity may list roles and read policies but not write them.
    await iam.send(new CreateUserCommand({ UserName: 'kill-switch-without-write' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'kill-switch-without-write',
      PolicyName: 'read-only',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['iam:ListRoles', 'iam:GetRolePolicy'], Resource: '*' },
          { Effect: 'Deny', Action: 'iam:PutRolePolicy', Resource: '*' },
        ],
      }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'kill-switch-without-write' }))).AccessKey!;
    await createRole(`${AGENT_PATH}fresh-a`);
    await createRole(`${AGENT_PATH}fresh-b`);
    const before = { a: await inlinePolicies('fresh-a'), b: await inlinePolicies('fresh-b') };

    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = key.AccessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = key.SecretAccessKey;
    let error: Error | undefined;
    await setIamAuthorization(true);
    try {
      // A later cut-off than any earlier test wrote, so every role needs a write.
      await loadAsset().handler(alarmEvent(new Date(Date.now() + 3_600_000).toISOString()));
    } catch (e) {
      error = e as Error;
    } finally {
      await setIamAuthorization(false);
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
    const roles = 2 + BULK_AGENTS + 2;
    expect(error?.message).toMatch(new RegExp(`^kill switch failed for ${roles} of ${roles} role\\(s\\): `));
    expect(error?.message).toMatch(/fresh-a: AccessDenied: .*iam:PutRolePolicy/);
    expect(JSON.parse(logs[logs.length - 1])).toMatchObject({ action: 'kill-switch', trigger: 'alarm', revoked: [], blocked: [] });
    expect({ a: await inlinePolicies('fresh-a'), b: await inlinePolicies('fresh-b') }).toEqual(before);
  });
});
