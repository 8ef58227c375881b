import { App, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AgentIdentity } from '../../src/identity';
import { ProtectedDatabase, ProtectedDatabaseCluster } from '../../src/protection';

const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
const clusterEngine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return { stack, vpc };
}

describe('ProtectedDatabase', () => {
  test('defaults: deletion protection, Snapshot policies, backups kept 14 days, encrypted, tagged', () => {
    const { stack, vpc } = setup();
    new ProtectedDatabase(stack, 'Db', { engine, vpc });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        DeletionProtection: true,
        DeleteAutomatedBackups: false,
        BackupRetentionPeriod: 14,
        CopyTagsToSnapshot: true,
        StorageEncrypted: true,
        Tags: Match.arrayWith([{ Key: AgentIdentity.BACKUP_TAG_KEY, Value: 'true' }]),
      }),
    });
  });

  test('is an rds.DatabaseInstance whose L1 keeps the id Resource (swap keeps the logical id)', () => {
    const { stack, vpc } = setup();
    const db = new ProtectedDatabase(stack, 'Db', { engine, vpc });
    expect(db).toBeInstanceOf(rds.DatabaseInstance);
    expect(db.node.defaultChild!.node.id).toBe('Resource');

    const { stack: plainStack, vpc: plainVpc } = setup();
    new rds.DatabaseInstance(plainStack, 'Db', { engine, vpc: plainVpc });
    const ids = (s: Stack) => Object.keys(Template.fromStack(s).findResources('AWS::RDS::DBInstance'));
    expect(ids(stack)).toEqual(ids(plainStack));
    expect(db.backupRetention.toDays()).toBe(14);
  });

  test('keeps a valid explicit retention', () => {
    const { stack, vpc } = setup();
    new ProtectedDatabase(stack, 'Db', { engine, vpc, backupRetention: Duration.days(35) });
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 35 });
  });

  test.each([
    [Duration.days(3), /^ProtectedDatabase 'Stack\/Db': backupRetention: 3 days is below the minimum of 7 days \(.*\)\. Set backupRetention to Duration\.days\(7\) or more\.$/],
    [Duration.days(0), /^ProtectedDatabase 'Stack\/Db': backupRetention: 0 days is below the minimum of 7 days .*Set backupRetention to Duration\.days\(7\) or more\.$/],
    [Duration.days(36), /^ProtectedDatabase 'Stack\/Db': backupRetention: 36 days is above the RDS maximum of 35 days\. Set backupRetention to Duration\.days\(35\) or less, and keep longer copies with the guardrail backup plan\.$/],
    [Duration.hours(200), /^ProtectedDatabase 'Stack\/Db': backupRetention: 8 days 8 hours is not a whole number of days\. Set backupRetention to Duration\.days\(n\) with n from 7 to 35\.$/],
  ])('refuses backupRetention %s', (backupRetention, message) => {
    const { stack, vpc } = setup();
    expect(() => new ProtectedDatabase(stack, 'Db', { engine, vpc, backupRetention })).toThrow(message);
    // nothing half-created
    expect(stack.node.tryFindChild('Db')).toBeUndefined();
  });

  const FIX = 'ProtectedDatabase refuses this setting: remove it to keep the default protection, or set allowUnprotected: true to accept the risk of losing this resource\\.$';
  test.each([
    [{ deletionProtection: false }, 'deletionProtection: false \\(a delete call succeeds\\)'],
    [{ removalPolicy: RemovalPolicy.DESTROY }, 'removalPolicy: destroy \\(CloudFormation deletes it without a final snapshot\\)'],
    [{ deleteAutomatedBackups: true }, 'deleteAutomatedBackups: true \\(the automated backups are deleted with it\\)'],
  ])('refuses unsafe %p without allowUnprotected', (unsafe, choice) => {
    const { stack, vpc } = setup();
    expect(() => new ProtectedDatabase(stack, 'Db', { engine, vpc, ...unsafe })).toThrow(new RegExp(`^ProtectedDatabase 'Stack/Db': ${choice}\\. ${FIX}`));
    expect(stack.node.tryFindChild('Db')).toBeUndefined();
  });

  test('several unsafe settings are refused in one error', () => {
    const { stack, vpc } = setup();
    expect(() => new ProtectedDatabase(stack, 'Db', { engine, vpc, deletionProtection: false, deleteAutomatedBackups: true }))
      .toThrow(/^ProtectedDatabase 'Stack\/Db': deletionProtection: false \(.*\); deleteAutomatedBackups: true \(.*\)\. ProtectedDatabase refuses these settings: remove them .*allowUnprotected: true/);
  });

  test('allowUnprotected keeps the unsafe values and warns for each', () => {
    const { stack, vpc } = setup();
    new ProtectedDatabase(stack, 'Db', {
      engine,
      vpc,
      allowUnprotected: true,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
      deleteAutomatedBackups: true,
    });
    Template.fromStack(stack).hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: false, DeleteAutomatedBackups: true }),
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Db', Match.stringLikeRegexp('^ProtectedDatabase is NOT fully protected'));
    expect(warnings).toHaveLength(3);
  });

  test('explicit storageEncrypted: false is kept (changing it replaces the instance) with a warning', () => {
    const { stack, vpc } = setup();
    new ProtectedDatabase(stack, 'Db', { engine, vpc, storageEncrypted: false });
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBInstance', { StorageEncrypted: false });
    Annotations.fromStack(stack).hasWarning('/Stack/Db', Match.stringLikeRegexp('^storageEncrypted: false'));
  });

  test('the generated credentials secret is retained with the database; not when the database is destroyed; an imported one is left alone', () => {
    const { stack, vpc } = setup();
    new ProtectedDatabase(stack, 'Db', { engine, vpc });
    Template.fromStack(stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });

    const destroyed = setup();
    new ProtectedDatabase(destroyed.stack, 'Db', { engine, vpc: destroyed.vpc, removalPolicy: RemovalPolicy.DESTROY, allowUnprotected: true });
    Template.fromStack(destroyed.stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });

    const imported = setup();
    const secret = secretsmanager.Secret.fromSecretNameV2(imported.stack, 'Existing', 'prod/db');
    expect(() => new ProtectedDatabase(imported.stack, 'Db', { engine, vpc: imported.vpc, credentials: rds.Credentials.fromSecret(secret) })).not.toThrow();
    Template.fromStack(imported.stack).resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('a token retention is passed through, not validated', () => {
    const { stack, vpc } = setup();
    expect(() => new ProtectedDatabase(stack, 'Db', { engine, vpc, backupRetention: Duration.days(Lazy.number({ produce: () => 3 })) })).not.toThrow();
  });
});

