import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AgentGuardrailsChecks, AgentIdentity, AgentRole, GuardedBootstrap, PolicyPacker, GuardedBootstrapNames, GuardedStackSynthesizer, WorkloadRoles } from '../../src';
import { main } from '../../src/checks/report/cli';
import { bootstrapTemplate, GUARDED_BOOTSTRAP_VARIANT } from '../../src/deploy/private/bootstrap-template';
import { setActions } from '../../src/policy/private/guards';
import { resolveTemplate } from '../harness';

process.env.CDK_VALIDATION = 'false';
jest.setTimeout(120_000);

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ENV = { account: ACCOUNT, region: REGION };

function setup(props: Partial<ConstructorParameters<typeof GuardedBootstrap>[2]> = {}) {
  const stack = new Stack(new App(), 'Bootstrap', { env: ENV });
  const agent = new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), roleName: 'coding-agent' });
  const bootstrap = new GuardedBootstrap(stack, 'Guarded', { agentRoles: [agent], ...props });
  return { stack, agent, bootstrap };
}

/** `${AWS::AccountId}` and friends, as the CLI substitutes them. */
const sub = (s: string) => s.replace(/\$\{AWS::AccountId\}/g, ACCOUNT).replace(/\$\{AWS::Region\}/g, REGION).replace(/\$\{AWS::Partition\}/g, 'aws');

describe('GuardedBootstrap', () => {
  const { stack, bootstrap } = setup();
  const template = Template.fromStack(stack);
  const resolved = resolveTemplate(template.toJSON());
  const roleArns = Object.values<any>(resolved.Resources).filter(r => r.Type === 'AWS::IAM::Role')
    .map(r => `arn:aws:iam::${ACCOUNT}:role${r.Properties.Path ?? '/'}${r.Properties.RoleName}`);

  test('the synthesizer\'s role ARNs, bucket, repository and version parameter are exactly those the bootstrap creates', () => {
    const names = new GuardedStackSynthesizer().names;
    for (const arn of [names.deployRoleArn, names.executionRoleArn, names.filePublishingRoleArn, names.imagePublishingRoleArn, names.lookupRoleArn]) {
      expect(roleArns).toContain(sub(arn));
    }
    const bucket = Object.values<any>(resolved.Resources).find(r => r.Type === 'AWS::S3::Bucket').Properties.BucketName;
    expect(bucket).toBe(sub(names.bucketName));
    expect(Object.values<any>(resolved.Resources).find(r => r.Type === 'AWS::ECR::Repository').Properties.RepositoryName).toBe(sub(names.repositoryName));
    expect(Object.values<any>(resolved.Resources).find(r => r.Type === 'AWS::SSM::Parameter').Properties.Name).toBe('/cdk-bootstrap/agent/version');
    expect(bootstrap.names.qualifier).toBe('agent');
  });

  test('an app synthesized with GuardedStackSynthesizer points at those roles, bucket and parameter', () => {
    const app = new App();
    const s = new Stack(app, 'agent-orders', { env: ENV, synthesizer: new GuardedStackSynthesizer() });
    new sqs.Queue(s, 'Queue');
    new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
    const artifact = app.synth().getStackByName('agent-orders');
    expect(roleArns).toContain(sub(artifact.assumeRoleArn!));
    expect(roleArns).toContain(sub(artifact.cloudFormationExecutionRoleArn!));
    expect(roleArns).toContain(sub(artifact.lookupRole!.arn));
    expect(artifact.bootstrapStackVersionSsmParameter).toBe('/cdk-bootstrap/agent/version');
    // every role of the stack lands under the workload path with the workload boundary
    const roles = Template.fromStack(s).findResources('AWS::IAM::Role');
    expect(Object.keys(roles).length).toBeGreaterThan(0);
    for (const r of Object.values<any>(roles)) {
      expect(r.Properties.Path).toBe(AgentIdentity.WORKLOAD_ROLE_PATH);
      expect(JSON.stringify(r.Properties.PermissionsBoundary)).toContain('guardrails-agent-workload-boundary-agent-${AWS::Region}');
    }
  });

  test('the staging bucket and repository survive cdk destroy and replacement; the bucket blocks public access and plain HTTP', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the deploy role has no DeleteStack and deploys only agent stacks', () => {
    const policy = Object.values<any>(resolved.Resources).find(r => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('deploy-role'));
    const text = JSON.stringify(policy.Properties.PolicyDocument);
    expect(text).not.toContain('DeleteStack');
    expect(text).not.toContain('UpdateTerminationProtection');
    expect(text).toContain(`stack/${AgentIdentity.AGENT_STACK_NAME_PREFIX}*`);
  });

  test('outputs and the version parameter the CLI reads', () => {
    expect(Object.keys(template.toJSON().Outputs)).toEqual(expect.arrayContaining(['BucketName', 'BucketDomainName', 'ImageRepositoryName', 'BootstrapVersion']));
    template.hasResourceProperties('AWS::SSM::Parameter', { Value: String(GuardedBootstrapNames.BOOTSTRAP_VERSION) });
  });

  test('no warning by default; a warning for each unsafe option', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('workloadRoles|allowEphemeralDeletes'))).toHaveLength(0);
    const risky = setup({ workloadRoles: WorkloadRoles.WITHOUT_AGENT_SCP, allowEphemeralDeletes: true }).stack;
    expect(Annotations.fromStack(risky).findWarning('*', Match.stringLikeRegexp('workloadRoles is WITHOUT_AGENT_SCP'))).toHaveLength(1);
    expect(Annotations.fromStack(risky).findWarning('*', Match.stringLikeRegexp('allowEphemeralDeletes is on'))).toHaveLength(1);
    const underScp = setup({ workloadRoles: WorkloadRoles.UNDER_AGENT_SCP }).stack;
    expect(Annotations.fromStack(underScp).findWarning('*', Match.stringLikeRegexp('workloadRoles'))).toHaveLength(0);
  });
});

