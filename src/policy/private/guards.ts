/**
 * The one registry of what guards the agent: the resources that record, alert on, cut off and
 * back up agents, how they are named, and what changes them.
 *
 * Every construct that creates one (DestructiveCallAlarm, KillSwitch, DestructiveCallForwarder,
 * GuardrailBackup) names it with `AgentIdentity.GUARDRAIL_NAME_PREFIX` (or, for roles, the
 * guardian path) and tags it `guardrails:guard=true`; AgentRole denies agents every write to
 * them (by tag and by name), AgentScp denies everyone but break-glass the changes listed in
 * `orgGuardSet` (so a guard in another account is covered too), and the alarm's tampering rules
 * watch the fields in `eventFields`.
 */
import { ActionCatalog } from '../../catalog/action-catalog';
import { AgentIdentity } from '../../identity/agent-identity';
import { PolicyPacker } from '../policy-packer';

/** One kind of resource that guards the agent. */
export interface GuardedKind {
  /** Identifier, e.g. `rule`. */
  readonly id: string;
  /** Service prefix. */
  readonly service: string;
  /** ARN patterns of the guardrail resources of this kind, in any account and Region (by their reserved name). */
  readonly arnPatterns: string[];
  /** CloudTrail `requestParameters` fields that name the resource (for tampering alarms). */
  readonly eventFields: string[];
  /**
   * Action set (`ActionCatalog.actionSet`) that AgentScp denies to every principal but
   * break-glass on `orgResources`.
   */
  readonly orgGuardSet?: string;
  /** Resources of the organization-level guard (defaults to `arnPatterns`). */
  readonly orgResources?: string[];
}

const P = AgentIdentity.GUARDRAIL_NAME_PREFIX;

/** Every kind of guarding resource. */
export const GUARDED_KINDS: readonly GuardedKind[] = [
  // Every trail, not only the guardrails' own: an organization trail may be the one that records agents.
  { id: 'trail', service: 'cloudtrail', arnPatterns: [`arn:aws:cloudtrail:*:*:trail/${P}*`], eventFields: ['name'], orgGuardSet: 'guard.trails', orgResources: ['arn:aws:cloudtrail:*:*:trail/*'] },
  { id: 'rule', service: 'events', arnPatterns: [`arn:aws:events:*:*:rule/${P}*`, `arn:aws:events:*:*:rule/*/${P}*`], eventFields: ['name', 'rule'], orgGuardSet: 'guard.rules' },
  { id: 'topic', service: 'sns', arnPatterns: [`arn:aws:sns:*:*:${P}*`], eventFields: ['topicArn', 'subscriptionArn'] },
  { id: 'queue', service: 'sqs', arnPatterns: [`arn:aws:sqs:*:*:${P}*`], eventFields: ['queueUrl'] },
  { id: 'function', service: 'lambda', arnPatterns: [`arn:aws:lambda:*:*:function:${P}*`], eventFields: ['functionName'], orgGuardSet: 'guard.functions' },
  { id: 'log-group', service: 'logs', arnPatterns: [`arn:aws:logs:*:*:log-group:/aws/events/${P}*`, `arn:aws:logs:*:*:log-group:/aws/lambda/${P}*`], eventFields: ['logGroupName'] },
  { id: 'alarm', service: 'cloudwatch', arnPatterns: [`arn:aws:cloudwatch:*:*:alarm:${P}*`], eventFields: ['alarmNames'] },
  { id: 'key', service: 'kms', arnPatterns: [], eventFields: ['keyId'] },
  { id: 'chatbot', service: 'chatbot', arnPatterns: [`arn:aws:chatbot::*:chat-configuration/slack-channel/${P}*`], eventFields: ['chatConfigurationArn'] },
  { id: 'vault', service: 'backup', arnPatterns: [`arn:aws:backup:*:*:backup-vault:${P}*`], eventFields: ['backupVaultName'], orgGuardSet: 'guard.vault-locks', orgResources: ['*'] },
  { id: 'guardian-role', service: 'iam', arnPatterns: [AgentIdentity.GUARDIAN_ROLE_ARN_PATTERN], eventFields: ['roleName'], orgGuardSet: 'guard.guardian-roles' },
];

/** Services whose resources guard the agent. */
export function guardServices(): string[] {
  return [...new Set(GUARDED_KINDS.map(k => k.service))].filter(s => s !== 'iam');
}

/** Write actions (every access level but Read and List) of the guard services, compressed. */
export function guardWriteActions(): string[] {
  return PolicyPacker.compress(guardServices().flatMap(s => ActionCatalog.writeActionsOf(s)));
}

/** ARN patterns of every named guarding resource (for the agent's by-name deny). */
export function guardArnPatterns(): string[] {
  return GUARDED_KINDS.filter(k => k.service !== 'iam').flatMap(k => k.arnPatterns);
}

/** The actions of a named set, validated against the catalog. */
export function setActions(id: string): string[] {
  return ActionCatalog.actionSet(id).actions;
}
