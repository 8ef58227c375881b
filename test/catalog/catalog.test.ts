import * as fs from 'fs';
import { CATALOG_JSON, CATALOG_MD, generateCatalog, MANAGED_POLICIES_JSON } from '../../scripts/catalog/generate';
import { ActionCatalog, ActionCategory } from '../../src';

describe('generated data', () => {
  test('committed catalog.json, CATALOG.md and the checks\' managed-policy table are what the pinned data generates (run `npx projen catalog`)', () => {
    const { json, markdown, managedPolicies } = generateCatalog();
    expect(fs.readFileSync(CATALOG_JSON, 'utf8') === json).toBe(true);
    expect(fs.readFileSync(CATALOG_MD, 'utf8') === markdown).toBe(true);
    expect(fs.readFileSync(MANAGED_POLICIES_JSON, 'utf8') === managedPolicies).toBe(true);
  });

  test('generation is deterministic', () => {
    expect(generateCatalog().json === generateCatalog().json).toBe(true);
  });

  test('covers the whole Service Authorization Reference', () => {
    expect(ActionCatalog.services().length).toBeGreaterThanOrEqual(450);
    expect(ActionCatalog.allActions().length).toBeGreaterThanOrEqual(22_000);
  });
});

describe('classification', () => {
  test.each([
    ['ec2:TerminateInstances', ActionCategory.DESTROY],
    ['rds:DeleteDBInstance', ActionCategory.DESTROY],
    ['s3:DeleteObject', ActionCategory.DESTROY],
    ['s3:DeleteBucket', ActionCategory.DESTROY],
    ['elasticache:DeleteReplicationGroup', ActionCategory.DESTROY],
    ['cloudformation:DeleteStack', ActionCategory.DESTROY],
    ['sqs:PurgeQueue', ActionCategory.DESTROY],
    ['ec2:ReleaseAddress', ActionCategory.DESTROY],
    // naming quirks
    ['ecr:BatchDeleteImage', ActionCategory.DESTROY],
    ['cognito-idp:AdminDeleteUser', ActionCategory.DESTROY],
    ['dynamodb:PartiQLDelete', ActionCategory.DESTROY],
    ['es:ESHttpDelete', ActionCategory.DESTROY],
    ['apigateway:DELETE', ActionCategory.DESTROY],
    ['cassandra:Drop', ActionCategory.DESTROY],
    // stop is DISRUPT, never DESTROY (scenario 2)
    ['ec2:StopInstances', ActionCategory.DISRUPT],
    ['rds:StopDBInstance', ActionCategory.DISRUPT],
    ['ec2:DetachVolume', ActionCategory.DISRUPT],
    // curated
    ['cloudtrail:StopLogging', ActionCategory.WEAKEN],
    ['rds:ModifyDBInstance', ActionCategory.WEAKEN],
    ['kms:ScheduleKeyDeletion', ActionCategory.WEAKEN],
    ['s3:PutBucketPolicy', ActionCategory.EXPOSE],
    ['iam:PutRolePolicy', ActionCategory.ESCALATE],
    ['iam:DeleteRolePermissionsBoundary', ActionCategory.ESCALATE],
  ])('%s is %s', (action, category) => {
    expect(ActionCatalog.categoryOf(action)).toBe(category);
  });

  test.each(['ec2:DescribeInstances', 's3:GetObject', 'ec2:RunInstances', 's3:PutObject', 'ec2:DeleteTags', 'lambda:UntagResource', 'dynamodb:PartiQLSelect'])(
    '%s is in no category', action => {
      expect(ActionCatalog.categoryOf(action)).toBeUndefined();
    });

  test('stop actions are never DESTROY', () => {
    const destroy = new Set(ActionCatalog.actions({ categories: [ActionCategory.DESTROY] }));
    const stops = ActionCatalog.allActions().filter(a => /^[^:]+:Stop/.test(a));
    expect(stops.length).toBeGreaterThan(100);
    expect(stops.filter(a => destroy.has(a))).toEqual([]);
  });

  test('List and Read actions are never in a rule-based category', () => {
    const ruled = ActionCatalog.actions({ categories: [ActionCategory.DESTROY, ActionCategory.DISRUPT] });
    const bad = ruled.filter(a => /^(List|Read)$/.test(ActionCatalog.describe(a).accessLevel));
    expect(bad).toEqual([]);
  });

  test('category sizes', () => {
    const count = (c: ActionCategory) => ActionCatalog.actions({ categories: [c] }).length;
    expect(count(ActionCategory.DESTROY)).toBeGreaterThan(2_400);
    expect(count(ActionCategory.DISRUPT)).toBeGreaterThan(900);
    expect(count(ActionCategory.WEAKEN)).toBeGreaterThanOrEqual(50);
    expect(count(ActionCategory.EXPOSE)).toBeGreaterThanOrEqual(25);
    expect(count(ActionCategory.ESCALATE)).toBeGreaterThanOrEqual(30);
  });

  test('every curated entry has a reason, and ESCALATE entries a public source', () => {
    for (const c of [ActionCategory.WEAKEN, ActionCategory.EXPOSE, ActionCategory.ESCALATE]) {
      for (const a of ActionCatalog.actions({ categories: [c] })) {
        const info = ActionCatalog.describe(a);
        expect(info.reason).toMatch(/\w{3,}/);
        if (c === ActionCategory.ESCALATE) expect(info.source).toMatch(/^https:\/\//);
      }
    }
  });
});

describe('per-action facts', () => {
  test('what later layers need', () => {
    const t = ActionCatalog.describe('ec2:terminateinstances');
    expect(t).toMatchObject({
      action: 'ec2:TerminateInstances',
      accessLevel: 'Write',
      supportsResourceTag: true,
      wildcardOnly: false,
      eventSource: 'ec2.amazonaws.com',
      eventName: 'TerminateInstances',
      dataEvent: false,
    });
    expect(ActionCatalog.describe('s3:DeleteObject').dataEvent).toBe(true);
    expect(ActionCatalog.describe('cloudwatch:DeleteAlarms').eventSource).toBe('monitoring.amazonaws.com');
    expect(ActionCatalog.describe('lambda:DeleteFunction').eventNameHasVersionSuffix).toBe(true);
    expect(ActionCatalog.describe('apigateway:DELETE').eventName).toBeUndefined();
    expect(ActionCatalog.describe('iam:ListRoles').wildcardOnly).toBe(true);
  });

  test('services that support resource control policies come from the data', () => {
    expect(ActionCatalog.rcpServices()).toEqual(expect.arrayContaining(['s3', 'kms', 'secretsmanager', 'sqs', 'sts']));
    expect(ActionCatalog.rcpServices()).not.toContain('ec2');
  });

  test('query filters', () => {
    const ec2 = ActionCatalog.actions({ services: ['ec2'], categories: [ActionCategory.DESTROY] });
    expect(ec2).toContain('ec2:TerminateInstances');
    expect(ec2.every(a => a.startsWith('ec2:'))).toBe(true);
    const untaggable = ActionCatalog.actions({ categories: [ActionCategory.DESTROY], supportsResourceTag: false });
    expect(untaggable.every(a => !ActionCatalog.describe(a).supportsResourceTag)).toBe(true);
  });
});

describe('rules and action sets', () => {
  test('every action of a verb or curated rule carries that rule\'s category, and only those', () => {
    for (const c of Object.values(ActionCategory)) {
      const classifying = ActionCatalog.rules({ categories: [c] })
        .filter(r => !r.guard && r.conditions.length === 0 && !r.resources && !r.notResources && r.categories.includes(c));
      const fromRules = new Set(classifying.flatMap(r => r.actions));
      expect([...fromRules].sort()).toEqual(ActionCatalog.actions({ categories: [c] }).sort());
    }
  });

  test('each action the rules name knows its rules; an action in no rule has none', () => {
    expect(ActionCatalog.rulesOf('ec2:TerminateInstances').map(r => r.id)).toEqual(['destroy.terminate']);
    expect(ActionCatalog.rulesOf('cloudtrail:StopLogging').map(r => r.id).sort()).toEqual(['disrupt.stop', 'weaken.cloudtrail.StopLogging']);
    expect(ActionCatalog.rulesOf('s3:PutBucketTagging').map(r => r.id)).toEqual(['guard.tag-uncheckable']);
    expect(ActionCatalog.rulesOf('ec2:DescribeInstances')).toEqual([]);
  });

  test('every rule has a reason; curated and guard rules a source where the list requires one', () => {
    for (const r of ActionCatalog.rules()) {
      expect(r.reason).toMatch(/\w{3,}/);
      expect(r.actions.length).toBeGreaterThan(0);
      if (r.guard || r.categories.includes(ActionCategory.ESCALATE)) expect(r.source).toMatch(/^https:\/\//);
    }
  });

  test('action sets name catalog actions and say why', () => {
    for (const id of ActionCatalog.actionSetIds()) {
      const set = ActionCatalog.actionSet(id);
      expect(set.reason).toMatch(/\w{3,}/);
      for (const a of set.actions) expect(a.includes('*') ? true : ActionCatalog.has(a)).toBe(true);
    }
  });

  test('unknown rule or set', () => {
    expect(() => ActionCatalog.rule('destroy.everything')).toThrow(/rule: 'destroy.everything' is not a rule of the action catalog/);
    expect(() => ActionCatalog.actionSet('nope')).toThrow(/actionSet: 'nope' is not an action set/);
  });
});

describe('bad input', () => {
  test('unknown action', () => {
    expect(() => ActionCatalog.describe('ec2:TerminateEverything')).toThrow(/action: 'ec2:TerminateEverything' is not in the action catalog.*'service:ActionName'/);
  });
  test('unknown service', () => {
    expect(() => ActionCatalog.actions({ services: ['ec3'] })).toThrow(/services: 'ec3' is not a service prefix/);
    expect(() => ActionCatalog.eventSourceOf('ec3')).toThrow(/service: 'ec3'/);
  });
  test('unknown category', () => {
    expect(() => ActionCatalog.actions({ categories: ['NUKE' as ActionCategory] })).toThrow(/categories: 'NUKE' is not an ActionCategory/);
  });
});
