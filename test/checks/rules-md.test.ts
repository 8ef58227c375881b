import * as fs from 'fs';
import { RULES_MD, renderRulesMarkdown } from '../../scripts/rules/generate';
import { AgentGuardrailsChecks } from '../../src/checks';

test('RULES.md is up to date (regenerate: ts-node scripts/rules/generate.ts)', () => {
  expect(fs.readFileSync(RULES_MD, 'utf8')).toBe(renderRulesMarkdown());
});

test('RULES.md has a section per rule', () => {
  const md = renderRulesMarkdown();
  for (const r of AgentGuardrailsChecks.rules()) expect(md).toContain(`\n## ${r.id}\n`);
});
