import { App, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as neptune from 'aws-cdk-lib/aws-neptune';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Protection } from '../../src/protection';

/**
 * The stateful types of the issue, listed here independently of the aspect's own table, so a
 * type the aspect forgot shows up as unprotected.
 */
const STATEFUL_TYPES = [
  'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable', 'AWS::EC2::Instance', 'AWS::EC2::Volume', 'AWS::EFS::FileSystem',
  'AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ServerlessCache',
  'AWS::Redshift::Cluster', 'AWS::Neptune::DBCluster', 'AWS::DocDB::DBCluster', 'AWS::OpenSearchService::Domain',
  'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::ECR::Repository', 'AWS::Cognito::UserPool',
];

/** An application team's stack: plain aws-cdk-lib L2s (and L1s where no L2 exists), no protection of its own. */
function buildWorkload(app: App): Stack {
  const stack = new Stack(app, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };

  new rds.DatabaseInstance(stack, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc });
  new rds.DatabaseCluster(stack, 'Aurora', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc,
  });
  new s3.Bucket(stack, 'Bucket');
  new dynamodb.Table(stack, 'Table', { partitionKey });
  new dynamodb.TableV2(stack, 'TableV2', { partitionKey });
  new ec2.Instance(stack, 'Instance', {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
    blockDevices: [{ deviceName: '/dev/sdf', volume: ec2.BlockDeviceVolume.ebs(20) }],
  });
  new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) });
  new efs.FileSystem(stack, 'Files', { vpc });
  new elasticache.CfnReplicationGroup(stack, 'Redis', { replicationGroupDescription: 'sessions', engine: 'redis', cacheNodeType: 'cache.t3.micro' });
  new elasticache.CfnCacheCluster(stack, 'Memcached', { engine: 'memcached', cacheNodeType: 'cache.t3.micro', numCacheNodes: 1 });
  new elasticache.CfnServerlessCache(stack, 'Valkey', { engine: 'valkey', serverlessCacheName: 'valkey' });
  new redshift.CfnCluster(stack, 'Warehouse', {
    clusterType: 'single-node', dbName: 'dw', masterUsername: 'admin', manageMasterPassword: true, nodeType: 'ra3.xlplus',
  });
  new neptune.CfnDBCluster(stack, 'Graph');
  new docdb.DatabaseCluster(stack, 'Documents', { masterUser: { username: 'admin' }, vpc, instanceType: new ec2.InstanceType('r6g.large') });
  new opensearch.Domain(stack, 'Search', { version: opensearch.EngineVersion.OPENSEARCH_2_11 });
  new kms.Key(stack, 'Key');
  new secretsmanager.Secret(stack, 'ApiKey');
  new logs.LogGroup(stack, 'AppLogs');
  new ecr.Repository(stack, 'Images');
  new cognito.UserPool(stack, 'Users');
  return stack;
}

interface TemplateResource {
  readonly Type: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Properties?: Record<string, unknown>;
}

function statefulResources(stack: Stack): Array<[string, TemplateResource]> {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, TemplateResource>;
  return Object.entries(resources).filter(([, r]) => STATEFUL_TYPES.includes(r.Type)
    // Aurora member instances hold no data of their own: the cluster carries the protection.
    && !(r.Type === 'AWS::RDS::DBInstance' && r.Properties?.DBClusterIdentifier !== undefined));
}

const kept = (r: TemplateResource) => ['Retain', 'Snapshot'].includes(r.DeletionPolicy ?? '') && ['Retain', 'Snapshot'].includes(r.UpdateReplacePolicy ?? '');

