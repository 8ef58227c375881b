import * as fs from 'fs';
import * as path from 'path';
import {
  IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Stage,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { releaseCaches } from '../catalog/private/caches';
import { PolicyBudget } from '../policy';
import { FindingSeverity, FindingStatus, GuardrailFinding, GuardrailRuleInfo } from './guardrail-finding';
import { AppModel, AssemblyLoader } from './private/assembly';
import { EngineOptions, MARKER_FILE, PLUGIN_NAME, RuleEngine } from './private/engine';
import { allRules } from './rules';

/** Shortest reason an acknowledgement may give, whatever `minimumReasonLength` says. */
const MIN_REASON_FLOOR = 10;

/**
 * Properties of `AgentGuardrailsChecks`.
 */
export interface AgentGuardrailsChecksProps {
  /**
   * Size budget of one service control policy document (AG-ORG1).
   *
   * @default PolicyBudget.SCP (10,240 characters); use PolicyBudget.SCP_LEGACY for an organization still on 5,120
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
   */
  readonly scpBudget?: PolicyBudget;

  /**
   * Size budget of one resource control policy document (AG-ORG1).
   *
   * @default PolicyBudget.RCP (5,120 characters)
   */
  readonly rcpBudget?: PolicyBudget;

  /**
   * Most SCPs one root, OU or account may have, the AWS-managed FullAWSAccess included (AG-ORG2).
   *
   * @default 10
   */
  readonly maxScpsPerTarget?: number;

  /**
   * Most RCPs one root, OU or account may have, the AWS-managed RCPFullAWSAccess included (AG-ORG2).
   *
   * @default 5
   */
  readonly maxRcpsPerTarget?: number;

  /**
   * Shortest reason (in characters, whitespace collapsed) an acknowledgement must give to be accepted.
   *
   * Shorter reasons are refused and the finding stays open. At least 10.
   *
   * @default 20
   */
  readonly minimumReasonLength?: number;
}

function packageVersion(): string {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
    return typeof v === 'string' ? v : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function checkCount(prop: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${prop}: ${value} is not allowed. Set ${prop} to a whole number of at least ${min} (default ${fallback}).`);
  }
  return value;
}

/**
 * The guardrail checklist as a CDK policy-validation plugin: every rule runs over the
 * synthesized templates of the app and reports what would let an agent destroy production.
 *
 * Acknowledging a finding: `Validations.of(construct).acknowledge({ id: 'AgentGuardrails::AG-RES1',
 * reason })` (or the bare `AG-RES1`) on the resource, a parent, or its stack. The plugin decides
 * acknowledgements itself, and an agent that edits the app cannot silence it quietly:
 * - AG-IAM1, AG-IAM2 and AG-MON1 cannot be acknowledged at all: an acknowledgement of them is
 *   refused, and their open findings are reported with severity `fatal`, which aws-cdk-lib
 *   never suppresses;
 * - a reason shorter than `minimumReasonLength` is refused (the finding stays open, `fatal`);
 * - every accepted acknowledgement stays in the output as an `info` violation with its reason and
 *   where it was recorded, and in the `cdk-agent-guardrails report` of the cloud assembly;
 * - acknowledgements recorded outside any stack (on the App or a Stage) are not written to the
 *   cloud assembly, so they are not accepted.
 *
 * @example
 * import { App, Validations } from 'aws-cdk-lib';
 *
 * const app = new App();
 * Validations.of(app).addPlugins(new AgentGuardrailsChecks());
 */
export class AgentGuardrailsChecks implements IPolicyValidationPlugin {
  /** What every rule checks, why, and how to fix it. */
  public static rules(): GuardrailRuleInfo[] {
    return allRules().map(r => r.info());
  }

  /** The plugin's name, also the namespace of its rule IDs when acknowledging. */
  public readonly name: string = PLUGIN_NAME;

  /** Version of the package. */
  public readonly version?: string;

  /** IDs of the rules the plugin runs. */
  public readonly ruleIds?: string[];

  private readonly options: EngineOptions;

  constructor(props: AgentGuardrailsChecksProps = {}) {
    this.options = {
      scpBudget: props.scpBudget ?? PolicyBudget.SCP,
      rcpBudget: props.rcpBudget ?? PolicyBudget.RCP,
      maxScpsPerTarget: checkCount('maxScpsPerTarget', props.maxScpsPerTarget, 10, 1),
      maxRcpsPerTarget: checkCount('maxRcpsPerTarget', props.maxRcpsPerTarget, 5, 1),
      minimumReasonLength: checkCount('minimumReasonLength', props.minimumReasonLength, 20, MIN_REASON_FLOOR),
    };
    this.version = packageVersion();
    this.ruleIds = allRules().map(r => r.id);
  }

  /** Called by the CDK during synthesis, after the templates are written. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = context.appConstruct as Stage;
    const directory = root.outdir ?? path.dirname(context.templatePaths[0]);
    const wanted = new Set(context.templatePaths.map(p => path.resolve(p)));
    const model = AssemblyLoader.load(directory);
    const kept = model.stacks.filter(s => wanted.has(path.resolve(s.templatePath)));
    const names = new Set(kept.map(s => s.name));
    const stacks = model.stacks.filter(s => names.has(s.name) || (s.nested && [...names].some(n => s.name.startsWith(n + '/'))));
    const findings = this.run({ ...model, stacks });
    // Records that the checks ran at synth, for `cdk-agent-guardrails report` (a clean plugin
    // does not appear in validation-report.json).
    fs.writeFileSync(path.join(directory, MARKER_FILE), JSON.stringify({
      plugin: this.name,
      version: this.version,
      rules: this.ruleIds,
      stacks: stacks.map(s => s.name),
      open: findings.filter(f => f.status !== FindingStatus.ACKNOWLEDGED).length,
      acknowledged: findings.filter(f => f.status === FindingStatus.ACKNOWLEDGED)
        .map(f => ({ ruleId: f.ruleId, at: f.acknowledgedAt, reason: f.acknowledgementReason, resource: f.constructPath })),
    }, undefined, 2));
    // The checks are the library's last reader of the catalog in a synthesis: drop its caches
    // before aws-cdk-lib's validator runs (rebuilt, the same, on any later use).
    releaseCaches();
    return this.toReport(findings);
  }

  /**
   * Validates the stacks in a scope directly (in tests, or without registering the plugin).
   *
   * Synthesizes the enclosing app first when it has not been synthesized (aspects such as
   * `Protection` run then), and reads the templates it wrote.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return this.toReport(this.findings(scope));
  }

  /**
   * Runs every rule over the stacks in a scope (an App, a Stage or a Stack) and returns all
   * findings, acknowledged ones included.
   */
  public findings(scope: IConstruct): GuardrailFinding[] {
    let root: Stage | undefined = Stage.isStage(scope) ? scope : Stage.of(scope);
    if (!root) throw new Error(`scope: '${scope.node.path}' is not inside an App or Stage. Pass an App, a Stage or a Stack.`);
    while (root.parentStage) root = root.parentStage;
    root.synth();
    const inScope = new Set(scope.node.findAll().filter(c => Stack.isStack(c)).map(c => c.node.path));
    const model = AssemblyLoader.load(root.outdir);
    const stacks = model.stacks.filter(s => inScope.has(s.name) || (s.nested && [...inScope].some(n => s.name.startsWith(n + '/'))));
    return this.run({ ...model, stacks });
  }

  /** Runs every rule over a synthesized cloud assembly directory (e.g. `cdk.out`). */
  public findingsInAssembly(directory: string): GuardrailFinding[] {
    return this.run(AssemblyLoader.load(directory));
  }

  private run(model: AppModel): GuardrailFinding[] {
    return new RuleEngine(this.options).run(model);
  }

  private toReport(findings: GuardrailFinding[]): PolicyValidationPluginReport {
    const rules = new Map(allRules().map(r => [r.id, r]));
    const violations: PolicyViolation[] = findings.map(f => {
      const rule = rules.get(f.ruleId)!;
      let severity: string;
      let description = `[${f.ruleId}] ${f.ruleName}: ${f.message}`;
      if (f.status === FindingStatus.ACKNOWLEDGED) {
        severity = 'info';
        description = `ACKNOWLEDGED at '${f.acknowledgedAt}' (${f.acknowledgementReason}): ${description}`;
      } else if (f.severity === FindingSeverity.WARNING) {
        severity = 'warning';
      } else {
        severity = f.status === FindingStatus.ACKNOWLEDGEMENT_REFUSED || !rule.acknowledgeable ? 'fatal' : 'error';
      }
      if (f.status === FindingStatus.ACKNOWLEDGEMENT_REFUSED) {
        description += ` Acknowledgement at '${f.acknowledgedAt}' refused: ${f.refusal}.`;
      }
      return {
        ruleName: f.ruleId,
        description,
        fix: rule.fix,
        severity,
        violatingResources: [f.constructPath !== undefined
          ? { constructPath: f.constructPath, templatePath: f.templatePath, locations: ['Properties'] }
          : { resourceLogicalId: f.logicalId, templatePath: f.templatePath, locations: ['Properties'] }],
        ruleMetadata: {
          layer: f.layer,
          status: f.status,
          acknowledgeable: rule.acknowledgeable ? 'yes' : 'no',
        },
      };
    });
    const acknowledged = findings.filter(f => f.status === FindingStatus.ACKNOWLEDGED);
    const metadata: Record<string, string> = {
      rules: String(rules.size),
      open: String(findings.filter(f => f.status !== FindingStatus.ACKNOWLEDGED).length),
      acknowledged: acknowledged.map(f => `${f.ruleId} at ${f.acknowledgedAt}: ${f.acknowledgementReason}`).join(' | '),
    };
    return {
      success: !violations.some(v => v.severity === 'error' || v.severity === 'fatal'),
      violations,
      pluginVersion: this.version,
      metadata,
    };
  }
}
