import { Annotations, Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { ActionCatalog } from '../catalog/action-catalog';
import { ActionCategory } from '../catalog/action-category';
import { EnforcementPoint } from '../catalog/catalog-rule';
import { exceptPrincipals, PrincipalMatch } from '../identity/private/principals';
import { AttachmentLevel } from '../organizations/agent-organization-policy';
import { createOrgPolicies, OrgInput, OrgPolicyKind, orgPolicyLimits, placeDocuments } from '../organizations/private/org-policies';
import { DenyPlan } from '../policy/deny-plan';
import { PolicyBudget } from '../policy/policy-budget';
import { packStatements, planGroups } from '../policy/private/render';

const MCP_SCP_KIND: OrgPolicyKind = {
  short: 'SCP',
  type: 'SERVICE_CONTROL_POLICY',
  construct: 'AgentMcpScp',
  defaultBudget: PolicyBudget.SCP,
  defaultMaxPerTarget: PolicyBudget.SCPS_PER_TARGET,
  fullAccessPolicy: 'FullAWSAccess',
  quota: 'AWS allows 10 SCPs per root, OU or account (5 in organizations on the former quota).',
};

/** The service principal of an AWS managed MCP server, e.g. `aws-mcp.amazonaws.com`. */
const MCP_SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9-]{0,62}\.amazonaws\.com$/;

/** Properties of an `AgentMcpScp`. */
export interface AgentMcpScpProps {
  /**
   * Roots (`r-xxxx`), organizational units (`ou-xxxx-xxxxxxxx`) and accounts (12 digits) the
   * policies are attached to.
   * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
   */
  readonly targetIds: string[];

  /**
   * ARN patterns (`ArnNotLike` on `aws:PrincipalArn`) of the principals that may still run the
   * denied actions through an AWS managed MCP server. Patterns that match agent roles are refused.
   *
   * @default - none: nobody in the member accounts may run the catalog's denied actions through
   * an AWS managed MCP server (break-glass roles can still call AWS directly)
   */
  readonly breakGlassPrincipalArnPatterns?: string[];

  /**
   * Catalog categories whose actions are denied through the MCP server.
   * @default - ActionCatalog.defaultCategories(): DESTROY, WEAKEN, EXPOSE and ESCALATE
   */
  readonly categories?: ActionCategory[];

  /**
   * Service principals of the AWS managed MCP servers whose calls are denied (matched on
   * `aws:CalledViaAWSMCP`), e.g. `[AgentMcpScp.AWS_MCP_SERVER_PRINCIPAL]`.
   *
   * Risk: naming servers leaves the others (and servers AWS adds later) free to run the denied
   * actions. Leave it out to deny through every AWS managed MCP server (`aws:ViaAWSMCPService`).
   * @default - every AWS managed MCP server (`aws:ViaAWSMCPService` is true)
   * @see https://docs.aws.amazon.com/agent-toolkit/latest/userguide/security_iam_service-with-iam.html
   */
  readonly mcpServerPrincipals?: string[];

  /**
   * Whether a call through the MCP server may delete resources tagged
   * `guardrails:ephemeral=true` (DESTROY-only actions that support `aws:ResourceTag`).
   * @default true
   */
  readonly allowEphemeralDeletes?: boolean;

  /**
   * SCPs already attached directly to each target, counting `FullAWSAccess` and the documents of
   * an `AgentScp` on the same targets (`AgentScp.policies`).
   * @default 1 - only FullAWSAccess
   */
  readonly existingPoliciesPerTarget?: number;

  /**
   * Most SCPs that may be attached directly to one target, counting `FullAWSAccess`.
   * @default 10
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  readonly maxPoliciesPerTarget?: number;

  /**
   * Size budget of each SCP. Use `PolicyBudget.SCP_LEGACY` for an organization on the former
   * 5,120-character limit.
   * @default PolicyBudget.SCP - 10,240 characters
   */
  readonly budget?: PolicyBudget;

  /**
   * Further attachment levels (an ancestor OU, or the root) that take the documents the targets
   * have no room for. When every level is full, synthesis fails with the figures.
   * @default - none: every document goes to `targetIds`
   */
  readonly overflowLevels?: AttachmentLevel[];

  /**
   * Prefix of the policy names (`<prefix>-1`, ...); unique per policy type in the organization.
   * @default - `guardrails-` followed by a name unique to this construct's path
   */
  readonly policyNamePrefix?: string;
}

/**
 * An opt-in service control policy that denies the catalog's default deny plan to every
 * principal of the member accounts (people included) except break-glass, when the call comes
 * through an AWS managed MCP server: the request carries `aws:ViaAWSMCPService` = true (and
 * `aws:CalledViaAWSMCP`, the server's service principal), which the MCP server adds and callers
 * cannot set.
 *
 * For organizations whose people let agents use their own credentials (an agent on a laptop with
 * the developer's SSO session, talking to AWS through the AWS MCP Server). It is an addition to
 * the agent denies (`AgentRole`, `AgentScp`, `AgentDenyPolicies`), never a replacement: the keys
 * are absent when the agent calls AWS through a shell, an SDK or a local MCP server, and then
 * only the agent denies apply. Nor do the keys follow a call into a Lambda function or another
 * service that acts with its own role.
 *
 * The `aws-mcp:*` actions (InvokeMcp, CallReadOnlyTool, CallReadWriteTool) no longer have any
 * effect, so the policy is built on the condition keys alone. Reads and creates through the MCP
 * server stay allowed.
 *
 * Deploy it in the management account or the delegated administrator for Organizations
 * policies. Its documents count against the SCPs per target, with `FullAWSAccess` and AgentScp's.
 *
 * @see https://docs.aws.amazon.com/agent-toolkit/latest/userguide/security_iam_service-with-iam.html
 * @see https://docs.aws.amazon.com/agent-toolkit/latest/userguide/security_iam_troubleshoot.html
 *
 * @example
 * new AgentMcpScp(this, 'McpScope', {
 *   targetIds: ['ou-ab12-cd34ef56'],
 *   breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'],
 *   existingPoliciesPerTarget: 3, // FullAWSAccess and two AgentScp documents
 * });
 */
