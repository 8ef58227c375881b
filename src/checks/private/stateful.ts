import { TemplateResource, resolveIn } from './assembly';
import { asList } from './intrinsics';
import { BACKUP_SUPPORTED_TYPES, ROOT_DEVICE_NAMES } from '../../protection/private/rules';

/** A service-level protection check: returns what is missing, or undefined when protected. */
type ServiceCheck = (r: TemplateResource) => string | undefined;

function flag(prop: string, desired: unknown): ServiceCheck {
  return r => {
    const v = resolveIn(r, r.properties[prop]);
    return v === desired ? undefined : `${prop} is ${v === undefined ? 'not set' : JSON.stringify(v)} (needs ${JSON.stringify(desired)})`;
  };
}

/**
 * Stateful resource types (the ones whose deletion loses data), their service-level
 * deletion/termination protection where the service has one, and the DeletionPolicy
 * CloudFormation applies when the template sets none.
 *
 * The list follows the protection layer's aspect, so what `Protection.of()` protects is what
 * the checks look for.
 */
const TYPES: Record<string, { service?: ServiceCheck; defaultDeletionPolicy?: string }> = {
  'AWS::RDS::DBInstance': { service: flag('DeletionProtection', true), defaultDeletionPolicy: 'Snapshot' },
  'AWS::RDS::DBCluster': { service: flag('DeletionProtection', true), defaultDeletionPolicy: 'Snapshot' },
  'AWS::S3::Bucket': {
    service: r => {
      const v = resolveIn(r, r.properties.VersioningConfiguration) as Record<string, unknown> | undefined;
      return v?.Status === 'Enabled' ? undefined : 'VersioningConfiguration.Status is not Enabled (deleted objects cannot be recovered)';
    },
  },
  'AWS::DynamoDB::Table': { service: flag('DeletionProtectionEnabled', true) },
  'AWS::DynamoDB::GlobalTable': {
    service: r => {
      const replicas = resolveIn(r, r.properties.Replicas);
      if (!Array.isArray(replicas) || replicas.length === 0) return 'Replicas cannot be read';
      const bad = replicas.filter(x => (x as Record<string, unknown>)?.DeletionProtectionEnabled !== true).length;
      return bad ? `${bad} of ${replicas.length} replicas have no DeletionProtectionEnabled: true` : undefined;
    },
  },
  'AWS::EC2::Instance': { service: flag('DisableApiTermination', true) },
  'AWS::EC2::Volume': {},
  'AWS::EFS::FileSystem': {},
  'AWS::ElastiCache::CacheCluster': {},
  'AWS::ElastiCache::ReplicationGroup': {},
  'AWS::ElastiCache::ServerlessCache': {},
  'AWS::Redshift::Cluster': {},
  'AWS::Neptune::DBCluster': { service: flag('DeletionProtection', true), defaultDeletionPolicy: 'Snapshot' },
  'AWS::DocDB::DBCluster': { service: flag('DeletionProtection', true) },
  'AWS::OpenSearchService::Domain': {},
  'AWS::Elasticsearch::Domain': {},
  'AWS::KMS::Key': {},
  'AWS::SecretsManager::Secret': {},
  'AWS::Logs::LogGroup': { service: flag('DeletionProtectionEnabled', true) },
  'AWS::ECR::Repository': {},
  'AWS::Cognito::UserPool': { service: flag('DeletionProtection', 'ACTIVE') },
};

const SAFE_DELETION = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);
const SAFE_REPLACE = new Set(['Retain', 'Snapshot']);

/** Which resources are stateful and how they are protected. */
export class StatefulResources {
  /** Stateful types, sorted. */
  public static types(): string[] {
    return Object.keys(TYPES).sort();
  }

  /** Whether a resource holds data of its own (an Aurora cluster member does not). */
  public static isStateful(r: TemplateResource): boolean {
    if (!(r.type in TYPES)) return false;
    if (r.type === 'AWS::RDS::DBInstance' && r.properties.DBClusterIdentifier !== undefined) return false;
    return true;
  }

  /** Whether AWS Backup can back the resource up. */
  public static isBackupSupported(r: TemplateResource): boolean {
    return BACKUP_SUPPORTED_TYPES.has(r.type);
  }

  /** Whether the service has a deletion/termination protection setting for this type. */
  public static hasServiceProtection(r: TemplateResource): boolean {
    return TYPES[r.type]?.service !== undefined;
  }

  /** What is missing in the service-level protection, or undefined. */
  public static serviceProtectionGap(r: TemplateResource): string | undefined {
    return TYPES[r.type]?.service?.(r);
  }

  /** What is unsafe in DeletionPolicy / UpdateReplacePolicy, or undefined. */
  public static policyGap(r: TemplateResource): string | undefined {
    const gaps: string[] = [];
    const del = r.deletionPolicy ?? TYPES[r.type]?.defaultDeletionPolicy ?? 'Delete';
    if (typeof del !== 'string' || !SAFE_DELETION.has(del)) {
      gaps.push(`DeletionPolicy is ${r.deletionPolicy === undefined ? `not set (CloudFormation deletes it: ${JSON.stringify(del)})` : JSON.stringify(del)}`);
    }
    const rep = r.updateReplacePolicy ?? 'Delete';
    if (typeof rep !== 'string' || !SAFE_REPLACE.has(rep)) {
      gaps.push(`UpdateReplacePolicy is ${r.updateReplacePolicy === undefined ? 'not set (a replacement deletes the old resource)' : JSON.stringify(rep)}`);
    }
    return gaps.length ? gaps.join('; ') : undefined;
  }

  /**
   * What an EC2 instance still loses when it is terminated, whatever its termination protection:
   * a root volume with no block device mapping (under /dev/xvda or /dev/sda1), and mapped EBS
   * volumes whose DeleteOnTermination is not false. Undefined for other types or nothing lost.
   */
  public static terminationLoss(r: TemplateResource): string | undefined {
    if (r.type !== 'AWS::EC2::Instance') return undefined;
    const mappings = StatefulResources.list(r, 'BlockDeviceMappings') as Array<Record<string, any> | undefined>;
    const lost: string[] = [];
    if (!mappings.some(m => m?.Ebs !== undefined && ROOT_DEVICE_NAMES.includes(m.DeviceName))) {
      lost.push(`the root volume (no BlockDeviceMappings entry for ${ROOT_DEVICE_NAMES.join(' or ')})`);
    }
    for (const m of mappings) {
      if (m?.Ebs !== undefined && m.Ebs?.DeleteOnTermination !== false) lost.push(`${m.DeviceName} (DeleteOnTermination is not false)`);
    }
    return lost.length ? `deleted on termination: ${lost.join(', ')}` : undefined;
  }

  /** Items of a list property, resolved. */
  public static list(r: TemplateResource, prop: string): unknown[] {
    return asList(resolveIn(r, r.properties[prop]));
  }

  private constructor() {}
}
