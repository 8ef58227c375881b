import { EventPatternMatcher } from '../../src/checks/private/event-pattern';
import { isUnknown, referencedIds, resolve } from '../../src/checks/private/intrinsics';

describe('EventPatternMatcher', () => {
  const event = { 'source': 'aws.ec2', 'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventName: 'TerminateInstances', userIdentity: { arn: 'arn:aws:sts::1:assumed-role/x/y' } } };

  test.each([
    [{ source: ['aws.ec2'] }, true],
    [{ source: ['aws.s3'] }, false],
    [{ detail: { eventName: [{ prefix: 'Terminate' }] } }, true],
    [{ detail: { eventName: [{ suffix: 'Instances' }] } }, true],
    [{ detail: { eventName: [{ 'equals-ignore-case': 'terminateinstances' }] } }, true],
    [{ detail: { eventName: [{ 'anything-but': ['TerminateInstances'] }] } }, false],
    [{ detail: { eventName: [{ 'anything-but': { prefix: 'Describe' } }] } }, true],
    [{ detail: { errorCode: [{ exists: false }] } }, true],
    [{ detail: { errorCode: [{ exists: true }] } }, false],
    [{ detail: { userIdentity: { arn: [{ wildcard: 'arn:aws:sts::*:assumed-role/*' }] } } }, true],
    [{ $or: [{ source: ['aws.s3'] }, { detail: { eventName: ['TerminateInstances'] } }] }, true],
    [{ $or: [{ source: ['aws.s3'] }, { source: ['aws.rds'] }] }, false],
  ])('%j -> %p', (pattern, expected) => {
    expect(EventPatternMatcher.matches(pattern, event)).toBe(expected);
  });

  test('unknown operators throw instead of matching', () => {
    expect(() => EventPatternMatcher.matches({ detail: { n: [{ cidr: '10.0.0.0/24' }] } }, event)).toThrow(/^event pattern: unsupported operator 'cidr'$/);
    expect(() => EventPatternMatcher.matches({ source: 'aws.ec2' }, event)).toThrow(/^event pattern: the filter of 'source' must be a list or an object$/);
  });
});

describe('intrinsics', () => {
  test('pseudo parameters resolve, references become markers', () => {
    expect(resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] })).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
    expect(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Role.Arn}' })).toBe('arn:aws:s3:::${Ref:Bucket}/${GetAtt:Role.Arn}');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
    expect(isUnknown(resolve({ 'Fn::GetAtt': ['Role', 'Arn'] }))).toBe(true);
    expect(isUnknown(resolve({ 'Fn::ImportValue': 'x' }))).toBe(true);
    expect(isUnknown('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBe(false);
    expect([...referencedIds({ a: [{ Ref: 'A' }, { 'Fn::GetAtt': ['B', 'Arn'] }, { 'Fn::Sub': '${C}-${AWS::Region}' }, { Ref: 'AWS::AccountId' }] })]).toEqual(['A', 'B', 'C']);
  });
});
