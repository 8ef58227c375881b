import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PolicyBudget } from './policy-budget';
import { allAscii, compressService, matchNames } from './private/patterns';
import { hasToken, lookup, packKey, remember } from './private/precomputed';
import { ActionCatalog } from '../catalog/action-catalog';
import { registerMapCache } from '../catalog/private/caches';

/** Options for `PolicyPacker.pack()`. */
export interface PackOptions {
  /** Actions to pack (`service:Name`), usually from `ActionCatalog.actions()`. */
  readonly actions: string[];

  /**
   * Size budget of each document.
   * @default PolicyBudget.MANAGED_POLICY
   */
  readonly budget?: PolicyBudget;

  /**
   * Most documents the actions may take; packing fails with the figures when they need more.
   * @default 10
   */
  readonly maxDocuments?: number;

  /**
   * Statement every packed statement copies (effect, resources, conditions, principals);
   * its own actions are ignored.
   * @default - Deny on `*` with no condition
   */
  readonly template?: iam.PolicyStatement;

  /**
   * Statements placed in the first document, before the packed ones; they count against its budget.
   * @default - none
   */
  readonly fixedStatements?: iam.PolicyStatement[];

  /**
   * Prefix of the statement IDs of packed statements (`<prefix>0`, `<prefix>1`, ...).
   * @default - no Sid
   */
  readonly sidPrefix?: string;
}

/** One packed policy document. */
export interface PackedDocument {
  /** The document. */
  readonly document: iam.PolicyDocument;
  /** The document as minified JSON: what its size is measured on. */
  readonly json: string;
  /** Characters of minified JSON. */
  readonly characters: number;
  /** Action patterns of the packed statement in this document. */
  readonly patterns: string[];
}

/** What `PolicyPacker.pack()` produced. */
export interface PackResult {
  /** The documents, in order. */
  readonly documents: PackedDocument[];
  /** Every action pattern, in the order packed. */
  readonly patterns: string[];
  /** Distinct actions asked for. */
  readonly actionsRequested: number;
  /** Catalog actions the patterns match (equals actionsRequested: a pattern never matches outside the set). */
  readonly actionsCovered: number;
  /** Characters of all documents together. */
  readonly charactersUsed: number;
  /** The budget each document was held to. */
  readonly budget: PolicyBudget;
}

/** Options for `PolicyPacker.packEventPatterns()`. */
export interface EventPatternPackOptions {
  /** Actions whose CloudTrail events the patterns should match. */
  readonly actions: string[];

  /**
   * Size budget of each pattern.
   * @default PolicyBudget.EVENT_PATTERN
   */
  readonly budget?: PolicyBudget;

  /**
   * Most patterns allowed; packing fails with the figures when more are needed.
   * @default PolicyBudget.RULES_PER_EVENT_BUS (300, the default quota of rules per event bus)
   */
  readonly maxPatterns?: number;

  /**
   * Extra `detail` fields every pattern carries, as a JSON object string, e.g.
   * `{"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":[{"wildcard":"arn:aws:iam::*:role/guardrails-agent/*"}]}}}}`.
   * @default - none
   */
  readonly extraDetailJson?: string;
}

/** One packed EventBridge pattern for "AWS API Call via CloudTrail" events. */
export interface PackedEventPattern {
  /** The pattern, ready for `events.Rule`. */
  readonly pattern: events.EventPattern;
  /** The pattern as minified JSON. */
  readonly json: string;
  /** Characters of minified JSON. */
  readonly characters: number;
  /** CloudTrail event sources the pattern matches. */
  readonly eventSources: string[];
  /** Catalog actions whose events the pattern matches. */
  readonly actionCount: number;
}

/** What `PolicyPacker.packEventPatterns()` produced. */
export interface EventPatternPackResult {
  /** The patterns, in order. */
  readonly patterns: PackedEventPattern[];
  /** Actions whose events are matched. */
  readonly actionsCovered: number;
  /** Actions asked for that have no CloudTrail event of their own name (HTTP-verb and PartiQL data-plane actions), so no pattern can match them. */
  readonly actionsWithoutEvent: string[];
}

