/** The examples of docs/backup.md, compiled and synthesized (keep them in sync). */
import { App, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AgentIdentity, GuardrailBackup, VaultLock } from '../../src';

function inStack(build: (scope: Stack) => void): Template {
  const stack = new Stack(new App(), 'Docs', { env: { account: '123456789012', region: 'eu-west-1' } });
  build(stack);
  return Template.fromStack(stack);
}

test('smallest example + tagging', () => {
  const t = inStack(self => {
    new GuardrailBackup(self, 'Backup');
    const database = new sqs.Queue(self, 'StandIn');
    Tags.of(database).add(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE);
  });
  t.resourceCountIs('AWS::Backup::BackupVault', 1);
});

test('break-glass example', () => {
  const t = inStack(self => {
    const breakGlass = iam.Role.fromRoleName(self, 'BreakGlass', 'BreakGlass');
    new GuardrailBackup(self, 'Backup', {
      adminPrincipals: [breakGlass],
      adminPrincipalArnPatterns: [
        'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*',
      ],
    });
  });
  t.resourceCountIs('AWS::Backup::BackupVault', 1);
});

test('compliance + copy + air-gapped example', () => {
  const t = inStack(self => {
    new GuardrailBackup(self, 'Backup', {
      vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(3) }),
      dailyRetention: Duration.days(35),
      copyTo: [{
        vault: backup.BackupVault.fromBackupVaultArn(self, 'Dr', 'arn:aws:backup:eu-west-1:210987654321:backup-vault:dr'),
        retention: Duration.days(90),
      }],
      airGappedVault: true,
    });
  });
  t.resourceCountIs('AWS::Backup::LogicallyAirGappedBackupVault', 1);
});
