import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { AgentOrganizationPolicyProps, AgentPolicyScope } from './agent-organization-policy';
import {
  DEFAULT_CATEGORIES, PackGroup, PrincipalMatch, agentMatches, catalogActions, checkCount, createOrgPolicies,
  OrgPolicyKind, orgPolicyLimits, packGroups, rejectAgentBreakGlass, splitActions, validatePrincipalPatterns,
} from './private/org-policies';
import { AgentIdentity } from '../identity/agent-identity';
import { PolicyBudget } from '../policy/policy-budget';
import { ephemeralDenyCondition, mergeConditions, tagForgeryActions, tagForgeryDenyStatements } from '../policy/private/agent-statements';


const SCP_KIND: OrgPolicyKind = {
  short: 'SCP',
  type: 'SERVICE_CONTROL_POLICY',
  construct: 'AgentScp',
  defaultBudget: PolicyBudget.SCP,
  defaultMaxPerTarget: 10,
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

/** Role actions that change what an agent role may do, or whether it is recognised as an agent. */
const ROLE_GUARD_ACTIONS = [
  'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
  'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
  'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole',
];
/** Managed policy actions that change or remove a boundary. */
const BOUNDARY_GUARD_ACTIONS = [
  'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy',
  'iam:TagPolicy', 'iam:UntagPolicy',
];
/** Trail actions that stop or narrow what CloudTrail records. */
const TRAIL_GUARD_ACTIONS = ['cloudtrail:StopLogging', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:DeleteTrail'];
/** Rule actions that disable, retarget or rewrite an alarm rule. */
const RULE_GUARD_ACTIONS = ['events:DisableRule', 'events:RemoveTargets', 'events:DeleteRule', 'events:PutRule', 'events:PutTargets'];
/** Organization actions that remove or rewrite SCPs/RCPs. */
const POLICY_GUARD_ACTIONS = ['organizations:DetachPolicy', 'organizations:UpdatePolicy', 'organizations:DeletePolicy', 'organizations:DisablePolicyType'];
/** Backup actions that remove a vault lock or the vault's protecting access policy. */
const VAULT_GUARD_ACTIONS = ['backup:DeleteBackupVaultLockConfiguration', 'backup:DeleteBackupVaultAccessPolicy'];

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
 *   `agentPrincipalArnPatterns` (default: every role under `/guardrails-agent/`). People and
 *   pipelines are untouched unless `scope` is `ALL_PRINCIPALS`.
 * - An agent may delete a resource tagged `guardrails:ephemeral=true`, but may not add the
 *   tag to, or remove it from, an existing resource.
 * - Guard the guardrails (every principal but `breakGlassPrincipalArnPatterns`): agent roles
 *   and their boundaries, every trail, EventBridge rules named `guardrails-*`, the SCPs/RCPs
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
  public static readonly AGENT_BOUNDARY_ARN_PATTERN = `arn:aws:iam::*:policy${AgentIdentity.AGENT_ROLE_PATH}*`;

  /** Name prefix of the EventBridge rules that raise the guardrail alarms; only break-glass principals may change them. */
  public static readonly GUARDRAIL_RULE_NAME_PREFIX = 'guardrails-';

  /** ARN patterns of the guarded EventBridge rules (default bus and custom buses). */
  public static readonly GUARDRAIL_RULE_ARN_PATTERNS = [
    `arn:aws:events:*:*:rule/${AgentScp.GUARDRAIL_RULE_NAME_PREFIX}*`,
    `arn:aws:events:*:*:rule/*/${AgentScp.GUARDRAIL_RULE_NAME_PREFIX}*`,
  ];

  /** The SCPs, in order; the first holds the guard-the-guardrails statements. */
  public readonly policies: organizations.CfnPolicy[];

  /** Characters of each SCP document, in order. */
  public readonly documentSizes: number[];

  /** The budget each document was held to. */
  public readonly budget: PolicyBudget;

  /** Distinct catalog actions denied (to agents, or to everyone but break-glass). */
  public readonly actionsDenied: number;

  /** Distinct catalog actions the packed action patterns match (equals `actionsDenied`). */
  public readonly actionsCovered: number;

  constructor(scope: Construct, id: string, props: AgentScpProps) {
    super(scope, id);
    const name = `AgentScp ${this.node.path}`;

    // --- validate everything before creating any child
    const { budget, existing, max } = orgPolicyLimits(name, SCP_KIND, props);
    const breakGlass = props.breakGlassPrincipalArnPatterns ?? [];
    validatePrincipalPatterns(name, 'breakGlassPrincipalArnPatterns', breakGlass);
    rejectAgentBreakGlass(name, 'breakGlassPrincipalArnPatterns', breakGlass);
    const boundaries = props.agentBoundaryArnPatterns ?? [AgentScp.AGENT_BOUNDARY_ARN_PATTERN];
    for (const b of boundaries) {
      if (!/^arn:(aws|aws-cn|aws-us-gov|\*):iam::(\d{12}|\*):policy\/[\w+=,.@\-/*?]+$/.test(b)) {
        throw new Error(`${name}: agentBoundaryArnPatterns: '${b}' is not an IAM policy ARN pattern. Use e.g. '${AgentScp.AGENT_BOUNDARY_ARN_PATTERN}'.`);
      }
    }
    const scopeMode = props.scope ?? AgentPolicyScope.AGENT_PRINCIPALS;
    let matches: PrincipalMatch[];
    if (scopeMode === AgentPolicyScope.ALL_PRINCIPALS) {
      if (breakGlass.length === 0) {
        throw new Error(`${name}: scope: ALL_PRINCIPALS with breakGlassPrincipalArnPatterns: [] denies the catalog actions to every principal of the member accounts with no exception. Name at least one break-glass role, e.g. 'arn:aws:iam::*:role/BreakGlass'.`);
      }
      matches = [{ label: 'All', condition: { ArnNotLike: { 'aws:PrincipalArn': [...breakGlass] } } }];
    } else if (scopeMode === AgentPolicyScope.AGENT_PRINCIPALS) {
      matches = agentMatches(name, props.matchAgentTag ?? true, props.agentPrincipalArnPatterns ?? [AgentIdentity.AGENT_ROLE_ARN_PATTERN]);
    } else {
      throw new Error(`${name}: scope: '${scopeMode}' is not an AgentPolicyScope. Use AgentPolicyScope.AGENT_PRINCIPALS or AgentPolicyScope.ALL_PRINCIPALS.`);
    }
    const { exemptable, other } = splitActions(name, props.categories ?? DEFAULT_CATEGORIES);
    const ephemeral = props.allowEphemeralDeletes ?? true;

    // --- statements
    const guardCondition = breakGlass.length ? { ArnNotLike: { 'aws:PrincipalArn': [...breakGlass] } } : undefined;
    const fixed: iam.PolicyStatement[] = [
      new iam.PolicyStatement({
        sid: 'GuardAgentRoles',
        effect: iam.Effect.DENY,
        actions: catalogActions([...ROLE_GUARD_ACTIONS, ...BOUNDARY_GUARD_ACTIONS]),
        resources: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, ...(props.agentPrincipalArnPatterns ?? []).filter(p => p !== AgentIdentity.AGENT_ROLE_ARN_PATTERN && p.includes(':role/')), ...boundaries],
        conditions: guardCondition,
      }),
      new iam.PolicyStatement({
        sid: 'GuardMonitoring',
        effect: iam.Effect.DENY,
        actions: catalogActions([...TRAIL_GUARD_ACTIONS, ...RULE_GUARD_ACTIONS]),
        resources: ['arn:aws:cloudtrail:*:*:trail/*', ...AgentScp.GUARDRAIL_RULE_ARN_PATTERNS],
        conditions: guardCondition,
      }),
      new iam.PolicyStatement({
        sid: 'GuardPoliciesAndVaultLocks',
        effect: iam.Effect.DENY,
        actions: catalogActions([...POLICY_GUARD_ACTIONS, ...VAULT_GUARD_ACTIONS]),
        resources: ['*'],
        conditions: guardCondition,
      }),
    ];
    if (props.denyLeaveOrganization ?? true) {
      fixed.push(new iam.PolicyStatement({
        sid: 'DenyLeaveOrganization',
        effect: iam.Effect.DENY,
        actions: catalogActions(['organizations:LeaveOrganization']),
        resources: ['*'],
      }));
    } else {
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:scp-leave-organization',
        'denyLeaveOrganization is false: an account administrator, or an agent that gains administrator rights, can take the account out of the organization and out of reach of every SCP and RCP.');
    }
    if ((props.matchAgentTag ?? true) === false && scopeMode === AgentPolicyScope.AGENT_PRINCIPALS) {
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:scp-agent-tag-off',
        'matchAgentTag is false: agents are recognised by ARN pattern only, so a principal tagged guardrails:agent=true outside those patterns (an IAM user, an SSO session with session tags) is not restricted.');
    }

    const groups: PackGroup[] = [];
    for (const m of matches) {
      const forgery = tagForgeryDenyStatements(m.condition);
      fixed.push(new iam.PolicyStatement({ ...statementProps(forgery[0]), sid: `${m.label}Ec2TagForgery` }));
      groups.push({
        actions: exemptable,
        sidPrefix: `${m.label}Destroy`,
        template: new iam.PolicyStatement({ effect: iam.Effect.DENY, resources: ['*'], conditions: ephemeral ? mergeConditions(m.condition, ephemeralDenyCondition()) : m.condition }),
      });
      groups.push({
        actions: other,
        sidPrefix: `${m.label}Deny`,
        template: new iam.PolicyStatement({ effect: iam.Effect.DENY, resources: ['*'], conditions: m.condition }),
      });
      groups.push({ actions: tagForgeryActions(), sidPrefix: `${m.label}TagForgery`, template: forgery[1] });
    }

    const pack = packGroups(name, fixed, groups, budget);
    checkCount(name, SCP_KIND.short, pack, budget, existing, max, SCP_KIND.fullAccessPolicy);

    // --- children
    this.budget = budget;
    this.documentSizes = pack.documents.map(d => d.characters);
    this.actionsDenied = exemptable.length + other.length;
    this.actionsCovered = pack.actionsCovered;
    this.policies = createOrgPolicies(this, SCP_KIND, pack, props, i =>
      `${i === 0 ? 'guards the guardrails; ' : ''}denies destructive catalog actions to ${scopeMode === AgentPolicyScope.ALL_PRINCIPALS ? 'all but break-glass principals' : 'agent principals'}`);
  }
}

/** The constructor properties of a statement, to copy it with another Sid. */
function statementProps(s: iam.PolicyStatement): iam.PolicyStatementProps {
  const j = s.toStatementJson();
  return {
    effect: j.Effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
    actions: [].concat(j.Action ?? []),
    resources: [].concat(j.Resource ?? []),
    conditions: j.Condition,
  };
}
