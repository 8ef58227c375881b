/**
 * The organization roll-out against moto: what a StackSet would create in a member account, and
 * the central kill switch acting there.
 *
 * moto has no StackSets (nor Organizations-driven stack instances), so the StackSets' own
 * deployment is not exercised. What is: the two member templates of the multi-account reference
 * app (examples/organization.ts), exactly as `GuardrailsStackSet` hands them to CloudFormation
 * (`TemplateURL` on an S3 object, both are over the 51,200-byte inline limit), are created as
 * stacks in a second account (111111111111, reached through `sts:AssumeRole` as a service-managed
 * StackSet's execution role would be), the global one in one Region and the regional one in two.
 * Then the kill switch asset runs in-process as the security account's function (moto's default
 * account) and revokes the member account's agent role through the member account's
 * `KillSwitchMemberRole`, with real STS and IAM requests.
 *
 * moto does not evaluate trust policies or conditions: who may assume the member role is
 * evaluated with iam-simulate in test/organization-rollout/kill-switch-member.eval.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand, IAMClient, ListPoliciesCommand, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { App } from 'aws-cdk-lib';
import { clientConfig, MOTO_DEFAULT_ACCOUNT, resetEmulator } from './emulator';
import { TEMPLATE_GAPS } from './emulator-gaps';
import { buildOrganizationApp, CENTRAL_REGION, OrganizationManagementStack, PERMISSION_SET_NAME, SECURITY_ACCOUNT } from '../../examples/organization';
import { AgentIdentity } from '../../src';
import { resolveTemplate } from '../harness';
import { matchesPattern } from '../harness/event-pattern';
import * as r from '../monitoring/records';

const ASSET = path.join(__dirname, '..', '..', 'assets', 'monitoring', 'kill-switch.lambda', 'index.js');
const MEMBER = '111111111111';
const MEMBER_REGIONS = ['us-east-1', 'ap-southeast-2'];
/** Resource types of the member templates moto's CloudFormation skips (it logs "No Moto CloudFormation support for ..."). */
const MOTO_SKIPS = ['AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy'];

interface Result { trigger: string; revoked: string[]; alreadyRevoked: string[]; blocked: string[]; account?: string }
function loadAsset(): { handler(event: unknown): Promise<Result> } {
  let asset: any;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    asset = require(ASSET);
  });
  return asset;
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };
let memberCredentials: Credentials;
let securityCredentials: Credentials;
let securityTemplate: any;
const memberClient = <T>(C: new (c: any) => T, region = 'us-east-1'): T => new C({ ...clientConfig(), region, credentials: memberCredentials });
let templates: { global: string; regional: string };
const logs: string[] = [];
const created: string[] = [];

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { logs.push(args.join(' ')); });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-app-'));
  const app = buildOrganizationApp(new App({ outdir }));
  const management = app.node.findChild('OrganizationManagement') as OrganizationManagementStack;
  const assembly = app.synth();
  securityTemplate = assembly.getStackByName('OrganizationSecurity').template;
  templates = {
    global: fs.readFileSync(path.join(outdir, management.globalMember.templateFile), 'utf8'),
    regional: fs.readFileSync(path.join(outdir, management.regionalMember.templateFile), 'utf8'),
  };
  await resetEmulator();
  // A service-managed StackSet acts in a member account through a role it assumes there.
  const sts = new STSClient(clientConfig());
  const assume = async (roleArn: string): Promise<Credentials> => {
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'guardrails-integ' }))).Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  };
  memberCredentials = await assume(`arn:aws:iam::${MEMBER}:role/stacksets-exec-guardrails`);
  // The security account of the example, reached the same way (moto keeps each account's resources apart).
  securityCredentials = await assume(`arn:aws:iam::${SECURITY_ACCOUNT}:role/security-admin`);
  sts.destroy();
}, 300_000);

afterAll(() => jest.restoreAllMocks());

