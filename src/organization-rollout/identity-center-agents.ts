/**
 * How every layer recognises agents that get their credentials from IAM Identity Center.
 *
 * Identity Center creates one IAM role per permission set in every account it is assigned to,
 * named `AWSReservedSSO_<permission set name>_<unique suffix>` under the reserved path
 * `/aws-reserved/sso.amazonaws.com/` (followed by the Identity Center Region, except in
 * us-east-1). IAM cannot write to these roles: they cannot carry the agent tag nor a policy of
 * the library, so they are recognised by name pattern and cut off by a deny deployed in advance
 * (see `AgentPermissionSet`).
 *
 * These constants belong with `AgentIdentity`; they live here until that class takes them.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
 */
export class IdentityCenterAgents {
  /** IAM path prefix of every role Identity Center creates (a Region segment may follow). */
  public static readonly ROLE_PATH_PREFIX = '/aws-reserved/sso.amazonaws.com/';

  /** Name prefix of every role Identity Center creates for a permission set. */
  public static readonly ROLE_NAME_PREFIX = 'AWSReservedSSO_';

  /**
   * IAM condition key holding the Identity Center user ID of the person behind a session
   * (globally unique, unlike the user name or email in `aws:userid`).
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html
   */
  public static readonly USER_ID_CONDITION_KEY = 'identitystore:userId';

  /**
   * Global condition key with the time the session's credentials were issued; a deny on
   * `DateLessThan` it revokes every session issued before a time.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
   */
  public static readonly TOKEN_ISSUE_TIME_CONDITION_KEY = 'aws:TokenIssueTime';

  /**
   * ARN pattern (for `ArnLike` on `aws:PrincipalArn` and EventBridge `wildcard` filters) of the
   * roles Identity Center creates for a permission set, in any account and Region of the `aws`
   * partition: `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_<name>_*`.
   *
   * The `*` before the name covers the Region segment (absent in us-east-1). A permission set
   * whose name is `<name>_<more>` matches too: it is then treated as an agent (more denies, never
   * fewer); do not name human permission sets that way.
   */
  public static roleArnPattern(permissionSetName: string): string {
    return `arn:aws:iam::*:role${IdentityCenterAgents.ROLE_PATH_PREFIX}*${IdentityCenterAgents.ROLE_NAME_PREFIX}${permissionSetName}_*`;
  }

  private constructor() {}
}
