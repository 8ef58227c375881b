import { StackModel, TemplateResource, tagsOf } from './assembly';
import { asList, isUnknown, refMarker, resolve } from './intrinsics';
import { ActionCatalog, ActionCategory } from '../../catalog';
import { AgentIdentity } from '../../identity';
import { PolicyPacker } from '../../policy';

/** Categories an agent role must not be allowed: the catalog's irreversible and escalating actions. */
export const GUARDED_CATEGORIES = [ActionCategory.DESTROY, ActionCategory.WEAKEN, ActionCategory.ESCALATE];

/**
 * Condition keys a Deny statement may carry and still count as a deny for the agent.
 *
 * The ephemeral-tag exception (`aws:ResourceTag/guardrails:ephemeral`, `aws:RequestTag/...`) is
 * the documented way to let an agent clean up what it created; conditions on the agent's own
 * identity (its principal tag or ARN) are true for the agent by construction. A Deny with any
 * other condition key is treated as not applying (it might not, at run time).
 */
export const DENY_CONDITION_KEYS = new Set([
  `aws:resourcetag/${AgentIdentity.EPHEMERAL_TAG_KEY}`,
  `aws:requesttag/${AgentIdentity.EPHEMERAL_TAG_KEY}`,
  AgentIdentity.AGENT_TAG_CONDITION_KEY.toLowerCase(),
  'aws:principalarn',
]);

/** Statements of the few AWS managed policies whose effect on the catalog is known offline. */
const KNOWN_AWS_MANAGED: Record<string, unknown[]> = {
  'AdministratorAccess': [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  // Everything except IAM, Organizations and Account management, plus a few of those.
  'PowerUserAccess': [
    { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
    { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions', 'account:GetAccountInformation'], Resource: '*' },
  ],
  // Read-only policies: Get/List/Describe actions, none of them in the guarded categories.
  'ReadOnlyAccess': [],
  'job-function/ViewOnlyAccess': [],
  'SecurityAudit': [],
};

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
    const tag = tagsOf(role).get(AgentIdentity.AGENT_TAG_KEY);
    if (tag === AgentIdentity.AGENT_TAG_VALUE) return `tagged ${AgentIdentity.AGENT_TAG_KEY}=${AgentIdentity.AGENT_TAG_VALUE}`;
    const p = role.properties.Path;
    if (typeof p === 'string' && p.startsWith(AgentIdentity.AGENT_ROLE_PATH)) return `under the path ${AgentIdentity.AGENT_ROLE_PATH}`;
    return undefined;
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
        const known = KNOWN_AWS_MANAGED[aws[1]];
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

/** The outcome of evaluating a role's policies against the guarded catalog actions. */
export interface RoleEvaluation {
  /** Guarded actions some Allow grants and no counted Deny removes, sorted. */
  readonly allowed: string[];
  /** Policies whose content could not be read (never counted as safe). */
  readonly unknown: string[];
}

/**
 * Evaluates Allow/Deny statements against the catalog, simply: an action is allowed when an
 * Allow statement of an identity policy matches it (its Resource and Condition are ignored, so
 * a scoped Allow still counts), the boundary (if any) also has a matching Allow, and no Deny
 * with `Resource: "*"` and only agent/ephemeral condition keys (`DENY_CONDITION_KEYS`) matches it
 * in the identity policies or the boundary.
 */
export class PolicyEvaluator {
  /** The guarded catalog actions (DESTROY, WEAKEN, ESCALATE). */
  public static targets(): { list: string[]; set: Set<string> } {
    if (!PolicyEvaluator.targetsCache) {
      const list = ActionCatalog.actions({ categories: GUARDED_CATEGORIES });
      PolicyEvaluator.targetsCache = { list, set: new Set(list.map(a => a.toLowerCase())) };
    }
    return PolicyEvaluator.targetsCache;
  }

  private static targetsCache?: { list: string[]; set: Set<string> };
  private readonly cache = new Map<string, string[]>();

  /** Guarded actions one IAM action pattern matches (lowercase). */
  public match(pattern: string): string[] {
    const key = pattern.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const { list, set } = PolicyEvaluator.targets();
    let out: string[];
    const i = key.indexOf(':');
    if (key === '*') {
      out = [...set];
    } else if (i <= 0) {
      out = [];
    } else if (/[*?]/.test(key.slice(0, i))) {
      const re = new RegExp('^' + key.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('') + '$');
      out = list.map(a => a.toLowerCase()).filter(a => re.test(a));
    } else {
      out = PolicyPacker.expand([key]).map(a => a.toLowerCase()).filter(a => set.has(a));
    }
    this.cache.set(key, out);
    return out;
  }

  private statementActions(s: Record<string, unknown>): Set<string> | undefined {
    const { set } = PolicyEvaluator.targets();
    const useNot = s.NotAction !== undefined;
    const patterns = asList(useNot ? s.NotAction : s.Action);
    if (!patterns.every(p => typeof p === 'string')) return undefined;
    const matched = new Set<string>();
    for (const p of patterns as string[]) for (const a of this.match(p)) matched.add(a);
    if (!useNot) return matched;
    return new Set([...set].filter(a => !matched.has(a)));
  }

  private countsAsDeny(s: Record<string, unknown>): boolean {
    if (s.Effect !== 'Deny' || s.NotResource !== undefined) return false;
    if (!asList(s.Resource).includes('*')) return false;
    const cond = s.Condition;
    if (cond === undefined) return true;
    if (!cond || typeof cond !== 'object') return false;
    return Object.values(cond as Record<string, unknown>).every(block => !!block && typeof block === 'object'
      && Object.keys(block as object).every(k => DENY_CONDITION_KEYS.has(k.toLowerCase())));
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
        for (const a of acts) allowed.add(a);
      }
    }
    return allowed;
  }

  private denies(policies: AttachedPolicy[]): Set<string> {
    const denied = new Set<string>();
    for (const p of policies) {
      for (const s of p.statements ?? []) {
        if (!this.countsAsDeny(s)) continue;
        for (const a of this.statementActions(s) ?? []) denied.add(a);
      }
    }
    return denied;
  }

  /** Evaluates identity policies and an optional boundary. */
  public evaluate(identity: AttachedPolicy[], boundary?: AttachedPolicy): RoleEvaluation {
    const unknown: string[] = [];
    let allowed = this.allows(identity, unknown);
    if (boundary && boundary.statements) {
      const ceiling = this.allows([boundary], []);
      allowed = new Set([...allowed].filter(a => ceiling.has(a)));
    }
    const denied = this.denies(boundary ? [...identity, boundary] : identity);
    const { list } = PolicyEvaluator.targets();
    const result = list.filter(a => allowed.has(a.toLowerCase()) && !denied.has(a.toLowerCase()));
    return { allowed: result, unknown };
  }
}
