/**
 * AgentRole: synth time, policy size and evaluation time, each against a baseline
 * measured in the same run:
 * - construct + synth, each in a fresh process (interleaved, median): a stack with one AgentRole
 *   vs a stack with a plain `iam.Role` carrying the same managed policies and boundary
 *   (`iam.ManagedPolicy` with the AgentRole's own synthesized documents); aws-cdk-lib's built-in
 *   CloudFormation validation off on both sides (same content, it would only dilute the figure);
 * - size: the role's generated policies vs the same denied actions listed one by one
 *   (no compression) in policy JSON;
 * - evaluation: iam-simulate time per action over every denied catalog action, with the
 *   role's policies vs a single Allow `*` on `*` policy.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ActionCatalog } from '../../src/catalog';
import { AgentIdentity } from '../../src/identity';
import { ACCOUNT, ADMINISTRATOR_ACCESS, PolicySet, resolveTemplate, rolePolicies, sweep, tally } from '../../test/harness';
import { fresh, interleaved, medians } from '../fresh';
import { median, row } from '../stats';
import { buildConstruct, plainRoleOf } from '../synth-child';

const REPETITIONS = 7;
process.env.CDK_VALIDATION = 'false';

/** The AgentRole stack the fresh processes build (bench/synth-child.ts), synthesized here for its template. */
function synthOnce(): any {
  const stack = buildConstruct(new App(), 'agent-role');
  return Template.fromStack(stack).toJSON();
}

export async function run(): Promise<void> {
  const template = synthOnce();
  // The plain side: the same role properties and the AgentRole's own policy documents.
  const plain = plainRoleOf(template);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-role-'));
  const plainFile = path.join(dir, 'plain-role.json');
  fs.writeFileSync(plainFile, JSON.stringify(plain));
  const env = { CDK_VALIDATION: 'false' };
  const [base, agent] = interleaved(REPETITIONS, [() => fresh('agent-role-plain', plainFile, env), () => fresh('agent-role', undefined, env)]).map(medians);
  fs.rmSync(dir, { recursive: true, force: true });
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

  console.log(`AgentRole (developer access): ${set.identity.length} managed policies + boundary, ${actions.length} denied catalog actions (${allowed} allowed in the sweep); synth ${REPETITIONS} fresh processes each, interleaved, evaluation 3x, median.`);
  console.log('| figure | baseline | AgentRole | ratio |');
  console.log('|---|---|---|---|');
  row('construct + synth, fresh process (baseline: iam.Role with the same managed-policy JSON)', base.ms, agent.ms, 'ms');
  row('peak memory, fresh process (same baseline)', base.maxRssMiB, agent.maxRssMiB, 'MiB');
  row('policy characters (denied actions listed one by one = baseline)', naive, generated, 'chars');
  row('evaluation time per action (Allow *:* = baseline)', median(evalBase), median(evalAgent), 'ms');
}
