import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** A fresh output directory for one app. */
export function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ag-checks-'));
}

/** A new App writing to its own temporary directory. */
export function newApp(): App {
  return new App({ outdir: outdir() });
}

/**
 * The deliberately unguarded app of the issue: a plain role tagged as an agent with
 * AdministratorAccess, a plain RDS instance with RemovalPolicy.DESTROY, and a plain S3 bucket.
 */
export function buildUnguardedApp(app: App = newApp()): App {
  const stack = new Stack(app, 'Unguarded', { env: { account: '123456789012', region: 'us-east-1' } });
  const role = new iam.Role(stack, 'AgentRole', {
    assumedBy: new iam.AccountRootPrincipal(),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
  });
  Tags.of(role).add('guardrails:agent', 'true');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  new rds.DatabaseInstance(stack, 'Database', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new s3.Bucket(stack, 'Bucket');
  return app;
}
