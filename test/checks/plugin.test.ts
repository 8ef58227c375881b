import * as fs from 'fs';
import * as path from 'path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildGuardedApp, buildUnguardedApp, findingsOf, newApp, newStack } from './apps';
import { cachesHeld } from '../../src/catalog/private/caches';
import { AgentGuardrailsChecks, FindingStatus, GuardrailLayer } from '../../src/checks';

const LONG_REASON = 'Scratch bucket for build artifacts; rebuilt from CI on demand.';

/** A stack whose only gap is an unversioned bucket (AG-RES2) plus backup and termination protection. */
function bucketApp() {
  const app = newApp();
  const stack = newStack(app);
  const bucket = new s3.Bucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.RETAIN });
  return { app, stack, bucket };
}

describe('AgentGuardrailsChecks as a policy-validation plugin', () => {
  test('registered on the app, it fails synthesis of the unguarded app with the expected rule IDs', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new AgentGuardrailsChecks());
    buildUnguardedApp(app);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    for (const id of ['AG-IAM1', 'AG-IAM2', 'AG-RES1', 'AG-RES2', 'AG-MON1', 'AG-BAK2']) expect(message).toContain(id);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const mine = report.pluginReports.find((r: { pluginName: string }) => r.pluginName === 'AgentGuardrails');
    expect(mine.conclusion).toBe('failure');
    expect(mine.violations.find((v: { ruleName: string }) => v.ruleName === 'AG-IAM1').severity).toBe('fatal');
  });

  test('validateScope reports violations with fix, layer and severity', () => {
    const report = new AgentGuardrailsChecks().validateScope(buildUnguardedApp());
    expect(report.success).toBe(false);
    const iam1 = report.violations.find(v => v.ruleName === 'AG-IAM1')!;
    expect(iam1.severity).toBe('fatal');
    expect(iam1.fix).toMatch(/AgentRole/);
    expect(iam1.ruleMetadata).toEqual({ layer: GuardrailLayer.IAM, status: FindingStatus.OPEN, acknowledgeable: 'no' });
    expect(iam1.violatingResources).toEqual([{ constructPath: 'Unguarded/AgentRole/Resource', templatePath: expect.stringMatching(/Unguarded\.template\.json$/), locations: ['Properties'] }]);
    expect(report.violations.find(v => v.ruleName === 'AG-RES2')!.severity).toBe('error');
  });

  test('an acknowledgement with a reason is accepted, listed as info, and synthesis passes', () => {
    const { app, stack, bucket } = bucketApp();
    Validations.of(bucket).acknowledge({ id: 'AgentGuardrails::AG-RES2', reason: LONG_REASON });
    Validations.of(stack).acknowledge(
      { id: 'AgentGuardrails::AG-BAK2', reason: 'Artifacts are reproducible from source; no backup needed.' },
      { id: 'AG-RES3', reason: 'Stack holds only reproducible build artifacts.' },
    );
    const f = findingsOf(app);
    expect(f.map(x => [x.ruleId, x.status])).toEqual([
      ['AG-RES2', FindingStatus.ACKNOWLEDGED], ['AG-RES3', FindingStatus.ACKNOWLEDGED], ['AG-BAK2', FindingStatus.ACKNOWLEDGED],
    ]);
    expect(f[0]).toMatchObject({ acknowledgementReason: LONG_REASON, acknowledgedAt: 'Stack/Bucket' });
    const report = new AgentGuardrailsChecks().validateScope(app);
    expect(report.success).toBe(true);
    expect(report.violations.map(v => v.severity)).toEqual(['info', 'info', 'info']);
    expect(report.violations[0].description).toMatch(/^ACKNOWLEDGED at 'Stack\/Bucket' \(Scratch bucket/);
    expect(report.metadata!.acknowledged).toContain(`AG-RES2 at Stack/Bucket: ${LONG_REASON}`);
  });

  test('the same app with the plugin registered synthesizes', () => {
    const { app, stack } = bucketApp();
    Validations.of(app).addPlugins(new AgentGuardrailsChecks());
    Validations.of(stack).acknowledge(
      { id: 'AgentGuardrails::AG-RES2', reason: LONG_REASON },
      { id: 'AgentGuardrails::AG-BAK2', reason: LONG_REASON },
      { id: 'AgentGuardrails::AG-RES3', reason: LONG_REASON },
    );
    expect(() => app.synth()).not.toThrow();
  });

  test('a short reason is refused: the finding stays open and fatal, so aws-cdk-lib cannot suppress it', () => {
    const { app, stack } = bucketApp();
    Validations.of(app).addPlugins(new AgentGuardrailsChecks());
    Validations.of(stack).acknowledge(
      { id: 'AgentGuardrails::AG-RES2', reason: 'fine' },
      { id: 'AgentGuardrails::AG-BAK2', reason: LONG_REASON },
    );
    expect(() => app.synth()).toThrow(/AG-RES2[\s\S]*refused: the reason has 4 characters; an acknowledgement needs a reason of at least 20/);
  });

  test('acknowledgements outside any stack are not recorded in the assembly, so not accepted', () => {
    const { app } = bucketApp();
    Validations.of(app).acknowledge({ id: 'AgentGuardrails::AG-RES2', reason: LONG_REASON });
    expect(findingsOf(app, 'AG-RES2')[0].status).toBe(FindingStatus.OPEN);
  });

  test('another plugin\'s namespace does not acknowledge a guardrail rule', () => {
    const { app, bucket } = bucketApp();
    Validations.of(bucket).acknowledge({ id: 'OtherPlugin::AG-RES2', reason: LONG_REASON });
    expect(findingsOf(app, 'AG-RES2')[0].status).toBe(FindingStatus.OPEN);
  });

  test('findings() on a Stack covers only that stack', () => {
    const app = newApp();
    new s3.CfnBucket(newStack(app, 'One'), 'Bucket');
    const two = newStack(app, 'Two');
    new s3.CfnBucket(two, 'Bucket');
    expect(new Set(new AgentGuardrailsChecks().findings(two).map(f => f.stack))).toEqual(new Set(['Two']));
  });

  test.each([
    [{ minimumReasonLength: 5 }, /^minimumReasonLength: 5 is not allowed\. Set minimumReasonLength to a whole number of at least 10 \(default 20\)\.$/],
    [{ maxScpsPerTarget: 0 }, /^maxScpsPerTarget: 0 is not allowed/],
    [{ maxRcpsPerTarget: 2.5 }, /^maxRcpsPerTarget: 2.5 is not allowed/],
  ])('rejects %p', (props, error) => {
    expect(() => new AgentGuardrailsChecks(props)).toThrow(error);
  });

  test('the scope must be inside an App', () => {
    const { Construct } = jest.requireActual('constructs');
    expect(() => new AgentGuardrailsChecks().findings(new Construct(undefined, 'Loose'))).toThrow(/^scope: 'Loose' is not inside an App or Stage\. Pass an App, a Stage or a Stack\.$/);
  });
});

