import { Stack, Token } from 'aws-cdk-lib';
import { ActionCatalog } from '../../catalog/action-catalog';
import { ActionCategory } from '../../catalog/action-category';
import { AgentIdentity } from '../../identity/agent-identity';
import { sourceIdentityPrefixProblem } from '../../identity/private/principals';
import { PolicyBudget } from '../../policy/policy-budget';
import { documentSize, jsonSize } from '../../policy/private/packing';
import { inputError } from '../../private/errors';
import type { AgentRoleProps } from '../agent-role';

/** Highest managed-policy quota per role IAM grants on request. */
export const MAX_QUOTA = PolicyBudget.MANAGED_POLICIES_PER_ROLE_MAX;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH_CHARS = /^\/(?:[\x21-\x7E]*\/)?$/;
const EXTERNAL_ID = /^[\w+=,.@:\/-]{2,1224}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** Validates the props before any child is created; returns the managed-policy quota. */
export function validateAgentRoleProps(path: string, props: AgentRoleProps): number {
  const fail = (message: string) => inputError('AgentRole', path, message);
  if (!props || props.assumedBy === undefined || props.assumedBy === null) {
    throw fail('assumedBy: no principal was given, so nobody could assume the agent role. Pass the principal the agent runs as, e.g. new iam.AccountPrincipal(\'111111111111\') or a WebIdentityPrincipal for GitHub Actions.');
  }
  const fragment = props.assumedBy.policyFragment;
  if (Object.keys(fragment.principalJson).length === 0 || Object.values(fragment.principalJson).every(v => Array.isArray(v) && v.length === 0)) {
    throw fail('assumedBy: the principal is empty (e.g. a CompositePrincipal with no principals), so the trust policy would trust nobody. Pass at least one principal.');
  }
  if (props.externalIds !== undefined) {
    if (props.externalIds.length === 0) {
      throw fail('externalIds: an empty list was given. Leave externalIds undefined, or give at least one external ID.');
    }
    for (const e of props.externalIds) {
      if (!Token.isUnresolved(e) && !EXTERNAL_ID.test(e)) {
        throw fail(`externalIds: '${e}' is not a valid external ID. Use 2 to 1,224 characters from letters, digits and +=,.@:/-_.`);
      }
    }
  }
  const d = props.maxSessionDuration;
  if (d !== undefined && !Token.isUnresolved(d.toSeconds())) {
    const s = d.toSeconds();
    if (s < 3600 || s > 43200) {
      throw fail(`maxSessionDuration: ${d.toHumanString()} is outside the 1 to 12 hours IAM allows. Set maxSessionDuration between Duration.hours(1) (the default) and Duration.hours(12).`);
    }
  }
  if (props.roleName !== undefined && !Token.isUnresolved(props.roleName) && !ROLE_NAME.test(props.roleName)) {
    throw fail(`roleName: '${props.roleName}' is not a valid role name. Use 1 to 64 characters from letters, digits and +=,.@_-.`);
  }
  if (props.path !== undefined && !Token.isUnresolved(props.path)) {
    if (!props.path.startsWith(AgentIdentity.AGENT_ROLE_PATH) || !PATH_CHARS.test(props.path) || props.path.length > 512) {
      throw fail(`path: '${props.path}' does not start with '${AgentIdentity.AGENT_ROLE_PATH}' (or is not a valid IAM path), so the other guardrail layers would not recognise the role as an agent. Use '${AgentIdentity.AGENT_ROLE_PATH}' or a sub-path such as '${AgentIdentity.AGENT_ROLE_PATH}team-a/'.`);
    }
  }
  if (props.categories !== undefined) {
    if (props.categories.length === 0) {
      throw fail(`categories: [] denies nothing but the guard rules. Omit categories for the default (${ActionCatalog.defaultCategories().join(', ')}), or name at least one ActionCategory.`);
    }
    for (const c of props.categories) {
      if (!Object.values(ActionCategory).includes(c)) {
        throw fail(`categories: '${c}' is not an ActionCategory. Use ${Object.values(ActionCategory).join(', ')}.`);
      }
    }
  }
  for (const id of props.optInRules ?? []) {
    if (!ActionCatalog.optInRuleIds().includes(id)) {
      throw fail(`optInRules: '${id}' is not an opt-in rule of the catalog. Use ids of ActionCatalog.optInRuleIds(): ${ActionCatalog.optInRuleIds().join(', ')}.`);
    }
  }
  if (props.sourceIdentityPrefix !== undefined) {
    if (Token.isUnresolved(props.sourceIdentityPrefix)) throw fail('sourceIdentityPrefix: a token was given. Give a literal prefix such as \'guardrails-agent.\'.');
    const problem = sourceIdentityPrefixProblem(props.sourceIdentityPrefix);
    if (problem) {
      throw fail(`sourceIdentityPrefix: '${props.sourceIdentityPrefix}' ${problem}. Use a prefix such as '${AgentIdentity.SOURCE_IDENTITY_PREFIX}' (what AgentScp, AgentRcp and the alarm recognise by default).`);
    }
  }
  const quota = props.managedPolicyQuota ?? PolicyBudget.MANAGED_POLICIES_PER_ROLE;
  if (!Token.isUnresolved(quota) && (!Number.isInteger(quota) || quota < 1 || quota > MAX_QUOTA)) {
    throw fail(`managedPolicyQuota: ${quota} is not a managed-policy quota IAM offers. Use a whole number from 1 to ${MAX_QUOTA} (10 by default; raise the IAM quota "Managed policies per role" first).`);
  }
  for (const [k, v] of Object.entries(props.tags ?? {})) {
    if (Token.isUnresolved(k)) continue;
    if (!TAG_KEY.test(k) || /^aws:/i.test(k)) {
      throw fail(`tags: '${k}' is not a valid tag key. Use 1 to 128 letters, digits, spaces and _.:/=+-@, not starting with 'aws:'.`);
    }
    if (/^guardrails:/i.test(k)) {
      throw fail(`tags: '${k}' uses the reserved 'guardrails:' prefix; AgentRole sets ${AgentIdentity.AGENT_TAG_KEY} itself. Choose a key without that prefix.`);
    }
    if (!Token.isUnresolved(v) && !TAG_VALUE.test(v)) {
      throw fail(`tags: the value '${v}' of '${k}' is not a valid tag value. Use at most 256 letters, digits, spaces and _.:/=+-@.`);
    }
  }
  return quota;
}

/** Resolved characters of each statement object measured, per stack (packing measures the same statements in many groupings). */
const statementSizes = new WeakMap<Stack, WeakMap<object, number>>();

/**
 * Characters of a policy document holding the statements (tokens resolved to CloudFormation
 * intrinsics: an over-estimate). The same as `documentSize(stack.resolve(statements))`: minified
 * JSON of a list is its items' JSON joined by commas, so each statement is resolved and measured
 * once (statements are not changed once rendered).
 */
export function policySize(stack: Stack, statements: unknown[]): number {
  let sizes = statementSizes.get(stack);
  if (!sizes) statementSizes.set(stack, sizes = new WeakMap());
  let total = documentSize([]);
  let items = 0;
  for (const s of statements) {
    const key = typeof s === 'object' && s !== null ? s : undefined;
    let n = key ? sizes.get(key) : undefined;
    if (n === undefined) {
      const resolved = stack.resolve(s);
      // stack.resolve leaves undefined items out of a list.
      n = resolved === undefined ? -1 : jsonSize(resolved);
      if (key) sizes.set(key, n);
    }
    if (n < 0) continue;
    total += n + (items++ > 0 ? 1 : 0);
  }
  return total;
}
