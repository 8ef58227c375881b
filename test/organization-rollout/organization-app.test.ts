/**
 * The multi-account reference app (examples/organization.ts): it synthesizes with the guardrail
 * report on and finds nothing; cfn-lint has 0 errors on every template, the StackSets' member
 * templates included (every warning explained); template sizes against the limits; SCPs per target
 * with every opt-in on, against the quota of 10 counting FullAWSAccess, and RCPs against 5
 * counting RCPFullAWSAccess.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { explainedByPinnedData } from './cfn-lint-explain';
import { buildOrganizationApp, OrganizationManagementStack, ROOT_ID, AGENT_OU, WORKLOADS_OU } from '../../examples/organization';
import { AgentGuardrailsChecks, GuardrailsMemberStack, PolicyBudget } from '../../src';
import { cfnLint, countByRule } from '../cfn-lint/lint';

jest.setTimeout(600_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-app-'));
const app = new App({ outdir: path.join(dir, 'cdk.out') });
buildOrganizationApp(app);
const assembly = app.synth();
const management = app.node.findChild('OrganizationManagement') as OrganizationManagementStack;
const members: GuardrailsMemberStack[] = [management.globalMember, management.regionalMember];
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[organization app]', ...figures].join('\n  '));
});

test('the app synthesizes (the guardrail report ran as a validation plugin) and the report finds nothing', () => {
  expect(assembly.stacks.map(s => s.stackName).sort()).toEqual(['OrganizationManagement', 'OrganizationSecurity']);
  expect(new AgentGuardrailsChecks().findings(app)).toEqual([]);
});

test('the member stacks are StackSet templates, not cloud assembly stacks; their templates are files of the assembly', () => {
  for (const m of members) {
    expect(fs.existsSync(path.join(assembly.directory, m.templateFile))).toBe(true);
    expect(assembly.stacks.find(s => s.stackName === m.stackName)).toBeUndefined();
  }
});

test('template sizes against the limits (1,000,000 bytes per template; 51,200 inline)', () => {
  const rows: string[] = [];
  for (const s of assembly.stacks) {
    const bytes = Buffer.byteLength(JSON.stringify(s.template));
    rows.push(`${s.stackName} ${bytes.toLocaleString('en-US')} bytes`);
    expect(bytes).toBeLessThan(GuardrailsMemberStack.TEMPLATE_URL_MAX_BYTES);
  }
  const template = Template.fromStack(management).toJSON();
  const sets = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::CloudFormation::StackSet');
  expect(sets).toHaveLength(2);
  for (const m of members) {
    const bytes = m._templateBytes!;
    const inline = bytes <= GuardrailsMemberStack.TEMPLATE_BODY_MAX_BYTES;
    rows.push(`${m.node.path} (StackSet member) ${bytes.toLocaleString('en-US')} bytes: ${inline ? 'TemplateBody' : 'TemplateURL (file asset)'}`);
    expect(bytes).toBeLessThan(GuardrailsMemberStack.TEMPLATE_URL_MAX_BYTES);
  }
  // Both member templates are over 51,200 bytes: each StackSet reads its template from the management account's staging bucket.
  for (const s of sets) {
    expect(s.Properties.TemplateBody).toBeUndefined();
    expect(JSON.stringify(s.Properties.TemplateURL)).toMatch(/cdk-hnb659fds-assets-\$\{AWS::AccountId\}-us-east-1\/[0-9a-f]{64}\.json/);
  }
  const assets = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'OrganizationManagement.assets.json'), 'utf8'));
  const sources = Object.values<any>(assets.files).map(f => f.source.path);
  for (const m of members) expect(sources).toContain(m.templateFile);
  figures.push(`templates: ${rows.join('; ')}`);
});

test('SCPs per target with every opt-in on (agent tag, ARN patterns with Identity Center, source identity, MCP scope), counting FullAWSAccess', () => {
  const perTarget = new Map<string, number>([[AGENT_OU, 1], [WORKLOADS_OU, 1], [ROOT_ID, 1]]);
  for (const p of [...management.scp.policies, ...management.mcp.policies]) {
    for (const t of p.targetIds ?? []) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
  }
  figures.push(`AgentScp ${management.scp.policies.length} documents (${management.scp.documentSizes.join(', ')} of ${PolicyBudget.SCP.maxCharacters} characters); `
    + `AgentMcpScp ${management.mcp.policies.length} documents (${management.mcp.documentSizes.join(', ')}), ${management.mcp.actionsDenied} actions`);
  figures.push(`SCPs per target, FullAWSAccess included: ${[...perTarget].map(([t, n]) => `${t} ${n} of ${PolicyBudget.SCPS_PER_TARGET}`).join(', ')}`);
  for (const n of perTarget.values()) expect(n).toBeLessThanOrEqual(PolicyBudget.SCPS_PER_TARGET);
  expect(management.mcp.policiesPerTarget).toBe(perTarget.get(ROOT_ID));
});

test('RCPs per target with every opt-in on, counting RCPFullAWSAccess', () => {
  const perTarget = new Map<string, number>([[AGENT_OU, 1], [ROOT_ID, 1]]);
  for (const p of management.rcp.policies) for (const t of p.targetIds ?? []) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
  figures.push(`AgentRcp ${management.rcp.policies.length} documents (${management.rcp.documentSizes.join(', ')} of ${PolicyBudget.RCP.maxCharacters} characters); `
    + `RCPs per target, RCPFullAWSAccess included: ${[...perTarget].map(([t, n]) => `${t} ${n} of ${PolicyBudget.RCPS_PER_TARGET}`).join(', ')}`);
  for (const n of perTarget.values()) expect(n).toBeLessThanOrEqual(PolicyBudget.RCPS_PER_TARGET);
});

test('the management stack warns that service-managed StackSets do not reach the management account', () => {
  Annotations.fromStack(management).hasWarning('/OrganizationManagement/Guardrails/GlobalStackSet', Match.stringLikeRegexp('never deploy to the management account'));
});

test('cfn-lint: 0 errors on every template, the StackSets\' member templates included; every warning explained', () => {
  const templates = new Map<string, unknown>();
  const write = (name: string, template: unknown) => {
    const file = path.join(dir, `${name}.template.json`);
    fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
    templates.set(file, template);
  };
  for (const s of assembly.stacks) write(s.stackName, s.template);
  for (const m of members) write(`member-${m.node.id}`, JSON.parse(fs.readFileSync(path.join(assembly.directory, m.templateFile), 'utf8')));
  const findings = cfnLint([...templates.keys()]);
  const open = findings.filter(f => f.Level !== 'Informational' && !explainedByPinnedData(f, templates));
  figures.push(`cfn-lint over ${templates.size} templates: reported ${countByRule(findings)}; open ${countByRule(open)}`);
  for (const f of open) figures.push(`  ${f.Level} ${f.Rule.Id} ${path.basename(f.Filename)} ${(f.Location.Path ?? []).join('/')}: ${f.Message.slice(0, 300)}`);
  expect(findings.filter(f => f.Level === 'Error')).toEqual([]);
  expect(open.map(f => `${f.Rule.Id} ${path.basename(f.Filename)} ${(f.Location.Path ?? []).join('/')}`)).toEqual([]);
});
