/**
 * What `PolicyPacker` computes, computed once: at catalog generation (`npx projen catalog`,
 * `scripts/catalog/packs.ts`) for the inputs the constructs give it with their common options,
 * and in memory for every input during one process (one synth, one test worker).
 *
 * Every entry is looked up by a key of the whole input (actions, budget, document limit, statement
 * template, fixed statements, Sid prefix, event filter). The generated file also holds the SHA-256
 * of the catalog file it was computed from and of the packer's sources (`PACKER_SOURCES`). A stale
 * file can only make a synth slower, never change a policy:
 * - another catalog (rules or data changed and nobody ran `npx projen catalog`): no entry of the
 *   file is used, packing computes;
 * - other packer code: running from the sources (tests, ts-node), no entry is used either; the
 *   compiled package gets a file without entries (`scripts/catalog/ship-packs.ts`, run by
 *   `projen compile`), so it computes too.
 * The staleness test (test/policy/precomputed.test.ts) fails until the file is regenerated. An
 * input the file does not hold (a custom set, other options, a token in a template) is computed
 * the same way.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ActionCatalog } from '../../catalog/action-catalog';
import { registerCache, registerMapCache } from '../../catalog/private/caches';

/** The generated file, next to the compiled code (`lib/policy/data/packs.json` in the package). */
export const PACKS_FILE = path.join(__dirname, '..', 'data', 'packs.json');

/**
 * What an entry holds: how compressed patterns split into documents (`pack`), the compressed
 * patterns of a set (`compress`), how services group into EventBridge patterns (`events`), or the
 * events of a set per service (`event-services`).
 */
export type PackKind = 'pack' | 'compress' | 'events' | 'event-services';

/**
 * The sources (under src/) of the code that computes what an entry holds from its input and the
 * catalog: reading the catalog, compressing, splitting into documents and event patterns, keys.
 * (The constructs and DenyPlan only choose the inputs, which are in the keys.)
 */
export const PACKER_SOURCES = [
  'catalog/action-catalog.ts',
  'catalog/private/catalog-source.ts',
  'policy/policy-packer.ts',
  'policy/private/patterns.ts',
  'policy/private/precomputed.ts',
];

/** SHA-256 of the packer's sources under `srcRoot`; undefined when one is not there (the compiled package has none). */
export function codeDigest(srcRoot: string): string | undefined {
  const hash = createHash('sha256');
  for (const file of PACKER_SOURCES) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(srcRoot, file), 'utf8').replace(/\r\n/g, '\n');
    } catch {
      return undefined;
    }
    hash.update(`${file}\n${text.length}\n${text}`);
  }
  return hash.digest('hex');
}

/** The sources next to the running code: src/ when run through ts-node, none in lib/. */
const SOURCE_ROOT = path.join(__dirname, '..', '..');

/** A key of an input: SHA-256 of the kind and the input's JSON text, shortened to 128 bits. */
export function packKey(kind: PackKind, inputJson: string): string {
  return createHash('sha256').update(`${kind}\n${inputJson}`).digest('hex').slice(0, 32);
}

/** Whether JSON text carries an unresolved CDK token: such inputs are neither looked up nor kept. */
export function hasToken(json: string): boolean {
  return json.includes('${Token[');
}

const ENTRIES = '\n  "entries": {\n';
const ENTRY = /^ {4}"([0-9a-f]{32})": (.*?),?$/;

