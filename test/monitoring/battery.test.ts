/**
 * The integration tier's event generator (test/integration/battery.ts) on every EventBridge
 * matcher form: for a request-parameter filter of each form it builds matches whose value the
 * filter accepts and near-misses whose value it refuses, judged here by predicates written from
 * the EventBridge documentation (not by the generator's own reading). Forms the library's matcher
 * knows are also checked by it (the generator asks it for every event); for `numeric`, `cidr` and
 * `anything-but` with a list of wildcards or equals-ignore-case values, which it does not know,
 * the generator is given the documented predicate instead. Unknown operators throw.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import { matchesPattern } from '../harness/event-pattern';
import { BatteryEvent, buildBattery } from '../integration/battery';

const DETAIL_TYPE = 'AWS API Call via CloudTrail';
const patternWith = (filters: unknown[]) => ({
  'detail-type': [DETAIL_TYPE],
  'detail': { eventSource: ['iam.amazonaws.com'], eventName: ['CreateRole', { prefix: 'TagRole' }], errorCode: [{ exists: false }], requestParameters: { x: filters } },
});
/** requestParameters.x, or undefined when absent (null stays null). */
const xOf = (detail: any): unknown => (detail?.requestParameters && 'x' in detail.requestParameters ? detail.requestParameters.x : undefined);
const withoutX = (p: any) => {
  const { requestParameters: _x, ...detail } = p.detail;
  return { ...p, detail };
};

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strs = (v: unknown) => list(v).filter((s): s is string => typeof s === 'string');
const nums = (v: unknown) => list(v).filter((n): n is number => typeof n === 'number');
const wild = (w: string) => new RegExp('^' + w.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
const ipv4 = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);

