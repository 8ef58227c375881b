/**
 * A systematic battery of CloudTrail events for a set of EventBridge rules, built from the
 * rules' own patterns with the documented record format of test/monitoring/records.ts.
 *
 * Each pattern is compiled into constraints: a leaf is a field path with its filter list (every
 * EventBridge matcher: exact strings, numbers, booleans and null, `prefix` and `suffix` (also
 * with `equals-ignore-case`), `wildcard`, `equals-ignore-case`, `anything-but` (a value, a list,
 * or `prefix`/`suffix`/`wildcard`/`equals-ignore-case`), `numeric`, `exists` true and false,
 * `cidr`), and `$or` at any level. An operator this builder does not know throws, naming the
 * rule and the field, so a new pattern shape is never silently left out.
 *
 * For every rule, each alternative of an `$or` at the pattern's or its `detail`'s top level is a
 * branch; a nested `$or` (the alarm's `userIdentity`: session issuer or source identity) takes
 * its alternatives in turn across the branch's matches.
 * - matches: one event per entry of the branch's longest filter list (eventName, usually; the
 *   other lists cycle), or `maxMatchesPerBranch` of them spread over it (first and last
 *   included). Every other leaf takes its filters in turn. A value satisfies its filter: prefix
 *   entries alternate between the prefix itself and a longer name, wildcards between `*` as
 *   `x1` and as nothing, `exists: false` is an absent field, `anything-but` a value its inner
 *   filters refuse, request parameters alternate between a scalar and an array. Callers come
 *   from records.ts (and an agent's chained session, which only its source identity marks):
 *   those the `userIdentity` filter accepts, every caller when it has none. errorCode is present
 *   or absent as the rule asks, in turn otherwise. The alarm packs each list twice, once with
 *   errorCode absent (CRITICAL) and once present (DENIED): the twins take every other entry each,
 *   so each entry is met once and each twin's matches are the other's near-misses.
 * - near-misses (each one field changed from the branch's first match): a caller the
 *   `userIdentity` filter refuses, an event name one character short and one with a lower-case
 *   first letter (matching is case-sensitive), the event source with an upper-case first letter
 *   or another detail-type (in turn), errorCode flipped (single-entry twins), and for every
 *   other field (request parameters) a value its filters refuse, the field absent and its
 *   parent null, when the filter refuses them. When the changed event still matches another
 *   `$or` alternative, that alternative's own field is changed too (e.g. a CreateRole with the
 *   agent boundary must also be on the workload path to match neither).
 *
 * The builder checks every event against the library's matcher (test/harness/event-pattern.ts)
 * and its own reading of the filters: a match must match its rule and a near-miss must not, or
 * the build throws. Whether moto delivers it is the test's question.
 */
import { matchesPattern } from '../harness/event-pattern';
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

const AGENT_CALLERS = [r.AGENT, r.NESTED_AGENT, r.CHAINED_AGENT];
const OTHER_CALLERS = [r.SSO_ADMIN, r.LOOKALIKE, r.PIPELINE, r.IAM_USER, r.LOOKALIKE_SOURCE];
const ALL_CALLERS = [...AGENT_CALLERS, ...OTHER_CALLERS];
const callerName = (c: r.Caller) => c.userName ?? c.rolePathAndName!;

/** A detail-type CloudTrail also sends to EventBridge, for service events (not API calls). */
const OTHER_DETAIL_TYPE = 'AWS Service Event via CloudTrail';
/** Suffix of a name longer than a prefix (Lambda's event names carry an API version like this). */
const LONGER = '20150331';
/** A value for `exists: true` and for a field a near-miss adds. */
const PRESENT = 'guardrails-integ-present';
/** A request parameter naming something else. */
const OTHER_RESOURCE = 'not-a-guardrail-resource';

/** Envelope fields PutEvents cannot set (the bus sets them): a filter on them cannot be sampled. */
const UNSETTABLE = new Set(['version', 'id', 'account', 'time', 'region']);

// ---------------------------------------------------------------------------------------------
// Patterns as constraints

type Path = readonly string[];
interface Leaf { readonly kind: 'leaf'; readonly path: Path; readonly filters: readonly unknown[] }
interface Or { readonly kind: 'or'; readonly path: Path; readonly alternatives: readonly Node[][] }
type Node = Leaf | Or;

