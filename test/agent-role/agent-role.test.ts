import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AgentAccess, AgentRole, AgentRoleProps } from '../../src/agent-role';
import { ActionCatalog } from '../../src/catalog';
import { AgentIdentity } from '../../src/identity';
import { PolicyPacker } from '../../src/policy';

const ACCOUNT = '111111111111';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
}

/** Asserts that some managed policy of the template holds a statement like this one (order-free). */
function hasStatement(s: Stack, statement: Record<string, unknown>): void {
  Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
  });
}

/** The statement with this Sid, from any managed policy; its action patterns expanded against the catalog. */
function statementBySid(s: Stack, sid: string): { statement: any; actions: string[] } {
  const all = Object.values<any>(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy')).flatMap(p => p.Properties.PolicyDocument.Statement);
  const statement = all.find((x: any) => x.Sid === sid);
  expect(statement).toBeDefined();
  const patterns = ([] as string[]).concat(statement.Action ?? []);
  return { statement, actions: PolicyPacker.expand(patterns) };
}

function agent(props: Partial<AgentRoleProps> = {}, s = stack()): { s: Stack; role: AgentRole } {
  const role = new AgentRole(s, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), ...props });
  return { s, role };
}

describe('AgentRole template', () => {
  test('trust: the principal may assume and tag sessions, never with guardrail tag keys; 1 hour sessions; agent path and tag', () => {
    const { s } = agent();
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Role', {
      Path: AgentIdentity.AGENT_ROLE_PATH,
      MaxSessionDuration: 3600,
      Tags: Match.arrayWith([{ Key: AgentIdentity.AGENT_TAG_KEY, Value: AgentIdentity.AGENT_TAG_VALUE }]),
      PermissionsBoundary: { Ref: Match.stringLikeRegexp('^AgentBoundary') },
      AssumeRolePolicyDocument: {
        Statement: [
          // The session must carry the agent's source identity (it survives role chaining).
          Match.objectLike({
            Sid: 'AssumeWithAgentSourceIdentity',
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
            Principal: { AWS: Match.anyValue() },
            Condition: { StringLike: { 'sts:SourceIdentity': `${AgentIdentity.SOURCE_IDENTITY_PREFIX}*` } },
          }),
          Match.objectLike({ Sid: 'TagAgentSessions', Effect: 'Allow', Action: 'sts:TagSession', Principal: { AWS: Match.anyValue() } }),
          Match.objectLike({
            Sid: 'DenyGuardrailSessionTags',
            Effect: 'Deny',
            Action: 'sts:TagSession',
            Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': Match.arrayWith([AgentIdentity.EPHEMERAL_TAG_KEY, AgentIdentity.AGENT_TAG_KEY]) } },
          }),
        ],
      },
    });
  });

  test('trust: external IDs and a GitHub Actions OIDC principal', () => {
    const s = stack();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(s, 'Gh', `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
    new AgentRole(s, 'Ci', {
      assumedBy: new iam.OpenIdConnectPrincipal(provider, { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } }),
    });
    new AgentRole(s, 'Vendor', { assumedBy: new iam.AccountPrincipal('222222222222'), externalIds: ['agent-7f3a'] });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity'],
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*', 'sts:SourceIdentity': `${AgentIdentity.SOURCE_IDENTITY_PREFIX}*` } },
        })]),
      },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Condition: Match.objectLike({ StringEquals: { 'sts:ExternalId': 'agent-7f3a' } }) })]),
      },
    });
  });

  test('custom name, sub-path, session length and tags', () => {
    const { s } = agent({ roleName: 'claude-code', path: '/guardrails-agent/team-a/', maxSessionDuration: Duration.hours(2), tags: { team: 'a' } });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'claude-code',
      Path: '/guardrails-agent/team-a/',
      MaxSessionDuration: 7200,
      Tags: Match.arrayWith([{ Key: 'team', Value: 'a' }]),
    });
  });

  test('managed policies live under the agent path, are attached to the role, and hold the denies', () => {
    const { s, role } = agent();
    const t = Template.fromStack(s);
    const policies = t.findResources('AWS::IAM::ManagedPolicy');
    expect(Object.keys(policies)).toHaveLength(role.policies.length + 1);
    for (const p of Object.values<any>(policies)) expect(p.Properties.Path).toBe(AgentIdentity.AGENT_ROLE_PATH);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Agent') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'Deny0', Effect: 'Deny', Resource: '*' })]) },
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyGuardTagForgery0' })]) },
    });
    hasStatement(s, { Sid: 'DenyAdminRoles', Effect: 'Deny', Resource: Match.arrayWith(['arn:aws:iam::*:role/cdk-*-deploy-role-*', 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*']) });
    hasStatement(s, {
      Sid: 'DenyAgentRoleTampering',
      NotAction: ['iam:Get*', 'iam:List*', 'sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'iam:PassRole'],
      Resource: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.GUARDIAN_ROLE_ARN_PATTERN, 'arn:aws:iam::*:policy/guardrails-agent/*'],
    });
    hasStatement(s, { Sid: 'DenyGuardTagForgeryEc20', Action: 'ec2:CreateTags*', Condition: Match.objectLike({ Null: { 'ec2:CreateAction': 'true' } }) });
    const all = Object.values<any>(policies).flatMap(p => p.Properties.PolicyDocument.Statement);
    const unconditional = PolicyPacker.expand(all.filter((x: any) => /^Deny\d+$/.test(x.Sid)).flatMap((x: any) => [].concat(x.Action)));
    expect(unconditional).toEqual(expect.arrayContaining(['ec2:TerminateInstances', 's3:PutBucketPolicy']));
    expect(unconditional).toEqual(expect.arrayContaining(['s3:PutBucketTagging', 's3:PutObjectTagging'])); // guard.tag-uncheckable
    expect(statementBySid(s, 'DenyGuardTagForgery0').statement.Condition).toEqual({ 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['guardrails:ephemeral', 'guardrails:guard', 'guardrails:backup', 'guardrails:agent'] } });
    // Without the ephemeral exception, the destroy denies are unconditional (group Deny) and there is no Destroy group.
    expect(all.filter((x: any) => /^DenyDestroy/.test(x.Sid))).toEqual([]);
    for (const d of all.filter((x: any) => /^Deny\d+$/.test(x.Sid))) expect(d.Condition).toBeUndefined();
  });

  test('with allowEphemeralDeletes, destroy denies carry the ephemeral condition and a warning is raised', () => {
    const { s, role } = agent({ allowEphemeralDeletes: true });
    const destroy = Object.values<any>(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement).filter((x: any) => /^DenyDestroy/.test(x.Sid));
    expect(destroy.length).toBeGreaterThan(0);
    for (const d of destroy) expect(d.Condition).toEqual({ StringNotEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } });
    Annotations.fromStack(s).hasWarning(`/${role.node.path}`, Match.stringLikeRegexp('^allowEphemeralDeletes is on'));
  });

  test('the default role raises no warning', () => {
    const { s } = agent();
    expect(Annotations.fromStack(s).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('the boundary allows developer work and repeats the curated and no-escape denies', () => {
    const { s } = agent();
    const boundary = (statement: Record<string, unknown>) => Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Permissions boundary'),
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
    });
    boundary({ Sid: 'BoundaryAllowDeveloper', Effect: 'Allow', NotAction: Match.arrayWith(['iam:*', 'organizations:*', 'account:*']) });
    boundary({ Sid: 'DenyWeakenExposeEscalate', Effect: 'Deny', Resource: '*' });
    expect(statementBySid(s, 'DenyWeakenExposeEscalate').actions).toEqual(expect.arrayContaining(['iam:AttachRolePolicy', 's3:PutBucketPolicy', 'cloudtrail:StopLogging', 'iam:PassRole']));
    boundary({ Sid: 'DenyPassRoles', Effect: 'Deny', Action: 'iam:PassRole', NotResource: AgentIdentity.GUARDED_EXECUTION_ROLE_ARN_PATTERN });
    boundary({ Sid: 'DenyAssumeOtherRoles', Effect: 'Deny', Action: 'sts:AssumeRole', NotResource: AgentIdentity.GUARDED_BOOTSTRAP_ROLE_ARN_PATTERN });
    boundary({ Sid: 'DenyAgentRoleTampering', Effect: 'Deny' });
  });

  test('creating principals is denied outright (no dead boundary-condition statement beside it)', () => {
    const { s } = agent();
    hasStatement(s, { Sid: 'DenyCreatePrincipals', Action: ['iam:CreateRole', 'iam:CreateUser', 'iam:CreateGroup'] });
    const sids = Object.values<any>(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy')).flatMap(r => r.Properties.PolicyDocument.Statement.map((st: any) => st.Sid));
    expect(sids).not.toContain('DenyPrincipalsWithoutBoundary');
  });

  test('guarded trail, rule, topic and vault are read-only to the agent; tagged guards too', () => {
    const s = stack();
    const trail = new cloudtrail.Trail(s, 'Trail', { bucket: new s3.Bucket(s, 'TrailBucket') });
    const rule = new events.Rule(s, 'Rule', { eventPattern: { source: ['aws.ec2'] } });
    const topic = new sns.Topic(s, 'Topic');
    const vault = new backup.BackupVault(s, 'Vault');
    new AgentRole(s, 'Agent', {
      assumedBy: new iam.AccountPrincipal(ACCOUNT),
      guardedTrails: [trail],
      guardedRules: [rule],
      guardedTopics: [topic],
      guardedBackupVaults: [vault],
    });
    hasStatement(s, { Sid: 'DenyGuardTagged', Effect: 'Deny', Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/guardrails:guard': 'true' } } });
    hasStatement(s, {
      Sid: 'DenyGuardResources',
      Effect: 'Deny',
      Resource: Match.arrayWith([
        'arn:aws:events:*:*:rule/guardrails-*',
        'arn:aws:lambda:*:*:function:guardrails-*',
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^Trail'), 'Arn'] },
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^Rule'), 'Arn'] },
        { Ref: Match.stringLikeRegexp('^Topic') },
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vault'), 'BackupVaultArn'] },
      ]),
    });
    const guarded = statementBySid(s, 'DenyGuardResources').actions;
    expect(guarded).toEqual(expect.arrayContaining(['cloudtrail:StopLogging', 'cloudtrail:UpdateTrail', 'events:PutRule', 'events:RemoveTargets', 'sns:SetTopicAttributes', 'backup:PutBackupVaultAccessPolicy']));
    expect(guarded).not.toContain('cloudtrail:LookupEvents');
  });

  test('passable roles and protected roles', () => {
    const s = stack();
    const exec = new iam.Role(s, 'Exec', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), path: AgentRole.WORKLOAD_ROLE_PATH });
    new AgentRole(s, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), passableRoles: [exec], protectedRoleArns: ['arn:aws:iam::*:role/OrganizationAccountAccessRole'] });
    hasStatement(s, { Sid: 'DenyPassOtherRoles', Effect: 'Deny', Action: 'iam:PassRole', NotResource: [AgentIdentity.GUARDED_EXECUTION_ROLE_ARN_PATTERN, { 'Fn::GetAtt': [Match.stringLikeRegexp('^Exec'), 'Arn'] }] });
    hasStatement(s, { Sid: 'AllowPassWorkloadRoles', Effect: 'Allow', Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Exec'), 'Arn'] } });
    hasStatement(s, { Sid: 'DenyAdminRoles', Resource: Match.arrayWith(['arn:aws:iam::*:role/OrganizationAccountAccessRole']) });
  });

  test('read-only access attaches ReadOnlyAccess; custom access adds statements and policies', () => {
    const { s } = agent({ access: AgentAccess.readOnly() });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] }],
    });
    const c = agent({
      access: AgentAccess.custom({
        statements: [new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::app/*'] })],
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSLambda_FullAccess')],
      }),
    });
    const t = Template.fromStack(c.s);
    t.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::aws:policy/AWSLambda_FullAccess'])]) })] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::app/*' })]) },
    });
    expect(() => AgentAccess.custom({})).toThrow(/^AgentAccess.custom: no statements and no managedPolicies/);
  });

  test('drops in where a role goes: grants land in the role policy', () => {
    const { s, role } = agent();
    const bucket = new s3.Bucket(s, 'Bucket');
    bucket.grantRead(role);
    expect(role.grantPrincipal).toBe(role);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Agent') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })]) },
    });
  });

  test('administration service prefixes are catalog services', () => {
    for (const svc of ActionCatalog.administrationServices()) expect(ActionCatalog.services()).toContain(svc);
  });
});

describe('AgentRole validation', () => {
  test.each([
    [Duration.hours(13), /^AgentRole '[^']+': maxSessionDuration: 13 hours is outside the 1 to 12 hours IAM allows/],
    [Duration.minutes(30), /^AgentRole '[^']+': maxSessionDuration: 30 minutes is outside the 1 to 12 hours/],
  ])('session %s is refused', (d, re) => {
    expect(() => agent({ maxSessionDuration: d })).toThrow(re);
  });

  test('12 hours is accepted', () => {
    expect(() => agent({ maxSessionDuration: Duration.hours(12) })).not.toThrow();
  });

  test('empty or absent trust is refused', () => {
    expect(() => new AgentRole(stack(), 'A', {} as any)).toThrow(/^AgentRole '[^']+': assumedBy: no principal was given/);
    expect(() => new AgentRole(stack(), 'A', { assumedBy: null as any })).toThrow(/^AgentRole '[^']+': assumedBy: no principal was given/);
    class NoOne extends iam.PrincipalBase {
      public readonly policyFragment = new iam.PrincipalPolicyFragment({});
      public dedupeString(): string | undefined { return undefined; }
    }
    expect(() => new AgentRole(stack(), 'A', { assumedBy: new NoOne() })).toThrow(/^AgentRole '[^']+': assumedBy: the principal is empty/);
  });

  test('nothing is half-created when validation fails', () => {
    const s = stack();
    expect(() => new AgentRole(s, 'A', { assumedBy: new iam.AccountPrincipal(ACCOUNT), maxSessionDuration: Duration.hours(24) })).toThrow();
    expect(s.node.tryFindChild('A')?.node.children ?? []).toHaveLength(0);
  });

  test.each([
    ['aws:createdBy', /^AgentRole '[^']+': tags: 'aws:createdBy' is not a valid tag key/],
    ['bad#key', /^AgentRole '[^']+': tags: 'bad#key' is not a valid tag key/],
    ['', /^AgentRole '[^']+': tags: '' is not a valid tag key/],
    ['x'.repeat(129), /is not a valid tag key/],
    ['guardrails:agent', /^AgentRole '[^']+': tags: 'guardrails:agent' uses the reserved 'guardrails:' prefix/],
    ['Guardrails:Ephemeral', /uses the reserved 'guardrails:' prefix/],
  ])('tag key %s is refused', (key, re) => {
    expect(() => agent({ tags: { [key]: 'v' } })).toThrow(re);
  });

  test('invalid tag value is refused', () => {
    expect(() => agent({ tags: { team: 'a#b' } })).toThrow(/^AgentRole '[^']+': tags: the value 'a#b' of 'team' is not a valid tag value/);
  });

  test.each([
    ['/', /^AgentRole '[^']+': path: '\/' does not start with '\/guardrails-agent\/'/],
    ['/admins/', /^AgentRole '[^']+': path: '\/admins\/' does not start with/],
    ['/guardrails-agent', /^AgentRole '[^']+': path: '\/guardrails-agent' does not start with/],
    ['/guardrails-agent/team a/', /^AgentRole '[^']+': path: .* \(or is not a valid IAM path\)/],
  ])('path %s is refused', (path, re) => {
    expect(() => agent({ path })).toThrow(re);
  });

  test.each([['my role'], ['x'.repeat(65)], ['']])('role name %p is refused', (roleName) => {
    expect(() => agent({ roleName })).toThrow(/^AgentRole '[^']+': roleName: '.*' is not a valid role name/);
  });

  test.each([[[] as string[], /^AgentRole '[^']+': externalIds: an empty list was given/], [['x'], /^AgentRole '[^']+': externalIds: 'x' is not a valid external ID/], [['a b'], /^AgentRole '[^']+': externalIds: 'a b' is not a valid external ID/]])(
    'external IDs %p are refused', (externalIds, re) => {
      expect(() => agent({ externalIds })).toThrow(re);
    });

  test.each([[0], [26], [10.5], [-1]])('managedPolicyQuota %p is refused', (q) => {
    expect(() => agent({ managedPolicyQuota: q })).toThrow(/^AgentRole '[^']+': managedPolicyQuota: .* is not a managed-policy quota IAM offers/);
  });

  test('a quota below what the role needs is refused at construction', () => {
    expect(() => agent({ managedPolicyQuota: 5 })).toThrow(/^AgentRole '[^']+': managedPolicyQuota: the role needs \d+ generated managed policies \(\d+\), over the quota of 5/);
  });

  test.each([
    ['', /sourceIdentityPrefix: '' is empty/],
    ['aws:x', /sourceIdentityPrefix: 'aws:x' starts with 'aws:'/],
    ['y'.repeat(61), /sourceIdentityPrefix: 'y{61}' has 61 characters/],
    ['a/b', /sourceIdentityPrefix: 'a\/b' has characters a source identity cannot hold/],
  ])('source identity prefix %p is refused', (prefix, re) => {
    expect(() => agent({ sourceIdentityPrefix: prefix })).toThrow(new RegExp(`^AgentRole '[^']+': ${re.source}.*Use a prefix such as 'guardrails-agent\\.'`));
  });

  test('without the source identity requirement: the plain trust, and a warning that states the risk', () => {
    const { s, role } = agent({ requireSourceIdentity: false });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['sts:AssumeRole', 'sts:TagSession'] })]) },
    });
    Annotations.fromStack(s).hasWarning(`/${role.node.path}`, Match.stringLikeRegexp('^requireSourceIdentity is false: a session that assumes another role is no longer recognised'));
  });

  test('policies attached later count against the quota at synth', () => {
    const { s, role } = agent();
    const free = 10 - role.policies.length;
    for (let i = 0; i < free; i++) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Extra${i}`));
    expect(() => Template.fromStack(s)).not.toThrow();

    const b = agent();
    for (let i = 0; i < 10 - b.role.policies.length; i++) b.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Extra${i}`));
    // one more, attached from the policy side
    new iam.ManagedPolicy(b.s, 'Late', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })], roles: [b.role] });
    expect(() => Template.fromStack(b.s)).toThrow(/managedPolicyQuota: the agent role carries 11 managed policies \(\d+ generated by AgentRole, \d+ from the access level or attached later\), over the quota of 10/);
  });

  test('a raised quota lets more policies attach', () => {
    const { s, role } = agent({ managedPolicyQuota: 20 });
    for (let i = 0; i < 20 - role.policies.length; i++) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Extra${i}`));
    expect(() => Template.fromStack(s)).not.toThrow();
  });
});
