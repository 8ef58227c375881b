import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { AgentOrganizationPolicyProps, AgentPolicyScope } from './agent-organization-policy';
import { createOrgPolicies, OrgInput, OrgPolicyKind, orgPolicyLimits, placeDocuments } from './private/org-policies';
import { ActionCatalog } from '../catalog/action-catalog';
import { EnforcementPoint } from '../catalog/catalog-rule';
import { AgentIdentity } from '../identity/agent-identity';
import { exceptPrincipals, PrincipalMatch } from '../identity/private/principals';
import { DenyPlan } from '../policy/deny-plan';
import { PolicyBudget } from '../policy/policy-budget';
import { conditionBlock } from '../policy/private/conditions';
import { GUARDED_KINDS, setActions } from '../policy/private/guards';
import { packStatements, planGroups } from '../policy/private/render';


const SCP_KIND: OrgPolicyKind = {
  short: 'SCP',
  type: 'SERVICE_CONTROL_POLICY',
  construct: 'AgentScp',
  defaultBudget: PolicyBudget.SCP,
  defaultMaxPerTarget: PolicyBudget.SCPS_PER_TARGET,
  fullAccessPolicy: 'FullAWSAccess',
  quota: 'AWS allows 10 SCPs per root, OU or account (5 in organizations on the former quota).',
};

/**
 * Properties of an `AgentScp`.
 */
export interface AgentScpProps extends AgentOrganizationPolicyProps {
  /**
   * Which principals the denies apply to.
   *
   * `ALL_PRINCIPALS` denies the catalog actions to every principal of the member accounts
   * (people, pipelines and CloudFormation included) except `breakGlassPrincipalArnPatterns`:
   * a lockdown in which, for example, no stack can delete a resource.
   *
   * @default AgentPolicyScope.AGENT_PRINCIPALS
   */
  readonly scope?: AgentPolicyScope;

  /**
   * ARN patterns of the principals that may still change the guardrails (agent roles and
   * their boundaries, trails, alarm rules, SCPs/RCPs, backup vault locks) and, with
   * `ALL_PRINCIPALS`, run the denied actions. Include the role that deploys guardrail stacks
   * into member accounts, if any: whoever can deploy with it can change the guardrails.
   * Patterns that match agent roles are refused.
   *
   * @default - none: nobody in the member accounts may change the guardrails (the management
   * account, which SCPs never restrict, still can)
   */
  readonly breakGlassPrincipalArnPatterns?: string[];

  /**
   * ARN patterns of the agents' permissions boundary policies, which only break-glass
   * principals may change or delete.
   *
   * @default [AgentScp.AGENT_BOUNDARY_ARN_PATTERN] - customer managed policies under the path `/guardrails-agent/`
   */
  readonly agentBoundaryArnPatterns?: string[];

  /**
   * Whether to deny `organizations:LeaveOrganization` to every principal of the member
   * accounts (an account that leaves the organization leaves its SCPs behind).
   *
   * Turning it off lets an account administrator, or an agent that gains administrator rights,
   * take the account out of reach of every guardrail in this construct.
   *
   * @default true
   */
  readonly denyLeaveOrganization?: boolean;

  /**
   * Size budget of each SCP. Use `PolicyBudget.SCP_LEGACY` for an organization still on the
   * former 5,120-character limit.
   *
   * @default PolicyBudget.SCP - 10,240 characters
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  readonly budget?: PolicyBudget;

  /**
   * Most SCPs that may be attached directly to one target, counting `FullAWSAccess`.
   *
   * @default 10
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  readonly maxPoliciesPerTarget?: number;
}

/**
 * Service control policies that deny agent principals, in every account they are attached
 * to, the actions the catalog marks as destructive (DESTROY, WEAKEN, EXPOSE, ESCALATE),
 * and deny everyone but named break-glass principals tampering with the guardrails.
 *
 * Deploy it in the organization's management account or in the delegated administrator
 * account for Organizations policies. SCPs never restrict the management account itself
 * nor service-linked roles.
 *
 * - Agents are principals tagged `guardrails:agent=true` and/or matching
 *   `agentPrincipalArnPatterns` (default: every role under `/guardrails-agent/` and
 *   `/guardrails-agent-workload/`), and sessions whose source identity starts with
 *   `guardrails-agent.` (it survives role chaining). People and
 *   pipelines are untouched unless `scope` is `ALL_PRINCIPALS`.
 * - An agent may delete a resource tagged `guardrails:ephemeral=true`, but may not add the
 *   tag to, or remove it from, an existing resource.
 * - Guard the guardrails (every principal but `breakGlassPrincipalArnPatterns`): agent roles
 *   and their boundaries (guardian roles such as the kill switch's may still revoke agent
 *   sessions), guardian roles, every trail, EventBridge rules and Lambda functions named
 *   `guardrails-*`, the SCPs/RCPs
 *   and their attachments, and backup vault locks cannot be changed; no account may leave
 *   the organization.
 * - The catalog actions are packed into as few documents as the budget allows; synthesis
 *   fails with the figures when they would not fit the per-target quota.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 *
 * @example
 * new AgentScp(this, 'AgentScp', {
 *   targetIds: ['ou-ab12-cd34ef56'],
 *   breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'],
 * });
 */
export class AgentScp extends Construct {
  /** Default ARN pattern of the agents' permissions boundary policies (path `/guardrails-agent/`). */
  public static readonly AGENT_BOUNDARY_ARN_PATTERN = AgentIdentity.AGENT_POLICY_ARN_PATTERN;

