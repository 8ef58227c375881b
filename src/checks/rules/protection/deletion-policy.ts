import { GuardrailLayer } from '../../guardrail-finding';
import { StatefulResources } from '../../private/stateful';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-RES1: stateful resources are retained (or snapshotted) when deleted or replaced. */
export class DeletionPolicyRule extends GuardrailRule {
  public readonly id = 'AG-RES1';
  public readonly name = 'Stateful resource deleted with its stack';
  public readonly layer = GuardrailLayer.RESOURCE_PROTECTION;
  public readonly checks = `Every stateful resource (${StatefulResources.types().join(', ')}; Aurora cluster members excluded) has DeletionPolicy Retain, RetainExceptOnCreate or Snapshot and UpdateReplacePolicy Retain or Snapshot. An unset policy counts as CloudFormation's default (Delete; Snapshot for RDS and Neptune).`;
  public readonly why = 'cdk destroy, a delete-stack, or a deploy that drops or replaces the resource deletes it with the deployer\'s rights, bypassing every IAM deny on the agent.';
  public readonly fix = 'Apply Protection.of(scope).apply() or use the Protected* constructs; or set removalPolicy: RemovalPolicy.RETAIN (or SNAPSHOT) on the L2, or cfnOptions.deletionPolicy / updateReplacePolicy on the L1.';

  public evaluate(context: RuleContext): RuleHit[] {
    return context.stateful().flatMap(r => {
      const gap = StatefulResources.policyGap(r);
      return gap ? [{ resource: r, message: `${r.type} ${r.logicalId}: ${gap}.` }] : [];
    });
  }
}
