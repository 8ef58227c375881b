/**
 * "Is this principal an agent?" said once, for every layer: as IAM conditions (SCP, RCP,
 * guards), as EventBridge `detail` (alarms), and as a test on a role (checks).
 *
 * Private to the library. New ways to recognise agents (source identity, Identity Center
 * role names) are added here and reach every layer without edits elsewhere.
 */
import { AgentIdentity } from '../agent-identity';

/** One IAM condition entry (the catalog's `RuleCondition` shape, without importing the catalog). */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/**
 * One way of recognising agent principals. IAM conditions of one statement are ANDed, so
 * each way becomes a statement of its own.
 */
export interface PrincipalMatch {
  /** Short label used in statement IDs, e.g. `AgentTag`. */
  readonly label: string;
  /** Conditions that select the principals. */
  readonly conditions: ConditionEntry[];
}

/** How agents are recognised. */
export interface AgentMatchOptions {
  /** Principals tagged `guardrails:agent=true` (principal or session tag). */
  readonly matchAgentTag: boolean;
  /** `aws:PrincipalArn` patterns (role ARNs with their path). */
  readonly arnPatterns: string[];
  /** Sessions whose source identity starts with this prefix (it survives role chaining); undefined: not matched. */
  readonly sourceIdentityPrefix?: string;
}

/** Roles every layer treats as agents by ARN: agent roles (the guarded bootstrap's included) and workload roles. */
export const DEFAULT_AGENT_ARN_PATTERNS = [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN];

/** The default: tag, the agent and workload paths, and the source identity. */
export const DEFAULT_AGENT_MATCH: AgentMatchOptions = {
  matchAgentTag: true, arnPatterns: DEFAULT_AGENT_ARN_PATTERNS, sourceIdentityPrefix: AgentIdentity.SOURCE_IDENTITY_PREFIX,
};

/** Source identity values AWS accepts: 2 to 64 characters of letters, digits and `_+=,.@-`. */
const SOURCE_IDENTITY_CHARS = /^[\w+=,.@-]+$/;

/** Why a source-identity prefix cannot work, or undefined. */
export function sourceIdentityPrefixProblem(prefix: string): string | undefined {
  if (prefix.length === 0) return 'is empty, so every session would count as an agent';
  if (/^aws:/i.test(prefix)) return 'starts with \'aws:\', which AWS reserves';
  if (prefix.length > 60) return `has ${prefix.length} characters; a source identity has at most 64, so the prefix may have at most 60 (room for a name)`;
  if (!SOURCE_IDENTITY_CHARS.test(prefix)) return 'has characters a source identity cannot hold (only letters, digits and _+=,.@-)';
  return undefined;
}

/** An IAM role ARN pattern, literal (no token), in any partition; `*` allowed for the account and in the name. */
const ROLE_ARN_PATTERN = /^arn:(?:aws|aws-cn|aws-us-gov|\*):iam::(?:\d{12}|\*):role\/[\x21-\x7E]*$/;

/**
 * Why a list of agent role ARN patterns (`agentRoleArnPatterns` of the alarm, the forwarder and
 * the roll-out) cannot work, naming the prop and the fix, or undefined. `isToken` tells tokens,
 * whose form cannot be checked.
 */
export function agentRoleArnPatternsProblem(patterns: string[], isToken: (v: string) => boolean): string | undefined {
  if (patterns.length === 0) return 'agentRoleArnPatterns: [] matches no role. Leave it out for the agent and workload paths, or give at least one pattern.';
  const i = patterns.findIndex(p => isToken(p) || !ROLE_ARN_PATTERN.test(p));
  if (i >= 0) return `agentRoleArnPatterns[${i}]: '${patterns[i]}' is not an IAM role ARN pattern. Use a literal such as '${AgentIdentity.AGENT_ROLE_ARN_PATTERN}'.`;
  return undefined;
}

/** The condition that a principal carries the agent tag. */
export const AGENT_TAG_CONDITION: ConditionEntry = {
  operator: 'StringEquals', key: AgentIdentity.AGENT_TAG_CONDITION_KEY, values: [AgentIdentity.AGENT_TAG_VALUE],
};

