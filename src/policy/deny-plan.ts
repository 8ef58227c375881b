import { ActionCatalog } from '../catalog/action-catalog';
import { ActionCategory } from '../catalog/action-category';
import { CatalogRule, DeployOwnershipMark, EnforcementPoint, RuleCondition } from '../catalog/catalog-rule';
import { mergeConditionLists } from './private/conditions';
import { registerMapCache } from '../catalog/private/caches';
import { AgentIdentity } from '../identity/agent-identity';
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
   * The plan of a guarded CloudFormation execution role: the create-time configuration CloudFormation
   * needs (`ActionCatalog.deployExceptions()`) is denied only on resources that are not the agent's
   * own (by the stack-name tag, the name, or the workload path), and tagging with a guardrail key
   * only when the resource is neither tagged nor being created with the agent's stack tags.
   * @default false
   */
  readonly deployer?: boolean;

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
  /**
   * Resource ARN patterns the deny spares (rendered as `NotResource`, and `resources` is then ignored).
   * @default - none
   */
  readonly notResources?: string[];
  /** The alarm raises only the refused alert for this group (see `CatalogRule.alarmOnlyWhenRefused`). */
  readonly alarmOnlyWhenRefused: boolean;
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

/** Plans by options: constructs ask for the same plan many times in one synth. */
const PLANS = new Map<string, DenyPlan>();
registerMapCache(PLANS);

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
      options.services ? [...options.services].sort() : null, options.exceptActions ? [...options.exceptActions].sort() : null, optIn,
      options.deployer === true]);
    const hit = PLANS.get(key);
    if (hit) return hit;
    const plan = new DenyPlan(options.point, categories, options.allowEphemeralDeletes === true, options.services,
      options.exceptActions ?? [], optIn, options.deployer === true);
    PLANS.set(key, plan);
    return plan;
  }

  /** The enforcement point. */
  public readonly point: EnforcementPoint;
  /** The categories denied. */
  public readonly categories: ActionCategory[];
  /** Whether exemptable rules spare ephemeral-tagged resources. */
  public readonly allowEphemeralDeletes: boolean;
  /** Whether this is the plan of a guarded CloudFormation execution role. */
  public readonly deployer: boolean;
  /** The groups, unconditional first. */
  public readonly groups: DenyGroup[];
  /** Ids of the rules the plan renders. */
  public readonly ruleIds: string[];
  /** Ids of the opt-in rules the plan was asked to include (whether or not their categories are chosen). */
  public readonly optInRules: string[];

  private constructor(
    point: EnforcementPoint, categories: ActionCategory[], ephemeral: boolean, services: string[] | undefined, except: string[], optIn: string[],
    deployer: boolean,
  ) {
    this.point = point;
    this.deployer = deployer;
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
    const scoped = (x: CatalogRule) => x.conditions.length > 0 || x.resources !== undefined || x.notResources !== undefined;
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
    if (hard.size) {
      groups.push({ name: 'Deny', actions: [...hard.keys()].sort(), conditions: [], resources: ['*'], ruleIds: ids(hard), ephemeralExempt: false, alarmOnlyWhenRefused: false });
    }
    if (soft.size) {
      groups.push({
        name: 'Destroy', actions: [...soft.keys()].sort(), conditions: [NOT_EPHEMERAL_CONDITION], resources: ['*'], ruleIds: ids(soft), ephemeralExempt: true, alarmOnlyWhenRefused: false,
      });
    }
    // Conditional and resource-scoped rules: rules with the same scope share a group.
    const byScope = new Map<string, DenyGroup & { actions: string[]; ruleIds: string[] }>();
    for (const r of rules.filter(scoped)) {
      const actions = r.actions.filter(a => keep(a) && !hard.has(a));
      if (actions.length === 0) continue;
      const exempt = ephemeral && r.ephemeralExemptable;
      const conditions = mergeConditionLists(`rule ${r.id}`, r.conditions, exempt ? [NOT_EPHEMERAL_CONDITION] : []);
      const scope = JSON.stringify([conditions.map(c => [c.operator, c.key.toLowerCase(), [...c.values].sort()]).sort(), r.resources ?? ['*'],
        r.notResources ?? null, r.eventDetailJson ?? null, r.alarmOnlyWhenRefused, exempt]);
      const had = byScope.get(scope);
      if (had) {
        had.actions.push(...actions);
        had.ruleIds.push(r.id);
        continue;
      }
      byScope.set(scope, {
        name: groupName(r),
        actions: [...actions],
        conditions,
        resources: r.resources ? [...r.resources] : ['*'],
        notResources: r.notResources ? [...r.notResources] : undefined,
        ruleIds: [r.id],
        ephemeralExempt: exempt,
        alarmOnlyWhenRefused: r.alarmOnlyWhenRefused,
        eventDetailJson: r.eventDetailJson,
      });
    }
    for (const g of byScope.values()) groups.push({ ...g, actions: [...new Set(g.actions)].sort(), ruleIds: g.ruleIds.sort() });
    this.groups = deployer ? deployerGroups(groups) : groups;
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

/** The resource is not of an agent's stack: neither tagged so, nor being created with the agent's stack tags. */
const NOT_OWNED_BY_TAG: RuleCondition[] = [
  { operator: 'StringNotLike', key: `aws:ResourceTag/${AgentIdentity.STACK_NAME_TAG_KEY}`, values: [`${AgentIdentity.AGENT_STACK_NAME_PREFIX}*`] },
  { operator: 'StringNotLike', key: `aws:RequestTag/${AgentIdentity.STACK_NAME_TAG_KEY}`, values: [`${AgentIdentity.AGENT_STACK_NAME_PREFIX}*`] },
];

/**
 * A guarded execution role's groups: the deploy exceptions' actions leave the unconditional
 * groups for groups of their own, denied only on what the agent does not own; the guard rules'
 * tag-forgery denies spare resources of the agent's own stacks (CloudFormation tags them).
 */
function deployerGroups(groups: DenyGroup[]): DenyGroup[] {
  const out: DenyGroup[] = [];
  const moved: DenyGroup[] = [];
  const exceptions = ActionCatalog.deployExceptions();
  const taken = new Set<string>();
  for (const g of groups) {
    if (g.name === 'Deny' || g.name === 'Destroy') {
      for (const e of exceptions) {
        const actions = e.actions.filter(a => g.actions.includes(a) && !taken.has(a));
        if (actions.length === 0) continue;
        actions.forEach(a => taken.add(a));
        const scope = e.mark === DeployOwnershipMark.TAG ? { conditions: NOT_OWNED_BY_TAG, resources: ['*'] }
          : e.mark === DeployOwnershipMark.AWS_RESOURCE ? { conditions: [{ operator: 'Bool', key: 'kms:GrantIsForAWSResource', values: ['false'] }], resources: ['*'] }
            : { conditions: [], resources: ['*'], notResources: [...(e.owned ?? [])] };
        moved.push({
          name: e.id.split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join(''),
          actions: actions.sort(),
          ...scope,
          ruleIds: [e.id],
          ephemeralExempt: false,
          alarmOnlyWhenRefused: true,
        });
      }
      out.push({ ...g, actions: g.actions.filter(a => !taken.has(a)) });
    } else if (g.ruleIds.some(id => id.startsWith('guard.tag-forgery'))) {
      out.push({ ...g, conditions: mergeConditionLists(`group ${g.name}`, g.conditions, NOT_OWNED_BY_TAG) });
    } else {
      out.push(g);
    }
  }
  return [...out.filter(g => g.actions.length > 0), ...moved];
}

/** `guard.tag-forgery-ec2` → `GuardTagForgeryEc2`: a statement-ID-safe name. */
function groupName(rule: CatalogRule): string {
  return rule.id.split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}
