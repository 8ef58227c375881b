/**
 * Borrowed power and new identities: requests an agent makes to have something stronger act for
 * it (threat model classes 5 and 6). Written from the public lists (pathfinding.cloud, Rhino
 * Security Labs' escalation methods, the AWS API references) before the rules that close them.
 *
 * A request names its action, the resource (a production resource: one the agent did not
 * deploy), the context that matters, why AWS makes it dangerous, and a source. `owned` gives the
 * same request on something the agent owns (a resource of a stack it deployed through the
 * guarded execution role), which must stay allowed.
 *
 * Chains are evaluated hop by hop: each hop is the request of the principal the previous hop
 * reached (`as`), with that principal's policies.
 */

export const ACCOUNT = '111111111111';
const A = ACCOUNT;
const R = 'us-east-1';

const PATHFINDING = 'https://pathfinding.cloud/';
const RHINO = 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/';
const CFN_ROLE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html';
const CFN_EXEC = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html';
const CDK_BOOTSTRAP = 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html';
const SSM_RUN = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command.html';
const EKS_ACCESS = 'https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html';
const ASSUME_ROOT = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html';
const SOURCE_IDENTITY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html';

/** The stack-name tag CloudFormation puts on the resources of a stack the agent deployed. */
export const OWNED_TAGS = { 'aws:cloudformation:stack-name': 'agent-app' };
/** A production stack's tag: a stack the agent did not deploy. */
export const PROD_TAGS = { 'aws:cloudformation:stack-name': 'prod-app' };

/** The CDK bootstrap roles of the default qualifier (administrator rights). */
export const CDK_EXEC_ROLE = `arn:aws:iam::${A}:role/cdk-hnb659fds-cfn-exec-role-${A}-${R}`;
/** A guarded CloudFormation execution role: an agent role (agent path). */
export const GUARDED_EXEC_ROLE = `arn:aws:iam::${A}:role/guardrails-agent/cdk-agent-cfn-exec-role-${A}-${R}`;

export type BorrowClass = 'stored-role' | 'compute' | 'new-trigger' | 'deploy-poisoning' | 'kubernetes' | 'identity';

export interface BorrowRequest {
  readonly id: string;
  readonly cls: BorrowClass;
  readonly action: string;
  readonly resource: string;
  readonly resourceTags?: Record<string, string>;
  readonly context?: Record<string, string | string[]>;
  /** Why AWS makes the request dangerous. */
  readonly why: string;
  readonly source: string;
  /** The same request on something the agent owns: must stay allowed. */
  readonly owned?: {
    readonly resource?: string;
    readonly resourceTags?: Record<string, string>;
    readonly context?: Record<string, string | string[]>;
  };
}

const fn = (name: string) => `arn:aws:lambda:${R}:${A}:function:${name}`;
const instance = `arn:aws:ec2:${R}:${A}:instance/i-0123456789abcdef0`;
const stack = (name: string) => `arn:aws:cloudformation:${R}:${A}:stack/${name}/0f0f0f0f-aaaa-bbbb-cccc-000000000000`;

