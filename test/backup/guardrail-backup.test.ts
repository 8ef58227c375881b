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
  const cases: Array<[string, () => GuardrailBackupProps, RegExp]> = [
    ['compliance without minRetention',
      () => ({ vaultLock: VaultLock.compliance({ changeableFor: Duration.days(3) }) }),
      /^vaultLock: VaultLock\.compliance\(\) without minRetention.*Set minRetention/],
    ['ChangeableForDays below 3',
      () => ({ vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(2) }) }),
      /^vaultLock\.changeableFor: 2 days is below the minimum of 3 days.*Set changeableFor to Duration\.days\(3\) or more/],
    ['ChangeableForDays in hours below 72',
      () => ({ vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.hours(71) }) }),
      /^vaultLock\.changeableFor: 2 days 23 hours is below the minimum of 3 days/],
    ['lock max below min',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(30), maxRetention: Duration.days(10) }) }),
      /^vaultLock\.maxRetention: 10 days is not greater than minRetention 30 days/],
    ['lock max equal to min',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(30), maxRetention: Duration.days(30) }) }),
      /^vaultLock\.maxRetention: 30 days is not greater than minRetention 30 days/],
    ['lock min below one day',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.hours(12) }) }),
      /^vaultLock\.minRetention: 12 hours is below the minimum of 1 day/],
    ['lock max above 36500 days',
      () => ({ vaultLock: VaultLock.governance({ maxRetention: Duration.days(36501) }) }),
      /^vaultLock\.maxRetention: 36501 days is above the maximum of 36500 days/],
    ['daily retention shorter than the lock minimum',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(60) }), dailyRetention: Duration.days(35), continuousBackup: false }),
      /^dailyRetention: 35 days is shorter than the vault lock minRetention of 60 days.*Set dailyRetention to 60 days or more/],
    ['continuous retention shorter than the lock minimum',
      () => ({ vaultLock: VaultLock.governance({ minRetention: Duration.days(14) }), continuousBackupRetention: Duration.days(10) }),
      /^continuousBackupRetention: 10 days is shorter than the vault lock minRetention of 14 days/],
    ['lock minimum above 35 days with continuous backup on',
      () => ({
        vaultLock: VaultLock.compliance({ minRetention: Duration.days(90), changeableFor: Duration.days(3) }),
        dailyRetention: Duration.days(90),
      }),
      /^continuousBackupRetention: 35 days is shorter than the vault lock minRetention of 90 days/],
    ['daily retention longer than the lock maximum',
      () => ({ vaultLock: VaultLock.governance({ maxRetention: Duration.days(30) }), continuousBackup: false }),
      /^dailyRetention: 35 days is longer than the vault lock maxRetention of 30 days/],
    ['continuous retention above 35 days',
      () => ({ continuousBackupRetention: Duration.days(36) }),
      /^continuousBackupRetention: 36 days is outside 1 to 35 days/],
    ['daily retention of zero',
      () => ({ dailyRetention: Duration.days(0), vaultLock: VaultLock.governance({ minRetention: Duration.days(1) }) }),
      /^dailyRetention: 0 days is outside 1 to 36500 days/],
    ['rate schedule',
      () => ({ schedule: events.Schedule.rate(Duration.days(1)) }),
      /^schedule: 'rate\(1 day\)' is not a valid AWS Backup schedule: it is not a six-field cron/],
    ['five-field cron',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * * ?)') }),
      /^schedule: 'cron\(0 5 \* \* \?\)' is not a valid AWS Backup schedule: it is not a six-field cron/],
    ['every-minute cron',
      () => ({ schedule: events.Schedule.expression('cron(* * * * ? *)') }),
      /^schedule: .* the minutes field '\*' must be a single minute/],
    ['every-15-minutes cron',
      () => ({ schedule: events.Schedule.expression('cron(0/15 * * * ? *)') }),
      /the minutes field '0\/15' must be a single minute/],
    ['hour 24',
      () => ({ schedule: events.Schedule.expression('cron(0 24 * * ? *)') }),
      /the hours field '24' is not valid/],
    ['both day fields set',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * * MON *)') }),
      /exactly one of day-of-month and day-of-week must be '\?'/],
    ['neither day field set',
      () => ({ schedule: events.Schedule.expression('cron(0 5 ? * ? *)') }),
      /exactly one of day-of-month and day-of-week must be '\?'/],
    ['bad month',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * 13 ? *)') }),
      /the month field '13' is not valid/],
    ['trailing junk after cron',
      () => ({ schedule: events.Schedule.expression('cron(0 5 * * ? *) extra') }),
      /not a six-field cron/],
    ['copy retention of zero',
      () => ({ copyTo: [{ vault: backup.BackupVault.fromBackupVaultArn(new Stack(), 'X', 'arn:aws:backup:us-east-1:333333333333:backup-vault:dr'), retention: Duration.hours(1) }] }),
      /^copyTo\[0\]\.retention: 1 hour is below the minimum of 1 day/],
    ['air-gapped minimum below 7 days',
      () => ({ airGappedVault: true, airGappedVaultMinRetention: Duration.days(6) }),
      /^airGappedVaultMinRetention: 6 days is below the minimum of 7 days/],
    ['air-gapped max below min',
      () => ({ airGappedVault: true, airGappedVaultMinRetention: Duration.days(30), airGappedVaultMaxRetention: Duration.days(20) }),
      /^airGappedVaultMaxRetention: 20 days is below airGappedVaultMinRetention 30 days/],
    ['daily retention outside the air-gapped range',
      () => ({ airGappedVault: true, airGappedVaultMinRetention: Duration.days(60), airGappedVaultMaxRetention: Duration.days(90) }),
      /^dailyRetention: 35 days is outside the air-gapped vault's retention range 60 days to 90 days/],
    ['nothing selected',
      () => ({ selectByTag: false }),
      /^selectByTag: false with no backupResources selects nothing/],
    ['service principal as admin',
      () => ({ adminPrincipals: [new iam.ServicePrincipal('lambda.amazonaws.com')] }),
      /^adminPrincipals\[0\]: .* is not an IAM role, user or account principal/],
    ['AnyPrincipal as admin',
      () => ({ adminPrincipals: [new iam.AnyPrincipal()] }),
      /^adminPrincipals\[0\]: '\*' \(AnyPrincipal\) would exempt every principal/],
    ['wildcard pattern as admin',
      () => ({ adminPrincipalArnPatterns: ['*'] }),
      /^adminPrincipalArnPatterns\[0\]: '\*' is not accepted: it is not an IAM role, user or root ARN/],
    ['non-IAM ARN as admin',
      () => ({ adminPrincipalArnPatterns: ['arn:aws:s3:::bucket'] }),
      /^adminPrincipalArnPatterns\[0\]: 'arn:aws:s3:::bucket' is not accepted/],
    ['pattern with a prefix before arn',
      () => ({ adminPrincipalArnPatterns: ['xarn:aws:iam::111111111111:role/Admin'] }),
      /^adminPrincipalArnPatterns\[0\]: 'xarn:aws:iam::111111111111:role\/Admin' is not accepted/],
    ['pattern that matches agent roles',
      () => ({ adminPrincipalArnPatterns: ['arn:aws:iam::111111111111:role/*'] }),
      /^adminPrincipalArnPatterns\[0\]: 'arn:aws:iam::111111111111:role\/\*' matches agent roles/],
    ['invalid deployment pattern',
      () => ({ deploymentPrincipalArnPatterns: ['cdk-*'] }),
      /^deploymentPrincipalArnPatterns\[0\]: 'cdk-\*' is not accepted/],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    const stack = newStack();
    expect(() => new GuardrailBackup(stack, 'Backup', props())).toThrow(message);
    // Nothing half-created.
    expect(stack.node.tryFindChild('Backup')?.node.children ?? []).toHaveLength(0);
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
    })).toThrow(/^continuousBackupRetention: 40 days is outside 1 to 35 days/);
  });
});
