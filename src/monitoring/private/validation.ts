import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AgentIdentity } from '../../identity/agent-identity';
import { sourceIdentityPrefixProblem } from '../../identity/private/principals';
import { constructPath } from '../../private/errors';

/** Prefix of every warning id this layer emits. */
export const WARNING_PREFIX = 'cdk-agent-guardrails';

/**
 * Who an error is about: the construct's class and the path it has (or will have once created
 * under `scope` with `id`), e.g. `DestructiveCallAlarm 'App/Stack/Alarm'`.
 */
export function futurePath(construct: string, scope: IConstruct, id?: string): string {
  return `${construct} '${constructPath(scope, id)}'`;
}

/** Builds the error thrown for bad input: names the construct, the prop, the value and the fix. */
export function propError(who: string, message: string): Error {
  return new Error(`${who}: ${message}`);
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** Slack workspace (team) IDs: `T` then upper-case letters and digits. */
const SLACK_WORKSPACE = /^T[A-Z0-9]{6,20}$/;
/** Slack channel IDs: `C` (public) or `G` (private) then upper-case letters and digits. */
const SLACK_CHANNEL = /^[CG][A-Z0-9]{6,20}$/;
/** Name prefix: used in rule, topic, queue, alarm, trail and function names. */
const NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;

export function validateEmails(path: string, emails: string[]): void {
  emails.forEach((e, i) => {
    if (Token.isUnresolved(e)) return;
    if (!EMAIL.test(e)) {
      throw propError(path, `emails[${i}]: '${e}' is not an email address. Use an address such as 'oncall@example.com'.`);
    }
  });
}

export function validateSlack(path: string, workspaceId: string, channelId: string): void {
  if (!Token.isUnresolved(workspaceId) && !SLACK_WORKSPACE.test(workspaceId)) {
    throw propError(path, `slack.workspaceId: '${workspaceId}' is not a Slack workspace ID. Use the ID shown in the AWS Chatbot console after authorizing the workspace, e.g. 'T07ABCDE12' (T followed by upper-case letters and digits).`);
  }
  if (!Token.isUnresolved(channelId) && !SLACK_CHANNEL.test(channelId)) {
    throw propError(path, `slack.channelId: '${channelId}' is not a Slack channel ID. Copy it from the channel's details in Slack, e.g. 'C07ABCDE12' (C or G followed by upper-case letters and digits); a channel name such as '#alerts' does not work.`);
  }
}

export function validateNamePrefix(path: string, prefix: string): void {
  if (Token.isUnresolved(prefix) || !NAME_PREFIX.test(prefix)) {
    throw propError(path, `namePrefix: '${prefix}' is not a usable name prefix. Use 1 to 40 letters, digits and hyphens, starting with a letter or digit (a literal string, not a token).`);
  }
  // Names are `<prefix>-<suffix>`: they must start with the reserved prefix.
  if (!`${prefix}-`.startsWith(AgentIdentity.GUARDRAIL_NAME_PREFIX)) {
    throw propError(path, `namePrefix: '${prefix}' does not start with '${AgentIdentity.GUARDRAIL_NAME_PREFIX}', so AgentScp would not guard the alarm's rules and AgentRole would not guard its resources by name. Use a prefix such as '${AgentIdentity.GUARDRAIL_NAME_PREFIX}${prefix.replace(/^-+/, '').slice(0, 29)}'.`);
  }
}

/** A source-identity prefix AWS can carry. */
export function validateSourceIdentityPrefix(path: string, prefix: string): void {
  const problem = Token.isUnresolved(prefix) ? 'is a token' : sourceIdentityPrefixProblem(prefix);
  if (problem) {
    throw propError(path, `sourceIdentityPrefix: '${prefix}' ${problem}. Use a literal prefix such as '${AgentIdentity.SOURCE_IDENTITY_PREFIX}' (what AgentRole requires).`);
  }
}

/** A positive whole number; tokens are refused because the alarm needs the figure at synth. */
export function validateCount(path: string, prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min || value > max) {
    throw propError(path, `${prop}: ${value} is not a whole number from ${min} to ${max}. Set ${prop} to at least ${min}.`);
  }
}

/** A CloudWatch alarm period: whole minutes, 1 minute to 1 day. Returns seconds. */
export function validatePeriod(path: string, prop: string, d: Duration): number {
  if (d.isUnresolved()) {
    throw propError(path, `${prop}: a token is not accepted; the alarm period must be known at synth. Use Duration.minutes(n).`);
  }
  const seconds = d.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > 86400 || seconds % 60 !== 0) {
    throw propError(path, `${prop}: ${d.toHumanString()} is not a CloudWatch alarm period this construct accepts. Use whole minutes from Duration.minutes(1) to Duration.days(1).`);
  }
  return seconds;
}

/** EventBridge retry policy bounds. */
export function validateRetry(path: string, attempts: number, maxAge: Duration): void {
  validateCount(path, 'retryAttempts', attempts, 1, 185);
  if (maxAge.isUnresolved()) return;
  const s = maxAge.toSeconds({ integral: false });
  if (s < 60 || s > 86400) {
    throw propError(path, `maxEventAge: ${maxAge.toHumanString()} is outside EventBridge's range of 1 minute to 24 hours. Use Duration.hours(24) to keep retrying as long as EventBridge allows.`);
  }
}
