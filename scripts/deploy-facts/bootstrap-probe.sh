#!/usr/bin/env bash
# Measures the CDK CLI's bootstrap contract against moto (no AWS account involved).
#
#   bash scripts/deploy-facts/bootstrap-probe.sh [OUTDIR]
#
# Run from the repository root after `npm ci`. Needs moto_server (machine image) and the AWS CLI
# (v1, machine image) to read results back. Starts moto on 127.0.0.1:$PROBE_PORT (default 5077),
# stops it (by its PID) on exit. Every CDK command runs with -vvv, which logs each AWS SDK call
# with its request; scripts/deploy-facts/sdk-calls.ts extracts them. Output: OUTDIR/*.log,
# OUTDIR/*.calls.txt and OUTDIR/*.json, and a summary on stdout.
#
# Steps
#  A  cdk bootstrap --template <copy of the CLI's bundled template> --qualifier testq
#     --toolkit-stack-name TestToolkit aws://123456789012/us-east-1
#  B  cdk deploy of a one-queue app (qualifier testq, no termination protection) WITHOUT
#     --toolkit-stack-name: which stack does the CLI look up, how does it check the version
#  C  the same app with terminationProtection: true (does the CLI call UpdateTerminationProtection,
#     and what happens when that call fails?)
#  D  cdk bootstrap without --toolkit-stack-name (qualifier testd): which stack name
#  E  D again with a template whose BootstrapVariant default differs
#  F  a minimal custom template that declares only Qualifier and BootstrapVariant: which
#     parameters does the CLI pass that the template does not declare, and what happens
#  G  the app with role ARNs carrying the IAM path /guardrails-agent/ (roles created in moto IAM first)
#  H  B's app deployed again with --force (an update of an existing stack): which calls does the
#     CLI make on an existing stack (change-set clean-up)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=${PROBE_PORT:-5077}
OUT=${1:-$(mktemp -d /tmp/bootstrap-probe.XXXXXX)}
mkdir -p "$OUT"
CDK="$ROOT/node_modules/.bin/cdk"
TSNODE="$ROOT/node_modules/.bin/ts-node --transpile-only --project $ROOT/tsconfig.dev.json"
TEMPLATE_SRC="$ROOT/node_modules/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export CDK_DISABLE_CLI_TELEMETRY=true
# The CDK CLI needs localhost, not 127.0.0.1 (moto would read the template URL's host as a bucket).
ENDPOINT="http://localhost:$PORT"

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "port $PORT is in use; set PROBE_PORT" >&2
  exit 2
fi

moto_server -H 127.0.0.1 -p "$PORT" > "$OUT/moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null' EXIT
for _ in $(seq 1 60); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/moto-api/" && break
  sleep 1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/moto-api/" || { echo "moto did not start" >&2; exit 1; }

aws_() { aws --endpoint-url "$ENDPOINT" "$@"; }
cdk_() { # cdk_ NAME args...: runs the CLI with -vvv, keeps the log and the SDK calls
  local name=$1; shift
  (cd "$OUT" && AWS_ENDPOINT_URL="$ENDPOINT" timeout "${CDK_TIMEOUT:-300}" "$CDK" "$@" -vvv > "$OUT/$name.log" 2>&1)
  local rc=$?
  echo "$rc" > "$OUT/$name.rc"
  echo "${CDK_TIMEOUT:-300}" > "$OUT/$name.timeout"
  $TSNODE "$ROOT/scripts/deploy-facts/sdk-calls.ts" "$OUT/$name.log" > "$OUT/$name.calls.txt"
  return 0
}
APP="$TSNODE $ROOT/scripts/deploy-facts/probe-app.ts"
describe() { aws_ cloudformation describe-stacks --stack-name "$1" --output json > "$OUT/$2.json" 2>&1; }
show() { # show NAME TITLE
  echo "### $2"
  local rc; rc=$(cat "$OUT/$1.rc")
  echo "exit code: $rc$([ "$rc" = 124 ] && echo " (stopped by timeout after $(cat "$OUT/$1.timeout") s)")"
  grep -E "Toolkit stack:|Not overwriting|❌|✅|Error determining|Updating termination|XML parse error|does not have an output|bootstrap stack version" "$OUT/$1.log" \
    | grep -v "\[SDK" | sed -E 's/^\[[0-9:]+\] //' | sort -u | head -8
  echo "SDK calls:"
  sed -E 's/"TemplateURL":"[^"]*"/"TemplateURL":"..."/' "$OUT/$1.calls.txt"
  echo
}

cp "$TEMPLATE_SRC" "$OUT/bundled-template.yaml"
sha256sum "$TEMPLATE_SRC" > "$OUT/bundled-template.sha256"
echo "aws-cdk CLI: $("$CDK" --version 2>/dev/null)"
echo "bundled template: $(cut -d' ' -f1 "$OUT/bundled-template.sha256")"
echo