async function createStack(name: string, body: string, region: string): Promise<string> {
  const s3 = new S3Client({ ...clientConfig(), region, credentials: memberCredentials, forcePathStyle: true });
  const bucket = `stackset-templates-${MEMBER}-${region}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as any } }) }));
  // moto fails on a few template forms CloudFormation documents (emulator-gaps.ts, probed by guarded-deploy.integ.ts): adjust a copy.
  const forMoto = JSON.parse(body);
  const adjusted = TEMPLATE_GAPS.flatMap(g => g.adjust(forMoto).map(id => `${g.id} ${id}`));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${name}.json`, Body: JSON.stringify(forMoto) }));
  const cfn = memberClient(CloudFormationClient, region);
  await cfn.send(new CreateStackCommand({
    StackName: name, TemplateURL: `https://${bucket}.s3.amazonaws.com/${name}.json`, Capabilities: ['CAPABILITY_NAMED_IAM'],
  }));
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0];
  const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: name }))).StackResourceSummaries ?? [];
  const inTemplate = JSON.parse(body).Resources as Record<string, { Type: string }>;
  const missing = Object.entries(inTemplate).filter(([id]) => !resources.some(x => x.LogicalResourceId === id)).map(([, x]) => x.Type);
  // Every resource of the template is created, except the types moto does not emulate.
  expect(missing.filter(t => !MOTO_SKIPS.includes(t))).toEqual([]);
  const total = Object.keys(inTemplate).length;
  created.push(`${name} in ${region}: ${stack.StackStatus}, ${total - missing.length} of ${total} resources`
    + `${missing.length ? ` (moto skips ${missing.join(', ')})` : ''}${adjusted.length ? ` (adjusted for moto: ${adjusted.join(', ')})` : ''}`);
  return `${stack.StackStatus}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}`;
}

describe('member templates deploy in a member account', () => {
  test('both are over the inline limit: a StackSet reads them from S3 (TemplateURL)', () => {
    expect(Buffer.byteLength(templates.global)).toBeGreaterThan(51_200);
    expect(Buffer.byteLength(templates.regional)).toBeGreaterThan(51_200);
  });

  test('the regional member stack in two Regions, then the global one (deny policies, kill-switch role, agent role) in one', async () => {
    // The regional stacks first: two StackSets' automatic deployments to a new account come in no promised order.
    for (const region of MEMBER_REGIONS) {
      expect(await createStack(`StackSet-guardrails-regional-${region}`, templates.regional, region)).toBe('CREATE_COMPLETE');
    }
    expect(await createStack('StackSet-guardrails-global', templates.global, 'us-east-1')).toBe('CREATE_COMPLETE');
    console.info(`[organization integ] ${created.join('; ')}`);
    const iam = memberClient(IAMClient);
    const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
    const memberRole = roles.find(x => x.RoleName === AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME);
    expect(memberRole?.Arn).toBe(`arn:aws:iam::${MEMBER}:role${AgentIdentity.GUARDIAN_ROLE_PATH}${AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME}`);
    expect(JSON.stringify(JSON.parse(decodeURIComponent(memberRole!.AssumeRolePolicyDocument!)))).toContain('aws:PrincipalArn');
    // Every role of the templates, the regional ones once per Region (generated names, or names that hold the Region).
    const rolesOn = (template: string, rolePath: string) => Object.values<any>(JSON.parse(template).Resources)
      .filter(x => x.Type === 'AWS::IAM::Role' && x.Properties.Path === rolePath).length;
    for (const rolePath of [AgentIdentity.AGENT_ROLE_PATH, AgentIdentity.GUARDIAN_ROLE_PATH]) {
      const expected = rolesOn(templates.global, rolePath) + MEMBER_REGIONS.length * rolesOn(templates.regional, rolePath);
      expect([rolePath, roles.filter(x => x.Path === rolePath).length]).toEqual([rolePath, expected]);
    }
    // The guarded bootstrap's roles in each Region (agents may `cdk deploy` there).
    for (const region of MEMBER_REGIONS) expect(roles.map(x => x.RoleName)).toContain(`cdk-agent-deploy-role-${MEMBER}-${region}`);
    const policies = (await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: AgentIdentity.AGENT_ROLE_PATH }))).Policies ?? [];
    // The deny policies the permission set references by name (AgentDenyPolicies' default prefix), and the boundary.
    const named = Object.values<any>(JSON.parse(templates.global).Resources).filter(x => x.Type === 'AWS::IAM::ManagedPolicy').map(x => x.Properties.ManagedPolicyName);
    expect(named.filter((n: string) => /^guardrails-agent-sso-deny-\d+$/.test(n)).length).toBeGreaterThanOrEqual(7);
    expect(policies.map(p => p.PolicyName).sort()).toEqual(expect.arrayContaining(named.filter((n: string) => /^guardrails-agent-sso-/.test(n)).sort()));
    iam.destroy();
  });
});

