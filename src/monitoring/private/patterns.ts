import { ActionCatalog } from '../../catalog/action-catalog';
import { ActionCategory } from '../../catalog/action-category';
import { EnforcementPoint } from '../../catalog/catalog-rule';
import { DenyPlan } from '../../policy/deny-plan';
import { PolicyBudget } from '../../policy/policy-budget';
import { PackedEventPattern, PolicyPacker } from '../../policy/policy-packer';
import { firstFit } from '../../policy/private/packing';

/** The detail-type of every event CloudTrail delivers to EventBridge for an API call. */
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** Default quota of rules per event bus. */
export const RULES_PER_BUS_QUOTA = PolicyBudget.RULES_PER_EVENT_BUS;

/** The deny plan the alarm watches: every rule enforceable at EVENTS in the categories (guard rules included). */
export function watchedPlan(categories: ActionCategory[] | undefined, services: string[] | undefined, optInRules?: string[]): DenyPlan {
  return DenyPlan.of({ point: EnforcementPoint.EVENTS, categories, services, optInRules });
}

/** What packing the plan's groups produced. */
export interface PlanPatterns {
  readonly patterns: PackedEventPattern[];
  /** For each pattern (same order), the safer alternative its alert names: the group's, when the group renders one rule that has one. */
  readonly alternatives: Array<string | undefined>;
  readonly actionsWatched: number;
  readonly actionsCovered: number;
  readonly actionsWithoutEvent: string[];
}

/**
 * Deep-merges EventBridge `detail` objects. Two different matchers for the same field would
 * make one of them win silently: that throws.
 */
