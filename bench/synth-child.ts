/**
 * One measurement in a fresh process: builds one app (a guardrail construct, the reference app,
 * or the plain aws-cdk-lib baseline of the same resources), synthesizes it, and prints time and
 * peak memory as JSON. Module loading happens before the clock starts, so both sides measure
 * construction and synthesis only (the catalog data, read on first use, is inside the clock).
 *
 *   synth-child.ts <mode> [input.json]
 *
 * Modes (the `-plain` ones read their content from input.json, written by the suite from the
 * guardrail side's own synthesized template, so the baseline carries the same JSON):
 *   reference | plain                 the reference app | its templates as CfnResources, its file assets staged
 *                                     (or, from a workload twin's input, its workload as the example's L2s and the rest as CfnResources)
 *   bare | plain                      the reference app's own workload resources as plain L2s, no guardrails | its template
 *   agent-role | agent-role-plain     one AgentRole | an iam.Role with the same managed policies and boundary
 *   scp | rcp | org-plain             one AgentScp | one AgentRcp | CfnPolicy resources with the same content
 *   alarm | alarm-plain               one DestructiveCallAlarm | its template as CfnResources, its file asset staged
 *   catalog-has | catalog-all | catalog-json
 *                                     first ActionCatalog.has() | every section of the catalog |
 *                                     JSON.parse of the committed catalog file (the baseline)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AssetStaging, CfnDeletionPolicy, CfnOutput, CfnParameter, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { IConstruct } from 'constructs';

/**
 * The library as its users load it: the JavaScript that `npx projen compile` writes to lib/ (every
 * require of src/ is redirected there). With BENCH_TARGET=src, the TypeScript sources through
 * ts-node instead, whose transpiled modules and source maps add about 100 MiB of memory.
 */
const ROOT = path.join(__dirname, '..');
function useLib(): void {
  if (process.env.BENCH_TARGET === 'src') return;
  const Module = require('module'); // eslint-disable-line @typescript-eslint/no-require-imports
  const resolve = Module._resolveFilename;
  const src = path.join(ROOT, 'src') + path.sep;
  Module._resolveFilename = function (request: string, ...rest: unknown[]): string {
    const file: string = resolve.call(this, request, ...rest);
    return file.startsWith(src) && file.endsWith('.ts') ? path.join(ROOT, 'lib', file.slice(src.length, -3) + '.js') : file;
  };
}

// The library is required on demand (before the clock): importing it reads part of the catalog
// (action sets used by module-level constants), which the catalog modes must not do before their clock.
/* eslint-disable @typescript-eslint/no-require-imports */
const lib = (): typeof import('../src') => require('../src');
const catalog = (): typeof import('../src/catalog/action-catalog') => require('../src/catalog/action-catalog');
const example = (): typeof import('../examples/guarded-account') => require('../examples/guarded-account');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The account and Region of every single-construct stack. */
export const BENCH_ENV = { account: '111111111111', region: 'us-east-1' };

/** A file asset of a plain stack: a directory or file its template's resources name by hash. */
export interface PlainAsset {
  /** The staged copy in the guardrail side's cloud assembly (the same content stages under the same hash). */
  readonly sourcePath: string;
  readonly displayName?: string;
}

/** A stack of the plain baselines: a synthesized template, rebuilt from plain `CfnResource`s. */
export interface PlainStack {
  readonly name: string;
  /** The template as synthesized (Description, Parameters, Resources, Outputs). */
  readonly template: any;
  /**
   * Its file assets (the kill switch's code): staged and added to the asset manifest as a plain
   * L1 app must to deploy a function's code, so both sides write the same cloud assembly.
   */
  readonly assets?: PlainAsset[];
  /** The stack's account and Region where they are known (the asset manifest names them). */
  readonly env?: { readonly account?: string; readonly region?: string };
  /**
   * Set in the `GuardedAccount` stack of a workload twin: that stack starts with the example's own
   * workload resources written as the same aws-cdk-lib L2s as the example (`buildWorkload`); the
   * template then holds only the other resources, and these overrides give the workload's L1s the
   * values the guardrails set on them (deletion protection, retention, tags, ...).
   */
  readonly workload?: WorkloadInput;
}

/** The workload part of a twin's stack: what the L2s make, and the guardrails' changes to it. */
export interface WorkloadInput {
  /** Logical ID → construct path (under the stack) of each L1 the workload's L2s make. */
  readonly ids: Record<string, string>;
  /** Escape-hatch overrides on those L1s (construct path under the stack, override path, value; no value: a deletion). */
  readonly overrides: Array<{ readonly path: string; readonly override: string; readonly value?: unknown }>;
}

