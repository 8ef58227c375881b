import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as sso from 'aws-cdk-lib/aws-sso';
import { Construct } from 'constructs';
import { AgentDenyPolicyOptions } from './agent-deny-policies';
import { DenySet, renderDenySet, validateDenySetInput } from './private/deny-set';
import { AgentAccess } from '../agent-role/agent-access';
import { AgentIdentity } from '../identity/agent-identity';
import { PolicyBudget } from '../policy/policy-budget';
import { inputError } from '../private/errors';

/** Properties of an `AgentPermissionSet`. */
export interface AgentPermissionSetProps extends AgentDenyPolicyOptions {
  /**
   * ARN of the IAM Identity Center instance, e.g. `arn:aws:sso:::instance/ssoins-1234567890abcdef`.
   * @see https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html
   */
  readonly instanceArn: string;

  /**
   * Name of the permission set: 1 to 32 letters, digits and `+=,.@_-`. It is part of the names
   * of the roles Identity Center creates (`AWSReservedSSO_<name>_<suffix>`), which every layer
   * matches with `roleArnPattern`.
   * @see https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html
   */
  readonly permissionSetName: string;

  /**
   * Description of the permission set.
   * @default - a description naming the access level
   */
  readonly description?: string;

  /**
   * How long a session of the permission set lasts, from 1 to 12 hours. It is also the longest
   * an issued session survives when nobody cuts it (see `revokeSessionsIssuedBefore`).
   *
   * Risk: every hour above 1 is an hour more that a stolen or runaway agent session stays valid.
   * @default Duration.hours(1)
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html
   */
  readonly sessionDuration?: Duration;

  /**
   * What the agent may do before the denies apply: the access level's statements go into the
   * permission set's inline policy, its managed policies (AWS managed only) are attached. The
   * agent boundary caps it at developer level, even with AdministratorAccess.
   * @default AgentAccess.developer()
   */
  readonly access?: AgentAccess;

  /**
   * Managed policies the roles of the permission set may carry (the member accounts' IAM quota
   * "Managed policies per role"), counting the deny policies and the access level's AWS managed
   * policies.
   * @default 10
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  readonly managedPolicyQuota?: number;

  /**
   * The session cut: every session of the permission set issued before this time (UTC,
   * `YYYY-MM-DDTHH:MM:SSZ`) is denied everything, in every account the permission set is
   * provisioned to. The deny is always deployed (by default with a time in 1970, so it denies
   * nothing); to cut, set this to the current time and deploy: CloudFormation updates the inline
   * policy and provisions the permission set to every account. New sessions (signed in again
   * after the cut) are not affected.
   *
   * Removing an account assignment, or deleting the user, does not end a session already
   * issued: its credentials stay valid until `sessionDuration` runs out. This deny, or the
   * user deny (`revokedUserIds`), is what ends it.
   * @default - no session is revoked ('1970-01-01T00:00:00Z')
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html
   */
  readonly revokeSessionsIssuedBefore?: string;

  /**
   * Identity Center user IDs (`identitystore:userId`) denied everything through this permission
   * set, whatever session they hold: the per-person cut AWS documents.
   * @default - none
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html
   */
  readonly revokedUserIds?: string[];
}

/** `arn:<partition>:sso:::instance/(sso)?ins-<16>` (PutInlinePolicyToPermissionSet InstanceArn). */
const INSTANCE_ARN = /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
/** Permission set name (PermissionSet.Name): 1 to 32 of `[\w+=,.@-]`. */
const NAME = /^[\w+=,.@-]{1,32}$/;
/** SessionDuration pattern of the Identity Center API, anchored. */
const ISO_DURATION = /^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
/** An ISO-8601 UTC timestamp, seconds precision. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
/** Identity Store user ID (Identity Store API `UserId`). */
const USER_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
/** Largest inline policy of a permission set (PutInlinePolicyToPermissionSet). */
const INLINE_POLICY_MAX = 32_768;
/** The cut time that revokes nothing. */
const NO_CUT = '1970-01-01T00:00:00Z';
const MIN_SESSION_S = 3600;
const MAX_SESSION_S = 12 * 3600;

