import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { AgentOrganizationPolicyProps } from './agent-organization-policy';
import { createOrgPolicies, OrgInput, OrgPolicyKind, orgPolicyLimits, placeDocuments } from './private/org-policies';
import { ActionCatalog } from '../catalog/action-catalog';
import { EnforcementPoint } from '../catalog/catalog-rule';
import { DenyPlan } from '../policy/deny-plan';
import { PolicyBudget } from '../policy/policy-budget';
import { packStatements, planGroups } from '../policy/private/render';


const RCP_KIND: OrgPolicyKind = {
  short: 'RCP',
  type: 'RESOURCE_CONTROL_POLICY',
  construct: 'AgentRcp',
  defaultBudget: PolicyBudget.RCP,
  defaultMaxPerTarget: PolicyBudget.RCPS_PER_TARGET,
  fullAccessPolicy: 'RCPFullAWSAccess',
  quota: 'AWS allows 5 RCPs per root, OU or account.',
};

/**
 * Properties of an `AgentRcp`.
 */
export interface AgentRcpProps extends AgentOrganizationPolicyProps {
  /**
   * Services whose resources the RCPs protect; each must be one that supports RCPs
   * (`ActionCatalog.rcpServices()`).
   *
   * @default - every service of `ActionCatalog.rcpServices()` that has actions in `categories`
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
   */
  readonly services?: string[];

  /**
   * Size budget of each RCP.
   *
   * @default PolicyBudget.RCP - 5,120 characters
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  readonly budget?: PolicyBudget;

  /**
   * Most RCPs that may be attached directly to one target, counting `RCPFullAWSAccess`.
   *
   * @default 5
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  readonly maxPoliciesPerTarget?: number;
}

/**
 * Resource control policies that deny agent principals the destructive catalog actions on
 * the resources of the member accounts they are attached to, whichever account the agent
 * calls from: an agent of another account (or another organization) is refused too, even
 * when a bucket, key or queue policy would allow it.
 *
 * Covers the services that support RCPs (`ActionCatalog.rcpServices()`); the `AgentScp`
 * covers every service, but only for principals of the organization's member accounts.
 * Deploy it in the management account or the delegated administrator account for
 * Organizations policies. RCPs never restrict resources of the management account, nor
 * AWS service principals.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 *
 * @example
 * new AgentRcp(this, 'AgentRcp', { targetIds: ['ou-ab12-cd34ef56'] });
 */
export class AgentRcp extends Construct {
  /** The RCPs, in order. */
  public readonly policies: organizations.CfnPolicy[];

  /** Characters of each RCP document, in order. */
  public readonly documentSizes: number[];

  /** The budget each document was held to. */
  public readonly budget: PolicyBudget;

  /** Services whose resources the RCPs protect. */
  public readonly services: string[];

  /** Distinct catalog actions denied to agents (under some condition), tagging actions of the guard rules included. */
  public readonly actionsDenied: number;

  /** Distinct catalog actions the packed statements name (equals `actionsDenied`). */
  public readonly actionsCovered: number;

  /** The deny plan the RCPs render. */
  public readonly denyPlan: DenyPlan;

  constructor(scope: Construct, id: string, props: AgentRcpProps) {
    super(scope, id);
    const input = new OrgInput(RCP_KIND, this.node.path);

    // --- validate everything before creating any child
    const { budget, max, levels } = orgPolicyLimits(input, props);
    const supported = ActionCatalog.rcpServices();
    for (const s of props.services ?? []) {
      if (!supported.includes(s)) {
        throw input.error(`services: '${s}' does not support resource control policies (catalog ${ActionCatalog.dataVersion}). Use services of ActionCatalog.rcpServices(), e.g. 's3', 'kms', 'sqs', 'secretsmanager'.`);
      }
    }
    if (props.services && props.services.length === 0) {
      throw input.error('services: [] protects nothing. Omit services to cover every RCP service, or name some, e.g. [\'s3\', \'kms\'].');
    }
    const matches = input.agentMatches(props);
    const categories = props.categories ?? ActionCatalog.defaultCategories();
    input.validateCategories(categories);
    const plan = DenyPlan.of({
      point: EnforcementPoint.RCP, categories, allowEphemeralDeletes: props.allowEphemeralDeletes ?? true, services: props.services ?? supported,
    });
    const services = [...new Set(plan.actions().map(a => a.slice(0, a.indexOf(':'))))].sort();
    if (services.length === 0) {
      throw input.error(`services: none of ${JSON.stringify(props.services ?? supported)} has actions in categories ${categories.join(', ')}. Name other services or categories.`);
    }
    const what = `AgentRcp '${this.node.path}'`;
    const packed = packStatements([], planGroups(plan, { principals: matches, starPrincipal: true, what }), budget, { what });
    const documents = placeDocuments(input, packed, budget, max, levels);

    // --- children
    this.budget = budget;
    this.services = services;
    this.denyPlan = plan;
    this.documentSizes = documents.map(d => d.characters);
    this.actionsDenied = plan.actions().length;
    this.actionsCovered = packed.actionsRequested;
    this.policies = createOrgPolicies(this, RCP_KIND, documents, props,
      () => `denies agent principals destructive catalog actions on resources of ${services.length} services`);
  }
}