/** The plain input of a synthesized assembly's stacks, with the file assets their asset manifests list (the template excepted). */
function plainStacks(stacks: Array<{
  stackName: string; template: any; templateFile: string; assembly: { directory: string }; environment: { account: string; region: string };
}>): PlainStack[] {
  return stacks.map(s => {
    const manifest = path.join(s.assembly.directory, `${s.stackName}.assets.json`);
    const files = fs.existsSync(manifest) ? Object.values<any>(JSON.parse(fs.readFileSync(manifest, 'utf8')).files ?? {}) : [];
    const assets = files.filter(f => f.source.path !== s.templateFile && f.source.packaging === 'zip')
      .map(f => ({ sourcePath: path.join(s.assembly.directory, f.source.path), displayName: f.displayName }));
    const known = (v: string) => v.startsWith('unknown-') ? undefined : v;
    return { name: s.stackName, template: s.template, assets, env: { account: known(s.environment.account), region: known(s.environment.region) } };
  });
}

/** The input of `agent-role-plain`: the AgentRole's role properties and policy documents. */
export interface PlainRole {
  readonly roleName: string;
  readonly path: string;
  readonly description: string;
  readonly maxSessionSeconds: number;
  readonly boundary: any;
  readonly policies: any[];
}

/** The input of `org-plain`: policy contents and types. */
export interface PlainOrg {
  readonly policies: Array<{ content: any; type: string; targetIds: string[]; name: string; description?: string }>;
}

/**
 * The same templates with plain aws-cdk-lib: one `CfnResource` per resource (type, properties,
 * DependsOn, deletion and replace policies), the parameters (the synthesizer adds BootstrapVersion
 * and its rule itself), the outputs and the description.
 */
export function buildPlain(app: App, stacks: PlainStack[]): Stack[] {
  return stacks.map(s => {
    const t = s.template;
    const stack = new Stack(app, s.name, { env: s.env, description: t.Description });
    const resources = new Map<string, CfnResource>();
    if (s.workload) {
      buildWorkload(stack);
      const l1 = (p: string) => p.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), stack) as CfnResource;
      for (const o of s.workload.overrides) {
        if (o.value === undefined) l1(o.path).addDeletionOverride(o.override);
        else l1(o.path).addOverride(o.override, o.value);
      }
      Object.entries(s.workload.ids).forEach(([id, p]) => resources.set(id, l1(p)));
    }
    for (const [id, r] of Object.entries<any>(t.Resources ?? {})) {
      const res = new CfnResource(stack, id, { type: r.Type, properties: r.Properties });
      if (r.DeletionPolicy) res.cfnOptions.deletionPolicy = r.DeletionPolicy as CfnDeletionPolicy;
      if (r.UpdateReplacePolicy) res.cfnOptions.updateReplacePolicy = r.UpdateReplacePolicy as CfnDeletionPolicy;
      resources.set(id, res);
    }
    for (const [id, r] of Object.entries<any>(t.Resources ?? {})) {
      for (const d of [].concat(r.DependsOn ?? [])) resources.get(id)!.addResourceDependency(resources.get(d)!);
    }
    // The file assets, as the lightest public way stages one (what lambda.Code.fromAsset does without s3_assets.Asset).
    (s.assets ?? []).forEach((a, i) => {
      const staging = new AssetStaging(stack, `PlainAsset${i}`, { sourcePath: a.sourcePath });
      stack.synthesizer.addFileAsset({
        packaging: staging.packaging, sourceHash: staging.assetHash, fileName: staging.relativeStagedPath(stack), displayName: a.displayName,
      });
    });
    // After the resources, parameters and outputs in the template's order (the section order follows creation order).
    for (const section of Object.keys(t)) {
      if (section === 'Parameters') {
        for (const [id, p] of Object.entries<any>(t.Parameters)) {
          if (id !== 'BootstrapVersion') new CfnParameter(stack, id, { type: p.Type, default: p.Default });
        }
      } else if (section === 'Outputs') {
        for (const [id, o] of Object.entries<any>(t.Outputs)) {
          // Another construct id than the logical id: an output may be named BootstrapVersion (a guarded
          // bootstrap's), and a child of that id stops the synthesizer adding its own parameter.
          new CfnOutput(stack, `Output.${id}`, { value: o.Value, description: o.Description, exportName: o.Export?.Name }).overrideLogicalId(id);
        }
      }
    }
    return stack;
  });
}

