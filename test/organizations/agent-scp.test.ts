import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ActionCatalog, ActionCategory, AgentIdentity, AgentPolicyScope, AgentScp, AgentScpProps, DenyPlan, EnforcementPoint, PolicyBudget, PolicyPacker } from '../../src';

const BREAK_GLASS = 'arn:aws:iam::*:role/BreakGlass';

function synth(props: Partial<AgentScpProps> = {}): { stack: Stack; scp: AgentScp; template: Template } {
  const stack = new Stack(new App(), 'Org');
  const scp = new AgentScp(stack, 'AgentScp', { targetIds: ['r-ab12'], breakGlassPrincipalArnPatterns: [BREAK_GLASS], ...props });
  return { stack, scp, template: Template.fromStack(stack) };
}

function contents(template: Template): any[] {
  return Object.values(template.findResources('AWS::Organizations::Policy')).map((r: any) => r.Properties.Content);
}

// One default synthesis shared by the read-only assertions (packing takes about a second).
const DEFAULT = synth();

describe('AgentScp template', () => {
  test('creates SCPs attached to the targets, the first as Resource', () => {
    const { template, scp } = DEFAULT;
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: ['r-ab12'],
      Name: Match.stringLikeRegexp('^guardrails-.+-1$'),
      Content: Match.anyValue(),
    });
    expect(scp.policies[0].node.id).toBe('Resource');
    expect(Object.keys(template.findResources('AWS::Organizations::Policy'))).toHaveLength(scp.policies.length);
  });

  test('every document is within the SCP budget and the count leaves room for FullAWSAccess', () => {
    const { template, scp } = DEFAULT;
    const docs = Object.values(template.findResources('AWS::Organizations::Policy')).map((r: any) => JSON.stringify(r.Properties.Content));
    expect(docs.length + 1).toBeLessThanOrEqual(10);
    for (const d of docs) expect(d.length).toBeLessThanOrEqual(PolicyBudget.SCP.maxCharacters);
    expect(scp.documentSizes).toEqual(docs.map(d => d.length));
    expect(scp.budget).toBe(PolicyBudget.SCP);
  });

  test('covers every action of the deny plan (coverage from the packed patterns)', () => {
    const docs = contents(DEFAULT.template);
    const plan = DenyPlan.of({ point: EnforcementPoint.SCP, allowEphemeralDeletes: true });
    for (const label of ['AgentArn', 'AgentSource']) {
      for (const g of plan.groups) {
        const patterns = docs.flatMap(d => d.Statement).filter((st: any) => new RegExp(`^${label}${g.name}\\d+$`).test(st.Sid)).flatMap((st: any) => [].concat(st.Action));
        expect({ label, group: g.name, actions: PolicyPacker.expand(patterns) }).toEqual({ label, group: g.name, actions: [...g.actions].sort() });
      }
    }
    // The catalog's default categories are all in the plan; the guard rules add the tagging actions.
    const planned = new Set(plan.actions());
    expect(ActionCatalog.actions().filter(a => !planned.has(a))).toEqual([]);
    expect(DEFAULT.scp.actionsDenied).toBe(plan.actions().length);
  });

  test('agent denies carry the ARN condition or the source-identity condition, and the ephemeral exception on deletes only', () => {
    const statements = contents(DEFAULT.template).flatMap(d => d.Statement);
    const destroy = statements.find((s: any) => s.Sid === 'AgentArnDestroy0');
    expect(destroy.Condition).toEqual({
      ArnLike: { 'aws:PrincipalArn': [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN] },
      StringNotEquals: { [`aws:ResourceTag/${AgentIdentity.EPHEMERAL_TAG_KEY}`]: 'true' },
    });
    const sourceDeny = statements.find((s: any) => s.Sid === 'AgentSourceDeny0');
    expect(sourceDeny.Condition).toEqual({ StringLike: { 'aws:SourceIdentity': `${AgentIdentity.SOURCE_IDENTITY_PREFIX}*` } });
    expect(statements.find((s: any) => s.Sid === 'AgentSourceGuardTagForgery0')).toBeDefined();
    expect(statements.find((s: any) => s.Sid === 'AgentArnGuardTagForgeryEc20')).toBeDefined();
    // The tag is opt-in (each way of recognising agents repeats every deny).
    expect(statements.some((s: any) => /^AgentTag/.test(s.Sid))).toBe(false);
    const tagged = synth({ matchAgentTag: true, overflowLevels: [{ targetIds: ['ou-ab12-cd34ef56'] }] });
    expect(contents(tagged.template).flatMap(d => d.Statement).find((s: any) => s.Sid === 'AgentTagDestroy0').Condition).toEqual({
      StringEquals: { [AgentIdentity.AGENT_TAG_CONDITION_KEY]: 'true' },
      StringNotEquals: { [`aws:ResourceTag/${AgentIdentity.EPHEMERAL_TAG_KEY}`]: 'true' },
    });
  });

  test('the first SCP guards the guardrails for everyone but break-glass', () => {
    const first = contents(DEFAULT.template)[0];
    const sids = first.Statement.map((s: any) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['GuardAgentRoles', 'GuardAgentRoleRevocation', 'GuardMonitoring', 'GuardPoliciesAndVaultLocks', 'DenyLeaveOrganization']));
    const roles = first.Statement.find((s: any) => s.Sid === 'GuardAgentRoles');
    expect(roles.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS } });
    expect(roles.Resource).toEqual([AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentScp.AGENT_BOUNDARY_ARN_PATTERN]);
    expect(roles.Action).toEqual(expect.arrayContaining(['iam:UntagRole', 'iam:PutRolePermissionsBoundary', 'iam:CreatePolicyVersion']));
    expect(roles.Action).not.toContain('iam:PutRolePolicy');
    // Guardians (the kill switch's role) may revoke agent sessions; nobody else but break-glass.
    const revocation = first.Statement.find((s: any) => s.Sid === 'GuardAgentRoleRevocation');
    expect(revocation.Action).toBe('iam:PutRolePolicy');
    expect(revocation.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': [BREAK_GLASS, AgentIdentity.GUARDIAN_ROLE_ARN_PATTERN] } });
    const monitoring = first.Statement.find((s: any) => s.Sid === 'GuardMonitoring');
    expect(monitoring.Resource).toEqual(['arn:aws:cloudtrail:*:*:trail/*', ...AgentScp.GUARDRAIL_RULE_ARN_PATTERNS,
      'arn:aws:lambda:*:*:function:guardrails-*', AgentIdentity.GUARDIAN_ROLE_ARN_PATTERN]);
    expect(monitoring.Action).toEqual(expect.arrayContaining(['lambda:UpdateFunctionCode', 'iam:CreateRole', 'iam:PassRole', 'events:PutTargets']));
    const leave = first.Statement.find((s: any) => s.Sid === 'DenyLeaveOrganization');
    expect(leave).toEqual({ Sid: 'DenyLeaveOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' });
  });

  test('every guard action is a catalog action', () => {
    const first = contents(DEFAULT.template)[0];
    for (const s of first.Statement.filter((x: any) => /^(Guard|DenyLeave)/.test(x.Sid))) {
      for (const a of [].concat(s.Action)) expect(ActionCatalog.has(a)).toBe(true);
    }
  });

  test('without break-glass patterns the guard statements have no exception', () => {
    const { template } = synth({ breakGlassPrincipalArnPatterns: undefined, matchAgentTag: false });
    const roles = contents(template)[0].Statement.find((s: any) => s.Sid === 'GuardAgentRoles');
    expect(roles.Condition).toBeUndefined();
  });

  test('ALL_PRINCIPALS denies everyone but break-glass', () => {
    const { template } = synth({ scope: AgentPolicyScope.ALL_PRINCIPALS });
    const statements = contents(template).flatMap(d => d.Statement);
    const deny = statements.find((s: any) => s.Sid === 'AllDeny0');
    expect(deny.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS } });
    expect(statements.some((s: any) => /^Agent/.test(s.Sid))).toBe(false);
  });

  test('DISRUPT is opt-in', () => {
    const statements = contents(DEFAULT.template).flatMap(d => d.Statement);
    const patterns = statements.filter((s: any) => /^Agent(Tag)(Destroy|Deny)\d+$/.test(s.Sid)).flatMap((s: any) => [].concat(s.Action));
    expect(PolicyPacker.expand(patterns)).not.toContain('ec2:StopInstances');
    const { scp } = synth({ categories: [ActionCategory.DISRUPT], matchAgentTag: false });
    expect(scp.denyPlan.actions()).toEqual(expect.arrayContaining(ActionCatalog.actions({ categories: [ActionCategory.DISRUPT] })));
    expect(scp.denyPlan.ruleIds.filter(id => !id.startsWith('disrupt.') && !id.startsWith('guard.'))).toEqual([]);
  });

  test('the ephemeral exception can be turned off', () => {
    const { template } = synth({ allowEphemeralDeletes: false, matchAgentTag: false });
    const statements = contents(template).flatMap(d => d.Statement);
    expect(statements.filter((s: any) => /Destroy/.test(s.Sid))).toEqual([]);
    const deny = statements.find((s: any) => s.Sid === 'AgentArnDeny0');
    expect(deny.Condition).toEqual({ ArnLike: { 'aws:PrincipalArn': [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN] } });
    expect(JSON.stringify(statements)).not.toContain(AgentIdentity.EPHEMERAL_TAG_KEY + '":"true"}}');
  });

  test('a custom policy name prefix names each document', () => {
    const { template, scp } = synth({ policyNamePrefix: 'agents', matchAgentTag: false });
    for (let i = 1; i <= scp.policies.length; i++) template.hasResourceProperties('AWS::Organizations::Policy', { Name: `agents-${i}` });
  });

  test('target IDs given as tokens are accepted', () => {
    const stack = new Stack(new App(), 'Org');
    const p = new CfnParameter(stack, 'Ou', { type: 'String' });
    expect(() => new AgentScp(stack, 'Scp', { targetIds: [p.valueAsString], matchAgentTag: false })).not.toThrow();
  });
});