export const REQUESTS: BorrowRequest[] = [
  // ---- a CloudFormation stack's stored role (AWS uses it "even if the users don't have permission to pass it")
  {
    id: 'cfn-changeset-stored-role',
    cls: 'stored-role',
    action: 'cloudformation:CreateChangeSet',
    resource: stack('ProdApp'),
    why: 'without RoleARN, CloudFormation uses the stack\'s stored role (the CDK cfn-exec role: AdministratorAccess)',
    source: CFN_ROLE,
    owned: { resource: stack('agent-app'), context: { 'cloudformation:RoleArn': GUARDED_EXEC_ROLE } },
  },
  {
    id: 'cfn-update-stored-role',
    cls: 'stored-role',
    action: 'cloudformation:UpdateStack',
    resource: stack('ProdApp'),
    why: 'UpdateStack without RoleARN runs as the stored role',
    source: CFN_ROLE,
    owned: { resource: stack('agent-app'), context: { 'cloudformation:RoleArn': GUARDED_EXEC_ROLE } },
  },
  {
    id: 'cfn-create-admin-role',
    cls: 'stored-role',
    action: 'cloudformation:CreateStack',
    resource: stack('Escalate'),
    context: { 'cloudformation:RoleArn': CDK_EXEC_ROLE },
    why: 'a stack created with the CDK cfn-exec role can create anything, an administrator role included',
    source: PATHFINDING,
    owned: { resource: stack('agent-app'), context: { 'cloudformation:RoleArn': GUARDED_EXEC_ROLE } },
  },
  {
    id: 'cfn-create-no-role',
    cls: 'stored-role',
    action: 'cloudformation:CreateStack',
    resource: stack('NoRole'),
    why: 'a stack created without a role keeps no stored role, but every later update without RoleARN runs as the caller of that update',
    source: CFN_ROLE,
  },
  {
    id: 'cfn-execute-pending',
    cls: 'stored-role',
    action: 'cloudformation:ExecuteChangeSet',
    resource: stack('ProdApp'),
    why: 'ExecuteChangeSet has no cloudformation:RoleArn key: executing a change set a human or pipeline left pending runs it with their role',
    source: CFN_EXEC,
    owned: { resource: stack('agent-app') },
  },
  { id: 'cfn-continue-rollback', cls: 'stored-role', action: 'cloudformation:ContinueUpdateRollback', resource: stack('ProdApp'), why: 'continues a rollback with the stored role', source: CFN_ROLE },
  { id: 'cfn-delete-stored-role', cls: 'stored-role', action: 'cloudformation:DeleteStack', resource: stack('ProdApp'), why: 'deletes every resource of a stack with the stored role', source: CFN_ROLE },
  {
    id: 'cfn-stackset-create',
    cls: 'stored-role',
    action: 'cloudformation:CreateStackSet',
    resource: '*',
    why: 'a self-managed StackSet runs with AWSCloudFormationStackSetAdministrationRole and the execution role in every target account',
    source: PATHFINDING,
  },
  { id: 'cfn-stackset-update', cls: 'stored-role', action: 'cloudformation:UpdateStackSet', resource: `arn:aws:cloudformation:${R}:${A}:stackset/prod:*`, why: 'updates a StackSet with its administration role', source: PATHFINDING },
  { id: 'cfn-stack-instances', cls: 'stored-role', action: 'cloudformation:CreateStackInstances', resource: `arn:aws:cloudformation:${R}:${A}:stackset/prod:*`, why: 'deploys a StackSet to more accounts with its roles', source: PATHFINDING },

  // ---- compute that runs as someone else
  { id: 'lambda-update-code', cls: 'compute', action: 'lambda:UpdateFunctionCode', resource: fn('prod-orders'), resourceTags: PROD_TAGS, why: 'the new code runs as the function\'s execution role', source: RHINO, owned: { resource: fn('agent-app-fn'), resourceTags: OWNED_TAGS } },
  { id: 'lambda-update-config', cls: 'compute', action: 'lambda:UpdateFunctionConfiguration', resource: fn('prod-orders'), resourceTags: PROD_TAGS, why: 'a new layer or handler runs code as the function\'s role', source: PATHFINDING, owned: { resource: fn('agent-app-fn'), resourceTags: OWNED_TAGS } },
  { id: 'lambda-invoke', cls: 'compute', action: 'lambda:InvokeFunction', resource: fn('prod-admin-task'), resourceTags: PROD_TAGS, why: 'an invocation does what the function does, as its role', source: PATHFINDING, owned: { resource: fn('agent-app-fn'), resourceTags: OWNED_TAGS } },
  { id: 'lambda-cr-provider', cls: 'compute', action: 'lambda:UpdateFunctionCode', resource: fn('ProdStack-AWSCDKCfnUtilsProviderCustomResource'), resourceTags: PROD_TAGS, why: 'a CDK custom-resource provider runs with broad rights at the next deploy', source: PATHFINDING },
  {
    id: 'lambda-esm',
    cls: 'new-trigger',
    action: 'lambda:CreateEventSourceMapping',
    resource: '*',
    context: { 'lambda:FunctionArn': fn('prod-orders') },
    why: 'feeds chosen records to a function that runs as its role',
    source: PATHFINDING,
    owned: { context: { 'lambda:FunctionArn': fn('agent-app-fn') } },
  },
  { id: 'ssm-send-command', cls: 'compute', action: 'ssm:SendCommand', resource: instance, resourceTags: PROD_TAGS, why: 'runs a shell command on the instance as root, with the instance profile\'s rights', source: SSM_RUN, owned: { resourceTags: OWNED_TAGS } },
  { id: 'ssm-start-session', cls: 'compute', action: 'ssm:StartSession', resource: instance, resourceTags: PROD_TAGS, why: 'an interactive shell on the instance', source: SSM_RUN, owned: { resourceTags: OWNED_TAGS } },
  { id: 'ssm-automation', cls: 'compute', action: 'ssm:StartAutomationExecution', resource: `arn:aws:ssm:${R}:${A}:automation-definition/AWS-RunShellScript:$DEFAULT`, why: 'an automation runs as its AutomationAssumeRole', source: PATHFINDING },
  { id: 'ssm-association', cls: 'new-trigger', action: 'ssm:CreateAssociation', resource: `arn:aws:ssm:${R}:${A}:association/*`, why: 'an association runs a document on every targeted instance on a schedule', source: PATHFINDING },
  { id: 'ssm-maintenance-window', cls: 'new-trigger', action: 'ssm:RegisterTaskWithMaintenanceWindow', resource: `arn:aws:ssm:${R}:${A}:maintenancewindow/mw-0123456789abcdef0`, why: 'a maintenance window task runs commands with its service role', source: PATHFINDING },
  { id: 'ec2-instance-connect', cls: 'compute', action: 'ec2-instance-connect:SendSSHPublicKey', resource: instance, resourceTags: PROD_TAGS, why: 'pushes an SSH key to a production instance', source: PATHFINDING, owned: { resourceTags: OWNED_TAGS } },
  { id: 'ec2-serial-console', cls: 'compute', action: 'ec2-instance-connect:SendSerialConsoleSSHPublicKey', resource: instance, resourceTags: PROD_TAGS, why: 'serial console access to a production instance', source: PATHFINDING },
  {
    id: 'codebuild-start',
    cls: 'compute',
    action: 'codebuild:StartBuild',
    resource: `arn:aws:codebuild:${R}:${A}:project/prod-deploy`,
    resourceTags: PROD_TAGS,
    why: 'a build (with a buildspec override) runs as the project\'s service role',
    source: PATHFINDING,
    owned: { resource: `arn:aws:codebuild:${R}:${A}:project/agent-app-build`, resourceTags: OWNED_TAGS },
  },
  { id: 'codebuild-batch', cls: 'compute', action: 'codebuild:StartBuildBatch', resource: `arn:aws:codebuild:${R}:${A}:project/prod-deploy`, resourceTags: PROD_TAGS, why: 'batch builds run as the project\'s role', source: PATHFINDING },
  { id: 'codebuild-update', cls: 'compute', action: 'codebuild:UpdateProject', resource: `arn:aws:codebuild:${R}:${A}:project/prod-deploy`, resourceTags: PROD_TAGS, why: 'rewrites the buildspec of a project that runs with a deploy role', source: PATHFINDING },
  {
    id: 'states-start',
    cls: 'compute',
    action: 'states:StartExecution',
    resource: `arn:aws:states:${R}:${A}:stateMachine:prod-maintenance`,
    resourceTags: PROD_TAGS,
    why: 'an execution calls AWS APIs as the state machine\'s role',
    source: PATHFINDING,
    owned: { resource: `arn:aws:states:${R}:${A}:stateMachine:agent-app-flow`, resourceTags: OWNED_TAGS },
  },
  { id: 'states-sync', cls: 'compute', action: 'states:StartSyncExecution', resource: `arn:aws:states:${R}:${A}:stateMachine:prod-maintenance`, resourceTags: PROD_TAGS, why: 'a synchronous execution, same role', source: PATHFINDING },
  { id: 'states-update', cls: 'compute', action: 'states:UpdateStateMachine', resource: `arn:aws:states:${R}:${A}:stateMachine:prod-maintenance`, resourceTags: PROD_TAGS, why: 'rewrites what a state machine does as its role', source: PATHFINDING },
  { id: 'glue-job-run', cls: 'compute', action: 'glue:StartJobRun', resource: `arn:aws:glue:${R}:${A}:job/prod-etl`, resourceTags: PROD_TAGS, why: 'a job run executes as the job\'s role', source: PATHFINDING },
  { id: 'glue-update-job', cls: 'compute', action: 'glue:UpdateJob', resource: `arn:aws:glue:${R}:${A}:job/prod-etl`, resourceTags: PROD_TAGS, why: 'replaces the script of a job that runs with a privileged role', source: PATHFINDING },
  { id: 'sagemaker-notebook-url', cls: 'compute', action: 'sagemaker:CreatePresignedNotebookInstanceUrl', resource: `arn:aws:sagemaker:${R}:${A}:notebook-instance/prod-notebook`, resourceTags: PROD_TAGS, why: 'a Jupyter shell with the notebook\'s execution role', source: PATHFINDING },
  { id: 'sagemaker-domain-url', cls: 'compute', action: 'sagemaker:CreatePresignedDomainUrl', resource: `arn:aws:sagemaker:${R}:${A}:user-profile/d-abc/prod-user`, resourceTags: PROD_TAGS, why: 'Studio as the user profile\'s role', source: PATHFINDING },
  { id: 'emr-steps', cls: 'compute', action: 'elasticmapreduce:AddJobFlowSteps', resource: `arn:aws:elasticmapreduce:${R}:${A}:cluster/j-ABCDEF`, resourceTags: PROD_TAGS, why: 'steps run on the cluster with its instance profile', source: PATHFINDING },
  { id: 'codedeploy-deploy', cls: 'compute', action: 'codedeploy:CreateDeployment', resource: `arn:aws:codedeploy:${R}:${A}:deploymentgroup:prod-app/prod-group`, resourceTags: PROD_TAGS, why: 'deploys arbitrary code to production instances', source: PATHFINDING },
  { id: 'ecs-exec', cls: 'compute', action: 'ecs:ExecuteCommand', resource: `arn:aws:ecs:${R}:${A}:task/prod-cluster/0123456789abcdef`, resourceTags: PROD_TAGS, why: 'a shell inside a production container with its task role', source: PATHFINDING },
  {
    id: 'ecs-run-task',
    cls: 'compute',
    action: 'ecs:RunTask',
    resource: `arn:aws:ecs:${R}:${A}:task-definition/prod-migrate:3`,
    resourceTags: PROD_TAGS,
    why: 'runs a task (with command overrides) as its task role',
    source: PATHFINDING,
    owned: { resource: `arn:aws:ecs:${R}:${A}:task-definition/agent-app-task:1`, resourceTags: OWNED_TAGS },
  },
  {
    id: 'ecs-update-service',
    cls: 'compute',
    action: 'ecs:UpdateService',
    resource: `arn:aws:ecs:${R}:${A}:service/prod-cluster/prod-api`,
    resourceTags: PROD_TAGS,
    why: 'points a production service at another task definition',
    source: PATHFINDING,
    owned: { resource: `arn:aws:ecs:${R}:${A}:service/agent-cluster/agent-app-api`, resourceTags: OWNED_TAGS },
  },
  { id: 'ecs-start-task', cls: 'compute', action: 'ecs:StartTask', resource: `arn:aws:ecs:${R}:${A}:task-definition/prod-migrate:3`, resourceTags: PROD_TAGS, why: 'starts a task as its task role', source: PATHFINDING },
  { id: 'launch-template-version', cls: 'new-trigger', action: 'ec2:CreateLaunchTemplateVersion', resource: `arn:aws:ec2:${R}:${A}:launch-template/lt-0123456789abcdef0`, resourceTags: PROD_TAGS, why: 'a new version (user data, instance profile) the Auto Scaling group picks up', source: PATHFINDING },
  { id: 'launch-template-default', cls: 'new-trigger', action: 'ec2:ModifyLaunchTemplate', resource: `arn:aws:ec2:${R}:${A}:launch-template/lt-0123456789abcdef0`, resourceTags: PROD_TAGS, why: 'makes the poisoned version the default', source: PATHFINDING },
  {
    id: 'asg-launch-template',
    cls: 'new-trigger',
    action: 'autoscaling:UpdateAutoScalingGroup',
    resource: `arn:aws:autoscaling:${R}:${A}:autoScalingGroup:0f0f:autoScalingGroupName/prod-asg`,
    resourceTags: PROD_TAGS,
    context: { 'autoscaling:LaunchTemplateVersionSpecified': 'true' },
    why: 'points a production group at another launch template version',
    source: PATHFINDING,
    owned: { resourceTags: OWNED_TAGS },
  },
  {
    id: 'asg-launch-configuration',
    cls: 'new-trigger',
    action: 'autoscaling:UpdateAutoScalingGroup',
    resource: `arn:aws:autoscaling:${R}:${A}:autoScalingGroup:0f0f:autoScalingGroupName/prod-asg`,
    resourceTags: PROD_TAGS,
    context: { 'autoscaling:LaunchConfigurationName': 'poisoned' },
    why: 'points a production group at another launch configuration',
    source: PATHFINDING,
  },
  { id: 'batch-submit', cls: 'compute', action: 'batch:SubmitJob', resource: `arn:aws:batch:${R}:${A}:job-definition/prod-job:1`, resourceTags: PROD_TAGS, why: 'a job runs as its job role', source: PATHFINDING },
  { id: 'servicecatalog-provision', cls: 'compute', action: 'servicecatalog:ProvisionProduct', resource: `arn:aws:catalog:${R}:${A}:product/prod-abc`, why: 'a product deploys with its launch role', source: PATHFINDING },
  { id: 'servicecatalog-update', cls: 'compute', action: 'servicecatalog:UpdateProvisionedProduct', resource: '*', why: 'updates a provisioned product with its launch role', source: PATHFINDING },
  // ---- new resources that make existing compute act
  { id: 'events-put-targets', cls: 'new-trigger', action: 'events:PutTargets', resource: `arn:aws:events:${R}:${A}:rule/prod-nightly`, resourceTags: PROD_TAGS, why: 'retargets a production rule (with its target role)', source: PATHFINDING },
  { id: 'codepipeline-start', cls: 'new-trigger', action: 'codepipeline:StartPipelineExecution', resource: `arn:aws:codepipeline:${R}:${A}:prod-pipeline`, resourceTags: PROD_TAGS, why: 'runs the production pipeline with its roles', source: PATHFINDING },
  { id: 'codecommit-push', cls: 'new-trigger', action: 'codecommit:GitPush', resource: `arn:aws:codecommit:${R}:${A}:prod-repo`, resourceTags: PROD_TAGS, why: 'a push to the source of a pipeline deploys it', source: PATHFINDING },
  // ---- poisoning the next human deploy
  { id: 'cdk-asset-bucket', cls: 'deploy-poisoning', action: 's3:PutObject', resource: `arn:aws:s3:::cdk-hnb659fds-assets-${A}-${R}/asset.zip`, why: 'the CDK publisher skips an asset whose hash exists: the next human deploy ships it', source: CDK_BOOTSTRAP },
  { id: 'cdk-asset-repo', cls: 'deploy-poisoning', action: 'ecr:PutImage', resource: `arn:aws:ecr:${R}:${A}:repository/cdk-hnb659fds-container-assets-${A}-${R}`, why: 'a poisoned image tag the next human deploy uses', source: CDK_BOOTSTRAP },
  { id: 'cdk-asset-layer', cls: 'deploy-poisoning', action: 'ecr:InitiateLayerUpload', resource: `arn:aws:ecr:${R}:${A}:repository/cdk-hnb659fds-container-assets-${A}-${R}`, why: 'uploads the layers of a poisoned image', source: CDK_BOOTSTRAP },
  // ---- Kubernetes
  { id: 'eks-access-entry', cls: 'kubernetes', action: 'eks:CreateAccessEntry', resource: `arn:aws:eks:${R}:${A}:cluster/prod`, resourceTags: PROD_TAGS, why: 'maps an IAM principal into the cluster; deletes then happen inside Kubernetes', source: EKS_ACCESS },
  { id: 'eks-associate-policy', cls: 'kubernetes', action: 'eks:AssociateAccessPolicy', resource: `arn:aws:eks:${R}:${A}:access-entry/prod/role/${A}/x/abc`, resourceTags: PROD_TAGS, why: 'associates AmazonEKSClusterAdminPolicy', source: EKS_ACCESS },
  { id: 'eks-update-entry', cls: 'kubernetes', action: 'eks:UpdateAccessEntry', resource: `arn:aws:eks:${R}:${A}:access-entry/prod/role/${A}/x/abc`, resourceTags: PROD_TAGS, why: 'changes the Kubernetes groups of an entry', source: EKS_ACCESS },
  // ---- new identities
  { id: 'assume-root', cls: 'identity', action: 'sts:AssumeRoot', resource: 'arn:aws:iam::222222222222:root', why: 'a root session in a member account (management or delegated administrator)', source: ASSUME_ROOT },
  { id: 'assume-admin-role', cls: 'identity', action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/OrganizationAccountAccessRole`, why: 'a session that is no longer an agent', source: SOURCE_IDENTITY },
  { id: 'assume-cdk-deploy-role', cls: 'identity', action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/cdk-hnb659fds-deploy-role-${A}-${R}`, why: 'the human CDK deploy role passes the admin cfn-exec role', source: CDK_BOOTSTRAP },
  { id: 'create-role', cls: 'identity', action: 'iam:CreateRole', resource: `arn:aws:iam::${A}:role/escalated`, why: 'a new role carries no agent guardrails', source: RHINO },
  { id: 'create-user', cls: 'identity', action: 'iam:CreateUser', resource: `arn:aws:iam::${A}:user/escalated`, why: 'a new user carries no agent guardrails', source: RHINO },
  { id: 'create-login-profile', cls: 'identity', action: 'iam:CreateLoginProfile', resource: `arn:aws:iam::${A}:user/admin`, why: 'a console password for another user', source: RHINO },
  { id: 'break-glass-trust', cls: 'identity', action: 'iam:UpdateAssumeRolePolicy', resource: `arn:aws:iam::${A}:role/BreakGlass`, why: 'lets the agent assume break-glass', source: RHINO },
  { id: 'cognito-dev-identity', cls: 'identity', action: 'cognito-identity:GetOpenIdTokenForDeveloperIdentity', resource: `arn:aws:cognito-identity:${R}:${A}:identitypool/${R}:0f0f`, why: 'mints tokens for any identity of a pool whose role may be privileged', source: PATHFINDING },
  { id: 'rolesanywhere-anchor', cls: 'identity', action: 'rolesanywhere:CreateTrustAnchor', resource: '*', why: 'a trust anchor lets any certificate of a CA the agent controls assume roles', source: PATHFINDING },
  { id: 'rolesanywhere-profile', cls: 'identity', action: 'rolesanywhere:CreateProfile', resource: '*', why: 'a profile names the roles a trust anchor may assume', source: PATHFINDING },
  { id: 'ds-reset-password', cls: 'identity', action: 'ds:ResetUserPassword', resource: `arn:aws:ds:${R}:${A}:directory/d-0123456789`, why: 'takes over a directory user (and the roles it maps to)', source: PATHFINDING },
  { id: 'cognito-set-password', cls: 'identity', action: 'cognito-idp:AdminSetUserPassword', resource: `arn:aws:cognito-idp:${R}:${A}:userpool/${R}_abc`, why: 'takes over an application administrator', source: PATHFINDING },
  { id: 'sso-assignment', cls: 'identity', action: 'sso:CreateAccountAssignment', resource: '*', why: 'assigns a permission set to any user', source: PATHFINDING },
];

