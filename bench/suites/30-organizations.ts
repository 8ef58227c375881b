/**
 * Organizations layer figures (issue 5: AgentScp and AgentRcp).
 *
 * - SCP/RCP documents and characters against the same statements written without packing
 *   (every action listed by name, one document per statement group): the baseline;
 * - construct + synth time, each in a fresh process (interleaved, median), of a stack with one
 *   AgentScp (and, separately, one AgentRcp) against a stack with one plain CfnPolicy per
 *   document holding the same content (the packing cost); aws-cdk-lib's built-in CloudFormation
 *   validation off on both sides;
 * - evaluation time per request of an agent's calls under the SCPs + RCPs against
 *   FullAWSAccess only (the same requests, same run).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ActionCatalog, AgentIdentity, AgentRcp, AgentScp, PolicyPacker } from '../../src';
import { ACCOUNT, ADMINISTRATOR_ACCESS, orgPolicies, resolveTemplate, sweep } from '../../test/harness';
import { fresh, interleaved, medians } from '../fresh';
import { median, row } from '../stats';
import { buildConstruct, plainOrgOf } from '../synth-child';

const REPS = 7;

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Characters of the documents with every action pattern replaced by the actions it matches. */
function unpacked(docs: any[]): number {
  return docs.reduce((n, d) => n + JSON.stringify({
    ...d,
    Statement: d.Statement.map((s: any) => ({ ...s, Action: PolicyPacker.expand([].concat(s.Action)) })),
  }).length, 0);
}

export async function run(): Promise<void> {
  const build = () => {
    const stack = new Stack(new App(), 'Org');
    const scp = new AgentScp(stack, 'AgentScp', { targetIds: ['r-ab12'], breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'] });
    const rcp = new AgentRcp(stack, 'AgentRcp', { targetIds: ['r-ab12'] });
    return { stack, scp, rcp, template: Template.fromStack(stack).toJSON() };
  };
  const { scp, rcp, template } = build();
  const resolved = resolveTemplate(template);
  const scps = orgPolicies(resolved, 'SERVICE_CONTROL_POLICY');
  const rcps = orgPolicies(resolved, 'RESOURCE_CONTROL_POLICY');

  console.log(`SCP: ${scps.length} documents (${scp.documentSizes.join(' / ')} characters); RCP: ${rcps.length} documents (${rcp.documentSizes.join(' / ')}); `
    + `${scp.actionsDenied} actions denied to agents by SCP, ${rcp.actionsDenied} by RCP on ${rcp.services.length} services.`);
  console.log('| figure | baseline | AgentScp/AgentRcp | ratio |');
  console.log('|---|---|---|---|');
  const scpChars = scp.documentSizes.reduce((a, b) => a + b, 0);
  const rcpChars = rcp.documentSizes.reduce((a, b) => a + b, 0);
  row('SCP characters (baseline: same statements, actions listed by name)', unpacked(scps), scpChars, 'chars');
  row('SCP documents of 10,240 (baseline: ceil(unpacked / 10,240))', Math.ceil(unpacked(scps) / 10_240), scps.length, 'docs');
  row('RCP characters (baseline: same statements, actions listed by name)', unpacked(rcps), rcpChars, 'chars');

  // Synth cost, fresh processes: the same content in plain CfnPolicy resources.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-org-'));
  const env = { CDK_VALIDATION: 'false' };
  for (const mode of ['scp', 'rcp']) {
    const t = Template.fromStack(buildConstruct(new App(), mode)).toJSON();
    const plain = plainOrgOf(t);
    const file = path.join(dir, `${mode}.json`);
    fs.writeFileSync(file, JSON.stringify(plain));
    const [base, ours] = interleaved(REPS, [() => fresh('org-plain', file, env), () => fresh(mode, undefined, env)]).map(medians);
    const name = mode === 'scp' ? 'AgentScp' : 'AgentRcp';
    row(`${name} construct + synth, ${REPS} fresh processes (baseline: ${plain.policies.length} plain CfnPolicy, same content)`, base.ms, ours.ms, 'ms');
    row(`${name} peak memory, fresh process (same baseline)`, base.maxRssMiB, ours.maxRssMiB, 'MiB');
  }
  fs.rmSync(dir, { recursive: true, force: true });

  // Evaluation cost per request: 500 agent calls (destructive ones and reads), same requests both sides.
  const destructive = ActionCatalog.actions().filter((_, i) => i % 11 === 0).slice(0, 250);
  const reads = ActionCatalog.allActions().filter(a => ActionCatalog.describe(a).accessLevel === 'Read').filter((_, i) => i % 37 === 0).slice(0, 250);
  const actions = [...destructive, ...reads];
  const principal = { arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}agent`, tags: { [AgentIdentity.AGENT_TAG_KEY]: 'true' } };
  const evalBase: number[] = [];
  const evalOurs: number[] = [];
  for (let i = 0; i < 3; i++) {
    evalBase.push(await timeAsync(() => sweep({ identity: [ADMINISTRATOR_ACCESS], scps: [] }, actions, { principal })) / actions.length);
    evalOurs.push(await timeAsync(() => sweep({ identity: [ADMINISTRATOR_ACCESS], scps, rcps }, actions, { principal })) / actions.length);
  }
  row(`evaluation time per request, ${actions.length} agent calls (baseline: FullAWSAccess only)`, median(evalBase), median(evalOurs), 'ms');
}
