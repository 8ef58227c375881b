/**
 * The shipped checker (AG-IAM2's evaluator) is sound against the independent evaluator: over a
 * generated corpus of agent-role policies — Allow and Deny statements with conditions that are
 * exact, inverted, negated, on other keys or values, with NotAction and scoped resources — it
 * never calls an action "denied" that iam-simulate allows for the agent (in a request that
 * satisfies the conditions the deny plan gives that action).
 *
 * iam-simulate is AGPL and cannot ship, which is why the shipped checker exists at all.
 */
import { ActionCatalog, AgentIdentity } from '../../src';
import { checkedPlan, PolicyEvaluator } from '../../src/checks/private/iam';
import { ACCOUNT, Decision, PolicyDoc, simulateMany, SimRequest } from '../harness';

jest.setTimeout(300_000);

const AGENT_ARN = `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`;
const AGENT = { arn: AGENT_ARN, tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE } };
const POLICIES = 400;

/** A small deterministic generator (mulberry32), so a failure is reproducible. */
/* eslint-disable no-bitwise */ // the generator is integer arithmetic by design
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

/** Actions checked: scenario deletes, curated entries, exemptable deletes, and guard-rule tagging. */
const ACTIONS = ['rds:DeleteDBInstance', 'ec2:TerminateInstances', 's3:DeleteBucket', 's3:PutBucketPolicy', 'iam:AttachRolePolicy',
  'cloudtrail:StopLogging', 'ecs:TagResource', 's3:PutBucketTagging', 'ec2:CreateTags', 'dynamodb:DeleteTable'];

const ACTION_PATTERNS = ['*', 'rds:*', 'ec2:*', 's3:*', 'iam:*', 'ecs:*', 'rds:Delete*', 'ec2:Terminate*', 's3:Put*', 'iam:Attach*', 'cloudtrail:*',
  'dynamodb:Delete*', 'ecs:Tag*', 'ec2:CreateTags', 's3:PutBucketTagging', 'ec2:Describe*', ...ACTIONS];

const CONDITIONS: Array<Record<string, unknown> | undefined> = [
  undefined,
  undefined,
  { StringEquals: { 'aws:PrincipalTag/guardrails:agent': 'true' } },
  { StringEquals: { 'aws:PrincipalTag/guardrails:agent': 'false' } },
  { StringNotEquals: { 'aws:PrincipalTag/guardrails:agent': 'true' } },
  { StringEqualsIgnoreCase: { 'aws:PrincipalTag/guardrails:agent': 'TRUE' } },
  { ArnLike: { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/other/*' } },
  { ArnNotLike: { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN } },
  { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/guardrails-*' } },
  { StringNotEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } },
  { StringEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } },
  { StringNotEqualsIfExists: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } },
  { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['guardrails:ephemeral', 'guardrails:guard', 'guardrails:backup', 'guardrails:agent'] } },
  { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['guardrails:ephemeral'] } },
  { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['guardrails:ephemeral'] } },
  { Null: { 'ec2:CreateAction': 'true' } },
  { Null: { 'ec2:CreateAction': 'false' } },
  { Bool: { 'aws:SecureTransport': 'false' } },
  { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
  { StringEquals: { 'aws:PrincipalTag/guardrails:agent': 'true' }, StringNotEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } },
  { StringEquals: { 'aws:PrincipalTag/guardrails:agent': 'true' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
];

function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function statement(r: () => number, effect: 'Allow' | 'Deny'): Record<string, unknown> {
  const actions = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, ACTION_PATTERNS));
  const s: Record<string, unknown> = { Effect: effect };
  if (r() < 0.15) s.NotAction = actions; else s.Action = actions;
  const res = r();
  if (res < 0.8) s.Resource = '*';
  else if (res < 0.9) s.Resource = 'arn:aws:rds:*:*:db:*';
  else s.NotResource = 'arn:aws:s3:::logs';
  const c = effect === 'Deny' ? pick(r, CONDITIONS) : (r() < 0.2 ? pick(r, CONDITIONS) : undefined);
  if (c) s.Condition = c;
  return s;
}

function corpus(seed: number): PolicyDoc[] {
  const r = rng(seed);
  return Array.from({ length: POLICIES }, () => {
    const statements = [statement(r, 'Allow'), ...Array.from({ length: Math.floor(r() * 4) }, () => statement(r, r() < 0.8 ? 'Deny' : 'Allow'))];
    if (r() < 0.5) statements.unshift({ Effect: 'Allow', Action: '*', Resource: '*' });
    return { Version: '2012-10-17', Statement: statements };
  });
}

/** A request for an action that satisfies the conditions the plan gives it. */
function request(action: string): SimRequest {
  const group = checkedPlan().groupOf(action)!;
  const tagKeys = group.conditions.find(c => c.key === 'aws:TagKeys');
  return { action, principal: AGENT, requestTags: tagKeys ? { [tagKeys.values[0]]: 'true' } : undefined };
}

test('over a generated corpus, the checker never calls an action denied that iam-simulate allows', async () => {
  for (const a of ACTIONS) expect(checkedPlan().groupOf(a)).toBeDefined();
  const evaluator = new PolicyEvaluator();
  const docs = corpus(20261129);
  const cases: Array<{ doc: number; action: string; checkerOpen: boolean }> = [];
  docs.forEach((doc, i) => {
    const result = evaluator.evaluate([{ source: `policy ${i}`, statements: doc.Statement as Array<Record<string, unknown>> }], undefined,
      { arn: AGENT_ARN, tags: new Map(Object.entries(AGENT.tags)) });
    const open = new Set(result.allowed);
    for (const a of ACTIONS) {
      const action = ActionCatalog.describe(a).action;
      cases.push({ doc: i, action, checkerOpen: open.has(action) });
    }
  });
  // One simulation batch per policy document (the harness evaluates one policy set per batch).
  const decisions: Decision[] = [];
  for (let i = 0; i < docs.length; i++) {
    decisions.push(...await simulateMany({ identity: [docs[i]] }, ACTIONS.map(request)));
  }
  const unsound: string[] = [];
  let checkerDenied = 0;
  let overApprox = 0;
  cases.forEach((c, k) => {
    const d = decisions[k];
    expect(d.startsWith('Error')).toBe(false);
    if (!c.checkerOpen) {
      checkerDenied++;
      if (d === 'Allowed') unsound.push(`policy ${c.doc} ${c.action}: checker says denied, iam-simulate Allowed: ${JSON.stringify(docs[c.doc].Statement)}`);
    } else if (d !== 'Allowed') {
      overApprox++;
    }
  });
  // eslint-disable-next-line no-console
  console.log(`[checker soundness] ${docs.length} generated policies, ${cases.length} (policy, action) pairs; checker denied ${checkerDenied}, `
    + `all confirmed by iam-simulate: ${unsound.length === 0}; checker reported ${cases.length - checkerDenied} open, of which iam-simulate denies ${overApprox} (the price of soundness)`);
  expect(unsound).toEqual([]);
  // The corpus exercises both sides.
  expect(checkerDenied).toBeGreaterThan(100);
  expect(cases.length - checkerDenied).toBeGreaterThan(100);
});
