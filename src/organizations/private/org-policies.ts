/**
 * Helpers shared by AgentScp and AgentRcp: input validation, per-target limits, placing the
 * packed documents on attachment levels, and the `CfnPolicy` children.
 */
import { Names, Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { ActionCatalog } from '../../catalog/action-catalog';
import { ActionCategory } from '../../catalog/action-category';
import { AgentIdentity } from '../../identity/agent-identity';
import {
  agentPrincipalMatches, DEFAULT_AGENT_ARN_PATTERNS, globToRegExp, PrincipalMatch, sourceIdentityPrefixProblem,
} from '../../identity/private/principals';
import { PolicyBudget } from '../../policy/policy-budget';
import { documentSize, POLICY_VERSION } from '../../policy/private/packing';
import { PackedStatements } from '../../policy/private/render';
import { inputError } from '../../private/errors';
import { AttachmentLevel } from '../agent-organization-policy';

/** Organization root ID, e.g. `r-ab12`. @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html */
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
/** Organizational unit ID, e.g. `ou-ab12-cd34ef56`. */
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** Account ID: 12 digits. */
const ACCOUNT_ID = /^\d{12}$/;

/**
 * An IAM principal ARN pattern for `ArnLike`/`ArnNotLike` on `aws:PrincipalArn`: an IAM
 * role, user or root principal (wildcards `*` and `?` allowed in the account and the name).
 */
const PRINCIPAL_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov|\*):iam::(\d{12}|\*|\d*\*\d*):(root|(role|user)\/[\w+=,.@\-/*?]+)$/;

/** An agent ARN that every default pattern matches; break-glass patterns must not match it. */
const SAMPLE_AGENT_ARN = `arn:aws:iam::123456789012:role${AgentIdentity.AGENT_ROLE_PATH}agent`;

export { globToRegExp };

/** What differs between the SCP and RCP constructs where their limits and children are the same. */
export interface OrgPolicyKind {
  /** 'SCP' or 'RCP', for messages. */
  readonly short: string;
  readonly type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
  readonly construct: string;
  readonly defaultBudget: PolicyBudget;
  readonly defaultMaxPerTarget: number;
  /** The AWS-managed policy every target already has (FullAWSAccess, RCPFullAWSAccess). */
  readonly fullAccessPolicy: string;
  /** The AWS quota, for the fix of a bad maxPoliciesPerTarget. */
  readonly quota: string;
}

/** Throws the library's input error for one organization construct. */
export class OrgInput {
  constructor(public readonly kind: OrgPolicyKind, public readonly path: string) {}

  public error(message: string): Error {
    return inputError(this.kind.construct, this.path, message);
  }

  /** Validates target IDs: each must be a root, OU or account ID; unresolved tokens are skipped. */
  public validateTargetIds(prop: string, targetIds: string[]): void {
    if (targetIds.length === 0) {
      throw this.error(`${prop}: [] attaches the policies nowhere. Give at least one root ('r-xxxx'), OU ('ou-xxxx-xxxxxxxx') or account ID (12 digits).`);
    }
    const seen = new Set<string>();
    for (const id of targetIds) {
      if (Token.isUnresolved(id)) continue;
      if (!ROOT_ID.test(id) && !OU_ID.test(id) && !ACCOUNT_ID.test(id)) {
        throw this.error(`${prop}: '${id}' is not a root, OU or account ID. Use a root ID such as 'r-ab12', an OU ID such as 'ou-ab12-cd34ef56', or a 12-digit account ID.`);
      }
      if (seen.has(id)) throw this.error(`${prop}: '${id}' is listed twice. List each target once.`);
      seen.add(id);
    }
  }

  /** Validates principal ARN patterns (literal strings only: their length counts against the policy size). */
  public validatePrincipalPatterns(prop: string, patterns: string[]): void {
    for (const p of patterns) {
      if (Token.isUnresolved(p)) {
        throw this.error(`${prop}: a token was given, so the size of the policies cannot be checked. Give literal ARN patterns such as 'arn:aws:iam::123456789012:role/BreakGlass'.`);
      }
      if (!PRINCIPAL_ARN_PATTERN.test(p)) {
        throw this.error(`${prop}: '${p}' is not an IAM principal ARN pattern. Use e.g. 'arn:aws:iam::123456789012:role/BreakGlass' or '${AgentIdentity.AGENT_ROLE_ARN_PATTERN}'.`);
      }
    }
  }

  /** Throws when a break-glass pattern would also exempt agent roles. */
  public rejectAgentBreakGlass(prop: string, patterns: string[]): void {
    for (const p of patterns) {
      if (globToRegExp(p).test(SAMPLE_AGENT_ARN)) {
        throw this.error(`${prop}: '${p}' also matches agent roles (e.g. ${SAMPLE_AGENT_ARN}), so agents would be exempt. Name the break-glass roles precisely, outside the path ${AgentIdentity.AGENT_ROLE_PATH}.`);
      }
    }
  }

  /** Validates a whole number within bounds. */
  public validateCount(prop: string, value: number, min: number, max: number, fix: string): void {
    if (Token.isUnresolved(value)) {
      throw this.error(`${prop}: a token was given, so the policy count cannot be checked. Give a number. ${fix}`);
    }
    if (!Number.isInteger(value) || value < min || value > max) {
      throw this.error(`${prop}: ${value} is not a whole number from ${min} to ${max}. ${fix}`);
    }
  }

  /** Validates the categories a construct denies. */
  public validateCategories(categories: ActionCategory[]): void {
    if (categories.length === 0) {
      throw this.error(`categories: [] denies nothing but the guard rules. Keep the default (${ActionCatalog.defaultCategories().join(', ')}) or name at least one ActionCategory.`);
    }
    for (const c of categories) {
      if (!Object.values(ActionCategory).includes(c)) {
        throw this.error(`categories: '${c}' is not an ActionCategory. Use ${Object.values(ActionCategory).join(', ')}.`);
      }
    }
  }

  /** The agent matches (principal tag, principal ARN patterns, source identity), validated. */
  public agentMatches(props: {
    matchAgentTag?: boolean; agentPrincipalArnPatterns?: string[]; matchSourceIdentity?: boolean; sourceIdentityPrefix?: string;
  }): PrincipalMatch[] {
    const matchAgentTag = props.matchAgentTag ?? false;
    const arnPatterns = props.agentPrincipalArnPatterns ?? DEFAULT_AGENT_ARN_PATTERNS;
    const matchSource = props.matchSourceIdentity ?? true;
    const prefix = props.sourceIdentityPrefix ?? AgentIdentity.SOURCE_IDENTITY_PREFIX;
    if (props.sourceIdentityPrefix !== undefined) {
      if (Token.isUnresolved(prefix)) throw this.error('sourceIdentityPrefix: a token was given. Give a literal prefix such as \'guardrails-agent.\'.');
      const problem = sourceIdentityPrefixProblem(prefix);
      if (problem) throw this.error(`sourceIdentityPrefix: '${prefix}' ${problem}. Use a prefix such as '${AgentIdentity.SOURCE_IDENTITY_PREFIX}' (the one AgentRole requires).`);
    }
    if (!matchAgentTag && arnPatterns.length === 0 && !matchSource) {
      throw this.error(`agentPrincipalArnPatterns: [] with matchAgentTag: false and matchSourceIdentity: false matches no principal, so the policies would deny nothing. Give patterns such as '${AgentIdentity.AGENT_ROLE_ARN_PATTERN}', or turn matchSourceIdentity or matchAgentTag on.`);
    }
    this.validatePrincipalPatterns('agentPrincipalArnPatterns', arnPatterns);
    return agentPrincipalMatches({ matchAgentTag, arnPatterns, sourceIdentityPrefix: matchSource ? prefix : undefined });
  }
}

/** A resolved attachment level: targets and the room they have. */
export interface Level {
  readonly targetIds: string[];
  readonly existing: number;
  readonly room: number;
}

/** Validates the targets, the overflow levels and the per-target limits shared by AgentScp and AgentRcp. */
export function orgPolicyLimits(input: OrgInput, props: {
  targetIds: string[]; budget?: PolicyBudget; existingPoliciesPerTarget?: number; maxPoliciesPerTarget?: number; overflowLevels?: AttachmentLevel[];
}): { budget: PolicyBudget; max: number; levels: Level[] } {
  const kind = input.kind;
  input.validateTargetIds('targetIds', props.targetIds);
  const budget = props.budget ?? kind.defaultBudget;
  const max = props.maxPoliciesPerTarget ?? kind.defaultMaxPerTarget;
  input.validateCount('maxPoliciesPerTarget', max, 1, 1000, kind.quota);
  const existingFix = `Count ${kind.fullAccessPolicy} (1) plus the ${kind.short}s other tools attach to the same targets; it must leave room for at least one ${kind.construct} document.`;
  const existing = props.existingPoliciesPerTarget ?? 1;
  input.validateCount('existingPoliciesPerTarget', existing, 1, max - 1, existingFix);
  const levels: Level[] = [{ targetIds: props.targetIds, existing, room: max - existing }];
  const all = new Set(props.targetIds);
  (props.overflowLevels ?? []).forEach((l, i) => {
    input.validateTargetIds(`overflowLevels[${i}].targetIds`, l.targetIds);
    for (const t of l.targetIds) {
      if (all.has(t)) throw input.error(`overflowLevels[${i}].targetIds: '${t}' is already a target of another level. Each root, OU or account belongs to one level.`);
      all.add(t);
    }
    const e = l.existingPoliciesPerTarget ?? 1;
    input.validateCount(`overflowLevels[${i}].existingPoliciesPerTarget`, e, 1, max - 1, existingFix);
    levels.push({ targetIds: l.targetIds, existing: e, room: max - e });
  });
  return { budget, max, levels };
}

/** A finished organization policy document and where it is attached. */
export interface OrgDocument {
  /** The document as a JSON object. */
  readonly json: any;
  /** Minified JSON: the policy content. */
  readonly text: string;
  /** Characters of `text`. */
  readonly characters: number;
  /** Targets it is attached to. */
  readonly targetIds: string[];
}

/**
 * Places the packed documents on the attachment levels, in order (the first document, which
 * holds the guard statements, always on the first level), or throws with the figures.
 */
export function placeDocuments(input: OrgInput, packed: PackedStatements, budget: PolicyBudget, max: number, levels: Level[]): OrgDocument[] {
  const kind = input.kind;
  const room = levels.reduce((n, l) => n + l.room, 0);
  if (packed.documents.length > room) {
    const sizes = packed.documents.map(d => documentSize(d).toLocaleString('en-US')).join(' + ');
    const perLevel = levels.map((l, i) => `${i === 0 ? 'targetIds' : `overflowLevels[${i - 1}]`}: ${l.room} of ${max} free (${l.existing} attached)`).join('; ');
    throw input.error(`${packed.documents.length} ${kind.short} documents (${sizes} characters, ${budget.name} budget ${budget.maxCharacters.toLocaleString('en-US')}) `
      + `do not fit the attachment levels (${perLevel}); maxPoliciesPerTarget ${max} counts ${kind.fullAccessPolicy}. `
      + 'Add an ancestor OU or the root to overflowLevels, deny fewer categories, match agents by tag or by ARN pattern only '
      + '(turn off one of matchAgentTag / agentPrincipalArnPatterns / matchSourceIdentity), detach other policies from the targets, or use a larger budget.');
  }
  const out: OrgDocument[] = [];
  let level = 0;
  let used = 0;
  for (const statements of packed.documents) {
    while (used >= levels[level].room) {
      level++;
      used = 0;
    }
    const json = { Version: POLICY_VERSION, Statement: statements };
    const text = JSON.stringify(json);
    out.push({ json, text, characters: text.length, targetIds: levels[level].targetIds });
    used++;
  }
  return out;
}

/** One `CfnPolicy` per document, attached to its level's targets; the first is `Resource`. */
export function createOrgPolicies(
  scope: Construct, kind: OrgPolicyKind, documents: OrgDocument[], props: { policyNamePrefix?: string },
  describe: (index: number, count: number) => string,
): organizations.CfnPolicy[] {
  const prefix = props.policyNamePrefix ?? `guardrails-${Names.uniqueResourceName(scope, { maxLength: 80, separator: '-' })}`;
  return documents.map((d, i) => new organizations.CfnPolicy(scope, i === 0 ? 'Resource' : `Resource${i + 1}`, {
    name: `${prefix}-${i + 1}`,
    type: kind.type,
    description: `cdk-agent-guardrails ${kind.construct} ${i + 1}/${documents.length}: ${describe(i, documents.length)}`,
    content: d.json,
    targetIds: d.targetIds,
  }));
}
