import * as iam from 'aws-cdk-lib/aws-iam';
import { ActionCatalog, ActionCategory, PolicyBudget, PolicyPacker } from '../../src';
import { ADMINISTRATOR_ACCESS, sweep, tally } from '../harness';
import { matchesPattern } from '../harness/event-pattern';

// The evaluation sweep sends every catalog action (about 22,000 requests) through iam-simulate
// workers: measured 25 s for that test with 2 cores under load, near the 30 s default.
jest.setTimeout(120_000);

const DEFAULT = ActionCatalog.actions();

function wordBoundaryOk(pattern: string): boolean {
  const [svc, p] = pattern.split(':');
  if (!p.endsWith('*')) return true;
  const stem = p.slice(0, -1).toLowerCase();
  // The stem must end where a CamelCase word of a matched action ends.
  return ActionCatalog.actionsOfService(svc).some(a => a.toLowerCase().startsWith(stem)
    && (a.length === stem.length || /[A-Z0-9]/.test(a[stem.length]) || /^[A-Z]+$/.test(a)));
}

describe('compress', () => {
  test.each([
    ['default set', DEFAULT],
    ['DESTROY', ActionCatalog.actions({ categories: [ActionCategory.DESTROY] })],
    ['DISRUPT', ActionCatalog.actions({ categories: [ActionCategory.DISRUPT] })],
    ['WEAKEN+EXPOSE+ESCALATE', ActionCatalog.actions({ categories: [ActionCategory.WEAKEN, ActionCategory.EXPOSE, ActionCategory.ESCALATE] })],
  ])('%s: patterns match exactly the set, checked against every catalog action', (_name, set) => {
    const patterns = PolicyPacker.compress(set);
    expect(PolicyPacker.expand(patterns)).toEqual([...set].sort());
    expect(patterns.length).toBeLessThan(set.length);
  });

  test('never a wildcard service prefix; the full verb always stands before *', () => {
    const patterns = PolicyPacker.compress(DEFAULT);
    expect(patterns.filter(p => /^[^:]*[*?]/.test(p))).toEqual([]);
    expect(patterns.filter(p => !wordBoundaryOk(p))).toEqual([]);
    expect(patterns).toContain('ec2:Terminate*');
  });

  test('stop is not covered when only DESTROY is asked', () => {
    const patterns = PolicyPacker.compress(ActionCatalog.actions({ categories: [ActionCategory.DESTROY], services: ['ec2'] }));
    expect(PolicyPacker.expand(patterns)).not.toContain('ec2:StopInstances');
  });

  test('expand rejects a wildcard service prefix', () => {
    expect(() => PolicyPacker.expand(['*:Delete*'])).toThrow(/wildcard in the service prefix/);
    expect(() => PolicyPacker.expand(['Delete*'])).toThrow(/not an IAM action pattern/);
  });
});

describe('pack', () => {
  test('the default set fits 2 SCPs of 10,240 and 4 managed policies of 6,144', () => {
    const scp = PolicyPacker.pack({ actions: DEFAULT, budget: PolicyBudget.SCP, maxDocuments: 2 });
    expect(scp.documents.length).toBeLessThanOrEqual(2);
    expect(scp.documents.every(d => d.characters <= 10_240)).toBe(true);
    expect(scp.actionsCovered).toBe(scp.actionsRequested);
    const mp = PolicyPacker.pack({ actions: DEFAULT, budget: PolicyBudget.MANAGED_POLICY, maxDocuments: 4 });
    expect(mp.documents.length).toBeLessThanOrEqual(4);
    expect(mp.documents.every(d => d.characters <= 6_144 && d.json.length === d.characters)).toBe(true);
  });

  test('is deterministic', () => {
    const a = PolicyPacker.pack({ actions: DEFAULT, budget: PolicyBudget.SCP });
    const b = PolicyPacker.pack({ actions: [...DEFAULT].reverse(), budget: PolicyBudget.SCP });
    expect(a.documents.map(d => d.json)).toEqual(b.documents.map(d => d.json));
  });

  test('copies the template statement and puts fixed statements first', () => {
    const template = new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalTag/guardrails:agent': 'true' } },
    });
    const fixed = new iam.PolicyStatement({ sid: 'Fixed', effect: iam.Effect.DENY, actions: ['iam:PutRolePolicy'], resources: ['*'] });
    const r = PolicyPacker.pack({ actions: DEFAULT, budget: PolicyBudget.SCP, template, fixedStatements: [fixed], sidPrefix: 'Deny' });
    const first = JSON.parse(r.documents[0].json);
    expect(first.Statement[0].Sid).toBe('Fixed');
    expect(first.Statement[1]).toMatchObject({ Sid: 'Deny0', Effect: 'Deny', Condition: { StringEquals: { 'aws:PrincipalTag/guardrails:agent': 'true' } } });
    expect(JSON.parse(r.documents[1].json).Statement[0].Sid).toBe('Deny1');
  });

  test('too many documents: an error with the figures', () => {
    expect(() => PolicyPacker.pack({ actions: DEFAULT, budget: PolicyBudget.RCP, maxDocuments: 1 }))
      .toThrow(/\d+ actions \(\d+ patterns, \d+ characters\) need \d+ documents of at most 5120 characters \(RCP\), but at most 1 are allowed/);
  });

  test('bad input', () => {
    expect(() => PolicyPacker.pack({ actions: ['ec2:Nuke'] })).toThrow(/actions: 'ec2:Nuke' is not in the action catalog/);
    expect(() => PolicyPacker.pack({ actions: DEFAULT, maxDocuments: 0 })).toThrow(/maxDocuments: 0/);
    expect(() => PolicyBudget.custom('tiny', 10)).toThrow(/maxCharacters: 10/);
    const hugeFixed = new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ActionCatalog.actions({ categories: [ActionCategory.DESTROY] }).slice(0, 400), resources: ['*'] });
    expect(() => PolicyPacker.pack({ actions: ['ec2:TerminateInstances'], budget: PolicyBudget.RCP, fixedStatements: [hugeFixed] })).toThrow(/over the RCP budget of 5120/);
  });
});

