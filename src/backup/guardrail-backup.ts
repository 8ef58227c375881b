import { Annotations, Aws, Duration, Names, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { adminPatternProblem, daysOf, globToRegExp, scheduleProblem, show } from './private/validation';
import { VaultLock, VaultLockMode } from './vault-lock';
import { AgentIdentity } from '../identity';
import { setActions } from '../policy/private/guards';
import { constructPath, inputError } from '../private/errors';

/** Vault actions that destroy recovery points or loosen the vault's protection (its documented access policy). */
const VAULT_DESTROY_ACTIONS = setActions('backup.vault-destroy');

/** Vault actions that CloudFormation needs to create or update the vault's policy and lock. */
const VAULT_CONFIG_ACTIONS = setActions('backup.vault-config');

/** What AWS Backup needs on the vault key to write encrypted recovery points (no wildcards). */
const BACKUP_KEY_ACTIONS = setActions('backup.key-use');

/**
 * Records, for cdk-nag's AwsSolutions-IAM4, why the backup and restore roles use AWS managed
 * policies: AWS maintains them as AWS Backup adds resource types and their required actions;
 * a hand-written copy would silently break backups of new types. The roles are trusted only
 * by backup.amazonaws.com.
 */
function acknowledgeManagedPolicies(role: iam.IRole, names: string[]): void {
  for (const name of names) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
      reason: `${name} is the AWS Backup service role policy that AWS maintains per resource type; `
        + 'the role is assumable only by backup.amazonaws.com.',
    });
  }
}

/** Key actions that would make every recovery point encrypted by the vault key unreadable. */
const KEY_DESTROY_ACTIONS = setActions('backup.key-destroy');

/**
 * A vault that the backup plan copies its recovery points into (another Region or account).
 */
export interface BackupCopyTarget {
  /**
   * The destination vault, e.g. `backup.BackupVault.fromBackupVaultArn(this, 'Dr', arn)`.
   *
   * For another account, the destination vault's access policy must allow
   * `backup:CopyIntoBackupVault` from this account, and cross-account backup must be
   * enabled in AWS Organizations.
   *
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
   */
  readonly vault: backup.IBackupVault;

  /**
   * How long the copy is kept in the destination vault.
   *
   * @default - the `dailyRetention` of the plan
   */
  readonly retention?: Duration;
}

/**
 * Properties of a `GuardrailBackup`.
 */
export interface GuardrailBackupProps {
  /**
   * Name of the backup vault.
   *
   * @default - a name generated from the construct path
   */
  readonly backupVaultName?: string;

  /**
   * KMS key that encrypts the vault.
   *
   * @default - a new customer managed key with rotation on and RemovalPolicy RETAIN, whose key
   * policy denies `kms:ScheduleKeyDeletion` and `kms:DisableKey` to all but the admin principals
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Vault Lock of the vault.
   *
   * @default VaultLock.governance() - governance mode, 7 days minimum retention, no maximum
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
   */
  readonly vaultLock?: VaultLock;

  /**
   * Principals allowed to delete recovery points, delete the vault, and remove the lock or
   * the access policy (break-glass administrators). Everyone else, including account
   * administrators with `*:*`, is denied by the vault access policy.
   *
   * Agents are denied even if they are listed here. Roles, users and the account root
   * principal are accepted; the exception is an `ArnNotLike` condition on `aws:PrincipalArn`.
   *
   * @default - only the root user of this account (`new iam.AccountRootPrincipal()`)
   */
  readonly adminPrincipals?: iam.IPrincipal[];

  /**
   * ARN patterns (wildcards allowed) of further admin principals, e.g. the IAM Identity
   * Center administrator roles
   * `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*\/AWSReservedSSO_AdministratorAccess_*`.
   *
   * @default - none
   */
  readonly adminPrincipalArnPatterns?: string[];

  /**
   * ARN patterns of the principals that deploy the stack (CloudFormation), which may put the
   * vault access policy and the lock configuration but not delete anything.
   *
   * Whoever can deploy with these roles can rewrite the access policy; a compliance-mode lock
   * still protects the recovery points from them.
   *
   * @default - the CDK bootstrap CloudFormation execution roles of this account
   * (`arn:<partition>:iam::<account>:role/cdk-*-cfn-exec-role-<account>-*`)
   */
  readonly deploymentPrincipalArnPatterns?: string[];

