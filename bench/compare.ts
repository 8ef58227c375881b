/**
 * Before/after in one run: the construct-cost figures of `npm run bench` for this checkout and for
 * another checkout (e.g. the commit before a change, with this bench/ copied in and its lib/
 * compiled), their fresh processes interleaved with the same plain baseline processes, so the
 * machine's load at any moment hits the plain side and both versions alike.
 *
 *   ts-node --transpile-only --project tsconfig.dev.json bench/compare.ts <other checkout> [repetitions]
 *
 * The plain baselines do not load the library: one set of plain processes serves both versions.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { fresh, interleaved, Measurement, medians } from './fresh';
import { fmt } from './stats';
import { buildConstruct, plainOrgOf, plainRoleOf, plainTwin } from './synth-child';
import { buildGuardedAccountApp } from '../examples/guarded-account';

const NO_VALIDATION = { CDK_VALIDATION: 'false' };

function plainInputs(dir: string): Record<string, string> {
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const ref = buildGuardedAccountApp(new App({ outdir: path.join(dir, 'ref') })).synth();
  const template = (mode: string) => Template.fromStack(buildConstruct(new App(), mode)).toJSON();
  return {
    'reference': plainTwin(ref, dir, 'reference').file,
    'agent-role': write('agent-role', plainRoleOf(template('agent-role'))),
    'scp': write('scp', plainOrgOf(template('scp'))),
    'rcp': write('rcp', plainOrgOf(template('rcp'))),
    'alarm': plainTwin((() => {
      const app = new App({ outdir: path.join(dir, 'alarm') });
      buildConstruct(app, 'alarm');
      return app.synth();
    })(), dir, 'alarm').file,
  };
}

export async function run(other: string, reps: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-compare-'));
  const inputs = plainInputs(dir);
  const cases: Array<[string, string, string, Record<string, string>]> = [
    ['reference app (cdk synth defaults)', 'plain', 'reference', {}],
    ['reference app (CDK_VALIDATION=false)', 'plain', 'reference', NO_VALIDATION],
    ['AgentRole vs iam.Role with the same managed policies', 'agent-role-plain', 'agent-role', NO_VALIDATION],
    ['AgentScp vs CfnPolicy with the same content', 'org-plain', 'scp', NO_VALIDATION],
    ['AgentRcp vs CfnPolicy with the same content', 'org-plain', 'rcp', NO_VALIDATION],
    ['DestructiveCallAlarm vs its template as L1s', 'alarm-plain', 'alarm', NO_VALIDATION],
    ['catalog: first has() vs JSON.parse of catalog.json', 'catalog-json', 'catalog-has', {}],
    ['catalog: every section vs JSON.parse of catalog.json', 'catalog-json', 'catalog-all', {}],
  ];
  console.log(`Before (${other}) and after (this checkout), ${reps} fresh processes each, interleaved plain / before / after; medians.`);
  console.log('| figure | plain | before | after | before ratio | after ratio | before peak memory ratio | after peak memory ratio |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [label, plainMode, mode, env] of cases) {
    const input = plainMode === 'catalog-json' ? undefined : inputs[mode];
    const [p, b, a] = interleaved(reps, [
      () => fresh(plainMode, input, env),
      () => fresh(mode, undefined, env, other),
      () => fresh(mode, undefined, env),
    ]).map((m: Measurement[]) => medians(m));
    console.log(`| ${label} | ${fmt(p.ms)} ms | ${fmt(b.ms)} ms | ${fmt(a.ms)} ms | ${fmt(b.ms / p.ms, 2)}x | ${fmt(a.ms / p.ms, 2)}x `
      + `| ${fmt(b.maxRssMiB / p.maxRssMiB, 2)}x (${fmt(b.maxRssMiB, 0)} MiB) | ${fmt(a.maxRssMiB / p.maxRssMiB, 2)}x (${fmt(a.maxRssMiB, 0)} MiB, plain ${fmt(p.maxRssMiB, 0)}) |`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
  const [other, reps] = process.argv.slice(2);
  if (!other) throw new Error('usage: bench/compare.ts <other checkout> [repetitions]');
  run(path.resolve(other), Number(reps ?? 7)).catch(e => {
    console.error(e);
    process.exit(1);
  });
}
