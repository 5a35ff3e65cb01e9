#!/usr/bin/env bash
# The flow-executions benchmark side by side with an earlier commit, one command (see bench/README.md):
#
#   bench/compare-flow-exec.sh BASE_REV [PAIRS]           full runs, about 8 minutes a pair (default 3 pairs)
#   bench/compare-flow-exec.sh --smoke BASE_REV [PAIRS]   short steps, about 3 minutes a pair: checks the harness
#
# This machine is shared: outside load moves Node-RED's rate and ours from one run to the next, so a figure compares
# only with runs made beside it. This runs bench/flow-exec.sh on BASE_REV (checked out into a temporary worktree) and
# on this working tree in turns, alternating which of the two goes first, then writes one table of what matters —
# sustained runs/s, Node-RED's rate in the same run, their ratio, app CPU per run, drain time — and ours ÷ ours per
# pair: bench/results/flow-exec-compare-<UTC timestamp>.md (smoke: flow-exec-compare-smoke-latest.md, not committed).
# Every full run's own report is kept in bench/results too. The worktree is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
if [[ "${1:-}" == "--smoke" ]]; then MODE=smoke; shift; fi
if [[ $# -lt 1 || $# -gt 2 ]]; then echo "usage: bench/compare-flow-exec.sh [--smoke] BASE_REV [PAIRS]" >&2; exit 2; fi
BASE=$(git rev-parse --short "$1^{commit}")
PAIRS=${2:-3}
if ! [[ $PAIRS =~ ^[1-9][0-9]?$ ]]; then echo "PAIRS must be a number from 1 to 99, not '$PAIRS'" >&2; exit 2; fi
# The paths bench/flow-exec.sh counts as the code it measures (results files rewritten by earlier runs do not count).
HEAD_NAME="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/LoadGen bench/FlowExec 2>/dev/null || echo '+changes')"

TREE=$(mktemp -d -t flow-exec-base.XXXXXX)
RUNS=$(mktemp -d -t flow-exec-compare.XXXXXX)
cleanup() { git -C "$ROOT" worktree remove --force "$TREE" 2>/dev/null || true; git -C "$ROOT" worktree prune; rm -rf "$RUNS"; }
trap cleanup EXIT
git worktree add --detach --force "$TREE" "$BASE" >/dev/null
mkdir -p "$ROOT/bench/.peers"
ln -sfn "$ROOT/bench/.peers" "$TREE/bench/.peers" # Node-RED and its Node runtime, installed once

run() { # run LABEL DIR: one bench/flow-exec.sh in DIR; prints the path of its report
  local label=$1 dir=$2 report
  echo "== $label: bench/flow-exec.sh$([[ $MODE == smoke ]] && echo ' --smoke') in $dir" >&2
  if [[ $MODE == smoke ]]; then
    (cd "$dir" && bench/flow-exec.sh --smoke >"$RUNS/$label.log" 2>&1) || { tail -n 20 "$RUNS/$label.log" >&2; return 1; }
    report="$RUNS/$label.md"
    cp "$dir/bench/results/flow-exec-smoke-latest.md" "$report"
  else
    (cd "$dir" && bench/flow-exec.sh >"$RUNS/$label.log" 2>&1) || { tail -n 20 "$RUNS/$label.log" >&2; return 1; }
    report=$(grep -oE 'bench/results/flow-exec-[0-9TZ]+\.md' "$RUNS/$label.log" | tail -n 1)
    if [[ $dir != "$ROOT" ]]; then cp "$dir/$report" "$ROOT/$report"; fi
    report="$ROOT/$report"
  fi
  echo "$report"
}

figure() { # figure REPORT NAME: one figure of a flow-exec report (runs/s and ratio: the ones its target compares)
  local target
  target=$(grep -m 1 'completed runs/s ≥' "$1")
  case $2 in
    runs) grep -oP 'ours (kept up with the load: )?\K[0-9,.]+(?= runs/s)' <<<"$target" | tr -d , ;;
    ratio) grep -oP '= \K[0-9.]+(?=×)' <<<"$target" ;;
    nodered) grep -oP 'Node-RED \K[0-9,.]+(?= req/s \(its best step\))' <<<"$target" | tr -d , ;;
    cpu) grep -oP 'background only\): \K[0-9.]+' "$1" | head -n 1 ;;
    drained) grep -oP 'backlog drained \K[0-9]+' "$1" | head -n 1 ;;
    exact) grep -oP 'exactly one finished run \| \*\*\K[A-Z]+' "$1" | head -n 1 ;;
  esac
}

rows=() pairs=()
for pair in $(seq 1 "$PAIRS"); do
  if (( pair % 2 == 1 )); then order=(head base); else order=(base head); fi
  declare -A report=()
  for side in "${order[@]}"; do
    if [[ $side == head ]]; then dir=$ROOT; else dir=$TREE; fi
    report[$side]=$(run "pair$pair-$side" "$dir")
  done
  for side in "${order[@]}"; do
    r=${report[$side]}
    name=$([[ $side == head ]] && echo "$HEAD_NAME" || echo "$BASE")
    rows+=("| $pair | $side \`$name\` | \`$(basename "$r")\` | $(figure "$r" runs) | $(figure "$r" nodered) | $(figure "$r" ratio)× | $(figure "$r" cpu) ms | $(figure "$r" drained) s | $(figure "$r" exact) |")
  done
  pairs+=("| $pair | $(awk -v h="$(figure "${report[head]}" runs)" -v b="$(figure "${report[base]}" runs)" 'BEGIN { printf "%.2f×", h / b }') | $(awk -v h="$(figure "${report[head]}" cpu)" -v b="$(figure "${report[base]}" cpu)" 'BEGIN { printf "%+.0f %%", 100 * (h - b) / b }') |")
  unset report
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$ROOT/bench/results/flow-exec-compare-$([[ $MODE == smoke ]] && echo smoke-latest || echo "$stamp").md
{
  echo "# Flow executions/s side by side — \`$HEAD_NAME\` vs \`$BASE\` — $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Command: \`bench/compare-flow-exec.sh$([[ $MODE == smoke ]] && echo ' --smoke') $1 $PAIRS\`. Each row is one \`bench/flow-exec.sh\` run (its report named); the two"
  echo "sides of a pair ran one after the other, the first side alternating from pair to pair. Node-RED's rate is measured"
  echo "in each run, so the ratio moves with the machine's outside load; ours ÷ ours and CPU per run are the steadier figures."
  echo
  echo "| pair | code | report | runs/s (sustained, or over the run if it kept up) | Node-RED req/s, same run | ratio | app CPU per run after the load | drained after the load | every webhook one run |"
  echo "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| pair | runs/s, \`$HEAD_NAME\` ÷ \`$BASE\` | app CPU per run, change |"
  echo "| ---: | ---: | ---: |"
  printf '%s\n' "${pairs[@]}"
} >"$out"
echo
echo "Results written to ${out#"$ROOT"/}"
