import { PolicyBudget } from '../../policy';
import { AgentGuardrailsChecks, AgentGuardrailsChecksProps } from '../agent-guardrails-checks';
import { FindingSeverity, FindingStatus, GuardrailFinding, GuardrailLayer } from '../guardrail-finding';
import { AppModel, AssemblyLoader, StackModel } from '../private/assembly';
import { PLUGIN_NAME } from '../private/engine';
import { planFigures, planFiguresText } from '../private/iam';
import { AlarmRules } from '../private/monitoring';
import { OrgPolicies } from '../private/organizations';
import { StatefulResources } from '../private/stateful';
import { StackTerminationProtectionRule } from '../rules/protection/stack-termination';
import { RuleContext } from '../rules/rule';

/**
 * Where a layer stands in one stack.
 */
export enum LayerStatus {
  /** In place, with no open error finding. */
  GUARDED = 'GUARDED',
  /** In place, but with open error findings. */
  WEAK = 'WEAK',
  /** Required here, and not in place at all. */
  MISSING = 'MISSING',
  /** Not required here, and not present (e.g. no SCP in a workload stack). */
  ABSENT = 'ABSENT',
  /** Nothing in the stack needs it. */
  NOT_NEEDED = 'NOT_NEEDED',
}

/**
 * One layer of the checklist in one stack.
 */
export interface LayerSummary {
  /** The layer. */
  readonly layer: GuardrailLayer;
  /** Where it stands. */
  readonly status: LayerStatus;
  /** Whether the stack needs it (see `GuardrailReport` for the definition). */
  readonly required: boolean;
  /** Why it is required or not, in one line. */
  readonly why: string;
  /** What is guarded. */
  readonly guarded: string[];
  /** What is not guarded (open findings) and what was acknowledged, with the reason. */
  readonly notGuarded: string[];
}

/**
 * The checklist of one stack.
 */
export interface StackSummary {
  /** Stack display name (its construct path). */
  readonly stack: string;
  /** One entry per layer, in the order IAM, Organizations, resource protection, monitoring, backup, checks. */
  readonly layers: LayerSummary[];
}

/**
 * Options of `GuardrailReport`.
 */
export interface GuardrailReportOptions {
  /**
   * Settings of the rules (budgets, limits, minimum acknowledgement reason).
   *
   * @default - the defaults of AgentGuardrailsChecks
   */
  readonly checks?: AgentGuardrailsChecksProps;
}

/** The rule whose finding is about a stack rather than the resource it is attached to. */
const STACK_LEVEL_RULE = new StackTerminationProtectionRule().id;

const LAYER_ORDER = [
  GuardrailLayer.IAM, GuardrailLayer.ORGANIZATIONS, GuardrailLayer.RESOURCE_PROTECTION,
  GuardrailLayer.MONITORING, GuardrailLayer.BACKUP, GuardrailLayer.CHECKS,
];

const LAYER_TITLE: Record<GuardrailLayer, string> = {
  [GuardrailLayer.IAM]: 'IAM',
  [GuardrailLayer.ORGANIZATIONS]: 'Organizations',
  [GuardrailLayer.RESOURCE_PROTECTION]: 'Resource protection',
  [GuardrailLayer.MONITORING]: 'Monitoring',
  [GuardrailLayer.BACKUP]: 'Backup',
  [GuardrailLayer.CHECKS]: 'Checks',
};

function findingLine(f: GuardrailFinding): string {
  if (f.status === FindingStatus.ACKNOWLEDGED) return `${f.ruleId} acknowledged at ${f.acknowledgedAt} ("${f.acknowledgementReason}"): ${f.message}`;
  const refused = f.status === FindingStatus.ACKNOWLEDGEMENT_REFUSED ? ` [acknowledgement refused: ${f.refusal}]` : '';
  return `${f.ruleId}${f.severity === FindingSeverity.WARNING ? ' (warning)' : ''}: ${f.message}${refused}`;
}

/**
 * The guardrail report of a synthesized app: per stack and per layer, what is guarded, what is
 * not, and why; as a table for people or JSON for pipelines.
 *
 * A layer is required in a stack when: IAM, the stack has agent roles; monitoring, the stack has
 * agent roles (the alarm may live in any stack of the app); resource protection, the stack has
 * stateful resources; backup, the stack has stateful resources AWS Backup supports.
 * Organizations and checks are never required. `passed` is false (and `exitCode` 1) when a
 * required layer is MISSING or WEAK, or any error finding is open.
 *
 * @example
 * const report = GuardrailReport.fromAssembly('cdk.out');
 * console.log(report.toTable());
 * process.exitCode = report.exitCode;
 */