/** Whether two assemblies hold the same templates and asset manifests for these stacks (what a plain twin must write). */
function sameAssembly(a: { directory: string }, b: { directory: string }, stackNames: string[]): boolean {
  const read = (dir: string, file: string) => fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : undefined;
  return stackNames.every(n => [`${n}.template.json`, `${n}.assets.json`].every(f => read(a.directory, f) === read(b.directory, f)));
}

/**
 * Whether two assemblies hold the same templates up to key order, and the same asset manifests
 * apart from the template's own entry (named by the template's hash, which follows its key order).
 */
function sameUpToKeyOrder(a: { directory: string }, b: { directory: string }, stackNames: string[]): boolean {
  const read = (dir: string, file: string) => fs.existsSync(path.join(dir, file)) ? JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) : undefined;
  const fileAssets = (dir: string, n: string) => {
    const m = read(dir, `${n}.assets.json`);
    return m && { ...m, files: Object.fromEntries(Object.entries<any>(m.files ?? {}).filter(([, f]) => f.source.path !== `${n}.template.json`)) };
  };
  return stackNames.every(n => canonical(read(a.directory, `${n}.template.json`)) === canonical(read(b.directory, `${n}.template.json`))
    && canonical(fileAssets(a.directory, n)) === canonical(fileAssets(b.directory, n)));
}

/** The plain twin of a synthesized assembly, for the suites. */
export interface PlainTwin {
  /** The input file of a `plain` child. */
  readonly file: string;
  /** Resources in the assembly's stacks. */
  readonly resources: number;
  /** Whether the twin writes the same templates and asset manifests (else the two sides do not do the same work). */
  readonly same: boolean;
}

/**
 * Writes the plain input of `assembly` to `dir/<name>.json`, synthesizes the twin in
 * `dir/<name>-plain-out` and compares the two. The assembly's directory must outlive the
 * measurements: the twin stages its file assets from there.
 */
export function plainTwin(assembly: { directory: string; stacks: Parameters<typeof plainStacks>[0] }, dir: string, name: string): PlainTwin {
  return writeTwin(assembly, plainStacks(assembly.stacks), dir, name, sameAssembly);
}

/** Writes a twin's input to `dir/<name>.json`, synthesizes it in `dir/<name>-plain-out` and compares it with `assembly` by `same`. */
function writeTwin(assembly: { directory: string; stacks: Parameters<typeof plainStacks>[0] }, stacks: PlainStack[], dir: string, name: string,
  same: (a: { directory: string }, b: { directory: string }, stackNames: string[]) => boolean): PlainTwin {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(stacks));
  const app = new App({ outdir: path.join(dir, `${name}-plain-out`) });
  buildPlain(app, stacks);
  return {
    file,
    resources: assembly.stacks.reduce((n, s) => n + Object.keys(s.template.Resources ?? {}).length, 0),
    same: same(assembly, app.synth(), stacks.map(s => s.name)),
  };
}

/** The single-construct stacks (the suites synthesize the same functions in-process to make the plain inputs). */
export function buildConstruct(app: App, mode: string): Stack {
  const { AgentRcp, AgentRole, AgentScp, DestructiveCallAlarm } = lib();
  const stack = new Stack(app, 'Bench', { env: BENCH_ENV });
  switch (mode) {
    case 'agent-role':
      new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(BENCH_ENV.account), roleName: 'bench-agent' });
      break;
    case 'scp':
      new AgentScp(stack, 'AgentScp', { targetIds: ['r-ab12'], breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'] });
      break;
    case 'rcp':
      new AgentRcp(stack, 'AgentRcp', { targetIds: ['r-ab12'] });
      break;
    case 'alarm':
      new DestructiveCallAlarm(stack, 'Alarm', { emails: ['oncall@example.com'], killSwitch: { deniedAttempts: 5 } });
      break;
    default:
      throw new Error(`unknown construct mode ${mode}`);
  }
  return stack;
}

/**
 * The reference app's own workload resources without any guardrail: the VPC, database, bucket,
 * instance and table its `GuardedAccount` stack makes, written as plain aws-cdk-lib L2s with the
 * props the example gives them (mirrors `GuardedAccountStack` in examples/guarded-account.ts: keep
 * them in step). Against its own template as `CfnResource`s, it measures what aws-cdk-lib's L2s
 * cost on those resources in any app, which the reference app's figure includes.
 */
