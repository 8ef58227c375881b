import { App, CfnResource, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
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
import { Construct } from 'constructs';
import { AgentIdentity } from '../../src/identity';
import { Protection, ProtectionOptions } from '../../src/protection';

const ENV = { account: '111111111111', region: 'us-east-1' };
const BACKUP_TAG = { Key: AgentIdentity.BACKUP_TAG_KEY, Value: AgentIdentity.BACKUP_TAG_VALUE };
const keySchema = [{ attributeName: 'pk', keyType: 'HASH' }];
const attributeDefinitions = [{ attributeName: 'pk', attributeType: 'S' }];

function protect(build: (scope: Construct) => void, options?: ProtectionOptions) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  build(stack);
  Protection.of(stack).apply(options);
  const template = Template.fromStack(stack);
  return { app, stack, template, report: Protection.of(stack).report() };
}

interface Case {
  readonly type: string;
  readonly policy: 'Snapshot' | 'Retain';
  readonly build: (scope: Construct) => void;
  readonly properties?: Record<string, unknown>;
}

/** One plain L1 per stateful type, without any protection of its own. */
const L1_CASES: Record<string, Case> = {
  'RDS DBInstance': {
    type: 'AWS::RDS::DBInstance',
    policy: 'Snapshot',
    build: s => new rds.CfnDBInstance(s, 'R', { engine: 'postgres', dbInstanceClass: 'db.t3.micro', allocatedStorage: '20' }),
    properties: { DeletionProtection: true, DeleteAutomatedBackups: false, Tags: [BACKUP_TAG] },
  },
  'RDS DBCluster': {
    type: 'AWS::RDS::DBCluster',
    policy: 'Snapshot',
    build: s => new rds.CfnDBCluster(s, 'R', { engine: 'aurora-postgresql' }),
    properties: { DeletionProtection: true, DeleteAutomatedBackups: false, Tags: [BACKUP_TAG] },
  },
  'S3 Bucket': {
    type: 'AWS::S3::Bucket',
    policy: 'Retain',
    build: s => new s3.CfnBucket(s, 'R'),
    properties: { VersioningConfiguration: { Status: 'Enabled' }, Tags: [BACKUP_TAG] },
  },
  'DynamoDB Table': {
    type: 'AWS::DynamoDB::Table',
    policy: 'Retain',
    build: s => new dynamodb.CfnTable(s, 'R', { keySchema, attributeDefinitions, billingMode: 'PAY_PER_REQUEST' }),
    properties: { DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, Tags: [BACKUP_TAG] },
  },
  'DynamoDB GlobalTable': {
    type: 'AWS::DynamoDB::GlobalTable',
    policy: 'Retain',
    build: s => new dynamodb.CfnGlobalTable(s, 'R', {
      keySchema, attributeDefinitions, billingMode: 'PAY_PER_REQUEST', replicas: [{ region: 'us-east-1' }, { region: 'eu-west-1' }],
    }),
    properties: {
      Replicas: [
        { Region: 'us-east-1', DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
        { Region: 'eu-west-1', DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
      ],
    },
  },
  'EC2 Instance': {
    type: 'AWS::EC2::Instance',
    policy: 'Retain',
    build: s => new ec2.CfnInstance(s, 'R', { imageId: 'ami-12345678', blockDeviceMappings: [{ deviceName: '/dev/sdf', ebs: { volumeSize: 10 } }] }),
    properties: { DisableApiTermination: true, BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } }], Tags: [BACKUP_TAG] },
  },
  'EC2 Volume': {
    type: 'AWS::EC2::Volume',
    policy: 'Snapshot',
    build: s => new ec2.CfnVolume(s, 'R', { availabilityZone: 'us-east-1a', size: 10 }),
    properties: { Tags: [BACKUP_TAG] },
  },
  'EFS FileSystem': {
    type: 'AWS::EFS::FileSystem',
    policy: 'Retain',
    build: s => new efs.CfnFileSystem(s, 'R'),
    properties: { FileSystemTags: [BACKUP_TAG] },
  },
  'ElastiCache ReplicationGroup': {
    type: 'AWS::ElastiCache::ReplicationGroup',
    policy: 'Snapshot',
    build: s => new elasticache.CfnReplicationGroup(s, 'R', { replicationGroupDescription: 'cache', engine: 'redis', cacheNodeType: 'cache.t3.micro' }),
    properties: { Tags: Match.absent() },
  },
  'ElastiCache CacheCluster (redis)': {
    type: 'AWS::ElastiCache::CacheCluster',
    policy: 'Snapshot',
    build: s => new elasticache.CfnCacheCluster(s, 'R', { engine: 'redis', cacheNodeType: 'cache.t3.micro', numCacheNodes: 1 }),
  },
  'ElastiCache CacheCluster (memcached)': {
    type: 'AWS::ElastiCache::CacheCluster',
    policy: 'Retain',
    build: s => new elasticache.CfnCacheCluster(s, 'R', { engine: 'memcached', cacheNodeType: 'cache.t3.micro', numCacheNodes: 1 }),
  },
  'ElastiCache ServerlessCache': {
    type: 'AWS::ElastiCache::ServerlessCache',
    policy: 'Retain',
    build: s => new elasticache.CfnServerlessCache(s, 'R', { engine: 'valkey', serverlessCacheName: 'cache' }),
  },
  'Redshift Cluster': {
    type: 'AWS::Redshift::Cluster',
    policy: 'Snapshot',
    build: s => new redshift.CfnCluster(s, 'R', { clusterType: 'single-node', dbName: 'db', masterUsername: 'admin', masterUserPassword: 'Passw0rd!', nodeType: 'ra3.xlplus' }),
    properties: { Tags: [BACKUP_TAG] },
  },
  'Neptune DBCluster': {
    type: 'AWS::Neptune::DBCluster',
    policy: 'Snapshot',
    build: s => new neptune.CfnDBCluster(s, 'R'),
    properties: { DeletionProtection: true, Tags: [BACKUP_TAG] },
  },
  'DocumentDB DBCluster': {
    type: 'AWS::DocDB::DBCluster',
    policy: 'Snapshot',
    build: s => new docdb.CfnDBCluster(s, 'R'),
    properties: { DeletionProtection: true, Tags: [BACKUP_TAG] },
  },
  'OpenSearch Domain': {
    type: 'AWS::OpenSearchService::Domain',
    policy: 'Retain',
    build: s => new opensearch.CfnDomain(s, 'R'),
  },
  'KMS Key': {
    type: 'AWS::KMS::Key',
    policy: 'Retain',
    build: s => new kms.CfnKey(s, 'R'),
    properties: { PendingWindowInDays: 30 },
  },
  'Secrets Manager Secret': {
    type: 'AWS::SecretsManager::Secret',
    policy: 'Retain',
    build: s => new secretsmanager.CfnSecret(s, 'R'),
  },
  'Logs LogGroup': {
    type: 'AWS::Logs::LogGroup',
    policy: 'Retain',
    build: s => new logs.CfnLogGroup(s, 'R'),
    properties: { DeletionProtectionEnabled: true },
  },
  'ECR Repository': {
    type: 'AWS::ECR::Repository',
    policy: 'Retain',
    build: s => new ecr.CfnRepository(s, 'R'),
    properties: { EmptyOnDelete: false },
  },
  'Cognito UserPool': {
    type: 'AWS::Cognito::UserPool',
    policy: 'Retain',
    build: s => new cognito.CfnUserPool(s, 'R'),
    properties: { DeletionProtection: 'ACTIVE' },
  },
};

