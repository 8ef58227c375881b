/**
 * The multi-account reference app (issue 17): every agent in the organization.
 *
 * - Management stack (management account, or the delegated administrators): the agent permission
 *   set for Identity Center, AgentScp recognising its roles, the opt-in MCP scope, and the
 *   roll-out (GuardrailsRollout: two StackSets) of the member-account stacks to every account of
 *   the agent OU.
 * - Security stack (security account, one Region): the central bus and the central alarm, whose
 *   kill switch acts in the member account of the agent.
 * - Member-account stacks (deployed by the StackSets, not by `cdk deploy`): the agent deny
 *   policies, the central kill switch's role and an agent role (one Region: IAM is global), the
 *   alarm forwarder and the guarded CDK bootstrap (every Region).
 *
 * In your own app, import from 'cdk-agent-guardrails' instead of '../src', and replace the
 * placeholder IDs (organization, OU, root, accounts, Identity Center instance, e-mail) with yours.
 *
 *   npx cdk synth --app "npx ts-node examples/organization.ts"
 */
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  AgentAccess, AgentGuardrailsChecks, AgentIdentity, AgentMcpScp, AgentPermissionSet, AgentRcp, AgentRole, AgentScp,
  CentralAlarmBus, DestructiveCallAlarm, GuardrailBackup, GuardrailsMemberStack, GuardrailsRollout, Protection,
} from '../src';

/** The organization, its root and the OU whose accounts run agents. */
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const ROOT_ID = 'r-ab12';
export const AGENT_OU = 'ou-ab12-cd34ef56';
/** The OU above it (e.g. Workloads): it takes the agent SCP documents the agent OU has no room for. */
export const WORKLOADS_OU = 'ou-ab12-workloads';
/** The security (audit) account and the Region of the central alarm. */
export const SECURITY_ACCOUNT = '999999999999';
export const CENTRAL_REGION = 'eu-west-1';
/** Regions the member accounts use (the forwarders go to each). */
export const MEMBER_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
/** The Region of the member accounts' global (IAM) stack. */
export const GLOBAL_REGION = 'us-east-1';
/** The IAM Identity Center instance and the agents' permission set. */
export const SSO_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
export const PERMISSION_SET_NAME = 'CodingAgent';
/** The people who may still delete, after a human decision (break-glass), in every account. */
export const BREAK_GLASS = 'arn:aws:iam::*:role/BreakGlassAdmin';

/** Every agent every layer recognises: agent and workload roles, and the Identity Center agents. */
export const AGENT_PATTERNS = [
  AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN, AgentPermissionSet.roleArnPatternFor(PERMISSION_SET_NAME),
];

/** The management account (or the delegated administrators for Organizations, Identity Center and StackSets). */
export class OrganizationManagementStack extends Stack {
  /** The member stack with the IAM parts, deployed to one Region of every member account. */
  public readonly globalMember: GuardrailsMemberStack;
  /** The member stack with the regional parts, deployed to every Region of every member account. */
  public readonly regionalMember: GuardrailsMemberStack;
  /** The SCPs for agents. */
  public readonly scp: AgentScp;
  /** The MCP scope. */
  public readonly mcp: AgentMcpScp;
  /** The RCPs for agents. */
  public readonly rcp: AgentRcp;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // 1. The per-account parts, to every account of the agent OU (and every account that joins it),
    //    by two StackSets:
    //    - in one Region (IAM is global): the deny policies the permission set references (they must
    //      exist before it is provisioned), the role the central kill switch assumes to revoke an
    //      agent of the account; and here an agent role too;
    //    - in every Region: the forwarder to the central alarm, and a guarded CDK bootstrap so that
    //      agents can `cdk deploy` through an execution role that is itself an agent role.
    const rollout = new GuardrailsRollout(this, 'Guardrails', {
      organizationalUnitIds: [AGENT_OU],
      regions: MEMBER_REGIONS,
      globalRegion: GLOBAL_REGION,
      centralAccount: SECURITY_ACCOUNT,
      centralRegion: CENTRAL_REGION,
      agentRoleArnPatterns: AGENT_PATTERNS,
    });
    this.globalMember = rollout.globalMember;
    this.regionalMember = rollout.regionalMember;
    new AgentRole(this.globalMember, 'AgentRole', {
      assumedBy: new iam.AccountPrincipal(this.globalMember.account),
      access: AgentAccess.developer(),
    });