describe('evaluation: packed SCPs deny exactly the set (iam-simulate, every catalog action)', () => {
  test('with Allow *:* as identity policy', async () => {
    const scp = PolicyPacker.pack({ actions: DEFAULT, budget: PolicyBudget.SCP, maxDocuments: 2 });
    const all = ActionCatalog.allActions();
    const decisions = await sweep({ identity: [ADMINISTRATOR_ACCESS], scps: scp.documents.map(d => JSON.parse(d.json)) }, all,
      { principal: { arn: 'arn:aws:iam::111111111111:role/guardrails-agent/agent' } });
    const { allowed, denied, errors } = tally(decisions);
    const set = new Set(DEFAULT);
    expect(errors).toEqual([]);
    expect(denied.filter(a => !set.has(a))).toEqual([]); // nothing outside the set is denied
    expect(allowed.filter(a => set.has(a))).toEqual([]); // nothing inside the set is allowed
    expect(denied.length).toBe(set.size);
  });
});

describe('packEventPatterns', () => {
  const result = PolicyPacker.packEventPatterns({ actions: DEFAULT });
  const event = (source: string, name: string) => ({ 'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventSource: source, eventName: name } });
  const fullPattern = (p: any) => ({ 'detail-type': p.detailType, 'detail': p.detail });

  test('every pattern within 2,048 characters', () => {
    expect(result.patterns.length).toBeGreaterThan(1);
    expect(result.patterns.every(p => p.characters <= 2_048)).toBe(true);
  });

  test('every catalog event is matched exactly when its action is in the set', () => {
    const set = new Set(DEFAULT);
    const wrong: string[] = [];
    for (const a of ActionCatalog.allActions()) {
      const info = ActionCatalog.describe(a);
      if (!info.eventName) continue;
      const name = info.eventNameHasVersionSuffix ? `${info.eventName}20150331` : info.eventName;
      const hit = result.patterns.some(p => matchesPattern(fullPattern(p.pattern), event(info.eventSource, name)));
      if (hit !== set.has(a)) wrong.push(`${a} matched=${hit}`);
    }
    expect(wrong).toEqual([]);
  });

  test('events recorded under another name are matched: S3 DeleteObjects (aws s3 rm --recursive)', () => {
    expect(ActionCatalog.describe('s3:DeleteObject').extraEventNames).toEqual(['DeleteObjects']);
    expect(result.patterns.some(p => matchesPattern(fullPattern(p.pattern), event('s3.amazonaws.com', 'DeleteObjects')))).toBe(true);
    const onlyReads = PolicyPacker.packEventPatterns({ actions: ['s3:DeleteBucket'] });
    expect(onlyReads.patterns.some(p => matchesPattern(fullPattern(p.pattern), event('s3.amazonaws.com', 'DeleteObjects')))).toBe(false);
  });

  test('extra detail fields are carried; bad JSON is refused', () => {
    const r = PolicyPacker.packEventPatterns({ actions: ['ec2:TerminateInstances'], extraDetailJson: '{"errorCode":[{"exists":true}]}' });
    expect(r.patterns[0].pattern.detail).toMatchObject({ errorCode: [{ exists: true }], eventName: ['TerminateInstances'] });
    expect(() => PolicyPacker.packEventPatterns({ actions: ['ec2:TerminateInstances'], extraDetailJson: '{' })).toThrow(/extraDetailJson: '\{' is not JSON/);
    expect(() => PolicyPacker.packEventPatterns({ actions: ['ec2:TerminateInstances'], extraDetailJson: '[]' })).toThrow(/not a JSON object/);
  });
});