const VERSION = '2012-10-17';

/** Compressed patterns of an action set, and the catalog actions they match. */
interface CompressEntry {
  readonly patterns: string[];
  readonly covered: number;
}

/** What `pack()` decided: how many of the compressed patterns go into each document, in order. */
interface PackEntry {
  readonly docs: number[];
}

/** One service's events in a pattern: its event source and event-name matchers. */
interface EventService {
  readonly source: string;
  readonly matchers: Array<string | { prefix: string }>;
  readonly count: number;
}

/** The events of an action set, per service (whatever the budget and the extra fields). */
interface EventServicesEntry {
  readonly services: EventService[];
  readonly without: string[];
}

/** What `packEventPatterns()` decided: how many consecutive services go into each pattern. */
interface EventsEntry {
  readonly groups: number[];
}

/** Sum of counts. */
function sum(counts: number[]): number {
  return counts.reduce((n, k) => n + k, 0);
}

/** Action names of one service, lower-cased alongside, for `expand`. */
const SERVICE_NAMES = new Map<string, { names: string[]; lower: string[]; ascii: boolean }>();
registerMapCache(SERVICE_NAMES);

function serviceNames(svc: string): { names: string[]; lower: string[]; ascii: boolean } {
  let hit = SERVICE_NAMES.get(svc);
  if (!hit) {
    const names = ActionCatalog.actionsOfService(svc);
    hit = { names, lower: names.map(n => n.toLowerCase()), ascii: allAscii(names) };
    SERVICE_NAMES.set(svc, hit);
  }
  return hit;
}

/** Distinct actions, sorted: the part of a key that names the actions. */
function keyActions(actions: string[]): string[] {
  return [...new Set(actions)].sort();
}

/**
 * Says an action set within AWS's size limits.
 *
 * Compresses actions into `svc:Verb*` patterns that match only actions of the set
 * (checked against every action in the catalog; the full verb always stands before the
 * `*`; never a wildcard service prefix such as `*:Delete*`), then packs them into policy
 * documents or EventBridge patterns under a size budget. Deterministic: the same input
 * gives the same output.
 *
 * @example
 * const result = PolicyPacker.pack({
 *   actions: ActionCatalog.actions(),
 *   budget: PolicyBudget.SCP,
 *   maxDocuments: 2,
 * });
 */
export class PolicyPacker {
  /** Compresses actions into IAM action patterns, sorted by service. Unknown actions throw. */
  public static compress(actions: string[]): string[] {
    return [...PolicyPacker.compressed(actions).patterns];
  }

  /** Every catalog action that a list of IAM action patterns matches, sorted. */
  public static expand(patterns: string[]): string[] {
    const out = new Set<string>();
    for (const p of patterns) {
      const i = p.indexOf(':');
      if (i <= 0) throw new Error(`patterns: '${p}' is not an IAM action pattern. Use 'service:Action' or 'service:Verb*'.`);
      const svc = p.slice(0, i);
      if (/[*?]/.test(svc)) throw new Error(`patterns: '${p}' has a wildcard in the service prefix, which IAM does not document. Name the service, e.g. 'ec2:Delete*'.`);
      const pat = p.slice(i + 1);
      const lowerSvc = svc.toLowerCase();
      const { names, lower, ascii } = serviceNames(lowerSvc);
      for (const name of matchNames(pat, names, lower, ascii)) out.add(`${lowerSvc}:${name}`);
    }
    return [...out].sort();
  }

  /** Packs actions into policy documents under a size budget. */
  public static pack(options: PackOptions): PackResult {
    return PolicyPacker._pack(options).result;
  }

