import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DestructiveCallAlarm, DestructiveCallForwarder } from '../../src/monitoring';

function violations(build: (s: Stack) => void) {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  build(stack);
  return new AwsSolutionsChecks().validateScope(stack).violations.map((v: any) => `${v.ruleName}: ${JSON.stringify(v.violatingResources?.map((r: any) => r.resourceLogicalId ?? r.locations))}`);
}

describe('cdk-nag AwsSolutions', () => {
  test('every option on is clean (acknowledgements below, each with a reason)', () => {
    expect(violations(s => new DestructiveCallAlarm(s, 'Alarm', {
      emails: ['oncall@example.com'],
      slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' },
      killSwitch: { deniedAttempts: 5, blockNewSessions: true },
      dataEventBuckets: [s3.Bucket.fromBucketName(s, 'Prod', 'prod')],
    }))).toEqual([]);
  });

  test('forwarder is clean', () => {
    expect(violations(s => new DestructiveCallForwarder(s, 'Fwd', { alarmRegion: 'us-east-1' }))).toEqual([]);
  });

  test('acknowledged rules, and only these', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    new DestructiveCallAlarm(stack, 'Alarm', { killSwitch: {}, slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' } });
    const acks = stack.node.findAll().flatMap(c => c.node.metadata
      .filter(m => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap(m => Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({ path: c.node.path, rule, reason }))));
    console.log(acks.map(a => `${a.path} ${a.rule}: ${a.reason}`).join('\n'));
    // Exactly these (an empty list must fail, as must a new or a missing acknowledgement), each with a reason.
    expect(acks.map(a => `${a.path} ${a.rule}`).sort()).toEqual([
      'Stack/Alarm/DeadLetterQueue Annotation::AwsSolutions-SQS3',
      'Stack/Alarm/KillSwitch/Resource Annotation::AwsSolutions-L1',
      'Stack/Alarm/KillSwitch/Role Annotation::AwsSolutions-IAM5[Resource::*]',
      'Stack/Alarm/KillSwitch/Role Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::111111111111:role/guardrails-agent/*]',
      'Stack/Alarm/TrailBucket Annotation::AwsSolutions-S1',
    ]);
    for (const a of acks) expect(a.reason.length).toBeGreaterThan(40);
  });
});
