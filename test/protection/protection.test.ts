import { App, CfnParameter, CfnResource, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
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
import { ProtectedInstance, Protection, ProtectionOptions } from '../../src/protection';

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
    properties: { DeletionProtection: true, DeleteAutomatedBackups: false, BackupRetentionPeriod: 14, Tags: [BACKUP_TAG] },
  },
  'RDS DBCluster': {
    type: 'AWS::RDS::DBCluster',
    policy: 'Snapshot',
    build: s => new rds.CfnDBCluster(s, 'R', { engine: 'aurora-postgresql' }),
    properties: { DeletionProtection: true, DeleteAutomatedBackups: false, BackupRetentionPeriod: 14, Tags: [BACKUP_TAG] },
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
    build: s => new ec2.CfnInstance(s, 'R', {
      imageId: 'ami-12345678',
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 8 } }, { deviceName: '/dev/sdf', ebs: { volumeSize: 10 } }],
    }),
    properties: {
      DisableApiTermination: true,
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, DeleteOnTermination: false } },
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } },
      ],
      Tags: [BACKUP_TAG],
    },
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
    const build = (s: Construct) => new ec2.CfnInstance(s, 'R', {
      imageId: 'ami-1', instanceInitiatedShutdownBehavior: 'terminate', blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: {} }],
    });
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
      new ec2.Instance(s, 'Instance', {
        vpc,
        instanceType: new ec2.InstanceType('t3.micro'),
        machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-1' }),
        // The root volume mapped: without it, the aspect reports the instance as not protected (see below).
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8) }],
      });
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

