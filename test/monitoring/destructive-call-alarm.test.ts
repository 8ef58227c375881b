import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ActionCategory } from '../../src/catalog';
import { AgentIdentity } from '../../src/identity';
import { DestructiveCallAlarm, DestructiveCallAlarmProps, KillSwitch, PrincipalScope } from '../../src/monitoring';
import { resolveTemplate } from '../harness';

function build(props: DestructiveCallAlarmProps = {}, extra?: (s: Stack) => Partial<DestructiveCallAlarmProps>) {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const alarm = new DestructiveCallAlarm(stack, 'Alarm', { ...props, ...(extra ? extra(stack) : {}) });
  return { stack, alarm, t: Template.fromStack(stack) };
}

describe('trail', () => {
  const { t } = build();
  test('multi-Region, global service events, log file validation, KMS customer key', () => {
    t.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmKey'), 'Arn'] },
    });
  });
  test('its bucket: versioned, Block Public Access, TLS only, retained', () => {
    t.hasResource('AWS::S3::Bucket', {
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
  test('its bucket is tagged for the guardrail backup plan (CloudTrail logs are the evidence of an incident)', () => {
    t.hasResourceProperties('AWS::S3::Bucket', { Tags: Match.arrayWith([{ Key: AgentIdentity.BACKUP_TAG_KEY, Value: AgentIdentity.BACKUP_TAG_VALUE }]) });
  });
  test('data events for named buckets, write only', () => {
    const { t: t2 } = build({}, s => ({ dataEventBuckets: [s3.Bucket.fromBucketName(s, 'Prod', 'prod')] }));
    t2.hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: Match.arrayWith([Match.objectLike({ ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: [Match.anyValue()] }] })]),
    });
  });
  test('an existing trail: no trail or bucket created', () => {
    const { t: t2, alarm } = build({ existingTrailArn: 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail' });
    t2.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t2.resourceCountIs('AWS::S3::Bucket', 0);
    expect(alarm.trail).toBeUndefined();
  });
});