export function mergeDetail(what: string, ...parts: Array<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      const had = out[k];
      if (had === undefined) {
        out[k] = v;
      } else if (isObject(had) && isObject(v)) {
        out[k] = mergeDetail(what, had, v);
      } else if (JSON.stringify(had) !== JSON.stringify(v)) {
        throw new Error(`${what}: two event filters collide on the field '${k}' (${JSON.stringify(had)} and ${JSON.stringify(v)}).`);
      }
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Packs the plan's actions into patterns carrying `extra`: the actions of every group without an
 * event filter together (the filter is the same for all of them), and each group with an event
 * filter on its own. For the succeeded (CRITICAL) patterns, groups the alarm watches only when
 * refused are left out. An action the unfiltered patterns watch leaves the filtered ones, so a
 * call matches one pattern.
 */
export function planPatterns(plan: DenyPlan, extra: Record<string, unknown>, budget: PolicyBudget | undefined, refused = true): PlanPatterns {
  const byFilter = new Map<string, { detail: Record<string, unknown>; actions: Set<string>; rules: string[] }>();
  for (const g of plan.groups) {
    if (!refused && g.alarmOnlyWhenRefused) continue;
    const key = g.eventDetailJson ?? '';
    if (!byFilter.has(key)) {
      const detail = g.eventDetailJson ? mergeDetail(`rule ${g.ruleIds.join(', ')}`, extra, JSON.parse(g.eventDetailJson)) : extra;
      byFilter.set(key, { detail, actions: new Set(), rules: [] });
    }
    const slot = byFilter.get(key)!;
    g.actions.forEach(a => slot.actions.add(a));
    slot.rules.push(...g.ruleIds);
  }
  const patterns: PackedEventPattern[] = [];
  const alternatives: Array<string | undefined> = [];
  const without = new Set<string>();
  // An action may sit in several filters (e.g. CreateChangeSet with its stored-role and its
  // IMPORT filter, ssm:PutParameter under two conditions): counted once.
  const covered = new Set<string>();
  // An action watched without a filter (every refusal of UpdateAutoScalingGroup alerts, by the
  // launch-template rule) leaves the filtered slots (its maxSize 0 filter): one alert per call.
  const plain = byFilter.get('')?.actions ?? new Set<string>();
  for (const [key, slot] of byFilter) {
    if (key === '') continue;
    plain.forEach(a => slot.actions.delete(a));
    if (slot.actions.size === 0) byFilter.delete(key);
  }
  for (const slot of byFilter.values()) {
    // The alert names the safer alternative when the patterns render one rule that records one.
    const ruleIds = [...new Set(slot.rules)];
    const alternative = ruleIds.length === 1 ? ActionCatalog.rule(ruleIds[0]).saferAlternative : undefined;
    const r = PolicyPacker.packEventPatterns({
      actions: [...slot.actions], budget, maxPatterns: RULES_PER_BUS_QUOTA, extraDetailJson: JSON.stringify(slot.detail),
    });
    patterns.push(...r.patterns);
    alternatives.push(...r.patterns.map(() => alternative));
    const missing = new Set(r.actionsWithoutEvent);
    slot.actions.forEach(a => { if (!missing.has(a)) covered.add(a); });
    r.actionsWithoutEvent.forEach(a => without.add(a));
  }
  return { patterns, alternatives, actionsWatched: plan.actions().length, actionsCovered: covered.size, actionsWithoutEvent: [...without].sort() };
}

/** One branch of the tampering pattern: an event source, the watched event names, and the guarded resource fields. */
export interface TamperBranch {
  readonly service: string;
  /** Further actions watched besides the service's WEAKEN and DESTROY actions (e.g. the organization guard's set). */
  readonly extraActions: string[];
  /** `requestParameters` field → values (exact, or `{prefix}` / `{wildcard}` matchers). */
  readonly fields: Array<[string, unknown[]]>;
}

/**
 * Renders the tampering branches as `$or` alternatives: the service's WEAKEN and DESTROY
 * actions (and the branch's extra actions) on a request parameter naming one of the guardrail's
 * own resources.
 */
export function tamperAlternatives(branches: TamperBranch[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const b of branches) {
    const actions = [...new Set([
      ...ActionCatalog.actions({ categories: [ActionCategory.WEAKEN, ActionCategory.DESTROY], services: [b.service] }),
      ...b.extraActions.map(a => ActionCatalog.describe(a).action),
    ])].sort();
    const infos = actions.map(a => ActionCatalog.describe(a)).filter(i => i.eventName !== undefined && !i.dataEvent);
    if (infos.length === 0) continue;
    const names = infos.map(i => (i.eventNameHasVersionSuffix ? { prefix: i.name } : i.name));
    for (const [field, values] of b.fields) {
      out.push({
        eventSource: [ActionCatalog.eventSourceOf(b.service)],
        eventName: names,
        requestParameters: { [field]: values },
      });
    }
  }
  return out;
}

/** Packs `$or` alternatives into as few patterns as fit the budget (in order). */
export function packAlternatives(
  alternatives: Array<Record<string, unknown>>,
  extra: Record<string, unknown>,
  budget: PolicyBudget,
): Array<{ pattern: any; characters: number }> {
  const render = (alts: Array<Record<string, unknown>>): any => ({
    'detail-type': [API_CALL_DETAIL_TYPE],
    'detail': alts.length === 1 ? { ...extra, ...alts[0] } : { ...extra, $or: alts },
  });
  const groups = firstFit(alternatives, {
    size: alts => patternSize(render(alts)),
    budget: budget.maxCharacters,
    appendOnly: true,
    tooLarge: (_a, n) => new Error(`tampering pattern: one alternative needs ${n} characters, over the ${budget.name} budget of ${budget.maxCharacters}. Raise patternBudget.`),
  });
  return groups.map(g => ({ pattern: render(g), characters: patternSize(render(g)) }));
}

/**
 * Characters of a pattern, each unresolved token (an account or Region in an ARN) counted as 24:
 * more than any value it stands for, and the same whatever number CDK gave the token (so two
 * syntheses in one process describe the same pattern with the same figure).
 */
function patternSize(pattern: unknown): number {
  return JSON.stringify(pattern).replace(/\$\{Token\[[^\]]*\]\}/g, 'x'.repeat(24)).length;
}