describe('backup retention floor (scenario 4: delete-db-instance --skip-final-snapshot)', () => {
  const warning = (stack: Stack, path: string, text: RegExp) => Annotations.fromStack(stack).hasWarning(path, Match.stringLikeRegexp(text.source));
  const rdsInstance = (s: Construct, props: Partial<rds.CfnDBInstanceProps> = {}) =>
    new rds.CfnDBInstance(s, 'R', { engine: 'postgres', dbInstanceClass: 'db.t3.micro', allocatedStorage: '20', ...props });

  test('overwrite raises BackupRetentionPeriod 0 (automated backups off) to the 7-day floor and says so', () => {
    const { template, report } = protect(s => rdsInstance(s, { backupRetentionPeriod: 0 }), { overwrite: true });
    template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 7, DeletionProtection: true, DeleteAutomatedBackups: false });
    expect(report.resources[0].changes).toContain('BackupRetentionPeriod=7 days (raised from 0 (automated backups off) to the 7-day floor)');
    expect(report.resources[0].protections).toContain('BackupRetentionPeriod=7 days');
    expect(report.resources[0].isProtected).toBe(true);
  });

  test('without overwrite a lower explicit value is kept, with a warning and a report row', () => {
    const { stack, template, report } = protect(s => rdsInstance(s, { backupRetentionPeriod: 0 }));
    template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 0 });
    expect(report.resources[0].isProtected).toBe(false);
    expect(report.resources[0].unprotected).toEqual(['BackupRetentionPeriod>=7 days (explicitly set to 0 (automated backups off), below the 7-day floor)']);
    expect(report.protectedCount).toBe(0);
    warning(stack, '/Stack/R', /^AWS::RDS::DBInstance is NOT protected: BackupRetentionPeriod>=7 days \(explicitly set to 0 .*overwrite: true/);
  });

  test('an unset retention gets the ProtectedDatabase default of 14 days, on the plain L2s too', () => {
    const { template, report } = protect(s => {
      const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1 });
      new rds.DatabaseInstance(s, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc });
      new rds.DatabaseCluster(s, 'Aurora', {
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        vpc,
      });
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 14, DBClusterIdentifier: Match.absent() });
    template.hasResourceProperties('AWS::RDS::DBCluster', { BackupRetentionPeriod: 14 });
    // The Aurora writer is a cluster member: the cluster carries the retention.
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBClusterIdentifier: Match.anyValue(), BackupRetentionPeriod: Match.absent() });
    const db = report.resources.find(r => r.resourceType === 'AWS::RDS::DBInstance')!;
    expect(db.changes).toContain('BackupRetentionPeriod=14 days (was unset: the service keeps automated backups 1 day)');
  });

  test('a retention at or above the floor is kept as it is', () => {
    const { template, report } = protect(s => {
      rdsInstance(s, { backupRetentionPeriod: 7 });
      new rds.CfnDBCluster(s, 'C', { engine: 'aurora-postgresql', backupRetentionPeriod: 35 });
    }, { overwrite: true });
    template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 7 });
    template.hasResourceProperties('AWS::RDS::DBCluster', { BackupRetentionPeriod: 35 });
    expect(report.resources.map(r => r.changes.filter(c => /Retention/.test(c)))).toEqual([[], []]);
  });

  interface RetentionCase {
    readonly type: string;
    readonly property: string;
    readonly build: (s: Construct, days?: number) => void;
  }
  const clusters: Record<string, RetentionCase> = {
    'Aurora DBCluster': {
      type: 'AWS::RDS::DBCluster',
      property: 'BackupRetentionPeriod',
      build: (s, d) => new rds.CfnDBCluster(s, 'R', { engine: 'aurora-postgresql', backupRetentionPeriod: d }),
    },
    'Neptune DBCluster': {
      type: 'AWS::Neptune::DBCluster',
      property: 'BackupRetentionPeriod',
      build: (s, d) => new neptune.CfnDBCluster(s, 'R', { backupRetentionPeriod: d }),
    },
    'DocumentDB DBCluster': {
      type: 'AWS::DocDB::DBCluster',
      property: 'BackupRetentionPeriod',
      build: (s, d) => new docdb.CfnDBCluster(s, 'R', { backupRetentionPeriod: d }),
    },
    'Redshift Cluster': {
      type: 'AWS::Redshift::Cluster',
      property: 'AutomatedSnapshotRetentionPeriod',
      build: (s, d) => new redshift.CfnCluster(s, 'R', {
        clusterType: 'single-node', dbName: 'db', masterUsername: 'admin', manageMasterPassword: true, nodeType: 'ra3.xlplus', automatedSnapshotRetentionPeriod: d,
      }),
    },
    'ElastiCache ReplicationGroup': {
      type: 'AWS::ElastiCache::ReplicationGroup',
      property: 'SnapshotRetentionLimit',
      build: (s, d) => new elasticache.CfnReplicationGroup(s, 'R', { replicationGroupDescription: 'c', engine: 'redis', cacheNodeType: 'cache.t3.micro', snapshotRetentionLimit: d }),
    },
    'ElastiCache CacheCluster (redis)': {
      type: 'AWS::ElastiCache::CacheCluster',
      property: 'SnapshotRetentionLimit',
      build: (s, d) => new elasticache.CfnCacheCluster(s, 'R', { engine: 'redis', cacheNodeType: 'cache.t3.micro', numCacheNodes: 1, snapshotRetentionLimit: d }),
    },
    'ElastiCache ServerlessCache': {
      type: 'AWS::ElastiCache::ServerlessCache',
      property: 'SnapshotRetentionLimit',
      build: (s, d) => new elasticache.CfnServerlessCache(s, 'R', { engine: 'valkey', serverlessCacheName: 'c', snapshotRetentionLimit: d }),
    },
  };

  test.each(Object.entries(clusters))('%s: the 1-day default is raised with overwrite, reported without; unset gets 14 days', (_name, c) => {
    const raised = protect(s => c.build(s, 1), { overwrite: true });
    raised.template.hasResourceProperties(c.type, { [c.property]: 7 });
    expect(raised.report.resources[0].changes).toContain(`${c.property}=7 days (raised from 1 to the 7-day floor)`);

    const kept = protect(s => c.build(s, 1));
    kept.template.hasResourceProperties(c.type, { [c.property]: 1 });
    expect(kept.report.resources[0].unprotected).toEqual([`${c.property}>=7 days (explicitly set to 1, below the 7-day floor)`]);
    warning(kept.stack, '/Stack/R', new RegExp(`^${c.type} is NOT protected: ${c.property}>=7 days`));

    const unset = protect(s => c.build(s));
    unset.template.hasResourceProperties(c.type, { [c.property]: 14 });
    expect(unset.report.resources[0].isProtected).toBe(true);
  });

  test('read replicas (their data is the source\'s) and memcached (no snapshots) are left alone', () => {
    const { template, report } = protect(s => {
      rdsInstance(s, { sourceDbInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:source' });
      new elasticache.CfnCacheCluster(s, 'Memcached', { engine: 'memcached', cacheNodeType: 'cache.t3.micro', numCacheNodes: 1 });
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: Match.absent() });
    template.hasResourceProperties('AWS::ElastiCache::CacheCluster', { SnapshotRetentionLimit: Match.absent() });
    expect(report.protectedCount).toBe(2);
  });

  test('a token is never replaced (it may be above the floor) and is not counted as protected', () => {
    const { template, report } = protect(s => {
      const days = new CfnParameter(s, 'Days', { type: 'Number' });
      rdsInstance(s, { backupRetentionPeriod: days.valueAsNumber });
    }, { overwrite: true });
    template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: { Ref: 'Days' } });
    expect(report.resources[0].unprotected).toEqual(['BackupRetentionPeriod>=7 days (unknown until deploy: a token, left as it is)']);
  });

  test('a raw property override is read and, with overwrite, replaced in the template', () => {
    const build = (s: Construct) => rdsInstance(s).addPropertyOverride('BackupRetentionPeriod', 2);
    const kept = protect(build);
    kept.template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 2 });
    expect(kept.report.resources[0].isProtected).toBe(false);
    const raised = protect(build, { overwrite: true });
    raised.template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 7 });
  });
});

