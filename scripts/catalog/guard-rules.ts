/**
 * Guard rules: what protects the guardrails themselves, denied whatever categories a user
 * chooses. Input of the catalog generator (`npx projen catalog`).
 *
 * Today: the guardrail tags (`guardrails:ephemeral`, `guardrails:guard`, `guardrails:backup`,
 * `guardrails:agent`) decide what an agent may do, so an agent may not add them to, or remove
 * them from, an existing resource. Setting them when creating a resource stays possible: create
 * calls are not tagging actions, and EC2 authorizes tag-on-create through `ec2:CreateTags` with
 * `ec2:CreateAction` present.
 */
import { AgentIdentity } from '../../src/identity/agent-identity';

/** Tag keys whose presence or absence changes what an agent may do. */
export const GUARDED_TAG_KEYS = [
  AgentIdentity.EPHEMERAL_TAG_KEY,
  AgentIdentity.GUARD_TAG_KEY,
  AgentIdentity.BACKUP_TAG_KEY,
  AgentIdentity.AGENT_TAG_KEY,
];

/** The tagging action EC2 also authorizes as part of create calls (tag-on-create). */
export const EC2_CREATE_TAGS = 'ec2:CreateTags';

/** The condition key EC2 sets when `ec2:CreateTags` is authorized as part of a create call. */
export const EC2_CREATE_ACTION_KEY = 'ec2:CreateAction';

const TAGS_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-tag-keys';
const EC2_TAG_ON_CREATE_DOC = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html';

/** A guard rule before its actions are filled in from the data. */
export interface GuardRuleSpec {
  readonly id: string;
  readonly select: 'tagging-with-tag-keys' | 'tagging-without-tag-keys' | 'ec2-create-tags';
  readonly conditions: Array<{ operator: string; key: string; values: string[] }>;
  readonly at: string[];
  readonly reason: string;
  readonly source: string;
}

const TAG_KEYS_CONDITION = { operator: 'ForAnyValue:StringEqualsIgnoreCase', key: 'aws:TagKeys', values: GUARDED_TAG_KEYS };

export const GUARD_RULES: GuardRuleSpec[] = [
  {
    id: 'guard.tag-forgery',
    select: 'tagging-with-tag-keys',
    conditions: [TAG_KEYS_CONDITION],
    // No EventBridge filter: each service names the tag keys of a call differently in CloudTrail.
    at: ['IDENTITY', 'SCP', 'RCP'],
    reason: 'adds a guardrail tag to, or removes it from, an existing resource (compared case-insensitively): '
      + 'an ephemeral tag opens the resource to deletes, removing a guard or backup tag hides it from the guardrails',
    source: TAGS_DOC,
  },
  {
    id: 'guard.tag-forgery-ec2',
    select: 'ec2-create-tags',
    conditions: [TAG_KEYS_CONDITION, { operator: 'Null', key: EC2_CREATE_ACTION_KEY, values: ['true'] }],
    at: ['IDENTITY', 'SCP'],
    reason: 'ec2:CreateTags with a guardrail tag key outside a create call (no ec2:CreateAction): tagging an existing '
      + 'resource; tag-on-create stays allowed',
    source: EC2_TAG_ON_CREATE_DOC,
  },
  {
    id: 'guard.tag-uncheckable',
    select: 'tagging-without-tag-keys',
    conditions: [],
    at: ['IDENTITY', 'SCP', 'RCP', 'EVENTS'],
    reason: 'a tagging action without aws:TagKeys: no condition can tell whether it adds or removes a guardrail tag, '
      + 'so it is refused outright (fails closed)',
    source: TAGS_DOC,
  },
];
