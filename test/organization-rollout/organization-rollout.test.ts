/**
 * Organization roll-out constructs (issue 17, the Identity Center and central-alarm part):
 * template assertions, the names shared between the permission set and the member-account
 * policies, warnings, and one bad-input test per validation with the invalid value.
 */
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ActionCatalog, ActionCategory, AgentAccess, AgentDenyPolicies, AgentIdentity, AgentPermissionSet, AgentRole, AgentScp, CentralAlarmBus,
  DestructiveCallForwarder, PolicyBudget,
} from '../../src';

process.env.CDK_VALIDATION = 'false';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const MEMBER = '111111111111';
const SECURITY = '999999999999';
const ORG = 'o-abcdefghij';

function stack(account = MEMBER, region = 'us-east-1'): Stack {
  return new Stack(new App(), 'Stack', { env: { account, region } });
}

function permissionSet(props: Partial<ConstructorParameters<typeof AgentPermissionSet>[2]> = {}, s = stack('000000000000')): AgentPermissionSet {
  return new AgentPermissionSet(s, 'Agents', { instanceArn: INSTANCE, permissionSetName: 'CodingAgent', ...props });
}

describe('AgentDenyPolicies', () => {
  const s = stack();
  const denies = new AgentDenyPolicies(s, 'Denies');
  const t = Template.fromStack(s);

  test('one named managed policy per packed document, all under the agent path, and the boundary', () => {
    expect(denies.policyNames.length).toBeGreaterThan(0);
    denies.policyNames.forEach((name, i) => expect(name).toBe(`guardrails-agent-sso-deny-${i + 1}`));
    t.resourceCountIs('AWS::IAM::ManagedPolicy', denies.policyNames.length + 1);
    for (const name of [...denies.policyNames, denies.boundaryName]) {
      t.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: name, Path: AgentIdentity.AGENT_ROLE_PATH });
    }
    expect(denies.boundaryName).toBe('guardrails-agent-sso-boundary');
  });

  test('every document fits the managed-policy budget, and the count fits the per-role quota', () => {
    for (const n of [...denies.documentSizes, denies.boundarySize]) expect(n).toBeLessThanOrEqual(PolicyBudget.MANAGED_POLICY.maxCharacters);
    expect(denies.policyNames.length).toBeLessThanOrEqual(PolicyBudget.MANAGED_POLICIES_PER_ROLE);
    const info = Annotations.fromStack(s).findInfo('*', Match.stringLikeRegexp('AgentDenyPolicies: \\d+ deny policies'));
    expect(info).toHaveLength(1);
  });

  test('the denies cover the same plan as AgentRole\'s own policies', () => {
    const role = new AgentRole(stack(), 'Agent', { assumedBy: new iam.AccountPrincipal(MEMBER) });
    expect(denies.denyPlan.actions()).toEqual(role.denyPlan.actions());
    expect(denies.actionsCovered).toBe(denies.denyPlan.actions().length);
    expect(denies.policyNames.length).toBe(role.policies.length);
  });

  test('denyDisruptive adds DISRUPT, and the names follow policyNamePrefix', () => {
    const more = new AgentDenyPolicies(stack(), 'Denies', { denyDisruptive: true, policyNamePrefix: 'agents' });
    expect(more.denyPlan.categories).toContain(ActionCategory.DISRUPT);
    expect(more.policyNames[0]).toBe('agents-deny-1');
    expect(more.boundaryName).toBe('agents-boundary');
  });

  test.each([
    [{ categories: [] }, /AgentDenyPolicies 'Stack\/Denies': categories: \[\] denies nothing/],
    [{ categories: ['NOPE' as ActionCategory] }, /categories: 'NOPE' is not an ActionCategory/],
    [{ policyNamePrefix: 'bad name' }, /policyNamePrefix: 'bad name' cannot start an IAM policy name/],
    [{ policyNamePrefix: 'x'.repeat(111) }, /policyNamePrefix: 'x{111}' cannot start/],
    [{ managedPolicyQuota: 0 }, /managedPolicyQuota: 0 is not a managed-policy quota/],
    [{ managedPolicyQuota: 26 }, /managedPolicyQuota: 26 is not a managed-policy quota/],
    [{ managedPolicyQuota: 3 }, /managedPolicyQuota: the denies need \d+ managed policies, over the quota of 3/],
  ])('bad input %j', (props, message) => {
    expect(() => new AgentDenyPolicies(stack(), 'Denies', props)).toThrow(message);
  });
});

