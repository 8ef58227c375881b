/**
 * The props of the library's constructs, read from the jsii type model (`.jsii`, written by
 * `npx projen compile`) and, for the structs they inherit (`ProtectedBucketProps extends
 * s3.BucketProps`) and the aws-cdk-lib classes the docs name (`cloudtrail.Trail`), from
 * aws-cdk-lib's own `.jsii`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export const LIBRARY = 'cdk-agent-guardrails';

interface JsiiTypeRef {
  readonly fqn?: string;
  readonly primitive?: string;
  readonly collection?: { readonly kind: string; readonly elementtype: JsiiTypeRef };
  readonly union?: { readonly types: JsiiTypeRef[] };
}
interface JsiiParam { readonly name: string; readonly type: JsiiTypeRef }
interface JsiiMethod {
  readonly name: string;
  readonly static?: boolean;
  readonly parameters?: JsiiParam[];
  readonly returns?: { readonly type: JsiiTypeRef };
}
interface JsiiProperty { readonly name: string; readonly type: JsiiTypeRef }
interface JsiiType {
  readonly fqn: string;
  readonly name: string;
  readonly kind: 'class' | 'interface' | 'enum';
  readonly datatype?: boolean;
  readonly base?: string;
  readonly interfaces?: string[];
  readonly initializer?: { readonly parameters?: JsiiParam[] };
  readonly methods?: JsiiMethod[];
  readonly properties?: JsiiProperty[];
}
interface JsiiAssembly { readonly types: Record<string, JsiiType> }

/** A name that can be written in a props object of a type, with how it is reached. */
export interface PropEntry {
  /** e.g. `killSwitch.deniedAttempts`, `maxSessionDuration`. */
  readonly path: string;
  /** The struct that declares it. */
  readonly declaredBy: string;
}

function readAssembly(file: string): JsiiAssembly {
  const text = fs.readFileSync(file, 'utf8');
  const json = JSON.parse(text);
  if (json.schema === 'jsii/file-redirect') {
    const target = path.join(path.dirname(file), json.filename);
    const buf = fs.readFileSync(target);
    return JSON.parse((json.compression === 'gzip' ? zlib.gunzipSync(buf) : buf).toString('utf8'));
  }
  return json;
}

/** Aliases the docs use for aws-cdk-lib modules (`iam.Role`, `cloudtrail.Trail`, ...). */
const MODULE_ALIASES = ['backup', 'cloudtrail', 'dynamodb', 'ec2', 'events', 'iam', 'kms', 'lambda', 'logs', 'rds', 's3', 'sns', 'sqs'];
/** aws-cdk-lib core classes named bare in the docs. */
const CORE_CLASSES = ['App', 'Stack', 'Stage'];

export class JsiiModel {
  /** Loads the library's `.jsii`; aws-cdk-lib's is read on first use. */
  public static load(root: string): JsiiModel {
    const own = path.join(root, '.jsii');
    if (!fs.existsSync(own)) throw new Error(`${own} is missing: run \`npx projen compile\` first`);
    return new JsiiModel(readAssembly(own), path.join(root, 'node_modules', 'aws-cdk-lib', '.jsii'));
  }

  private cdk?: JsiiAssembly;
  private readonly vocab = new Map<string, Map<string, PropEntry[]>>();

  private constructor(private readonly own: JsiiAssembly, private readonly cdkFile: string) {}

  private get cdkTypes(): Record<string, JsiiType> {
    if (!this.cdk) this.cdk = readAssembly(this.cdkFile);
    return this.cdk.types;
  }

  /** A type by fqn, from either assembly. */
  public type(fqn: string): JsiiType | undefined {
    if (fqn.startsWith(`${LIBRARY}.`)) return this.own.types[fqn];
    if (fqn.startsWith('aws-cdk-lib.')) return this.cdkTypes[fqn];
    return undefined;
  }

  /** The library's classes and structs, by simple name. */
  public libraryTypeNames(): Map<string, string> {
    const names = new Map<string, string>();
    for (const t of Object.values(this.own.types)) {
      if (t.kind === 'class' || t.datatype) names.set(t.name, t.fqn);
    }
    return names;
  }

  /** The library's constructs (classes with a `props` initializer parameter). */
  public constructs(): string[] {
    return Object.values(this.own.types).filter(t => t.kind === 'class' && this.initializerOf(t)?.parameters?.some(p => p.name === 'props')).map(t => t.fqn);
  }

