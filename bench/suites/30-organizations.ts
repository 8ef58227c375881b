/**
 * Organizations layer figures (issue 5: AgentScp and AgentRcp).
 *
 * - SCP/RCP documents and characters against the same statements written without packing
 *   (every action listed by name, one document per statement group): the baseline;
 * - construct + synth time of a stack with AgentScp + AgentRcp against a stack with one
 *   plain CfnPolicy per document holding the same content (the packing cost);
 * - evaluation time per request of an agent's calls under the SCPs + RCPs against
 *   FullAWSAccess only (the same requests, same run).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { ActionCatalog, AgentIdentity, AgentRcp, AgentScp, PolicyPacker } from '../../src';
import { ACCOUNT, ADMINISTRATOR_ACCESS, orgPolicies, resolveTemplate, sweep } from '../../test/harness';
import { median, row } from '../stats';

const REPS = 5;

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

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

  // Synth cost: the same content in plain CfnPolicy resources.
  const plain = () => {
    const stack = new Stack(new App(), 'Plain');
    [...scps, ...rcps].forEach((content, i) => new organizations.CfnPolicy(stack, `P${i}`, {
      name: `p${i}`, type: i < scps.length ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY', content, targetIds: ['r-ab12'],
    }));
    Template.fromStack(stack);
  };
  const base: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < REPS; i++) { // interleaved, so drift hits both sides
    base.push(time(plain));
    ours.push(time(() => build()));
  }
  row('construct + synth time (baseline: plain CfnPolicy, same content)', median(base), median(ours), 'ms');

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