    // 3. The permission set for agents that sign in with Identity Center, after the policies exist.
    const agents = new AgentPermissionSet(this, 'Agents', { instanceArn: SSO_INSTANCE_ARN, permissionSetName: PERMISSION_SET_NAME });
    agents.node.addDependency(rollout.globalStackSet);

    // 4. The SCPs: agent denies for every agent (Identity Center ones included), and the MCP scope
    //    for everyone who calls through an AWS managed MCP server. With the agent tag, the three ARN
    //    patterns and the source identity, AgentScp needs more than the OU's 9 free places: its
    //    last documents go to the OU above (not the root, which the MCP scope fills).
    this.scp = new AgentScp(this, 'AgentScp', {
      targetIds: [AGENT_OU],
      matchAgentTag: true,
      agentPrincipalArnPatterns: AGENT_PATTERNS,
      breakGlassPrincipalArnPatterns: [BREAK_GLASS],
      overflowLevels: [{ targetIds: [WORKLOADS_OU] }],
    });
    const onRoot = this.scp.policies.filter(p => (p.targetIds ?? []).includes(ROOT_ID)).length;
    this.mcp = new AgentMcpScp(this, 'McpScope', {
      targetIds: [ROOT_ID],
      breakGlassPrincipalArnPatterns: [BREAK_GLASS],
      existingPoliciesPerTarget: 1 + onRoot,
    });

    // 5. The RCPs: agents refused on S3, KMS, Secrets Manager, ... even from other accounts, with
    //    the same ways of recognising them (5 RCPs per target, RCPFullAWSAccess counted).
    this.rcp = new AgentRcp(this, 'AgentRcp', {
      targetIds: [AGENT_OU],
      matchAgentTag: true,
      agentPrincipalArnPatterns: AGENT_PATTERNS,
      overflowLevels: [{ targetIds: [ROOT_ID] }],
    });
  }
}

/**
 * The security account: one bus admitting the organization, one alarm for every agent of every
 * account, and its kill switch, which revokes an agent role in the account where it lives.
 */
export class OrganizationSecurityStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    new CentralAlarmBus(this, 'CentralBus', { organizationId: ORGANIZATION_ID });
    new DestructiveCallAlarm(this, 'CentralAlarm', {
      agentRoleArnPatterns: AGENT_PATTERNS,
      emails: ['security-oncall@example.com'],
      killSwitch: { actInMemberAccounts: true },
    });
    // The alarm's trail bucket and key are data: backed up in a locked vault.
    new GuardrailBackup(this, 'Backup', { adminPrincipals: [iam.Role.fromRoleName(this, 'BreakGlass', 'BreakGlassAdmin')] });
  }
}

/** Builds the reference app. Exported so tests build the same app. */
export function buildOrganizationApp(app: App = new App()): App {
  new OrganizationManagementStack(app, 'OrganizationManagement', {
    env: { region: 'us-east-1' },
    description: 'cdk-agent-guardrails organization app: permission set, SCPs, MCP scope, member StackSets',
  });
  new OrganizationSecurityStack(app, 'OrganizationSecurity', {
    env: { account: SECURITY_ACCOUNT, region: CENTRAL_REGION },
    description: 'cdk-agent-guardrails organization app: the central alarm',
  });
  // Everything stateful is retained, with deletion and termination protection.
  Protection.of(app).apply();
  // The checklist runs at every synth; findings fail the synth.
  Validations.of(app).addPlugins(new AgentGuardrailsChecks());
  return app;
}

if (require.main === module) {
  buildOrganizationApp().synth();
}
