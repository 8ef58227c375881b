/**
 * Guarded deploys: what the CloudFormation execution role of an agent (an agent role itself) may
 * do that other agents may not. CloudFormation configures ordinary, secure resources with calls the
 * catalog denies (bucket versioning and policy, log retention, key policy, function permissions,
 * the inline policies of a function's role). The execution role may make them only on resources
 * of the agent's own stacks, identified by a mark nobody can forge:
 *
 * - `tag`: `aws:ResourceTag/aws:cloudformation:stack-name` (an existing resource of the stack) or
 *   `aws:RequestTag/aws:cloudformation:stack-name` (a resource being created with the stack's
 *   tags) starts with the agent stack prefix; CloudFormation sets these tags and the `aws:` prefix
 *   is reserved, so nobody else can;
 * - `name`: the resource ARN, where the service has no resource tag in the request (S3 buckets:
 *   CDK names a bucket after its stack, `agent-<stack>-...`);
 * - `workload-role`: roles under the workload path, which the execution role creates only with
 *   the agent boundary;
 * - `aws-resource`: a KMS grant AWS creates for a service on the caller's behalf (an encrypted
 *   RDS instance), `kms:GrantIsForAWSResource`.
 *
 * Input of the catalog generator (`npx projen catalog`); DenyPlan renders it with `deployer: true`.
 */
import { AgentIdentity } from '../../src/identity/agent-identity';

export interface DeployException {
  readonly id: string;
  readonly actions: string[];
  readonly mark: 'tag' | 'name' | 'workload-role' | 'aws-resource';
  /** ARN patterns of the owned resources, for `name` and `workload-role`. */
  readonly owned?: string[];
  readonly reason: string;
  readonly source: string;
}

const P = AgentIdentity.AGENT_STACK_NAME_PREFIX;

export const DEPLOY_EXCEPTIONS: DeployException[] = [
  {
    id: 'deploy.s3.bucket-configuration',
    actions: [
      's3:PutBucketVersioning', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketPublicAccessBlock', 's3:PutLifecycleConfiguration',
      's3:PutBucketObjectLockConfiguration', 's3:PutBucketOwnershipControls', 's3:PutBucketAcl', 's3:PutBucketTagging', 's3:PutReplicationConfiguration',
    ],
    mark: 'name',
    owned: [`arn:aws:s3:::${P}*`],
    reason: 'AWS::S3::Bucket and AWS::S3::BucketPolicy configure a new bucket with these calls; buckets have no resource tag in the request, so ownership is the name CDK derives from the agent\'s stack',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html',
  },
  {
    id: 'deploy.logs.log-group-configuration',
    actions: ['logs:PutRetentionPolicy'],
    mark: 'tag',
    reason: 'AWS::Logs::LogGroup sets retention after creating the (tagged) group',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html',
  },
  {
    id: 'deploy.kms.key-configuration',
    actions: ['kms:PutKeyPolicy'],
    mark: 'tag',
    reason: 'AWS::KMS::Key sets the key policy of a (tagged) key',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html',
  },
  {
    id: 'deploy.kms.grant-for-aws-resource',
    actions: ['kms:CreateGrant'],
    mark: 'aws-resource',
    reason: 'an encrypted RDS instance or EBS volume has AWS create a grant for the service (kms:GrantIsForAWSResource), not for a principal',
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource',
  },
  {
    id: 'deploy.lambda.function-permission',
    actions: ['lambda:AddPermission', 'lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
    mark: 'tag',
    reason: 'AWS::Lambda::Permission lets the stack\'s own event sources invoke the stack\'s own (tagged) function',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html',
  },
  {
    id: 'deploy.rds.instance-configuration',
    actions: ['rds:ModifyDBInstance', 'rds:ModifyDBCluster'],
    mark: 'tag',
    reason: 'AWS::RDS::DBInstance applies some properties with ModifyDBInstance after creating the (tagged) instance',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html',
  },
  {
    id: 'deploy.iam.workload-roles',
    actions: [
      'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole',
    ],
    mark: 'workload-role',
    owned: [AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN],
    reason: 'a function\'s role and its inline policies: only roles under the workload path, which the catalog\'s rules let the execution role create only with the agent boundary',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html',
  },
];
