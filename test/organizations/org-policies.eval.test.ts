/**
 * Proves AgentScp and AgentRcp by evaluation (DESIGN "What verified means"): the
 * synthesized SCPs and RCPs are taken from the template and every request is evaluated by
 * the project's harness (iam-simulate), with AdministratorAccess as the identity policy.
 *
 * Figures (printed once): documents and sizes, coverage, and the counts behind proofs 1-4.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ActionCatalog, ActionCategory, AgentIdentity, AgentRcp, AgentScp, PolicyPacker } from '../../src';
import {
  ACCOUNT, ADMINISTRATOR_ACCESS, OTHER_ACCOUNT, PolicyDoc, PolicySet, Principal, REGION,
  orgPolicies, resolveTemplate, simulate, sweep, tally,
} from '../harness';

// Each proof sweeps the whole action catalog through iam-simulate workers: measured up to 36 s per
// test (86 s for the file) with 2 cores under load, and over 180 s for one test with two jest
// workers while other jobs shared the cores; GUARDRAILS_FULL_SWEEP evaluates far more requests.
jest.setTimeout(process.env.GUARDRAILS_FULL_SWEEP ? 900_000 : 420_000);

const BREAK_GLASS_ARN = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
const agentTags = { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE };
const P: Record<string, Principal> = {
  agent: { arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`, tags: agentTags },
  agentByPathOnly: { arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}untagged-agent` },
  agentByTagOnly: { arn: `arn:aws:iam::${ACCOUNT}:user/ci-bot`, tags: agentTags },
  // A session that chained into another role: not on the agent path, but it keeps the agent's source identity.
  chainedAgent: { arn: `arn:aws:iam::${ACCOUNT}:role/app-deployer` },
  admin: { arn: `arn:aws:iam::${ACCOUNT}:role/Admin` },
  breakGlass: { arn: BREAK_GLASS_ARN },
  foreignAgent: { arn: `arn:aws:iam::${OTHER_ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`, tags: agentTags },
  foreignAdmin: { arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin` },
};

const stack = new Stack(new App(), 'Org');
const scp = new AgentScp(stack, 'AgentScp', { targetIds: ['r-ab12'], breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'] });
const rcp = new AgentRcp(stack, 'AgentRcp', { targetIds: ['r-ab12'] });
const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
const SCPS = orgPolicies(resolved, 'SERVICE_CONTROL_POLICY');
const RCPS = orgPolicies(resolved, 'RESOURCE_CONTROL_POLICY');
const GUARD_SID = /^(Guard|DenyLeave)/;
const withoutGuards = (docs: PolicyDoc[]): PolicyDoc[] => docs.map(d => ({ ...d, Statement: (d.Statement as any[]).filter(s => !GUARD_SID.test(s.Sid ?? '')) }));
const guardsOnly = (docs: PolicyDoc[]): PolicyDoc[] => docs.map(d => ({ ...d, Statement: (d.Statement as any[]).filter(s => GUARD_SID.test(s.Sid ?? '')) }));
const FULL: PolicySet = { identity: [ADMINISTRATOR_ACCESS], scps: SCPS, rcps: RCPS };

const DENIED = ActionCatalog.actions(); // DESTROY, WEAKEN, EXPOSE, ESCALATE
const DENIED_SET = new Set(DENIED);
const TAGGING = new Set([...ActionCatalog.rule('guard.tag-forgery').actions, ...ActionCatalog.rule('guard.tag-forgery-ec2').actions, ...ActionCatalog.rule('guard.tag-uncheckable').actions]);
const ALL = ActionCatalog.allActions();
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['AgentScp/AgentRcp figures', ...figures].join('\n  '));
});

test('figures: documents, sizes, coverage', () => {
  expect(SCPS).toHaveLength(scp.policies.length);
  expect(RCPS).toHaveLength(rcp.policies.length);
  for (const d of SCPS) expect(JSON.stringify(d).length).toBeLessThanOrEqual(10_240);
  for (const d of RCPS) expect(JSON.stringify(d).length).toBeLessThanOrEqual(5_120);
  expect(SCPS.length + 1).toBeLessThanOrEqual(10);
  expect(RCPS.length + 1).toBeLessThanOrEqual(5);
  figures.push(`SCP: ${SCPS.length} documents, ${scp.documentSizes.join(' / ')} characters (budget 10,240; + FullAWSAccess = ${SCPS.length + 1} of 10 per target)`);
  figures.push(`SCP coverage: ${scp.actionsDenied} catalog actions denied to agents; packed patterns match ${scp.actionsCovered} actions (tag-forgery tagging actions included)`);
  figures.push(`RCP: ${RCPS.length} documents, ${rcp.documentSizes.join(' / ')} characters (budget 5,120; + RCPFullAWSAccess = ${RCPS.length + 1} of 5), ${rcp.services.length} services, ${rcp.actionsDenied} actions`);
});

/**
 * Actions swept: every action the SCPs name (expanded patterns: only these can be denied by a
 * Deny statement under FullAWSAccess), plus a sample of reads and creates of every service
 * (two reads and one create each). GUARDRAILS_FULL_SWEEP=1 sweeps the whole catalog instead
 * (about 4 minutes per principal on 2 cores: the SCPs hold about 3,400 action patterns).
 */
