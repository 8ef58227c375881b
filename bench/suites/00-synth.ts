/**
 * Synth time and peak memory of the reference app against two equivalent plain aws-cdk-lib apps,
 * both built from the reference app's own synthesized templates (so the baselines grow with the
 * app) and staging the same file assets (the kill switch's code):
 *
 * - every resource as a plain `CfnResource` (the baseline of issue 18's targets);
 * - the workload twin: the example's own workload resources (VPC, database, bucket, instance,
 *   table) written as the same aws-cdk-lib L2s as the example, and everything the guardrails add
 *   as `CfnResource`s. Against it the ratio is what the guardrails cost an app that already has
 *   its workload: the app without the library, with the guardrails' resources as their JSON.
 *
 * Twice: as `cdk synth` runs it (aws-cdk-lib's built-in CloudFormation validation on, the
 * default, on both sides), and with `CDK_VALIDATION=false`, where that validator's time (the
 * same template content on both sides) no longer dilutes the guardrails' own cost. The three
 * sides run interleaved, so both ratios share the reference app's measurements.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildGuardedAccountApp } from '../../examples/guarded-account';
import { fresh, interleaved, medians } from '../fresh';
import { row } from '../stats';
import { buildBare, plainTwin, workloadTwin } from '../synth-child';

const REPETITIONS = 7;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plain-'));
  const assembly = buildGuardedAccountApp(new App({ outdir: path.join(dir, 'out') })).synth();
  const twin = plainTwin(assembly, dir, 'reference');
  const workload = workloadTwin(assembly, dir, 'workload', 'GuardedAccount');

  console.log(`Reference app: ${assembly.stacks.length} stack(s), ${twin.resources} resource(s); ${REPETITIONS} fresh processes each, interleaved, median. `
    + `Plain app's templates and asset manifests identical to the reference app's: ${twin.same ? 'yes' : 'NO'}; `
    + `the workload twin's (up to key order): ${workload.same ? 'yes' : 'NO'}.`);
  console.log('| figure | baseline | reference app | ratio |');
  console.log('|---|---|---|---|');
  for (const [label, env] of [['', {}], [', CDK_VALIDATION=false', { CDK_VALIDATION: 'false' }]] as Array<[string, Record<string, string>]>) {
    const [base, work, ref] = interleaved(REPETITIONS, [
      () => fresh('plain', twin.file, env), () => fresh('plain', workload.file, env), () => fresh('reference', undefined, env),
    ]).map(medians);
    row(`synth time (construct + synth${label}), vs all CfnResources`, base.ms, ref.ms, 'ms');
    row(`peak memory (process max RSS${label}), vs all CfnResources`, base.maxRssMiB, ref.maxRssMiB, 'MiB');
    row(`synth time (construct + synth${label}), vs the workload twin`, work.ms, ref.ms, 'ms');
    row(`peak memory (process max RSS${label}), vs the workload twin`, work.maxRssMiB, ref.maxRssMiB, 'MiB');
  }

  // The same decomposition for the example's own resources: aws-cdk-lib's L2s against their own
  // template as CfnResources, with no guardrail. The reference app's figure includes this cost.
  const bareApp = new App({ outdir: path.join(dir, 'bare-out') });
  buildBare(bareApp);
  const bareTwin = plainTwin(bareApp.synth(), dir, 'bare');
  console.log(`\nThe example's own workload resources without guardrails (VPC, database, bucket, instance, table: ${bareTwin.resources} resources) as plain aws-cdk-lib L2s, `
    + `against the same as CfnResources (identical templates: ${bareTwin.same ? 'yes' : 'NO'}): what aws-cdk-lib's L2s cost on them in any app.`);
  console.log('| figure | the same as CfnResources (baseline) | plain aws-cdk-lib L2s | ratio |');
  console.log('|---|---|---|---|');
  const [bareBase, bare] = interleaved(REPETITIONS, [() => fresh('plain', bareTwin.file), () => fresh('bare')]).map(medians);
  row('synth time (construct + synth)', bareBase.ms, bare.ms, 'ms');
  row('peak memory (process max RSS)', bareBase.maxRssMiB, bare.maxRssMiB, 'MiB');
  fs.rmSync(dir, { recursive: true, force: true });
}
