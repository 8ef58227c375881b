/**
 * `cdk bootstrap` and `cdk deploy` of a small app (apps/agent-role-app.ts) through the real CDK
 * CLI (the `aws-cdk` devDependency), against moto's CloudFormation, IAM, DynamoDB and SQS.
 *
 * Proves that the synthesized template deploys through the CLI's change-set path and that what
 * AgentRole asks for reaches IAM: the role under /guardrails-agent/ with its tag, boundary,
 * trust policy and every managed policy attached with the statements of the template.
 * Asserts only what moto models (docs/integration-tests.md lists what it does not: it enforces
 * none of these policies, so authorization stays with the iam-simulate tests).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand, StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient,
  ListAttachedRolePoliciesCommand, ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ROLE_NAME, STACK_NAME } from './apps/agent-role-app';
import { MOTO_DEFAULT_ACCOUNT, REGION, clientConfig, emulator, resetEmulator } from './emulator';
import { AgentIdentity } from '../../src/identity/agent-identity';

const ROOT = path.join(__dirname, '..', '..');
const APP = `npx ts-node --transpile-only --project tsconfig.dev.json ${path.join('test', 'integration', 'apps', 'agent-role-app.ts')}`;
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');

const cfn = new CloudFormationClient(clientConfig());
const iam = new IAMClient(clientConfig());
const sqs = new SQSClient(clientConfig());

let outDir = '';
let template: any;
let resources: StackResourceSummary[] = [];

/** Runs the CDK CLI from node_modules against the emulator; throws with its output on failure. */
function cdk(...args: string[]): string {
  const started = Date.now();
  const res = spawnSync(CDK, [...args, '--ci', '--no-notices', '--no-version-reporting'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
    maxBuffer: 64 * 1024 * 1024,
    // The runner's environment: AWS_ENDPOINT_URL (http://localhost:PORT), dummy credentials, AWS_REGION.
    env: { ...process.env, AWS_ENDPOINT_URL: emulator().endpoint, CDK_DISABLE_VERSION_CHECK: '1', FORCE_COLOR: '0' },
  });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.status !== 0) throw new Error(`cdk ${args.join(' ')} failed (exit ${res.status}, ${res.error?.message ?? res.signal ?? ''}):\n${output.slice(-4000)}`);
  console.log(`cdk ${args[0]}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return output;
}

beforeAll(async () => {
  await resetEmulator();
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-integ-cdk-'));
  cdk('bootstrap', `aws://${MOTO_DEFAULT_ACCOUNT}/${REGION}`);
  cdk('deploy', STACK_NAME, '--app', APP, '--output', outDir, '--require-approval', 'never', '--progress', 'events');
  template = JSON.parse(fs.readFileSync(path.join(outDir, `${STACK_NAME}.template.json`), 'utf8'));
  resources = (await cfn.send(new ListStackResourcesCommand({ StackName: STACK_NAME }))).StackResourceSummaries ?? [];
}, 400_000);

afterAll(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  cfn.destroy();
  iam.destroy();
  sqs.destroy();
});