type Accept = (x: unknown) => boolean;
const cases: Array<[string, unknown[], Accept, boolean]> = [
  // name, filters, documented predicate on requestParameters.x (undefined: absent), library matcher knows it
  ['exact string', ['a-b'], x => strs(x).includes('a-b'), true],
  ['exact number', [5], x => nums(x).includes(5), true],
  ['exact boolean', [true], x => list(x).includes(true), true],
  ['exact null', [null], x => list(x).includes(null), true],
  ['prefix', [{ prefix: 'cdk-' }], x => strs(x).some(s => s.startsWith('cdk-')), true],
  ['prefix equals-ignore-case', [{ prefix: { 'equals-ignore-case': 'Cdk-' } }], x => strs(x).some(s => s.toLowerCase().startsWith('cdk-')), true],
  ['suffix', [{ suffix: '.png' }], x => strs(x).some(s => s.endsWith('.png')), true],
  ['suffix equals-ignore-case', [{ suffix: { 'equals-ignore-case': '.PNG' } }], x => strs(x).some(s => s.toLowerCase().endsWith('.png')), true],
  ['wildcard', [{ wildcard: 'arn:aws:iam::*:role/guardrails-agent/*' }], x => strs(x).some(s => wild('arn:aws:iam::*:role/guardrails-agent/*').test(s)), true],
  ['equals-ignore-case', [{ 'equals-ignore-case': 'Import' }], x => strs(x).some(s => s.toLowerCase() === 'import'), true],
  ['exists true', [{ exists: true }], x => x !== undefined, true],
  ['anything-but a value', [{ 'anything-but': '/guardrails-agent-workload/' }], x => list(x).some(v => v !== '/guardrails-agent-workload/'), true],
  ['anything-but a list', [{ 'anything-but': ['IMPORT', 'UPDATE'] }], x => list(x).some(v => v !== 'IMPORT' && v !== 'UPDATE'), true],
  ['anything-but numbers', [{ 'anything-but': [1, 2] }], x => list(x).some(v => v !== 1 && v !== 2), true],
  ['anything-but prefix', [{ 'anything-but': { prefix: 'cdk-' } }], x => list(x).some(v => typeof v !== 'string' || !v.startsWith('cdk-')), true],
  ['anything-but suffix', [{ 'anything-but': { suffix: '-role' } }], x => list(x).some(v => typeof v !== 'string' || !v.endsWith('-role')), true],
  ['anything-but wildcard', [{ 'anything-but': { wildcard: 'arn:aws:iam::*:role/guardrails-agent/*' } }],
    x => list(x).some(v => typeof v !== 'string' || !wild('arn:aws:iam::*:role/guardrails-agent/*').test(v)), true],
  ['exists false or anything-but wildcard (the stored-role filter)', [{ exists: false }, { 'anything-but': { wildcard: 'arn:aws:iam::*:role/guardrails-agent/cdk-*-cfn-exec-role-*' } }],
    x => x === undefined || list(x).some(v => typeof v !== 'string' || !wild('arn:aws:iam::*:role/guardrails-agent/cdk-*-cfn-exec-role-*').test(v)), true],
  ['anything-but a list of wildcards', [{ 'anything-but': { wildcard: ['*/lib/*', '*/src/*'] } }],
    x => list(x).some(v => typeof v !== 'string' || (!wild('*/lib/*').test(v) && !wild('*/src/*').test(v))), false],
  ['anything-but equals-ignore-case list', [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Overloaded'] } }],
    x => list(x).some(v => typeof v !== 'string' || !['stopped', 'overloaded'].includes(v.toLowerCase())), false],
  ['numeric range', [{ numeric: ['>', 0, '<=', 5] }], x => nums(x).some(n => n > 0 && n <= 5), false],
  ['numeric equals', [{ numeric: ['=', 300] }], x => nums(x).includes(300), false],
  ['numeric lower bound', [{ numeric: ['>=', 7] }], x => nums(x).some(n => n >= 7), false],
  ['cidr IPv4', [{ cidr: '10.0.0.0/24' }], x => strs(x).some(s => /^\d+\.\d+\.\d+\.\d+$/.test(s) && ipv4(s) >= ipv4('10.0.0.0') && ipv4(s) <= ipv4('10.0.0.255')), false],
  ['cidr IPv6', [{ cidr: '2001:db8::/32' }], x => strs(x).some(s => /^2001:(db8|0db8):/i.test(s)), false],
];

function run(filters: unknown[], accept: Accept, libraryKnows: boolean): BatteryEvent[] {
  const pattern = patternWith(filters);
  const documented = (p: any, e: any) => matchesPattern(withoutX(p), e) && accept(xOf(e.detail));
  return buildBattery([{ name: 'r', pattern }], libraryKnows ? {} : { matches: documented });
}

test.each(cases)('%s: matches the filter accepts, near-misses it refuses', (_name, filters, accept, libraryKnows) => {
  const events = run(filters, accept, libraryKnows);
  const x = (e: BatteryEvent) => xOf(e.event.detail);
  const matches = events.filter(e => e.label.startsWith('match'));
  const refused = events.filter(e => / requestParameters\.x refused|no requestParameters\.x|requestParameters null/.test(e.label));
  expect(matches.length).toBeGreaterThan(0);
  for (const e of matches) expect({ label: e.label, accepted: accept(x(e)) }).toEqual({ label: e.label, accepted: true });
  expect(refused.length).toBeGreaterThan(0);
  for (const e of refused) expect({ label: e.label, accepted: accept(x(e)) }).toEqual({ label: e.label, accepted: false });
  if (libraryKnows) for (const e of events) expect(matchesPattern(patternWith(filters), e.event)).toBe(e.label.startsWith('match'));
});

test('a nested $or (session issuer or source identity) takes both alternatives; an $or of request parameters is met with each', () => {
  const pattern = {
    'detail-type': [DETAIL_TYPE],
    'detail': {
      userIdentity: { $or: [{ sessionContext: { sessionIssuer: { arn: [{ wildcard: 'arn:aws:iam::*:role/guardrails-agent/*' }] } } }, { sessionContext: { sourceIdentity: [{ prefix: 'guardrails-agent.' }] } }] },
      eventSource: ['iam.amazonaws.com'],
      eventName: ['CreateRole'],
      $or: [
        { requestParameters: { permissionsBoundary: [{ exists: false }, { 'anything-but': { wildcard: 'arn:aws:iam::*:policy/guardrails-agent/*' } }] } },
        { requestParameters: { path: [{ exists: false }, { 'anything-but': '/guardrails-agent-workload/' }] } },
      ],
    },
  };
  const events = buildBattery([{ name: 'r', pattern }]);
  const matches = events.filter(e => e.label.startsWith('match')).map(e => e.event.detail);
  expect(matches.some(d => d.userIdentity.sessionContext.sourceIdentity?.startsWith('guardrails-agent.') && !d.userIdentity.sessionContext.sessionIssuer.arn.includes(':role/guardrails-agent/'))).toBe(true);
  expect(matches.some(d => d.userIdentity.sessionContext?.sessionIssuer?.arn.includes(':role/guardrails-agent/'))).toBe(true);
  // A compliant CreateRole (agent boundary, workload path) is the near-miss of either alternative.
  const compliant = events.filter(e => e.label.startsWith('near-miss: requestParameters.')).map(e => e.event.detail.requestParameters);
  expect(compliant.length).toBeGreaterThan(0);
  for (const p of compliant) expect(p).toEqual({ permissionsBoundary: expect.stringMatching(/^arn:aws:iam::.*:policy\/guardrails-agent\//), path: '/guardrails-agent-workload/' });
  // A caller neither alternative accepts (no agent role, no agent source identity).
  expect(events.filter(e => e.label.startsWith('near-miss: caller not accepted')).length).toBeGreaterThan(0);
});

test.each([
  ['an unknown operator', patternWith([{ 'starts-with': 'x' }]), /field 'detail\.requestParameters\.x': unknown EventBridge operator 'starts-with'/],
  ['two keys in one operator', patternWith([{ prefix: 'a', suffix: 'b' }]), /must have one key/],
  ['a bad numeric', patternWith([{ numeric: ['>', 'x'] }]), /numeric/],
  ['a bad cidr', patternWith([{ cidr: '10.0.0/8' }]), /cidr/],
  ['an envelope field PutEvents cannot set', { 'account': ['111111111111'], 'detail-type': [DETAIL_TYPE] }, /field 'account': PutEvents cannot set/],
])('%s throws a clear error', (_n, pattern, message) => {
  expect(() => buildBattery([{ name: 'r', pattern }])).toThrow(message);
});