/** A generated file of entries: a head with the catalog digest, then one entry per line, parsed when looked up. */
export class PackStore {
  /** Reads a generated file; a missing file holds no entries. */
  public static read(file: string): PackStore {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return new PackStore('', '', new Map());
    }
    const lines = new Map<string, string>();
    const start = text.indexOf(ENTRIES);
    const headText = start < 0 ? '' : text.slice(0, start);
    const catalog = /"catalog": "([0-9a-f]{64})"/.exec(headText);
    const code = /"code": "([0-9a-f]{64})"/.exec(headText);
    if (!catalog || !code) { // not the generator's layout: parse it whole
      const data = JSON.parse(text);
      for (const [k, v] of Object.entries<unknown>(data.entries ?? {})) lines.set(k, JSON.stringify(v));
      return new PackStore(String(data.catalog ?? ''), String(data.code ?? ''), lines);
    }
    for (const raw of text.slice(start + ENTRIES.length).split('\n')) {
      const m = ENTRY.exec(raw);
      if (m) lines.set(m[1], m[2]);
    }
    return new PackStore(catalog[1], code[1], lines);
  }

  private constructor(
    /** SHA-256 of the catalog file the entries were computed from. */
    public readonly catalog: string,
    /** SHA-256 of the packer's sources that computed the entries (`codeDigest`). */
    public readonly code: string,
    private readonly lines: Map<string, string>,
  ) {}

  /** Number of entries. */
  public get size(): number {
    return this.lines.size;
  }

  /**
   * The entry for a key, when the file was computed from the catalog with this digest, and by the
   * packer's sources with this digest (undefined: no sources to compare, as in the compiled package,
   * whose file `projen compile` ships only when generated by the sources it compiled).
   */
  public get<T>(key: string, digestOfCatalog: () => string, digestOfCode: () => string | undefined = () => undefined): T | undefined {
    const line = this.lines.get(key);
    if (line === undefined || this.catalog !== digestOfCatalog()) return undefined;
    const code = digestOfCode();
    if (code !== undefined && code !== this.code) return undefined;
    return JSON.parse(line) as T;
  }
}

/** Entries computed in this process, by key (bounded: the oldest go first). */
const MEMORY = new Map<string, unknown>();
const MEMORY_LIMIT = 512;

let store: PackStore | undefined;
registerMapCache(MEMORY);
registerCache(() => { store = undefined; }, () => store !== undefined);
let digest: string | undefined;
let code: string | undefined | null = null;
let recording: Map<string, unknown> | undefined;
let disabled = false;

/** Lookups served from the generated file, computed in this process, or missed (for tests and benchmarks). */
export const packStats = { file: 0, memory: 0, missed: 0 };

function catalogDigest(): string {
  if (digest === undefined) digest = ActionCatalog._digest();
  return digest;
}

function sourceDigest(): string | undefined {
  if (code === null) code = codeDigest(SOURCE_ROOT);
  return code;
}

/** The entry for a key: computed earlier in this process, or generated for the shipped catalog; undefined otherwise. */
export function lookup<T>(key: string): T | undefined {
  if (recording || disabled) return undefined;
  const mem = MEMORY.get(key);
  if (mem !== undefined) {
    packStats.memory++;
    return mem as T;
  }
  if (!store) store = PackStore.read(PACKS_FILE);
  const entry = store.get<T>(key, catalogDigest, sourceDigest);
  if (entry === undefined) {
    packStats.missed++;
    return undefined;
  }
  packStats.file++;
  remember(key, entry);
  return entry;
}

/** Keeps a computed entry for the rest of the process, and records it while generating. */
export function remember(key: string, entry: unknown): void {
  if (disabled) return;
  if (recording) {
    recording.set(key, entry);
    return;
  }
  if (MEMORY.size >= MEMORY_LIMIT) MEMORY.delete(MEMORY.keys().next().value!);
  MEMORY.set(key, entry);
}

/**
 * Runs `fn` with every lookup missing and every computed entry recorded; returns the entries.
 * The generator's way in.
 */
export function recordPacks(fn: () => void): Map<string, unknown> {
  const previous = recording;
  recording = new Map();
  try {
    fn();
    return recording;
  } finally {
    recording = previous;
  }
}

/** Runs `fn` with no entry looked up or kept: everything is computed (tests compare both ways). */
export function withoutPrecomputed<T>(fn: () => T): T {
  const previous = disabled;
  disabled = true;
  try {
    return fn();
  } finally {
    disabled = previous;
  }
}

/**
 * Tests: reads entries from this store instead of the generated file (undefined: the generated
 * file again), and forgets what this process computed.
 */
export function usePackStore(override: PackStore | undefined): void {
  store = override;
  MEMORY.clear();
}

/** The generated file's text: the catalog's and the packer's digests, then one entry per line, sorted by key. */
export function renderPacks(entries: Map<string, unknown>, catalogSha256: string, codeSha256: string): string {
  const lines = [...entries.keys()].sort().map(k => `    ${JSON.stringify(k)}: ${JSON.stringify(entries.get(k))}`);
  const body = lines.length ? `${lines.join(',\n')}\n` : '';
  return `{\n  "command": "npx projen catalog",\n  "catalog": ${JSON.stringify(catalogSha256)},\n  "code": ${JSON.stringify(codeSha256)},\n  "entries": {\n${body}  }\n}\n`;
}
