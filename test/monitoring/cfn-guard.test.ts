import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { DestructiveCallAlarm, DestructiveCallForwarder } from '../../src/monitoring';

// cfn-guard runs the 237 Control Tower rules over the alarm's template: measured 9 to 44 s for
// that test (2 cores, idle to loaded), over the 30 s default.
jest.setTimeout(120_000);

/**
 * Synthesizes with the cfn-guard Control Tower rules as a policy-validation plugin; returns the findings.
 * Throws when the plugin did not run to the end: a crashed plugin reports no violations, which must
 * not read as a clean stack.
 */
function guard(build: (stack: Stack) => void): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-guard-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new CfnGuardValidator());
  build(new Stack(app, 'Guard', { env: { account: '111111111111', region: 'us-east-1' } }));
  let synthError: unknown;
  try {
    app.synth();
  } catch (e) {
    // a plugin that reports violations fails synth after writing the report
    synthError = e;
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) throw synthError ?? new Error(`no validation report in ${outdir}`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const crashed = report.pluginReports.filter((r: any) => r.metadata?.error !== undefined || (r.conclusion !== 'success' && r.violations.length === 0));
  if (report.pluginReports.length !== 1 || crashed.length > 0) {
    throw new Error(`cfn-guard did not run to the end: ${JSON.stringify(report.pluginReports.map((r: any) => [r.pluginName, r.conclusion, r.metadata]))}`);
  }
  return report.pluginReports.flatMap((r: any) => r.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) =>
    `${v.ruleName} ${c.constructPath || c.cloudFormationResource?.logicalId}`)));
}

describe('cfn-guard Control Tower rules', () => {
  test('alarm with every option: findings are only the justified ones', () => {
    const found = guard(s => new DestructiveCallAlarm(s, 'Alarm', {
      emails: ['oncall@example.com'],
      slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' },
      killSwitch: { deniedAttempts: 5 },
    }));
    console.log(found.join('\n'));
    // Justified (see docs/monitoring.md): none expected beyond the list below.
    const justified = [
      // The trail delivers to EventBridge; a CloudWatch Logs copy is optional (cost), not needed for alerting.
      /^cloud_trail_cloud_watch_logs_enabled_check Guard\/Alarm\/Trail\/Resource$/,
      // The default key policy gives the account root kms:* (CDK's default); no grant is made to other principals.
      // (cfn-guard sometimes reports it without a construct path.)
      /^kms_create_grant_aws_service_check (Guard\/Alarm\/Key\/Resource|undefined)$/,
      // The function only calls the IAM API: a VPC would add a NAT gateway or an IAM endpoint for nothing.
      /^lambda_inside_vpc_check Guard\/Alarm\/KillSwitch\/Resource\/Resource$/,
      // Trail bucket: the trail records every API call on it and log file validation detects tampering;
      // versioning + RETAIN keep the objects. Server access logs would need another bucket.
      /^s3_bucket_logging_enabled_check Guard\/Alarm\/TrailBucket\/Resource$/,
      /^s3_bucket_object_lock_enabled_check Guard\/Alarm\/TrailBucket\/Resource$/,
      // Event notifications would add a custom-resource Lambda (BucketNotificationsHandler) for no alerting value.
      /^s3_event_notifications_enabled_check Guard\/Alarm\/TrailBucket\/Resource$/,
      // The dead-letter queue needs no dead-letter queue of its own.
      /^sqs_dlq_check Guard\/Alarm\/DeadLetterQueue\/Resource$/,
    ];
    expect(found.filter(f => !justified.some(j => j.test(f)))).toEqual([]);
  });
  test('forwarder', () => {
    const found = guard(s => new DestructiveCallForwarder(s, 'Fwd', { alarmRegion: 'eu-west-1' }));
    console.log(found.join('\n'));
    // The rules ran: the one justified finding is there.
    expect(found).toContain('sqs_dlq_check Guard/Fwd/DeadLetterQueue/Resource');
    expect(found.filter(f => !/^sqs_dlq_check Guard\/Fwd\/DeadLetterQueue\/Resource$/.test(f))).toEqual([]);
  });
});
