import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentRole } from '../../src/agent-role';
import { GuardrailBackup } from '../../src/backup';
import { AgentGuardrailsChecks, FindingStatus, GuardrailFinding } from '../../src/checks';
import { DestructiveCallAlarm } from '../../src/monitoring';
import { AgentRcp, AgentScp } from '../../src/organizations';
import { Protection } from '../../src/protection';

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

/** Findings of every rule over an app, optionally of one rule only. */
export function findingsOf(app: App, ruleId?: string): GuardrailFinding[] {
  const all = new AgentGuardrailsChecks().findings(app);
  return ruleId ? all.filter(f => f.ruleId === ruleId) : all;
}

/** Open findings of one rule, as "logicalId" strings. */
export function openOn(app: App, ruleId: string): string[] {
  return findingsOf(app, ruleId).filter(f => f.status !== FindingStatus.ACKNOWLEDGED).map(f => f.logicalId);
}

/** A stack with a fixed environment. */
export function newStack(app: App = newApp(), id = 'Stack'): Stack {
  return new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/**
 * A guarded app built from the library's constructs: an AgentRole, a DestructiveCallAlarm with a
 * subscriber, a GuardrailBackup, an RDS instance and a bucket under Protection, and an
 * organization stack with AgentScp and AgentRcp.
 */
export function buildGuardedApp(app: App = newApp()): App {
  const stack = new Stack(app, 'Guarded', { env: { account: '123456789012', region: 'us-east-1' } });
  new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountRootPrincipal() });
  new DestructiveCallAlarm(stack, 'Alarm', { emails: ['oncall@example.com'] });
  new GuardrailBackup(stack, 'Backup');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  new rds.DatabaseInstance(stack, 'Database', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  new s3.Bucket(stack, 'Bucket');
  const org = new Stack(app, 'Organization', { env: { account: '123456789012', region: 'us-east-1' } });
  new AgentScp(org, 'Scp', { targetIds: ['ou-ab12-cd34ef56'] });
  new AgentRcp(org, 'Rcp', { targetIds: ['ou-ab12-cd34ef56'] });
  Protection.of(app).apply();
  return app;
}