describe('AgentPermissionSet', () => {
  test('references the member-account policies by the same names and path, with the boundary', () => {
    const ps = permissionSet();
    const denies = new AgentDenyPolicies(stack(), 'Denies');
    expect(ps.denyPolicyNames).toEqual(denies.policyNames);
    expect(ps.boundaryName).toBe(denies.boundaryName);
    Template.fromStack(Stack.of(ps)).hasResourceProperties('AWS::SSO::PermissionSet', {
      InstanceArn: INSTANCE,
      Name: 'CodingAgent',
      SessionDuration: 'PT1H',
      CustomerManagedPolicyReferences: denies.policyNames.map(n => ({ Name: n, Path: AgentIdentity.AGENT_ROLE_PATH })),
      PermissionsBoundary: { CustomerManagedPolicyReference: { Name: denies.boundaryName, Path: AgentIdentity.AGENT_ROLE_PATH } },
      ManagedPolicies: Match.absent(),
    });
  });

  test('the session cut is deployed in advance, denying nothing until it is moved', () => {
    const ps = permissionSet();
    expect(ps.revokeSessionsIssuedBefore).toBe('1970-01-01T00:00:00Z');
    Template.fromStack(Stack.of(ps)).hasResourceProperties('AWS::SSO::PermissionSet', {
      InlinePolicy: {
        Statement: Match.arrayWith([{
          Sid: 'RevokeSessionsIssuedBefore',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '1970-01-01T00:00:00Z' } },
        }]),
      },
    });
  });

  test('revokeSessionsIssuedBefore and revokedUserIds move the cut', () => {
    const user = '90677f3f2a-1e2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
    const ps = permissionSet({ revokeSessionsIssuedBefore: '2026-11-29T12:00:00Z', revokedUserIds: [user] });
    Template.fromStack(Stack.of(ps)).hasResourceProperties('AWS::SSO::PermissionSet', {
      InlinePolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'RevokeSessionsIssuedBefore', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-29T12:00:00Z' } } }),
          { Sid: 'RevokeUsers', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'identitystore:userId': user } } },
        ]),
      },
    });
  });

  test('inlinePolicyJson renders the same inline policy with another cut time, for the command-line cut', () => {
    const ps = permissionSet();
    const doc = JSON.parse(ps.inlinePolicyJson('2026-11-29T12:00:00Z'));
    expect(doc.Statement.find((st: any) => st.Sid === 'RevokeSessionsIssuedBefore').Condition.DateLessThan['aws:TokenIssueTime']).toBe('2026-11-29T12:00:00Z');
    expect(() => ps.inlinePolicyJson('now')).toThrow(/revokeSessionsIssuedBefore: 'now' is not a UTC time/);
  });

  test('the role ARN pattern is the documented Identity Center form, in any Region path, and AgentScp accepts it', () => {
    const ps = permissionSet();
    expect(ps.roleArnPattern).toBe('arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_CodingAgent_*');
    expect(AgentPermissionSet.roleArnPatternFor('CodingAgent')).toBe(ps.roleArnPattern);
    expect(AgentIdentity.identityCenterRoleArnPattern('CodingAgent')).toBe(ps.roleArnPattern);
    const scp = new AgentScp(stack('000000000000'), 'Scp', {
      targetIds: ['r-ab12'],
      agentPrincipalArnPatterns: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN, ps.roleArnPattern],
    });
    expect(JSON.stringify(Stack.of(scp).resolve(scp.policies[1].content))).toContain(ps.roleArnPattern);
  });

  test('an AWS managed policy of the access level is attached by ARN and counted against the quota', () => {
    const ps = permissionSet({ access: AgentAccess.custom({ managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')] }) });
    expect(ps.managedPolicyCount).toBe(ps.denyPolicyNames.length + 1);
    Template.fromStack(Stack.of(ps)).hasResourceProperties('AWS::SSO::PermissionSet', {
      ManagedPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }],
    });
  });

  test('a longer session warns; a cut in the future warns', () => {
    const ps = permissionSet({ sessionDuration: Duration.hours(4), revokeSessionsIssuedBefore: '2999-01-01T00:00:00Z' });
    const a = Annotations.fromStack(Stack.of(ps));
    expect(a.findWarning('*', Match.stringLikeRegexp('sessionDuration is 4 hours'))).toHaveLength(1);
    expect(a.findWarning('*', Match.stringLikeRegexp('revokeSessionsIssuedBefore is 2999-01-01T00:00:00Z, in the future'))).toHaveLength(1);
    expect(ps.sessionDuration).toBe('PT4H');
    expect(Annotations.fromStack(Stack.of(permissionSet())).findWarning('*', Match.anyValue())).toHaveLength(0);
  });

  test.each([
    [{ instanceArn: 'arn:aws:sso:::instance/ins-short' }, /AgentPermissionSet 'Stack\/Agents': instanceArn: 'arn:aws:sso:::instance\/ins-short' is not an Identity Center instance ARN/],
    [{ instanceArn: 'arn:aws:sso:us-east-1:111111111111:instance/ssoins-1234567890abcdef' }, /instanceArn: .* is not an Identity Center instance ARN/],
    [{ permissionSetName: 'A'.repeat(33) }, /permissionSetName: 'A{33}' has 33 characters; Identity Center allows at most 32/],
    [{ permissionSetName: 'coding agent' }, /permissionSetName: 'coding agent' has characters Identity Center does not allow/],
    [{ permissionSetName: '' }, /permissionSetName: '' has characters/],
    [{ sessionDuration: Duration.minutes(30) }, /sessionDuration: 30 minutes \(PT30M\) is outside the 1 to 12 hours/],
    [{ sessionDuration: Duration.hours(13) }, /sessionDuration: 13 hours \(PT13H\) is outside the 1 to 12 hours/],
    [{ revokeSessionsIssuedBefore: '2026-11-29 12:00' }, /revokeSessionsIssuedBefore: '2026-11-29 12:00' is not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ/],
    [{ revokeSessionsIssuedBefore: '2026-02-30T12:00:00Z' }, /revokeSessionsIssuedBefore: '2026-02-30T12:00:00Z' is not a UTC time/],
    [{ revokeSessionsIssuedBefore: '2026-11-29T12:00:00+01:00' }, /is not a UTC time/],
    [{ revokedUserIds: ['alice@example.com'] }, /revokedUserIds\[0\]: 'alice@example.com' is not an Identity Center user ID/],
    [{ managedPolicyQuota: 30 }, /managedPolicyQuota: 30 is not a managed-policy quota/],
    [{ categories: [] }, /AgentPermissionSet 'Stack\/Agents': categories: \[\] denies nothing/],
    [{ policyNamePrefix: 'a/b' }, /policyNamePrefix: 'a\/b' cannot start an IAM policy name/],
  ])('bad input %j', (props, message) => {
    expect(() => permissionSet(props as any)).toThrow(message);
  });

  test('tokens are refused where the value must be known at synth', () => {
    const s = stack('000000000000');
    const token = new CfnParameter(s, 'Name').valueAsString;
    expect(() => permissionSet({ permissionSetName: token }, s)).toThrow(/permissionSetName: a literal name is needed/);
    expect(() => permissionSet({ revokedUserIds: [token] }, s)).toThrow(/revokedUserIds\[0\]: '\$\{Token\[.*\]\}' is not an Identity Center user ID/);
    expect(() => permissionSet({ revokeSessionsIssuedBefore: token }, s)).toThrow(/revokeSessionsIssuedBefore: '\$\{Token\[.*\]\}' is not a UTC time/);
    expect(() => permissionSet({ instanceArn: undefined as any }, s)).toThrow(/instanceArn: no value was given/);
  });

  test('an inline policy over the 32,768 characters Identity Center allows: synthesis fails with the figure', () => {
    const statements = Array.from({ length: 40 }, (_, i) => new iam.PolicyStatement({
      actions: ['s3:GetObject'], resources: Array.from({ length: 20 }, (__, j) => `arn:aws:s3:::bucket-with-a-long-name-${i}-${j}/*`),
    }));
    expect(() => permissionSet({ access: AgentAccess.custom({ statements }) })).toThrow(/access: the inline policy needs \d+ characters, over the 32768 Identity Center allows/);
  });

  test('over the managed-policy quota: synthesis fails with the figures', () => {
    const managed = ['ReadOnlyAccess', 'AdministratorAccess', 'PowerUserAccess', 'ViewOnlyAccess'].map(n => iam.ManagedPolicy.fromAwsManagedPolicyName(n));
    expect(() => permissionSet({ access: AgentAccess.custom({ managedPolicies: managed }) }))
      .toThrow(/managedPolicyQuota: the roles of the permission set would carry \d+ deny policies and 4 AWS managed policies \(\d+\), over the quota of 10/);
  });

  test('a customer managed policy in the access level is refused (a permission set attaches only AWS managed policies by ARN)', () => {
    const s = stack('000000000000');
    const own = iam.ManagedPolicy.fromManagedPolicyArn(s, 'Own', 'arn:aws:iam::000000000000:policy/mine');
    expect(() => permissionSet({ access: AgentAccess.custom({ managedPolicies: [own] }) }, s)).toThrow(/access: managed policy 1 .* is not an AWS managed policy/);
  });
});

