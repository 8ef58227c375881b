import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ActionCatalog, AgentIdentity, AgentRcp, AgentRcpProps, DenyPlan, EnforcementPoint, PolicyBudget, PolicyPacker } from '../../src';

function synth(props: Partial<AgentRcpProps> = {}): { rcp: AgentRcp; template: Template } {
  const stack = new Stack(new App(), 'Org');
  const rcp = new AgentRcp(stack, 'AgentRcp', { targetIds: ['ou-ab12-cd34ef56'], ...props });
  return { rcp, template: Template.fromStack(stack) };
}
const contents = (t: Template): any[] => Object.values(t.findResources('AWS::Organizations::Policy')).map((r: any) => r.Properties.Content);

const DEFAULT = synth();

describe('AgentRcp template', () => {
  test('creates RCPs attached to the targets, within budget and count', () => {
    DEFAULT.template.hasResourceProperties('AWS::Organizations::Policy', { Type: 'RESOURCE_CONTROL_POLICY', TargetIds: ['ou-ab12-cd34ef56'] });
    expect(DEFAULT.rcp.policies[0].node.id).toBe('Resource');
    const docs = contents(DEFAULT.template);
    expect(docs.length + 1).toBeLessThanOrEqual(5);
    for (const d of docs) expect(JSON.stringify(d).length).toBeLessThanOrEqual(PolicyBudget.RCP.maxCharacters);
  });

  test('every statement is a Deny to Principal * on an agent condition', () => {
    for (const s of contents(DEFAULT.template).flatMap(d => d.Statement)) {
      expect(s.Effect).toBe('Deny');
      expect(s.Principal).toBe('*');
      const c = JSON.stringify(s.Condition);
      expect(c.includes('aws:SourceIdentity') || c.includes(AgentIdentity.AGENT_ROLE_ARN_PATTERN)).toBe(true);
    }
  });

  test('covers the destructive actions of the RCP services from the data, and nothing of other services', () => {
    const plan = DenyPlan.of({ point: EnforcementPoint.RCP, allowEphemeralDeletes: true, services: ActionCatalog.rcpServices() });
    const services = [...new Set(plan.actions().map(a => a.split(':')[0]))].sort();
    expect(DEFAULT.rcp.services).toEqual(services);
    const patterns = contents(DEFAULT.template).flatMap(d => d.Statement).filter((s: any) => /(Destroy|Deny)\d+$/.test(s.Sid)).flatMap((s: any) => [].concat(s.Action));
    const covered = PolicyPacker.expand(patterns);
    // Unconditional and ephemeral-exempt groups: the default categories of the RCP services, and the uncheckable tagging actions.
    const groups = plan.groups.filter(g => g.name === 'Deny' || g.name === 'Destroy').flatMap(g => g.actions);
    expect(covered).toEqual([...new Set(groups)].sort());
    const rcpServices = ActionCatalog.rcpServices();
    const withActions = rcpServices.filter(sv => ActionCatalog.actions({ services: [sv] }).length > 0);
    expect(ActionCatalog.actions({ services: withActions }).filter(a => !covered.includes(a))).toEqual([]);
    const all = contents(DEFAULT.template).flatMap(d => d.Statement).flatMap((s: any) => [].concat(s.Action));
    expect(all.filter((a: string) => !services.includes(a.split(':')[0]))).toEqual([]);
  });

  test('services can be narrowed', () => {
    const { rcp, template } = synth({ services: ['s3', 'kms', 'sqs', 'secretsmanager', 'support'] });
    expect(rcp.services).toEqual(['kms', 's3', 'secretsmanager', 'sqs']); // support has no action in the plan
    template.resourceCountIs('AWS::Organizations::Policy', rcp.policies.length);
    template.hasResourceProperties('AWS::Organizations::Policy', { Content: Match.objectLike({ Version: '2012-10-17' }) });
  });
});

describe('AgentRcp bad input', () => {
  const make = (props: Partial<AgentRcpProps>) => () => new AgentRcp(new Stack(new App(), 'Org'), 'Rcp', { targetIds: ['r-ab12'], ...props });
  test('malformed target ID', () => {
    expect(make({ targetIds: ['ou-AB12-cd34ef56'] })).toThrow(/targetIds: 'ou-AB12-cd34ef56' is not a root, OU or account ID/);
  });
  test('a service without RCP support', () => {
    expect(make({ services: ['ec2'] })).toThrow(/services: 'ec2' does not support resource control policies/);
    expect(make({ services: [] })).toThrow(/services: \[\] protects nothing/);
    expect(make({ services: ['support'] })).toThrow(/^AgentRcp 'Org\/Rcp': services: none of \["support"\] has actions in categories/);
  });
  test('empty principal patterns with tag matching off', () => {
    expect(make({ agentPrincipalArnPatterns: [], matchAgentTag: false, matchSourceIdentity: false })).toThrow(/agentPrincipalArnPatterns: \[\] with matchAgentTag: false and matchSourceIdentity: false/);
  });
  test('too many policies: error with the figures', () => {
    expect(make({ existingPoliciesPerTarget: 3 })).toThrow(/^AgentRcp 'Org\/Rcp': \d RCP documents \([\d,]+ \+ [\d,]+ \+ [\d,]+.* characters, RCP budget 5,120\) do not fit the attachment levels \(targetIds: 2 of 5 free \(3 attached\)\)/);
  });
});
