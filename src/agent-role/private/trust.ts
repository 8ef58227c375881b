import * as iam from 'aws-cdk-lib/aws-iam';
import { setActions } from '../../policy/private/guards';

/**
 * Trust that requires a source identity with the agent prefix: the principal may assume the
 * role only when it sets `sts:SourceIdentity` to `<prefix>...` (AssumeRole `--source-identity`,
 * the `https://aws.amazon.com/source_identity` claim of an OIDC token, or the SAML attribute).
 * AWS keeps the source identity through role chaining and nobody can change it, so every layer
 * recognises the session as an agent wherever it goes. Session tags stay allowed (the guardrail
 * keys are denied by a separate statement).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
 */
export class SourceIdentityPrincipal implements iam.IAssumeRolePrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount: string | undefined;

  constructor(private readonly wrapped: iam.IPrincipal, private readonly prefix: string) {
    this.assumeRoleAction = wrapped.assumeRoleAction;
    this.principalAccount = wrapped.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.wrapped.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.wrapped.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.wrapped.addToPrincipalPolicy(statement);
  }

  public addToAssumeRolePolicy(doc: iam.PolicyDocument): void {
    // The principal's own conditions (an OIDC audience, say) are merged in by PolicyStatement.
    doc.addStatements(new iam.PolicyStatement({
      sid: 'AssumeWithAgentSourceIdentity',
      principals: [this.wrapped],
      actions: [this.wrapped.assumeRoleAction, ...setActions('agent.set-source-identity')],
      conditions: { StringLike: { 'sts:SourceIdentity': `${this.prefix}*` } },
    }));
    doc.addStatements(new iam.PolicyStatement({
      sid: 'TagAgentSessions',
      principals: [this.wrapped],
      actions: setActions('agent.session-tags'),
    }));
  }

  public dedupeString(): string | undefined {
    return `SourceIdentityPrincipal:${this.prefix}:${JSON.stringify(this.wrapped.policyFragment.principalJson)}`;
  }
}
