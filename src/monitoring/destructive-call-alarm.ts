import { Annotations, ArnFormat, Duration, Lazy, Names, RemovalPolicy, Stack, Token, Validations, Tags } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KillSwitch, KillSwitchOptions } from './kill-switch';
import { alertMessage } from './private/messages';
import {
  RULES_PER_BUS_QUOTA, TamperBranch, packAlternatives, planPatterns, tamperAlternatives, watchedPlan,
} from './private/patterns';
import {
  WARNING_PREFIX, futurePath, propError, validateCount, validateEmails, validateNamePrefix, validatePeriod,
  validateRetry, validateSlack, validateSourceIdentityPrefix,
} from './private/validation';
import { ActionCatalog } from '../catalog/action-catalog';
import { ActionCategory } from '../catalog/action-category';
import { AgentIdentity } from '../identity/agent-identity';
import { agentEventDetail, agentRoleArnPatternsProblem } from '../identity/private/principals';
import { DenyPlan } from '../policy/deny-plan';
import { PolicyBudget } from '../policy/policy-budget';
import { PackedEventPattern } from '../policy/policy-packer';
import { GUARDED_KINDS, setActions } from '../policy/private/guards';

/** Whose calls raise an alert. */
export enum PrincipalScope {
  /** Only agent roles: the session issuer's role ARN matches an agent role ARN pattern. */
  AGENTS = 'AGENTS',
  /** Every principal, humans and pipelines included. */
  EVERYONE = 'EVERYONE',
}

/** How bad an alert is. */
export enum AlarmSeverity {
  /** A destructive call succeeded: something may be gone. */
  CRITICAL = 'CRITICAL',
  /** A destructive call was refused (`errorCode` present): the guardrails worked, but someone should look. */
  DENIED = 'DENIED',
  /** A call tried to weaken or delete the alarm itself (trail, rules, topic, queue, key, kill switch). */
  TAMPERING = 'TAMPERING',
}

/** Slack delivery through AWS Chatbot. */
export interface SlackOptions {
  /** Slack workspace (team) ID, as shown in the AWS Chatbot console after the workspace is authorized, e.g. `T07ABCDE12`. */
  readonly workspaceId: string;

  /** Slack channel ID (not its name), e.g. `C07ABCDE12`; invite the AWS app to a private channel. */
  readonly channelId: string;

  /**
   * Name of the Chatbot channel configuration.
   * @default - `<namePrefix>-slack`
   */
  readonly configurationName?: string;
}

/** What the patterns of one rule match. */
export interface AlarmRuleInfo {
  /** Severity of the rule's alerts. */
  readonly severity: AlarmSeverity;
  /** Name of the rule. */
  readonly ruleName: string;
  /** Characters of the rule's event pattern (minified JSON). */
  readonly characters: number;
  /** Catalog actions whose events the rule matches (0 for tampering rules, which match by resource). */
  readonly actionCount: number;
  /** CloudTrail event sources the rule matches. */
  readonly eventSources: string[];
}

/** Properties of a `DestructiveCallAlarm`. */
export interface DestructiveCallAlarmProps {
  /**
   * Catalog categories whose calls raise an alert.
   * @default - DESTROY, WEAKEN, EXPOSE and ESCALATE (what the other layers deny)
   */
  readonly categories?: ActionCategory[];

  /**
   * Service prefixes to watch.
   * @default - every service in the catalog
   */
  readonly services?: string[];

  /**
   * Opt-in rules of the catalog to watch as well (ids of `ActionCatalog.optInRuleIds()`); use the
   * ones the agent roles and SCPs enforce, so a refused call alerts.
   * @default - none
   */
  readonly optInRules?: string[];

  /**
   * Whose calls raise an alert.
   *
   * EVERYONE alerts on every principal's destructive calls, humans and pipelines included
   * (CloudFormation deletes made with a deployment role too): more noise.
   *
   * @default PrincipalScope.AGENTS
   */
  readonly principalScope?: PrincipalScope;

  /**
   * Role ARN patterns that identify agents (EventBridge `wildcard` syntax, matched on
   * `userIdentity.sessionContext.sessionIssuer.arn`, which includes the role path).
   * @default [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN]
   */
  readonly agentRoleArnPatterns?: string[];

