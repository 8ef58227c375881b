/**
 * Borrowed power and new identities (threat model classes 5 and 6): an agent must not make
 * anything stronger act for it. Input of the catalog generator (`npx projen catalog`).
 *
 * The principle: an agent may drive only what runs with no more power than itself — compute of
 * the stacks it deployed through the guarded execution role (CloudFormation tags every resource
 * of a stack with `aws:cloudformation:stack-name`, a tag nobody can add or remove; agent stacks
 * are named `agent-*`, and only the guarded deploy role deploys them), roles under the agent path that carry the agent guardrails,
 * and roles a human delegated (`passableRoles`). Everything else stays readable, not drivable.
 *
 * Drive actions whose resource has no `aws:ResourceTag` cannot be owned: the negated condition is
 * true when the key is absent, so they are refused on every resource (listed in docs/borrowed-power.md).
 */
import { RuleSpec, RuleSpecCondition } from './rule-specs';
import { AgentIdentity } from '../../src/identity/agent-identity';

const PATHFINDING = 'https://pathfinding.cloud/';
const RHINO = 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/';
const CFN_ROLE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html';
const CFN_EXEC = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html';
const CDK_BOOTSTRAP = 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html';
const SSM_RUN = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command.html';
const EKS_ACCESS = 'https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html';
const ASSUME_ROOT = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html';
const ROLES_ANYWHERE = 'https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html';
const BOUNDARY_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html';

/** The resource was not created by an agent's stack (true when the resource has no such tag). */
const NOT_OWNED: RuleSpecCondition = {
  operator: 'StringNotLike', key: `aws:ResourceTag/${AgentIdentity.STACK_NAME_TAG_KEY}`, values: [`${AgentIdentity.AGENT_STACK_NAME_PREFIX}*`],
};

/** Drive actions: refused on what the agent does not own; the alarm alerts when one is refused. */
function drive(id: string, actions: string[], reason: string, source: string, extra: Partial<RuleSpec> = {}): RuleSpec {
  return {
    id: `escalate.${id}`,
    categories: ['ESCALATE'],
    actions,
    conditions: [NOT_OWNED],
    alarmOnlyWhenRefused: true,
    reason: `${reason}; allowed on resources of the agent's own stacks (${AgentIdentity.STACK_NAME_TAG_KEY} ${AgentIdentity.AGENT_STACK_NAME_PREFIX}*)`,
    source,
    saferAlternative: 'deploy the change through the agent\'s own stack (guarded deploy), or ask a human to run it',
    ...extra,
  };
}