# A
cdk_ A-bootstrap bootstrap --template bundled-template.yaml --qualifier testq --toolkit-stack-name TestToolkit aws://123456789012/us-east-1
describe TestToolkit A-describe
aws_ ssm get-parameter --name /cdk-bootstrap/testq/version --output json > "$OUT/A-ssm.json" 2>&1
show A-bootstrap "A: cdk bootstrap --template <bundled copy> --qualifier testq --toolkit-stack-name TestToolkit"
echo "DescribeStacks TestToolkit (moto): parameters, outputs, termination protection"
node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).Stacks[0];
for (const p of s.Parameters) console.log(`  ${p.ParameterKey} = ${JSON.stringify(p.ParameterValue)}`);
console.log(`  Outputs: ${JSON.stringify(s.Outputs ?? null)}`);
console.log(`  EnableTerminationProtection: ${s.EnableTerminationProtection}`);
' "$OUT/A-describe.json"
echo "SSM /cdk-bootstrap/testq/version = $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).Parameter.Value)' "$OUT/A-ssm.json")"
echo

# B
PROBE_QUALIFIER=testq PROBE_STACK=ProbeApp cdk_ B-deploy deploy --app "$APP" --output "$OUT/cdk.out.B" --require-approval never ProbeApp
show B-deploy "B: cdk deploy (qualifier testq, termination protection off), no --toolkit-stack-name"

# C
PROBE_QUALIFIER=testq PROBE_STACK=ProbeAppTP PROBE_TERMINATION=true cdk_ C-deploy-tp deploy --app "$APP" --output "$OUT/cdk.out.C" --require-approval never ProbeAppTP
show C-deploy-tp "C: cdk deploy of a stack with terminationProtection: true"
describe ProbeAppTP C-describe
echo "ProbeAppTP afterwards (moto): $(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).Stacks[0]; console.log(s.StackStatus, "EnableTerminationProtection=" + s.EnableTerminationProtection)' "$OUT/C-describe.json")"
echo

# D
cdk_ D-bootstrap-default-name bootstrap --template bundled-template.yaml --qualifier testd aws://123456789012/us-east-1
show D-bootstrap-default-name "D: cdk bootstrap --template <bundled copy> --qualifier testd (no --toolkit-stack-name)"

# E
sed "s/Default: 'AWS CDK: Default Resources'/Default: 'Guardrails: guarded deploys (probe)'/" "$OUT/bundled-template.yaml" > "$OUT/variant-template.yaml"
grep -q "Guardrails: guarded deploys (probe)" "$OUT/variant-template.yaml" || { echo "variant edit failed" >&2; exit 1; }
cdk_ E-bootstrap-other-variant bootstrap --template variant-template.yaml --qualifier testd aws://123456789012/us-east-1
show E-bootstrap-other-variant "E: as D, template BootstrapVariant default changed, same CDKToolkit stack"

# F
cat > "$OUT/minimal-template.yaml" <<'YAML'
Description: Probe template that declares only Qualifier and BootstrapVariant
Parameters:
  Qualifier:
    Type: String
    Default: hnb659fds
  BootstrapVariant:
    Type: String
    Default: 'Guardrails: minimal probe'
Resources:
  CdkBootstrapVersion:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Name:
        Fn::Sub: '/cdk-bootstrap/${Qualifier}/version'
      Value: '33'
Outputs:
  BootstrapVersion:
    Value: '33'
YAML
cdk_ F-bootstrap-minimal bootstrap --template minimal-template.yaml --qualifier testm --toolkit-stack-name MinimalToolkit aws://123456789012/us-east-1
describe MinimalToolkit F-describe
show F-bootstrap-minimal "F: cdk bootstrap --template <template declaring only Qualifier, BootstrapVariant> --qualifier testm --toolkit-stack-name MinimalToolkit"
echo "DescribeStacks MinimalToolkit (moto): $(node -e '
try { const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).Stacks[0];
  console.log(s.StackStatus, JSON.stringify(s.Parameters)); } catch (e) { console.log("not readable:", require("fs").readFileSync(process.argv[1], "utf8").trim()); }
' "$OUT/F-describe.json")"
echo

# G
for kind in deploy cfn-exec file-publishing image-publishing lookup; do
  aws_ iam create-role --path /guardrails-agent/ --role-name "cdk-agent-$kind-role-123456789012-us-east-1" \
    --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}' > /dev/null
done
PROBE_QUALIFIER=testq PROBE_STACK=ProbeAppPath PROBE_PATH_ROLES=true cdk_ G-deploy-path-roles deploy --app "$APP" --output "$OUT/cdk.out.G" --require-approval never ProbeAppPath
show G-deploy-path-roles "G: cdk deploy with role ARNs under the IAM path /guardrails-agent/ (qualifier testq)"

# H
# moto keeps answering DescribeChangeSet for a deleted change set, and the CLI waits for it to be
# gone with no time limit, so this step is stopped after 90 s.
PROBE_QUALIFIER=testq PROBE_STACK=ProbeApp CDK_TIMEOUT=90 cdk_ H-redeploy deploy --app "$APP" --output "$OUT/cdk.out.H" --require-approval never --force ProbeApp
show H-redeploy "H: cdk deploy --force of ProbeApp again (existing stack, no template change)" | uniq -c | sed -E 's/^ +1 //' 

echo "logs: $OUT"
