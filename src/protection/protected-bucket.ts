import { Annotations, Duration, RemovalPolicy, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AgentIdentity } from '../identity';
import { daysOf, keepsData, UnsafeChoices, warnUnsafe } from './private/validation';
import { setActions } from '../policy/private/guards';
import { constructPath, inputError } from '../private/errors';

/** Object Lock retention bounds S3 accepts, in days (1 day to 100 years). */
const MIN_LOCK_DAYS = 1;
const MAX_LOCK_DAYS = 36500;
/** Default Object Lock retention (GOVERNANCE mode), in days. */
const DEFAULT_LOCK_DAYS = 30;
/** Default time noncurrent versions are kept, in days. */
const DEFAULT_NONCURRENT_DAYS = 90;

/**
 * The S3 actions the bucket policy of a `ProtectedBucket` denies to every principal except the
 * admin principals: deleting the bucket or object versions, bypassing governance retention,
 * and changing the settings that protect the data (policy, versioning, lifecycle, Object Lock,
 * Block Public Access, ACLs, ownership). The catalog's action set `bucket.protected-settings`.
 */
const PROTECTED_BUCKET_DENIED_ACTIONS = setActions('bucket.protected-settings');

/**
 * Properties of a `ProtectedBucket`: every `s3.BucketProps` prop, with safer defaults.
 */
export interface ProtectedBucketProps extends s3.BucketProps {
  /**
   * Principals still allowed to delete the bucket or object versions and to change its policy,
   * versioning, lifecycle, Object Lock and public-access settings.
   *
   * Matched on `aws:PrincipalArn`, so give roles or users (an `iam.IRole`, `iam.ArnPrincipal`, ...).
   * If your stack will later change this bucket's policy or lifecycle through CloudFormation,
   * include the role that deploys it (for CDK, the bootstrap `cfn-exec` role).
   *
   * @default - none: only the account root user can still change or delete the bucket policy
   * (S3 always allows it), which is the recovery path.
   */
  readonly adminPrincipals?: iam.IPrincipal[];

  /**
   * Object Lock retention mode applied to new objects by default.
   *
   * COMPLIANCE cannot be shortened or removed by anyone, the root user included, until it
   * expires: it needs an explicit `objectLockRetention`.
   *
   * @default s3.ObjectLockMode.GOVERNANCE
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
   */
  readonly objectLockMode?: s3.ObjectLockMode;

  /**
   * How long each object version is locked after it is written, in whole days (1 day to 100 years).
   *
   * @default Duration.days(30) in GOVERNANCE mode; required in COMPLIANCE mode
   */
  readonly objectLockRetention?: Duration;

  /**
   * How long a version is kept after it stops being current (overwritten or deleted); must be
   * at least the Object Lock retention.
   *
   * @default - the larger of 90 days and the Object Lock retention
   */
  readonly noncurrentVersionRetention?: Duration;

  /**
   * Accept settings that leave the bucket unprotected instead of refusing them.
   *
   * Without it, `objectLockEnabled: false`, `removalPolicy: DESTROY`, `autoDeleteObjects: true`,
   * `enforceSSL: false` and a `blockPublicAccess` weaker than BLOCK_ALL throw at synth. With it
   * they are kept and each one adds a warning annotation. Risk: objects can be deleted for good
   * or exposed publicly.
   *
   * @default false
   */
  readonly allowUnprotected?: boolean;
}

/**
 * An S3 bucket whose data survives `aws s3 rm --recursive` and `aws s3 rb`.
 *
 * A drop-in replacement for `s3.Bucket` (it extends it and accepts the same props). Defaults:
 * versioning on, Object Lock on (GOVERNANCE, 30 days), noncurrent versions kept 90 days,
 * Block Public Access BLOCK_ALL, TLS only, S3-managed encryption, RETAIN, and the
 * `guardrails:backup=true` tag. Its bucket policy denies deleting the bucket or object
 * versions, bypassing governance retention, and changing its policy, versioning, lifecycle,
 * Object Lock, public-access, ACL or ownership settings to everyone except `adminPrincipals`.
 *
 * Answers scenario 3: `s3 rm` only adds delete markers (versions are kept and locked),
 * `s3 rb` is denied by the bucket policy, and turning versioning off is denied too.
 *
 * Swapping an existing `s3.Bucket`: Object Lock can be enabled on an existing versioned bucket,
 * but check the change set first; set `objectLockEnabled: false` with `allowUnprotected: true`
 * to leave Object Lock off.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 *
 * @example
 * declare const adminRole: iam.IRole;
 * new ProtectedBucket(this, 'Data', { adminPrincipals: [adminRole] });
 */