describe('EC2 instance volumes: what is and is not protected', () => {
  const ami = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' });
  const plain = (s: Construct, props: Partial<ec2.InstanceProps> = {}) => {
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0 });
    return new ec2.Instance(s, 'Server', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ami, ...props });
  };

  test('a plain ec2.Instance: termination protection and Retain, but the unmapped root volume is reported as NOT protected', () => {
    const { stack, template, report } = protect(s => plain(s));
    template.hasResourceProperties('AWS::EC2::Instance', { DisableApiTermination: true, BlockDeviceMappings: Match.absent() });
    const entry = report.resources.find(r => r.resourceType === 'AWS::EC2::Instance')!;
    expect(entry.isProtected).toBe(false);
    expect(entry.protections).toEqual([
      'DeletionPolicy=Retain', 'UpdateReplacePolicy=Retain', 'DisableApiTermination=true', 'InstanceInitiatedShutdownBehavior=stop',
      `tag ${AgentIdentity.BACKUP_TAG_KEY}=${AgentIdentity.BACKUP_TAG_VALUE}`,
    ]);
    expect(entry.unprotected).toEqual([expect.stringMatching(
      /^root volume kept on termination \(no BlockDeviceMappings entry for the root device \(\/dev\/xvda or \/dev\/sda1\), so EC2 deletes the root volume when the instance is terminated; .* Use ProtectedInstance/)]);
    Annotations.fromStack(stack).hasWarning('/Stack/Server/Resource', Match.stringLikeRegexp('^AWS::EC2::Instance is NOT protected: root volume kept on termination'));
    // Nothing to overwrite: the advice is to map the volume, not to pass overwrite.
    expect(Annotations.fromStack(stack).findWarning('/Stack/Server/Resource', Match.stringLikeRegexp('overwrite'))).toEqual([]);
  });

  test('mapped EBS volumes, root included, are set to survive termination; the instance is then protected', () => {
    const { template, report } = protect(s => plain(s, {
      blockDevices: [
        { deviceName: '/dev/sda1', volume: ec2.BlockDeviceVolume.ebs(30) },
        { deviceName: '/dev/sdf', volume: ec2.BlockDeviceVolume.ebs(100) },
      ],
    }));
    template.hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: [
        { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 30, DeleteOnTermination: false } },
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 100, DeleteOnTermination: false } },
      ],
    });
    const entry = report.resources.find(r => r.resourceType === 'AWS::EC2::Instance')!;
    expect(entry.isProtected).toBe(true);
    expect(entry.changes).toEqual(expect.arrayContaining([
      'BlockDeviceMappings[/dev/sda1].Ebs.DeleteOnTermination=false (root volume)', 'BlockDeviceMappings[/dev/sdf].Ebs.DeleteOnTermination=false',
    ]));
  });

  test('an explicit deleteOnTermination: true is kept and reported unless overwrite', () => {
    const build = (s: Construct) => plain(s, { blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { deleteOnTermination: true }) }] });
    const kept = protect(build);
    kept.template.hasResourceProperties('AWS::EC2::Instance', { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true } }] });
    expect(kept.report.resources.find(r => r.resourceType === 'AWS::EC2::Instance')!.unprotected)
      .toEqual(['BlockDeviceMappings[/dev/xvda].Ebs.DeleteOnTermination=false (root volume) (explicitly set otherwise)']);
    const fixed = protect(build, { overwrite: true });
    fixed.template.hasResourceProperties('AWS::EC2::Instance', { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false } }] });
  });

  test('instance store volumes are reported: nothing keeps their data', () => {
    const { report } = protect(s => new ec2.CfnInstance(s, 'R', {
      imageId: 'ami-1',
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: {} }, { deviceName: '/dev/sdb', virtualName: 'ephemeral0' }],
    }));
    expect(report.resources[0].unprotected).toEqual([expect.stringMatching(/^instance store \/dev\/sdb \(ephemeral0\) kept \(instance store data is lost when the instance stops or terminates/)]);
  });

  test('a raw PascalCase override of the mappings is read and updated in place', () => {
    const { template, report } = protect(s => {
      const i = new ec2.CfnInstance(s, 'R', { imageId: 'ami-1' });
      i.addPropertyOverride('BlockDeviceMappings', [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }]);
    });
    template.hasResourceProperties('AWS::EC2::Instance', { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, DeleteOnTermination: false } }] });
    expect(report.resources[0].isProtected).toBe(true);
  });

  test('a ProtectedInstance maps its own root device, so the aspect reports it protected, custom device names included', () => {
    const { report } = protect(s => {
      const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0 });
      new ProtectedInstance(s, 'Server', {
        vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ami, rootDeviceName: '/dev/nvme0n1',
      });
    });
    const entry = report.resources.find(r => r.resourceType === 'AWS::EC2::Instance')!;
    expect(entry.isProtected).toBe(true);
    expect(entry.protections).toContain('BlockDeviceMappings[/dev/nvme0n1].Ebs.DeleteOnTermination=false (root volume)');
  });
});
