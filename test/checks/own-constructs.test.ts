/**
 * The library's own constructs pass its own checks.
 *
 * Each public construct is built alone in a stack `S` (with only the scaffolding it needs: a VPC,
 * a queue) and the checks run over the app. No finding may be about a resource the construct
 * created. Findings are told apart in two steps:
 *
 * 1. Alone, a finding is "about the app" when its rule and message report a layer missing from
 *    the app rather than a setting of the resource it is attached to. There are exactly three
 *    such forms (APP_LEVEL below):
 *    - AG-MON1 "no live alarm rule matches its calls": the app has no DestructiveCallAlarm;
 *    - AG-BAK2 "the app has no backup selection": the app has no GuardrailBackup;
 *    - AG-RES3 "Stack S ... has no termination protection": a property of the stack the test
 *      created (Protection.of() or `terminationProtection: true` sets it); a construct does not
 *      own its stack. The finding is attached to the stack's first stateful resource because a
 *      finding needs a resource.
 *    Every other finding fails the test.
 * 2. The message test alone could hide a construct's own gap (an untagged bucket also gets "the
 *    app has no backup selection" in an app without backups). So each construct is built again
 *    in a complete app: `S` with termination protection, next to a stack holding the missing
 *    layers (a DestructiveCallAlarm with a subscriber and a GuardrailBackup). There, no finding
 *    at all may remain in `S`: an app-level finding that was really about the resource (say, a
 *    bucket without the backup tag) shows up as "no backup selection names it" and fails.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { newApp } from './apps';
import { AgentRole } from '../../src/agent-role';
import { GuardrailBackup } from '../../src/backup';
import { AgentGuardrailsChecks, GuardrailFinding } from '../../src/checks';
import { DestructiveCallAlarm, DestructiveCallForwarder, KillSwitch } from '../../src/monitoring';
import { AgentRcp, AgentScp } from '../../src/organizations';
import { ProtectedBucket, ProtectedDatabase, ProtectedDatabaseCluster, ProtectedInstance, ProtectedTable } from '../../src/protection';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const vpc = (s: Stack) => new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1 });

/** Every public construct, built alone (id `C`) with the scaffolding it needs. */
const CONSTRUCTS: Record<string, (s: Stack) => void> = {
  'AgentRole': s => new AgentRole(s, 'C', { assumedBy: new iam.AccountRootPrincipal() }),
  'DestructiveCallAlarm': s => new DestructiveCallAlarm(s, 'C', { emails: ['oncall@example.com'] }),
  'DestructiveCallAlarm with kill switch': s => new DestructiveCallAlarm(s, 'C', {
    emails: ['oncall@example.com'], killSwitch: { deniedAttempts: 5, blockNewSessions: true },
  }),
  'DestructiveCallForwarder': s => new DestructiveCallForwarder(s, 'C', { alarmRegion: 'us-east-1' }),
  'KillSwitch': s => new KillSwitch(s, 'C', { deadLetterQueue: new sqs.Queue(s, 'Queue') }),
  'GuardrailBackup': s => new GuardrailBackup(s, 'C'),
  'ProtectedDatabase': s => new ProtectedDatabase(s, 'C', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc: vpc(s),
  }),
  'ProtectedDatabaseCluster': s => new ProtectedDatabaseCluster(s, 'C', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc: vpc(s),
  }),
  'ProtectedBucket': s => new ProtectedBucket(s, 'C'),
  'ProtectedInstance': s => new ProtectedInstance(s, 'C', {
    vpc: vpc(s), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' }),
  }),
  'ProtectedTable': s => new ProtectedTable(s, 'C', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }),
  'AgentScp': s => new AgentScp(s, 'C', { targetIds: ['ou-ab12-cd34ef56'] }),
  'AgentRcp': s => new AgentRcp(s, 'C', { targetIds: ['ou-ab12-cd34ef56'] }),
};

