import { GuardrailLayer } from '../../guardrail-finding';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-BAK1: backup vaults are locked. */
export class VaultLockRule extends GuardrailRule {
  public readonly id = 'AG-BAK1';
  public readonly name = 'Backup vault without Vault Lock';
  public readonly layer = GuardrailLayer.BACKUP;
  public readonly checks = 'Every AWS::Backup::BackupVault has a LockConfiguration (AWS Backup Vault Lock). Logically air-gapped vaults are locked by design and pass.';
  public readonly why = 'Without a lock, whoever can delete recovery points (or the vault policy that forbids it) can erase the backups that were the last line of defence.';
  public readonly fix = 'Use GuardrailBackup (it locks its vault), or set lockConfiguration on backup.BackupVault (LockConfiguration on the L1).';

  public evaluate(context: RuleContext): RuleHit[] {
    return context.ofType('AWS::Backup::BackupVault')
      .filter(v => v.properties.LockConfiguration === undefined)
      .map(v => ({ resource: v, message: `Backup vault ${v.logicalId} has no Vault Lock (LockConfiguration).` }));
  }
}
