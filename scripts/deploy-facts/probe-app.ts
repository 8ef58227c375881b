/**
 * A one-queue CDK app for scripts/deploy-facts/bootstrap-probe.sh (deploys against moto only).
 *
 * PROBE_QUALIFIER            bootstrap qualifier (default testq)
 * PROBE_TERMINATION=true     set termination protection on the stack
 * PROBE_PATH_ROLES=true      name deploy/cfn-exec/publishing/lookup roles with the IAM path /guardrails-agent/
 */
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';

const qualifier = process.env.PROBE_QUALIFIER ?? 'testq';
const pathRole = (kind: string) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/guardrails-agent/cdk-agent-${kind}-role-\${AWS::AccountId}-\${AWS::Region}`;
const synthesizer = new DefaultStackSynthesizer(process.env.PROBE_PATH_ROLES === 'true'
  ? {
    qualifier,
    deployRoleArn: pathRole('deploy'),
    cloudFormationExecutionRole: pathRole('cfn-exec'),
    fileAssetPublishingRoleArn: pathRole('file-publishing'),
    imageAssetPublishingRoleArn: pathRole('image-publishing'),
    lookupRoleArn: pathRole('lookup'),
  }
  : { qualifier });

const app = new App();
const stack = new Stack(app, process.env.PROBE_STACK ?? 'ProbeApp', {
  env: { account: '123456789012', region: 'us-east-1' },
  synthesizer,
  terminationProtection: process.env.PROBE_TERMINATION === 'true',
});
new sqs.Queue(stack, 'Queue');
app.synth();
