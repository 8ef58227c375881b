/**
 * Fresh-process measurements: every figure of a construct's cost comes from a new Node.js
 * process (bench/synth-child.ts), so caches, JIT warm-up and the catalog data are as cold as in
 * a pipeline's `cdk synth`. Sides are interleaved (A, B, A, B, ...) so drift on a shared machine
 * hits both.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { median } from './stats';

export interface Measurement {
  readonly ms: number;
  readonly maxRssMiB: number;
}

/** Runs one synth-child mode in a fresh process. */
export function fresh(mode: string, inputFile?: string, env: Record<string, string> = {}): Measurement {
  const out = execFileSync(process.execPath, [
    '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'synth-child.ts'), mode, ...(inputFile ? [inputFile] : []),
  ], {
    encoding: 'utf8',
    // stderr (aws-cdk-lib's validation warnings) is shown only when the child fails.
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json', ...env },
  });
  return JSON.parse(out);
}

/** Runs the sides interleaved `reps` times; returns each side's measurements. */
export function interleaved(reps: number, sides: Array<() => Measurement>): Measurement[][] {
  const out: Measurement[][] = sides.map(() => []);
  for (let i = 0; i < reps; i++) sides.forEach((side, j) => out[j].push(side()));
  return out;
}

/** Median time and peak memory of a side. */
export function medians(ms: Measurement[]): { ms: number; maxRssMiB: number } {
  return { ms: median(ms.map(m => m.ms)), maxRssMiB: median(ms.map(m => m.maxRssMiB)) };
}
