import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as r from './records';
import { DestructiveCallForwarder } from '../../src/monitoring';
import { matchesPattern } from '../harness/event-pattern';

function build(region: string, props: Partial<ConstructorParameters<typeof DestructiveCallForwarder>[2]> = {}) {
  const stack = new Stack(new App(), 'Fwd', { env: { account: '111111111111', region } });
  const fwd = new DestructiveCallForwarder(stack, 'Forwarder', { alarmRegion: 'eu-west-1', ...props });
  return { stack, fwd, t: Template.fromStack(stack) };
}

describe('DestructiveCallForwarder', () => {
  const { t, fwd } = build('us-east-1');
  const rules = Object.values<any>(t.findResources('AWS::Events::Rule'));

  test('forwards to the alarm Region\'s default bus with a DLQ and retry policy', () => {
    expect(rules.length).toBe(fwd.rules.length);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:event-bus/default']] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ForwarderDeadLetterQueue/), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        RoleArn: expect.anything(),
      })]);
      expect(rule.Properties.EventPattern.detail.errorCode).toBeUndefined();
    }
  });

  test('global-service scenario events in us-east-1 are forwarded, succeeded or denied; reads and humans are not', () => {
    const fwdMatches = (e: any) => rules.some(x => matchesPattern(x.Properties.EventPattern, e));
    const iamDelete = r.apiCall(r.AGENT, 'iam.amazonaws.com', 'DeleteRole', { requestParameters: { roleName: 'prod-app' } });
    expect(fwdMatches(iamDelete)).toBe(true);
    expect(fwdMatches(r.ec2Terminate(r.AGENT, true))).toBe(true);
    expect(fwdMatches(r.rdsDeleteInstance(r.AGENT))).toBe(true);
    expect(fwdMatches(r.ec2Describe(r.AGENT))).toBe(false);
    expect(fwdMatches(r.ec2Stop(r.AGENT))).toBe(false);
    expect(fwdMatches(r.ec2Terminate(r.SSO_ADMIN))).toBe(false);
  });

  test('the event bus target role may only put events on the alarm bus', () => {
    const statements = Object.values<any>(t.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(statements.length).toBeGreaterThan(0);
    for (const st of statements) {
      expect(st).toEqual({
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:event-bus/default']] },
      });
    }
  });

  test.each([
    ['a bad Region', { alarmRegion: 'Ireland' }, /alarmRegion: 'Ireland' is not a Region name/],
    ['a bad account', { alarmAccount: '1234' }, /alarmAccount: '1234' is not a 12-digit account ID/],
    ['zero retries', { retryAttempts: 0 }, /retryAttempts: 0/],
    ['event age too short', { maxEventAge: Duration.seconds(10) }, /maxEventAge: 10 seconds/],
  ])('rejects %s', (_n, props, message) => {
    expect(() => build('us-east-1', props as any)).toThrow(message);
  });

  test('rejects forwarding to its own Region', () => {
    expect(() => build('eu-west-1')).toThrow(/alarmAccount\/alarmRegion: 111111111111 eu-west-1 is this stack's own account and Region/);
  });
});
