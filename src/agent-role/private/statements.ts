import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity } from '../../identity/agent-identity';
import { DenyPlan } from '../../policy/deny-plan';
import { PolicyPacker } from '../../policy/policy-packer';
import { conditionBlock } from '../../policy/private/conditions';
import { guardArnPatterns, guardWriteActions, setActions } from '../../policy/private/guards';

/** CDK bootstrap roles with administrator rights (deploy, CloudFormation execution). */
export const CDK_BOOTSTRAP_ADMIN_ROLE_PATTERNS: readonly string[] = [
  'arn:aws:iam::*:role/cdk-*-deploy-role-*',
  'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
];


export interface SelfProtectionOptions {
  readonly passableRoleArns: string[];
  readonly protectedRoleArns: string[];
}

/**
 * No escape, no tampering:
 * - nothing but reads (and assuming or passing, which the next statements narrow) on agent roles
 *   (`role/guardrails-agent/*`), guardian roles and agent policies (`policy/guardrails-agent/*`):
 *   no policy, trust, boundary or tag change;
 * - no `sts:AssumeRole` of any role but the guarded CDK bootstrap roles (deploy, publishing,
 *   lookup: agent roles themselves; the human CDK lookup role does not allow a source identity);
 * - no `iam:PassRole` but of the guarded execution roles and the passable roles;
 * - never assume or pass the human CDK bootstrap roles or the protected roles.
 */
export function selfProtectionStatements(options: SelfProtectionOptions): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyAgentRoleTampering',
      effect: iam.Effect.DENY,
      notActions: [...setActions('agent.role-reads'), ...setActions('agent.protected-roles')],
      resources: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.GUARDIAN_ROLE_ARN_PATTERN, AgentIdentity.AGENT_POLICY_ARN_PATTERN],
    }),
    new iam.PolicyStatement({
      sid: 'DenyAssumeOtherRoles',
      effect: iam.Effect.DENY,
      actions: setActions('agent.assume'),
      notResources: [AgentIdentity.GUARDED_BOOTSTRAP_ROLE_ARN_PATTERN],
    }),
    new iam.PolicyStatement({
      sid: options.passableRoleArns.length ? 'DenyPassOtherRoles' : 'DenyPassRoles',
      effect: iam.Effect.DENY,
      actions: setActions('agent.pass'),
      notResources: [AgentIdentity.GUARDED_EXECUTION_ROLE_ARN_PATTERN, ...options.passableRoleArns],
    }),
    new iam.PolicyStatement({
      sid: 'DenyAdminRoles',
      effect: iam.Effect.DENY,
      actions: setActions('agent.protected-roles'),
      resources: options.protectedRoleArns,
    }),
  ];
}

/**
 * Denies changing the resources that guard the agent: by the tag `guardrails:guard=true`, by
 * the reserved `guardrails-` names of the guard registry, and by the ARNs given.
 */
export function guardStatements(options: { arns: string[] }): iam.PolicyStatement[] {
  const actions = guardWriteActions();
  return [
    new iam.PolicyStatement({
      sid: 'DenyGuardTagged',
      effect: iam.Effect.DENY,
      actions,
      resources: ['*'],
      conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${AgentIdentity.GUARD_TAG_KEY}`]: AgentIdentity.GUARD_TAG_VALUE } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyGuardResources',
      effect: iam.Effect.DENY,
      actions,
      resources: [...guardArnPatterns(), ...options.arns],
    }),
  ];
}

/**
 * The denies of a boundary plan as statements (one per group, actions compressed): what an agent
 * role's permissions boundary carries beside the access level's allows and the no-escape denies,
 * for `AgentRole` and for the boundary `AgentDenyPolicies` creates.
 */
export function boundaryDenyStatements(boundaryPlan: DenyPlan): iam.PolicyStatement[] {
  return boundaryPlan.groups.map(g => new iam.PolicyStatement({
    sid: g.name === 'Deny' ? 'DenyWeakenExposeEscalate' : `Boundary${g.name}`,
    effect: iam.Effect.DENY,
    actions: PolicyPacker.compress(g.actions),
    ...(g.notResources?.length ? { notResources: g.notResources } : { resources: g.resources.length ? g.resources : ['*'] }),
    conditions: conditionBlock(g.conditions),
  }));
}
