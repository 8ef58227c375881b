import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { findingsOf, newApp, newStack, openOn } from './apps';
import { GuardrailBackup } from '../../src/backup';

function table(stack: Stack, id: string): dynamodb.Table {
  return new dynamodb.Table(stack, id, {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

describe('AG-BAK1 backup vault without Vault Lock', () => {
  test('L1: a vault without LockConfiguration fails; with one it passes', () => {
    const app = newApp();
    const stack = newStack(app);
    new backup.CfnBackupVault(stack, 'Open', { backupVaultName: 'open' });
    new backup.CfnBackupVault(stack, 'Locked', { backupVaultName: 'locked', lockConfiguration: { minRetentionDays: 7 } });
    const f = findingsOf(app, 'AG-BAK1');
    expect(f.map(x => x.logicalId)).toEqual(['Open']);
    expect(f[0].message).toBe('Backup vault Open has no Vault Lock (LockConfiguration).');
  });

  test('L2: backup.BackupVault without lockConfiguration fails; with it passes', () => {
    const app = newApp();
    const stack = newStack(app);
    new backup.BackupVault(stack, 'Open');
    new backup.BackupVault(stack, 'Locked', { lockConfiguration: { minRetention: Duration.days(7) } });
    expect(openOn(app, 'AG-BAK1')).toEqual([expect.stringMatching(/^Open/)]);
  });

  test('GuardrailBackup passes', () => {
    const app = newApp();
    new GuardrailBackup(newStack(app), 'Backup');
    expect(openOn(app, 'AG-BAK1')).toEqual([]);
  });
});

describe('AG-BAK2 stateful resource outside every backup plan', () => {
  test('no selection at all: every supported stateful resource fails', () => {
    const app = newApp();
    table(newStack(app), 'Table');
    const [f] = findingsOf(app, 'AG-BAK2');
    expect(f.message).toMatch(/not selected by any backup plan: the app has no backup selection/);
  });

  test('GuardrailBackup selects by tag: tagged resources pass, others fail (even in another stack)', () => {
    const app = newApp();
    new GuardrailBackup(newStack(app, 'Backup'), 'Backup');
    const data = newStack(app, 'Data');
    const tagged = table(data, 'Tagged');
    Tags.of(tagged).add('guardrails:backup', 'true');
    table(data, 'Untagged');
    const f = findingsOf(app, 'AG-BAK2');
    expect(f.map(x => x.logicalId)).toEqual([expect.stringMatching(/^Untagged/)]);
    expect(f[0].message).toMatch(/no backup selection names it or one of its tags \(it has no tags\)/);
  });

  test('L2: a plan listing the resource explicitly selects it', () => {
    const app = newApp();
    const stack = newStack(app);
    const t = table(stack, 'Table');
    const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan');
    plan.addSelection('Selection', { resources: [backup.BackupResource.fromDynamoDbTable(t)] });
    expect(openOn(app, 'AG-BAK2')).toEqual([]);
  });

  test('L1: Resources "*" selects everything; a Conditions tag selects matching resources', () => {
    const app = newApp();
    const stack = newStack(app);
    table(stack, 'Table');
    new backup.CfnBackupSelection(stack, 'All', {
      backupPlanId: 'plan',
      backupSelection: { iamRoleArn: 'arn:aws:iam::123456789012:role/backup', selectionName: 'all', resources: ['*'] },
    });
    expect(openOn(app, 'AG-BAK2')).toEqual([]);

    const app2 = newApp();
    const stack2 = newStack(app2);
    Tags.of(table(stack2, 'Table')).add('tier', 'gold');
    table(stack2, 'Other');
    new backup.CfnBackupSelection(stack2, 'Gold', {
      backupPlanId: 'plan',
      backupSelection: {
        iamRoleArn: 'arn:aws:iam::123456789012:role/backup',
        selectionName: 'gold',
        conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/tier', ConditionValue: 'gold' }] },
      },
    });
    expect(openOn(app2, 'AG-BAK2')).toEqual([expect.stringMatching(/^Other/)]);
  });
});