export function buildBare(app: App): Stack {
  const stack = new Stack(app, 'Bare', { env: { region: 'us-east-1' } });
  buildWorkload(stack);
  return stack;
}

/** Adds the example's workload resources (as plain L2s, the example's ids and props) to a stack. */
export function buildWorkload(stack: Stack): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const ec2: typeof import('aws-cdk-lib/aws-ec2') = require('aws-cdk-lib/aws-ec2');
  const rds: typeof import('aws-cdk-lib/aws-rds') = require('aws-cdk-lib/aws-rds');
  const s3: typeof import('aws-cdk-lib/aws-s3') = require('aws-cdk-lib/aws-s3');
  const dynamodb: typeof import('aws-cdk-lib/aws-dynamodb') = require('aws-cdk-lib/aws-dynamodb');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  new rds.DatabaseInstance(stack, 'Orders', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  new s3.Bucket(stack, 'Uploads');
  new ec2.Instance(stack, 'Worker', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  new dynamodb.TableV2(stack, 'Sessions', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
}

/** The escape-hatch overrides that turn one synthesized resource into another (objects merge key by key, anything else is replaced). */
function overridesOf(from: any, to: any, prefix: string, out: Array<{ override: string; value?: unknown }>): void {
  const isObject = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  for (const k of new Set([...Object.keys(from), ...Object.keys(to)])) {
    const p = prefix + k.replace(/\./g, '\\.');
    if (!(k in to)) out.push({ override: p });
    else if (isObject(from[k]) && isObject(to[k])) overridesOf(from[k], to[k], `${p}.`, out);
    else if (JSON.stringify(from[k]) !== JSON.stringify(to[k])) out.push({ override: p, value: to[k] });
  }
}

/** JSON with every object's keys sorted: equal for two templates that differ only in key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map(k => [k, x[k]])) : x);
}

/**
 * The workload twin of the reference app: the same templates, with the example's own workload
 * resources in `stackName` written as the same aws-cdk-lib L2s as the example (with the values the
 * guardrails give them as overrides), and everything the guardrails add as `CfnResource`s. Against
 * it, the reference app's figure is what the guardrails cost an app that already has its
 * workload. `same` compares the templates up to key order (overrides and `CfnResource`s place
 * keys and resources in another order) and the asset manifests byte for byte.
 */
export function workloadTwin(assembly: { directory: string; stacks: Parameters<typeof plainStacks>[0] }, dir: string, name: string,
  stackName: string): PlainTwin {
  const stacks = plainStacks(assembly.stacks).map(s => {
    if (s.name !== stackName) return s;
    const app = new App({ outdir: path.join(dir, `${name}-workload-out`) });
    const stack = new Stack(app, s.name, { env: s.env });
    buildWorkload(stack);
    const own = app.synth().getStackByName(s.name).template;
    const ids: Record<string, string> = {};
    for (const c of stack.node.findAll()) {
      if (c instanceof CfnResource) ids[stack.resolve(c.logicalId)] = c.node.path.slice(stack.node.path.length + 1);
    }
    const overrides: Array<{ path: string; override: string; value?: unknown }> = [];
    for (const [id, p] of Object.entries(ids)) {
      const found: Array<{ override: string; value?: unknown }> = [];
      overridesOf(own.Resources[id], s.template.Resources[id], '', found);
      overrides.push(...found.map(o => ({ path: p, ...o })));
    }
    const rest = (section: string) => Object.fromEntries(Object.entries<any>(s.template[section] ?? {}).filter(([id]) => !(own[section] ?? {})[id]));
    return { ...s, template: { ...s.template, Resources: rest('Resources'), Parameters: rest('Parameters') }, workload: { ids, overrides } };
  });
  return writeTwin(assembly, stacks, dir, name, sameUpToKeyOrder);
}

/** The plain input of an AgentRole stack's template: the role's properties and its policy documents. */
export function plainRoleOf(template: any): PlainRole {
  const res = Object.entries<any>(template.Resources);
  const roleProps = res.find(([, r]) => r.Type === 'AWS::IAM::Role')![1].Properties;
  const policies = res.filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');
  return {
    roleName: roleProps.RoleName,
    path: roleProps.Path,
    description: roleProps.Description,
    maxSessionSeconds: roleProps.MaxSessionDuration,
    boundary: policies.find(([id]) => id.includes('Boundary'))![1].Properties.PolicyDocument,
    policies: policies.filter(([id]) => !id.includes('Boundary')).map(([, r]) => r.Properties.PolicyDocument),
  };
}

/** The plain input of an AgentScp or AgentRcp stack's template: each policy's content, type, targets, name and description. */
export function plainOrgOf(template: any): PlainOrg {
  return {
    policies: Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::Organizations::Policy').map(r => ({
      content: r.Properties.Content,
      type: r.Properties.Type,
      targetIds: r.Properties.TargetIds,
      name: r.Properties.Name,
      description: r.Properties.Description,
    })),
  };
}

