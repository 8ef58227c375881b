/**
 * The library's process-wide caches: the parsed catalog and what is derived from it (deny
 * plans, packed policies, service name lists). Each is a pure function of the committed data
 * files, so it can be dropped at any time and is rebuilt, the same, on the next use.
 *
 * The synth-time checks drop them all once they have run (`releaseCaches`): nothing of the
 * library reads them later in that synthesis, and aws-cdk-lib's CloudFormation validator, which
 * runs next, requests a full garbage collection every few tens of milliseconds, each of which
 * marks every object still alive (docs/synth-speed.md).
 */
interface Cache {
  readonly release: () => void;
  readonly held: () => boolean;
}

const CACHES: Cache[] = [];

/** Registers a cache: how to drop it, and whether it holds anything. */
export function registerCache(release: () => void, held: () => boolean): void {
  CACHES.push({ release, held });
}

/** Registers a Map used as a cache. */
export function registerMapCache(map: Map<unknown, unknown>): void {
  registerCache(() => map.clear(), () => map.size > 0);
}

/** Drops every registered cache. */
export function releaseCaches(): void {
  CACHES.forEach(c => c.release());
}

/** How many registered caches hold something (tests). */
export function cachesHeld(): number {
  return CACHES.filter(c => c.held()).length;
}
