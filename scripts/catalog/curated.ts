/**
 * Curated categories of the action catalog: WEAKEN, EXPOSE and ESCALATE.
 *
 * Input of the catalog generator (`npx projen catalog`). Every entry carries a one-line
 * reason; ESCALATE entries carry the public source that documents the escalation path.
 * The generator fails when an entry names an action that is not in the pinned data.
 */

export interface CuratedEntry {
  readonly action: string;
  readonly reason: string;
  readonly source?: string;
  /** The safer way to do what was meant, where an obvious one exists. */
  readonly alternative?: string;
}

const RHINO = 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/';
const PATHFINDING = 'https://pathfinding.cloud/';
const IAM_BOUNDARY_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html';

/** Actions that switch a protection off or blind monitoring. */
export const WEAKEN: CuratedEntry[] = [
  { action: 'rds:ModifyDBInstance', reason: 'can turn off DeletionProtection and shorten BackupRetentionPeriod of a DB instance' },
  { action: 'rds:ModifyDBCluster', reason: 'can turn off DeletionProtection and shorten BackupRetentionPeriod of an Aurora/Neptune/DocumentDB cluster' },
  { action: 'rds:ModifyGlobalCluster', reason: 'can turn off DeletionProtection of a global database' },
  { action: 'dynamodb:UpdateTable', reason: 'can set DeletionProtectionEnabled to false on a table' },
  { action: 'dynamodb:UpdateContinuousBackups', reason: 'can turn point-in-time recovery off' },
  { action: 'ec2:ModifyInstanceAttribute', reason: 'can turn termination protection (DisableApiTermination) off and volumes to delete on termination' },
  { action: 'ec2:DisableEbsEncryptionByDefault', reason: 'new EBS volumes and snapshots stop being encrypted' },
  { action: 'cloudformation:UpdateTerminationProtection', reason: 'can turn stack termination protection off before delete-stack', alternative: 'leave the stack; remove resources through a reviewed template change' },
  { action: 'cloudformation:SetStackPolicy', reason: 'can replace a stack policy that forbids replacing or deleting resources' },
  { action: 'cognito-idp:UpdateUserPool', reason: 'can set DeletionProtection INACTIVE on a user pool' },
  { action: 's3:PutBucketVersioning', reason: 'can suspend versioning, so later deletes and overwrites lose data' },
  { action: 's3:PutLifecycleConfiguration', reason: 'a lifecycle rule can expire every object and noncurrent version', alternative: 's3:PutBucketIntelligentTieringConfiguration (moves objects to cheaper tiers, deletes nothing)' },
  { action: 's3:PutBucketObjectLockConfiguration', reason: 'can change the default Object Lock retention' },
  { action: 's3:BypassGovernanceRetention', reason: 'lets deletes and retention changes pass governance-mode Object Lock' },
  { action: 's3:PutObjectRetention', reason: 'can shorten object retention (with governance bypass)' },
  { action: 's3:PutObjectLegalHold', reason: 'can lift a legal hold so the version can be deleted' },
  { action: 's3:DeleteBucketPolicy', reason: 'removes a bucket policy that denies deletes' },
  { action: 'cloudtrail:StopLogging', reason: 'stops the trail that records the agent' },
  { action: 'cloudtrail:UpdateTrail', reason: 'can drop regions, global events or log validation from the trail' },
  { action: 'cloudtrail:PutEventSelectors', reason: 'can exclude management or data events from the trail' },
  { action: 'cloudtrail:PutInsightSelectors', reason: 'can turn CloudTrail Insights off' },
  { action: 'cloudtrail:DeleteTrail', reason: 'removes the trail that records the agent' },
  { action: 'events:DisableRule', reason: 'silences an alarm rule' },
  { action: 'events:RemoveTargets', reason: 'detaches the alarm topic or kill switch from a rule' },
  { action: 'events:DeleteRule', reason: 'removes an alarm rule' },
  { action: 'cloudwatch:DisableAlarmActions', reason: 'silences CloudWatch alarms' },
  { action: 'cloudwatch:DeleteAlarms', reason: 'removes CloudWatch alarms' },
  { action: 'sns:Unsubscribe', reason: 'removes a person or channel from the alert topic' },
  { action: 'sns:SetSubscriptionAttributes', reason: 'can filter every alert out of a subscription' },
  { action: 'logs:PutRetentionPolicy', reason: 'can shorten log retention to one day', alternative: 'logs:CreateLogGroup with the retention you need (a new group is yours)' },
  { action: 'logs:DisassociateKmsKey', reason: 'stops encrypting new log data with the customer key' },
  { action: 'logs:PutResourcePolicy', reason: 'can replace the account\'s log resource policy that lets EventBridge deliver denied calls to the alarm\'s log group (the kill switch counts them there)' },
  { action: 'logs:DeleteResourcePolicy', reason: 'removes the log resource policy that lets EventBridge deliver denied calls to the alarm\'s log group' },
  { action: 'config:StopConfigurationRecorder', reason: 'stops AWS Config recording changes' },
  { action: 'config:DeleteConfigurationRecorder', reason: 'removes the AWS Config recorder' },
  { action: 'guardduty:UpdateDetector', reason: 'can disable the GuardDuty detector' },
  { action: 'guardduty:DisassociateFromAdministratorAccount', reason: 'hides the account from the GuardDuty administrator' },
  { action: 'securityhub:DisableSecurityHub', reason: 'turns Security Hub off' },
  { action: 'securityhub:BatchDisableStandards', reason: 'turns Security Hub standards off' },
  { action: 'inspector2:Disable', reason: 'turns Amazon Inspector scanning off' },
  { action: 'backup:DeleteBackupVaultLockConfiguration', reason: 'removes a governance-mode Vault Lock' },
  { action: 'backup:PutBackupVaultLockConfiguration', reason: 'can lower the retention that Vault Lock enforces' },
  { action: 'backup:DeleteBackupVaultAccessPolicy', reason: 'removes the vault policy that denies recovery point deletion' },
  { action: 'backup:PutBackupVaultAccessPolicy', reason: 'can replace the vault policy that denies recovery point deletion' },
  { action: 'backup:UpdateRecoveryPointLifecycle', reason: 'can shorten how long a recovery point is kept' },
  { action: 'backup:UpdateBackupPlan', reason: 'can shorten retention or remove rules of a backup plan' },
  { action: 'backup:DisassociateRecoveryPoint', reason: 'stops continuous backup of a resource' },
  { action: 'elasticfilesystem:PutBackupPolicy', reason: 'can turn automatic EFS backups off' },
  { action: 'ecr:PutLifecyclePolicy', reason: 'a lifecycle policy can expire every image' },
  { action: 'kms:ScheduleKeyDeletion', reason: 'schedules a key for deletion: all data encrypted under it becomes unreadable', alternative: 'stop using the key (remove it from the resources that use it); a deletion needs a human' },
  { action: 'kms:DisableKey', reason: 'makes all data encrypted under the key unreadable until re-enabled' },
  { action: 'kms:DisableKeyRotation', reason: 'turns key rotation off' },
  { action: 'kms:PutKeyPolicy', reason: 'can lock administrators out of a key or open it to others' },
  { action: 'glacier:AbortVaultLock', reason: 'aborts an in-progress Glacier vault lock' },
  { action: 'organizations:DetachPolicy', reason: 'detaches an SCP/RCP that guards agents' },
  { action: 'organizations:UpdatePolicy', reason: 'can rewrite an SCP/RCP that guards agents' },
  { action: 'organizations:DisablePolicyType', reason: 'turns SCPs or RCPs off for a root' },
  { action: 'organizations:LeaveOrganization', reason: 'takes the account out of every organization guardrail' },
  { action: 'organizations:DeregisterDelegatedAdministrator', reason: 'removes the delegated administrator that manages guardrails' },
];

