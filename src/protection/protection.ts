import { Annotations, AspectPriority, Aspects, CfnDeletionPolicy, CfnResource, IAspect, Stack, TagManager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AgentIdentity } from '../identity';
import { BACKUP_SUPPORTED_TYPES, Outcome, SettingResult, SNAPSHOT_TYPES, TYPE_RULES, TypeRule } from './private/rules';
import { WARNING_PREFIX } from './private/validation';

/**
 * Options for `Protection.of(scope).apply()`.
 */
export interface ProtectionOptions {
  /**
   * Replace unprotective values the user set explicitly (a DeletionPolicy of Delete,
   * `DeletionProtection: false`, versioning suspended, ...).
   *
   * Off by default: an explicit choice is kept and gets a warning saying the resource is NOT
   * protected.
   *
   * @default false
   */
  readonly overwrite?: boolean;

  /**
   * Tag the resources AWS Backup supports with `guardrails:backup=true` so the guardrail
   * backup plan selects them.
   *
   * @default true
   */
  readonly backupTag?: boolean;

  /**
   * Turn on termination protection for every (non-nested) stack in the scope.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html
   */
  readonly terminationProtection?: boolean;
}

/**
 * What `Protection` found and did for one stateful resource.
 */
export interface ProtectedResourceReport {
  /** Construct path of the L1 resource. */
  readonly path: string;

  /** CloudFormation resource type, e.g. `AWS::RDS::DBInstance`. */
  readonly resourceType: string;

  /** Whether every protection applies (false when an explicit user choice, an unknown token or something the aspect cannot set weakens it). */
  readonly isProtected: boolean;

  /** Settings the aspect changed, e.g. `DeletionPolicy=Snapshot`, with why in parentheses where it chose a value. */
  readonly changes: string[];

  /** Every protection in effect once the aspect ran, set by it or already there, e.g. `BackupRetentionPeriod=14 days`. */
  readonly protections: string[];

  /**
   * What is not protected, with why in parentheses: an explicit user choice the aspect kept, a
   * value unknown at synth time, or something the aspect cannot set (e.g. an EC2 root volume
   * with no block device mapping).
   */
  readonly unprotected: string[];
}

/**
 * Summary of what `Protection` did in its scope.
 */
export interface ProtectionReport {
  /** One entry per stateful resource found, in visit order. */
  readonly resources: ProtectedResourceReport[];

  /** Number of stateful resources found. */
  readonly total: number;

  /** Number of those that are fully protected. */
  readonly protectedCount: number;

  /** Construct paths of resources deliberately left alone (e.g. Aurora cluster members), with the reason. */
  readonly skipped: string[];

  /** Stacks whose termination protection is on. */
  readonly protectedStacks: string[];
}

/**
 * Protects every stateful resource in a scope: the CDK-wide answer to "an agent ran
 * `terraform destroy`, `cdk destroy`, or removed a resource from the template".
 *
 * `Protection.of(scope).apply()` adds a mutating aspect that matches on the CloudFormation
 * resource type, so L1s and L2s are both covered. For each stateful resource it sets
 * DeletionPolicy and UpdateReplacePolicy to Snapshot (where CloudFormation supports it) or
 * Retain, turns on the service's own deletion protection where one exists, and tags the
 * resource `guardrails:backup=true` where AWS Backup can protect it. It also turns on stack
 * termination protection.
 *
 * Automated backups (RDS instances and clusters, Neptune, DocumentDB, Redshift, ElastiCache) are
 * kept at least 7 days, the floor of the Protected* constructs: an unset retention (the services
 * keep 1 day, ElastiCache none) becomes 14 days, the `ProtectedDatabase` default; an explicit
 * lower value (e.g. `BackupRetentionPeriod: 0`, automated backups off) is reported, or raised to
 * 7 days with `overwrite`. EC2 instances: every mapped EBS volume is kept on termination; a root
 * volume with no block device mapping cannot be, and the instance is reported as not protected. Explicit unprotective choices are kept (with a warning) unless
 * `overwrite: true` (exception: Secrets Manager secrets, whose aws-cdk-lib default is DESTROY,
 * so a Delete policy there is replaced as if unset). Aurora, Neptune and DocumentDB cluster
 * member instances are left alone: their data lives in the cluster. Each resource gets an info annotation listing what changed, and
 * `report()` returns the summary once the app is synthesized.
 *
 * Covered types: RDS DBInstance and DBCluster, S3 Bucket, DynamoDB Table and GlobalTable,
 * EC2 Instance and Volume, EFS FileSystem, ElastiCache ReplicationGroup, CacheCluster and
 * ServerlessCache, Redshift Cluster, Neptune and DocumentDB DBCluster, OpenSearch and
 * Elasticsearch Domain, KMS Key, Secrets Manager Secret, Logs LogGroup, ECR Repository,
 * Cognito UserPool.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 *
 * @example
 * declare const app: App;
 * const protection = Protection.of(app);
 * protection.apply();
 * app.synth();
 * const report = protection.report(); // e.g. report.protectedCount === report.total
 */
