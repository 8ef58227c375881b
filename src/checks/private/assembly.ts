import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_ENV, PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION, ResolveEnv, resolve as resolveIntrinsics } from './intrinsics';

const ACK_METADATA_TYPE = 'aws:cdk:acknowledged-rules';
const LOGICAL_ID_METADATA_TYPE = 'aws:cdk:logicalId';

/** One resource of a synthesized template. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  /** Raw `Properties` (intrinsics unresolved). */
  readonly properties: Record<string, unknown>;
  readonly deletionPolicy?: unknown;
  readonly updateReplacePolicy?: unknown;
  readonly metadata?: Record<string, unknown>;
  /** Construct path (no leading slash), when the assembly records it. */
  readonly constructPath?: string;
  readonly stack: StackModel;
}

/** One stack (or nested stack) of a cloud assembly. */
export interface StackModel {
  /** Display name: the stack's construct path, e.g. `Prod/Database`. */
  readonly name: string;
  /** Absolute path of the template file. */
  readonly templatePath: string;
  readonly env: ResolveEnv;
  /** Termination protection from the manifest; undefined for nested stacks. */
  readonly terminationProtection?: boolean;
  readonly nested: boolean;
  readonly resources: TemplateResource[];
}

/** An acknowledgement recorded with `Validations.of(construct).acknowledge()`. */
export interface RecordedAcknowledgement {
  /** Rule ID without namespace, e.g. `AG-RES1`. */
  readonly ruleId: string;
  /** The ID as recorded, e.g. `AgentGuardrails::AG-RES1`. */
  readonly recordedId: string;
  /** Construct path where it was recorded (no leading slash). */
  readonly path: string;
  readonly reason: string;
}

/** The parts of a cloud assembly the checks read. */
export interface AppModel {
  readonly directory: string;
  readonly stacks: StackModel[];
  readonly acknowledgements: RecordedAcknowledgement[];
  /** Validation plugins that ran at synth: those in `validation-report.json`, plus AgentGuardrails when its marker file is there. */
  readonly pluginsRun: string[];
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: Record<string, unknown>;
  readonly metadata?: Record<string, Array<{ type: string; data?: unknown }>>;
  readonly additionalMetadataFile?: string;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function envOf(artifact: ManifestArtifact, stackName: string): ResolveEnv {
  const m = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
  const account = m && /^\d{12}$/.test(m[1]) ? m[1] : PLACEHOLDER_ACCOUNT;
  const region = m && /^[a-z]{2}(-[a-z]+)+-\d$/.test(m[2]) ? m[2] : PLACEHOLDER_REGION;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return { ...DEFAULT_ENV, account, region, partition, stackName };
}

/** The rule ID of a recorded acknowledgement ID: strips the namespace (`AgentGuardrails::AG-RES1` -> `AG-RES1`). */
export function ruleIdOf(recordedId: string): string {
  const i = recordedId.lastIndexOf('::');
  return i >= 0 ? recordedId.slice(i + 2) : recordedId;
}

/** Namespace of an acknowledgement ID (`Annotation` for bare IDs). */
export function namespaceOf(recordedId: string): string {
  const i = recordedId.lastIndexOf('::');
  return i >= 0 ? recordedId.slice(0, i) : 'Annotation';
}

/**
 * Loads a cloud assembly directory: the stacks of `manifest.json` (recursing into nested
 * stages' assemblies and nested stacks), their templates, construct paths and acknowledgements.
 */
export class AssemblyLoader {
  public static load(directory: string): AppModel {
    const stacks: StackModel[] = [];
    const acknowledgements: RecordedAcknowledgement[] = [];
    AssemblyLoader.loadInto(path.resolve(directory), stacks, acknowledgements);
    let pluginsRun: string[] = [];
    const reportFile = path.join(directory, 'validation-report.json');
    if (fs.existsSync(reportFile)) {
      try {
        pluginsRun = (readJson(reportFile).pluginReports ?? []).map((r: { pluginName: string }) => r.pluginName);
      } catch {
        pluginsRun = [];
      }
    }
    if (fs.existsSync(path.join(directory, 'agent-guardrails-checks.json'))) pluginsRun.push('AgentGuardrails');
    return { directory: path.resolve(directory), stacks, acknowledgements, pluginsRun };
  }

