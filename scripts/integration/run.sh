#!/usr/bin/env bash
# Integration tier: starts a local AWS emulator (moto_server) on a free loopback port, runs
# test/integration/**/*.integ.ts against it with real AWS SDK v3 clients and the real CDK CLI,
# and always stops the emulator by its PID. No AWS account is used or needed.
#
#   npm run test:integration                       # everything
#   npm run test:integration -- -t 'kill switch'   # extra arguments go to jest
#
# Environment: MOTO_READY_TIMEOUT (seconds to wait for the emulator, default 60).
# See docs/integration-tests.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
START=$SECONDS

fail() { echo "test:integration: $*" >&2; exit 1; }

# Never skip: a missing emulator is a failure, not a pass.
command -v moto_server >/dev/null 2>&1 \
  || fail "moto_server not found on PATH. The integration tier needs moto 5.x with its server extra (pip install 'moto[server]'); see docs/integration-tests.md."
[ -f assets/monitoring/kill-switch.lambda/index.js ] \
  || fail "assets/monitoring/kill-switch.lambda/index.js is missing: run 'npx projen bundle' (npm run test:integration does it)."

# A free loopback port, chosen by the kernel.
PORT="${MOTO_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")}"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/moto-integ.XXXXXX")"
LOG="$LOG_DIR/moto_server.log"

MOTO_PID=""
stop_moto() {
  local rc=$?
  if [ -n "$MOTO_PID" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill -TERM "$MOTO_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$MOTO_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "test:integration: moto_server (pid $MOTO_PID) still running 10 s after SIGTERM; sending SIGKILL" >&2
      kill -KILL "$MOTO_PID" 2>/dev/null || true
    fi
    wait "$MOTO_PID" 2>/dev/null || true
    echo "== moto_server (pid $MOTO_PID) stopped"
  fi
  if [ "$rc" -ne 0 ] && [ -s "$LOG" ]; then
    echo "== last lines of the moto_server log (kept: $LOG):" >&2
    tail -n 20 "$LOG" >&2 || true
  else
    rm -rf "$LOG_DIR"
  fi
  echo "== test:integration finished in $(( SECONDS - START ))s (exit $rc)"
}
trap stop_moto EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== starting moto_server on 127.0.0.1:$PORT (log: $LOG)"
# The process started here is the server itself (the pyenv shim execs), so $! is its PID.
moto_server -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO_PID=$!

TIMEOUT="${MOTO_READY_TIMEOUT:-60}"
DEADLINE=$(( SECONDS + TIMEOUT ))
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/moto-api/" 2>/dev/null; do
  kill -0 "$MOTO_PID" 2>/dev/null \
    || fail "moto_server exited before it answered on port $PORT (see the log below)."
  [ "$SECONDS" -lt "$DEADLINE" ] \
    || fail "moto_server did not answer GET http://127.0.0.1:$PORT/moto-api/ within ${TIMEOUT}s (MOTO_READY_TIMEOUT)."
  sleep 0.5
done
echo "== moto_server ready (pid $MOTO_PID) after $(( SECONDS - START ))s"

# Real SDK and CLI calls, all to the emulator. The CDK CLI needs 'localhost', not 127.0.0.1
# (moto would read the S3 host as a bucket name), so every client uses it.
export AWS_ENDPOINT_URL="http://localhost:$PORT"
export MOTO_URL="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE="$LOG_DIR/no-credentials"
export AWS_CONFIG_FILE="$LOG_DIR/no-config"
export CDK_DISABLE_VERSION_CHECK=1

# The files share one emulator and reset it, so they run one after the other.
npx jest --config test/integration/jest.config.js --ci --runInBand "$@"
