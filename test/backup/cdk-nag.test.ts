import { App, Duration, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardrailBackup, VaultLock } from '../../src/backup';

function stackWith(build: (stack: Stack) => void): Stack {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  build(stack);
  return stack;
}

describe('cdk-nag AwsSolutions', () => {
  test('defaults are clean (AWS managed backup service policies acknowledged with a reason)', () => {
    const stack = stackWith(s => new GuardrailBackup(s, 'Backup'));
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('every option on is clean', () => {
    const stack = stackWith(s => new GuardrailBackup(s, 'Backup', {
      vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(400), changeableFor: Duration.days(3) }),
      adminPrincipals: [new iam.Role(s, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() })],
      copyTo: [{ vault: backup.BackupVault.fromBackupVaultArn(s, 'Dr', 'arn:aws:backup:us-east-1:333333333333:backup-vault:dr') }],
      airGappedVault: true,
    }));
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  test('only IAM4 on the two service roles is acknowledged, and never IAM5', () => {
    const stack = stackWith(s => new GuardrailBackup(s, 'Backup'));
    const acks = stack.node.findAll().flatMap(c => c.node.metadata
      .filter(m => m.type === 'aws:cdk:acknowledged-rules')
      .map(m => ({ path: c.node.path, data: JSON.stringify(m.data) })));
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.path).toMatch(/^Stack\/Backup\/(BackupRole|RestoreRole)$/);
      expect(a.data).toMatch(/AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/(service-role\/)?AWSBackupServiceRolePolicyFor/);
      expect(a.data).not.toMatch(/IAM5/);
    }
  });
});
