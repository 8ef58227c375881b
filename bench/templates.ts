/**
 * Writes the synthesized templates of the reference app and of a set of construct variants to a
 * directory, so two versions of the library can be compared byte for byte:
 *
 *   ts-node --transpile-only --project tsconfig.dev.json bench/templates.ts /tmp/before
 *   (change the library)
 *   ts-node --transpile-only --project tsconfig.dev.json bench/templates.ts /tmp/after
 *   diff -r /tmp/before /tmp/after
 *
 * With `--computed` as a second argument, nothing is taken from the precomputed packs (every
 * pack is computed), to compare both ways.
 *
 * The variants cover the option sets that select other deny plans and budgets (ephemeral deletes,
 * DISRUPT, custom categories, legacy SCP budget, ALL_PRINCIPALS, RCP services, passable roles,
 * alarm on everyone and on a subset of services, agents matched by tag, guarded bootstrap with and
 * without workload roles).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildGuardedAccountApp } from '../examples/guarded-account';
import {
  ActionCategory, AgentPolicyScope, AgentRcp, AgentRole, AgentScp, DestructiveCallAlarm, GuardedBootstrap, PolicyBudget, PrincipalScope,
  WorkloadRoles,
} from '../src';
import { packStats, withoutPrecomputed } from '../src/policy/private/precomputed';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** Public figures of every guardrail construct in the app (statistics the packer computes). */
function figures(app: App): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of app.node.findAll()) {
    let f: unknown;
    if (c instanceof AgentRole) f = { deniedActionCount: c.deniedActionCount, plan: c.denyPlan.groups.map(g => [g.name, g.actions.length]) };
    if (c instanceof AgentScp) f = { documentSizes: c.documentSizes, actionsDenied: c.actionsDenied, actionsCovered: c.actionsCovered };
    if (c instanceof AgentRcp) {
      f = { documentSizes: c.documentSizes, actionsDenied: c.actionsDenied, actionsCovered: c.actionsCovered, services: c.services };
    }
    if (c instanceof DestructiveCallAlarm) {
      f = { actionsWatched: c.actionsWatched, actionsCovered: c.actionsCovered, actionsWithoutEvent: c.actionsWithoutEvent, ruleInfo: c.ruleInfo };
    }
    if (f) out[c.node.path] = f;
  }
  return out;
}

function variants(app: App): void {
  const s = (id: string) => new Stack(app, id, { env: ENV });
  const principal = new iam.AccountPrincipal(ENV.account);
  new AgentRole(s('RoleDefault'), 'Agent', { assumedBy: principal, roleName: 'bench-agent' });
  new AgentRole(s('RoleEphemeral'), 'Agent', { assumedBy: principal, allowEphemeralDeletes: true });
  new AgentRole(s('RoleDisruptive'), 'Agent', { assumedBy: principal, denyDisruptive: true, allowEphemeralDeletes: true, managedPolicyQuota: 20 });
  new AgentRole(s('RoleDestroyOnly'), 'Agent', { assumedBy: principal, categories: [ActionCategory.DESTROY] });
  const passStack = s('RolePassable');
  new AgentRole(passStack, 'Agent', {
    assumedBy: principal, passableRoles: [iam.Role.fromRoleName(passStack, 'Workload', 'workload')],
  });
  new AgentScp(s('ScpDefault'), 'Scp', { targetIds: ['r-ab12'] });
  new AgentScp(s('ScpNoEphemeral'), 'Scp', { targetIds: ['r-ab12'], allowEphemeralDeletes: false, breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'] });
  new AgentScp(s('ScpLegacy'), 'Scp', {
    targetIds: ['r-ab12'],
    budget: PolicyBudget.SCP_LEGACY,
    maxPoliciesPerTarget: 5,
    matchSourceIdentity: false,
    overflowLevels: [{ targetIds: ['ou-ab12-cd34ef56'] }, { targetIds: ['ou-ab12-cd34ef57'] }],
  });
  new AgentScp(s('ScpTag'), 'Scp', {
    targetIds: ['r-ab12'],
    matchAgentTag: true,
    overflowLevels: [{ targetIds: ['ou-ab12-cd34ef56'] }, { targetIds: ['ou-ab12-cd34ef57'] }],
  });
  new AgentScp(s('ScpAllPrincipals'), 'Scp', { targetIds: ['r-ab12'], scope: AgentPolicyScope.ALL_PRINCIPALS, breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'] });
  new AgentRcp(s('RcpDefault'), 'Rcp', { targetIds: ['r-ab12'] });
  new AgentRcp(s('RcpS3Kms'), 'Rcp', { targetIds: ['r-ab12'], services: ['s3', 'kms'], allowEphemeralDeletes: false });
  for (const [id, workloadRoles] of [['DeployDefault', WorkloadRoles.OFF], ['DeployWorkload', WorkloadRoles.UNDER_AGENT_SCP]] as const) {
    const deploy = s(id);
    new GuardedBootstrap(deploy, 'Bootstrap', { agentRoles: [new AgentRole(deploy, 'Agent', { assumedBy: principal })], workloadRoles });
  }
  new DestructiveCallAlarm(s('AlarmDefault'), 'Alarm', {});
  new DestructiveCallAlarm(s('AlarmEveryone'), 'Alarm', { principalScope: PrincipalScope.EVERYONE, categories: [ActionCategory.DESTROY, ActionCategory.DISRUPT] });
  new DestructiveCallAlarm(s('AlarmServices'), 'Alarm', { services: ['ec2', 'rds', 's3'], killSwitch: { deniedAttempts: 5 } });
}

function write(app: App, dir: string): number {
  const assembly = app.synth();
  let n = 0;
  for (const st of assembly.stacks) {
    // The template file as `cdk synth` wrote it, byte for byte.
    fs.copyFileSync(path.join(assembly.directory, st.templateFile), path.join(dir, `${st.stackName}.template.json`));
    n++;
  }
  return n;
}

function main(out: string): void {
  fs.mkdirSync(out, { recursive: true });
  const refApp = buildGuardedAccountApp(new App({ outdir: path.join(out, '.cdk.out.reference') }));
  const ref = write(refApp, out);
  const variantApp = new App({ outdir: path.join(out, '.cdk.out.variants') });
  variants(variantApp);
  const more = write(variantApp, out);
  fs.writeFileSync(path.join(out, 'figures.json'), JSON.stringify({ ...figures(refApp), ...figures(variantApp) }, null, 1) + '\n');
  fs.rmSync(path.join(out, '.cdk.out.reference'), { recursive: true, force: true });
  fs.rmSync(path.join(out, '.cdk.out.variants'), { recursive: true, force: true });
  console.log(`wrote ${ref} reference-app and ${more} variant templates to ${out}; packs ${JSON.stringify(packStats)}`);
}

const [dir, mode] = process.argv.slice(2);
if (!dir) throw new Error('usage: bench/templates.ts <output directory> [--computed]');
if (mode === '--computed') withoutPrecomputed(() => main(dir)); else main(dir);