export class ProtectedBucket extends s3.Bucket {
  /** Object Lock retention applied in GOVERNANCE mode when `objectLockRetention` is not set. */
  public static readonly DEFAULT_OBJECT_LOCK_RETENTION = Duration.days(DEFAULT_LOCK_DAYS);

  /** Noncurrent-version retention applied when `noncurrentVersionRetention` is not set (raised to the lock retention if that is longer). */
  public static readonly DEFAULT_NONCURRENT_VERSION_RETENTION = Duration.days(DEFAULT_NONCURRENT_DAYS);

  private static protectedProps(scope: Construct, id: string, props: ProtectedBucketProps): s3.BucketProps {
    const path = constructPath(scope, id);
    if (props.versioned === false && props.objectLockEnabled !== false) {
      throw inputError('ProtectedBucket', path, 'versioned: false is not possible with Object Lock, which needs versioning. Remove versioned: false (ProtectedBucket turns versioning on).');
    }
    const lockOff = props.objectLockEnabled === false;
    const lockSettings = [props.objectLockMode, props.objectLockRetention, props.objectLockDefaultRetention];
    if (lockOff && lockSettings.some(setting => setting !== undefined)) {
      throw inputError('ProtectedBucket', path, 'objectLockEnabled: false conflicts with objectLockMode / objectLockRetention / objectLockDefaultRetention. Remove one or the other.');
    }
    if (props.objectLockDefaultRetention !== undefined && (props.objectLockMode !== undefined || props.objectLockRetention !== undefined)) {
      throw inputError('ProtectedBucket', path, 'objectLockDefaultRetention conflicts with objectLockMode / objectLockRetention. Set either objectLockDefaultRetention or objectLockMode with objectLockRetention.');
    }
    if (props.objectLockRetention !== undefined) {
      validateLockRetention(path, props.objectLockRetention);
    }
    const lock = lockOff ? undefined : lockRetention(path, props);
    const lockDays = lock ? validateLockRetention(path, lock.duration) : 0;

    const noncurrent = props.noncurrentVersionRetention ?? defaultNoncurrent(lockDays);
    validateNoncurrent(path, 'noncurrentVersionRetention', noncurrent, lockDays);
    for (const rule of props.lifecycleRules ?? []) {
      if (rule.noncurrentVersionExpiration !== undefined) {
        validateNoncurrent(path, `lifecycleRules[${rule.id ?? '?'}].noncurrentVersionExpiration`, rule.noncurrentVersionExpiration, lockDays);
      }
    }

    unsafeChoices(props).enforce(path, props.allowUnprotected);
    adminArns(path, props.adminPrincipals ?? []);

    return {
      ...props,
      versioned: props.versioned ?? true,
      objectLockEnabled: lock ? true : props.objectLockEnabled,
      objectLockDefaultRetention: lock,
      blockPublicAccess: props.blockPublicAccess ?? s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: props.enforceSSL ?? true,
      encryption: props.encryption ?? (props.encryptionKey ? undefined : s3.BucketEncryption.S3_MANAGED),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        ...props.lifecycleRules ?? [],
        { id: 'guardrails-noncurrent-versions', noncurrentVersionExpiration: noncurrent },
      ],
    };
  }

  /** Object Lock default retention in effect, if Object Lock is on. */
  public readonly objectLockRetention?: s3.ObjectLockRetention;

  /** How long noncurrent versions are kept. */
  public readonly noncurrentVersionRetention: Duration;

  constructor(scope: Construct, id: string, props: ProtectedBucketProps = {}) {
    const resolved = ProtectedBucket.protectedProps(scope, id, props);
    super(scope, id, resolved);
    this.objectLockRetention = resolved.objectLockDefaultRetention;
    this.noncurrentVersionRetention = props.noncurrentVersionRetention
      ?? defaultNoncurrent(resolved.objectLockDefaultRetention ? daysOf(resolved.objectLockDefaultRetention.duration) ?? 0 : 0);
    warnUnsafe(this, 'ProtectedBucket', unsafeChoices(props).enforce(this.node.path, true));

    const arns = adminArns(this.node.path, props.adminPrincipals ?? []);
    this.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'GuardrailsDenyDestructiveAndWeakeningActions',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: PROTECTED_BUCKET_DENIED_ACTIONS,
      resources: [this.bucketArn, this.arnForObjects('*')],
      conditions: arns.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': arns } } : undefined,
    }));
    if (arns.length === 0) {
      Annotations.of(this).addInfo('ProtectedBucket has no adminPrincipals: nobody but the account root user can change its policy, versioning, lifecycle or Object Lock settings, including through CloudFormation updates.');
    }
    Tags.of(this.node.defaultChild!).add(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE);
  }
}

