#!/usr/bin/env bash
# A gateway's heap under misbehaving clients (issue 16, §2): starts a standalone node on a fresh
# temp data directory (the launcher jar, as bin/stoa runs it), runs bench/MisbehavingClients
# against it (slow readers that never read, flooders, a user hoarding connections, a connection
# joining hundreds of rooms, clients that skip connect), and prints the node's heap after a full
# GC before, during and after, and whether every client got its documented answer.
#
#   bench/misbehave-heap.sh [--seconds=60] [--http-port=18280] [--keep] [-- MisbehavingClients flags...]
#
# Needs launcher/target and bench/target/benchmarks.jar built (./mvnw -pl bench -am package -DskipTests).
# Every wait is bounded; the node is killed on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=60 http_port=18280 keep=false extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds=*) seconds=${1#*=} ;;
    --http-port=*) http_port=${1#*=} ;;
    --keep) keep=true ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "misbehave-heap: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $seconds =~ ^[0-9]+$ ]] && [ "$seconds" -ge 5 ] && [ "$seconds" -le 3600 ] \
  || { echo "misbehave-heap: --seconds must be in 5..3600" >&2; exit 2; }
. "$root/bin/jdk.sh"
stoa_find_jdk
for f in "$root/launcher/target/stoa-launcher.jar" "$root/bench/target/benchmarks.jar"; do
  [ -f "$f" ] || { echo "misbehave-heap: $f is missing: build first" >&2; exit 2; }
done
read -r -a jvm_flags < "$root/launcher/target/jvm.flags"
data=$(mktemp -d /tmp/stoa-misbehave.XXXXXX)
secret=misbehave-secret-0123456789
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if $keep; then echo "misbehave-heap: kept $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT INT TERM
"$JAVA_HOME/bin/java" "${jvm_flags[@]}" ${STOA_JAVA_OPTS:-} -cp "$root/launcher/target/stoa-launcher.jar:$root/launcher/target/lib/*" \
  dev.stoa.launcher.StoaMain standalone --data.dir="$data/node" --admin.secret="$secret" \
  --http.port="$http_port" --tcp.port=0 --cluster.port=15901 >"$data/node.log" 2>&1 &
pid=$!
for i in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$http_port/health" || true)" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$data/node.log" >&2; exit 1; }
  sleep 0.1
done
"$JAVA_HOME/bin/java" -cp "$root/bench/target/benchmarks.jar" dev.stoa.bench.MisbehavingClients \
  --http="http://127.0.0.1:$http_port" --admin-secret="$secret" --pid="$pid" --seconds="$seconds" "${extra[@]}"
