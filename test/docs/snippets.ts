/**
 * Compiles the TypeScript snippets of the docs as a user of the published package would paste
 * them: one TypeScript program for all of them, with the project's compiler settings and
 * 'cdk-agent-guardrails' resolved to this checkout's src/.
 *
 * A snippet is a complete module unless its first line is the fragment marker
 *
 *     // fragment: inside a Stack
 *
 * Then the snippet is the body of a Stack's constructor (`this` is the Stack): its leading
 * `import` and `declare` statements stay at module level, everything after them goes into
 *
 *     export class DocsFragment extends Stack {
 *       constructor(scope: Construct, id: string) {
 *         super(scope, id);
 *         ...
 *       }
 *     }
 *
 * Nothing else is provided: a fragment imports what it uses and declares (`declare const
 * vpc: ec2.IVpc;`) what the reader already has.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { CodeBlock } from './markdown';

export const FRAGMENT_MARKER = '// fragment: inside a Stack';

/** A snippet of a doc. */
export interface Snippet {
  readonly file: string;
  readonly block: CodeBlock;
  readonly fragment: boolean;
  /** Path of the virtual module it is compiled as. */
  readonly virtualPath: string;
  readonly source: string;
  /** Doc line of each line of `source` (0 for wrapper lines). */
  readonly lineMap: number[];
  /** Problems found before compiling (a malformed fragment). */
  readonly problems: string[];
}

/** One failure: `file:line: message`. */
export interface SnippetError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Object-literal keys passed to calls and constructors, and how many the checker resolved. */
export interface CodePropStats {
  readonly checked: number;
  readonly unknown: SnippetError[];
}

const TS_LANGS = new Set(['ts', 'typescript']);

/** The TypeScript blocks of a doc. */
export function typescriptBlocks(blocks: CodeBlock[]): CodeBlock[] {
  return blocks.filter(b => TS_LANGS.has(b.lang));
}

function isHoisted(stmt: ts.Statement): boolean {
  if (ts.isImportDeclaration(stmt) || ts.isImportEqualsDeclaration(stmt)) return true;
  const mods = ts.canHaveModifiers(stmt) ? ts.getModifiers(stmt) : undefined;
  return !!mods?.some(m => m.kind === ts.SyntaxKind.DeclareKeyword);
}

/** Turns a code block into the module that is compiled. */
export function toSnippet(root: string, file: string, block: CodeBlock, index: number): Snippet {
  const virtualPath = path.join(root, '.docs-snippets', `${file.replace(/[^A-Za-z0-9]+/g, '_')}_${index}_L${block.line}.ts`);
  const lines = block.code.replace(/\n$/, '').split('\n');
  const first = lines.findIndex(l => l.trim() !== '');
  const firstLine = first >= 0 ? lines[first].trim() : '';
  const identity = lines.map((_, k) => block.line + k);
  if (!firstLine.startsWith('// fragment')) {
    return { file, block, fragment: false, virtualPath, source: lines.join('\n') + '\n', lineMap: identity, problems: [] };
  }
  const problems: string[] = [];
  if (firstLine !== FRAGMENT_MARKER) {
    problems.push(`unknown fragment marker '${firstLine}': the only one is '${FRAGMENT_MARKER}'`);
  }
  // Split: leading import/declare statements stay at module level.
  const sf = ts.createSourceFile('fragment.ts', block.code, ts.ScriptTarget.ES2022, true);
  let split = 0; // line index where the body starts
  let bodyStarted = false;
  for (const stmt of sf.statements) {
    const endLine = sf.getLineAndCharacterOfPosition(stmt.end).line;
    if (isHoisted(stmt)) {
      if (bodyStarted) {
        const l = sf.getLineAndCharacterOfPosition(stmt.getStart(sf)).line;
        problems.push(`line ${block.line + l}: a fragment's import and declare statements must come before its other code`);
      } else {
        split = endLine + 1;
      }
    } else {
      bodyStarted = true;
    }
  }
  const head = lines.slice(0, split);
  const body = lines.slice(split);
  const open = [
    "import { Stack as DocsFragmentStack } from 'aws-cdk-lib';",
    "import { Construct as DocsFragmentConstruct } from 'constructs';",
    'export class DocsFragment extends DocsFragmentStack {',
    '  constructor(scope: DocsFragmentConstruct, id: string) {',
    '    super(scope, id);',
  ];
  const close = ['  }', '}'];
  const source = [...head, ...open, ...body, ...close].join('\n') + '\n';
  const lineMap = [
    ...head.map((_, k) => block.line + k),
    ...open.map(() => 0),
    ...body.map((_, k) => block.line + split + k),
    ...close.map(() => 0),
  ];
  return { file, block, fragment: true, virtualPath, source, lineMap, problems };
}

