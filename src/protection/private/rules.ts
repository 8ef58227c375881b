import { CfnResource, Stack, Token } from 'aws-cdk-lib';

/**
 * Resource types whose DeletionPolicy may be Snapshot: the list in the CloudFormation
 * DeletionPolicy documentation, which aws-cdk-lib also enforces (CfnResource.applyRemovalPolicy).
 * Every other stateful type gets Retain.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 */
export const SNAPSHOT_TYPES = new Set([
  'AWS::DocDB::DBCluster',
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
]);

/**
 * Resource types AWS Backup can protect: the aspect tags these `guardrails:backup=true` so the
 * guardrail backup plan selects them. Other stateful types (KMS keys, secrets, log groups,
 * caches, ...) get DeletionPolicy protection but no backup tag, since no backup plan covers them.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html
 */
export const BACKUP_SUPPORTED_TYPES = new Set([
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::EC2::Instance',
  'AWS::EC2::Volume',
  'AWS::EFS::FileSystem',
  'AWS::Redshift::Cluster',
  'AWS::Neptune::DBCluster',
  'AWS::DocDB::DBCluster',
]);

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
}

/** One service-level setting the aspect checks and sets. */
export interface SettingRule {
  /** Human label used in reports, e.g. `DeletionProtection=true`. */
  readonly label: string;
  /** Applies the rule; `overwrite` replaces unprotective user values. */
  apply(resource: CfnResource, overwrite: boolean): Outcome;
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
 * The L1 (camelCase) name of a CloudFormation property, as aws-cdk-lib generates it: a leading
 * acronym is lowercased whole (`DBClusterIdentifier` -> `dbClusterIdentifier`).
 */
export function l1Name(cfnName: string): string {
  const acronym = /^([A-Z]+)(?=[A-Z][a-z])/.exec(cfnName);
  if (acronym && acronym[1].length > 1) {
    return acronym[1].toLowerCase() + cfnName.slice(acronym[1].length);
  }
  return cfnName.charAt(0).toLowerCase() + cfnName.slice(1);
}

/** Reads a top-level property as the template will see it: raw overrides win over the L1 value. */
export function readProperty(resource: CfnResource, cfnName: string): unknown {
  const overrides = (resource as unknown as { rawOverrides?: { Properties?: Record<string, unknown> } }).rawOverrides;
  if (overrides?.Properties && cfnName in overrides.Properties) {
    return overrides.Properties[cfnName];
  }
  return (resource as unknown as Record<string, unknown>)[l1Name(cfnName)];
}

/** Writes a top-level property through the L1 setter when there is one, else as an override. */
export function writeProperty(resource: CfnResource, cfnName: string, value: unknown): void {
  const camel = l1Name(cfnName);
  if (camel in resource) {
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

/** EC2 instance block devices: every mapped EBS volume kept on termination. */
export function instanceVolumes(): SettingRule {
  return {
    label: 'BlockDeviceMappings[*].Ebs.DeleteOnTermination=false',
    apply(resource, overwrite) {
      const mappings = readProperty(resource, 'BlockDeviceMappings');
      if (mappings === undefined) {
        return Outcome.OK;
      }
      if (!Array.isArray(mappings)) {
        return Outcome.UNKNOWN;
      }
      let outcome = Outcome.OK;
      const updated = mappings.map((mapping: Record<string, unknown>) => {
        const ebs = mapping.ebs as Record<string, unknown> | undefined;
        if (ebs === undefined || ebs.deleteOnTermination === false) {
          return mapping;
        }
        if (ebs.deleteOnTermination !== undefined && !overwrite) {
          outcome = Outcome.UNSAFE;
          return mapping;
        }
        if (outcome === Outcome.OK) {
          outcome = Outcome.SET;
        }
        return { ...mapping, ebs: { ...ebs, deleteOnTermination: false } };
      });
      writeProperty(resource, 'BlockDeviceMappings', updated);
      return outcome;
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
    settings: [scalar('DeletionProtection', true), scalar('DeleteAutomatedBackups', false)],
  },
  'AWS::RDS::DBCluster': {
    settings: [scalar('DeletionProtection', true), scalar('DeleteAutomatedBackups', false)],
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
  'AWS::ElastiCache::ReplicationGroup': { settings: [] },
  'AWS::ElastiCache::CacheCluster': {
    settings: [],
    // Only Redis / Valkey clusters have snapshots; a memcached cluster gets Retain.
    snapshot: resource => readProperty(resource, 'Engine') !== 'memcached',
  },
  'AWS::ElastiCache::ServerlessCache': { settings: [] },
  'AWS::Redshift::Cluster': { settings: [] },
  'AWS::Neptune::DBCluster': { settings: [scalar('DeletionProtection', true)] },
  'AWS::DocDB::DBCluster': { settings: [scalar('DeletionProtection', true)] },
  'AWS::OpenSearchService::Domain': { settings: [] },
  'AWS::Elasticsearch::Domain': { settings: [] },
  'AWS::KMS::Key': { settings: [scalar('PendingWindowInDays', 30)] },
  // secretsmanager.Secret defaults to DESTROY, and CloudFormation deletes a secret without a recovery window.
  'AWS::SecretsManager::Secret': { settings: [], l2DefaultIsDelete: true },
  'AWS::Logs::LogGroup': { settings: [scalar('DeletionProtectionEnabled', true)] },
  'AWS::ECR::Repository': { settings: [scalar('EmptyOnDelete', false)] },
  'AWS::Cognito::UserPool': { settings: [scalar('DeletionProtection', 'ACTIVE')] },
};
