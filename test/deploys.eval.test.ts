/**
 * Guarded deploys, evaluated with iam-simulate over the synthesized roles of a GuardedBootstrap:
 *
 * 1. an ordinary app deploys through the execution role: every permission the CloudFormation
 *    resource schemas list for the create and update handlers of the app's resource types
 *    (test/fixtures/cfn-handler-permissions.json, with sources), on resources of the agent's own
 *    stack, is allowed, but for the ones listed in NOT_FOR_AN_AGENT with the reason;
 * 2. the same role is denied every DESTROY action on the agent's own resources, and every action
 *    of the deny plan (unconditional and ownership-scoped groups) on resources it did not create;
 * 3. the deploy role passes only the execution role, only to CloudFormation, and assumes nothing;
 *    it deploys only agent stacks and cannot delete a stack;
 * 4. the agent cannot assume the standard (human) bootstrap roles nor write their assets, and can
 *    assume the guarded ones.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, Decision, PolicySet, Principal, REGION, SimRequest, resolveTemplate, resourceArnFor, rolePolicies, simulate, simulateMany } from './harness';
import { ActionCatalog, ActionCategory, AgentIdentity, AgentRole, GuardedBootstrap, WorkloadRoles } from '../src';

jest.setTimeout(600_000);
process.env.CDK_VALIDATION = 'false';

const STACK = 'agent-orders';
const OWNED_TAGS = { [AgentIdentity.STACK_NAME_TAG_KEY]: STACK };
const SOURCE_IDENTITY = 'guardrails-agent.claude-code';
const ENV = `${ACCOUNT}-${REGION}`;
const role = (p: string, name: string) => `arn:aws:iam::${ACCOUNT}:role${p}${name}`;
const EXEC_ARN = role(AgentIdentity.AGENT_ROLE_PATH, `cdk-agent-cfn-exec-role-${ENV}`);
const DEPLOY_ARN = role(AgentIdentity.AGENT_ROLE_PATH, `cdk-agent-deploy-role-${ENV}`);
const AGENT_ARN = role(AgentIdentity.AGENT_ROLE_PATH, 'coding-agent');
const WORKLOAD_ROLE = role(AgentIdentity.WORKLOAD_ROLE_PATH, `${STACK}-HandlerServiceRole-ABC123`);
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy${AgentIdentity.AGENT_ROLE_PATH}guardrails-agent-workload-boundary-agent-${REGION}`;
/** Condition keys that mark what the agent owns. */
const OWNERSHIP_KEYS = [`aws:ResourceTag/${AgentIdentity.STACK_NAME_TAG_KEY}`, `aws:RequestTag/${AgentIdentity.STACK_NAME_TAG_KEY}`,
  `aws:ResourceTag/${AgentIdentity.EPHEMERAL_TAG_KEY}`, 'kms:GrantIsForAWSResource'];
const AGENT_TAGS = { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE };

/** CloudFormation's session of the execution role: no source identity (a service assumed it). */
const CFN: Principal = { arn: EXEC_ARN, tags: AGENT_TAGS, sessionName: 'AWSCloudFormation' };
const DEPLOY: Principal = { arn: DEPLOY_ARN, tags: AGENT_TAGS };
const AGENT: Principal = { arn: AGENT_ARN, tags: AGENT_TAGS };

function build() {
  const stack = new Stack(new App(), 'Bootstrap', { env: { account: ACCOUNT, region: REGION } });
  const agent = new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), roleName: 'coding-agent' });
  const bootstrap = new GuardedBootstrap(stack, 'Guarded', { agentRoles: [agent], workloadRoles: WorkloadRoles.UNDER_AGENT_SCP });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
  const byName = (name: string) => Object.keys(resolved.Resources).find(k => resolved.Resources[k].Type === 'AWS::IAM::Role'
    && String(resolved.Resources[k].Properties.RoleName).startsWith(name))!;
  const trust = (id: string) => resolved.Resources[id].Properties.AssumeRolePolicyDocument;
  return {
    resolved,
    plan: bootstrap.executionRole.denyPlan,
    exec: rolePolicies(resolved, byName('cdk-agent-cfn-exec-role')),
    deploy: rolePolicies(resolved, byName('cdk-agent-deploy-role')),
    agent: rolePolicies(resolved, byName('coding-agent')),
    deployTrust: trust(byName('cdk-agent-deploy-role')),
    bucketPolicy: Object.values<any>(resolved.Resources).find(r => r.Type === 'AWS::S3::BucketPolicy').Properties.PolicyDocument,
  };
}
const B = build();

