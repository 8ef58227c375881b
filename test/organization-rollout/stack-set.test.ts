/**
 * GuardrailsStackSet, GuardrailsMemberStack and AgentMcpScp: what they synthesize, their warnings,
 * and every validation with its invalid value.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AgentDenyPolicies, AgentMcpScp, GuardedBootstrap, GuardrailsMemberStack, GuardrailsStackSet, GuardrailsStackSetProps, StackSetCaller,
} from '../../src';

jest.setTimeout(300_000);
process.env.CDK_VALIDATION = 'false';

const OU = 'ou-ab12-cd34ef56';
const BREAK_GLASS = 'arn:aws:iam::*:role/BreakGlass';

function setup(): { app: App; mgmt: Stack; member: GuardrailsMemberStack } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'stackset-')) });
  const mgmt = new Stack(app, 'Mgmt', { env: { region: 'us-east-1' } });
  const member = new GuardrailsMemberStack(mgmt, 'Member');
  return { app, mgmt, member };
}

describe('GuardrailsStackSet', () => {
  test('service-managed, automatic deployment, OU targets and Regions; a small template goes inline', () => {
    const { app, mgmt, member } = setup();
    new sqs.Queue(member, 'Queue');
    const set = new GuardrailsStackSet(mgmt, 'Set', { memberStack: member, organizationalUnitIds: [OU], regions: ['us-east-1', 'eu-west-1'] });
    const template = Template.fromStack(mgmt);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: { RegionConcurrencyType: 'PARALLEL', MaxConcurrentPercentage: 25, FailureTolerancePercentage: 0 },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [OU] }, Regions: ['us-east-1', 'eu-west-1'] }],
      StackSetName: set.stackSetName,
      TemplateBody: Match.anyValue(),
      TemplateURL: Match.absent(),
    });
    const body = JSON.parse(template.findResources('AWS::CloudFormation::StackSet')[Object.keys(template.findResources('AWS::CloudFormation::StackSet'))[0]].Properties.TemplateBody);
    expect(Object.values<any>(body.Resources).map(r => r.Type)).toContain('AWS::SQS::Queue');
    // No bootstrap version parameter: the member accounts have no CDK bootstrap to check.
    expect(body.Parameters?.BootstrapVersion).toBeUndefined();
    expect(member._templateBytes).toBeLessThanOrEqual(GuardrailsMemberStack.TEMPLATE_BODY_MAX_BYTES);
    expect(app.synth().stacks.map(s => s.stackName)).toEqual(['Mgmt']);
  });

  test('a template over 51,200 bytes becomes a file asset of the parent stack and the StackSet\'s TemplateURL', () => {
    const { app, mgmt, member } = setup();
    new AgentDenyPolicies(member, 'Denies');
    // The deny policies alone are about 48,000 bytes: five role descriptions take the template over the inline limit.
    for (let i = 0; i < 5; i++) new iam.Role(member, `Padding${i}`, { assumedBy: new iam.AccountRootPrincipal(), description: 'x'.repeat(900) });
    new GuardrailsStackSet(mgmt, 'Set', {
      memberStack: member,
      organizationalUnitIds: [OU, 'r-ab12'],
      regions: ['us-east-1'],
      excludedAccountIds: ['123456789012'],
      callAs: StackSetCaller.DELEGATED_ADMIN,
      retainStacksOnAccountRemoval: false,
      maxConcurrentPercentage: 100,
      failureTolerancePercentage: 10,
    });
    const assembly = app.synth();
    expect(member._templateBytes).toBeGreaterThan(GuardrailsMemberStack.TEMPLATE_BODY_MAX_BYTES);
    const template = Template.fromStack(mgmt);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      OperationPreferences: { MaxConcurrentPercentage: 100, FailureTolerancePercentage: 10 },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [OU, 'r-ab12'], Accounts: ['123456789012'], AccountFilterType: 'DIFFERENCE' } }],
      TemplateBody: Match.absent(),
      TemplateURL: Match.anyValue(),
    });
    const assets = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Mgmt.assets.json'), 'utf8'));
    const entry = Object.values<any>(assets.files).find(f => f.source.path === member.templateFile);
    expect(entry).toBeDefined();
    const written = fs.readFileSync(path.join(assembly.directory, member.templateFile), 'utf8');
    expect(Buffer.byteLength(written)).toBe(member._templateBytes);
  });

  test('warns that service-managed StackSets never deploy to the management account', () => {
    const { mgmt, member } = setup();
    new sqs.Queue(member, 'Queue');
    new GuardrailsStackSet(mgmt, 'Set', { memberStack: member, organizationalUnitIds: [OU], regions: ['us-east-1'] });
    Annotations.fromStack(mgmt).hasWarning('/Mgmt/Set', Match.stringLikeRegexp('never deploy to the management account'));
  });

  test('a member stack with named IAM resources in several Regions fails synthesis, naming the fix', () => {
    const { app, mgmt, member } = setup();
    new AgentDenyPolicies(member, 'Denies');
    new GuardrailsStackSet(mgmt, 'Set', { memberStack: member, organizationalUnitIds: [OU], regions: ['us-east-1', 'eu-west-1'] });
    expect(() => app.synth()).toThrow(/GuardrailsStackSet 'Mgmt\/Set': regions: the member stack has IAM resources with fixed names that do not hold the Region \(Mgmt\/Member\/Denies\/Deny1\/Resource.*IAM is global.*another GuardrailsStackSet deployed to every Region/s);
  });

  test('unnamed IAM roles are fine in several Regions', () => {
    const { app, mgmt, member } = setup();
    new iam.Role(member, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardrailsStackSet(mgmt, 'Set', { memberStack: member, organizationalUnitIds: [OU], regions: ['us-east-1', 'eu-west-1'] });
    expect(() => app.synth()).not.toThrow();
  });

  test('IAM names that hold the Region are fine in several Regions: a GuardedBootstrap for every agent role of each account', () => {
    const { app, mgmt, member } = setup();
    new iam.Role(member, 'Named', { assumedBy: new iam.AccountRootPrincipal(), roleName: `per-region-${Aws.REGION}` });
    const gb = new GuardedBootstrap(member, 'AgentDeploys', { trustAgentPath: true });
    new GuardrailsStackSet(mgmt, 'Set', { memberStack: member, organizationalUnitIds: [OU], regions: ['us-east-1', 'eu-west-1'] });
    expect(() => app.synth()).not.toThrow();
    // The deploy role trusts the agent path of the account it is deployed to, with the agent source identity.
    const trust = JSON.stringify(member.resolve((gb.deployRole.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument));
    expect(trust).toContain('role/guardrails-agent/*');
    expect(trust).toContain('sts:SourceIdentity');
  });

  test('Region names are checked by their form, not a list: new and partition Regions pass', () => {
    const { mgmt, member } = setup();
    expect(() => new GuardrailsStackSet(mgmt, 'Set', {
      memberStack: member, organizationalUnitIds: [OU], regions: ['us-gov-west-1', 'ap-southeast-7', 'mx-central-1', 'eusc-de-east-1'],
    })).not.toThrow();
  });

  describe('bad input: construct, prop, value and fix', () => {
    const cases: Array<[string, (m: GuardrailsMemberStack) => Partial<GuardrailsStackSetProps>, RegExp]> = [
      ['empty OU list', () => ({ organizationalUnitIds: [] }), /GuardrailsStackSet 'Mgmt\/Set': organizationalUnitIds: \[\] deploys to no account\. Give at least one OU ID such as 'ou-ab12-cd34ef56'/],
      ['malformed OU', () => ({ organizationalUnitIds: ['ou-AB12-cd34ef56'] }), /organizationalUnitIds\[0\]: 'ou-AB12-cd34ef56' is not valid\. Give an OU ID such as 'ou-ab12-cd34ef56'/],
      ['account given as OU', () => ({ organizationalUnitIds: ['123456789012'] }), /organizationalUnitIds\[0\]: '123456789012' is not valid/],
      ['duplicate OU', () => ({ organizationalUnitIds: [OU, OU] }), /organizationalUnitIds\[1\]: 'ou-ab12-cd34ef56' is listed twice/],
      ['empty Regions', () => ({ regions: [] }), /regions: \[\] deploys nowhere\. Give at least one Region name such as 'us-east-1'/],
      ['Region in capitals', () => ({ regions: ['US-EAST-1'] }), /regions\[0\]: 'US-EAST-1' is not valid\. Give a Region name such as 'us-east-1'/],
      ['Availability Zone for a Region', () => ({ regions: ['us-east-1a'] }), /regions\[0\]: 'us-east-1a' is not valid/],
      ['Region without a number', () => ({ regions: ['eu-west'] }), /regions\[0\]: 'eu-west' is not valid/],
      ['account ID of 11 digits', () => ({ excludedAccountIds: ['12345678901'] }), /excludedAccountIds\[0\]: '12345678901' is not valid\. Give a 12-digit account ID/],
      ['StackSet name with underscore', () => ({ stackSetName: 'guard_rails' }), /stackSetName: 'guard_rails' is not a StackSet name/],
      ['concurrency 0', () => ({ maxConcurrentPercentage: 0 }), /maxConcurrentPercentage: 0 is not a whole percentage from 1 to 100/],
      ['tolerance 101', () => ({ failureTolerancePercentage: 101 }), /failureTolerancePercentage: 101 is not a whole percentage from 0 to 100/],
      ['callAs unknown', () => ({ callAs: 'ADMIN' as StackSetCaller }), /callAs: 'ADMIN' is not a StackSetCaller/],
      ['no member stack', () => ({ memberStack: undefined as any }), /memberStack: a GuardrailsMemberStack is needed/],
    ];
    test.each(cases)('%s', (_name, change, message) => {
      const { mgmt, member } = setup();
      expect(() => new GuardrailsStackSet(mgmt, 'Set', {
        memberStack: member, organizationalUnitIds: [OU], regions: ['us-east-1'], ...change(member),
      })).toThrow(message);
    });

    test('a member stack created inside another stack than the StackSet\'s', () => {
      const { app, member } = setup();
      const other = new Stack(app, 'Other');
      expect(() => new GuardrailsStackSet(other, 'Set', { memberStack: member, organizationalUnitIds: [OU], regions: ['us-east-1'] }))
        .toThrow(/GuardrailsStackSet 'Other\/Set': memberStack: 'Mgmt\/Member' was created inside 'Mgmt', not inside this construct's stack 'Other'/);
    });
  });
});

describe('GuardrailsMemberStack', () => {
  test('refuses file assets (a Lambda function from a directory), naming the fix', () => {
    const { member } = setup();
    expect(() => new lambda.Function(member, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(__dirname),
    })).toThrow(/GuardrailsMemberStack 'Mgmt\/Member': the member stack has a file asset .*cannot copy an asset into a bucket of every target Region.*lambda\.Code\.fromInline/s);
  });

  test('accepts inline code', () => {
    const { member } = setup();
    expect(() => new lambda.Function(member, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
    })).not.toThrow();
  });

  test('must be created inside a stack', () => {
    expect(() => new GuardrailsMemberStack(new App(), 'Member')).toThrow(/GuardrailsMemberStack 'Member': scope: the member stack must be created inside the stack that holds the GuardrailsStackSet/);
  });

  test('cannot be created inside another member stack', () => {
    const { member } = setup();
    expect(() => new GuardrailsMemberStack(member, 'Inner')).toThrow(/scope: a member stack cannot be created inside another member stack/);
  });
});

describe('AgentMcpScp', () => {
  const app = new App();
  const stack = new Stack(app, 'Org');
  const mcp = new AgentMcpScp(stack, 'Mcp', { targetIds: [OU], breakGlassPrincipalArnPatterns: [BREAK_GLASS], existingPoliciesPerTarget: 3 });
  const template = Template.fromStack(stack);
  const statements = Object.values<any>(template.findResources('AWS::Organizations::Policy')).flatMap(r => r.Properties.Content.Statement);

  test('every statement denies only through an AWS managed MCP server, and spares break-glass', () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(s.Effect).toBe('Deny');
      expect(s.Condition.Bool).toEqual({ 'aws:ViaAWSMCPService': 'true' });
      // (a plan group may add its own conditions, e.g. on cloudformation:RoleArn)
      expect(s.Condition.ArnNotLike['aws:PrincipalArn']).toEqual(BREAK_GLASS);
    }
  });

  test('renders the SCP deny plan whole: every action covered, documents within the budget, no aws-mcp actions', () => {
    expect(mcp.actionsCovered).toBe(mcp.actionsDenied);
    expect(mcp.actionsDenied).toBe(mcp.denyPlan.actions().length);
    for (const n of mcp.documentSizes) expect(n).toBeLessThanOrEqual(mcp.budget.maxCharacters);
    expect(JSON.stringify(statements)).not.toMatch(/aws-mcp:/);
    expect(mcp.policiesPerTarget).toBe(3 + mcp.policies.length);
    template.resourceCountIs('AWS::Organizations::Policy', mcp.policies.length);
    template.allResourcesProperties('AWS::Organizations::Policy', { Type: 'SERVICE_CONTROL_POLICY', TargetIds: [OU] });
  });

  test('named MCP servers: aws:CalledViaAWSMCP, with a warning that other servers are not denied', () => {
    const s = new Stack(new App(), 'Named');
    new AgentMcpScp(s, 'Mcp', { targetIds: [OU], mcpServerPrincipals: [AgentMcpScp.AWS_MCP_SERVER_PRINCIPAL, 'eks-mcp.amazonaws.com'] });
    const st = Object.values<any>(Template.fromStack(s).findResources('AWS::Organizations::Policy')).flatMap(r => r.Properties.Content.Statement);
    for (const x of st) {
      // A rule's own StringEquals or Bool conditions (effect rules) sit beside the server match.
      expect(x.Condition.StringEquals).toMatchObject({ 'aws:CalledViaAWSMCP': ['aws-mcp.amazonaws.com', 'eks-mcp.amazonaws.com'] });
      expect(x.Condition.Bool?.['aws:ViaAWSMCPService']).toBeUndefined();
      expect(x.Condition.ArnNotLike?.['aws:PrincipalArn']).toBeUndefined();
    }
    Annotations.fromStack(s).hasWarning('/Named/Mcp', Match.stringLikeRegexp('calls through any other AWS managed MCP server are not denied'));
  });

  test('over the quota, synthesis fails with the figures', () => {
    expect(() => new AgentMcpScp(new Stack(new App(), 'Full'), 'Mcp', { targetIds: [OU], existingPoliciesPerTarget: 8 }))
      .toThrow(/AgentMcpScp 'Full\/Mcp': \d+ SCP documents .* do not fit the attachment levels \(targetIds: 2 of 10 free \(8 attached\)\)/);
  });

  describe('bad input', () => {
    const cases: Array<[string, any, RegExp]> = [
      ['empty targets', { targetIds: [] }, /AgentMcpScp 'S\/Mcp': targetIds: \[\] attaches the policies nowhere/],
      ['malformed OU', { targetIds: ['ou-12'] }, /targetIds: 'ou-12' is not a root, OU or account ID/],
      ['no targets', {}, /targetIds: no value was given/],
      ['break-glass that matches agents', { targetIds: [OU], breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/*'] }, /breakGlassPrincipalArnPatterns: 'arn:aws:iam::\*:role\/\*' also matches agent roles/],
      ['break-glass not an ARN', { targetIds: [OU], breakGlassPrincipalArnPatterns: ['BreakGlass'] }, /breakGlassPrincipalArnPatterns: 'BreakGlass' is not an IAM principal ARN pattern/],
      ['empty server list', { targetIds: [OU], mcpServerPrincipals: [] }, /mcpServerPrincipals: \[\] matches no MCP server/],
      ['server not a service principal', { targetIds: [OU], mcpServerPrincipals: ['aws-mcp'] }, /mcpServerPrincipals\[0\]: 'aws-mcp' is not the service principal of an AWS managed MCP server/],
      ['empty categories', { targetIds: [OU], categories: [] }, /categories: \[\] denies nothing/],
      ['existing 10 of 10', { targetIds: [OU], existingPoliciesPerTarget: 10 }, /existingPoliciesPerTarget: 10 is not a whole number from 1 to 9/],
    ];
    test.each(cases)('%s', (_name, props, message) => {
      expect(() => new AgentMcpScp(new Stack(new App(), 'S'), 'Mcp', props)).toThrow(message);
    });
  });
});