describe('Protection on L1 resources', () => {
  test.each(Object.entries(L1_CASES))('%s', (_name, c) => {
    const { template, report } = protect(c.build);
    template.hasResource(c.type, {
      DeletionPolicy: c.policy,
      UpdateReplacePolicy: c.policy,
      ...(c.properties ? { Properties: Match.objectLike(c.properties) } : {}),
    });
    expect(report.total).toBe(1);
    expect(report.protectedCount).toBe(1);
    expect(report.resources[0]).toEqual(expect.objectContaining({ resourceType: c.type, isProtected: true }));
    expect(report.resources[0].changes).toEqual(expect.arrayContaining([`DeletionPolicy=${c.policy}`, `UpdateReplacePolicy=${c.policy}`]));
  });

  test('every resource gets an info annotation listing what changed', () => {
    const { stack } = protect(L1_CASES['RDS DBInstance'].build);
    Annotations.fromStack(stack).hasInfo('/Stack/R', Match.stringLikeRegexp('^Protection: set DeletionPolicy=Snapshot, UpdateReplacePolicy=Snapshot, DeletionProtection=true'));
  });

  test('Aurora cluster members are skipped (the cluster carries the protection) and reported', () => {
    const { template, report } = protect(s => {
      const cluster = new rds.CfnDBCluster(s, 'Cluster', { engine: 'aurora-postgresql' });
      new rds.CfnDBInstance(s, 'Member', { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref });
    });
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: Match.absent(), Properties: Match.objectLike({ DeletionProtection: Match.absent() }) });
    expect(report.total).toBe(1);
    expect(report.skipped).toEqual([expect.stringMatching(/^Stack\/Member: cluster member/)]);
  });

  test('non-stateful resources are left alone', () => {
    const { template, report } = protect(s => new ec2.CfnSecurityGroup(s, 'Sg', { groupDescription: 'sg' }));
    template.hasResource('AWS::EC2::SecurityGroup', { DeletionPolicy: Match.absent() });
    expect(report.total).toBe(0);
  });

  test('an instance that shuts down into termination is reported, and fixed with overwrite', () => {
    const build = (s: Construct) => new ec2.CfnInstance(s, 'R', { imageId: 'ami-1', instanceInitiatedShutdownBehavior: 'terminate' });
    const kept = protect(build);
    expect(kept.report.resources[0].unprotected).toEqual(['InstanceInitiatedShutdownBehavior=stop (explicitly set otherwise)']);
    const fixed = protect(build, { overwrite: true });
    fixed.template.hasResourceProperties('AWS::EC2::Instance', { InstanceInitiatedShutdownBehavior: 'stop' });
  });
});

