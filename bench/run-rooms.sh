#!/usr/bin/env bash
# Room fan-out benchmark (issue 3, "Speed"): one room, N members each on its own WebSocket
# connection, publishers sending to it open loop; deliveries/s and publish->deliver latency.
# Starts `bin/stoa standalone` on a fresh temp data dir on 127.0.0.1, runs bench/RoomLoad for every
# (size, rate) for several rounds, writes one JSON line per run and prints a summary per size.
#
#   bench/run-rooms.sh [--sizes=500,2000,5000,10000] [--rates=20] [--publishers=1] [--rounds=3]
#                      [--warm-rounds=1] [--duration=10] [--warmup=3] [--drain=15] [--body-bytes=64]
#                      [--threads=<cores>] [--encoding=json|binary] [--connect-concurrency=64]
#                      [--stoa-http-port=18081] [--stoa-tcp-port=17071] [--no-build]
#                      [--stoa-http=http://127.0.0.1:8080 --admin-secret=S] [--keep]
#
# --no-build starts the launcher jar already built (launcher/target) the way bin/stoa does, without
# bin/stoa's rebuild-when-stale step (that step builds the whole project). --stoa-http with
# --admin-secret uses a Stoa that is already running. Sizes are run smallest first; a size whose
# run fails (members cannot join within the timeout, or the run exceeds its bound) is recorded as
# failed and the larger sizes are still tried. After each run the node's room metrics are printed.
# Every wait and every run has a time limit; processes started here are stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/bench/target/benchmarks.jar"

