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
   * Name of the guardian role (under `GUARDIAN_ROLE_PATH`) a member account holds for a central
   * kill switch: the security account's kill switch assumes it to revoke the sessions of an agent
   * role of that account (`KillSwitchMemberRole`).
   */
  public static readonly KILL_SWITCH_MEMBER_ROLE_NAME = 'guardrails-kill-switch-member';

  /**
   * IAM path prefix of every role IAM Identity Center creates in an account (a Region segment
   * follows, except for an instance in us-east-1). IAM cannot write to these roles: they cannot
   * carry the agent tag nor a policy of the library, so agents that sign in with Identity Center
   * are recognised by `identityCenterRoleArnPattern` and cut off by a deny deployed in advance
   * (`AgentPermissionSet`).
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
   */
  public static readonly IDENTITY_CENTER_ROLE_PATH_PREFIX = '/aws-reserved/sso.amazonaws.com/';

  /** Name prefix of every role IAM Identity Center creates for a permission set (`AWSReservedSSO_<name>_<suffix>`). */
  public static readonly IDENTITY_CENTER_ROLE_NAME_PREFIX = 'AWSReservedSSO_';

  /**
   * Condition key holding the Identity Center user ID of the person behind a session (globally
   * unique, unlike the user name or email in `aws:userid`).
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html
   */
  public static readonly IDENTITY_CENTER_USER_ID_CONDITION_KEY = 'identitystore:userId';

  /**
   * Global condition key with the time a session's credentials were issued: a deny on
   * `DateLessThan` it revokes every session issued before a time.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
   */
  public static readonly TOKEN_ISSUE_TIME_CONDITION_KEY = 'aws:TokenIssueTime';

  /**
   * Name prefix of the CloudFormation stacks an agent deploys (through the guarded execution
   * role). CloudFormation tags every resource of a stack with `aws:cloudformation:stack-name`, a
   * tag nobody can add or remove, so a resource whose stack name starts with this prefix is
   * owned by an agent: the agent may drive it (invoke, update, run). The prefix is reserved:
   * name no human stack with it. It differs from `GUARDRAIL_NAME_PREFIX`, so what an agent's
   * stack creates is never mistaken for a guardrail.
   */
  public static readonly AGENT_STACK_NAME_PREFIX = 'agent-';

  /** The resource tag key that says which stack created a resource (set by CloudFormation, `aws:` reserved). */
  public static readonly STACK_NAME_TAG_KEY = 'aws:cloudformation:stack-name';

  /**
   * Prefix of the source identity every agent session carries (`sts:SourceIdentity`, set when
   * the session starts, kept by AWS through role chaining, not changeable). AgentRole's trust
   * requires it; AgentScp, AgentRcp and the alarm recognise it, so a session that chained into
   * another role is still an agent.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
   */
  public static readonly SOURCE_IDENTITY_PREFIX = 'guardrails-agent.';

  /**
   * IAM path of roles an agent's stacks create (Lambda execution roles, ...): they carry the
   * agent boundary, and AgentScp treats them as agents.
   */
  public static readonly WORKLOAD_ROLE_PATH = '/guardrails-agent-workload/';

  /** ARN pattern of every workload role. */
  public static readonly WORKLOAD_ROLE_ARN_PATTERN = 'arn:aws:iam::*:role/guardrails-agent-workload/*';

  /**
   * ARN pattern of the guarded CloudFormation execution roles (an agent role per bootstrap
   * qualifier): the only `RoleARN` an agent may give CloudFormation.
   */
  public static readonly GUARDED_EXECUTION_ROLE_ARN_PATTERN = 'arn:aws:iam::*:role/guardrails-agent/cdk-*-cfn-exec-role-*';

  /** ARN pattern of every role of a guarded CDK bootstrap (deploy, publishing, lookup, execution). */
  public static readonly GUARDED_BOOTSTRAP_ROLE_ARN_PATTERN = 'arn:aws:iam::*:role/guardrails-agent/cdk-*';

  /**
   * Name prefix of the resources that guard the agent (alarm rules, topics, queues, trails,
   * functions, log groups, alarms, vaults). Agent roles may not change resources named with it,
   * and AgentScp lets only break-glass principals change the rules and functions named with it,
   * so the prefix is reserved for the guardrails.
   */
  public static readonly GUARDRAIL_NAME_PREFIX = 'guardrails-';

  /**
   * ARN pattern (for `ArnLike` on `aws:PrincipalArn` and EventBridge `wildcard` filters) of the
   * roles IAM Identity Center creates for a permission set, in any account and Region of the `aws`
   * partition: `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_<name>_*`.
   *
   * The `*` before the name covers the Region segment (absent in us-east-1). A permission set
   * whose name is `<name>_<more>` matches too: it is then treated as an agent (more denies, never
   * fewer); do not name human permission sets that way.
   */
  public static identityCenterRoleArnPattern(permissionSetName: string): string {
    const { IDENTITY_CENTER_ROLE_PATH_PREFIX: rolePath, IDENTITY_CENTER_ROLE_NAME_PREFIX: namePrefix } = AgentIdentity;
    return `arn:aws:iam::*:role${rolePath}*${namePrefix}${permissionSetName}_*`;
  }

  private constructor() {}
}
