/**
 * Prints a short summary of a cloud assembly: its stacks and the resources in each.
 *
 *   ts-node scripts/summary.ts cdk.out
 */
import * as fs from 'fs';
import * as path from 'path';

interface ArtifactManifest {
  readonly type: string;
  readonly properties?: { readonly templateFile?: string };
  readonly displayName?: string;
}

function main(dir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const artifacts: Record<string, ArtifactManifest> = manifest.artifacts ?? {};
  const stacks = Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  let total = 0;
  console.log(`Synthesized ${stacks.length} stack(s) to ${dir}:`);
  for (const [name, artifact] of stacks) {
    const template = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties!.templateFile!), 'utf8'));
    const resources: Record<string, { Type: string }> = template.Resources ?? {};
    const byType = new Map<string, number>();
    for (const r of Object.values(resources)) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
    const count = Object.keys(resources).length;
    total += count;
    console.log(`\n  ${artifact.displayName ?? name}: ${count} resource(s)`);
    for (const [type, n] of [...byType.entries()].sort()) console.log(`    ${String(n).padStart(4)}  ${type}`);
  }
  console.log(`\nTotal: ${total} resource(s) in ${stacks.length} stack(s).`);
}

main(process.argv[2] ?? 'cdk.out');
