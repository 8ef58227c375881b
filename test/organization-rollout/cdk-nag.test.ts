/**
 * cdk-nag AwsSolutions over the organization roll-out's constructs: clean, or each finding
 * acknowledged with a reason in the construct.
 */
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AgentDenyPolicies, AgentMcpScp, AgentPermissionSet, CentralAlarmBus, DestructiveCallForwarder, GuardrailsMemberStack, GuardrailsStackSet,
} from '../../src';

process.env.CDK_VALIDATION = 'false';

function violations(build: (s: Stack) => void): string[] {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  build(stack);
  return new AwsSolutionsChecks().validateScope(stack).violations
    .map((v: any) => `${v.ruleName}: ${JSON.stringify(v.violatingResources?.map((r: any) => r.resourceLogicalId ?? r.locations))}`);
}

describe('cdk-nag AwsSolutions', () => {
  test('AgentDenyPolicies', () => {
    expect(violations(s => new AgentDenyPolicies(s, 'Denies'))).toEqual([]);
  });

  test('AgentPermissionSet', () => {
    expect(violations(s => new AgentPermissionSet(s, 'Agents', { instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef', permissionSetName: 'CodingAgent' })))
      .toEqual([]);
  });

  test('CentralAlarmBus (default and custom bus)', () => {
    expect(violations(s => {
      new CentralAlarmBus(s, 'Bus', { organizationId: 'o-abcdefghij' });
      new CentralAlarmBus(s, 'Custom', { organizationId: 'o-abcdefghij', eventBusName: 'guardrails-central' });
    })).toEqual([]);
  });

  test('DestructiveCallForwarder to another account', () => {
    expect(violations(s => new DestructiveCallForwarder(s, 'Fwd', { alarmAccount: '999999999999', alarmRegion: 'us-east-1' }))).toEqual([]);
  });

  test('AgentMcpScp', () => {
    expect(violations(s => new AgentMcpScp(s, 'Mcp', { targetIds: ['ou-ab12-cd34ef56'] }))).toEqual([]);
  });

  test('GuardrailsStackSet and its member stack (deny policies and forwarder)', () => {
    let member: GuardrailsMemberStack | undefined;
    expect(violations(s => {
      member = new GuardrailsMemberStack(s, 'Member');
      new AgentDenyPolicies(member, 'Denies');
      new DestructiveCallForwarder(member, 'Fwd', { alarmAccount: '999999999999', alarmRegion: 'us-east-1' });
      new GuardrailsStackSet(s, 'Set', { memberStack: member, organizationalUnitIds: ['ou-ab12-cd34ef56'], regions: ['us-east-1'] });
    })).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(member!).violations).toEqual([]);
  });
});
