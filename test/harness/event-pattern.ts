/**
 * A small EventBridge pattern matcher for tests, implementing the documented semantics
 * the library's patterns use: every field of the pattern must match; a leaf is an array
 * of alternatives, each an exact value or `{prefix}`, `{suffix}`, `{wildcard}`,
 * `{exists}`, `{anything-but}`; an event array matches when any element matches.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * Unknown operators throw, so a pattern this matcher does not understand never passes.
 */
function leafMatches(alt: any, value: any, present: boolean): boolean {
  if (alt === null || typeof alt !== 'object') return present && value === alt;
  const [op] = Object.keys(alt);
  const arg = alt[op];
  switch (op) {
    case 'exists': return arg ? present : !present;
    case 'prefix': return present && typeof value === 'string' && value.startsWith(arg);
    case 'suffix': return present && typeof value === 'string' && value.endsWith(arg);
    case 'wildcard': {
      const re = new RegExp('^' + String(arg).split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
      return present && typeof value === 'string' && re.test(value);
    }
    case 'anything-but': {
      const list = Array.isArray(arg) ? arg : [arg];
      return present && !list.some((x: any) => (typeof x === 'object' ? leafMatches(x, value, present) : x === value));
    }
    case 'equals-ignore-case': return present && typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    default: throw new Error(`event-pattern matcher: unsupported operator ${op}`);
  }
}

export function matchesPattern(pattern: any, event: any): boolean {
  for (const [key, spec] of Object.entries<any>(pattern)) {
    if (key === '$or') {
      if (!(spec as any[]).some(p => matchesPattern(p, event))) return false;
      continue;
    }
    const present = event !== null && typeof event === 'object' && key in event;
    const value = present ? event[key] : undefined;
    if (Array.isArray(spec)) {
      const values = Array.isArray(value) ? value : [value];
      if (!spec.some(alt => values.some(v => leafMatches(alt, v, present)))) return false;
    } else if (spec !== null && typeof spec === 'object') {
      if (!present || !matchesPattern(spec, value)) return false;
    } else {
      throw new Error(`event-pattern matcher: field ${key} must be an array or object`);
    }
  }
  return true;
}
