import { GuardrailLayer } from '../../guardrail-finding';
import { AlarmRules, CLOUDTRAIL_DETAIL_TYPE, SCENARIO_ACTIONS } from '../../private/monitoring';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-MON1: every agent role's destructive calls raise an alarm. */
export class AgentAlarmRule extends GuardrailRule {
  public readonly id = 'AG-MON1';
  public readonly name = 'Agent role without a destructive-call alarm';
  public readonly layer = GuardrailLayer.MONITORING;
  public readonly acknowledgeable = false;
  public readonly checks = `When the app has agent roles, each of them is covered by an enabled EventBridge rule on the default bus with at least one target, whose pattern matches "${CLOUDTRAIL_DETAIL_TYPE}" events of that role (userIdentity.sessionContext.sessionIssuer.arn) for each of the design's scenario calls: ${SCENARIO_ACTIONS.join(', ')}.`;
  public readonly why = 'A denied attempt is the signal that an agent is about to do damage somewhere else too; without an alarm nobody learns of it until something that was not denied is gone.';
  public readonly fix = 'Add a DestructiveCallAlarm to the app (it matches the agent role path and packs the catalog\'s destructive event names), with a subscribed SNS topic.';

  public evaluate(context: RuleContext): RuleHit[] {
    const rules = context.ofType('AWS::Events::Rule');
    const hits: RuleHit[] = [];
    for (const agent of context.agentRoles()) {
      const { missing, notes } = AlarmRules.uncovered(agent.resource, rules);
      if (missing.length === 0) continue;
      const what = missing.length === SCENARIO_ACTIONS.length ? 'no live alarm rule matches its calls' : `no live alarm rule matches its calls of ${missing.join(', ')}`;
      hits.push({ resource: agent.resource, message: `Agent role ${agent.resource.logicalId} (${agent.reason}): ${what}${notes.length ? ` (${notes.join('; ')})` : ''}.` });
    }
    return hits;
  }
}
