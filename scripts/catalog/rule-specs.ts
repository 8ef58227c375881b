/**
 * Curated rules beyond the verb rules and the one-action WEAKEN/EXPOSE/ESCALATE lists: rules that
 * carry a condition ("deny route53:ChangeResourceRecordSets when the change batch holds a DELETE"),
 * effect rules (a retention cut, a data plane, an irreversible disrupt) and borrowed-power rules.
 * Input of the catalog generator (`npx projen catalog`); each list lives in its own file and is
 * collected in `RULE_SPECS` below.
 *
 * The generator validates every spec against the pinned data: each action exists (exact case),
 * each condition key is one the action (or one of its resource types) supports, or a global
 * `aws:` key; a rule with conditions that should reach the alarm needs an `eventDetail` for the
 * same condition, or leaves EVENTS out of `at`.
 */

import { BORROWED_POWER } from './borrowed-power';

/** One IAM condition entry. */
export interface RuleSpecCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/** One curated rule. */
export interface RuleSpec {
  /** Stable id, `<category>.<service>.<what>` in lower case, e.g. `destroy.route53.record-delete`. */
  readonly id: string;
  /** Threat categories (DESTROY, DISRUPT, WEAKEN, EXPOSE, ESCALATE). */
  readonly categories: string[];
  /** Actions, exactly as the Service Authorization Reference names them. */
  readonly actions: string[];
  /** Conditions of the deny (all must hold); none for an unconditional rule. */
  readonly conditions?: RuleSpecCondition[];
  /**
   * EventBridge `detail` fields matching only the calls the conditions describe (CloudTrail
   * `requestParameters` paths). Required for a conditional rule enforceable at EVENTS.
   */
  readonly eventDetail?: Record<string, unknown>;
  /**
   * Resource ARN patterns the deny applies to (e.g. the CDK bootstrap asset buckets).
   * @default - every resource (`*`)
   */
  readonly resources?: string[];
  /**
   * Resource ARN patterns the deny spares (`NotResource`): it applies to every other resource.
   * @default - none
   */
  readonly notResources?: string[];
  /**
   * The alarm alerts only when the call is refused: CloudTrail cannot show the condition (e.g. a
   * resource tag), and a call that succeeded met it. Lets a conditional rule reach EVENTS without `eventDetail`.
   * @default false
   */
  readonly alarmOnlyWhenRefused?: boolean;
  /** Whether a deny may spare resources tagged ephemeral. @default false */
  readonly exemptable?: boolean;
  /** Protects the guardrails themselves: applies whatever categories are chosen. @default false */
  readonly guard?: boolean;
  /**
   * Enforcement points (IDENTITY, BOUNDARY, SCP, RCP, EVENTS).
   * @default - every point but BOUNDARY (it has room only for the one-action curated lists); EVENTS
   * left out for a conditional or resource-scoped rule without `eventDetail` or `alarmOnlyWhenRefused`
   */
  readonly at?: string[];
  /** Why it is dangerous (one line). */
  readonly reason: string;
  /** A public source for the reason (AWS documentation, pathfinding.cloud, Rhino Security Labs, ...). */
  readonly source: string;
  /** The safer way to do what the agent wanted, e.g. `ec2:StopInstances`. */
  readonly saferAlternative?: string;
}

/** Every curated rule spec, from the lists below. Add a list by importing it here. */
export const RULE_SPECS: RuleSpec[] = [
  ...BORROWED_POWER,
];
