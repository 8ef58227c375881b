import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildGuardedApp, buildUnguardedApp, newApp, newStack } from './apps';
import { AgentGuardrailsChecks, FindingStatus, GuardrailLayer, GuardrailReport, LayerStatus } from '../../src/checks';
import { main } from '../../src/checks/report/cli';
import { Protection } from '../../src/protection';

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

function layer(report: GuardrailReport, stack: string, l: GuardrailLayer) {
  return report.stacks.find(s => s.stack === stack)!.layers.find(x => x.layer === l)!;
}

let guarded: App;
let unguarded: App;

beforeAll(() => {
  guarded = buildGuardedApp();
  Validations.of(guarded).addPlugins(new AgentGuardrailsChecks());
  guarded.synth();
  unguarded = buildUnguardedApp();
  unguarded.synth();
});

describe('the unguarded app', () => {
  test('fails with the expected rule IDs', () => {
    const f = new AgentGuardrailsChecks().findingsInAssembly(unguarded.outdir);
    expect([...new Set(f.map(x => x.ruleId))]).toEqual(['AG-IAM1', 'AG-IAM2', 'AG-RES1', 'AG-RES2', 'AG-RES3', 'AG-MON1', 'AG-BAK2']);
    expect(f.filter(x => x.ruleId === 'AG-RES1').map(x => x.resourceType).sort()).toEqual(['AWS::RDS::DBInstance', 'AWS::SecretsManager::Secret']);
    expect(f.filter(x => x.ruleId === 'AG-RES2').map(x => x.resourceType).sort()).toEqual(['AWS::RDS::DBInstance', 'AWS::S3::Bucket']);
    expect(f.every(x => x.status === FindingStatus.OPEN)).toBe(true);
  });

  test('report: IAM, monitoring, protection and backup are required and not guarded; exit code 1', () => {
    const report = GuardrailReport.fromAssembly(unguarded.outdir);
    expect(report.passed).toBe(false);
    expect(report.exitCode).toBe(1);
    expect(layer(report, 'Unguarded', GuardrailLayer.IAM)).toMatchObject({ status: LayerStatus.MISSING, required: true });
    expect(layer(report, 'Unguarded', GuardrailLayer.MONITORING)).toMatchObject({ status: LayerStatus.MISSING, required: true });
    expect(layer(report, 'Unguarded', GuardrailLayer.RESOURCE_PROTECTION)).toMatchObject({ status: LayerStatus.MISSING, required: true });
    expect(layer(report, 'Unguarded', GuardrailLayer.BACKUP)).toMatchObject({ status: LayerStatus.MISSING, required: true });
    expect(layer(report, 'Unguarded', GuardrailLayer.ORGANIZATIONS)).toMatchObject({ status: LayerStatus.ABSENT, required: false });
    expect(layer(report, 'Unguarded', GuardrailLayer.CHECKS)).toMatchObject({ status: LayerStatus.ABSENT, required: false });
  });

  test('table output', () => {
    const { code, out } = run(['report', unguarded.outdir]);
    expect(code).toBe(1);
    expect(out).toMatch(/^cdk-agent-guardrails report: .*\n1 stack\(s\), 12 rules, 10 open finding\(s\), 0 acknowledged\n/);
    expect(out).toContain('\nStack Unguarded\n');
    expect(out).toMatch(/\n {2}LAYER +STATUS +REQUIRED +WHY\n/);
    expect(out).toMatch(/\n {2}IAM +MISSING +yes +1 agent role\(s\): each needs a boundary and the denies of \d+ catalog rules \(\d+ of them under a condition or on some resources only\) over [\d,]+ actions; \d+ opt-in rules not required\n/);
    expect(out).toMatch(/^Agent roles are held to the deny plan of \d+ catalog rules/m);
    expect(out).toMatch(/\n {6}- AG-IAM1: Agent role AgentRoleF4A42D6B \(tagged guardrails:agent=true\) has no permissions boundary\.\n/);
    expect(out).toMatch(/\n {2}Monitoring +MISSING +yes /);
    expect(out).toMatch(/\n {2}Backup +MISSING +yes /);
    expect(out).toMatch(/\n {6}- AG-RES3 \(warning\): Stack Unguarded holds stateful resources/);
    const missing = 'Unguarded: IAM MISSING; Unguarded: Resource protection MISSING; Unguarded: Monitoring MISSING; Unguarded: Backup MISSING';
    expect(out).toContain(`\nFAILED (exit 1): ${missing}; 9 open error finding(s).\n`);
  });

  test('JSON output', () => {
    const { code, out } = run(['report', unguarded.outdir, '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json).toMatchObject({
      reportVersion: 1,
      passed: false,
      exitCode: 1,
      pluginRanAtSynth: false,
      summary: {
        stacks: 1,
        openFindings: 10,
        openErrors: 9,
        acknowledged: 0,
        missingLayers: ['Unguarded:IAM', 'Unguarded:RESOURCE_PROTECTION', 'Unguarded:MONITORING', 'Unguarded:BACKUP'],
        weakLayers: [],
      },
    });
    expect(json.rules).toHaveLength(12);
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('AG-IAM2');
    expect(json.stacks[0].layers.map((l: { layer: string }) => l.layer)).toEqual(['IAM', 'ORGANIZATIONS', 'RESOURCE_PROTECTION', 'MONITORING', 'BACKUP', 'CHECKS']);
  });
});

