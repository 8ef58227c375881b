/**
 * Reading the generated catalog (src/catalog/data/catalog.json) section by section, as it is used.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { RuleCondition } from '../catalog-rule';

export interface ServiceHeader {
  readonly name: string;
  readonly eventSource: string;
  readonly eventNameSuffix?: boolean;
  readonly extraEvents?: Record<string, string[]>;
  readonly rcp: boolean;
}

export interface ServiceData extends ServiceHeader {
  readonly actions: Array<[string, number, number, string]>;
}

export interface RuleData {
  readonly id: string;
  readonly categories: string[];
  readonly exemptable: boolean;
  readonly guard?: boolean;
  readonly at: string[];
  readonly conditions?: RuleCondition[];
  readonly resources?: string[];
  readonly notResources?: string[];
  readonly eventDetail?: unknown;
  readonly events?: string;
  readonly reason: string;
  readonly source?: string;
  readonly alternative?: string;
  readonly optIn?: boolean;
  readonly actions: Record<string, string[]>;
}

/** The small sections at the top of the file. */
export interface HeadData {
  readonly generatedFrom: { readonly package: string; readonly version: string };
  readonly accessLevels: string[];
  readonly categories: Record<string, number>;
  readonly defaultCategories: string[];
  readonly administrationServices: string[];
  readonly curated: Record<string, Array<{ action: string; reason: string; source?: string }>>;
  readonly deployExceptions: Array<{ id: string; actions: string[]; mark: string; owned?: string[]; reason: string; source: string }>;
}

export type SetData = Record<string, { reason: string; actions: string[] }>;

export interface CatalogData extends HeadData {
  readonly sets: SetData;
  readonly rules: RuleData[];
  readonly services: Record<string, ServiceData>;
}

/**
 * The catalog file, parsed section by section as it is used.
 *
 * The generator (`scripts/catalog/generate.ts`) writes the small head pretty-printed, then one
 * line per action set, per rule and per service. A construct needs the head, the sets and the
 * rules, and only some services: each service line is parsed the first time it is asked for
 * (its header, without the action list, when only the header is needed). A file in any other
 * layout is parsed whole, with the same results.
 */
export class CatalogSource {
  /** Reads a catalog file. */
  public static read(file: string): CatalogSource {
    return new CatalogSource(fs.readFileSync(file, 'utf8'));
  }

  /** A catalog from its text (tests give other layouts). */
  public static fromText(text: string): CatalogSource {
    return new CatalogSource(text);
  }

  private static readonly SETS = '\n  "sets": {\n';
  private static readonly RULES = '\n  },\n  "rules": [\n';
  private static readonly SERVICES = '\n  ],\n  "services": {\n';
  private static readonly END = '\n  }\n}\n';
  private static readonly ACTIONS = ',"actions":[';

  public readonly head: HeadData;
  private readonly setsText?: string;
  private readonly rulesText?: string;
  private readonly parsed?: CatalogData;
  /** service → its line's value (JSON text), in file order */
  private readonly lines = new Map<string, string>();
  private readonly full = new Map<string, ServiceData>();
  private readonly headers = new Map<string, ServiceHeader>();
  private sets?: SetData;
  private hash?: string;

  private constructor(private readonly text: string) {
    const c = CatalogSource;
    const a = text.indexOf(c.SETS);
    const b = a < 0 ? -1 : text.indexOf(c.RULES, a);
    const d = b < 0 ? -1 : text.indexOf(c.SERVICES, b);
    const layout = d > 0 && text[a - 1] === ',' && text.endsWith(c.END) ? this.serviceLines(text.slice(d + c.SERVICES.length, text.length - c.END.length)) : false;
    if (!layout) {
      this.lines.clear();
      this.parsed = JSON.parse(text) as CatalogData;
      const { sets, rules, services, ...head } = this.parsed;
      this.head = head;
      for (const svc of Object.keys(this.parsed.services)) this.lines.set(svc, '');
      return;
    }
    this.head = JSON.parse(`${text.slice(0, a - 1)}\n}`);
    this.setsText = text.slice(a + c.SETS.length, b);
    this.rulesText = text.slice(b + c.RULES.length, d);
  }

  /** Service prefixes, in file order. */
  public services(): string[] {
    return [...this.lines.keys()];
  }

  /** One service with its actions; undefined when there is no such service. */
  public service(svc: string): ServiceData | undefined {
    if (this.parsed) return Object.prototype.hasOwnProperty.call(this.parsed.services, svc) ? this.parsed.services[svc] : undefined;
    let hit = this.full.get(svc);
    if (!hit) {
      const line = this.lines.get(svc);
      if (line === undefined) return undefined;
      hit = JSON.parse(line) as ServiceData;
      this.full.set(svc, hit);
    }
    return hit;
  }

  /** One service without its actions (name, event source, RCP support). */
  public header(svc: string): ServiceHeader | undefined {
    let hit = this.headers.get(svc);
    if (!hit) {
      const line = this.lines.get(svc);
      if (line === undefined) return undefined;
      if (this.parsed || this.full.has(svc)) {
        const { actions, ...header } = this.service(svc)!;
        this.headers.set(svc, header);
        return header;
      }
      // The generator writes `actions` last; when the line shows it (the marker once, the list
      // closing the line), the header is the text before it. Otherwise the whole line is parsed.
      const i = line.indexOf(CatalogSource.ACTIONS);
      const last = i > 0 && line.lastIndexOf(CatalogSource.ACTIONS) === i && (line.endsWith(']]}') || line.endsWith('[]}'));
      if (last) {
        hit = JSON.parse(`${line.slice(0, i)}}`) as ServiceHeader;
      } else {
        const { actions, ...header } = this.service(svc)!;
        hit = header;
      }
      this.headers.set(svc, hit);
    }
    return hit;
  }

  public actionSets(): SetData {
    if (!this.sets) this.sets = this.parsed ? this.parsed.sets : JSON.parse(`{${this.setsText}}`) as SetData;
    return this.sets;
  }

  /**
   * The rules as the file has them, parsed on each call (not kept): the catalog builds its rule
   * objects from them once, and holding both doubled the rules' share of a synth's heap.
   */
  public ruleData(): RuleData[] {
    return this.parsed ? this.parsed.rules : JSON.parse(`[${this.rulesText}]`) as RuleData[];
  }

  /** SHA-256 of the file: what precomputed packs are keyed on. */
  public digest(): string {
    if (!this.hash) this.hash = createHash('sha256').update(this.text).digest('hex');
    return this.hash;
  }

  /** Indexes the service lines (`    "svc": {...},`); false when a line is not in that form. */
  private serviceLines(body: string): boolean {
    if (body === '') return true;
    for (const raw of body.split('\n')) {
      const line = raw.endsWith(',') ? raw.slice(0, -1) : raw;
      const k = line.indexOf('": {');
      if (!line.startsWith('    "') || k < 5 || !line.endsWith('}')) return false;
      const key = line.slice(5, k);
      if (/["\\]/.test(key)) return false;
      this.lines.set(key, line.slice(k + 3));
    }
    return true;
  }
}