/** Actions that make data public or share it outside the account. */
export const EXPOSE: CuratedEntry[] = [
  { action: 's3:PutBucketPolicy', reason: 'a bucket policy can grant access to everyone' },
  { action: 's3:PutBucketAcl', reason: 'a bucket ACL can grant AllUsers access' },
  { action: 's3:PutObjectAcl', reason: 'an object ACL can grant AllUsers access' },
  { action: 's3:PutObjectVersionAcl', reason: 'an object version ACL can grant AllUsers access' },
  { action: 's3:PutBucketPublicAccessBlock', reason: 'can turn bucket Block Public Access off' },
  { action: 's3:PutAccountPublicAccessBlock', reason: 'can turn account-wide Block Public Access off' },
  { action: 's3:PutAccessPointPolicy', reason: 'an access point policy can grant access to everyone' },
  { action: 's3:PutAccessPointPublicAccessBlock', reason: 'can turn Block Public Access off for an access point' },
  { action: 's3:PutBucketOwnershipControls', reason: 're-enables ACLs, which can then make objects public' },
  { action: 's3:PutReplicationConfiguration', reason: 'can replicate every object to a bucket in another account' },
  { action: 'ec2:ModifySnapshotAttribute', reason: 'can share an EBS snapshot with any account or make it public' },
  { action: 'ec2:ModifyImageAttribute', reason: 'can share an AMI with any account or make it public' },
  { action: 'ec2:DisableSnapshotBlockPublicAccess', reason: 'allows EBS snapshots to be made public' },
  { action: 'ec2:DisableImageBlockPublicAccess', reason: 'allows AMIs to be made public' },
  { action: 'rds:ModifyDBSnapshotAttribute', reason: 'can share a DB snapshot with any account or make it public' },
  { action: 'rds:ModifyDBClusterSnapshotAttribute', reason: 'can share a DB cluster snapshot with any account or make it public' },
  { action: 'redshift:AuthorizeSnapshotAccess', reason: 'shares a Redshift snapshot with another account' },
  { action: 'lambda:AddPermission', reason: 'a function policy can let anyone invoke the function' },
  { action: 'lambda:CreateFunctionUrlConfig', reason: 'a function URL with AuthType NONE is public' },
  { action: 'lambda:UpdateFunctionUrlConfig', reason: 'can switch a function URL to AuthType NONE' },
  { action: 'lambda:AddLayerVersionPermission', reason: 'can share a layer with every account' },
  { action: 'sns:AddPermission', reason: 'can let other accounts publish to or read a topic' },
  { action: 'sqs:AddPermission', reason: 'can let other accounts read a queue' },
  { action: 'ecr:SetRepositoryPolicy', reason: 'a repository policy can let anyone pull images' },
  { action: 'secretsmanager:PutResourcePolicy', reason: 'a secret policy can grant other accounts the secret value' },
  { action: 'kms:CreateGrant', reason: 'a grant lets another principal use the key to decrypt data' },
  { action: 'glacier:SetVaultAccessPolicy', reason: 'a vault policy can grant access to everyone' },
  { action: 'elasticfilesystem:PutFileSystemPolicy', reason: 'a file system policy can grant access to everyone' },
  { action: 'ram:CreateResourceShare', reason: 'shares resources with other accounts or organizations' },
  { action: 'ram:AssociateResourceShare', reason: 'adds principals or resources to a share' },
  { action: 'ssm:ModifyDocumentPermission', reason: 'can share an SSM document publicly' },
];

