/**
 * Kill switch for agent roles.
 *
 * Triggered by a critical "AWS API Call via CloudTrail" event made by an agent role, or by
 * the CloudWatch alarm on denied attempts, it revokes the agent role's active sessions the
 * way the IAM console's "Revoke active sessions" does: an inline policy named
 * `AWSRevokeOlderSessions` that denies everything to sessions issued before now
 * (`DateLessThan aws:TokenIssueTime`). Optionally it also attaches a deny-all inline policy
 * that blocks new sessions until a human deletes it.
 *
 * Idempotent: a retry of the same trigger finds the revocation already in place (its cut-off
 * is at or after the trigger time) and writes nothing, so a session a human re-issued after
 * the first run is left alone.
 *
 * The agent role may live in another account of the organization (a central alarm receives the
 * member accounts' events, which keep their `account`): the function then assumes the member
 * account's kill-switch role (`MEMBER_ROLE`, deployed there in advance) and revokes there. With no
 * member role configured, an event from another account fails the invocation (alarmed, kept in
 * the dead-letter queue) rather than touching a role of the same name in this account.
 *
 * Environment:
 * - `AGENT_ROLE_PATH` IAM path of agent roles (e.g. `/guardrails-agent/`); only roles under it are touched.
 * - `BLOCK_NEW_SESSIONS` `true` to attach the deny-all policy as well.
 * - `HOME_ACCOUNT` the function's own account ID.
 * - `MEMBER_ROLE` optional path and name of the kill-switch role in member accounts
 *   (e.g. `/guardrails-guardian/guardrails-kill-switch-member`).
 */
import {
  GetRolePolicyCommand,
  IAMClient,
  ListRolesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** Inline policy name the IAM console uses for "Revoke active sessions". */
export const REVOKE_POLICY_NAME = 'AWSRevokeOlderSessions';
/** Inline policy name of the deny-all block (removed by a human to re-enable the role). */
export const BLOCK_POLICY_NAME = 'GuardrailsKillSwitchBlock';

const homeIam = new IAMClient({});
const sts = new STSClient({});

/** What one invocation did. */
export interface KillSwitchResult {
  readonly trigger: 'cloudtrail-event' | 'alarm' | 'ignored';
  readonly revoked: string[];
  readonly alreadyRevoked: string[];
  readonly blocked: string[];
  readonly reason?: string;
  /** The member account acted in, when not the function's own. */
  readonly account?: string;
}

interface Trigger {
  readonly kind: 'cloudtrail-event' | 'alarm';
  /** Time of the triggering event: sessions issued before it must be revoked. */
  readonly time: Date;
  /** Role names to revoke, or undefined for every role under the agent path. */
  readonly roleNames?: string[];
  /** Account of the roles; undefined for the function's own account. */
  readonly account?: string;
  /** Partition of the roles' ARNs. */
  readonly partition?: string;
}

export async function handler(event: any): Promise<KillSwitchResult> {
  const rolePath = requiredEnv('AGENT_ROLE_PATH');
  const block = process.env.BLOCK_NEW_SESSIONS === 'true';
  const trigger = parseTrigger(event, rolePath);
  if (typeof trigger === 'string') {
    console.log(JSON.stringify({ action: 'ignored', reason: trigger }));
    return { trigger: 'ignored', revoked: [], alreadyRevoked: [], blocked: [], reason: trigger };
  }
  const client = await clientFor(trigger);
  const roleNames = trigger.roleNames ?? await listAgentRoles(client, rolePath);

  const revoked: string[] = [];
  const alreadyRevoked: string[] = [];
  const blocked: string[] = [];
  const failures: string[] = [];
  for (const roleName of roleNames) {
    try {
      if (await revokeSessions(client, roleName, trigger.time)) revoked.push(roleName); else alreadyRevoked.push(roleName);
      if (block && await blockNewSessions(client, roleName)) blocked.push(roleName);
    } catch (err) {
      failures.push(`${roleName}: ${(err as Error).name}: ${(err as Error).message}`);
    }
  }
  const result: KillSwitchResult = {
    trigger: trigger.kind, revoked, alreadyRevoked, blocked, ...(trigger.account ? { account: trigger.account } : {}),
  };
  console.log(JSON.stringify({ action: 'kill-switch', ...result, failures }));
  if (failures.length > 0) {
    // Fail the invocation so it is retried, counted in Errors (alarmed) and kept in the DLQ.
    throw new Error(`kill switch failed for ${failures.length} of ${roleNames.length} role(s): ${failures.join('; ')}`);
  }
  return result;
}

/** Reads the trigger; a string is the reason the event is ignored. */
export function parseTrigger(event: any, rolePath: string): Trigger | string {
  if (event && event['detail-type'] === 'AWS API Call via CloudTrail' && event.detail) {
    const issuer = event.detail.userIdentity?.sessionContext?.sessionIssuer;
    if (!issuer || issuer.type !== 'Role' || typeof issuer.arn !== 'string' || typeof issuer.userName !== 'string') {
      return 'the caller is not an IAM role session';
    }
    const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role(\/.*\/)?([^/]+)$/.exec(issuer.arn);
    if (!m || !(m[3] ?? '/').startsWith(rolePath)) return `the caller's role ${issuer.arn} is not under the agent path ${rolePath}`;
    const home = process.env.HOME_ACCOUNT;
    const account = home && m[2] !== home ? m[2] : undefined;
    return { kind: 'cloudtrail-event', time: eventTime(event.time), roleNames: [issuer.userName], account, partition: m[1] };
  }
  if (event && event.source === 'aws.cloudwatch' && event.alarmData) {
    const state = event.alarmData.state?.value;
    if (state !== 'ALARM') return `alarm state is ${state}, not ALARM`;
    return { kind: 'alarm', time: eventTime(event.alarmData.state?.timestamp ?? event.time) };
  }
  throw new Error(`unrecognised event: expected an "AWS API Call via CloudTrail" event or a CloudWatch alarm action, got ${JSON.stringify(event).slice(0, 300)}`);
}

function eventTime(value: unknown): Date {
  const t = typeof value === 'string' ? new Date(value) : new Date();
  return Number.isNaN(t.getTime()) ? new Date() : t;
}

/** The IAM client of the account the trigger's roles live in. */
async function clientFor(trigger: Trigger): Promise<IAMClient> {
  if (trigger.account === undefined) return homeIam;
  const memberRole = process.env.MEMBER_ROLE;
  if (!memberRole) {
    throw new Error(`the agent role is in account ${trigger.account}, not in this kill switch's account ${process.env.HOME_ACCOUNT}, `
      + 'and no member-account role is configured (killSwitch.actInMemberAccounts): nothing was revoked');
  }
  const roleArn = `arn:${trigger.partition ?? 'aws'}:iam::${trigger.account}:role${memberRole}`;
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'guardrails-kill-switch', DurationSeconds: 900 }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
  return new IAMClient({ credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
}

async function listAgentRoles(iam: IAMClient, rolePath: string): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ PathPrefix: rolePath, Marker: marker }));
    for (const r of page.Roles ?? []) if (r.RoleName) names.push(r.RoleName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return names;
}