  /**
   * `pack()`, with the distinct canonical actions it packed (what `actionsRequested` counts).
   * @internal
   */
  public static _pack(options: PackOptions): { result: PackResult; actions: string[] } {
    const budget = options.budget ?? PolicyBudget.MANAGED_POLICY;
    const maxDocuments = options.maxDocuments ?? 10;
    if (!Number.isInteger(maxDocuments) || maxDocuments < 1) {
      throw new Error(`maxDocuments: ${maxDocuments} is not a document count. Use a whole number of at least 1.`);
    }
    const base = PolicyPacker.statementBase(options.template);
    const fixed = (options.fixedStatements ?? []).map(st => st.toStatementJson());
    const render = (statements: any[], patterns: string[], index: number): any => ({
      Version: VERSION,
      Statement: [...statements, PolicyPacker.statement(base, patterns, options.sidPrefix, index)],
    });

    // How the patterns are split is a pure function of these inputs (and the catalog): precomputed, or computed once per process.
    const actions = keyActions(options.actions);
    const keyInput = JSON.stringify({ actions, budget: budget.maxCharacters, maxDocuments, base, fixed, sidPrefix: options.sidPrefix ?? null });
    const cacheable = !hasToken(keyInput);
    const key = cacheable ? packKey('pack', keyInput) : '';
    const hit = cacheable ? lookup<PackEntry>(key) : undefined;
    // An entry is kept only for a list of distinct canonical actions; one that does not place every
    // compressed pattern exactly once is not used.
    const hitCompressed = hit ? PolicyPacker.compressed(actions) : undefined;
    let canonical: string[];
    let compressed: CompressEntry;
    let docs: number[];
    if (hit && hitCompressed && sum(hit.docs) === hitCompressed.patterns.length) {
      canonical = actions;
      compressed = hitCompressed;
      docs = hit.docs;
    } else {
      const requested = new Set(options.actions.map(a => PolicyPacker.canonical(a)));
      canonical = [...requested];
      compressed = PolicyPacker.compressed(canonical);
      docs = PolicyPacker.planDocuments(compressed.patterns, requested.size, budget, maxDocuments, fixed, render);
      if (cacheable && requested.size === actions.length && actions.every(a => requested.has(a))) remember(key, { docs });
    }

    const documents: PackedDocument[] = [];
    let from = 0;
    docs.forEach((n, i) => {
      const patterns = compressed.patterns.slice(from, from + n);
      from += n;
      const json = render(i === 0 ? fixed : [], patterns, i);
      if (patterns.length === 0) json.Statement.pop();
      const text = JSON.stringify(json);
      documents.push({ document: iam.PolicyDocument.fromJson(json), json: text, characters: text.length, patterns: [...patterns] });
    });
    return {
      result: {
        documents,
        patterns: [...compressed.patterns],
        actionsRequested: canonical.length,
        actionsCovered: compressed.covered,
        charactersUsed: documents.reduce((n, d) => n + d.characters, 0),
        budget,
      },
      actions: canonical,
    };
  }

  /**
   * Packs the CloudTrail events of actions into EventBridge patterns under a size budget.
   *
   * Each pattern matches "AWS API Call via CloudTrail" events by `eventSource` and
   * `eventName` (exact names, or prefixes where every event of that prefix is in the set;
   * Lambda's version-suffixed names always by prefix). Services are combined in one
   * pattern only when no event of a combined service is matched outside the set.
   */
  public static packEventPatterns(options: EventPatternPackOptions): EventPatternPackResult {
    const budget = options.budget ?? PolicyBudget.EVENT_PATTERN;
    const maxPatterns = options.maxPatterns ?? PolicyBudget.RULES_PER_EVENT_BUS;
    let extra: any = {};
    if (options.extraDetailJson !== undefined) {
      try {
        extra = JSON.parse(options.extraDetailJson);
      } catch {
        throw new Error(`extraDetailJson: '${options.extraDetailJson}' is not JSON. Give a JSON object string such as '{"errorCode":[{"exists":true}]}'.`);
      }
      if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
        throw new Error(`extraDetailJson: '${options.extraDetailJson}' is not a JSON object. Give an object such as '{"errorCode":[{"exists":true}]}'.`);
      }
    }

