import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { AgentOrganizationPolicyProps } from './agent-organization-policy';
import {
  DEFAULT_CATEGORIES, PackGroup, agentMatches, checkCount, createOrgPolicies, OrgPolicyKind, orgPolicyLimits, packGroups, splitActions,
} from './private/org-policies';
import { ActionCatalog } from '../catalog/action-catalog';
import { AgentIdentity } from '../identity/agent-identity';
import { PolicyBudget } from '../policy/policy-budget';
import { ephemeralDenyCondition, mergeConditions, tagForgeryActions, tagForgeryCondition } from '../policy/private/agent-statements';


const RCP_KIND: OrgPolicyKind = {
  short: 'RCP',
  type: 'RESOURCE_CONTROL_POLICY',
  construct: 'AgentRcp',
  defaultBudget: PolicyBudget.RCP,
  defaultMaxPerTarget: 5,
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

  /** Distinct catalog actions denied to agents. */
  public readonly actionsDenied: number;

  /** Distinct catalog actions the packed patterns match, tagging actions of the tag-forgery deny included. */
  public readonly actionsCovered: number;

  constructor(scope: Construct, id: string, props: AgentRcpProps) {
    super(scope, id);
    const name = `AgentRcp ${this.node.path}`;

    // --- validate everything before creating any child
    const { budget, existing, max } = orgPolicyLimits(name, RCP_KIND, props);
    const supported = ActionCatalog.rcpServices();
    for (const s of props.services ?? []) {
      if (!supported.includes(s)) {
        throw new Error(`${name}: services: '${s}' does not support resource control policies (catalog ${ActionCatalog.dataVersion}). Use services of ActionCatalog.rcpServices(), e.g. 's3', 'kms', 'sqs', 'secretsmanager'.`);
      }
    }
    if (props.services && props.services.length === 0) {
      throw new Error(`${name}: services: [] protects nothing. Omit services to cover every RCP service, or name some, e.g. ['s3', 'kms'].`);
    }
    const matches = agentMatches(name, props.matchAgentTag ?? true, props.agentPrincipalArnPatterns ?? [AgentIdentity.AGENT_ROLE_ARN_PATTERN]);
    const categories = props.categories ?? DEFAULT_CATEGORIES;
    const all = splitActions(name, categories); // validates the categories
    const services = (props.services ?? supported).filter(s => [...all.exemptable, ...all.other].some(a => a.startsWith(`${s}:`)));
    if (services.length === 0) {
      throw new Error(`${name}: none of the services ${JSON.stringify(props.services ?? supported)} has actions in categories ${categories.join(', ')}. Name other services or categories.`);
    }
    const { exemptable, other } = splitActions(name, categories, services);
    const forgeryActions = tagForgeryActions().filter(a => services.includes(a.split(':')[0]));
    const ephemeral = props.allowEphemeralDeletes ?? true;

    const groups: PackGroup[] = [];
    for (const m of matches) {
      const base = { effect: iam.Effect.DENY, principals: [new iam.StarPrincipal()], resources: ['*'] };
      groups.push({
        actions: exemptable,
        sidPrefix: `${m.label}Destroy`,
        template: new iam.PolicyStatement({ ...base, conditions: ephemeral ? mergeConditions(m.condition, ephemeralDenyCondition()) : m.condition }),
      });
      groups.push({ actions: other, sidPrefix: `${m.label}Deny`, template: new iam.PolicyStatement({ ...base, conditions: m.condition }) });
      groups.push({ actions: forgeryActions, sidPrefix: `${m.label}TagForgery`, template: new iam.PolicyStatement({ ...base, conditions: tagForgeryCondition(m.condition) }) });
    }
    const pack = packGroups(name, [], groups, budget);
    checkCount(name, RCP_KIND.short, pack, budget, existing, max, RCP_KIND.fullAccessPolicy);

    // --- children
    this.budget = budget;
    this.services = services;
    this.documentSizes = pack.documents.map(d => d.characters);
    this.actionsDenied = exemptable.length + other.length;
    this.actionsCovered = pack.actionsCovered;
    this.policies = createOrgPolicies(this, RCP_KIND, pack, props,
      () => `denies agent principals destructive catalog actions on resources of ${services.length} services`);
  }
}
