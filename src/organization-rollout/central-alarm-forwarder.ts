import { Duration, Names, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ActionCategory } from '../catalog/action-category';
import { AgentIdentity } from '../identity/agent-identity';
import { agentEventDetail, DEFAULT_AGENT_ARN_PATTERNS } from '../identity/private/principals';
import { planPatterns, RULES_PER_BUS_QUOTA, watchedPlan } from '../monitoring/private/patterns';
import { validateRetry, validateSourceIdentityPrefix } from '../monitoring/private/validation';
import { PolicyBudget } from '../policy/policy-budget';
import { PackedEventPattern } from '../policy/policy-packer';
import { inputError } from '../private/errors';

/** Properties of a `CentralAlarmForwarder`. */
export interface CentralAlarmForwarderProps {
  /** Account of the `CentralAlarmBus` (the security account). */
  readonly centralAccount: string;

  /** Region of the `CentralAlarmBus` (the Region of the central `DestructiveCallAlarm`). */
  readonly centralRegion: string;

  /**
   * Name of the central bus (`CentralAlarmBus.eventBusName`).
   * @default 'default'
   */
  readonly centralEventBusName?: string;

  /**
   * Catalog categories whose calls are forwarded; use the central alarm's.
   * @default - DESTROY, WEAKEN, EXPOSE and ESCALATE
   */
  readonly categories?: ActionCategory[];

  /**
   * Service prefixes forwarded; use the central alarm's.
   * @default - every service in the catalog
   */
  readonly services?: string[];

  /**
   * Role ARN patterns of agents (matched on `userIdentity.sessionContext.sessionIssuer.arn`):
   * add `AgentPermissionSet.roleArnPattern` for Identity Center agents.
   * @default [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN]
   */
  readonly agentRoleArnPatterns?: string[];

  /**
   * Whether calls of sessions whose source identity starts with `sourceIdentityPrefix` are agents' calls.
   * @default true
   */
  readonly matchSourceIdentity?: boolean;

  /**
   * Prefix of agents' source identities.
   * @default AgentIdentity.SOURCE_IDENTITY_PREFIX
   */
  readonly sourceIdentityPrefix?: string;

  /**
   * Size budget of each event pattern.
   * @default PolicyBudget.EVENT_PATTERN
   */
  readonly patternBudget?: PolicyBudget;

  /**
   * Retry attempts before an event goes to the dead-letter queue (1 to 185).
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * Longest time EventBridge keeps retrying an event (1 minute to 24 hours).
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

const ACCOUNT = /^\d{12}$/;
/** A Region name by its form (`xx-name-N`, any number of name parts), not today's list. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

/**
 * A member account's side of the central alarm: rules on the default event bus of this account
 * and Region that send the agents' CloudTrail events (the catalog's actions, succeeded or
 * refused) to the `CentralAlarmBus` of the security account, through a role EventBridge assumes.
 *
 * Deploy it in every member account and every Region they use (CloudTrail delivers an event only
 * in the Region of the call; global services report in us-east-1). Each forwarder must target
 * the central bus itself: EventBridge does not pass an event a bus received from another bus on
 * to a third bus, so a `DestructiveCallForwarder` to this account's alarm Region, then on to the
 * security account, would not arrive. The patterns are the alarm's (`DenyPlan` for EVENTS, the
 * agent identity filter), without the result filter.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 *
 * @example
 * new CentralAlarmForwarder(this, 'ToSecurity', {
 *   centralAccount: '999999999999',
 *   centralRegion: 'eu-west-1',
 *   agentRoleArnPatterns: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN,
 *     AgentPermissionSet.roleArnPatternFor('CodingAgent')],
 * });
 */
export class CentralAlarmForwarder extends Construct {
  /** The forwarding rules. */
  public readonly rules: events.Rule[];

  /** The role EventBridge assumes to put the events on the central bus. */
  public readonly role: iam.Role;

  /** Dead-letter queue of the forwarding targets. */
  public readonly deadLetterQueue: sqs.Queue;

  /** ARN of the central bus. */
  public readonly centralEventBusArn: string;

  /** Catalog actions whose events the rules match. */
  public readonly actionsCovered: number;

  /** Characters of each rule's event pattern, in order. */
  public readonly patternSizes: number[];