// ---- 1. an ordinary app ----------------------------------------------------------------------

interface HandlerFixture { types: Record<string, { handlers: Record<string, string[]> }> }
const FIXTURE: HandlerFixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'cfn-handler-permissions.json'), 'utf8'));

/**
 * Handler permissions the execution role refuses although a resource schema lists them: each is
 * for a property an ordinary, secure app does not set, and the agent must not set either. The
 * deploy fails at that call (docs/deploys.md lists them).
 */
const NOT_FOR_AN_AGENT: Record<string, string> = {
  'iam:PutUserPolicy': 'AWS::IAM::Policy on a user: an agent creates no users',
  'iam:PutGroupPolicy': 'AWS::IAM::Policy on a group: an agent creates no groups',
  'iam:DeleteUserPolicy': 'AWS::IAM::Policy on a user: an agent creates no users',
  'iam:DeleteGroupPolicy': 'AWS::IAM::Policy on a group: an agent creates no groups',
  'iam:PutRolePermissionsBoundary': 'changing a role\'s boundary: GuardedStackSynthesizer sets the workload boundary at creation and never changes it',
  'iam:DeleteRolePermissionsBoundary': 'removing a role\'s boundary',
  'iam:CreateServiceLinkedRole': 'a service-linked role exists once per account; where it is missing, a human creates it once (RDS: AWSServiceRoleForRDS)',
  'kms:DisableKey': 'a key created disabled (Enabled: false) or disabled later',
  'kms:DisableKeyRotation': 'turning key rotation off (EnableKeyRotation: false after true)',
  'lambda:DeleteFunctionConcurrency': 'removing a function\'s reserved concurrency (a DESTROY verb): set it in the first deploy or leave it',
  'lambda:DeleteFunctionCodeSigningConfig': 'removing a function\'s code signing configuration',
  'logs:DeleteRetentionPolicy': 'removing a log group\'s retention (logs kept forever is safe, but the verb is DESTROY)',
  'logs:DisassociateKmsKey': 'removing a log group\'s encryption key',
  'logs:PutResourcePolicy': 'a log group resource policy (ResourcePolicyDocument): it can let other principals in',
  'logs:DeleteResourcePolicy': 'removing a log group resource policy',
  'logs:DeleteIndexPolicy': 'removing a log group field index policy',
  's3:PutObjectAcl': 'object ACLs: CDK buckets enforce bucket-owner ownership (ACLs off)',
  's3:DeleteObject': 'deleting objects (a DESTROY verb)',
  's3:DeleteBucketWebsite': 'removing a bucket\'s website configuration',
  's3:DeleteBucketMetadataTableConfiguration': 'removing a bucket\'s metadata table configuration',
  's3tables:PutTableBucketPolicy': 'a table bucket resource policy (an S3 Metadata table configuration): it can share tables with another account (expose.resource-policies.share, issue 16)',
  's3tables:PutTablePolicy': 'a table resource policy (an S3 Metadata table configuration): it can share a table with another account (expose.resource-policies.share, issue 16)',
};

