/**
 * The layers of the guardrails, as the checks and the report group them.
 */
export enum GuardrailLayer {
  /** Agent roles, their policies and permissions boundaries. */
  IAM = 'IAM',
  /** Service and resource control policies. */
  ORGANIZATIONS = 'ORGANIZATIONS',
  /** Deletion policies and deletion/termination protection of stateful resources. */
  RESOURCE_PROTECTION = 'RESOURCE_PROTECTION',
  /** CloudTrail, the destructive-call alarm rule and who it alerts. */
  MONITORING = 'MONITORING',
  /** AWS Backup vaults, their locks, and which resources a plan selects. */
  BACKUP = 'BACKUP',
  /** The checks themselves: which ran, and what was acknowledged. */
  CHECKS = 'CHECKS',
}

/**
 * How serious a rule's finding is.
 */
export enum FindingSeverity {
  /** Fails synthesis (when the plugin is registered) and the report. */
  ERROR = 'ERROR',
  /** Reported, but fails neither synthesis nor the report. */
  WARNING = 'WARNING',
}

/**
 * Whether a finding still stands.
 */
export enum FindingStatus {
  /** Not acknowledged: it counts. */
  OPEN = 'OPEN',
  /** Acknowledged with an accepted reason: listed, but does not count. */
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  /**
   * An acknowledgement was found but refused (the rule cannot be acknowledged, or the
   * reason is too short): the finding counts as open.
   */
  ACKNOWLEDGEMENT_REFUSED = 'ACKNOWLEDGEMENT_REFUSED',
}

/**
 * What one rule checks, why, and how to fix a finding.
 */
export interface GuardrailRuleInfo {
  /** Stable rule ID, e.g. `AG-IAM1`. */
  readonly id: string;
  /** Short name. */
  readonly name: string;
  /** The layer the rule belongs to. */
  readonly layer: GuardrailLayer;
  /** Severity of its findings. */
  readonly severity: FindingSeverity;
  /** Whether a finding may be acknowledged (with a reason) at all. */
  readonly acknowledgeable: boolean;
  /** What the rule checks. */
  readonly checks: string;
  /** Why it matters. */
  readonly why: string;
  /** How to fix a finding. */
  readonly fix: string;
}

/**
 * One finding of one rule on one resource.
 */
export interface GuardrailFinding {
  /** Rule ID, e.g. `AG-RES1`. */
  readonly ruleId: string;
  /** Rule name. */
  readonly ruleName: string;
  /** Layer of the rule. */
  readonly layer: GuardrailLayer;
  /** Severity of the rule. */
  readonly severity: FindingSeverity;
  /** Whether the finding is open or acknowledged. */
  readonly status: FindingStatus;
  /** Stack display name (its construct path). */
  readonly stack: string;
  /** Logical ID of the resource in its template. */
  readonly logicalId: string;
  /** CloudFormation type of the resource. */
  readonly resourceType: string;
  /**
   * Construct path of the resource.
   *
   * @default - unknown (the template does not record it)
   */
  readonly constructPath?: string;
  /** Absolute path of the template. */
  readonly templatePath: string;
  /** What is wrong, specifically. */
  readonly message: string;
  /**
   * Reason given in the acknowledgement, when one was found (accepted or refused).
   *
   * @default - no acknowledgement
   */
  readonly acknowledgementReason?: string;
  /**
   * Construct path where the acknowledgement was recorded.
   *
   * @default - no acknowledgement
   */
  readonly acknowledgedAt?: string;
  /**
   * Why an acknowledgement was refused.
   *
   * @default - not refused
   */
  readonly refusal?: string;
}
