import { Annotations, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GuardedBootstrapNames } from './guarded-bootstrap-names';
import { AgentAccess } from '../agent-role/agent-access';
import { AgentRole } from '../agent-role/agent-role';
import { selfProtectionStatements } from '../agent-role/private/statements';
import { SourceIdentityPrincipal } from '../agent-role/private/trust';
import { EnforcementPoint } from '../catalog/catalog-rule';
import { AgentIdentity } from '../identity/agent-identity';
import { DenyPlan } from '../policy/deny-plan';
import { PolicyPacker } from '../policy/policy-packer';
import { conditionBlock } from '../policy/private/conditions';
import { setActions } from '../policy/private/guards';
import { constructPath, inputError } from '../private/errors';

/** Whether an agent's templates may create IAM roles. */
export enum WorkloadRoles {
  /** No: templates use roles a human made (`GuardedBootstrapProps.passableRoles`). */
  OFF = 'OFF',
  /**
   * Yes, and AgentScp is attached to the account with its default matches (which recognise the
   * workload path), so the catalog's denies reach the roles too.
   */
  UNDER_AGENT_SCP = 'UNDER_AGENT_SCP',
  /** Yes, without AgentScp: only the workload boundary holds the roles (a warning says so). */
  WITHOUT_AGENT_SCP = 'WITHOUT_AGENT_SCP',
}

/** Properties of a `GuardedBootstrap`. */
export interface GuardedBootstrapProps {
  /**
   * The agent roles that may deploy through this environment (assume its deploy, publishing and
   * lookup roles), e.g. `AgentRole`s. Their sessions must carry an agent source identity.
   * @default - none: then `trustAgentPath` must be on
   */
  readonly agentRoles?: iam.IRole[];

  /**
   * Let every role under the agent path of the account (`AgentIdentity.AGENT_ROLE_PATH`) deploy
   * through this environment, instead of the roles of `agentRoles`; their sessions
   * must still carry an agent source identity. For a `GuardrailsStackSet`, where each account has
   * its own agent roles, created in another stack in no promised order (a trust policy naming a
   * role ARN fails while the role does not exist; a condition on `aws:PrincipalArn` does not).
   * It is what the package's `bootstrap-template` command builds.
   * @default false
   */
  readonly trustAgentPath?: boolean;

  /**
   * Qualifier of the bootstrap environment (`cdk deploy` finds its roles, bucket, repository and
   * version parameter by it): 1 to 10 lower-case letters, digits or hyphens, not the standard
   * `hnb659fds`.
   * @default GuardedBootstrapNames.DEFAULT_QUALIFIER ('agent')
   */
  readonly qualifier?: string;

  /**
   * Whether the agent's templates may create IAM roles (always under `/guardrails-agent-workload/`,
   * with the workload boundary, which `GuardedStackSynthesizer` sets).
   *
   * Risk of `WITHOUT_AGENT_SCP`: the boundary caps workload roles at developer level but cannot hold
   * every catalog deny (DESTROY among them); only AgentScp adds those. A workload role may delete
   * what the boundary allows.
   * @default WorkloadRoles.OFF - templates use roles a human made (`passableRoles`)
   */
  readonly workloadRoles?: WorkloadRoles;

  /**
   * Roles a human made that the execution role may pass to services (e.g. a Lambda execution role).
   * @default - none
   */
  readonly passableRoles?: iam.IRole[];

  /**
   * Let the execution role delete resources tagged `guardrails:ephemeral=true` at creation, so an
   * agent can tear down its own experiments (and a failed first create can roll back).
   *
   * Risk: any resource carrying the tag can be deleted by the agent's deploys.
   * @default false
   */
  readonly allowEphemeralDeletes?: boolean;

  /**
   * Build the template the package's command line emits (`bootstrap-template`): the
   * qualifier is the template parameter `Qualifier`, and without `agentRoles` every role under the
   * agent path of the account may deploy (with an agent source identity).
   * @internal
   */
  readonly _template?: boolean;
}