export const BORROWED_POWER: RuleSpec[] = [
  // ---- CloudFormation: only through a guarded execution role (an agent role)
  {
    id: 'escalate.cloudformation.stored-role',
    categories: ['ESCALATE'],
    actions: [
      'cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:ContinueUpdateRollback',
      'cloudformation:RollbackStack', 'cloudformation:CreateStackSet', 'cloudformation:UpdateStackSet',
    ],
    // ArnNotLike is true when RoleARN is absent: the stack's stored role is refused too.
    conditions: [{ operator: 'ArnNotLike', key: 'cloudformation:RoleArn', values: [AgentIdentity.GUARDED_EXECUTION_ROLE_ARN_PATTERN] }],
    eventDetail: { requestParameters: { roleARN: [{ exists: false }, { 'anything-but': { wildcard: AgentIdentity.GUARDED_EXECUTION_ROLE_ARN_PATTERN } }] } },
    reason: 'without RoleARN CloudFormation acts with the stack\'s stored role "even if the users don\'t have permission to pass it" (the CDK cfn-exec role is AdministratorAccess); any other role is not an agent',
    source: CFN_ROLE,
    saferAlternative: 'deploy with the guarded execution role (cdk deploy with the agent\'s bootstrap qualifier)',
  },
  {
    id: 'escalate.cloudformation.execute-unowned',
    categories: ['ESCALATE'],
    actions: ['cloudformation:ExecuteChangeSet'],
    notResources: [`arn:aws:cloudformation:*:*:stack/${AgentIdentity.AGENT_STACK_NAME_PREFIX}*/*`],
    alarmOnlyWhenRefused: true,
    reason: 'ExecuteChangeSet has no cloudformation:RoleArn key: executing a change set a human or a pipeline left pending runs it with their role; only the agent\'s own stacks',
    source: CFN_EXEC,
  },
  {
    id: 'escalate.cloudformation.resource-import',
    categories: ['ESCALATE'],
    actions: ['cloudformation:CreateChangeSet'],
    // The key is present only in a change set of type IMPORT.
    conditions: [{ operator: 'Null', key: 'cloudformation:ImportResourceTypes', values: ['false'] }],
    // An import without the guarded execution role is already the stored-role rule's event: this
    // filter takes the rest, so that each refused or succeeded import alerts once.
    eventDetail: { requestParameters: { changeSetType: ['IMPORT'], roleARN: [{ wildcard: AgentIdentity.GUARDED_EXECUTION_ROLE_ARN_PATTERN }] } },
    reason: 'a change set of type IMPORT adopts an existing resource into a stack: a production resource would become one of the agent\'s own, which its execution role may then configure and drive',
    source: CFN_ROLE,
    saferAlternative: 'ask a human to import the resource into a stack the agent does not own',
  },
  {
    id: 'escalate.cloudformation.stack-instances',
    categories: ['ESCALATE'],
    actions: ['cloudformation:CreateStackInstances', 'cloudformation:UpdateStackInstances'],
    reason: 'deploys a StackSet to more accounts with its administration and execution roles (no RoleArn key)',
    source: PATHFINDING,
  },
  // ---- compute that runs as someone else
  drive('lambda.drive-unowned', ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:InvokeFunction', 'lambda:InvokeAsync', 'lambda:InvokeFunctionUrl', 'lambda:UpdateAlias'],
    'new code, a new layer or handler, or an invocation runs as the function\'s execution role (custom-resource providers included)', RHINO),
  {
    id: 'escalate.lambda.event-source-unowned',
    categories: ['ESCALATE'],
    actions: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
    conditions: [{ operator: 'ArnNotLike', key: 'lambda:FunctionArn', values: [`arn:aws:lambda:*:*:function:${AgentIdentity.AGENT_STACK_NAME_PREFIX}*`] }],
    alarmOnlyWhenRefused: true,
    reason: 'an event source mapping feeds chosen records to a function that runs as its role; only functions of the agent\'s own stacks (named after them)',
    source: PATHFINDING,
  },
  {
    id: 'escalate.ssm.run-on-unowned-instance',
    categories: ['ESCALATE'],
    actions: ['ssm:SendCommand', 'ssm:StartSession'],
    resources: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:managed-instance/*'],
    conditions: [NOT_OWNED],
    alarmOnlyWhenRefused: true,
    reason: 'a command or a shell on an instance runs as root with the instance profile\'s rights; only instances of the agent\'s own stacks',
    source: SSM_RUN,
  },
  {
    id: 'escalate.ssm.automation',
    categories: ['ESCALATE'],
    actions: ['ssm:StartAutomationExecution', 'ssm:CreateAssociation', 'ssm:UpdateAssociation', 'ssm:RegisterTaskWithMaintenanceWindow', 'ssm:UpdateMaintenanceWindowTask'],
    reason: 'automations, associations and maintenance window tasks run documents with their own roles on targets chosen by tag: no key says whose they are',
    source: PATHFINDING,
  },
  drive('ec2-instance-connect.unowned', ['ec2-instance-connect:SendSSHPublicKey', 'ec2-instance-connect:SendSerialConsoleSSHPublicKey'],
    'an SSH key or serial console on an instance gives its shell and instance profile', PATHFINDING),
  drive('codebuild.drive-unowned', ['codebuild:StartBuild', 'codebuild:StartBuildBatch', 'codebuild:RetryBuild', 'codebuild:RetryBuildBatch', 'codebuild:UpdateProject'],
    'a build (with a buildspec override) runs as the project\'s service role', PATHFINDING),
  drive('states.drive-unowned', ['states:StartExecution', 'states:StartSyncExecution', 'states:UpdateStateMachine'],
    'an execution calls AWS APIs as the state machine\'s role', PATHFINDING),
  drive('glue.drive-unowned', ['glue:StartJobRun', 'glue:UpdateJob', 'glue:StartTrigger', 'glue:UpdateTrigger'],
    'a job run or trigger executes a script as the job\'s role', PATHFINDING),
  drive('sagemaker.drive-unowned', ['sagemaker:CreatePresignedNotebookInstanceUrl', 'sagemaker:CreatePresignedDomainUrl', 'sagemaker:UpdateNotebookInstance'],
    'a notebook or Studio session runs with the notebook\'s or profile\'s execution role', PATHFINDING),
  drive('emr.drive-unowned', ['elasticmapreduce:AddJobFlowSteps'], 'steps run on the cluster with its instance profile', PATHFINDING),
  drive('codedeploy.drive-unowned', ['codedeploy:CreateDeployment'], 'deploys arbitrary code to the group\'s instances', PATHFINDING),
  drive('ecs.drive-unowned', ['ecs:ExecuteCommand', 'ecs:RunTask', 'ecs:StartTask', 'ecs:UpdateService'],
    'a shell in a container, a task with command overrides, or a service pointed at another task definition runs as the task role', PATHFINDING),
  drive('ec2.launch-template-unowned', ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
    'a new or default launch template version (user data, instance profile) is what the Auto Scaling group launches next', PATHFINDING),
  drive('autoscaling.launch-template-unowned', ['autoscaling:UpdateAutoScalingGroup'],
    'pointing a group at another launch template version makes it launch that template\'s user data and instance profile (scaling a group stays allowed)', PATHFINDING,
    { conditions: [NOT_OWNED, { operator: 'Null', key: 'autoscaling:LaunchTemplateVersionSpecified', values: ['false'] }] }),
  drive('autoscaling.launch-configuration-unowned', ['autoscaling:UpdateAutoScalingGroup'],
    'pointing a group at another launch configuration makes it launch that configuration\'s user data and instance profile (scaling a group stays allowed)', PATHFINDING,
    { conditions: [NOT_OWNED, { operator: 'Null', key: 'autoscaling:LaunchConfigurationName', values: ['false'] }] }),
  drive('batch.drive-unowned', ['batch:SubmitJob'], 'a job runs as its job role', PATHFINDING),
  {
    id: 'escalate.servicecatalog.launch-role',
    categories: ['ESCALATE'],
    actions: ['servicecatalog:ProvisionProduct', 'servicecatalog:UpdateProvisionedProduct'],
    reason: 'a product deploys with its launch role, whatever the caller may do',
    source: PATHFINDING,
  },
  // ---- new resources that make existing compute act
  drive('events.targets-unowned', ['events:PutTargets'], 'retargets a rule (with its target role) that runs on a schedule or on events', PATHFINDING),
  drive('codepipeline.drive-unowned', ['codepipeline:StartPipelineExecution', 'codepipeline:RetryStageExecution', 'codepipeline:UpdatePipeline'],
    'runs or rewrites a pipeline that deploys with its roles', PATHFINDING),
  drive('codecommit.push-unowned', ['codecommit:GitPush'], 'a push to the source of a pipeline deploys it', PATHFINDING),
  // ---- poisoning the next human deploy
  {
    id: 'escalate.cdk.asset-bucket',
    categories: ['ESCALATE'],
    actions: ['s3:PutObject', 's3:PutObjectAcl', 's3:RestoreObject'],
    resources: ['arn:aws:s3:::cdk-*/*'],
    eventDetail: { requestParameters: { bucketName: [{ prefix: 'cdk-' }] } },
    reason: 'the CDK publisher skips an asset whose hash already exists: an object written to a CDK bootstrap bucket ships with the next human deploy',
    source: CDK_BOOTSTRAP,
    saferAlternative: 'publish through the guarded bootstrap\'s own bucket',
  },
  {
    id: 'escalate.cdk.asset-repository',
    categories: ['ESCALATE'],
    actions: ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImageTagMutability'],
    resources: ['arn:aws:ecr:*:*:repository/cdk-*'],
    eventDetail: { requestParameters: { repositoryName: [{ prefix: 'cdk-' }] } },
    reason: 'an image pushed to a CDK bootstrap repository ships with the next human deploy',
    source: CDK_BOOTSTRAP,
    saferAlternative: 'publish through the guarded bootstrap\'s own repository',
  },
  // ---- Kubernetes
  drive('eks.access-unowned', ['eks:CreateAccessEntry', 'eks:UpdateAccessEntry', 'eks:AssociateAccessPolicy'],
    'maps a principal into the cluster as cluster-admin: deletes then happen inside Kubernetes, where IAM never sees them', EKS_ACCESS),
  // ---- new identities
  {
    id: 'escalate.sts.assume-root',
    categories: ['ESCALATE'],
    actions: ['sts:AssumeRoot'],
    reason: 'a root session in a member account, from the management or delegated administrator account',
    source: ASSUME_ROOT,
  },
  {
    id: 'escalate.sts.assume-non-agent-role',
    categories: ['ESCALATE'],
    actions: ['sts:AssumeRole'],
    // Agent roles (the guarded bootstrap's included) and workload roles are agents too; any other session is not.
    notResources: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN],
    at: ['SCP', 'EVENTS'],
    eventDetail: { requestParameters: { roleArn: [{ 'anything-but': { wildcard: AgentIdentity.AGENT_ROLE_ARN_PATTERN } }] } },
    reason: 'a session in a role that is not an agent loses the agent\'s guardrails (AgentRole itself allows only the CDK lookup role and the guarded bootstrap roles)',
    source: RHINO,
  },
  {
    id: 'escalate.iam.create-principals',
    categories: ['ESCALATE'],
    actions: ['iam:CreateUser', 'iam:CreateGroup'],
    reason: 'a new user or group carries no agent guardrails',
    source: RHINO,
  },
  {
    id: 'escalate.iam.create-unbounded-role',
    categories: ['ESCALATE'],
    actions: ['iam:CreateRole'],
    // ArnNotLike is true when no boundary is given.
    conditions: [{ operator: 'ArnNotLike', key: 'iam:PermissionsBoundary', values: [AgentIdentity.AGENT_POLICY_ARN_PATTERN] }],
    // One alarm for both create-role rules: without the agent boundary, or outside the workload path.
    eventDetail: {
      $or: [
        { requestParameters: { permissionsBoundary: [{ exists: false }, { 'anything-but': { wildcard: AgentIdentity.AGENT_POLICY_ARN_PATTERN } }] } },
        { requestParameters: { path: [{ exists: false }, { 'anything-but': AgentIdentity.WORKLOAD_ROLE_PATH }] } },
      ],
    },
    reason: 'a role created without the agent permissions boundary can be given any right',
    source: BOUNDARY_DOC,
  },
  {
    id: 'escalate.iam.create-role-outside-workload-path',
    categories: ['ESCALATE'],
    actions: ['iam:CreateRole'],
    notResources: [AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN],
    // Alarmed by escalate.iam.create-unbounded-role, whose event filter covers both.
    at: ['IDENTITY', 'SCP', 'RCP'],
    reason: 'a role outside the workload path is not recognised as an agent, so the organization\'s denies would not reach it',
    source: BOUNDARY_DOC,
  },
  {
    id: 'escalate.identity.developer-credentials',
    categories: ['ESCALATE'],
    actions: ['cognito-identity:GetOpenIdTokenForDeveloperIdentity', 'cognito-identity:SetIdentityPoolRoles'],
    reason: 'mints or maps identities of a pool whose roles may be privileged',
    source: PATHFINDING,
  },
  {
    id: 'escalate.rolesanywhere.trust',
    categories: ['ESCALATE'],
    actions: ['rolesanywhere:CreateTrustAnchor', 'rolesanywhere:UpdateTrustAnchor', 'rolesanywhere:CreateProfile', 'rolesanywhere:UpdateProfile'],
    reason: 'a trust anchor and profile let any certificate of a CA the agent controls assume the profile\'s roles',
    source: ROLES_ANYWHERE,
  },
  {
    id: 'escalate.directory.password-reset',
    categories: ['ESCALATE'],
    actions: ['ds:ResetUserPassword', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminResetUserPassword'],
    reason: 'takes over a directory or application user (and the roles it maps to)',
    source: PATHFINDING,
  },
];
