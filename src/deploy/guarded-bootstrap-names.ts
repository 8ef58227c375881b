import { AgentIdentity } from '../identity/agent-identity';

/**
 * The names of a guarded CDK bootstrap environment: role ARNs (under the agent path), the staging
 * bucket and image repository, and the version parameter, derived from the qualifier as the CDK
 * CLI's bootstrap contract expects. `GuardedBootstrap` creates them; `GuardedStackSynthesizer`
 * points apps at them. The strings carry the CDK synthesizer placeholders `${AWS::Partition}`,
 * `${AWS::AccountId}` and `${AWS::Region}`.
 *
 * The bucket and repository do not start with `cdk-`: agents may not write to CDK bootstrap
 * assets (the next human deploy would ship them), and only the guarded publishing roles write here.
 *
 * @example
 * const names = GuardedBootstrapNames.of('agent');
 * names.deployRoleArn; // arn:${AWS::Partition}:iam::${AWS::AccountId}:role/guardrails-agent/cdk-agent-deploy-role-${AWS::AccountId}-${AWS::Region}
 */
export class GuardedBootstrapNames {
  /** The default qualifier of a guarded bootstrap. */
  public static readonly DEFAULT_QUALIFIER = 'agent';

  /** The bootstrap template version this library's guarded bootstrap implements (the CLI's template version 33). */
  public static readonly BOOTSTRAP_VERSION = 33;

  /** The qualifier the standard `cdk bootstrap` uses; a guarded bootstrap must not reuse it. */
  public static readonly HUMAN_DEFAULT_QUALIFIER = 'hnb659fds';

  /** The names for a qualifier (throws if the qualifier is invalid: see `qualifierProblem`). */
  public static of(qualifier: string = GuardedBootstrapNames.DEFAULT_QUALIFIER): GuardedBootstrapNames {
    const problem = GuardedBootstrapNames.qualifierProblem(qualifier);
    if (problem) throw new Error(`GuardedBootstrapNames.of: qualifier '${qualifier}' ${problem}. Use a qualifier such as '${GuardedBootstrapNames.DEFAULT_QUALIFIER}'.`);
    return new GuardedBootstrapNames(qualifier);
  }

  /** Names for a qualifier that is a template placeholder (`${Qualifier}`). @internal */
  public static _unchecked(qualifier: string): GuardedBootstrapNames {
    return new GuardedBootstrapNames(qualifier);
  }

  /** Why a qualifier cannot be used, or undefined: `^[a-z0-9-]{1,10}$` (upper case and `_` make invalid bucket names), not the human default. */
  public static qualifierProblem(qualifier: string): string | undefined {
    if (!/^[a-z0-9-]{1,10}$/.test(qualifier)) return 'is not 1 to 10 lower-case letters, digits or hyphens (upper case and _ make invalid bucket names)';
    if (qualifier === GuardedBootstrapNames.HUMAN_DEFAULT_QUALIFIER) return 'is the qualifier of the standard CDK bootstrap, whose roles are administrators';
    return undefined;
  }

  /** Role name of the deploy role. */
  public readonly deployRoleName: string;
  /** Role name of the file publishing role. */
  public readonly filePublishingRoleName: string;
  /** Role name of the image publishing role. */
  public readonly imagePublishingRoleName: string;
  /** Role name of the lookup role. */
  public readonly lookupRoleName: string;
  /** Role name of the CloudFormation execution role (an agent role). */
  public readonly executionRoleName: string;
  /** ARN of the deploy role. */
  public readonly deployRoleArn: string;
  /** ARN of the file publishing role. */
  public readonly filePublishingRoleArn: string;
  /** ARN of the image publishing role. */
  public readonly imagePublishingRoleArn: string;
  /** ARN of the lookup role. */
  public readonly lookupRoleArn: string;
  /** ARN of the CloudFormation execution role. */
  public readonly executionRoleArn: string;
  /** Name of the staging bucket. */
  public readonly bucketName: string;
  /** Name of the image repository. */
  public readonly repositoryName: string;
  /** Name of the SSM parameter holding the bootstrap version. */
  public readonly versionParameterName: string;
  /** Name of the permissions boundary every workload role of the agent's stacks carries (managed policies are global: the name holds the region). */
  public readonly workloadBoundaryName: string;
  /** ARN of the workload boundary. */
  public readonly workloadBoundaryArn: string;

  private constructor(
    /** The qualifier. */
    public readonly qualifier: string,
  ) {
    const env = '${AWS::AccountId}-${AWS::Region}';
    const path = AgentIdentity.AGENT_ROLE_PATH;
    const arn = (name: string) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${path}${name}`;
    this.deployRoleName = `cdk-${qualifier}-deploy-role-${env}`;
    this.filePublishingRoleName = `cdk-${qualifier}-file-publishing-role-${env}`;
    this.imagePublishingRoleName = `cdk-${qualifier}-image-publishing-role-${env}`;
    this.lookupRoleName = `cdk-${qualifier}-lookup-role-${env}`;
    this.executionRoleName = `cdk-${qualifier}-cfn-exec-role-${env}`;
    this.deployRoleArn = arn(this.deployRoleName);
    this.filePublishingRoleArn = arn(this.filePublishingRoleName);
    this.imagePublishingRoleArn = arn(this.imagePublishingRoleName);
    this.lookupRoleArn = arn(this.lookupRoleName);
    this.executionRoleArn = arn(this.executionRoleName);
    this.bucketName = `guardrails-agent-assets-${qualifier}-${env}`;
    this.repositoryName = `guardrails-agent-container-assets-${qualifier}-${env}`;
    this.versionParameterName = `/cdk-bootstrap/${qualifier}/version`;
    this.workloadBoundaryName = `guardrails-agent-workload-boundary-${qualifier}-\${AWS::Region}`;
    this.workloadBoundaryArn = `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy${path}${this.workloadBoundaryName}`;
  }
}
