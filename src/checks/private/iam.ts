import * as fs from 'fs';
import * as path from 'path';
import { StackModel, TemplateResource, tagsOf } from './assembly';
import { asList, isUnknown, refMarker, resolve } from './intrinsics';
import { ActionCatalog, EnforcementPoint } from '../../catalog';
import { registerCache } from '../../catalog/private/caches';
import { AgentIdentity } from '../../identity';
import { agentRoleReason, globToRegExp, holdsForAgent } from '../../identity/private/principals';
import { DenyGroup, DenyPlan } from '../../policy';
import { Condition, conditionEntries, sameCondition } from '../../policy/private/conditions';
import { setActions } from '../../policy/private/guards';
import { allAscii, matches, matchNames } from '../../policy/private/patterns';

/**
 * The deny plan an agent role is checked against: every rule the identity policies of an agent
 * role enforce, in the default categories, with the ephemeral exception allowed (the widest
 * conditions a deny may carry and still count).
 */
export function checkedPlan(): DenyPlan {
  return DenyPlan.of({ point: EnforcementPoint.IDENTITY, allowEphemeralDeletes: true });
}

/**
 * The deny plan a guarded CloudFormation execution role is checked against: the plan its policies
 * render (the catalog's deploy exceptions, denied only on what the agent does not own).
 */
export function checkedExecutionPlan(): DenyPlan {
  return DenyPlan.of({ point: EnforcementPoint.IDENTITY, allowEphemeralDeletes: true, deployer: true });
}

/** `:role/<path><name>` of an ARN pattern, matched at the end of a (possibly partly unresolved) ARN. */
function roleTail(pattern: string): RegExp {
  const tail = pattern.slice(pattern.indexOf(':role/'));
  return new RegExp(`${globToRegExp(tail).source.slice(1, -1)}$`);
}

const EXECUTION_ROLE = roleTail(AgentIdentity.GUARDED_EXECUTION_ROLE_ARN_PATTERN);

/** Whether a role's ARN is that of a guarded CloudFormation execution role (by name and path). */
export function isGuardedExecutionRole(roleArn: string): boolean {
  return EXECUTION_ROLE.test(roleArn);
}

/**
 * Whether an Allow statement only hands a guarded execution role to CloudFormation: every
 * resource is such a role and `iam:PassedToService` is exactly CloudFormation. This is what the
 * catalog's stored-role rule requires of a deploy (`cloudformation:RoleArn`), not borrowed power.
 */
function handsOffToCloudFormation(s: Record<string, unknown>): boolean {
  const resources = asList(s.Resource);
  if (s.NotResource !== undefined || resources.length === 0) return false;
  if (!resources.every(r => typeof r === 'string' && isGuardedExecutionRole(r))) return false;
  const entries = conditionEntries(s.Condition);
  return !!entries && entries.some(c => c.operator === 'StringEquals' && c.key.toLowerCase() === 'iam:passedtoservice'
    && c.values.length === 1 && c.values[0] === 'cloudformation.amazonaws.com');
}

/** Figures of the checked deny plan: how many catalog rules an agent role is held to. */
export interface PlanFigures {
  /** Rules of the checked plan. */
  readonly rules: number;
  /** Of them, rules that deny under a condition or on some resources only. */
  readonly scoped: number;
  /** Actions the plan denies. */
  readonly actions: number;
  /** Opt-in rules of the catalog, not required by the checks. */
  readonly optIn: number;
}

/** Figures of the checked deny plan. */
export function planFigures(): PlanFigures {
  const plan = checkedPlan();
  const scoped = plan.ruleIds.filter(id => {
    const r = ActionCatalog.rule(id);
    return r.conditions.length > 0 || r.resources !== undefined || r.notResources !== undefined;
  }).length;
  return { rules: plan.ruleIds.length, scoped, actions: plan.actions().length, optIn: ActionCatalog.optInRuleIds().length };
}

/** The figures as words, e.g. `187 catalog rules (23 under a condition or on some resources) over 2,900 actions`. */
export function planFiguresText(f: PlanFigures = planFigures()): string {
  return `${f.rules} catalog rules (${f.scoped} of them under a condition or on some resources only) over ${f.actions.toLocaleString('en-US')} actions; ${f.optIn} opt-in rules not required`;
}

interface ManagedPolicyData {
  readonly statements?: unknown[];
  readonly allows?: string[];
}