describe('ProtectedDatabaseCluster', () => {
  test('defaults: deletion protection, Snapshot policies, backups kept 14 days, encrypted, tagged', () => {
    const { stack, vpc } = setup();
    const cluster = new ProtectedDatabaseCluster(stack, 'Cluster', { engine: clusterEngine, vpc, writer: rds.ClusterInstance.serverlessV2('Writer') });
    expect(cluster).toBeInstanceOf(rds.DatabaseCluster);
    Template.fromStack(stack).hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        DeletionProtection: true,
        DeleteAutomatedBackups: false,
        BackupRetentionPeriod: 14,
        CopyTagsToSnapshot: true,
        StorageEncrypted: true,
        Tags: Match.arrayWith([{ Key: AgentIdentity.BACKUP_TAG_KEY, Value: 'true' }]),
      }),
    });
  });

  test('the generated credentials secret is retained with the cluster', () => {
    const { stack, vpc } = setup();
    new ProtectedDatabaseCluster(stack, 'Cluster', { engine: clusterEngine, vpc, writer: rds.ClusterInstance.serverlessV2('Writer') });
    Template.fromStack(stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('refuses backup.retention out of range', () => {
    const { stack, vpc } = setup();
    expect(() => new ProtectedDatabaseCluster(stack, 'Cluster', {
      engine: clusterEngine, vpc, writer: rds.ClusterInstance.serverlessV2('Writer'), backup: { retention: Duration.days(1) },
    })).toThrow(/^ProtectedDatabaseCluster 'Stack\/Cluster': backup\.retention: 1 day is below the minimum of 7 days .*Set backup\.retention to Duration\.days\(7\) or more\.$/);
    expect(stack.node.tryFindChild('Cluster')).toBeUndefined();
  });

  test('refuses deletionProtection: false, and warns when allowed', () => {
    const { stack, vpc } = setup();
    const props = { engine: clusterEngine, vpc, writer: rds.ClusterInstance.serverlessV2('Writer'), deletionProtection: false };
    expect(() => new ProtectedDatabaseCluster(stack, 'Cluster', props))
      .toThrow(/^ProtectedDatabaseCluster 'Stack\/Cluster': deletionProtection: false \(a delete call succeeds\)\. ProtectedDatabaseCluster refuses this setting: remove it .*or set allowUnprotected: true/);
    new ProtectedDatabaseCluster(stack, 'Allowed', { ...props, allowUnprotected: true });
    Annotations.fromStack(stack).hasWarning('/Stack/Allowed', Match.stringLikeRegexp('^ProtectedDatabaseCluster is NOT fully protected'));
  });
});