  /**
   * Whether calls of sessions whose source identity starts with `sourceIdentityPrefix` count as
   * agents' calls, whatever role they are in (the source identity survives role chaining).
   * @default true
   */
  readonly matchSourceIdentity?: boolean;

  /**
   * Prefix of agents' source identities.
   * @default AgentIdentity.SOURCE_IDENTITY_PREFIX
   */
  readonly sourceIdentityPrefix?: string;

  /**
   * ARN of an existing multi-Region trail or organization trail that logs management events; no trail is created.
   *
   * EventBridge receives "AWS API Call via CloudTrail" events only while a trail logs them.
   *
   * @default - a new multi-Region trail is created
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
   */
  readonly existingTrailArn?: string;

  /**
   * Buckets whose object-level writes (DeleteObject, ...) the new trail records as data events.
   * Only with a new trail; configure an existing trail yourself.
   * @default - no data events: object deletes are not seen
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html
   */
  readonly dataEventBuckets?: s3.IBucket[];

  /**
   * Email addresses subscribed to the alert topic (each must confirm the subscription).
   * @default - none
   */
  readonly emails?: string[];

  /**
   * Slack channel that receives the alerts through AWS Chatbot.
   * @default - none
   */
  readonly slack?: SlackOptions;

  /**
   * More targets for every alert rule (at most 3: a rule has at most 5 targets).
   * Give them their own dead-letter queue and retry policy.
   * @default - none
   */
  readonly extraTargets?: events.IRuleTarget[];

  /**
   * Retry attempts of every target before the event goes to the dead-letter queue (1 to 185).
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * Longest time EventBridge keeps retrying an event (1 minute to 24 hours).
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;

  /**
   * Denied destructive calls within `deniedAlarmPeriod` that set the denied-attempts alarm off.
   * @default 1
   */
  readonly deniedAlarmThreshold?: number;

  /**
   * Period of the denied-attempts alarm (whole minutes, 1 minute to 1 day).
   * @default Duration.minutes(5)
   */
  readonly deniedAlarmPeriod?: Duration;

  /**
   * Turns on the kill switch: revoke the agent role's sessions on a critical event and/or after denied attempts.
   * @default - no kill switch
   */
  readonly killSwitch?: KillSwitchOptions;

  /**
   * Prefix of the names of the rules, topic, queue, alarms, trail and function; the
   * tampering rule matches the alarm's own resources by it.
   * @default - derived from the construct path (unique in the app)
   */
  readonly namePrefix?: string;

  /**
   * Size budget of each event pattern.
   * @default PolicyBudget.EVENT_PATTERN (2,048 characters)
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  readonly patternBudget?: PolicyBudget;

  /**
   * Most rules this construct may create on the default event bus (whose default quota is 300).
   * The default leaves 50 of the default quota for your own rules; the catalog's rules need about
   * 160 with the default categories (CloudTrail event names packed under 2,048 characters, a set
   * for successful calls and one for refused calls).
   * @default 250
   */
  readonly maxRules?: number;

  /**
   * How long the log of denied calls (the source of the denied-attempts metric) is kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly deniedLogRetention?: logs.RetentionDays;
}

const DEFAULT_MAX_RULES = 250;

/**
 * Tells a human within seconds when an agent makes, or tries to make, a destructive call,
 * and optionally cuts the agent off.
 *
 * Creates (unless an existing trail is given) a multi-Region CloudTrail trail with log file
 * validation and KMS encryption, then EventBridge rules on "AWS API Call via CloudTrail" that
 * match the action catalog's event names, packed under the 2,048-character pattern limit:
 * one set for calls that succeeded (CRITICAL), one for calls that were refused (DENIED), and
 * tampering rules for calls that weaken the alarm's own resources (TAMPERING). By default
 * only agent roles (role path `/guardrails-agent/`) are watched. Alerts go to a KMS-encrypted
 * SNS topic (email, Slack through AWS Chatbot) as readable messages; every target has an SQS
 * dead-letter queue and a retry policy. Denied calls are logged and counted in a CloudWatch
 * metric with an alarm. The opt-in kill switch revokes the agent role's active sessions.
 *
 * Events stay in the Region of the call, and global services (IAM, STS, Organizations,
 * Route 53, CloudFront) report in us-east-1: deploy a `DestructiveCallForwarder` in every
 * other Region you use.
 *
 * Answers scenarios 1 to 4: each delete/terminate the agent tries raises a DENIED alert in
 * seconds (CRITICAL if one got through); S3 object deletes need `dataEventBuckets`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 *
 * @example
 * new DestructiveCallAlarm(this, 'Alarm', {
 *   emails: ['oncall@example.com'],
 *   slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' },
 *   killSwitch: { deniedAttempts: 5 },
 * });
 */
export class DestructiveCallAlarm extends Construct {
  /** The alert topic (KMS-encrypted). */
  public readonly topic: sns.Topic;