let managedTable: Record<string, ManagedPolicyData> | undefined;
registerCache(() => { managedTable = undefined; }, () => managedTable !== undefined);

/**
 * Statements of the AWS managed policies whose effect on the catalog is known offline:
 * generated from data (`npx projen catalog`, src/checks/data/managed-policies.json). Small
 * documents are kept as written; larger ones as an Allow of the catalog-rule actions they grant.
 */
function knownManaged(name: string): unknown[] | undefined {
  if (!managedTable) {
    managedTable = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'managed-policies.json'), 'utf8')).policies as Record<string, ManagedPolicyData>;
  }
  const p = managedTable[name];
  if (!p) return undefined;
  if (p.statements) return p.statements;
  return p.allows && p.allows.length ? [{ Effect: 'Allow', Action: p.allows, Resource: '*' }] : [];
}

/** A policy document attached to a role, or why its content is unknown. */
export interface AttachedPolicy {
  /** Where it comes from, e.g. `inline AgentPolicy` or `AWS managed AdministratorAccess`. */
  readonly source: string;
  /** Resolved statements; undefined when the content cannot be read. */
  readonly statements?: Array<Record<string, unknown>>;
  /** Why the content is unknown. */
  readonly unknown?: string;
}

/** An agent role and why it counts as one. */
export interface AgentRole {
  readonly resource: TemplateResource;
  readonly reason: string;
}

function statementsOf(doc: unknown): Array<Record<string, unknown>> | undefined {
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  if (!doc || typeof doc !== 'object') return undefined;
  return asList((doc as Record<string, unknown>).Statement).filter((s): s is Record<string, unknown> => !!s && typeof s === 'object');
}

/** Reads roles, their policies and boundaries, and agent identity, in one stack. */
export class IamView {
  /** Why a role is an agent role by its own marks (tag or path), or undefined. */
  public static directAgentReason(role: TemplateResource): string | undefined {
    return agentRoleReason(tagsOf(role), role.properties.Path);
  }

  private readonly byId: Map<string, TemplateResource>;

  constructor(private readonly stack: StackModel) {
    this.byId = new Map(stack.resources.map(r => [r.logicalId, r]));
  }

  /** The resource a logical ID names in this stack. */
  public get(logicalId: string): TemplateResource | undefined {
    return this.byId.get(logicalId);
  }

  private res(value: unknown): unknown {
    return resolve(value, this.stack.env);
  }

  /** Every AWS::IAM::Role of the stack. */
  public roles(): TemplateResource[] {
    return this.stack.resources.filter(r => r.type === 'AWS::IAM::Role');
  }

  /**
   * Agent roles of this stack: roles tagged or on the agent path, and (to a fixpoint) roles
   * whose trust policy lets an agent role, the agent path pattern or the agent tag assume them
   * (role chaining would otherwise step out of the guardrails).
   */
  public agentRoles(): AgentRole[] {
    const found = new Map<string, AgentRole>();
    for (const role of this.roles()) {
      const reason = IamView.directAgentReason(role);
      if (reason) found.set(role.logicalId, { resource: role, reason });
    }
    let changed = true;
    while (changed) {
      changed = false;
      for (const role of this.roles()) {
        if (found.has(role.logicalId)) continue;
        const trust = JSON.stringify(role.properties.AssumeRolePolicyDocument ?? {});
        const trusted = [...found.values()].find(a => trust.includes(`"${a.resource.logicalId}"`));
        let reason: string | undefined;
        if (trusted) reason = `trusted by the agent role ${trusted.resource.logicalId}`;
        else if (trust.includes(`:role${AgentIdentity.AGENT_ROLE_PATH}`)) reason = `trusts roles under ${AgentIdentity.AGENT_ROLE_PATH}`;
        else if (trust.toLowerCase().includes(AgentIdentity.AGENT_TAG_CONDITION_KEY.toLowerCase())) reason = `trusts principals tagged ${AgentIdentity.AGENT_TAG_KEY}`;
        if (reason) {
          found.set(role.logicalId, { resource: role, reason });
          changed = true;
        }
      }
    }
    return [...found.values()];
  }

  /** Whether a raw list of policy targets (`Roles`, `RoleName`) names this role. */
  private names(raw: unknown, role: TemplateResource): boolean {
    const wanted = [refMarker(role.logicalId)];
    const roleName = this.res(role.properties.RoleName);
    if (typeof roleName === 'string') wanted.push(roleName);
    return asList(this.res(raw)).some(v => typeof v === 'string' && wanted.includes(v));
  }

