import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  ActionCategory, AgentIdentity, GuardedBootstrap, GuardrailsRollout, GuardrailsRolloutProps, KillSwitchMemberRole, StackSetCaller,
} from '../../src';

process.env.CDK_VALIDATION = 'false';

const BASE: GuardrailsRolloutProps = {
  organizationalUnitIds: ['ou-ab12-cd34ef56'],
  regions: ['us-east-1', 'eu-west-1'],
  centralAccount: '999999999999',
  centralRegion: 'eu-west-1',
};

function build(props: Partial<GuardrailsRolloutProps> = {}) {
  const app = new App();
  const mgmt = new Stack(app, 'Mgmt', { env: { region: 'us-east-1' } });
  const rollout = new GuardrailsRollout(mgmt, 'Guardrails', { ...BASE, ...props });
  return { app, mgmt, rollout };
}

const children = <T>(stack: Stack, type: new (...a: any[]) => T) => stack.node.findAll().filter(c => c instanceof type);

describe('GuardrailsRollout', () => {
  test('two StackSets: the IAM parts to one Region, the forwarder and the guarded bootstrap to every Region', () => {
    const { app, mgmt, rollout } = build();
    expect(() => app.synth()).not.toThrow();
    expect(mgmt.resolve(rollout.globalStackSet.stackSet.stackInstancesGroup)).toEqual([expect.objectContaining({ regions: ['us-east-1'] })]);
    expect(mgmt.resolve(rollout.regionalStackSet.stackSet.stackInstancesGroup)).toEqual([expect.objectContaining({ regions: ['us-east-1', 'eu-west-1'] })]);
    expect(children(rollout.globalMember, KillSwitchMemberRole)).toHaveLength(1);
    expect(rollout.denyPolicies.policies.length).toBeGreaterThan(0);
    expect(children(rollout.regionalMember, GuardedBootstrap)).toHaveLength(1);
    expect(mgmt.resolve(rollout.forwarder.alarmEventBusArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:999999999999:event-bus/default']] });
    Annotations.fromStack(mgmt).hasWarning('/Mgmt/Guardrails/GlobalStackSet', Match.stringLikeRegexp('never deploy to the management account'));
    // The central account gets the global member stack, not the regional one (its forwarder would target its own bus).
    expect(JSON.stringify(mgmt.resolve(rollout.regionalStackSet.stackSet.stackInstancesGroup))).toContain('999999999999');
    expect(JSON.stringify(mgmt.resolve(rollout.globalStackSet.stackSet.stackInstancesGroup))).not.toContain('999999999999');
  });

  test('options reach the parts: global Region, deny policy options, no guarded bootstrap, excluded accounts, delegated administrator', () => {
    const { app, mgmt, rollout } = build({
      globalRegion: 'eu-west-1',
      denyPolicyOptions: { categories: [ActionCategory.DESTROY], policyNamePrefix: 'team-agents' },
      guardedBootstrap: false,
      excludedAccountIds: ['888888888888'],
      callAs: StackSetCaller.DELEGATED_ADMIN,
    });
    app.synth();
    expect(mgmt.resolve(rollout.globalStackSet.stackSet.stackInstancesGroup)).toEqual([expect.objectContaining({ regions: ['eu-west-1'] })]);
    expect(rollout.globalMember.resolve((rollout.denyPolicies.policies[0].node.defaultChild as any).managedPolicyName)).toBe('team-agents-deny-1');
    expect(children(rollout.regionalMember, GuardedBootstrap)).toHaveLength(0);
    expect(JSON.stringify(mgmt.resolve(rollout.regionalStackSet.stackSet.stackInstancesGroup))).toMatch(/888888888888.*999999999999/);
    expect(JSON.stringify(mgmt.resolve(rollout.globalStackSet.stackSet.stackInstancesGroup))).toContain('888888888888');
    expect(rollout.regionalStackSet.stackSet.callAs).toBe('DELEGATED_ADMIN');
    expect(AgentIdentity.KILL_SWITCH_MEMBER_ROLE_NAME).toBe('guardrails-kill-switch-member');
  });

  test.each<[string, Partial<GuardrailsRolloutProps>, RegExp]>([
    ['no OU', { organizationalUnitIds: [] }, /GuardrailsRollout 'Mgmt\/Guardrails': organizationalUnitIds: no OU was given.*'ou-ab12-cd34ef56'/],
    ['a malformed OU', { organizationalUnitIds: ['ou-1'] }, /organizationalUnitIds\[0\]: 'ou-1' is not valid\. Give an OU ID such as 'ou-ab12-cd34ef56'/],
    ['no Region', { regions: [] }, /regions: no Region was given/],
    ['a Region that is not a Region name', { regions: ['us-east-1', 'Frankfurt'] }, /regions\[1\]: 'Frankfurt' is not valid\. Give a Region name/],
    ['a bad global Region', { globalRegion: 'us-east' }, /globalRegion\[0\]: 'us-east' is not valid/],
    ['a malformed central account', { centralAccount: '9999' }, /centralAccount\[0\]: '9999' is not valid\. Give the 12-digit ID of the security account/],
    ['a bad central Region', { centralRegion: 'EU-WEST-1' }, /centralRegion\[0\]: 'EU-WEST-1' is not valid/],
    ['a malformed excluded account', { excludedAccountIds: ['12345678901a'] }, /excludedAccountIds\[0\]: '12345678901a' is not valid/],
    ['no agent role pattern', { agentRoleArnPatterns: [] }, /GuardrailsRollout 'Mgmt\/Guardrails': agentRoleArnPatterns: \[\] matches no role/],
    ['an agent role pattern that is not a role ARN', { agentRoleArnPatterns: ['AWSReservedSSO_*'] }, /agentRoleArnPatterns\[0\]: 'AWSReservedSSO_\*' is not an IAM role ARN pattern/],
  ])('bad input: %s, and nothing is half-created', (_n, props, message) => {
    const app = new App();
    const mgmt = new Stack(app, 'Mgmt', { env: { region: 'us-east-1' } });
    expect(() => new GuardrailsRollout(mgmt, 'Guardrails', { ...BASE, ...props })).toThrow(message);
    expect(mgmt.node.tryFindChild('Guardrails')).toBeUndefined();
  });
});
