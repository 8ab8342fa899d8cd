#!/usr/bin/env bash
# Runs the default test run (.ci/run) from N fresh clones of HEAD, the first --loaded=K of them
# while two busy loops keep both cores busy, and prints one line per run and a summary.
# Usage: bench/ci-repeat.sh [--runs=10] [--loaded=5] [--keep]
# Each run is bounded by --timeout-minutes (default 40). Busy loops and clones are removed on exit.
set -euo pipefail
runs=10 loaded=5 timeout_min=40 keep=0
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs=${arg#*=} ;;
    --loaded=*) loaded=${arg#*=} ;;
    --timeout-minutes=*) timeout_min=${arg#*=} ;;
    --keep) keep=1 ;;
    *) echo "ci-repeat: unknown argument '$arg' (see the header of $0)" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/stoa-ci-repeat.XXXXXX)
busy=()
stop_busy() { for p in "${busy[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; busy=(); }
cleanup() { stop_busy; [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT INT TERM
passed=0
for i in $(seq 1 "$runs"); do
  load=idle
  if [ "$i" -le "$loaded" ]; then
    load=loaded
    for _ in 1 2; do (while :; do :; done) & busy+=($!); done
  fi
  clone="$work/run-$i"
  git clone -q "$root" "$clone"
  start=$(date +%s)
  if (cd "$clone" && CI=true timeout "${timeout_min}m" bash .ci/run >"$work/run-$i.log" 2>&1); then
    result=PASS; passed=$((passed + 1))
  else
    cp "$work/run-$i.log" "/tmp/stoa-ci-repeat-fail-$i.log"
    result="FAIL, log kept in /tmp/stoa-ci-repeat-fail-$i.log ($(grep -E '^\[ERROR\] (Tests run|  [A-Za-z]+Test\.)|FAILURE' "$work/run-$i.log" | head -3 | tr '\n' ' '))"
  fi
  stop_busy
  echo "run $i ($load): $result in $(( $(date +%s) - start )) s"
  rm -rf "$clone"
done
echo "ci-repeat: $passed of $runs passed ($loaded loaded)"
[ "$passed" = "$runs" ]
