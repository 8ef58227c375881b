/**
 * Named action sets: the action names constructs need for grants, resource policies and
 * guards that are not a category of their own. Input of the catalog generator
 * (`npx projen catalog`), like the curated categories; the generator fails when an entry names
 * an action that is not in the pinned data.
 *
 * Constructs never type action names: they ask `ActionCatalog.actionSet(id)`. Each set says
 * why it exists and who uses it.
 */

export interface ActionSetEntry {
  readonly id: string;
  readonly reason: string;
  readonly actions: string[];
}

export const ACTION_SETS: ActionSetEntry[] = [
  // --- the agent role
  {
    id: 'agent.iam-reads',
    reason: 'IAM reads an agent with developer access keeps, for tools such as `cdk diff` and `terraform plan`',
    actions: ['iam:Get*', 'iam:List*', 'iam:SimulatePrincipalPolicy', 'iam:SimulateCustomPolicy', 'iam:GenerateCredentialReport',
      'iam:GenerateServiceLastAccessedDetails', 'iam:GenerateOrganizationsAccessReport'],
  },
  {
    id: 'agent.role-reads',
    reason: 'the only calls an agent may make on agent roles and their policies (everything else is tampering)',
    actions: ['iam:Get*', 'iam:List*'],
  },
  {
    id: 'agent.assume',
    reason: 'assuming another role: an agent may assume only the read-only CDK lookup role',
    actions: ['sts:AssumeRole'],
  },
  {
    id: 'agent.pass',
    reason: 'handing a role to a service: an agent may pass only the roles a human delegated (passableRoles)',
    actions: ['iam:PassRole'],
  },
  {
    id: 'agent.protected-roles',
    reason: 'every way to act as an administrative role: assume it (with session tags or a source identity) or pass it to a service',
    actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'iam:PassRole'],
  },
  {
    id: 'agent.create-principals',
    reason: 'new roles, users and groups would not carry the agent guardrails',
    actions: ['iam:CreateRole', 'iam:CreateUser', 'iam:CreateGroup'],
  },
  {
    id: 'agent.set-source-identity',
    reason: 'setting the source identity when a session starts: AgentRole\'s trust requires it, with the agent prefix',
    actions: ['sts:SetSourceIdentity'],
  },
  {
    id: 'deploy.create-workload-role',
    reason: 'what a guarded execution role with workload roles may create (the catalog\'s rules require the workload path and the agent boundary)',
    actions: ['iam:CreateRole'],
  },
  {
    id: 'deploy.workload-role-admin',
    reason: 'what a guarded execution role with workload roles may do to roles under the workload path (create them, give them inline and managed policies, update their trust); never change their boundary',
    actions: [
      'iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole', 'iam:UntagRole',
      'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy',
    ],
  },
  {
    id: 'agent.session-tags',
    reason: 'session tags: the trust policy refuses guardrail tag keys so a session cannot change how it is recognised',
    actions: ['sts:TagSession'],
  },
  // --- guarding the guardrails (organization level, every principal but break-glass)
  {
    id: 'guard.agent-roles',
    reason: 'changes that alter what an agent role may do, or whether it is recognised as an agent, and changes to the boundary policies',
    actions: [
      'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
      'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
      'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole',
      'iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy',
      'iam:TagPolicy', 'iam:UntagPolicy',
    ],
  },
  {
    id: 'guard.break-glass-roles',
    reason: 'changes to a break-glass role\'s trust or permissions: whoever could make them could become break-glass',
    actions: [
      'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:UpdateRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole',
    ],
  },
  {
    id: 'guard.guardian-roles',
    reason: 'creating or changing a guardian role (the kill switch\'s): whoever controls it may write to agent roles',
    actions: [
      'iam:CreateRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
      'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
      'iam:UpdateRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole', 'iam:PassRole',
    ],
  },
  {
    id: 'guard.revoke-sessions',
    reason: 'what a guardian (the kill switch) does to an agent role: write the inline policy that revokes its sessions',
    actions: ['iam:PutRolePolicy'],
  },
  {
    id: 'guard.trails',
    reason: 'calls that stop, narrow or delete what CloudTrail records',
    actions: ['cloudtrail:StopLogging', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:DeleteTrail'],
  },
  {
    id: 'guard.rules',
    reason: 'calls that disable, retarget or rewrite an alarm rule',
    actions: ['events:DisableRule', 'events:RemoveTargets', 'events:DeleteRule', 'events:PutRule', 'events:PutTargets'],
  },
  {
    id: 'guard.functions',
    reason: 'calls that change the code, configuration, concurrency or policy of a guardrail function (the kill switch)',
    actions: [
      'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction', 'lambda:PutFunctionConcurrency',
      'lambda:DeleteFunctionConcurrency', 'lambda:AddPermission', 'lambda:RemovePermission', 'lambda:PublishVersion',
      'lambda:UpdateAlias', 'lambda:CreateAlias',
    ],
  },
  {
    id: 'guard.org-policies',
    reason: 'calls that remove, rewrite or switch off SCPs and RCPs',
    actions: ['organizations:DetachPolicy', 'organizations:UpdatePolicy', 'organizations:DeletePolicy', 'organizations:DisablePolicyType'],
  },
  {
    id: 'guard.vault-locks',
    reason: 'calls that remove a backup vault lock or the vault\'s protecting access policy',
    actions: ['backup:DeleteBackupVaultLockConfiguration', 'backup:DeleteBackupVaultAccessPolicy'],
  },
  {
    id: 'guard.leave-organization',
    reason: 'an account that leaves the organization leaves its SCPs and RCPs behind',
    actions: ['organizations:LeaveOrganization'],
  },
  {
    id: 'guard.log-resource-policies',
    reason: 'the account\'s log resource policies let EventBridge deliver denied calls to the alarm\'s log group',
    actions: ['logs:PutResourcePolicy', 'logs:DeleteResourcePolicy'],
  },
  // --- guarded deploys (the agent's own CDK bootstrap)
  {
    id: 'deploy.cloudformation',
    reason: 'what cdk deploy needs from the deploy role, minus what the standard CDK deploy role grants that destroys (cloudformation:DeleteStack, UpdateTerminationProtection)',
    actions: [
      'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteChangeSet',
      'cloudformation:ListChangeSets', 'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources',
      'cloudformation:ListStackResources', 'cloudformation:GetTemplate', 'cloudformation:GetTemplateSummary', 'cloudformation:CreateStack',
      'cloudformation:UpdateStack', 'cloudformation:RollbackStack', 'cloudformation:ContinueUpdateRollback',
    ],
  },
  {
    id: 'deploy.pass-execution-role',
    reason: 'the deploy role hands the guarded execution role to CloudFormation',
    actions: ['iam:PassRole'],
  },
  {
    id: 'deploy.read-bootstrap',
    reason: 'what the deploy role reads: the staged assets and the bootstrap version',
    actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 'ssm:GetParameter', 'ssm:GetParameters'],
  },
  {
    id: 'deploy.publish-files',
    reason: 'what the file publishing role writes to the guarded staging bucket (no deletes: the standard role\'s s3:DeleteObject* is left out; no tagging: '
      + 'asset uploads carry no tags, and object tagging could forge a guardrail tag)',
    actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:PutObject', 's3:AbortMultipartUpload'],
  },
  {
    id: 'deploy.publish-images',
    reason: 'what the image publishing role pushes to the guarded repository',
    actions: [
      'ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:BatchCheckLayerAvailability',
      'ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer',
    ],
  },
  {
    id: 'deploy.registry-login',
    reason: 'an ECR login token (wildcard-only action)',
    actions: ['ecr:GetAuthorizationToken'],
  },
  {
    id: 'deploy.lookup-denied',
    reason: 'the lookup role reads the account for context lookups but never decrypts (as the standard CDK lookup role), nor makes the one '
      + 'catalog action ReadOnlyAccess grants (an OpenID token for a developer identity: a credential); test/deploy/guarded-bootstrap.test.ts keeps this in step',
    actions: ['kms:Decrypt', 'cognito-identity:GetOpenIdTokenForDeveloperIdentity'],
  },
  {
    id: 'deploy.asset-writes',
    reason: 'writes to the staging bucket and repository: only the publishing roles may make them',
    actions: ['s3:PutObject', 's3:PutObjectAcl', 's3:DeleteObject', 's3:DeleteObjectVersion', 'ecr:PutImage', 'ecr:BatchDeleteImage', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'],
  },
  // --- the kill switch
  {
    id: 'kill-switch.revoke',
    reason: 'what the kill switch needs on agent roles: read and write the revoking inline policy',
    actions: ['iam:GetRolePolicy', 'iam:PutRolePolicy'],
  },
  {
    id: 'kill-switch.list',
    reason: 'listing agent roles by path (wildcard-only action)',
    actions: ['iam:ListRoles'],
  },
  {
    id: 'kill-switch.assume-member',
    reason: 'a central kill switch acts in the member account of the agent: it assumes the kill-switch role deployed there in advance',
    actions: ['sts:AssumeRole'],
  },
  // --- the alarm
  {
    id: 'alarm.key-use-by-services',
    reason: 'what EventBridge and CloudWatch need on the alarm key to deliver to the encrypted topic and queue',
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
  },
  {
    id: 'alarm.key-use-by-logs',
    reason: 'what CloudWatch Logs needs on the alarm key to encrypt the alarm\'s log groups',
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
  },
  {
    id: 'org.central-bus-put',
    reason: 'sending events to the central alarm bus: what the bus policy admits from the organization and the forwarder role may call',
    actions: ['events:PutEvents'],
  },
  {
    id: 'alarm.dead-letter',
    reason: 'what EventBridge needs to put an undeliverable alert into the alarm\'s dead-letter queue',
    actions: ['sqs:SendMessage'],
  },
  {
    id: 'alarm.log-delivery',
    reason: 'what EventBridge needs to write denied calls into the alarm\'s log group',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  },
  // --- the backup layer
  {
    id: 'backup.vault-destroy',
    reason: 'vault calls that destroy recovery points or loosen the vault\'s protection (its documented access policy)',
    actions: [
      'backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle', 'backup:DisassociateRecoveryPoint', 'backup:DeleteBackupVault',
      'backup:DeleteBackupVaultAccessPolicy', 'backup:DeleteBackupVaultLockConfiguration',
    ],
  },
  {
    id: 'backup.vault-config',
    reason: 'vault calls CloudFormation needs to create or update the vault\'s policy and lock',
    actions: ['backup:PutBackupVaultAccessPolicy', 'backup:PutBackupVaultLockConfiguration'],
  },
  {
    id: 'backup.key-use',
    reason: 'what AWS Backup needs on the vault key to write encrypted recovery points (no wildcards)',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
  },
  {
    id: 'backup.key-restore',
    reason: 'what the restore role needs on the vault key',
    actions: ['kms:Decrypt', 'kms:DescribeKey'],
  },
  {
    id: 'backup.key-destroy',
    reason: 'key calls that would make every recovery point encrypted by the vault key unreadable',
    actions: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
  },
  // --- the protection layer
  {
    id: 'bucket.protected-settings',
    reason: 'what a ProtectedBucket\'s policy denies to all but its admins: deleting the bucket or object versions, bypassing governance retention, changing policy, versioning, lifecycle, Object Lock, Block Public Access, ACLs or ownership',
    actions: [
      's3:DeleteBucket', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy',
      's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketPublicAccessBlock',
      's3:PutBucketAcl', 's3:PutBucketOwnershipControls',
    ],
  },
  // --- the checks
  {
    id: 'checks.scenarios',
    reason: 'calls of the four acceptance scenarios and cdk destroy: an alarm covers an agent role when it matches each of them',
    actions: ['ec2:TerminateInstances', 'rds:DeleteDBInstance', 's3:DeleteBucket', 'elasticache:DeleteCacheCluster', 'dynamodb:DeleteTable', 'cloudformation:DeleteStack'],
  },
  {
    id: 'checks.telling',
    reason: 'actions shown first in an AG-IAM2 finding when allowed: the scenarios, then protection and escalation',
    actions: [
      'ec2:TerminateInstances', 'rds:DeleteDBInstance', 's3:DeleteBucket', 's3:DeleteObject', 'dynamodb:DeleteTable',
      'elasticache:DeleteCacheCluster', 'cloudformation:DeleteStack', 'rds:ModifyDBInstance', 's3:PutBucketPolicy', 'iam:AttachRolePolicy',
      'iam:PutRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'cloudtrail:StopLogging',
    ],
  },
];

/**
 * Service prefixes of account, identity, organization and billing administration: an agent
 * with developer access has none of their actions but IAM reads.
 */
export const ADMINISTRATION_SERVICES = [
  'iam', 'organizations', 'account', 'sso', 'sso-directory', 'identitystore', 'identity-sync',
  'controltower', 'billing', 'aws-portal', 'payments', 'tax', 'invoicing', 'purchase-orders',
  'consolidatedbilling', 'billingconductor', 'ram',
];
