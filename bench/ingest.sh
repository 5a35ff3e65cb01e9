#!/usr/bin/env bash
# The ingest benchmark, one command (see bench/README.md):
#
#   bench/ingest.sh            full run, results in bench/results/ingest-<UTC timestamp>.md and ingest-latest.md
#   bench/ingest.sh --smoke    a short run to check the harness (results in bench/results/smoke-latest.md, not committed)
#
# Builds the baseline and the load generator (Release), publishes the app (Release, ReadyToRun: as it ships); then, one
# target at a time on 127.0.0.1: starts it, waits for /health/ready, runs the open-loop steps, checks what it stored,
# stops it. Everything it starts is stopped on exit (trap); every phase has a time limit; traffic goes to 127.0.0.1
# only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
if [[ "${1:-}" == "--smoke" ]]; then MODE=smoke; elif [[ $# -gt 0 ]]; then echo "usage: bench/ingest.sh [--smoke]" >&2; exit 2; fi

if [[ $MODE == smoke ]]; then
  RATES=${RATES:-100,300}; STEP_SECONDS=${STEP_SECONDS:-3}; WARMUP_SECONDS=${WARMUP_SECONDS:-2}; WARMUP_RATE=${WARMUP_RATE:-100}
else
  RATES=${RATES:-250,500,1000,2000,4000}; STEP_SECONDS=${STEP_SECONDS:-15}; WARMUP_SECONDS=${WARMUP_SECONDS:-5}; WARMUP_RATE=${WARMUP_RATE:-250}
fi
PAUSE_SECONDS=${PAUSE_SECONDS:-2}
CONNECTIONS=${CONNECTIONS:-256}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-4096}
TIMEOUT_SECONDS=${TIMEOUT_SECONDS:-5}
SENDERS=${SENDERS:-5000}
DRAIN_TIMEOUT_SECONDS=${DRAIN_TIMEOUT_SECONDS:-1200}

NAME=ingest.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_setup ingest-bench

# The whole run is bounded: a watchdog ends it (and, through the trap, everything it started).
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

# The code measured is the code built now; name it before anything can change the tree.
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/Baseline bench/LoadGen 2>/dev/null || echo ' with uncommitted changes')"
step "Building the drivers (Release) and publishing the app (Release, ReadyToRun)"
for project in bench/Baseline bench/LoadGen; do
  timeout 900 dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly
done
publish_app
BASELINE_DLL=$ROOT/bench/Baseline/bin/Release/net10.0/Omnichannel.Flows.Bench.Baseline.dll
LOADGEN=$ROOT/bench/LoadGen/bin/Release/net10.0/Omnichannel.Flows.Bench.LoadGen.dll

APP_SECRET=$(random_hex 24)
PHONE_NUMBER_ID=109876543210
RUN_TAG=$(random_hex 4)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

step "Baseline: bare ASP.NET Core, HMAC check + one INSERT per request"
BASELINE_PORT=$(free_port 18310)
mkdir -p "$WORK/baseline"
( cd "$WORK/baseline" && exec env Baseline__AppSecret="$APP_SECRET" Baseline__Database="$WORK/baseline/baseline.db" \
    ASPNETCORE_ENVIRONMENT=Production dotnet "$BASELINE_DLL" --urls "http://127.0.0.1:$BASELINE_PORT" ) >"$WORK/baseline.log" 2>&1 &
BASELINE_PID=$!
PIDS+=("$BASELINE_PID")
wait_ready baseline "$BASELINE_PID" "$BASELINE_PORT" "$WORK/baseline.log"
load baseline "$BASELINE_PORT" "$BASELINE_PID"
stop "$BASELINE_PID"
timeout 120 dotnet "$LOADGEN" verify --kind baseline --run "$WORK/run-baseline.json" --db "$WORK/baseline/baseline.db" --out "$WORK/check-baseline.json"

step "Omnichannel.Flows: src/Omnichannel.Flows.Web (Release, Production, WhatsApp Live)"
OURS_PORT=$(free_port 18320)
start_app "$OURS_PORT" "$WORK/ours-data" "$WORK/ours.log" \
    Auth__Admin__Password="Bench-$(random_hex 8)-Pw1!" \
    Channels__WhatsApp__AppSecret="$APP_SECRET" \
    Channels__WhatsApp__VerifyToken="$(random_hex 12)" \
    Channels__WhatsApp__AccessToken="bench-access-token" \
    Channels__WhatsApp__PhoneNumberId="$PHONE_NUMBER_ID" \
    Channels__WhatsApp__GraphBaseUrl="http://127.0.0.1:9"
OURS_PID=$APP_PID
load ours "$OURS_PORT" "$OURS_PID"
timeout $(( DRAIN_TIMEOUT_SECONDS + 120 )) dotnet "$LOADGEN" verify --kind ours --run "$WORK/run-ours.json" \
  --db "$WORK/ours-data/omnichannel.db" --server-pid "$OURS_PID" --drain-timeout-seconds "$DRAIN_TIMEOUT_SECONDS" --out "$WORK/check-ours.json"
stop "$OURS_PID"
if grep -qE '^(fail|crit):' "$WORK/ours.log"; then
  echo "The app logged errors during the run (first ones):" >&2; grep -E -A3 '^(fail|crit):' "$WORK/ours.log" | head -n 20 >&2
fi

step "Results"
mkdir -p bench/results
command=$(report_command "bench/ingest.sh${1:+ $1}" RATES STEP_SECONDS WARMUP_SECONDS WARMUP_RATE PAUSE_SECONDS CONNECTIONS \
  MAX_IN_FLIGHT TIMEOUT_SECONDS SENDERS)
if [[ $MODE == smoke ]]; then out=bench/results/smoke-latest.md; else out=bench/results/ingest-$STAMP.md; fi
timeout 60 dotnet "$LOADGEN" report \
  --baseline-run "$WORK/run-baseline.json" --baseline-check "$WORK/check-baseline.json" \
  --ours-run "$WORK/run-ours.json" --ours-check "$WORK/check-ours.json" \
  --command "$command" --commit "$commit" --sdk "$(dotnet --version)" --out "$out"
if [[ $MODE == full ]]; then cp "$out" bench/results/ingest-latest.md; fi
echo
echo "Results written to $out"