async function getInlinePolicy(iam: IAMClient, roleName: string, policyName: string): Promise<any | undefined> {
  try {
    const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    return out.PolicyDocument ? JSON.parse(decodeURIComponent(out.PolicyDocument)) : undefined;
  } catch (err) {
    if (err instanceof NoSuchEntityException || (err as Error).name === 'NoSuchEntityException' || (err as Error).name === 'NoSuchEntity') return undefined;
    throw err;
  }
}

/** The revocation cut-off of an existing AWSRevokeOlderSessions policy, if any. */
export function existingCutoff(doc: any): Date | undefined {
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
  let latest: Date | undefined;
  for (const s of statements) {
    const v = s?.Effect === 'Deny' ? s?.Condition?.DateLessThan?.['aws:TokenIssueTime'] : undefined;
    const t = typeof v === 'string' ? new Date(v) : undefined;
    if (t && !Number.isNaN(t.getTime()) && (!latest || t > latest)) latest = t;
  }
  return latest;
}

/** Revokes sessions issued before now; false when a revocation at or after `since` is already in place. */
async function revokeSessions(iam: IAMClient, roleName: string, since: Date): Promise<boolean> {
  const cutoff = existingCutoff(await getInlinePolicy(iam, roleName, REVOKE_POLICY_NAME));
  if (cutoff && cutoff.getTime() >= since.getTime()) return false;
  const now = new Date(Math.max(Date.now(), since.getTime()));
  await iam.send(new PutRolePolicyCommand({
    RoleName: roleName,
    PolicyName: REVOKE_POLICY_NAME,
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } },
      }],
    }),
  }));
  return true;
}

/** Attaches the deny-all block; false when it is already there. */
async function blockNewSessions(iam: IAMClient, roleName: string): Promise<boolean> {
  if (await getInlinePolicy(iam, roleName, BLOCK_POLICY_NAME)) return false;
  await iam.send(new PutRolePolicyCommand({
    RoleName: roleName,
    PolicyName: BLOCK_POLICY_NAME,
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'KillSwitchDenyAllUntilAHumanDeletesThisPolicy', Effect: 'Deny', Action: ['*'], Resource: ['*'] }],
    }),
  }));
  return true;
}

function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}