describe('the central kill switch revokes an agent role of the member account', () => {
  const env = { AGENT_ROLE_PATH: AgentIdentity.AGENT_ROLE_PATH, BLOCK_NEW_SESSIONS: 'false', HOME_ACCOUNT: MOTO_DEFAULT_ACCOUNT };
  let agentRole = '';

  beforeAll(async () => {
    const iam = memberClient(IAMClient);
    // The global member stack's AgentRole (the guarded bootstrap's roles share the path).
    agentRole = ((await iam.send(new ListRolesCommand({ PathPrefix: AgentIdentity.AGENT_ROLE_PATH }))).Roles ?? [])
      .map(x => x.RoleName!).find(n => n.startsWith('StackSet-guardrails-global-AgentRole'))!;
    expect(agentRole).toBeDefined();
    iam.destroy();
  });

  const event = () => r.ec2Terminate({ rolePathAndName: `${AgentIdentity.AGENT_ROLE_PATH}${agentRole}`, sessionName: 'claude-session-1', account: MEMBER });

  test('without the member role configured, it refuses and writes nothing in either account', async () => {
    Object.assign(process.env, env);
    delete process.env.MEMBER_ROLE;
    await expect(loadAsset().handler(event())).rejects.toThrow(new RegExp(`agent role is in account ${MEMBER}`));
    const iam = memberClient(IAMClient);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: agentRole }))).PolicyNames).toEqual([]);
    iam.destroy();
  });

  test('with it, the function (security account) assumes the member role and puts AWSRevokeOlderSessions on that agent role only', async () => {
    Object.assign(process.env, env, { MEMBER_ROLE: `${AgentIdentity.GUARDIAN_ROLE_PATH}${AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME}` });
    try {
      const before = Date.now();
      const out = await loadAsset().handler({ ...event(), time: new Date(before).toISOString() });
      expect(out).toEqual({ trigger: 'cloudtrail-event', revoked: [agentRole], alreadyRevoked: [], blocked: [], account: MEMBER });
      const iam = memberClient(IAMClient);
      const written = await iam.send(new GetRolePolicyCommand({ RoleName: agentRole, PolicyName: 'AWSRevokeOlderSessions' }));
      const doc = JSON.parse(decodeURIComponent(written.PolicyDocument!));
      expect(doc.Statement[0]).toMatchObject({ Effect: 'Deny', Action: ['*'], Resource: ['*'] });
      expect(Date.parse(doc.Statement[0].Condition.DateLessThan['aws:TokenIssueTime'])).toBeGreaterThanOrEqual(before);
      // The kill-switch role and the forwarder roles are left alone.
      for (const role of ((await iam.send(new ListRolesCommand({ PathPrefix: AgentIdentity.GUARDIAN_ROLE_PATH }))).Roles ?? [])) {
        expect([role.RoleName, (await iam.send(new ListRolePoliciesCommand({ RoleName: role.RoleName }))).PolicyNames?.includes('AWSRevokeOlderSessions')])
          .toEqual([role.RoleName, false]);
      }
      iam.destroy();
      // The security account has no role of that name: nothing was written there.
      const home = new IAMClient(clientConfig());
      expect(((await home.send(new ListRolesCommand({}))).Roles ?? []).map(x => x.RoleName)).not.toContain(agentRole);
      home.destroy();
    } finally {
      delete process.env.MEMBER_ROLE;
    }
  });
});