  /**
   * Schedule of the daily snapshot rule (and of the continuous backup rule), a six-field
   * AWS cron expression running at most once an hour.
   *
   * @default events.Schedule.cron({ minute: '0', hour: '5' }) - every day at 05:00 UTC
   */
  readonly schedule?: events.Schedule;

  /**
   * How long the daily snapshot recovery points are kept, in whole days: at least the vault
   * lock's `minRetention` (7 days with the default lock) and at most its `maxRetention`, if any,
   * and 36,500 days.
   *
   * @default Duration.days(35)
   */
  readonly dailyRetention?: Duration;

  /**
   * Whether to add a continuous backup rule (point-in-time restore) for the resource types
   * that support it (RDS, Aurora, S3, SAP HANA on EC2). Other types fall back to snapshots.
   *
   * @default true
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
   */
  readonly continuousBackup?: boolean;

  /**
   * How long continuous backups are kept, in whole days: at least the vault lock's
   * `minRetention` (7 days with the default lock), at most 35 days.
   *
   * @default Duration.days(35)
   */
  readonly continuousBackupRetention?: Duration;

  /**
   * Vaults in other Regions or accounts that each daily recovery point is copied to.
   *
   * @default - no copies
   */
  readonly copyTo?: BackupCopyTarget[];

  /**
   * Whether to select every resource tagged `guardrails:backup=true`.
   *
   * @default true
   */
  readonly selectByTag?: boolean;

  /**
   * Resources to back up explicitly, in addition to the tagged ones.
   *
   * @default - none
   */
  readonly backupResources?: backup.BackupResource[];

  /**
   * Whether to also create a logically air-gapped vault (always compliance-locked, AWS-owned
   * key unless set otherwise, shareable to a recovery account) and copy daily backups into it.
   *
   * @default false
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html
   */
  readonly airGappedVault?: boolean;

  /**
   * Minimum retention of the air-gapped vault, at least 7 days.
   *
   * @default Duration.days(7)
   */
  readonly airGappedVaultMinRetention?: Duration;

  /**
   * Maximum retention of the air-gapped vault.
   *
   * @default Duration.days(365)
   */
  readonly airGappedVaultMaxRetention?: Duration;

  /**
   * Whether to create a restore role (trusted by AWS Backup, with the AWS managed restore
   * policies) for the recovery runbook. The backup role itself gets no restore rights.
   *
   * @default true
   */
  readonly createRestoreRole?: boolean;

  /**
   * SNS topic for vault events (failed backup, copy and restore jobs, recovery point changes).
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * A backup layer that an agent cannot destroy: an AWS Backup vault encrypted with a customer
 * managed key, protected by Vault Lock and an access policy that denies deleting recovery
 * points to everyone but named break-glass principals, and a plan that backs up every resource
 * tagged `guardrails:backup=true` daily and continuously (point-in-time restore).
 *
 * It answers DESIGN scenarios 1, 3 and 4 (and `cdk destroy`): whatever gets deleted, a
 * recovery point exists that the deleter could not remove. See RECOVERY.md.
 *
 * @example
 * import * as iam from 'aws-cdk-lib/aws-iam';
 *
 * declare const breakGlass: iam.IRole;
 * new GuardrailBackup(this, 'Backup', {
 *   adminPrincipals: [breakGlass],
 * });
 */
export class GuardrailBackup extends Construct {
  /** The main backup vault. */
  public readonly vault: backup.BackupVault;

  /** The key that encrypts the vault. */
  public readonly encryptionKey: kms.IKey;

  /** The backup plan. */
  public readonly plan: backup.BackupPlan;

  /** The role AWS Backup assumes to take backups (no restore rights). */
  public readonly backupRole: iam.IRole;

  /** The role to pass to `aws backup start-restore-job`, if created. */
  public readonly restoreRole?: iam.IRole;

  /** The logically air-gapped vault, if created. */
  public readonly airGappedVault?: backup.CfnLogicallyAirGappedBackupVault;

  /** The Vault Lock applied to the main vault. */
  public readonly vaultLock: VaultLock;