export class GuardrailReport {
  /** Reads a cloud assembly directory (`cdk.out`) and runs every rule over it. */
  public static fromAssembly(directory: string, options: GuardrailReportOptions = {}): GuardrailReport {
    const model = AssemblyLoader.load(directory);
    const findings = new AgentGuardrailsChecks(options.checks).findingsInAssembly(directory);
    return new GuardrailReport(model, findings, options);
  }

  /** Absolute path of the cloud assembly. */
  public readonly directory: string;
  /** Every finding, acknowledged ones included. */
  public readonly findings: GuardrailFinding[];
  /** The checklist per stack. */
  public readonly stacks: StackSummary[];
  /** Whether the app passes: no required layer missing or weak, no open error finding. */
  public readonly passed: boolean;
  /** Process exit code for the report command: 0 when `passed`, else 1. */
  public readonly exitCode: number;
  /** Whether the AgentGuardrailsChecks plugin ran during synthesis (it leaves `agent-guardrails-checks.json` in the assembly). */
  public readonly pluginRanAtSynth: boolean;

  private constructor(model: AppModel, findings: GuardrailFinding[], options: GuardrailReportOptions) {
    this.directory = model.directory;
    this.findings = findings;
    this.pluginRanAtSynth = model.pluginsRun.includes(PLUGIN_NAME);
    const context = new RuleContext(model, {
      scpBudget: options.checks?.scpBudget ?? PolicyBudget.SCP,
      rcpBudget: options.checks?.rcpBudget ?? PolicyBudget.RCP,
      maxScpsPerTarget: options.checks?.maxScpsPerTarget ?? 10,
      maxRcpsPerTarget: options.checks?.maxRcpsPerTarget ?? 5,
    });
    this.stacks = model.stacks.map(s => ({ stack: s.name, layers: LAYER_ORDER.map(l => this.layer(l, s, context)) }));
    const open = findings.some(f => f.status !== FindingStatus.ACKNOWLEDGED && f.severity === FindingSeverity.ERROR);
    const layerFails = this.stacks.some(s => s.layers.some(l => l.required && l.status !== LayerStatus.GUARDED));
    this.passed = !open && !layerFails;
    this.exitCode = this.passed ? 0 : 1;
  }

