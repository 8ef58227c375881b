import { setActions } from '../../../policy/private/guards';
import { GuardrailLayer } from '../../guardrail-finding';
import { tagsOf } from '../../private/assembly';
import { checkedExecutionPlan, isGuardedExecutionRole, PolicyEvaluator } from '../../private/iam';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

const EXAMPLES = 5;

/** AG-IAM2: an agent role's policies allow no action the deny plan denies. */
export class AgentRoleDestructiveRule extends GuardrailRule {
  public readonly id = 'AG-IAM2';
  public readonly name = 'Agent role allowed destructive actions';
  public readonly layer = GuardrailLayer.IAM;
  public readonly acknowledgeable = false;
  public readonly checks = 'No agent role\'s identity policies allow an action the deny plan of the catalog\'s default categories (DESTROY, WEAKEN, EXPOSE, ESCALATE, and the guard rules) denies, unless a Deny removes it. '
    + 'Sound evaluation: an action is allowed when an Allow statement\'s Action (or NotAction) matches it, whatever its Resource and Condition, and the boundary (when readable) also allows it; '
    + 'a Deny counts only with Resource "*" and only when each of its conditions is exactly one the plan gives that action (the ephemeral exception, a rule\'s own condition) '
    + 'or one that holds for every request of the role (its agent tag, an ArnLike aws:PrincipalArn pattern that matches it); any other operator, value or key might not hold, so such a Deny is not counted. '
    + 'A guarded CloudFormation execution role (by its name under the agent path) is checked against its own plan, with the catalog\'s deploy exceptions; '
    + 'an Allow of iam:PassRole only on guarded execution roles, only to CloudFormation, is the hand-off the stored-role rule asks for and is not counted. '
    + 'A policy whose content cannot be read offline (an AWS managed policy outside the generated table, or one from another template) counts as a finding.';
  public readonly why = 'This is the agent\'s effective power: an allowed DeleteDBInstance or TerminateInstances is the incident. WEAKEN actions switch protections off, EXPOSE actions make data public, ESCALATE actions let the agent grant itself the rest, and a forged guardrail tag opens resources to deletes.';
  public readonly fix = 'Use AgentRole (it attaches deny policies rendered from the catalog\'s deny plan), or add explicit Deny statements with Resource "*" for the listed actions (conditions only on the agent\'s own tag or ARN, or the plan\'s), or remove the broad Allow (e.g. AdministratorAccess).';

  public evaluate(context: RuleContext): RuleHit[] {
    const evaluator = new PolicyEvaluator();
    let execution: PolicyEvaluator | undefined;
    const telling = setActions('checks.telling');
    const hits: RuleHit[] = [];
    for (const agent of context.agentRoles()) {
      const identity = agent.view.identityPolicies(agent.resource);
      const boundary = agent.view.boundary(agent.resource);
      const arn = agent.view.roleArn(agent.resource);
      // A guarded execution role is checked against the plan it renders: the catalog's deploy
      // exceptions, denied on what the agent does not own.
      const use = isGuardedExecutionRole(arn) ? (execution ??= new PolicyEvaluator(checkedExecutionPlan())) : evaluator;
      const result = use.evaluate(identity, boundary, { arn, tags: tagsOf(agent.resource) });
      const parts: string[] = [];
      if (result.allowed.length > 0) {
        const first = telling.filter(a => result.allowed.includes(a));
        const shown = [...first, ...result.allowed.filter(a => !first.includes(a))].slice(0, EXAMPLES).join(', ');
        const cond = result.conditional.length ? `, ${result.conditional.length} of them under a condition such as a guardrail tag key (${[...new Set(result.conditional.map(c => c.group))].join(', ')})` : '';
        parts.push(`allows ${result.allowed.length} actions of the deny plan that no Deny removes${cond} (e.g. ${shown}${result.allowed.length > EXAMPLES ? ', ...' : ''})`);
      }
      if (result.unknown.length > 0) {
        parts.push(`has policies this check cannot read, counted as unsafe: ${result.unknown.join('; ')}`);
      }
      if (parts.length) hits.push({ resource: agent.resource, message: `Agent role ${agent.resource.logicalId} (${agent.reason}) ${parts.join('; and ')}.` });
    }
    return hits;
  }
}