/** The condition that a resource is not tagged ephemeral: an exemptable deny carries it. */
export const NOT_EPHEMERAL_CONDITION: ConditionEntry = {
  operator: 'StringNotEquals', key: `aws:ResourceTag/${AgentIdentity.EPHEMERAL_TAG_KEY}`, values: [AgentIdentity.EPHEMERAL_TAG_VALUE],
};

/** The conditions that select agents, one alternative per way of recognising them. */
export function agentPrincipalMatches(options: AgentMatchOptions): PrincipalMatch[] {
  const out: PrincipalMatch[] = [];
  if (options.matchAgentTag) out.push({ label: 'AgentTag', conditions: [AGENT_TAG_CONDITION] });
  if (options.arnPatterns.length) {
    out.push({ label: 'AgentArn', conditions: [{ operator: 'ArnLike', key: 'aws:PrincipalArn', values: [...options.arnPatterns] }] });
  }
  if (options.sourceIdentityPrefix !== undefined) {
    out.push({ label: 'AgentSource', conditions: [{ operator: 'StringLike', key: 'aws:SourceIdentity', values: [`${options.sourceIdentityPrefix}*`] }] });
  }
  return out;
}

/** A condition that holds for every principal except those matching the patterns. */
export function exceptPrincipals(arnPatterns: string[]): ConditionEntry[] {
  return arnPatterns.length ? [{ operator: 'ArnNotLike', key: 'aws:PrincipalArn', values: [...arnPatterns] }] : [];
}

/**
 * The EventBridge `detail` fields that restrict a CloudTrail pattern to agent principals: the
 * session issuer's ARN (the role ARN, with its path) matches one of the agent role patterns.
 * Empty when every principal is watched.
 */
export function agentEventDetail(
  agentsOnly: boolean,
  arnPatterns: string[] = DEFAULT_AGENT_ARN_PATTERNS,
  sourceIdentityPrefix: string | undefined = AgentIdentity.SOURCE_IDENTITY_PREFIX,
): Record<string, unknown> {
  if (!agentsOnly) return {};
  const issuer = { sessionContext: { sessionIssuer: { arn: arnPatterns.map(p => (p.includes('*') ? { wildcard: p } : p)) } } };
  if (sourceIdentityPrefix === undefined) return { userIdentity: issuer };
  // A chained session keeps the agent's source identity: it is an agent whatever role it is in.
  return { userIdentity: { $or: [issuer, { sessionContext: { sourceIdentity: [{ prefix: sourceIdentityPrefix }] } }] } };
}

/** Anchored regular expression of an IAM glob (`*` any run, `?` one character). */
export function globToRegExp(glob: string): RegExp {
  const body = glob.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/** Why a role is an agent by its own marks (tag or path), or undefined. */
export function agentRoleReason(tags: Map<string, unknown>, path: unknown): string | undefined {
  if (tags.get(AgentIdentity.AGENT_TAG_KEY) === AgentIdentity.AGENT_TAG_VALUE) return `tagged ${AgentIdentity.AGENT_TAG_KEY}=${AgentIdentity.AGENT_TAG_VALUE}`;
  if (typeof path === 'string' && path.startsWith(AgentIdentity.AGENT_ROLE_PATH)) return `under the path ${AgentIdentity.AGENT_ROLE_PATH}`;
  return undefined;
}

/**
 * Whether a condition entry is true for every request of an agent role with this ARN and these
 * principal tags: the agent-tag condition when the role carries the tag, an `ArnLike`/`StringLike`
 * on `aws:PrincipalArn` with a pattern that matches the role's ARN. Anything else: false (unknown
 * is never counted as true).
 */
export function holdsForAgent(entry: ConditionEntry, roleArn: string, tags: Map<string, unknown>): boolean {
  const op = entry.operator;
  const key = entry.key.toLowerCase();
  if (op === 'StringEquals' && key === AgentIdentity.AGENT_TAG_CONDITION_KEY.toLowerCase()) {
    return tags.get(AgentIdentity.AGENT_TAG_KEY) !== undefined && entry.values.includes(String(tags.get(AgentIdentity.AGENT_TAG_KEY)));
  }
  if ((op === 'ArnLike' || op === 'StringLike') && key === 'aws:principalarn') {
    return entry.values.some(v => globToRegExp(v).test(roleArn));
  }
  return false;
}
