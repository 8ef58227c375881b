import { AgentIdentity } from '../../../identity';
import { GuardrailLayer } from '../../guardrail-finding';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-IAM1: every agent role has a permissions boundary. */
export class AgentRoleBoundaryRule extends GuardrailRule {
  public readonly id = 'AG-IAM1';
  public readonly name = 'Agent role without a permissions boundary';
  public readonly layer = GuardrailLayer.IAM;
  public readonly acknowledgeable = false;
  public readonly checks = `Every agent role (tagged ${AgentIdentity.AGENT_TAG_KEY}=${AgentIdentity.AGENT_TAG_VALUE}, under the path ${AgentIdentity.AGENT_ROLE_PATH}, or assumable by such a role) has a PermissionsBoundary.`;
  public readonly why = 'Without a boundary, one policy the agent (or a teammate) attaches later can give the agent any permission, including deleting production. The boundary caps what any future policy can grant.';
  public readonly fix = 'Create agent roles with AgentRole, or set permissionsBoundary on the iam.Role (PermissionsBoundary on AWS::IAM::Role) to a policy that denies the catalog\'s DESTROY, WEAKEN and ESCALATE actions.';

  public evaluate(context: RuleContext): RuleHit[] {
    return context.agentRoles()
      .filter(a => a.resource.properties.PermissionsBoundary === undefined)
      .map(a => ({ resource: a.resource, message: `Agent role ${a.resource.logicalId} (${a.reason}) has no permissions boundary.` }));
  }
}
