/**
 * Proves AgentRole by evaluation (DESIGN "What verified means"): the synthesized template
 * is resolved to concrete ARNs, the role's identity policies and boundary are extracted,
 * and requests are evaluated by the project's harness (iam-simulate), as AWS would.
 * Figures (counts, sizes, timings) are printed with the prefix `[agent-role]`.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentRole, AgentRoleProps } from '../../src/agent-role';
import { ActionCatalog, ActionCategory } from '../../src/catalog';
import { AgentIdentity } from '../../src/identity';
import { ACCOUNT, ADMINISTRATOR_ACCESS, Decision, PolicySet, Principal, REGION, resolveTemplate, rolePolicies, simulate, simulateMany, SimRequest, sweep, tally } from '../harness';

// Each proof evaluates the whole action catalog through iam-simulate workers after a synth:
// measured up to 16 s per test (59 s for the file) with 2 cores under load.
jest.setTimeout(240_000);
// The CDK's built-in CloudFormation validation is covered by agent-role.test.ts; skip it here for speed.
process.env.CDK_VALIDATION = 'false';

const ROLE_NAME = 'coding-agent';
const AGENT_ARN = `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}${ROLE_NAME}`;
const AGENT: Principal = { arn: AGENT_ARN, tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE }, sessionName: 'claude-code' };
const EPHEMERAL = { [AgentIdentity.EPHEMERAL_TAG_KEY]: AgentIdentity.EPHEMERAL_TAG_VALUE };
const DENIED_BY_DEFAULT = [ActionCategory.DESTROY, ActionCategory.WEAKEN, ActionCategory.EXPOSE, ActionCategory.ESCALATE];

function figure(label: string, value: unknown): void {
  // eslint-disable-next-line no-console
  console.log(`[agent-role] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

function synth(props: Partial<AgentRoleProps> = {}): { set: PolicySet; template: any; role: AgentRole } {
  const app = new App();
  const stack = new Stack(app, 'AgentStack', { env: { account: ACCOUNT, region: REGION } });
  const role = new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), roleName: ROLE_NAME, ...props });
  const template = Template.fromStack(stack).toJSON();
  const resolved = resolveTemplate(template);
  const logicalId = Object.keys(resolved.Resources).find(k => resolved.Resources[k].Type === 'AWS::IAM::Role')!;
  return { set: rolePolicies(resolved, logicalId), template, role };
}

/** Ordinary work of a coding agent: creates, updates, starts, stops, deploys. */
const ORDINARY = [
  'ec2:RunInstances', 'ec2:StopInstances', 'ec2:StartInstances', 'ec2:RebootInstances', 'ec2:CreateVpc', 'ec2:CreateSubnet',
  'ec2:CreateSecurityGroup', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateVolume', 'ec2:AttachVolume', 'ec2:CreateSnapshot',
  's3:CreateBucket', 's3:PutObject', 's3:GetObject', 's3:ListBucket',
  'lambda:CreateFunction', 'lambda:PublishVersion',
  'dynamodb:CreateTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query',
  'rds:CreateDBInstance', 'rds:CreateDBSnapshot', 'rds:StopDBInstance', 'rds:RebootDBInstance',
  'sqs:CreateQueue', 'sqs:SendMessage', 'sns:CreateTopic', 'sns:Publish',
  'ecr:PutImage', 'ecr:CreateRepository', 'ecs:RegisterTaskDefinition',
  'logs:CreateLogGroup', 'logs:PutLogEvents', 'cloudwatch:PutMetricData', 'ssm:PutParameter', 'ssm:GetParameter',
  'secretsmanager:CreateSecret', 'secretsmanager:GetSecretValue', 'kms:Encrypt', 'kms:Decrypt', 'kms:CreateKey',
  'elasticache:CreateReplicationGroup', 'apigateway:POST',
  'iam:GetRole', 'iam:ListRoles', 'sts:GetCallerIdentity',
];

