import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentDenyPolicies, AgentDenyPolicyOptions } from './agent-deny-policies';
import { GuardrailsMemberStack } from './guardrails-member-stack';
import { GuardrailsStackSet, StackSetCaller } from './guardrails-stack-set';
import { KillSwitchMemberRole } from './kill-switch-member-role';
import { GuardedBootstrap } from '../deploy/guarded-bootstrap';
import { agentRoleArnPatternsProblem } from '../identity/private/principals';
import { DestructiveCallForwarder } from '../monitoring/destructive-call-forwarder';
import { ACCOUNT_ID, checkList, OU_OR_ROOT_ID, REGION_NAME } from '../private/aws-ids';
import { inputError } from '../private/errors';

/** Properties of a `GuardrailsRollout`. */
export interface GuardrailsRolloutProps {
  /** OUs (or the root) whose accounts, present and future, get the member stacks. */
  readonly organizationalUnitIds: string[];

  /** Every Region the member accounts use: the regional member stack goes to each. */
  readonly regions: string[];

  /**
   * The Region of the global member stack (IAM is global: one Region only).
   * @default - the first of `regions`
   */
  readonly globalRegion?: string;

  /** Account of the central `DestructiveCallAlarm` (the security account). */
  readonly centralAccount: string;

  /** Region of the central `DestructiveCallAlarm` (and its `CentralAlarmBus`). */
  readonly centralRegion: string;

  /**
   * Role ARN patterns that identify agents, for the forwarders; use the central alarm's, e.g. with
   * `AgentPermissionSet.roleArnPattern` for Identity Center agents.
   * @default [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN]
   */
  readonly agentRoleArnPatterns?: string[];

  /**
   * Options of the deny policies Identity Center permission sets reference; use the same on
   * `AgentPermissionSet`.
   * @default - the catalog's default categories, prefix 'guardrails-agent-sso'
   */
  readonly denyPolicyOptions?: AgentDenyPolicyOptions;

  /**
   * Put a `GuardedBootstrap` (with `trustAgentPath`) in every member account and Region, so that
   * agents can `cdk deploy` through an execution role that is itself an agent role.
   * @default true
   */
  readonly guardedBootstrap?: boolean;

  /**
   * Accounts of the OUs to leave out of both member stacks. The central account is always left
   * out of the regional one: its forwarder in the central Region would target its own bus, and the
   * central alarm sees that account's events there.
   * @default - none
   */
  readonly excludedAccountIds?: string[];

  /**
   * Whether the management account or a delegated administrator for StackSets deploys.
   * @default StackSetCaller.SELF
   */
  readonly callAs?: StackSetCaller;
}

/**
 * The organization roll-out in one construct, added once to a stack of the management account
 * (or of the delegated administrator for StackSets): two `GuardrailsStackSet`s that deploy to
 * every account of the OUs, and to every account that joins them later,
 *
 * - a global member stack, in one Region: `AgentDenyPolicies` (what `AgentPermissionSet`
 *   references) and `KillSwitchMemberRole` (what the central kill switch assumes);
 * - a regional member stack, in every Region: a `DestructiveCallForwarder` to the central alarm
 *   and, by default, a `GuardedBootstrap` for every agent role of the account (not in the central
 *   account, whose forwarder would target its own bus).
 *
 * Add your own per-account constructs to `globalMember` (IAM: agent roles) or `regionalMember`.
 * The two member stacks need no order between them. Service-managed StackSets never deploy to the
 * management account (a warning says so).
 *
 * @example
 * const rollout = new GuardrailsRollout(this, 'Guardrails', {
 *   organizationalUnitIds: ['ou-ab12-cd34ef56'],
 *   regions: ['us-east-1', 'eu-west-1'],
 *   centralAccount: '999999999999',
 *   centralRegion: 'eu-west-1',
 * });
 */
export class GuardrailsRollout extends Construct {
  /** The member stack deployed to one Region of every account. */
  public readonly globalMember: GuardrailsMemberStack;

  /** The member stack deployed to every Region of every account. */
  public readonly regionalMember: GuardrailsMemberStack;