describe('the guarded app', () => {
  test('passes every rule; the plugin ran at synth', () => {
    expect(new AgentGuardrailsChecks().findingsInAssembly(guarded.outdir)).toEqual([]);
    const report = GuardrailReport.fromAssembly(guarded.outdir);
    expect(report.pluginRanAtSynth).toBe(true);
    expect(report.passed).toBe(true);
    expect(report.exitCode).toBe(0);
    const layers = [GuardrailLayer.IAM, GuardrailLayer.RESOURCE_PROTECTION, GuardrailLayer.MONITORING, GuardrailLayer.BACKUP, GuardrailLayer.CHECKS];
    for (const l of layers) {
      expect(layer(report, 'Guarded', l).status).toBe(LayerStatus.GUARDED);
    }
    expect(layer(report, 'Organization', GuardrailLayer.ORGANIZATIONS).status).toBe(LayerStatus.GUARDED);
    expect(layer(report, 'Organization', GuardrailLayer.IAM).status).toBe(LayerStatus.NOT_NEEDED);
  });

  test('table output', () => {
    const { code, out } = run(['report', guarded.outdir]);
    expect(code).toBe(0);
    expect(out).toMatch(/\n2 stack\(s\), 12 rules, 0 open finding\(s\), 0 acknowledged\n/);
    expect(out).toMatch(/\n {2}IAM +GUARDED +yes +1 agent role\(s\)/);
    expect(out).toMatch(/\n {6}\+ agent role Agent\w+ \(tagged guardrails:agent=true\): permissions boundary set, no guarded catalog action allowed\n/);
    expect(out).toMatch(/\n {6}\+ AWS::RDS::DBInstance Database\w+: retained on delete\/replace, service-level protection on\n/);
    expect(out).toMatch(/\n {6}\+ \d+ alarm rule\(s\) on CloudTrail API calls, \d+ live/);
    expect(out).toMatch(/\n {6}\+ vault Backup\w+: locked\n/);
    expect(out).toMatch(/\n {6}\+ SCP Scp\w+: \d+\/10240 characters, 1 target\(s\)\n/);
    expect(out).toMatch(/\n {6}\+ AgentGuardrails plugin ran at synth \(agent-guardrails-checks\.json\)\n/);
    expect(out).toMatch(/\nPASSED: every required layer is guarded and no error finding is open\.\n/);
  });

  test('JSON output', () => {
    const { code, out } = run(['report', guarded.outdir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      passed: true, exitCode: 0, pluginRanAtSynth: true, summary: { openFindings: 0, missingLayers: [], weakLayers: [] }, findings: [],
    });
  });
});