describe('bad input', () => {
  const make = (props: any) => {
    const stack = new Stack(new App(), 'Bootstrap', { env: ENV });
    const agent = new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT) });
    let error: Error | undefined;
    try {
      new GuardedBootstrap(stack, 'Guarded', { agentRoles: [agent], ...props });
    } catch (e) {
      error = e as Error;
    }
    // nothing is half-created
    expect(stack.node.tryFindChild('Guarded')).toBeUndefined();
    return error?.message;
  };

  test.each([
    ['Agent_1', /is not 1 to 10 lower-case letters, digits or hyphens/],
    ['abcdefghijk', /is not 1 to 10 lower-case letters/],
    ['', /is not 1 to 10 lower-case letters/],
    ['hnb659fds', /is the qualifier of the standard CDK bootstrap/],
  ])('qualifier %p', (qualifier, reason) => {
    const message = make({ qualifier });
    expect(message).toMatch(/^GuardedBootstrap '[^']*Guarded': qualifier: /);
    expect(message).toContain(`'${qualifier}'`);
    expect(message).toMatch(reason);
    expect(message).toMatch(/Use a qualifier such as 'agent'/);
  });

  test('no agent role', () => {
    expect(make({ agentRoles: [] })).toMatch(/^GuardedBootstrap '[^']*Guarded': agentRoles: no agent role was given.*Pass the AgentRole\(s\)/);
    expect(make({ agentRoles: undefined })).toMatch(/agentRoles: no agent role was given.*or set trustAgentPath: true/);
    expect(make({ agentRoles: [], trustAgentPath: false })).toMatch(/agentRoles: no agent role was given/);
  });

  test('agentRoles and trustAgentPath together', () => {
    expect(make({ trustAgentPath: true })).toMatch(/^GuardedBootstrap '[^']*Guarded': agentRoles\/trustAgentPath: both were given \(1 role\(s\) and trustAgentPath: true\)\. .*give one of the two/);
  });

  test('GuardedStackSynthesizer: a bad qualifier, and a stack name without the agent prefix', () => {
    expect(() => new GuardedStackSynthesizer({ qualifier: 'hnb659fds' })).toThrow(/^GuardedStackSynthesizer .*qualifier: 'hnb659fds' is the qualifier of the standard CDK bootstrap/);
    expect(() => new GuardedStackSynthesizer({ qualifier: 'Team_A' })).toThrow(/qualifier: 'Team_A' is not 1 to 10 lower-case letters/);
    expect(() => new Stack(new App(), 'Orders', { synthesizer: new GuardedStackSynthesizer() }))
      .toThrow(/^GuardedStackSynthesizer 'Orders': stackName: 'Orders' does not start with 'agent-'.*e\.g\. 'agent-Orders'/);
  });

  test('a role with a path or boundary of its own in an agent stack is an error', () => {
    const s = new Stack(new App(), 'agent-x', { env: ENV, synthesizer: new GuardedStackSynthesizer() });
    new iam.Role(s, 'Pathed', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), path: '/ops/' });
    expect(Annotations.fromStack(s).findError('*', Match.stringLikeRegexp("role path '/ops/' is not /guardrails-agent-workload/"))).toHaveLength(1);
  });

  test('GuardedBootstrapNames.of refuses an invalid qualifier', () => {
    expect(() => GuardedBootstrapNames.of('UPPER')).toThrow(/GuardedBootstrapNames.of: qualifier 'UPPER' is not 1 to 10/);
  });
});

