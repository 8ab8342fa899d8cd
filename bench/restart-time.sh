#!/usr/bin/env bash
# Restart time of a standalone node: kill -9, start again, poll /health until it answers 200.
# Builds nothing: runs the launcher jar already in <root>/launcher/target (build it first, e.g.
# `bin/stoa keys` or `./mvnw -pl launcher -am install -DskipTests`).
#
#   bench/restart-time.sh [--runs=5] [--root=DIR] [--data-dir=DIR] [--messages=50]
#                         [--http-port=18180] [--tcp-port=17170] [--cluster-port=15801] [--keep]
#
# --root      the Stoa tree whose bin/stoa and launcher/target are run (default: this one), so two
#             builds can be compared from one script.
# --data-dir  a data directory with some history; by default a fresh one under /tmp, given
#             --messages one-to-one messages before the first kill.
# Prints, per run, the time from kill -9 to /health UP and the start phases the node logged
# ("start phase <name> took N ms"), then the median and spread (min..max).
# Every wait is bounded; every process started here is killed on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
runs=5 root="$here" data_dir="" messages=50 http_port=18180 tcp_port=17170 cluster_port=15801 keep=false
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs=${arg#*=} ;;
    --root=*) root=$(cd "${arg#*=}" && pwd) ;;
    --data-dir=*) data_dir=${arg#*=} ;;
    --messages=*) messages=${arg#*=} ;;
    --http-port=*) http_port=${arg#*=} ;;
    --tcp-port=*) tcp_port=${arg#*=} ;;
    --cluster-port=*) cluster_port=${arg#*=} ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "restart-time: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
for n in runs messages http_port tcp_port cluster_port; do
  [[ ${!n} =~ ^[0-9]+$ ]] || { echo "restart-time: --${n//_/-} must be a number, got '${!n}'" >&2; exit 2; }
done
[ "$runs" -ge 1 ] && [ "$runs" -le 50 ] || { echo "restart-time: --runs must be in 1..50" >&2; exit 2; }
[ -f "$root/launcher/target/stoa-launcher.jar" ] || {
  echo "restart-time: $root/launcher/target/stoa-launcher.jar is missing: build the launcher first" >&2; exit 2; }

. "$root/bin/jdk.sh"
stoa_find_jdk
jar="$root/launcher/target/stoa-launcher.jar"
read -r -a jvm_flags < "$root/launcher/target/jvm.flags"

fresh=false
if [ -z "$data_dir" ]; then
  data_dir=$(mktemp -d /tmp/stoa-restart.XXXXXX)
  fresh=true
fi
mkdir -p "$data_dir"
secret=restart-bench-secret-0123456789
logs=$(mktemp -d /tmp/stoa-restart-logs.XXXXXX)
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if ! $keep; then
    rm -rf "$logs"
    if $fresh; then rm -rf "$data_dir"; fi
  else
    echo "restart-time: kept logs in $logs, data in $data_dir" >&2
  fi
}
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }

# Starts the node in the background (the launcher jar directly, with bin/stoa's JVM flags, so a
# stale source tree never triggers a build here); log to $1.
start_node() {
  "$JAVA_HOME/bin/java" "${jvm_flags[@]}" ${STOA_JAVA_OPTS:-} -cp "$jar:$root/launcher/target/lib/*" \
    dev.stoa.launcher.StoaMain standalone --data.dir="$data_dir" --admin.secret="$secret" \
    --http.port="$http_port" --tcp.port="$tcp_port" --cluster.port="$cluster_port" >"$1" 2>&1 &
  pid=$!
}

# Polls /health every 20 ms for at most 120 s; prints the ms since $1 when it answers 200.
wait_up() {
  local since=$1 deadline=$(( $(now_ms) + 120000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "restart-time: the node exited before /health was UP" >&2; return 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$http_port/health" || true)" = 200 ]; then
      echo $(( $(now_ms) - since )); return 0
    fi
    sleep 0.02
  done
  echo "restart-time: /health not UP within 120 s" >&2; return 1
}

kill_node() {
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

# ---- history: one start that writes some messages, then the first kill -9 ----
start_node "$logs/seed.log"
wait_up "$(now_ms)" >/dev/null || { cat "$logs/seed.log" >&2; exit 1; }
if [ "$messages" -gt 0 ]; then
  token=$(curl -s --max-time 5 -X POST "http://127.0.0.1:$http_port/v1/tokens" -H "Authorization: Bearer $secret" \
    -d '{"userId":"alice","deviceId":"laptop"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  for ((i = 1; i <= messages; i++)); do
    curl -s -o /dev/null --max-time 5 -X POST "http://127.0.0.1:$http_port/v1/messages" \
      -H "Authorization: Bearer $token" -d "{\"clientMsgId\":\"r-$i\",\"sessionId\":\"user:bob\",\"body\":\"history $i\"}"
  done
fi

# ---- the measured restarts ----
times=()
for ((r = 1; r <= runs; r++)); do
  t0=$(now_ms)
  kill_node
  start_node "$logs/run-$r.log"
  if ! ms=$(wait_up "$t0"); then cat "$logs/run-$r.log" >&2; exit 1; fi
  times+=("$ms")
  phases=$(sed -n 's/.*start phase \([a-z0-9.-]*\) took \([0-9]*\) ms.*/\1=\2/p' "$logs/run-$r.log" | tr '\n' ' ')
  echo "run $r: kill -9 to /health UP ${ms} ms${phases:+; phases: $phases}"
  sleep 1   # let the node settle before the next kill (background work of a fresh start)
done
kill_node

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
if (( n % 2 )); then median=${sorted[n / 2]}; else median=$(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 )); fi
echo "restart-time: $n runs, median ${median} ms, spread ${sorted[0]}..${sorted[n - 1]} ms (root $root)"
# per phase: median over the runs
for phase in $(cat "$logs"/run-*.log | sed -n 's/.*start phase \([a-z0-9.-]*\) took [0-9]* ms.*/\1/p' | awk '!seen[$0]++'); do
  vals=($(cat "$logs"/run-*.log | sed -n "s/.*start phase $phase took \([0-9]*\) ms.*/\1/p" | sort -n))
  m=${#vals[@]}
  if (( m % 2 )); then pm=${vals[m / 2]}; else pm=$(( (vals[m / 2 - 1] + vals[m / 2]) / 2 )); fi
  echo "  phase $phase: median ${pm} ms, spread ${vals[0]}..${vals[m - 1]} ms"
done
