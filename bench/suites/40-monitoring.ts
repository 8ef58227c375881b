/**
 * DestructiveCallAlarm figures:
 * - rules and pattern sizes, packed vs a baseline of one unpacked rule per event source
 *   (exact event names, the same principal filter), both computed in this run;
 * - construct + synth time, each in a fresh process (interleaved, median), of a stack with the
 *   alarm (e-mail, kill switch) vs the same resources written as plain L1 `CfnResource`s (its own
 *   synthesized template) with the kill switch's code staged as a file asset (a function's code
 *   must be, to deploy); aws-cdk-lib's built-in CloudFormation validation off on both sides;
 * - pattern-matching throughput of the synthesized rules (harness matcher, documented
 *   EventBridge semantics) vs a baseline set lookup of the same event names.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ActionCatalog } from '../../src/catalog';
import { agentEventDetail } from '../../src/identity/private/principals';
import { DestructiveCallAlarm } from '../../src/monitoring';
import { matchesPattern } from '../../test/harness/event-pattern';
import * as r from '../../test/monitoring/records';
import { fresh, interleaved, medians } from '../fresh';
import { fmt, median, row } from '../stats';
import { buildConstruct, plainTwin } from '../synth-child';

const REPETITIONS = 7;

function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  // ---- rules and pattern sizes ----
  const stack = new Stack(new App(), 'Bench', { env: { account: '111111111111', region: 'us-east-1' } });
  const alarm = new DestructiveCallAlarm(stack, 'Alarm', { namePrefix: 'guardrails' });
  const sizes = alarm.ruleInfo.map(i => i.characters);
  const bySeverity = (s: string) => alarm.ruleInfo.filter(i => i.severity === s).length;

  const principal = agentEventDetail(true);
  const bySource = new Map<string, string[]>();
  for (const a of ActionCatalog.actions()) {
    const info = ActionCatalog.describe(a);
    if (info.eventName === undefined) continue;
    bySource.set(info.eventSource, [...bySource.get(info.eventSource) ?? [], info.eventName]);
  }
  const naive = [...bySource].map(([src, names]) => JSON.stringify({
    'detail-type': ['AWS API Call via CloudTrail'], 'detail': { ...principal, errorCode: [{ exists: false }], eventSource: [src], eventName: names },
  }).length);
  const naiveOver = naive.filter(n => n > 2048).length;

  console.log(`Catalog actions watched: ${alarm.actionsWatched}; covered by patterns: ${alarm.actionsCovered}; without an event of their own name: ${alarm.actionsWithoutEvent.length}.`);
  console.log(`Rules: ${alarm.rules.length} (critical ${bySeverity('CRITICAL')}, denied ${bySeverity('DENIED')}, tampering ${bySeverity('TAMPERING')}) of the 300-rule default bus quota; `
    + `pattern characters min ${Math.min(...sizes)}, median ${median(sizes)}, max ${Math.max(...sizes)} (budget 2,048).`);
  console.log(`Baseline, one rule per event source with exact names: ${naive.length} rules per severity, ${naiveOver} of them over 2,048 characters (largest ${Math.max(...naive)}).`);
  console.log('| figure | baseline | DestructiveCallAlarm | ratio |');
  console.log('|---|---|---|---|');
  row('rules per severity (one per event source vs packed)', naive.length, bySeverity('CRITICAL'), 'rules');

  // ---- synth time, fresh processes: the alarm vs its own template as plain L1 resources ----
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-alarm-'));
  const guardedApp = new App({ outdir: path.join(dir, 'alarm-out') });
  buildConstruct(guardedApp, 'alarm');
  const twin = plainTwin(guardedApp.synth(), dir, 'alarm');
  const env = { CDK_VALIDATION: 'false' };
  const [base, guarded] = interleaved(REPETITIONS, [() => fresh('alarm-plain', twin.file, env), () => fresh('alarm', undefined, env)]).map(medians);
  fs.rmSync(dir, { recursive: true, force: true });
  row(`construct + synth, ${REPETITIONS} fresh processes (baseline: the same ${twin.resources} resources as plain L1s and its file asset staged; same template and asset manifest: ${twin.same ? 'yes' : 'NO'})`, base.ms, guarded.ms, 'ms');
  row('peak memory, fresh process (same baseline)', base.maxRssMiB, guarded.maxRssMiB, 'MiB');

  // ---- matching throughput ----
  const resolved = Template.fromStack(stack).toJSON();
  const patterns = Object.values<any>(resolved.Resources).filter(x => x.Type === 'AWS::Events::Rule').map(x => x.Properties.EventPattern)
    .filter(p => !JSON.stringify(p).includes('Fn::'));
  const names = new Set<string>();
  for (const a of ActionCatalog.actions()) { const i = ActionCatalog.describe(a); if (i.eventName) names.add(`${i.eventSource} ${i.eventName}`); }
  const sample = [
    r.ec2Terminate(r.AGENT), r.ec2Terminate(r.AGENT, true), r.rdsDeleteInstance(r.AGENT), r.s3DeleteObject(r.AGENT, true),
    r.elasticacheDeleteRg(r.AGENT), r.ec2Stop(r.AGENT), r.ec2Describe(r.AGENT), r.ec2Terminate(r.SSO_ADMIN),
  ];
  const N = 2000;
  let sink = 0;
  const baseMs = median([0, 1, 2].map(() => timeIt(() => {
    for (let i = 0; i < N; i++) for (const e of sample) if (names.has(`${e.detail.eventSource} ${e.detail.eventName}`) && /:role\/guardrails-agent\//.test(e.detail.userIdentity.sessionContext?.sessionIssuer?.arn ?? '')) sink++;
  })));
  const matchMs = median([0, 1, 2].map(() => timeIt(() => {
    for (let i = 0; i < N / 20; i++) for (const e of sample) for (const p of patterns) if (matchesPattern(p, e)) sink++;
  }))) * 20;
  const evaluated = N * sample.length;
  row('events matched per second (set lookup vs every synthesized rule)', evaluated / (baseMs / 1000), evaluated / (matchMs / 1000), 'events/s');
  console.log(`(${patterns.length} rules evaluated per event by the matcher; ${fmt(sink, 0)} matches counted so the loops are not optimised away.)`);
}
