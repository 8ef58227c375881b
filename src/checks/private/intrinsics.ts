/**
 * A small, offline resolver for the CloudFormation intrinsics the checks need to read.
 *
 * It turns pseudo parameters into fixed placeholders and references into markers, so that
 * ARNs such as `arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess` can be compared
 * as strings. It never guesses a value it cannot know: an unknown reference stays a marker
 * (`${Ref:Logical}`), which no rule counts as a pass.
 */

/** Account placeholder used when a stack has no concrete account. */
export const PLACEHOLDER_ACCOUNT = '111111111111';

/** Region placeholder used when a stack has no concrete region. */
export const PLACEHOLDER_REGION = 'us-east-1';

/** The environment a template is resolved in. */
export interface ResolveEnv {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
}

/** Default environment: placeholder account and region in the `aws` partition. */
export const DEFAULT_ENV: ResolveEnv = {
  account: PLACEHOLDER_ACCOUNT,
  region: PLACEHOLDER_REGION,
  partition: 'aws',
  stackName: 'Stack',
};

type Json = unknown;

function pseudo(name: string, env: ResolveEnv): string | undefined {
  switch (name) {
    case 'AWS::Partition': return env.partition;
    case 'AWS::AccountId': return env.account;
    case 'AWS::Region': return env.region;
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return env.stackName;
    case 'AWS::StackId': return `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/id`;
    case 'AWS::NoValue': return undefined;
    default: return undefined;
  }
}

/** Marker for a reference to a resource or parameter. */
export function refMarker(logicalId: string): string {
  return `\${Ref:${logicalId}}`;
}

/** Marker for an attribute of a resource. */
export function getAttMarker(logicalId: string, attribute: string): string {
  return `\${GetAtt:${logicalId}.${attribute}}`;
}

/**
 * Resolves intrinsics in a template fragment: pseudo parameters become values, `Ref` and
 * `Fn::GetAtt` become markers (or what `lookup` says), `Fn::Join`/`Fn::Sub`/`Fn::Select`/
 * `Fn::Split` are evaluated when their inputs are strings. Anything else is left as is.
 */
export function resolve(value: Json, env: ResolveEnv = DEFAULT_ENV, lookup?: (logicalId: string, attribute?: string) => string | undefined): Json {
  if (Array.isArray(value)) return value.map(v => resolve(v, env, lookup));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, Json>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = obj[k];
    if (k === 'Ref' && typeof arg === 'string') {
      if (arg.startsWith('AWS::')) return pseudo(arg, env) ?? refMarker(arg);
      return lookup?.(arg) ?? refMarker(arg);
    }
    if (k === 'Fn::GetAtt') {
      const [lid, att] = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split(/\.(.*)/s) : [];
      if (typeof lid === 'string' && typeof att === 'string') return lookup?.(lid, att) ?? getAttMarker(lid, att);
    }
    if (k === 'Fn::Join' && Array.isArray(arg) && arg.length === 2) {
      const sep = resolve(arg[0], env, lookup);
      const parts = resolve(arg[1], env, lookup);
      if (typeof sep === 'string' && Array.isArray(parts) && parts.every(p => typeof p === 'string')) return parts.join(sep);
    }
    if (k === 'Fn::Sub') {
      const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof template === 'string') {
        const resolvedVars = resolve(vars ?? {}, env, lookup) as Record<string, Json>;
        return template.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
          const v = resolvedVars[name];
          if (typeof v === 'string') return v;
          if (name.startsWith('AWS::')) return pseudo(name, env) ?? whole;
          const dot = name.indexOf('.');
          if (dot > 0) return lookup?.(name.slice(0, dot), name.slice(dot + 1)) ?? getAttMarker(name.slice(0, dot), name.slice(dot + 1));
          return lookup?.(name) ?? refMarker(name);
        });
      }
    }
    if (k === 'Fn::Select' && Array.isArray(arg) && arg.length === 2) {
      const idx = resolve(arg[0], env, lookup);
      const list = resolve(arg[1], env, lookup);
      const i = typeof idx === 'string' ? Number(idx) : idx;
      if (typeof i === 'number' && Array.isArray(list) && i >= 0 && i < list.length) return list[i];
    }
    if (k === 'Fn::Split' && Array.isArray(arg) && arg.length === 2) {
      const sep = resolve(arg[0], env, lookup);
      const str = resolve(arg[1], env, lookup);
      if (typeof sep === 'string' && typeof str === 'string') return str.split(sep);
    }
  }
  const out: Record<string, Json> = {};
  for (const k of keys) {
    const v = resolve(obj[k], env, lookup);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Whether a resolved value still contains a marker or an unresolved intrinsic. */
export function isUnknown(value: Json): boolean {
  if (typeof value === 'string') return /\$\{(Ref|GetAtt):/.test(value);
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === 'object') {
    return Object.keys(value).some(k => k.startsWith('Fn::') || k === 'Ref' || isUnknown((value as Record<string, Json>)[k]));
  }
  return false;
}

/** Logical IDs referenced (Ref, GetAtt, Sub) anywhere in a raw template fragment. */
export function referencedIds(value: Json, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(v => referencedIds(v, out));
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, Json>;
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) {out.add(v);} else if (k === 'Fn::GetAtt') {
        const lid = Array.isArray(v) ? v[0] : typeof v === 'string' ? v.split('.')[0] : undefined;
        if (typeof lid === 'string') out.add(lid);
      } else if (k === 'Fn::Sub') {
        const template = Array.isArray(v) ? v[0] : v;
        if (typeof template === 'string') {
          for (const m of template.matchAll(/\$\{([^}!.]+)(\.[^}]*)?\}/g)) if (!m[1].startsWith('AWS::')) out.add(m[1]);
        }
        if (Array.isArray(v)) referencedIds(v[1], out);
      } else {
        referencedIds(v, out);
      }
    }
  }
  return out;
}

/** A list that may be a single value in the template (IAM `Action`, `Resource`, ...). */
export function asList(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
