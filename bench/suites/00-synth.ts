/**
 * Synth time and peak memory of the reference app against an equivalent plain
 * aws-cdk-lib app: the same resources, written as plain `CfnResource`s taken from the
 * reference app's own synthesized templates (so the baseline grows with the app), and the same
 * file assets staged (the kill switch's code), so both write the same cloud assembly.
 *
 * Twice: as `cdk synth` runs it (aws-cdk-lib's built-in CloudFormation validation on, the
 * default, on both sides), and with `CDK_VALIDATION=false`, where that validator's time (the
 * same template content on both sides) no longer dilutes the guardrails' own cost.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildGuardedAccountApp } from '../../examples/guarded-account';
import { fresh, interleaved, medians } from '../fresh';
import { row } from '../stats';
import { buildBare, plainTwin } from '../synth-child';

const REPETITIONS = 7;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plain-'));
  const assembly = buildGuardedAccountApp(new App({ outdir: path.join(dir, 'out') })).synth();
  const twin = plainTwin(assembly, dir, 'reference');

  console.log(`Reference app: ${assembly.stacks.length} stack(s), ${twin.resources} resource(s); ${REPETITIONS} fresh processes each, interleaved, median. `
    + `Plain app's templates and asset manifests identical to the reference app's: ${twin.same ? 'yes' : 'NO'}.`);
  console.log('| figure | plain aws-cdk-lib (baseline) | reference app | ratio |');
  console.log('|---|---|---|---|');
  for (const [label, env] of [['', {}], [', CDK_VALIDATION=false', { CDK_VALIDATION: 'false' }]] as Array<[string, Record<string, string>]>) {
    const [base, ref] = interleaved(REPETITIONS, [() => fresh('plain', twin.file, env), () => fresh('reference', undefined, env)]).map(medians);
    row(`synth time (construct + synth${label})`, base.ms, ref.ms, 'ms');
    row(`peak memory (process max RSS${label})`, base.maxRssMiB, ref.maxRssMiB, 'MiB');
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