/** One hop of a chain: who acts (the agent, or the principal a previous hop reached) and what. */
export interface Hop {
  /** `agent`, or the role ARN reached by an earlier hop. */
  readonly as: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly resourceTags?: Record<string, string>;
}

export interface Chain {
  readonly id: string;
  readonly why: string;
  readonly source: string;
  readonly hops: Hop[];
}

export const PROD_ADMIN_ROLE = `arn:aws:iam::${A}:role/ProdAdmin`;

/** Multi-hop paths: the chain is open only if every hop is allowed (the trust policy of an assumed role included). */
export const CHAINS: Chain[] = [
  {
    id: 'assume-then-delete',
    why: 'assume a role that trusts the account, then delete as it',
    source: SOURCE_IDENTITY,
    hops: [
      { as: 'agent', action: 'sts:AssumeRole', resource: PROD_ADMIN_ROLE },
      { as: PROD_ADMIN_ROLE, action: 'rds:DeleteDBInstance', resource: `arn:aws:rds:${R}:${A}:db:prod` },
    ],
  },
  {
    id: 'stored-role-then-admin',
    why: 'a change set without RoleARN runs as the cfn-exec role, which creates an administrator role',
    source: CFN_ROLE,
    hops: [
      { as: 'agent', action: 'cloudformation:CreateChangeSet', resource: stack('ProdApp') },
      { as: CDK_EXEC_ROLE, action: 'iam:CreateRole', resource: `arn:aws:iam::${A}:role/escalated` },
    ],
  },
  {
    id: 'guarded-exec-then-admin',
    why: 'through the guarded execution role, the template may not create an unbounded role or delete production',
    source: CFN_ROLE,
    hops: [
      { as: 'agent', action: 'cloudformation:CreateChangeSet', resource: stack('agent-app'), context: { 'cloudformation:RoleArn': GUARDED_EXEC_ROLE } },
      { as: GUARDED_EXEC_ROLE, action: 'iam:CreateRole', resource: `arn:aws:iam::${A}:role/escalated` },
    ],
  },
  {
    id: 'guarded-exec-then-delete',
    why: 'the guarded execution role is denied destruction like any agent',
    source: CFN_ROLE,
    hops: [
      { as: 'agent', action: 'cloudformation:CreateChangeSet', resource: stack('agent-app'), context: { 'cloudformation:RoleArn': GUARDED_EXEC_ROLE } },
      { as: GUARDED_EXEC_ROLE, action: 'rds:DeleteDBInstance', resource: `arn:aws:rds:${R}:${A}:db:prod` },
    ],
  },
  {
    id: 'schedule-with-admin-role',
    why: 'a schedule runs its target as the role passed to it',
    source: PATHFINDING,
    hops: [
      { as: 'agent', action: 'scheduler:CreateSchedule', resource: `arn:aws:scheduler:${R}:${A}:schedule/default/x` },
      { as: 'agent', action: 'iam:PassRole', resource: PROD_ADMIN_ROLE, context: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    ],
  },
  {
    id: 'function-with-admin-role',
    why: 'a new function runs as the role passed to it',
    source: RHINO,
    hops: [
      { as: 'agent', action: 'lambda:CreateFunction', resource: fn('escalate') },
      { as: 'agent', action: 'iam:PassRole', resource: PROD_ADMIN_ROLE, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    ],
  },
  {
    id: 'instance-with-admin-profile',
    why: 'an instance runs with the role of its profile',
    source: RHINO,
    hops: [
      { as: 'agent', action: 'ec2:RunInstances', resource: `arn:aws:ec2:${R}:${A}:instance/*` },
      { as: 'agent', action: 'iam:PassRole', resource: PROD_ADMIN_ROLE, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    ],
  },
  {
    id: 'new-role-then-assume',
    why: 'create a role, attach AdministratorAccess, assume it',
    source: RHINO,
    hops: [
      { as: 'agent', action: 'iam:CreateRole', resource: `arn:aws:iam::${A}:role/escalated` },
      { as: 'agent', action: 'iam:AttachRolePolicy', resource: `arn:aws:iam::${A}:role/escalated` },
    ],
  },
  {
    id: 'eks-admin-then-delete',
    why: 'cluster-admin through an access entry; deletes inside Kubernetes are not IAM calls',
    source: EKS_ACCESS,
    hops: [
      { as: 'agent', action: 'eks:CreateAccessEntry', resource: `arn:aws:eks:${R}:${A}:cluster/prod`, resourceTags: PROD_TAGS },
      { as: 'agent', action: 'eks:AssociateAccessPolicy', resource: `arn:aws:eks:${R}:${A}:access-entry/prod/role/${A}/x/abc`, resourceTags: PROD_TAGS },
    ],
  },
];
