/**
 * Documented classification rules for the rule-based categories (DESTROY, DISRUPT).
 * Shared by the generator and CATALOG.md, so the document always states the rules the
 * data was made with.
 */
import { words } from '../../src/policy/private/patterns';

/** The CamelCase splitter the packer uses, so rules and patterns agree on word boundaries. */
export { words };

/** Access levels that can change state. List and Read are never classified. */
export const CLASSIFIED_ACCESS_LEVELS = ['Write', 'Permissions management'];

/**
 * Name prefixes that wrap a verb: the verb after them decides the category
 * (`BatchDeleteImage` is a Delete, `AdminDeleteUser` is a Delete, `PartiQLDelete` is a
 * Delete, `ESHttpDelete` is an HTTP DELETE).
 */
export const WRAPPER_PREFIXES = ['Batch', 'Admin', 'PartiQL', 'ESHttp'];

/** Verbs whose effect is irreversible loss of a resource or data. */
export const DESTROY_VERBS = ['Delete', 'Terminate', 'Purge', 'Drop', 'Wipe', 'Destroy', 'Discard', 'Release', 'Erase', 'Truncate'];

/** Verbs whose effect is a reversible outage. Stop is here: it is the safe alternative to terminate. */
export const DISRUPT_VERBS = [
  'Stop', 'Disable', 'Detach', 'Disassociate', 'Deregister', 'Revoke', 'Cancel', 'Reboot', 'Restart',
  'Deactivate', 'Suspend', 'Pause', 'Unassign', 'Unlink', 'Unsubscribe', 'Unshare', 'Remove', 'Reset',
  'Shutdown', 'Expire', 'Retire', 'Abort', 'Disconnect', 'Withdraw', 'Deprovision', 'Flush', 'Clear',
  'Failover',
];

/**
 * Words that make a verb act on tags rather than on the resource (`DeleteTags`,
 * `RemoveTagsFromResource`): such actions are tagging, not destruction.
 */
export const TAG_WORDS = ['Tag', 'Tags', 'Tagging'];

/**
 * CloudTrail event sources that differ from `<service prefix>.amazonaws.com`.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-aws-service-specific-topics.html
 */
export const EVENT_SOURCE_OVERRIDES: Record<string, string> = {
  cloudwatch: 'monitoring.amazonaws.com',
  tag: 'tagging.amazonaws.com',
  elasticloadbalancing: 'elasticloadbalancing.amazonaws.com',
  es: 'es.amazonaws.com',
  mobiletargeting: 'pinpoint.amazonaws.com',
};

/**
 * CloudTrail events recorded under another name than the action that authorizes them.
 * S3 multi-object delete (`aws s3 rm --recursive`) is one `DeleteObjects` call, authorized
 * per object by s3:DeleteObject (or s3:DeleteObjectVersion with version IDs).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
export const EXTRA_EVENT_NAMES: Record<string, string[]> = {
  's3:DeleteObject': ['DeleteObjects'],
  's3:DeleteObjectVersion': ['DeleteObjects'],
};

/**
 * Services whose CloudTrail event names carry an API version suffix
 * (Lambda records `DeleteFunction20150331`), so alarms match them by prefix.
 */
export const EVENT_NAME_VERSION_SUFFIX_SERVICES = ['lambda'];

/** The verb that decides the category: wrapper prefixes stripped, HTTP verbs capitalised. */
export function verbOf(name: string): string {
  let rest = name;
  for (const p of WRAPPER_PREFIXES) {
    if (rest.startsWith(p) && rest.length > p.length && /[A-Z]/.test(rest[p.length])) {
      rest = rest.slice(p.length);
      break;
    }
  }
  if (/^[A-Z]+$/.test(rest)) return rest[0] + rest.slice(1).toLowerCase();
  return words(rest)[0] ?? rest;
}

/**
 * Why each verb is destructive or disruptive: the reason of its catalog rule.
 * Every verb of DESTROY_VERBS and DISRUPT_VERBS needs one (the generator checks).
 */
export const VERB_REASONS: Record<string, string> = {
  Delete: 'deletes a resource or its data; AWS keeps no copy unless a protection made one',
  Terminate: 'terminates a resource (instances, clusters, environments): its local state is gone',
  Purge: 'purges the data a resource holds (queue messages, caches, records)',
  Drop: 'drops a table, keyspace or index with its data',
  Wipe: 'wipes a device or resource',
  Destroy: 'destroys a resource',
  Discard: 'discards data or a pending change that cannot be recovered',
  Release: 'releases a resource to AWS (an Elastic IP, a host): another account may get it',
  Erase: 'erases data',
  Truncate: 'truncates a table or stream, removing its data',
  Stop: 'stops a resource; it can be started again (the safe alternative to terminate)',
  Disable: 'disables a resource or feature; it can be enabled again',
  Detach: 'detaches a resource; it can be attached again',
  Disassociate: 'disassociates two resources; they can be associated again',
  Deregister: 'deregisters a resource; it can usually be registered again',
  Revoke: 'revokes access or a grant; it can be granted again',
  Cancel: 'cancels a running operation or order',
  Reboot: 'reboots a resource: a short outage',
  Restart: 'restarts a resource: a short outage',
  Deactivate: 'deactivates a resource; it can be activated again',
  Suspend: 'suspends a resource or process; it can be resumed',
  Pause: 'pauses a resource or process; it can be resumed',
  Unassign: 'unassigns a resource; it can be assigned again',
  Unlink: 'unlinks two resources; they can be linked again',
  Unsubscribe: 'unsubscribes an endpoint; it can subscribe again',
  Unshare: 'stops sharing a resource; it can be shared again',
  Remove: 'removes a member, permission or attachment; it can be added again',
  Reset: 'resets a setting or state to its default',
  Shutdown: 'shuts a resource down; it can be started again',
  Expire: 'expires a session, credential or object',
  Retire: 'retires a grant or resource',
  Abort: 'aborts a running operation',
  Disconnect: 'disconnects a session or resource',
  Withdraw: 'withdraws an advertisement or request',
  Deprovision: 'deprovisions a resource',
  Flush: 'flushes a cache or buffer',
  Clear: 'clears a state or setting',
  Failover: 'fails a database or endpoint over to a replica',
};

/**
 * Actions a verb rule would classify that lose nothing: each is left out of its verb rule, with
 * the reason (CATALOG.md lists them).
 */
export const NOT_DESTRUCTIVE: Array<{ action: string; reason: string }> = [
  { action: 'cloudformation:DeleteChangeSet', reason: 'deletes a proposed change set, not a resource; cdk deploy deletes an empty one it created' },
];
