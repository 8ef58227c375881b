/**
 * Compression of an action set into IAM action patterns, per service.
 *
 * A candidate pattern is `svc:<the first k CamelCase words of an action>*` (k >= 1, so the
 * full verb always stands before the `*`), or `svc:*` when the whole service is in the set.
 * A pattern is kept only when every action of the service it matches (IAM matches
 * actions case-insensitively) is in the set; the shortest such pattern covering an
 * action wins. Actions no pattern covers are listed by name.
 */
import { registerMapCache } from '../../catalog/private/caches';

/** Splits an action name into CamelCase words; an all-caps name (`DELETE`) is one word. */
export function words(name: string): string[] {
  if (/^[A-Z]+$/.test(name)) return [name];
  return name.match(/[A-Z]+(?=[A-Z][a-z]|[0-9]|$)|[A-Z]?[a-z]+[0-9]*|[A-Z]+|[0-9]+/g) ?? [name];
}

/** Results by input: constructs pack the same sets many times in one synth. */
const CACHE = new Map<string, string[]>();
registerMapCache(CACHE);

/** Compresses `names` (a subset of `all`, both action names of one service) into patterns without the prefix. */
export function compressService(all: string[], names: Set<string>, allowServiceWildcard = true): string[] {
  const key = `${allowServiceWildcard}|${all.join(',')}|${[...names].sort().join(',')}`;
  const hit = CACHE.get(key);
  if (hit) return [...hit];
  const result = compress(all, names, allowServiceWildcard);
  CACHE.set(key, result);
  return [...result];
}

function compress(all: string[], names: Set<string>, allowServiceWildcard: boolean): string[] {
  const lowerAll = all.map(a => a.toLowerCase());
  const lowerIn = new Set([...names].map(n => n.toLowerCase()));
  if (allowServiceWildcard && all.length > 0 && lowerAll.every(a => lowerIn.has(a))) return ['*'];
  const pure = new Map<string, boolean>();
  const isPure = (prefix: string): boolean => {
    let v = pure.get(prefix);
    if (v === undefined) {
      v = lowerAll.every(a => !a.startsWith(prefix) || lowerIn.has(a));
      pure.set(prefix, v);
    }
    return v;
  };
  const out = new Map<string, string>(); // lower-cased pattern -> pattern, so DELETE* and Delete* count once
  for (const name of [...names].sort()) {
    const w = words(name);
    let chosen: string | undefined;
    let prefix = '';
    for (let k = 0; k < w.length; k++) {
      prefix += w[k];
      if (isPure(prefix.toLowerCase())) { chosen = `${prefix}*`; break; }
    }
    const p = chosen ?? name;
    if (!out.has(p.toLowerCase())) out.set(p.toLowerCase(), p);
  }
  // A pattern already covered by a shorter pattern in the set is redundant.
  const patterns = [...out.values()];
  return patterns.filter(p => !patterns.some(q => q !== p && q.endsWith('*')
    && p.toLowerCase().startsWith(q.slice(0, -1).toLowerCase()))).sort();
}

/** Compiled patterns: one regular expression per pattern, not per call. */
const REGEXPS = new Map<string, RegExp>();
registerMapCache(REGEXPS);

function regexpOf(pattern: string): RegExp {
  let re = REGEXPS.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('') + '$', 'i');
    REGEXPS.set(pattern, re);
  }
  return re;
}

/** Whether an IAM action pattern (with `*` and `?`) matches an action, case-insensitively. */
export function matches(pattern: string, action: string): boolean {
  return regexpOf(pattern).test(action);
}

const ASCII = /^[\x00-\x7f]*$/;

/** Whether every name is ASCII (`matchNames` then compares lowercase names without a regular expression). */
export function allAscii(names: readonly string[]): boolean {
  return names.every(n => ASCII.test(n));
}

/**
 * The names (of one service) a pattern matches, in the order given: the same answer as
 * `matches(pattern, name)` for each name. An ASCII pattern that is a name or a `Prefix*` is
 * compared on lower-cased strings (for ASCII, what the case-insensitive regular expression
 * does); anything else goes through the regular expression.
 */
export function matchNames(pattern: string, names: readonly string[], lowerNames: readonly string[], namesAscii: boolean): string[] {
  const star = pattern.indexOf('*');
  const simple = namesAscii && ASCII.test(pattern) && !pattern.includes('?') && (star < 0 || star === pattern.length - 1);
  if (!simple) {
    const re = regexpOf(pattern);
    return names.filter(n => re.test(n));
  }
  const lower = pattern.toLowerCase();
  const out: string[] = [];
  if (star < 0) {
    for (let i = 0; i < names.length; i++) if (lowerNames[i] === lower) out.push(names[i]);
  } else {
    const stem = lower.slice(0, -1);
    for (let i = 0; i < names.length; i++) if (lowerNames[i].startsWith(stem)) out.push(names[i]);
  }
  return out;
}
