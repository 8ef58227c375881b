import { GuardrailLayer } from '../../guardrail-finding';
import { OrgPolicies } from '../../private/organizations';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-ORG2: no root, OU or account gets more SCPs or RCPs than AWS allows. */
export class OrgAttachmentCountRule extends GuardrailRule {
  public readonly id = 'AG-ORG2';
  public readonly name = 'Too many organization policies on one target';
  public readonly layer = GuardrailLayer.ORGANIZATIONS;
  public readonly checks = 'For each target (TargetIds entry), the SCPs of the app plus the AWS-managed FullAWSAccess stay within maxScpsPerTarget (default 10), and the RCPs plus RCPFullAWSAccess within maxRcpsPerTarget (default 5).';
  public readonly why = 'Attaching one policy too many fails the deployment of that policy; the guardrail it carries is then missing on that target.';
  public readonly fix = 'Let AgentScp / AgentRcp place the documents that do not fit on an ancestor (overflowLevels: a parent OU or the root, each with its own quota), set existingPoliciesPerTarget to what the targets already carry, or detach other policies from the targets.';

  public evaluate(context: RuleContext): RuleHit[] {
    const hits: RuleHit[] = [];
    const policies = OrgPolicies.of(context);
    for (const kind of ['SCP', 'RCP'] as const) {
      const max = kind === 'SCP' ? context.options.maxScpsPerTarget : context.options.maxRcpsPerTarget;
      const byTarget = new Map<string, typeof policies>();
      for (const p of policies.filter(x => x.kind === kind)) {
        for (const t of p.targets) byTarget.set(t, [...(byTarget.get(t) ?? []), p]);
      }
      for (const [target, list] of byTarget) {
        const total = list.length + 1;
        if (total > max) {
          hits.push({ resource: list[list.length - 1].resource, message: `Target ${target} gets ${list.length} ${kind}s from this app (${list.map(p => p.resource.logicalId).join(', ')}) plus the AWS-managed ${kind === 'SCP' ? 'FullAWSAccess' : 'RCPFullAWSAccess'}: ${total}, over the limit of ${max}.` });
        }
      }
    }
    return hits;
  }
}
