/**
 * Decides whether an EventBridge event pattern matches an event, for the filters the
 * monitoring checks meet: exact values, prefix, suffix, wildcard, equals-ignore-case,
 * exists, anything-but, numeric and `$or`. Any other operator throws, so an unknown filter is
 * never counted as a match.
 *
 * A field path that goes through an array of objects (CloudTrail's `changeBatch.changes[].action`)
 * matches on the values of every element, as EventBridge flattens arrays.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export class EventPatternMatcher {
  public static matches(pattern: unknown, event: unknown): boolean {
    if (!isObject(pattern)) throw new Error(`event pattern: expected an object, got ${JSON.stringify(pattern)}`);
    return matchObject(pattern, isObject(event) ? event : {});
  }

  private constructor() {}
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The values a key has in an object, or in every object of an array (flattened, as EventBridge does). */
function valuesAt(event: unknown, key: string): unknown {
  if (Array.isArray(event)) {
    const out = event.flatMap(e => {
      const v = valuesAt(e, key);
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    });
    return out.length ? out : undefined;
  }
  return isObject(event) ? event[key] : undefined;
}

function matchObject(pattern: Record<string, unknown>, event: unknown): boolean {
  for (const [key, filter] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(filter)) throw new Error('event pattern: $or must be a list of patterns');
      if (!filter.some(p => isObject(p) && matchObject(p, event))) return false;
      continue;
    }
    const value = valuesAt(event, key);
    if (isObject(filter)) {
      if (!matchObject(filter, isObject(value) || Array.isArray(value) ? value : {})) return false;
      continue;
    }
    if (!Array.isArray(filter)) throw new Error(`event pattern: the filter of '${key}' must be a list or an object`);
    if (!matchField(filter, value)) return false;
  }
  return true;
}

const OPERATORS = new Set(['prefix', 'suffix', 'wildcard', 'equals-ignore-case', 'anything-but', 'exists', 'numeric']);

function matchField(filters: unknown[], value: unknown): boolean {
  for (const f of filters) {
    if (!isObject(f)) continue;
    for (const k of Object.keys(f)) if (!OPERATORS.has(k)) throw new Error(`event pattern: unsupported operator '${k}'`);
  }
  const values = Array.isArray(value) ? value : [value];
  return filters.some(f => {
    if (isObject(f)) {
      if ('exists' in f) return (f.exists === true) === (value !== undefined);
      return values.some(v => v !== undefined && matchOperator(f, v));
    }
    return values.some(v => v !== undefined && v === f);
  });
}

function wildcardRe(p: string, flags = ''): RegExp {
  return new RegExp('^' + p.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', flags);
}

function matchOperator(op: Record<string, unknown>, v: unknown): boolean {
  const keys = Object.keys(op);
  if (keys.length !== 1) throw new Error(`event pattern: unsupported filter ${JSON.stringify(op)}`);
  const [k] = keys;
  const arg = op[k];
  const s = typeof v === 'string' ? v : undefined;
  switch (k) {
    case 'prefix':
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string') return s !== undefined && s.toLowerCase().startsWith(arg['equals-ignore-case'].toLowerCase());
      if (typeof arg !== 'string') throw new Error('event pattern: prefix needs a string');
      return s !== undefined && s.startsWith(arg);
    case 'suffix':
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string') return s !== undefined && s.toLowerCase().endsWith(arg['equals-ignore-case'].toLowerCase());
      if (typeof arg !== 'string') throw new Error('event pattern: suffix needs a string');
      return s !== undefined && s.endsWith(arg);
    case 'wildcard':
      if (typeof arg !== 'string') throw new Error('event pattern: wildcard needs a string');
      return s !== undefined && wildcardRe(arg).test(s);
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new Error('event pattern: equals-ignore-case needs a string');
      return s !== undefined && s.toLowerCase() === arg.toLowerCase();
    case 'numeric': {
      if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) throw new Error('event pattern: numeric needs operator/value pairs');
      if (typeof v !== 'number') return false;
      for (let i = 0; i < arg.length; i += 2) {
        const [cmp, bound] = [arg[i], arg[i + 1]];
        if (typeof bound !== 'number') throw new Error('event pattern: numeric needs number bounds');
        const ok = cmp === '<' ? v < bound : cmp === '<=' ? v <= bound : cmp === '=' ? v === bound : cmp === '>=' ? v >= bound : cmp === '>' ? v > bound : undefined;
        if (ok === undefined) throw new Error(`event pattern: unsupported numeric comparison '${String(cmp)}'`);
        if (!ok) return false;
      }
      return true;
    }
    case 'anything-but': {
      if (isObject(arg)) return !matchOperator(arg, v);
      const list = Array.isArray(arg) ? arg : [arg];
      return !list.includes(v);
    }
    default:
      throw new Error(`event pattern: unsupported operator '${k}'`);
  }
}
