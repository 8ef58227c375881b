import { Annotations, Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AgentIdentity } from '../identity';
import { BACKUP_RETENTION_DEFAULT_DAYS, BACKUP_RETENTION_FLOOR_DAYS, BACKUP_RETENTION_MAX_DAYS } from './private/rules';
import { daysOf, keepsData, UnsafeChoices, WARNING_PREFIX, warnUnsafe } from './private/validation';
import { constructPath, inputError } from '../private/errors';

/** Shortest automated-backup retention a protected database accepts, in days (the aspect's floor too). */
const MIN_BACKUP_DAYS = BACKUP_RETENTION_FLOOR_DAYS;
/** Longest automated-backup retention RDS accepts, in days. */
const MAX_BACKUP_DAYS = BACKUP_RETENTION_MAX_DAYS;
/** Default automated-backup retention of a protected database, in days (what the aspect applies when unset). */
const DEFAULT_BACKUP_DAYS = BACKUP_RETENTION_DEFAULT_DAYS;

/**
 * Properties of a `ProtectedDatabase`: every `rds.DatabaseInstanceProps` prop, with safer defaults.
 */
export interface ProtectedDatabaseProps extends rds.DatabaseInstanceProps {
  /**
   * Accept settings that leave the database unprotected instead of refusing them.
   *
   * Without it, `deletionProtection: false`, a `removalPolicy` of DESTROY and
   * `deleteAutomatedBackups: true` throw at synth. With it they are kept and each one adds a
   * warning annotation. Risk: the database, its automated backups, or both can then be deleted
   * by anyone (or any agent) allowed to call `rds:DeleteDBInstance` or to deploy the stack.
   *
   * @default false
   */
  readonly allowUnprotected?: boolean;
}

/**
 * An RDS database instance that cannot be deleted by accident, and whose data survives if it is.
 *
 * A drop-in replacement for `rds.DatabaseInstance` (it extends it and accepts the same props):
 * the construct path and the logical id stay the same, so swapping the class in an existing
 * stack does not replace the instance. It turns on deletion protection, sets DeletionPolicy
 * and UpdateReplacePolicy to Snapshot, keeps automated backups after deletion, keeps them
 * 14 days by default (7 to 35 accepted), copies tags to snapshots, encrypts storage and adds
 * the `guardrails:backup=true` tag so the guardrail backup plan selects it. The credentials
 * secret it generates is retained with it.
 *
 * Swapping in an existing unencrypted instance: set `storageEncrypted: false` explicitly (a
 * warning is added), because turning encryption on replaces the instance.
 *
 * Answers scenario 4 (`aws rds delete-db-instance --skip-final-snapshot`): the call fails on
 * deletion protection, and the automated backups are retained even if it gets through.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * new ProtectedDatabase(this, 'Db', {
 *   engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
 *   vpc,
 * });
 */
export class ProtectedDatabase extends rds.DatabaseInstance {
  /** Automated-backup retention applied when `backupRetention` is not set. */
  public static readonly DEFAULT_BACKUP_RETENTION = Duration.days(DEFAULT_BACKUP_DAYS);

  private static protectedProps(scope: Construct, id: string, props: ProtectedDatabaseProps): rds.DatabaseInstanceProps {
    const path = constructPath(scope, id);
    const backupRetention = props.backupRetention ?? ProtectedDatabase.DEFAULT_BACKUP_RETENTION;
    validateBackupRetention('ProtectedDatabase', path, 'backupRetention', backupRetention);
    unsafeChoices('ProtectedDatabase', props).enforce(path, props.allowUnprotected);
    return {
      ...props,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      deleteAutomatedBackups: props.deleteAutomatedBackups ?? false,
      backupRetention,
      copyTagsToSnapshot: props.copyTagsToSnapshot ?? true,
      storageEncrypted: props.storageEncrypted ?? true,
    };
  }

  /** Automated-backup retention in effect. */
  public readonly backupRetention: Duration;

