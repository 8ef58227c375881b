import { TemplateResource, resolveIn } from './assembly';
import { asList } from './intrinsics';
import { ROOT_DEVICE_NAMES } from '../../protection/private/rules';
import { BACKUP_SUPPORTED_TYPES, STATEFUL_TYPES } from '../../protection/private/stateful-types';

/** The value at a property path (`*` walks every item of a list), resolved. */
function valuesAt(r: TemplateResource, path: string[]): unknown[] | undefined {
  let values: unknown[] = [resolveIn(r, r.properties)];
  for (const part of path) {
    const next: unknown[] = [];
    for (const v of values) {
      if (part === '*') {
        if (!Array.isArray(v) || v.length === 0) return undefined;
        next.push(...v);
      } else {
        next.push(v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined);
      }
    }
    values = next;
  }
  return values;
}

/** What is missing in a type's service-level protection (from the one table of stateful types), or undefined. */
function serviceGap(r: TemplateResource): string | undefined {
  const p = STATEFUL_TYPES[r.type]?.protection;
  if (!p) return undefined;
  const name = p.path.join('.');
  const values = valuesAt(r, p.path);
  if (values === undefined) return `${name} cannot be read`;
  const bad = values.filter(v => v !== p.value).length;
  if (bad === 0) return undefined;
  if (values.length > 1) return `${bad} of ${values.length} ${name} are not ${JSON.stringify(p.value)} (no protection against ${p.what})`;
  return `${name} is ${values[0] === undefined ? 'not set' : JSON.stringify(values[0])} (needs ${JSON.stringify(p.value)}: no protection against ${p.what})`;
}

const SAFE_DELETION = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);
const SAFE_REPLACE = new Set(['Retain', 'Snapshot']);

/** Which resources are stateful and how they are protected. */
export class StatefulResources {
  /** Stateful types, sorted. */
  public static types(): string[] {
    return Object.keys(STATEFUL_TYPES).sort();
  }

  /** Whether a resource holds data of its own (an Aurora cluster member does not). */
  public static isStateful(r: TemplateResource): boolean {
    if (!(r.type in STATEFUL_TYPES)) return false;
    if (r.type === 'AWS::RDS::DBInstance' && r.properties.DBClusterIdentifier !== undefined) return false;
    return true;
  }

  /** Whether AWS Backup can back the resource up. */
  public static isBackupSupported(r: TemplateResource): boolean {
    return BACKUP_SUPPORTED_TYPES.has(r.type);
  }

  /** Whether the service has a deletion/termination protection setting for this type. */
  public static hasServiceProtection(r: TemplateResource): boolean {
    return STATEFUL_TYPES[r.type]?.protection !== undefined;
  }

  /** What is missing in the service-level protection, or undefined. */
  public static serviceProtectionGap(r: TemplateResource): string | undefined {
    return serviceGap(r);
  }

  /** What is unsafe in DeletionPolicy / UpdateReplacePolicy, or undefined. */
  public static policyGap(r: TemplateResource): string | undefined {
    const gaps: string[] = [];
    const del = r.deletionPolicy ?? STATEFUL_TYPES[r.type]?.defaultDeletionPolicy ?? 'Delete';
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