describe('key, topic, queue', () => {
  const { t } = build({ emails: ['oncall@example.com', 'sec@example.org'] });
  test('customer key with rotation, retained, and a key policy for events.amazonaws.com (and cloudwatch.amazonaws.com)', () => {
    t.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowEventBridgeAndCloudWatchToUseTheKey',
          Effect: 'Allow',
          Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        })]),
      },
    });
  });
  test('topic encrypted with the key, TLS only, email subscriptions', () => {
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmKey'), 'Arn'] } });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    t.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 2);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });
  test('dead-letter queue: KMS-encrypted, TLS only, 14 days, retained', () => {
    t.hasResource('AWS::SQS::Queue', {
      Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmKey'), 'Arn'] }, MessageRetentionPeriod: 1209600 },
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('rules and targets', () => {
  const { t, alarm } = build({ killSwitch: { deniedAttempts: 3 } });
  const rules = Object.values<any>(t.findResources('AWS::Events::Rule'));

  test('every target of every rule has the dead-letter queue and a 185-attempt / 24-hour retry policy', () => {
    expect(rules.length).toBe(alarm.rules.length);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets) {
        expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^AlarmDeadLetterQueue/), 'Arn'] } });
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
      }
    }
  });

  test('CRITICAL rules: errorCode must be absent, agent role ARN wildcard, topic + kill switch', () => {
    const critical = rules.filter(x => x.Properties.Name.includes('-critical-'));
    expect(critical.length).toBeGreaterThan(0);
    for (const x of critical) {
      expect(x.Properties.EventPattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
      expect(x.Properties.EventPattern.detail.errorCode).toEqual([{ exists: false }]);
      // Agents: the session issuer is an agent or workload role, or the session carries an agent's source identity.
      expect(x.Properties.EventPattern.detail.userIdentity).toEqual({
        $or: [
          {
            sessionContext: {
              sessionIssuer: { arn: [{ wildcard: AgentIdentity.AGENT_ROLE_ARN_PATTERN }, { wildcard: AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN }] },
            },
          },
          { sessionContext: { sourceIdentity: [{ prefix: AgentIdentity.SOURCE_IDENTITY_PREFIX }] } },
        ],
      });
      expect(x.Properties.Targets.map((tg: any) => tg.Id)).toEqual(['Target0', 'Target1']);
      expect(JSON.stringify(x.Properties.EventPattern).length).toBeLessThanOrEqual(2048);
    }
  });

  test('DENIED rules: errorCode must exist; topic + the denied log group', () => {
    const denied = rules.filter(x => x.Properties.Name.includes('-denied-'));
    // Rules the alarm watches only when refused (drive actions on what the agent does not own) add DENIED patterns.
    expect(denied.length).toBeGreaterThanOrEqual(rules.filter(x => x.Properties.Name.includes('-critical-')).length);
    for (const x of denied) {
      expect(x.Properties.EventPattern.detail.errorCode).toEqual([{ exists: true }]);
      expect(JSON.stringify(x.Properties.Targets[1].Arn)).toMatch(/log-group/);
    }
  });

  test('readable message: who, what, where, result and a CloudTrail event-history link', () => {
    const crit = rules.find(x => x.Properties.Name.includes('-critical-'))!;
    const it = crit.Properties.Targets[0].InputTransformer;
    expect(it.InputPathsMap).toMatchObject({
      'detail-userIdentity-arn': '$.detail.userIdentity.arn',
      'detail-userIdentity-sessionContext-sessionIssuer-userName': '$.detail.userIdentity.sessionContext.sessionIssuer.userName',
      'detail-eventSource': '$.detail.eventSource',
      'detail-eventName': '$.detail.eventName',
      'detail-recipientAccountId': '$.detail.recipientAccountId',
      'detail-awsRegion': '$.detail.awsRegion',
      'detail-eventID': '$.detail.eventID',
    });
    expect(it.InputTemplate).toContain('*Who:* <detail-userIdentity-arn> (role <detail-userIdentity-sessionContext-sessionIssuer-userName>)');
    expect(it.InputTemplate).toContain('*Result:* ALLOWED');
    expect(it.InputTemplate).toContain('https://<detail-awsRegion>.console.aws.amazon.com/cloudtrailv2/home?region=<detail-awsRegion>#/events/<detail-eventID>');
    expect(JSON.parse(it.InputTemplate.replace(/:<[^>]+>/g, ':"x"').replace(/<[^>]+>/g, 'x'))).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
    const den = rules.find(x => x.Properties.Name.includes('-denied-'))!;
    expect(den.Properties.Targets[0].InputTransformer.InputTemplate).toContain('*Result:* refused with <detail-errorCode>');
  });

  test('denied metric from the log group, and its alarm', () => {
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.detail.errorCode = "*" }',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'CdkAgentGuardrails', MetricValue: '1', DefaultValue: 0 })],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('-denied-calls$'),
      Namespace: 'CdkAgentGuardrails',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarm') }],
    });
    const resolved = resolveTemplate(t.toJSON(), { region: 'eu-west-1' });
    const [policy] = Object.values<any>(resolved.Resources).filter(x => x.Type === 'AWS::Logs::ResourcePolicy');
    expect(JSON.parse(policy.Properties.PolicyDocument).Statement).toEqual([expect.objectContaining({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
      Resource: expect.stringMatching(/^arn:aws:logs:eu-west-1:111111111111:log-group:\/aws\/events\/.*-denied:\*$/),
      Condition: { ArnLike: { 'aws:SourceArn': expect.stringMatching(/^arn:aws:events:eu-west-1:111111111111:rule\/guardrails-Stack-Alarm-[A-F0-9]+-\*$/) } },
    })]);
  });

  test('the denied log group and the kill switch log group cannot be deleted (deletion protection, Retain)', () => {
    const withKillSwitch = build({ killSwitch: {} }).t;
    const groups = Object.values<any>(withKillSwitch.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      expect({ deletion: g.DeletionPolicy, protection: g.Properties.DeletionProtectionEnabled }).toEqual({ deletion: 'Retain', protection: true });
    }
  });

  test('delivery failures (messages in the DLQ) are alarmed', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('-delivery-failed$'), MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1,
    });
  });
});