/**
 * An IAM Identity Center permission set for AI agents that sign in with Identity Center
 * credentials (on a laptop, `aws sso login`): the agent denies, the agent boundary, a short
 * session and a session cut deployed in advance.
 *
 * Deploy it in the organization's management account or the delegated administrator account
 * for Identity Center, after `AgentDenyPolicies` (same options) in every account it will be
 * assigned to: the permission set references those customer managed policies by name and path,
 * and its permissions boundary is their `<prefix>-boundary`.
 *
 * - Recognition: `roleArnPattern` matches the roles Identity Center creates for it; give it to
 *   `AgentScp`'s `agentPrincipalArnPatterns` and the alarm's `agentRoleArnPatterns`.
 * - The cut: IAM cannot write to Identity Center roles, so the kill switch cannot revoke them.
 *   The inline policy always holds a deny on `aws:TokenIssueTime`; `revokeSessionsIssuedBefore`
 *   moves it (CloudFormation provisions the change to every account). Removing the account
 *   assignment alone does not end a session already issued: it lives until `sessionDuration`
 *   runs out, the worst-case survival without the cut.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetcustom.html
 *
 * @example
 * const ps = new AgentPermissionSet(this, 'Agents', {
 *   instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
 *   permissionSetName: 'CodingAgent',
 * });
 * new AgentScp(this, 'Scp', {
 *   targetIds: ['ou-ab12-cd34ef56'],
 *   agentPrincipalArnPatterns: [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN, ps.roleArnPattern],
 * });
 */
export class AgentPermissionSet extends Construct {
  /**
   * ARN pattern of the roles Identity Center creates for a permission set of this name (see
   * `AgentIdentity.identityCenterRoleArnPattern`).
   */
  public static roleArnPatternFor(permissionSetName: string): string {
    return AgentIdentity.identityCenterRoleArnPattern(permissionSetName);
  }

  /** The permission set. */
  public readonly permissionSet: sso.CfnPermissionSet;

  /** ARN of the permission set. */
  public readonly permissionSetArn: string;

  /** Name of the permission set. */
  public readonly permissionSetName: string;

  /** ARN pattern of the roles Identity Center creates for this permission set, in every account. */
  public readonly roleArnPattern: string;

  /** Session duration, ISO-8601 (e.g. `PT1H`). */
  public readonly sessionDuration: string;

  /** Sessions issued before this time are denied everything (`1970-01-01T00:00:00Z`: none). */
  public readonly revokeSessionsIssuedBefore: string;

  /** Names of the customer managed deny policies the permission set references, in order. */
  public readonly denyPolicyNames: string[];

  /** Name of the customer managed permissions boundary. */
  public readonly boundaryName: string;

  /** Managed policies a role of the permission set carries (deny policies + AWS managed policies). */
  public readonly managedPolicyCount: number;

  /** Characters of the inline policy (minified JSON). */
  public readonly inlinePolicySize: number;

  private readonly accessStatements: any[];
  private readonly userIds: string[];

