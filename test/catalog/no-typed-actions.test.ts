/**
 * One source of truth: action names are typed only in the catalog (src/catalog, generated
 * from scripts/catalog/*). Every other file under src/ asks the catalog (rules, action sets,
 * queries). This test scans the code (comments and TSDoc excluded) for string literals that
 * name an action, or a `service:Prefix*` pattern of actions, of the catalog.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ActionCatalog, PolicyPacker } from '../../src';

const SRC = path.join(__dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Every string literal of a file's code (comments skipped), whole: a message that mentions an action is one literal. */
function literals(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '/' && text[i + 1] === '*') { i = text.indexOf('*/', i + 2); i = i < 0 ? text.length : i + 2; continue; }
    if (c === '\'' || c === '"' || c === '`') {
      let j = i + 1;
      let lit = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') { lit += text[j + 1] ?? ''; j += 2; continue; }
        lit += text[j];
        j++;
      }
      out.push(lit);
      i = j + 1;
      continue;
    }
    i++;
  }
  return out;
}

/** Whether a literal names catalog actions: an action, or a pattern with a literal service prefix that matches some. */
function namesActions(literal: string): boolean {
  if (!/^[a-z0-9-]+:[A-Za-z*?][A-Za-z0-9*?]*$/.test(literal)) return false;
  if (ActionCatalog.has(literal)) return true;
  if (!/[*?]/.test(literal)) return false;
  try {
    return PolicyPacker.expand([literal]).length > 0;
  } catch {
    return false;
  }
}

describe('no hand-typed action list outside the catalog', () => {
  const scanned = files(SRC).filter(f => !f.startsWith(path.join(SRC, 'catalog') + path.sep));

  test('the scan reads every source file outside src/catalog', () => {
    expect(scanned.length).toBeGreaterThan(50);
  });

  test('no string literal in src/ (outside src/catalog) names a catalog action', () => {
    const found: string[] = [];
    for (const f of scanned) {
      for (const lit of literals(fs.readFileSync(f, 'utf8'))) {
        if (namesActions(lit)) found.push(`${path.relative(SRC, f)}: '${lit}'`);
      }
    }
    expect(found).toEqual([]);
  });

  test('the scan would catch a typed action (self-check)', () => {
    expect(namesActions('ec2:TerminateInstances')).toBe(true);
    expect(namesActions('iam:Get*')).toBe(true);
    expect(namesActions('aws:PrincipalArn')).toBe(false);
    expect(namesActions('ec2:CreateAction')).toBe(false); // a condition key, not an action
    const sample = literals("const x = ['s3:DeleteBucket', `iam:PassRole`]; // 'rds:DeleteDBInstance' in a comment\n/* 'ec2:StopInstances' */ const m = 'use e.g. \\'ec2:TerminateInstances\\'';");
    expect(sample.filter(namesActions)).toEqual(['s3:DeleteBucket', 'iam:PassRole']);
  });
});
