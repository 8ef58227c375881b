import { Annotations, Aspects, CfnResource, DefaultStackSynthesizer, Fn, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { GuardedBootstrapNames } from './guarded-bootstrap-names';
import { AgentIdentity } from '../identity/agent-identity';
import { inputError } from '../private/errors';

/** Properties of a `GuardedStackSynthesizer`. */
export interface GuardedStackSynthesizerProps {
  /**
   * Qualifier of the guarded bootstrap environment to deploy through (the one given to
   * `GuardedBootstrap` or to `cdk bootstrap --qualifier`).
   * @default GuardedBootstrapNames.DEFAULT_QUALIFIER ('agent')
   */
  readonly qualifier?: string;
}

/**
 * The stack synthesizer of an agent's apps: `cdk deploy` goes through a guarded bootstrap
 * environment (`GuardedBootstrap`), so CloudFormation acts for the agent only with the guarded
 * execution role, an agent role.
 *
 * It points the stack at the guarded roles (under the agent path, which `DefaultStackSynthesizer`
 * cannot derive from a qualifier), bucket, repository and version parameter; it refuses a stack
 * whose name does not start with `agent-` (the deploy role deploys only those, and the execution
 * role recognises the stack's resources by that name); and it puts every IAM role of the stack
 * under `/guardrails-agent-workload/` with the workload boundary, as the execution role requires.
 *
 * @example
 * new Stack(app, 'agent-orders', { synthesizer: new GuardedStackSynthesizer() });
 */
export class GuardedStackSynthesizer extends DefaultStackSynthesizer {
  /** The names of the guarded bootstrap environment. */
  public readonly names: GuardedBootstrapNames;

  constructor(props: GuardedStackSynthesizerProps = {}) {
    const qualifier = props.qualifier ?? GuardedBootstrapNames.DEFAULT_QUALIFIER;
    const problem = Token.isUnresolved(qualifier) ? 'is a token' : GuardedBootstrapNames.qualifierProblem(qualifier);
    if (problem) {
      throw inputError('GuardedStackSynthesizer', '(synthesizer)',
        `qualifier: '${qualifier}' ${problem}. Give the qualifier of the guarded bootstrap, e.g. '${GuardedBootstrapNames.DEFAULT_QUALIFIER}'.`);
    }
    const names = GuardedBootstrapNames.of(qualifier);
    super({
      qualifier,
      fileAssetsBucketName: names.bucketName,
      imageAssetsRepositoryName: names.repositoryName,
      deployRoleArn: names.deployRoleArn,
      cloudFormationExecutionRole: names.executionRoleArn,
      fileAssetPublishingRoleArn: names.filePublishingRoleArn,
      imageAssetPublishingRoleArn: names.imagePublishingRoleArn,
      lookupRoleArn: names.lookupRoleArn,
      bootstrapStackVersionSsmParameter: names.versionParameterName,
      generateBootstrapVersionRule: true,
    });
    this.names = names;
  }

  public bind(stack: Stack): void {
    if (Token.isUnresolved(stack.stackName) || !stack.stackName.startsWith(AgentIdentity.AGENT_STACK_NAME_PREFIX)) {
      throw inputError('GuardedStackSynthesizer', stack.node.path,
        `stackName: '${stack.stackName}' does not start with '${AgentIdentity.AGENT_STACK_NAME_PREFIX}': the guarded deploy role deploys only agent stacks, `
        + `and the execution role recognises the stack's resources by that name. Name the stack e.g. '${AgentIdentity.AGENT_STACK_NAME_PREFIX}${stack.stackName}' (the stackName prop).`);
    }
    super.bind(stack);
    Aspects.of(stack).add(new WorkloadRolesAspect(this.names.workloadBoundaryArn));
  }
}

/** Puts every IAM role of an agent stack under the workload path with the workload boundary. */
class WorkloadRolesAspect implements IAspect {
  constructor(private readonly boundaryArn: string) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::IAM::Role') return;
    const boundary = Fn.sub(this.boundaryArn);
    if (node instanceof iam.CfnRole) {
      if (node.path !== undefined && node.path !== AgentIdentity.WORKLOAD_ROLE_PATH) {
        Annotations.of(node).addError(`GuardedStackSynthesizer: role path '${node.path}' is not ${AgentIdentity.WORKLOAD_ROLE_PATH}; the guarded execution role creates roles only there. Remove the path.`);
        return;
      }
      if (node.permissionsBoundary !== undefined && Stack.of(node).resolve(node.permissionsBoundary) !== Stack.of(node).resolve(boundary)) {
        Annotations.of(node).addError('GuardedStackSynthesizer: the role has a permissions boundary of its own; the guarded execution role creates roles only with the workload boundary. Remove it.');
        return;
      }
    }
    node.addPropertyOverride('Path', AgentIdentity.WORKLOAD_ROLE_PATH);
    node.addPropertyOverride('PermissionsBoundary', boundary);
  }
}