  constructor(scope: Construct, id: string, props: AgentPermissionSetProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const fail = (m: string) => inputError('AgentPermissionSet', path, m);
    // ---- validate everything before any child exists ----
    if (!props || props.instanceArn === undefined) throw fail('instanceArn: no value was given. Pass the ARN of the Identity Center instance, e.g. \'arn:aws:sso:::instance/ssoins-1234567890abcdef\' (aws sso-admin list-instances).');
    if (!Token.isUnresolved(props.instanceArn) && !INSTANCE_ARN.test(props.instanceArn)) {
      throw fail(`instanceArn: '${props.instanceArn}' is not an Identity Center instance ARN. Use the InstanceArn that 'aws sso-admin list-instances' prints, e.g. 'arn:aws:sso:::instance/ssoins-1234567890abcdef'.`);
    }
    const name = props.permissionSetName;
    if (name === undefined || Token.isUnresolved(name)) {
      throw fail('permissionSetName: a literal name is needed (it is part of the role ARN pattern the other layers match). Give 1 to 32 letters, digits and +=,.@_-, e.g. \'CodingAgent\'.');
    }
    if (!NAME.test(name)) {
      throw fail(`permissionSetName: '${name}' ${name.length > 32 ? `has ${name.length} characters; Identity Center allows at most 32` : 'has characters Identity Center does not allow'}. Use 1 to 32 letters, digits and +=,.@_-, e.g. 'CodingAgent'.`);
    }
    const duration = props.sessionDuration ?? Duration.hours(1);
    if (duration.isUnresolved()) throw fail('sessionDuration: a token was given. Use Duration.hours(1) (the default) up to Duration.hours(12).');
    const seconds = duration.toSeconds({ integral: false });
    const iso = duration.toIsoString();
    if (seconds < MIN_SESSION_S || seconds > MAX_SESSION_S || !ISO_DURATION.test(iso)) {
      throw fail(`sessionDuration: ${duration.toHumanString()} (${iso}) is outside the 1 to 12 hours Identity Center allows. Use Duration.hours(1) (the default) up to Duration.hours(12).`);
    }
    const cut = props.revokeSessionsIssuedBefore ?? NO_CUT;
    validateTimestamp(fail, cut);
    const userIds = props.revokedUserIds ?? [];
    userIds.forEach((u, i) => {
      if (Token.isUnresolved(u) || !USER_ID.test(u)) {
        throw fail(`revokedUserIds[${i}]: '${u}' is not an Identity Center user ID. Copy the user ID from the Identity Center console (Users, the user, General information), e.g. '90677f3f2a-1e2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'.`);
      }
    });
    validateDenySetInput('AgentPermissionSet', path, props);
    const quota = props.managedPolicyQuota ?? PolicyBudget.MANAGED_POLICIES_PER_ROLE;
    if (Token.isUnresolved(quota) || !Number.isInteger(quota) || quota < 1 || quota > PolicyBudget.MANAGED_POLICIES_PER_ROLE_MAX) {
      throw fail(`managedPolicyQuota: ${quota} is not a managed-policy quota IAM offers. Use a whole number from 1 to ${PolicyBudget.MANAGED_POLICIES_PER_ROLE_MAX} (10 by default; raise the IAM quota "Managed policies per role" in every member account first).`);
    }

    super(scope, id);
    const stack = Stack.of(this);
    const access = props.access ?? AgentAccess.developer();
    const bound = access._bind(this);
    const awsManaged = bound.managedPolicies.map((p, i) => {
      const arn = p.managedPolicyArn;
      if (!JSON.stringify(stack.resolve(arn)).includes(':iam::aws:policy/')) {
        throw inputError('AgentPermissionSet', this.node.path, `access: managed policy ${i + 1} (${JSON.stringify(stack.resolve(arn))}) is not an AWS managed policy; a permission set attaches only AWS managed policies by ARN. Give customer managed policies as statements (AgentAccess.custom({ statements })) or use an AWS managed policy.`);
      }
      return arn;
    });
    const set: DenySet = renderDenySet(this, props, `AgentPermissionSet '${this.node.path}'`);
    const count = set.denies.length + awsManaged.length;
    if (count > quota) {
      throw inputError('AgentPermissionSet', this.node.path, `managedPolicyQuota: the roles of the permission set would carry ${set.denies.length} deny policies and ${awsManaged.length} AWS managed policies (${count}), over the quota of ${quota}. Attach fewer AWS managed policies (give statements instead), or raise managedPolicyQuota (up to ${PolicyBudget.MANAGED_POLICIES_PER_ROLE_MAX}) after raising the IAM quota "Managed policies per role" in every member account.`);
    }

    this.permissionSetName = name;
    this.roleArnPattern = AgentIdentity.identityCenterRoleArnPattern(name);
    this.sessionDuration = iso;
    this.revokeSessionsIssuedBefore = cut;
    this.denyPolicyNames = set.denies.map(d => d.name);
    this.boundaryName = set.boundary.name;
    this.managedPolicyCount = count;
    this.accessStatements = bound.statements.map(st => st.toStatementJson());
    this.userIds = [...userIds];

    const inline = this.inlinePolicy(cut);
    this.inlinePolicySize = JSON.stringify(stack.resolve(inline)).length;
    if (this.inlinePolicySize > INLINE_POLICY_MAX) {
      throw inputError('AgentPermissionSet', this.node.path, `access: the inline policy needs ${this.inlinePolicySize} characters, over the ${INLINE_POLICY_MAX} Identity Center allows. Give fewer statements, or an AWS managed policy instead.`);
    }
    this.permissionSet = new sso.CfnPermissionSet(this, 'Resource', {
      instanceArn: props.instanceArn,
      name,
      description: props.description ?? `AI agent (cdk-agent-guardrails, ${access.name} access): can build, cannot destroy; sessions ${iso}`,
      sessionDuration: iso,
      managedPolicies: awsManaged.length ? awsManaged : undefined,
      customerManagedPolicyReferences: set.denies.map(d => ({ name: d.name, path: set.path })),
      permissionsBoundary: { customerManagedPolicyReference: { name: set.boundary.name, path: set.path } },
      inlinePolicy: inline,
    });
    this.permissionSetArn = this.permissionSet.attrPermissionSetArn;

    if (seconds > MIN_SESSION_S) {
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:permissionSetLongSession',
        `sessionDuration is ${duration.toHumanString()}: a session nobody cuts survives that long after the agent goes wrong, and removing the account assignment does not shorten it. Keep 1 hour unless the agent cannot sign in again.`);
    }
    const cutMs = Date.parse(cut);
    if (cutMs > Date.now() + 5 * 60_000) {
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:permissionSetCutInFuture',
        `revokeSessionsIssuedBefore is ${cut}, in the future: every session of the permission set, new ones included, is denied everything until then. Set it to the time of the cut.`);
    }
  }

  /**
   * The inline policy with the session cut at another time, as minified JSON: what to put on
   * the permission set from the command line when a deploy is too slow
   * (`aws sso-admin put-inline-policy-to-permission-set`, then
   * `aws sso-admin provision-permission-set --target-type ALL_PROVISIONED_ACCOUNTS`). Set
   * `revokeSessionsIssuedBefore` to the same time afterwards: the next deploy that updates the
   * permission set writes the inline policy of the template back.
   * @see https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PutInlinePolicyToPermissionSet.html
   */
  public inlinePolicyJson(revokeSessionsIssuedBefore: string): string {
    validateTimestamp(m => inputError('AgentPermissionSet', this.node.path, m), revokeSessionsIssuedBefore);
    return JSON.stringify(Stack.of(this).resolve(this.inlinePolicy(revokeSessionsIssuedBefore)));
  }

  private inlinePolicy(cut: string): any {
    const statements: any[] = [
      ...this.accessStatements,
      {
        Sid: 'RevokeSessionsIssuedBefore',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { [AgentIdentity.TOKEN_ISSUE_TIME_CONDITION_KEY]: cut } },
      },
    ];
    if (this.userIds.length) {
      statements.push({
        Sid: 'RevokeUsers',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { [AgentIdentity.IDENTITY_CENTER_USER_ID_CONDITION_KEY]: this.userIds.length === 1 ? this.userIds[0] : this.userIds },
        },
      });
    }
    return { Version: '2012-10-17', Statement: statements };
  }
}

function validateTimestamp(fail: (m: string) => Error, value: string): void {
  const m = Token.isUnresolved(value) ? null : TIMESTAMP.exec(value);
  const ok = m !== null && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().replace('.000Z', 'Z') === value;
  if (!ok) {
    throw fail(`revokeSessionsIssuedBefore: '${value}' is not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ. Give the time of the cut, e.g. '${new Date(Date.UTC(2026, 10, 29, 23, 30)).toISOString().replace('.000Z', 'Z')}' (date -u +%Y-%m-%dT%H:%M:%SZ).`);
  }
}
