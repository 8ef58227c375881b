import { ActionCategory } from './action-category';

/**
 * Where a catalog rule can be enforced.
 *
 * Every enforcement point renders the rules through one deny plan (`DenyPlan`), so a rule that
 * says it is enforceable somewhere is enforced there by every construct of that point.
 */
export enum EnforcementPoint {
  /** The agent role's own policies (`AgentRole`). */
  IDENTITY = 'IDENTITY',
  /** The agent role's permissions boundary: only rules small enough to fit with the allow-list. */
  BOUNDARY = 'BOUNDARY',
  /** Service control policies for agent principals (`AgentScp`). */
  SCP = 'SCP',
  /** Resource control policies for agent principals (`AgentRcp`), on services that support RCPs. */
  RCP = 'RCP',
  /** EventBridge patterns on CloudTrail events (`DestructiveCallAlarm`): only calls CloudTrail records. */
  EVENTS = 'EVENTS',
}

/**
 * One IAM condition of a rule: `{ "<operator>": { "<key>": <values> } }`.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
 */
export interface RuleCondition {
  /** Condition operator, e.g. `StringEquals`, `ForAnyValue:StringEqualsIgnoreCase`, `Null`. */
  readonly operator: string;
  /** Condition key, e.g. `aws:TagKeys`. */
  readonly key: string;
  /** Values; the condition holds when the key matches any of them. */
  readonly values: string[];
}

/**
 * One rule of the action catalog: which actions are dangerous, under which condition, how the
 * call shows in CloudTrail, whether the ephemeral-tag exception may apply, and where it can be
 * enforced. Every enforcement point renders the rules; no construct types its own list.
 */
export interface CatalogRule {
  /** Stable identifier, e.g. `destroy.terminate`, `weaken.rds.ModifyDBInstance`, `guard.tag-forgery`. */
  readonly id: string;
  /** Threat categories of the rule. */
  readonly categories: ActionCategory[];
  /** Actions the rule denies (`service:Name`), sorted. */
  readonly actions: string[];
  /** Conditions under which the deny applies (all of them); empty for an unconditional rule. */
  readonly conditions: RuleCondition[];
  /**
   * Resource ARN patterns the deny applies to.
   * @default - undefined: every resource (`*`)
   */
  readonly resources?: string[];
  /**
   * Resource ARN patterns the deny spares (`NotResource`): it applies to every other resource.
   * @default - undefined: none
   */
  readonly notResources?: string[];
  /**
   * Extra `detail` fields (a JSON object string) an EventBridge pattern needs to match only
   * the calls the conditions describe.
   * @default - undefined: the rule is unconditional, or (when it has conditions) CloudTrail
   * cannot show them and `enforceableAt` leaves out EVENTS
   */
  readonly eventDetailJson?: string;
  /**
   * The alarm raises only the refused (DENIED) alert for this rule: CloudTrail cannot show its
   * condition (a resource tag, say), and a call that succeeded met it.
   */
  readonly alarmOnlyWhenRefused: boolean;
  /**
   * Whether a deny may spare resources tagged `guardrails:ephemeral=true` (when the user allows
   * ephemeral deletes and the action supports `aws:ResourceTag`). Decided here, once.
   */
  readonly ephemeralExemptable: boolean;
  /** A guard rule protects the guardrails themselves: it applies whatever categories are chosen. */
  readonly guard: boolean;
  /** Where the rule can be enforced. */
  readonly enforceableAt: EnforcementPoint[];
  /** Why the actions are dangerous. */
  readonly reason: string;
  /**
   * A public source for the reason.
   * @default - undefined for verb rules (CATALOG.md states the verb rules)
   */
  readonly source?: string;
  /**
   * The safer way to do what was meant, e.g. `ec2:StopInstances` for `ec2:TerminateInstances`.
   * @default - undefined: none recorded
   */
  readonly saferAlternative?: string;
}

/** A named list of actions a construct needs (grants, resource policies, guards). */
export interface ActionSet {
  /** Identifier, e.g. `kill-switch.revoke`. */
  readonly id: string;
  /** Why the set exists and who uses it. */
  readonly reason: string;
  /** Actions and `service:Prefix*` patterns, as listed. */
  readonly actions: string[];
}

/** How a guarded execution role tells a resource of the agent's own stacks. */
export enum DeployOwnershipMark {
  /** `aws:cloudformation:stack-name` (resource or request tag) starts with the agent stack prefix. */
  TAG = 'tag',
  /** The resource ARN (e.g. an S3 bucket CDK names after the agent's stack). */
  NAME = 'name',
  /** A role under the workload path. */
  WORKLOAD_ROLE = 'workload-role',
  /** A KMS grant AWS creates for a service (`kms:GrantIsForAWSResource`). */
  AWS_RESOURCE = 'aws-resource',
}

/** Create-time configuration a guarded CloudFormation execution role may make on what the agent owns. */
export interface DeployException {
  /** Identifier, e.g. `deploy.s3.bucket-configuration`. */
  readonly id: string;
  /** Actions the exception covers. */
  readonly actions: string[];
  /** How ownership is told. */
  readonly mark: DeployOwnershipMark;
  /**
   * ARN patterns of owned resources (for NAME and WORKLOAD_ROLE).
   * @default - none
   */
  readonly owned?: string[];
  /** Why CloudFormation needs it. */
  readonly reason: string;
  /** The resource type documentation. */
  readonly source: string;
}
