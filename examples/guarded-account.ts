/**
 * The reference app: what a team copies to give an AI coding agent AWS credentials
 * that can read and build, but cannot destroy production.
 *
 * In your own app, import from 'cdk-agent-guardrails' instead of '../src'.
 *
 *   npx cdk synth --app "npx ts-node examples/guarded-account.ts"
 */
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentIdentity } from '../src';

/** The workload account where the agent works. */
export class GuardedAccountStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    new CfnOutput(this, 'AgentRolePath', {
      description: 'IAM path that every layer uses to recognise agent roles',
      value: AgentIdentity.AGENT_ROLE_PATH,
    });
  }
}

/** Builds the reference app. Exported so tests and benchmarks build the same app. */
export function buildGuardedAccountApp(app: App = new App()): App {
  new GuardedAccountStack(app, 'GuardedAccount', {
    description: 'cdk-agent-guardrails reference app: the workload account an agent works in',
  });
  return app;
}

if (require.main === module) {
  buildGuardedAccountApp().synth();
}
