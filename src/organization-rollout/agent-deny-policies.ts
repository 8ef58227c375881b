import { Annotations, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DenySet, renderDenySet, validateDenySetInput } from './private/deny-set';
import { ActionCategory } from '../catalog/action-category';
import { DenyPlan } from '../policy/deny-plan';
import { PolicyBudget } from '../policy/policy-budget';
import { inputError } from '../private/errors';

/**
 * What the agent deny policies deny and how they are named. `AgentDenyPolicies` (in every
 * member account) and `AgentPermissionSet` (in the management or delegated administrator
 * account) must be given the same options: the permission set references the policies by the
 * names these options produce.
 */
export interface AgentDenyPolicyOptions {
  /**
   * Catalog categories whose rules are denied. Guard rules (no forging of guardrail tags) apply
   * whatever you choose.
   *
   * Risk: leaving a category out lets the agent run its actions, e.g. without EXPOSE it may make
   * a bucket public.
   * @default - ActionCatalog.defaultCategories(): DESTROY, WEAKEN, EXPOSE and ESCALATE
   */
  readonly categories?: ActionCategory[];

  /**
   * Also deny the reversible disruptive actions (stop, disable, detach, ...): adds
   * `ActionCategory.DISRUPT` to `categories`.
   * @default false
   */
  readonly denyDisruptive?: boolean;

  /**
   * Prefix of the policy names: `<prefix>-deny-1` ... `<prefix>-deny-<n>` and `<prefix>-boundary`,
   * all under the path `/guardrails-agent/` (which AgentScp guards against changes).
   * @default 'guardrails-agent-sso'
   */
  readonly policyNamePrefix?: string;
}

/** Properties of `AgentDenyPolicies`. */
export interface AgentDenyPoliciesProps extends AgentDenyPolicyOptions {
  /**
   * Managed policies an IAM role of this account may carry (the IAM quota "Managed policies per
   * role"): the deny policies, plus the AWS managed policies of the permission set, must fit it.
   * Used to report the room left.
   * @default 10
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  readonly managedPolicyQuota?: number;
}

/**
 * The agent deny policies and the agent permissions boundary as customer managed policies with
 * fixed names, for roles the library cannot write to: the roles IAM Identity Center creates for
 * an `AgentPermissionSet`, which references these policies by name and path.
 *
 * Deploy it in every account where the permission set is assigned, before the permission set
 * (Identity Center refuses to provision a permission set whose customer managed policies do not
 * exist in the account). The denies are rendered from the same `DenyPlan` and statement
 * builders as `AgentRole`'s own policies; the boundary is AgentRole's developer-level boundary.
 * A boundary caps what the role may do; it cannot hold the DESTROY denies, which need the deny
 * policies (or AgentScp).
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/howtocmp.html
 *
 * @example
 * // In every member account (e.g. a stack deployed by a StackSet):
 * new AgentDenyPolicies(this, 'AgentDenies');
 */
export class AgentDenyPolicies extends Construct {
  /** The deny policies, in order (`<prefix>-deny-1`, ...). */
  public readonly policies: iam.ManagedPolicy[];

  /** The permissions boundary policy (`<prefix>-boundary`). */
  public readonly boundary: iam.ManagedPolicy;

  /** Names of the deny policies, in order. */
  public readonly policyNames: string[];

  /** Name of the boundary policy. */
  public readonly boundaryName: string;

  /** IAM path of every policy. */
  public readonly policyPath: string;

  /** Characters of each deny policy (minified JSON), in order. */
  public readonly documentSizes: number[];

  /** Characters of the boundary policy. */
  public readonly boundarySize: number;

  /** Distinct catalog actions the deny policies name. */
  public readonly actionsCovered: number;

  /** The deny plan the policies render. */
  public readonly denyPlan: DenyPlan;

  constructor(scope: Construct, id: string, props: AgentDenyPoliciesProps = {}) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    validateDenySetInput('AgentDenyPolicies', path, props);
    const quota = props.managedPolicyQuota ?? PolicyBudget.MANAGED_POLICIES_PER_ROLE;
    if (Token.isUnresolved(quota) || !Number.isInteger(quota) || quota < 1 || quota > PolicyBudget.MANAGED_POLICIES_PER_ROLE_MAX) {
      throw inputError('AgentDenyPolicies', path, `managedPolicyQuota: ${quota} is not a managed-policy quota IAM offers. Use a whole number from 1 to ${PolicyBudget.MANAGED_POLICIES_PER_ROLE_MAX} (10 by default; raise the IAM quota "Managed policies per role" first).`);
    }
    super(scope, id);
    const set: DenySet = renderDenySet(this, props, `AgentDenyPolicies '${this.node.path}'`);
    if (set.denies.length > quota) {
      throw inputError('AgentDenyPolicies', this.node.path, `managedPolicyQuota: the denies need ${set.denies.length} managed policies, over the quota of ${quota}. Raise managedPolicyQuota (up to ${PolicyBudget.MANAGED_POLICIES_PER_ROLE_MAX}) after raising the IAM quota "Managed policies per role", or deny fewer categories.`);
    }
    this.policyPath = set.path;
    this.policyNames = set.denies.map(d => d.name);
    this.boundaryName = set.boundary.name;
    this.documentSizes = set.denies.map(d => d.characters);
    this.boundarySize = set.boundary.characters;
    this.actionsCovered = set.actionsCovered;
    this.denyPlan = set.plan;
    this.policies = set.denies.map((d, i) => new iam.ManagedPolicy(this, `Deny${i + 1}`, {
      managedPolicyName: d.name,
      path: set.path,
      description: `cdk-agent-guardrails agent denies ${i + 1} of ${set.denies.length} (for Identity Center agent roles)`,
      document: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: d.statements }),
    }));
    this.boundary = new iam.ManagedPolicy(this, 'Boundary', {
      managedPolicyName: set.boundary.name,
      path: set.path,
      description: 'Permissions boundary of cdk-agent-guardrails agents (Identity Center agent roles)',
      document: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: set.boundary.statements }),
    });
    Validations.of(this.boundary).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason: 'The agent boundary allows all but account administration (NotAction) and IAM reads (iam:Get*, iam:List*) on purpose: it is a cap, not a grant; the deny policies remove destructive actions.',
    });
    Annotations.of(this).addInfo(`AgentDenyPolicies: ${set.denies.length} deny policies (${this.documentSizes.join(', ')} of ${PolicyBudget.MANAGED_POLICY.maxCharacters} characters) `
      + `covering ${set.actionsCovered} catalog actions; a role referencing them uses ${set.denies.length} of its ${quota} managed policies, leaving ${quota - set.denies.length} `
      + `for the permission set's AWS managed policies. Boundary: ${set.boundary.characters} characters.`);
  }
}
