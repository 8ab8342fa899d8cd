#!/usr/bin/env bash
# One-to-one chat benchmark, side by side in one run: the bare relay (bench/BareRelay, no storage)
# against Stoa standalone (durable), both on 127.0.0.1. Alternates relay/stoa runs for several
# rounds, then prints medians, spread and the stoa/relay ratios of issue 2's targets:
# delivered msgs/s at saturation (closed loop, --max-rate) and p99 at 2,000 msgs/s offered (open loop).
#
#   bench/run-c2c.sh [--warm-rounds=1] [--rounds=3] [--pairs=50] [--rate=2000] [--duration=10] [--warmup=3]
#                    [--window=8] [--body-bytes=64] [--threads=<cores>] [--encoding=json|binary]
#                    [--relay-port=19090] [--stoa-http-port=18080] [--stoa-tcp-port=17070]
#                    [--relay-only] [--stoa-http=http://127.0.0.1:8080 --admin-secret=S] [--keep]
#                    [--baseline=<another checkout, e.g. a git worktree of an older commit>]
#
# --stoa-http with --admin-secret uses a Stoa that is already running instead of starting one.
# --baseline also starts that checkout's bin/stoa standalone (on the next ports) and runs every load
# against it too, reported as "stoa-before": before and after side by side in one run.
# Every wait and every run has a time limit; processes started here are stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/bench/target/benchmarks.jar"

