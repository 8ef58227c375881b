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

  test.each([
    ['retention below range', { objectLockRetention: Duration.days(0) }, /objectLockRetention: 0 days is outside the S3 range of 1 to 36500 days/],
    ['retention above range', { objectLockRetention: Duration.days(36501) }, /objectLockRetention: 36501 days is outside the S3 range of 1 to 36500 days/],
    ['retention not whole days', { objectLockRetention: Duration.hours(36) }, /objectLockRetention: 1 day 12 hours is not a whole number of days/],
    ['compliance without retention', { objectLockMode: s3.ObjectLockMode.COMPLIANCE }, /objectLockMode: COMPLIANCE was given without objectLockRetention/],
    ['Object Lock without versioning', { versioned: false }, /versioned: false is not possible with Object Lock, which needs versioning/],
    ['lock settings with Object Lock off', { objectLockEnabled: false, allowUnprotected: true, objectLockRetention: Duration.days(5) }, /objectLockEnabled: false conflicts with objectLockMode/],
    ['both retention forms', { objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(5)), objectLockMode: s3.ObjectLockMode.GOVERNANCE }, /objectLockDefaultRetention conflicts with objectLockMode/],
    ['noncurrent shorter than lock', { objectLockRetention: Duration.days(120), noncurrentVersionRetention: Duration.days(100) }, /noncurrentVersionRetention: 100 days is shorter than the Object Lock retention of 120 days/],
    ['user lifecycle shorter than lock', { lifecycleRules: [{ id: 'short', noncurrentVersionExpiration: Duration.days(7) }] }, /lifecycleRules\[short\]\.noncurrentVersionExpiration: 7 days is shorter than the Object Lock retention of 30 days/],
    ['removalPolicy DESTROY', { removalPolicy: RemovalPolicy.DESTROY }, /ProtectedBucket refuses unprotected settings: removalPolicy: destroy/],
    ['autoDeleteObjects', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.RETAIN }, /autoDeleteObjects: true/],
    ['enforceSSL off', { enforceSSL: false }, /enforceSSL: false/],
    ['weaker BPA', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY }, /blockPublicAccess weaker than BLOCK_ALL/],
    ['Object Lock off', { objectLockEnabled: false }, /objectLockEnabled: false/],
  ])('refuses %s', (_name, props, message) => {
    const stack = newStack();
    expect(() => new ProtectedBucket(stack, 'Data', props as never)).toThrow(message);
    expect(stack.node.tryFindChild('Data')).toBeUndefined();
  });

  test('refuses an admin principal without an IAM ARN', () => {
    const stack = newStack();
    expect(() => new ProtectedBucket(stack, 'Data', { adminPrincipals: [new iam.ServicePrincipal('s3.amazonaws.com')] }))
      .toThrow(/adminPrincipals\[0\]: .* has no AWS ARN/);
    expect(() => new ProtectedBucket(stack, 'Data2', { adminPrincipals: [new iam.AnyPrincipal()] }))
      .toThrow(/adminPrincipals\[0\]: '\*' is not an IAM ARN/);
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
