/**
 * A systematic battery of CloudTrail events for a set of EventBridge rules, built from the
 * rules' own patterns with the documented record format of test/monitoring/records.ts.
 *
 * For every rule (and every `$or` branch of it):
 * - matches: one event per entry of its eventSource and eventName lists (the longer list sets
 *   the count, the shorter one cycles) and per value of a tampering rule's requestParameters
 *   filter, or `maxMatchesPerBranch` of them spread over the lists (first and last included).
 *   Prefix entries alternate between the prefix itself and a longer name, wildcard values
 *   between `*` as `x1` and as nothing, request parameters between a scalar and an array;
 *   callers and outcomes follow the pattern (agent roles for an agent-scoped rule, every caller
 *   otherwise; errorCode present or absent as the rule asks). The alarm packs each list twice,
 *   once with errorCode absent (CRITICAL) and once present (DENIED): the twins take every other
 *   entry each, so each entry is met once and each twin's matches are the other's near-misses.
 * - near-misses: a non-agent caller (for an agent-scoped rule; the four kinds in turn), an
 *   event name one character short and one with a lower-case first letter (matching is
 *   case-sensitive), the event source with an upper-case first letter or another detail-type
 *   (in turn), and for a tampering branch another resource, no such request parameter, and
 *   `requestParameters: null`.
 *
 * Whether an event matches is not decided here: the test asks the library's matcher and the
 * emulator. An operator or field this builder does not know throws, so a new pattern shape is
 * never silently left out.
 */
import * as r from '../monitoring/records';

export interface RuleUnderTest {
  /** The rule's name (unique on its bus). */
  readonly name: string;
  /** The event pattern, intrinsics resolved. */
  readonly pattern: any;
}

export interface BatteryEvent {
  /** The CloudTrail eventID, unique in the battery: how a delivery is traced back to its event. */
  readonly id: string;
  /** What the event was built as, for failure messages. */
  readonly label: string;
  /** The rule the event was built from. */
  readonly builtFor: string;
  /** "AWS API Call via CloudTrail" event as the default bus receives it (records.ts format). */
  readonly event: any;
}

const AGENT_CALLERS = [r.AGENT, r.NESTED_AGENT];
const OTHER_CALLERS = [r.SSO_ADMIN, r.LOOKALIKE, r.PIPELINE, r.IAM_USER];
const ALL_CALLERS = [...AGENT_CALLERS, ...OTHER_CALLERS];
const callerName = (c: r.Caller) => c.userName ?? c.rolePathAndName!;

/** A detail-type CloudTrail also sends to EventBridge, for service events (not API calls). */
const OTHER_DETAIL_TYPE = 'AWS Service Event via CloudTrail';
/** Suffix of a name longer than a prefix (Lambda's event names carry an API version like this). */
const LONGER = '20150331';

const DETAIL_KEYS = new Set(['userIdentity', 'errorCode', 'eventSource', 'eventName', 'requestParameters', '$or']);

function unsupported(rule: string, what: string, value: unknown): never {
  throw new Error(`battery: rule ${rule}: no sample for ${what} ${JSON.stringify(value)}; extend test/integration/battery.ts`);
}

/** A value that the filter accepts; `variant` picks between the forms a filter allows. */
function sample(rule: string, f: unknown, variant: number): string {
  if (typeof f === 'string') return f;
  if (f && typeof f === 'object' && !Array.isArray(f)) {
    const o = f as Record<string, unknown>;
    if (typeof o.prefix === 'string') return variant % 2 === 0 ? o.prefix : o.prefix + LONGER;
    if (typeof o.wildcard === 'string') return o.wildcard.replace(/\*/g, variant % 2 === 0 ? 'x1' : '');
    if (typeof o['equals-ignore-case'] === 'string') return o['equals-ignore-case'].toUpperCase();
  }
  return unsupported(rule, 'filter', f);
}