function buildPlainRole(app: App, r: PlainRole): void {
  const stack = new Stack(app, 'Bench', { env: BENCH_ENV });
  const role = new iam.Role(stack, 'Agent', {
    assumedBy: new iam.AccountPrincipal(BENCH_ENV.account),
    roleName: r.roleName,
    path: r.path,
    description: r.description,
    maxSessionDuration: Duration.seconds(r.maxSessionSeconds),
  });
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', { path: r.path, document: iam.PolicyDocument.fromJson(r.boundary) });
  iam.PermissionsBoundary.of(role).apply(boundary);
  r.policies.forEach((doc, i) => new iam.ManagedPolicy(stack, `Policy${i}`, { path: r.path, document: iam.PolicyDocument.fromJson(doc), roles: [role] }));
}

function buildPlainOrg(app: App, o: PlainOrg): void {
  const stack = new Stack(app, 'Bench', { env: BENCH_ENV });
  o.policies.forEach((p, i) => new organizations.CfnPolicy(stack, `P${i}`, {
    name: p.name, type: p.type, description: p.description, content: p.content, targetIds: p.targetIds,
  }));
}

/**
 * Peak resident memory of this process. On Linux, VmHWM of /proc/self/status: getrusage's maxRSS
 * also counts the parent's memory at fork time (the kernel carries it over exec), which made every
 * child report the bench runner's own peak.
 */
function peakRssMiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** The catalog file the library reads. */
function catalogFile(): string {
  return path.join(ROOT, process.env.BENCH_TARGET === 'src' ? 'src' : 'lib', 'catalog', 'data', 'catalog.json');
}

/**
 * BENCH_BALLAST=<n>: keeps n × 10,000 small objects alive from before the clock to the end, so a
 * process holds a larger heap with no other difference (the heap-size experiment in
 * docs/synth-speed.md: aws-cdk-lib's validator runs longer in a process with a larger live heap).
 */
function ballast(): unknown[] {
  const kept: unknown[] = [];
  const n = Number(process.env.BENCH_BALLAST ?? 0);
  for (let i = 0; i < n * 10_000; i++) kept.push({ a: `x${i}`, b: [i, i + 1] });
  return kept;
}

function main(): void {
  useLib();
  const kept = ballast();
  const [mode, inputFile] = process.argv.slice(2);
  const input = inputFile ? JSON.parse(fs.readFileSync(inputFile, 'utf8')) : undefined;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  let sink = 0;
  const ActionCatalog = mode.startsWith('catalog-') ? catalog().ActionCatalog : undefined;
  const buildGuardedAccountApp = mode === 'reference' ? example().buildGuardedAccountApp : undefined;
  if (['agent-role', 'scp', 'rcp', 'alarm'].includes(mode)) lib();
  const t0 = process.hrtime.bigint();
  if (mode === 'catalog-json') {
    sink += Object.keys(JSON.parse(fs.readFileSync(catalogFile(), 'utf8'))).length;
  } else if (mode === 'catalog-has') {
    sink += ActionCatalog!.has('ec2:TerminateInstances') ? 1 : 0;
  } else if (mode === 'catalog-all') {
    // Every section: head, sets, rules and every service.
    sink += ActionCatalog!.allActions().length + ActionCatalog!.rules().length + ActionCatalog!.actionSetIds().length
      + ActionCatalog!.describe('ec2:TerminateInstances').categories.length;
  } else {
    const app = new App({ outdir });
    if (mode === 'reference') buildGuardedAccountApp!(app);
    else if (mode === 'bare') buildBare(app);
    else if (mode === 'plain' || mode === 'alarm-plain') buildPlain(app, input);
    else if (mode === 'agent-role-plain') buildPlainRole(app, input);
    else if (mode === 'org-plain') buildPlainOrg(app, input);
    else buildConstruct(app, mode);
    app.synth();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ms, maxRssMiB: peakRssMiB(), sink: sink + kept.length }));
}

if (require.main === module) main();