/**
 * A CDK bootstrap environment for an AI agent: `cdk deploy` works, and CloudFormation acts for the
 * agent only through an execution role that is itself an agent role.
 *
 * - a **deploy role** the agent roles may assume: what `cdk deploy` needs, minus what the standard
 *   deploy role grants that destroys (`cloudformation:DeleteStack`, `UpdateTerminationProtection`);
 *   only stacks named `agent-*`, only with the guarded execution role;
 * - a **CloudFormation execution role** that is an `AgentRole`: developer access, every catalog deny,
 *   create-time configuration only on resources of the agent's own stacks, no deletes (but ephemeral
 *   ones, if allowed), trusted only by CloudFormation;
 * - **file and image publishing roles**, the only writers of a protected staging bucket and image
 *   repository (named outside `cdk-*`, so agents may never write the human bootstrap's);
 * - a read-only **lookup role** (`cdk synth` context lookups; it allows the agent's source identity,
 *   which the standard lookup role does not);
 * - the version parameter `/cdk-bootstrap/<qualifier>/version` and the outputs the CLI reads.
 *
 * Every role lives under `/guardrails-agent/`, so AgentScp, the alarm and the kill switch treat
 * them as agents. Apps deploy through it with `GuardedStackSynthesizer`.
 *
 * @see https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 *
 * @example
 * const agent = new AgentRole(this, 'Agent', { assumedBy: new iam.AccountPrincipal('111111111111') });
 * new GuardedBootstrap(this, 'Bootstrap', { agentRoles: [agent] });
 */
