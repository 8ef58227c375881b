import { Stack, Token } from 'aws-cdk-lib';
import { AgentIdentity } from '../../identity/agent-identity';
import { PolicyBudget } from '../../policy/policy-budget';
import type { AgentRoleProps } from '../agent-role';

/** Highest managed-policy quota per role IAM grants on request. */
export const MAX_QUOTA = 25;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH_CHARS = /^\/(?:[\x21-\x7E]*\/)?$/;
const EXTERNAL_ID = /^[\w+=,.@:\/-]{2,1224}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** Validates the props before any child is created; returns the managed-policy quota. */
export function validateAgentRoleProps(props: AgentRoleProps): number {
  if (!props || props.assumedBy === undefined || props.assumedBy === null) {
    throw new Error('assumedBy: no principal was given, so nobody could assume the agent role. Pass the principal the agent runs as, e.g. new iam.AccountPrincipal(\'111111111111\') or a WebIdentityPrincipal for GitHub Actions.');
  }
  const fragment = props.assumedBy.policyFragment;
  if (Object.keys(fragment.principalJson).length === 0 || Object.values(fragment.principalJson).every(v => Array.isArray(v) && v.length === 0)) {
    throw new Error('assumedBy: the principal is empty (e.g. a CompositePrincipal with no principals), so the trust policy would trust nobody. Pass at least one principal.');
  }
  if (props.externalIds !== undefined) {
    if (props.externalIds.length === 0) {
      throw new Error('externalIds: an empty list was given. Leave externalIds undefined, or give at least one external ID.');
    }
    for (const e of props.externalIds) {
      if (!Token.isUnresolved(e) && !EXTERNAL_ID.test(e)) {
        throw new Error(`externalIds: '${e}' is not a valid external ID. Use 2 to 1,224 characters from letters, digits and +=,.@:/-_.`);
      }
    }
  }
  const d = props.maxSessionDuration;
  if (d !== undefined && !Token.isUnresolved(d.toSeconds())) {
    const s = d.toSeconds();
    if (s < 3600 || s > 43200) {
      throw new Error(`maxSessionDuration: ${d.toHumanString()} is outside the 1 to 12 hours IAM allows. Set maxSessionDuration between Duration.hours(1) (the default) and Duration.hours(12).`);
    }
  }
  if (props.roleName !== undefined && !Token.isUnresolved(props.roleName) && !ROLE_NAME.test(props.roleName)) {
    throw new Error(`roleName: '${props.roleName}' is not a valid role name. Use 1 to 64 characters from letters, digits and +=,.@_-.`);
  }
  if (props.path !== undefined && !Token.isUnresolved(props.path)) {
    if (!props.path.startsWith(AgentIdentity.AGENT_ROLE_PATH) || !PATH_CHARS.test(props.path) || props.path.length > 512) {
      throw new Error(`path: '${props.path}' does not start with '${AgentIdentity.AGENT_ROLE_PATH}' (or is not a valid IAM path), so the other guardrail layers would not recognise the role as an agent. Use '${AgentIdentity.AGENT_ROLE_PATH}' or a sub-path such as '${AgentIdentity.AGENT_ROLE_PATH}team-a/'.`);
    }
  }
  const quota = props.managedPolicyQuota ?? 10;
  if (!Token.isUnresolved(quota) && (!Number.isInteger(quota) || quota < 1 || quota > MAX_QUOTA)) {
    throw new Error(`managedPolicyQuota: ${quota} is not a managed-policy quota IAM offers. Use a whole number from 1 to ${MAX_QUOTA} (10 by default; raise the IAM quota "Managed policies per role" first).`);
  }
  for (const [k, v] of Object.entries(props.tags ?? {})) {
    if (Token.isUnresolved(k)) continue;
    if (!TAG_KEY.test(k) || /^aws:/i.test(k)) {
      throw new Error(`tags: '${k}' is not a valid tag key. Use 1 to 128 letters, digits, spaces and _.:/=+-@, not starting with 'aws:'.`);
    }
    if (/^guardrails:/i.test(k)) {
      throw new Error(`tags: '${k}' uses the reserved 'guardrails:' prefix; AgentRole sets ${AgentIdentity.AGENT_TAG_KEY} itself. Choose a key without that prefix.`);
    }
    if (!Token.isUnresolved(v) && !TAG_VALUE.test(v)) {
      throw new Error(`tags: the value '${v}' of '${k}' is not a valid tag value. Use at most 256 letters, digits, spaces and _.:/=+-@.`);
    }
  }
  return quota;
}

/** Characters of a policy document holding the statements (tokens resolved to CloudFormation intrinsics: an over-estimate). */
export function policySize(stack: Stack, statements: any[]): number {
  return JSON.stringify(stack.resolve({ Version: '2012-10-17', Statement: statements })).length;
}

/** First-fit decreasing: units (statement lists) into as few managed-policy documents as fit. */
export function binPack(stack: Stack, units: any[][]): any[][] {
  const budget = PolicyBudget.MANAGED_POLICY.maxCharacters;
  const sized = units.map(u => ({ u, n: policySize(stack, u) })).sort((a, b) => b.n - a.n);
  const bins: any[][] = [];
  for (const { u, n } of sized) {
    if (n > budget) {
      throw new Error(`AgentRole: a group of statements (${u.map(s => s.Sid).filter(Boolean).join(', ') || 'custom access'}) needs ${n} characters, over the ${budget} of a managed policy. Split the custom statements or pass fewer resources.`);
    }
    const bin = bins.find(b => policySize(stack, [...b, ...u]) <= budget);
    if (bin) bin.push(...u); else bins.push([...u]);
  }
  return bins;
}
