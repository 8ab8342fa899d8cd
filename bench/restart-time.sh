#!/usr/bin/env bash
# Restart time of a standalone node: kill -9, start again, poll /health until it answers 200.
# Builds nothing: runs the launcher jar already in <root>/launcher/target (build it first, e.g.
# `bin/stoa keys` or `./mvnw -pl launcher -am install -DskipTests`).
#
#   bench/restart-time.sh [--runs=5] [--aot=both|on|off] [--root=DIR] [--data-dir=DIR] [--messages=50]
#                         [--http-port=18180] [--tcp-port=17170] [--cluster-port=15801] [--keep]
#
# --aot       start with the ahead-of-time cache bin/stoa uses (on), without it (off), or both,
#             alternating run by run so the two are measured side by side (default; trains the
#             cache first when it is missing or older than the jar).
# --root      the Stoa tree whose bin/stoa and launcher/target are run (default: this one), so two
#             builds can be compared from one script.
# --data-dir  a data directory with some history; by default a fresh one under /tmp, given
#             --messages one-to-one messages before the first kill.
# Prints, per run, the time from kill -9 to /health UP and the start phases the node logged
# ("start phase <name> took N ms"), then the median and spread (min..max) per mode.
# Every wait is bounded; every process started here is killed on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
runs=5 aot_mode=both root="$here" data_dir="" messages=50 http_port=18180 tcp_port=17170 cluster_port=15801 keep=false
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs=${arg#*=} ;;
    --aot=*) aot_mode=${arg#*=} ;;
    --root=*) root=$(cd "${arg#*=}" && pwd) ;;
    --data-dir=*) data_dir=${arg#*=} ;;
    --messages=*) messages=${arg#*=} ;;
    --http-port=*) http_port=${arg#*=} ;;
    --tcp-port=*) tcp_port=${arg#*=} ;;
    --cluster-port=*) cluster_port=${arg#*=} ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "restart-time: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
for n in runs messages http_port tcp_port cluster_port; do
  [[ ${!n} =~ ^[0-9]+$ ]] || { echo "restart-time: --${n//_/-} must be a number, got '${!n}'" >&2; exit 2; }
done
[ "$runs" -ge 1 ] && [ "$runs" -le 50 ] || { echo "restart-time: --runs must be in 1..50" >&2; exit 2; }
case "$aot_mode" in
  both) modes=(off on) ;;
  on|off) modes=("$aot_mode") ;;
  *) echo "restart-time: --aot must be both, on or off, got '$aot_mode'" >&2; exit 2 ;;
esac
[ -f "$root/launcher/target/stoa-launcher.jar" ] || {
  echo "restart-time: $root/launcher/target/stoa-launcher.jar is missing: build the launcher first" >&2; exit 2; }

. "$root/bin/jdk.sh"
stoa_find_jdk
jar="$root/launcher/target/stoa-launcher.jar"
read -r -a jvm_flags < "$root/launcher/target/jvm.flags"
. "$root/bin/aot.sh"
if [ "${modes[-1]}" = on ] && ! stoa_aot_fresh "$root"; then
  stoa_aot_train "$root" "${jvm_flags[@]}"
  stoa_aot_fresh "$root" || { echo "restart-time: no ahead-of-time cache could be trained" >&2; exit 1; }
fi

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
# stale source tree never triggers a build here); log to $1; $2 = on: with the AOT cache.
start_node() {
  local aot=()
  if [ "${2:-off}" = on ]; then aot=("-XX:AOTCache=$(stoa_aot_cache "$root")"); fi
  "$JAVA_HOME/bin/java" "${jvm_flags[@]}" "${aot[@]}" ${STOA_JAVA_OPTS:-} -cp "$jar:$root/launcher/target/lib/*" \
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

# ---- the measured restarts, the modes alternating run by run ----
declare -A times=()
for ((r = 1; r <= runs; r++)); do
  for mode in "${modes[@]}"; do
    t0=$(now_ms)
    kill_node
    start_node "$logs/run-$mode-$r.log" "$mode"
    if ! ms=$(wait_up "$t0"); then cat "$logs/run-$mode-$r.log" >&2; exit 1; fi
    times[$mode]="${times[$mode]:-} $ms"
    phases=$(sed -n 's/.*start phase \([a-z0-9.-]*\) took \([0-9]*\) ms.*/\1=\2/p' "$logs/run-$mode-$r.log" | tr '\n' ' ')
    echo "run $r, aot $mode: kill -9 to /health UP ${ms} ms${phases:+; phases: $phases}"
    sleep 1   # let the node settle before the next kill (background work of a fresh start)
  done
done
kill_node

median_of() { # sorted numbers -> median
  local v=("$@") n=$#
  if (( n % 2 )); then echo "${v[n / 2]}"; else echo $(( (v[n / 2 - 1] + v[n / 2]) / 2 )); fi
}
declare -A medians=()
for mode in "${modes[@]}"; do
  sorted=($(printf '%s\n' ${times[$mode]} | sort -n))
  n=${#sorted[@]}
  median=$(median_of "${sorted[@]}")
  medians[$mode]=$median
  echo "restart-time: aot $mode: $n runs, median ${median} ms, spread ${sorted[0]}..${sorted[n - 1]} ms (root $root)"
  for phase in $(cat "$logs"/run-$mode-*.log | sed -n 's/.*start phase \([a-z0-9.-]*\) took [0-9]* ms.*/\1/p' | awk '!seen[$0]++'); do
    vals=($(cat "$logs"/run-$mode-*.log | sed -n "s/.*start phase $phase took \([0-9]*\) ms.*/\1/p" | sort -n))
    echo "  phase $phase: median $(median_of "${vals[@]}") ms, spread ${vals[0]}..${vals[-1]} ms"
  done
done
if [ ${#modes[@]} -eq 2 ] && [ "${medians[off]}" -gt 0 ]; then
  echo "restart-time: median with the cache / without: $(awk "BEGIN { printf \"%.2f\", ${medians[on]} / ${medians[off]} }")"
fi
