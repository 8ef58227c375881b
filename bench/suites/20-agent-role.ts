/**
 * AgentRole: synth time, policy size and evaluation time, each against a baseline
 * measured in the same run:
 * - synth: a stack with one AgentRole vs a stack with one plain `iam.Role`;
 * - size: the role's generated policies vs the same denied actions listed one by one
 *   (no compression) in policy JSON;
 * - evaluation: iam-simulate time per action over every denied catalog action, with the
 *   role's policies vs a single Allow `*` on `*` policy.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentRole } from '../../src/agent-role';
import { ActionCatalog } from '../../src/catalog';
import { AgentIdentity } from '../../src/identity';
import { ACCOUNT, ADMINISTRATOR_ACCESS, PolicySet, resolveTemplate, rolePolicies, sweep, tally } from '../../test/harness';
import { median, row } from '../stats';

const REPETITIONS = 5;
process.env.CDK_VALIDATION = 'false';

function synthOnce(withAgent: boolean): { ms: number; template: any } {
  const t0 = process.hrtime.bigint();
  const stack = new Stack(new App(), 'Bench', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const principal = new iam.AccountPrincipal(ACCOUNT);
  if (withAgent) new AgentRole(stack, 'Agent', { assumedBy: principal, roleName: 'bench-agent' });
  else new iam.Role(stack, 'Agent', { assumedBy: principal, roleName: 'bench-agent', path: AgentIdentity.AGENT_ROLE_PATH });
  const template = Template.fromStack(stack).toJSON();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, template };
}

export async function run(): Promise<void> {
  const base: number[] = [];
  const agent: number[] = [];
  let template: any;
  for (let i = 0; i < REPETITIONS; i++) { // interleaved, so drift hits both sides
    base.push(synthOnce(false).ms);
    const r = synthOnce(true);
    agent.push(r.ms);
    template = r.template;
  }
  const resolved = resolveTemplate(template);
  const roleId = Object.keys(resolved.Resources).find(k => resolved.Resources[k].Type === 'AWS::IAM::Role')!;
  const set = rolePolicies(resolved, roleId);
  const actions = ActionCatalog.actions();
  const generated = [...set.identity, set.boundary!].reduce((n, d) => n + JSON.stringify(d).length, 0);
  const naive = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: actions, Resource: '*' }] }).length;

  const principal = { arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}bench-agent`, tags: { [AgentIdentity.AGENT_TAG_KEY]: 'true' } };
  const allowAll: PolicySet = { identity: [ADMINISTRATOR_ACCESS] };
  const evalBase: number[] = [];
  const evalAgent: number[] = [];
  let allowed = -1;
  for (let i = 0; i < 3; i++) {
    let t0 = Date.now();
    await sweep(allowAll, actions, { principal });
    evalBase.push((Date.now() - t0) / actions.length);
    t0 = Date.now();
    allowed = tally(await sweep(set, actions, { principal })).allowed.length;
    evalAgent.push((Date.now() - t0) / actions.length);
  }

  console.log(`AgentRole (developer access): ${set.identity.length} managed policies + boundary, ${actions.length} denied catalog actions (${allowed} allowed in the sweep); synth ${REPETITIONS}x, evaluation 3x, median.`);
  console.log('| figure | baseline | AgentRole | ratio |');
  console.log('|---|---|---|---|');
  row('synth time (plain iam.Role = baseline)', median(base), median(agent), 'ms');
  row('policy characters (denied actions listed one by one = baseline)', naive, generated, 'chars');
  row('evaluation time per action (Allow *:* = baseline)', median(evalBase), median(evalAgent), 'ms');
}
