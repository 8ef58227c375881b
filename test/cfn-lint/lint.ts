import { spawnSync } from 'child_process';

/** One finding of `cfn-lint --format json`. */
export interface CfnLintFinding {
  readonly Filename: string;
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path?: Array<string | number> };
}

/** The cfn-lint version on the PATH; throws (never skips) when it is missing. */
export function cfnLintVersion(): string {
  const run = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`cfn-lint is not runnable (${run.error?.message ?? `exit ${run.status}: ${run.stderr}`}). `
      + 'It is part of the build machine image (Python, pip install cfn-lint); the cfn-lint gate cannot pass without it.');
  }
  return run.stdout.trim();
}

/** cfn-lint's exit code: a bit per level found (2 error, 4 warning, 8 informational). */
function expectedStatus(findings: CfnLintFinding[]): number {
  const bit = { Error: 2, Warning: 4, Informational: 8 };
  return [...new Set(findings.map(f => f.Level))].reduce((sum, level) => sum + bit[level], 0);
}

/**
 * Runs cfn-lint once over `templates`. Throws when cfn-lint crashes, prints something that is not
 * its JSON report, or exits with a code that does not match the findings it printed.
 */
export function cfnLint(templates: string[]): CfnLintFinding[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...templates], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  let findings: CfnLintFinding[];
  try {
    findings = JSON.parse(run.stdout);
  } catch {
    throw new Error(`cfn-lint exited ${run.status} without a JSON report:\n${run.stdout}\n${run.stderr}`);
  }
  if (!Array.isArray(findings) || run.status !== expectedStatus(findings)) {
    throw new Error(`cfn-lint exited ${run.status}, which does not match its ${findings.length} findings:\n${run.stderr}`);
  }
  return findings;
}

/** "W3037 × 57, W3005 × 1": findings counted by level and rule. */
export function countByRule(findings: CfnLintFinding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(`${f.Level} ${f.Rule.Id}`, (counts.get(`${f.Level} ${f.Rule.Id}`) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none';
}
