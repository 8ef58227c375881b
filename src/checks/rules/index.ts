import { BackupSelectionRule } from './backup/backup-selection';
import { VaultLockRule } from './backup/vault-lock';
import { AgentRoleBoundaryRule } from './iam/agent-role-boundary';
import { AgentRoleDestructiveRule } from './iam/agent-role-destructive';
import { AgentAlarmRule } from './monitoring/agent-alarm';
import { AlarmDeliveryRule } from './monitoring/alarm-delivery';
import { TrailIntegrityRule } from './monitoring/trail-integrity';
import { OrgAttachmentCountRule } from './organizations/attachment-count';
import { OrgPolicySizeRule } from './organizations/policy-size';
import { DeletionPolicyRule } from './protection/deletion-policy';
import { ServiceProtectionRule } from './protection/service-protection';
import { StackTerminationProtectionRule } from './protection/stack-termination';
import { GuardrailRule } from './rule';

/** Every rule, in report order. */
export function allRules(): GuardrailRule[] {
  return [
    new AgentRoleBoundaryRule(),
    new AgentRoleDestructiveRule(),
    new OrgPolicySizeRule(),
    new OrgAttachmentCountRule(),
    new DeletionPolicyRule(),
    new ServiceProtectionRule(),
    new StackTerminationProtectionRule(),
    new AgentAlarmRule(),
    new AlarmDeliveryRule(),
    new TrailIntegrityRule(),
    new VaultLockRule(),
    new BackupSelectionRule(),
  ];
}
