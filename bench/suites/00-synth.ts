/**
 * Synth time and peak memory of the reference app against an equivalent plain
 * aws-cdk-lib app: the same resources, written as plain `CfnResource`s taken from the
 * reference app's own synthesized templates (so the baseline grows with the app).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildGuardedAccountApp } from '../../examples/guarded-account';
import { median, row } from '../stats';

const REPETITIONS = 7;

function measure(which: string, plainFile: string): { ms: number; maxRssMiB: number } {
  const out = execFileSync(process.execPath, [
    '-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', 'synth-child.ts'), which, plainFile,
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' } });
  return JSON.parse(out);
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plain-'));
  const assembly = buildGuardedAccountApp(new App({ outdir: path.join(dir, 'out') })).synth();
  const stacks = assembly.stacks.map(s => ({ name: s.stackName, resources: s.template.Resources ?? {}, parameters: s.template.Parameters ?? {} }));
  const resourceCount = stacks.reduce((n, s) => n + Object.keys(s.resources).length, 0);
  const plainFile = path.join(dir, 'plain.json');
  fs.writeFileSync(plainFile, JSON.stringify(stacks));

  const ref: Array<{ ms: number; maxRssMiB: number }> = [];
  const base: Array<{ ms: number; maxRssMiB: number }> = [];
  for (let i = 0; i < REPETITIONS; i++) { // interleaved, so drift hits both sides
    base.push(measure('plain', plainFile));
    ref.push(measure('reference', plainFile));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`Reference app: ${stacks.length} stack(s), ${resourceCount} resource(s); ${REPETITIONS} fresh processes each, median.`);
  console.log('| figure | plain aws-cdk-lib (baseline) | reference app | ratio |');
  console.log('|---|---|---|---|');
  row('synth time (construct + synth)', median(base.map(m => m.ms)), median(ref.map(m => m.ms)), 'ms');
  row('peak memory (process max RSS)', median(base.map(m => m.maxRssMiB)), median(ref.map(m => m.maxRssMiB)), 'MiB');
}