describe('a workload app built from plain L2s', () => {
  test('without Protection, several stateful resources would be deleted with the stack', () => {
    const stack = buildWorkload(new App());
    const unprotected = statefulResources(stack).filter(([, r]) => !kept(r)).map(([, r]) => r.Type);
    expect(unprotected).toEqual(expect.arrayContaining(['AWS::EC2::Instance', 'AWS::SecretsManager::Secret', 'AWS::Neptune::DBCluster', 'AWS::Redshift::Cluster']));
  });

  test('after Protection.of(app).apply(), N of N stateful resources keep their data', () => {
    const app = new App();
    const stack = buildWorkload(app);
    Protection.of(app).apply();
    app.synth();

    const stateful = statefulResources(stack);
    const protectedOnes = stateful.filter(([, r]) => kept(r));
    const types = new Set(stateful.map(([, r]) => r.Type));
    // eslint-disable-next-line no-console
    console.log(`Protection: ${protectedOnes.length} of ${stateful.length} stateful resources have DeletionPolicy and UpdateReplacePolicy Retain/Snapshot (${types.size} of ${STATEFUL_TYPES.length} types present)`);

    expect(types.size).toBe(STATEFUL_TYPES.length);
    expect(stateful.filter(([, r]) => !kept(r))).toEqual([]);
    expect(protectedOnes.length).toBe(stateful.length);

    const report = Protection.of(app).report();
    expect(report.total).toBe(stateful.length);
    // All but one: the plain ec2.Instance maps /dev/sdf only, so its root volume is still deleted on
    // termination, and the report says so rather than counting the instance as protected.
    expect(report.resources.filter(r => !r.isProtected).map(r => [r.path, r.unprotected])).toEqual([
      ['Workload/Instance/Resource', [expect.stringMatching(/^root volume kept on termination \(no BlockDeviceMappings entry for the root device/)]],
    ]);
    expect(report.protectedCount).toBe(report.total - 1);
    expect(report.protectedStacks).toEqual(['Workload']);
    expect(stack.terminationProtection).toBe(true);
  });

  test('service-level deletion protection is on wherever the service has it', () => {
    const app = new App();
    const stack = buildWorkload(app);
    Protection.of(app).apply();
    app.synth();
    const props = (type: string) => statefulResources(stack).filter(([, r]) => r.Type === type).map(([, r]) => r.Properties ?? {});
    for (const type of ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::Neptune::DBCluster', 'AWS::DocDB::DBCluster']) {
      expect(props(type).map(p => p.DeletionProtection)).toEqual(props(type).map(() => true));
    }
    expect(props('AWS::DynamoDB::Table').map(p => p.DeletionProtectionEnabled)).toEqual([true]);
    expect(props('AWS::Logs::LogGroup').every(p => p.DeletionProtectionEnabled === true)).toBe(true);
    expect(props('AWS::Cognito::UserPool').map(p => p.DeletionProtection)).toEqual(['ACTIVE']);
    expect(props('AWS::EC2::Instance').map(p => p.DisableApiTermination)).toEqual([true]);
    expect(props('AWS::KMS::Key').map(p => p.PendingWindowInDays)).toEqual([30]);
  });

  test('automated backups are kept at least 7 days wherever the service keeps them (14 when unset)', () => {
    const app = new App();
    const stack = buildWorkload(app);
    Protection.of(app).apply();
    app.synth();
    const retention: Record<string, string> = {
      'AWS::RDS::DBInstance': 'BackupRetentionPeriod',
      'AWS::RDS::DBCluster': 'BackupRetentionPeriod',
      'AWS::Neptune::DBCluster': 'BackupRetentionPeriod',
      'AWS::DocDB::DBCluster': 'BackupRetentionPeriod',
      'AWS::Redshift::Cluster': 'AutomatedSnapshotRetentionPeriod',
      'AWS::ElastiCache::ReplicationGroup': 'SnapshotRetentionLimit',
      'AWS::ElastiCache::ServerlessCache': 'SnapshotRetentionLimit',
    };
    const found = statefulResources(stack).filter(([, r]) => r.Type in retention).map(([, r]) => `${r.Type} ${r.Properties?.[retention[r.Type]]}`);
    expect(found.sort()).toEqual(Object.keys(retention).map(t => `${t} 14`).sort());
  });
});
