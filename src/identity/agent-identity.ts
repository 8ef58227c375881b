/**
 * The one agent identity that every layer recognises.
 *
 * Agent principals carry the principal tag `guardrails:agent=true` (set by `AgentRole`)
 * and live under the IAM path `/guardrails-agent/`, so SCPs, RCPs, EventBridge patterns
 * and checks can match every agent without listing them one by one. Humans and pipelines
 * are not affected unless a user opts in.
 */
export class AgentIdentity {
  /** Principal tag key that marks an agent principal. */
  public static readonly AGENT_TAG_KEY = 'guardrails:agent';

  /** Value of the agent principal tag. */
  public static readonly AGENT_TAG_VALUE = 'true';

  /**
   * Resource tag key that marks a resource as ephemeral: deletes of it may be allowed.
   *
   * An agent may set it only when it creates a resource, never add it to or remove it
   * from an existing one.
   */
  public static readonly EPHEMERAL_TAG_KEY = 'guardrails:ephemeral';

  /** Value of the ephemeral resource tag. */
  public static readonly EPHEMERAL_TAG_VALUE = 'true';

  /** Resource tag key that selects a resource for the guardrail backup plan. */
  public static readonly BACKUP_TAG_KEY = 'guardrails:backup';

  /** Value of the backup selection tag. */
  public static readonly BACKUP_TAG_VALUE = 'true';

  /**
   * Resource tag key that marks a resource guarding the agent (trail, alarm rules, topics,
   * backup vaults): agent roles are denied changing anything that carries it.
   */
  public static readonly GUARD_TAG_KEY = 'guardrails:guard';

  /** Value of the guard tag. */
  public static readonly GUARD_TAG_VALUE = 'true';

  /** IAM path under which agent roles are created (the role-name pattern the other layers match). */
  public static readonly AGENT_ROLE_PATH = '/guardrails-agent/';

  /**
   * ARN pattern (for `ArnLike` conditions and EventBridge `wildcard` filters) matching
   * every agent role in any account of the `aws` partition.
   */
  public static readonly AGENT_ROLE_ARN_PATTERN = 'arn:aws:iam::*:role/guardrails-agent/*';

  /** Condition key that tests the agent principal tag. */
  public static readonly AGENT_TAG_CONDITION_KEY = 'aws:PrincipalTag/guardrails:agent';

  /** ARN pattern of the customer managed policies agent roles carry (boundaries included): the agent path. */
  public static readonly AGENT_POLICY_ARN_PATTERN = 'arn:aws:iam::*:policy/guardrails-agent/*';

  /**
   * IAM path of guardian roles: roles of the guardrails themselves that act on agent roles
   * (the kill switch's role). Organization policies let them revoke agent sessions and let
   * nobody but break-glass change them.
   */
  public static readonly GUARDIAN_ROLE_PATH = '/guardrails-guardian/';

  /** ARN pattern matching every guardian role in any account of the `aws` partition. */
  public static readonly GUARDIAN_ROLE_ARN_PATTERN = 'arn:aws:iam::*:role/guardrails-guardian/*';

  /**
   * Name prefix of the resources that guard the agent (alarm rules, topics, queues, trails,
   * functions, log groups, alarms, vaults). Agent roles may not change resources named with it,
   * and AgentScp lets only break-glass principals change the rules and functions named with it,
   * so the prefix is reserved for the guardrails.
   */
  public static readonly GUARDRAIL_NAME_PREFIX = 'guardrails-';

  private constructor() {}
}