const NAMED = new Set(PolicyPacker.expand(SCPS.flatMap(d => (d.Statement as any[]).flatMap(st => [].concat(st.Action)))));
const SAMPLE = ActionCatalog.services().flatMap(svc => {
  const names = ActionCatalog.actionsOfService(svc).map(n => `${svc}:${n}`).filter(a => !NAMED.has(a));
  const reads = names.filter(a => ['Read', 'List'].includes(ActionCatalog.describe(a).accessLevel)).slice(0, 2);
  const creates = names.filter(a => /^Create/.test(ActionCatalog.describe(a).name)).slice(0, 1);
  return [...reads, ...creates];
});
const SWEPT = process.env.GUARDRAILS_FULL_SWEEP ? ALL : [...new Set([...NAMED, ...SAMPLE])];

test('1. agent: no DESTROY/WEAKEN/EXPOSE/ESCALATE action allowed on untagged resources; reads and creates allowed', async () => {
  const decisions = await sweep(FULL, SWEPT, { principal: P.agent });
  const { allowed, denied, errors } = tally(decisions);
  expect(errors).toEqual([]);
  expect(DENIED.filter(a => !decisions.has(a))).toEqual([]);
  expect(allowed.filter(a => DENIED_SET.has(a))).toEqual([]);
  // Everything else stays allowed, except what the plan denies under a condition the sample request meets:
  // tagging calls (guard rules), driving compute the agent does not own (borrowed power: the samples are untagged)
  // and negated conditions on a key the sample lacks (fail closed: a directory-bucket session without a mode is ReadWrite).
  const conditional = new Set(scp.denyPlan.actions());
  expect(denied.filter(a => !DENIED_SET.has(a) && !TAGGING.has(a) && !conditional.has(a))).toEqual([]);
  const reads = SWEPT.filter(a => ['Read', 'List'].includes(ActionCatalog.describe(a).accessLevel) && !DENIED_SET.has(a));
  const creates = SWEPT.filter(a => /^Create/.test(ActionCatalog.describe(a).name) && !DENIED_SET.has(a) && !TAGGING.has(a) && !conditional.has(a));
  expect(reads.filter(a => decisions.get(a) !== 'Allowed')).toEqual([]);
  expect(creates.filter(a => decisions.get(a) !== 'Allowed')).toEqual([]);
  figures.push(`1. agent, ${SWEPT.length} actions swept: ${allowed.filter(a => DENIED_SET.has(a)).length} of ${DENIED.length} destructive allowed; `
    + `${reads.length} reads and ${creates.length} creates, all allowed; ${denied.length - DENIED.length} other denials`);
});

test('1b. agents are recognised by ARN alone and by source identity alone (the tag is opt-in)', async () => {
  const source = { 'aws:SourceIdentity': `${AgentIdentity.SOURCE_IDENTITY_PREFIX}claude-code` };
  for (const [principal, context] of [[P.agentByPathOnly, {}], [P.chainedAgent, source]] as const) {
    expect(await simulate(FULL, { action: 'ec2:TerminateInstances', principal, context })).toBe('ExplicitlyDenied');
    expect(await simulate(FULL, { action: 's3:DeleteBucket', principal, context })).toBe('ExplicitlyDenied');
    expect(await simulate(FULL, { action: 'ec2:StopInstances', principal, context })).toBe('Allowed'); // scenario 2
  }
  // A principal outside the path, without a source identity, is recognised only with matchAgentTag.
  expect(await simulate(FULL, { action: 'ec2:TerminateInstances', principal: P.agentByTagOnly })).toBe('Allowed');
  const tagged = new Stack(new App(), 'Tagged');
  new AgentScp(tagged, 'Scp', { targetIds: ['r-ab12'], matchAgentTag: true, overflowLevels: [{ targetIds: ['ou-ab12-cd34ef56'] }] });
  const withTag = { identity: [ADMINISTRATOR_ACCESS], scps: orgPolicies(resolveTemplate(Template.fromStack(tagged).toJSON()), 'SERVICE_CONTROL_POLICY') };
  expect(await simulate(withTag, { action: 'ec2:TerminateInstances', principal: P.agentByTagOnly })).toBe('ExplicitlyDenied');
});

