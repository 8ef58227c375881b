import { FindingStatus, GuardrailFinding } from '../guardrail-finding';
import { allRules } from '../rules';
import { AppModel, RecordedAcknowledgement, namespaceOf } from './assembly';
import { GuardrailRule, RuleContext, RuleOptions } from '../rules/rule';

/** The plugin's name, which is also the namespace of its rule IDs in `Validations.acknowledge()`. */
export const PLUGIN_NAME = 'AgentGuardrails';

/** File the plugin writes into the cloud assembly when it runs at synth. */
export const MARKER_FILE = 'agent-guardrails-checks.json';

/** Namespaces an acknowledgement of a guardrail rule may use: the plugin's, or none (bare ID). */
const ACK_NAMESPACES = new Set([PLUGIN_NAME, 'Annotation', 'annotation']);

/** Engine options: the rules' settings and the acknowledgement policy. */
export interface EngineOptions extends RuleOptions {
  readonly minimumReasonLength: number;
}

function closestAck(acks: RecordedAcknowledgement[], ruleId: string, constructPath: string | undefined): RecordedAcknowledgement | undefined {
  if (constructPath === undefined) return undefined;
  let best: RecordedAcknowledgement | undefined;
  for (const a of acks) {
    if (a.ruleId !== ruleId || !ACK_NAMESPACES.has(namespaceOf(a.recordedId))) continue;
    if (a.path !== constructPath && !constructPath.startsWith(a.path + '/')) continue;
    if (!best || a.path.length > best.path.length) best = a;
  }
  return best;
}

/** Runs rules over an app model and applies acknowledgements. */
export class RuleEngine {
  constructor(private readonly options: EngineOptions, private readonly rules: GuardrailRule[] = allRules()) {}

  public run(app: AppModel): GuardrailFinding[] {
    const context = new RuleContext(app, this.options);
    const findings: GuardrailFinding[] = [];
    for (const rule of this.rules) {
      for (const hit of rule.evaluate(context)) {
        const r = hit.resource;
        const base = {
          ruleId: rule.id,
          ruleName: rule.name,
          layer: rule.layer,
          severity: rule.severity,
          stack: r.stack.name,
          logicalId: r.logicalId,
          resourceType: r.type,
          constructPath: r.constructPath,
          templatePath: r.stack.templatePath,
          message: hit.message,
        };
        const ack = closestAck(app.acknowledgements, rule.id, r.constructPath);
        if (!ack) {
          findings.push({ ...base, status: FindingStatus.OPEN });
          continue;
        }
        const reason = ack.reason.replace(/\s+/g, ' ').trim();
        let refusal: string | undefined;
        if (!rule.acknowledgeable) {
          refusal = `${rule.id} guards against the agent itself and cannot be acknowledged; fix the resource instead`;
        } else if (reason.length < this.options.minimumReasonLength) {
          refusal = `the reason has ${reason.length} characters; an acknowledgement needs a reason of at least ${this.options.minimumReasonLength}`;
        }
        findings.push({
          ...base,
          status: refusal ? FindingStatus.ACKNOWLEDGEMENT_REFUSED : FindingStatus.ACKNOWLEDGED,
          acknowledgementReason: ack.reason,
          acknowledgedAt: ack.path,
          refusal,
        });
      }
    }
    return findings;
  }
}
