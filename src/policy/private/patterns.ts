/**
 * Compression of an action set into IAM action patterns, per service.
 *
 * A candidate pattern is `svc:<the first k CamelCase words of an action>*` (k >= 1, so the
 * full verb always stands before the `*`), or `svc:*` when the whole service is in the set.
 * A pattern is kept only when every action of the service it matches (IAM matches
 * actions case-insensitively) is in the set; the shortest such pattern covering an
 * action wins. Actions no pattern covers are listed by name.
 */

/** Splits an action name into CamelCase words; an all-caps name (`DELETE`) is one word. */
export function words(name: string): string[] {
  if (/^[A-Z]+$/.test(name)) return [name];
  return name.match(/[A-Z]+(?=[A-Z][a-z]|[0-9]|$)|[A-Z]?[a-z]+[0-9]*|[A-Z]+|[0-9]+/g) ?? [name];
}

/** Results by input: constructs pack the same sets many times in one synth. */
const CACHE = new Map<string, string[]>();

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

/** Whether an IAM action pattern (with `*` and `?`) matches an action, case-insensitively. */
export function matches(pattern: string, action: string): boolean {
  const re = new RegExp('^' + pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('') + '$', 'i');
  return re.test(action);
}