describe('agent events of the member account reach the central alarm\'s rules (bus to bus, across accounts and Regions)', () => {
  // The forwarder rules are those the regional member stack created above in the member account
  // (ap-southeast-2); the central alarm's rules are the security stack's, each given an SQS queue
  // in the security account's default bus in the central Region, as eventbridge.integ.ts does.
  const inSecurity = <T>(C: new (c: any) => T): T => new C({ ...clientConfig(), region: CENTRAL_REGION, credentials: securityCredentials });
  const ssoAgent: r.Caller = {
    rolePathAndName: `/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${PERMISSION_SET_NAME}_0123456789abcdef`, sessionName: 'alice@example.com', account: MEMBER,
  };
  const agent: r.Caller = { ...r.AGENT, account: MEMBER };
  const human: r.Caller = { ...r.SSO_ADMIN, account: MEMBER };
  const region = 'ap-southeast-2';
  const cases = [
    { what: 'Identity Center agent terminates', event: r.apiCall(ssoAgent, 'ec2.amazonaws.com', 'TerminateInstances', { region }) },
    { what: 'Identity Center agent refused DeleteDBInstance', event: r.apiCall(ssoAgent, 'rds.amazonaws.com', 'DeleteDBInstance', { region, errorCode: 'AccessDenied' }) },
    { what: 'agent role deletes a bucket', event: r.apiCall(agent, 's3.amazonaws.com', 'DeleteBucket', { region, requestParameters: { bucketName: 'prod' } }) },
    { what: 'human Identity Center administrator terminates', event: r.apiCall(human, 'ec2.amazonaws.com', 'TerminateInstances', { region }) },
    { what: 'Identity Center agent describes', event: r.apiCall(ssoAgent, 'ec2.amazonaws.com', 'DescribeInstances', { region, readOnly: true }) },
  ];

  test('each delivered exactly to the central rules the library\'s matcher names; a human\'s call and a read to none', async () => {
    const resolved = resolveTemplate(securityTemplate, { account: SECURITY_ACCOUNT, region: CENTRAL_REGION });
    const rules = Object.values<any>(resolved.Resources).filter(x => x.Type === 'AWS::Events::Rule')
      .map(x => ({ name: x.Properties.Name as string, pattern: x.Properties.EventPattern }));
    expect(rules.length).toBeGreaterThan(50);
    const eb = inSecurity(EventBridgeClient);
    const sqs = inSecurity(SQSClient);
    const queues = new Map<string, string>();
    for (const [i, rule] of rules.entries()) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `central-${String(i).padStart(3, '0')}` }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await eb.send(new PutRuleCommand({ Name: rule.name, EventPattern: JSON.stringify(rule.pattern), State: 'ENABLED' }));
      await eb.send(new PutTargetsCommand({
        Rule: rule.name,
        Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn!, InputTransformer: { InputPathsMap: { eventID: '$.detail.eventID' }, InputTemplate: '{"eventID": "<eventID>"}' } }],
      }));
      queues.set(rule.name, QueueUrl!);
    }
    const member = memberClient(EventBridgeClient, region);
    const out = await member.send(new PutEventsCommand({
      Entries: cases.map(({ event }) => ({ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) })),
    }));
    expect(out.FailedEntryCount).toBe(0);
    const delivered = new Map<string, string[]>();
    for (const [name, url] of queues) {
      for (;;) {
        const receive = new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 900, WaitTimeSeconds: 0 });
        const { Messages } = await sqs.send(receive);
        if (!Messages?.length) break;
        for (const m of Messages) {
          const id = JSON.parse(m.Body!).eventID;
          delivered.set(id, [...(delivered.get(id) ?? []), name]);
        }
      }
    }
    const figures = cases.map(({ what, event }) => {
      const expected = rules.filter(rule => matchesPattern(rule.pattern, event)).map(rule => rule.name).sort();
      const got = (delivered.get(event.detail.eventID) ?? []).sort();
      expect([what, got]).toEqual([what, expected]);
      return `${what}: ${got.length ? got.join(', ') : 'no rule'}`;
    });
    expect(figures.filter(f => !f.endsWith('no rule'))).toHaveLength(3);
    console.info(`[organization integ] ${rules.length} central rules in ${SECURITY_ACCOUNT} ${CENTRAL_REGION}; from ${MEMBER} ${region}: ${figures.join('; ')}`);
    [eb, sqs, member].forEach(c => c.destroy());
  });
});
