/**
 * One table of stateful types: the protection aspect and the checks read the same one, so what
 * `Protection.of()` protects is exactly what AG-RES1 and AG-RES2 look for.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { StatefulResources } from '../../src/checks/private/stateful';
import { Protection } from '../../src/protection';
import { TYPE_RULES } from '../../src/protection/private/rules';
import { STATEFUL_TYPES } from '../../src/protection/private/stateful-types';
import { findingsOf, newApp, newStack } from '../checks/apps';

/** The smallest properties each type needs for the aspect to see what it protects. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  'AWS::ElastiCache::CacheCluster': { Engine: 'redis' },
};

/** A bare resource of each type: a generic L1, or the typed L1 where the aspect must read a list. */
function bare(stack: Stack, type: string): void {
  const id = type.replace(/::/g, '');
  if (type === 'AWS::DynamoDB::GlobalTable') {
    new dynamodb.CfnGlobalTable(stack, id, {
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      replicas: [{ region: 'us-east-1' }, { region: 'eu-west-1' }],
      billingMode: 'PAY_PER_REQUEST',
    });
    return;
  }
  new CfnResource(stack, id, { type, properties: MINIMAL[type] ?? {} });
}

test('the aspect and the checks know the same stateful types', () => {
  expect(Object.keys(TYPE_RULES).sort()).toEqual(Object.keys(STATEFUL_TYPES).sort());
  expect(StatefulResources.types()).toEqual(Object.keys(STATEFUL_TYPES).sort());
});

test('every stateful type, given as a bare L1 and protected by the aspect, passes AG-RES1 and AG-RES2', () => {
  const app = newApp();
  const stack = newStack(app);
  for (const type of Object.keys(STATEFUL_TYPES)) bare(stack, type);
  Protection.of(app).apply();
  const open = findingsOf(app).filter(f => f.ruleId === 'AG-RES1' || f.ruleId === 'AG-RES2').map(f => `${f.ruleId} ${f.logicalId}: ${f.message}`);
  expect(open).toEqual([]);
});

test('without the aspect, every type with a service protection fails AG-RES2, and every type fails AG-RES1', () => {
  const app = newApp();
  const stack = newStack(app);
  for (const type of Object.keys(STATEFUL_TYPES)) bare(stack, type);
  const findings = findingsOf(app);
  const res2 = new Set(findings.filter(f => f.ruleId === 'AG-RES2').map(f => f.logicalId));
  const res1 = new Set(findings.filter(f => f.ruleId === 'AG-RES1').map(f => f.logicalId));
  for (const [type, t] of Object.entries(STATEFUL_TYPES)) {
    const id = type.replace(/::/g, '');
    expect({ type, res2: res2.has(id) }).toEqual({ type, res2: t.protection !== undefined });
    // Types CloudFormation snapshots by default are safe on deletion but not on replacement: AG-RES1 all the same.
    expect({ type, res1: res1.has(id) }).toEqual({ type, res1: true });
  }
});
