/**
 * Docs as tests: what README.md, RECOVERY.md, RULES.md and docs/*.md tell a user to write must
 * exist. (Replaces test/readme.test.ts, which compiled the README's ```ts blocks only.)
 *
 * 1. Snippets compile. Every ```ts / ```typescript block of README.md, RECOVERY.md and docs/*.md
 *    is compiled as a user of the published package would paste it: one TypeScript program for
 *    all of them, with tsconfig.dev.json's settings and 'cdk-agent-guardrails' mapped to this
 *    checkout's src/index.ts (test/docs/snippets.ts). Each block is its own module and must be
 *    complete (imports included), unless its first line is
 *
 *        // fragment: inside a Stack
 *
 *    Then its leading import/declare statements stay at module level and the rest becomes the
 *    body of a Stack subclass's constructor (`this` is the Stack). Nothing else is supplied:
 *    values the reader already has are written as `declare const vpc: ec2.IVpc;`. Settings that
 *    differ from the project's: noUnusedLocals/noUnusedParameters off, `types: ['node']` (no
 *    jest globals), every file a module. Object-literal keys passed to `new X(...)` and
 *    `X.method(...)` are checked against the type the checker expects there (library and
 *    aws-cdk-lib types).
 *
 * 2. Props named in prose exist (test/docs/props.ts has the full rule):
 *    - a candidate is an inline code span `name`, `name: value` (lower-camel identifier; a space
 *      after the colon) or `prop.nested` in a table row, list item or paragraph; in RULES.md's
 *      rule texts (plain text from src/checks/rules/**) also a bare camelCase word with an inner
 *      capital. Spans starting upper-case (`DeletionPolicy`, `DeleteBucket`, classes, enum
 *      members), with `(` or a capitalized segment (`ActionCategory.DISRUPT`,
 *      `Protection.of(scope).apply()`), IAM actions and condition keys (`ec2:TerminateInstances`,
 *      `aws:TagKeys`), tags and paths are never props;
 *    - it is checked against the props, read from `.jsii`, of the types named in the same row or
 *      unit, the paragraph introducing the table (for a row) and the nearest heading above that
 *      names one (the section's subject): library classes and structs, `Protected*`, aws-cdk-lib
 *      classes with their module alias (`cloudtrail.Trail`), `Stack`;
 *    - it fails if it is a prop some library class takes but none of those types (wrong or no
 *      construct named), or if the text uses it as a prop (`name: value`, "set `name`",
 *      "`name` (default ...)", a "how to change"/"prop"/"option"/"setting" column) and it is a
 *      prop of none of those types (and at least one type is named). A dotted span counts only
 *      when it starts with a prop of those types, and then the whole path must exist. Anything
 *      else is not a prop use (JSON fields, services, members, ...).
 *
 * 3. A synthetic doc with a wrong prop and a snippet that does not compile must fail both checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { JsiiModel } from './docs/jsii-model';
import { MarkdownDoc, parseMarkdown } from './docs/markdown';
import { checkProse, PropCheckResult } from './docs/props';
import { compileSnippets, Snippet, SnippetError, toSnippet, typescriptBlocks } from './docs/snippets';

// One TypeScript program of every snippet against src/ and aws-cdk-lib (about 2,900 files: 8 to
// 15 s on the 2 shared cores) plus the two .jsii models (1.5 to 2 s): the file took 9 to 26 s
// in measured runs (load average 1 to 8), close to or over the 30 s default.
jest.setTimeout(90_000);

const ROOT = path.join(__dirname, '..');
const DOC_FILES = [
  'README.md',
  'RECOVERY.md',
  'RULES.md',
  ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`),
];
/** RULES.md's one snippet is written by scripts/rules/generate.ts; its prose is checked. */
const SNIPPET_FILES = DOC_FILES.filter(f => f !== 'RULES.md');