describe('AgentScp warnings', () => {
  test('warns when LeaveOrganization is allowed', () => {
    const { stack } = synth({ denyLeaveOrganization: false, matchAgentTag: false });
    Annotations.fromStack(stack).hasWarning('/Org/AgentScp', Match.stringLikeRegexp('denyLeaveOrganization is false'));
  });


  test('no warning by default', () => {
    Annotations.fromStack(DEFAULT.stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('AgentScp bad input', () => {
  const make = (props: Partial<AgentScpProps>) => () => new AgentScp(new Stack(new App(), 'Org'), 'Scp', { targetIds: ['r-ab12'], ...props });

  test.each([
    ['r-AB12'], ['r-ab1'], ['ou-ab12-cd34'], ['ou-ab12'], ['12345678901'], ['1234567890123'], ['r-ab12 '], ['x r-ab12'], ['o-abcdefghij'], [''],
  ])('malformed target ID %p', (id) => {
    expect(make({ targetIds: [id] })).toThrow(/targetIds: '.*' is not a root, OU or account ID/);
  });

  test('valid root, OU and account IDs', () => {
    expect(make({ targetIds: ['r-ab12', 'ou-ab12-cd34ef56', '123456789012'], matchAgentTag: false })).not.toThrow();
  });

  test('empty and duplicate targets', () => {
    expect(make({ targetIds: [] })).toThrow(/targetIds: \[\] attaches the policies nowhere/);
    expect(make({ targetIds: ['r-ab12', 'r-ab12'] })).toThrow(/targetIds: 'r-ab12' is listed twice/);
  });

  test('empty principal patterns with tag matching off', () => {
    expect(make({ agentPrincipalArnPatterns: [], matchAgentTag: false, matchSourceIdentity: false }))
      .toThrow(/^AgentScp 'Org\/Scp': agentPrincipalArnPatterns: \[\] with matchAgentTag: false and matchSourceIdentity: false matches no principal/);
    expect(make({ agentPrincipalArnPatterns: [], matchAgentTag: false })).not.toThrow(); // the source identity alone recognises agents
  });

  test.each([
    ['', /sourceIdentityPrefix: '' is empty, so every session would count as an agent/],
    ['aws:agent', /sourceIdentityPrefix: 'aws:agent' starts with 'aws:', which AWS reserves/],
    ['x'.repeat(61), /sourceIdentityPrefix: 'x{61}' has 61 characters; a source identity has at most 64, so the prefix may have at most 60/],
    ['agent one', /sourceIdentityPrefix: 'agent one' has characters a source identity cannot hold/],
  ])('source identity prefix %p is refused', (prefix, re) => {
    expect(make({ sourceIdentityPrefix: prefix })).toThrow(new RegExp(`^AgentScp 'Org/Scp': ${re.source}.*Use a prefix such as 'guardrails-agent\\.'`));
  });

  test('malformed principal patterns', () => {
    expect(make({ agentPrincipalArnPatterns: ['guardrails-agent/*'] })).toThrow(/agentPrincipalArnPatterns: 'guardrails-agent\/\*' is not an IAM principal ARN pattern/);
    expect(make({ breakGlassPrincipalArnPatterns: ['arn:aws:s3:::bucket'] })).toThrow(/breakGlassPrincipalArnPatterns: 'arn:aws:s3:::bucket' is not an IAM principal ARN pattern/);
    expect(make({ agentBoundaryArnPatterns: ['arn:aws:iam::*:role/x'] })).toThrow(/agentBoundaryArnPatterns: 'arn:aws:iam::\*:role\/x' is not an IAM policy ARN pattern/);
  });

  test('a break-glass pattern that matches agents', () => {
    expect(make({ breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/*'] })).toThrow(/breakGlassPrincipalArnPatterns: 'arn:aws:iam::\*:role\/\*' also matches agent roles/);
  });

  test('ALL_PRINCIPALS without break-glass', () => {
    expect(make({ scope: AgentPolicyScope.ALL_PRINCIPALS })).toThrow(/scope: ALL_PRINCIPALS with breakGlassPrincipalArnPatterns: \[\]/);
  });

  test('empty categories', () => {
    expect(make({ categories: [] })).toThrow(/categories: \[\] denies nothing/);
  });

  test('too many policies for the targets: error with the figures', () => {
    expect(make({ existingPoliciesPerTarget: 8 })).toThrow(/^AgentScp 'Org\/Scp': \d SCP documents \([\d,]+ \+ .* characters, SCP budget 10,240\) do not fit the attachment levels \(targetIds: 2 of 10 free \(8 attached\)\)/);
    expect(make({ budget: PolicyBudget.SCP_LEGACY, maxPoliciesPerTarget: 5 })).toThrow(/\d+ SCP documents .*SCP \(legacy 5,120\) budget 5,120\) do not fit the attachment levels \(targetIds: 4 of 5 free/);
  });

  test('policy counts out of range', () => {
    expect(make({ existingPoliciesPerTarget: 0 })).toThrow(/existingPoliciesPerTarget: 0 is not a whole number from 1 to 9/);
    expect(make({ existingPoliciesPerTarget: 10 })).toThrow(/existingPoliciesPerTarget: 10 is not a whole number from 1 to 9/);
    expect(make({ maxPoliciesPerTarget: 1.5 })).toThrow(/maxPoliciesPerTarget: 1.5 is not a whole number/);
  });

  test('nothing is created when validation fails', () => {
    const stack = new Stack(new App(), 'Org');
    expect(() => new AgentScp(stack, 'Scp', { targetIds: ['bad'] })).toThrow();
    expect(Template.fromStack(stack).findResources('AWS::Organizations::Policy')).toEqual({});
  });
});