const key = (p: Path) => p.join('.');
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

class PatternError extends Error {
  constructor(rule: string, path: Path, what: string) {
    super(`battery: rule ${rule}, field '${key(path) || '(pattern)'}': ${what}; extend test/integration/battery.ts`);
  }
}

const STRING_OPERATORS = ['prefix', 'suffix', 'wildcard', 'equals-ignore-case'];
const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** Throws unless `f` is a filter this builder can sample and refuse. */
function checkFilter(rule: string, path: Path, f: unknown): void {
  if (f === null || typeof f === 'string' || typeof f === 'boolean' || (typeof f === 'number' && Number.isFinite(f))) return;
  if (!isObject(f)) throw new PatternError(rule, path, `filter ${JSON.stringify(f)} is not a value or an operator object`);
  const keys = Object.keys(f);
  if (keys.length !== 1) throw new PatternError(rule, path, `operator object ${JSON.stringify(f)} must have one key`);
  const [op] = keys;
  const arg = f[op];
  const bad = (why: string) => new PatternError(rule, path, `operator '${op}' ${why}: ${JSON.stringify(f)}`);
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') throw bad('needs true or false');
      return;
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string' || (isObject(arg) && Object.keys(arg).join() === 'equals-ignore-case' && typeof arg['equals-ignore-case'] === 'string')) return;
      throw bad('needs a string or {"equals-ignore-case": string}');
    case 'wildcard':
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw bad('needs a string');
      return;
    case 'anything-but':
      for (const inner of anythingButInner(rule, path, arg)) checkFilter(rule, path, inner);
      return;
    case 'numeric':
      numericBounds(rule, path, arg);
      return;
    case 'cidr':
      parseCidr(rule, path, arg);
      return;
    default:
      throw new PatternError(rule, path, `unknown EventBridge operator '${op}' in ${JSON.stringify(f)}`);
  }
}

/** The filters `anything-but` refuses: a value, a list of values, or one string operator (a list for wildcard and equals-ignore-case). */
function anythingButInner(rule: string, path: Path, arg: unknown): unknown[] {
  if (Array.isArray(arg)) {
    if (arg.length === 0 || !arg.every(v => typeof v === 'string' || typeof v === 'number')) throw new PatternError(rule, path, `anything-but list ${JSON.stringify(arg)} must hold strings or numbers`);
    return arg;
  }
  if (typeof arg === 'string' || typeof arg === 'number') return [arg];
  if (isObject(arg) && Object.keys(arg).length === 1 && STRING_OPERATORS.includes(Object.keys(arg)[0])) {
    const [op] = Object.keys(arg);
    const v = arg[op];
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || !list.every(x => typeof x === 'string')) throw new PatternError(rule, path, `anything-but ${op} needs strings: ${JSON.stringify(arg)}`);
    return list.map(x => ({ [op]: x }));
  }
  throw new PatternError(rule, path, `anything-but ${JSON.stringify(arg)} is not a value, a list or one of ${STRING_OPERATORS.join(', ')}`);
}

interface Bounds { lo?: number; loStrict?: boolean; hi?: number; hiStrict?: boolean; eq?: number }
function numericBounds(rule: string, path: Path, arg: unknown): Bounds {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) throw new PatternError(rule, path, `numeric ${JSON.stringify(arg)} must be [operator, number, ...]`);
  const b: Bounds = {};
  for (let i = 0; i < arg.length; i += 2) {
    const [op, n] = [arg[i], arg[i + 1]];
    if (!NUMERIC_OPERATORS.has(op) || typeof n !== 'number' || !Number.isFinite(n)) throw new PatternError(rule, path, `numeric ${JSON.stringify(arg)}: '${op}' ${JSON.stringify(n)} is not one of = < <= > >= with a number`);
    if (op === '=') b.eq = n;
    else if (op[0] === '>') Object.assign(b, { lo: n, loStrict: op === '>' });
    else Object.assign(b, { hi: n, hiStrict: op === '<' });
  }
  if (b.lo !== undefined && b.hi !== undefined && (b.lo > b.hi || (b.lo === b.hi && (b.loStrict || b.hiStrict)))) throw new PatternError(rule, path, `numeric ${JSON.stringify(arg)} accepts no number`);
  return b;
}