const OWNED = { [AgentIdentity.STACK_NAME_TAG_KEY]: `${AgentIdentity.AGENT_STACK_NAME_PREFIX}app` };
const GUARDED_EXEC = `arn:aws:iam::${ACCOUNT}:role/guardrails-agent/cdk-agent-cfn-exec-role-${ACCOUNT}-${REGION}`;
const stackArn = (name: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/0f0f0f0f`;
const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;

/**
 * Work that drives compute (borrowed power): each is evaluated twice — on what the agent owns (a
 * resource of a stack it deployed, or CloudFormation with the guarded execution role): allowed;
 * on what it does not own (a production resource, or no RoleARN): denied.
 */
const DRIVE: Array<{ action: string; owned: Partial<SimRequest>; unowned: Partial<SimRequest> }> = [
  ...['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:InvokeFunction', 'codebuild:StartBuild', 'states:StartExecution', 'ecs:RunTask', 'ecs:UpdateService']
    .map(action => ({ action, owned: { resourceTags: OWNED }, unowned: {} })),
  { action: 'ssm:SendCommand', owned: { resource: INSTANCE, resourceTags: OWNED }, unowned: { resource: INSTANCE } },
  ...['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:CreateChangeSet']
    .map(action => ({ action, owned: { resource: stackArn('agent-app'), context: { 'cloudformation:RoleArn': GUARDED_EXEC } }, unowned: { resource: stackArn('prod-app') } })),
  { action: 'cloudformation:ExecuteChangeSet', owned: { resource: stackArn('agent-app') }, unowned: { resource: stackArn('prod-app') } },
];

describe('AgentRole evaluated (developer access, defaults)', () => {
  let set: PolicySet;
  let role: AgentRole;
  let template: any;
  beforeAll(() => {
    const t0 = Date.now();
    ({ set, role, template } = synth());
    figure('synth ms', Date.now() - t0);
  });

  test('the role has its boundary and packed managed policies within the quota, each under 6,144 characters', () => {
    expect(set.boundary).toBeDefined();
    const docs = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::IAM::ManagedPolicy');
    const sizes = set.identity.map(d => JSON.stringify(d).length);
    figure('managed policies (identity)', set.identity.length);
    figure('identity policy sizes (chars)', sizes);
    figure('boundary size (chars)', JSON.stringify(set.boundary).length);
    figure('denied catalog actions', role.deniedActionCount);
    expect(docs).toHaveLength(role.policies.length + 1);
    expect(set.identity).toHaveLength(role.policies.length);
    expect(role.policies.length).toBeLessThanOrEqual(10);
    for (const s of [...sizes, JSON.stringify(set.boundary).length]) expect(s).toBeLessThanOrEqual(6144);
  });

  test('1. no DESTROY/WEAKEN/EXPOSE/ESCALATE action is allowed on untagged resources', async () => {
    const actions = ActionCatalog.actions({ categories: DENIED_BY_DEFAULT });
    const t0 = Date.now();
    const r = tally(await sweep(set, actions, { principal: AGENT }));
    const ms = Date.now() - t0;
    figure('sweep 1 (destructive, untagged)', { actions: actions.length, allowed: r.allowed.length, denied: r.denied.length, errors: r.errors.length, ms, msPerAction: +(ms / actions.length).toFixed(3) });
    expect(r.errors).toEqual([]);
    expect(r.allowed).toEqual([]);
    expect(r.denied).toHaveLength(actions.length);
  });

  test('2. reads and ordinary create/update actions stay allowed', async () => {
    const admin = new Set(ActionCatalog.administrationServices().filter(s => s !== 'iam'));
    const allReads = ActionCatalog.allActions().filter(a => {
      const info = ActionCatalog.describe(a);
      return (info.accessLevel === 'Read' || info.accessLevel === 'List') && !admin.has(info.service) && info.categories.length === 0;
    });
    // A deterministic sample (every 3rd read action, all services) keeps the file under two minutes.
    const reads = allReads.filter((_, i) => i % 3 === 0);
    const t0 = Date.now();
    const r = tally(await sweep(set, reads, { principal: AGENT }));
    figure('sweep 2 (reads outside administration services, 1 in 3)', { population: allReads.length, actions: reads.length, allowed: r.allowed.length, denied: r.denied.length, errors: r.errors.length, ms: Date.now() - t0 });
    expect(r.errors).toEqual([]);
    // Reads of guard-tagged resources are allowed too; only the tag-forgery deny names a few
    // read-level tagging actions (ListTagsForResource of services without aws:TagKeys).
    const unexpected = r.denied.filter(a => !ActionCatalog.describe(a).accessLevel.includes('Tagging'));
    expect(unexpected).toEqual([]);
    expect(r.allowed.length / reads.length).toBeGreaterThan(0.999);

    const o = tally(await sweep(set, ORDINARY, { principal: AGENT }));
    figure('ordinary create/update actions allowed', `${o.allowed.length} of ${ORDINARY.length}`);
    expect(o.errors).toEqual([]);
    expect(o.denied).toEqual([]);
    expect(o.allowed.length).toBeGreaterThanOrEqual(30);
  });

  test('2b. driving compute: allowed on what the agent owns, denied on what it does not', async () => {
    const owned = await simulateMany(set, DRIVE.map(d => ({ action: d.action, principal: AGENT, ...d.owned })));
    const unowned = await simulateMany(set, DRIVE.map(d => ({ action: d.action, principal: AGENT, ...d.unowned })));
    figure('drive actions (owned allowed / not owned denied)', `${owned.filter(d => d === 'Allowed').length} / ${unowned.filter(d => d === 'ExplicitlyDenied').length} of ${DRIVE.length}`);
    expect(Object.fromEntries(DRIVE.map((d, i) => [d.action, owned[i]]))).toEqual(Object.fromEntries(DRIVE.map(d => [d.action, 'Allowed'])));
    expect(Object.fromEntries(DRIVE.map((d, i) => [d.action, unowned[i]]))).toEqual(Object.fromEntries(DRIVE.map(d => [d.action, 'ExplicitlyDenied'])));
  });

  test('3. with AdministratorAccess also attached, still no destructive action is allowed', async () => {
    const actions = ActionCatalog.actions({ categories: DENIED_BY_DEFAULT });
    const withAdmin: PolicySet = { ...set, identity: [...set.identity, ADMINISTRATOR_ACCESS] };
    const r = tally(await sweep(withAdmin, actions, { principal: AGENT }));
    figure('sweep 3 (destructive, AdministratorAccess attached)', { actions: actions.length, allowed: r.allowed.length, errors: r.errors.length });
    expect(r.errors).toEqual([]);
    expect(r.allowed).toEqual([]);
    // The boundary caps AdministratorAccess at developer level: no IAM/Organizations administration.
    const admin = await simulateMany(withAdmin, ['organizations:CreateAccount', 'iam:CreateUser', 'iam:CreatePolicy', 'account:CloseAccount', 'sso:CreateAccountAssignment'].map(action => ({ action, principal: AGENT })));
    expect(admin.every(d => d !== 'Allowed' && !d.startsWith('Error'))).toBe(true);
  });

  test('4. the four DESIGN scenarios and cloudformation:DeleteStack are denied; stop is allowed', async () => {
    const scenarios: Array<[string, string[]]> = [
      ['1 terraform destroy', ['ec2:TerminateInstances', 'ec2:DeleteVpc', 'ec2:DeleteSubnet', 'ec2:DeleteSecurityGroup', 'ec2:DeleteNatGateway', 'ec2:DeleteVolume',
        'rds:DeleteDBInstance', 'rds:DeleteDBCluster', 'rds:DeleteDBSubnetGroup', 'elasticache:DeleteReplicationGroup', 'elasticache:DeleteCacheCluster']],
      ['2 terminate instead of stop', ['ec2:TerminateInstances']],
      ['3 s3 rm --recursive, s3 rb', ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:DeleteBucket', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning']],
      ['4 rds delete-db-instance --skip-final-snapshot', ['rds:DeleteDBInstance', 'rds:ModifyDBInstance', 'rds:DeleteDBSnapshot']],
      ['cdk destroy', ['cloudformation:DeleteStack']],
    ];
    let n = 0;
    for (const [name, actions] of scenarios) {
      const decisions = await simulateMany(set, actions.map(action => ({ action, principal: AGENT })));
      expect(Object.fromEntries(actions.map((a, i) => [a, decisions[i]]))).toEqual(Object.fromEntries(actions.map(a => [a, 'ExplicitlyDenied'])));
      n += actions.length;
      void name;
    }
    const stop = await simulateMany(set, ['ec2:StopInstances', 'rds:StopDBInstance', 'rds:StopDBCluster'].map(action => ({ action, principal: AGENT })));
    expect(stop).toEqual(['Allowed', 'Allowed', 'Allowed']);
    figure('scenario requests denied', n);
  });

  test('5. ephemeral tag: off by default, so tagged resources stay protected', async () => {
    expect(await simulate(set, { action: 'ec2:TerminateInstances', principal: AGENT, resourceTags: EPHEMERAL })).toBe('ExplicitlyDenied');
  });

  test('6. privilege-escalation paths are closed', async () => {
    const selfPolicyArn = `arn:aws:iam::${ACCOUNT}:policy${AgentIdentity.AGENT_ROLE_PATH}agentpolicy0`;
    const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy${AgentIdentity.AGENT_ROLE_PATH}agentboundary`;
    type Req = { action: string; resource?: string; context?: Record<string, string | string[]>; requestTags?: Record<string, string> };
    const requests: Req[] = [
      // every ESCALATE action of the catalog, on a sample resource
      ...ActionCatalog.actions({ categories: [ActionCategory.ESCALATE] }).map(action => ({ action })),
      // ... and on the agent's own role / policies
      ...['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary',
        'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:DeleteRole',
        'iam:PassRole', 'sts:AssumeRole'].map(action => ({ action, resource: AGENT_ARN })),
      { action: 'iam:AttachRolePolicy', resource: AGENT_ARN, context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } },
      ...['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy'].flatMap(action => [
        { action, resource: selfPolicyArn }, { action, resource: boundaryArn },
      ]),
      // CDK bootstrap and other roles
      ...['cdk-hnb659fds-deploy-role', 'cdk-hnb659fds-cfn-exec-role'].flatMap(r => ['sts:AssumeRole', 'iam:PassRole'].map(action => ({
        action, resource: `arn:aws:iam::${ACCOUNT}:role/${r}-${ACCOUNT}-${REGION}`, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
      }))),
      { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Admin` },
      { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}other-agent` },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/lambda-admin`, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      // creating principals, with or without the boundary
      { action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/escape` },
      { action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/escape`, context: { 'iam:PermissionsBoundary': boundaryArn } },
      { action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/escape` },
      { action: 'iam:CreatePolicy', resource: `arn:aws:iam::${ACCOUNT}:policy/escape` },
      { action: 'iam:CreateLoginProfile', resource: `arn:aws:iam::${ACCOUNT}:user/admin` },
      { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${ACCOUNT}:user/admin` },
      { action: 'iam:AddUserToGroup', resource: `arn:aws:iam::${ACCOUNT}:group/Admins` },
      { action: 'iam:UpdateAssumeRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/Admin` },
      // removing its agent tag (escaping the SCP layer), blinding the monitoring
      { action: 'iam:UntagRole', resource: AGENT_ARN, context: { 'aws:TagKeys': [AgentIdentity.AGENT_TAG_KEY] } },
      { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/guardrails` },
      { action: 'cloudtrail:UpdateTrail', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/guardrails` },
      { action: 'events:DisableRule', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/guardrails-alarm` },
      { action: 'events:RemoveTargets', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/guardrails-alarm` },
      // making data public
      { action: 's3:PutBucketPolicy' }, { action: 's3:PutBucketAcl' }, { action: 's3:PutBucketPublicAccessBlock' }, { action: 's3:PutAccountPublicAccessBlock' }, { action: 'ec2:ModifySnapshotAttribute' },
      { action: 'rds:ModifyDBSnapshotAttribute' }, { action: 'ec2:ModifyImageAttribute' },
    ];
    const decisions = await simulateMany(set, requests.map(r => ({ ...r, principal: AGENT })));
    const open = requests.filter((_, i) => decisions[i] === 'Allowed').map(r => `${r.action} ${r.resource ?? ''}`);
    const errors = requests.map((r, i) => `${r.action} ${r.resource ?? ''}: ${decisions[i]}`).filter(d => d.includes(': Error'));
    figure('escalation battery', { requests: requests.length, open: open.length, errors: errors.length });
    expect(errors).toEqual([]);
    expect(open).toEqual([]);
  });

  test('6b. the trust policy refuses session tags that would override the guardrail tags', async () => {
    const trust = resolveTemplate(template).Resources[Object.keys(template.Resources).find(k => template.Resources[k].Type === 'AWS::IAM::Role')!].Properties.AssumeRolePolicyDocument;
    const caller: Principal = { arn: `arn:aws:iam::${ACCOUNT}:role/developer` };
    const allowAll = { identity: [ADMINISTRATOR_ACCESS], resourcePolicy: trust };
    const ask = (context: Record<string, string[]>) => simulate(allowAll, { action: 'sts:TagSession', resource: AGENT_ARN, principal: caller, context });
    // The session must carry an agent's source identity.
    const source = (v: string) => ({ 'sts:SourceIdentity': v });
    expect(await simulate(allowAll, { action: 'sts:AssumeRole', resource: AGENT_ARN, principal: caller, context: source(`${AgentIdentity.SOURCE_IDENTITY_PREFIX}claude-code`) })).toBe('Allowed');
    expect(await simulate(allowAll, { action: 'sts:SetSourceIdentity', resource: AGENT_ARN, principal: caller, context: source(`${AgentIdentity.SOURCE_IDENTITY_PREFIX}claude-code`) })).toBe('Allowed');
    expect(await simulate(allowAll, { action: 'sts:AssumeRole', resource: AGENT_ARN, principal: caller })).toBe('ImplicitlyDenied');
    expect(await simulate(allowAll, { action: 'sts:AssumeRole', resource: AGENT_ARN, principal: caller, context: source('alice') })).toBe('ImplicitlyDenied');
    expect(await ask({ 'aws:TagKeys': ['agent-name'] })).toBe('Allowed');
    expect(await ask({ 'aws:TagKeys': ['agent-name', AgentIdentity.AGENT_TAG_KEY] })).toBe('ExplicitlyDenied');
    expect(await ask({ 'aws:TagKeys': ['Guardrails:Ephemeral'] })).toBe('ExplicitlyDenied');
  });
});

