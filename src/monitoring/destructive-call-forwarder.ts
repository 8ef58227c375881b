import { Duration, Names, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PrincipalScope } from './destructive-call-alarm';
import { planPatterns, RULES_PER_BUS_QUOTA, watchedPlan } from './private/patterns';
import { futurePath, propError, validateCount, validateRetry, validateSourceIdentityPrefix } from './private/validation';
import { ActionCategory } from '../catalog/action-category';
import { AgentIdentity } from '../identity/agent-identity';
import { agentEventDetail } from '../identity/private/principals';
import { PolicyBudget } from '../policy/policy-budget';

/** Properties of a `DestructiveCallForwarder`. */
export interface DestructiveCallForwarderProps {
  /** Region of the `DestructiveCallAlarm` whose default event bus receives the events. */
  readonly alarmRegion: string;

  /**
   * Account of the `DestructiveCallAlarm` (another account needs a bus policy there allowing this one).
   * @default - this stack's account
   */
  readonly alarmAccount?: string;

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
   * Whose calls are forwarded; use the alarm's.
   * @default PrincipalScope.AGENTS
   */
  readonly principalScope?: PrincipalScope;

  /**
   * Role ARN patterns that identify agents; use the alarm's.
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

/**
 * Forwards the destructive calls made in this stack's Region to the default event bus of the
 * Region where the `DestructiveCallAlarm` lives.
 *
 * CloudTrail delivers an API call event only to EventBridge in the Region of the call, and
 * global services (IAM, STS, Organizations, Route 53, CloudFront) report in us-east-1. Deploy
 * one forwarder per other Region you use (a stack per Region, or a CloudFormation StackSet);
 * the alarm's rules then match the forwarded events, which keep their original `region`.
 * The rules carry the same packed patterns as the alarm, without the result filter.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 *
 * @example
 * // In a stack deployed to us-east-1 when the alarm is in eu-west-1:
 * new DestructiveCallForwarder(this, 'Forwarder', { alarmRegion: 'eu-west-1' });
 */
export class DestructiveCallForwarder extends Construct {
  /** The forwarding rules. */
  public readonly rules: events.Rule[];

  /** Dead-letter queue of the forwarding targets. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DestructiveCallForwarderProps) {
    const path = futurePath('DestructiveCallForwarder', scope, id);
    if (!Token.isUnresolved(props.alarmRegion) && !/^[a-z]{2}(?:-[a-z]+)+-\d$/.test(props.alarmRegion)) {
      throw propError(path, `alarmRegion: '${props.alarmRegion}' is not a Region code. Use the Region of the DestructiveCallAlarm, e.g. 'eu-west-1'.`);
    }
    if (props.alarmAccount !== undefined && !Token.isUnresolved(props.alarmAccount) && !/^\d{12}$/.test(props.alarmAccount)) {
      throw propError(path, `alarmAccount: '${props.alarmAccount}' is not a 12-digit account ID.`);
    }
    const retryAttempts = props.retryAttempts ?? 185;
    const maxEventAge = props.maxEventAge ?? Duration.hours(24);
    validateRetry(path, retryAttempts, maxEventAge);
    const agentsOnly = (props.principalScope ?? PrincipalScope.AGENTS) === PrincipalScope.AGENTS;
    if (props.sourceIdentityPrefix !== undefined) validateSourceIdentityPrefix(path, props.sourceIdentityPrefix);
    const sourcePrefix = (props.matchSourceIdentity ?? true) ? props.sourceIdentityPrefix ?? AgentIdentity.SOURCE_IDENTITY_PREFIX : undefined;
    const principal = agentEventDetail(agentsOnly, props.agentRoleArnPatterns, sourcePrefix);
    const packed = planPatterns(watchedPlan(props.categories, props.services), principal, props.patternBudget);
    validateCount(path, 'rules needed', packed.patterns.length, 1, RULES_PER_BUS_QUOTA);

    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region === props.alarmRegion && (props.alarmAccount ?? stack.account) === stack.account) {
      throw propError(futurePath('DestructiveCallForwarder', this), `alarmRegion: '${props.alarmRegion}' is this stack's own Region; the alarm already sees these events. Deploy the forwarder in the other Regions only.`);
    }
    // Named with the reserved prefix and tagged, so AgentRole and AgentScp guard the forwarder as they guard the alarm.
    const prefix = `${AgentIdentity.GUARDRAIL_NAME_PREFIX}${Names.uniqueResourceName(this, { maxLength: 29, separator: '-' }).replace(/[^A-Za-z0-9-]/g, '')}`;
    Tags.of(this).add(AgentIdentity.GUARD_TAG_KEY, AgentIdentity.GUARD_TAG_VALUE);
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
    const bus = events.EventBus.fromEventBusArn(this, 'AlarmBus', stack.formatArn({
      service: 'events', region: props.alarmRegion, account: props.alarmAccount ?? stack.account, resource: 'event-bus', resourceName: 'default',
    }));
    const target = new targets.EventBus(bus, { deadLetterQueue: this.deadLetterQueue });
    this.rules = packed.patterns.map((p, i) => {
      const rule = new events.Rule(this, `Forward${i}`, {
        ruleName: `${prefix}-forward-${String(i).padStart(2, '0')}`,
        description: `cdk-agent-guardrails: forwards ${p.actionCount} catalog actions' events to ${props.alarmRegion}`,
        eventPattern: p.pattern,
      });
      rule.addTarget(target);
      const cfn = rule.node.defaultChild as events.CfnRule;
      cfn.addPropertyOverride('Targets.0.RetryPolicy', { MaximumRetryAttempts: retryAttempts, MaximumEventAgeInSeconds: maxEventAge.toSeconds() });
      return rule;
    });
  }
}