/** The literal text a filter is built on (a name or a prefix), for near-misses. */
function stem(rule: string, f: unknown): string {
  if (typeof f === 'string') return f;
  if (f && typeof f === 'object' && typeof (f as any).prefix === 'string') return (f as any).prefix;
  return unsupported(rule, 'event name filter', f);
}

interface Branch {
  readonly detailType: string;
  readonly agentScoped: boolean;
  /** true: errorCode must exist; false: must not; undefined: not filtered. */
  readonly errorCode?: boolean;
  readonly sources: string[];
  readonly names: unknown[];
  readonly field?: { name: string; filters: unknown[] };
}

function branchesOf(rule: RuleUnderTest): Branch[] {
  const { pattern } = rule;
  for (const k of Object.keys(pattern)) if (k !== 'detail-type' && k !== 'detail') unsupported(rule.name, 'top-level field', k);
  const detailTypes = pattern['detail-type'];
  if (!Array.isArray(detailTypes) || typeof detailTypes[0] !== 'string') unsupported(rule.name, 'detail-type', detailTypes);
  const { $or, ...common } = pattern.detail ?? {};
  const alternatives: any[] = Array.isArray($or) ? $or : [{}];
  return alternatives.map(alt => {
    const d = { ...common, ...alt };
    for (const k of Object.keys(d)) if (!DETAIL_KEYS.has(k)) unsupported(rule.name, 'detail field', k);
    const issuer = d.userIdentity;
    if (issuer !== undefined && (Object.keys(issuer).join() !== 'sessionContext' || !Array.isArray(issuer.sessionContext?.sessionIssuer?.arn))) {
      unsupported(rule.name, 'userIdentity filter', issuer);
    }
    let errorCode: boolean | undefined;
    if (d.errorCode !== undefined) {
      const e = d.errorCode;
      if (!Array.isArray(e) || e.length !== 1 || typeof e[0]?.exists !== 'boolean') unsupported(rule.name, 'errorCode filter', e);
      errorCode = e[0].exists;
    }
    if (!Array.isArray(d.eventSource) || !d.eventSource.every((s: unknown) => typeof s === 'string')) unsupported(rule.name, 'eventSource filter', d.eventSource);
    if (!Array.isArray(d.eventName)) unsupported(rule.name, 'eventName filter', d.eventName);
    let field: Branch['field'];
    if (d.requestParameters !== undefined) {
      const entries = Object.entries<unknown>(d.requestParameters);
      if (entries.length !== 1 || !Array.isArray(entries[0][1])) unsupported(rule.name, 'requestParameters filter', d.requestParameters);
      field = { name: entries[0][0], filters: entries[0][1] as unknown[] };
    }
    return { detailType: detailTypes[0], agentScoped: issuer !== undefined, errorCode, sources: d.eventSource, names: d.eventName, field };
  });
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface BatteryOptions {
  /**
   * Most matching events per rule branch (spread over its lists, first and last entries
   * included); near-misses are not capped.
   * @default - one per entry of the longer list
   */
  readonly maxMatchesPerBranch?: number;
}

/** Indices 0..n-1, or `max` of them spread evenly with the first and the last. */
function spread(n: number, max?: number): number[] {
  if (max === undefined || n <= max) return [...Array(n).keys()];
  if (max <= 1) return [0];
  return [...new Set([...Array(max).keys()].map(k => Math.round(k * (n - 1) / (max - 1))))];
}

/** Builds the battery for the rules of one bus; events are de-duplicated across rules. */
export function buildBattery(rules: RuleUnderTest[], options: BatteryOptions = {}): BatteryEvent[] {
  const out: BatteryEvent[] = [];
  const seen = new Set<string>();
  const add = (builtFor: string, label: string, caller: r.Caller, source: string, name: string,
    o: { denied: boolean; requestParameters?: any; detailType?: string }) => {
    const key = JSON.stringify([o.detailType, callerName(caller), o.denied, source, name, o.requestParameters]);
    if (seen.has(key)) return;
    seen.add(key);
    const event = r.apiCall(caller, source, name, {
      requestParameters: o.requestParameters,
      errorCode: o.denied ? 'AccessDenied' : undefined,
    });
    if (o.detailType) event['detail-type'] = o.detailType;
    out.push({ id: event.detail.eventID, label: `${label} [${callerName(caller)} ${o.denied ? 'denied' : 'succeeded'} ${source} ${name}]`, builtFor, event });
  };

  let turn = 0; // rotates callers and outcomes across the whole battery
  let nearMissTurn = 0;
  for (const rule of rules) {
    for (const b of branchesOf(rule)) {
      const callers = b.agentScoped ? AGENT_CALLERS : ALL_CALLERS;
      const denied = (i: number) => b.errorCode ?? i % 2 === 1;
      const params = (i: number) => {
        if (!b.field) return undefined;
        const v = sample(rule.name, b.field.filters[i % b.field.filters.length], i);
        return { [b.field.name]: Math.floor(i / 2) % 2 === 1 ? ['not-a-guardrail-resource', v] : v };
      };
      const n = Math.max(b.sources.length, b.names.length, b.field?.filters.length ?? 0);
      // A rule that asks for errorCode present and its twin that asks for it absent are packed
      // with the same lists: each takes every other entry (odd or even), so together they
      // cover each entry once; a spread index of the other parity moves to its neighbour.
      const parity = b.errorCode === undefined || n <= 1 ? undefined : (b.errorCode ? 1 : 0);
      const indices = spread(n, options.maxMatchesPerBranch)
        .map(i => (parity === undefined || i % 2 === parity ? i : i + 1 < n ? i + 1 : i - 1));
      for (const i of new Set(indices)) {
        const t = turn++;
        add(rule.name, 'match', callers[t % callers.length], b.sources[i % b.sources.length], sample(rule.name, b.names[i % b.names.length], i),
          { denied: denied(t), requestParameters: params(i) });
      }

      // Near-misses, around the first sample; the kinds that have several forms take one per
      // branch, in turn, so every form is met across the rules.
      const k = nearMissTurn++;
      const source = b.sources[0];
      const name = sample(rule.name, b.names[0], 0);
      const base = { denied: denied(0), requestParameters: params(0) };
      const agent = callers[0];
      if (b.agentScoped) add(rule.name, 'near-miss: not an agent', OTHER_CALLERS[k % OTHER_CALLERS.length], source, name, base);
      // With the lists split between twins, each twin's matches are already this rule's
      // "errorCode flipped" near-misses (every event is compared with every rule of the bus).
      if (b.errorCode !== undefined && n <= 1) add(rule.name, 'near-miss: errorCode flipped', agent, source, name, { ...base, denied: !b.errorCode });
      const s = stem(rule.name, b.names[k % b.names.length]);
      add(rule.name, 'near-miss: name one character short', agent, source, s.slice(0, -1), base);
      add(rule.name, 'near-miss: name with a lower-case first letter', agent, source, lowerFirst(s), base);
      if (k % 2 === 0) add(rule.name, 'near-miss: event source with an upper-case first letter', agent, upperFirst(source), name, base);
      else add(rule.name, 'near-miss: other detail-type', agent, source, name, { ...base, detailType: OTHER_DETAIL_TYPE });
      if (b.field) {
        add(rule.name, 'near-miss: another resource', agent, source, name, { ...base, requestParameters: { [b.field.name]: 'not-a-guardrail-resource' } });
        add(rule.name, 'near-miss: no such request parameter', agent, source, name, { ...base, requestParameters: { other: sample(rule.name, b.field.filters[0], 0) } });
        add(rule.name, 'near-miss: requestParameters null', agent, source, name, { ...base, requestParameters: null });
      }
    }
  }
  return out;
}
