/**
 * Helpers shared by AgentScp and AgentRcp: input validation, the agent principal
 * conditions, and packing several action groups (each with its own condition) into as few
 * organization policy documents as the budget allows.
 */
import { Names, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { ActionCatalog } from '../../catalog/action-catalog';
import { ActionCategory } from '../../catalog/action-category';
import { AgentIdentity } from '../../identity/agent-identity';
import { PolicyBudget } from '../../policy/policy-budget';
import { PolicyPacker } from '../../policy/policy-packer';

/** The categories denied by default. */
export const DEFAULT_CATEGORIES = [ActionCategory.DESTROY, ActionCategory.WEAKEN, ActionCategory.EXPOSE, ActionCategory.ESCALATE];

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

/** Anchored regular expression of an IAM glob (`*` any run, `?` one character). */
export function globToRegExp(glob: string): RegExp {
  const body = glob.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/** Validates target IDs: each must be a root, OU or account ID; unresolved tokens are skipped. */
export function validateTargetIds(construct: string, targetIds: string[]): void {
  if (targetIds.length === 0) {
    throw new Error(`${construct}: targetIds: [] attaches the policies nowhere. Give at least one root ('r-xxxx'), OU ('ou-xxxx-xxxxxxxx') or account ID (12 digits).`);
  }
  const seen = new Set<string>();
  for (const id of targetIds) {
    if (Token.isUnresolved(id)) continue;
    if (!ROOT_ID.test(id) && !OU_ID.test(id) && !ACCOUNT_ID.test(id)) {
      throw new Error(`${construct}: targetIds: '${id}' is not a root, OU or account ID. Use a root ID such as 'r-ab12', an OU ID such as 'ou-ab12-cd34ef56', or a 12-digit account ID.`);
    }
    if (seen.has(id)) {
      throw new Error(`${construct}: targetIds: '${id}' is listed twice. List each target once.`);
    }
    seen.add(id);
  }
}

/** Validates principal ARN patterns (literal strings only: their length counts against the policy size). */
export function validatePrincipalPatterns(construct: string, prop: string, patterns: string[]): void {
  for (const p of patterns) {
    if (Token.isUnresolved(p)) {
      throw new Error(`${construct}: ${prop}: a token was given, so the size of the policies cannot be checked. Give literal ARN patterns such as 'arn:aws:iam::123456789012:role/BreakGlass'.`);
    }
    if (!PRINCIPAL_ARN_PATTERN.test(p)) {
      throw new Error(`${construct}: ${prop}: '${p}' is not an IAM principal ARN pattern. Use e.g. 'arn:aws:iam::123456789012:role/BreakGlass' or 'arn:aws:iam::*:role/guardrails-agent/*'.`);
    }
  }
}

/** Throws when a break-glass pattern would also exempt agent roles. */
export function rejectAgentBreakGlass(construct: string, prop: string, patterns: string[]): void {
  for (const p of patterns) {
    if (globToRegExp(p).test(SAMPLE_AGENT_ARN)) {
      throw new Error(`${construct}: ${prop}: '${p}' also matches agent roles (e.g. ${SAMPLE_AGENT_ARN}), so agents would be exempt. Name the break-glass roles precisely, outside the path ${AgentIdentity.AGENT_ROLE_PATH}.`);
    }
  }
}

/** Validates a whole number within bounds. */
export function validateCount(construct: string, prop: string, value: number, min: number, max: number, fix: string): void {
  if (Token.isUnresolved(value)) {
    throw new Error(`${construct}: ${prop}: a token was given, so the policy count cannot be checked. Give a number. ${fix}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${construct}: ${prop}: ${value} is not a whole number from ${min} to ${max}. ${fix}`);
  }
}

/** One way of recognising the principals a deny applies to. */
export interface PrincipalMatch {
  /** Short label used in statement IDs. */
  readonly label: string;
  /** Condition block that selects the principals. */
  readonly condition: { [op: string]: any };
}

/** The agent matches: principal tag, and/or principal ARN patterns (one statement each, since IAM conditions are ANDed). */
export function agentMatches(construct: string, matchAgentTag: boolean, arnPatterns: string[]): PrincipalMatch[] {
  if (!matchAgentTag && arnPatterns.length === 0) {
    throw new Error(`${construct}: agentPrincipalArnPatterns: [] with matchAgentTag: false matches no principal, so the policies would deny nothing. Keep matchAgentTag true or give patterns such as '${AgentIdentity.AGENT_ROLE_ARN_PATTERN}'.`);
  }
  validatePrincipalPatterns(construct, 'agentPrincipalArnPatterns', arnPatterns);
  const out: PrincipalMatch[] = [];
  if (matchAgentTag) out.push({ label: 'AgentTag', condition: { StringEquals: { [AgentIdentity.AGENT_TAG_CONDITION_KEY]: AgentIdentity.AGENT_TAG_VALUE } } });
  if (arnPatterns.length) out.push({ label: 'AgentArn', condition: { ArnLike: { 'aws:PrincipalArn': [...arnPatterns] } } });
  return out;
}

/** Selected categories, checked; DESTROY-only actions are the ones an ephemeral tag may exempt. */
export function splitActions(construct: string, categories: ActionCategory[], services?: string[]): { exemptable: string[]; other: string[] } {
  if (categories.length === 0) {
    throw new Error(`${construct}: categories: [] denies nothing. Keep the default (DESTROY, WEAKEN, EXPOSE, ESCALATE) or name at least one ActionCategory.`);
  }
  for (const c of categories) {
    if (!Object.values(ActionCategory).includes(c)) {
      throw new Error(`${construct}: categories: '${c}' is not an ActionCategory. Use ${Object.values(ActionCategory).join(', ')}.`);
    }
  }
  const actions = ActionCatalog.actions({ categories, services });
  const exemptable: string[] = [];
  const other: string[] = [];
  for (const a of actions) {
    const cats = ActionCatalog.describe(a).categories.filter(c => categories.includes(c));
    // Only plain deletes are exemptable: an action that also weakens, exposes or escalates
    // stays denied on ephemeral resources too (an ephemeral role must not gain admin rights).
    if (cats.length === 1 && cats[0] === ActionCategory.DESTROY) exemptable.push(a); else other.push(a);
  }
  return { exemptable, other };
}

/** One group of actions packed under one statement template. */
export interface PackGroup {
  readonly actions: string[];
  readonly template: iam.PolicyStatement;
  readonly sidPrefix: string;
}

/** A finished organization policy document. */
export interface OrgDocument {
  /** The document as a JSON object. */
  readonly json: any;
  /** Minified JSON: the policy content. */
  readonly text: string;
  /** Characters of `text`. */
  readonly characters: number;
}

/** What packing produced. */
export interface OrgPack {
  readonly documents: OrgDocument[];
  /** Distinct catalog actions the denies name. */
  readonly actionsRequested: number;
  /** Distinct catalog actions the action patterns match. */
  readonly actionsCovered: number;
  /** Action patterns in all packed statements. */
  readonly patternCount: number;
}

const VERSION = '2012-10-17';
const sizeOf = (statements: any[]) => JSON.stringify({ Version: VERSION, Statement: statements }).length;

/**
 * Packs each group with the PolicyPacker, then places the packed statements, fixed
 * statements first, into as few documents as the budget allows (first fit, in order).
 */
export function packGroups(construct: string, fixed: iam.PolicyStatement[], groups: PackGroup[], budget: PolicyBudget): OrgPack {
  const chunks: any[][] = [];
  const fixedJson = fixed.map(s => s.toStatementJson());
  if (fixedJson.length) {
    const n = sizeOf(fixedJson);
    if (n > budget.maxCharacters) {
      throw new Error(`${construct}: the fixed statements alone need ${n} characters, over the ${budget.name} budget of ${budget.maxCharacters}. Shorten the principal ARN patterns or use a larger budget.`);
    }
    chunks.push(fixedJson);
  }
  const requested = new Set<string>();
  const patterns: string[] = [];
  for (const g of groups) {
    if (g.actions.length === 0) continue;
    const r = PolicyPacker.pack({ actions: g.actions, budget, maxDocuments: 1000, template: g.template, sidPrefix: g.sidPrefix });
    for (const d of r.documents) chunks.push(JSON.parse(d.json).Statement);
    g.actions.forEach(a => requested.add(ActionCatalog.describe(a).action));
    patterns.push(...r.patterns);
  }
  const docs: any[][] = [];
  for (const c of chunks) {
    const home = docs.find(d => sizeOf([...d, ...c]) <= budget.maxCharacters);
    if (home) home.push(...c); else docs.push([...c]);
  }
  const documents = docs.map(statements => {
    const json = { Version: VERSION, Statement: statements };
    const text = JSON.stringify(json);
    if (text.length > budget.maxCharacters) {
      // The packer guarantees this; checked again because a policy over the limit fails only at deploy time.
      throw new Error(`${construct}: a document of ${text.length} characters is over the ${budget.name} budget of ${budget.maxCharacters}.`);
    }
    return { json, text, characters: text.length };
  });
  return {
    documents,
    actionsRequested: requested.size,
    actionsCovered: PolicyPacker.expand([...new Set(patterns)]).length,
    patternCount: patterns.length,
  };
}

/** Throws with the figures when the documents and the policies already attached exceed the per-target quota. */
export function checkCount(
  construct: string, kind: string, pack: OrgPack, budget: PolicyBudget, existing: number, max: number, defaultPolicy: string,
): void {
  if (pack.documents.length + existing <= max) return;
  const sizes = pack.documents.map(d => d.characters.toLocaleString('en-US')).join(' + ');
  throw new Error(`${construct}: ${pack.documents.length} ${kind} documents (${sizes} characters, ${budget.name} budget ${budget.maxCharacters.toLocaleString('en-US')}) `
    + `plus existingPoliciesPerTarget ${existing} (${defaultPolicy} and others already attached) exceed maxPoliciesPerTarget ${max}. `
    + 'Deny fewer categories, match agents by tag or by ARN pattern only (one of matchAgentTag / agentPrincipalArnPatterns), '
    + 'detach other policies from the targets, or use a larger budget.');
}

/** Splits a list of action names, each validated against the catalog (throws on an unknown one). */
export function catalogActions(names: string[]): string[] {
  return names.map(n => ActionCatalog.describe(n).action);
}

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

export interface OrgPolicyLimits {
  readonly budget: PolicyBudget;
  readonly existing: number;
  readonly max: number;
}

/** Validates the targets and the per-target limits shared by AgentScp and AgentRcp. */
export function orgPolicyLimits(name: string, kind: OrgPolicyKind, props: {
  targetIds: string[]; budget?: PolicyBudget; existingPoliciesPerTarget?: number; maxPoliciesPerTarget?: number;
}): OrgPolicyLimits {
  validateTargetIds(name, props.targetIds);
  const budget = props.budget ?? kind.defaultBudget;
  const existing = props.existingPoliciesPerTarget ?? 1;
  const max = props.maxPoliciesPerTarget ?? kind.defaultMaxPerTarget;
  validateCount(name, 'maxPoliciesPerTarget', max, 1, 1000, kind.quota);
  validateCount(name, 'existingPoliciesPerTarget', existing, 1, max - 1,
    `Count ${kind.fullAccessPolicy} (1) plus the ${kind.short}s other tools attach to the same targets; it must leave room for at least one ${kind.construct} document.`);
  return { budget, existing, max };
}

/** One `CfnPolicy` per packed document, attached to the targets; the first is `Resource`. */
export function createOrgPolicies(
  scope: Construct, kind: OrgPolicyKind, pack: OrgPack, props: { targetIds: string[]; policyNamePrefix?: string },
  describe: (index: number, count: number) => string,
): organizations.CfnPolicy[] {
  const prefix = props.policyNamePrefix ?? `guardrails-${Names.uniqueResourceName(scope, { maxLength: 80, separator: '-' })}`;
  return pack.documents.map((d, i) => new organizations.CfnPolicy(scope, i === 0 ? 'Resource' : `Resource${i + 1}`, {
    name: `${prefix}-${i + 1}`,
    type: kind.type,
    description: `cdk-agent-guardrails ${kind.construct} ${i + 1}/${pack.documents.length}: ${describe(i, pack.documents.length)}`,
    content: d.json,
    targetIds: props.targetIds,
  }));
}
