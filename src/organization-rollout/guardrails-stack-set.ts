import { Annotations, CfnResource, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Construct, IConstruct } from 'constructs';
import { GuardrailsMemberStack } from './guardrails-member-stack';
import { ACCOUNT_ID, checkList, OU_OR_ROOT_ID, REGION_NAME } from '../private/aws-ids';
import { inputError } from '../private/errors';

/** Who creates the StackSet: the management account itself or a delegated administrator. */
export enum StackSetCaller {
  /** The StackSet is deployed in the organization's management account. */
  SELF = 'SELF',
  /** The StackSet is deployed in an account registered as delegated administrator for StackSets. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** Properties of a `GuardrailsStackSet`. */
export interface GuardrailsStackSetProps {
  /** The stack deployed to every account of the target OUs (created inside this construct's stack). */
  readonly memberStack: GuardrailsMemberStack;

  /**
   * Organizational units (`ou-xxxx-xxxxxxxx`) or the organization root (`r-xxxx`) whose accounts
   * get the member stack, including accounts that join them later.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html
   */
  readonly organizationalUnitIds: string[];

  /**
   * Regions of the stack instances, by name (e.g. `us-east-1`). A member stack with named IAM
   * resources (e.g. `AgentDenyPolicies`) must go to one Region only: IAM is global, and a second
   * Region would create the same names again and fail.
   */
  readonly regions: string[];

  /**
   * Accounts of the target OUs that do not get the member stack (`AccountFilterType` DIFFERENCE),
   * e.g. suspended accounts.
   * @default - none: every account of the OUs
   */
  readonly excludedAccountIds?: string[];

  /**
   * Name of the StackSet: a letter, then letters, digits and hyphens, at most 128 characters.
   * @default - `guardrails-` followed by a name unique to this construct's path
   */
  readonly stackSetName?: string;

  /**
   * Whether the management account itself or a delegated administrator deploys the StackSet.
   * @default StackSetCaller.SELF
   */
  readonly callAs?: StackSetCaller;