export class Protection {
  /** Returns the protection helper for a scope (an app, a stage, a stack or a single construct). */
  public static of(scope: IConstruct): Protection {
    return new Protection(scope);
  }

  private static readonly aspects = new WeakMap<IConstruct, ProtectionAspect>();

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Adds the protection aspect to the scope. Calling it again on the same scope does nothing.
   */
  public apply(options: ProtectionOptions = {}): void {
    if (Protection.aspects.has(this.scope)) {
      return;
    }
    const aspect = new ProtectionAspect(options);
    Protection.aspects.set(this.scope, aspect);
    Aspects.of(this.scope).add(aspect, { priority: AspectPriority.MUTATING });
  }

  /**
   * What the aspect found and did. Filled when aspects run, i.e. after `app.synth()`
   * (or `Template.fromStack`); empty before that, or if `apply()` was not called.
   */
  public report(): ProtectionReport {
    const aspect = Protection.aspects.get(this.scope);
    const resources = aspect ? [...aspect.entries.values()] : [];
    return {
      resources,
      total: resources.length,
      protectedCount: resources.filter(r => r.isProtected).length,
      skipped: aspect ? [...aspect.skipped] : [],
      protectedStacks: aspect ? [...aspect.stacks] : [],
    };
  }
}

/** The aspect behind `Protection.apply()`. */
class ProtectionAspect implements IAspect {
  public readonly entries = new Map<string, ProtectedResourceReport>();
  public readonly skipped = new Set<string>();
  public readonly stacks = new Set<string>();

  constructor(private readonly options: ProtectionOptions) {}

  public visit(node: IConstruct): void {
    if (Stack.isStack(node)) {
      this.protectStack(node);
      return;
    }
    if (!CfnResource.isCfnResource(node)) {
      return;
    }
    const rule = TYPE_RULES[node.cfnResourceType];
    if (rule === undefined) {
      return;
    }
    const skipReason = rule.skip?.(node);
    if (skipReason !== undefined) {
      this.skipped.add(`${node.node.path}: ${skipReason}`);
      return;
    }
    this.protectResource(node, rule);
  }

  private protectStack(stack: Stack): void {
    if (this.options.terminationProtection === false || stack.nested) {
      return;
    }
    stack.terminationProtection = true;
    this.stacks.add(stack.node.path);
  }

