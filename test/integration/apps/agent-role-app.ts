/**
 * The small app the integration tier deploys to moto with the real CDK CLI
 * (cdk-deploy.integ.ts): an AgentRole and a few resources moto's CloudFormation creates.
 *
 *   npx cdk deploy --app "npx ts-node --transpile-only test/integration/apps/agent-role-app.ts"
 *
 * Adjusted for the emulator (docs/integration-tests.md): termination protection stays off
 * (moto does not implement UpdateTerminationProtection), and nothing here depends on a resource
 * moto's CloudFormation skips (bucket and queue policies, alarms, trails, Backup, Chatbot...).
 */
import { App, CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AgentAccess, AgentRole } from '../../../src';

export const STACK_NAME = 'GuardrailsIntegAgentRole';
export const ROLE_NAME = 'integ-coding-agent';

export class AgentRoleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, terminationProtection: false });
    const agent = new AgentRole(this, 'AgentRole', {
      assumedBy: new iam.AccountPrincipal(this.account),
      roleName: ROLE_NAME,
      access: AgentAccess.developer(),
    });
    const table = new dynamodb.Table(this, 'Sessions', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const queue = new sqs.Queue(this, 'Work', { removalPolicy: RemovalPolicy.RETAIN });
    // What the agent may do with them is decided by IAM, which moto does not enforce.
    table.grantReadData(agent);
    queue.grantSendMessages(agent);
    new CfnOutput(this, 'AgentRoleArn', { value: agent.roleArn });
    new CfnOutput(this, 'BoundaryArn', { value: agent.permissionsBoundary.managedPolicyArn });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl });
  }
}

if (require.main === module) {
  const app = new App();
  new AgentRoleStack(app, STACK_NAME, { env: { region: process.env.AWS_REGION ?? 'us-east-1' } });
  app.synth();
}
