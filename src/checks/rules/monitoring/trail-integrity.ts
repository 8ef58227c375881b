import { GuardrailLayer } from '../../guardrail-finding';
import { resolve } from '../../private/intrinsics';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-MON3: trails record IAM (global) events and can prove their logs untouched. */
export class TrailIntegrityRule extends GuardrailRule {
  public readonly id = 'AG-MON3';
  public readonly name = 'Trail blind to global events or unvalidated';
  public readonly layer = GuardrailLayer.MONITORING;
  public readonly checks = 'Every AWS::CloudTrail::Trail has IsLogging true, EnableLogFileValidation true, and IncludeGlobalServiceEvents not false.';
  public readonly why = 'IAM calls (the ESCALATE actions) are global service events: a trail without them misses the agent granting itself rights. Log file validation proves after an incident that the log was not edited.';
  public readonly fix = 'Use DestructiveCallAlarm\'s trail, or set includeGlobalServiceEvents: true, enableFileValidation: true on cloudtrail.Trail (IncludeGlobalServiceEvents / EnableLogFileValidation / IsLogging on the L1).';

  public evaluate(context: RuleContext): RuleHit[] {
    return context.ofType('AWS::CloudTrail::Trail').flatMap(t => {
      const p = resolve(t.properties, t.stack.env) as Record<string, unknown>;
      const gaps: string[] = [];
      if (p.IsLogging !== true) gaps.push(`IsLogging is ${JSON.stringify(p.IsLogging)}`);
      if (p.EnableLogFileValidation !== true) gaps.push(`EnableLogFileValidation is ${p.EnableLogFileValidation === undefined ? 'not set' : JSON.stringify(p.EnableLogFileValidation)}`);
      if (p.IncludeGlobalServiceEvents !== undefined && p.IncludeGlobalServiceEvents !== true) gaps.push(`IncludeGlobalServiceEvents is ${JSON.stringify(p.IncludeGlobalServiceEvents)}`);
      return gaps.length ? [{ resource: t, message: `Trail ${t.logicalId}: ${gaps.join('; ')}.` }] : [];
    });
  }
}
