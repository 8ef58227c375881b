import { FindingSeverity, GuardrailLayer } from '../../guardrail-finding';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-RES3: stacks holding stateful resources have termination protection. */
export class StackTerminationProtectionRule extends GuardrailRule {
  public readonly id = 'AG-RES3';
  public readonly name = 'Stack with data and no termination protection';
  public readonly layer = GuardrailLayer.RESOURCE_PROTECTION;
  public readonly severity = FindingSeverity.WARNING;
  public readonly checks = 'Every top-level stack that holds a stateful resource has termination protection on (read from the cloud assembly manifest).';
  public readonly why = 'Termination protection makes cloudformation delete-stack (cdk destroy) fail before anything is deleted; retained resources would survive, but the stack and its wiring would not.';
  public readonly fix = 'Protection.of(scope).apply() turns it on; or set terminationProtection: true on the Stack.';

  public evaluate(context: RuleContext): RuleHit[] {
    const hits: RuleHit[] = [];
    for (const stack of context.app.stacks) {
      if (stack.nested || stack.terminationProtection === true) continue;
      const first = context.stateful().find(r => r.stack === stack);
      if (first) hits.push({ resource: first, message: `Stack ${stack.name} holds stateful resources (first: ${first.logicalId}) and has no termination protection.` });
    }
    return hits;
  }
}