/** The resource of the agent's own stack that a handler permission acts on. */
function ownedRequest(action: string): SimRequest {
  let resource = resourceArnFor(action);
  const context: Record<string, string> = {};
  if (action.startsWith('s3:')) resource = resource.replace(/^arn:aws:s3:::[^/]+/, `arn:aws:s3:::${STACK}-databucket-1a2b3c`);
  if (/^arn:aws:iam::\d+:role\//.test(resource)) resource = WORKLOAD_ROLE;
  if (action === 'iam:CreateRole' || action === 'iam:PutRolePermissionsBoundary') context['iam:PermissionsBoundary'] = BOUNDARY_ARN;
  if (action === 'iam:PassRole') context['iam:PassedToService'] = 'lambda.amazonaws.com';
  if (action === 'kms:CreateGrant') context['kms:GrantIsForAWSResource'] = 'true';
  return { action, resource, principal: CFN, resourceTags: OWNED_TAGS, requestTags: OWNED_TAGS, context };
}

describe('an ordinary app deploys through the execution role', () => {
  const types = Object.keys(FIXTURE.types).sort();
  const listed = types.flatMap(type => ['create', 'update'].flatMap(h => (FIXTURE.types[type].handlers[h] ?? []).map(action => ({ type, h, action }))));
  // The schemas name a few permissions IAM does not know (e.g. s3:PutBucketReplication, s3:REST.PUT.OBJECT):
  // no policy can allow or deny them, so there is nothing to evaluate.
  const calls = listed.filter(c => ActionCatalog.has(c.action));
  const unknown = [...new Set(listed.filter(c => !ActionCatalog.has(c.action)).map(c => c.action))].sort();

  test(`every create and update handler permission of ${types.length} resource types`, async () => {
    const decisions = await simulateMany(B.exec, calls.map(c => ownedRequest(c.action)));
    const refused = calls.filter((c, i) => decisions[i] !== 'Allowed' && !(c.action in NOT_FOR_AN_AGENT))
      .map(c => `${c.type} ${c.h} ${c.action}: ${decisions[calls.indexOf(c)]}`);
    // eslint-disable-next-line no-console
    console.log(`[deploys] ${calls.length} handler calls of ${types.length} types (${new Set(calls.map(c => c.action)).size} actions): `
      + `${decisions.filter(d => d === 'Allowed').length} allowed, ${calls.length - decisions.filter(d => d === 'Allowed').length - refused.length} refused as listed `
      + `(${Object.keys(NOT_FOR_AN_AGENT).length} actions), ${refused.length} refused outside the list; not IAM actions: ${unknown.join(', ')}`);
    expect(refused).toEqual([]);
  });
});

// ---- 2. what the execution role is denied ------------------------------------------------------

describe('the execution role', () => {
  test('is denied every DESTROY action, also on the agent\'s own resources', async () => {
    const destroy = ActionCatalog.actions({ categories: [ActionCategory.DESTROY] });
    const owned = await simulateMany(B.exec, destroy.map(action => ({ action, principal: CFN, resourceTags: OWNED_TAGS })));
    const open = destroy.filter((_, i) => owned[i] === 'Allowed');
    // eslint-disable-next-line no-console
    console.log(`[deploys] DESTROY: ${destroy.length - open.length} of ${destroy.length} refused on owned resources`);
    expect(open).toEqual([]);
  });

  test('is denied every action of its deny plan on resources it did not create', async () => {
    // Unconditional groups, and groups whose only condition is ownership (evaluated without the marks).
    // Groups scoped to named resources (e.g. the CDK asset buckets) are evaluated elsewhere.
    const groups = B.plan.groups.filter(g => g.conditions.every(c => OWNERSHIP_KEYS.includes(c.key)) && g.resources.every(r => r === '*'));
    const actions = [...new Set(groups.flatMap(g => g.actions))].sort();
    const unowned = (action: string): SimRequest => ({ action, principal: CFN, context: action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'false' } : undefined });
    const decisions = await simulateMany(B.exec, actions.map(unowned));
    const open = actions.filter((_, i) => decisions[i] === 'Allowed');
    // eslint-disable-next-line no-console
    console.log(`[deploys] catalog on unowned resources: ${actions.length - open.length} of ${actions.length} refused`);
    expect(open).toEqual([]);
  });

  test('configures only what its stacks own: the same calls on production resources are refused', async () => {
    const prod: SimRequest[] = [
      { action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::prod-orders-data', principal: CFN },
      { action: 's3:PutBucketVersioning', resource: 'arn:aws:s3:::prod-orders-data', principal: CFN },
      { action: 's3:PutLifecycleConfiguration', resource: 'arn:aws:s3:::prod-orders-data', principal: CFN },
      { action: 'logs:PutRetentionPolicy', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/prod/orders`, principal: CFN, resourceTags: { [AgentIdentity.STACK_NAME_TAG_KEY]: 'prod-orders' } },
      { action: 'kms:PutKeyPolicy', resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234`, principal: CFN },
      { action: 'lambda:AddPermission', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:prod-orders`, principal: CFN },
      { action: 'rds:ModifyDBInstance', resource: `arn:aws:rds:${REGION}:${ACCOUNT}:db:prod-orders`, principal: CFN },
      { action: 'iam:PutRolePolicy', resource: role('/', 'ProdAdmin'), principal: CFN },
      { action: 'iam:PassRole', resource: role('/', 'ProdAdmin'), principal: CFN, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      { action: 'iam:CreateRole', resource: role('/', 'agent-orders-Unbounded'), principal: CFN },
      { action: 'iam:CreateRole', resource: WORKLOAD_ROLE, principal: CFN },
      { action: 'kms:CreateGrant', resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234`, principal: CFN, context: { 'kms:GrantIsForAWSResource': 'false' } },
      { action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/agent-orders-user`, principal: CFN },
    ];
    const decisions = await simulateMany(B.exec, prod);
    expect(prod.filter((_, i) => decisions[i] === 'Allowed').map(r => `${r.action} ${r.resource}`)).toEqual([]);
  });

  test('is trusted only by CloudFormation', () => {
    const trust = Object.values<any>(B.resolved.Resources).find(r => r.Type === 'AWS::IAM::Role' && String(r.Properties.RoleName).includes('cfn-exec'))
      .Properties.AssumeRolePolicyDocument;
    const allows = trust.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows.flatMap((s: any) => [s.Principal?.Service].flat().filter(Boolean))).toEqual(['cloudformation.amazonaws.com']);
    expect(allows.some((s: any) => s.Principal?.AWS)).toBe(false);
  });
});

// ---- 3. the deploy role ------------------------------------------------------------------------

describe('the deploy role', () => {
  const stackArn = (name: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/1`;

  test('passes only the execution role, only to CloudFormation, and assumes no role', async () => {
    const others = [EXEC_ARN, role('/', `cdk-hnb659fds-cfn-exec-role-${ENV}`), role('/', 'ProdAdmin'), WORKLOAD_ROLE, AGENT_ARN, DEPLOY_ARN];
    const requests: SimRequest[] = [
      ...others.slice(1).map(r => ({ action: 'iam:PassRole', resource: r, principal: DEPLOY, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } })),
      { action: 'iam:PassRole', resource: EXEC_ARN, principal: DEPLOY, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      ...others.map(r => ({ action: 'sts:AssumeRole', resource: r, principal: DEPLOY })),
    ];
    const decisions = await simulateMany(B.deploy, requests);
    expect(requests.filter((_, i) => decisions[i] === 'Allowed').map(r => `${r.action} ${r.resource}`)).toEqual([]);
    // must stay allowed: handing the execution role to CloudFormation
    expect(await simulate(B.deploy, { action: 'iam:PassRole', resource: EXEC_ARN, principal: DEPLOY, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }))
      .toBe('Allowed');
  });

  test('deploys agent stacks, and only them; never deletes a stack or lifts its termination protection', async () => {
    const allowed = ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate',
      'cloudformation:DeleteChangeSet', 'cloudformation:DescribeStackEvents'];
    // The CLI passes the execution role as RoleARN on every call that takes one.
    const withRole = { 'cloudformation:RoleArn': EXEC_ARN };
    for (const action of allowed) {
      expect([action, await simulate(B.deploy, { action, resource: stackArn(STACK), principal: DEPLOY, context: withRole })]).toEqual([action, 'Allowed']);
      // Other stacks: outside the Allow (ExecuteChangeSet also under the plan's execute-unowned deny).
      expect([action, await simulate(B.deploy, { action, resource: stackArn('prod-orders'), principal: DEPLOY, context: withRole })])
        .toEqual([action, expect.stringMatching(/^(Implicitly|Explicitly)Denied$/)]);
    }
    // Without RoleARN (the stack's stored role), or with another role, the deploy role's own denies refuse it.
    const contexts: Array<Record<string, string>> = [{}, { 'cloudformation:RoleArn': `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ENV}` }];
    for (const context of contexts) {
      expect(await simulate(B.deploy, { action: 'cloudformation:CreateChangeSet', resource: stackArn(STACK), principal: DEPLOY, context })).toBe('ExplicitlyDenied');
    }
    for (const action of ['cloudformation:DeleteStack', 'cloudformation:UpdateTerminationProtection']) {
      expect(await simulate(B.deploy, { action, resource: stackArn(STACK), principal: DEPLOY })).not.toBe('Allowed');
    }
    // reads the staged template and the bootstrap version
    expect(await simulate(B.deploy, { action: 's3:GetObject', resource: `arn:aws:s3:::guardrails-agent-assets-agent-${ENV}/x.json`, principal: DEPLOY })).toBe('Allowed');
    expect(await simulate(B.deploy, { action: 'ssm:GetParameter', resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/cdk-bootstrap/agent/version`, principal: DEPLOY }))
      .toBe('Allowed');
  });
});

// ---- 4. the agent and the bootstrap roles -----------------------------------------------------

describe('the agent', () => {
  const TRUSTS_ACCOUNT = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
  const human = ['deploy', 'file-publishing', 'image-publishing', 'lookup', 'cfn-exec'].map(r => role('/', `cdk-hnb659fds-${r}-role-${ENV}`));

  test('cannot assume the standard bootstrap roles nor write their assets', async () => {
    const requests: SimRequest[] = [
      ...human.map(r => ({ action: 'sts:AssumeRole', resource: r, principal: AGENT, context: { 'aws:SourceIdentity': SOURCE_IDENTITY } })),
      { action: 's3:PutObject', resource: `arn:aws:s3:::cdk-hnb659fds-assets-${ENV}/asset.zip`, principal: AGENT },
      { action: 'ecr:PutImage', resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/cdk-hnb659fds-container-assets-${ENV}`, principal: AGENT },
    ];
    const decisions: Decision[] = [];
    for (const r of requests) decisions.push(await simulate({ ...B.agent, resourcePolicy: r.action === 'sts:AssumeRole' ? TRUSTS_ACCOUNT : undefined }, r));
    expect(requests.filter((_, i) => decisions[i] === 'Allowed').map(r => `${r.action} ${r.resource}`)).toEqual([]);
  });

  test('assumes the guarded deploy role (its identity policy and the role\'s trust policy), with its source identity only', async () => {
    const req = { action: 'sts:AssumeRole', resource: DEPLOY_ARN, principal: AGENT, context: { 'aws:SourceIdentity': SOURCE_IDENTITY, 'sts:SourceIdentity': SOURCE_IDENTITY } };
    expect(await simulate(B.agent, req)).toBe('Allowed');
    const trust: PolicySet = { identity: B.agent.identity, boundary: B.agent.boundary, resourcePolicy: B.deployTrust };
    expect(await simulate(trust, req)).toBe('Allowed');
    expect(await simulate(trust, { ...req, context: { 'aws:SourceIdentity': 'someone', 'sts:SourceIdentity': 'someone' } })).not.toBe('Allowed');
  });

  test('trustAgentPath (StackSets): every agent role of the account, with its source identity; no other role, no other account', async () => {
    const stack = new Stack(new App(), 'Member', { env: { account: ACCOUNT, region: REGION } });
    const gb = new GuardedBootstrap(stack, 'Guarded', { trustAgentPath: true });
    const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
    const trustDoc = resolved.Resources[stack.getLogicalId(gb.deployRole.node.defaultChild as iam.CfnRole)].Properties.AssumeRolePolicyDocument;
    const admin = [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const assume = (arn: string, sourceIdentity?: string) => simulate({ identity: admin, resourcePolicy: trustDoc }, {
      action: 'sts:AssumeRole',
      resource: DEPLOY_ARN,
      principal: { arn },
      context: sourceIdentity ? { 'aws:SourceIdentity': sourceIdentity, 'sts:SourceIdentity': sourceIdentity } : {},
    });
    expect({
      'agent role, agent source identity': await assume(AGENT_ARN, SOURCE_IDENTITY),
      'another agent role of the account': await assume(role(AgentIdentity.AGENT_ROLE_PATH, 'team-b/copilot'), 'guardrails-agent.copilot'),
      'agent role, another source identity': await assume(AGENT_ARN, 'someone'),
      'agent role, no source identity': await assume(AGENT_ARN),
      'a human admin role with an agent source identity': await assume(role('/', 'Admin'), SOURCE_IDENTITY),
      'a workload role': await assume(WORKLOAD_ROLE, SOURCE_IDENTITY),
      'an agent role of another account': await assume(`arn:aws:iam::222222222222:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`, SOURCE_IDENTITY),
    }).toEqual({
      'agent role, agent source identity': 'Allowed',
      'another agent role of the account': 'Allowed',
      'agent role, another source identity': 'ImplicitlyDenied',
      'agent role, no source identity': 'ImplicitlyDenied',
      'a human admin role with an agent source identity': 'ImplicitlyDenied',
      'a workload role': 'ImplicitlyDenied',
      'an agent role of another account': 'ImplicitlyDenied',
    });
  });

  test('cannot write the guarded staging bucket itself: only the file publishing role does', async () => {
    const object = `arn:aws:s3:::guardrails-agent-assets-agent-${ENV}/asset.zip`;
    const admin: PolicySet = { identity: [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }], resourcePolicy: B.bucketPolicy };
    expect(await simulate(admin, { action: 's3:PutObject', resource: object, principal: AGENT })).not.toBe('Allowed');
    const publisher: Principal = { arn: role(AgentIdentity.AGENT_ROLE_PATH, `cdk-agent-file-publishing-role-${ENV}`) };
    expect(await simulate(admin, { action: 's3:PutObject', resource: object, principal: publisher })).toBe('Allowed');
  });
});