  private layer(layer: GuardrailLayer, stack: StackModel, context: RuleContext): LayerSummary {
    const mine = this.findings.filter(f => f.layer === layer && f.stack === stack.name);
    const openErrors = mine.filter(f => f.status !== FindingStatus.ACKNOWLEDGED && f.severity === FindingSeverity.ERROR);
    const notGuarded = mine.map(findingLine);
    const statusOf = (present: boolean, required: boolean, nothingGuarded = false): LayerStatus => {
      if (!present) return required ? LayerStatus.MISSING : LayerStatus.ABSENT;
      if (openErrors.length === 0) return LayerStatus.GUARDED;
      return required && nothingGuarded ? LayerStatus.MISSING : LayerStatus.WEAK;
    };
    // AG-RES3 is about the stack (termination protection); it names the stack's first stateful
    // resource only because a finding needs one, so it does not make that resource unguarded.
    const flagged = new Set(mine.filter(f => f.status !== FindingStatus.ACKNOWLEDGED && f.ruleId !== STACK_LEVEL_RULE).map(f => f.logicalId));
    switch (layer) {
      case GuardrailLayer.IAM: {
        const agents = context.agentRoles().filter(a => a.resource.stack === stack);
        if (agents.length === 0) return { layer, status: LayerStatus.NOT_NEEDED, required: false, why: 'no agent roles in this stack', guarded: [], notGuarded };
        const guarded = agents.filter(a => !flagged.has(a.resource.logicalId)).map(a => `agent role ${a.resource.logicalId} (${a.reason}): permissions boundary set, no guarded catalog action allowed`);
        return { layer, status: statusOf(true, true, guarded.length === 0), required: true, why: `${agents.length} agent role(s): each needs a boundary and the denies of ${planFiguresText()}`, guarded, notGuarded };
      }
      case GuardrailLayer.ORGANIZATIONS: {
        const policies = OrgPolicies.of({ ofType: t => stack.resources.filter(r => r.type === t) });
        const guarded = policies.filter(p => !flagged.has(p.resource.logicalId)).map(p => {
          const budget = p.kind === 'SCP' ? context.options.scpBudget : context.options.rcpBudget;
          return `${p.kind} ${p.resource.logicalId}: ${p.characters}/${budget.maxCharacters} characters, ${p.targets.length} target(s)`;
        });
        return {
          layer,
          status: statusOf(policies.length > 0, false),
          required: false,
          why: policies.length ? `${policies.length} organization policies in this stack` : 'optional: no SCP/RCP in this stack (they may be deployed from the management account)',
          guarded,
          notGuarded,
        };
      }
      case GuardrailLayer.RESOURCE_PROTECTION: {
        const stateful = context.stateful().filter(r => r.stack === stack);
        if (stateful.length === 0) return { layer, status: LayerStatus.NOT_NEEDED, required: false, why: 'no stateful resources in this stack', guarded: [], notGuarded };
        const guarded = stateful.filter(r => !flagged.has(r.logicalId)).map(r => {
          const loss = StatefulResources.terminationLoss(r);
          return `${r.type} ${r.logicalId}: retained on delete/replace${StatefulResources.hasServiceProtection(r) ? ', service-level protection on' : ''}${loss ? `; NOT protected: ${loss}` : ''}`;
        });
        if (stack.terminationProtection) guarded.push(`stack ${stack.name}: termination protection on`);
        const anyProtected = stateful.some(r => !flagged.has(r.logicalId));
        return { layer, status: statusOf(true, true, !anyProtected), required: true, why: `${stateful.length} stateful resource(s)`, guarded, notGuarded };
      }
      case GuardrailLayer.MONITORING: {
        const agentsHere = context.agentRoles().filter(a => a.resource.stack === stack);
        const alarmRules = stack.resources.filter(r => r.type === 'AWS::Events::Rule' && AlarmRules.isApiCallRule(r));
        const trails = stack.resources.filter(r => r.type === 'AWS::CloudTrail::Trail');
        const required = agentsHere.length > 0;
        const guarded: string[] = [];
        for (const a of agentsHere.filter(x => !flagged.has(x.resource.logicalId))) guarded.push(`agent role ${a.resource.logicalId}: its destructive calls match a live alarm rule`);
        if (alarmRules.length > 0) {
          const live = alarmRules.filter(r => AlarmRules.isLive(r)).length;
          guarded.push(`${alarmRules.length} alarm rule(s) on CloudTrail API calls, ${live} live (enabled, default bus, with a target)`);
        }
        for (const t of trails.filter(x => !flagged.has(x.logicalId))) guarded.push(`trail ${t.logicalId}: logging, global events, log file validation`);
        const present = alarmRules.length + trails.length > 0 || (required && guarded.length > 0);
        if (!present && !required) return { layer, status: LayerStatus.NOT_NEEDED, required: false, why: 'no agent roles in this stack', guarded, notGuarded };
        const coveredHere = agentsHere.filter(x => !flagged.has(x.resource.logicalId)).length;
        return {
          layer,
          status: statusOf(present, required, required && coveredHere === 0),
          required,
          why: required ? `${agentsHere.length} agent role(s): their destructive calls must raise an alarm` : 'alarm resources present (no agent roles in this stack)',
          guarded,
          notGuarded,
        };
      }
      case GuardrailLayer.BACKUP: {
        const supported = context.stateful().filter(r => r.stack === stack && StatefulResources.isBackupSupported(r));
        const vaults = stack.resources.filter(r => r.type === 'AWS::Backup::BackupVault' || r.type === 'AWS::Backup::LogicallyAirGappedBackupVault');
        const required = supported.length > 0;
        const guarded = [
          ...vaults.filter(v => !flagged.has(v.logicalId)).map(v => `vault ${v.logicalId}: locked`),
          ...supported.filter(r => !flagged.has(r.logicalId)).map(r => `${r.type} ${r.logicalId}: selected by a backup plan`),
        ];
        if (!required && vaults.length === 0) return { layer, status: LayerStatus.NOT_NEEDED, required: false, why: 'no stateful resources AWS Backup supports in this stack', guarded, notGuarded };
        const selected = supported.filter(r => !flagged.has(r.logicalId)).length;
        return {
          layer,
          status: statusOf(!required || selected > 0 || vaults.length > 0, required, required && selected === 0),
          required,
          why: required ? `${supported.length} resource(s) AWS Backup supports` : 'backup vaults present',
          guarded,
          notGuarded,
        };
      }
      default: {
        const acks = this.findings.filter(f => f.stack === stack.name && f.status !== FindingStatus.OPEN);
        const rules = AgentGuardrailsChecks.rules().length;
        const guarded = [`${rules} rules run over this stack's template by this report`];
        if (this.pluginRanAtSynth) guarded.push(`${PLUGIN_NAME} plugin ran at synth (agent-guardrails-checks.json)`);
        return {
          layer,
          status: this.pluginRanAtSynth ? LayerStatus.GUARDED : LayerStatus.ABSENT,
          required: false,
          why: this.pluginRanAtSynth ? 'the plugin is registered: synth fails on open findings' : 'optional: register AgentGuardrailsChecks with Validations.of(app).addPlugins() to fail synth too',
          guarded,
          notGuarded: acks.map(findingLine),
        };
      }
    }
  }