    // Which services share a pattern is a pure function of these inputs (and the catalog).
    const actions = keyActions(options.actions);
    const keyInput = JSON.stringify({ actions, budget: budget.maxCharacters, maxPatterns, extra: options.extraDetailJson ?? null });
    const cacheable = !hasToken(keyInput);
    const key = cacheable ? packKey('events', keyInput) : '';
    // The services' order is the patterns' order (first fit, chunks of large services): it depends
    // on the budget and the extra fields too, so it is keyed on the whole input.
    const servicesKey = packKey('event-services', keyInput);
    const hit = cacheable ? lookup<EventsEntry>(key) : undefined;
    const known = hit ? lookup<EventServicesEntry>(servicesKey) : undefined;
    let services: EventServicesEntry;
    let counts: number[];
    if (cacheable && hit && known && sum(hit.groups) === known.services.length) {
      services = known;
      counts = hit.groups;
    } else {
      const planned = PolicyPacker.planEventPatterns(actions, budget, maxPatterns, extra);
      services = { services: planned.services, without: planned.without };
      counts = planned.groups;
      if (cacheable) {
        remember(servicesKey, services);
        remember(key, { groups: counts });
      }
    }

    const patterns: PackedEventPattern[] = [];
    let from = 0;
    for (const n of counts) {
      const group = services.services.slice(from, from + n);
      from += n;
      const json = PolicyPacker.renderEvents(group, extra);
      const text = JSON.stringify(json);
      patterns.push({
        pattern: { detailType: json['detail-type'], detail: json.detail },
        json: text,
        characters: text.length,
        eventSources: json.detail.eventSource,
        actionCount: group.reduce((k, sv) => k + sv.count, 0),
      });
    }
    return {
      patterns,
      actionsCovered: patterns.reduce((k, p) => k + p.actionCount, 0),
      actionsWithoutEvent: [...services.without],
    };
  }

  /** The compressed patterns of an action set (precomputed, computed earlier in this process, or now). */
  private static compressed(actions: string[]): CompressEntry {
    const keyInput = JSON.stringify({ actions: keyActions(actions) });
    const cacheable = !hasToken(keyInput);
    const key = cacheable ? packKey('compress', keyInput) : '';
    const hit = cacheable ? lookup<CompressEntry>(key) : undefined;
    if (hit) return hit;
    const patterns: string[] = [];
    for (const [svc, names] of PolicyPacker.group(actions)) {
      for (const p of compressService(ActionCatalog.actionsOfService(svc), names)) patterns.push(`${svc}:${p}`);
    }
    const entry = { patterns, covered: PolicyPacker.expand(patterns).length };
    if (cacheable) remember(key, entry);
    return entry;
  }

  /** Places patterns into documents (first fit, in order); returns how many each document holds. */
  private static planDocuments(patterns: string[], requested: number, budget: PolicyBudget, maxDocuments: number, fixed: any[],
    render: (statements: any[], patterns: string[], index: number) => any): number[] {
    const size = (statements: any[], ps: string[], index: number) => JSON.stringify(render(statements, ps, index)).length;
    const docs: string[][] = [];
    let current: string[] | undefined;
    let currentSize = 0;
    for (const p of patterns) {
      if (current) {
        // One more string in the statement's Action array: a comma and the quoted pattern.
        const grown = currentSize + JSON.stringify(p).length + 1;
        if (grown <= budget.maxCharacters) {
          current.push(p);
          currentSize = grown;
          continue;
        }
      }
      current = [p];
      docs.push(current);
      const alone = size(docs.length === 1 ? fixed : [], current, docs.length - 1);
      if (alone > budget.maxCharacters) {
        throw new Error(`PolicyPacker: a document holding only ${docs.length === 1 && fixed.length ? `the ${fixed.length} fixed statement(s) and ` : ''}'${p}' needs ${alone} characters, over the ${budget.name} budget of ${budget.maxCharacters}. Shorten the fixed statements or the template's conditions, or use a larger budget.`);
      }
      currentSize = alone;
    }
    if (docs.length === 0 && fixed.length) docs.push([]);

    if (docs.length > maxDocuments) {
      const total = docs.reduce((n, d, i) => n + size(i === 0 ? fixed : [], d, i), 0);
      const fit = docs.slice(0, maxDocuments).reduce((n, d) => n + d.length, 0);
      throw new Error(`PolicyPacker: ${requested} actions (${patterns.length} patterns, ${total} characters) need ${docs.length} documents of at most ${budget.maxCharacters} characters (${budget.name}), but at most ${maxDocuments} are allowed; ${maxDocuments} documents hold ${fit} of ${patterns.length} patterns. Allow more documents, raise the budget, or deny fewer categories.`);
    }
    return docs.map(d => d.length);
  }

  /** One EventBridge pattern for a group of services: their event sources and (distinct) name matchers. */
  private static renderEvents(group: EventService[], extra: any): any {
    const names: Array<string | { prefix: string }> = [];
    const seen = new Set<string>();
    for (const s of group) {
      for (const m of s.matchers) {
        const key = JSON.stringify(m);
        if (!seen.has(key)) {
          seen.add(key);
          names.push(typeof m === 'string' ? m : { prefix: m.prefix });
        }
      }
    }
    return {
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': { ...extra, eventSource: [...new Set(group.map(s => s.source))].sort(), eventName: names },
    };
  }

  /** Groups the actions' events by service, and consecutive services into patterns under the budget. */
  private static planEventPatterns(actions: string[], budget: PolicyBudget, maxPatterns: number, extra: any):
  EventServicesEntry & { groups: number[] } {
    const wanted = PolicyPacker.group(actions.map(a => PolicyPacker.canonical(a)));
    const without: string[] = [];
    interface Svc extends EventService { events: string[]; others: string[] }
    const services: Svc[] = [];
    for (const [svc, names] of wanted) {
      const all = ActionCatalog.actionsOfService(svc).map(n => ActionCatalog.describe(`${svc}:${n}`));
      const withEvent = all.filter(i => i.eventName !== undefined);
      const inSet = new Set<string>();
      for (const n of names) {
        const info = ActionCatalog.describe(`${svc}:${n}`);
        if (info.eventName === undefined) without.push(info.action); else inSet.add(info.name);
      }
      if (inSet.size === 0) continue;
      const suffix = withEvent[0]?.eventNameHasVersionSuffix ?? false;
      const compressed = compressService(withEvent.map(i => i.name), inSet, false);
      // Events recorded under another name (S3 DeleteObjects), unless that name is an event of an action outside the set.
      const others = withEvent.map(i => i.name).filter(n => !inSet.has(n));
      const extraNames = [...new Set(withEvent.filter(i => inSet.has(i.name)).flatMap(i => i.extraEventNames))]
        .filter(n => !others.includes(n) && !inSet.has(n)).sort();
      services.push({
        source: withEvent[0].eventSource,
        matchers: [...compressed.map(p => {
          const stem = p.endsWith('*') ? p.slice(0, -1) : p;
          // A prefix that is a whole event name of the set is written as the exact name (shorter),
          // except where CloudTrail adds a version suffix to names.
          if (suffix) return { prefix: stem };
          const only = inSet.has(stem) && withEvent.every(i => i.name === stem || !i.name.startsWith(stem));
          return p.endsWith('*') && !only ? { prefix: stem } : stem;
        }), ...extraNames],
        events: withEvent.map(i => i.name).filter(n => inSet.has(n)),
        others,
        count: inSet.size,
      });
    }

    const hit = (m: string | { prefix: string }, name: string) => (typeof m === 'string' ? m === name : name.startsWith(m.prefix));
    const render = (group: Svc[]): any => PolicyPacker.renderEvents(group, extra);
    const safe = (group: Svc[]): boolean => {
      const ms = group.flatMap(sv => sv.matchers);
      return group.every(sv => sv.others.every(o => !ms.some(m => hit(m, o))));
    };

    // A service whose events do not fit one pattern is split: its matchers in consecutive chunks
    // that each fit (a subset of safe matchers stays safe); each event of the set is matched by
    // one chunk, so a call still matches one pattern.
    const pieces: Svc[] = [];
    for (const s of services) {
      if (JSON.stringify(render([s])).length <= budget.maxCharacters) { pieces.push(s); continue; }
      // The events of the other chunks count as outside the chunk: no pattern holding it (with
      // the matchers of other services) may match them too.
      const chunk = (ms: Array<string | { prefix: string }>): Svc => {
        const inChunk = s.events.filter(ev => ms.some(m => hit(m, ev)));
        return { ...s, matchers: ms, events: inChunk, others: [...s.others, ...s.events.filter(ev => !inChunk.includes(ev))], count: inChunk.length };
      };
      const chunks: Svc[] = [];
      let current: Array<string | { prefix: string }> = [];
      for (const m of s.matchers) {
        if (current.length && JSON.stringify(render([chunk([...current, m])])).length > budget.maxCharacters) {
          chunks.push(chunk(current));
          current = [m];
        } else {
          current.push(m);
        }
      }
      chunks.push(chunk(current));
      const twice = s.events.filter(ev => chunks.filter(ch => ch.events.includes(ev)).length !== 1);
      if (twice.length > 0) {
        throw new Error(`PolicyPacker: the events of ${s.count} actions of ${s.source} need ${JSON.stringify(render([s])).length} characters in one pattern, over the ${budget.name} budget of ${budget.maxCharacters}, and cannot be split (${twice.slice(0, 3).join(', ')} would match two patterns or none). Raise the budget or narrow the actions.`);
      }
      pieces.push(...chunks);
    }

    // First fit: each service goes into the first pattern it fits (size and safety), so a large
    // service does not close a pattern that later small ones could still fill.
    const groups: Svc[][] = [];
    for (const s of pieces) {
      const at = groups.findIndex(g => {
        const candidate = [...g, s];
        return JSON.stringify(render(candidate)).length <= budget.maxCharacters && safe(candidate);
      });
      if (at >= 0) {
        groups[at] = [...groups[at], s];
        continue;
      }
      const alone = JSON.stringify(render([s])).length;
      if (alone > budget.maxCharacters) {
        throw new Error(`PolicyPacker: the events of ${s.count} actions of ${s.source} need ${alone} characters in one pattern, over the ${budget.name} budget of ${budget.maxCharacters}. Raise the budget or narrow the actions.`);
      }
      groups.push([s]);
    }
    if (groups.length > maxPatterns) {
      throw new Error(`PolicyPacker: the events need ${groups.length} patterns of at most ${budget.maxCharacters} characters, but at most ${maxPatterns} are allowed. Raise maxPatterns or narrow the actions.`);
    }
    // The plan lists the services (and chunks) pattern by pattern: each pattern takes the next `groups[i]` of them.
    return {
      services: groups.flat().map(sv => ({ source: sv.source, matchers: sv.matchers, count: sv.count })),
      without: without.sort(),
      groups: groups.map(g => g.length),
    };
  }

  private static canonical(action: string): string {
    if (!ActionCatalog.has(action)) {
      throw new Error(`actions: '${action}' is not in the action catalog. Use 'service:ActionName' as the Service Authorization Reference spells it, e.g. 'ec2:TerminateInstances'.`);
    }
    return ActionCatalog.describe(action).action;
  }

  private static group(actions: string[]): Map<string, Set<string>> {
    const byService = new Map<string, Set<string>>();
    for (const a of [...actions].map(x => PolicyPacker.canonical(x)).sort()) {
      const [svc, name] = a.split(':');
      if (!byService.has(svc)) byService.set(svc, new Set());
      byService.get(svc)!.add(name);
    }
    return byService;
  }

  private static statementBase(template?: iam.PolicyStatement): any {
    const json = template ? { ...template.toStatementJson() } : { Effect: 'Deny', Resource: '*' };
    delete json.Action;
    delete json.NotAction;
    delete json.Sid;
    if (json.Resource === undefined && json.NotResource === undefined && json.Principal === undefined && json.NotPrincipal === undefined) json.Resource = '*';
    return json;
  }

  private static statement(base: any, patterns: string[], sidPrefix: string | undefined, index: number): any {
    const out: any = {};
    if (sidPrefix) out.Sid = `${sidPrefix}${index}`;
    out.Effect = base.Effect;
    for (const k of ['Principal', 'NotPrincipal']) if (base[k] !== undefined) out[k] = base[k];
    out.Action = patterns;
    for (const k of ['Resource', 'NotResource', 'Condition']) if (base[k] !== undefined) out[k] = base[k];
    return out;
  }

  private constructor() {}
}
