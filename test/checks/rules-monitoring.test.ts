import { Stack, Tags } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { findingsOf, newApp, newStack, openOn } from './apps';
import { DestructiveCallAlarm } from '../../src/monitoring';

const AGENT_ISSUER = { detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ wildcard: 'arn:aws:iam::*:role/guardrails-agent/*' }] } } } } };

function agentRole(stack: Stack): iam.CfnRole {
  return new iam.CfnRole(stack, 'Agent', {
    path: '/guardrails-agent/',
    assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] },
  });
}

function l1Rule(stack: Stack, id: string, pattern: object, extra: Partial<events.CfnRuleProps> = {}): events.CfnRule {
  return new events.CfnRule(stack, id, {
    eventPattern: { 'detail-type': ['AWS API Call via CloudTrail'], ...pattern },
    targets: [{ id: 'Log', arn: 'arn:aws:logs:us-east-1:123456789012:log-group:alerts' }],
    ...extra,
  });
}

describe('AG-MON1 agent role without a destructive-call alarm', () => {
  test('L1: no rule at all fails', () => {
    const app = newApp();
    agentRole(newStack(app));
    const [f] = findingsOf(app, 'AG-MON1');
    expect(f.logicalId).toBe('Agent');
    expect(f.message).toMatch(/no live alarm rule matches its calls\.$/);
  });

  test('L1: a rule matching the agent path passes; a disabled one or one on a custom bus does not', () => {
    const app = newApp();
    const stack = newStack(app);
    agentRole(stack);
    l1Rule(stack, 'Alarm', AGENT_ISSUER);
    expect(openOn(app, 'AG-MON1')).toEqual([]);

    for (const extra of [{ state: 'DISABLED' }, { eventBusName: 'custom' }, { targets: [] }]) {
      const app2 = newApp();
      const stack2 = newStack(app2);
      agentRole(stack2);
      l1Rule(stack2, 'Alarm', AGENT_ISSUER, extra);
      expect(openOn(app2, 'AG-MON1')).toEqual(['Agent']);
    }
  });

  test('L1: a rule for another path, or for some scenario calls only, does not cover the role', () => {
    const app = newApp();
    const stack = newStack(app);
    agentRole(stack);
    l1Rule(stack, 'Other', { detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ prefix: 'arn:aws:iam::123456789012:role/ci/' }] } } } } });
    l1Rule(stack, 'Ec2Only', { ...AGENT_ISSUER, source: ['aws.ec2'] });
    const [f] = findingsOf(app, 'AG-MON1');
    expect(f.message).toMatch(/matches its calls of rds:DeleteDBInstance, s3:DeleteBucket, elasticache:DeleteCacheCluster, dynamodb:DeleteTable, cloudformation:DeleteStack/);
    expect(f.message).not.toMatch(/ec2:TerminateInstances/);
  });

  test('L1: an unknown pattern operator is never counted as a match', () => {
    const app = newApp();
    const stack = newStack(app);
    agentRole(stack);
    l1Rule(stack, 'Cidr', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } });
    expect(findingsOf(app, 'AG-MON1')[0].message).toMatch(/rule Cidr: event pattern: unsupported operator 'cidr'/);
  });

  test('L2: an events.Rule on the role ARN covers an L2 role tagged as agent', () => {
    const app = newApp();
    const stack = newStack(app);
    const role = new iam.Role(stack, 'Agent', { assumedBy: new iam.AccountRootPrincipal() });
    Tags.of(role).add('guardrails:agent', 'true');
    const topic = new sns.Topic(stack, 'Topic');
    new events.Rule(stack, 'Alarm', {
      eventPattern: { detailType: ['AWS API Call via CloudTrail'], detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: [role.roleArn] } } } } },
      targets: [new targets.SnsTopic(topic)],
    });
    expect(openOn(app, 'AG-MON1')).toEqual([]);
  });

  test('DestructiveCallAlarm covers agent roles; one limited to S3 does not', () => {
    const app = newApp();
    const stack = newStack(app);
    agentRole(stack);
    new DestructiveCallAlarm(stack, 'Alarm', { emails: ['oncall@example.com'] });
    expect(openOn(app, 'AG-MON1')).toEqual([]);
    expect(openOn(app, 'AG-MON2')).toEqual([]);
    expect(openOn(app, 'AG-MON3')).toEqual([]);

    const app2 = newApp();
    const stack2 = newStack(app2);
    agentRole(stack2);
    new DestructiveCallAlarm(stack2, 'Alarm', { emails: ['oncall@example.com'], services: ['s3'] });
    expect(findingsOf(app2, 'AG-MON1')[0].message).toMatch(/calls of ec2:TerminateInstances, rds:DeleteDBInstance, elasticache/);
  });
});

