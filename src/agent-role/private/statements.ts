import * as iam from 'aws-cdk-lib/aws-iam';
import { ActionCatalog } from '../../catalog/action-catalog';
import { AgentIdentity } from '../../identity/agent-identity';
import { PolicyPacker } from '../../policy/policy-packer';
import { GUARD_TAG_KEY, GUARD_TAG_VALUE } from '../../policy/private/agent-statements';

/** Every customer managed policy AgentRole creates lives under the agent path. */
export const AGENT_POLICY_ARN_PATTERN = `arn:aws:iam::*:policy${AgentIdentity.AGENT_ROLE_PATH}*`;

/** CDK bootstrap roles with administrator rights (deploy, CloudFormation execution). */
export const CDK_BOOTSTRAP_ADMIN_ROLE_PATTERNS: readonly string[] = [
  'arn:aws:iam::*:role/cdk-*-deploy-role-*',
  'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
];

/** The CDK bootstrap lookup role is read-only: the agent may assume it (`cdk synth` with context lookups). */
export const CDK_LOOKUP_ROLE_PATTERN = 'arn:aws:iam::*:role/cdk-*-lookup-role-*';

/** Services whose resources guard the agent (trail, alarm rules, topics, vaults, alarms, logs). */
export const GUARD_SERVICES: readonly string[] = ['cloudtrail', 'events', 'sns', 'backup', 'cloudwatch', 'logs', 'lambda', 'sqs', 'kms', 'chatbot'];

export interface SelfProtectionOptions {
  readonly passableRoleArns: string[];
  readonly protectedRoleArns: string[];
}

/**
 * No escape, no tampering:
 * - nothing but reads on agent roles (`role/guardrails-agent/*`) and agent policies
 *   (`policy/guardrails-agent/*`): no policy, trust, boundary or tag change, no passing,
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
      notActions: ['iam:Get*', 'iam:List*'],
      resources: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AGENT_POLICY_ARN_PATTERN],
    }),
    new iam.PolicyStatement({
      sid: 'DenyAssumeOtherRoles',
      effect: iam.Effect.DENY,
      actions: ['sts:AssumeRole'],
      notResources: [CDK_LOOKUP_ROLE_PATTERN],
    }),
    options.passableRoleArns.length
      ? new iam.PolicyStatement({ sid: 'DenyPassOtherRoles', effect: iam.Effect.DENY, actions: ['iam:PassRole'], notResources: options.passableRoleArns })
      : new iam.PolicyStatement({ sid: 'DenyPassRoles', effect: iam.Effect.DENY, actions: ['iam:PassRole'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'DenyAdminRoles',
      effect: iam.Effect.DENY,
      actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'iam:PassRole'],
      resources: options.protectedRoleArns,
    }),
  ];
}

/** Write actions (every access level but Read and List) of the guard services, compressed. */
export function guardActions(): string[] {
  const out: string[] = [];
  for (const svc of GUARD_SERVICES) {
    for (const name of ActionCatalog.actionsOfService(svc)) {
      const info = ActionCatalog.describe(`${svc}:${name}`);
      if (info.accessLevel !== 'Read' && info.accessLevel !== 'List') out.push(info.action);
    }
  }
  return PolicyPacker.compress(out);
}

/** Denies changing the resources that guard the agent: by ARN, and by the tag `guardrails:guard=true`. */
export function guardStatements(options: { arns: string[] }): iam.PolicyStatement[] {
  const actions = guardActions();
  const out = [new iam.PolicyStatement({
    sid: 'DenyGuardTagged',
    effect: iam.Effect.DENY,
    actions,
    resources: ['*'],
    conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${GUARD_TAG_KEY}`]: GUARD_TAG_VALUE } },
  })];
  if (options.arns.length) {
    out.push(new iam.PolicyStatement({ sid: 'DenyGuardResources', effect: iam.Effect.DENY, actions, resources: options.arns }));
  }
  return out;
}
