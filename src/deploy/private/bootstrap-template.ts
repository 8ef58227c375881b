import { App, BootstraplessSynthesizer, CfnParameter, CfnResource, CfnRule, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GuardedBootstrap, WorkloadRoles } from '../guarded-bootstrap';
import { GuardedBootstrapNames } from '../guarded-bootstrap-names';

/** The `BootstrapVariant` of the guarded template: the CLI refuses to replace a stack of another variant without --force. */
export const GUARDED_BOOTSTRAP_VARIANT = 'cdk-agent-guardrails: Guarded Agent Resources';

/** Choices baked into the emitted template. */
export interface BootstrapTemplateOptions {
  /** Default of the `Qualifier` parameter (`cdk bootstrap --qualifier` overrides it). */
  readonly qualifier?: string;
  /** ARNs of the agent roles that may deploy; none: every role under the agent path of the account. */
  readonly agentRoleArns?: string[];
  readonly workloadRoles?: WorkloadRoles;
  readonly allowEphemeralDeletes?: boolean;
}

/**
 * The parameters `cdk bootstrap` passes to a custom template (with a value, so the template must
 * declare them), and what the guarded template does with each. Those it cannot honour are refused
 * by a template rule, so `cdk bootstrap` fails with the reason instead of silently ignoring them.
 */
const CLI_PARAMETERS: Array<{ name: string; description: string; mustBe?: string; why?: string }> = [
  { name: 'TrustedAccounts', description: 'Not used: only agent roles of this account may deploy (cdk bootstrap --trust is refused).', mustBe: '', why: 'the guarded bootstrap trusts only agent roles of its own account; --trust is not supported' },
  { name: 'TrustedAccountsForLookup', description: 'Not used: only agent roles of this account may look up (--trust-for-lookup is refused).', mustBe: '', why: 'the guarded bootstrap trusts only agent roles of its own account; --trust-for-lookup is not supported' },
  { name: 'CloudFormationExecutionPolicies', description: 'Not used: the execution role is an agent role with developer access and every catalog deny, not AdministratorAccess (--cloudformation-execution-policies is refused).', mustBe: '', why: 'the execution role is an agent role and takes no policies; --cloudformation-execution-policies is not supported' },
  { name: 'FileAssetsBucketName', description: 'Not used: the staging bucket is named guardrails-agent-assets-<qualifier>-<account>-<region> (--bootstrap-bucket-name is refused).', mustBe: '', why: 'the staging bucket name is derived from the qualifier; --bootstrap-bucket-name is not supported' },
  { name: 'FileAssetsBucketKmsKeyId', description: 'Not used: the staging bucket is encrypted with S3-managed keys (the CLI passes AWS_MANAGED_KEY by default).' },
  { name: 'PublicAccessBlockConfiguration', description: 'Must be true: the staging bucket always blocks public access.', mustBe: 'true', why: 'the staging bucket always blocks public access; do not pass --public-access-block-configuration false' },
  { name: 'InputPermissionsBoundary', description: 'Not used: every role of the guarded bootstrap has its own boundary (--custom-permissions-boundary is refused).', mustBe: '', why: 'the guarded roles carry their own boundaries; --custom-permissions-boundary and --example-permissions-boundary are not supported' },
];

/** The guarded bootstrap as a CloudFormation template deployed with `aws cloudformation deploy` (too large for `cdk bootstrap --template`, which sends it inline). */
export function bootstrapTemplate(options: BootstrapTemplateOptions = {}): any {
  const app = new App();
  const stack = buildBootstrapStack(app, options);
  return app.synth().getStackByName(stack.stackName).template;
}

/** The stack of the template, in `app` (the cfn-lint gate synthesizes it with the other apps). */
export function buildBootstrapStack(app: App, options: BootstrapTemplateOptions = {}): Stack {
  const qualifier = options.qualifier ?? GuardedBootstrapNames.DEFAULT_QUALIFIER;
  const problem = GuardedBootstrapNames.qualifierProblem(qualifier);
  if (problem) throw new Error(`--qualifier: '${qualifier}' ${problem}. Use a qualifier such as '${GuardedBootstrapNames.DEFAULT_QUALIFIER}'.`);
  for (const arn of options.agentRoleArns ?? []) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(arn)) {
      throw new Error(`--agent-role-arn: '${arn}' is not an IAM role ARN. Give e.g. arn:aws:iam::111111111111:role/guardrails-agent/MyAgent.`);
    }
  }
  const stack = new Stack(app, 'GuardedBootstrap', { synthesizer: new BootstraplessSynthesizer({}), analyticsReporting: false });
  stack.templateOptions.description = 'Guarded CDK bootstrap for AI agents (cdk-agent-guardrails): cdk deploy through an execution role that is itself an agent role';
  const q = new CfnParameter(stack, 'Qualifier', {
    type: 'String',
    default: qualifier,
    allowedPattern: '[a-z0-9-]{1,10}',
    description: 'Qualifier of this environment (GuardedStackSynthesizer\'s qualifier): 1 to 10 lower-case letters, digits or hyphens, not hnb659fds',
    constraintDescription: 'must be 1 to 10 lower-case letters, digits or hyphens (upper case and _ make invalid bucket names)',
  });
  new CfnParameter(stack, 'BootstrapVariant', {
    type: 'String',
    default: GUARDED_BOOTSTRAP_VARIANT,
    description: 'The bootstrap variant: the CDK CLI will not replace a bootstrap stack of another variant without --force',
  });
  const assertions: any[] = [{
    Assert: Fn.conditionNot(Fn.conditionEquals(q.valueAsString, GuardedBootstrapNames.HUMAN_DEFAULT_QUALIFIER)),
    AssertDescription: `Qualifier must not be ${GuardedBootstrapNames.HUMAN_DEFAULT_QUALIFIER}, the standard bootstrap's (its roles are administrators): pass --qualifier ${GuardedBootstrapNames.DEFAULT_QUALIFIER} and --toolkit-stack-name`,
  }];
  for (const p of CLI_PARAMETERS) {
    const param = new CfnParameter(stack, p.name, { type: 'String', default: p.mustBe ?? '', description: p.description });
    if (p.mustBe !== undefined) {
      assertions.push({ Assert: Fn.conditionEquals(param.valueAsString, p.mustBe), AssertDescription: `${p.name}: ${p.why}` });
    }
  }
  new CfnRule(stack, 'GuardedBootstrapInput', { assertions: assertions.map(a => ({ assert: a.Assert, assertDescription: a.AssertDescription })) });

  const agentRoles = (options.agentRoleArns ?? []).map((arn, i) => iam.Role.fromRoleArn(stack, `Agent${i}`, arn, { mutable: false }));
  const bootstrap = new GuardedBootstrap(stack, 'Guarded', {
    agentRoles,
    workloadRoles: options.workloadRoles,
    allowEphemeralDeletes: options.allowEphemeralDeletes,
    _template: true,
  });
  // The CLI reads the version from the resource of this logical ID (or the output).
  (bootstrap.node.findChild('CdkBootstrapVersion').node.defaultChild as CfnResource).overrideLogicalId('CdkBootstrapVersion');
  return stack;
}