function lockRetention(path: string, props: ProtectedBucketProps): s3.ObjectLockRetention {
  if (props.objectLockDefaultRetention) {
    return props.objectLockDefaultRetention;
  }
  const mode = props.objectLockMode ?? s3.ObjectLockMode.GOVERNANCE;
  if (mode === s3.ObjectLockMode.COMPLIANCE) {
    if (props.objectLockRetention === undefined) {
      throw inputError('ProtectedBucket', path, 'objectLockMode: COMPLIANCE was given without objectLockRetention. Compliance retention cannot be shortened by anyone, so there is no default: set objectLockRetention, e.g. Duration.days(30).');
    }
    return s3.ObjectLockRetention.compliance(props.objectLockRetention);
  }
  return s3.ObjectLockRetention.governance(props.objectLockRetention ?? ProtectedBucket.DEFAULT_OBJECT_LOCK_RETENTION);
}

/** Returns the retention in days (0 when it is a token). */
function validateLockRetention(path: string, duration: Duration): number {
  const days = daysOf(duration);
  if (days === undefined) {
    return 0;
  }
  if (!Number.isInteger(days)) {
    throw inputError('ProtectedBucket', path, `objectLockRetention: ${duration.toHumanString()} is not a whole number of days. Set objectLockRetention to Duration.days(n) with n from ${MIN_LOCK_DAYS} to ${MAX_LOCK_DAYS}.`);
  }
  if (days < MIN_LOCK_DAYS || days > MAX_LOCK_DAYS) {
    throw inputError('ProtectedBucket', path, `objectLockRetention: ${days} days is outside the S3 range of ${MIN_LOCK_DAYS} to ${MAX_LOCK_DAYS} days. Set objectLockRetention to Duration.days(n) with n in that range.`);
  }
  return days;
}

function defaultNoncurrent(lockDays: number): Duration {
  return Duration.days(Math.max(DEFAULT_NONCURRENT_DAYS, lockDays));
}

function validateNoncurrent(path: string, propName: string, duration: Duration, lockDays: number): void {
  const days = daysOf(duration);
  if (days === undefined) {
    return;
  }
  if (days < lockDays) {
    throw inputError('ProtectedBucket', path, `${propName}: ${days} days is shorter than the Object Lock retention of ${lockDays} days. Set ${propName} to Duration.days(${lockDays}) or more.`);
  }
}

function unsafeChoices(props: ProtectedBucketProps): UnsafeChoices {
  const unsafe = new UnsafeChoices('ProtectedBucket');
  unsafe.check(props.objectLockEnabled === false, 'objectLockEnabled: false (object versions can be deleted by anyone allowed s3:DeleteObjectVersion)');
  unsafe.check(!keepsData(props.removalPolicy), `removalPolicy: ${props.removalPolicy} (CloudFormation deletes the bucket)`);
  unsafe.check(props.autoDeleteObjects === true, 'autoDeleteObjects: true (a custom resource empties the bucket when it is removed)');
  unsafe.check(props.enforceSSL === false, 'enforceSSL: false (requests without TLS are accepted)');
  const bpa = props.blockPublicAccess;
  unsafe.check(bpa !== undefined && !(bpa.blockPublicAcls && bpa.blockPublicPolicy && bpa.ignorePublicAcls && bpa.restrictPublicBuckets),
    'blockPublicAccess: weaker than BLOCK_ALL (the bucket can be made public)');
  return unsafe;
}

function adminArns(path: string, principals: iam.IPrincipal[]): string[] {
  const arns: string[] = [];
  principals.forEach((principal, index) => {
    const aws = principal.policyFragment.principalJson.AWS ?? [];
    if (aws.length === 0) {
      throw inputError('ProtectedBucket', path, `adminPrincipals[${index}]: ${principal.toString()} has no AWS ARN (service, federated and canonical-user principals cannot be matched on aws:PrincipalArn). Pass an IAM role or user.`);
    }
    for (const arn of aws) {
      if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[^\s]+$/.test(arn)) {
        throw inputError('ProtectedBucket', path, `adminPrincipals[${index}]: '${arn}' is not an IAM ARN. Pass an IAM role or user, e.g. iam.Role.fromRoleArn(...).`);
      }
      arns.push(arn);
    }
  });
  return arns;
}
