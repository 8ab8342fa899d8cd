#!/usr/bin/env bash
# A/B of two Stoa builds by CPU at a fixed offered rate, where the throughput of a saturated run on
# a shared 2-core machine is too noisy to show a 10% change. Alternates the builds; for each run:
# a fresh standalone node on its own data directory, a warm-up at max rate, then --seconds at
# --rate msg/s, and the CPU each thread group of the server used in that window, read from /proc.
#
#   bench/ab-fixed-rate.sh --base=<checkout> [--head=<this checkout>] [--runs=3] [--rate=8000]
#                          [--seconds=60] [--warm=20] [--encoding=binary|json] [--pairs=50]
#
# Each checkout must be built (./mvnw -o package -DskipTests); the generator is this checkout's
# bench jar for both. Output: one line per run with delivered msg/s, p50/p99 ms, server CPU per
# message and the largest thread groups in CPU seconds. Every wait has a time limit; the nodes
# started here are killed on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
base="" head="$root" runs=3 rate=8000 seconds=60 warm=20 encoding=binary pairs=50
for arg in "$@"; do
  case "$arg" in
    --base=*) base=${arg#*=} ;;
    --head=*) head=${arg#*=} ;;
    --runs=*) runs=${arg#*=} ;;
    --rate=*) rate=${arg#*=} ;;
    --seconds=*) seconds=${arg#*=} ;;
    --warm=*) warm=${arg#*=} ;;
    --encoding=*) encoding=${arg#*=} ;;
    --pairs=*) pairs=${arg#*=} ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "ab-fixed-rate: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$base" ] || { echo "ab-fixed-rate: --base=<checkout> is required" >&2; exit 2; }
for n in runs rate seconds warm pairs; do
  [[ ${!n} =~ ^[0-9]+$ ]] && [ "${!n}" -ge 1 ] || { echo "ab-fixed-rate: --$n must be a positive number, got '${!n}'" >&2; exit 2; }
done
[ "$runs" -le 20 ] || { echo "ab-fixed-rate: --runs must be at most 20, got $runs" >&2; exit 2; }
case "$encoding" in json|binary) ;; *) echo "ab-fixed-rate: --encoding must be json or binary" >&2; exit 2 ;; esac
for side in "$base" "$head"; do
  [ -x "$side/bin/stoa" ] || { echo "ab-fixed-rate: $side has no bin/stoa" >&2; exit 2; }
  ls "$side"/launcher/target/*.jar > /dev/null 2>&1 || { echo "ab-fixed-rate: $side is not built (launcher/target)" >&2; exit 2; }
done
command -v python3 > /dev/null || { echo "ab-fixed-rate: needs python3 to read /proc" >&2; exit 2; }
jar="$head/bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "ab-fixed-rate: $jar missing; build the bench module" >&2; exit 2; }

. "$root/bin/jdk.sh"
stoa_find_jdk
java="$JAVA_HOME/bin/java"

http_port=18380 tcp_port=17370 secret=ab-secret-0123456789abcdef
work=$(mktemp -d /tmp/stoa-ab.XXXXXX)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill -9 "$node_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# CPU seconds per thread group of a process: thread names with their numbers folded
thread_cpu() {
  python3 - "$1" <<'EOF'
import os, re, sys, json
pid, tick, out = sys.argv[1], os.sysconf('SC_CLK_TCK'), {}
for t in os.listdir(f'/proc/{pid}/task'):
    try:
        s = open(f'/proc/{pid}/task/{t}/stat').read()
    except OSError:
        continue
    name = re.sub(r'\d+', 'N', re.sub(r'[-#]?\d+$', '', s[s.index('(') + 1:s.rindex(')')]))
    f = s[s.rindex(')') + 2:].split()
    out[name] = out.get(name, 0) + (int(f[11]) + int(f[12])) / tick
print(json.dumps(out))
EOF
}

cpu_diff() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
d = sorted(((k, b[k] - a.get(k, 0)) for k in b), key=lambda kv: -kv[1])
print('threads %.1f s: ' % sum(v for _, v in d) + ' '.join('%s=%.1f' % (k[:20], v) for k, v in d[:8]))
EOF
}

load() { # seconds, extra args...
  local s=$1; shift
  timeout $((s + 120)) "$java" -cp "$jar" dev.stoa.bench.C2cLoad --target=stoa \
    --url="ws://127.0.0.1:$http_port/v1/ws" --http="http://127.0.0.1:$http_port" --admin-secret="$secret" \
    --pairs="$pairs" --duration="$s" --warmup=5 --encoding="$encoding" --server-pid="$node_pid" "$@" 2>&1 | grep '^stoa,' || true
}

one_run() { # label checkout
  local label=$1 checkout=$2 data="$work/data-$1-$RANDOM"
  (cd "$checkout" && exec bin/stoa standalone --data.dir="$data" --http.port=$http_port --tcp.port=$tcp_port \
    --admin.secret=$secret --cluster.name="ab-$label-$RANDOM" --gateway.rate.per.second=100000 \
    --gateway.rate.burst=100000) > "$work/node.log" 2>&1 &
  local starter=$!
  node_pid=""
  for _ in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$http_port/health" > /dev/null; then
      node_pid=$(pgrep -f "StoaMain.*data.dir=$data" | head -1)
      break
    fi
    sleep 1
  done
  [ -n "$node_pid" ] || { echo "ab-fixed-rate: $label did not start; log:" >&2; tail -20 "$work/node.log" >&2; exit 1; }
  load "$warm" --max-rate > /dev/null
  local before after result
  before=$(thread_cpu "$node_pid")
  result=$(load "$seconds" --rate="$rate" | sed -E 's/.*delivered ([0-9]+) msg.s.*p50 ([0-9.]+) p99 ([0-9.]+) .*server CPU ([0-9]+) us.msg.*/delivered \1 msg\/s p50 \2 ms p99 \3 ms server \4 us\/msg/')
  after=$(thread_cpu "$node_pid")
  echo "$label | $result | $(cpu_diff "$before" "$after")"
  kill -9 "$node_pid" 2>/dev/null || true
  wait "$starter" 2>/dev/null || true # reaped here, so the shell does not report the kill
  node_pid=""
  sleep 2
}

echo "ab-fixed-rate: base=$base head=$head, $runs runs each, $rate msg/s for $seconds s after $warm s at max rate, $encoding"
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then one_run head "$head"; one_run base "$base"; else one_run base "$base"; one_run head "$head"; fi
done
