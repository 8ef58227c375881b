import { ActionCatalog } from '../catalog/action-catalog';
import { ActionCategory } from '../catalog/action-category';
import { CatalogRule, EnforcementPoint, RuleCondition } from '../catalog/catalog-rule';
import { mergeConditionLists } from './private/conditions';
import { NOT_EPHEMERAL_CONDITION } from '../identity/private/principals';

/** Options for `DenyPlan.of()`. */
export interface DenyPlanOptions {
  /** The enforcement point the plan is for: only rules enforceable there are included. */
  readonly point: EnforcementPoint;

  /**
   * Categories whose rules are denied. Guard rules are always included.
   * @default - ActionCatalog.defaultCategories(): DESTROY, WEAKEN, EXPOSE, ESCALATE
   */
  readonly categories?: ActionCategory[];

  /**
   * Let exemptable rules spare resources tagged `guardrails:ephemeral=true`: their denies carry
   * the condition that the resource is not tagged so.
   * @default false
   */
  readonly allowEphemeralDeletes?: boolean;

  /**
   * Only actions of these services (an RCP covers only the services that support RCPs).
   * @default - every service
   */
  readonly services?: string[];

  /**
   * Opt-in rules to include (`ActionCatalog.optInRuleIds()`): rules AWS gives no condition key for,
   * whose deny also refuses ordinary work (`destroy.sqs.queue-attributes` refuses visibility-timeout
   * changes as well as retention cuts). An opt-in rule still applies only when one of its categories
   * is chosen.
   * @default - none
   */
  readonly optInRules?: string[];

  /**
   * Actions the caller denies in a narrower form of its own (e.g. `iam:PassRole` on every role
   * but the passable ones), left out of the plan.
   * @default - none
   */
  readonly exceptActions?: string[];
}

/** One group of the plan: actions denied under the same conditions. */
export interface DenyGroup {
  /** Name of the group, usable in statement IDs (`Deny`, `Destroy`, or a rule's name). */
  readonly name: string;
  /** Actions of the group (`service:Name`), sorted. */
  readonly actions: string[];
  /** Conditions of the deny (all of them); empty for an unconditional deny. */
  readonly conditions: RuleCondition[];
  /** Resource ARN patterns of the deny (`*` for every resource). */
  readonly resources: string[];
  /** Ids of the rules the group renders. */
  readonly ruleIds: string[];
  /** Whether the group's deny spares resources tagged ephemeral. */
  readonly ephemeralExempt: boolean;
  /**
   * Extra EventBridge `detail` fields (JSON object string) matching only the calls the conditions describe.
   * @default - undefined: no extra fields
   */
  readonly eventDetailJson?: string;
}

/**
 * The one deny plan: the catalog's rules, selected for an enforcement point and options, grouped
 * by the conditions they are denied under. AgentRole, its boundary, AgentScp, AgentRcp, the
 * alarm's event patterns and the checks all render this plan, so a rule reaches every point
 * where it is enforceable and no construct keeps a list of its own.
 *
 * - An action named by any selected rule that is not exemptable (or when ephemeral deletes are
 *   off) is denied unconditionally (group `Deny`).
 * - An action named only by exemptable rules is denied unless the resource is tagged ephemeral
 *   (group `Destroy`), when ephemeral deletes are allowed.
 * - A conditional rule gets a group of its own, with its conditions (and the ephemeral condition
 *   when it is exemptable and ephemeral deletes are allowed); actions already denied
 *   unconditionally are left out of it.
 *
 * @example
 * const plan = DenyPlan.of({ point: EnforcementPoint.SCP, allowEphemeralDeletes: true });
 * for (const g of plan.groups) console.log(g.name, g.actions.length, g.conditions);
 */
export class DenyPlan {
  /** The plan for an enforcement point and options. */
  public static of(options: DenyPlanOptions): DenyPlan {
    const categories = options.categories ?? ActionCatalog.defaultCategories();
    if (categories.length === 0) {
      throw new Error(`categories: [] denies nothing. Keep the default (${ActionCatalog.defaultCategories().join(', ')}) or name at least one ActionCategory.`);
    }
    for (const c of categories) {
      if (!Object.values(ActionCategory).includes(c)) {
        throw new Error(`categories: '${c}' is not an ActionCategory. Use ${Object.values(ActionCategory).join(', ')}.`);
      }
    }
    const optIn = [...new Set(options.optInRules ?? [])].sort();
    const known = ActionCatalog.optInRuleIds();
    for (const id of optIn) {
      if (!known.includes(id)) {
        throw new Error(`optInRules: '${id}' is not an opt-in rule of the catalog. Use ids of ActionCatalog.optInRuleIds(): ${known.join(', ')}.`);
      }
    }
    const key = JSON.stringify([options.point, [...categories].sort(), options.allowEphemeralDeletes === true,
      options.services ? [...options.services].sort() : null, options.exceptActions ? [...options.exceptActions].sort() : null, optIn]);
    const hit = DenyPlan.cache.get(key);
    if (hit) return hit;
    const plan = new DenyPlan(options.point, categories, options.allowEphemeralDeletes === true, options.services,
      options.exceptActions ?? [], optIn);
    DenyPlan.cache.set(key, plan);
    return plan;
  }

