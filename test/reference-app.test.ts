import { App } from 'aws-cdk-lib';
import { buildGuardedAccountApp } from '../examples/guarded-account';
import { AgentIdentity } from '../src';

describe('reference app', () => {
  test('synthesizes every stack', () => {
    const assembly = buildGuardedAccountApp(new App()).synth();
    expect(assembly.stacks.map(s => s.stackName)).toContain('GuardedAccount');
  });
});

describe('AgentIdentity', () => {
  test('the role ARN pattern matches the role path', () => {
    expect(AgentIdentity.AGENT_ROLE_ARN_PATTERN).toBe(`arn:aws:iam::*:role${AgentIdentity.AGENT_ROLE_PATH}*`);
    expect(AgentIdentity.AGENT_TAG_CONDITION_KEY).toBe(`aws:PrincipalTag/${AgentIdentity.AGENT_TAG_KEY}`);
  });
});
