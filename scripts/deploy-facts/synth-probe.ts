/**
 * Measures what DefaultStackSynthesizer (the installed aws-cdk-lib) writes into a cloud
 * assembly: role ARNs, bucket and repository names, the version SSM parameter, the minimum
 * bootstrap versions it requires (deploy, lookup, assets), and the BootstrapVersion
 * parameter/rule it adds to the template. Synthesizes in a temporary directory; no AWS calls.
 *
 *   ts-node --transpile-only --project tsconfig.dev.json scripts/deploy-facts/synth-probe.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnWaitConditionHandle, DefaultStackSynthesizer, DefaultStackSynthesizerProps, Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as s3Assets from 'aws-cdk-lib/aws-s3-assets';

const PATH_ROLE = (name: string) => `arn:aws:iam::111111111111:role/guardrails-agent/${name}`;

const CASES: Record<string, { env?: { account: string; region: string }; props: DefaultStackSynthesizerProps }> = {
  'default-qualifier-env-agnostic': { props: {} },
  'qualifier-testq-env-111111111111-us-east-1': { env: { account: '111111111111', region: 'us-east-1' }, props: { qualifier: 'testq' } },
  'roles-with-iam-path': {
    env: { account: '111111111111', region: 'us-east-1' },
    props: {
      qualifier: 'testq',
      deployRoleArn: PATH_ROLE('cdk-agent-deploy-role-${AWS::AccountId}-${AWS::Region}'),
      cloudFormationExecutionRole: PATH_ROLE('cdk-agent-cfn-exec-role-${AWS::AccountId}-${AWS::Region}'),
      fileAssetPublishingRoleArn: PATH_ROLE('cdk-agent-file-publishing-role-${AWS::AccountId}-${AWS::Region}'),
      imageAssetPublishingRoleArn: PATH_ROLE('cdk-agent-image-publishing-role-${AWS::AccountId}-${AWS::Region}'),
      lookupRoleArn: PATH_ROLE('cdk-agent-lookup-role-${AWS::AccountId}-${AWS::Region}'),
      fileAssetsBucketName: 'agent-${Qualifier}-assets-${AWS::AccountId}-${AWS::Region}',
      imageAssetsRepositoryName: 'agent-${Qualifier}-images',
      bootstrapStackVersionSsmParameter: '/agent-bootstrap/${Qualifier}/version',
    },
  },
  'session-tags-on-every-role': {
    env: { account: '111111111111', region: 'us-east-1' },
    props: {
      deployRoleAdditionalOptions: { Tags: [{ Key: 'k', Value: 'v' }] },
      lookupRoleAdditionalOptions: { Tags: [{ Key: 'k', Value: 'v' }] },
      fileAssetPublishingRoleAdditionalOptions: { Tags: [{ Key: 'k', Value: 'v' }] },
    },
  },
};

function main(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-probe-'));
  const dockerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-probe-docker-'));
  fs.writeFileSync(path.join(dockerDir, 'Dockerfile'), 'FROM scratch\n');
  try {
    const app = new App({ outdir });
    const ids: Record<string, string> = {};
    let n = 0;
    for (const [name, c] of Object.entries(CASES)) {
      const id = `Probe${n++}`;
      ids[id] = name;
      const stack = new Stack(app, id, { env: c.env, synthesizer: new DefaultStackSynthesizer(c.props) });
      new CfnWaitConditionHandle(stack, 'Placeholder');
      new s3Assets.Asset(stack, 'File', { path: __filename });
      new ecrAssets.DockerImageAsset(stack, 'Image', { directory: dockerDir });
    }
    const assembly = app.synth();
    console.log(`aws-cdk-lib ${JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version}`);
    for (const stack of assembly.stacks) {
      const m = assembly.manifest.artifacts![stack.id];
      const props = m.properties as Record<string, any>;
      const assets = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.id}.assets.json`), 'utf8'));
      const assetArtifact = assembly.manifest.artifacts![`${stack.id}.assets`].properties as Record<string, any>;
      const fileDest = Object.values(Object.values(assets.files as Record<string, any>)[0].destinations)[0] as Record<string, any>;
      const imageDest = Object.values(Object.values(assets.dockerImages as Record<string, any>)[0].destinations)[0] as Record<string, any>;
      const param = stack.template.Parameters?.BootstrapVersion;
      const assertion = stack.template.Rules?.CheckBootstrapVersion?.Assertions?.[0];
      const lines = [
        `${ids[stack.id]} (${m.environment})`,
        `  deploy role (stack assumeRoleArn):        ${props.assumeRoleArn}`,
        `  cfn-exec role:                            ${props.cloudFormationExecutionRoleArn}`,
        `  file publishing role / bucket:            ${fileDest.assumeRoleArn} / ${fileDest.bucketName}`,
        `  image publishing role / repository:       ${imageDest.assumeRoleArn} / ${imageDest.repositoryName}`,
        `  lookup role:                              ${props.lookupRole?.arn}`,
        `  version SSM parameter:                    ${props.bootstrapStackVersionSsmParameter}`,
        `  requiresBootstrapStackVersion deploy/assets/lookup: ${props.requiresBootstrapStackVersion}/${assetArtifact.requiresBootstrapStackVersion}/${props.lookupRole?.requiresBootstrapStackVersion}`,
        `  template Parameters.BootstrapVersion:     ${param?.Type}, Default ${param?.Default}`,
        `  template Rules.CheckBootstrapVersion:     not in ${JSON.stringify(assertion?.Assert?.['Fn::Not']?.[0]?.['Fn::Contains']?.[0])}: "${assertion?.AssertDescription}"`,
      ];
      console.log(lines.join('\n'));
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(dockerDir, { recursive: true, force: true });
  }
}

main();
