/**
 * The one way the library measures and fills documents: policy documents (IAM, SCP, RCP) and
 * EventBridge patterns. Every construct packs through these functions; sizes are characters
 * of minified JSON, the way AWS counts them (IAM managed policies do not count whitespace).
 */

/** Policy language version of every document the library writes. */
export const POLICY_VERSION = '2012-10-17';

/** Characters of a policy document holding the statements (minified JSON). */
export function documentSize(statements: unknown[]): number {
  return JSON.stringify({ Version: POLICY_VERSION, Statement: statements }).length;
}

/** Characters of any JSON value, minified. */
export function jsonSize(value: unknown): number {
  return JSON.stringify(value).length;
}

/** Options of `firstFit`. */
export interface FirstFitOptions<T> {
  /** Size of a group of items (a document or a pattern). */
  readonly size: (items: T[]) => number;
  /** Most characters a group may take. */
  readonly budget: number;
  /** Place the largest items first (first-fit decreasing): fewer groups, order not kept. */
  readonly decreasing?: boolean;
  /** Only append to the last group (keeps order; e.g. patterns whose order is meaningful). */
  readonly appendOnly?: boolean;
  /** Error for an item that does not fit even alone. */
  readonly tooLarge: (item: T, size: number) => Error;
}

/** Places items into as few groups as fit the budget (first fit, or first fit decreasing). */
export function firstFit<T>(items: T[], options: FirstFitOptions<T>): T[][] {
  const order = options.decreasing
    ? items.map(item => ({ item, n: options.size([item]) })).sort((a, b) => b.n - a.n).map(x => x.item)
    : items;
  const groups: T[][] = [];
  for (const item of order) {
    const alone = options.size([item]);
    if (alone > options.budget) throw options.tooLarge(item, alone);
    const candidates = options.appendOnly ? groups.slice(-1) : groups;
    const home = candidates.find(g => options.size([...g, item]) <= options.budget);
    if (home) home.push(item); else groups.push([item]);
  }
  return groups;
}

/** Packs statement units (lists of statements that stay together) into documents under a budget. */
export function packUnits(units: unknown[][], budget: number, options: {
  readonly decreasing?: boolean;
  readonly measure?: (statements: unknown[]) => number;
  readonly tooLarge: (unit: unknown[], size: number) => Error;
}): unknown[][] {
  const measure = options.measure ?? documentSize;
  const groups = firstFit(units, {
    size: us => measure(us.flat()),
    budget,
    decreasing: options.decreasing,
    tooLarge: options.tooLarge,
  });
  return groups.map(g => g.flat());
}