  /**
   * Whether an account's stack instances stay (and keep their guardrails) when the account
   * leaves the target OUs. With `false`, moving an account out of the OU deletes its guardrails.
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * Percentage of accounts deployed at the same time, per Region (1 to 100).
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Percentage of accounts that may fail, per Region, before the operation stops (0 to 100).
   * @default 0
   */
  readonly failureTolerancePercentage?: number;
}

/** StackSetName: `[a-zA-Z][-a-zA-Z0-9]*`, at most 128. */
const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
/** IAM resource types whose name, when set, is global to the account. */
const NAMED_IAM: Record<string, string> = {
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

/**
 * A CloudFormation StackSet with service-managed permissions that deploys a
 * `GuardrailsMemberStack` to every account of the target OUs, in the given Regions, and to every
 * account that joins them later (automatic deployment).
 *
 * Add it once, to a stack of the organization's management account (or of the delegated
 * administrator for StackSets, with `callAs: DELEGATED_ADMIN`), after activating trusted access
 * between StackSets and AWS Organizations. The member stack's template goes inline
 * (`TemplateBody`) when it fits 51,200 bytes, otherwise as a file asset of this stack
 * (`TemplateURL`, in the management account's CDK staging bucket).
 *
 * - Service-managed StackSets never deploy to the management account, even when it is in a
 *   target OU: deploy the member stack there yourself, or better, run no agent there (SCPs do
 *   not restrict the management account either). A warning says so on every synthesis.
 * - The member stack can have no file or image assets (see `GuardrailsMemberStack`).
 * - IAM resources with fixed names in a member stack deployed to several Regions collide:
 *   synthesis fails; split the global part (one Region) from the regional part (every Region).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html
 *
 * @example
 * const member = new GuardrailsMemberStack(managementStack, 'Member');
 * new AgentDenyPolicies(member, 'AgentDenies');
 * new GuardrailsStackSet(managementStack, 'Guardrails', {
 *   memberStack: member,
 *   organizationalUnitIds: ['ou-ab12-cd34ef56'],
 *   regions: ['us-east-1'],
 * });
 */
export class GuardrailsStackSet extends Construct {
  /** The StackSet. */
  public readonly stackSet: cloudformation.CfnStackSet;

  /** Name of the StackSet. */
  public readonly stackSetName: string;

  /** The member stack it deploys. */
  public readonly memberStack: GuardrailsMemberStack;

  constructor(scope: Construct, id: string, props: GuardrailsStackSetProps) {
    const where = scope.node.path ? `${scope.node.path}/${id}` : id;
    const fail = (m: string) => inputError('GuardrailsStackSet', where, m);
    if (!props || !(props.memberStack instanceof GuardrailsMemberStack)) {
      throw fail('memberStack: a GuardrailsMemberStack is needed. Create one inside this stack (new GuardrailsMemberStack(stack, \'Member\')) and add the per-account constructs to it.');
    }
    const ous = props.organizationalUnitIds ?? [];
    if (ous.length === 0) {
      throw fail('organizationalUnitIds: [] deploys to no account. Give at least one OU ID such as \'ou-ab12-cd34ef56\' (or the root ID \'r-ab12\').');
    }
    checkList(fail, 'organizationalUnitIds', ous, OU_OR_ROOT_ID, 'an OU ID such as \'ou-ab12-cd34ef56\' or the root ID such as \'r-ab12\' (aws organizations list-organizational-units-for-parent)');
    const regions = props.regions ?? [];
    if (regions.length === 0) {
      throw fail('regions: [] deploys nowhere. Give at least one Region name such as \'us-east-1\'.');
    }
    checkList(fail, 'regions', regions, REGION_NAME, 'a Region name such as \'us-east-1\' or \'ap-southeast-2\' (lower case, the form <area>-<name>-<number>)');
    const excluded = props.excludedAccountIds ?? [];
    checkList(fail, 'excludedAccountIds', excluded, ACCOUNT_ID, 'a 12-digit account ID such as \'123456789012\'');
    if (props.stackSetName !== undefined && !Token.isUnresolved(props.stackSetName) && !STACK_SET_NAME.test(props.stackSetName)) {
      throw fail(`stackSetName: '${props.stackSetName}' is not a StackSet name. Use a letter followed by letters, digits and hyphens, at most 128 characters, e.g. 'guardrails-member'.`);
    }
    const maxConcurrent = props.maxConcurrentPercentage ?? 25;
    checkPercent(fail, 'maxConcurrentPercentage', maxConcurrent, 1);
    const tolerance = props.failureTolerancePercentage ?? 0;
    checkPercent(fail, 'failureTolerancePercentage', tolerance, 0);
    const callAs = props.callAs ?? StackSetCaller.SELF;
    if (!Object.values(StackSetCaller).includes(callAs)) {
      throw fail(`callAs: '${callAs}' is not a StackSetCaller. Use StackSetCaller.SELF (management account) or StackSetCaller.DELEGATED_ADMIN.`);
    }

    super(scope, id);
    const stack = Stack.of(this);
    const member = props.memberStack;
    if (member.parentStack !== stack) {
      throw inputError('GuardrailsStackSet', this.node.path, `memberStack: '${member.node.path}' was created inside '${member.parentStack.node.path}', not inside this construct's stack '${stack.node.path}'. Create the member stack inside the stack that holds the StackSet.`);
    }
    this.memberStack = member;
    this.stackSetName = props.stackSetName ?? `guardrails-${Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }).replace(/[^A-Za-z0-9-]/g, '')}`;

    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName: this.stackSetName,
      description: `cdk-agent-guardrails: ${member.node.path} in every account of ${ous.join(', ')}`,
      permissionModel: 'SERVICE_MANAGED',
      callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? true },
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: maxConcurrent,
        failureTolerancePercentage: tolerance,
      },
      stackInstancesGroup: [{
        deploymentTargets: {
          organizationalUnitIds: [...ous],
          accounts: excluded.length ? [...excluded] : undefined,
          accountFilterType: excluded.length ? 'DIFFERENCE' : undefined,
        },
        regions: [...regions],
      }],
      templateBody: Lazy.string({ produce: () => (member._templateUrl === undefined ? member._templateText : undefined) }),
      templateUrl: Lazy.string({ produce: () => member._templateUrl }),
    });

    this.node.addValidation({
      validate: () => {
        if (regions.length < 2) return [];
        const named = member.node.findAll()
          .filter((c: IConstruct): c is CfnResource => CfnResource.isCfnResource(c) && NAMED_IAM[c.cfnResourceType] !== undefined)
          .filter(r => {
            // L2 constructs set the name property to a token that resolves to undefined when no name was given.
            const key = NAMED_IAM[r.cfnResourceType];
            const value = (r as any)[key.charAt(0).toLowerCase() + key.slice(1)] ?? (r as any)._cfnProperties?.[key];
            const resolved = Stack.of(r).resolve(value);
            // A name that holds the Region (Ref AWS::Region, ${AWS::Region}) is unique in each Region.
            return resolved !== undefined && !JSON.stringify(resolved).includes('AWS::Region');
          });
        return named.length === 0 ? [] : [`GuardrailsStackSet '${this.node.path}': regions: the member stack has IAM resources with fixed names that do not hold the Region (${named.slice(0, 3).map(r => r.node.path).join(', ')}${named.length > 3 ? ', ...' : ''}) `
          + `and ${regions.length} Regions (${regions.join(', ')}); IAM is global, so the second Region's stack instance would fail on names that already exist. `
          + 'Put the named IAM resources in a member stack deployed to one Region, and the regional parts (alarm forwarders) in another GuardrailsStackSet deployed to every Region.'];
      },
    });
    Annotations.of(this).addWarningV2('cdk-agent-guardrails:stackSetManagementAccount',
      'Service-managed StackSets never deploy to the management account, even when it is in a target OU: the member stack does not reach it. '
      + 'Deploy the member stack there as an ordinary stack, or run no agent in the management account (SCPs do not restrict it either).');
  }
}


function checkPercent(fail: (m: string) => Error, prop: string, value: number, min: number): void {
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min || value > 100) {
    throw fail(`${prop}: ${value} is not a whole percentage from ${min} to 100. Give e.g. ${prop === 'maxConcurrentPercentage' ? 25 : 0}.`);
  }
}
