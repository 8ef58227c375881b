import { Duration } from 'aws-cdk-lib';

/**
 * The AWS Backup Vault Lock mode.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export enum VaultLockMode {
  /**
   * Governance mode: the lock has no `ChangeableForDays`, so principals allowed to call
   * `backup:DeleteBackupVaultLockConfiguration` can still remove or change it.
   */
  GOVERNANCE = 'GOVERNANCE',

  /**
   * Compliance mode: after the grace time (`ChangeableForDays`) the lock becomes immutable.
   * Nobody, including the root user and AWS, can remove it or delete a recovery point
   * before its retention ends.
   */
  COMPLIANCE = 'COMPLIANCE',
}

/**
 * Options of a vault lock in either mode.
 */
export interface VaultLockOptions {
  /**
   * Shortest retention a backup or copy job into the vault may ask for (`MinRetentionDays`).
   *
   * Jobs with a shorter lifecycle fail, so every rule of the plan must retain at least this long.
   *
   * @default - Duration.days(7) in governance mode; required in compliance mode
   */
  readonly minRetention?: Duration;

  /**
   * Longest retention a backup or copy job into the vault may ask for (`MaxRetentionDays`).
   *
   * @default - no maximum
   */
  readonly maxRetention?: Duration;
}

/**
 * Options of a compliance-mode vault lock.
 */
export interface ComplianceVaultLockOptions extends VaultLockOptions {
  /**
   * Grace time before the lock becomes immutable (`ChangeableForDays`), at least 3 days.
   *
   * Until then the lock can still be removed; afterwards it can never be removed, and the
   * vault and its recovery points can only expire.
   */
  readonly changeableFor: Duration;
}

/**
 * An AWS Backup Vault Lock: governance (removable by privileged principals) or compliance
 * (immutable after a grace time).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export class VaultLock {
  /**
   * A governance-mode lock: no `ChangeableForDays`, so principals exempted by the vault
   * access policy can remove it in an emergency.
   */
  public static governance(options: VaultLockOptions = {}): VaultLock {
    return new VaultLock(VaultLockMode.GOVERNANCE, options.minRetention ?? Duration.days(7), options.maxRetention, undefined);
  }

  /**
   * A compliance-mode lock: immutable once `changeableFor` has passed.
   *
   * Irreversible: after the grace time nobody can shorten retention or delete the vault
   * until every recovery point has expired. Requires `minRetention`.
   */
  public static compliance(options: ComplianceVaultLockOptions): VaultLock {
    return new VaultLock(VaultLockMode.COMPLIANCE, options.minRetention, options.maxRetention, options.changeableFor);
  }

  /** The lock mode. */
  public readonly mode: VaultLockMode;

  /** Shortest retention a job into the vault may ask for; undefined only for an invalid compliance lock. */
  public readonly minRetention?: Duration;

  /** Longest retention a job into the vault may ask for, if any. */
  public readonly maxRetention?: Duration;

  /** Grace time before a compliance lock becomes immutable; undefined in governance mode. */
  public readonly changeableFor?: Duration;

  private constructor(mode: VaultLockMode, minRetention?: Duration, maxRetention?: Duration, changeableFor?: Duration) {
    this.mode = mode;
    this.minRetention = minRetention;
    this.maxRetention = maxRetention;
    this.changeableFor = changeableFor;
  }
}
