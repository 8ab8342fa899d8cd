# Sourced by bin/stoa and bench/restart-time.sh: the JDK 25 ahead-of-time cache of the launcher
# (JEP 483/514: classes loaded and linked, and method profiles, from a training run), which
# halves the time from `java` to a node that serves. The cache lives beside the jar it was
# trained on, launcher/target/stoa.aot, and is trained again whenever the jar is newer.
# STOA_AOT=off starts without it. A cache the JVM cannot use (other JDK, other flags) is
# ignored by the JVM with a warning; a training run that fails leaves no cache and never stops
# a start.

# stoa_aot_cache ROOT: the cache file of the launcher jar under ROOT.
stoa_aot_cache() {
  echo "$1/launcher/target/stoa.aot"
}

# stoa_aot_fresh ROOT: true if the cache exists and is newer than the jar.
stoa_aot_fresh() {
  local cache jar
  cache=$(stoa_aot_cache "$1")
  jar="$1/launcher/target/stoa-launcher.jar"
  [ -f "$cache" ] && [ ! "$jar" -nt "$cache" ]
}

# stoa_aot_train ROOT JVM_FLAG...: one training run: a standalone node on a throwaway data
# directory and free ports, a few HTTP calls over the paths every start and every message take,
# then a graceful stop, at which the JVM writes the cache. Bounded: 90 s to come up, 60 s to stop.
stoa_aot_train() {
  local root=$1; shift
  local cache work log pid port i secret token_a token_b
  cache=$(stoa_aot_cache "$root")
  work=$(mktemp -d /tmp/stoa-aot.XXXXXX)
  log="$work/train.log"
  secret="aot-training-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "stoa: training the start-up cache (once per build, about 15 s; STOA_AOT=off skips it)..." >&2
  "$JAVA_HOME/bin/java" "$@" -XX:AOTCacheOutput="$cache.tmp" \
    -cp "$root/launcher/target/stoa-launcher.jar:$root/launcher/target/lib/*" dev.stoa.launcher.StoaMain \
    standalone --data.dir="$work/data" --http.port=0 --tcp.port=0 --admin.secret="$secret" >"$log" 2>&1 &
  pid=$!
  port=""
  for i in $(seq 1 180); do
    port=$(sed -n 's/^stoa: node .* up with roles .*HTTP\/WebSocket on [^:]*:\([0-9]*\),.*/\1/p' "$log" | head -n 1)
    [ -n "$port" ] || ! kill -0 "$pid" 2>/dev/null || { sleep 0.5; continue; }
    break
  done
  if [ -n "$port" ]; then
    token_a=$(curl -s -m 10 -X POST "127.0.0.1:$port/v1/tokens" -H "Authorization: Bearer $secret" \
      -d '{"userId":"alice","deviceId":"laptop"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    token_b=$(curl -s -m 10 -X POST "127.0.0.1:$port/v1/tokens" -H "Authorization: Bearer $secret" \
      -d '{"userId":"bob","deviceId":"phone"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    for i in 1 2 3 4 5; do
      curl -s -m 10 -o /dev/null -X POST "127.0.0.1:$port/v1/messages" -H "Authorization: Bearer $token_a" \
        -d "{\"clientMsgId\":\"aot-$i\",\"sessionId\":\"user:bob\",\"body\":\"training $i\"}" || true
    done
    curl -s -m 10 -o /dev/null "127.0.0.1:$port/v1/sync?cursor=0&limit=10" -H "Authorization: Bearer $token_b" || true
    curl -s -m 10 -o /dev/null "127.0.0.1:$port/v1/sessions/c2c:alice:bob/messages?afterSeq=0&limit=10" \
      -H "Authorization: Bearer $token_b" || true
    curl -s -m 10 -o /dev/null "127.0.0.1:$port/metrics" || true
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  if [ -n "$port" ] && [ -s "$cache.tmp" ]; then
    mv -f "$cache.tmp" "$cache"
  else
    rm -f "$cache.tmp"
    echo "stoa: training the start-up cache failed; starting without it (log: $log)" >&2
    return 0
  fi
  rm -rf "$work"
}
