import { GuardrailLayer } from '../../guardrail-finding';
import { TemplateResource } from '../../private/assembly';
import { asList, resolve } from '../../private/intrinsics';
import { AlarmRules } from '../../private/monitoring';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-MON2: a destructive-call alarm reaches someone. */
export class AlarmDeliveryRule extends GuardrailRule {
  public readonly id = 'AG-MON2';
  public readonly name = 'Alarm that alerts nobody';
  public readonly layer = GuardrailLayer.MONITORING;
  public readonly checks = 'Every EventBridge rule on CloudTrail API calls has at least one target, and every SNS topic it targets has a subscription (an AWS::SNS::Subscription or the topic\'s Subscription property). A topic outside the app cannot be checked and counts as a finding.';
  public readonly why = 'An alarm published to a topic nobody subscribes to, or a rule with no target, looks like monitoring in the template and tells no one.';
  public readonly fix = 'Subscribe the alarm topic (email, chat, pager): DestructiveCallAlarm\'s subscription props, or topic.addSubscription(). For a topic in another account, acknowledge with where it is subscribed.';

  public evaluate(context: RuleContext): RuleHit[] {
    const hits: RuleHit[] = [];
    const subscriptions = context.ofType('AWS::SNS::Subscription');
    const seen = new Set<TemplateResource>();
    for (const rule of context.ofType('AWS::Events::Rule').filter(r => AlarmRules.isApiCallRule(r))) {
      const targets = asList(rule.properties.Targets);
      if (targets.length === 0) {
        hits.push({ resource: rule, message: `Alarm rule ${rule.logicalId} has no target.` });
        continue;
      }
      for (const t of targets) {
        const arn = resolve((t as Record<string, unknown>)?.Arn, rule.stack.env);
        const ref = typeof arn === 'string' ? /^\$\{Ref:([^}]+)\}$/.exec(arn) : null;
        const topic = ref ? rule.stack.resources.find(r => r.logicalId === ref[1]) : undefined;
        if (topic && topic.type === 'AWS::SNS::Topic') {
          if (seen.has(topic)) continue;
          seen.add(topic);
          const inline = asList(topic.properties.Subscription).length > 0;
          const separate = subscriptions.some(s => s.stack === topic.stack && JSON.stringify(s.properties.TopicArn ?? '') === JSON.stringify({ Ref: topic.logicalId }));
          if (!inline && !separate) hits.push({ resource: topic, message: `SNS topic ${topic.logicalId}, target of alarm rule ${rule.logicalId}, has no subscription.` });
        } else if (typeof arn === 'string' && /^arn:[^:]+:sns:/.test(arn)) {
          hits.push({ resource: rule, message: `Alarm rule ${rule.logicalId} targets the SNS topic ${arn}, defined outside this app: its subscriptions cannot be checked.` });
        } else if (typeof arn !== 'string' || (/^\$\{Ref:/.test(arn) && !topic)) {
          hits.push({ resource: rule, message: `Alarm rule ${rule.logicalId} has a target whose ARN cannot be read (${JSON.stringify((t as Record<string, unknown>)?.Arn)}).` });
        }
      }
    }
    return hits;
  }
}