warm_rounds=1 rounds=3 pairs=50 rate=2000 duration=10 warmup=3 window=8 body=64 threads="" encoding=json
relay_port=19090 stoa_http_port=18080 stoa_tcp_port=17070
relay_only=false stoa_http="" admin_secret="" keep=false baseline=""
stoa_start_timeout=${STOA_START_TIMEOUT:-900}   # the first bin/stoa start may build the project
for arg in "$@"; do
  case "$arg" in
    --rounds=*) rounds=${arg#*=} ;;
    --warm-rounds=*) warm_rounds=${arg#*=} ;;
    --pairs=*) pairs=${arg#*=} ;;
    --rate=*) rate=${arg#*=} ;;
    --duration=*) duration=${arg#*=} ;;
    --warmup=*) warmup=${arg#*=} ;;
    --window=*) window=${arg#*=} ;;
    --body-bytes=*) body=${arg#*=} ;;
    --threads=*) threads=${arg#*=} ;;
    --encoding=*) encoding=${arg#*=} ;;
    --relay-port=*) relay_port=${arg#*=} ;;
    --stoa-http-port=*) stoa_http_port=${arg#*=} ;;
    --stoa-tcp-port=*) stoa_tcp_port=${arg#*=} ;;
    --relay-only) relay_only=true ;;
    --stoa-http=*) stoa_http=${arg#*=} ;;
    --admin-secret=*) admin_secret=${arg#*=} ;;
    --keep) keep=true ;;
    --baseline=*) baseline=${arg#*=} ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run-c2c: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
for n in warm_rounds rounds pairs rate duration warmup window body; do
  [[ ${!n} =~ ^[0-9]+$ ]] && [ "${!n}" -ge 0 ] || { echo "run-c2c: --$n must be a number, got '${!n}'" >&2; exit 2; }
done
[ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] || { echo "run-c2c: --rounds must be in 1..20, got $rounds" >&2; exit 2; }
if [ -n "$stoa_http" ] && [ -z "$admin_secret" ]; then
  echo "run-c2c: --stoa-http needs --admin-secret" >&2; exit 2
fi

# ---- JDK >= 25, found the same way as bin/stoa ----
. "$root/bin/jdk.sh"
stoa_find_jdk
java="$JAVA_HOME/bin/java"

# ---- build the bench jar when missing or older than its sources ----
if [ ! -f "$jar" ] || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" "$root/proto/src" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "run-c2c: building bench/target/benchmarks.jar ..." >&2
  (cd "$root" && timeout 1200 ./mvnw -B -q -ntp -DskipTests -pl bench -am install >&2)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/stoa-c2c.XXXXXX")
results="$work/results.jsonl"
relay_pid="" stoa_pid="" before_pid=""

stop_pid() {  # stop_pid PID NAME: TERM, up to 30 s, then KILL
  local pid=$1 name=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "run-c2c: $name (pid $pid) did not stop in 30 s; killing" >&2
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$before_pid" stoa-before
  stop_pid "$stoa_pid" stoa
  stop_pid "$relay_pid" relay
  if [ "$keep" = true ]; then
    echo "run-c2c: logs and results kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_status() {  # http_status URL -> prints the HTTP status code, or 000
  if command -v curl >/dev/null; then
    curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" || true
  else
    local hostport=${1#http://}; hostport=${hostport%%/*}; local path="/${1#http://*/}"
    (exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" && printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3 \
      && timeout 2 head -n 1 <&3 | awk '{print $2}') 2>/dev/null || echo 000
  fi
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: polls every 0.2 s
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "run-c2c: $what not ready within $limit s" >&2
      return 1
    fi
    sleep 0.2
  done
}

cores=$(nproc 2>/dev/null || echo 2)
threads=${threads:-$cores}
echo "run-c2c: JDK $JAVA_HOME; $cores cores; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "run-c2c: the generator, the relay and Stoa share these cores; numbers are for comparison on this machine"

# start_stoa CHECKOUT NAME HTTP_PORT TCP_PORT CLUSTER_PORT: that checkout's bin/stoa standalone,
# waited for; sets started_pid and started_secret. The per-connection rate limit (default 50
# frames/s) would cap every closed-loop client long before the server; the relay has none either.
start_stoa() {
  local checkout=$1 name=$2 http_port=$3 tcp_port=$4 cluster_port=$5
  started_secret="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  "$checkout/bin/stoa" standalone --data.dir="$work/$name-data" --host=127.0.0.1 --http.port="$http_port" \
    --tcp.port="$tcp_port" --admin.secret="$started_secret" --cluster.name="stoa-bench-$name-$$" \
    --cluster.port="$cluster_port" --gateway.rate.per.second=1000000 --gateway.rate.burst=1000000 \
    ${STOA_EXTRA_ARGS:-} >"$work/$name.log" 2>&1 &
  started_pid=$!
  local pid=$started_pid
  up() {
    kill -0 "$pid" 2>/dev/null || { echo "run-c2c: $name ($checkout) exited; log:" >&2; tail -n 40 "$work/$name.log" >&2; exit 1; }
    [ "$(http_status "http://127.0.0.1:$http_port/health")" = 200 ]
  }
  wait_for "$stoa_start_timeout" "$name standalone" up || { tail -n 40 "$work/$name.log" >&2; exit 1; }
  echo "run-c2c: $name ($checkout) up on http://127.0.0.1:$http_port (data in $work/$name-data)"
}

# ---- bare relay ----
port_free "$relay_port" || { echo "run-c2c: port $relay_port is taken; pass --relay-port=" >&2; exit 1; }
"$java" -Xms512m -Xmx1g -cp "$jar" dev.stoa.bench.BareRelay --host=127.0.0.1 --port="$relay_port" \
  --instances="$cores" >"$work/relay.log" 2>&1 &
relay_pid=$!
wait_for 30 "bare relay" grep -q "listening" "$work/relay.log" || { cat "$work/relay.log" >&2; exit 1; }

# ---- Stoa standalone (or an already running one) ----
stoa_ws=""
if [ "$relay_only" = true ]; then
  echo "run-c2c: --relay-only: Stoa not run"
elif [ -n "$stoa_http" ]; then
  stoa_ws="ws://${stoa_http#http://}/v1/ws"
  [ "$(http_status "$stoa_http/health")" = 200 ] || { echo "run-c2c: $stoa_http/health is not 200" >&2; exit 1; }
elif [ ! -x "$root/bin/stoa" ]; then
  echo "run-c2c: bin/stoa not found: Stoa half skipped (rerun when it exists, or pass --stoa-http=... --admin-secret=...)"
else
  port_free "$stoa_http_port" || { echo "run-c2c: port $stoa_http_port is taken; pass --stoa-http-port=" >&2; exit 1; }
  port_free "$stoa_tcp_port" || { echo "run-c2c: port $stoa_tcp_port is taken; pass --stoa-tcp-port=" >&2; exit 1; }
  start_stoa "$root" stoa "$stoa_http_port" "$stoa_tcp_port" 5701
  stoa_pid=$started_pid admin_secret=$started_secret
  stoa_http="http://127.0.0.1:$stoa_http_port"
  stoa_ws="ws://127.0.0.1:$stoa_http_port/v1/ws"
fi

# ---- the baseline build, beside it ----
before_ws=""
if [ -n "$baseline" ]; then
  [ -x "$baseline/bin/stoa" ] || { echo "run-c2c: --baseline=$baseline has no bin/stoa" >&2; exit 2; }
  before_http_port=$((stoa_http_port + 1)) before_tcp_port=$((stoa_tcp_port + 1))
  port_free "$before_http_port" && port_free "$before_tcp_port" \
    || { echo "run-c2c: ports $before_http_port/$before_tcp_port are taken" >&2; exit 1; }
  start_stoa "$baseline" before "$before_http_port" "$before_tcp_port" 5801
  before_pid=$started_pid before_secret=$started_secret
  before_http="http://127.0.0.1:$before_http_port"
  before_ws="ws://127.0.0.1:$before_http_port/v1/ws"
fi

# ---- rounds ----
common=(--pairs="$pairs" --duration="$duration" --warmup="$warmup" --body-bytes="$body" --threads="$threads"
        --window="$window" --drain=10 --connect-timeout=60)
bound=$((2 * 60 + warmup + duration + 10 + 60))
load() {  # load TARGET MODE
  local target=$1 mode=$2 args=()
  if [ "$target" = relay ]; then
    args=(--target=relay --url="ws://127.0.0.1:$relay_port/relay" --server-pid="$relay_pid")
  elif [ "$target" = stoa-before ]; then
    args=(--target=stoa --url="$before_ws" --http="$before_http" --admin-secret="$before_secret"
          --encoding="$encoding" --server-pid="$before_pid")
  else
    args=(--target=stoa --url="$stoa_ws" --http="$stoa_http" --admin-secret="$admin_secret" --encoding="$encoding")
    # bin/stoa execs the JVM, so its pid is the server's; an external Stoa is not measured
    if [ -n "$stoa_pid" ]; then args+=(--server-pid="$stoa_pid"); fi
  fi
  if [ "$mode" = max ]; then args+=(--max-rate); else args+=(--rate="$rate"); fi
  echo "--- round $round: $target $mode"
  if ! timeout "$bound" "$java" -Xms1g -Xmx1g -cp "$jar" dev.stoa.bench.C2cLoad "${args[@]}" "${common[@]}" \
      >"$work/run.out" 2>"$work/run.err"; then
    echo "run-c2c: $target $mode run failed or timed out after $bound s:" >&2
    cat "$work/run.err" >&2
  fi
  if [ "$target" = stoa-before ]; then
    grep '^{' "$work/run.out" | sed 's/"target":"stoa"/"target":"stoa-before"/' >>"$sink" || true
  else
    grep '^{' "$work/run.out" >>"$sink" || true
  fi
  grep -v '^{' "$work/run.out" || true
}
# Warm-up rounds run the same loads against the same processes and are not summarized: on a
# 2-core machine the first minute of a fresh JVM is JIT compilation competing with the load.
sink="$work/warmup.jsonl"
for round in $(seq 1 "$warm_rounds"); do
  round="warm-up $round"
  load relay open
  if [ -n "$stoa_ws" ]; then load stoa open; fi
  if [ -n "$before_ws" ]; then load stoa-before open; fi
  load relay max
  if [ -n "$stoa_ws" ]; then load stoa max; fi
  if [ -n "$before_ws" ]; then load stoa-before max; fi
done
sink="$results"
for round in $(seq 1 "$rounds"); do
  load relay open
  if [ -n "$stoa_ws" ]; then load stoa open; fi
  if [ -n "$before_ws" ]; then load stoa-before open; fi
  load relay max
  if [ -n "$stoa_ws" ]; then load stoa max; fi
  if [ -n "$before_ws" ]; then load stoa-before max; fi
done

echo
echo "=== summary: $rounds round(s), $pairs pairs, $body-byte bodies, open loop at $rate msg/s, max-rate window $window ==="
"$java" -cp "$jar" dev.stoa.bench.C2cSummary "$results"
cp "$results" "$root/bench/target/c2c-results.jsonl" 2>/dev/null && echo "(raw results: bench/target/c2c-results.jsonl)"
