/**
 * One synth measurement in a fresh process: builds either the reference app or the
 * plain aws-cdk-lib baseline, synthesizes it, and prints time and peak memory as JSON.
 * Module loading happens before the clock starts, so both sides measure construction
 * and synthesis only.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { buildGuardedAccountApp } from '../examples/guarded-account';

interface PlainStack {
  readonly name: string;
  readonly resources: Record<string, { Type: string; Properties?: any }>;
  readonly parameters?: Record<string, any>;
}

function buildPlain(app: App, stacks: PlainStack[]): void {
  for (const s of stacks) {
    const stack = new Stack(app, s.name);
    for (const [id, p] of Object.entries(s.parameters ?? {})) {
      if (id !== 'BootstrapVersion') new CfnParameter(stack, id, { type: p.Type, default: p.Default });
    }
    for (const [id, r] of Object.entries(s.resources)) {
      new CfnResource(stack, id, { type: r.Type, properties: r.Properties });
    }
  }
}

const [which, plainFile] = process.argv.slice(2);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
const plain: PlainStack[] = plainFile ? JSON.parse(fs.readFileSync(plainFile, 'utf8')) : [];
const t0 = process.hrtime.bigint();
const app = new App({ outdir });
if (which === 'reference') buildGuardedAccountApp(app); else buildPlain(app, plain);
app.synth();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
fs.rmSync(outdir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