const physicalId = (logicalId: string) => resources.find(x => x.LogicalResourceId === logicalId)?.PhysicalResourceId;
const ofType = (type: string) => Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);
const decode = (doc: string | undefined) => JSON.parse(decodeURIComponent(doc!));
const PSEUDO: Record<string, string> = { 'AWS::AccountId': MOTO_DEFAULT_ACCOUNT, 'AWS::Region': REGION, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
/** The template's Ref and Fn::Join, with the physical IDs moto gave the resources; other intrinsics are left as they are (and then differ). */
function resolve(node: any): any {
  if (Array.isArray(node)) return node.map(resolve);
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.Ref === 'string' && Object.keys(node).length === 1) return PSEUDO[node.Ref] ?? physicalId(node.Ref) ?? node;
  if (Array.isArray(node['Fn::Join']) && Object.keys(node).length === 1) {
    const [sep, parts] = node['Fn::Join'];
    const r = resolve(parts);
    return r.every((x: unknown) => typeof x === 'string') ? r.join(sep) : { 'Fn::Join': [sep, r] };
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
}
/** What a statement does, without the resources (their ARNs hold deploy-time names). */
const shape = (s: any) => resolve({ Sid: s.Sid, Effect: s.Effect, Action: s.Action, NotAction: s.NotAction, Condition: s.Condition });
const asList = (st: any) => (Array.isArray(st) ? st : [st]);

describe('cdk bootstrap + cdk deploy against moto', () => {
  test('the bootstrap stack and the app stack are CREATE_COMPLETE, without termination protection', async () => {
    const [toolkit] = (await cfn.send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }))).Stacks!;
    expect(toolkit.StackStatus).toBe('CREATE_COMPLETE');
    const [stack] = (await cfn.send(new DescribeStacksCommand({ StackName: STACK_NAME }))).Stacks!;
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.EnableTerminationProtection).toBe(false);
    // The CLI deployed through the bootstrap's CloudFormation execution role.
    expect(stack.RoleARN).toBe(`arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${MOTO_DEFAULT_ACCOUNT}-${REGION}`);
  });

  test('every resource of the template exists (AWS::CDK::Metadata aside, which moto skips)', () => {
    const expected = Object.entries<any>(template.Resources).filter(([, r]) => r.Type !== 'AWS::CDK::Metadata')
      .map(([id, r]) => ({ id, type: r.Type, status: 'CREATE_COMPLETE' }));
    const got = resources.filter(x => x.LogicalResourceId)
      .map(x => ({ id: x.LogicalResourceId, type: x.ResourceType, status: x.ResourceStatus }));
    expect(got.sort((a, b) => a.id!.localeCompare(b.id!))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
  });

  test('the agent role is under /guardrails-agent/, tagged guardrails:agent=true, with its boundary and trust policy', async () => {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    expect(Role!.Path).toBe('/guardrails-agent/');
    expect(Role!.Arn).toBe(`arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/guardrails-agent/${ROLE_NAME}`);
    expect(Role!.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:agent', Value: 'true' }]));
    expect(Role!.MaxSessionDuration).toBe(3600);
    const [boundaryId] = ofType('AWS::IAM::ManagedPolicy').find(([, r]) => r.Properties.Description?.startsWith('Permissions boundary'))!;
    expect(Role!.PermissionsBoundary?.PermissionsBoundaryArn).toBe(physicalId(boundaryId));
    expect(Role!.PermissionsBoundary?.PermissionsBoundaryArn).toMatch(/^arn:aws:iam::\d{12}:policy\/guardrails-agent\//);
    const trust = decode(Role!.AssumeRolePolicyDocument);
    // Sessions must set an agent source identity (which survives role chaining); guardrail session tags are refused.
    const account = { AWS: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:root` };
    expect(trust.Statement).toEqual([
      {
        Sid: 'AssumeWithAgentSourceIdentity',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Principal: account,
        Condition: { StringLike: { 'sts:SourceIdentity': `${AgentIdentity.SOURCE_IDENTITY_PREFIX}*` } },
      },
      { Sid: 'TagAgentSessions', Effect: 'Allow', Action: 'sts:TagSession', Principal: account },
      expect.objectContaining({ Sid: 'DenyGuardrailSessionTags', Effect: 'Deny', Action: 'sts:TagSession', Principal: { AWS: '*' } }),
    ]);
    const guardrailTagKeys = [AgentIdentity.AGENT_TAG_KEY, AgentIdentity.EPHEMERAL_TAG_KEY, AgentIdentity.BACKUP_TAG_KEY,
      AgentIdentity.GUARD_TAG_KEY];
    expect(trust.Statement[2].Condition).toEqual({ 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': expect.arrayContaining(guardrailTagKeys) } });
  });

  test('every managed policy of the template is attached (the boundary is not) and holds the template\'s statements', async () => {
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE_NAME }))).AttachedPolicies ?? [];
    const managed = ofType('AWS::IAM::ManagedPolicy');
    const roleId = ofType('AWS::IAM::Role')[0][0];
    const toAttach = managed.filter(([, r]) => (r.Properties.Roles ?? []).some((x: any) => x.Ref === roleId));
    expect(toAttach.length).toBeGreaterThanOrEqual(1);
    expect(attached.map(p => p.PolicyArn).sort()).toEqual(toAttach.map(([id]) => physicalId(id)).sort());
    for (const [id, r] of managed) {
      const arn = physicalId(id)!;
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      expect(Policy!.Path).toBe(r.Properties.Path);
      const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy!.DefaultVersionId }));
      expect({ id, statements: asList(decode(PolicyVersion!.Document).Statement).map(shape) })
        .toEqual({ id, statements: asList(r.Properties.PolicyDocument.Statement).map(shape) });
    }
  });

  test('the grants to the table and the queue are the role\'s inline policy', async () => {
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE_NAME }))).PolicyNames ?? [];
    const [[, policy]] = ofType('AWS::IAM::Policy');
    expect(names).toEqual([policy.Properties.PolicyName]);
    const doc = decode((await iam.send(new GetRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: names[0] }))).PolicyDocument);
    const actions = asList(doc.Statement).flatMap((s: any) => asList(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'sqs:SendMessage']));
    expect(actions.some((a: string) => /^(dynamodb|sqs):Delete/.test(a))).toBe(false);
  });

  test('the queue exists where the stack says', async () => {
    const [queueId] = ofType('AWS::SQS::Queue')[0];
    const url = physicalId(queueId)!;
    const name = url.slice(url.lastIndexOf('/') + 1);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${emulator().endpoint}/${MOTO_DEFAULT_ACCOUNT}/${name}`, AttributeNames: ['QueueArn'] }));
    expect(Attributes!.QueueArn).toBe(`arn:aws:sqs:${REGION}:${MOTO_DEFAULT_ACCOUNT}:${name}`);
  });
});