  /** A managed policy ARN (or reference) as an attached policy. */
  private managed(arnRaw: unknown, what: string): AttachedPolicy {
    const arn = this.res(arnRaw);
    if (typeof arn === 'string') {
      const ref = /^\$\{Ref:([^}]+)\}$/.exec(arn);
      const target = ref ? this.byId.get(ref[1]) : undefined;
      if (target && target.type === 'AWS::IAM::ManagedPolicy') {
        const statements = statementsOf(this.res(target.properties.PolicyDocument));
        return statements
          ? { source: `${what} managed policy ${target.logicalId}`, statements }
          : { source: `${what} managed policy ${target.logicalId}`, unknown: 'its document cannot be read' };
      }
      const aws = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn);
      if (aws) {
        const known = knownManaged(aws[1]);
        return known
          ? { source: `${what} AWS managed policy ${aws[1]}`, statements: known as Array<Record<string, unknown>> }
          : { source: `${what} AWS managed policy ${aws[1]}`, unknown: 'its content is not known offline' };
      }
      return { source: `${what} managed policy ${arn}`, unknown: 'it is defined outside this template' };
    }
    return { source: `${what} managed policy ${JSON.stringify(arnRaw)}`, unknown: 'its ARN is not a literal or a reference in this template' };
  }

  /** Identity policies of a role: inline, managed (by ARN or by `Roles`), and AWS::IAM::Policy / RolePolicy. */
  public identityPolicies(role: TemplateResource): AttachedPolicy[] {
    const out: AttachedPolicy[] = [];
    for (const p of asList(role.properties.Policies)) {
      const name = (p as Record<string, unknown>)?.PolicyName;
      const statements = statementsOf(this.res((p as Record<string, unknown>)?.PolicyDocument));
      out.push(statements ? { source: `inline policy ${String(name)}`, statements } : { source: `inline policy ${String(name)}`, unknown: 'its document cannot be read' });
    }
    const arns = this.res(role.properties.ManagedPolicyArns);
    for (const arn of asList(role.properties.ManagedPolicyArns)) out.push(this.managed(arn, 'attached'));
    if (arns !== undefined && !Array.isArray(arns)) out.push({ source: 'ManagedPolicyArns', unknown: 'the list is not literal' });
    for (const r of this.stack.resources) {
      if ((r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy') && this.names(r.properties.Roles, role)) {
        const statements = statementsOf(this.res(r.properties.PolicyDocument));
        const src = `${r.type === 'AWS::IAM::Policy' ? 'policy' : 'managed policy'} ${r.logicalId}`;
        out.push(statements ? { source: src, statements } : { source: src, unknown: 'its document cannot be read' });
      } else if (r.type === 'AWS::IAM::RolePolicy' && this.names(r.properties.RoleName, role)) {
        const statements = statementsOf(this.res(r.properties.PolicyDocument));
        out.push(statements ? { source: `role policy ${r.logicalId}`, statements } : { source: `role policy ${r.logicalId}`, unknown: 'its document cannot be read' });
      }
    }
    return out;
  }

  /** The permissions boundary of a role, or undefined when it has none. */
  public boundary(role: TemplateResource): AttachedPolicy | undefined {
    const raw = role.properties.PermissionsBoundary;
    return raw === undefined ? undefined : this.managed(raw, 'boundary');
  }

  /** The ARN a role will have, for matching event patterns (name may be a placeholder). */
  public roleArn(role: TemplateResource): string {
    const p = role.properties.Path;
    const rolePath = typeof p === 'string' ? p : '/';
    const n = this.res(role.properties.RoleName);
    const name = typeof n === 'string' && !isUnknown(n) ? n : `${this.stack.env.stackName}-${role.logicalId}`.slice(0, 64);
    return `arn:${this.stack.env.partition}:iam::${this.stack.env.account}:role${rolePath}${name}`;
  }
}

/** The outcome of evaluating a role's policies against the deny plan. */
export interface RoleEvaluation {
  /** Plan actions some Allow grants and no counted Deny removes, sorted. */
  readonly allowed: string[];
  /** Of `allowed`, the actions the plan denies only under a condition (e.g. a guardrail tag key), with that condition. */
  readonly conditional: Array<{ action: string; group: string }>;
  /** Policies whose content could not be read (never counted as safe). */
  readonly unknown: string[];
}