/** A CIDR block: `network` is its first address, `size` the number of addresses (IP arithmetic in BigInt, no bit operators). */
interface Cidr { v6: boolean; bits: number; network: bigint; size: bigint }
function parseIp(s: string): { v6: boolean; n: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some(p => p > 255)) return undefined;
    return { v6: false, n: parts.reduce((a, p) => a * 256n + BigInt(p), 0n) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(s) || !s.includes(':')) return undefined;
  const [head, tail, extra] = s.split('::');
  if (extra !== undefined) return undefined;
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8 || groups.some(g => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { v6: true, n: groups.reduce((a, g) => a * 65536n + BigInt(parseInt(g, 16)), 0n) };
}
function formatIp(v6: boolean, n: bigint): string {
  if (!v6) return [3n, 2n, 1n, 0n].map(i => String((n / 256n ** i) % 256n)).join('.');
  return [7n, 6n, 5n, 4n, 3n, 2n, 1n, 0n].map(i => ((n / 65536n ** i) % 65536n).toString(16)).join(':');
}
function parseCidr(rule: string, path: Path, arg: unknown): Cidr {
  const m = typeof arg === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(arg) : null;
  const ip = m ? parseIp(m[1]) : undefined;
  const bits = ip?.v6 ? 128 : 32;
  if (!m || !ip || Number(m[2]) > bits) throw new PatternError(rule, path, `cidr ${JSON.stringify(arg)} is not an IPv4 or IPv6 CIDR block`);
  const size = 2n ** BigInt(bits - Number(m[2]));
  return { v6: ip.v6, bits, network: ip.n - (ip.n % size), size };
}

function compile(rule: string, obj: unknown, path: Path): Node[] {
  if (!isObject(obj)) throw new PatternError(rule, path, `expected an object of fields, got ${JSON.stringify(obj)}`);
  const out: Node[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === '$or') {
      if (!Array.isArray(v) || v.length < 2) throw new PatternError(rule, path, '$or needs a list of at least two patterns');
      out.push({ kind: 'or', path, alternatives: v.map(alt => compile(rule, alt, path)) });
      continue;
    }
    const p = [...path, k];
    if (path.length === 0 && UNSETTABLE.has(k)) throw new PatternError(rule, p, 'PutEvents cannot set this envelope field, so no event can be sampled for it');
    if (Array.isArray(v)) {
      if (v.length === 0) throw new PatternError(rule, p, 'empty filter list');
      v.forEach(f => checkFilter(rule, p, f));
      out.push({ kind: 'leaf', path: p, filters: v });
    } else if (isObject(v)) {
      out.push(...compile(rule, v, p));
    } else {
      throw new PatternError(rule, p, `filter ${JSON.stringify(v)} must be a list or an object`);
    }
  }
  return out;
}

/** The alternatives of the `$or`s at the pattern's and its detail's top level, multiplied out. */
function topBranches(nodes: Node[]): Node[][] {
  let branches: Node[][] = [[]];
  for (const n of nodes) {
    if (n.kind === 'or' && n.path.length <= 1) {
      const alts = n.alternatives.flatMap(topBranches);
      branches = branches.flatMap(b => alts.map(a => [...b, ...a]));
    } else {
      branches = branches.map(b => [...b, n]);
    }
  }
  return branches;
}

/** The leaves of a branch, each nested `$or` taking alternative `choice` (in turn, deeper ones too). */
function resolve(nodes: readonly Node[], choice: number): Leaf[] {
  return nodes.flatMap(n => (n.kind === 'leaf' ? [n] : resolve(n.alternatives[choice % n.alternatives.length], Math.floor(choice / n.alternatives.length))));
}
function allLeaves(nodes: readonly Node[]): Leaf[] {
  return nodes.flatMap(n => (n.kind === 'leaf' ? [n] : n.alternatives.flatMap(allLeaves)));
}

// ---------------------------------------------------------------------------------------------
// The builder's own reading of a filter (EventBridge's documented semantics), to choose values

const ABSENT = Symbol('absent');
type Value = unknown; // a JSON value, or ABSENT

function get(event: any, path: Path): Value {
  let cur: any = event;
  for (const k of path) {
    if (!isObject(cur) || !(k in cur)) return ABSENT;
    cur = cur[k];
  }
  return cur === undefined ? ABSENT : cur;
}

