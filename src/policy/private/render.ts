/**
 * Rendering the deny plan into IAM statements and documents: the one path AgentRole, its
 * boundary, AgentScp and AgentRcp take from catalog rules to policy JSON.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { Condition, conditionBlock, mergeConditionLists } from './conditions';
import { documentSize, packUnits } from './packing';
import { PrincipalMatch } from '../../identity/private/principals';
import { DenyGroup, DenyPlan } from '../deny-plan';
import { PolicyBudget } from '../policy-budget';
import { PolicyPacker } from '../policy-packer';

/** One group of actions packed under one statement template. */
export interface PackGroup {
  readonly actions: string[];
  readonly template: iam.PolicyStatement;
  readonly sidPrefix: string;
}

/** Options of `planGroups`. */
export interface PlanGroupOptions {
  /** Who the denies apply to: one alternative per way of recognising agents (SCP, RCP); none for a role's own policies. */
  readonly principals?: PrincipalMatch[];
  /** A `Principal: *` element on each statement (RCPs). */
  readonly starPrincipal?: boolean;
  /** Prefix of the statement IDs. */
  readonly sidPrefix?: string;
  /** Who is refused (for collision errors). */
  readonly what: string;
}

/** A deny statement template carrying a group's conditions merged with a principal match's. */
export function denyTemplate(
  conditions: Condition[],
  options: { starPrincipal?: boolean; resources?: string[]; notResources?: string[] } = {},
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: options.starPrincipal ? [new iam.StarPrincipal()] : undefined,
    resources: options.notResources ? undefined : options.resources ?? ['*'],
    notResources: options.notResources,
    conditions: conditionBlock(conditions),
  });
}

/** The plan's groups as packing groups, one per group and principal match. */
export function planGroups(plan: DenyPlan, options: PlanGroupOptions): PackGroup[] {
  const matches = options.principals ?? [{ label: '', conditions: [] }];
  const out: PackGroup[] = [];
  for (const m of matches) {
    for (const g of plan.groups) {
      out.push({
        actions: g.actions,
        sidPrefix: `${options.sidPrefix ?? ''}${m.label}${g.name === 'Deny' && options.sidPrefix === 'Deny' ? '' : g.name}`,
        template: denyTemplate(mergeConditionLists(`${options.what}: group ${g.name}`, m.conditions, g.conditions), {
          starPrincipal: options.starPrincipal, resources: g.resources, notResources: g.notResources,
        }),
      });
    }
  }
  return out;
}

/** What packing produced. */
export interface PackedStatements {
  /** Documents, each a list of statement JSON objects. */
  readonly documents: any[][];
  /** Distinct catalog actions the packed groups name. */
  readonly actionsRequested: number;
  /** Every action pattern of the packed statements. */
  readonly patterns: string[];
}

/**
 * Packs each group with the PolicyPacker (patterns that match nothing outside its actions), then
 * places the packed statements, fixed units first, into as few documents as the budget allows.
 */
export function packStatements(units: any[][], groups: PackGroup[], budget: PolicyBudget, options: {
  readonly what: string;
  readonly decreasing?: boolean;
  readonly measure?: (statements: unknown[]) => number;
}): PackedStatements {
  const chunks: any[][] = [...units.filter(u => u.length > 0)];
  const requested = new Set<string>();
  const patterns: string[] = [];
  for (const g of groups) {
    if (g.actions.length === 0) continue;
    const packed = PolicyPacker._pack({ actions: g.actions, budget, maxDocuments: 1000, template: g.template, sidPrefix: g.sidPrefix });
    const { result: r, actions } = packed;
    for (const d of r.documents) chunks.push(JSON.parse(d.json).Statement);
    actions.forEach(a => requested.add(a));
    patterns.push(...r.patterns);
  }
  const documents = packUnits(chunks, budget.maxCharacters, {
    decreasing: options.decreasing,
    measure: options.measure,
    tooLarge: (unit, n) => new Error(`${options.what}: a group of statements (${(unit as any[]).map(s => s.Sid).filter(Boolean).join(', ') || 'unnamed'}) needs ${n} characters, over the ${budget.name} budget of ${budget.maxCharacters}. Shorten the fixed statements or the conditions, or use a larger budget.`),
  }) as any[][];
  for (const d of documents) {
    const n = (options.measure ?? documentSize)(d);
    // The packer guarantees this; checked again because a policy over the limit fails only at deploy time.
    if (n > budget.maxCharacters) throw new Error(`${options.what}: a document of ${n} characters is over the ${budget.name} budget of ${budget.maxCharacters}.`);
  }
  return { documents, actionsRequested: requested.size, patterns };
}

/** Statement IDs must be alphanumeric: a label or rule name made safe. */
export function sidSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

/** The group of a plan with a given name (e.g. `Deny`), or undefined. */
export function groupNamed(plan: DenyPlan, name: string): DenyGroup | undefined {
  return plan.groups.find(g => g.name === name);
}
