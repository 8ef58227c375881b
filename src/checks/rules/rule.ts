import { PolicyBudget } from '../../policy';
import { FindingSeverity, GuardrailLayer, GuardrailRuleInfo } from '../guardrail-finding';
import { AppModel, StackModel, TemplateResource } from '../private/assembly';
import { AgentRole, IamView } from '../private/iam';
import { StatefulResources } from '../private/stateful';

/** Settings the rules read. */
export interface RuleOptions {
  readonly scpBudget: PolicyBudget;
  readonly rcpBudget: PolicyBudget;
  readonly maxScpsPerTarget: number;
  readonly maxRcpsPerTarget: number;
}

/** One rule hit on one resource. */
export interface RuleHit {
  readonly resource: TemplateResource;
  readonly message: string;
}

/** What the rules see: the app's stacks and shared, cached views of them. */
export class RuleContext {
  private readonly views = new Map<StackModel, IamView>();
  private agents?: Array<AgentRole & { view: IamView }>;

  constructor(public readonly app: AppModel, public readonly options: RuleOptions) {}

  /** Every resource of the app. */
  public resources(): TemplateResource[] {
    return this.app.stacks.flatMap(s => s.resources);
  }

  /** Resources of one CloudFormation type. */
  public ofType(type: string): TemplateResource[] {
    return this.resources().filter(r => r.type === type);
  }

  /** The IAM view of a stack. */
  public iam(stack: StackModel): IamView {
    let v = this.views.get(stack);
    if (!v) {
      v = new IamView(stack);
      this.views.set(stack, v);
    }
    return v;
  }

  /** Agent roles of the whole app. */
  public agentRoles(): Array<AgentRole & { view: IamView }> {
    if (!this.agents) {
      this.agents = this.app.stacks.flatMap(s => {
        const view = this.iam(s);
        return view.agentRoles().map(a => ({ ...a, view }));
      });
    }
    return this.agents;
  }

  /** Stateful resources of the whole app (cluster members excluded). */
  public stateful(): TemplateResource[] {
    return this.resources().filter(r => StatefulResources.isStateful(r));
  }
}

/**
 * A guardrail rule: a stable ID, what it checks, why, how to fix, and the check itself over
 * the synthesized templates of an app.
 */
export abstract class GuardrailRule implements GuardrailRuleInfo {
  public abstract readonly id: string;
  public abstract readonly name: string;
  public abstract readonly layer: GuardrailLayer;
  public readonly severity: FindingSeverity = FindingSeverity.ERROR;
  public readonly acknowledgeable: boolean = true;
  public abstract readonly checks: string;
  public abstract readonly why: string;
  public abstract readonly fix: string;

  /** Runs the rule over an app. */
  public abstract evaluate(context: RuleContext): RuleHit[];

  /** The rule's description as plain data. */
  public info(): GuardrailRuleInfo {
    return {
      id: this.id,
      name: this.name,
      layer: this.layer,
      severity: this.severity,
      acknowledgeable: this.acknowledgeable,
      checks: this.checks,
      why: this.why,
      fix: this.fix,
    };
  }
}