test('2. non-agent principal: 0 extra denials over the whole catalog (guard statements evaluated separately)', async () => {
  // Under FullAWSAccess only a Deny statement naming an action can deny it: NAMED holds every such action.
  const decisions = await sweep({ identity: [ADMINISTRATOR_ACCESS], scps: withoutGuards(SCPS), rcps: RCPS }, SWEPT, { principal: P.admin });
  const { denied, errors } = tally(decisions);
  expect(errors).toEqual([]);
  expect(denied).toEqual([]);
  // The guard statements alone deny an ordinary admin only guard actions, never anything else.
  const guardActions: string[] = [...new Set(guardsOnly(SCPS).flatMap(d => (d.Statement as any[]).flatMap(s => [].concat(s.Action) as string[])))];
  // Under FullAWSAccess the guard statements can deny only the actions they name: those (expanded)
  // and the samples are swept, not the whole list again.
  const guardNamed = PolicyPacker.expand(guardActions);
  const guardSwept = [...new Set([...guardNamed, ...SAMPLE])];
  const guardDecisions = await sweep({ identity: [ADMINISTRATOR_ACCESS], scps: guardsOnly(SCPS) }, guardSwept, { principal: P.admin });
  const guardDenied = tally(guardDecisions).denied;
  expect(guardDenied.filter(a => !guardNamed.includes(a))).toEqual([]);
  figures.push(`2. admin, ${SWEPT.length} actions swept (every action the SCPs name + samples): 0 denials by the agent statements; the guard statements (${guardSwept.length} actions swept) deny ${guardDenied.length} (${guardDenied.join(', ')}) on sample resources`);
});

test('3. ephemeral (allowEphemeralDeletes): exemptable deletes allowed on tagged resources; forging the tag denied', async () => {
  // Off by default: the default SCPs deny the deletes on ephemeral resources too.
  expect(scp.denyPlan.groups.find(g => g.name === 'Destroy')).toBeUndefined();
  expect(await simulate(FULL, { action: 'ec2:TerminateInstances', principal: P.agent, resourceTags: { [AgentIdentity.EPHEMERAL_TAG_KEY]: 'true' } }))
    .toBe('ExplicitlyDenied');
  // With the exception: one SCP more than the root holds, so an OU takes the rest (both apply to the account).
  const ephStack = new Stack(new App(), 'Ephemeral');
  const ephScp = new AgentScp(ephStack, 'AgentScp', {
    targetIds: ['r-ab12'],
    breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'],
    allowEphemeralDeletes: true,
    overflowLevels: [{ targetIds: ['ou-ab12-cd34ef56'] }],
  });
  const FULL_EPH: PolicySet = { ...FULL, scps: orgPolicies(resolveTemplate(Template.fromStack(ephStack).toJSON()), 'SERVICE_CONTROL_POLICY') };
  // Exemptable: the plan's Destroy group (every unconditional rule naming the action may spare ephemeral resources).
  const soft = new Set(ephScp.denyPlan.groups.find(g => g.name === 'Destroy')!.actions);
  const exemptable = ActionCatalog.actions({ categories: [ActionCategory.DESTROY], supportsResourceTag: true }).filter(a => soft.has(a));
  const decisions = await sweep(FULL_EPH, exemptable, { principal: P.agent, resourceTags: { [AgentIdentity.EPHEMERAL_TAG_KEY]: 'true' } });
  const { allowed, denied, errors } = tally(decisions);
  expect(errors).toEqual([]);
  // The evaluator drops aws:ResourceTag for resource types that do not support it, so a few stay denied.
  expect(allowed.length / exemptable.length).toBeGreaterThan(0.9);
  for (const a of ['ec2:TerminateInstances', 's3:DeleteObject', 'dynamodb:DeleteTable', 'rds:DeleteDBInstance']) {
    if (exemptable.includes(a)) expect(decisions.get(a)).toBe('Allowed');
  }
  // Not exemptable: an action that also weakens or escalates.
  expect(await simulate(FULL_EPH, { action: 'iam:DeleteRolePermissionsBoundary', principal: P.agent, resourceTags: { [AgentIdentity.EPHEMERAL_TAG_KEY]: 'true' } })).toBe('ExplicitlyDenied');
  // Forgery: adding or removing the tag on an existing resource.
  const eph = { [AgentIdentity.EPHEMERAL_TAG_KEY]: 'true' };
  const forged = [
    await simulate(FULL_EPH, { action: 'ec2:CreateTags', principal: P.agent, requestTags: eph }),
    await simulate(FULL_EPH, { action: 'rds:AddTagsToResource', principal: P.agent, requestTags: eph }),
    await simulate(FULL_EPH, { action: 's3:TagResource', principal: P.agent, requestTags: { 'Guardrails:Ephemeral': 'true' } }),
    await simulate(FULL_EPH, { action: 'dynamodb:UntagResource', principal: P.agent, context: { 'aws:TagKeys': [AgentIdentity.EPHEMERAL_TAG_KEY] } }),
  ];
  expect(forged).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied', 'ExplicitlyDenied', 'ExplicitlyDenied']);
  // Tag on create stays possible; other tags stay possible.
  expect(await simulate(FULL_EPH, { action: 'ec2:CreateTags', principal: P.agent, requestTags: eph, context: { 'ec2:CreateAction': 'RunInstances' } })).toBe('Allowed');
  expect(await simulate(FULL_EPH, { action: 'rds:AddTagsToResource', principal: P.agent, requestTags: { team: 'web' } })).toBe('Allowed');
  figures.push(`3. ephemeral: ${allowed.length} of ${exemptable.length} exemptable deletes allowed on tagged resources (${denied.length} denied: ${denied.slice(0, 8).join(', ')}${denied.length > 8 ? ', ...' : ''}); 4 of 4 forgeries denied; tag-on-create allowed`);
});

