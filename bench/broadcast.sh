#!/usr/bin/env bash
# The broadcast benchmark, one command (see bench/README.md):
#
#   bench/broadcast.sh           full run: 100,000 recipients, results in bench/results/broadcast-<UTC>.md and broadcast-latest.md
#   bench/broadcast.sh --smoke   5,000 recipients, to check the harness (bench/results/broadcast-smoke-latest.md, not committed)
#
# Builds the fake Graph API and the driver (Release), publishes the app (Release, ReadyToRun: as it ships). Starts the
# fake on 127.0.0.1 (at most FAKE_RATE sends/s, 429 / 130429 above it), seeds the app's database directly, starts the
# app with WhatsApp Live against the fake, creates and schedules a broadcast to everyone through the API, kills the app
# with SIGKILL once KILL_AFTER sends were accepted, restarts it on the same data folder, waits for the broadcast to
# complete, then checks the fake's record against the store and writes the report. Everything it starts is stopped on
# exit (trap); every phase has a time limit; all traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
if [[ "${1:-}" == "--smoke" ]]; then MODE=smoke; elif [[ $# -gt 0 ]]; then echo "usage: bench/broadcast.sh [--smoke]" >&2; exit 2; fi
if [[ $MODE == smoke ]]; then
  CONTACTS=${CONTACTS:-5000}; KILL_AFTER=${KILL_AFTER:-2500}
else
  CONTACTS=${CONTACTS:-100000}; KILL_AFTER=${KILL_AFTER:-50000}
fi
FAKE_RATE=${FAKE_RATE:-1000}
APP_RATE=${APP_RATE:-1000}
MESSAGING_LIMIT=${MESSAGING_LIMIT:-1000000}
SEND_TIMEOUT_SECONDS=${SEND_TIMEOUT_SECONDS:-$(( 120 + 3 * CONTACTS / APP_RATE ))}

NAME=broadcast.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_setup broadcast-bench
APP_PID=

# The whole run is bounded: a watchdog ends it (and, through the trap, everything it started).
LIMIT_SECONDS=${LIMIT_SECONDS:-$(( 1500 + 2 * SEND_TIMEOUT_SECONDS ))}
bench_watchdog "$LIMIT_SECONDS"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

load_average() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_seconds() { # cpu_seconds PID: user + system CPU time the process used so far
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
cpu_pressure() { if [[ -r /proc/pressure/cpu ]]; then sed -n 's/^some avg10=\([0-9.]*\).*/\1 %/p' /proc/pressure/cpu; else echo "n/a"; fi; }

# The code measured is the code built now; name it before anything can change the tree.
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/FakeGraph bench/BroadcastBench 2>/dev/null || echo ' with uncommitted changes')"
step "Building the drivers (Release) and publishing the app (Release, ReadyToRun)"
for project in bench/FakeGraph bench/BroadcastBench; do
  timeout 900 dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly
done
publish_app
FAKE_DLL=$ROOT/bench/FakeGraph/bin/Release/net10.0/Omnichannel.Flows.Bench.FakeGraph.dll
BENCH="dotnet $ROOT/bench/BroadcastBench/bin/Release/net10.0/Omnichannel.Flows.Bench.BroadcastBench.dll"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
TIMELINE=$WORK/timeline.txt
{ echo "stamp=$STAMP"; echo "fake_rate=$FAKE_RATE"; echo "app_rate=$APP_RATE"; echo "kill_after=$KILL_AFTER"
  echo "cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)"; } > "$TIMELINE"
ADMIN_EMAIL=admin@localhost
ADMIN_PASSWORD="Bench-$(random_hex 8)-Pw1!"
APP_SECRET=$(random_hex 24)
TAG=bench
TEMPLATE=bench_order_update

step "Fake Graph API: at most $FAKE_RATE messages/s"
FAKE_PORT=$(free_port 18410)
( cd "$WORK" && exec env ASPNETCORE_ENVIRONMENT=Production FakeGraph__MessagesPerSecond="$FAKE_RATE" \
    dotnet "$FAKE_DLL" --urls "http://127.0.0.1:$FAKE_PORT" ) >"$WORK/fake.log" 2>&1 &
FAKE_PID=$!
PIDS+=("$FAKE_PID")
wait_ready "the fake Graph API" "$FAKE_PID" "$FAKE_PORT" "$WORK/fake.log"
FAKE=http://127.0.0.1:$FAKE_PORT
mark() { curl -fsS -m 5 -o /dev/null -X POST "$FAKE/marks/$1"; }

step "Seeding $CONTACTS customers"
mkdir -p "$WORK/data"
t0=$(now)
timeout 900 $BENCH seed --db "$WORK/data/omnichannel.db" --contacts "$CONTACTS" --tag "$TAG" --template "$TEMPLATE"
echo "seed_seconds=$(elapsed "$t0" "$(now)")" >> "$TIMELINE"

APP_PORT=$(free_port 18420)
start_bench_app() { # start_bench_app LOG: the app on the seeded data folder, WhatsApp Live against the fake
  start_app "$APP_PORT" "$WORK/data" "$1" \
      Auth__Admin__Email="$ADMIN_EMAIL" \
      Auth__Admin__Password="$ADMIN_PASSWORD" \
      Channels__WhatsApp__AppSecret="$APP_SECRET" \
      Channels__WhatsApp__VerifyToken="$(random_hex 12)" \
      Channels__WhatsApp__AccessToken="bench-access-token" \
      Channels__WhatsApp__PhoneNumberId="109876543210" \
      Channels__WhatsApp__GraphBaseUrl="$FAKE" \
      Broadcasts__WhatsAppMessagesPerSecond="$APP_RATE" \
      Broadcasts__MessagingLimit="$MESSAGING_LIMIT" \
      Logging__LogLevel__Omnichannel.Flows.Platform.Broadcasts=Information
}

step "The app: src/Omnichannel.Flows.Web (Release, Production, WhatsApp Live against the fake, $APP_RATE messages/s)"
start_bench_app "$WORK/app-1.log"
echo "load_before=$(load_average)" >> "$TIMELINE"
echo "psi_before=$(cpu_pressure)" >> "$TIMELINE"

step "Broadcast to everyone tagged '$TAG': estimate, then schedule with its total"
timeout 600 $BENCH start --url "http://127.0.0.1:$APP_PORT" --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
  --tag "$TAG" --template "$TEMPLATE" --out "$WORK/run.json"
mark scheduled

step "Sending; SIGKILL once $KILL_AFTER sends were accepted"
# The app's CPU time per message while it sends: measured from the 20th to the 100th percent of the sends before the kill.
timeout "$SEND_TIMEOUT_SECONDS" $BENCH wait-fake --fake "$FAKE" --accepted $(( KILL_AFTER / 5 )) --timeout-seconds "$SEND_TIMEOUT_SECONDS"
echo "steady_cpu_from=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
echo "steady_sent_from=$(curl -fsS -m 5 "$FAKE/stats" | sed -n 's/.*"accepted":\([0-9]*\).*/\1/p')" >> "$TIMELINE"
timeout "$SEND_TIMEOUT_SECONDS" $BENCH wait-fake --fake "$FAKE" --accepted "$KILL_AFTER" --timeout-seconds "$SEND_TIMEOUT_SECONDS"
echo "steady_cpu_to=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
echo "steady_sent_to=$(curl -fsS -m 5 "$FAKE/stats" | sed -n 's/.*"accepted":\([0-9]*\).*/\1/p')" >> "$TIMELINE"
mark kill
echo "app1_cpu=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
kill -KILL "$APP_PID"
wait "$APP_PID" 2>/dev/null || true
echo "Killed the app (pid $APP_PID)"

step "Restarting the app on the same data folder"
start_bench_app "$WORK/app-2.log"
mark ready-again
timeout "$SEND_TIMEOUT_SECONDS" $BENCH wait-done --url "http://127.0.0.1:$APP_PORT" --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
  --run "$WORK/run.json" --timeout-seconds "$SEND_TIMEOUT_SECONDS"
echo "app2_cpu=$(cpu_seconds "$APP_PID")" >> "$TIMELINE"
echo "fake_cpu=$(cpu_seconds "$FAKE_PID")" >> "$TIMELINE"
echo "load_after=$(load_average)" >> "$TIMELINE"
echo "psi_after=$(cpu_pressure)" >> "$TIMELINE"
stop "$APP_PID"
for log in "$WORK"/app-*.log; do
  if grep -qE '^(fail|crit):' "$log"; then
    echo "The app logged errors ($log, first ones):" >&2; grep -E -A3 '^(fail|crit):' "$log" | head -n 20 >&2
  fi
done

step "Checking the store against the fake's record; results"
mkdir -p bench/results
command=$(report_command "bench/broadcast.sh${1:+ $1}" CONTACTS KILL_AFTER FAKE_RATE APP_RATE MESSAGING_LIMIT)
if [[ $MODE == smoke ]]; then out=bench/results/broadcast-smoke-latest.md; else out=bench/results/broadcast-$STAMP.md; fi
status=0
timeout 300 $BENCH report --db "$WORK/data/omnichannel.db" --fake "$FAKE" --run "$WORK/run.json" --timeline "$TIMELINE" \
  --command "$command" --commit "$commit" --sdk "$(dotnet --version)" --out "$out" --json "$WORK/report.json" || status=$?
if [[ $MODE == full ]]; then cp "$out" bench/results/broadcast-latest.md; fi
echo
echo "Results written to $out"
exit $status
