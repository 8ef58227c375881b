/**
 * The agent's app that guarded-deploy.integ.ts deploys to moto through the guarded bootstrap:
 * a stack named `agent-orders` with `GuardedStackSynthesizer`, a queue, and a role for a Lambda
 * function (which the synthesizer's aspect puts under /guardrails-agent-workload/ with the
 * workload boundary). No assets, so nothing is published to the staging bucket.
 *
 *   npx cdk deploy --app "npx ts-node --transpile-only test/integration/apps/guarded-app.ts"
 *
 * Termination protection stays off: moto does not implement UpdateTerminationProtection (and the
 * guarded deploy role does not grant it either).
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GuardedStackSynthesizer } from '../../../src';

export const STACK_NAME = 'agent-orders';

export class GuardedOrdersStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, terminationProtection: false, synthesizer: new GuardedStackSynthesizer() });
    const queue = new sqs.Queue(this, 'Orders');
    const handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Role of the orders handler (a workload role of the agent\'s stack)',
    });
    queue.grantConsumeMessages(handlerRole);
  }
}

if (require.main === module) {
  const app = new App();
  new GuardedOrdersStack(app, STACK_NAME, { env: { region: process.env.AWS_REGION ?? 'us-east-1' } });
  app.synth();
}
