import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { propError } from './validation';
import { AgentIdentity } from '../../identity/agent-identity';
import { setActions } from '../../policy/private/guards';

/** Throws unless `rolePath` is an IAM path below the root (the agent roles' path). */
export function validateAgentRolePath(who: string, rolePath: string): void {
  if (Token.isUnresolved(rolePath) || !/^\/(?:[\x21-\x7E]+\/)?$/.test(rolePath) || rolePath === '/') {
    throw propError(who, `agentRolePath: '${rolePath}' is not an IAM path below the root. Use a path that starts and ends with '/', such as '${AgentIdentity.AGENT_ROLE_PATH}'.`);
  }
}

/**
 * What a kill switch may do in one account, granted to `role` (the function's own role, or a
 * member account's kill-switch role): read and put the revoking inline policies on roles under
 * `rolePath` of `stack`'s account, and list roles (wildcard-only). Never delete a policy.
 */
export function grantRevocation(role: iam.Role, stack: Stack, rolePath: string): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'RevokeAgentSessions',
    actions: setActions('kill-switch.revoke'),
    resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${rolePath.slice(1)}*` })],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ListAgentRoles',
    actions: setActions('kill-switch.list'),
    resources: ['*'],
  }));
  Validations.of(role).acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}:role${rolePath}*]`,
      reason: 'The kill switch must reach every agent role, which are recognised by their IAM path; the wildcard is limited to that path in this account and to iam:GetRolePolicy/iam:PutRolePolicy.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'iam:ListRoles has no resource type in the Service Authorization Reference, so it can only be granted on "*"; the function passes PathPrefix to list agent roles only.',
    },
  );
}

/** Path and name of the member accounts' kill-switch role, as the function's `MEMBER_ROLE` reads it. */
export const MEMBER_ROLE_PATH_AND_NAME = `${AgentIdentity.GUARDIAN_ROLE_PATH}${AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME}`;

/** Lets a central kill switch's role assume the kill-switch role of any member account. */
export function grantAssumeMemberRoles(role: iam.Role, stack: Stack): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'AssumeMemberKillSwitchRoles',
    actions: setActions('kill-switch.assume-member'),
    resources: [stack.formatArn({ service: 'iam', region: '', account: '*', resource: 'role', resourceName: MEMBER_ROLE_PATH_AND_NAME.slice(1) })],
  }));
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role${MEMBER_ROLE_PATH_AND_NAME}]`,
    reason: 'A central kill switch acts in the account of the agent, any member account: it may assume only the one reserved kill-switch role name, '
      + 'whose trust policy in each member account admits only the security account\'s guardian roles.',
  });
}