test('4. tampering: denied to an agent and to an ordinary admin, allowed to break-glass', async () => {
  const agentRole = `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`;
  const attempts: Array<{ action: string; resource: string; context?: Record<string, string[]> }> = [
    { action: 'iam:UntagRole', resource: agentRole, context: { 'aws:TagKeys': [AgentIdentity.AGENT_TAG_KEY] } },
    { action: 'iam:DeleteRolePermissionsBoundary', resource: agentRole },
    { action: 'iam:AttachRolePolicy', resource: agentRole },
    { action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${ACCOUNT}:policy${AgentIdentity.AGENT_ROLE_PATH}boundary` },
    { action: 'organizations:DetachPolicy', resource: 'arn:aws:organizations::999999999999:policy/o-abcdefghij/service_control_policy/p-abcd1234' },
    { action: 'organizations:UpdatePolicy', resource: 'arn:aws:organizations::999999999999:policy/o-abcdefghij/service_control_policy/p-abcd1234' },
    { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/organization-trail` },
    { action: 'cloudtrail:PutEventSelectors', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/organization-trail` },
    { action: 'events:DisableRule', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/guardrails-destructive-calls` },
    { action: 'events:RemoveTargets', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/guardrails-destructive-calls` },
    { action: 'backup:DeleteBackupVaultLockConfiguration', resource: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:guarded` },
  ];
  const run = async (principal: Principal) => Promise.all(attempts.map(t =>
    simulate(FULL, { action: t.action, resource: t.resource, principal, context: t.context })));
  const agent = await run(P.agent);
  const admin = await run(P.admin);
  const breakGlass = await run(P.breakGlass);
  expect(agent.every(d => d === 'ExplicitlyDenied')).toBe(true);
  expect(admin).toEqual(attempts.map(() => 'ExplicitlyDenied'));
  expect(breakGlass).toEqual(attempts.map(() => 'Allowed'));
  // An ordinary rule or trail-less work is not touched; nobody may leave the organization.
  expect(await simulate(FULL, { action: 'events:DisableRule', resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/app-nightly`, principal: P.admin })).toBe('Allowed');
  expect(await simulate(FULL, { action: 'organizations:LeaveOrganization', resource: '*', principal: P.breakGlass })).toBe('ExplicitlyDenied');
  figures.push(`4. tampering: ${attempts.length} attempts: agent ${agent.filter(d => d === 'ExplicitlyDenied').length} denied, admin ${admin.filter(d => d === 'ExplicitlyDenied').length} denied, break-glass ${breakGlass.filter(d => d === 'Allowed').length} allowed`);
});

test('RCP: a foreign agent is denied destructive actions on RCP-service resources; a foreign admin is not', async () => {
  const actions = ActionCatalog.actions({ services: rcp.services });
  const resourcePolicy: PolicyDoc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*' }] };
  const set: PolicySet = { identity: [ADMINISTRATOR_ACCESS], rcps: RCPS, resourcePolicy };
  const agent = tally(await sweep(set, actions, { principal: P.foreignAgent, resourceAccount: ACCOUNT }));
  const admin = tally(await sweep(set, actions, { principal: P.foreignAdmin, resourceAccount: ACCOUNT }));
  expect(agent.errors).toEqual([]);
  expect(admin.errors).toEqual([]);
  expect(agent.allowed).toEqual([]);
  expect(admin.denied).toEqual([]);
  figures.push(`RCP: foreign agent ${agent.denied.length} of ${actions.length} destructive actions on ${rcp.services.length} RCP services denied; foreign admin 0 denied`);
});