describe('bootstrap template (cdk-agent-guardrails bootstrap-template)', () => {
  const t = bootstrapTemplate();

  test('declares every parameter the CDK CLI passes, with the variant and version the CLI reads', () => {
    expect(Object.keys(t.Parameters).sort()).toEqual([
      'BootstrapVariant', 'CloudFormationExecutionPolicies', 'FileAssetsBucketKmsKeyId', 'FileAssetsBucketName', 'InputPermissionsBoundary',
      'PublicAccessBlockConfiguration', 'Qualifier', 'TrustedAccounts', 'TrustedAccountsForLookup',
    ]);
    expect(t.Parameters.BootstrapVariant.Default).toBe(GUARDED_BOOTSTRAP_VARIANT);
    expect(t.Parameters.Qualifier).toMatchObject({ Default: 'agent', AllowedPattern: '[a-z0-9-]{1,10}' });
    expect(t.Resources.CdkBootstrapVersion.Properties.Value).toBe(String(GuardedBootstrapNames.BOOTSTRAP_VERSION));
    expect(t.Outputs.BootstrapVersion.Value).toBe(String(GuardedBootstrapNames.BOOTSTRAP_VERSION));
    // names follow the Qualifier parameter
    expect(JSON.stringify(t.Resources.CdkBootstrapVersion.Properties.Name)).toContain('/cdk-bootstrap/${Qualifier}/version');
    // options it cannot honour are refused by a rule (the CLI shows the description)
    const rules = JSON.stringify(t.Rules);
    for (const p of ['TrustedAccounts', 'CloudFormationExecutionPolicies', 'InputPermissionsBoundary', 'hnb659fds']) expect(rules).toContain(p);
  });

  test('without agent role ARNs, every role under the agent path of the account may deploy, with an agent source identity', () => {
    const deployRole = Object.values<any>(t.Resources).find(r => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.RoleName).includes('deploy-role'));
    const trust = JSON.stringify(deployRole.Properties.AssumeRolePolicyDocument);
    expect(trust).toContain(':role/guardrails-agent/*');
    expect(trust).toContain('guardrails-agent.*');
  });

  test('the command prints it, writes it, and refuses bad options with exit code 2', () => {
    const out: string[] = []; const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    expect(main(['bootstrap-template'], io)).toBe(0);
    expect(JSON.parse(out.join('')).Parameters.Qualifier.Default).toBe('agent');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gb-')), 'guarded.json');
    expect(main(['bootstrap-template', '--qualifier', 'team1', '--agent-role-arn', `arn:aws:iam::${ACCOUNT}:role/guardrails-agent/a`, '--out', file], io)).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).Parameters.Qualifier.Default).toBe('team1');
    // A named agent role is trusted by its ARN, not the whole agent path.
    const named = JSON.parse(fs.readFileSync(file, 'utf8'));
    const deployTrust = JSON.stringify(Object.values<any>(named.Resources)
      .find(r => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.RoleName ?? '').includes('deploy-role')).Properties.AssumeRolePolicyDocument);
    expect(deployTrust).toContain(`arn:aws:iam::${ACCOUNT}:role/guardrails-agent/a`);
    expect(deployTrust).not.toContain(':role/guardrails-agent/*');
    expect(err.join('')).toMatch(/aws cloudformation deploy --template-file .* --s3-bucket <bucket> --capabilities CAPABILITY_NAMED_IAM --parameter-overrides Qualifier=team1/);
    err.length = 0;
    expect(main(['bootstrap-template', '--qualifier', 'hnb659fds'], io)).toBe(2);
    expect(err.join('')).toMatch(/--qualifier: 'hnb659fds' is the qualifier of the standard CDK bootstrap/);
    expect(main(['bootstrap-template', '--workload-roles', 'sometimes'], io)).toBe(2);
    expect(err.join('')).toMatch(/--workload-roles: 'sometimes' is not one of off, under-agent-scp, without-agent-scp/);
    expect(main(['bootstrap-template', '--agent-role-arn', 'not-an-arn'], io)).toBe(2);
    expect(err.join('')).toMatch(/--agent-role-arn: 'not-an-arn' is not an IAM role ARN/);
    expect(main(['bootstrap-template', '--qualifier'], io)).toBe(2);
    expect(main(['bootstrap-template', '--help'], io)).toBe(0);
  });
});

describe('GuardedBootstrap passes the guardrail checks', () => {
  test('every role of the bootstrap has a boundary and allows no plan action its denies do not remove (AG-IAM1, AG-IAM2)', () => {
    const app = new App();
    const stack = new Stack(app, 'Bootstrap', { env: { account: '123456789012', region: 'us-east-1' } });
    const agent = new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedBootstrap(stack, 'AgentBootstrap', { agentRoles: [agent] });
    const findings = new AgentGuardrailsChecks().findings(app).filter(f => f.ruleId.startsWith('AG-IAM'));
    expect(findings.map(f => `${f.ruleId} ${f.message}`)).toEqual([]);
  });

  test('the lookup role refuses every catalog action ReadOnlyAccess grants (the generated managed-policy table)', () => {
    const table = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'checks', 'data', 'managed-policies.json'), 'utf8')).policies;
    const granted: string[] = PolicyPacker.expand(table.ReadOnlyAccess.allows ?? []);
    expect(granted.length).toBeGreaterThan(0);
    const refused = setActions('deploy.lookup-denied');
    expect(granted.filter(a => !refused.includes(a))).toEqual([]);
  });
});