/** Who the statements are evaluated for. */
export interface EvaluatedRole {
  /** The role's ARN (with its path). */
  readonly arn: string;
  /** The role's tags (its principal tags). */
  readonly tags: Map<string, unknown>;
}

/**
 * Evaluates an agent role's Allow and Deny statements against the deny plan, soundly: it may
 * call a denied action allowed, never an allowed action denied.
 *
 * - An action is allowed when an Allow statement of an identity policy matches it (its Resource
 *   and Condition are ignored, so a scoped or conditional Allow still counts) and the boundary,
 *   when readable, also has a matching Allow.
 * - A Deny counts for an action only when it has `Resource: "*"` (no NotResource) and each of
 *   its conditions is either exactly one the plan gives that action's group (the ephemeral
 *   exception, a rule's own condition), or one that holds for every request of this role (its
 *   agent tag, an `ArnLike aws:PrincipalArn` pattern matching its ARN). Any other condition —
 *   another operator, value or key, a negation — might not hold, so the Deny does not count.
 */
export class PolicyEvaluator {
  private readonly actionSet: Set<string>;
  private readonly cache = new Map<string, string[]>();
  /** The plan's actions by service prefix: lowercase names without the prefix (what `match` matches a pattern against). */
  private readonly namesByService = new Map<string, { readonly names: string[]; readonly ascii: boolean }>();
  // The plan's actions and groups, indexed once per evaluator (the plan does not change).
  /** The plan's actions (sorted) with their lowercase forms. */
  private readonly planActions: Array<{ readonly action: string; readonly lower: string }>;
  /** Each plan action's groups (by lowercase action), in plan order. */
  private readonly groupsOf = new Map<string, DenyGroup[]>();

  constructor(private readonly plan: DenyPlan = checkedPlan()) {
    this.planActions = plan.actions().map(action => ({ action, lower: action.toLowerCase() }));
    this.actionSet = new Set(this.planActions.map(a => a.lower));
    const byService = new Map<string, string[]>();
    for (const lower of this.actionSet) {
      const i = lower.indexOf(':');
      const names = byService.get(lower.slice(0, i));
      if (names) names.push(lower.slice(i + 1));
      else byService.set(lower.slice(0, i), [lower.slice(i + 1)]);
    }
    for (const [svc, names] of byService) this.namesByService.set(svc, { names, ascii: allAscii(names) });
    for (const g of plan.groups) {
      for (const a of g.actions) {
        const lower = a.toLowerCase();
        const mine = this.groupsOf.get(lower);
        if (mine) mine.push(g);
        else this.groupsOf.set(lower, [g]);
      }
    }
  }

  /** Plan actions one IAM action pattern matches (lowercase). */
  public match(pattern: string): string[] {
    const key = pattern.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    let out: string[];
    const i = key.indexOf(':');
    if (key === '*') {
      out = [...this.actionSet];
    } else if (i <= 0) {
      out = [];
    } else if (/[*?]/.test(key.slice(0, i))) {
      out = [...this.actionSet].filter(a => matches(key, a));
    } else if (!/[*?]/.test(key)) {
      // A literal action: itself (lowercase) when the plan has it.
      out = this.actionSet.has(key) ? [key] : [];
    } else {
      // The plan's actions of the service the pattern matches, as PolicyPacker.expand matches the
      // catalog's (the plan's actions are catalog actions): the catalog's other actions are not needed.
      const svc = key.slice(0, i);
      const { names, ascii } = this.namesByService.get(svc) ?? { names: [], ascii: true };
      out = matchNames(key.slice(i + 1), names, names, ascii).map(n => `${svc}:${n}`);
    }
    this.cache.set(key, out);
    return out;
  }

  private statementActions(s: Record<string, unknown>): Set<string> | undefined {
    const useNot = s.NotAction !== undefined;
    const patterns = asList(useNot ? s.NotAction : s.Action);
    if (!patterns.every(p => typeof p === 'string')) return undefined;
    const matched = new Set<string>();
    for (const p of patterns as string[]) for (const a of this.match(p)) matched.add(a);
    if (!useNot) return matched;
    return new Set([...this.actionSet].filter(a => !matched.has(a)));
  }

