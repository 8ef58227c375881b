import { ActionCatalog } from '../../catalog/action-catalog';
import { ActionCategory } from '../../catalog/action-category';
import { AgentIdentity } from '../../identity/agent-identity';
import { PolicyBudget } from '../../policy/policy-budget';
import { EventPatternPackResult, PolicyPacker } from '../../policy/policy-packer';

/** The detail-type of every event CloudTrail delivers to EventBridge for an API call. */
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** Default categories watched: the ones the other layers deny by default. */
export const DEFAULT_CATEGORIES = [ActionCategory.DESTROY, ActionCategory.WEAKEN, ActionCategory.EXPOSE, ActionCategory.ESCALATE];

/** Default quota of rules per event bus. */
export const RULES_PER_BUS_QUOTA = 300;

/** The catalog actions watched. */
export function watchedActions(categories: ActionCategory[] | undefined, services: string[] | undefined): string[] {
  return ActionCatalog.actions({ categories: categories ?? DEFAULT_CATEGORIES, services });
}

/**
 * The `detail` fields that restrict a pattern to agent principals: the session issuer's ARN
 * (the role ARN, with its path) matches one of the agent role ARN patterns.
 * Undefined when every principal is watched.
 */
export function principalDetail(agentsOnly: boolean, arnPatterns: string[] | undefined): Record<string, unknown> {
  if (!agentsOnly) return {};
  const patterns = arnPatterns ?? [AgentIdentity.AGENT_ROLE_ARN_PATTERN];
  return {
    userIdentity: {
      sessionContext: {
        sessionIssuer: { arn: patterns.map(p => (p.includes('*') ? { wildcard: p } : p)) },
      },
    },
  };
}

/** Packs the watched actions into patterns carrying extra detail fields. */
export function packPatterns(actions: string[], extra: Record<string, unknown>, budget: PolicyBudget | undefined): EventPatternPackResult {
  return PolicyPacker.packEventPatterns({
    actions,
    budget,
    maxPatterns: RULES_PER_BUS_QUOTA,
    extraDetailJson: JSON.stringify(extra),
  });
}

/** One branch of the tampering pattern: an event source, the catalog event names, and the guarded resource fields. */
export interface TamperBranch {
  readonly service: string;
  /** `requestParameters` field → values (exact, or `{prefix}` / `{wildcard}` matchers). */
  readonly fields: Array<[string, unknown[]]>;
}

/**
 * Renders the tampering branches as `$or` alternatives: catalog WEAKEN and DESTROY events of
 * the service, on a request parameter naming one of the guardrail's own resources.
 */
export function tamperAlternatives(branches: TamperBranch[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const b of branches) {
    const actions = ActionCatalog.actions({ categories: [ActionCategory.WEAKEN, ActionCategory.DESTROY], services: [b.service] });
    const infos = actions.map(a => ActionCatalog.describe(a)).filter(i => i.eventName !== undefined && !i.dataEvent);
    if (infos.length === 0) continue;
    const names = infos.map(i => (i.eventNameHasVersionSuffix ? { prefix: i.name } : i.name));
    for (const [field, values] of b.fields) {
      out.push({
        eventSource: [ActionCatalog.eventSourceOf(b.service)],
        eventName: names,
        requestParameters: { [field]: values },
      });
    }
  }
  return out;
}

/** Packs `$or` alternatives into as few patterns as fit the budget. */
export function packAlternatives(
  alternatives: Array<Record<string, unknown>>,
  extra: Record<string, unknown>,
  budget: PolicyBudget,
): Array<{ pattern: any; characters: number }> {
  const render = (alts: Array<Record<string, unknown>>): any => ({
    'detail-type': [API_CALL_DETAIL_TYPE],
    'detail': alts.length === 1 ? { ...extra, ...alts[0] } : { ...extra, $or: alts },
  });
  const size = (alts: Array<Record<string, unknown>>) => JSON.stringify(render(alts)).length;
  const groups: Array<Array<Record<string, unknown>>> = [];
  for (const a of alternatives) {
    const last = groups[groups.length - 1];
    if (last && size([...last, a]) <= budget.maxCharacters) {
      last.push(a);
      continue;
    }
    if (size([a]) > budget.maxCharacters) {
      throw new Error(`tampering pattern: one alternative needs ${size([a])} characters, over the ${budget.name} budget of ${budget.maxCharacters}. Raise patternBudget.`);
    }
    groups.push([a]);
  }
  return groups.map(g => ({ pattern: render(g), characters: size(g) }));
}