/** The project's compiler options (tsconfig.dev.json), adjusted for doc snippets. */
export function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.dev.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const raw = read.config;
  // A no-op directory reader: only the options are wanted, not the project's file list.
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: true,
    readDirectory: () => [],
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  };
  const parsed = ts.parseJsonConfigFileContent({
    ...raw,
    compilerOptions: {
      ...raw.compilerOptions,
      // What a user of the published package gets: the package's types, from this checkout.
      paths: { 'cdk-agent-guardrails': ['./src/index.ts'] },
    },
  }, host, root, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    // A snippet shows a value without using it (`const agent = new AgentRole(...)`); whether
    // that is an error is the reader's own setting.
    noUnusedLocals: false,
    noUnusedParameters: false,
    // Every snippet is its own module, even without imports: no clashes between snippets.
    moduleDetection: ts.ModuleDetectionKind.Force,
    // A user's app has Node's types, not the project's jest globals.
    types: ['node'],
  };
}

/** Compiles every snippet in one program; returns the errors, mapped to doc lines. */
export function compileSnippets(root: string, snippets: Snippet[]): { errors: Map<Snippet, SnippetError[]>; codeProps: Map<Snippet, CodePropStats> } {
  const options = compilerOptions(root);
  const byPath = new Map(snippets.map(s => [s.virtualPath, s]));
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const s = byPath.get(path.resolve(fileName));
    if (s) return ts.createSourceFile(fileName, s.source, languageVersion, true);
    return getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = f => byPath.has(path.resolve(f)) || fileExists(f);
  host.readFile = f => byPath.get(path.resolve(f))?.source ?? readFile(f);

  const program = ts.createProgram([...byPath.keys()], options, host);
  const checker = program.getTypeChecker();
  const errors = new Map<Snippet, SnippetError[]>();
  const codeProps = new Map<Snippet, CodePropStats>();
  for (const s of snippets) {
    const sf = program.getSourceFile(s.virtualPath)!;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    const list: SnippetError[] = s.problems.map(p => ({ file: s.file, line: s.block.line, message: p }));
    for (const d of diags) {
      const vline = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line : 0;
      const line = s.lineMap[vline] || s.block.line;
      list.push({ file: s.file, line, message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}` });
    }
    errors.set(s, list);
    codeProps.set(s, checkCodeProps(root, s, sf, checker));
  }
  return { errors, codeProps };
}

function isObjectType(t: ts.Type): boolean {
  return (t.flags & ts.TypeFlags.Object) !== 0; // eslint-disable-line no-bitwise
}

function declaredIn(type: ts.Type, root: string): boolean {
  const decls = (type.aliasSymbol ?? type.getSymbol())?.getDeclarations() ?? [];
  return decls.some(d => {
    const f = path.resolve(d.getSourceFile().fileName);
    return f.startsWith(path.join(root, 'src') + path.sep) || f.includes(`${path.sep}node_modules${path.sep}aws-cdk-lib${path.sep}`);
  });
}

/**
 * Object-literal keys in the arguments of `new X(...)` and `X.method(...)` (and literals nested in
 * them) whose contextual type is a struct of this library or of aws-cdk-lib: each key must be a
 * property of that type. The compiler already refuses unknown keys in fresh literals; this counts
 * them, and catches the keys the compiler lets through (e.g. in a union-typed position).
 */
function checkCodeProps(root: string, s: Snippet, sf: ts.SourceFile, checker: ts.TypeChecker): CodePropStats {
  let checked = 0;
  const unknown: SnippetError[] = [];
  const inCallArgument = (node: ts.Node): boolean => {
    for (let p = node.parent; p; p = p.parent) {
      if (ts.isCallExpression(p) || ts.isNewExpression(p)) return true;
      if (!ts.isObjectLiteralExpression(p) && !ts.isArrayLiteralExpression(p) && !ts.isPropertyAssignment(p)) return false;
    }
    return false;
  };
  const visit = (node: ts.Node) => {
    if (ts.isObjectLiteralExpression(node) && inCallArgument(node)) {
      const ctx = checker.getContextualType(node);
      const types = ctx ? (ctx.isUnion() ? ctx.types : [ctx]).filter(isObjectType) : [];
      if (types.length > 0 && types.some(t => declaredIn(t, root))) {
        for (const prop of node.properties) {
          if (!(ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop)) || !ts.isIdentifier(prop.name)) continue;
          const name = prop.name.text;
          checked++;
          // A type with a string index signature (iam.Conditions) takes any key.
          if (!types.some(t => checker.getPropertyOfType(t, name) || t.getStringIndexType())) {
            const vline = sf.getLineAndCharacterOfPosition(prop.getStart(sf)).line;
            unknown.push({ file: s.file, line: s.lineMap[vline] || s.block.line, message: `\`${name}\` is not a property of ${types.map(t => checker.typeToString(t)).join(' | ')}` });
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { checked, unknown };
}