describe('kill switch', () => {
  const { t } = build({ killSwitch: { deniedAttempts: 5, deniedWindow: Duration.minutes(10), blockNewSessions: true } });
  test('IAM: Put/GetRolePolicy only on agent-path roles of this account, ListRoles on *; no DeleteRolePolicy', () => {
    const policies = Object.values<any>(t.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap(p => p.Properties.PolicyDocument.Statement);
    const revoke = statements.find(s => s.Sid === 'RevokeAgentSessions');
    expect(revoke.Action).toEqual(['iam:GetRolePolicy', 'iam:PutRolePolicy']);
    expect(revoke.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/guardrails-agent/*']] });
    expect(statements.find(s => s.Sid === 'ListAgentRoles').Resource).toBe('*');
    expect(JSON.stringify(statements)).not.toMatch(/iam:DeleteRolePolicy|iam:\*|"\*"\s*,\s*"Resource"/);
  });
  test('function: async DLQ, 2 retries, environment', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmDeadLetterQueue'), 'Arn'] } },
      Environment: { Variables: Match.objectLike({ AGENT_ROLE_PATH: '/guardrails-agent/', BLOCK_NEW_SESSIONS: 'true' }) },
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });
  test('its errors are alarmed; N denied attempts within the window fire it through a CloudWatch alarm', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('-kill-switch-denied$'),
      Threshold: 5,
      Period: 600,
      AlarmActions: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmKillSwitch'), 'Arn'] }]),
    });
  });
  test('policy names match the console and the handler', () => {
    expect(KillSwitch.REVOKE_POLICY_NAME).toBe('AWSRevokeOlderSessions');
  });
});

describe('Slack and extra targets', () => {
  test('Chatbot channel on the topic, notifications only (AWSDenyAll guardrail)', () => {
    const { t } = build({ slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' } });
    t.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T07ABCDE12',
      SlackChannelId: 'C07ABCDE12',
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^Alarm') }],
      GuardrailPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] }],
    });
  });
  test('extra targets are added to every rule', () => {
    const { t, alarm } = build({}, s => ({ extraTargets: [new targets.SqsQueue(new sqs.Queue(s, 'Q'))] }));
    for (const rule of Object.values<any>(t.findResources('AWS::Events::Rule'))) {
      const base = rule.Properties.Name.includes('-denied-') ? 2 : 1; // topic (+ denied log)
      expect(rule.Properties.Targets.length).toBe(base + 1);
      expect(rule.Properties.Targets[base].Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Q/), 'Arn'] });
    }
    expect(alarm.rules.length).toBeGreaterThan(0);
  });
  test('with extra targets (events.Rule constructs), the rules, their own targets and the other resources are the same as without', () => {
    // Rules without extraTargets are CfnRules with literal targets, with them events.Rule + addTarget:
    // one template apart from the extra target.
    const cases: DestructiveCallAlarmProps[] = [
      {}, { killSwitch: { deniedAttempts: 3 } }, { killSwitch: { onCriticalEvent: false, deniedAttempts: 3 } },
    ];
    for (const props of cases) {
      const plain = build(props).t.toJSON();
      const { t, alarm } = build(props, s => ({ extraTargets: [new targets.SqsQueue(new sqs.Queue(s, 'Q'))] }));
      const withExtra = t.toJSON();
      for (const [id, r] of Object.entries<any>(withExtra.Resources)) {
        if (r.Type === 'AWS::Events::Rule') r.Properties.Targets = r.Properties.Targets.filter((x: any) => !JSON.stringify(x.Arn).includes('"Q'));
        if (id.startsWith('Q')) delete withExtra.Resources[id];
      }
      expect(withExtra).toEqual(plain);
      expect(alarm.rules.every(r => r instanceof events.CfnRule)).toBe(true);
    }
  });
  test('rules are the template\'s rules, in order, with the logical IDs of events.Rule constructs', () => {
    const { stack, alarm, t: tpl } = build({ killSwitch: {} });
    const ids = Object.keys(tpl.findResources('AWS::Events::Rule'));
    expect(alarm.rules.map(r => stack.resolve(r.logicalId))).toEqual(ids);
    expect(alarm.rules.map(r => r.node.path)).toEqual(alarm.ruleInfo.map((info, i) => {
      const sev = info.severity.charAt(0) + info.severity.slice(1).toLowerCase();
      return `Stack/Alarm/${sev}${alarm.ruleInfo.slice(0, i).filter(x => x.severity === info.severity).length}/Resource`;
    }));
    expect(alarm.rules.map(r => r.name)).toEqual(alarm.ruleInfo.map(i => i.ruleName));
  });
  test('the rules\' targets follow logical IDs overridden after construction (their ARNs resolve at synth)', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    const alarm = new DestructiveCallAlarm(stack, 'Alarm', { killSwitch: {} });
    (alarm.topic.node.defaultChild as CfnResource).overrideLogicalId('AlertTopic');
    (alarm.deadLetterQueue.node.defaultChild as CfnResource).overrideLogicalId('AlertDlq');
    (alarm.killSwitch!.function.node.defaultChild as CfnResource).overrideLogicalId('KillSwitchFn');
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rules.length).toBe(alarm.rules.length);
    for (const r of rules) {
      const [first, second] = r.Properties.Targets;
      expect(first.Arn).toEqual({ Ref: 'AlertTopic' });
      expect(first.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': ['AlertDlq', 'Arn'] });
      if (second && !JSON.stringify(second.Arn).includes('log-group')) expect(second.Arn).toEqual({ 'Fn::GetAtt': ['KillSwitchFn', 'Arn'] });
    }
  });
});

describe('warnings', () => {
  test('EVERYONE scope warns', () => {
    const { stack } = build({ principalScope: PrincipalScope.EVERYONE });
    Annotations.fromStack(stack).hasWarning('/Stack/Alarm', Match.stringLikeRegexp('principalScope is EVERYONE'));
  });
  test('default scope does not warn, and reports its rule count', () => {
    const { stack } = build();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    Annotations.fromStack(stack).hasInfo('/Stack/Alarm', Match.stringLikeRegexp('^DestructiveCallAlarm: \\d+ rules on the default bus'));
  });
});

describe('bad input throws before anything is created', () => {
  const cases: Array<[string, DestructiveCallAlarmProps, RegExp]> = [
    ['invalid email', { emails: ['oncall@example.com', 'not-an-email'] }, /emails\[1\]: 'not-an-email' is not an email address/],
    ['email with spaces', { emails: ['a b@example.com'] }, /emails\[0\]: 'a b@example.com'/],
    ['email without domain dot', { emails: ['a@localhost'] }, /emails\[0\]: 'a@localhost'/],
    ['Slack workspace ID', { slack: { workspaceId: 'my-workspace', channelId: 'C07ABCDE12' } }, /slack.workspaceId: 'my-workspace' is not a Slack workspace ID/],
    ['Slack channel name', { slack: { workspaceId: 'T07ABCDE12', channelId: '#alerts' } }, /slack.channelId: '#alerts' is not a Slack channel ID/],
    ['Slack lower-case channel', { slack: { workspaceId: 'T07ABCDE12', channelId: 'c07abcde12' } }, /slack.channelId: 'c07abcde12'/],
    ['zero denied threshold', { deniedAlarmThreshold: 0 }, /deniedAlarmThreshold: 0 is not a whole number from 1/],
    ['fractional threshold', { deniedAlarmThreshold: 1.5 }, /deniedAlarmThreshold: 1.5/],
    ['zero kill-switch attempts', { killSwitch: { deniedAttempts: 0 } }, /killSwitch.deniedAttempts: 0 is not a whole number from 1/],
    ['30 s window', { killSwitch: { deniedAttempts: 3, deniedWindow: Duration.seconds(30) } }, /killSwitch.deniedWindow: 30 seconds/],
    ['window without attempts', { killSwitch: { deniedWindow: Duration.minutes(5) } }, /deniedWindow is set without killSwitch.deniedAttempts/],
    ['kill switch that never fires', { killSwitch: { onCriticalEvent: false } }, /nothing would ever fire it/],
    ['zero alarm period', { deniedAlarmPeriod: Duration.minutes(0) }, /deniedAlarmPeriod: 0 minutes/],
    ['period over a day', { deniedAlarmPeriod: Duration.days(2) }, /deniedAlarmPeriod: 2 days/],
    ['zero retries', { retryAttempts: 0 }, /retryAttempts: 0 is not a whole number from 1 to 185/],
    ['too many retries', { retryAttempts: 186 }, /retryAttempts: 186/],
    ['event age over 24 h', { maxEventAge: Duration.hours(25) }, /maxEventAge: 1 day 1 hour is outside EventBridge's range/],
    ['bad trail ARN', { existingTrailArn: 'org-trail' }, /existingTrailArn: 'org-trail' is not a CloudTrail trail ARN/],
    ['name prefix', { namePrefix: 'bad prefix!' }, /namePrefix: 'bad prefix!' is not a usable name prefix/],
    ['empty agent patterns', { agentRoleArnPatterns: [] }, /agentRoleArnPatterns: \[\] matches no role/],
    ['agent pattern not a role ARN', { agentRoleArnPatterns: ['guardrails-agent/*'] }, /agentRoleArnPatterns\[0\]: 'guardrails-agent\/\*' is not an IAM role ARN pattern/],
    ['maxRules zero', { maxRules: 0 }, /maxRules: 0/],
    ['maxRules too low for the patterns', { maxRules: 10 }, /the patterns need \d+ rules .* over maxRules 10/],
    ['no categories', { services: ['ec2'], categories: [] }, /^DestructiveCallAlarm 'Stack\/Alarm': categories: \[\] watches nothing but the guard rules/],
    ['nothing selected', { services: ['support'], categories: [ActionCategory.ESCALATE] }, /^DestructiveCallAlarm 'Stack\/Alarm': categories\/services: .* select no catalog action/],
    ['name prefix outside the guarded names', { namePrefix: 'agent-alarm' }, /^DestructiveCallAlarm 'Stack\/Alarm': namePrefix: 'agent-alarm' does not start with 'guardrails-', so AgentScp would not guard the alarm's rules.*Use a prefix such as 'guardrails-agent-alarm'/],
  ];
  test.each(cases)('%s', (_n, props, message) => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new DestructiveCallAlarm(stack, 'Alarm', props)).toThrow(message);
    if (!/maxRules too low/.test(_n)) expect(stack.node.tryFindChild('Alarm')).toBeUndefined();
  });
  test('data events with an existing trail', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new DestructiveCallAlarm(stack, 'Alarm', {
      existingTrailArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org',
      dataEventBuckets: [s3.Bucket.fromBucketName(stack, 'B', 'prod')],
    })).toThrow(/dataEventBuckets is set with existingTrailArn/);
  });
  test('more than 3 extra targets', () => {
    const stack = new Stack(new App(), 'Stack');
    const q = new sqs.Queue(stack, 'Q');
    expect(() => new DestructiveCallAlarm(stack, 'Alarm', { extraTargets: [1, 2, 3, 4].map(() => new targets.SqsQueue(q)) as events.IRuleTarget[] }))
      .toThrow(/extraTargets: 4 targets given, but a rule holds at most 5/);
  });
  test('valid values pass', () => {
    expect(() => build({
      emails: ['on.call+agents@example.co.uk'],
      slack: { workspaceId: 'T07ABCDE12', channelId: 'G07ABCDE12' },
      deniedAlarmThreshold: 3,
      deniedAlarmPeriod: Duration.days(1),
      retryAttempts: 1,
      maxEventAge: Duration.minutes(1),
      namePrefix: 'guardrails-agent-alarm',
    })).not.toThrow();
  });
});
