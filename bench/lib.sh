# Shared by the benchmark scripts (sourced, not run). Before sourcing set NAME (for messages); after it call
# `bench_setup PREFIX` (a temp work folder in $WORK, cleanup on exit) and `bench_watchdog SECONDS`.
# shellcheck shell=bash

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset OTEL_EXPORTER_OTLP_ENDPOINT || true

PIDS=()

stop() { # stop PID: TERM, up to 15 s to exit, then KILL
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() { # everything started is stopped; the work folder is kept when the run failed or KEEP_WORK is set
  local status=$?
  for pid in "${PIDS[@]}"; do stop "$pid"; done
  if [[ $status -ne 0 || -n "${KEEP_WORK:-}" ]]; then echo "Logs and databases kept in $WORK" >&2; else rm -rf "$WORK"; fi
}

bench_setup() { # bench_setup PREFIX: the work folder, and cleanup on any exit
  WORK=$(mktemp -d -t "$1.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_watchdog() { # bench_watchdog SECONDS: the whole run is bounded; the watchdog ends it (and, through the trap, all it started)
  local limit=$1
  ( trap 'kill $! 2>/dev/null; exit 0' TERM
    sleep "$limit" & wait $!
    echo "$NAME: time limit of ${limit}s reached, stopping" >&2; kill -TERM $$ ) &
  PIDS+=($!)
}

step() { echo; echo "== $*"; }

free_port() { # first free TCP port on 127.0.0.1 from $1 on
  local port
  for port in $(seq "$1" $(( $1 + 200 ))); do
    if ! ss -Htln "sport = :$port" | grep -q .; then echo "$port"; return 0; fi
  done
  echo "no free port from $1" >&2; return 1
}

wait_ready() { # wait_ready NAME PID PORT LOG: up to 120 s for /health/ready
  local name=$1 pid=$2 port=$3 log=$4
  for _ in $(seq 1 480); do
    if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited before it was ready:" >&2; tail -n 40 "$log" >&2; return 1; fi
    sleep 0.25
  done
  echo "$name was not ready within 120 s:" >&2; tail -n 40 "$log" >&2; return 1
}

publish_app() { # the app as it ships: dotnet publish (Release; ReadyToRun, as its project sets) into $WORK/app; sets WEB_DIR
  WEB_DIR=$WORK/app
  timeout 900 dotnet publish "$ROOT/src/Omnichannel.Flows.Web" -c Release -o "$WEB_DIR" -nologo -v q -clp:ErrorsOnly
}

image_runtime_settings() { # the runtime's DOTNET_ settings the Dockerfile's image sets, one NAME=VALUE per line
  sed -n 's/^ENV \(DOTNET_[A-Za-z0-9_]*=[^ ]*\)$/\1/p' "$ROOT/Dockerfile"
}

launch_app() { # launch_app PORT DATA_DIR LOG [NAME=VALUE ...]: the published app ($WEB_DIR, see publish_app) in Production on
  # 127.0.0.1:PORT with its data in DATA_DIR, with the runtime settings of the Dockerfile's image, warnings only unless a
  # setting says otherwise; sets APP_PID (not yet ready)
  local port=$1 data=$2 log=$3; shift 3
  local runtime=() extra=()
  mapfile -t runtime < <(image_runtime_settings)
  read -r -a extra <<<"${APP_ENV:-}" # APP_ENV="NAME=VALUE ...": more environment for the app only (profiling, tracing)
  mkdir -p "$data"
  ( cd "$WEB_DIR" && exec env "${runtime[@]}" "${extra[@]}" ASPNETCORE_ENVIRONMENT=Production Database__DataPath="$data" Logging__LogLevel__Default=Warning "$@" \
      dotnet Omnichannel.Flows.Web.dll --urls "http://127.0.0.1:$port" ) >>"$log" 2>&1 &
  APP_PID=$!
  PIDS+=("$APP_PID")
}

start_app() { # start_app PORT DATA_DIR LOG [NAME=VALUE ...]: launch_app, then wait until it is ready
  launch_app "$@"
  wait_ready "the app" "$APP_PID" "$1" "$3"
}

report_command() { # report_command SCRIPT VAR...: the command line a report names, so it reproduces the run: SCRIPT after
  # those of the VARs that are set in the environment (settings that differ from the mode's defaults) and APP_ENV, what
  # the app alone ran with (see launch_app)
  local command=$1 var; shift
  for var in "$@"; do
    if [[ -n "$(env | grep "^$var=" || true)" ]]; then command="$var=${!var} $command"; fi
  done
  if [[ -n "${APP_ENV:-}" ]]; then command="APP_ENV=\"$APP_ENV\" $command"; fi
  echo "$command"
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