export class AgentMcpScp extends Construct {
  /** Global condition key, true on every request that passes through an AWS managed MCP server. */
  public static readonly VIA_MCP_CONDITION_KEY = 'aws:ViaAWSMCPService';

  /** Global condition key holding the service principal of the AWS managed MCP server that made the request. */
  public static readonly CALLED_VIA_MCP_CONDITION_KEY = 'aws:CalledViaAWSMCP';

  /** Service principal of the AWS MCP Server. */
  public static readonly AWS_MCP_SERVER_PRINCIPAL = 'aws-mcp.amazonaws.com';

  /** The SCPs, in order. */
  public readonly policies: organizations.CfnPolicy[];

  /** Characters of each SCP document, in order. */
  public readonly documentSizes: number[];

  /** The budget each document was held to. */
  public readonly budget: PolicyBudget;

  /** Distinct catalog actions denied through the MCP server. */
  public readonly actionsDenied: number;

  /** Distinct catalog actions the packed statements name (equals `actionsDenied`). */
  public readonly actionsCovered: number;

  /** The deny plan the SCPs render (the SCP enforcement point's). */
  public readonly denyPlan: DenyPlan;

  /** SCPs on each target of `targetIds` after this construct: existing ones plus its documents there. */
  public readonly policiesPerTarget: number;

  constructor(scope: Construct, id: string, props: AgentMcpScpProps) {
    super(scope, id);
    const input = new OrgInput(MCP_SCP_KIND, this.node.path);
    if (!props || props.targetIds === undefined) {
      throw input.error('targetIds: no value was given. Give at least one root (\'r-xxxx\'), OU (\'ou-xxxx-xxxxxxxx\') or account ID (12 digits).');
    }
    const { budget, max, levels } = orgPolicyLimits(input, props);
    const breakGlass = props.breakGlassPrincipalArnPatterns ?? [];
    input.validatePrincipalPatterns('breakGlassPrincipalArnPatterns', breakGlass);
    input.rejectAgentBreakGlass('breakGlassPrincipalArnPatterns', breakGlass);
    const servers = props.mcpServerPrincipals;
    if (servers !== undefined) {
      if (servers.length === 0) {
        throw input.error(`mcpServerPrincipals: [] matches no MCP server, so the policy would deny nothing. Leave it out for every AWS managed MCP server, or name one, e.g. '${AgentMcpScp.AWS_MCP_SERVER_PRINCIPAL}'.`);
      }
      servers.forEach((s, i) => {
        if (Token.isUnresolved(s) || !MCP_SERVICE_PRINCIPAL.test(s)) {
          throw input.error(`mcpServerPrincipals[${i}]: '${s}' is not the service principal of an AWS managed MCP server. Use e.g. '${AgentMcpScp.AWS_MCP_SERVER_PRINCIPAL}' or 'eks-mcp.amazonaws.com'.`);
        }
      });
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:mcpScpNamedServers',
        `mcpServerPrincipals names ${servers.join(', ')}: calls through any other AWS managed MCP server are not denied. Leave it out to deny through every one (aws:ViaAWSMCPService).`);
    }
    const categories = props.categories ?? ActionCatalog.defaultCategories();
    input.validateCategories(categories);

    const viaMcp = servers === undefined
      ? { operator: 'Bool', key: AgentMcpScp.VIA_MCP_CONDITION_KEY, values: ['true'] }
      : { operator: 'StringEquals', key: AgentMcpScp.CALLED_VIA_MCP_CONDITION_KEY, values: [...servers] };
    const matches: PrincipalMatch[] = [{ label: 'ViaMcp', conditions: [viaMcp, ...exceptPrincipals(breakGlass)] }];
    const plan = DenyPlan.of({ point: EnforcementPoint.SCP, categories, allowEphemeralDeletes: props.allowEphemeralDeletes ?? true });
    const what = `AgentMcpScp '${this.node.path}'`;
    const packed = packStatements([], planGroups(plan, { principals: matches, what }), budget, { what });
    const documents = placeDocuments(input, packed, budget, max, levels);

    this.budget = budget;
    this.documentSizes = documents.map(d => d.characters);
    this.denyPlan = plan;
    this.actionsDenied = plan.actions().length;
    this.actionsCovered = packed.actionsRequested;
    this.policiesPerTarget = levels[0].existing + documents.filter(d => d.targetIds === levels[0].targetIds).length;
    this.policies = createOrgPolicies(this, MCP_SCP_KIND, documents, props,
      () => `denies destructive catalog actions through AWS managed MCP servers to ${breakGlass.length ? 'all but break-glass principals' : 'every principal'}`);
    Annotations.of(this).addInfo(`AgentMcpScp: ${documents.length} SCPs (${this.documentSizes.join(', ')} of ${budget.maxCharacters} characters) covering ${this.actionsCovered} catalog actions; `
      + `${this.policiesPerTarget} of ${max} SCPs on each of ${props.targetIds.join(', ')} (counting ${levels[0].existing} already attached).`);
  }
}