describe('rules', () => {
  const rules = AgentGuardrailsChecks.rules();

  test('stable, unique IDs with what, why and how to fix', () => {
    expect(rules.map(r => r.id)).toEqual(['AG-IAM1', 'AG-IAM2', 'AG-ORG1', 'AG-ORG2', 'AG-RES1', 'AG-RES2', 'AG-RES3', 'AG-MON1', 'AG-MON2', 'AG-MON3', 'AG-BAK1', 'AG-BAK2']);
    for (const r of rules) {
      expect(r.id).toMatch(/^AG-(IAM|ORG|RES|MON|BAK)[1-9]$/);
      expect(r.name.length).toBeGreaterThan(10);
      expect(r.checks.length).toBeGreaterThan(40);
      expect(r.why.length).toBeGreaterThan(40);
      expect(r.fix.length).toBeGreaterThan(20);
    }
    expect(new AgentGuardrailsChecks().ruleIds).toEqual(rules.map(r => r.id));
  });

  test('the rules that guard against the agent itself cannot be acknowledged', () => {
    expect(rules.filter(r => !r.acknowledgeable).map(r => r.id)).toEqual(['AG-IAM1', 'AG-IAM2', 'AG-MON1']);
  });
});

describe('the catalog caches after the checks', () => {
  /** A guarded app, the plugin registered or not; its templates as written to its cloud assembly. */
  function templatesOf(withPlugin: boolean): string[] {
    const app = newApp();
    if (withPlugin) Validations.of(app).addPlugins(new AgentGuardrailsChecks());
    buildGuardedApp(app);
    try {
      app.synth();
    } catch (e) {
      // a finding fails synthesis after the templates are written: only they are compared here
      expect((e as Error).message).toMatch(/Validation failed/);
    }
    return fs.readdirSync(app.outdir).filter(f => f.endsWith('.template.json')).sort()
      .map(f => fs.readFileSync(path.join(app.outdir, f), 'utf8'));
  }

  test('the plugin drops them once it has run, and an app built afterwards synthesizes the same templates', () => {
    const before = templatesOf(false);
    expect(before.map(t => Object.keys(JSON.parse(t).Resources).length > 0)).toEqual([true, true]);
    expect(cachesHeld()).toBeGreaterThan(3); // the catalog, deny plans, packs, service names
    const checked = templatesOf(true);
    expect(cachesHeld()).toBe(0);
    const after = templatesOf(false);
    expect(cachesHeld()).toBeGreaterThan(3);
    expect(checked).toEqual(before);
    expect(after).toEqual(before);
  });

  test('validateScope and findings keep them (a test or a script asks again)', () => {
    const app = newApp();
    buildGuardedApp(app);
    new AgentGuardrailsChecks().validateScope(app);
    expect(cachesHeld()).toBeGreaterThan(0);
  });
});
