import { GuardrailLayer } from '../../guardrail-finding';
import { OrgPolicies } from '../../private/organizations';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-ORG1: SCP and RCP documents fit AWS Organizations' size limits. */
export class OrgPolicySizeRule extends GuardrailRule {
  public readonly id = 'AG-ORG1';
  public readonly name = 'Organization policy over its size limit';
  public readonly layer = GuardrailLayer.ORGANIZATIONS;
  public readonly checks = 'The Content of every AWS::Organizations::Policy of type SERVICE_CONTROL_POLICY fits the SCP budget (PolicyBudget.SCP, 10,240 characters, or the scpBudget you set, e.g. PolicyBudget.SCP_LEGACY), and of type RESOURCE_CONTROL_POLICY the RCP budget (PolicyBudget.RCP, 5,120). Object content is measured as minified JSON; string content as written; references count with placeholder values.';
  public readonly why = 'An oversized policy fails the deployment, often after the other layers deployed: the organization-wide denies silently never arrive.';
  public readonly fix = 'Use AgentScp / AgentRcp (they pack the catalog under the budget into several documents), or split the document.';

  public evaluate(context: RuleContext): RuleHit[] {
    return OrgPolicies.of(context).flatMap(p => {
      const budget = p.kind === 'SCP' ? context.options.scpBudget : context.options.rcpBudget;
      return p.characters > budget.maxCharacters
        ? [{ resource: p.resource, message: `${p.kind} ${p.resource.logicalId} is ${p.characters} characters, over the ${budget.name} budget of ${budget.maxCharacters}.` }]
        : [];
    });
  }
}