sizes=500,2000,5000,10000 rates=20 publishers=1 rounds=3 warm_rounds=1 duration=10 warmup=3 drain=15 body=64
threads="" encoding=json concurrency=64 stoa_http_port=18081 stoa_tcp_port=17071
no_build=false stoa_http="" admin_secret="" keep=false
stoa_start_timeout=${STOA_START_TIMEOUT:-900}   # the first bin/stoa start may build the project
for arg in "$@"; do
  case "$arg" in
    --sizes=*) sizes=${arg#*=} ;;
    --rates=*) rates=${arg#*=} ;;
    --publishers=*) publishers=${arg#*=} ;;
    --rounds=*) rounds=${arg#*=} ;;
    --warm-rounds=*) warm_rounds=${arg#*=} ;;
    --duration=*) duration=${arg#*=} ;;
    --warmup=*) warmup=${arg#*=} ;;
    --drain=*) drain=${arg#*=} ;;
    --body-bytes=*) body=${arg#*=} ;;
    --threads=*) threads=${arg#*=} ;;
    --encoding=*) encoding=${arg#*=} ;;
    --connect-concurrency=*) concurrency=${arg#*=} ;;
    --stoa-http-port=*) stoa_http_port=${arg#*=} ;;
    --stoa-tcp-port=*) stoa_tcp_port=${arg#*=} ;;
    --no-build) no_build=true ;;
    --stoa-http=*) stoa_http=${arg#*=} ;;
    --admin-secret=*) admin_secret=${arg#*=} ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run-rooms: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
for n in publishers rounds warm_rounds duration warmup drain body concurrency; do
  [[ ${!n} =~ ^[0-9]+$ ]] || { echo "run-rooms: --${n//_/-} must be a number, got '${!n}'" >&2; exit 2; }
done
for list in sizes rates; do
  [[ ${!list} =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "run-rooms: --$list must be numbers separated by commas, got '${!list}'" >&2; exit 2; }
done
[ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] || { echo "run-rooms: --rounds must be in 1..20, got $rounds" >&2; exit 2; }
if [ -n "$stoa_http" ] && [ -z "$admin_secret" ]; then
  echo "run-rooms: --stoa-http needs --admin-secret" >&2; exit 2
fi
IFS=, read -r -a size_list <<<"$sizes"
IFS=, read -r -a rate_list <<<"$rates"
mapfile -t size_list < <(printf '%s\n' "${size_list[@]}" | sort -n)

# ---- JDK >= 25, found the same way as bin/stoa ----
. "$root/bin/jdk.sh"
stoa_find_jdk
java="$JAVA_HOME/bin/java"

# ---- build the bench jar (and what it needs) when missing or stale ----
if [ ! -f "$jar" ] || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "run-rooms: building bench/target/benchmarks.jar ..." >&2
  (cd "$root" && timeout 1200 ./mvnw -B -q -ntp -DskipTests -pl bench -am install >&2)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/stoa-rooms.XXXXXX")
results="$work/results.jsonl"
stoa_pid=""

stop_pid() {  # stop_pid PID NAME: TERM, up to 30 s, then KILL
  local pid=$1 name=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "run-rooms: $name (pid $pid) did not stop in 30 s; killing" >&2
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$stoa_pid" stoa
  if [ "$keep" = true ]; then
    echo "run-rooms: logs and results kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_get() {  # http_get URL -> body (empty on failure)
  if command -v curl >/dev/null; then
    curl -s -m 5 "$1" || true
  else
    local hostport=${1#http://}; hostport=${hostport%%/*}; local path="/${1#http://*/}"
    (exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" && printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3 \
      && timeout 5 cat <&3 | sed '1,/^\r$/d') 2>/dev/null || true
  fi
}
http_status() {
  if command -v curl >/dev/null; then
    curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" || true
  else
    [ -n "$(http_get "$1")" ] && echo 200 || echo 000
  fi
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: polls every 0.2 s
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "run-rooms: $what not ready within $limit s" >&2
      return 1
    fi
    sleep 0.2
  done
}

cores=$(nproc 2>/dev/null || echo 2)
threads=${threads:-$cores}
echo "run-rooms: JDK $JAVA_HOME; $cores cores; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'); ulimit -n $(ulimit -n)"
echo "run-rooms: the generator and Stoa share these cores; numbers are for this machine"

# ---- Stoa standalone (or an already running one) ----
if [ -n "$stoa_http" ]; then
  [ "$(http_status "$stoa_http/health")" = 200 ] || { echo "run-rooms: $stoa_http/health is not 200" >&2; exit 1; }
else
  port_free "$stoa_http_port" || { echo "run-rooms: port $stoa_http_port is taken; pass --stoa-http-port=" >&2; exit 1; }
  port_free "$stoa_tcp_port" || { echo "run-rooms: port $stoa_tcp_port is taken; pass --stoa-tcp-port=" >&2; exit 1; }
  admin_secret="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  stoa_http="http://127.0.0.1:$stoa_http_port"
  # publishers send faster than the default per-connection rate limit (50 frames/s)
  stoa_args=(standalone --data.dir="$work/stoa-data" --host=127.0.0.1 --http.port="$stoa_http_port"
    --tcp.port="$stoa_tcp_port" --admin.secret="$admin_secret" --cluster.name="stoa-rooms-$$"
    --gateway.rate.per.second=1000000 --gateway.rate.burst=1000000)
  if [ "$no_build" = true ]; then
    [ -f "$root/launcher/target/stoa-launcher.jar" ] || { echo "run-rooms: --no-build: launcher/target/stoa-launcher.jar not built" >&2; exit 1; }
    read -r -a jvm_flags < "$root/launcher/target/jvm.flags"
    "$java" "${jvm_flags[@]}" ${STOA_JAVA_OPTS:-} -cp "$root/launcher/target/stoa-launcher.jar:$root/launcher/target/lib/*" \
      dev.stoa.launcher.StoaMain "${stoa_args[@]}" ${STOA_EXTRA_ARGS:-} >"$work/stoa.log" 2>&1 &
  else
    "$root/bin/stoa" "${stoa_args[@]}" ${STOA_EXTRA_ARGS:-} >"$work/stoa.log" 2>&1 &
  fi
  stoa_pid=$!
  stoa_up() {
    kill -0 "$stoa_pid" 2>/dev/null || { echo "run-rooms: stoa exited; log:" >&2; tail -n 40 "$work/stoa.log" >&2; exit 1; }
    [ "$(http_status "$stoa_http/health")" = 200 ]
  }
  wait_for "$stoa_start_timeout" "stoa standalone" stoa_up || { tail -n 40 "$work/stoa.log" >&2; exit 1; }
  echo "run-rooms: stoa standalone up on $stoa_http (pid $stoa_pid, data in $work/stoa-data)"
fi
stoa_ws="ws://${stoa_http#http://}/v1/ws"

room_metrics() {  # the node's room, slow-consumer and index counters (cumulative since it started)
  http_get "$stoa_http/metrics" | grep -E '^stoa_(state_room|gateway_slow|state_rooms)' | grep -v '^#' | sed 's/^/    /' || true
}

run_one() {  # run_one SINK MEMBERS RATE
  local sink=$1 members=$2 rate=$3
  local timeout_s=$((members / 20 + 120))
  local bound=$((2 * timeout_s + warmup + duration + drain + 90))
  echo "--- $round: $members members, $publishers publisher(s), $rate msg/s"
  if timeout "$bound" "$java" -Xms1g -Xmx3g -cp "$jar" dev.stoa.bench.RoomLoad --url="$stoa_ws" --http="$stoa_http" \
      --admin-secret="$admin_secret" --members="$members" --connections="$members" --publishers="$publishers" \
      --rate="$rate" --duration="$duration" --warmup="$warmup" --drain="$drain" --body-bytes="$body" \
      --threads="$threads" --encoding="$encoding" --connect-concurrency="$concurrency" \
      --connect-timeout="$timeout_s" >"$work/run.out" 2>"$work/run.err"; then
    grep '^{' "$work/run.out" >>"$sink" || true
    grep -v '^{' "$work/run.out" || true
  else
    echo "run-rooms: $members members at $rate msg/s failed or timed out after $bound s:" >&2
    tail -n 5 "$work/run.err" >&2
    printf '{"kind":"room","members":%d,"publishers":%d,"offeredRate":%d,"failed":true}\n' \
      "$members" "$publishers" "$rate" >>"$sink"
  fi
  room_metrics
}

# A warm-up round (smallest size, first rate) is not summarized: on a 2-core machine the first
# minute of a fresh JVM is JIT compilation competing with the load.
for round in $(seq 1 "$warm_rounds"); do
  round="warm-up $round"
  run_one "$work/warmup.jsonl" "${size_list[0]}" "${rate_list[0]}"
done
for members in "${size_list[@]}"; do
  for rate in "${rate_list[@]}"; do
    for r in $(seq 1 "$rounds"); do
      round="round $r"
      run_one "$results" "$members" "$rate"
    done
  done
done

echo
echo "=== summary: $rounds round(s) per size, $publishers publisher(s), $body-byte bodies, $encoding, window $duration s ==="
"$java" -cp "$jar" dev.stoa.bench.RoomSummary "$results"
echo "node room counters at the end:"
room_metrics
cp "$results" "$root/bench/target/room-results.jsonl" 2>/dev/null && echo "(raw results: bench/target/room-results.jsonl)"