describe('Protection on L2 resources', () => {
  test('plain L2s with their defaults end up protected', () => {
    const { template, report } = protect(s => {
      const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1 });
      new rds.DatabaseInstance(s, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc });
      new s3.Bucket(s, 'Bucket');
      new dynamodb.Table(s, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      new dynamodb.TableV2(s, 'TableV2', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      new ec2.Instance(s, 'Instance', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-1' }) });
      new ec2.Volume(s, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) });
      new efs.FileSystem(s, 'Fs', { vpc });
      new kms.Key(s, 'Key');
      new secretsmanager.Secret(s, 'Secret');
      new logs.LogGroup(s, 'Logs');
      new ecr.Repository(s, 'Repo');
      new cognito.UserPool(s, 'Users');
      new opensearch.Domain(s, 'Search', { version: opensearch.EngineVersion.OPENSEARCH_2_11 });
      new docdb.DatabaseCluster(s, 'DocDb', { masterUser: { username: 'admin' }, vpc, instanceType: new ec2.InstanceType('r6g.large') });
    });
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ DeletionProtection: true, DeleteAutomatedBackups: false }) });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' }, Tags: [BACKUP_TAG] }) });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }) });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, Tags: [BACKUP_TAG],
        })],
      }),
    });
    template.hasResource('AWS::EC2::Instance', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DisableApiTermination: true }) });
    template.hasResource('AWS::EC2::Volume', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ PendingWindowInDays: 30 }) });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }) });
    // secretsmanager.Secret defaults to DESTROY: Delete is not taken as a user choice for secrets.
    expect(Object.values(template.findResources('AWS::SecretsManager::Secret')).map(r => r.DeletionPolicy)).toEqual(['Retain', 'Retain', 'Retain']);
    template.hasResource('AWS::DocDB::DBCluster', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: true }) });
    expect(report.resources.filter(r => !r.isProtected)).toEqual([]);
    expect(report.protectedCount).toBe(report.total);
    expect(report.total).toBeGreaterThanOrEqual(15);
  });

  test('an explicit RemovalPolicy.DESTROY is kept, with a NOT protected warning', () => {
    const { stack, template, report } = protect(s => new s3.Bucket(s, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY }));
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    Annotations.fromStack(stack).hasWarning('/Stack/Bucket/Resource', Match.stringLikeRegexp('^AWS::S3::Bucket is NOT protected: DeletionPolicy=Retain \\(explicitly set otherwise\\)'));
    expect(report.protectedCount).toBe(0);
    expect(report.total).toBe(1);
  });

  test('an explicit deletionProtection: false is kept unless overwrite', () => {
    const build = (s: Construct) => {
      const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1 });
      new rds.DatabaseInstance(s, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, deletionProtection: false });
    };
    const kept = protect(build);
    kept.template.hasResourceProperties('AWS::RDS::DBInstance', { DeletionProtection: false });
    Annotations.fromStack(kept.stack).hasWarning('/Stack/Db/Resource', Match.stringLikeRegexp('DeletionProtection=true \\(explicitly set otherwise\\)'));

    const overwritten = protect(build, { overwrite: true });
    overwritten.template.hasResourceProperties('AWS::RDS::DBInstance', { DeletionProtection: true });
    expect(overwritten.report.protectedCount).toBe(overwritten.report.total);
  });

  test('overwrite replaces an explicit DESTROY and suspended versioning', () => {
    const { template } = protect(s => {
      const bucket = new s3.CfnBucket(s, 'Bucket', { versioningConfiguration: { status: 'Suspended' } });
      bucket.applyRemovalPolicy(RemovalPolicy.DESTROY);
    }, { overwrite: true });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { VersioningConfiguration: { Status: 'Enabled' }, Tags: [BACKUP_TAG] } });
  });

  test('a property override counts as an explicit choice', () => {
    const { template, report } = protect(s => {
      const pool = new cognito.CfnUserPool(s, 'Users');
      pool.addPropertyOverride('DeletionProtection', 'INACTIVE');
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
    expect(report.resources[0].unprotected).toEqual(['DeletionProtection=ACTIVE (explicitly set otherwise)']);
  });

  test('a token value is not counted as protected', () => {
    const { report } = protect(s => {
      const flag = new CfnResource(s, 'Flag', { type: 'AWS::CloudFormation::WaitConditionHandle' });
      new rds.CfnDBCluster(s, 'Cluster', { engine: 'aurora-postgresql', deletionProtection: flag.getAtt('Enabled') as never });
    });
    expect(report.resources[0].isProtected).toBe(false);
    expect(report.resources[0].unprotected).toEqual(['DeletionProtection=true (unknown until deploy: a token)']);
  });
});

describe('Protection options and stacks', () => {
  test('turns on stack termination protection', () => {
    const { stack, report } = protect(() => undefined);
    expect(stack.terminationProtection).toBe(true);
    expect(report.protectedStacks).toEqual(['Stack']);
  });

  test('terminationProtection: false and backupTag: false are honoured', () => {
    const { stack, template } = protect(s => new s3.CfnBucket(s, 'R'), { terminationProtection: false, backupTag: false });
    expect(stack.terminationProtection).toBe(false);
    template.hasResourceProperties('AWS::S3::Bucket', { Tags: Match.absent() });
  });

  test('apply() twice adds one aspect; report() before synth is empty', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new s3.CfnBucket(stack, 'R');
    Protection.of(app).apply();
    Protection.of(app).apply({ overwrite: true });
    expect(Protection.of(app).report().total).toBe(0);
    app.synth();
    expect(Protection.of(app).report()).toEqual(expect.objectContaining({ total: 1, protectedCount: 1 }));
    expect(Protection.of(stack).report().total).toBe(0);
  });
});
