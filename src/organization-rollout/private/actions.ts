/**
 * Action sets this layer needs that the catalog does not have yet. They belong in
 * scripts/catalog/sets.ts (then `ActionCatalog.actionSet(id)`); until they move there, each is
 * checked against the catalog here, so a name the pinned data does not know fails at once.
 */
import { ActionCatalog } from '../../catalog/action-catalog';

const SETS: Record<string, { reason: string; actions: string[] }> = {
  'org.central-bus-put': {
    reason: 'sending events to the central alarm bus: what the bus policy admits from the organization and the forwarder role may call',
    actions: ['events:PutEvents'],
  },
};

/** The actions of a set of this layer, validated against the catalog. */
export function rolloutActions(id: string): string[] {
  const set = SETS[id];
  if (!set) throw new Error(`rolloutActions: '${id}' is not an action set of the organization roll-out. Use one of ${Object.keys(SETS).join(', ')}.`);
  return set.actions.map(a => ActionCatalog.describe(a).action);
}
