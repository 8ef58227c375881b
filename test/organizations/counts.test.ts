/**
 * SCP and RCP counts per target with every option on, against the AWS quotas (10 SCPs, 5 RCPs
 * per root, OU or account, counting FullAWSAccess / RCPFullAWSAccess), and what happens when
 * they do not fit: the rest go to an ancestor level, or synthesis fails with the figures.
 */
import { App, Stack } from 'aws-cdk-lib';
import { ActionCatalog, ActionCategory, AgentIdentity, AgentRcp, AgentScp, PolicyBudget } from '../../src';

jest.setTimeout(120_000);

const ALL = Object.values(ActionCategory);
const BREAK_GLASS = ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_BreakGlass_*'];
const PATTERNS = [AgentIdentity.AGENT_ROLE_ARN_PATTERN, 'arn:aws:iam::*:role/ci/agents/*'];
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[org counts] per target, AWS managed default policy included', ...figures].join('\n  '));
});

function perTarget(policies: Array<{ targetIds?: string[] }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of policies) for (const t of p.targetIds ?? []) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

test('default options: SCPs and RCPs fit one level', () => {
  const stack = new Stack(new App(), 'Org');
  const scp = new AgentScp(stack, 'Scp', { targetIds: ['ou-ab12-cd34ef56'], breakGlassPrincipalArnPatterns: BREAK_GLASS });
  const rcp = new AgentRcp(stack, 'Rcp', { targetIds: ['ou-ab12-cd34ef56'] });
  expect(scp.policies.length + 1).toBeLessThanOrEqual(PolicyBudget.SCPS_PER_TARGET);
  expect(rcp.policies.length + 1).toBeLessThanOrEqual(PolicyBudget.RCPS_PER_TARGET);
  figures.push(`defaults: SCP ${scp.policies.length} + FullAWSAccess = ${scp.policies.length + 1} of ${PolicyBudget.SCPS_PER_TARGET}; RCP ${rcp.policies.length} + RCPFullAWSAccess = ${rcp.policies.length + 1} of ${PolicyBudget.RCPS_PER_TARGET}`);
});

test('every option on: the documents that do not fit the OU go to its parent OU and the root; none exceeds a quota', () => {
  const stack = new Stack(new App(), 'Org');
  const common = {
    targetIds: ['ou-ab12-cd34ef56'],
    categories: ALL,
    matchAgentTag: true,
    agentPrincipalArnPatterns: PATTERNS,
    allowEphemeralDeletes: true,
    optInRules: ActionCatalog.optInRuleIds(),
    overflowLevels: [{ targetIds: ['ou-ab12-parent00'] }, { targetIds: ['r-ab12'] }],
  };
  const scp = new AgentScp(stack, 'Scp', { ...common, breakGlassPrincipalArnPatterns: BREAK_GLASS, denyLeaveOrganization: true });
  const rcp = new AgentRcp(stack, 'Rcp', common);
  const s = perTarget(scp.policies);
  const r = perTarget(rcp.policies);
  for (const [, n] of s) expect(n + 1).toBeLessThanOrEqual(PolicyBudget.SCPS_PER_TARGET);
  for (const [, n] of r) expect(n + 1).toBeLessThanOrEqual(PolicyBudget.RCPS_PER_TARGET);
  expect(scp.policies[0].targetIds).toEqual(['ou-ab12-cd34ef56']); // the guard statements stay on the targets
  figures.push(`every option on (5 categories, every opt-in rule, tag + 2 ARN patterns, 2 break-glass patterns): SCP ${scp.policies.length} documents `
    + `(${scp.documentSizes.join(' / ')} characters): ${[...s].map(([t, n]) => `${t} ${n} + FullAWSAccess = ${n + 1} of ${PolicyBudget.SCPS_PER_TARGET}`).join('; ')}`);
  figures.push(`every option on: RCP ${rcp.policies.length} documents (${rcp.documentSizes.join(' / ')} characters): `
    + `${[...r].map(([t, n]) => `${t} ${n} + RCPFullAWSAccess = ${n + 1} of ${PolicyBudget.RCPS_PER_TARGET}`).join('; ')}`);
});

test('every option on without an overflow level: synthesis fails with the figures, not the deploy', () => {
  const stack = new Stack(new App(), 'Org');
  expect(() => new AgentScp(stack, 'Scp', {
    targetIds: ['ou-ab12-cd34ef56'], categories: ALL, agentPrincipalArnPatterns: PATTERNS, breakGlassPrincipalArnPatterns: BREAK_GLASS,
  })).toThrow(/^AgentScp 'Org\/Scp': \d+ SCP documents \([\d,]+ \+ .* characters, SCP budget 10,240\) do not fit the attachment levels \(targetIds: 9 of 10 free \(1 attached\)\).*overflowLevels/);
});

test('overflow levels: bad input', () => {
  const make = (overflowLevels: any) => () => new AgentRcp(new Stack(new App(), 'Org'), 'Rcp', { targetIds: ['ou-ab12-cd34ef56'], overflowLevels });
  expect(make([{ targetIds: ['r-AB'] }])).toThrow(/^AgentRcp 'Org\/Rcp': overflowLevels\[0\].targetIds: 'r-AB' is not a root, OU or account ID/);
  expect(make([{ targetIds: ['ou-ab12-cd34ef56'] }])).toThrow(/overflowLevels\[0\].targetIds: 'ou-ab12-cd34ef56' is already a target of another level/);
  expect(make([{ targetIds: ['r-ab12'], existingPoliciesPerTarget: 5 }])).toThrow(/overflowLevels\[0\].existingPoliciesPerTarget: 5 is not a whole number from 1 to 4/);
  expect(make([{ targetIds: [] }])).toThrow(/overflowLevels\[0\].targetIds: \[\] attaches the policies nowhere/);
});
