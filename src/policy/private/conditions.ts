/**
 * IAM condition entries (`{ operator, key, values }`) as the catalog's rules, the agent identity
 * and the deny plan hold them, and their rendering into a policy `Condition` block.
 *
 * Merging never lets one entry silently win over another: the same operator and key with other
 * values is a collision, and merging throws.
 */

/** One IAM condition entry. */
export interface Condition {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/** IAM condition keys are case-insensitive; operators are not. */
function slot(c: Condition): string {
  return `${c.operator}\u0000${c.key.toLowerCase()}`;
}

function sameValues(a: string[], b: string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Merges lists of condition entries (all of them must hold). An identical entry twice counts
 * once; the same operator and key with different values throws (`what` names the caller).
 */
export function mergeConditionLists(what: string, ...lists: Condition[][]): Condition[] {
  const out = new Map<string, Condition>();
  for (const list of lists) {
    for (const c of list) {
      const k = slot(c);
      const had = out.get(k);
      if (had && !sameValues(had.values, c.values)) {
        throw new Error(`${what}: two conditions collide on ${c.operator} ${c.key} (${JSON.stringify(had.values)} and ${JSON.stringify(c.values)}); `
          + 'IAM would keep only one of them. Give the principal match or the rule another key, or split the statement.');
      }
      if (!had) out.set(k, { operator: c.operator, key: c.key, values: [...c.values] });
    }
  }
  return [...out.values()];
}

/** Renders entries as a policy `Condition` block (one value as a string, several as a list); undefined when empty. */
export function conditionBlock(conditions: Condition[]): { [operator: string]: { [key: string]: string | string[] } } | undefined {
  if (conditions.length === 0) return undefined;
  const out: { [operator: string]: { [key: string]: string | string[] } } = {};
  for (const c of conditions) {
    out[c.operator] ??= {};
    out[c.operator][c.key] = c.values.length === 1 ? c.values[0] : [...c.values];
  }
  return out;
}

/** Reads a policy `Condition` block back into entries (values always as lists); undefined when it is not a block of string values. */
export function conditionEntries(block: unknown): Condition[] | undefined {
  if (block === undefined) return [];
  if (!block || typeof block !== 'object' || Array.isArray(block)) return undefined;
  const out: Condition[] = [];
  for (const [operator, keys] of Object.entries(block as Record<string, unknown>)) {
    if (!keys || typeof keys !== 'object' || Array.isArray(keys)) return undefined;
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      const values = Array.isArray(raw) ? raw : [raw];
      if (!values.every(v => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')) return undefined;
      out.push({ operator, key, values: values.map(v => String(v)) });
    }
  }
  return out;
}

/** Whether two entries are the same condition (operator, key case-insensitively, same set of values). */
export function sameCondition(a: Condition, b: Condition): boolean {
  return slot(a) === slot(b) && sameValues(a.values, b.values);
}