  /** Name prefix of the EventBridge rules that raise the guardrail alarms; only break-glass principals may change them. */
  public static readonly GUARDRAIL_RULE_NAME_PREFIX = AgentIdentity.GUARDRAIL_NAME_PREFIX;

  /** ARN patterns of the guarded EventBridge rules (default bus and custom buses). */
  public static readonly GUARDRAIL_RULE_ARN_PATTERNS = GUARDED_KINDS.find(k => k.id === 'rule')!.arnPatterns;

  /** The SCPs, in order; the first holds the guard-the-guardrails statements. */
  public readonly policies: organizations.CfnPolicy[];

  /** Characters of each SCP document, in order. */
  public readonly documentSizes: number[];

  /** The budget each document was held to. */
  public readonly budget: PolicyBudget;

  /** Distinct catalog actions denied (to agents, or to everyone but break-glass). */
  public readonly actionsDenied: number;

  /** Distinct catalog actions the packed statements name (equals `actionsDenied`). */
  public readonly actionsCovered: number;

  /** The deny plan the SCPs render. */
  public readonly denyPlan: DenyPlan;

  constructor(scope: Construct, id: string, props: AgentScpProps) {
    super(scope, id);
    const input = new OrgInput(SCP_KIND, this.node.path);

    // --- validate everything before creating any child
    const { budget, max, levels } = orgPolicyLimits(input, props);
    const breakGlass = props.breakGlassPrincipalArnPatterns ?? [];
    input.validatePrincipalPatterns('breakGlassPrincipalArnPatterns', breakGlass);
    input.rejectAgentBreakGlass('breakGlassPrincipalArnPatterns', breakGlass);
    const boundaries = props.agentBoundaryArnPatterns ?? [AgentScp.AGENT_BOUNDARY_ARN_PATTERN];
    for (const b of boundaries) {
      if (!/^arn:(aws|aws-cn|aws-us-gov|\*):iam::(\d{12}|\*):policy\/[\w+=,.@\-/*?]+$/.test(b)) {
        throw input.error(`agentBoundaryArnPatterns: '${b}' is not an IAM policy ARN pattern. Use e.g. '${AgentScp.AGENT_BOUNDARY_ARN_PATTERN}'.`);
      }
    }
    const scopeMode = props.scope ?? AgentPolicyScope.AGENT_PRINCIPALS;
    let matches: PrincipalMatch[];
    if (scopeMode === AgentPolicyScope.ALL_PRINCIPALS) {
      if (breakGlass.length === 0) {
        throw input.error('scope: ALL_PRINCIPALS with breakGlassPrincipalArnPatterns: [] denies the catalog actions to every principal of the member accounts with no exception. Name at least one break-glass role, e.g. \'arn:aws:iam::*:role/BreakGlass\'.');
      }
      matches = [{ label: 'All', conditions: exceptPrincipals(breakGlass) }];
    } else if (scopeMode === AgentPolicyScope.AGENT_PRINCIPALS) {
      matches = input.agentMatches(props);
    } else {
      throw input.error(`scope: '${scopeMode}' is not an AgentPolicyScope. Use AgentPolicyScope.AGENT_PRINCIPALS or AgentPolicyScope.ALL_PRINCIPALS.`);
    }
    const categories = props.categories ?? ActionCatalog.defaultCategories();
    input.validateCategories(categories);
    const plan = DenyPlan.of({ point: EnforcementPoint.SCP, categories, allowEphemeralDeletes: props.allowEphemeralDeletes ?? true });

    // --- guard the guardrails: every principal but break-glass (and, to revoke sessions, the guardians)
    const guardCondition = conditionBlock(exceptPrincipals(breakGlass));
    const agentRoles = [AgentIdentity.AGENT_ROLE_ARN_PATTERN, ...(props.agentPrincipalArnPatterns ?? [])
      .filter(p => p !== AgentIdentity.AGENT_ROLE_ARN_PATTERN && p !== AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN && p.includes(':role/')), ...boundaries];
    const revoke = setActions('guard.revoke-sessions');
    const named = GUARDED_KINDS.filter(k => k.orgGuardSet && !(k.orgResources ?? k.arnPatterns).includes('*'));
    const anywhere = GUARDED_KINDS.filter(k => k.orgGuardSet && (k.orgResources ?? k.arnPatterns).includes('*'));
    const fixed: iam.PolicyStatement[] = [
      new iam.PolicyStatement({
        sid: 'GuardAgentRoles',
        effect: iam.Effect.DENY,
        actions: setActions('guard.agent-roles').filter(a => !revoke.includes(a)),
        resources: agentRoles,
        conditions: guardCondition,
      }),
      // The kill switch's role is a guardian: it may write the revoking inline policy on agent roles.
      new iam.PolicyStatement({
        sid: 'GuardAgentRoleRevocation',
        effect: iam.Effect.DENY,
        actions: revoke,
        resources: agentRoles,
        conditions: conditionBlock(exceptPrincipals([...breakGlass, AgentIdentity.GUARDIAN_ROLE_ARN_PATTERN])),
      }),
      ...(breakGlass.some(p => p.includes(':role/')) ? [new iam.PolicyStatement({
        // The break-glass roles' trust and permission policies: whoever could change them could become break-glass.
        sid: 'GuardBreakGlass',
        effect: iam.Effect.DENY,
        actions: setActions('guard.break-glass-roles'),
        resources: breakGlass.filter(p => p.includes(':role/')),
        conditions: guardCondition,
      })] : []),
      new iam.PolicyStatement({
        sid: 'GuardMonitoring',
        effect: iam.Effect.DENY,
        actions: named.flatMap(k => setActions(k.orgGuardSet!)),
        resources: named.flatMap(k => k.orgResources ?? k.arnPatterns),
        conditions: guardCondition,
      }),
      new iam.PolicyStatement({
        sid: 'GuardPoliciesAndVaultLocks',
        effect: iam.Effect.DENY,
        actions: [...setActions('guard.org-policies'), ...anywhere.flatMap(k => setActions(k.orgGuardSet!))],
        resources: ['*'],
        conditions: guardCondition,
      }),
    ];
    if (props.denyLeaveOrganization ?? true) {
      fixed.push(new iam.PolicyStatement({
        sid: 'DenyLeaveOrganization',
        effect: iam.Effect.DENY,
        actions: setActions('guard.leave-organization'),
        resources: ['*'],
      }));
    } else {
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:scp-leave-organization',
        'denyLeaveOrganization is false: an account administrator, or an agent that gains administrator rights, can take the account out of the organization and out of reach of every SCP and RCP.');
    }
    if (scopeMode === AgentPolicyScope.ALL_PRINCIPALS && (props.overflowLevels ?? []).length > 0) {
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:scp-lockdown-overflow',
        'scope is ALL_PRINCIPALS with overflowLevels: documents attached to an ancestor lock down every account below it, not only the targets.');
    }

    const what = `AgentScp '${this.node.path}'`;
    const packed = packStatements([fixed.map(st => st.toStatementJson())], planGroups(plan, { principals: matches, what }), budget, { what });
    const documents = placeDocuments(input, packed, budget, max, levels);

    // --- children
    this.budget = budget;
    this.documentSizes = documents.map(d => d.characters);
    this.denyPlan = plan;
    this.actionsDenied = plan.actions().length;
    this.actionsCovered = packed.actionsRequested;
    this.policies = createOrgPolicies(this, SCP_KIND, documents, props, i =>
      `${i === 0 ? 'guards the guardrails; ' : ''}denies destructive catalog actions to ${scopeMode === AgentPolicyScope.ALL_PRINCIPALS ? 'all but break-glass principals' : 'agent principals'}`);
  }
}
