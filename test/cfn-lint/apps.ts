import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as neptune from 'aws-cdk-lib/aws-neptune';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { buildGuardedAccountApp } from '../../examples/guarded-account';
import {
  ActionCategory, AgentAccess, AgentPolicyScope, AgentRcp, AgentRole, AgentScp, DestructiveCallAlarm, DestructiveCallForwarder,
  GuardrailBackup, KillSwitch, PolicyBudget, PrincipalScope, ProtectedBucket, ProtectedDatabase,
  ProtectedDatabaseCluster, ProtectedInstance, ProtectedTable, Protection, VaultLock, GuardedBootstrap, GuardedStackSynthesizer, WorkloadRoles,
} from '../../src';
import { buildBootstrapStack } from '../../src/deploy/private/bootstrap-template';

/** One app whose templates cfn-lint checks: a name for the report and how to build it. */
export interface LintApp {
  readonly name: string;
  readonly build: (app: App) => void;
}

/**
 * Region only: with an account and no cdk.context.json, a VPC gets placeholder Availability
 * Zones ('dummy1a'), which cfn-lint rightly reports (W3010); region-only stacks use Fn::GetAZs.
 */
const ENV = { region: 'us-east-1' };
const OU = 'ou-ab12-cd34ef56';
const AMI = { 'us-east-1': 'ami-12345678' };

/** A stack in the test account and region. */
function stack(app: App, id = 'Stack'): Stack {
  return new Stack(app, id, { env: ENV });
}

/** An app with one stack, built by `build`. */
function oneStack(name: string, build: (s: Stack) => void): LintApp {
  return { name, build: app => build(stack(app)) };
}

function vpcOf(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0 });
}

/**
 * A plain application stack (aws-cdk-lib L2s, L1s where none exists) with every stateful type
 * `Protection.of()` knows, so the properties the aspect sets are checked against the schema.
 */
function statefulWorkload(s: Stack): void {
  const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };
  new rds.DatabaseInstance(s, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 }), vpc });
  new rds.DatabaseCluster(s, 'Aurora', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc,
  });
  new s3.Bucket(s, 'Bucket');
  new dynamodb.Table(s, 'Table', { partitionKey });
  new dynamodb.TableV2(s, 'TableV2', { partitionKey });
  new ec2.Instance(s, 'Instance', {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux(AMI),
    blockDevices: [{ deviceName: '/dev/sdf', volume: ec2.BlockDeviceVolume.ebs(20) }],
  });
  new ec2.Volume(s, 'Volume', { availabilityZone: vpc.availabilityZones[0], size: Size.gibibytes(10) });
  new efs.FileSystem(s, 'Files', { vpc });
  new elasticache.CfnReplicationGroup(s, 'Redis', { replicationGroupDescription: 'sessions', engine: 'redis', cacheNodeType: 'cache.t3.micro' });
  new elasticache.CfnCacheCluster(s, 'Memcached', { engine: 'memcached', cacheNodeType: 'cache.t3.micro', numCacheNodes: 1 });
  new elasticache.CfnServerlessCache(s, 'Valkey', { engine: 'valkey', serverlessCacheName: 'valkey' });
  new redshift.CfnCluster(s, 'Warehouse', {
    clusterType: 'single-node', dbName: 'dw', masterUsername: 'admin', manageMasterPassword: true, nodeType: 'ra3.xlplus',
  });
  new neptune.CfnDBCluster(s, 'Graph');
  new docdb.DatabaseCluster(s, 'Documents', { masterUser: { username: 'admin' }, vpc, instanceType: new ec2.InstanceType('r6g.large') });
  new opensearch.Domain(s, 'Search', { version: opensearch.EngineVersion.OPENSEARCH_2_11 });
  new kms.Key(s, 'Key');
  new secretsmanager.Secret(s, 'ApiKey');
  new logs.LogGroup(s, 'AppLogs');
  new ecr.Repository(s, 'Images');
  new cognito.UserPool(s, 'Users');
}

/**
 * The apps cfn-lint checks: the reference app, and every public construct in its default
 * configuration and with its notable options (the same constructions as the unit tests).
 */
