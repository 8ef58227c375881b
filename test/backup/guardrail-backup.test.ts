import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AgentIdentity } from '../../src';
import { GuardrailBackup, GuardrailBackupProps, VaultLock, VaultLockMode } from '../../src/backup';

const ACCOUNT = '111111111111';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
}

function synth(props: GuardrailBackupProps = {}): { stack: Stack; template: Template; construct: GuardrailBackup } {
  const stack = newStack();
  const construct = new GuardrailBackup(stack, 'Backup', props);
  return { stack, template: Template.fromStack(stack), construct };
}

const rootArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] };

describe('GuardrailBackup defaults', () => {
  const { template, construct } = synth();

  test('creates one vault, RETAIN, encrypted with the created key', () => {
    template.resourceCountIs('AWS::Backup::BackupVault', 1);
    template.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupKey'), 'Arn'] },
      }),
    });
  });

  test('the vault is the Resource child', () => {
    expect(construct.node.defaultChild).toBe(construct.vault);
  });

  test('governance lock: 7 days minimum, no ChangeableForDays, no maximum', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: Match.absent(), MaxRetentionDays: Match.absent() },
    });
    expect(construct.vaultLock.mode).toBe(VaultLockMode.GOVERNANCE);
  });

  test('customer managed key: rotation on, RETAIN, denies key destruction to non-admins', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: Match.objectLike({
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'DenyKeyDestructionExceptAdmins',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
            Condition: { ArnNotLike: { 'aws:PrincipalArn': [rootArn] } },
          })]),
        }),
      }),
    });
  });

  test('access policy denies recovery point and vault destruction to all but the root user', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: Match.objectLike({
        Statement: Match.arrayWith([{
          Sid: 'DenyRecoveryPointDestructionExceptAdmins',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: '*',
          Action: [
            'backup:DeleteRecoveryPoint',
            'backup:UpdateRecoveryPointLifecycle',
            'backup:DisassociateRecoveryPoint',
            'backup:DeleteBackupVault',
            'backup:DeleteBackupVaultAccessPolicy',
            'backup:DeleteBackupVaultLockConfiguration',
          ],
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [rootArn] } },
        }]),
      }),
    });
  });

  test('access policy lets only admins and the CDK deployment role put the policy and the lock', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: Match.objectLike({
        Statement: Match.arrayWith([{
          Sid: 'DenyPolicyAndLockChangesExceptAdminsAndDeployers',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: '*',
          Action: ['backup:PutBackupVaultAccessPolicy', 'backup:PutBackupVaultLockConfiguration'],
          Condition: {
            ArnNotLike: {
              'aws:PrincipalArn': [
                rootArn,
                { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/cdk-*-cfn-exec-role-${ACCOUNT}-*`]] },
              ],
            },
          },
        }]),
      }),
    });
  });

  test('access policy denies agents by role path and by principal tag, with no exception', () => {
    const agentActions = Match.arrayWith(['backup:DeleteRecoveryPoint', 'backup:DeleteBackupVaultLockConfiguration', 'backup:PutBackupVaultAccessPolicy']);
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyAgentsByRolePath',
            Effect: 'Deny',
            Action: agentActions,
            Condition: { ArnLike: { 'aws:PrincipalArn': AgentIdentity.AGENT_ROLE_ARN_PATTERN } },
          }),
          Match.objectLike({
            Sid: 'DenyAgentsByTag',
            Effect: 'Deny',
            Action: agentActions,
            Condition: { StringEquals: { [AgentIdentity.AGENT_TAG_CONDITION_KEY]: AgentIdentity.AGENT_TAG_VALUE } },
          }),
        ]),
      }),
    });
  });

  test('plan: daily 35-day snapshot rule and 35-day continuous rule into the vault', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: Match.stringLikeRegexp('^Stack-Backup-'),
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 5 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            TargetBackupVault: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Backup'), 'BackupVaultName'] },
            CopyActions: Match.absent(),
          }),
          Match.objectLike({
            RuleName: 'Continuous',
            EnableContinuousBackup: true,
            Lifecycle: { DeleteAfterDays: 35 },
          }),
        ],
      },
    });
  });

  test('selection by tag guardrails:backup=true with the backup role', () => {
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        SelectionName: 'Selection',
        IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupBackupRole'), 'Arn'] },
        ListOfTags: [{ ConditionKey: 'guardrails:backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'true' }],
        Resources: Match.absent(),
      },
    });
  });

  test('backup role has the AWS managed backup policies and no restore policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('no restore rights'),
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup']] },
      ],
    });
  });

  test('a separate restore role exists for the runbook', () => {
    expect(construct.restoreRole).toBeDefined();
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.arrayWith([
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores']] },
      ]),
    });
  });

  test('no air-gapped vault unless asked', () => {
    template.resourceCountIs('AWS::Backup::LogicallyAirGappedBackupVault', 0);
  });

  test('every stateful resource is retained', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::Backup::BackupVault']) {
      for (const r of Object.values(template.findResources(type))) {
        expect(r.DeletionPolicy).toBe('Retain');
        expect(r.UpdateReplacePolicy).toBe('Retain');
      }
    }
  });
});

describe('GuardrailBackup options', () => {
  test('compliance lock renders ChangeableForDays, MinRetentionDays and MaxRetentionDays', () => {
    const { template, stack } = synth({
      vaultLock: VaultLock.compliance({ minRetention: Duration.days(14), maxRetention: Duration.days(400), changeableFor: Duration.days(3) }),
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 14, MaxRetentionDays: 400, ChangeableForDays: 3 },
    });
    Annotations.fromStack(stack).hasInfo('/Stack/Backup', Match.stringLikeRegexp('compliance-mode lock'));
  });

  test('governance lock with custom retention', () => {
    const { template } = synth({ vaultLock: VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.days(90) }) });
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 1, MaxRetentionDays: 90, ChangeableForDays: Match.absent() },
    });
  });

  test('user-supplied key: no key is created and the vault uses it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    new GuardrailBackup(stack, 'Backup', { encryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] },
    });
  });

  test('admin principals and patterns become the exception list', () => {
    const stack = newStack();
    const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardrailBackup(stack, 'Backup', {
      adminPrincipals: [breakGlass, new iam.ArnPrincipal('arn:aws:iam::111111111111:user/oncall')],
      adminPrincipalArnPatterns: ['arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyRecoveryPointDestructionExceptAdmins',
          Condition: {
            ArnNotLike: {
              'aws:PrincipalArn': [
                { 'Fn::GetAtt': [Match.stringLikeRegexp('^BreakGlass'), 'Arn'] },
                'arn:aws:iam::111111111111:user/oncall',
                'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*',
              ],
            },
          },
        })]),
      }),
    });
  });

  test('an account principal given as an account id becomes the root ARN', () => {
    const { template } = synth({ adminPrincipals: [new iam.AccountPrincipal('222222222222')] });
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyRecoveryPointDestructionExceptAdmins',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] }] } },
        })]),
      }),
    });
  });

  test('custom deployment principals replace the CDK default', () => {
    const { template } = synth({ deploymentPrincipalArnPatterns: ['arn:aws:iam::111111111111:role/Deployer'] });
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyPolicyAndLockChangesExceptAdminsAndDeployers',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [rootArn, 'arn:aws:iam::111111111111:role/Deployer'] } },
        })]),
      }),
    });
  });

  test('copy to another region/account vault with its own retention', () => {
    const stack = newStack();
    const dr = backup.BackupVault.fromBackupVaultArn(stack, 'Dr', 'arn:aws:backup:us-east-1:333333333333:backup-vault:dr');
    new GuardrailBackup(stack, 'Backup', { copyTo: [{ vault: dr, retention: Duration.days(90) }, { vault: dr }] });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([Match.objectLike({
          RuleName: 'Daily',
          CopyActions: [
            { DestinationBackupVaultArn: 'arn:aws:backup:us-east-1:333333333333:backup-vault:dr', Lifecycle: { DeleteAfterDays: 90 } },
            { DestinationBackupVaultArn: 'arn:aws:backup:us-east-1:333333333333:backup-vault:dr', Lifecycle: { DeleteAfterDays: 35 } },
          ],
        })]),
      },
    });
  });

  test('custom retention, schedule, no continuous rule', () => {
    const { template } = synth({
      dailyRetention: Duration.days(120),
      schedule: events.Schedule.expression('cron(30 2 ? * MON-FRI *)'),
      continuousBackup: false,
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({ RuleName: 'Daily', ScheduleExpression: 'cron(30 2 ? * MON-FRI *)', Lifecycle: { DeleteAfterDays: 120 } })],
      },
    });
  });

  test('explicit resources, with or without the tag selection', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new GuardrailBackup(stack, 'Backup', { selectByTag: false, backupResources: [backup.BackupResource.fromDynamoDbTable(table)] });
    new GuardrailBackup(stack, 'Backup2', { backupResources: [backup.BackupResource.fromArn('arn:aws:s3:::prod')] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        ListOfTags: Match.absent(),
        Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] }],
      }),
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        ListOfTags: [Match.objectLike({ ConditionKey: 'guardrails:backup' })],
        Resources: ['arn:aws:s3:::prod'],
      }),
    });
  });

  test('air-gapped vault: RETAIN, retention range, same access policy, daily copy into it', () => {
    const { template } = synth({
      airGappedVault: true,
      airGappedVaultMinRetention: Duration.days(14),
      airGappedVaultMaxRetention: Duration.days(100),
    });
    template.hasResource('AWS::Backup::LogicallyAirGappedBackupVault', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BackupVaultName: Match.stringLikeRegexp('^[a-zA-Z0-9_-]{2,50}$'),
        MinRetentionDays: 14,
        MaxRetentionDays: 100,
        AccessPolicy: Match.objectLike({
          Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyRecoveryPointDestructionExceptAdmins', Effect: 'Deny' })]),
        }),
      }),
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([Match.objectLike({
          RuleName: 'Daily',
          CopyActions: [{
            DestinationBackupVaultArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupAirGappedVault'), 'BackupVaultArn'] },
            Lifecycle: { DeleteAfterDays: 35 },
          }],
        })]),
      },
    });
  });

  test('notification topic is wired to the vault', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    new GuardrailBackup(stack, 'Backup', { notificationTopic: topic });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupVault', {
      Notifications: { SNSTopicArn: { Ref: Match.stringLikeRegexp('^Topic') }, BackupVaultEvents: Match.anyValue() },
    });
  });

  test('no restore role when opted out', () => {
    const { construct, template } = synth({ createRestoreRole: false });
    expect(construct.restoreRole).toBeUndefined();
    template.resourceCountIs('AWS::IAM::Role', 1);
  });
});

describe('GuardrailBackup validation', () => {
  // Every message: the construct class and path, the prop, the value received, the real bound, and the fix.
  const P = "^GuardrailBackup 'Stack/Backup': ";
  const e = (rest: string) => new RegExp(P + rest);
  const cases: Array<[string, () => GuardrailBackupProps, RegExp]> = [
    ['compliance without minRetention',
      () => ({ vaultLock: VaultLock.compliance({ changeableFor: Duration.days(3) }) }),
      e('vaultLock: VaultLock\\.compliance\\(\\) without minRetention: .*Set minRetention, e\\.g\\. VaultLock\\.compliance\\(\\{ minRetention: Duration\\.days\\(7\\)')],
    ['ChangeableForDays below 3',
      () => ({ vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(2) }) }),
      e('vaultLock\\.changeableFor: 2 days is below the minimum of 3 days \\(the 72-hour cooling-off period\\)\\. Set changeableFor to Duration\\.days\\(3\\) or more\\.$')],
    ['ChangeableForDays in hours',
      () => ({ vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.hours(71) }) }),
      e('vaultLock\\.changeableFor: 2 days 23 hours is not a whole number of days\\. Set vaultLock\\.changeableFor to Duration\\.days\\(n\\)\\.$')],
    ['lock max below min',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(30), maxRetention: Duration.days(10) }) }),
      e('vaultLock\\.maxRetention: 10 days is not greater than minRetention 30 days\\. Set maxRetention above minRetention, or leave it unset\\.$')],
    ['lock max equal to min',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(30), maxRetention: Duration.days(30) }) }),
      e('vaultLock\\.maxRetention: 30 days is not greater than minRetention 30 days\\. Set maxRetention above')],
    ['lock min below one day',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(0) }) }),
      e('vaultLock\\.minRetention: 0 days is below the AWS Backup minimum of 1 day\\. Set minRetention to Duration\\.days\\(1\\) or more')],
    ['lock min in hours',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.hours(12) }) }),
      e('vaultLock\\.minRetention: 12 hours is not a whole number of days\\. Set vaultLock\\.minRetention to Duration\\.days\\(n\\)\\.$')],
    ['lock max above 36500 days',
      () => ({ vaultLock: VaultLock.governance({ maxRetention: Duration.days(36501) }) }),
      e('vaultLock\\.maxRetention: 36501 days is above the AWS Backup maximum of 36500 days\\. Set maxRetention to Duration\\.days\\(36500\\) or less\\.$')],
    ['daily retention below the default lock minimum: the bound given is 7, not 1',
      () => ({ dailyRetention: Duration.days(3) }),
      e("dailyRetention: 3 days is outside 7 to 36500 days \\(7: the vault lock's minRetention: a backup job asking for less fails; 36500: the AWS Backup maximum\\)\\. "
        + 'Set dailyRetention between Duration\\.days\\(7\\) and Duration\\.days\\(36500\\), or lower vaultLock minRetention\\.$')],
    ['daily retention of zero with the default lock: the bound given is 7 (the lock), not 1 (AWS Backup)',
      () => ({ dailyRetention: Duration.days(0) }),
      e("dailyRetention: 0 days is outside 7 to 36500 days \\(7: the vault lock's minRetention: a backup job asking for less fails; .*Set dailyRetention between Duration\\.days\\(7\\) and")],
    ['daily retention shorter than a raised lock minimum',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(60) }), dailyRetention: Duration.days(35), continuousBackup: false }),
      e("dailyRetention: 35 days is outside 60 to 36500 days \\(60: the vault lock's minRetention.*Set dailyRetention between Duration\\.days\\(60\\) and Duration\\.days\\(36500\\), or lower vaultLock minRetention\\.$")],
    ['continuous retention shorter than the lock minimum',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(14) }), continuousBackupRetention: Duration.days(10) }),
      e("continuousBackupRetention: 10 days is outside 14 to 35 days \\(14: the vault lock's minRetention.*35: the longest point-in-time window AWS Backup keeps\\)\\. Set continuousBackupRetention between Duration\\.days\\(14\\) and Duration\\.days\\(35\\), or lower vaultLock minRetention\\.$")],
    ['lock minimum above 35 days with continuous backup on',
      () => ({
        vaultLock: VaultLock.compliance({ minRetention: Duration.days(90), changeableFor: Duration.days(3) }),
        dailyRetention: Duration.days(90),
      }),
      e("continuousBackupRetention: 35 days does not fit, and no value can: 90 days \\(the vault lock's minRetention: a backup job asking for less fails\\) is above 35 days \\(the longest point-in-time window AWS Backup keeps\\)\\. "
        + 'Lower vaultLock minRetention to Duration\\.days\\(35\\) or less, or set continuousBackup: false\\.$')],
    ['daily retention longer than the lock maximum',
      () => ({ vaultLock: VaultLock.governance({ maxRetention: Duration.days(30) }), continuousBackup: false }),
      e("dailyRetention: 35 days is outside 7 to 30 days \\(7: the vault lock's minRetention.*; 30: the vault lock's maxRetention: a backup job asking for more fails\\)\\. Set dailyRetention between Duration\\.days\\(7\\) and Duration\\.days\\(30\\), or raise vaultLock maxRetention\\.$")],
    ['continuous retention above 35 days',
      () => ({ continuousBackupRetention: Duration.days(36) }),
      e('continuousBackupRetention: 36 days is outside 7 to 35 days .*Set continuousBackupRetention between Duration\\.days\\(7\\) and Duration\\.days\\(35\\)\\.$')],
    ['daily retention of zero with a 1-day lock: the AWS Backup minimum',
      () => ({ dailyRetention: Duration.days(0), vaultLock: VaultLock.governance({ minRetention: Duration.days(1) }) }),
      e('dailyRetention: 0 days is outside 1 to 36500 days \\(1: the AWS Backup minimum; 36500: the AWS Backup maximum\\)\\. Set dailyRetention between Duration\\.days\\(1\\) and Duration\\.days\\(36500\\)\\.$')],
    ['daily retention not in whole days',
      () => ({ dailyRetention: Duration.hours(200) }),
      e('dailyRetention: 8 days 8 hours is not a whole number of days\\. Set dailyRetention to Duration\\.days\\(n\\)\\.$')],
    ['rate schedule',
      () => ({ schedule: events.Schedule.rate(Duration.days(1)) }),
      e("schedule: 'rate\\(1 day\\)' is not a valid AWS Backup schedule: it is not a six-field cron.*Use events\\.Schedule\\.cron\\(")],
    ['five-field cron',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * * ?)') }),
      e("schedule: 'cron\\(0 5 \\* \\* \\?\\)' is not a valid AWS Backup schedule: it is not a six-field cron.*Use events\\.Schedule\\.cron\\(")],
    ['every-minute cron',
      () => ({ schedule: events.Schedule.expression('cron(* * * * ? *)') }),
      e("schedule: 'cron\\(\\* \\* \\* \\* \\? \\*\\)' .* the minutes field '\\*' must be a single minute.*Use events\\.Schedule\\.cron\\(")],
    ['every-15-minutes cron',
      () => ({ schedule: events.Schedule.expression('cron(0/15 * * * ? *)') }),
      e("schedule: 'cron\\(0/15 .*the minutes field '0/15' must be a single minute.*Use events\\.Schedule\\.cron\\(")],
    ['hour 24',
      () => ({ schedule: events.Schedule.expression('cron(0 24 * * ? *)') }),
      e("schedule: 'cron\\(0 24 .*the hours field '24' is not valid.*Use events\\.Schedule\\.cron\\(")],
    ['both day fields set',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * * MON *)') }),
      e("schedule: 'cron\\(0 5 \\* \\* MON \\*\\)' .*exactly one of day-of-month and day-of-week must be '\\?'.*Use events\\.Schedule\\.cron\\(")],
    ['neither day field set',
      () => ({ schedule: events.Schedule.expression('cron(0 5 ? * ? *)') }),
      e("schedule: 'cron\\(0 5 \\? \\* \\? \\*\\)' .*exactly one of day-of-month and day-of-week must be '\\?'")],
    ['bad month',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * 13 ? *)') }),
      e("schedule: 'cron\\(0 5 \\* 13 .*the month field '13' is not valid")],
    ['trailing junk after cron',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * * ? *) extra') }),
      e("schedule: 'cron\\(0 5 \\* \\* \\? \\*\\) extra' is not a valid AWS Backup schedule: it is not a six-field cron")],
    ['copy retention of zero',
      () => ({ copyTo: [{ vault: backup.BackupVault.fromBackupVaultArn(new Stack(), 'X', 'arn:aws:backup:us-east-1:333333333333:backup-vault:dr'), retention: Duration.days(0) }] }),
      e('copyTo\\[0\\]\\.retention: 0 days is below the AWS Backup minimum of 1 day\\. Set copyTo\\[0\\]\\.retention to Duration\\.days\\(1\\) or more')],
    ['copy retention in hours',
      () => ({ copyTo: [{ vault: backup.BackupVault.fromBackupVaultArn(new Stack(), 'X', 'arn:aws:backup:us-east-1:333333333333:backup-vault:dr'), retention: Duration.hours(1) }] }),
      e('copyTo\\[0\\]\\.retention: 1 hour is not a whole number of days\\. Set copyTo\\[0\\]\\.retention to Duration\\.days\\(n\\)\\.$')],
    ['air-gapped minimum below 7 days',
      () => ({ airGappedVault: true, airGappedVaultMinRetention: Duration.days(6) }),
      e('airGappedVaultMinRetention: 6 days is below the minimum of 7 days for a logically air-gapped vault\\. Set airGappedVaultMinRetention to Duration\\.days\\(7\\) or more\\.$')],
    ['air-gapped max below min',
      () => ({ airGappedVault: true, airGappedVaultMinRetention: Duration.days(30), airGappedVaultMaxRetention: Duration.days(20) }),
      e('airGappedVaultMaxRetention: 20 days is below airGappedVaultMinRetention 30 days\\. Set airGappedVaultMaxRetention to 30 days or more\\.$')],
    ['daily retention outside the air-gapped range',
      () => ({ airGappedVault: true, airGappedVaultMinRetention: Duration.days(60), airGappedVaultMaxRetention: Duration.days(90) }),
      e("dailyRetention: 35 days is outside the air-gapped vault's retention range 60 days to 90 days, so every copy into it would fail\\. Set dailyRetention inside that range")],
    ['nothing selected',
      () => ({ selectByTag: false }),
      e('selectByTag: false with no backupResources selects nothing to back up\\. Keep selectByTag true .* or list backupResources\\.$')],
    ['service principal as admin',
      () => ({ adminPrincipals: [new iam.ServicePrincipal('lambda.amazonaws.com')] }),
      e('adminPrincipals\\[0\\]: .*lambda\\.amazonaws\\.com.* is not an IAM role, user or account principal \\(principal keys: Service\\)\\. Pass an iam\\.IRole')],
    ['AnyPrincipal as admin',
      () => ({ adminPrincipals: [new iam.AnyPrincipal()] }),
      e("adminPrincipals\\[0\\]: '\\*' \\(AnyPrincipal\\) would exempt every principal from the vault protection\\. Pass the break-glass roles instead")],
    ['wildcard pattern as admin',
      () => ({ adminPrincipalArnPatterns: ['*'] }),
      e("adminPrincipalArnPatterns\\[0\\]: '\\*' is not accepted: it is not an IAM role, user or root ARN .*e\\.g\\. arn:aws:iam::123456789012:role/BreakGlass\\.$")],
    ['non-IAM ARN as admin',
      () => ({ adminPrincipalArnPatterns: ['arn:aws:s3:::bucket'] }),
      e("adminPrincipalArnPatterns\\[0\\]: 'arn:aws:s3:::bucket' is not accepted: .*e\\.g\\. arn:aws:iam::")],
    ['pattern with a prefix before arn',
      () => ({ adminPrincipalArnPatterns: ['xarn:aws:iam::111111111111:role/Admin'] }),
      e("adminPrincipalArnPatterns\\[0\\]: 'xarn:aws:iam::111111111111:role/Admin' is not accepted")],
    ['pattern that matches agent roles',
      () => ({ adminPrincipalArnPatterns: ['arn:aws:iam::111111111111:role/*'] }),
      e("adminPrincipalArnPatterns\\[0\\]: 'arn:aws:iam::111111111111:role/\\*' matches agent roles .*Name the break-glass roles precisely, e\\.g\\. arn:aws:iam::123456789012:role/BreakGlass\\.$")],
    ['invalid deployment pattern',
      () => ({ deploymentPrincipalArnPatterns: ['cdk-*'] }),
      e("deploymentPrincipalArnPatterns\\[0\\]: 'cdk-\\*' is not accepted: it is not an IAM role, user or root ARN .*e\\.g\\. arn:aws:iam::")],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    const stack = newStack();
    expect(() => new GuardrailBackup(stack, 'Backup', props())).toThrow(message);
    // Validated before super(): nothing half-created, not even the construct itself.
    expect(stack.node.tryFindChild('Backup')).toBeUndefined();
  });

  test('valid schedules pass', () => {
    for (const expr of ['cron(0 5 * * ? *)', 'cron(0 */4 * * ? *)', 'cron(15 1,13 ? * MON-FRI *)', 'cron(0 3 1 * ? *)', 'cron(0 5 L * ? *)', 'cron(0 5 ? * 6#1 2027)']) {
      expect(() => new GuardrailBackup(newStack(), 'Backup', { schedule: events.Schedule.expression(expr) })).not.toThrow();
    }
  });

  test('unresolved retention tokens are skipped; the concrete values are still checked', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;
    expect(() => new GuardrailBackup(stack, 'Ok', { dailyRetention: Duration.days(days) })).not.toThrow();
    expect(() => new GuardrailBackup(stack, 'Bad', {
      dailyRetention: Duration.days(days),
      continuousBackupRetention: Duration.days(40),
    })).toThrow(/^GuardrailBackup 'Stack\/Bad': continuousBackupRetention: 40 days is outside 7 to 35 days /);
  });
});
