import { Duration, Names, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PrincipalScope } from './destructive-call-alarm';
import { planPatterns, RULES_PER_BUS_QUOTA, watchedPlan } from './private/patterns';
import { futurePath, propError, validateRetry, validateSourceIdentityPrefix } from './private/validation';
import { ActionCategory } from '../catalog/action-category';
import { AgentIdentity } from '../identity/agent-identity';
import { agentEventDetail, agentRoleArnPatternsProblem } from '../identity/private/principals';
import { PolicyBudget } from '../policy/policy-budget';
import { ACCOUNT_ID, REGION_NAME } from '../private/aws-ids';

/** Properties of a `DestructiveCallForwarder`. */
export interface DestructiveCallForwarderProps {
  /** Region of the `DestructiveCallAlarm` whose event bus receives the events. */
  readonly alarmRegion: string;

  /**
   * Account of the `DestructiveCallAlarm`: the security account of a central alarm, whose bus
   * must admit this account (a `CentralAlarmBus` there admits the whole organization).
   * @default - this stack's account
   */
  readonly alarmAccount?: string;

  /**
   * Name of the alarm account's event bus (`CentralAlarmBus.eventBusName`).
   * @default 'default'
   */
  readonly alarmEventBusName?: string;

  /**
   * Catalog categories forwarded; use the alarm's.
   * @default - DESTROY, WEAKEN, EXPOSE and ESCALATE
   */
  readonly categories?: ActionCategory[];

  /**
   * Service prefixes forwarded; use the alarm's.
   * @default - every service in the catalog
   */
  readonly services?: string[];

  /**
   * Opt-in rules whose calls are forwarded; use the alarm's.
   * @default - none
   */
  readonly optInRules?: string[];

  /**
   * Whose calls are forwarded; use the alarm's.
   * @default PrincipalScope.AGENTS
   */
  readonly principalScope?: PrincipalScope;

  /**
   * Role ARN patterns that identify agents (matched on `userIdentity.sessionContext.sessionIssuer.arn`);
   * use the alarm's, e.g. with `AgentPermissionSet.roleArnPattern` for Identity Center agents.
   * @default [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN]
   */
  readonly agentRoleArnPatterns?: string[];

  /**
   * Whether calls of sessions whose source identity starts with `sourceIdentityPrefix` count as
   * agents' calls, whatever role they are in (the source identity survives role chaining); use the alarm's.
   * @default true
   */
  readonly matchSourceIdentity?: boolean;

  /**
   * Prefix of agents' source identities; use the alarm's.
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
   * Longest time EventBridge keeps retrying an event.
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

/**
 * Forwards the agents' destructive calls made in this stack's account and Region to the event
 * bus of a `DestructiveCallAlarm` in another Region, or in another account: the security account
 * of a central alarm (with a `CentralAlarmBus` there).
 *
 * CloudTrail delivers an API call event only to EventBridge in the Region of the call, and
 * global services (IAM, STS, Organizations, Route 53, CloudFront) report in us-east-1. Deploy
 * one forwarder per Region you use other than the alarm's (a stack per Region, or a
 * `GuardrailsStackSet` to every member account and Region). Each forwarder must target the
 * alarm's bus itself: EventBridge does not pass an event a bus received from another bus on to a
 * third bus. The alarm's rules then match the forwarded events, which keep their own `account`
 * and `region`. The rules carry the alarm's packed patterns (`DenyPlan` for EVENTS and the agent
 * identity filter), without the result filter, and target the alarm's bus through a role under
 * the guardian path allowed `events:PutEvents` on that bus only, with a dead-letter queue and a
 * retry policy.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 *
 * @example
 * // In a stack deployed to us-east-1 when the alarm is in eu-west-1:
 * new DestructiveCallForwarder(this, 'Forwarder', { alarmRegion: 'eu-west-1' });
 * // In every member account and Region, to a central alarm in the security account:
 * new DestructiveCallForwarder(this, 'ToSecurity', { alarmAccount: '999999999999', alarmRegion: 'eu-west-1' });
 */
export class DestructiveCallForwarder extends Construct {
  /** The forwarding rules. */
  public readonly rules: events.Rule[];

  /** Dead-letter queue of the forwarding targets. */
  public readonly deadLetterQueue: sqs.Queue;

  /** The role EventBridge assumes to put the events on the alarm's bus. */
  public readonly role: iam.Role;

  /** ARN of the alarm's event bus. */
  public readonly alarmEventBusArn: string;

  /** Catalog actions whose events the rules match. */
  public readonly actionsCovered: number;

  /** Characters of each rule's event pattern, in order. */
  public readonly patternSizes: number[];