const docs: MarkdownDoc[] = DOC_FILES.map(f => parseMarkdown(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
const docSnippets: Snippet[] = docs
  .filter(d => SNIPPET_FILES.includes(d.file))
  .flatMap(d => typescriptBlocks(d.blocks).map((b, i) => toSnippet(ROOT, d.file, b, i)));

/** A doc that is wrong on purpose: the checks must find exactly these faults. */
const SYNTHETIC = parseMarkdown('synthetic.md', [
  '# A synthetic doc',
  '',
  '| feature | default | how to change |',
  '|---|---|---|',
  '| SCP size | 10,240 | `maxDocuments` on `AgentScp` |', // line 5: a PolicyPacker prop on AgentScp
  '| sessions | 1 hour | `maxSessionDuration` on `AgentRole` |', // line 6: fine
  '',
  'Set `maxSesionDuration: Duration.hours(2)` on `AgentRole`.', // line 8: a typo
  '',
  'The alarm keeps `errorCode` absent for CRITICAL rules of `DestructiveCallAlarm`.', // line 10: not a prop use
  '',
  '- **Fix:** use AgentScp and set maxRulesPerBus on it.', // line 12: plain rule text
  '',
  '```ts',
  "import { AgentRole } from 'cdk-agent-guardrails';",
  "new AgentRole(undefined as any, 'Agent', { assumedBy: 'me' });", // line 16: does not compile
  '```',
  '',
  '```ts',
  '// fragment: inside a Stack',
  "import { AgentScp } from 'cdk-agent-guardrails';",
  "new AgentScp(this, 'Scp', { targetIds: ['r-ab12'] });", // compiles as a fragment
  '```',
  '',
  '```ts',
  "import { AgentScp } from 'cdk-agent-guardrails';",
  "new AgentScp(this, 'Scp', { targetIds: ['r-ab12'] });", // line 27: unmarked fragment
  '```',
  '',
  '```typescript',
  '// fragment: inside a Construct', // line 31: unknown marker
  '```',
  '',
  'A `DestructiveCallAlarm` counts `killSwitch.deniedAttempts`, not `killSwitch.deniedAttempt`.', // line 34
].join('\n'));
const syntheticSnippets = typescriptBlocks(SYNTHETIC.blocks).map((b, i) => toSnippet(ROOT, SYNTHETIC.file, b, i));

let compiled: ReturnType<typeof compileSnippets>;
let model: JsiiModel;
const prose = new Map<string, PropCheckResult>();
const started = Date.now();

/** `file:line: message` lines. */
function render(errors: SnippetError[]): string[] {
  return errors.map(e => `${e.file}:${e.line}: ${e.message}`);
}

/** Where a RULES.md rule text comes from. */
function ruleOrigin(doc: MarkdownDoc): (unit: { line: number; headings: { text: string }[] }) => string | undefined {
  if (doc.file !== 'RULES.md') return () => undefined;
  const dir = path.join(ROOT, 'src', 'checks', 'rules');
  const sources = fs.readdirSync(dir, { recursive: true }).map(String).filter(f => f.endsWith('.ts'));
  return unit => {
    const id = [...unit.headings].reverse().find(h => /^AG-[A-Z]+\d+$/.test(h.text))?.text;
    if (!id) return undefined;
    const file = sources.find(f => fs.readFileSync(path.join(dir, f), 'utf8').includes(`id = '${id}'`));
    return `rule ${id}${file ? `, text in src/checks/rules/${file}` : ''}; regenerate RULES.md after fixing it`;
  };
}

beforeAll(() => {
  compiled = compileSnippets(ROOT, [...docSnippets, ...syntheticSnippets]);
  model = JsiiModel.load(ROOT);
  for (const doc of [...docs, SYNTHETIC]) {
    prose.set(doc.file, checkProse(doc, model, { plainRuleTexts: doc.file === 'RULES.md' || doc === SYNTHETIC, origin: ruleOrigin(doc) }));
  }
});

afterAll(() => {
  if (!compiled) return;
  const real = [...prose.entries()].filter(([f]) => f !== SYNTHETIC.file).map(([, r]) => r);
  const uses = real.flatMap(r => r.uses);
  const failedSnippets = docSnippets.filter(s => compiled.errors.get(s)!.length > 0).length;
  const codeKeys = docSnippets.reduce((n, s) => n + compiled.codeProps.get(s)!.checked, 0);
  // One summary line: the figures the docs check stands on.
  console.log([
    `docs check: ${docSnippets.length} snippets in ${SNIPPET_FILES.length} files (${docSnippets.filter(s => s.fragment).length} fragments), ${failedSnippets} failed;`,
    `${codeKeys} object-literal keys in snippets checked against their types;`,
    `${uses.length} prop uses in prose checked, ${uses.filter(u => !u.ok).length} failed, ${real.reduce((n, r) => n + r.ignored, 0)} candidate spans not prop uses;`,
    `${((Date.now() - started) / 1000).toFixed(1)} s`,
  ].join(' '));
});

describe('TypeScript snippets compile as pasted', () => {
  test('the docs have snippets', () => {
    expect(docSnippets.length).toBeGreaterThanOrEqual(20);
    expect(docSnippets.filter(s => s.file === 'README.md').length).toBeGreaterThanOrEqual(2);
  });

  test.each(docSnippets.map(s => [`${s.file}:${s.block.line}`, s] as const))('%s', (_name, snippet) => {
    expect(render(compiled.errors.get(snippet)!)).toEqual([]);
    expect(render(compiled.codeProps.get(snippet)!.unknown)).toEqual([]);
  });
});

describe('props named in prose exist on the construct named with them', () => {
  test.each(DOC_FILES)('%s', file => {
    const result = prose.get(file)!;
    const failures = result.uses.filter(u => !u.ok).map(u => `${u.file}:${u.line}: ${u.message}`);
    expect(failures).toEqual([]);
  });

  test('the rule texts of RULES.md are read', () => {
    const rules = prose.get('RULES.md')!.uses;
    expect(rules.some(u => u.name === 'overflowLevels' && u.considered.includes('AgentScp'))).toBe(true);
  });
});

describe('self-check: a wrong doc fails', () => {
  test('snippets: the broken one, the unmarked fragment and the unknown marker fail; the marked fragment compiles', () => {
    const errorsAt = (line: number) => render(compiled.errors.get(syntheticSnippets.find(s => s.block.line === line)!)!);
    expect(errorsAt(15).join('\n')).toMatch(/^synthetic\.md:16: TS2322: Type 'string' is not assignable to type 'IPrincipal'/m);
    expect(errorsAt(20)).toEqual([]);
    expect(errorsAt(26).join('\n')).toMatch(/^synthetic\.md:27: TS2345: .*'undefined'.*'Construct'/m);
    expect(errorsAt(31).join('\n')).toMatch(/unknown fragment marker '\/\/ fragment: inside a Construct'/);
  });

  test('props: a prop of the wrong construct, typos (bare, assigned, dotted) and a wrong plain-text fix fail; the rest passes', () => {
    const result = prose.get(SYNTHETIC.file)!;
    const failures = result.uses.filter(u => !u.ok).map(u => `${u.line}: ${u.message}`);
    expect(failures).toEqual([
      expect.stringMatching(/^5: `maxDocuments` is not a prop of AgentScp .*; it is a prop of PolicyPacker$/),
      expect.stringMatching(/^8: `maxSesionDuration: Duration.hours\(2\)` is used as a prop but is not a prop of AgentRole/),
      expect.stringMatching(/^12: `maxRulesPerBus` is used as a prop but is not a prop of AgentScp/),
      expect.stringMatching(/^34: `killSwitch.deniedAttempt` is not a prop path of DestructiveCallAlarm/),
    ]);
    expect(result.uses.filter(u => u.ok).map(u => `${u.line}: ${u.name}`)).toEqual(['6: maxSessionDuration', '34: killSwitch.deniedAttempts']);
    expect(result.ignored).toBe(1); // `errorCode`
  });
});
