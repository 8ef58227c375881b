import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity } from '../../identity/agent-identity';
import { guardArnPatterns, guardWriteActions, setActions } from '../../policy/private/guards';

/** CDK bootstrap roles with administrator rights (deploy, CloudFormation execution). */
export const CDK_BOOTSTRAP_ADMIN_ROLE_PATTERNS: readonly string[] = [
  'arn:aws:iam::*:role/cdk-*-deploy-role-*',
  'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
];

/** The CDK bootstrap lookup role is read-only: the agent may assume it (`cdk synth` with context lookups). */
export const CDK_LOOKUP_ROLE_PATTERN = 'arn:aws:iam::*:role/cdk-*-lookup-role-*';

export interface SelfProtectionOptions {
  readonly passableRoleArns: string[];
  readonly protectedRoleArns: string[];
}

/**
 * No escape, no tampering:
 * - nothing but reads on agent roles (`role/guardrails-agent/*`), guardian roles and agent
 *   policies (`policy/guardrails-agent/*`): no policy, trust, boundary or tag change, no passing,
 *   no assuming;
 * - no `sts:AssumeRole` of any role but the CDK lookup role;
 * - no `iam:PassRole` but of the passable roles;
 * - never assume or pass the CDK bootstrap roles or the protected roles.
 */
export function selfProtectionStatements(options: SelfProtectionOptions): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyAgentRoleTampering',
      effect: iam.Effect.DENY,
      notActions: setActions('agent.role-reads'),
      resources: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.GUARDIAN_ROLE_ARN_PATTERN, AgentIdentity.AGENT_POLICY_ARN_PATTERN],
    }),
    new iam.PolicyStatement({
      sid: 'DenyAssumeOtherRoles',
      effect: iam.Effect.DENY,
      actions: setActions('agent.assume'),
      notResources: [CDK_LOOKUP_ROLE_PATTERN],
    }),
    options.passableRoleArns.length
      ? new iam.PolicyStatement({ sid: 'DenyPassOtherRoles', effect: iam.Effect.DENY, actions: setActions('agent.pass'), notResources: options.passableRoleArns })
      : new iam.PolicyStatement({ sid: 'DenyPassRoles', effect: iam.Effect.DENY, actions: setActions('agent.pass'), resources: ['*'] }),
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
