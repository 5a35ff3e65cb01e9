#!/usr/bin/env bash
# The pending-timers benchmark, one command (see bench/README.md):
#
#   bench/flow-timers.sh           full run: 1,000,000 waiting runs, 3 x 10,000 due at one instant each;
#                                  results in bench/results/flow-timers-<UTC>.md and flow-timers-latest.md
#   bench/flow-timers.sh --smoke   20,000 waiting runs, 3 x 2,000 due, to check the harness (flow-timers-smoke-latest.md, not committed)
#
# Builds the driver (Release) and publishes the app (Release, ReadyToRun: as it ships). Starts a counter on 127.0.0.1 (the side effect: the flow's HTTP step POSTs to
# it with the step's idempotency key). Starts the app on a fresh data folder, imports and publishes the bench flow
# (manual trigger → wait → HTTP request → end) and starts ONE run through the API; stops the app; clones that suspended
# run's rows into PENDING waiting runs (DUE due at instant A, DUE at W, DUE at B, the rest 1–30 days ahead). Starts the
# app on that database and samples its RSS (VmRSS every 0.5 s); A fires undisturbed (lateness of the first burst after a
# start); W fires undisturbed in the same process (lateness once the resume path has run: warm); during B the app is
# killed with SIGKILL after KILL_AFTER calls, restarted on the same folder, and B must finish: none lost, none doubled,
# the far ones untouched. Everything it starts is stopped on exit (trap); every phase has a time limit; all traffic
# stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
if [[ "${1:-}" == "--smoke" ]]; then MODE=smoke; elif [[ $# -gt 0 ]]; then echo "usage: bench/flow-timers.sh [--smoke]" >&2; exit 2; fi
if [[ $MODE == smoke ]]; then
  PENDING=${PENDING:-20000}; DUE=${DUE:-2000}; LEAD_SECONDS=${LEAD_SECONDS:-45}; GAP_SECONDS=${GAP_SECONDS:-45}
else
  PENDING=${PENDING:-1000000}; DUE=${DUE:-10000}; LEAD_SECONDS=${LEAD_SECONDS:-120}; GAP_SECONDS=${GAP_SECONDS:-90}
fi
if (( PENDING <= 3 * DUE )); then
  echo "flow-timers.sh: PENDING ($PENDING) must be more than 3 x DUE ($DUE): the run started through the API is one of the far ones" >&2
  exit 2
fi
KILL_AFTER=${KILL_AFTER:-$(( DUE / 2 ))}
FIRE_TIMEOUT_SECONDS=${FIRE_TIMEOUT_SECONDS:-$(( LEAD_SECONDS + 2 * GAP_SECONDS + 600 ))}

NAME=flow-timers.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_setup flow-timers-bench
APP_PID=

LIMIT_SECONDS=${LIMIT_SECONDS:-$(( 2400 + 3 * FIRE_TIMEOUT_SECONDS ))}
bench_watchdog "$LIMIT_SECONDS"

now_ms() { date +%s%3N; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_seconds() { # cpu_seconds PID: user + system CPU time the process used so far
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
cpu_pressure() { if [[ -r /proc/pressure/cpu ]]; then sed -n 's/^some avg10=\([0-9.]*\).*/\1 %/p' /proc/pressure/cpu; else echo "n/a"; fi; }
sample_rss() { # sample_rss PID FILE: "unix-ms VmRSS-kB" every 0.5 s while PID lives
  ( while kill -0 "$1" 2>/dev/null; do
      rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true)
      [[ -n "$rss" ]] && echo "$(now_ms) $rss"
      sleep 0.5
    done ) >"$2" &
  PIDS+=($!)
}

# The code measured is the code built now; name it before anything can change the tree.
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/FlowTimers 2>/dev/null || echo ' with uncommitted changes')"
step "Building the drivers (Release) and publishing the app (Release, ReadyToRun)"
timeout 900 dotnet build bench/FlowTimers -c Release -nologo -v q -clp:ErrorsOnly
publish_app
BENCH="dotnet $ROOT/bench/FlowTimers/bin/Release/net10.0/Omnichannel.Flows.Bench.FlowTimers.dll"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
TIMELINE=$WORK/timeline.txt
SETTINGS="Automation:TimerBatchSize=${Automation__TimerBatchSize:-2000 (default)}, Automation:TimerParallelism=${Automation__TimerParallelism:-256 (default)}, Jobs:WorkerCount=${Jobs__WorkerCount:-default}"
{ echo "stamp=$STAMP"; echo "kill_after=$KILL_AFTER"; echo "settings=$SETTINGS"
  echo "cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)"; } > "$TIMELINE"
ADMIN_EMAIL=admin@localhost
ADMIN_PASSWORD="Bench-$(random_hex 8)-Pw1!"

step "Counter on 127.0.0.1 (records every call of the flow's HTTP step)"
COUNTER_PORT=$(free_port 18530)
$BENCH counter --port "$COUNTER_PORT" --out "$WORK/arrivals.tsv" >"$WORK/counter.log" 2>&1 &
COUNTER_PID=$!
PIDS+=("$COUNTER_PID")
wait_ready "the counter" "$COUNTER_PID" "$COUNTER_PORT" "$WORK/counter.log"
COUNTER=http://127.0.0.1:$COUNTER_PORT

APP_PORT=$(free_port 18540)
APP_SETTINGS=(Auth__Admin__Email="$ADMIN_EMAIL" Auth__Admin__Password="$ADMIN_PASSWORD"
  Logging__LogLevel__Omnichannel.Flows.Platform.Automation=Information)

step "The bench flow and one run through the API (fresh data folder)"
mkdir -p "$WORK/data"
start_app "$APP_PORT" "$WORK/data" "$WORK/app-0.log" "${APP_SETTINGS[@]}"
timeout 300 $BENCH template --url "http://127.0.0.1:$APP_PORT" --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
  --counter "$COUNTER" --out "$WORK/template.json"
stop "$APP_PID"

step "Seeding $PENDING waiting runs (app stopped): $DUE due at A, $DUE at W = A + ${GAP_SECONDS}s, $DUE at B = W + ${GAP_SECONDS}s, the rest 1-30 days ahead"
timeout 1800 $BENCH seed --db "$WORK/data/omnichannel.db" --template "$WORK/template.json" --pending "$PENDING" --due "$DUE" \
  --lead-seconds "$LEAD_SECONDS" --gap-seconds "$GAP_SECONDS" --out "$WORK/seeded.json"
DUE_A=$(sed -n 's/.*"dueAtA":\([0-9]*\).*/\1/p' "$WORK/seeded.json")
DUE_W=$(sed -n 's/.*"dueAtW":\([0-9]*\).*/\1/p' "$WORK/seeded.json")
echo "db_bytes=$(stat -c %s "$WORK/data/omnichannel.db")" >> "$TIMELINE"

step "The app on $PENDING pending timers; RSS sampled every 0.5 s"
echo "load_before=$(load_average)" >> "$TIMELINE"
echo "psi_before=$(cpu_pressure)" >> "$TIMELINE"
echo "app1_start=$(now_ms)" >> "$TIMELINE"
launch_app "$APP_PORT" "$WORK/data" "$WORK/app-1.log" "${APP_SETTINGS[@]}"
sample_rss "$APP_PID" "$WORK/rss-1.txt"
wait_ready "the app" "$APP_PID" "$APP_PORT" "$WORK/app-1.log"
echo "app1_ready=$(now_ms)" >> "$TIMELINE"
if (( $(now_ms) > DUE_A )); then echo "warning: the app was ready only after instant A (raise LEAD_SECONDS)" >&2; fi
echo "Ready $(( ($(now_ms) - $(sed -n 's/^app1_start=//p' "$TIMELINE")) / 1000 )) s after start; A is due in $(( (DUE_A - $(now_ms)) / 1000 )) s"

# fire_burst NAME LETTER DUE_MS: waits until 1 s before the instant, then for the batch's DUE calls; the app's and the
# counter's CPU time from 1 s before the instant to the last call go into the timeline (the machine-independent cost).
fire_burst() {
  local name=$1 batch=$2 due_ms=$3
  local wait_ms=$(( due_ms - 1000 - $(now_ms) ))
  if (( wait_ms > 0 )); then sleep "$(awk -v ms="$wait_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"; fi
  echo "${batch}_cpu_from=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
  echo "counter_${batch}_cpu_from=$(cpu_seconds "$COUNTER_PID")" >> "$TIMELINE"
  echo "load_at_${batch}=$(load_average)" >> "$TIMELINE"
  echo "psi_at_${batch}=$(cpu_pressure)" >> "$TIMELINE"
  timeout "$FIRE_TIMEOUT_SECONDS" $BENCH wait --counter "$COUNTER" --batch "$batch" --count "$DUE" --timeout-seconds "$FIRE_TIMEOUT_SECONDS"
  echo "${batch}_cpu_to=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
  echo "counter_${batch}_cpu_to=$(cpu_seconds "$COUNTER_PID")" >> "$TIMELINE"
  echo "${batch}_done=$(now_ms)" >> "$TIMELINE"
  echo "$name done"
}

step "A: $DUE timers due at the same instant (the first burst after the start)"
fire_burst A a "$DUE_A"

step "W: $DUE timers due at the same instant, ${GAP_SECONDS}s later in the same process (warm)"
fire_burst W w "$DUE_W"

step "B: $DUE more due at once; SIGKILL after $KILL_AFTER of their calls"
timeout "$FIRE_TIMEOUT_SECONDS" $BENCH wait --counter "$COUNTER" --batch b --count "$KILL_AFTER" --timeout-seconds "$FIRE_TIMEOUT_SECONDS"
echo "app1_cpu=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
kill -KILL "$APP_PID"
echo "kill_at=$(now_ms)" >> "$TIMELINE"
while kill -0 "$APP_PID" 2>/dev/null; do sleep 0.05; done
echo "Killed the app (pid $APP_PID)"

step "Restarting the app on the same data folder"
echo "app2_start=$(now_ms)" >> "$TIMELINE"
launch_app "$APP_PORT" "$WORK/data" "$WORK/app-2.log" "${APP_SETTINGS[@]}"
sample_rss "$APP_PID" "$WORK/rss-2.txt"
wait_ready "the app" "$APP_PID" "$APP_PORT" "$WORK/app-2.log"
echo "app2_ready=$(now_ms)" >> "$TIMELINE"
timeout "$FIRE_TIMEOUT_SECONDS" $BENCH wait --counter "$COUNTER" --batch b --count "$DUE" --timeout-seconds "$FIRE_TIMEOUT_SECONDS"
echo "b_done=$(now_ms)" >> "$TIMELINE"
sleep 10 # late doubles, if any, would show up now
echo "app2_cpu=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
echo "counter_cpu=$(cpu_seconds "$COUNTER_PID")" >> "$TIMELINE"
echo "load_after=$(load_average)" >> "$TIMELINE"
echo "psi_after=$(cpu_pressure)" >> "$TIMELINE"
stop "$APP_PID"
stop "$COUNTER_PID"
for log in "$WORK"/app-*.log; do
  if grep -qE '^(fail|crit):' "$log"; then
    echo "The app logged errors ($log, first ones):" >&2; grep -E -A3 '^(fail|crit):' "$log" | head -n 20 >&2
  fi
done

step "Checking the counter's record and the store; results"
mkdir -p bench/results
command=$(report_command "bench/flow-timers.sh${1:+ $1}" PENDING DUE KILL_AFTER LEAD_SECONDS GAP_SECONDS \
  Automation__TimerBatchSize Automation__TimerParallelism Jobs__WorkerCount)
if [[ $MODE == smoke ]]; then out=bench/results/flow-timers-smoke-latest.md; else out=bench/results/flow-timers-$STAMP.md; fi
status=0
timeout 600 $BENCH report --db "$WORK/data/omnichannel.db" --arrivals "$WORK/arrivals.tsv" --seeded "$WORK/seeded.json" \
  --timeline "$TIMELINE" --rss1 "$WORK/rss-1.txt" --rss2 "$WORK/rss-2.txt" \
  --command "$command" --commit "$commit" --sdk "$(dotnet --version)" --out "$out" --json "$WORK/report.json" || status=$?
if [[ $MODE == full ]]; then cp "$out" bench/results/flow-timers-latest.md; fi
echo
echo "Results written to $out"
exit $status