/** The findings that report a layer missing from the app, not a setting of the resource (see the file comment). */
const APP_LEVEL: Array<{ ruleId: string; message: RegExp; missing: string }> = [
  { ruleId: 'AG-MON1', message: /: no live alarm rule matches its calls\.$/, missing: 'a DestructiveCallAlarm' },
  { ruleId: 'AG-BAK2', message: / is not selected by any backup plan: the app has no backup selection\.$/, missing: 'a GuardrailBackup' },
  { ruleId: 'AG-RES3', message: /^Stack S holds stateful resources \(first: [A-Za-z0-9]+\) and has no termination protection\.$/, missing: 'termination protection on the stack' },
];

function appLevel(f: GuardrailFinding): string | undefined {
  return APP_LEVEL.find(a => a.ruleId === f.ruleId && a.message.test(f.message))?.missing;
}

const describeFinding = (f: GuardrailFinding) => `${f.ruleId} ${f.constructPath ?? f.logicalId}: ${f.message}`;

function findingsInS(app: App): GuardrailFinding[] {
  return new AgentGuardrailsChecks().findings(app).filter(f => f.stack === 'S');
}

describe('each public construct alone in a stack', () => {
  /** Findings in S per construct, each app synthesized once for both tests below. */
  const alone = new Map<string, GuardrailFinding[]>();
  const findingsAlone = (name: string) => {
    if (!alone.has(name)) {
      const app = newApp();
      CONSTRUCTS[name](new Stack(app, 'S', { env: ENV }));
      alone.set(name, findingsInS(app));
    }
    return alone.get(name)!;
  };

  test.each(Object.keys(CONSTRUCTS))('%s: every finding is about the app (a missing layer), none about its own resources', name => {
    expect(findingsAlone(name).filter(f => appLevel(f) === undefined).map(describeFinding)).toEqual([]);
  });

  test('the app-level findings are the expected ones (what each construct alone lacks)', () => {
    const seen: Record<string, string[]> = {};
    for (const name of Object.keys(CONSTRUCTS)) {
      seen[name] = [...new Set(findingsAlone(name).map(f => appLevel(f) ?? describeFinding(f)))].sort();
    }
    const data = ['a GuardrailBackup', 'termination protection on the stack'];
    expect(seen).toEqual({
      'AgentRole': ['a DestructiveCallAlarm'],
      // The trail bucket (CloudTrail logs) is tagged for backup; the KMS key and log groups make the stack hold data.
      'DestructiveCallAlarm': data,
      'DestructiveCallAlarm with kill switch': data,
      'DestructiveCallForwarder': [],
      // The queue is scaffolding; the function's log group makes the stack hold data.
      'KillSwitch': ['termination protection on the stack'],
      // Its own vault key is stateful; nothing it creates needs a backup selection.
      'GuardrailBackup': ['termination protection on the stack'],
      'ProtectedDatabase': data,
      'ProtectedDatabaseCluster': data,
      'ProtectedBucket': data,
      'ProtectedInstance': data,
      'ProtectedTable': data,
      'AgentScp': [],
      'AgentRcp': [],
    });
  });
});

describe('each public construct in an app that has the other layers', () => {
  test.each(Object.entries(CONSTRUCTS))('%s: no finding at all in its stack', (_name, build) => {
    const app = newApp();
    build(new Stack(app, 'S', { env: ENV, terminationProtection: true }));
    const layers = new Stack(app, 'Layers', { env: ENV, terminationProtection: true });
    new DestructiveCallAlarm(layers, 'Alarm', { emails: ['oncall@example.com'] });
    new GuardrailBackup(layers, 'Backup');
    expect(findingsInS(app).map(describeFinding)).toEqual([]);
  });
});

test('the README\'s smallest example (AgentRole + DestructiveCallAlarm with emails) raises only app-level findings', () => {
  const app = newApp();
  const stack = new Stack(app, 'S', { env: ENV });
  new AgentRole(stack, 'AgentRole', { assumedBy: new iam.AccountPrincipal(stack.account) });
  new DestructiveCallAlarm(stack, 'Alarm', { emails: ['oncall@example.com'] });
  const findings = findingsInS(app);
  // The alarm covers the role; what remains is the absence of a backup plan and of stack termination protection.
  expect(findings.map(f => appLevel(f) ?? describeFinding(f)).sort()).toEqual(['a GuardrailBackup', 'termination protection on the stack']);
});
