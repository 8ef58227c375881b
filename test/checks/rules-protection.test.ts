import { CfnDeletionPolicy, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { findingsOf, newApp, newStack, openOn } from './apps';
import { AgentGuardrailsChecks, FindingSeverity } from '../../src/checks';
import { Protection, ProtectedTable } from '../../src/protection';

function cfnDb(stack: Stack, id: string, props: Partial<rds.CfnDBInstanceProps> = {}): rds.CfnDBInstance {
  return new rds.CfnDBInstance(stack, id, { engine: 'postgres', dbInstanceClass: 'db.t3.micro', allocatedStorage: '20', ...props });
}

describe('AG-RES1 stateful resource deleted with its stack', () => {
  test('L1: an RDS instance with DeletionPolicy Delete fails; Snapshot and Retain pass', () => {
    const app = newApp();
    const stack = newStack(app);
    cfnDb(stack, 'Deleted').cfnOptions.deletionPolicy = CfnDeletionPolicy.DELETE;
    const snap = cfnDb(stack, 'Snap', { deletionProtection: true });
    snap.cfnOptions.deletionPolicy = CfnDeletionPolicy.SNAPSHOT;
    snap.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.SNAPSHOT;
    const kept = cfnDb(stack, 'Kept');
    kept.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const f = findingsOf(app, 'AG-RES1');
    expect(f.map(x => x.logicalId)).toEqual(['Deleted']);
    expect(f[0].message).toMatch(/DeletionPolicy is "Delete"; UpdateReplacePolicy is not set/);
  });

  test('L1: a bucket with no policies fails (CloudFormation deletes it); an Aurora member is skipped', () => {
    const app = newApp();
    const stack = newStack(app);
    new s3.CfnBucket(stack, 'Plain');
    cfnDb(stack, 'Member', { dbClusterIdentifier: 'cluster' });
    expect(openOn(app, 'AG-RES1')).toEqual(['Plain']);
  });

  test('L2: RemovalPolicy.DESTROY fails, the L2 default RETAIN passes', () => {
    const app = newApp();
    const stack = newStack(app);
    new s3.Bucket(stack, 'Destroyed', { removalPolicy: RemovalPolicy.DESTROY });
    new s3.Bucket(stack, 'Default');
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY });
    expect(openOn(app, 'AG-RES1').sort()).toEqual([expect.stringMatching(/^Destroyed/), expect.stringMatching(/^Table/)]);
  });

  test('Protection.of() fixes it', () => {
    const app = newApp();
    const stack = newStack(app);
    new s3.Bucket(stack, 'Destroyed', { removalPolicy: RemovalPolicy.DESTROY });
    Protection.of(app).apply({ overwrite: true });
    expect(openOn(app, 'AG-RES1')).toEqual([]);
  });
});

describe('AG-RES2 deletion or termination protection off', () => {
  test('L1: DynamoDB table without DeletionProtectionEnabled fails; with it passes', () => {
    const app = newApp();
    const stack = newStack(app);
    const keySchema = [{ attributeName: 'pk', keyType: 'HASH' }];
    const attributeDefinitions = [{ attributeName: 'pk', attributeType: 'S' }];
    new dynamodb.CfnTable(stack, 'Open', { keySchema, attributeDefinitions, billingMode: 'PAY_PER_REQUEST' });
    new dynamodb.CfnTable(stack, 'Guarded', { keySchema, attributeDefinitions, billingMode: 'PAY_PER_REQUEST', deletionProtectionEnabled: true });
    const f = findingsOf(app, 'AG-RES2');
    expect(f.map(x => x.logicalId)).toEqual(['Open']);
    expect(f[0].message).toMatch(/DeletionProtectionEnabled is not set \(needs true: no protection against deletion\)/);
  });

  test('L1: EC2 instance needs DisableApiTermination', () => {
    const app = newApp();
    const stack = newStack(app);
    new ec2.CfnInstance(stack, 'Open', { imageId: 'ami-12345678', instanceType: 't3.micro' });
    new ec2.CfnInstance(stack, 'Guarded', { imageId: 'ami-12345678', instanceType: 't3.micro', disableApiTermination: true });
    expect(openOn(app, 'AG-RES2')).toEqual(['Open']);
  });

  test('L2: unversioned bucket and unprotected database fail; versioned bucket and deletionProtection pass', () => {
    const app = newApp();
    const stack = newStack(app);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    new rds.DatabaseInstance(stack, 'OpenDb', { engine, vpc, vpcSubnets, deletionProtection: false });
    new rds.DatabaseInstance(stack, 'GuardedDb', { engine, vpc, vpcSubnets, deletionProtection: true });
    new s3.Bucket(stack, 'OpenBucket');
    new s3.Bucket(stack, 'Versioned', { versioned: true });
    expect(openOn(app, 'AG-RES2').sort()).toEqual([expect.stringMatching(/^OpenBucket/), expect.stringMatching(/^OpenDb/)]);
  });

  test('ProtectedTable passes', () => {
    const app = newApp();
    new ProtectedTable(newStack(app), 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    expect(openOn(app, 'AG-RES1')).toEqual([]);
    expect(openOn(app, 'AG-RES2')).toEqual([]);
  });
});

describe('AG-RES3 stack with data and no termination protection', () => {
  test('is a warning: the plugin report still succeeds', () => {
    const app = newApp();
    const stack = newStack(app);
    // A log group: stateful, but not something AWS Backup supports, so only AG-RES3 applies.
    const logs = new CfnResource(stack, 'Logs', { type: 'AWS::Logs::LogGroup', properties: { DeletionProtectionEnabled: true } });
    logs.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const f = findingsOf(app, 'AG-RES3');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe(FindingSeverity.WARNING);
    expect(f[0].message).toMatch(/Stack Stack holds stateful resources/);
    const report = new AgentGuardrailsChecks().validateScope(app);
    expect(report.success).toBe(true);
    expect(report.violations.map(v => [v.ruleName, v.severity])).toEqual([['AG-RES3', 'warning']]);
  });

  test('passes with terminationProtection', () => {
    const app = newApp();
    const stack = new Stack(app, 'Protected', { terminationProtection: true });
    new s3.CfnBucket(stack, 'Bucket');
    expect(openOn(app, 'AG-RES3')).toEqual([]);
  });
});
