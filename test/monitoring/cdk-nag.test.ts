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
      .map(m => `${c.node.path} ${JSON.stringify(m.data)}`));
    for (const a of acks) expect(a).toMatch(/AwsSolutions-(SQS3|S1|IAM5|L1)/);
    console.log(acks.join('\n'));
  });
});