describe('AG-MON2 alarm that alerts nobody', () => {
  test('L2: a topic without subscription fails; with one it passes', () => {
    const app = newApp();
    const stack = newStack(app);
    const quiet = new sns.Topic(stack, 'Quiet');
    const loud = new sns.Topic(stack, 'Loud');
    loud.addSubscription(new subs.EmailSubscription('oncall@example.com'));
    new events.Rule(stack, 'Alarm', {
      eventPattern: { detailType: ['AWS API Call via CloudTrail'] },
      targets: [new targets.SnsTopic(quiet), new targets.SnsTopic(loud)],
    });
    const f = findingsOf(app, 'AG-MON2');
    expect(f.map(x => x.logicalId)).toEqual([expect.stringMatching(/^Quiet/)]);
    expect(f[0].message).toMatch(/has no subscription/);
  });

  test('L1: a rule with no target, an inline subscription, and a topic outside the app', () => {
    const app = newApp();
    const stack = newStack(app);
    l1Rule(stack, 'NoTarget', {}, { targets: [] });
    const inline = new sns.CfnTopic(stack, 'Inline', { subscription: [{ protocol: 'email', endpoint: 'oncall@example.com' }] });
    l1Rule(stack, 'ToInline', {}, { targets: [{ id: 'T', arn: inline.ref }] });
    l1Rule(stack, 'Elsewhere', {}, { targets: [{ id: 'T', arn: 'arn:aws:sns:us-east-1:999999999999:security' }] });
    const f = findingsOf(app, 'AG-MON2');
    expect(f.map(x => x.logicalId).sort()).toEqual(['Elsewhere', 'NoTarget']);
    expect(f.find(x => x.logicalId === 'Elsewhere')!.message).toMatch(/defined outside this app/);
  });

  test('DestructiveCallAlarm without any subscriber fails', () => {
    const app = newApp();
    new DestructiveCallAlarm(newStack(app), 'Alarm');
    const f = findingsOf(app, 'AG-MON2');
    expect(f).toHaveLength(1);
    expect(f[0].resourceType).toBe('AWS::SNS::Topic');
  });
});

describe('AG-MON3 trail blind to global events or unvalidated', () => {
  test('L1: a trail without log file validation fails; a complete one passes', () => {
    const app = newApp();
    const stack = newStack(app);
    new cloudtrail.CfnTrail(stack, 'Weak', { isLogging: true, s3BucketName: 'logs', includeGlobalServiceEvents: false });
    new cloudtrail.CfnTrail(stack, 'Good', { isLogging: true, s3BucketName: 'logs', enableLogFileValidation: true });
    const f = findingsOf(app, 'AG-MON3');
    expect(f.map(x => x.logicalId)).toEqual(['Weak']);
    expect(f[0].message).toBe('Trail Weak: EnableLogFileValidation is not set; IncludeGlobalServiceEvents is false.');
  });

  test('L2: cloudtrail.Trail defaults pass; includeGlobalServiceEvents false fails', () => {
    const app = newApp();
    const stack = newStack(app);
    const bucket = new s3.Bucket(stack, 'Logs');
    new cloudtrail.Trail(stack, 'Default', { bucket });
    new cloudtrail.Trail(stack, 'Regional', { bucket, includeGlobalServiceEvents: false, isMultiRegionTrail: false });
    expect(openOn(app, 'AG-MON3')).toEqual([expect.stringMatching(/^Regional/)]);
  });
});
