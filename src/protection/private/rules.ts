import { CfnResource, Stack, Token } from 'aws-cdk-lib';

export { BACKUP_SUPPORTED_TYPES, SNAPSHOT_TYPES } from './stateful-types';

/** What a rule found about one setting of one resource. */
export enum Outcome {
  /** Already protective: nothing changed. */
  OK = 'ok',
  /** Was unset (or overwritten): the aspect set it. */
  SET = 'set',
  /** The user chose an unprotective value: left alone. */
  UNSAFE = 'unsafe',
  /** A token: its value is unknown at synth, so it is not counted as protected. */
  UNKNOWN = 'unknown',
  /** Not protected, and the aspect cannot set it (e.g. an EC2 root volume it cannot see): counted as unprotected. */
  NOT_COVERED = 'not-covered',
}

/** What a setting rule found about one part of a resource, when its static label does not say enough. */
export interface SettingResult {
  readonly outcome: Outcome;
  /** The protection, as in effect or as wanted, e.g. `BackupRetentionPeriod=14 days`. */
  readonly label: string;
  /** Why, shown in parentheses after the label; replaces the outcome's generic text. */
  readonly detail?: string;
}

/** One service-level setting the aspect checks and sets. */
export interface SettingRule {
  /** Human label used in reports, e.g. `DeletionProtection=true`. */
  readonly label: string;
  /**
   * Applies the rule; `overwrite` replaces unprotective user values. Returns one outcome for
   * `label`, or one result per part it looked at (an empty list: the rule does not apply).
   */
  apply(resource: CfnResource, overwrite: boolean): Outcome | SettingResult[];
}

/** Protection recipe for one CloudFormation resource type. */
export interface TypeRule {
  /** Service-level settings to enforce. */
  readonly settings: SettingRule[];
  /**
   * Returns a reason when the resource is not stateful on its own (e.g. an Aurora cluster
   * member, whose data lives in the cluster): the aspect then leaves it alone.
   */
  readonly skip?: (resource: CfnResource) => string | undefined;
  /**
   * The aws-cdk-lib L2 for this type defaults to RemovalPolicy.DESTROY, so a Delete policy cannot
   * be told apart from an explicit choice: the aspect treats Delete as unset and replaces it.
   */
  readonly l2DefaultIsDelete?: boolean;
  /** DeletionPolicy override, e.g. Retain for a memcached cache cluster. */
  readonly snapshot?: (resource: CfnResource) => boolean;
}

/**
 * The L1 (camelCase) name of a CloudFormation property, as aws-cdk-lib generates it: an acronym
 * is one word, lowercased whole when it leads and capitalized otherwise
 * (`DBClusterIdentifier` -> `dbClusterIdentifier`, `SourceDBInstanceIdentifier` -> `sourceDbInstanceIdentifier`).
 */
export function l1Name(cfnName: string): string {
  const words = cfnName.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[0-9]+/g) ?? [cfnName];
  return words.map((w, i) => i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
}

/** Reads a top-level property as the template will see it: raw overrides win over the L1 value. */
export function readProperty(resource: CfnResource, cfnName: string): unknown {
  const overrides = (resource as unknown as { rawOverrides?: { Properties?: Record<string, unknown> } }).rawOverrides;
  if (overrides?.Properties && cfnName in overrides.Properties) {
    return overrides.Properties[cfnName];
  }
  return (resource as unknown as Record<string, unknown>)[l1Name(cfnName)];
}

/**
 * Writes a top-level property: as an override when one already sets it (it would win over the L1
 * value), else through the L1 setter when there is one, else as an override.
 */
export function writeProperty(resource: CfnResource, cfnName: string, value: unknown): void {
  const camel = l1Name(cfnName);
  const overrides = (resource as unknown as { rawOverrides?: { Properties?: Record<string, unknown> } }).rawOverrides;
  if (overrides?.Properties && cfnName in overrides.Properties) {
    resource.addPropertyOverride(cfnName, value);
  } else if (camel in resource) {
    (resource as unknown as Record<string, unknown>)[camel] = value;
  } else {
    resource.addPropertyOverride(cfnName, value);
  }
}