  constructor(scope: Construct, id: string, props: CentralAlarmForwarderProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const fail = (m: string) => inputError('CentralAlarmForwarder', path, m);
    const who = `CentralAlarmForwarder '${path}'`;
    if (!props || props.centralAccount === undefined || Token.isUnresolved(props.centralAccount) || !ACCOUNT.test(props.centralAccount)) {
      throw fail(`centralAccount: '${props?.centralAccount}' is not a 12-digit account ID. Use the security account's ID, e.g. '999999999999'.`);
    }
    if (props.centralRegion === undefined || Token.isUnresolved(props.centralRegion) || !REGION.test(props.centralRegion)) {
      throw fail(`centralRegion: '${props.centralRegion}' is not a Region name. Use the Region of the CentralAlarmBus, e.g. 'eu-west-1'.`);
    }
    const busName = props.centralEventBusName ?? 'default';
    if (Token.isUnresolved(busName) || !BUS_NAME.test(busName)) {
      throw fail(`centralEventBusName: '${busName}' is not an event bus name. Use CentralAlarmBus.eventBusName ('default' unless you created a custom bus).`);
    }
    const patterns = props.agentRoleArnPatterns ?? DEFAULT_AGENT_ARN_PATTERNS;
    if (patterns.length === 0) throw fail('agentRoleArnPatterns: [] matches no role. Leave it out for the agent and workload paths, or give at least one pattern.');
    patterns.forEach((p, i) => {
      if (Token.isUnresolved(p) || !/^arn:(?:aws|aws-cn|aws-us-gov|\*):iam::(?:\d{12}|\*):role\/[\x21-\x7E]*$/.test(p)) {
        throw fail(`agentRoleArnPatterns[${i}]: '${p}' is not an IAM role ARN pattern. Use a literal such as '${AgentIdentity.AGENT_ROLE_ARN_PATTERN}'.`);
      }
    });
    if (props.categories !== undefined && props.categories.length === 0) {
      throw fail('categories: [] forwards nothing but the guard rules. Leave it out for the central alarm\'s default, or name at least one ActionCategory.');
    }
    const retryAttempts = props.retryAttempts ?? 185;
    const maxEventAge = props.maxEventAge ?? Duration.hours(24);
    validateRetry(who, retryAttempts, maxEventAge);
    if (props.sourceIdentityPrefix !== undefined) validateSourceIdentityPrefix(who, props.sourceIdentityPrefix);
    const prefix = (props.matchSourceIdentity ?? true) ? props.sourceIdentityPrefix ?? AgentIdentity.SOURCE_IDENTITY_PREFIX : undefined;
    const packed = planPatterns(watchedPlan(props.categories, props.services), agentEventDetail(true, patterns, prefix), props.patternBudget);
    if (packed.patterns.length === 0 || packed.patterns.length > RULES_PER_BUS_QUOTA) {
      throw fail(`categories/services: the patterns need ${packed.patterns.length} rules; a bus holds ${RULES_PER_BUS_QUOTA} by default. Select at least one catalog action, and fewer services if over.`);
    }

    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.account) && stack.account === props.centralAccount && stack.region === props.centralRegion && busName === 'default') {
      throw fail(`centralAccount/centralRegion: ${props.centralAccount} ${props.centralRegion} is this stack's own account and Region: the central alarm already sees these events. Deploy the forwarder in the member accounts and the other Regions only.`);
    }
    // Named with the reserved prefix and tagged, so AgentRole and AgentScp guard the forwarder as they guard the alarm.
    const name = `${AgentIdentity.GUARDRAIL_NAME_PREFIX}${Names.uniqueResourceName(this, { maxLength: 29, separator: '-' }).replace(/[^A-Za-z0-9-]/g, '')}`;
    Tags.of(this).add(AgentIdentity.GUARD_TAG_KEY, AgentIdentity.GUARD_TAG_VALUE);
    this.centralEventBusArn = stack.formatArn({
      service: 'events', account: props.centralAccount, region: props.centralRegion, resource: 'event-bus', resourceName: busName,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${name}-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the forwarding targets; a dead-letter queue needs none of its own.',
    });
    // A guardian role: AgentScp lets nobody but break-glass change roles under the guardian path.
    this.role = new iam.Role(this, 'Role', {
      path: AgentIdentity.GUARDIAN_ROLE_PATH,
      description: 'cdk-agent-guardrails: EventBridge puts agent events on the central alarm bus',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    // The EventBus target grants the role events:PutEvents on the central bus, and nothing else.
    const bus = events.EventBus.fromEventBusArn(this, 'CentralBus', this.centralEventBusArn);
    const target = new targets.EventBus(bus, { role: this.role, deadLetterQueue: this.deadLetterQueue });
    this.actionsCovered = packed.actionsCovered;
    this.patternSizes = packed.patterns.map((p: PackedEventPattern) => p.characters);
    this.rules = packed.patterns.map((p, i) => {
      const rule = new events.Rule(this, `Forward${i}`, {
        ruleName: `${name}-central-${String(i).padStart(2, '0')}`,
        description: `cdk-agent-guardrails: forwards ${p.actionCount} catalog actions' agent events to the central alarm bus`,
        eventPattern: p.pattern,
      });
      rule.addTarget(target);
      const cfn = rule.node.defaultChild as events.CfnRule;
      cfn.addPropertyOverride('Targets.0.RetryPolicy', { MaximumRetryAttempts: retryAttempts, MaximumEventAgeInSeconds: maxEventAge.toSeconds() });
      return rule;
    });
  }
}
