import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildGuardedAccountApp } from '../examples/guarded-account';
import { AgentGuardrailsChecks, AgentIdentity } from '../src';

describe('reference app', () => {
  const app = buildGuardedAccountApp(new App());
  const assembly = app.synth();

  test('synthesizes the workload and organization stacks', () => {
    expect(assembly.stacks.map(s => s.stackName).sort()).toEqual(['GuardedAccount', 'GuardrailsOrganization']);
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
});