/** A top-level scalar that must equal `desired`. */
export function scalar(cfnName: string, desired: unknown): SettingRule {
  return {
    label: `${cfnName}=${desired}`,
    apply(resource, overwrite) {
      const current = readProperty(resource, cfnName);
      if (current === desired) {
        return Outcome.OK;
      }
      if (current !== undefined && Token.isUnresolved(current) && !overwrite) {
        return Outcome.UNKNOWN;
      }
      if (current !== undefined && !overwrite) {
        return Outcome.UNSAFE;
      }
      writeProperty(resource, cfnName, desired);
      return Outcome.SET;
    },
  };
}

/**
 * A flag inside an object property, e.g. PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled.
 * `camelField`/`cfnField` are the nested key in the L1 (camelCase) and template (PascalCase) forms.
 */
export function nested(cfnName: string, cfnField: string, desired: unknown): SettingRule {
  const camelField = l1Name(cfnField);
  return {
    label: `${cfnName}.${cfnField}=${desired}`,
    apply(resource, overwrite) {
      const current = readProperty(resource, cfnName);
      if (current !== undefined && Token.isUnresolved(current)) {
        return Outcome.UNKNOWN;
      }
      const obj = (current ?? {}) as Record<string, unknown>;
      const value = camelField in obj ? obj[camelField] : obj[cfnField];
      if (value === desired) {
        return Outcome.OK;
      }
      if (value !== undefined && Token.isUnresolved(value)) {
        return Outcome.UNKNOWN;
      }
      if (value !== undefined && !overwrite) {
        return Outcome.UNSAFE;
      }
      resource.addPropertyOverride(`${cfnName}.${cfnField}`, desired);
      return Outcome.SET;
    },
  };
}

/**
 * Each replica of an `AWS::DynamoDB::GlobalTable` (TableV2): deletion protection and
 * point-in-time recovery, set by index with property overrides.
 */
export function globalTableReplicas(): SettingRule {
  return {
    label: 'Replicas[*].DeletionProtectionEnabled=true, PointInTimeRecoveryEnabled=true',
    apply(resource, overwrite) {
      const replicas = Stack.of(resource).resolve(readProperty(resource, 'Replicas')) as unknown;
      if (!Array.isArray(replicas)) {
        return Outcome.UNKNOWN;
      }
      let outcome = Outcome.OK;
      replicas.forEach((replica: Record<string, unknown>, index: number) => {
        const pitr = (replica.PointInTimeRecoverySpecification ?? {}) as Record<string, unknown>;
        const checks: Array<[unknown, string]> = [
          [replica.DeletionProtectionEnabled, `Replicas.${index}.DeletionProtectionEnabled`],
          [pitr.PointInTimeRecoveryEnabled, `Replicas.${index}.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled`],
        ];
        for (const [value, path] of checks) {
          if (value === true) {
            continue;
          }
          if (value !== undefined && !overwrite) {
            outcome = Outcome.UNSAFE;
            continue;
          }
          resource.addPropertyOverride(path, true);
          if (outcome === Outcome.OK) {
            outcome = Outcome.SET;
          }
        }
      });
      return outcome;
    },
  };
}

/**
 * Device names AMIs give their root volume: `/dev/xvda` (Amazon Linux and most HVM Linux AMIs)
 * and `/dev/sda1` (Ubuntu, Debian, Windows, RHEL and others). The aspect cannot read the AMI, so
 * a mapping under one of these names is taken as the root volume's.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html
 */
export const ROOT_DEVICE_NAMES = ['/dev/xvda', '/dev/sda1'];

/** A field of a mapping as the L1 (camelCase) or a raw override (PascalCase) has it. */
function keyOf(obj: Record<string, unknown>, pascal: string): string {
  const camel = pascal.charAt(0).toLowerCase() + pascal.slice(1);
  if (camel in obj) return camel;
  if (pascal in obj) return pascal;
  // A new key follows the style of the object: camelCase in an L1 value, PascalCase in an override.
  return Object.keys(obj).some(k => /^[A-Z]/.test(k)) ? pascal : camel;
}

