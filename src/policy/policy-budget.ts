/**
 * A size budget for one policy document or event pattern, in characters of minified JSON.
 *
 * AWS changes these limits; every preset names the quota it comes from, and `custom()`
 * covers accounts with raised quotas or older organizations.
 */
export class PolicyBudget {
  /**
   * Service control policy: 10,240 characters (the limit since May 2026).
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  public static readonly SCP = new PolicyBudget('SCP', 10_240);

  /** Service control policy in an organization still on the former 5,120-character limit. */
  public static readonly SCP_LEGACY = new PolicyBudget('SCP (legacy 5,120)', 5_120);

  /**
   * Resource control policy: 5,120 characters.
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  public static readonly RCP = new PolicyBudget('RCP', 5_120);

  /**
   * Customer managed IAM policy: 6,144 characters, whitespace not counted.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  public static readonly MANAGED_POLICY = new PolicyBudget('IAM managed policy', 6_144);

  /**
   * All inline policies of one role together: 10,240 characters.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  public static readonly INLINE_POLICY = new PolicyBudget('IAM role inline policies', 10_240);

  /**
   * EventBridge event pattern: 2,048 characters by default.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  public static readonly EVENT_PATTERN = new PolicyBudget('EventBridge event pattern', 2_048);

  /**
   * Service control policies attached directly to one root, OU or account, counting
   * `FullAWSAccess` (10 since May 2026).
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  public static readonly SCPS_PER_TARGET = 10;

  /** Service control policies per target in an organization still on the former quota of 5. */
  public static readonly SCPS_PER_TARGET_LEGACY = 5;

  /**
   * Resource control policies attached directly to one root, OU or account, counting `RCPFullAWSAccess`.
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  public static readonly RCPS_PER_TARGET = 5;

  /**
   * Managed policies attached to one IAM role, by default (adjustable up to `MANAGED_POLICIES_PER_ROLE_MAX`).
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  public static readonly MANAGED_POLICIES_PER_ROLE = 10;

  /** The most managed policies per role IAM grants on request. */
  public static readonly MANAGED_POLICIES_PER_ROLE_MAX = 25;

  /**
   * Rules on one event bus, by default.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  public static readonly RULES_PER_EVENT_BUS = 300;

  /**
   * Targets of one EventBridge rule.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  public static readonly TARGETS_PER_RULE = 5;

  /** A budget of your own, e.g. for a raised quota. */
  public static custom(name: string, maxCharacters: number): PolicyBudget {
    if (!Number.isInteger(maxCharacters) || maxCharacters < 100) {
      throw new Error(`maxCharacters: ${maxCharacters} is not a usable budget. Use a whole number of characters of at least 100, e.g. 6144 for an IAM managed policy.`);
    }
    return new PolicyBudget(name, maxCharacters);
  }

  private constructor(
    /** What the budget is for. */
    public readonly name: string,
    /** Maximum characters of minified JSON. */
    public readonly maxCharacters: number,
  ) {}
}