  /** The report as JSON for pipelines. */
  public toJson(): string {
    const open = this.findings.filter(f => f.status !== FindingStatus.ACKNOWLEDGED);
    return JSON.stringify({
      reportVersion: 1,
      directory: this.directory,
      passed: this.passed,
      exitCode: this.exitCode,
      pluginRanAtSynth: this.pluginRanAtSynth,
      rules: AgentGuardrailsChecks.rules().map(r => ({
        id: r.id, name: r.name, layer: r.layer, severity: r.severity, acknowledgeable: r.acknowledgeable,
      })),
      catalog: planFigures(),
      summary: {
        stacks: this.stacks.length,
        openFindings: open.length,
        openErrors: open.filter(f => f.severity === FindingSeverity.ERROR).length,
        acknowledged: this.findings.length - open.length,
        missingLayers: this.stacks.flatMap(s => s.layers.filter(l => l.required && l.status === LayerStatus.MISSING).map(l => `${s.stack}:${l.layer}`)),
        weakLayers: this.stacks.flatMap(s => s.layers.filter(l => l.required && l.status === LayerStatus.WEAK).map(l => `${s.stack}:${l.layer}`)),
      },
      stacks: this.stacks,
      findings: this.findings,
    }, undefined, 2);
  }

  /** The report as a table for people. */
  public toTable(): string {
    const lines: string[] = [];
    const open = this.findings.filter(f => f.status !== FindingStatus.ACKNOWLEDGED);
    lines.push(`cdk-agent-guardrails report: ${this.directory}`);
    lines.push(`${this.stacks.length} stack(s), ${AgentGuardrailsChecks.rules().length} rules, ${open.length} open finding(s), ${this.findings.length - open.length} acknowledged`);
    lines.push(`Agent roles are held to the deny plan of ${planFiguresText()}.`);
    const rows: string[][] = [];
    for (const s of this.stacks) {
      lines.push('');
      lines.push(`Stack ${s.stack}`);
      const header = ['LAYER', 'STATUS', 'REQUIRED', 'WHY'];
      const table = s.layers.map(l => [LAYER_TITLE[l.layer], l.status, l.required ? 'yes' : 'no', l.why]);
      const widths = header.map((h, i) => Math.max(h.length, ...table.map(r => r[i].length)));
      const fmt = (r: string[]) => '  ' + r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join('  ');
      lines.push(fmt(header));
      for (const [i, l] of s.layers.entries()) {
        lines.push(fmt(table[i]));
        for (const g of l.guarded) lines.push(`      + ${g}`);
        for (const n of l.notGuarded) lines.push(`      ${n.includes(' acknowledged at ') ? '~' : '-'} ${n}`);
      }
      rows.push(...table);
    }
    lines.push('');
    const missing = this.stacks.flatMap(s => s.layers.filter(l => l.required && l.status !== LayerStatus.GUARDED).map(l => `${s.stack}: ${LAYER_TITLE[l.layer]} ${l.status}`));
    lines.push(this.passed
      ? 'PASSED: every required layer is guarded and no error finding is open.'
      : `FAILED (exit ${this.exitCode}): ${[...missing, ...(open.some(f => f.severity === FindingSeverity.ERROR) ? [`${open.filter(f => f.severity === FindingSeverity.ERROR).length} open error finding(s)`] : [])].join('; ')}.`);
    lines.push('Legend: + guarded, - not guarded (open finding), ~ acknowledged (with its reason).');
    return lines.join('\n') + '\n';
  }
}