/** Root device names of one instance: the ProtectedInstance's own, or the usual ones. */
function rootDeviceNames(resource: CfnResource): string[] {
  const parent = resource.node.scope as { rootDeviceName?: unknown } | undefined;
  const own = parent && resource.node.id === 'Resource' && typeof parent.rootDeviceName === 'string' ? [parent.rootDeviceName] : [];
  return [...new Set([...own, ...ROOT_DEVICE_NAMES])];
}

/**
 * EC2 instance volumes: every EBS volume in BlockDeviceMappings kept on termination
 * (`DeleteOnTermination: false`). What the aspect cannot see it reports as not protected: a root
 * volume with no mapping (EC2 deletes it on termination, and the aspect cannot add a mapping
 * without the AMI's root device name) and instance store volumes (lost on stop and terminate).
 */
export function instanceVolumes(): SettingRule {
  return {
    label: 'BlockDeviceMappings[*].Ebs.DeleteOnTermination=false',
    apply(resource, overwrite) {
      const raw = readProperty(resource, 'BlockDeviceMappings');
      if (raw !== undefined && (Token.isUnresolved(raw) || !Array.isArray(raw))) {
        return [{ outcome: Outcome.UNKNOWN, label: this.label, detail: 'BlockDeviceMappings is a token: unknown until deploy' }];
      }
      const rootNames = rootDeviceNames(resource);
      const results: SettingResult[] = [];
      let changed = false;
      let rootMapped = false;
      const mappings = (raw ?? []) as Array<Record<string, unknown>>;
      const updated = mappings.map(mapping => {
        if (Token.isUnresolved(mapping)) {
          results.push({ outcome: Outcome.UNKNOWN, label: this.label, detail: 'a mapping is a token: unknown until deploy' });
          return mapping;
        }
        const device = String(mapping[keyOf(mapping, 'DeviceName')]);
        const isRoot = rootNames.includes(device);
        const ebsKey = keyOf(mapping, 'Ebs');
        const ebs = mapping[ebsKey] as Record<string, unknown> | undefined;
        if (ebs === undefined) {
          const virtualName = mapping[keyOf(mapping, 'VirtualName')];
          if (virtualName !== undefined) {
            results.push({
              outcome: Outcome.NOT_COVERED,
              label: `instance store ${device} (${virtualName}) kept`,
              detail: 'instance store data is lost when the instance stops or terminates; nothing can keep it: keep data on EBS',
            });
          }
          return mapping;
        }
        rootMapped ||= isRoot;
        const label = `BlockDeviceMappings[${device}].Ebs.DeleteOnTermination=false${isRoot ? ' (root volume)' : ''}`;
        if (Token.isUnresolved(ebs)) {
          results.push({ outcome: Outcome.UNKNOWN, label });
          return mapping;
        }
        const flagKey = keyOf(ebs, 'DeleteOnTermination');
        const value = ebs[flagKey];
        if (value === false) {
          results.push({ outcome: Outcome.OK, label });
          return mapping;
        }
        if (value !== undefined && Token.isUnresolved(value)) {
          results.push({ outcome: Outcome.UNKNOWN, label });
          return mapping;
        }
        if (value !== undefined && !overwrite) {
          results.push({ outcome: Outcome.UNSAFE, label });
          return mapping;
        }
        results.push({ outcome: Outcome.SET, label });
        changed = true;
        return { ...mapping, [ebsKey]: { ...ebs, [flagKey]: false } };
      });
      if (changed) {
        writeProperty(resource, 'BlockDeviceMappings', updated);
      }
      if (!rootMapped) {
        results.push({
          outcome: Outcome.NOT_COVERED,
          label: 'root volume kept on termination',
          detail: `no BlockDeviceMappings entry for the root device (${rootNames.join(' or ')}), so EC2 deletes the root volume `
            + 'when the instance is terminated; the aspect cannot add one without the AMI\'s root device name'
            + `${readProperty(resource, 'LaunchTemplate') !== undefined ? ' (a launch template\'s mappings are not read)' : ''}. `
            + 'Use ProtectedInstance, or map the AMI\'s root device with deleteOnTermination: false',
        });
      }
      return results;
    },
  };
}