export const LINT_APPS: LintApp[] = [
  { name: 'reference', build: app => { buildGuardedAccountApp(app); } },

  // Layer 1: IAM
  oneStack('agent-role-default', s => new AgentRole(s, 'Agent', { assumedBy: new iam.AccountRootPrincipal() })),
  oneStack('agent-role-options', s => {
    const deployer = new iam.Role(s, 'Deployer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const topic = new sns.Topic(s, 'Topic');
    const vault = new backup.BackupVault(s, 'Vault');
    new AgentRole(s, 'ReadOnly', {
      assumedBy: new iam.AccountRootPrincipal(),
      access: AgentAccess.readOnly(),
      roleName: 'read-only-agent',
      externalIds: ['agent-external-id'],
      maxSessionDuration: Duration.hours(2),
    });
    new AgentRole(s, 'Developer', {
      assumedBy: new iam.ArnPrincipal('arn:aws:iam::111111111111:role/ci'),
      access: AgentAccess.developer(),
      denyDisruptive: true,
      allowEphemeralDeletes: true,
      passableRoles: [deployer],
      protectedRoleArns: ['arn:aws:iam::111111111111:role/BreakGlassAdmin'],
      guardedTopics: [topic],
      guardedBackupVaults: [vault],
      managedPolicyQuota: 20,
      tags: { team: 'platform' },
    });
    new AgentRole(s, 'Custom', {
      assumedBy: new iam.AccountRootPrincipal(),
      access: AgentAccess.custom({
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: ['arn:aws:s3:::artifacts/*'] })],
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      }),
    });
  }),

  // Layer 2: Organizations
  oneStack('agent-scp-default', s => new AgentScp(s, 'Scp', { targetIds: [OU] })),
  oneStack('agent-scp-options', s => new AgentScp(s, 'Scp', {
    targetIds: [OU, '222222222222'],
    scope: AgentPolicyScope.ALL_PRINCIPALS,
    breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlassAdmin'],
    denyLeaveOrganization: true,
    categories: [ActionCategory.DESTROY],
    budget: PolicyBudget.SCP_LEGACY,
    policyNamePrefix: 'legacy-',
  })),
  oneStack('agent-rcp-default', s => new AgentRcp(s, 'Rcp', { targetIds: [OU] })),
  oneStack('agent-rcp-options', s => new AgentRcp(s, 'Rcp', {
    targetIds: [OU],
    services: ['s3', 'kms', 'secretsmanager'],
    allowEphemeralDeletes: true,
    agentPrincipalArnPatterns: ['arn:aws:iam::*:role/agents/*'],
  })),

  // Layer 3: resource protection
  oneStack('protected-database', s => new ProtectedDatabase(s, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 }),
    vpc: vpcOf(s),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  })),
  oneStack('protected-database-cluster', s => new ProtectedDatabaseCluster(s, 'Cluster', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc: vpcOf(s),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  })),
  oneStack('protected-bucket', s => {
    new ProtectedBucket(s, 'Default');
    const breakGlass = iam.Role.fromRoleName(s, 'BreakGlass', 'BreakGlassAdmin');
    new ProtectedBucket(s, 'WithAdmins', { adminPrincipals: [breakGlass] });
  }),
  oneStack('protected-instance', s => new ProtectedInstance(s, 'Worker', {
    vpc: vpcOf(s),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  })),
  oneStack('protected-table', s => new ProtectedTable(s, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  })),
  { name: 'protection-of', build: app => { statefulWorkload(stack(app, 'Workload')); Protection.of(app).apply(); } },

  // Layer 4: monitoring
  oneStack('alarm-default', s => new DestructiveCallAlarm(s, 'Alarm')),
  oneStack('alarm-options', s => new DestructiveCallAlarm(s, 'Alarm', {
    emails: ['oncall@example.com'],
    slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' },
    killSwitch: { deniedAttempts: 5, deniedWindow: Duration.minutes(10), blockNewSessions: true },
    dataEventBuckets: [s3.Bucket.fromBucketName(s, 'Prod', 'prod')],
  })),
  oneStack('alarm-existing-trail-everyone', s => new DestructiveCallAlarm(s, 'Alarm', {
    existingTrailArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail',
    principalScope: PrincipalScope.EVERYONE,
    emails: ['oncall@example.com'],
  })),
  oneStack('forwarder', s => new DestructiveCallForwarder(s, 'Fwd', { alarmRegion: 'eu-west-1' })),
  oneStack('kill-switch', s => new KillSwitch(s, 'KillSwitch', {
    deadLetterQueue: new sqs.Queue(s, 'Dlq', { enforceSSL: true }),
    alarmTopic: new sns.Topic(s, 'Topic'),
    blockNewSessions: true,
  })),

  // Layer 5: backup
  oneStack('backup-default', s => new GuardrailBackup(s, 'Backup')),
  oneStack('backup-options', s => new GuardrailBackup(s, 'Backup', {
    vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(400), changeableFor: Duration.days(3) }),
    adminPrincipals: [new iam.Role(s, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() })],
    copyTo: [{ vault: backup.BackupVault.fromBackupVaultArn(s, 'Dr', 'arn:aws:backup:us-west-2:333333333333:backup-vault:dr'), retention: Duration.days(90) }],
    airGappedVault: true,
    continuousBackup: true,
    notificationTopic: new sns.Topic(s, 'BackupEvents'),
  })),

  // Guarded deploys: the bootstrap as a construct, as the template file, and an agent app
  oneStack('guarded-bootstrap', s => new GuardedBootstrap(s, 'Bootstrap', {
    agentRoles: [new AgentRole(s, 'Agent', { assumedBy: new iam.AccountRootPrincipal() })],
    workloadRoles: WorkloadRoles.UNDER_AGENT_SCP,
    allowEphemeralDeletes: true,
  })),
  { name: 'guarded-bootstrap-template', build: app => { buildBootstrapStack(app); } },
  {
    name: 'guarded-agent-app',
    build: app => {
      const s = new Stack(app, 'agent-orders', { env: ENV, synthesizer: new GuardedStackSynthesizer() });
      new sqs.Queue(s, 'Queue', { enforceSSL: true });
      new ProtectedBucket(s, 'Data');
      new iam.Role(s, 'HandlerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    },
  },
];
