import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentIdentity } from '../../src/identity';
import { ProtectedBucket } from '../../src/protection';

function newStack() {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
}

const DENIED = [
  's3:DeleteBucket', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention',
  's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration',
  's3:PutBucketObjectLockConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketAcl', 's3:PutBucketOwnershipControls',
];

describe('ProtectedBucket', () => {
  test('defaults: versioning, Object Lock GOVERNANCE 30 days, BPA, TLS, RETAIN, noncurrent 90 days, tag', () => {
    const stack = newStack();
    const bucket = new ProtectedBucket(stack, 'Data');
    expect(bucket).toBeInstanceOf(s3.Bucket);
    expect(bucket.node.defaultChild!.node.id).toBe('Resource');
    expect(bucket.noncurrentVersionRetention.toDays()).toBe(90);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 30, Mode: 'GOVERNANCE' } } },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'guardrails-noncurrent-versions', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' })]) },
        Tags: Match.arrayWith([{ Key: AgentIdentity.BACKUP_TAG_KEY, Value: 'true' }]),
      }),
    });
  });

  test('bucket policy denies TLS-less access and the destructive/weakening actions to everyone but admins', () => {
    const stack = newStack();
    const admin = iam.Role.fromRoleArn(stack, 'Admin', 'arn:aws:iam::111111111111:role/BreakGlass');
    new ProtectedBucket(stack, 'Data', { adminPrincipals: [admin] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'GuardrailsDenyDestructiveAndWeakeningActions',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: DENIED,
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^Data'), 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Data'), 'Arn'] }, '/*']] },
            ],
            Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/BreakGlass'] } },
          },
        ]),
      },
    });
  });

  test('without admins the deny has no exception, and an info note says so', () => {
    const stack = newStack();
    new ProtectedBucket(stack, 'Data');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'GuardrailsDenyDestructiveAndWeakeningActions', Condition: Match.absent() })]),
      },
    });
    Annotations.fromStack(stack).hasInfo('/Stack/Data', Match.stringLikeRegexp('^ProtectedBucket has no adminPrincipals'));
  });

  test('COMPLIANCE with an explicit retention, and noncurrent retention raised to the lock retention', () => {
    const stack = newStack();
    new ProtectedBucket(stack, 'Data', { objectLockMode: s3.ObjectLockMode.COMPLIANCE, objectLockRetention: Duration.days(365) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 365, Mode: 'COMPLIANCE' } } },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } })]) },
    });
  });

  test('accepts the aws-cdk-lib objectLockDefaultRetention prop', () => {
    const stack = newStack();
    new ProtectedBucket(stack, 'Data', { objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(10)) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Days: 10, Mode: 'GOVERNANCE' } } },
    });
  });

  // Construct and path, the prop and value, then the fix.
  const e = (rest: string) => new RegExp(`^ProtectedBucket 'Stack/Data': ${rest}`);
  const refused = (choice: string) => e(`${choice}\\. ProtectedBucket refuses this setting: remove it to keep the default protection, `
    + 'or set allowUnprotected: true to accept the risk of losing this resource\\.$');
  test.each([
    ['retention below range', { objectLockRetention: Duration.days(0) },
      e('objectLockRetention: 0 days is outside the S3 range of 1 to 36500 days\\. Set objectLockRetention to Duration\\.days\\(n\\) with n in that range\\.$')],
    ['retention above range', { objectLockRetention: Duration.days(36501) },
      e('objectLockRetention: 36501 days is outside the S3 range of 1 to 36500 days\\. Set objectLockRetention to Duration\\.days\\(n\\)')],
    ['retention not whole days', { objectLockRetention: Duration.hours(36) },
      e('objectLockRetention: 1 day 12 hours is not a whole number of days\\. Set objectLockRetention to Duration\\.days\\(n\\) with n from 1 to 36500\\.$')],
    ['compliance without retention', { objectLockMode: s3.ObjectLockMode.COMPLIANCE },
      e('objectLockMode: COMPLIANCE was given without objectLockRetention\\. .*set objectLockRetention, e\\.g\\. Duration\\.days\\(30\\)\\.$')],
    ['Object Lock without versioning', { versioned: false },
      e('versioned: false is not possible with Object Lock, which needs versioning\\. Remove versioned: false')],
    ['lock settings with Object Lock off', { objectLockEnabled: false, allowUnprotected: true, objectLockRetention: Duration.days(5) },
      e('objectLockEnabled: false conflicts with objectLockMode / objectLockRetention / objectLockDefaultRetention\\. Remove one or the other\\.$')],
    ['both retention forms', { objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(5)), objectLockMode: s3.ObjectLockMode.GOVERNANCE },
      e('objectLockDefaultRetention conflicts with objectLockMode / objectLockRetention\\. Set either objectLockDefaultRetention or objectLockMode with objectLockRetention\\.$')],
    ['noncurrent shorter than lock', { objectLockRetention: Duration.days(120), noncurrentVersionRetention: Duration.days(100) },
      e('noncurrentVersionRetention: 100 days is shorter than the Object Lock retention of 120 days\\. Set noncurrentVersionRetention to Duration\\.days\\(120\\) or more\\.$')],
    ['user lifecycle shorter than lock', { lifecycleRules: [{ id: 'short', noncurrentVersionExpiration: Duration.days(7) }] },
      e('lifecycleRules\\[short\\]\\.noncurrentVersionExpiration: 7 days is shorter than the Object Lock retention of 30 days\\. Set lifecycleRules\\[short\\]\\.noncurrentVersionExpiration to Duration\\.days\\(30\\) or more\\.$')],
    ['removalPolicy DESTROY', { removalPolicy: RemovalPolicy.DESTROY }, refused('removalPolicy: destroy \\(CloudFormation deletes the bucket\\)')],
    ['autoDeleteObjects', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.RETAIN }, refused('autoDeleteObjects: true \\(a custom resource empties the bucket when it is removed\\)')],
    ['enforceSSL off', { enforceSSL: false }, refused('enforceSSL: false \\(requests without TLS are accepted\\)')],
    ['weaker BPA', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY }, refused('blockPublicAccess: weaker than BLOCK_ALL \\(the bucket can be made public\\)')],
    ['Object Lock off', { objectLockEnabled: false }, refused('objectLockEnabled: false \\(object versions can be deleted by anyone allowed s3:DeleteObjectVersion\\)')],
  ])('refuses %s', (_name, props, message) => {
    const stack = newStack();
    expect(() => new ProtectedBucket(stack, 'Data', props as never)).toThrow(message);
    expect(stack.node.tryFindChild('Data')).toBeUndefined();
  });

  test('refuses an admin principal without an IAM ARN', () => {
    const stack = newStack();
    expect(() => new ProtectedBucket(stack, 'Data', { adminPrincipals: [new iam.ServicePrincipal('s3.amazonaws.com')] }))
      .toThrow(/^ProtectedBucket 'Stack\/Data': adminPrincipals\[0\]: .*s3\.amazonaws\.com.* has no AWS ARN \(.*\)\. Pass an IAM role or user\.$/);
    expect(() => new ProtectedBucket(stack, 'Data2', { adminPrincipals: [new iam.AnyPrincipal()] }))
      .toThrow(/^ProtectedBucket 'Stack\/Data2': adminPrincipals\[0\]: '\*' is not an IAM ARN\. Pass an IAM role or user, e\.g\. iam\.Role\.fromRoleArn\(\.\.\.\)\.$/);
  });

  test('allowUnprotected keeps Object Lock off and versioning off, with warnings', () => {
    const stack = newStack();
    new ProtectedBucket(stack, 'Data', { objectLockEnabled: false, versioned: false, allowUnprotected: true });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: false,
      VersioningConfiguration: Match.absent(),
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Data', Match.stringLikeRegexp('^ProtectedBucket is NOT fully protected .*objectLockEnabled: false'));
  });
});