/** Actions that let a principal raise its own rights (or another principal's it controls). */
export const ESCALATE: CuratedEntry[] = [
  { action: 'iam:CreatePolicyVersion', reason: 'writes a new default version of a policy the principal already has', source: RHINO },
  { action: 'iam:SetDefaultPolicyVersion', reason: 'switches a policy to a more permissive older version', source: RHINO },
  { action: 'iam:PassRole', reason: 'hands a more privileged role to a service the principal controls (EC2, Lambda, CloudFormation, Glue, ...)', source: RHINO },
  { action: 'iam:CreateAccessKey', reason: 'creates long-lived keys for another user', source: RHINO },
  { action: 'iam:CreateLoginProfile', reason: 'sets a console password for another user', source: RHINO },
  { action: 'iam:UpdateLoginProfile', reason: 'changes another user\'s console password', source: RHINO },
  { action: 'iam:AttachUserPolicy', reason: 'attaches any managed policy, e.g. AdministratorAccess, to a user', source: RHINO },
  { action: 'iam:AttachGroupPolicy', reason: 'attaches any managed policy to a group the principal is in', source: RHINO },
  { action: 'iam:AttachRolePolicy', reason: 'attaches any managed policy to a role the principal can assume', source: RHINO },
  { action: 'iam:PutUserPolicy', reason: 'writes an arbitrary inline policy on a user', source: RHINO },
  { action: 'iam:PutGroupPolicy', reason: 'writes an arbitrary inline policy on a group', source: RHINO },
  { action: 'iam:PutRolePolicy', reason: 'writes an arbitrary inline policy on a role', source: RHINO },
  { action: 'iam:AddUserToGroup', reason: 'joins a more privileged group', source: RHINO },
  { action: 'iam:UpdateAssumeRolePolicy', reason: 'lets the principal assume any role by rewriting its trust policy', source: RHINO },
  { action: 'glue:UpdateDevEndpoint', reason: 'adds an SSH key to a dev endpoint that runs with a privileged role', source: RHINO },
  { action: 'iam:DeleteRolePermissionsBoundary', reason: 'removes the permissions boundary that caps a role', source: IAM_BOUNDARY_DOC },
  { action: 'iam:DeleteUserPermissionsBoundary', reason: 'removes the permissions boundary that caps a user', source: IAM_BOUNDARY_DOC },
  { action: 'iam:PutRolePermissionsBoundary', reason: 'replaces a role\'s permissions boundary with a weaker one', source: IAM_BOUNDARY_DOC },
  { action: 'iam:PutUserPermissionsBoundary', reason: 'replaces a user\'s permissions boundary with a weaker one', source: IAM_BOUNDARY_DOC },
  { action: 'iam:AddRoleToInstanceProfile', reason: 'puts a privileged role into an instance profile the principal can launch with', source: PATHFINDING },
  { action: 'iam:UpdateAccessKey', reason: 're-activates another user\'s disabled access key', source: PATHFINDING },
  { action: 'iam:CreateServiceSpecificCredential', reason: 'creates CodeCommit/Keyspaces credentials for another user', source: PATHFINDING },
  { action: 'iam:ResetServiceSpecificCredential', reason: 'resets another user\'s service-specific password', source: PATHFINDING },
  { action: 'iam:UploadSSHPublicKey', reason: 'adds an SSH key to another user (CodeCommit access as that user)', source: PATHFINDING },
  { action: 'iam:CreateOpenIDConnectProvider', reason: 'adds an identity provider that roles may already trust', source: PATHFINDING },
  { action: 'iam:AddClientIDToOpenIDConnectProvider', reason: 'adds an audience to a trusted OIDC provider', source: PATHFINDING },
  { action: 'iam:UpdateOpenIDConnectProviderThumbprint', reason: 'points a trusted OIDC provider at another issuer certificate', source: PATHFINDING },
  { action: 'iam:CreateSAMLProvider', reason: 'adds a SAML identity provider that roles may trust', source: PATHFINDING },
  { action: 'iam:UpdateSAMLProvider', reason: 'replaces the metadata of a trusted SAML provider', source: PATHFINDING },
  { action: 'sso:CreatePermissionSet', reason: 'creates an IAM Identity Center permission set with any rights', source: PATHFINDING },
  { action: 'sso:PutInlinePolicyToPermissionSet', reason: 'writes an arbitrary policy into a permission set', source: PATHFINDING },
  { action: 'sso:AttachManagedPolicyToPermissionSet', reason: 'attaches AdministratorAccess to a permission set', source: PATHFINDING },
  { action: 'sso:CreateAccountAssignment', reason: 'assigns a permission set to a user or group in any account', source: PATHFINDING },
];