  constructor(scope: Construct, id: string, props: ProtectedDatabaseProps) {
    super(scope, id, ProtectedDatabase.protectedProps(scope, id, props));
    this.backupRetention = props.backupRetention ?? ProtectedDatabase.DEFAULT_BACKUP_RETENTION;
    warnUnsafe(this, 'ProtectedDatabase', unsafeChoices('ProtectedDatabase', props).enforce(this.node.path, true));
    if (props.storageEncrypted === false) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:ProtectedDatabase.unencrypted`,
        'storageEncrypted: false: the storage and its snapshots are not encrypted. Kept because turning encryption on replaces the instance; migrate through an encrypted snapshot copy.');
    }
    Tags.of(this.node.defaultChild!).add(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE);
    retainGeneratedSecret(this, props.removalPolicy);
  }
}

/**
 * Properties of a `ProtectedDatabaseCluster`: every `rds.DatabaseClusterProps` prop, with safer defaults.
 */
export interface ProtectedDatabaseClusterProps extends rds.DatabaseClusterProps {
  /**
   * Accept settings that leave the cluster unprotected instead of refusing them.
   *
   * Without it, `deletionProtection: false`, a `removalPolicy` of DESTROY and
   * `deleteAutomatedBackups: true` throw at synth. With it they are kept and each one adds a
   * warning annotation. Risk: the cluster, its automated backups, or both can then be deleted.
   *
   * @default false
   */
  readonly allowUnprotected?: boolean;
}

/**
 * An Aurora cluster that cannot be deleted by accident, and whose data survives if it is.
 *
 * A drop-in replacement for `rds.DatabaseCluster` (it extends it and accepts the same props).
 * It turns on deletion protection, sets DeletionPolicy and UpdateReplacePolicy of the cluster
 * to Snapshot, keeps automated backups after deletion, keeps them 14 days by default (7 to 35
 * accepted, through `backup.retention`), copies tags to snapshots, encrypts storage and tags
 * the cluster `guardrails:backup=true`. The credentials secret it generates is retained with it.
 * The data lives in the cluster volume: its instances keep the removal policy aws-cdk-lib gives them.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * new ProtectedDatabaseCluster(this, 'Cluster', {
 *   engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
 *   writer: rds.ClusterInstance.serverlessV2('Writer'),
 *   vpc,
 * });
 */
export class ProtectedDatabaseCluster extends rds.DatabaseCluster {
  private static protectedProps(scope: Construct, id: string, props: ProtectedDatabaseClusterProps): rds.DatabaseClusterProps {
    const path = constructPath(scope, id);
    const retention = props.backup?.retention ?? ProtectedDatabase.DEFAULT_BACKUP_RETENTION;
    validateBackupRetention('ProtectedDatabaseCluster', path, 'backup.retention', retention);
    unsafeChoices('ProtectedDatabaseCluster', props).enforce(path, props.allowUnprotected);
    return {
      ...props,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      deleteAutomatedBackups: props.deleteAutomatedBackups ?? false,
      backup: { ...props.backup, retention },
      copyTagsToSnapshot: props.copyTagsToSnapshot ?? true,
      storageEncrypted: props.storageEncrypted ?? true,
    };
  }

  /** Automated-backup retention in effect. */
  public readonly backupRetention: Duration;

  constructor(scope: Construct, id: string, props: ProtectedDatabaseClusterProps) {
    super(scope, id, ProtectedDatabaseCluster.protectedProps(scope, id, props));
    this.backupRetention = props.backup?.retention ?? ProtectedDatabase.DEFAULT_BACKUP_RETENTION;
    warnUnsafe(this, 'ProtectedDatabaseCluster', unsafeChoices('ProtectedDatabaseCluster', props).enforce(this.node.path, true));
    if (props.storageEncrypted === false) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:ProtectedDatabaseCluster.unencrypted`,
        'storageEncrypted: false: the storage and its snapshots are not encrypted. Kept because turning encryption on replaces the cluster.');
    }
    Tags.of(this.node.defaultChild!).add(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE);
    retainGeneratedSecret(this, props.removalPolicy);
  }
}

/**
 * Keeps the credentials secret the construct generated (its child `Secret`) when the database
 * itself is kept: aws-cdk-lib gives it RemovalPolicy.DESTROY, so a stack deletion would delete
 * the credentials of a database that survives as a snapshot. An imported secret is not a child.
 */
function retainGeneratedSecret(db: Construct, removalPolicy: RemovalPolicy | undefined): void {
  const generated = db.node.tryFindChild('Secret');
  if (generated instanceof secretsmanager.Secret && keepsData(removalPolicy)) {
    generated.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}

function validateBackupRetention(constructName: string, path: string, propName: string, retention: Duration): void {
  const days = daysOf(retention);
  if (days === undefined) {
    // A token: RDS validates it at deploy time.
    return;
  }
  if (!Number.isInteger(days)) {
    throw inputError(constructName, path, `${propName}: ${retention.toHumanString()} is not a whole number of days. Set ${propName} to Duration.days(n) with n from ${MIN_BACKUP_DAYS} to ${MAX_BACKUP_DAYS}.`);
  }
  if (days < MIN_BACKUP_DAYS) {
    throw inputError(constructName, path, `${propName}: ${retention.toHumanString()} is below the minimum of ${MIN_BACKUP_DAYS} days (the protection layer's floor: a week to notice a deletion). Set ${propName} to Duration.days(${MIN_BACKUP_DAYS}) or more.`);
  }
  if (days > MAX_BACKUP_DAYS) {
    throw inputError(constructName, path, `${propName}: ${retention.toHumanString()} is above the RDS maximum of ${MAX_BACKUP_DAYS} days. Set ${propName} to Duration.days(${MAX_BACKUP_DAYS}) or less, and keep longer copies with the guardrail backup plan.`);
  }
}

interface DatabaseSafetyProps {
  readonly deletionProtection?: boolean;
  readonly removalPolicy?: RemovalPolicy;
  readonly deleteAutomatedBackups?: boolean;
}

function unsafeChoices(constructName: string, props: DatabaseSafetyProps): UnsafeChoices {
  const unsafe = new UnsafeChoices(constructName);
  unsafe.check(props.deletionProtection === false, 'deletionProtection: false (a delete call succeeds)');
  unsafe.check(!keepsData(props.removalPolicy), `removalPolicy: ${props.removalPolicy} (CloudFormation deletes it without a final snapshot)`);
  unsafe.check(props.deleteAutomatedBackups === true, 'deleteAutomatedBackups: true (the automated backups are deleted with it)');
  return unsafe;
}
