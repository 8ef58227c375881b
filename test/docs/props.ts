/**
 * Checks the props the docs' prose names against the jsii type model. The rule (summarized at
 * the top of test/docs.test.ts):
 *
 * 1. Where: every table row, list item and paragraph outside code blocks (a "unit"). In RULES.md
 *    the rule texts (`- **Checks:**`, `- **Why:**`, `- **Fix:**` lines, generated from
 *    src/checks/rules/**) are plain text, so there bare camelCase words with an inner capital
 *    (`maxPoliciesPerTarget`) are read as well, unless preceded by `.`, `:`, `/` or `-`, or
 *    followed by `(` or `.` (methods, members, IAM keys). Headings and code blocks are not units.
 * 2. What may be a prop (a candidate): an inline code span that is
 *    - a bare identifier `^[a-z][A-Za-z0-9]*$` (`categories`),
 *    - `name: value` with a space after the colon (`allowUnprotected: true`), or
 *    - a dotted path of such identifiers (`backup.retention`), only when its first segment is a
 *      prop of the types in context (so `alarm.rules`, `events.amazonaws.com` are not).
 *    Never a candidate: spans starting with an upper-case letter (CloudFormation properties
 *    such as `DeletionPolicy`, API names, classes, enum members), spans with `(`, a capitalized
 *    segment or `-` (`ActionCategory.DISRUPT`, `Protection.of(scope).apply()`), IAM actions and
 *    condition keys (`ec2:TerminateInstances`, `aws:TagKeys`: no space after the colon), tags
 *    (`guardrails:agent=true`), paths, object literals (`{ ... }`).
 * 3. Against what (the context): the types named in the unit — library classes and structs
 *    (`AgentScp`, `KillSwitchOptions`), `Protected*` (every Protected construct), aws-cdk-lib
 *    classes with their module alias (`cloudtrail.Trail`, `backup.BackupVault`), `Stack`, `App`,
 *    `Stage` — plus, for a table row, those of the paragraph that introduces the table, plus
 *    those of the nearest heading above that names any (the section's subject). A type's props:
 *    its initializer's props struct with the interfaces it extends (aws-cdk-lib's included, from
 *    aws-cdk-lib's .jsii), the structs nested in it (`killSwitch.deniedAttempts`), the options of
 *    the static factories of a class-typed prop (`vaultLock` → `VaultLock.compliance({
 *    minRetention })`) and, for library classes, the structs their methods take or return
 *    (`Protection.of(s).apply({ overwrite })`, the `CatalogRule` fields of `ActionCatalog.rules()`).
 * 4. Verdict:
 *    - a prop of a type in context: passes;
 *    - otherwise, a prop that some library class takes (initializer or method parameters, read
 *      from `.jsii`): fails, naming the classes that take it — a prop written on the wrong
 *      construct, or with no construct named in the unit or section;
 *    - otherwise, if the text uses it as a prop and at least one type is in context: fails.
 *      "Uses it as a prop": the `name: value` form; right after "set", "sets", "setting",
 *      "unset", "pass", "passes", "passing", "prop(s)", "option(s)", "override with"; followed by
 *      "(default", "(up to", "(at most" or by " prop", " option", " setting"; or in a table
 *      column whose header says "how to change", "prop", "option" or "setting";
 *    - otherwise it is not a prop use (a JSON field, a service prefix, a tag value, ...): counted
 *      as ignored (`DOCS_TEST_VERBOSE=1` lists them).
 */
import { JsiiModel } from './jsii-model';
import { MarkdownDoc, Span, Unit } from './markdown';

/** One prop use found in prose. */
export interface PropUse {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  /** The span or word as written. */
  readonly written: string;
  /** Types it was checked against (simple names). */
  readonly considered: string[];
  /** Where the types came from. */
  readonly contextFrom: string;
  readonly ok: boolean;
  readonly message?: string;
}

export interface PropCheckResult {
  readonly uses: PropUse[];
  /** Candidate words that were not prop uses. */
  readonly ignored: number;
}