  /** Customer managed key of the topic, queue and trail. */
  public readonly key: kms.Key;

  /** Dead-letter queue of every target. */
  public readonly deadLetterQueue: sqs.Queue;

  /**
   * The trail created.
   * @default - undefined when an existing trail is used
   */
  public readonly trail?: cloudtrail.Trail;

  /**
   * Every rule, in order: CRITICAL, DENIED, TAMPERING. Each is the `Resource` child of a
   * construct named after the rule (`Critical0`, ...): the rules are rendered as L1 resources
   * (with `extraTargets`, they are the `CfnRule`s of `events.Rule` constructs).
   */
  public readonly rules: events.CfnRule[];

  /** What each rule matches (same order as `rules`). */
  public readonly ruleInfo: AlarmRuleInfo[];

  /** Catalog actions watched. */
  public readonly actionsWatched: number;

  /** The plan (rules enforceable at EVENTS) the critical and denied rules render. */
  public readonly denyPlan: DenyPlan;

  /** Catalog actions whose events the patterns match. */
  public readonly actionsCovered: number;

  /** Watched actions that have no CloudTrail event of their own name, so no pattern can match them. */
  public readonly actionsWithoutEvent: string[];

  /** Count of denied destructive calls (Sum per period), for dashboards. */
  public readonly deniedMetric: cloudwatch.Metric;

  /** Alarm on denied destructive calls. */
  public readonly deniedAlarm: cloudwatch.Alarm;

  /** Alarm on events that reached the dead-letter queue (an alert was not delivered). */
  public readonly deliveryFailedAlarm: cloudwatch.Alarm;

  /** Log group holding every denied destructive call. */
  public readonly deniedLog: logs.LogGroup;

  /**
   * The kill switch.
   * @default - undefined when not enabled
   */
  public readonly killSwitch?: KillSwitch;