  /** The StackSet of the global member stack. */
  public readonly globalStackSet: GuardrailsStackSet;

  /** The StackSet of the regional member stack. */
  public readonly regionalStackSet: GuardrailsStackSet;

  /** The deny policies in every member account. */
  public readonly denyPolicies: AgentDenyPolicies;

  /** The forwarder in every member account and Region. */
  public readonly forwarder: DestructiveCallForwarder;

  constructor(scope: Construct, id: string, props: GuardrailsRolloutProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const fail = (m: string) => inputError('GuardrailsRollout', path, m);
    // Everything is checked before anything is created.
    if (!props || !Array.isArray(props.organizationalUnitIds) || props.organizationalUnitIds.length === 0) {
      throw fail('organizationalUnitIds: no OU was given, so the roll-out reaches no account. Give at least one OU ID such as \'ou-ab12-cd34ef56\' (or the root ID \'r-ab12\').');
    }
    checkList(fail, 'organizationalUnitIds', props.organizationalUnitIds, OU_OR_ROOT_ID, 'an OU ID such as \'ou-ab12-cd34ef56\' or the root ID such as \'r-ab12\'');
    if (!Array.isArray(props.regions) || props.regions.length === 0) {
      throw fail('regions: no Region was given. Give every Region the member accounts use, e.g. [\'us-east-1\', \'eu-west-1\'].');
    }
    checkList(fail, 'regions', props.regions, REGION_NAME, 'a Region name such as \'us-east-1\' (lower case, the form <area>-<name>-<number>)');
    const globalRegion = props.globalRegion ?? props.regions[0];
    checkList(fail, 'globalRegion', [globalRegion], REGION_NAME, 'a Region name such as \'us-east-1\'');
    checkList(fail, 'centralAccount', [props.centralAccount ?? ''], ACCOUNT_ID, 'the 12-digit ID of the security account, e.g. \'999999999999\'');
    checkList(fail, 'centralRegion', [props.centralRegion ?? ''], REGION_NAME, 'the Region of the central alarm, e.g. \'eu-west-1\'');
    checkList(fail, 'excludedAccountIds', props.excludedAccountIds ?? [], ACCOUNT_ID, 'a 12-digit account ID such as \'123456789012\'');
    const patternsProblem = props.agentRoleArnPatterns && agentRoleArnPatternsProblem(props.agentRoleArnPatterns, Token.isUnresolved);
    if (patternsProblem) throw fail(patternsProblem);
    super(scope, id);

    const targets = {
      organizationalUnitIds: props.organizationalUnitIds,
      excludedAccountIds: props.excludedAccountIds,
      callAs: props.callAs,
    };
    this.globalMember = new GuardrailsMemberStack(this, 'Global', {
      description: 'cdk-agent-guardrails: per-account guardrails (IAM), deployed by a StackSet to one Region',
    });
    this.denyPolicies = new AgentDenyPolicies(this.globalMember, 'AgentDenies', props.denyPolicyOptions ?? {});
    new KillSwitchMemberRole(this.globalMember, 'KillSwitchAccess', { centralAccount: props.centralAccount });
    this.globalStackSet = new GuardrailsStackSet(this, 'GlobalStackSet', { memberStack: this.globalMember, regions: [globalRegion], ...targets });

    this.regionalMember = new GuardrailsMemberStack(this, 'Regional', {
      description: 'cdk-agent-guardrails: per-account, per-Region guardrails, deployed by a StackSet to every Region',
    });
    this.forwarder = new DestructiveCallForwarder(this.regionalMember, 'ToSecurity', {
      alarmAccount: props.centralAccount,
      alarmRegion: props.centralRegion,
      agentRoleArnPatterns: props.agentRoleArnPatterns,
    });
    if (props.guardedBootstrap ?? true) new GuardedBootstrap(this.regionalMember, 'AgentDeploys', { trustAgentPath: true });
    this.regionalStackSet = new GuardrailsStackSet(this, 'RegionalStackSet', {
      memberStack: this.regionalMember,
      regions: props.regions,
      ...targets,
      excludedAccountIds: [...new Set([...(props.excludedAccountIds ?? []), props.centralAccount])],
    });
  }
}
