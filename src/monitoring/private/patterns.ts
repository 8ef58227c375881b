import { ActionCatalog } from '../../catalog/action-catalog';
import { ActionCategory } from '../../catalog/action-category';
import { EnforcementPoint } from '../../catalog/catalog-rule';
import { DenyPlan } from '../../policy/deny-plan';
import { PolicyBudget } from '../../policy/policy-budget';
import { PackedEventPattern, PolicyPacker } from '../../policy/policy-packer';
import { firstFit, jsonSize } from '../../policy/private/packing';

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

/** Packs each group of the plan (its actions, with the group's event filter) into patterns carrying `extra`. */
export function planPatterns(plan: DenyPlan, extra: Record<string, unknown>, budget: PolicyBudget | undefined): PlanPatterns {
  const patterns: PackedEventPattern[] = [];
  const alternatives: Array<string | undefined> = [];
  const without = new Set<string>();
  for (const g of plan.groups) {
    const alternative = g.ruleIds.length === 1 ? ActionCatalog.rule(g.ruleIds[0]).saferAlternative : undefined;
    const detail = g.eventDetailJson ? mergeDetail(`rule ${g.ruleIds.join(', ')}`, extra, JSON.parse(g.eventDetailJson)) : extra;
    const r = PolicyPacker.packEventPatterns({
      actions: g.actions, budget, maxPatterns: RULES_PER_BUS_QUOTA, extraDetailJson: JSON.stringify(detail),
    });
    patterns.push(...r.patterns);
    alternatives.push(...r.patterns.map(() => alternative));
    r.actionsWithoutEvent.forEach(a => without.add(a));
  }
  // An action in two groups (ssm:PutParameter under two conditions) is one action covered.
  const watched = plan.actions().length;
  return { patterns, alternatives, actionsWatched: watched, actionsCovered: watched - without.size, actionsWithoutEvent: [...without].sort() };
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
    size: alts => jsonSize(render(alts)),
    budget: budget.maxCharacters,
    appendOnly: true,
    tooLarge: (_a, n) => new Error(`tampering pattern: one alternative needs ${n} characters, over the ${budget.name} budget of ${budget.maxCharacters}. Raise patternBudget.`),
  });
  return groups.map(g => ({ pattern: render(g), characters: jsonSize(render(g)) }));
}