  /** Prefix of the names of the alarm's resources. */
  public readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: DestructiveCallAlarmProps = {}) {
    // ---- validate everything before any child exists ----
    const path = futurePath('DestructiveCallAlarm', scope, id);
    const emails = props.emails ?? [];
    validateEmails(path, emails);
    if (props.slack) validateSlack(path, props.slack.workspaceId, props.slack.channelId);
    const retryAttempts = props.retryAttempts ?? 185;
    const maxEventAge = props.maxEventAge ?? Duration.hours(24);
    validateRetry(path, retryAttempts, maxEventAge);
    const deniedThreshold = props.deniedAlarmThreshold ?? 1;
    validateCount(path, 'deniedAlarmThreshold', deniedThreshold, 1, 1_000_000);
    const deniedPeriod = props.deniedAlarmPeriod ?? Duration.minutes(5);
    validatePeriod(path, 'deniedAlarmPeriod', deniedPeriod);
    const ks = props.killSwitch;
    if (ks?.deniedAttempts !== undefined) validateCount(path, 'killSwitch.deniedAttempts', ks.deniedAttempts, 1, 1_000_000);
    if (ks?.deniedWindow !== undefined) {
      if (ks.deniedAttempts === undefined) throw propError(path, 'killSwitch.deniedWindow is set without killSwitch.deniedAttempts. Set deniedAttempts too, or remove deniedWindow.');
      validatePeriod(path, 'killSwitch.deniedWindow', ks.deniedWindow);
    }
    if (ks && ks.onCriticalEvent === false && ks.deniedAttempts === undefined) {
      throw propError(path, 'killSwitch: onCriticalEvent is false and deniedAttempts is not set, so nothing would ever fire it. Set deniedAttempts, or leave onCriticalEvent at true.');
    }
    const extraTargets = props.extraTargets ?? [];
    if (extraTargets.length > 3) {
      throw propError(path, `extraTargets: ${extraTargets.length} targets given, but a rule holds at most 5 targets and the alarm uses 2. Give at most 3 (fan out through the topic instead).`);
    }
    if (props.existingTrailArn !== undefined && props.dataEventBuckets !== undefined) {
      throw propError(path, 'dataEventBuckets is set with existingTrailArn: the construct does not change an existing trail. Add the S3 data event selectors to that trail, or remove existingTrailArn to create one.');
    }
    const trailName = props.existingTrailArn !== undefined ? trailNameOf(path, props.existingTrailArn) : undefined;
    const agentPatterns = props.agentRoleArnPatterns;
    const patternsProblem = agentPatterns && agentRoleArnPatternsProblem(agentPatterns, Token.isUnresolved);
    if (patternsProblem) throw propError(path, patternsProblem);
    const agentsOnly = (props.principalScope ?? PrincipalScope.AGENTS) === PrincipalScope.AGENTS;
    const budget = props.patternBudget ?? PolicyBudget.EVENT_PATTERN;
    const maxRules = props.maxRules ?? DEFAULT_MAX_RULES;
    validateCount(path, 'maxRules', maxRules, 1, RULES_PER_BUS_QUOTA);
    if (props.namePrefix !== undefined) validateNamePrefix(path, props.namePrefix);

    if (props.categories !== undefined && props.categories.length === 0) {
      throw propError(path, 'categories: [] watches nothing but the guard rules. Omit categories for the default (the categories the other layers deny), or name at least one ActionCategory.');
    }
    for (const ruleId of props.optInRules ?? []) {
      if (!ActionCatalog.optInRuleIds().includes(ruleId)) {
        throw propError(path, `optInRules: '${ruleId}' is not an opt-in rule of the catalog. Use ids of ActionCatalog.optInRuleIds(): ${ActionCatalog.optInRuleIds().join(', ')}.`);
      }
    }
    const plan = watchedPlan(props.categories, props.services, props.optInRules);
    if (plan.actions().length === 0) {
      throw propError(path, `categories/services: [${(props.categories ?? []).join(', ')}] / [${(props.services ?? []).join(', ')}] select no catalog action. Widen them.`);
    }
    const prefix = props.sourceIdentityPrefix ?? AgentIdentity.SOURCE_IDENTITY_PREFIX;
    if (props.sourceIdentityPrefix !== undefined) validateSourceIdentityPrefix(path, props.sourceIdentityPrefix);
    const principal = agentEventDetail(agentsOnly, agentPatterns, (props.matchSourceIdentity ?? true) ? prefix : undefined);
    const critical = planPatterns(plan, { ...principal, errorCode: [{ exists: false }] }, budget, false);
    const denied = planPatterns(plan, { ...principal, errorCode: [{ exists: true }] }, budget);

    super(scope, id);
    const stack = Stack.of(this);
    // Default names start with 'guardrails-', the rule-name prefix AgentScp guards.
    this.namePrefix = props.namePrefix ?? `guardrails-${Names.uniqueResourceName(this, { maxLength: 29, separator: '-' }).replace(/[^A-Za-z0-9-]/g, '')}`;
    Tags.of(this).add(AgentIdentity.GUARD_TAG_KEY, AgentIdentity.GUARD_TAG_VALUE);
    const name = (suffix: string) => `${this.namePrefix}-${suffix}`;
    this.actionsWatched = denied.actionsWatched;
    this.denyPlan = plan;
    this.actionsCovered = denied.actionsCovered;
    this.actionsWithoutEvent = denied.actionsWithoutEvent;

    // ---- key, topic, dead-letter queue ----
    this.key = new kms.Key(this, 'Key', {
      description: 'cdk-agent-guardrails destructive-call alarm: topic, dead-letter queue and trail',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeAndCloudWatchToUseTheKey',
      principals: [new iam.ServicePrincipal('events.amazonaws.com'), new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: setActions('alarm.key-use-by-services'),
      resources: ['*'],
    }));

    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForTheAlarmLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: setActions('alarm.key-use-by-logs'),
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }));

    this.topic = new sns.Topic(this, 'Resource', {
      topicName: name('alerts'),
      displayName: 'Agent guardrails alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const e of emails) this.topic.addSubscription(new subs.EmailSubscription(e));

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: name('dlq'),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the alarm targets and the kill switch; a dead-letter queue needs none of its own.',
    });

    // ---- trail ----
    if (props.existingTrailArn === undefined) {
      const bucket = new s3.Bucket(this, 'TrailBucket', {
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [{ id: 'noncurrent-versions', noncurrentVersionExpiration: Duration.days(365) }],
      });
      // CloudTrail logs are the evidence of an incident: the guardrail backup plan selects the bucket.
      Tags.of(bucket).add(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE);
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'The trail bucket holds CloudTrail logs, which already record every API call on it (the trail logs its own bucket\'s management events); server access logs would need another bucket.',
      });
      this.trail = new cloudtrail.Trail(this, 'Trail', {
        trailName: name('trail'),
        bucket,
        encryptionKey: this.key,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableFileValidation: true,
        managementEvents: cloudtrail.ReadWriteType.ALL,
      });
      const buckets = props.dataEventBuckets ?? [];
      if (buckets.length > 0) {
        this.trail.addS3EventSelector(buckets.map(b => ({ bucket: b })), {
          readWriteType: cloudtrail.ReadWriteType.WRITE_ONLY,
          includeManagementEvents: false,
        });
      }
    }

    // ---- denied log and metric ----
    this.deniedLog = new logs.LogGroup(this, 'DeniedLog', {
      logGroupName: `/aws/events/${name('denied')}`,
      retention: props.deniedLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtectionEnabled: true,
    });
    new logs.ResourcePolicy(this, 'DeniedLogPolicy', {
      policyStatements: [new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com'), new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: setActions('alarm.log-delivery'),
        resources: [this.deniedLog.logGroupArn],
        conditions: { ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${this.namePrefix}-*` }) } },
      })],
    });
    const metricName = `${this.namePrefix}-DeniedCalls`;
    new logs.MetricFilter(this, 'DeniedMetricFilter', {
      logGroup: this.deniedLog,
      filterPattern: logs.FilterPattern.exists('$.detail.errorCode'),
      metricNamespace: 'CdkAgentGuardrails',
      metricName,
      metricValue: '1',
      defaultValue: 0,
    });
    this.deniedMetric = new cloudwatch.Metric({
      namespace: 'CdkAgentGuardrails',
      metricName,
      statistic: cloudwatch.Stats.SUM,
      period: deniedPeriod,
    });

    // ---- kill switch ----
    if (ks) {
      this.killSwitch = new KillSwitch(this, 'KillSwitch', {
        deadLetterQueue: this.deadLetterQueue,
        alarmTopic: this.topic,
        encryptionKey: this.key,
        blockNewSessions: ks.blockNewSessions,
        actInMemberAccounts: ks.actInMemberAccounts,
        functionName: name('kill-switch'),
      });
    }

    // ---- rules ----
    // The dead-letter queue and the kill switch each grant every rule of the alarm once, by the
    // rules' name prefix, not once per rule (the per-rule grants aws-cdk-lib's targets add took
    // about 140 KB of a template that has to stay under CloudFormation's 1 MB).
    const ourRules = stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${this.namePrefix}-*` });
    this.deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlarmRulesDeadLetters',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: setActions('alarm.dead-letter'),
      resources: [this.deadLetterQueue.queueArn],
      conditions: { ArnLike: { 'aws:SourceArn': ourRules } },
    }));
    if (ks && killOnCriticalEvents(ks)) {
      this.killSwitch!.function.addPermission('AlarmRulesInvoke', {
        principal: new iam.ServicePrincipal('events.amazonaws.com'),
        sourceArn: ourRules,
        sourceAccount: stack.account,
      });
    }
    const killOnCritical = ks !== undefined && killOnCriticalEvents(ks);
    const makeRule = extraTargets.length === 0
      ? this.literalRules(stack, retryAttempts, maxEventAge, killOnCritical)
      : this.ruleConstructs(retryAttempts, maxEventAge, killOnCritical, extraTargets);

    this.rules = [];
    this.ruleInfo = [];
    const addRule = (severity: AlarmSeverity, index: number, pattern: events.EventPattern, info: Omit<AlarmRuleInfo, 'severity' | 'ruleName'>, alternative?: string) => {
      const ruleName = name(`${severity.toLowerCase()}-${String(index).padStart(2, '0')}`);
      const description = `cdk-agent-guardrails ${severity}: ${info.actionCount > 0 ? `${info.actionCount} catalog actions` : 'calls on the alarm\'s own resources'} (${info.characters} characters)`;
      this.rules.push(makeRule(`${severity.charAt(0)}${severity.slice(1).toLowerCase()}${index}`, severity, ruleName, description, pattern, alternative));
      this.ruleInfo.push({ severity, ruleName, ...info });
    };
    const info = (p: PackedEventPattern) => ({ characters: p.characters, actionCount: p.actionCount, eventSources: p.eventSources });
    critical.patterns.forEach((p, i) => addRule(AlarmSeverity.CRITICAL, i, p.pattern, info(p), critical.alternatives[i]));
    denied.patterns.forEach((p, i) => addRule(AlarmSeverity.DENIED, i, p.pattern, info(p), denied.alternatives[i]));

    // Tampering: the guard registry says which fields name each kind of guarding resource; the
    // matchers are this alarm's own names.
    const matchers: Record<string, unknown[] | undefined> = {
      'trail': trailName ? trailMatchers(trailName) : trailMatchers(name('trail')),
      'rule': [{ prefix: `${this.namePrefix}-` }],
      'topic': [{ wildcard: `arn:*:sns:*:*:${this.namePrefix}-*` }],
      'queue': [{ wildcard: `https://*/${name('dlq')}` }],
      'key': [this.key.keyId, this.key.keyArn],
      'log-group': [this.deniedLog.logGroupName],
      'alarm': [{ prefix: `${this.namePrefix}-` }],
      'function': this.killSwitch ? [name('kill-switch'), { wildcard: `arn:*:lambda:*:*:function:${name('kill-switch')}*` }] : undefined,
      'chatbot': props.slack ? [{ wildcard: `arn:*:chatbot::*:chat-configuration/slack-channel/${props.slack.configurationName ?? name('slack')}` }] : undefined,
    };
    const branches: TamperBranch[] = GUARDED_KINDS.filter(k => matchers[k.id] !== undefined).map(k => ({
      service: k.service,
      extraActions: k.orgGuardSet ? setActions(k.orgGuardSet) : [],
      fields: k.eventFields.map(f => [f, matchers[k.id]!] as [string, unknown[]]),
    }));
    const tampering = packAlternatives(tamperAlternatives(branches), principal, budget);
    tampering.forEach((t, i) => addRule(AlarmSeverity.TAMPERING, i, { detailType: t.pattern['detail-type'], detail: t.pattern.detail }, {
      characters: t.characters, actionCount: 0, eventSources: [...new Set<string>(collectSources(t.pattern.detail))].sort(),
    }));

    if (this.rules.length > maxRules) {
      throw propError(futurePath('DestructiveCallAlarm', this), `the patterns need ${this.rules.length} rules (${critical.patterns.length} critical, ${denied.patterns.length} denied, ${tampering.length} tampering), over maxRules ${maxRules}; the default event bus holds ${RULES_PER_BUS_QUOTA} rules by default. Narrow categories/services, raise maxRules (and the quota), or raise patternBudget.`);
    }
    Annotations.of(this).addInfo(`DestructiveCallAlarm: ${this.rules.length} rules on the default bus (${critical.patterns.length} critical, ${denied.patterns.length} denied, ${tampering.length} tampering) covering ${critical.actionsCovered} of ${critical.actionsWatched} catalog actions; largest pattern ${Math.max(...this.ruleInfo.map(r => r.characters))} of ${budget.maxCharacters} characters.`);

    // ---- alarms ----
    const topicAction = new cw_actions.SnsAction(this.topic);
    this.deniedAlarm = new cloudwatch.Alarm(this, 'DeniedAlarm', {
      alarmName: name('denied-calls'),
      alarmDescription: `Destructive calls were denied ${agentsOnly ? 'to agent roles' : ''}: the guardrails held, but someone should look at what the agent is trying.`,
      metric: this.deniedMetric,
      threshold: deniedThreshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deniedAlarm.addAlarmAction(topicAction);

    if (this.killSwitch && ks?.deniedAttempts !== undefined) {
      const killAlarm = new cloudwatch.Alarm(this, 'KillSwitchAlarm', {
        alarmName: name('kill-switch-denied'),
        alarmDescription: `${ks.deniedAttempts} or more denied destructive calls: the kill switch revokes every agent role's sessions.`,
        metric: this.deniedMetric.with({ period: ks.deniedWindow ?? Duration.minutes(5) }),
        threshold: ks.deniedAttempts,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      killAlarm.addAlarmAction(this.killSwitch.alarmAction());
      killAlarm.addAlarmAction(topicAction);
    }

    this.deliveryFailedAlarm = new cloudwatch.Alarm(this, 'DeliveryFailedAlarm', {
      alarmName: name('delivery-failed'),
      alarmDescription: 'An alert or kill-switch invocation could not be delivered and is in the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deliveryFailedAlarm.addAlarmAction(topicAction);

    // ---- Slack ----
    if (props.slack) {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: props.slack.configurationName ?? name('slack'),
        slackWorkspaceId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        notificationTopics: [this.topic],
        // Notifications only: commands typed in the channel are denied everything.
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    }

    if (!agentsOnly) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:alarm-everyone`, 'principalScope is EVERYONE: destructive calls by humans and pipelines (including CloudFormation deletes) raise alerts too, and the kill switch still only revokes agent roles.');
    }
  }

  /**
   * The rules as `CfnRule`s with literal targets: what `events.Rule` and `addTarget` render for
   * the alarm's own targets (alert, denied log or kill switch, each with the dead-letter queue
   * and retry policy), without their per-rule work: one topic grant instead of one per rule, each
   * distinct alert message bound once, one construct per rule under the same path as the
   * `Resource` of an `events.Rule` (so the logical IDs are those of `events.Rule`).
   */
  private literalRules(stack: Stack, retryAttempts: number, maxEventAge: Duration, killOnCritical: boolean): MakeRule {
    // Each ARN the rules name is a reference to one of the alarm's own resources (this stack), so
    // its value is fixed once logical IDs are. One cached token each, resolved once per synth,
    // instead of each rule's references resolved (logical ID hashed) in every synthesis pass.
    const once = (value: string): string => Token.asString(Lazy.any({ produce: () => stack.resolve(value) }));
    const delivery = deliveryOf(once(this.deadLetterQueue.queueArn), retryAttempts, maxEventAge);
    const logArn = once(this.deniedLogArn());
    const killArn = killOnCritical ? once(this.killSwitch!.function.functionArn) : undefined;
    const topicArn = once(this.topic.topicArn);
    type Input = Pick<events.CfnRule.TargetProperty, 'input' | 'inputPath' | 'inputTransformer'>;
    // What addTarget does with a target's input; the message holds event fields only (no
    // reference). It is bound against an imported rule of this stack: the input takes only the
    // stack from the rule it is bound to.
    const messageRule = events.Rule.fromEventRuleArn(this, 'AlertMessages',
      stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${this.namePrefix}-alerts` }));
    const inputs = new Map<string, Input>();
    const input = (severity: AlarmSeverity, alternative: string | undefined): Input => {
      const key = `${severity}\u0000${alternative ?? ''}`;
      let hit = inputs.get(key);
      if (!hit) {
        const bound = alertMessage(severity, alternative).bind(messageRule);
        // Resolved here, once per message: it holds event fields and text only (no reference, no
        // pseudo parameter), so its value cannot change later, and 77 rules do not resolve it again.
        hit = stack.resolve({
          input: bound.input,
          inputPath: bound.inputPath,
          inputTransformer: bound.inputTemplate !== undefined
            ? { inputTemplate: bound.inputTemplate, inputPathsMap: bound.inputPathsMap }
            : undefined,
        }) as Input;
        inputs.set(key, hit);
      }
      return hit;
    };
    // What targets.SnsTopic binds for every rule (one statement, deduplicated at synth).
    this.topic.grantPublish(new iam.ServicePrincipal('events.amazonaws.com'));
    return (id, severity, ruleName, description, pattern, alternative) => {
      const ruleTargets: events.CfnRule.TargetProperty[] = [{ id: 'Target0', arn: topicArn, ...input(severity, alternative), ...delivery }];
      const second = severity === AlarmSeverity.DENIED ? logArn : killArn;
      if (second !== undefined) ruleTargets.push({ id: 'Target1', arn: second, ...delivery });
      return new events.CfnRule(new Construct(this, id), 'Resource', {
        name: ruleName,
        description,
        state: 'ENABLED',
        eventPattern: renderEventPattern(pattern),
        targets: ruleTargets,
      });
    };
  }

  /** The rules as `events.Rule`s, for `extraTargets` (which bind to an `events.IRule`). */
  private ruleConstructs(retryAttempts: number, maxEventAge: Duration, killOnCritical: boolean, extraTargets: events.IRuleTarget[]): MakeRule {
    const delivery = { queue: this.deadLetterQueue, retryAttempts, maxEventAge };
    const target = (message: events.RuleTargetInput) => new DeadLetteredTarget(new targets.SnsTopic(this.topic, { message }), delivery);
    const killTarget = () => new DeadLetteredTarget({
      bind: () => ({ arn: this.killSwitch!.function.functionArn, targetResource: this.killSwitch!.function }),
    }, delivery);
    // The raw event to the denied log (the queue grants every rule of the alarm in one statement, AlarmRulesDeadLetters).
    const logTarget = new DeadLetteredTarget({ bind: () => ({ arn: this.deniedLogArn(), targetResource: this.deniedLog }) }, delivery);
    return (id, severity, ruleName, description, pattern, alternative) => {
      const rule = new events.Rule(this, id, { ruleName, description, eventPattern: pattern });
      rule.addTarget(target(alertMessage(severity, alternative)));
      if (severity === AlarmSeverity.DENIED) rule.addTarget(logTarget);
      else if (killOnCritical) rule.addTarget(killTarget());
      for (const t of extraTargets) rule.addTarget(t);
      return rule.node.defaultChild as events.CfnRule;
    };
  }

  /** ARN of the denied log group as a rule target names it (without the `:*` of `logGroupArn`). */
  private deniedLogArn(): string {
    return Stack.of(this).formatArn({
      service: 'logs', resource: 'log-group', resourceName: this.deniedLog.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

/** Whether the kill switch acts on CRITICAL events too (not only on the denied-calls threshold). */
function killOnCriticalEvents(ks: { readonly onCriticalEvent?: boolean }): boolean {
  return ks.onCriticalEvent !== false;
}

/** A rule target with the alarm's dead-letter queue and retry policy (the queue's grant is made once, for all rules). */
class DeadLetteredTarget implements events.IRuleTarget {
  constructor(
    private readonly inner: events.IRuleTarget,
    private readonly delivery: { readonly queue: sqs.IQueue; readonly retryAttempts: number; readonly maxEventAge: Duration }) {}

  public bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
    return { ...this.inner.bind(rule, id), ...deliveryOf(this.delivery.queue.queueArn, this.delivery.retryAttempts, this.delivery.maxEventAge) };
  }
}

/** What every target of the alarm's rules carries: the dead-letter queue and the retry policy. */
function deliveryOf(queueArn: string, retryAttempts: number, maxEventAge: Duration): {
  deadLetterConfig: events.CfnRule.DeadLetterConfigProperty; retryPolicy: events.CfnRule.RetryPolicyProperty;
} {
  return {
    deadLetterConfig: { arn: queueArn },
    retryPolicy: { maximumRetryAttempts: retryAttempts, maximumEventAgeInSeconds: maxEventAge.toSeconds() },
  };
}

function trailNameOf(path: string, arn: string): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const m = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/([A-Za-z0-9._-]{3,128})$/.exec(arn);
  if (!m) {
    throw propError(path, `existingTrailArn: '${arn}' is not a CloudTrail trail ARN. Use 'arn:aws:cloudtrail:<region>:<account>:trail/<name>'.`);
  }
  return m[1];
}

function trailMatchers(trailName: string): unknown[] {
  return [trailName, { wildcard: `arn:*:cloudtrail:*:*:trail/${trailName}` }];
}

function collectSources(detail: any): string[] {
  if (Array.isArray(detail.$or)) return detail.$or.flatMap((a: any) => a.eventSource ?? []);
  return detail.eventSource ?? [];
}

/** Makes one rule of the alarm. */
type MakeRule = (
  id: string, severity: AlarmSeverity, ruleName: string, description: string, pattern: events.EventPattern, alternative?: string,
) => events.CfnRule;

/** An `events.EventPattern` as `events.Rule` renders it: fields in order, `detailType` as `detail-type`, undefined fields left out. */
function renderEventPattern(pattern: events.EventPattern): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (value !== undefined) out[key === 'detailType' ? 'detail-type' : key] = value;
  }
  return out;
}
