import { ActionCategory } from '../catalog/action-category';

/**
 * Properties shared by `AgentScp` and `AgentRcp`.
 */
export interface AgentOrganizationPolicyProps {
  /**
   * Roots (`r-xxxx`), organizational units (`ou-xxxx-xxxxxxxx`) and accounts (12 digits)
   * the policies are attached to.
   *
   * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
   */
  readonly targetIds: string[];

  /**
   * Catalog categories whose actions are denied. Add `ActionCategory.DISRUPT` to deny stop,
   * disable and detach calls as well (it also denies stop, the safe alternative to terminate).
   *
   * @default - DESTROY, WEAKEN, EXPOSE and ESCALATE
   */
  readonly categories?: ActionCategory[];

  /**
   * Whether principals tagged `guardrails:agent=true` (principal or session tag) are agents too:
   * turn it on for agents outside the agent path, such as IAM users or Identity Center sessions
   * with session tags.
   *
   * Off by default: AgentRole sessions are recognised by their path and their source identity,
   * and each way of recognising agents repeats every deny in its own statements (with all three,
   * the default categories need 12 SCPs and 5 RCPs: give `overflowLevels`).
   *
   * @default false
   */
  readonly matchAgentTag?: boolean;

  /**
   * ARN patterns (`ArnLike` on `aws:PrincipalArn`) of agent principals, in addition to the tag.
   * Give `[]` to match by tag only; include `AgentIdentity.AGENT_ROLE_ARN_PATTERN` when you add your own.
   *
   * @default [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN] - every role under `/guardrails-agent/` and `/guardrails-agent-workload/`
   */
  readonly agentPrincipalArnPatterns?: string[];

  /**
   * Whether sessions whose source identity starts with `sourceIdentityPrefix` are agents. The
   * source identity survives role chaining, so a session that assumed another role is still
   * denied what agents are denied.
   *
   * @default true
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
   */
  readonly matchSourceIdentity?: boolean;

  /**
   * Prefix of agents' source identities (what AgentRole's trust requires).
   *
   * @default AgentIdentity.SOURCE_IDENTITY_PREFIX
   */
  readonly sourceIdentityPrefix?: string;

  /**
   * Whether an agent may delete resources tagged `guardrails:ephemeral=true` (DESTROY-only
   * actions that support `aws:ResourceTag`). An agent may set the tag only when it creates a
   * resource, never add it to or remove it from an existing one.
   *
   * @default true
   */
  readonly allowEphemeralDeletes?: boolean;

  /**
   * Policies already attached directly to each target, counting the AWS managed default
   * policy (`FullAWSAccess` for SCPs, `RCPFullAWSAccess` for RCPs) and, e.g., Control Tower's.
   *
   * @default 1 - only the AWS managed default policy
   */
  readonly existingPoliciesPerTarget?: number;

  /**
   * Prefix of the policy names (`<prefix>-1`, `<prefix>-2`, ...). Names must be unique per
   * policy type in the organization.
   *
   * @default - `guardrails-` followed by a name unique to this construct's path
   */
  readonly policyNamePrefix?: string;

  /**
   * Further attachment levels, in order, that take the documents `targetIds` has no room for:
   * an ancestor of the targets (a parent OU, or the root) has its own quota of policies per
   * target. A policy attached to an ancestor applies to every account below it, so the denies
   * still reach the targets' accounts (and every other account under that ancestor, where they
   * deny only what they deny to the targets).
   *
   * When every level is full, synthesis fails with the figures: never the deploy.
   * @default - none: every document goes to `targetIds`
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
   */
  readonly overflowLevels?: AttachmentLevel[];
}

/** An attachment level that takes documents its targets' quota has room for. */
export interface AttachmentLevel {
  /** Roots, OUs or accounts of this level (all get the same documents). */
  readonly targetIds: string[];

  /**
   * Policies of the same type already attached directly to each of these targets, counting the
   * AWS managed default policy.
   * @default 1 - only the AWS managed default policy
   */
  readonly existingPoliciesPerTarget?: number;
}

/** Which principals the denies of an `AgentScp` apply to. */
export enum AgentPolicyScope {
  /** Only agent principals (tag and/or ARN patterns); people and pipelines are untouched. */
  AGENT_PRINCIPALS = 'AGENT_PRINCIPALS',
  /** Every principal of the member accounts except the break-glass principals (a lockdown). */
  ALL_PRINCIPALS = 'ALL_PRINCIPALS',
}
