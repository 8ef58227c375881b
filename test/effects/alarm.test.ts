/**
 * The alarm follows the effect rules: CloudTrail-format records of the calls the conditional rules
 * describe (request parameters as CloudTrail writes them) match exactly one CRITICAL rule when
 * they succeed and one DENIED rule when refused; the harmless twin of each matches nothing. The
 * alert names the rule's safer alternative and how to ask the catalog why.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EFFECT_RULES } from '../../scripts/catalog/effects';
import { ActionCatalog, DestructiveCallAlarm, EnforcementPoint } from '../../src';
import { resolveTemplate } from '../harness';
import { matchesPattern } from '../harness/event-pattern';
import * as r from '../monitoring/records';

process.env.CDK_VALIDATION = 'false';

const stack = new Stack(new App(), 'Stack', { env: { account: r.ACCOUNT, region: 'us-east-1' } });
// Defaults: no opt-in rule (with destroy.autoscaling.capacity on, every UpdateAutoScalingGroup alerts).
const alarm = new DestructiveCallAlarm(stack, 'Alarm', { namePrefix: 'guardrails' });
const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
const rules = Object.values<any>(resolved.Resources).filter(x => x.Type === 'AWS::Events::Rule').map(x => ({
  severity: (x.Properties.Name as string).split('-')[1].toUpperCase(),
  pattern: x.Properties.EventPattern,
  message: JSON.stringify(x.Properties.Targets.find((t: any) => /sns/i.test(JSON.stringify(t.Arn)) || t.InputTransformer)?.InputTransformer?.InputTemplate ?? ''),
}));

const refused = (e: any) => ({ ...e, detail: { ...e.detail, errorCode: 'AccessDenied', errorMessage: 'explicit deny', responseElements: null } });
const hits = (e: any) => rules.filter(x => matchesPattern(x.pattern, e));

/** [rule id, event source, event name, dangerous request parameters, harmless request parameters] */
const CASES: Array<[string, string, string, any, any]> = [
  ['destroy.route53.record-delete', 'route53.amazonaws.com', 'ChangeResourceRecordSets',
    { hostedZoneId: 'Z0PRODEXAMPLE', changeBatch: { changes: [{ action: 'UPSERT', resourceRecordSet: { name: 'www.example.com', type: 'A' } }, { action: 'DELETE', resourceRecordSet: { name: 'mail.example.com', type: 'MX' } }] } },
    { hostedZoneId: 'Z0PRODEXAMPLE', changeBatch: { changes: [{ action: 'CREATE', resourceRecordSet: { name: 'new.example.com', type: 'A' } }, { action: 'UPSERT', resourceRecordSet: { name: 'www.example.com', type: 'A' } }] } }],
  ['destroy.autoscaling.max-zero', 'autoscaling.amazonaws.com', 'UpdateAutoScalingGroup',
    { autoScalingGroupName: 'prod-web', minSize: 0, maxSize: 0 }, { autoScalingGroupName: 'prod-web', minSize: 2, maxSize: 8 }],
  ['destroy.kms.expiring-key-material', 'kms.amazonaws.com', 'ImportKeyMaterial',
    { keyId: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab', validTo: 'Dec 1, 2026, 12:00:00 AM', expirationModel: 'KEY_MATERIAL_EXPIRES' },
    { keyId: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }],
  ['destroy.kms.external-key-origin', 'kms.amazonaws.com', 'CreateKey',
    { keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'EXTERNAL', multiRegion: false },
    { keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', multiRegion: false }],
  ['destroy.s3.sse-c-write', 's3.amazonaws.com', 'PutObject',
    { 'bucketName': 'prod-data', 'key': 'reports/q4.csv', 'Host': 'prod-data.s3.us-east-1.amazonaws.com', 'x-amz-server-side-encryption-customer-algorithm': 'AES256' },
    { 'bucketName': 'prod-data', 'key': 'reports/q4.csv', 'Host': 'prod-data.s3.us-east-1.amazonaws.com', 'x-amz-server-side-encryption': 'aws:kms' }],
  ['destroy.ssm.parameter-overwrite', 'ssm.amazonaws.com', 'PutParameter',
    { name: '/prod/db/url', type: 'String', overwrite: true }, { name: '/dev/new-flag', type: 'String', overwrite: false }],
  ['destroy.ssm.parameter-expiration', 'ssm.amazonaws.com', 'PutParameter',
    { name: '/prod/feature-flags', type: 'String', policies: '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-12-01T00:00:00.000Z"}}]' },
    { name: '/dev/cert', type: 'String', policies: '[{"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"15","Unit":"Days"}}]' }],
  ['destroy.elasticache.snapshot-retention', 'elasticache.amazonaws.com', 'ModifyReplicationGroup',
    { replicationGroupId: 'prod-cache', snapshotRetentionLimit: 0, applyImmediately: true }, { replicationGroupId: 'prod-cache', snapshotRetentionLimit: 14, applyImmediately: true }],
];

describe('conditional effect rules on the alarm', () => {
  test('every conditional effect rule the alarm watches has a case here', () => {
    // The borrowed-power rules have their own records (test/conformance.eval.test.ts, test/borrowed-power.eval.test.ts).
    const effects = new Set(EFFECT_RULES.map(x => x.id));
    const watched = ActionCatalog.rules({ enforceableAt: EnforcementPoint.EVENTS })
      .filter(x => x.conditions.length > 0 && !x.guard && effects.has(x.id)).map(x => x.id).sort();
    expect(CASES.map(c => c[0]).sort()).toEqual(watched);
  });

  test.each(CASES)('%s: success -> one CRITICAL, refusal -> one DENIED, harmless twin -> nothing', (id, source, name, bad, good) => {
    const ok = r.apiCall(r.AGENT, source, name, { requestParameters: bad, dataEvent: source === 's3.amazonaws.com' });
    expect(hits(ok).map(x => x.severity)).toEqual(['CRITICAL']);
    expect(hits(refused(ok)).map(x => x.severity)).toEqual(['DENIED']);
    const twin = r.apiCall(r.AGENT, source, name, { requestParameters: good, dataEvent: source === 's3.amazonaws.com' });
    expect(hits(twin)).toEqual([]);
    // A refused harmless twin alerts only where the plan watches every refusal of the action (a
    // borrowed-power rule such as escalate.autoscaling.launch-template-unowned): then once, DENIED.
    const everyRefusal = alarm.denyPlan.groups.some(g => g.alarmOnlyWhenRefused && g.eventDetailJson === undefined
      && g.actions.includes(ActionCatalog.actionOfEvent(source, name)!));
    expect(hits(refused(twin)).map(x => x.severity)).toEqual(everyRefusal ? ['DENIED'] : []);
    // Humans are not watched (principal scope AGENTS).
    expect(hits(r.apiCall(r.SSO_ADMIN, source, name, { requestParameters: bad }))).toEqual([]);
    // The alert of the matching rule names the rule's safer alternative.
    const alternative = ActionCatalog.rule(id).saferAlternative;
    if (alternative) expect(hits(ok)[0].message).toContain(alternative.replace(/"/g, '\\"'));
  });

  test('unconditional effect rules alert on the call itself; every alert says how to ask why', () => {
    for (const [source, name] of [['kinesis.amazonaws.com', 'DecreaseStreamRetentionPeriod'], ['ec2.amazonaws.com', 'DeregisterImage'],
      ['guardduty.amazonaws.com', 'CreateFilter'], ['savingsplans.amazonaws.com', 'CreateSavingsPlan'], ['dynamodb.amazonaws.com', 'BatchWriteItem']]) {
      const ok = r.apiCall(r.AGENT, source, name);
      expect({ name, severities: hits(ok).map(x => x.severity) }).toEqual({ name, severities: ['CRITICAL'] });
      expect(hits(ok)[0].message).toContain('npx cdk-agent-guardrails explain');
    }
    // Ordinary work stays quiet: a stop, an increase of retention, a read-only session.
    for (const [source, name] of [['ec2.amazonaws.com', 'StopInstances'], ['kinesis.amazonaws.com', 'IncreaseStreamRetentionPeriod'], ['ec2.amazonaws.com', 'CreateImage']]) {
      expect({ name, hits: hits(r.apiCall(r.AGENT, source, name)).length }).toEqual({ name, hits: 0 });
    }
  });

  test('sizes: patterns within 2,048 characters, rules within the bus quota', () => {
    expect(Math.max(...alarm.ruleInfo.map(i => i.characters))).toBeLessThanOrEqual(2048);
    expect(alarm.rules.length).toBeLessThanOrEqual(300);
  });
});