  private static readonly cache = new Map<string, DenyPlan>();

  /** The enforcement point. */
  public readonly point: EnforcementPoint;
  /** The categories denied. */
  public readonly categories: ActionCategory[];
  /** Whether exemptable rules spare ephemeral-tagged resources. */
  public readonly allowEphemeralDeletes: boolean;
  /** The groups, unconditional first. */
  public readonly groups: DenyGroup[];
  /** Ids of the rules the plan renders. */
  public readonly ruleIds: string[];
  /** Ids of the opt-in rules the plan was asked to include (whether or not their categories are chosen). */
  public readonly optInRules: string[];

  private constructor(
    point: EnforcementPoint, categories: ActionCategory[], ephemeral: boolean, services: string[] | undefined, except: string[], optIn: string[],
  ) {
    this.point = point;
    this.categories = [...categories];
    this.allowEphemeralDeletes = ephemeral;
    this.optInRules = [...optIn];
    const rules = ActionCatalog.rules({ categories, enforceableAt: point }).filter(r => !r.optIn || optIn.includes(r.id));
    this.ruleIds = rules.map(r => r.id);
    const serviceSet = services ? new Set(services) : undefined;
    const exceptSet = new Set(except.map(a => ActionCatalog.describe(a).action));
    const keep = (a: string) => !exceptSet.has(a) && (!serviceSet || serviceSet.has(a.slice(0, a.indexOf(':'))));

    // Unconditional rules: an action is exempt only when every rule naming it is exemptable.
    const hard = new Map<string, string[]>();
    const soft = new Map<string, string[]>();
    const scoped = (x: CatalogRule) => x.conditions.length > 0 || x.resources !== undefined;
    for (const r of rules.filter(x => !scoped(x))) {
      const exempt = ephemeral && r.ephemeralExemptable;
      for (const a of r.actions) {
        if (!keep(a)) continue;
        const into = exempt ? soft : hard;
        if (!into.has(a)) into.set(a, []);
        into.get(a)!.push(r.id);
      }
    }
    for (const [a, ids] of [...soft]) {
      if (hard.has(a)) {
        hard.get(a)!.push(...ids);
        soft.delete(a);
      }
    }
    const groups: DenyGroup[] = [];
    const ids = (m: Map<string, string[]>) => [...new Set([...m.values()].flat())].sort();
    if (hard.size) groups.push({ name: 'Deny', actions: [...hard.keys()].sort(), conditions: [], resources: ['*'], ruleIds: ids(hard), ephemeralExempt: false });
    if (soft.size) {
      groups.push({
        name: 'Destroy', actions: [...soft.keys()].sort(), conditions: [NOT_EPHEMERAL_CONDITION], resources: ['*'], ruleIds: ids(soft), ephemeralExempt: true,
      });
    }
    // Conditional and resource-scoped rules: a group each.
    for (const r of rules.filter(scoped)) {
      const actions = r.actions.filter(a => keep(a) && !hard.has(a)).sort();
      if (actions.length === 0) continue;
      const exempt = ephemeral && r.ephemeralExemptable;
      groups.push({
        name: groupName(r),
        actions,
        conditions: mergeConditionLists(`rule ${r.id}`, r.conditions, exempt ? [NOT_EPHEMERAL_CONDITION] : []),
        resources: r.resources ? [...r.resources] : ['*'],
        ruleIds: [r.id],
        ephemeralExempt: exempt,
        eventDetailJson: r.eventDetailJson,
      });
    }
    this.groups = groups;
  }

  /** Every action the plan denies under some condition, sorted. */
  public actions(): string[] {
    return [...new Set(this.groups.flatMap(g => g.actions))].sort();
  }

  /** Actions denied whatever the condition context (group `Deny`), sorted. */
  public unconditionalActions(): string[] {
    return this.groups.find(g => g.name === 'Deny')?.actions ?? [];
  }

  /** The group that denies an action unconditionally or under the fewest conditions, or undefined when the plan does not deny it. */
  public groupOf(action: string): DenyGroup | undefined {
    const a = ActionCatalog.describe(action).action;
    return this.groups.filter(g => g.actions.includes(a)).sort((x, y) => x.conditions.length - y.conditions.length)[0];
  }
}

/** `guard.tag-forgery-ec2` → `GuardTagForgeryEc2`: a statement-ID-safe name. */
function groupName(rule: CatalogRule): string {
  return rule.id.split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}