const WILDCARD_TOKEN = /\\\*|\\\\|\*|[^*\\]+|\\/g;
/** A wildcard as literal chunks and stars (`\*` is a literal star, `\\` a backslash). */
function wildcardParts(w: string): Array<string | null> {
  const out: Array<string | null> = [];
  for (const t of w.match(WILDCARD_TOKEN) ?? []) {
    const lit = t === '*' ? null : t === '\\*' ? '*' : t === '\\\\' ? '\\' : t;
    if (lit !== null && typeof out[out.length - 1] === 'string') out[out.length - 1] += lit;
    else out.push(lit);
  }
  return out;
}
function wildcardRe(w: string): RegExp {
  return new RegExp('^' + wildcardParts(w).map(p => (p === null ? '.*' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('') + '$', 's');
}

function acceptsOne(f: unknown, raw: Value): boolean {
  const values: unknown[] = raw === ABSENT ? [] : Array.isArray(raw) ? raw : [raw];
  if (!isObject(f)) return values.some(v => v === f);
  const [op] = Object.keys(f);
  const arg = f[op];
  const str = (pred: (s: string) => boolean) => values.some(v => typeof v === 'string' && pred(v));
  switch (op) {
    case 'exists':
      return arg === (raw !== ABSENT);
    case 'prefix':
      return isObject(arg) ? str(s => s.toLowerCase().startsWith(arg['equals-ignore-case'].toLowerCase())) : str(s => s.startsWith(arg));
    case 'suffix':
      return isObject(arg) ? str(s => s.toLowerCase().endsWith(arg['equals-ignore-case'].toLowerCase())) : str(s => s.endsWith(arg));
    case 'wildcard':
      return str(s => wildcardRe(arg).test(s));
    case 'equals-ignore-case':
      return str(s => s.toLowerCase() === arg.toLowerCase());
    case 'anything-but': {
      const inner = anythingButInner('', [], arg);
      return values.some(v => !inner.some(x => acceptsOne(x, v)));
    }
    case 'numeric': {
      const b = numericBounds('', [], arg);
      return values.some(v => typeof v === 'number' && inBounds(b, v));
    }
    case 'cidr': {
      const c = parseCidr('', [], arg);
      return values.some(v => {
        const ip = typeof v === 'string' ? parseIp(v) : undefined;
        return !!ip && ip.v6 === c.v6 && ip.n >= c.network && ip.n < c.network + c.size;
      });
    }
    default:
      throw new Error(`battery: unknown operator '${op}'`);
  }
}
function inBounds(b: Bounds, v: number): boolean {
  if (b.eq !== undefined && v !== b.eq) return false;
  if (b.lo !== undefined && (b.loStrict ? v <= b.lo : v < b.lo)) return false;
  if (b.hi !== undefined && (b.hiStrict ? v >= b.hi : v > b.hi)) return false;
  return true;
}
const accepts = (filters: readonly unknown[], raw: Value) => filters.some(f => acceptsOne(f, raw));

function holds(nodes: readonly Node[], event: any): boolean {
  return nodes.every(n => (n.kind === 'leaf' ? accepts(n.filters, get(event, n.path)) : n.alternatives.some(a => holds(a, event))));
}

// ---------------------------------------------------------------------------------------------
// Values a filter accepts, and values it refuses

const flipCase = (s: string) => [...s].map(c => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const flipFirst = (s: string) => (s.charAt(0) === s.charAt(0).toLowerCase() ? upperFirst(s) : lowerFirst(s));
const shorter = (s: string) => (s.length > 1 ? s.slice(0, -1) : `${s}x`);

/** A value `f` accepts; `variant` picks between the forms it allows. */
function sampleOf(f: unknown, variant: number): Value {
  if (!isObject(f)) return f;
  const [op] = Object.keys(f);
  const arg = f[op];
  const odd = variant % 2 === 1;
  switch (op) {
    case 'exists':
      return arg ? PRESENT : ABSENT;
    case 'prefix':
      return isObject(arg) ? flipCase(arg['equals-ignore-case']) + (odd ? LONGER : '') : arg + (odd ? LONGER : '');
    case 'suffix':
      return (odd ? 'x1' : '') + (isObject(arg) ? flipCase(arg['equals-ignore-case']) : arg);
    case 'wildcard':
      return wildcardParts(arg).map(p => p ?? (odd ? '' : 'x1')).join('');
    case 'equals-ignore-case':
      return flipCase(arg);
    case 'anything-but': {
      const refused = anythingButInner('', [], arg);
      const candidates = refusedBy(refused, variant).filter(v => v !== ABSENT);
      if (candidates.length === 0) throw new Error(`battery: no value outside ${JSON.stringify(f)}`);
      return candidates[variant % candidates.length];
    }
    case 'numeric': {
      const b = numericBounds('', [], arg);
      if (b.eq !== undefined) return b.eq;
      if (b.lo !== undefined && b.hi !== undefined) return odd && !b.loStrict ? b.lo : (b.lo + b.hi) / 2;
      if (b.lo !== undefined) return b.loStrict || odd ? b.lo + 1 : b.lo;
      return b.hiStrict || odd ? b.hi! - 1 : b.hi!;
    }
    case 'cidr': {
      const c = parseCidr('', [], arg);
      const host = c.size >= 4n ? 1n : 0n;
      return formatIp(c.v6, c.network + host);
    }
    default:
      throw new Error(`battery: unknown operator '${op}'`);
  }
}

/** Values close to what `f` accepts (a character off, another case, the other side of a bound). */
function nearValues(f: unknown, variant: number): Value[] {
  if (f === null) return ['null'];
  if (typeof f === 'boolean') return [!f];
  if (typeof f === 'number') return [f + 1, f - 1];
  if (typeof f === 'string') return [shorter(f), flipFirst(f), `${f}x`];
  const [op] = Object.keys(f as object);
  const arg = (f as any)[op];
  switch (op) {
    case 'exists':
      return arg ? [ABSENT] : [PRESENT];
    case 'prefix': {
      const p: string = isObject(arg) ? arg['equals-ignore-case'] : arg;
      return isObject(arg) ? [shorter(p), `x${p}`] : [shorter(p), flipFirst(p), `x${p}`];
    }
    case 'suffix': {
      const s: string = isObject(arg) ? arg['equals-ignore-case'] : arg;
      return isObject(arg) ? [s.slice(1) || 'x', `${s}x`] : [s.slice(1) || 'x', `${s}x`, flipFirst(s)];
    }
    case 'wildcard': {
      // Break the longest literal chunk in its middle, or put a character outside the stars.
      const parts = wildcardParts(arg);
      const longest = parts.reduce<number>((best, p, i) => (p !== null && p.length > ((parts[best] as string | null)?.length ?? -1) ? i : best), -1);
      const broken = parts.map((p, i) => (i === longest && p !== null ? p.slice(0, Math.floor(p.length / 2)) + '#' + p.slice(Math.floor(p.length / 2) + 1) : p));
      const sample = sampleOf(f, variant) as string;
      return [broken.map(p => p ?? 'x1').join(''), `x${sample}`, `${sample}x`, flipFirst(sample)];
    }
    case 'equals-ignore-case':
      return [shorter(arg), `${arg}x`];
    case 'anything-but':
      return anythingButInner('', [], arg).map((x, i) => sampleOf(x, variant + i));
    case 'numeric': {
      const b = numericBounds('', [], arg);
      const out: number[] = [];
      if (b.eq !== undefined) out.push(b.eq + 1, b.eq - 1);
      if (b.lo !== undefined) out.push(b.loStrict ? b.lo : b.lo - 1);
      if (b.hi !== undefined) out.push(b.hiStrict ? b.hi : b.hi + 1);
      return out;
    }
    case 'cidr': {
      const c = parseCidr('', [], arg);
      const max = 2n ** BigInt(c.bits) - 1n;
      return [c.network > 0n ? c.network - 1n : undefined, c.network + c.size <= max ? c.network + c.size : undefined]
        .filter((n): n is bigint => n !== undefined).map(n => formatIp(c.v6, n));
    }
    default:
      throw new Error(`battery: unknown operator '${op}'`);
  }
}

/** Values no filter of the list accepts (absence first when refused), starting with the filter `variant` picks. */
function refusedBy(filters: readonly unknown[], variant: number): Value[] {
  const out: Value[] = [];
  const seen = new Set<string>();
  const push = (v: Value) => {
    const k = v === ABSENT ? '(absent)' : JSON.stringify(v);
    if (!seen.has(k) && !accepts(filters, v)) {
      seen.add(k);
      out.push(v);
    }
  };
  for (let i = 0; i < filters.length; i++) nearValues(filters[(variant + i) % filters.length], variant).forEach(push);
  [OTHER_RESOURCE, PRESENT, ABSENT].forEach(push);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Events

const DETAIL_TYPE: Path = ['detail-type'];
const EVENT_SOURCE: Path = ['detail', 'eventSource'];
const EVENT_NAME: Path = ['detail', 'eventName'];
const ERROR_CODE: Path = ['detail', 'errorCode'];
const USER_IDENTITY: Path = ['detail', 'userIdentity'];
const REQUEST_PARAMETERS: Path = ['detail', 'requestParameters'];
const under = (p: Path, parent: Path) => p.length > parent.length && parent.every((k, i) => p[i] === k);
const same = (a: Path, b: Path) => key(a) === key(b);

/** What one event is: a caller and a value (or absence) for every constrained field. */
interface Spec {
  caller: r.Caller;
  /** errorCode present when no leaf decides it. */
  denied: boolean;
  values: Map<string, { path: Path; value: Value }>;
}

function setPath(obj: any, path: Path, value: Value): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (!isObject(cur[k])) cur[k] = {};
    cur = cur[k];
  }
  const last = path[path.length - 1];
  if (value === ABSENT) delete cur[last];
  else cur[last] = value;
}

function buildEvent(spec: Spec): any {
  const value = (p: Path) => spec.values.get(key(p))?.value;
  const errorCode = spec.values.has(key(ERROR_CODE)) ? value(ERROR_CODE) : (spec.denied ? 'AccessDenied' : ABSENT);
  let requestParameters: any = null;
  for (const { path, value: v } of spec.values.values()) {
    if (same(path, REQUEST_PARAMETERS)) {requestParameters = v === ABSENT ? null : v;} else if (under(path, REQUEST_PARAMETERS)) {
      if (!isObject(requestParameters)) requestParameters = {};
      setPath(requestParameters, path.slice(2), v);
    }
  }
  const source = value(EVENT_SOURCE);
  const name = value(EVENT_NAME);
  const event = r.apiCall(spec.caller, typeof source === 'string' ? source : 'guardrails-integ.amazonaws.com', typeof name === 'string' ? name : 'GuardrailsIntegCall', {
    requestParameters,
    errorCode: errorCode === ABSENT ? undefined : (errorCode === PRESENT || typeof errorCode !== 'string' ? 'AccessDenied' : errorCode),
  });
  // Every other field as given (a userIdentity field here only when no caller has it).
  for (const { path, value: v } of spec.values.values()) {
    if (same(path, REQUEST_PARAMETERS) || under(path, REQUEST_PARAMETERS)) continue;
    if (same(path, ERROR_CODE) && v !== ABSENT && typeof v !== 'string') event.detail.errorCode = v;
    else if (same(path, ERROR_CODE)) continue;
    else setPath(event, path, v);
  }
  return event;
}

/** Callers whose userIdentity the leaves (under detail.userIdentity) accept, or the whole userIdentity tree refuses. */
function callersFor(nodes: readonly Node[], accept: boolean): r.Caller[] {
  return ALL_CALLERS.filter(c => holds(nodes, { detail: r.apiCall(c, 'x.amazonaws.com', 'X').detail }) === accept);
}

export interface BatteryOptions {
  /**
   * Most matching events per rule branch (spread over its lists, first and last entries
   * included); near-misses are not capped.
   * @default - one per entry of the longer list
   */
  readonly maxMatchesPerBranch?: number;
  /**
   * Decides whether a pattern matches an event: every match must match its rule and every
   * near-miss must not, or the build throws.
   * @default - the library's matcher (test/harness/event-pattern.ts)
   */
  readonly matches?: (pattern: any, event: any) => boolean;
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
  let callerTurn = 0; // rotates callers and outcomes across the whole battery
  let nearMissTurn = 0;

  for (const rule of rules) {
    const { pattern } = rule;
    const nodes = compile(rule.name, pattern, []);
    const add = (label: string, spec: Spec, expectMatch: boolean) => {
      const event = buildEvent(spec);
      const own = holds(nodes, event);
      const library = (options.matches ?? matchesPattern)(pattern, event);
      if (own !== expectMatch || library !== expectMatch) {
        throw new Error(`battery: rule ${rule.name}: the ${label} event ${expectMatch ? 'does not match' : 'matches'} its pattern `
          + `(builder's reading: ${own}, library matcher: ${library}); fix test/integration/battery.ts or the matcher.\n`
          + `pattern: ${JSON.stringify(pattern).slice(0, 1500)}\nevent detail: ${JSON.stringify(event.detail).slice(0, 1500)}`);
      }
      const { id: _id, detail: { eventID: _e, requestID: _q, ...detail }, ...envelope } = event;
      const dedupe = JSON.stringify([envelope, detail]);
      if (seen.has(dedupe)) return;
      seen.add(dedupe);
      const d = event.detail;
      const what = `${callerName(spec.caller)}${d.userIdentity?.sessionContext?.sourceIdentity ? ` (${d.userIdentity.sessionContext.sourceIdentity})` : ''} `
        + `${d.errorCode ? 'denied' : 'succeeded'} ${d.eventSource} ${d.eventName}${d.requestParameters ? ` ${JSON.stringify(d.requestParameters)}` : ''}`;
      out.push({ id: d.eventID, label: `${label} [${what}]`, builtFor: rule.name, event });
    };

    for (const branch of topBranches(nodes)) {
      const leaves = allLeaves(branch);
      const n = Math.max(...leaves.map(l => l.filters.length));
      const identity = branch.filter(x => same(x.path, USER_IDENTITY) || under(x.path, USER_IDENTITY));
      const identityLeaves = (ls: Leaf[]) => ls.filter(l => under(l.path, USER_IDENTITY));
      const errorLeaf = leaves.find(l => same(l.path, ERROR_CODE));
      const errorExists = errorLeaf?.filters.length === 1 && isObject(errorLeaf.filters[0]) && typeof errorLeaf.filters[0].exists === 'boolean'
        ? errorLeaf.filters[0].exists as boolean : undefined;

      /** The spec of the m-th match, at list index i. */
      const matchSpec = (m: number, i: number, t: number): Spec => {
        const resolved = resolve(branch, m);
        const values = new Map<string, { path: Path; value: Value }>();
        for (const l of resolved) {
          if (under(l.path, USER_IDENTITY)) continue;
          // The longest lists are enumerated by i; the others take their filters in turn.
          const f = l.filters[(l.filters.length === n ? i : m) % l.filters.length];
          let v = sampleOf(f, i);
          const positive = typeof f === 'string' || (isObject(f) && STRING_OPERATORS.some(op => op in f));
          if (under(l.path, REQUEST_PARAMETERS) && positive && typeof v === 'string' && Math.floor(i / 2) % 2 === 1) v = [OTHER_RESOURCE, v];
          values.set(key(l.path), { path: l.path, value: v });
        }
        const ids = identityLeaves(resolved);
        const callers = callersFor(ids, true);
        const caller = callers.length > 0 ? callers[t % callers.length] : r.AGENT;
        if (callers.length === 0) {
          // No caller of records.ts has it: the values go into the event as they are.
          for (const l of ids) values.set(key(l.path), { path: l.path, value: sampleOf(l.filters[m % l.filters.length], i) });
        }
        return { caller, denied: errorExists ?? t % 2 === 1, values };
      };

      // A rule that asks for errorCode present and its twin that asks for it absent are packed
      // with the same lists: each takes every other entry (odd or even), so together they
      // cover each entry once; a spread index of the other parity moves to its neighbour.
      const parity = errorExists === undefined || n <= 1 ? undefined : (errorExists ? 1 : 0);
      const indices = [...new Set(spread(n, options.maxMatchesPerBranch)
        .map(i => (parity === undefined || i % 2 === parity ? i : i + 1 < n ? i + 1 : i - 1)))];
      indices.forEach((i, m) => add('match', matchSpec(m, i, callerTurn++), true));

      // Near-misses: one field changed from the first match.
      const k = nearMissTurn++;
      const base = matchSpec(0, indices[0], 0);
      const baseLeaves = resolve(branch, 0);
      const fixed = new Set(allLeaves(branch).map(l => key(l.path)));
      /** The base with `path` set to `value`; another `$or` alternative that still matches loses one of its own fields. */
      const changed = (path: Path, value: Value): Spec | undefined => {
        const spec: Spec = { ...base, values: new Map([...base.values].filter(([, x]) => !under(x.path, path))) };
        spec.values.set(key(path), { path, value });
        for (let round = 0; round < 4 && holds(nodes, buildEvent(spec)); round++) {
          const event = buildEvent(spec);
          const other = nodes.filter((x): x is Or => x.kind === 'or').flatMap(x => x.alternatives).filter(a => holds(a, event))
            .flatMap(a => resolve(a, 0)).find(l => !fixed.has(key(l.path)) && !under(l.path, USER_IDENTITY) && !spec.values.has(key(l.path)));
          if (!other) return undefined;
          const refused = refusedBy(other.filters, 0);
          if (refused.length === 0) return undefined;
          spec.values.set(key(other.path), { path: other.path, value: refused[0] });
        }
        return holds(nodes, buildEvent(spec)) ? undefined : spec;
      };
      /** The first of the values that makes a near-miss. */
      const tryValues = (label: string, path: Path, values: Value[]) => {
        for (const v of values) {
          const spec = changed(path, v);
          if (spec) return add(label, spec, false);
        }
      };
      if (identity.length > 0) {
        const others = callersFor(identity, false);
        if (others.length > 0) add('near-miss: caller not accepted', { ...base, caller: others[k % others.length] }, false);
      }
      for (const l of baseLeaves) {
        if (under(l.path, USER_IDENTITY)) continue;
        const current = base.values.get(key(l.path))!.value;
        const refused = (vs: Value[]) => vs.filter(v => !accepts(l.filters, v));
        if (same(l.path, EVENT_NAME)) {
          const f = l.filters[k % l.filters.length];
          const s = typeof f === 'string' ? f : isObject(f) && typeof f.prefix === 'string' ? f.prefix : undefined;
          if (s !== undefined) {
            tryValues('near-miss: name one character short', l.path, refused([s.slice(0, -1)]));
            tryValues('near-miss: name with a lower-case first letter', l.path, refused([lowerFirst(s)]));
          } else {
            tryValues('near-miss: name refused', l.path, refusedBy(l.filters, k));
          }
        } else if (same(l.path, EVENT_SOURCE)) {
          if (k % 2 === 0 && typeof current === 'string') tryValues('near-miss: event source with an upper-case first letter', l.path, refused([upperFirst(current)]));
        } else if (same(l.path, DETAIL_TYPE)) {
          if (k % 2 === 1) tryValues('near-miss: other detail-type', l.path, refused([OTHER_DETAIL_TYPE, ...refusedBy(l.filters, k)]));
        } else if (same(l.path, ERROR_CODE)) {
          // With the lists split between twins, each twin's matches are already this rule's
          // "errorCode flipped" near-misses (every event is compared with every rule of the bus).
          if (parity === undefined) tryValues('near-miss: errorCode flipped', l.path, refusedBy(l.filters, 0).map(v => (v === PRESENT ? 'AccessDenied' : v)));
        } else {
          const values = refusedBy(l.filters, k).filter(v => v !== ABSENT);
          tryValues(`near-miss: ${key(l.path.slice(1))} refused`, l.path, [...values.slice(k % Math.max(values.length, 1)), ...values]);
          if (!accepts(l.filters, ABSENT)) {
            const sibling = under(l.path, REQUEST_PARAMETERS) ? [...l.path.slice(0, -1), 'other'] : undefined;
            const spec = changed(l.path, ABSENT);
            if (spec && sibling && !spec.values.has(key(sibling))) spec.values.set(key(sibling), { path: sibling, value: typeof current === 'string' ? current : PRESENT });
            if (spec && !holds(nodes, buildEvent(spec))) add(`near-miss: no ${key(l.path.slice(1))}`, spec, false);
            if (l.path.length >= 3) tryValues(`near-miss: ${key(l.path.slice(1, -1))} null`, l.path.slice(0, -1), [null]);
          }
        }
      }
    }
  }
  return out;
}
