/**
 * Proof that the synthesized rules alert on the DESIGN.md scenarios and on nothing else.
 *
 * Each event below is a CloudTrail record in the documented format (records.ts). It is
 * evaluated against the EventPattern of every synthesized rule (the template, with
 * intrinsics resolved), using the harness matcher `matchesPattern`, which implements the
 * documented EventBridge semantics and is itself checked on the documentation's examples in
 * matcher.test.ts. An event's severities are the severities of the rules it matches.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as r from './records';
import { ActionCatalog, ActionCategory } from '../../src/catalog';
import { DestructiveCallAlarm, PrincipalScope } from '../../src/monitoring';
import { physicalName, resolveTemplate } from '../harness';
import { matchesPattern } from '../harness/event-pattern';

interface Synth { alarm: DestructiveCallAlarm; keyId: string; rules: Array<{ name: string; severity: string; pattern: any }> }

function synth(props: ConstructorParameters<typeof DestructiveCallAlarm>[2] = {}): Synth {
  const stack = new Stack(new App(), 'Stack', { env: { account: r.ACCOUNT, region: 'us-east-1' } });
  const alarm = new DestructiveCallAlarm(stack, 'Alarm', { namePrefix: 'guardrails', ...props });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
  const rules = Object.values<any>(resolved.Resources)
    .filter(x => x.Type === 'AWS::Events::Rule')
    .map(x => ({ name: x.Properties.Name as string, severity: (x.Properties.Name as string).split('-')[1].toUpperCase(), pattern: x.Properties.EventPattern }));
  const keyLogicalId = Object.keys(resolved.Resources).find(k => resolved.Resources[k].Type === 'AWS::KMS::Key')!;
  return { alarm, rules, keyId: physicalName(keyLogicalId) };
}

const severities = (s: Synth, event: any) => [...new Set(s.rules.filter(x => matchesPattern(x.pattern, event)).map(x => x.severity))].sort();
const matchingRules = (s: Synth, event: any) => s.rules.filter(x => matchesPattern(x.pattern, event)).map(x => x.name);

describe('agent scope (default)', () => {
  const s = synth({ killSwitch: {}, slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' } });

  test('rule counts, pattern sizes and catalog coverage', () => {
    const by = (sev: string) => s.rules.filter(x => x.severity === sev);
    // Drive actions on what the agent does not own alert only when refused: DENIED has their patterns, CRITICAL not.
    expect(by('DENIED').length).toBeGreaterThanOrEqual(by('CRITICAL').length);
    expect(by('TAMPERING').length).toBeGreaterThanOrEqual(1);
    expect(s.rules.length).toBe(s.alarm.rules.length);
    expect(s.rules.length).toBeLessThanOrEqual(250);
    for (const x of s.rules) expect(JSON.stringify(x.pattern).length).toBeLessThanOrEqual(2048);
    // The deny plan at EVENTS: the default categories plus the guard rule that alarms on uncheckable tagging calls.
    const watched = s.alarm.denyPlan.actions();
    expect(ActionCatalog.actions().filter(a => !watched.includes(a))).toEqual([]);
    expect(s.alarm.actionsWatched).toBe(watched.length);
    expect(s.alarm.actionsCovered + s.alarm.actionsWithoutEvent.length).toBe(watched.length);
    console.log(`rules: ${s.rules.length} (critical ${by('CRITICAL').length}, denied ${by('DENIED').length}, tampering ${by('TAMPERING').length}); `
      + `pattern characters max ${Math.max(...s.alarm.ruleInfo.map(i => i.characters))}, mean ${Math.round(s.alarm.ruleInfo.reduce((n, i) => n + i.characters, 0) / s.rules.length)}; `
      + `catalog actions covered ${s.alarm.actionsCovered}/${s.alarm.actionsWatched} (without an event of their own name: ${s.alarm.actionsWithoutEvent.join(', ')})`);
  });

  const positives: Array<[string, (c: r.Caller, denied?: boolean) => any]> = [
    ['1 terraform destroy: ec2 TerminateInstances', r.ec2Terminate],
    ['1 terraform destroy: ec2 DeleteVpc', r.ec2DeleteVpc],
    ['1 terraform destroy: ec2 DeleteSubnet', r.ec2DeleteSubnet],
    ['1 terraform destroy: rds DeleteDBInstance', r.rdsDeleteInstance],
    ['1 terraform destroy: elasticache DeleteReplicationGroup', r.elasticacheDeleteRg],
    ['2 terminate instead of stop: ec2 TerminateInstances', r.ec2Terminate],
    ['3 s3 rm --recursive: s3 DeleteObject (data event)', r.s3DeleteObject],
    ['3 s3 rm --recursive: s3 DeleteObjects (multi-object delete, data event)', r.s3DeleteObjects],
    ['3 s3 rb: s3 DeleteBucket', r.s3DeleteBucket],
    ['4 rds delete-db-instance --skip-final-snapshot', r.rdsDeleteInstance],
    ['cdk destroy: cloudformation DeleteStack', r.cfnDeleteStack],
  ];

  test.each(positives)('scenario %s: succeeded → CRITICAL only, by exactly one rule', (_n, make) => {
    for (const who of [r.AGENT, r.NESTED_AGENT]) {
      const e = make(who, false);
      expect(severities(s, e)).toEqual(['CRITICAL']);
      expect(matchingRules(s, e)).toHaveLength(1);
    }
  });

  test.each(positives)('scenario %s: refused → DENIED only, by exactly one rule', (_n, make) => {
    const e = make(r.AGENT, true);
    expect(e.detail.errorCode).toMatch(/^(Client\.UnauthorizedOperation|AccessDenied)$/);
    expect(severities(s, e)).toEqual(['DENIED']);
    expect(matchingRules(s, e)).toHaveLength(1);
  });

  test('negative set: reads, stop, humans, pipelines, look-alike paths, IAM users and other roles match nothing', () => {
    const negatives = [
      r.ec2Describe(r.AGENT), r.rdsDescribe(r.AGENT), r.s3GetObject(r.AGENT),
      r.ec2Stop(r.AGENT), // scenario 2: stop stays quiet (reversible, the intended action)
      r.ec2Terminate(r.SSO_ADMIN), r.rdsDeleteInstance(r.SSO_ADMIN), r.s3DeleteBucket(r.SSO_ADMIN, true),
      r.cfnDeleteStack(r.PIPELINE), r.elasticacheDeleteRg(r.PIPELINE),
      r.ec2Terminate(r.LOOKALIKE), r.ec2Terminate(r.IAM_USER), r.rdsDeleteInstance(r.IAM_USER, true),
      r.apiCall(r.AGENT, 'ec2.amazonaws.com', 'CreateVpc', { requestParameters: { cidrBlock: '10.0.0.0/16' } }),
      r.apiCall(r.AGENT, 'cloudtrail.amazonaws.com', 'LookupEvents', { readOnly: true }),
    ];
    for (const e of negatives) {
      const id = [e.detail.eventName, e.detail.userIdentity.arn];
      expect([...id, matchingRules(s, e)]).toEqual([...id, []]);
    }
  });

  test('a different detail-type never matches', () => {
    const e = r.ec2Terminate(r.AGENT);
    expect(severities(s, { ...e, 'detail-type': 'EC2 Instance State-change Notification' })).toEqual([]);
  });

  test('tampering with the alarm itself: TAMPERING, succeeded or refused', () => {
    const trail = { name: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/guardrails-trail' };
    const stop = r.apiCall(r.AGENT, 'cloudtrail.amazonaws.com', 'StopLogging', { requestParameters: trail });
    expect(severities(s, stop)).toEqual(['CRITICAL', 'TAMPERING']);
    const stopDenied = r.apiCall(r.AGENT, 'cloudtrail.amazonaws.com', 'StopLogging', { requestParameters: { name: 'guardrails-trail' }, errorCode: 'AccessDenied' });
    expect(severities(s, stopDenied)).toEqual(['DENIED', 'TAMPERING']);
    const disable = r.apiCall(r.AGENT, 'events.amazonaws.com', 'DisableRule', { requestParameters: { name: 'guardrails-critical-03' } });
    expect(severities(s, disable)).toContain('TAMPERING');
    const removeTargets = r.apiCall(r.AGENT, 'events.amazonaws.com', 'RemoveTargets', { requestParameters: { rule: 'guardrails-denied-00', ids: ['Target0'] } });
    expect(severities(s, removeTargets)).toContain('TAMPERING');
    const deleteTopic = r.apiCall(r.AGENT, 'sns.amazonaws.com', 'DeleteTopic', { requestParameters: { topicArn: 'arn:aws:sns:us-east-1:111111111111:guardrails-alerts' } });
    expect(severities(s, deleteTopic)).toContain('TAMPERING');
    const killFn = r.apiCall(r.AGENT, 'lambda.amazonaws.com', 'DeleteFunction20150331', { requestParameters: { functionName: 'guardrails-kill-switch' } });
    expect(severities(s, killFn)).toContain('TAMPERING');
    const key = r.apiCall(r.AGENT, 'kms.amazonaws.com', 'ScheduleKeyDeletion', { requestParameters: { keyId: s.keyId, pendingWindowInDays: 7 } });
    expect(severities(s, key)).toContain('TAMPERING');
    const alarms = r.apiCall(r.AGENT, 'monitoring.amazonaws.com', 'DeleteAlarms', { requestParameters: { alarmNames: ['guardrails-denied-calls'] } });
    expect(severities(s, alarms)).toContain('TAMPERING');
    const slack = r.apiCall(r.AGENT, 'chatbot.amazonaws.com', 'DeleteSlackChannelConfiguration', { requestParameters: { chatConfigurationArn: 'arn:aws:chatbot::111111111111:chat-configuration/slack-channel/guardrails-slack' } });
    expect(severities(s, slack)).toContain('TAMPERING');
  });

  test('the same calls on someone else\'s resources are not tampering', () => {
    const other = r.apiCall(r.AGENT, 'cloudtrail.amazonaws.com', 'StopLogging', { requestParameters: { name: 'other-trail' } });
    expect(severities(s, other)).toEqual(['CRITICAL']);
    const otherRule = r.apiCall(r.AGENT, 'events.amazonaws.com', 'DisableRule', { requestParameters: { name: 'app-rule' } });
    expect(severities(s, otherRule)).toEqual(['CRITICAL']);
  });
});

describe('principalScope EVERYONE', () => {
  const s = synth({ principalScope: PrincipalScope.EVERYONE });
  test('humans, pipelines and IAM users alert too; reads and stop still do not', () => {
    expect(severities(s, r.ec2Terminate(r.SSO_ADMIN))).toEqual(['CRITICAL']);
    expect(severities(s, r.cfnDeleteStack(r.PIPELINE))).toEqual(['CRITICAL']);
    expect(severities(s, r.rdsDeleteInstance(r.IAM_USER, true))).toEqual(['DENIED']);
    expect(severities(s, r.ec2Stop(r.SSO_ADMIN))).toEqual([]);
    expect(severities(s, r.ec2Describe(r.SSO_ADMIN))).toEqual([]);
  });
  test('fewer characters per pattern, so no more rules than the agent scope', () => {
    expect(s.rules.length).toBeLessThanOrEqual(synth().rules.length);
  });
});

describe('narrowed watch', () => {
  test('categories DESTROY on ec2 only: ec2 deletes alert, rds deletes do not', () => {
    const s = synth({ categories: [ActionCategory.DESTROY], services: ['ec2'] });
    expect(severities(s, r.ec2Terminate(r.AGENT))).toEqual(['CRITICAL']);
    expect(severities(s, r.rdsDeleteInstance(r.AGENT))).toEqual([]);
  });
  test('custom agent role ARN patterns replace the default', () => {
    const s = synth({ agentRoleArnPatterns: ['arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Agent_*'] });
    const ssoAgent: r.Caller = { rolePathAndName: '/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Agent_0123', sessionName: 'bot' };
    expect(severities(s, r.ec2Terminate(ssoAgent))).toEqual(['CRITICAL']);
    expect(severities(s, r.ec2Terminate(r.AGENT))).toEqual([]);
  });
});

describe('every watched event name matches exactly one CRITICAL and one DENIED rule (agent scope)', () => {
  const s = synth();
  test('each catalog action with a CloudTrail event', () => {
    let checked = 0;
    for (const action of s.alarm.denyPlan.actions()) {
      const info = ActionCatalog.describe(action);
      if (info.eventName === undefined) continue;
      const name = info.eventNameHasVersionSuffix ? `${info.eventName}20150331` : info.eventName;
      const ok = r.apiCall(r.AGENT, info.eventSource, name);
      const crit = s.rules.filter(x => x.severity === 'CRITICAL' && matchesPattern(x.pattern, ok));
      const den = s.rules.filter(x => x.severity === 'DENIED' && matchesPattern(x.pattern, { ...ok, detail: { ...ok.detail, errorCode: 'AccessDenied' } }));
      // Groups with an event filter need their request parameters (test/conformance.eval.test.ts builds them); here, the plain event.
      const groups = s.alarm.denyPlan.groups.filter(g => g.actions.includes(action));
      if (groups.every(g => g.eventDetailJson !== undefined)) continue;
      const wantCritical = groups.some(g => !g.alarmOnlyWhenRefused && g.eventDetailJson === undefined) ? 1 : 0;
      if (crit.length !== wantCritical || den.length !== 1) throw new Error(`${action}: ${crit.length} critical, ${den.length} denied rules`);
      checked++;
    }
    expect(checked).toBeGreaterThan(2500);
  });
});
