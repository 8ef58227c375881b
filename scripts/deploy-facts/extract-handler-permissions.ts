/**
 * Writes test/fixtures/cfn-handler-permissions.json: the create/update/read/delete handler
 * permissions of the resource types of an ordinary CDK app, read from CloudFormation registry
 * resource schemas kept in public git repositories.
 *
 *   ts-node --transpile-only --project tsconfig.dev.json scripts/deploy-facts/extract-handler-permissions.ts \
 *     <git dir of pulumi/pulumi-aws-native> <git dir of cdklabs/awscdk-service-spec> [read date YYYY-MM-DD]
 *
 * The primary copy is pulumi/pulumi-aws-native `aws-cloudformation-schema/<type>.json` (that
 * repository's Makefile downloads the registry's CloudformationSchema.zip). Each file's SHA-256 is
 * compared with the Git LFS pointer of cdklabs/awscdk-service-spec
 * `sources/CloudFormationSchema/us-east-1/<type>.json` (the CDK team's own copy of the same
 * registry schemas): when they are equal both repositories hold the same bytes.
 * Only the permission lists (facts) are written; nothing else of the schemas is kept.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const APP_TYPES = [
  'AWS::Lambda::Function',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::Logs::LogGroup',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBSubnetGroup',
  'AWS::EC2::SecurityGroup',
  'AWS::SecretsManager::Secret',
  'AWS::SecretsManager::SecretTargetAttachment',
  'AWS::KMS::Key',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SubnetRouteTableAssociation',
];

const HANDLERS = ['create', 'update', 'read', 'delete'] as const;

function git(dir: string, ...args: string[]): Buffer {
  return execFileSync('git', ['--git-dir', dir, ...args], { maxBuffer: 64 * 1024 * 1024 });
}

function fileName(type: string): string {
  return `${type.toLowerCase().replace(/::/g, '-')}.json`;
}

function main(pulumiDir: string, cdkSpecDir: string, readOn: string): void {
  const pulumiHead = git(pulumiDir, 'rev-parse', 'HEAD').toString().trim();
  const cdkSpecHead = git(cdkSpecDir, 'rev-parse', 'HEAD').toString().trim();
  const types: Record<string, unknown> = {};
  for (const type of APP_TYPES) {
    const p = `aws-cloudformation-schema/${fileName(type)}`;
    const raw = git(pulumiDir, 'show', `${pulumiHead}:${p}`);
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const lastChanged = git(pulumiDir, 'log', '-1', '--format=%H %cs', pulumiHead, '--', p).toString().trim().split(' ');
    const cdkPath = `sources/CloudFormationSchema/us-east-1/${fileName(type)}`;
    const pointer = git(cdkSpecDir, 'show', `${cdkSpecHead}:${cdkPath}`).toString();
    const oid = /^oid sha256:([0-9a-f]{64})$/m.exec(pointer)?.[1];
    const schema = JSON.parse(raw.toString('utf8'));
    if (schema.typeName !== type) throw new Error(`${p}: typeName is ${schema.typeName}, expected ${type}`);
    const handlers: Record<string, string[] | null> = {};
    const absent: string[] = [];
    for (const h of HANDLERS) {
      const perms = schema.handlers?.[h]?.permissions;
      if (Array.isArray(perms)) {
        handlers[h] = perms;
      } else {
        handlers[h] = null;
        absent.push(h);
      }
    }
    types[type] = {
      source: {
        repository: 'pulumi/pulumi-aws-native',
        path: p,
        commit: pulumiHead,
        lastChangedInCommit: lastChanged[0],
        lastChangedOn: lastChanged[1],
        sha256,
      },
      crossCheck: {
        repository: 'cdklabs/awscdk-service-spec',
        path: cdkPath,
        commit: cdkSpecHead,
        gitLfsOid: oid ?? null,
        identical: oid === sha256,
      },
      ...(absent.length ? { handlersAbsentFromSchema: absent } : {}),
      handlers,
    };
  }
  const out = {
    note: [
      'Handler permissions (create, update, read, delete) of the CloudFormation resource types an ordinary CDK app deploys, copied exactly (same order) from the `handlers.<h>.permissions` arrays of the CloudFormation registry resource schemas (us-east-1 copies).',
      `Read on ${readOn} from git snapshots: primary copy pulumi/pulumi-aws-native at ${pulumiHead} (its Makefile's discovery step downloads https://schema.cloudformation.us-east-1.amazonaws.com/CloudformationSchema.zip), cross-checked byte for byte against the Git LFS pointer (sha256) of cdklabs/awscdk-service-spec at ${cdkSpecHead}.`,
      'The aws-cloudformation/aws-cloudformation-resource-providers-{s3,lambda,iam,sqs,ec2,secretsmanager} repositories could not be fetched here; the -logs repository\'s aws-logs-loggroup.json (last changed 2022-02-28) is older than the registry schema and lists fewer permissions, so the registry copies are used for every type. The -rds (aws-rds-dbinstance, aws-rds-dbsubnetgroup) and -kms (key/aws-kms-key.json) repositories list the same create/update/read/delete permissions as the registry copies.',
      'A handler missing from a schema is null and named in handlersAbsentFromSchema (CloudFormation then has no such handler for the type, e.g. no update handler when every property is create-only).',
      'Entries are the schema\'s strings: some are not IAM actions (e.g. "s3:REST.PUT.OBJECT"); they are kept as written.',
      'Regenerate: scripts/deploy-facts/extract-handler-permissions.ts <pulumi-aws-native git dir> <awscdk-service-spec git dir> <date>.',
    ],
    readOn,
    types,
  };
  const target = path.join(__dirname, '..', '..', 'test', 'fixtures', 'cfn-handler-permissions.json');
  fs.writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${target}: ${APP_TYPES.length} types`);
}

if (require.main === module) {
  const [pulumiDir, cdkSpecDir, readOn] = process.argv.slice(2);
  if (!pulumiDir || !cdkSpecDir) {
    console.error('usage: extract-handler-permissions.ts <pulumi-aws-native git dir> <awscdk-service-spec git dir> [YYYY-MM-DD]');
    process.exit(2);
  }
  main(pulumiDir, cdkSpecDir, readOn ?? new Date().toISOString().slice(0, 10));
}
