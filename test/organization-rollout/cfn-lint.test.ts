/**
 * cfn-lint over the organization roll-out's templates (management, security and member account
 * stacks): 0 errors, and every warning explained. Kept beside the construct tests so the shared
 * test/cfn-lint/apps.ts need not change; it uses the same runner (test/cfn-lint/lint.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { explainedByPinnedData } from './cfn-lint-explain';
import {
  AgentAccess, AgentDenyPolicies, AgentIdentity, AgentPermissionSet, AgentScp, CentralAlarmBus, DestructiveCallForwarder,
  DestructiveCallAlarm,
} from '../../src';
import { cfnLint, countByRule } from '../cfn-lint/lint';

// Synthesizing the SCP and the alarm packs the whole catalog; cfn-lint over 4 templates: 20 to 60 s on 2 shared cores.
jest.setTimeout(300_000);
process.env.CDK_VALIDATION = 'false';

function build(app: App): void {
  const patterns = [AgentIdentity.AGENT_ROLE_ARN_PATTERN, AgentIdentity.WORKLOAD_ROLE_ARN_PATTERN, AgentPermissionSet.roleArnPatternFor('CodingAgent')];
  const management = new Stack(app, 'Management', { env: { region: 'us-east-1' } });
  new AgentPermissionSet(management, 'Agents', {
    instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    permissionSetName: 'CodingAgent',
    revokeSessionsIssuedBefore: '2026-11-29T12:00:00Z',
    revokedUserIds: ['90677f3f2a-1e2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'],
  });
  new AgentPermissionSet(management, 'AdminAgents', {
    instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    permissionSetName: 'AdminAgent',
    sessionDuration: Duration.hours(2),
    access: AgentAccess.custom({ managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')] }),
  });
  new AgentScp(management, 'Scp', { targetIds: ['ou-ab12-cd34ef56'], agentPrincipalArnPatterns: patterns });
  const security = new Stack(app, 'Security', { env: { region: 'eu-west-1' } });
  new CentralAlarmBus(security, 'Bus', { organizationId: 'o-abcdefghij' });
  new CentralAlarmBus(security, 'CustomBus', { organizationId: 'o-abcdefghij', eventBusName: 'guardrails-central' });
  new DestructiveCallAlarm(security, 'Alarm', { agentRoleArnPatterns: patterns });
  const member = new Stack(app, 'Member', { env: { region: 'ap-southeast-2' } });
  new AgentDenyPolicies(member, 'Denies');
  new DestructiveCallForwarder(member, 'ToSecurity', { alarmAccount: '999999999999', alarmRegion: 'eu-west-1', agentRoleArnPatterns: patterns });
}


test('cfn-lint: 0 errors on the management, security and member templates; every warning explained', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-org-'));
  const app = new App({ outdir: path.join(dir, 'cdk.out') });
  build(app);
  const templates = new Map<string, unknown>();
  const sizes: string[] = [];
  for (const s of app.synth().stacks) {
    const file = path.join(dir, `${s.stackName}.template.json`);
    const text = JSON.stringify(s.template, undefined, 1);
    fs.writeFileSync(file, text);
    templates.set(file, s.template);
    sizes.push(`${s.stackName} ${JSON.stringify(s.template).length.toLocaleString('en-US')} bytes (minified)`);
  }
  const findings = cfnLint([...templates.keys()]);
  const open = findings.filter(f => f.Level !== 'Informational' && !explainedByPinnedData(f, templates));
  // eslint-disable-next-line no-console
  console.log([
    `[cfn-lint, organization roll-out] ${templates.size} templates: ${sizes.join('; ')}`,
    `reported: ${countByRule(findings)}`,
    `open: ${countByRule(open)}`,
    ...open.map(f => `  ${f.Level} ${f.Rule.Id} ${path.basename(f.Filename)} ${(f.Location.Path ?? []).join('/')}: ${f.Message.slice(0, 300)}`),
  ].join('\n'));
  expect(findings.filter(f => f.Level === 'Error')).toEqual([]);
  expect(open.map(f => `${f.Rule.Id} ${path.basename(f.Filename)} ${(f.Location.Path ?? []).join('/')}`)).toEqual([]);
});
