/**
 * The one table of stateful resource types (those whose deletion loses data): what the service
 * itself offers against deletion, what CloudFormation does when a template sets no
 * DeletionPolicy, whether a Snapshot policy is allowed, and whether AWS Backup covers the type.
 *
 * The protection aspect (`Protection.of(scope)`) sets what this table names; the checks
 * (AG-RES1/2) look for exactly the same. A test holds the two to it.
 */

/** The service-level protection of a type: a property (path) that must hold a value. */
export interface ServiceProtection {
  /** Property path from `Properties`, e.g. `['DeletionProtection']` or `['VersioningConfiguration', 'Status']`. */
  readonly path: string[];
  /** The protective value. */
  readonly value: unknown;
  /** What the value protects against, for messages. */
  readonly what: string;
}

/** One stateful type. */
export interface StatefulType {
  /** Service-level protection, where the service has one (a global table checks every replica). */
  readonly protection?: ServiceProtection;
  /** What CloudFormation does when the template sets no DeletionPolicy (Delete unless said otherwise). */
  readonly defaultDeletionPolicy?: 'Snapshot';
  /**
   * DeletionPolicy Snapshot is allowed (the CloudFormation DeletionPolicy documentation's list,
   * which aws-cdk-lib also enforces); every other stateful type gets Retain.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
   */
  readonly snapshot: boolean;
  /**
   * AWS Backup can back it up (the aspect tags it `guardrails:backup=true`).
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html
   */
  readonly backup: boolean;
}

const DELETION_PROTECTION: ServiceProtection = { path: ['DeletionProtection'], value: true, what: 'deletion' };

export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
  'AWS::RDS::DBInstance': { protection: DELETION_PROTECTION, defaultDeletionPolicy: 'Snapshot', snapshot: true, backup: true },
  'AWS::RDS::DBCluster': { protection: DELETION_PROTECTION, defaultDeletionPolicy: 'Snapshot', snapshot: true, backup: true },
  'AWS::S3::Bucket': {
    protection: { path: ['VersioningConfiguration', 'Status'], value: 'Enabled', what: 'loss of deleted or overwritten objects' }, snapshot: false, backup: true,
  },
  'AWS::DynamoDB::Table': { protection: { path: ['DeletionProtectionEnabled'], value: true, what: 'deletion' }, snapshot: false, backup: true },
  // Every replica: the check reads Replicas[].DeletionProtectionEnabled.
  'AWS::DynamoDB::GlobalTable': { protection: { path: ['Replicas', '*', 'DeletionProtectionEnabled'], value: true, what: 'deletion' }, snapshot: false, backup: true },
  'AWS::EC2::Instance': { protection: { path: ['DisableApiTermination'], value: true, what: 'termination' }, snapshot: false, backup: true },
  'AWS::EC2::Volume': { snapshot: true, backup: true },
  'AWS::EFS::FileSystem': { snapshot: false, backup: true },
  'AWS::ElastiCache::CacheCluster': { snapshot: true, backup: false },
  'AWS::ElastiCache::ReplicationGroup': { snapshot: true, backup: false },
  'AWS::ElastiCache::ServerlessCache': { snapshot: false, backup: false },
  'AWS::Redshift::Cluster': { snapshot: true, backup: true },
  'AWS::Neptune::DBCluster': { protection: DELETION_PROTECTION, defaultDeletionPolicy: 'Snapshot', snapshot: true, backup: true },
  'AWS::DocDB::DBCluster': { protection: DELETION_PROTECTION, snapshot: true, backup: true },
  'AWS::OpenSearchService::Domain': { snapshot: false, backup: false },
  'AWS::Elasticsearch::Domain': { snapshot: false, backup: false },
  'AWS::KMS::Key': { snapshot: false, backup: false },
  'AWS::SecretsManager::Secret': { snapshot: false, backup: false },
  'AWS::Logs::LogGroup': { protection: { path: ['DeletionProtectionEnabled'], value: true, what: 'deletion' }, snapshot: false, backup: false },
  'AWS::ECR::Repository': { snapshot: false, backup: false },
  'AWS::Cognito::UserPool': { protection: { path: ['DeletionProtection'], value: 'ACTIVE', what: 'deletion' }, snapshot: false, backup: false },
};

/** Types whose DeletionPolicy may be Snapshot. */
export const SNAPSHOT_TYPES: ReadonlySet<string> = new Set(Object.keys(STATEFUL_TYPES).filter(t => STATEFUL_TYPES[t].snapshot));

/** Types AWS Backup can protect. */
export const BACKUP_SUPPORTED_TYPES: ReadonlySet<string> = new Set(Object.keys(STATEFUL_TYPES).filter(t => STATEFUL_TYPES[t].backup));