const BARE = /^[a-z][A-Za-z0-9]*$/;
const DOTTED = /^[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)+$/;
const ASSIGNED = /^([a-z][A-Za-z0-9]*)\??:\s+\S/;
const SET_BEFORE = /\b(?:set|sets|setting|unset|pass|passes|passing|prop|props|option|options|override with)\s+(?:the\s+)?(?:prop\s+)?$/i;
const AFTER = /^\s*(?:\((?:default|defaults|up to|at most)\b|(?:prop|option|setting)s?\b)/i;
const PROP_COLUMN = /how to change|\bprops?\b|\boptions?\b|\bsettings?\b/i;
const RULE_LINE = /^- \*\*(?:Checks|Why|Fix):\*\*/;
const PLAIN_WORD = /(?<![A-Za-z0-9_.:/`-])[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*(?![A-Za-z0-9_(.`])/g;

interface Candidate {
  readonly name: string;
  /** For a dotted span (`backup.retention`): the whole path. */
  readonly path?: string;
  readonly written: string;
  readonly line: number;
  readonly signal: boolean;
}

function spanCandidate(unit: Unit, span: Span): Candidate | undefined {
  if (DOTTED.test(span.text)) {
    return { name: span.text.split('.')[0], path: span.text, written: span.text, line: span.line, signal: false };
  }
  const assigned = ASSIGNED.exec(span.text);
  const name = assigned ? assigned[1] : BARE.test(span.text) ? span.text : undefined;
  if (!name) return undefined;
  const before = unit.text.slice(0, span.offset);
  const after = unit.text.slice(span.offset).replace(/^`+[\s\S]*?`+/, '');
  const signal = !!assigned
    || SET_BEFORE.test(before)
    || AFTER.test(after)
    || (unit.kind === 'row' && PROP_COLUMN.test(span.column));
  return { name, written: span.text, line: span.line, signal };
}

function plainCandidates(unit: Unit): Candidate[] {
  // RULES.md rule texts: plain text, without code spans.
  if (!RULE_LINE.test(unit.text)) return [];
  const text = unit.text.replace(/`[^`]*`/g, m => ' '.repeat(m.length));
  const out: Candidate[] = [];
  for (const m of text.matchAll(PLAIN_WORD)) {
    const before = text.slice(0, m.index);
    const after = text.slice(m.index! + m[0].length);
    const signal = SET_BEFORE.test(before) || /^:\s/.test(after) || AFTER.test(after);
    out.push({ name: m[0], written: m[0], line: unit.line + (before.match(/\n/g)?.length ?? 0), signal });
  }
  return out;
}

export interface ProseCheckOptions {
  /** Also read bare camelCase words in `- **Checks/Why/Fix:**` lines (RULES.md). */
  readonly plainRuleTexts?: boolean;
  /** Where a unit's text comes from, added to its failures. */
  readonly origin?: (unit: Unit) => string | undefined;
}

/** Checks the prose of one doc. */
export function checkProse(doc: MarkdownDoc, model: JsiiModel, options: ProseCheckOptions = {}): PropCheckResult {
  const pattern = model.namePattern();
  const libraryProps = model.libraryProps();
  const namedIn = (text: string): string[] => {
    const names = new Set<string>();
    for (const m of text.matchAll(pattern)) {
      if (m[0] === 'Protected*') {
        for (const fqn of model.constructs()) if (/\.Protected[A-Z]/.test(fqn)) names.add(fqn.split('.').pop()!);
      } else if (model.resolve(m[0])) {
        names.add(m[0]);
      }
    }
    return [...names];
  };
  const contextOf = (unit: Unit): { names: string[]; from: string } => {
    const names = new Set<string>();
    const from: string[] = [];
    const add = (found: string[], where: string) => {
      if (found.length === 0) return;
      found.forEach(n => names.add(n));
      from.push(where);
    };
    add(namedIn(unit.text), unit.kind === 'row' ? 'the row' : `the ${unit.kind}`);
    if (unit.kind === 'row' && unit.intro) add(namedIn(unit.intro.text), `the paragraph introducing the table (line ${unit.intro.line})`);
    const heading = [...unit.headings].reverse().find(h => namedIn(h.text).length > 0);
    if (heading) add(namedIn(heading.text), `the heading at line ${heading.line}`);
    return { names: [...names], from: from.length ? from.join(', ') : 'nothing: no construct named in the unit or the headings above it' };
  };

  const uses: PropUse[] = [];
  let ignored = 0;
  for (const unit of doc.units) {
    const candidates = [
      ...unit.spans.map(s => spanCandidate(unit, s)).filter((c): c is Candidate => !!c),
      ...(options.plainRuleTexts ? plainCandidates(unit) : []),
    ];
    if (candidates.length === 0) continue;
    const ctx = contextOf(unit);
    const entries = ctx.names.flatMap(n => [...model.propsOf(model.resolve(n)!).values()].flat());
    const vocab = new Set(entries.map(e => e.path.split('.').pop()!));
    const paths = new Set(entries.map(e => e.path));
    const origin = options.origin?.(unit);
    for (const c of candidates) {
      const base = { file: doc.file, line: c.line, name: c.name, written: c.written, considered: ctx.names, contextFrom: ctx.from };
      const where = ctx.names.length ? `of ${ctx.names.join(', ')} (named in ${ctx.from})` : `of any construct named here (${ctx.from})`;
      const suffix = origin ? ` [${origin}]` : '';
      if (c.path) {
        // A dotted span is a prop path only when it starts with a prop (`backup.retention`),
        // not a member (`alarm.rules`), a service principal or a file name.
        if (!paths.has(c.name)) {
          ignored++;
        } else if (paths.has(c.path)) {
          uses.push({ ...base, name: c.path, ok: true });
        } else {
          uses.push({ ...base, name: c.path, ok: false, message: `\`${c.path}\` is not a prop path ${where}${suffix}` });
        }
      } else if (vocab.has(c.name)) {
        uses.push({ ...base, ok: true });
      } else if (libraryProps.has(c.name)) {
        uses.push({ ...base, ok: false, message: `\`${c.name}\` is not a prop ${where}; it is a prop of ${libraryProps.get(c.name)!.join(', ')}${suffix}` });
      } else if (c.signal && ctx.names.length > 0) {
        uses.push({ ...base, ok: false, message: `\`${c.written}\` is used as a prop but is not a prop ${where}, nor of any class of the library${suffix}` });
      } else {
        ignored++;
        if (process.env.DOCS_TEST_VERBOSE) process.stdout.write(`ignored ${doc.file}:${c.line} ${c.written} [${ctx.names.join(', ')}]\n`);
      }
    }
  }
  return { uses, ignored };
}