describe('acknowledgements in the report', () => {
  test('are listed with their reason and do not fail it; refused ones do', () => {
    const app = newApp();
    buildUnguardedApp(app);
    const stack = app.node.findChild('Unguarded');
    Validations.of(stack).acknowledge(
      { id: 'AgentGuardrails::AG-RES3', reason: 'Termination protection is set by the pipeline, not here.' },
      { id: 'AgentGuardrails::AG-IAM1', reason: 'The agent role is only used in the sandbox account.' },
    );
    app.synth();
    const report = GuardrailReport.fromAssembly(app.outdir);
    const table = report.toTable();
    expect(table).toMatch(/\n {6}~ AG-RES3 acknowledged at Unguarded \("Termination protection is set by the pipeline, not here\."\): Stack Unguarded/);
    expect(table).toMatch(/\n {6}- AG-IAM1: Agent role .* \[acknowledgement refused: AG-IAM1 guards against the agent itself and cannot be acknowledged; fix the resource instead\]\n/);
    const checks = layer(report, 'Unguarded', GuardrailLayer.CHECKS);
    expect(checks.notGuarded).toHaveLength(2);
    expect(report.exitCode).toBe(1);
  });
});

describe('resource protection lines say what is and is not kept', () => {
  test('a missing stack termination protection (AG-RES3) does not make the first stateful resource unguarded', () => {
    const app = newApp();
    const stack = newStack(app, 'Data');
    new s3.Bucket(stack, 'Bucket');
    Protection.of(app).apply({ terminationProtection: false });
    app.synth();
    const report = GuardrailReport.fromAssembly(app.outdir);
    const protection = layer(report, 'Data', GuardrailLayer.RESOURCE_PROTECTION);
    expect(protection.notGuarded).toEqual([expect.stringMatching(/^AG-RES3 \(warning\): Stack Data holds stateful resources/)]);
    expect(protection.guarded).toEqual([expect.stringMatching(/^AWS::S3::Bucket Bucket\w+: retained on delete\/replace, service-level protection on$/)]);
  });

  test('a plain ec2.Instance: its unmapped root volume is named as deleted on termination; a mapped one is not', () => {
    const app = newApp();
    const stack = newStack(app, 'Compute');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const props = { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }) };
    new ec2.Instance(stack, 'Plain', props);
    new ec2.Instance(stack, 'Mapped', { ...props, blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8) }] });
    Protection.of(app).apply();
    app.synth();
    const lines = layer(GuardrailReport.fromAssembly(app.outdir), 'Compute', GuardrailLayer.RESOURCE_PROTECTION).guarded;
    expect(lines.filter(l => l.startsWith('AWS::EC2::Instance'))).toEqual([
      expect.stringMatching(/^AWS::EC2::Instance Plain\w+: retained on delete\/replace, service-level protection on; NOT protected: deleted on termination: the root volume \(no BlockDeviceMappings entry for \/dev\/xvda or \/dev\/sda1\)$/),
      expect.stringMatching(/^AWS::EC2::Instance Mapped\w+: retained on delete\/replace, service-level protection on$/),
    ]);
  });
});

describe('the command', () => {
  test('defaults to ./cdk.out', () => {
    const cwd = process.cwd();
    const dir = fs.mkdtempSync(path.join(guarded.outdir, '..', 'ag-cwd-'));
    fs.symlinkSync(guarded.outdir, path.join(dir, 'cdk.out'));
    process.chdir(dir);
    try {
      expect(run(['report']).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });

  test('usage errors exit 2', () => {
    expect(run([])).toMatchObject({ code: 2, err: expect.stringMatching(/^No command given\.\n\nUsage: cdk-agent-guardrails report/) });
    expect(run(['audit'])).toMatchObject({ code: 2, err: expect.stringMatching(/^Unknown command 'audit'/) });
    expect(run(['report', 'a', 'b'])).toMatchObject({ code: 2, err: expect.stringMatching(/^Unexpected argument\(s\): b\./) });
    expect(run(['report', '--yaml'])).toMatchObject({ code: 2, err: expect.stringMatching(/^Unexpected argument\(s\): --yaml\./) });
    expect(run(['report', '/nonexistent/cdk.out'])).toMatchObject({ code: 2, err: expect.stringMatching(/^No cloud assembly at \/nonexistent\/cdk\.out \(manifest\.json not found\)/) });
    expect(run(['--help'])).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: /) });
  });

  test('the bin shim runs the compiled command', () => {
    const shim = fs.readFileSync(path.join(__dirname, '..', '..', 'bin', 'cdk-agent-guardrails.js'), 'utf8');
    expect(shim).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(shim).toContain("require('../lib/checks/report/cli.js').main(process.argv.slice(2))");
  });
});