  private protectResource(resource: CfnResource, rule: TypeRule): void {
    const overwrite = this.options.overwrite === true;
    const changes: string[] = [];
    const protections: string[] = [];
    const unprotected: string[] = [];
    let explicit = false;
    const record = (result: SettingResult) => {
      const why = (fallback: string) => `${result.label} (${result.detail ?? fallback})`;
      switch (result.outcome) {
        case Outcome.OK:
          protections.push(result.label);
          break;
        case Outcome.SET:
          changes.push(result.detail ? why('') : result.label);
          protections.push(result.label);
          break;
        case Outcome.UNSAFE:
          explicit = true;
          unprotected.push(why('explicitly set otherwise'));
          break;
        case Outcome.UNKNOWN:
          explicit = true;
          unprotected.push(why('unknown until deploy: a token'));
          break;
        default:
          unprotected.push(why('the aspect cannot set it'));
      }
    };

    const snapshot = SNAPSHOT_TYPES.has(resource.cfnResourceType) && (rule.snapshot?.(resource) ?? true);
    const desired = snapshot ? CfnDeletionPolicy.SNAPSHOT : CfnDeletionPolicy.RETAIN;
    const replaceDelete = overwrite || rule.l2DefaultIsDelete === true;
    for (const attribute of ['deletionPolicy', 'updateReplacePolicy'] as const) {
      const name = attribute === 'deletionPolicy' ? 'DeletionPolicy' : 'UpdateReplacePolicy';
      const outcome = this.applyPolicy(resource, attribute, desired, replaceDelete);
      record({ outcome, label: `${name}=${outcome === Outcome.OK ? resource.cfnOptions[attribute] : desired}` });
    }

    for (const setting of rule.settings) {
      const outcome = setting.apply(resource, overwrite);
      for (const result of typeof outcome === 'string' ? [{ outcome, label: setting.label }] : outcome) {
        record(result);
      }
    }

    if (this.options.backupTag !== false && BACKUP_SUPPORTED_TYPES.has(resource.cfnResourceType)) {
      const tag = `tag ${AgentIdentity.BACKUP_TAG_KEY}=${AgentIdentity.BACKUP_TAG_VALUE}`;
      const tagged = this.tagForBackup(resource);
      if (tagged !== undefined) {
        record({ outcome: tagged ? Outcome.SET : Outcome.OK, label: tag });
      }
    }

    const entry: ProtectedResourceReport = {
      path: resource.node.path,
      resourceType: resource.cfnResourceType,
      isProtected: unprotected.length === 0,
      changes,
      protections,
      unprotected,
    };
    this.entries.set(entry.path, entry);

    if (unprotected.length > 0) {
      Annotations.of(resource).addWarningV2(`${WARNING_PREFIX}:Protection.notProtected`,
        `${resource.cfnResourceType} is NOT protected: ${unprotected.join('; ')}.`
        + (explicit ? ' Remove the explicit setting, or use Protection.of(scope).apply({ overwrite: true }).' : ''));
    }
    if (changes.length > 0) {
      Annotations.of(resource).addInfo(`Protection: set ${changes.join(', ')}.`);
    }
  }

  private applyPolicy(resource: CfnResource, attribute: 'deletionPolicy' | 'updateReplacePolicy',
    desired: CfnDeletionPolicy, overwrite: boolean): Outcome {
    const current = resource.cfnOptions[attribute];
    if (current === CfnDeletionPolicy.RETAIN || current === CfnDeletionPolicy.SNAPSHOT
      || current === CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE) {
      return Outcome.OK;
    }
    if (current !== undefined && !overwrite) {
      return Outcome.UNSAFE;
    }
    resource.cfnOptions[attribute] = desired;
    return Outcome.SET;
  }

  /** Sets the backup tag: true when set, false when it was already there, undefined when the resource cannot be tagged. */
  private tagForBackup(resource: CfnResource): boolean | undefined {
    const key = AgentIdentity.BACKUP_TAG_KEY;
    const value = AgentIdentity.BACKUP_TAG_VALUE;
    // TableV2 (AWS::DynamoDB::GlobalTable) carries its tags on the L2, which copies them to every replica.
    const candidates: IConstruct[] = [resource, ...(resource.node.scope ? [resource.node.scope] : [])];
    for (const candidate of candidates) {
      const manager = TagManager.isTaggable(candidate) ? candidate.tags
        : TagManager.isTaggableV2(candidate) ? candidate.cdkTagManager : undefined;
      if (manager) {
        if (manager.tagValues()[key] === value) {
          return false;
        }
        manager.setTag(key, value);
        return true;
      }
    }
    return undefined;
  }
}
