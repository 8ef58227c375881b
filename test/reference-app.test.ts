import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildGuardedAccountApp } from '../examples/guarded-account';
import { AgentGuardrailsChecks, AgentIdentity, GuardedBootstrapNames } from '../src';
import { resolveTemplate, rolePolicies, simulate } from './harness';

describe('reference app', () => {
  const app = buildGuardedAccountApp(new App());
  const assembly = app.synth();

  test('synthesizes the workload and organization stacks', () => {
    expect(assembly.stacks.map(s => s.stackName).sort()).toEqual(['GuardedAccount', 'GuardedAgentToolkit', 'GuardrailsOrganization']);
  });

  test('every template fits CloudFormation\'s 1 MB template body, as the CLI uploads it (cdk.out, indented)', () => {
    const sizes = assembly.stacks.map(s => [s.stackName, fs.statSync(s.templateFullPath).size] as const);
    console.log(`[reference app] template bytes: ${sizes.map(([n, b]) => `${n} ${b}`).join(', ')} (limit 1,000,000)`);
    for (const [, bytes] of sizes) expect(bytes).toBeLessThan(1_000_000);
  });

  test('passes every guardrail rule', () => {
    expect(new AgentGuardrailsChecks().findings(buildGuardedAccountApp(new App()))).toEqual([]);
  });

  test('holds every layer', () => {
    const workload = Template.fromJSON(assembly.getStackByName('GuardedAccount').template);
    workload.hasResourceProperties('AWS::IAM::Role', { Path: AgentIdentity.AGENT_ROLE_PATH });
    workload.hasResourceProperties('AWS::RDS::DBInstance', { DeletionProtection: true });
    workload.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true });
    workload.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7 } });
    const org = Template.fromJSON(assembly.getStackByName('GuardrailsOrganization').template);
    org.hasResourceProperties('AWS::Organizations::Policy', { Type: 'SERVICE_CONTROL_POLICY' });
    org.hasResourceProperties('AWS::Organizations::Policy', { Type: 'RESOURCE_CONTROL_POLICY' });
  });

  test('every stateful resource survives stack deletion and replacement', () => {
    const stateful = /^AWS::(RDS::DBInstance|S3::Bucket|DynamoDB::(Global)?Table|EC2::(Instance|Volume)|KMS::Key|Backup::BackupVault|Logs::LogGroup|SecretsManager::Secret)$/;
    for (const stack of assembly.stacks) {
      for (const [id, r] of Object.entries<any>(stack.template.Resources ?? {})) {
        if (!stateful.test(r.Type)) continue;
        expect({ id, deletion: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({
          id, deletion: expect.stringMatching(/^(Retain|Snapshot)$/), replace: expect.stringMatching(/^(Retain|Snapshot)$/),
        });
      }
    }
  });

  test('evaluation: the agent cannot silence what guards it, and can still build', async () => {
    const resolved = resolveTemplate(assembly.getStackByName('GuardedAccount').template);
    const [roleId] = Object.entries<any>(resolved.Resources)
      .find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'coding-agent')!;
    const policies = rolePolicies(resolved, roleId);
    const principal = { arn: `arn:aws:iam::111111111111:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`, tags: { [AgentIdentity.AGENT_TAG_KEY]: 'true' } };
    const guard = { [AgentIdentity.GUARD_TAG_KEY]: AgentIdentity.GUARD_TAG_VALUE };
    const fn = 'arn:aws:lambda:us-east-1:111111111111:function:guardrails-kill-switch';
    const rule = 'arn:aws:events:us-east-1:111111111111:rule/guardrails-critical-00';
    const decide = (action: string, resource: string, resourceTags?: Record<string, string>) =>
      simulate(policies, { action, resource, principal, resourceTags });
    const owned = { [AgentIdentity.STACK_NAME_TAG_KEY]: `${AgentIdentity.AGENT_STACK_NAME_PREFIX}app` };
    // Kill switch, alarm rules and topic carry the guard tag.
    expect(await decide('lambda:UpdateFunctionCode', fn, guard)).toBe('ExplicitlyDenied');
    expect(await decide('lambda:PutFunctionConcurrency', fn, guard)).toBe('ExplicitlyDenied');
    expect(await decide('events:PutRule', rule, guard)).toBe('ExplicitlyDenied');
    expect(await decide('events:DisableRule', rule, guard)).toBe('ExplicitlyDenied');
    expect(await decide('sns:SetTopicAttributes', 'arn:aws:sns:us-east-1:111111111111:alerts', guard)).toBe('ExplicitlyDenied');
    // The same actions on the agent's own resources (of its agent-* stacks) stay allowed.
    expect(await decide('lambda:UpdateFunctionCode', 'arn:aws:lambda:us-east-1:111111111111:function:agent-app-fn', owned)).toBe('Allowed');
    expect(await decide('events:PutRule', 'arn:aws:events:us-east-1:111111111111:rule/my-app-schedule')).toBe('Allowed');
  });

  test('evaluation: the agent deploys through its guarded bootstrap, never through the standard one', async () => {
    const workload = resolveTemplate(assembly.getStackByName('GuardedAccount').template);
    const [agentId] = Object.entries<any>(workload.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'coding-agent')!;
    const agent = rolePolicies(workload, agentId);
    // The toolkit stack imports the agent role's ARN from the workload stack (its one import).
    const toolkit = JSON.parse(JSON.stringify(assembly.getStackByName('GuardedAgentToolkit').template,
      (_k, v) => (v && typeof v === 'object' && 'Fn::ImportValue' in v ? `arn:aws:iam::111111111111:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent` : v)));
    const resolved = resolveTemplate(toolkit);
    const roles = Object.entries<any>(resolved.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    const env = '111111111111-us-east-1';
    const names = GuardedBootstrapNames.of();
    // The bootstrap's roles are those the synthesizer and the CLI look for.
    const physical = roles.map(([, r]) => r.Properties.RoleName).filter(n => typeof n === 'string');
    const expected = [names.deployRoleName, names.executionRoleName,
      names.filePublishingRoleName, names.imagePublishingRoleName, names.lookupRoleName];
    for (const name of expected) {
      expect(physical).toContain(name.replace('${AWS::AccountId}-${AWS::Region}', env));
    }
    const [deployId, deploy] = roles.find(([, r]) => r.Properties.RoleName === names.deployRoleName.replace('${AWS::AccountId}-${AWS::Region}', env))!;
    expect(deployId).toBeDefined();
    const principal = { arn: `arn:aws:iam::111111111111:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`, tags: { [AgentIdentity.AGENT_TAG_KEY]: 'true' } };
    const sourceIdentity = `${AgentIdentity.SOURCE_IDENTITY_PREFIX}claude`;
    const assume = (resource: string) => ({ action: 'sts:AssumeRole', resource, principal, context: { 'aws:SourceIdentity': sourceIdentity, 'sts:SourceIdentity': sourceIdentity } });
    const deployArn = `arn:aws:iam::111111111111:role${AgentIdentity.AGENT_ROLE_PATH}${names.deployRoleName.replace('${AWS::AccountId}-${AWS::Region}', env)}`;
    // Allowed by the agent's policies and by the deploy role's trust policy.
    expect(await simulate(agent, assume(deployArn))).toBe('Allowed');
    expect(await simulate({ ...agent, resourcePolicy: deploy.Properties.AssumeRolePolicyDocument }, assume(deployArn))).toBe('Allowed');
    // The standard bootstrap's roles (AdministratorAccess behind cfn-exec) stay out of reach.
    for (const r of ['deploy', 'cfn-exec', 'file-publishing']) {
      expect(await simulate(agent, assume(`arn:aws:iam::111111111111:role/cdk-hnb659fds-${r}-role-${env}`))).not.toBe('Allowed');
    }
  });
});