export class GuardedBootstrap extends Construct {
  /** The names of this environment. */
  public readonly names: GuardedBootstrapNames;
  /** The deploy role. */
  public readonly deployRole: iam.Role;
  /** The CloudFormation execution role (an agent role). */
  public readonly executionRole: AgentRole;
  /** The file publishing role. */
  public readonly filePublishingRole: iam.Role;
  /** The image publishing role. */
  public readonly imagePublishingRole: iam.Role;
  /** The lookup role. */
  public readonly lookupRole: iam.Role;
  /** The staging bucket. */
  public readonly bucket: s3.Bucket;
  /** The image repository. */
  public readonly repository: ecr.Repository;
  /** The permissions boundary of the workload roles the agent's templates create. */
  public readonly workloadBoundary: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: GuardedBootstrapProps) {
    const path = constructPath(scope, id);
    const fail = (m: string) => inputError('GuardedBootstrap', path, m);
    const template = props?._template === true;
    const agentRoles = props?.agentRoles ?? [];
    // Without named roles, a template admits every role under the agent path (as trustAgentPath does).
    const byPath = props?.trustAgentPath === true || (template && agentRoles.length === 0);
    if (!props || !Array.isArray(agentRoles) || (agentRoles.length === 0 && !byPath && !template)) {
      throw fail('agentRoles: no agent role was given, so nobody could deploy through it. Pass the AgentRole(s) the agent runs as, e.g. agentRoles: [agent], '
        + 'or set trustAgentPath: true for every agent role of the account (StackSets).');
    }
    if (props.trustAgentPath === true && agentRoles.length > 0) {
      throw fail(`agentRoles/trustAgentPath: both were given (${agentRoles.length} role(s) and trustAgentPath: true). `
        + 'trustAgentPath already admits every role under the agent path; give one of the two.');
    }
    // In a template, the qualifier is the parameter `Qualifier`, which every Fn::Sub below resolves.
    const qualifier = template ? '${Qualifier}' : props.qualifier ?? GuardedBootstrapNames.DEFAULT_QUALIFIER;
    if (template) {
      // validated by the template's parameter pattern and rules
    } else if (Token.isUnresolved(qualifier)) {throw fail('qualifier: a token was given. Give a literal qualifier such as \'agent\'.');}
    const problem = template ? undefined : GuardedBootstrapNames.qualifierProblem(qualifier);
    if (problem) throw fail(`qualifier: '${qualifier}' ${problem}. Use a qualifier such as '${GuardedBootstrapNames.DEFAULT_QUALIFIER}' and pass the same one to GuardedStackSynthesizer.`);
    super(scope, id);
    const stack = Stack.of(this);
    const names = template ? GuardedBootstrapNames._unchecked(qualifier) : GuardedBootstrapNames.of(qualifier);
    this.names = names;
    const concrete = (s: string) => (s.includes('${') ? Fn.sub(s) : s);
    const workloadRoles = (props.workloadRoles ?? WorkloadRoles.OFF) !== WorkloadRoles.OFF;

    // ---- the staging bucket and image repository: only the publishing roles write
    this.bucket = new s3.Bucket(this, 'StagingBucket', {
      bucketName: concrete(names.bucketName),
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'noncurrent-versions', noncurrentVersionExpiration: Duration.days(365) }],
    });
    this.repository = new ecr.Repository(this, 'ContainerAssetsRepository', {
      repositoryName: concrete(names.repositoryName),
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Agent sessions carry the agent source identity, which persists when they assume these roles.
    const agentPath = new iam.AccountRootPrincipal().withConditions({
      ArnLike: { 'aws:PrincipalArn': Fn.sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${AgentIdentity.AGENT_ROLE_PATH}*`) },
    });
    const agents = byPath ? agentPath : new iam.CompositePrincipal(...agentRoles.map(r => new iam.ArnPrincipal(r.roleArn)));
    const trust = () => new SourceIdentityPrincipal(agents, AgentIdentity.SOURCE_IDENTITY_PREFIX);

    // ---- the service roles' boundary: they can never do more than the guarded deploy needs
    const serviceBoundary = new iam.ManagedPolicy(this, 'ServiceRolesBoundary', {
      path: AgentIdentity.AGENT_ROLE_PATH,
      description: 'Permissions boundary of the guarded bootstrap\'s deploy and publishing roles: what a guarded deploy needs, nothing more',
      statements: [new iam.PolicyStatement({
        sid: 'GuardedDeployOnly',
        actions: [...new Set(['deploy.cloudformation', 'deploy.pass-execution-role', 'deploy.read-bootstrap', 'deploy.publish-files',
          'deploy.publish-images', 'deploy.registry-login'].flatMap(set => setActions(set)))].sort(),
        resources: ['*'],
      })],
    });
    const readOnly = iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess');

    // ---- publishing and lookup roles
    this.filePublishingRole = new iam.Role(this, 'FilePublishingRole', {
      permissionsBoundary: serviceBoundary,
      roleName: concrete(names.filePublishingRoleName),
      path: AgentIdentity.AGENT_ROLE_PATH,
      assumedBy: trust(),
      description: 'Guarded CDK bootstrap: publishes file assets of the agent\'s apps to the staging bucket',
    });
    this.filePublishingRole.addToPolicy(new iam.PolicyStatement({
      actions: setActions('deploy.publish-files'), resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
    }));
    this.imagePublishingRole = new iam.Role(this, 'ImagePublishingRole', {
      permissionsBoundary: serviceBoundary,
      roleName: concrete(names.imagePublishingRoleName),
      path: AgentIdentity.AGENT_ROLE_PATH,
      assumedBy: trust(),
      description: 'Guarded CDK bootstrap: publishes image assets of the agent\'s apps to the repository',
    });
    this.imagePublishingRole.addToPolicy(new iam.PolicyStatement({ actions: setActions('deploy.publish-images'), resources: [this.repository.repositoryArn] }));
    this.imagePublishingRole.addToPolicy(new iam.PolicyStatement({ actions: setActions('deploy.registry-login'), resources: ['*'] }));
    this.lookupRole = new iam.Role(this, 'LookupRole', {
      permissionsBoundary: readOnly,
      roleName: concrete(names.lookupRoleName),
      path: AgentIdentity.AGENT_ROLE_PATH,
      assumedBy: trust(),
      description: 'Guarded CDK bootstrap: read-only context lookups for the agent\'s apps',
      managedPolicies: [readOnly],
    });
    this.lookupRole.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: setActions('deploy.lookup-denied'), resources: ['*'] }));

    // Only the publishing roles write the staging bucket and the repository.
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyThePublishingRoleWrites',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: setActions('deploy.asset-writes').filter(a => a.startsWith('s3:')),
      resources: [this.bucket.arnForObjects('*')],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [this.filePublishingRole.roleArn] } },
    }));
    this.repository.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyThePublishingRoleWrites',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: setActions('deploy.asset-writes').filter(a => a.startsWith('ecr:')),
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [this.imagePublishingRole.roleArn] } },
    }));

    // ---- the workload boundary: what roles of the agent's stacks can ever do
    const boundaryPlan = DenyPlan.of({ point: EnforcementPoint.BOUNDARY });
    this.workloadBoundary = new iam.ManagedPolicy(this, 'WorkloadBoundary', {
      managedPolicyName: concrete(names.workloadBoundaryName),
      path: AgentIdentity.AGENT_ROLE_PATH,
      description: 'Permissions boundary of the roles an agent\'s stacks create (guarded CDK bootstrap)',
      statements: [
        ...AgentAccess.developer()._bind(this).boundaryStatements,
        ...boundaryPlan.groups.map(g => new iam.PolicyStatement({
          sid: g.name === 'Deny' ? 'DenyWeakenExposeEscalate' : `Boundary${g.name}`,
          effect: iam.Effect.DENY,
          actions: PolicyPacker.compress(g.actions),
          resources: ['*'],
          conditions: conditionBlock(g.conditions),
        })),
        ...selfProtectionStatements({ passableRoleArns: [], protectedRoleArns: ['arn:aws:iam::*:role/cdk-*-deploy-role-*', 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'] }),
      ],
    });

    // ---- the CloudFormation execution role: an agent role
    this.executionRole = new AgentRole(this, 'CloudFormationExecutionRole', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      roleName: concrete(names.executionRoleName),
      description: 'Guarded CDK bootstrap: CloudFormation acts for the agent only with this agent role',
      passableRoles: props.passableRoles,
      allowEphemeralDeletes: props.allowEphemeralDeletes,
      _execution: { workloadRoles },
    });

    // ---- the deploy role
    this.deployRole = new iam.Role(this, 'DeployRole', {
      permissionsBoundary: serviceBoundary,
      roleName: concrete(names.deployRoleName),
      path: AgentIdentity.AGENT_ROLE_PATH,
      assumedBy: trust(),
      description: 'Guarded CDK bootstrap: cdk deploy for the agent (no DeleteStack, only agent-* stacks, only with the guarded execution role)',
    });
    this.deployRole.addToPolicy(new iam.PolicyStatement({
      sid: 'DeployAgentStacks',
      actions: setActions('deploy.cloudformation'),
      resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${AgentIdentity.AGENT_STACK_NAME_PREFIX}*` })],
    }));
    this.deployRole.addToPolicy(new iam.PolicyStatement({
      sid: 'PassTheExecutionRole',
      actions: setActions('deploy.pass-execution-role'),
      // By name (the role's ARN is fixed by the qualifier), so the checks can read what is passed.
      resources: [concrete(names.executionRoleArn)],
      conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    }));
    this.deployRole.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadAssetsAndVersion',
      actions: setActions('deploy.read-bootstrap'),
      resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*'),
        concrete(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${names.versionParameterName}`)],
    }));

    // Each service role also carries the deny plan's statements for the plan actions it is allowed
    // (asset writes to the standard bootstrap's bucket and repository, CloudFormation without the
    // guarded execution role, imports, change sets of other stacks, tagging): what the policies
    // above scope by resource is then also refused by the catalog's own rules, and the checks can
    // prove it (AG-IAM2). The deploy role's one exception is handing the execution role to
    // CloudFormation, which is what the catalog's stored-role rule asks for.
    planDenies(this.filePublishingRole, [...setActions('deploy.publish-files')]);
    planDenies(this.imagePublishingRole, [...setActions('deploy.publish-images'), ...setActions('deploy.registry-login')]);
    planDenies(this.deployRole, [...setActions('deploy.cloudformation'), ...setActions('deploy.read-bootstrap')]);

    // ---- version parameter and the outputs the CLI reads
    new ssm.StringParameter(this, 'CdkBootstrapVersion', {
      parameterName: concrete(names.versionParameterName),
      simpleName: false,
      stringValue: String(GuardedBootstrapNames.BOOTSTRAP_VERSION),
      description: 'Version of the guarded CDK bootstrap (cdk-agent-guardrails)',
    });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, key: 'BucketName' });
    new CfnOutput(this, 'BucketDomainName', { value: this.bucket.bucketRegionalDomainName, key: 'BucketDomainName' });
    new CfnOutput(this, 'ImageRepositoryName', { value: this.repository.repositoryName, key: 'ImageRepositoryName' });
    new CfnOutput(this, 'BootstrapVersion', { value: String(GuardedBootstrapNames.BOOTSTRAP_VERSION), key: 'BootstrapVersion' });

    Tags.of(this).add(AgentIdentity.GUARD_TAG_KEY, AgentIdentity.GUARD_TAG_VALUE);
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W2512',
      reason: 'The workload boundary uses NotAction on purpose, as AgentRole\'s: it allows all but account administration; explicit denies remove the rest.',
    });
    if (props.workloadRoles === WorkloadRoles.WITHOUT_AGENT_SCP) {
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:bootstrap-workload-roles',
        'workloadRoles is WITHOUT_AGENT_SCP: the agent\'s templates may create roles under /guardrails-agent-workload/ with the workload boundary. The boundary caps them at developer level; only AgentScp (which recognises that path by default) denies them the catalog. Without AgentScp, a workload role may delete what the boundary allows.');
    }
    // allowEphemeralDeletes: the execution role (an AgentRole) warns.
  }
}

/**
 * Adds to a role Deny statements rendering the identity deny plan's groups, limited to the plan
 * actions among `allowed` (patterns expanded over the catalog), with each group's resources and
 * conditions.
 */
function planDenies(role: iam.Role, allowed: string[]): void {
  const actions = new Set(PolicyPacker.expand(allowed).map(a => a.toLowerCase()));
  const plan = DenyPlan.of({ point: EnforcementPoint.IDENTITY });
  for (const g of plan.groups) {
    const mine = g.actions.filter(a => actions.has(a.toLowerCase()));
    if (mine.length === 0) continue;
    role.addToPolicy(new iam.PolicyStatement({
      sid: `Plan${g.name}`,
      effect: iam.Effect.DENY,
      actions: PolicyPacker.compress(mine),
      resources: g.notResources ? undefined : g.resources,
      notResources: g.notResources,
      conditions: conditionBlock(g.conditions),
    }));
  }
}
