/**
 * What an action can do to an account.
 *
 * @see CATALOG.md for the rules and the curated lists behind each category.
 */
export enum ActionCategory {
  /** Irreversible loss of a resource or data: Delete*, Terminate*, Purge*, Drop*, Wipe*, ... */
  DESTROY = 'DESTROY',
  /** Reversible outage: Stop*, Disable*, Detach*, ... Not denied by default: stop is the safe alternative to terminate. */
  DISRUPT = 'DISRUPT',
  /** Switches a protection off or blinds monitoring (curated, each with a reason). */
  WEAKEN = 'WEAKEN',
  /** Makes data public or shares it outside the account (curated, each with a reason). */
  EXPOSE = 'EXPOSE',
  /** Lets a principal raise its own rights (curated, each with a reason and a public source). */
  ESCALATE = 'ESCALATE',
}
