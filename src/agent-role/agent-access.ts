import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ActionCatalog } from '../catalog/action-catalog';
import { setActions } from '../policy/private/guards';

/** Options for `AgentAccess.custom()`. */
export interface CustomAgentAccessOptions {
  /**
   * Statements granted to the agent (Allow). They are capped by the role's permissions
   * boundary and overridden by its explicit denies.
   * @default - none
   */
  readonly statements?: iam.PolicyStatement[];

  /**
   * Managed policies attached to the agent role; each counts against the managed-policy quota.
   * @default - none
   */
  readonly managedPolicies?: iam.IManagedPolicy[];
}

/**
 * What `AgentAccess._bind()` returns.
 * @internal
 */
export interface AgentAccessConfig {
  /** Allow statements of the role's own policies. */
  readonly statements: iam.PolicyStatement[];
  /** Managed policies to attach. */
  readonly managedPolicies: iam.IManagedPolicy[];
  /** Allow statements of the permissions boundary: the most the role can ever do. */
  readonly boundaryStatements: iam.PolicyStatement[];
}

/**
 * What an agent may do before the explicit denies apply.
 *
 * Whatever the access, the agent role's explicit denies (destroy, weaken, expose,
 * escalate, tamper, escape) win, and its permissions boundary caps it at developer
 * level even if someone attaches AdministratorAccess later.
 *
 * @example
 * new AgentRole(this, 'Agent', {
 *   assumedBy: new iam.AccountPrincipal('111111111111'),
 *   access: AgentAccess.readOnly(),
 * });
 */
export abstract class AgentAccess {
  /**
   * Read-only: the AWS managed `ReadOnlyAccess` policy.
   * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html
   */
  public static readOnly(): AgentAccess {
    return new ManagedAccess('readOnly', [], [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')]);
  }

  /**
   * Developer: every action of every service except the write actions of account,
   * identity, organization and billing administration (`iam`, `organizations`, `account`,
   * `sso`, `ram`, billing services, ...); IAM reads stay allowed. Deletes, protection
   * changes, public exposure and privilege escalation are denied by the role's explicit
   * denies, so this reads as "broad read + create/update".
   */
  public static developer(): AgentAccess {
    return new ManagedAccess('developer', developerStatements(), []);
  }

  /** Statements and managed policies of your own, capped by the developer-level boundary. */
  public static custom(options: CustomAgentAccessOptions): AgentAccess {
    const statements = options.statements ?? [];
    const managedPolicies = options.managedPolicies ?? [];
    if (statements.length === 0 && managedPolicies.length === 0) {
      throw new Error('AgentAccess.custom: no statements and no managedPolicies were given. Pass at least one, or use AgentAccess.readOnly() or AgentAccess.developer().');
    }
    return new ManagedAccess('custom', statements, managedPolicies);
  }

  /** Name of the access level (`readOnly`, `developer`, `custom`). */
  public abstract readonly name: string;

  /** @internal */
  public abstract _bind(scope: Construct): AgentAccessConfig;
}

class ManagedAccess extends AgentAccess {
  constructor(
    public readonly name: string,
    private readonly statements: iam.PolicyStatement[],
    private readonly managedPolicies: iam.IManagedPolicy[],
  ) {
    super();
  }

  public _bind(_scope: Construct): AgentAccessConfig {
    return {
      statements: this.statements,
      managedPolicies: this.managedPolicies,
      boundaryStatements: developerStatements('Boundary'),
    };
  }
}

function developerStatements(prefix = ''): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: `${prefix}AllowDeveloper`,
      effect: iam.Effect.ALLOW,
      notActions: ActionCatalog.administrationServices().map(s => `${s}:*`),
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: `${prefix}AllowIamRead`,
      effect: iam.Effect.ALLOW,
      actions: setActions('agent.iam-reads'),
      resources: ['*'],
    }),
  ];
}
