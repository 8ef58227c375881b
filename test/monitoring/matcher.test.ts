/**
 * The harness matcher used to evaluate the alarm's patterns, checked against the EventBridge
 * documentation's content-filtering semantics (examples written for this project after the
 * documented rules): a pattern only matches when every field matches; leaf values are
 * alternatives; prefix, wildcard (with `*` crossing `/`), exists true/false, `$or`, nested
 * objects, array event values (any element), booleans. Unknown operators throw.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */
import { matchesPattern } from '../harness/event-pattern';

const event = {
  'detail-type': 'AWS API Call via CloudTrail',
  'source': 'aws.ec2',
  'detail': {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'TerminateInstances',
    readOnly: false,
    userIdentity: { sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111111111111:role/guardrails-agent/team/bot' } } },
    alarmNames: ['a-1', 'b-2'],
  },
};

test.each([
  ['exact', { source: ['aws.ec2'] }, true],
  ['exact, other value', { source: ['aws.s3'] }, false],
  ['alternatives', { detail: { eventName: ['DeleteVpc', 'TerminateInstances'] } }, true],
  ['prefix', { detail: { eventName: [{ prefix: 'Terminate' }] } }, true],
  ['prefix, no match', { detail: { eventName: [{ prefix: 'Stop' }] } }, false],
  ['wildcard crosses "/"', { detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ wildcard: 'arn:aws:iam::*:role/guardrails-agent/*' }] } } } } }, true],
  ['wildcard anchored at both ends', { detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ wildcard: 'role/guardrails-agent/*' }] } } } } }, false],
  ['exists false on a missing field', { detail: { errorCode: [{ exists: false }] } }, true],
  ['exists true on a missing field', { detail: { errorCode: [{ exists: true }] } }, false],
  ['boolean value', { detail: { readOnly: [false] } }, true],
  ['array event value: any element', { detail: { alarmNames: [{ prefix: 'b-' }] } }, true],
  ['$or: one branch matches', { detail: { $or: [{ eventSource: ['s3.amazonaws.com'] }, { eventName: ['TerminateInstances'] }] } }, true],
  ['$or: no branch matches', { detail: { $or: [{ eventSource: ['s3.amazonaws.com'] }, { eventName: ['DeleteVpc'] }] } }, false],
  ['nested object on a missing parent', { detail: { requestParameters: { name: ['x'] } } }, false],
  ['every field must match', { 'source': ['aws.ec2'], 'detail-type': ['Other'] }, false],
])('%s', (_n, pattern, expected) => {
  expect(matchesPattern(pattern, event)).toBe(expected);
});

test('an unknown operator throws instead of passing', () => {
  expect(() => matchesPattern({ detail: { eventName: [{ cidr: '10.0.0.0/8' }] } }, event)).toThrow(/unsupported operator/);
});
