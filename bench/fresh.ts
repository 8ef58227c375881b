/**
 * Fresh-process measurements: every figure of a construct's cost comes from a new Node.js
 * process (bench/synth-child.ts), so caches, JIT warm-up and the catalog data are as cold as in
 * a pipeline's `cdk synth`. Sides are interleaved (A, B, A, B, ...) so drift on a shared machine
 * hits both.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median } from './stats';

export interface Measurement {
  readonly ms: number;
  readonly maxRssMiB: number;
}

const checked = new Set<string>();

/** The children load lib/ (the package as users get it): it must be compiled from the current src/. */
function checkLib(root: string): void {
  if (checked.has(root) || process.env.BENCH_TARGET === 'src') return;
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
  const built = fs.existsSync(path.join(root, 'lib', 'index.js')) ? fs.statSync(path.join(root, 'lib', 'index.js')).mtimeMs : 0;
  if (built < newest(path.join(root, 'src'))) {
    throw new Error(`bench: ${root}/lib is missing or older than its src/. Run \`npx projen compile\` first (or BENCH_TARGET=src to measure the sources through ts-node).`);
  }
  checked.add(root);
}

/** This checkout. */
export const ROOT = path.join(__dirname, '..');

/**
 * Runs one synth-child mode in a fresh process, in this checkout or in another one (`root`, a
 * checkout of another version with the same bench/ and a compiled lib/: bench/compare.ts).
 */
export function fresh(mode: string, inputFile?: string, env: Record<string, string> = {}, root: string = ROOT): Measurement {
  checkLib(root);
  const out = execFileSync(process.execPath, [
    '-r', 'ts-node/register/transpile-only', path.join(root, 'bench', 'synth-child.ts'), mode, ...(inputFile ? [inputFile] : []),
  ], {
    encoding: 'utf8',
    // stderr (aws-cdk-lib's validation warnings) is shown only when the child fails.
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: root,
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