  private static loadInto(directory: string, stacks: StackModel[], acks: RecordedAcknowledgement[]): void {
    const manifestFile = path.join(directory, 'manifest.json');
    if (!fs.existsSync(manifestFile)) {
      throw new Error(`cdk.out: no manifest.json in ${directory}. Pass the directory 'cdk synth' wrote (default: cdk.out).`);
    }
    const manifest = readJson(manifestFile);
    for (const [id, artifact] of Object.entries<ManifestArtifact>(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly') {
        const dir = artifact.properties?.directoryName;
        if (typeof dir === 'string') AssemblyLoader.loadInto(path.join(directory, dir), stacks, acks);
        continue;
      }
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const templateFile = artifact.properties?.templateFile;
      if (typeof templateFile !== 'string') continue;
      const name = artifact.displayName ?? id;
      let metadata = artifact.metadata ?? {};
      if (artifact.additionalMetadataFile) {
        const file = path.join(directory, artifact.additionalMetadataFile);
        if (fs.existsSync(file)) metadata = { ...metadata, ...readJson(file) };
      }
      const paths = new Map<string, string>();
      for (const [p, entries] of Object.entries(metadata)) {
        for (const e of entries ?? []) {
          const cpath = p.replace(/^\//, '');
          if (e.type === LOGICAL_ID_METADATA_TYPE && typeof e.data === 'string') {
            paths.set(e.data, cpath);
          } else if (e.type === ACK_METADATA_TYPE && e.data && typeof e.data === 'object') {
            for (const [recordedId, reason] of Object.entries(e.data as Record<string, unknown>)) {
              acks.push({ ruleId: ruleIdOf(recordedId), recordedId, path: cpath, reason: typeof reason === 'string' ? reason : '' });
            }
          }
        }
      }
      const env = envOf(artifact, String(artifact.properties?.stackName ?? id));
      AssemblyLoader.loadStack(directory, templateFile, name, env, artifact.properties?.terminationProtection === true, false, paths, stacks);
    }
  }

  private static loadStack(directory: string, templateFile: string, name: string, env: ResolveEnv, terminationProtection: boolean | undefined,
    nested: boolean, paths: Map<string, string>, stacks: StackModel[]): void {
    const templatePath = path.join(directory, templateFile);
    const template = readJson(templatePath);
    const resources: TemplateResource[] = [];
    const stack: StackModel = { name, templatePath, env, terminationProtection: nested ? undefined : terminationProtection, nested, resources };
    stacks.push(stack);
    for (const [logicalId, r] of Object.entries<any>(template.Resources ?? {})) {
      const metaPath = r.Metadata?.['aws:cdk:path'];
      resources.push({
        logicalId,
        type: String(r.Type),
        properties: r.Properties ?? {},
        deletionPolicy: r.DeletionPolicy,
        updateReplacePolicy: r.UpdateReplacePolicy,
        metadata: r.Metadata,
        constructPath: nested ? (typeof metaPath === 'string' ? metaPath : undefined) : (paths.get(logicalId) ?? (typeof metaPath === 'string' ? metaPath : undefined)),
        stack,
      });
      const asset = r.Metadata?.['aws:asset:path'];
      if (r.Type === 'AWS::CloudFormation::Stack' && typeof asset === 'string' && fs.existsSync(path.join(directory, asset))) {
        AssemblyLoader.loadStack(directory, asset, `${name}/${logicalId}`, env, undefined, true, paths, stacks);
      }
    }
  }

  private constructor() {}
}

/** Resolves a fragment of a resource's template in its stack's environment. */
export function resolveIn(resource: TemplateResource, value: unknown): unknown {
  return resolveIntrinsics(value, resource.stack.env);
}

/**
 * Tags of a resource in any of the template forms (list of Key/Value, map, EFS FileSystemTags).
 * A DynamoDB global table (TableV2) carries its tags per replica: a tag counts when every
 * replica has it.
 */
export function tagsOf(resource: TemplateResource): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const replicas = resource.type === 'AWS::DynamoDB::GlobalTable' ? resource.properties.Replicas : undefined;
  if (Array.isArray(replicas) && replicas.length > 0 && resource.properties.Tags === undefined) {
    const per = replicas.map((r: any) => tagsOf({ ...resource, type: 'AWS::DynamoDB::Table', properties: r ?? {} }));
    for (const [k, v] of per[0]) if (per.every(m => m.get(k) === v)) out.set(k, v);
    return out;
  }
  const raw = resource.properties.Tags ?? resource.properties.FileSystemTags;
  if (Array.isArray(raw)) {
    for (const t of raw) if (t && typeof t === 'object' && typeof (t as any).Key === 'string') out.set((t as any).Key, (t as any).Value);
  } else if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) out.set(k, v);
  }
  return out;
}