  /**
   * Resolves a name as the docs write it: a library type (`AgentScp`), an aws-cdk-lib class
   * with a module alias (`cloudtrail.Trail`) or a core class (`Stack`).
   */
  public resolve(name: string): string | undefined {
    const lib = this.libraryTypeNames().get(name);
    if (lib) return lib;
    const m = /^([a-z0-9]+)\.([A-Z][A-Za-z0-9]*)$/.exec(name);
    if (m && MODULE_ALIASES.includes(m[1])) {
      const fqn = `aws-cdk-lib.aws_${m[1]}.${m[2]}`;
      return this.type(fqn) ? fqn : undefined;
    }
    if (CORE_CLASSES.includes(name)) return `aws-cdk-lib.${name}`;
    return undefined;
  }

  /** Pattern matching, in prose, every name `resolve` understands. */
  public namePattern(): RegExp {
    const lib = [...this.libraryTypeNames().keys()].sort((a, b) => b.length - a.length);
    return new RegExp(`(?<![A-Za-z0-9_.])(?:(?:${MODULE_ALIASES.join('|')})\\.[A-Z][A-Za-z0-9]*|${[...lib, ...CORE_CLASSES].join('|')}|Protected\\*)(?![A-Za-z0-9_])`, 'g');
  }

  private initializerOf(t: JsiiType): JsiiType['initializer'] {
    for (let c: JsiiType | undefined = t; c; c = c.base ? this.type(c.base) : undefined) {
      if (c.initializer) return c.initializer;
    }
    return undefined;
  }

  /**
   * What can be written in the props of a type:
   * - a class: the structs of its initializer's parameters; for a library class also those of
   *   its methods' parameters and return values (`Protection.of(s).apply({ overwrite })`,
   *   `ActionCatalog.rules()` → `CatalogRule`);
   * - a struct: its properties, with the interfaces it extends.
   * Structs are followed into nested props (`killSwitch.deniedAttempts`), and a prop typed by a
   * library class with static factories into the factories' options (`vaultLock.minRetention`).
   */
  public propsOf(fqn: string, options: { returns?: boolean } = {}): Map<string, PropEntry[]> {
    const returns = options.returns ?? true;
    const cacheKey = `${fqn}|${returns}`;
    const cached = this.vocab.get(cacheKey);
    if (cached) return cached;
    const out = new Map<string, PropEntry[]>();
    const seen = new Set<string>();
    const t = this.type(fqn);
    if (t?.kind === 'class') {
      for (const p of this.initializerOf(t)?.parameters ?? []) this.addStruct(p.type, '', out, seen, 0);
      if (fqn.startsWith(`${LIBRARY}.`)) {
        for (const m of t.methods ?? []) {
          for (const p of m.parameters ?? []) this.addStruct(p.type, '', out, seen, 0);
          if (m.returns && returns) this.addStruct(m.returns.type, '', out, seen, 0);
        }
      }
    } else if (t?.datatype) {
      this.addStruct({ fqn }, '', out, seen, 0);
    }
    this.vocab.set(cacheKey, out);
    return out;
  }

  private addStruct(ref: JsiiTypeRef, prefix: string, out: Map<string, PropEntry[]>, seen: Set<string>, depth: number): void {
    if (depth > 3) return;
    if (ref.collection) return this.addStruct(ref.collection.elementtype, prefix, out, seen, depth);
    if (ref.union) return ref.union.types.forEach(u => this.addStruct(u, prefix, out, seen, depth));
    if (!ref.fqn) return;
    const t = this.type(ref.fqn);
    if (!t) return;
    const key = `${prefix}|${t.fqn}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (t.kind === 'class') {
      // An enum-like class (VaultLock.compliance({ ... }), ec2.BlockDeviceVolume.ebs(8, { ... })):
      // the options of its static factories (static methods returning the class).
      for (const m of (t.methods ?? []).filter(x => x.static && x.returns?.type.fqn === t.fqn)) {
        for (const p of m.parameters ?? []) this.addStruct(p.type, prefix, out, seen, depth + 1);
      }
      return;
    }
    if (!t.datatype) return;
    for (const i of t.interfaces ?? []) this.addStruct({ fqn: i }, prefix, out, seen, depth);
    for (const p of t.properties ?? []) {
      const list = out.get(p.name) ?? [];
      list.push({ path: prefix + p.name, declaredBy: t.fqn });
      out.set(p.name, list);
      this.addStruct(p.type, `${prefix}${p.name}.`, out, seen, depth + 1);
    }
  }

  /**
   * Every prop the library itself declares, in any struct its classes take (initializer and
   * method parameters, not return values), with the classes that take it: used to tell a prop
   * written on the wrong construct.
   */
  public libraryProps(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of Object.values(this.own.types)) {
      if (t.kind !== 'class') continue;
      for (const [name, entries] of this.propsOf(t.fqn, { returns: false })) {
        if (!entries.some(e => e.declaredBy.startsWith(`${LIBRARY}.`))) continue;
        const owners = out.get(name) ?? [];
        if (!owners.includes(t.name)) owners.push(t.name);
        out.set(name, owners);
      }
    }
    return out;
  }
}