/** Shortest automated-backup retention the protection layer accepts, in days: the Protected* constructs' minimum. */
export const BACKUP_RETENTION_FLOOR_DAYS = 7;
/** Automated-backup retention the protection layer applies when none is set, in days: the ProtectedDatabase default. */
export const BACKUP_RETENTION_DEFAULT_DAYS = 14;
/** Longest automated-backup retention RDS, Aurora, Neptune, DocumentDB, Redshift and ElastiCache accept, in days. */
export const BACKUP_RETENTION_MAX_DAYS = 35;

/**
 * Automated-backup retention of at least `BACKUP_RETENTION_FLOOR_DAYS`.
 *
 * Unset: the aspect applies `BACKUP_RETENTION_DEFAULT_DAYS` (what a ProtectedDatabase gets), since
 * the services' own default is one day or none. Below the floor: an explicit choice, kept and
 * reported unless `overwrite`, which raises it to the floor (the smallest change that meets it).
 * A token is never replaced: the aspect cannot tell whether it is below the floor.
 *
 * @param cfnName the CloudFormation property, e.g. `BackupRetentionPeriod`
 * @param whenUnset what the service does when the property is unset
 * @param applies whether the resource has automated backups of its own (e.g. not a read replica)
 */
export function backupRetention(cfnName: string, whenUnset: string, applies: (resource: CfnResource) => boolean = () => true): SettingRule {
  const floor = BACKUP_RETENTION_FLOOR_DAYS;
  return {
    label: `${cfnName}>=${floor} days`,
    apply(resource, overwrite) {
      if (!applies(resource)) {
        return [];
      }
      const current = readProperty(resource, cfnName);
      if (current === undefined) {
        writeProperty(resource, cfnName, BACKUP_RETENTION_DEFAULT_DAYS);
        return [{
          outcome: Outcome.SET,
          label: `${cfnName}=${BACKUP_RETENTION_DEFAULT_DAYS} days`,
          detail: `was unset: ${whenUnset}`,
        }];
      }
      const days = Token.isUnresolved(current) ? NaN : Number(current);
      if (!Number.isFinite(days)) {
        return [{ outcome: Outcome.UNKNOWN, label: this.label, detail: 'unknown until deploy: a token, left as it is' }];
      }
      if (days >= floor) {
        return [{ outcome: Outcome.OK, label: `${cfnName}=${days} days` }];
      }
      const what = days === 0 ? ' (automated backups off)' : '';
      if (!overwrite) {
        return [{
          outcome: Outcome.UNSAFE,
          label: this.label,
          detail: `explicitly set to ${days}${what}, below the ${floor}-day floor`,
        }];
      }
      writeProperty(resource, cfnName, floor);
      return [{ outcome: Outcome.SET, label: `${cfnName}=${floor} days`, detail: `raised from ${days}${what} to the ${floor}-day floor` }];
    },
  };
}

/** InstanceInitiatedShutdownBehavior must not be `terminate` (a shutdown would bypass termination protection). */
export function shutdownStops(): SettingRule {
  return {
    label: 'InstanceInitiatedShutdownBehavior=stop',
    apply(resource, overwrite) {
      const current = readProperty(resource, 'InstanceInitiatedShutdownBehavior');
      if (current === undefined || current === 'stop') {
        return Outcome.OK;
      }
      if (Token.isUnresolved(current)) {
        return Outcome.UNKNOWN;
      }
      if (!overwrite) {
        return Outcome.UNSAFE;
      }
      writeProperty(resource, 'InstanceInitiatedShutdownBehavior', 'stop');
      return Outcome.SET;
    },
  };
}

function isClusterMember(resource: CfnResource): string | undefined {
  return readProperty(resource, 'DBClusterIdentifier') !== undefined
    ? 'cluster member: its data lives in the cluster, which carries the protection'
    : undefined;
}

