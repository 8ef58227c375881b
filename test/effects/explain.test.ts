/**
 * Asking the catalog about one action: `ActionCatalog.explain` (a jsii-clean struct) and the
 * `explain` command of the package's CLI, as an agent that was refused (or an alert) would.
 * Also the opt-in setting: every construct takes `optInRules`, validated, through `DenyPlan`.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ActionCatalog, AgentRcp, AgentRole, AgentScp, DenyPlan, DestructiveCallAlarm, DestructiveCallForwarder, EnforcementPoint } from '../../src';
import { main } from '../../src/checks/report/cli';

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

describe('ActionCatalog.explain', () => {
  test('a conditional rule: the condition, the reason, the source and the safer alternative', () => {
    const e = ActionCatalog.explain('route53:changeresourcerecordsets');
    expect(e.action).toBe('route53:ChangeResourceRecordSets');
    expect(e.deniedByDefault).toBe(false);
    expect(e.deniedSometimes).toBe(true);
    const [rule] = e.rules;
    expect(rule).toMatchObject({
      ruleId: 'destroy.route53.record-delete',
      conditions: [{ operator: 'ForAnyValue:StringEquals', key: 'route53:ChangeResourceRecordSetsActions', values: ['DELETE'] }],
      deniedByDefault: true,
      optIn: false,
    });
    expect(rule.saferAlternative).toMatch(/UPSERT/);
    expect(rule.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(e.summary).toMatch(/some cases only[\s\S]*DELETE[\s\S]*Instead: .*UPSERT/);
  });

  test('a verb rule names its safer alternative (terminate -> stop)', () => {
    const e = ActionCatalog.explain('ec2:TerminateInstances');
    expect(e.deniedByDefault).toBe(true);
    expect(e.rules.map(r => r.ruleId)).toEqual(['destroy.terminate']);
    expect(e.rules[0].saferAlternative).toMatch(/ec2:StopInstances/);
  });

  test('stop: allowed by default on EBS-only instances, refused on instance store types', () => {
    const e = ActionCatalog.explain('ec2:StopInstances');
    expect(e.deniedByDefault).toBe(false);
    const store = e.rules.find(r => r.ruleId === 'destroy.ec2.stop-instance-store')!;
    expect(store.conditions[0].key).toBe('ec2:InstanceType');
    expect(e.rules.find(r => r.ruleId === 'disrupt.stop')!.deniedByDefault).toBe(false);
  });

  test('an opt-in rule and an action in no rule', () => {
    const q = ActionCatalog.explain('sqs:SetQueueAttributes');
    expect(q.rules.map(r => [r.ruleId, r.optIn, r.deniedByDefault])).toEqual([['destroy.sqs.queue-attributes', true, false]]);
    expect(q.summary).toMatch(/only when a construct opts in/);
    const read = ActionCatalog.explain('ec2:DescribeInstances');
    expect(read.rules).toEqual([]);
    expect(read.summary).toMatch(/in no rule/);
  });

  test('a CloudTrail event maps back to its action (Lambda version suffix ignored)', () => {
    expect(ActionCatalog.actionOfEvent('ec2.amazonaws.com', 'TerminateInstances')).toBe('ec2:TerminateInstances');
    expect(ActionCatalog.actionOfEvent('lambda.amazonaws.com', 'DeleteFunction20150331')).toBe('lambda:DeleteFunction');
    expect(ActionCatalog.actionOfEvent('monitoring.amazonaws.com', 'DeleteAlarms')).toBe('cloudwatch:DeleteAlarms');
    expect(ActionCatalog.actionOfEvent('s3.amazonaws.com', 'DeleteObjects')).toBe('s3:DeleteObject');
    expect(ActionCatalog.actionOfEvent('ec2.amazonaws.com', 'NoSuchCall')).toBeUndefined();
  });

  test('unknown action throws', () => {
    expect(() => ActionCatalog.explain('ec2:TerminateEverything')).toThrow(/action: 'ec2:TerminateEverything' is not in the action catalog/);
  });
});

describe('npx cdk-agent-guardrails explain', () => {
  test('by action, by CloudTrail event, as JSON', () => {
    const a = run(['explain', 'ec2:TerminateInstances']);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^ec2:TerminateInstances \(Write\) is refused to agents by default\.\n- destroy\.terminate/);
    expect(a.out).toMatch(/Instead: stop it instead \(ec2:StopInstances/);
    const b = run(['explain', 'route53.amazonaws.com', 'ChangeResourceRecordSets']);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/destroy\.route53\.record-delete/);
    const c = run(['explain', 'kms:ImportKeyMaterial', '--json']);
    expect(c.code).toBe(0);
    const json = JSON.parse(c.out);
    expect(json.rules.map((r: any) => r.ruleId)).toContain('destroy.kms.expiring-key-material');
  });

  test('bad input: exit code 2 and a message', () => {
    expect(run(['explain'])).toMatchObject({ code: 2, err: expect.stringMatching(/^No action given/) });
    expect(run(['explain', 'ec2:TerminateEverything'])).toMatchObject({ code: 2, err: expect.stringMatching(/is not an action of the catalog/) });
    expect(run(['explain', 'ec2.amazonaws.com', 'NoSuchCall'])).toMatchObject({ code: 2, err: expect.stringMatching(/No catalog action is recorded by CloudTrail as ec2\.amazonaws\.com NoSuchCall/) });
    expect(run(['explain', 'a', 'b', 'c'])).toMatchObject({ code: 2, err: expect.stringMatching(/Unexpected argument\(s\): c/) });
    expect(run(['explain', 'ec2:TerminateInstances', '--yaml'])).toMatchObject({ code: 2 });
    expect(run(['--help']).out).toMatch(/explain <service:Action \| eventSource eventName>/);
  });
});

describe('optInRules reaches every construct through DenyPlan', () => {
  const ID = 'destroy.sqs.queue-attributes';
  test('the plan leaves opt-in rules out unless named', () => {
    expect(DenyPlan.of({ point: EnforcementPoint.SCP }).ruleIds).not.toContain(ID);
    const plan = DenyPlan.of({ point: EnforcementPoint.SCP, optInRules: [ID] });
    expect(plan.ruleIds).toContain(ID);
    expect(plan.unconditionalActions()).toContain('sqs:SetQueueAttributes');
    expect(ActionCatalog.optInRuleIds()).toContain(ID);
    expect(() => DenyPlan.of({ point: EnforcementPoint.SCP, optInRules: ['destroy.delete'] })).toThrow(/^optInRules: 'destroy\.delete' is not an opt-in rule of the catalog/);
  });

  test('each construct renders it, and refuses an id that is not an opt-in rule, naming itself', () => {
    const stack = () => new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const role = new AgentRole(stack(), 'Agent', { assumedBy: new iam.AccountPrincipal('111111111111'), optInRules: [ID] });
    expect(role.denyPlan.ruleIds).toContain(ID);
    expect(new AgentScp(stack(), 'Scp', { targetIds: ['ou-ab12-cd34ef56'], overflowLevels: [{ targetIds: ['r-ab12'] }], optInRules: [ID] }).denyPlan.ruleIds).toContain(ID);
    expect(new AgentRcp(stack(), 'Rcp', { targetIds: ['r-ab12'], optInRules: [ID] }).denyPlan.ruleIds).toContain(ID);
    expect(new DestructiveCallAlarm(stack(), 'Alarm', { optInRules: [ID] }).denyPlan.ruleIds).toContain(ID);
    new DestructiveCallForwarder(stack(), 'Fwd', { alarmAccount: '222222222222', alarmRegion: 'eu-west-1', optInRules: [ID] });
    expect(() => new AgentRole(stack(), 'Agent', { assumedBy: new iam.AccountPrincipal('111111111111'), optInRules: ['nope'] }))
      .toThrow(/^AgentRole 'S\/Agent': optInRules: 'nope' is not an opt-in rule of the catalog/);
    expect(() => new AgentScp(stack(), 'Scp', { targetIds: ['r-ab12'], optInRules: ['nope'] })).toThrow(/^AgentScp 'S\/Scp': optInRules: 'nope'/);
    expect(() => new AgentRcp(stack(), 'Rcp', { targetIds: ['r-ab12'], optInRules: ['nope'] })).toThrow(/^AgentRcp 'S\/Rcp': optInRules: 'nope'/);
    expect(() => new DestructiveCallAlarm(stack(), 'Alarm', { optInRules: ['nope'] })).toThrow(/^DestructiveCallAlarm 'S\/Alarm': optInRules: 'nope'/);
  });
});