  constructor(scope: Construct, id: string, props: GuardrailBackupProps = {}) {
    // ---- validate everything before the construct or any child exists ----
    const path = constructPath(scope, id);
    const fail = (message: string) => inputError('GuardrailBackup', path, message);
    const lock = props.vaultLock ?? VaultLock.governance();
    const schedule = props.schedule ?? events.Schedule.cron({ minute: '0', hour: '5' });
    const dailyRetention = props.dailyRetention ?? Duration.days(35);
    const continuous = props.continuousBackup ?? true;
    const continuousRetention = props.continuousBackupRetention ?? Duration.days(35);
    const selectByTag = props.selectByTag ?? true;
    const airGapped = props.airGappedVault ?? false;
    const lagMin = props.airGappedVaultMinRetention ?? Duration.days(7);
    const lagMax = props.airGappedVaultMaxRetention ?? Duration.days(365);
    const stack = Stack.of(scope);

    validateLock(fail, lock);
    const problem = scheduleProblem(schedule);
    if (problem) {
      throw fail(`schedule: '${schedule.expressionString}' is not a valid AWS Backup schedule: ${problem}. `
        + 'Use events.Schedule.cron({ minute: \'0\', hour: \'5\' }) or another cron(m h dom mon dow y) expression with a single minute.');
    }
    validateRetention(fail, 'dailyRetention', dailyRetention, lock, { min: 1, max: MAX_RETENTION_DAYS, maxWhy: 'the AWS Backup maximum' });
    if (continuous) {
      validateRetention(fail, 'continuousBackupRetention', continuousRetention, lock, { min: 1, max: 35, maxWhy: 'the longest point-in-time window AWS Backup keeps' });
    }
    (props.copyTo ?? []).forEach((target, i) => {
      if (target.retention) {
        validateWholeDays(fail, `copyTo[${i}].retention`, target.retention);
        const days = daysOf(target.retention);
        if (days !== undefined && days < 1) {
          throw fail(`copyTo[${i}].retention: ${show(target.retention)} is below the AWS Backup minimum of 1 day. Set copyTo[${i}].retention to Duration.days(1) or more `
            + '(and at least the destination vault lock\'s minimum retention, which this construct cannot read).');
        }
      }
    });
    if (airGapped) {
      validateAirGapped(fail, lagMin, lagMax, dailyRetention);
    }
    if (!selectByTag && (props.backupResources ?? []).length === 0) {
      throw fail('selectByTag: false with no backupResources selects nothing to back up. '
        + `Keep selectByTag true (resources tagged ${AgentIdentity.BACKUP_TAG_KEY}=${AgentIdentity.BACKUP_TAG_VALUE}) or list backupResources.`);
    }
    const adminArns = adminArnsOf(fail, props);
    const deployArns = props.deploymentPrincipalArnPatterns
      ?? [`arn:${Aws.PARTITION}:iam::${stack.account}:role/cdk-*-cfn-exec-role-${stack.account}-*`];
    deployArns.forEach((p, i) => {
      const why = adminPatternProblem(p);
      if (why) {
        throw fail(`deploymentPrincipalArnPatterns[${i}]: '${p}' is not accepted: ${why}.`);
      }
    });

    super(scope, id);
    this.vaultLock = lock;
    if (lock.mode === VaultLockMode.COMPLIANCE) {
      Annotations.of(this).addInfo('cdk-agent-guardrails:backup-compliance-lock: the vault uses a compliance-mode lock; '
        + `after ${show(lock.changeableFor!)} it becomes immutable and recovery points cannot be deleted before their retention ends.`);
    }

    // ---- key ----
    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = new kms.Key(this, 'Key', {
        description: `Encrypts the guardrail backup vault ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyKeyDestructionExceptAdmins',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: KEY_DESTROY_ACTIONS,
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': adminArns } },
      }));
      this.encryptionKey = key;
    }

    // ---- vault ----
    this.vault = new backup.BackupVault(this, 'Resource', {
      backupVaultName: props.backupVaultName,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: {
        minRetention: lock.minRetention!,
        maxRetention: lock.maxRetention,
        changeableFor: lock.changeableFor,
      },
      accessPolicy: this.accessPolicy(adminArns, deployArns),
      notificationTopic: props.notificationTopic,
    });
    // Agent roles are denied changing resources that carry the guard tag.
    Tags.of(this.vault).add(AgentIdentity.GUARD_TAG_KEY, AgentIdentity.GUARD_TAG_VALUE);

    // ---- optional logically air-gapped vault ----
    let airGappedRef: backup.IBackupVault | undefined;
    if (airGapped) {
      const lag = new backup.CfnLogicallyAirGappedBackupVault(this, 'AirGappedVault', {
        backupVaultName: `${Names.uniqueResourceName(this, { maxLength: 42, separator: '-' })}-airgap`,
        minRetentionDays: daysOf(lagMin) ?? lagMin.toDays(),
        maxRetentionDays: daysOf(lagMax) ?? lagMax.toDays(),
        accessPolicy: this.accessPolicy(adminArns, deployArns).toJSON(),
        notifications: props.notificationTopic ? {
          backupVaultEvents: Object.values(backup.BackupVaultEvents),
          snsTopicArn: props.notificationTopic.topicArn,
        } : undefined,
      });
      lag.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.airGappedVault = lag;
      airGappedRef = backup.BackupVault.fromBackupVaultArn(this, 'AirGappedVaultRef', lag.attrBackupVaultArn);
    }

    // ---- roles ----
    const backupRole = new iam.Role(this, 'BackupRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup takes the guardrail backups with this role (no restore rights)',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Backup'),
      ],
    });
    this.backupRole = backupRole;
    this.encryptionKey.grant(backupRole, ...BACKUP_KEY_ACTIONS);
    acknowledgeManagedPolicies(backupRole, ['service-role/AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForS3Backup']);
    if (props.createRestoreRole ?? true) {
      const restoreRole = new iam.Role(this, 'RestoreRole', {
        assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
        description: 'Pass this role to aws backup start-restore-job (see RECOVERY.md)',
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
          iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Restore'),
        ],
      });
      this.encryptionKey.grant(restoreRole, ...setActions('backup.key-restore'));
      acknowledgeManagedPolicies(restoreRole, ['service-role/AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Restore']);
      this.restoreRole = restoreRole;
    }

    // ---- plan ----
    const copyActions: backup.BackupPlanCopyActionProps[] = (props.copyTo ?? []).map(t => ({
      destinationBackupVault: t.vault,
      deleteAfter: t.retention ?? dailyRetention,
    }));
    if (airGappedRef) {
      copyActions.push({ destinationBackupVault: airGappedRef, deleteAfter: dailyRetention });
    }
    const rules = [new backup.BackupPlanRule({
      ruleName: 'Daily',
      scheduleExpression: schedule,
      deleteAfter: dailyRetention,
      copyActions: copyActions.length > 0 ? copyActions : undefined,
    })];
    if (continuous) {
      rules.push(new backup.BackupPlanRule({
        ruleName: 'Continuous',
        scheduleExpression: schedule,
        enableContinuousBackup: true,
        deleteAfter: continuousRetention,
      }));
    }
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: Names.uniqueResourceName(this, { maxLength: 50, separator: '-' }),
      backupVault: this.vault,
      backupPlanRules: rules,
    });

    const resources = [...(props.backupResources ?? [])];
    if (selectByTag) {
      resources.unshift(backup.BackupResource.fromTag(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE));
    }
    this.plan.addSelection('Selection', {
      resources,
      role: backupRole,
      // The managed backup policies are attached above, once.
      disableDefaultBackupPolicy: true,
      allowRestores: false,
    });
  }

  /** The vault access policy: deny destruction to all but admins; deny config changes to all but admins and deployers; always deny agents. */
  private accessPolicy(adminArns: string[], deployArns: string[]): iam.PolicyDocument {
    const everyone = [new iam.AnyPrincipal()];
    return new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyRecoveryPointDestructionExceptAdmins',
          effect: iam.Effect.DENY,
          principals: everyone,
          actions: VAULT_DESTROY_ACTIONS,
          resources: ['*'],
          conditions: { ArnNotLike: { 'aws:PrincipalArn': adminArns } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyPolicyAndLockChangesExceptAdminsAndDeployers',
          effect: iam.Effect.DENY,
          principals: everyone,
          actions: VAULT_CONFIG_ACTIONS,
          resources: ['*'],
          conditions: { ArnNotLike: { 'aws:PrincipalArn': [...adminArns, ...deployArns] } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyAgentsByRolePath',
          effect: iam.Effect.DENY,
          principals: everyone,
          actions: [...VAULT_DESTROY_ACTIONS, ...VAULT_CONFIG_ACTIONS],
          resources: ['*'],
          conditions: { ArnLike: { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyAgentsByTag',
          effect: iam.Effect.DENY,
          principals: everyone,
          actions: [...VAULT_DESTROY_ACTIONS, ...VAULT_CONFIG_ACTIONS],
          resources: ['*'],
          conditions: { StringEquals: { [AgentIdentity.AGENT_TAG_CONDITION_KEY]: AgentIdentity.AGENT_TAG_VALUE } },
        }),
      ],
    });
  }
}

/** Longest retention AWS Backup accepts for a recovery point or a lock, in days (100 years). */
const MAX_RETENTION_DAYS = 36500;

/** Builds the error for a bad prop of this GuardrailBackup. */
type Fail = (message: string) => Error;

/** The ARNs exempted from the vault and key protection: the admin principals and patterns. */
function adminArnsOf(fail: Fail, props: GuardrailBackupProps): string[] {
  const arns: string[] = [];
  const principals = props.adminPrincipals ?? [new iam.AccountRootPrincipal()];
  principals.forEach((p, i) => {
    const json = p.policyFragment.principalJson;
    const keys = Object.keys(json);
    const aws = json.AWS ?? [];
    if (keys.some(k => k !== 'AWS') || aws.length === 0) {
      throw fail(`adminPrincipals[${i}]: ${p} is not an IAM role, user or account principal `
        + `(principal keys: ${keys.join(', ') || 'none'}). Pass an iam.IRole, an iam.ArnPrincipal or iam.AccountRootPrincipal.`);
    }
    for (const arn of aws) {
      if (!Token.isUnresolved(arn) && arn === '*') {
        throw fail(`adminPrincipals[${i}]: '*' (AnyPrincipal) would exempt every principal from the vault protection. `
          + 'Pass the break-glass roles instead, e.g. iam.Role.fromRoleName(this, \'BreakGlass\', \'BreakGlass\').');
      }
      if (!Token.isUnresolved(arn) && /^[0-9]{12}$/.test(arn)) {
        arns.push(`arn:${Aws.PARTITION}:iam::${arn}:root`);
      } else {
        arns.push(arn);
      }
    }
  });
  (props.adminPrincipalArnPatterns ?? []).forEach((pattern, i) => {
    const why = adminPatternProblem(pattern);
    if (why) {
      throw fail(`adminPrincipalArnPatterns[${i}]: '${pattern}' is not accepted: ${why}.`);
    }
    if (!Token.isUnresolved(pattern)) {
      const [, partition, , , account] = pattern.split(':');
      const sample = `arn:${partition === '*' ? 'aws' : partition}:iam::${account === '*' ? '123456789012' : account}:role${AgentIdentity.AGENT_ROLE_PATH}agent`;
      if (globToRegExp(pattern).test(sample)) {
        throw fail(`adminPrincipalArnPatterns[${i}]: '${pattern}' matches agent roles (${AgentIdentity.AGENT_ROLE_ARN_PATTERN}). `
          + 'Name the break-glass roles precisely, e.g. arn:aws:iam::123456789012:role/BreakGlass.');
      }
    }
    arns.push(pattern);
  });
  return arns;
}

/** Refuses a duration that is not a whole number of days (AWS Backup counts retention in days). */
function validateWholeDays(fail: Fail, prop: string, d: Duration): void {
  const days = daysOf(d);
  if (days !== undefined && !Number.isInteger(days)) {
    throw fail(`${prop}: ${show(d)} is not a whole number of days. Set ${prop} to Duration.days(n).`);
  }
}

function validateLock(fail: Fail, lock: VaultLock): void {
  const min = lock.minRetention;
  if (lock.mode === VaultLockMode.COMPLIANCE && min === undefined) {
    throw fail('vaultLock: VaultLock.compliance() without minRetention: a compliance lock needs MinRetentionDays. '
      + 'Set minRetention, e.g. VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(3) }).');
  }
  if (min) validateWholeDays(fail, 'vaultLock.minRetention', min);
  const minDays = min ? daysOf(min) : undefined;
  if (minDays !== undefined && minDays < 1) {
    throw fail(`vaultLock.minRetention: ${show(min!)} is below the AWS Backup minimum of 1 day. Set minRetention to Duration.days(1) or more (the default lock uses 7).`);
  }
  if (lock.maxRetention) {
    validateWholeDays(fail, 'vaultLock.maxRetention', lock.maxRetention);
    const maxDays = daysOf(lock.maxRetention);
    if (maxDays !== undefined && minDays !== undefined && maxDays <= minDays) {
      throw fail(`vaultLock.maxRetention: ${show(lock.maxRetention)} is not greater than minRetention ${show(min!)}. `
        + 'Set maxRetention above minRetention, or leave it unset.');
    }
    if (maxDays !== undefined && maxDays > MAX_RETENTION_DAYS) {
      throw fail(`vaultLock.maxRetention: ${show(lock.maxRetention)} is above the AWS Backup maximum of ${MAX_RETENTION_DAYS} days. Set maxRetention to Duration.days(${MAX_RETENTION_DAYS}) or less.`);
    }
  }
  if (lock.mode === VaultLockMode.COMPLIANCE) {
    const cf = lock.changeableFor;
    if (cf === undefined) {
      throw fail('vaultLock.changeableFor: undefined; a compliance lock needs ChangeableForDays of at least 3. Set changeableFor: Duration.days(3) or more.');
    }
    validateWholeDays(fail, 'vaultLock.changeableFor', cf);
    const cfDays = daysOf(cf);
    if (cfDays !== undefined && cfDays < 3) {
      throw fail(`vaultLock.changeableFor: ${show(cf)} is below the minimum of 3 days (the 72-hour cooling-off period). `
        + 'Set changeableFor to Duration.days(3) or more.');
    }
  }
}

/**
 * Refuses a plan retention outside what AWS Backup and the vault lock both accept: the bounds in
 * the message are the real ones, the tighter of the service's and the lock's.
 */
function validateRetention(fail: Fail, prop: string, retention: Duration, lock: VaultLock,
  service: { min: number; max: number; maxWhy: string }): void {
  validateWholeDays(fail, prop, retention);
  const days = daysOf(retention);
  if (days === undefined) return;
  const lockMin = lock.minRetention ? daysOf(lock.minRetention) : undefined;
  const lockMax = lock.maxRetention ? daysOf(lock.maxRetention) : undefined;
  const min = lockMin !== undefined && lockMin > service.min
    ? { days: lockMin, why: 'the vault lock\'s minRetention: a backup job asking for less fails', fix: ', or lower vaultLock minRetention' }
    : { days: service.min, why: 'the AWS Backup minimum', fix: '' };
  const max = lockMax !== undefined && lockMax < service.max
    ? { days: lockMax, why: 'the vault lock\'s maxRetention: a backup job asking for more fails', fix: ', or raise vaultLock maxRetention' }
    : { days: service.max, why: service.maxWhy, fix: '' };
  if (min.days > max.days) {
    throw fail(`${prop}: ${show(retention)} does not fit, and no value can: ${min.days} days (${min.why}) is above ${max.days} days (${max.why}). `
      + `Lower vaultLock minRetention to Duration.days(${max.days}) or less${prop === 'continuousBackupRetention' ? ', or set continuousBackup: false' : ''}.`);
  }
  if (days < min.days || days > max.days) {
    const fix = days < min.days ? min.fix : max.fix;
    throw fail(`${prop}: ${show(retention)} is outside ${min.days} to ${max.days} days (${min.days}: ${min.why}; ${max.days}: ${max.why}). `
      + `Set ${prop} between Duration.days(${min.days}) and Duration.days(${max.days})${fix}.`);
  }
}

function validateAirGapped(fail: Fail, min: Duration, max: Duration, copyRetention: Duration): void {
  validateWholeDays(fail, 'airGappedVaultMinRetention', min);
  validateWholeDays(fail, 'airGappedVaultMaxRetention', max);
  const minDays = daysOf(min);
  const maxDays = daysOf(max);
  if (minDays !== undefined && minDays < 7) {
    throw fail(`airGappedVaultMinRetention: ${show(min)} is below the minimum of 7 days for a logically air-gapped vault. Set airGappedVaultMinRetention to Duration.days(7) or more.`);
  }
  if (minDays !== undefined && maxDays !== undefined && maxDays < minDays) {
    throw fail(`airGappedVaultMaxRetention: ${show(max)} is below airGappedVaultMinRetention ${show(min)}. Set airGappedVaultMaxRetention to ${show(min)} or more.`);
  }
  const copyDays = daysOf(copyRetention);
  if (copyDays !== undefined && ((minDays !== undefined && copyDays < minDays) || (maxDays !== undefined && copyDays > maxDays))) {
    throw fail(`dailyRetention: ${show(copyRetention)} is outside the air-gapped vault's retention range ${show(min)} to ${show(max)}, `
      + 'so every copy into it would fail. Set dailyRetention inside that range, or change airGappedVaultMinRetention/airGappedVaultMaxRetention.');
  }
}