  constructor(scope: Construct, id: string, props: DestructiveCallForwarderProps) {
    const path = futurePath('DestructiveCallForwarder', scope, id);
    if (!props || props.alarmRegion === undefined || Token.isUnresolved(props.alarmRegion) || !REGION_NAME.test(props.alarmRegion)) {
      throw propError(path, `alarmRegion: '${props?.alarmRegion}' is not a Region name. Use the Region of the DestructiveCallAlarm, e.g. 'eu-west-1'.`);
    }
    if (props.alarmAccount !== undefined && (Token.isUnresolved(props.alarmAccount) || !ACCOUNT_ID.test(props.alarmAccount))) {
      throw propError(path, `alarmAccount: '${props.alarmAccount}' is not a 12-digit account ID. Use the account of the DestructiveCallAlarm, e.g. '999999999999', or leave it out for this account.`);
    }
    const busName = props.alarmEventBusName ?? 'default';
    if (Token.isUnresolved(busName) || !BUS_NAME.test(busName)) {
      throw propError(path, `alarmEventBusName: '${busName}' is not an event bus name. Use CentralAlarmBus.eventBusName ('default' unless you created a custom bus).`);
    }
    const patternsProblem = props.agentRoleArnPatterns && agentRoleArnPatternsProblem(props.agentRoleArnPatterns, Token.isUnresolved);
    if (patternsProblem) throw propError(path, patternsProblem);
    if (props.categories !== undefined && props.categories.length === 0) {
      throw propError(path, 'categories: [] forwards nothing but the guard rules. Leave it out for the alarm\'s default, or name at least one ActionCategory.');
    }
    const retryAttempts = props.retryAttempts ?? 185;
    const maxEventAge = props.maxEventAge ?? Duration.hours(24);
    validateRetry(path, retryAttempts, maxEventAge);
    const agentsOnly = (props.principalScope ?? PrincipalScope.AGENTS) === PrincipalScope.AGENTS;
    if (props.sourceIdentityPrefix !== undefined) validateSourceIdentityPrefix(path, props.sourceIdentityPrefix);
    const sourcePrefix = (props.matchSourceIdentity ?? true) ? props.sourceIdentityPrefix ?? AgentIdentity.SOURCE_IDENTITY_PREFIX : undefined;
    const principal = agentEventDetail(agentsOnly, props.agentRoleArnPatterns, sourcePrefix);
    const packed = planPatterns(watchedPlan(props.categories, props.services, props.optInRules), principal, props.patternBudget);
    if (packed.patterns.length === 0 || packed.patterns.length > RULES_PER_BUS_QUOTA) {
      throw propError(path, `categories/services: the patterns need ${packed.patterns.length} rules; a bus holds ${RULES_PER_BUS_QUOTA} by default. `
        + 'Select at least one catalog action, and fewer services if over.');
    }

    super(scope, id);
    const stack = Stack.of(this);
    const alarmAccount = props.alarmAccount ?? stack.account;
    if (!Token.isUnresolved(stack.region) && !Token.isUnresolved(stack.account) && stack.region === props.alarmRegion
      && alarmAccount === stack.account && busName === 'default') {
      throw propError(futurePath('DestructiveCallForwarder', this), `alarmAccount/alarmRegion: ${alarmAccount} ${props.alarmRegion} is this stack's own account and Region; `
        + 'the alarm already sees these events. Deploy the forwarder in the other Regions and member accounts only.');
    }
    // Named with the reserved prefix and tagged, so AgentRole and AgentScp guard the forwarder as they guard the alarm.
    const prefix = `${AgentIdentity.GUARDRAIL_NAME_PREFIX}${Names.uniqueResourceName(this, { maxLength: 29, separator: '-' }).replace(/[^A-Za-z0-9-]/g, '')}`;
    Tags.of(this).add(AgentIdentity.GUARD_TAG_KEY, AgentIdentity.GUARD_TAG_VALUE);
    this.alarmEventBusArn = stack.formatArn({ service: 'events', region: props.alarmRegion, account: alarmAccount, resource: 'event-bus', resourceName: busName });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${prefix}-dlq`,
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
      description: 'cdk-agent-guardrails: EventBridge puts agent events on the alarm\'s event bus',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    // The EventBus target grants the role events:PutEvents on the alarm's bus, and nothing else.
    const bus = events.EventBus.fromEventBusArn(this, 'AlarmBus', this.alarmEventBusArn);
    const target = new targets.EventBus(bus, { role: this.role, deadLetterQueue: this.deadLetterQueue });
    const where = alarmAccount === stack.account ? props.alarmRegion : `${alarmAccount} ${props.alarmRegion}`;
    this.actionsCovered = packed.actionsCovered;
    this.patternSizes = packed.patterns.map(p => p.characters);
    this.rules = packed.patterns.map((p, i) => {
      const rule = new events.Rule(this, `Forward${i}`, {
        ruleName: `${prefix}-forward-${String(i).padStart(2, '0')}`,
        description: `cdk-agent-guardrails: forwards ${p.actionCount} catalog actions' events to ${where}`,
        eventPattern: p.pattern,
      });
      rule.addTarget(target);
      const cfn = rule.node.defaultChild as events.CfnRule;
      cfn.addPropertyOverride('Targets.0.RetryPolicy', { MaximumRetryAttempts: retryAttempts, MaximumEventAgeInSeconds: maxEventAge.toSeconds() });
      return rule;
    });
  }
}