  /** The plan conditions under which a Deny statement counts, per group; undefined when it never counts. */
  private denyGroups(s: Record<string, unknown>, role: EvaluatedRole): Set<DenyGroup> | undefined {
    if (s.Effect !== 'Deny' || s.NotPrincipal !== undefined) return undefined;
    const resources = asList(s.Resource);
    const notResources = s.NotResource === undefined ? undefined : asList(s.NotResource);
    const entries = conditionEntries(s.Condition);
    if (!entries) return undefined;
    const rest: Condition[] = entries.filter(c => !holdsForAgent(c, role.arn, role.tags));
    const groups = new Set<DenyGroup>();
    for (const g of this.plan.groups) {
      // The Deny must cover every resource the group denies: '*', or each of the group's patterns literally;
      // a NotResource Deny counts only for a group that spares exactly those resources (or fewer).
      const covers = notResources !== undefined
        ? g.notResources !== undefined && notResources.every(r => g.notResources!.includes(r as string))
        : resources.includes('*') || (g.notResources === undefined && g.resources.every(r => resources.includes(r)));
      if (covers && rest.every(c => g.conditions.some(pc => sameCondition(pc, c)))) groups.add(g);
    }
    return groups;
  }

  private allows(policies: AttachedPolicy[], unknown: string[]): Set<string> {
    const allowed = new Set<string>();
    for (const p of policies) {
      if (!p.statements) {
        unknown.push(`${p.source}: ${p.unknown}`);
        continue;
      }
      for (const s of p.statements) {
        if (s.Effect !== 'Allow') continue;
        const acts = this.statementActions(s);
        if (!acts) {
          unknown.push(`${p.source}: an Allow statement has actions that are not literal`);
          continue;
        }
        if (handsOffToCloudFormation(s)) setActions('deploy.pass-execution-role').forEach(a => acts.delete(a.toLowerCase()));
        for (const a of acts) allowed.add(a);
      }
    }
    return allowed;
  }

  /**
   * Actions a counted Deny removes. An action in several groups of the plan (`s3:PutObject` under
   * two conditions) counts only when a Deny counts for every one of its groups: a Deny of one
   * condition leaves the requests of the other open.
   */
  private denies(policies: AttachedPolicy[], role: EvaluatedRole): Set<string> {
    // Per group, the (lowercase) actions a counted Deny covers in it.
    const covered = new Map<DenyGroup, Set<string>>();
    for (const p of policies) {
      for (const s of p.statements ?? []) {
        const groups = this.denyGroups(s, role);
        if (!groups || groups.size === 0) continue;
        for (const a of this.statementActions(s) ?? []) {
          for (const g of this.groupsOf.get(a) ?? []) {
            if (!groups.has(g)) continue;
            let set = covered.get(g);
            if (!set) covered.set(g, set = new Set());
            set.add(a);
          }
        }
      }
    }
    const denied = new Set<string>();
    for (const { lower } of this.planActions) {
      if (this.groupsOf.get(lower)!.every(g => covered.get(g)?.has(lower))) denied.add(lower);
    }
    return denied;
  }

  /** The group that denies a plan action (lowercase) under the fewest conditions (the first such in plan order), as `DenyPlan.groupOf`. */
  private groupOf(action: string): DenyGroup {
    return this.groupsOf.get(action)!.reduce((best, g) => g.conditions.length < best.conditions.length ? g : best);
  }

  /** Evaluates identity policies and an optional boundary for a role. */
  public evaluate(identity: AttachedPolicy[], boundary: AttachedPolicy | undefined, role: EvaluatedRole): RoleEvaluation {
    const unknown: string[] = [];
    let allowed = this.allows(identity, unknown);
    if (boundary && boundary.statements) {
      const ceiling = this.allows([boundary], []);
      allowed = new Set([...allowed].filter(a => ceiling.has(a)));
    }
    const denied = this.denies(boundary ? [...identity, boundary] : identity, role);
    const open = this.planActions.filter(a => allowed.has(a.lower) && !denied.has(a.lower));
    const conditional = open.map(a => ({ action: a.action, group: this.groupOf(a.lower) }))
      .filter(x => x.group.conditions.some(c => c.key.toLowerCase() !== `aws:resourcetag/${AgentIdentity.EPHEMERAL_TAG_KEY}`))
      .map(x => ({ action: x.action, group: x.group.name }));
    return { allowed: open.map(a => a.action), conditional, unknown };
  }
}