describe('AgentRole evaluated with the ephemeral exception and passable roles', () => {
  let set: PolicySet;
  beforeAll(() => {
    ({ set } = synth({
      allowEphemeralDeletes: true,
      passableRoles: [iam.Role.fromRoleArn(new Stack(), 'W', `arn:aws:iam::${ACCOUNT}:role/guardrails-agent-workload/lambda-exec`)],
    }));
  });

  test('5. exemptable deletes are allowed on resources tagged ephemeral; the others never', async () => {
    const curated = new Set(ActionCatalog.actions({ categories: [ActionCategory.WEAKEN, ActionCategory.EXPOSE, ActionCategory.ESCALATE] }));
    const admin = new Set(ActionCatalog.administrationServices());
    const destroy = ActionCatalog.actions({ categories: [ActionCategory.DESTROY] }).filter(a => !curated.has(a));
    const exemptable = destroy.filter(a => ActionCatalog.describe(a).supportsResourceTag);
    // Actions without aws:ResourceTag never receive the key from AWS, so the deny's
    // StringNotEquals is true for them whatever the resource's tags: they are evaluated as
    // AWS sends them (no resource tag), which is sweep 1 (all denied).
    const never = destroy.filter(a => !ActionCatalog.describe(a).supportsResourceTag);
    const t0 = Date.now();
    const ex = tally(await sweep(set, exemptable, { principal: AGENT, resourceTags: EPHEMERAL }));
    const ms = Date.now() - t0;
    figure('sweep 5 (exemptable DESTROY on ephemeral-tagged resources)', {
      exemptable: exemptable.length,
      allowed: ex.allowed.length,
      deniedAdministration: ex.denied.length,
      destroyNeverExemptable: never.length,
      defaultDeniesWithoutResourceTag: ActionCatalog.actions({ supportsResourceTag: false }).length,
      ms,
    });
    expect(ex.errors).toEqual([]);
    // Exemptable deletes of administration services stay denied (not granted). S3 sends
    // aws:ResourceTag for a bucket only when the bucket has ABAC enabled (the evaluator
    // models this): without it, bucket deletes stay denied whatever the tag. Every other one is allowed.
    const s3 = ex.denied.filter(a => a.startsWith('s3:'));
    figure('exemptable S3 bucket deletes that need bucket ABAC', s3);
    expect(ex.denied.filter(a => !admin.has(a.split(':')[0]) && !a.startsWith('s3:'))).toEqual([]);
    expect(ex.allowed.length).toBeGreaterThan(1000);
    // The curated categories (WEAKEN/EXPOSE/ESCALATE) ignore the tag.
    const c = tally(await sweep(set, [...curated].filter(a => a !== 'iam:PassRole'), { principal: AGENT, resourceTags: EPHEMERAL }));
    expect(c.errors).toEqual([]);
    expect(c.allowed).toEqual([]);
  });

  test('5. tagging an existing resource as ephemeral is denied; creating with the tag is allowed', async () => {
    const tagKeys = (keys: string[]) => ({ 'aws:TagKeys': keys });
    const cases: Array<[string, Parameters<typeof simulate>[1], Decision]> = [
      ['create instance with the tag', { action: 'ec2:RunInstances', principal: AGENT, requestTags: EPHEMERAL }, 'Allowed'],
      ['ec2:CreateTags inside RunInstances', { action: 'ec2:CreateTags', principal: AGENT, requestTags: EPHEMERAL, context: { 'ec2:CreateAction': 'RunInstances' } }, 'Allowed'],
      ['create bucket with the tag', { action: 's3:CreateBucket', principal: AGENT, requestTags: EPHEMERAL }, 'Allowed'],
      ['create table with the tag', { action: 'dynamodb:CreateTable', principal: AGENT, requestTags: EPHEMERAL }, 'Allowed'],
      ['ec2:CreateTags on an existing instance', { action: 'ec2:CreateTags', principal: AGENT, requestTags: EPHEMERAL }, 'ExplicitlyDenied'],
      ['ec2:CreateTags, other case', { action: 'ec2:CreateTags', principal: AGENT, requestTags: { 'GUARDRAILS:EPHEMERAL': 'true' } }, 'ExplicitlyDenied'],
      ['ec2:DeleteTags ephemeral', { action: 'ec2:DeleteTags', principal: AGENT, context: tagKeys([AgentIdentity.EPHEMERAL_TAG_KEY]) }, 'ExplicitlyDenied'],
      ['rds:AddTagsToResource', { action: 'rds:AddTagsToResource', principal: AGENT, requestTags: EPHEMERAL }, 'ExplicitlyDenied'],
      ['rds:RemoveTagsFromResource backup tag', { action: 'rds:RemoveTagsFromResource', principal: AGENT, context: tagKeys([AgentIdentity.BACKUP_TAG_KEY]) }, 'ExplicitlyDenied'],
      ['lambda:TagResource', { action: 'lambda:TagResource', principal: AGENT, requestTags: EPHEMERAL }, 'ExplicitlyDenied'],
      ['dynamodb:UntagResource guard tag', { action: 'dynamodb:UntagResource', principal: AGENT, context: tagKeys(['guardrails:guard']) }, 'ExplicitlyDenied'],
      ['s3:PutBucketTagging (no aws:TagKeys: refused outright)', { action: 's3:PutBucketTagging', principal: AGENT, requestTags: { team: 'a' } }, 'ExplicitlyDenied'],
      ['ec2:CreateTags with an ordinary tag', { action: 'ec2:CreateTags', principal: AGENT, requestTags: { Name: 'web' } }, 'Allowed'],
      ['rds:AddTagsToResource ordinary tag', { action: 'rds:AddTagsToResource', principal: AGENT, requestTags: { team: 'a' } }, 'Allowed'],
      ['delete a resource tagged ephemeral', { action: 'ec2:TerminateInstances', principal: AGENT, resourceTags: EPHEMERAL }, 'Allowed'],
      ['delete a resource tagged ephemeral=false', { action: 'ec2:TerminateInstances', principal: AGENT, resourceTags: { [AgentIdentity.EPHEMERAL_TAG_KEY]: 'false' } }, 'ExplicitlyDenied'],
    ];
    const decisions = await simulateMany(set, cases.map(c => c[1]));
    expect(Object.fromEntries(cases.map((c, i) => [c[0], decisions[i]]))).toEqual(Object.fromEntries(cases.map(c => [c[0], c[2]])));
    figure('ephemeral tag cases', cases.length);
  });

  test('passable roles: only the named role may be passed, never a bootstrap role', async () => {
    const ask = (resource: string) => simulate(set, { action: 'iam:PassRole', resource, principal: AGENT, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } });
    expect(await ask(`arn:aws:iam::${ACCOUNT}:role/guardrails-agent-workload/lambda-exec`)).toBe('Allowed');
    expect(await ask(`arn:aws:iam::${ACCOUNT}:role/guardrails-agent-workload/other`)).toBe('ExplicitlyDenied');
    expect(await ask(`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`)).toBe('ExplicitlyDenied');
  });
});
