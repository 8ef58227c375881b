/**
 * Sizes with the effect rules, against the budgets: AgentRole's managed policies leave room for two
 * policies of the user's (the default quota is 10), event patterns fit 2,048 characters and the
 * alarm's rules the bus quota. (SCP and RCP counts per target: test/organizations/counts.test.ts.)
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ActionCatalog, ActionCategory, AgentRole, DestructiveCallAlarm, PolicyBudget, PolicyPacker } from '../../src';
import { matchesPattern } from '../harness/event-pattern';

process.env.CDK_VALIDATION = 'false';
const figures: string[] = [];
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[effects] sizes', ...figures].join('\n  '));
});

const stack = () => new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });

test('AgentRole: defaults leave room for two user policies; every category and opt-in rule fits the raised quota', () => {
  const role = new AgentRole(stack(), 'Agent', { assumedBy: new iam.AccountPrincipal('111111111111') });
  expect(role.policies.length + 2).toBeLessThanOrEqual(PolicyBudget.MANAGED_POLICIES_PER_ROLE);
  const all = new AgentRole(stack(), 'Agent', {
    assumedBy: new iam.AccountPrincipal('111111111111'),
    categories: Object.values(ActionCategory),
    optInRules: ActionCatalog.optInRuleIds(),
    allowEphemeralDeletes: true,
    managedPolicyQuota: 20,
  });
  figures.push(`AgentRole defaults: ${role.policies.length} generated managed policies (+2 user = ${role.policies.length + 2} of ${PolicyBudget.MANAGED_POLICIES_PER_ROLE}), ${role.deniedActionCount} actions denied unconditionally`);
  figures.push(`AgentRole every category, every opt-in rule, ephemeral deletes: ${all.policies.length} generated managed policies`);
});

test('DestructiveCallAlarm: patterns within 2,048 characters, rules within the quota of 300 per bus', () => {
  const def = new DestructiveCallAlarm(stack(), 'Alarm');
  const all = new DestructiveCallAlarm(stack(), 'Alarm', { categories: Object.values(ActionCategory), optInRules: ActionCatalog.optInRuleIds(), maxRules: 300 });
  for (const a of [def, all]) {
    expect(Math.max(...a.ruleInfo.map(i => i.characters))).toBeLessThanOrEqual(2048);
    expect(a.rules.length).toBeLessThanOrEqual(300);
  }
  const line = (a: DestructiveCallAlarm) => `${a.rules.length} rules (largest pattern ${Math.max(...a.ruleInfo.map(i => i.characters))} characters), ${a.actionsCovered}/${a.actionsWatched} actions covered`;
  figures.push(`DestructiveCallAlarm defaults: ${line(def)}`);
  figures.push(`DestructiveCallAlarm every category and opt-in rule: ${line(all)}`);
});

test('PolicyPacker splits an event source whose events do not fit one pattern; each event matches one pattern', () => {
  const ec2 = ActionCatalog.actions({ categories: Object.values(ActionCategory) }).filter(a => a.startsWith('ec2:'));
  // The alarm's agent filter (session issuer, source identity) leaves the event names about 1,200 of the 2,048 characters.
  const budget = PolicyBudget.custom('event pattern less the agent filter', 1_200);
  const r = PolicyPacker.packEventPatterns({ actions: ec2, budget, extraDetailJson: '{"errorCode":[{"exists":true}]}' });
  const mine = r.patterns.filter(p => p.eventSources.includes('ec2.amazonaws.com'));
  expect(mine.length).toBeGreaterThan(1);
  for (const p of r.patterns) expect(p.characters).toBeLessThanOrEqual(1_200);
  const names = ec2.map(a => ActionCatalog.describe(a)).filter(i => i.eventName !== undefined).map(i => i.eventName!);
  const wrong = names.filter(n => mine.filter(p => matchesPattern(JSON.parse(p.json),
    { 'detail-type': 'AWS API Call via CloudTrail', 'detail': { eventSource: 'ec2.amazonaws.com', eventName: n, errorCode: 'AccessDenied' } })).length !== 1);
  expect(wrong).toEqual([]);
  expect(r.actionsCovered + r.actionsWithoutEvent.length).toBe(ec2.length);
  figures.push(`PolicyPacker: ${names.length} ec2 events of every category in ${mine.length} patterns (largest ${Math.max(...mine.map(p => p.characters))} characters)`);
});