/** What RDS, Aurora, Neptune and DocumentDB do when no retention is set. */
const RDS_FAMILY_DEFAULT = 'the service keeps automated backups 1 day';
/** What ElastiCache does when no snapshot retention is set. */
const ELASTICACHE_DEFAULT = 'ElastiCache takes no automatic snapshots';

/**
 * The stateful resource types the aspect protects, and how.
 *
 * Types with no service-level deletion protection property (so DeletionPolicy / UpdateReplacePolicy
 * is all CloudFormation can do): AWS::Redshift::Cluster, AWS::ElastiCache::*, AWS::EFS::FileSystem,
 * AWS::OpenSearchService::Domain, AWS::SecretsManager::Secret, AWS::ECR::Repository, AWS::EC2::Volume.
 */
export const TYPE_RULES: Record<string, TypeRule> = {
  'AWS::RDS::DBInstance': {
    skip: isClusterMember,
    settings: [
      scalar('DeletionProtection', true),
      scalar('DeleteAutomatedBackups', false),
      // A read replica's data is the source's, and some engines refuse backups on replicas.
      backupRetention('BackupRetentionPeriod', RDS_FAMILY_DEFAULT, r => readProperty(r, 'SourceDBInstanceIdentifier') === undefined),
    ],
  },
  'AWS::RDS::DBCluster': {
    settings: [scalar('DeletionProtection', true), scalar('DeleteAutomatedBackups', false), backupRetention('BackupRetentionPeriod', RDS_FAMILY_DEFAULT)],
  },
  'AWS::S3::Bucket': {
    settings: [nested('VersioningConfiguration', 'Status', 'Enabled')],
  },
  'AWS::DynamoDB::Table': {
    settings: [
      scalar('DeletionProtectionEnabled', true),
      nested('PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled', true),
    ],
  },
  'AWS::DynamoDB::GlobalTable': {
    settings: [globalTableReplicas()],
  },
  'AWS::EC2::Instance': {
    settings: [scalar('DisableApiTermination', true), shutdownStops(), instanceVolumes()],
  },
  'AWS::EC2::Volume': { settings: [] },
  'AWS::EFS::FileSystem': { settings: [] },
  'AWS::ElastiCache::ReplicationGroup': { settings: [backupRetention('SnapshotRetentionLimit', ELASTICACHE_DEFAULT)] },
  'AWS::ElastiCache::CacheCluster': {
    // memcached cache clusters have no snapshots.
    settings: [backupRetention('SnapshotRetentionLimit', ELASTICACHE_DEFAULT, r => readProperty(r, 'Engine') !== 'memcached')],
    // Only Redis / Valkey clusters have snapshots; a memcached cluster gets Retain.
    snapshot: resource => readProperty(resource, 'Engine') !== 'memcached',
  },
  'AWS::ElastiCache::ServerlessCache': { settings: [backupRetention('SnapshotRetentionLimit', ELASTICACHE_DEFAULT)] },
  'AWS::Redshift::Cluster': {
    settings: [backupRetention('AutomatedSnapshotRetentionPeriod', 'Redshift keeps automated snapshots 1 day')],
  },
  'AWS::Neptune::DBCluster': { settings: [scalar('DeletionProtection', true), backupRetention('BackupRetentionPeriod', RDS_FAMILY_DEFAULT)] },
  'AWS::DocDB::DBCluster': { settings: [scalar('DeletionProtection', true), backupRetention('BackupRetentionPeriod', RDS_FAMILY_DEFAULT)] },
  'AWS::OpenSearchService::Domain': { settings: [] },
  'AWS::Elasticsearch::Domain': { settings: [] },
  'AWS::KMS::Key': { settings: [scalar('PendingWindowInDays', 30)] },
  // secretsmanager.Secret defaults to DESTROY, and CloudFormation deletes a secret without a recovery window.
  'AWS::SecretsManager::Secret': { settings: [], l2DefaultIsDelete: true },
  'AWS::Logs::LogGroup': { settings: [scalar('DeletionProtectionEnabled', true)] },
  'AWS::ECR::Repository': { settings: [scalar('EmptyOnDelete', false)] },
  'AWS::Cognito::UserPool': { settings: [scalar('DeletionProtection', 'ACTIVE')] },
};
