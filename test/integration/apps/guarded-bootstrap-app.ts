/**
 * How a human puts the guarded bootstrap into an account with the CDK CLI: a stack named
 * `GuardedAgentToolkit` holding `GuardedBootstrap` (qualifier `agent`, workload roles allowed) and
 * the agent role that may deploy through it, deployed with `cdk deploy` through the standard
 * bootstrap (CDKToolkit). The CLI stages this template in the standard bootstrap's bucket, so its
 * size does not matter; `cdk bootstrap --template` refuses it, as documented in docs/deploys.md
 * section 1 (the CLI sends bootstrap templates inline, at most 50 KiB; see INLINE_LIMIT in
 * guarded-deploy.integ.ts, which deploys this app to moto).
 *
 *   npx cdk deploy GuardedAgentToolkit --app "npx ts-node --transpile-only test/integration/apps/guarded-bootstrap-app.ts"
 *
 * Only in the integration tier (GUARDRAILS_INTEG_GAP_REPORT=<file>): after synthesis the app applies
 * TEMPLATE_GAPS (emulator-gaps.ts) to the template in the cloud assembly, which the CLI then
 * deploys, keeps the original next to it as `<stack>.original.template.json`, and writes to <file>
 * the logical IDs each gap changed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AgentAccess, AgentRole, GuardedBootstrap, WorkloadRoles } from '../../../src';
import { TEMPLATE_GAPS } from '../emulator-gaps';

export const BOOTSTRAP_STACK_NAME = 'GuardedAgentToolkit';
/** The agent role that may deploy through the guarded bootstrap. */
export const AGENT_ROLE_NAME = 'integ-deploying-agent';

export class GuardedBootstrapStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    // Termination protection stays off: moto does not implement UpdateTerminationProtection.
    super(scope, id, { ...props, terminationProtection: false });
    const agent = new AgentRole(this, 'Agent', {
      assumedBy: new iam.AccountPrincipal(this.account),
      roleName: AGENT_ROLE_NAME,
      access: AgentAccess.developer(),
    });
    // The agent's app (guarded-app.ts) creates a role, so workload roles are allowed.
    new GuardedBootstrap(this, 'Bootstrap', { agentRoles: [agent], workloadRoles: WorkloadRoles.UNDER_AGENT_SCP });
  }
}

if (require.main === module) {
  const app = new App();
  new GuardedBootstrapStack(app, BOOTSTRAP_STACK_NAME, { env: { region: process.env.AWS_REGION ?? 'us-east-1' } });
  const assembly = app.synth();
  const report = process.env.GUARDRAILS_INTEG_GAP_REPORT;
  if (report) {
    const file = path.join(assembly.directory, assembly.getStackByName(BOOTSTRAP_STACK_NAME).templateFile);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file.replace(/\.template\.json$/, '.original.template.json'), text);
    const template = JSON.parse(text);
    const changed = Object.fromEntries(TEMPLATE_GAPS.map(gap => [gap.id, gap.adjust(template)]));
    fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
    fs.writeFileSync(report, JSON.stringify(changed));
  }
}