describe('CentralAlarmBus', () => {
  test('default bus: one policy statement admitting events:PutEvents from the organization only', () => {
    const s = stack(SECURITY, 'eu-west-1');
    const bus = new CentralAlarmBus(s, 'Bus', { organizationId: ORG });
    expect(bus.eventBusName).toBe('default');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Events::EventBus', 0);
    t.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: Match.absent(),
      StatementId: 'GuardrailsOrganizationPutEvents',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: ['events:PutEvents'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:${SECURITY}:event-bus/default`]] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
      },
    });
    expect(Annotations.fromStack(s).findWarning('*', Match.anyValue())).toHaveLength(0);
  });

  test('a custom bus is created, guarded, and warned about (the alarm watches the default bus)', () => {
    const s = stack(SECURITY, 'eu-west-1');
    new CentralAlarmBus(s, 'Bus', { organizationId: ORG, eventBusName: 'guardrails-central' });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'guardrails-central', Tags: Match.arrayWith([{ Key: AgentIdentity.GUARD_TAG_KEY, Value: 'true' }]) });
    t.hasResourceProperties('AWS::Events::EventBusPolicy', { EventBusName: { Ref: Match.anyValue() } });
    expect(Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('DestructiveCallAlarm watches only the default bus'))).toHaveLength(1);
  });

  test.each([
    [{ organizationId: 'o-short' }, /CentralAlarmBus 'Stack\/Bus': organizationId: 'o-short' is not an organization ID/],
    [{ organizationId: 'r-ab12' }, /organizationId: 'r-ab12' is not an organization ID/],
    [{ organizationId: 'o-ABCDEFGHIJ' }, /organizationId: 'o-ABCDEFGHIJ' is not an organization ID/],
    [{ organizationId: ORG, eventBusName: 'aws.partner' }, /eventBusName: 'aws.partner' is not a custom event bus name/],
    [{ organizationId: ORG, eventBusName: 'with space' }, /eventBusName: 'with space' is not a custom event bus name/],
  ])('bad input %j', (props, message) => {
    expect(() => new CentralAlarmBus(stack(SECURITY), 'Bus', props)).toThrow(message);
  });
});

describe('DestructiveCallForwarder to a central alarm in another account', () => {
  const SSO = AgentPermissionSet.roleArnPatternFor('CodingAgent');

  test('rules on the default bus target the central bus through a guardian role limited to PutEvents on it', () => {
    const s = stack();
    const f = new DestructiveCallForwarder(s, 'Fwd', { alarmAccount: SECURITY, alarmRegion: 'eu-west-1', agentRoleArnPatterns: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, SSO] });
    const t = Template.fromStack(s);
    const busArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:${SECURITY}:event-bus/default`]] };
    t.resourceCountIs('AWS::Events::Rule', f.rules.length);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      Targets: [Match.objectLike({
        Arn: busArn,
        RoleArn: Match.anyValue(),
        DeadLetterConfig: Match.anyValue(),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      })],
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      Path: AgentIdentity.GUARDIAN_ROLE_PATH,
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': MEMBER } } })] },
    });
    t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }] } });
    for (const n of f.patternSizes) expect(n).toBeLessThanOrEqual(PolicyBudget.EVENT_PATTERN.maxCharacters);
    expect(f.actionsCovered).toBeGreaterThan(1000);
    // Every rule matches agents only, the Identity Center pattern among them.
    for (const r of f.rules) expect(JSON.stringify(Stack.of(r).resolve((r.node.defaultChild as any).eventPattern))).toContain(SSO);
    // The default categories, the same as the alarm's.
    expect(ActionCatalog.defaultCategories().length).toBeGreaterThan(0);
  });

  test('a custom central bus is targeted by name', () => {
    const s = stack();
    new DestructiveCallForwarder(s, 'Fwd', { alarmAccount: SECURITY, alarmRegion: 'eu-west-1', alarmEventBusName: 'guardrails-central' });
    Template.fromStack(s).hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:${SECURITY}:event-bus/guardrails-central`]] } })],
    });
  });

  test.each([
    [{ alarmAccount: '12345' }, /DestructiveCallForwarder 'Stack\/Fwd': alarmAccount: '12345' is not a 12-digit account ID/],
    [{ alarmRegion: 'Europe (Ireland)' }, /alarmRegion: 'Europe \(Ireland\)' is not a Region name/],
    [{ alarmRegion: 'eu-west' }, /alarmRegion: 'eu-west' is not a Region name/],
    [{ alarmEventBusName: 'bad bus' }, /alarmEventBusName: 'bad bus' is not an event bus name/],
    [{ agentRoleArnPatterns: [] }, /agentRoleArnPatterns: \[\] matches no role/],
    [{ agentRoleArnPatterns: ['AWSReservedSSO_*'] }, /agentRoleArnPatterns\[0\]: 'AWSReservedSSO_\*' is not an IAM role ARN pattern/],
    [{ categories: [] }, /categories: \[\] forwards nothing/],
    [{ retryAttempts: 0 }, /retryAttempts: 0 is not a whole number from 1 to 185/],
    [{ sourceIdentityPrefix: 'aws:x' }, /sourceIdentityPrefix: 'aws:x' starts with 'aws:'/],
  ])('bad input %j', (props, message) => {
    expect(() => new DestructiveCallForwarder(stack(), 'Fwd', { alarmAccount: SECURITY, alarmRegion: 'eu-west-1', ...props })).toThrow(message);
  });

  test('services that select no catalog action: synthesis fails', () => {
    expect(() => new DestructiveCallForwarder(stack(), 'Fwd', { alarmAccount: SECURITY, alarmRegion: 'eu-west-1', services: ['no-such-service'] }))
      .toThrow(/DestructiveCallForwarder 'Stack\/Fwd': categories\/services: the patterns need 0 rules/);
  });

  test('a Region that does not exist yet but has the form of one is accepted (the form is validated, not today\'s list)', () => {
    expect(() => new DestructiveCallForwarder(stack(), 'Fwd', { alarmAccount: SECURITY, alarmRegion: 'mx-central-7' })).not.toThrow();
  });

  test('the central account and Region themselves are refused for the default bus', () => {
    expect(() => new DestructiveCallForwarder(stack(SECURITY, 'eu-west-1'), 'Fwd', { alarmAccount: SECURITY, alarmRegion: 'eu-west-1' }))
      .toThrow(/alarmAccount\/alarmRegion: 999999999999 eu-west-1 is this stack's own account and Region/);
  });
});
