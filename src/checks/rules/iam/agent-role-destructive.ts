import { AgentIdentity } from '../../../identity';
import { GuardrailLayer } from '../../guardrail-finding';
import { PolicyEvaluator } from '../../private/iam';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

const EXAMPLES = 5;

/** Actions shown first in a finding when allowed: the design's incidents, then escalation. */
const TELLING = [
  'ec2:TerminateInstances', 'rds:DeleteDBInstance', 's3:DeleteBucket', 's3:DeleteObject', 'dynamodb:DeleteTable',
  'elasticache:DeleteCacheCluster', 'cloudformation:DeleteStack', 'rds:ModifyDBInstance', 'iam:AttachRolePolicy',
  'iam:PutRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'cloudtrail:StopLogging',
];

/** AG-IAM2: an agent role's policies allow no catalog DESTROY, WEAKEN or ESCALATE action. */
export class AgentRoleDestructiveRule extends GuardrailRule {
  public readonly id = 'AG-IAM2';
  public readonly name = 'Agent role allowed destructive actions';
  public readonly layer = GuardrailLayer.IAM;
  public readonly acknowledgeable = false;
  public readonly checks = 'No agent role\'s identity policies allow an action the ActionCatalog classes as DESTROY, WEAKEN or ESCALATE unless a Deny removes it. '
    + 'Simplified evaluation: an action is allowed when an Allow statement\'s Action (or NotAction) matches it, whatever its Resource and Condition, the boundary (when readable) also allows it, '
    + `and no Deny with Resource "*" matches it whose conditions are only on the ${AgentIdentity.EPHEMERAL_TAG_KEY} tag or the agent's own tag/ARN. `
    + 'A policy whose content cannot be read offline (an AWS managed policy other than AdministratorAccess, PowerUserAccess and the read-only ones, or one from another template) counts as a finding.';
  public readonly why = 'This is the agent\'s effective power: an allowed DeleteDBInstance or TerminateInstances is the incident. WEAKEN actions switch protections off and ESCALATE actions let the agent grant itself the rest.';
  public readonly fix = 'Use AgentRole (it attaches deny policies packed from the ActionCatalog), or add explicit Deny statements for the listed actions, or remove the broad Allow (e.g. AdministratorAccess).';

  public evaluate(context: RuleContext): RuleHit[] {
    const evaluator = new PolicyEvaluator();
    const hits: RuleHit[] = [];
    for (const agent of context.agentRoles()) {
      const identity = agent.view.identityPolicies(agent.resource);
      const boundary = agent.view.boundary(agent.resource);
      const result = evaluator.evaluate(identity, boundary);
      const parts: string[] = [];
      if (result.allowed.length > 0) {
        const first = TELLING.filter(a => result.allowed.includes(a));
        const shown = [...first, ...result.allowed.filter(a => !first.includes(a))].slice(0, EXAMPLES).join(', ');
        parts.push(`allows ${result.allowed.length} guarded catalog actions that no Deny removes (e.g. ${shown}${result.allowed.length > EXAMPLES ? ', ...' : ''})`);
      }
      if (result.unknown.length > 0) {
        parts.push(`has policies this check cannot read, counted as unsafe: ${result.unknown.join('; ')}`);
      }
      if (parts.length) hits.push({ resource: agent.resource, message: `Agent role ${agent.resource.logicalId} (${agent.reason}) ${parts.join('; and ')}.` });
    }
    return hits;
  }
}
