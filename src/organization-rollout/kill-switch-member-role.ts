import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AgentIdentity } from '../identity/agent-identity';
import { grantRevocation, validateAgentRolePath } from '../monitoring/private/kill-switch-permissions';
import { ACCOUNT_ID } from '../private/aws-ids';
import { inputError } from '../private/errors';

/** Properties of a `KillSwitchMemberRole`. */
export interface KillSwitchMemberRoleProps {
  /** Account of the central `DestructiveCallAlarm` and its kill switch (the security account). */
  readonly centralAccount: string;

  /**
   * IAM path of the agent roles the central kill switch may revoke in this account; use the
   * central kill switch's.
   * @default AgentIdentity.AGENT_ROLE_PATH
   */
  readonly agentRolePath?: string;
}

/**
 * A member account's side of a central kill switch: the role the security account's kill switch
 * assumes to revoke the sessions of an agent role of this account, the way it does in its own
 * (the IAM console's `AWSRevokeOlderSessions` policy, and the block policy when asked).
 *
 * The role is named `AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME` under the guardian path
 * (`AgentScp` lets only break-glass principals change it, `AgentRole` denies agents any change
 * to it). It trusts only guardian roles of the central account (`aws:PrincipalArn` under
 * `/guardrails-guardian/`), for sessions of at most one hour, and may only read and put inline
 * policies on roles under the agent path of this account, and list roles. Deploy it once per
 * member account (IAM is global: in the global member stack of a `GuardrailsStackSet`), and turn
 * on `killSwitch.actInMemberAccounts` on the central alarm.
 *
 * It cannot reach the roles IAM Identity Center creates (IAM refuses to change them): cut
 * Identity Center agents with `AgentPermissionSet`'s session cut.
 *
 * @example
 * // In the global member stack deployed to every member account:
 * new KillSwitchMemberRole(this, 'KillSwitchAccess', { centralAccount: '999999999999' });
 */
export class KillSwitchMemberRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: KillSwitchMemberRoleProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    if (!props || props.centralAccount === undefined || Token.isUnresolved(props.centralAccount) || !ACCOUNT_ID.test(props.centralAccount)) {
      throw inputError('KillSwitchMemberRole', path, `centralAccount: '${props?.centralAccount}' is not a 12-digit account ID. `
        + 'Use the ID of the account of the central DestructiveCallAlarm (the security account), e.g. \'999999999999\'.');
    }
    const rolePath = props.agentRolePath ?? AgentIdentity.AGENT_ROLE_PATH;
    validateAgentRolePath(`KillSwitchMemberRole '${path}'`, rolePath);
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      roleName: AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME,
      path: AgentIdentity.GUARDIAN_ROLE_PATH,
      description: `cdk-agent-guardrails: the central kill switch (account ${props.centralAccount}) revokes agent role sessions here`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.AccountPrincipal(props.centralAccount).withConditions({
        ArnLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${props.centralAccount}:role${AgentIdentity.GUARDIAN_ROLE_PATH}*` },
      }),
    });
    grantRevocation(this.role, stack, rolePath);
  }
}
