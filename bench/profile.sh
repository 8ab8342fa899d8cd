#!/usr/bin/env bash
# CPU profile of a running Stoa (or any JVM) with async-profiler, per thread, in collapsed-stack
# form, plus a summary of where the time went by thread group.
#
#   bench/profile.sh PID [--seconds=20] [--event=cpu] [--out=bench/target/profile]
#
# async-profiler comes from Maven Central (tools.profiler:async-profiler, the jar carries the
# native library); it is loaded into PID through the JDK's attach API, started, and stopped after
# --seconds. Drive load meanwhile (bench/run-c2c.sh --stoa-http=... or C2cLoad). Writes
# OUT.collapsed (one stack per line, '[thread name tid=N];frame;...;frame count') and prints the
# top thread groups, the share spent in the kernel, and the top self frames.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
version=4.1
pid="" seconds=20 event=cpu out="$root/bench/target/profile"
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds=${arg#*=} ;;
    --event=*) event=${arg#*=} ;;
    --out=*) out=${arg#*=} ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "profile: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
    *) pid=$arg ;;
  esac
done
[[ $pid =~ ^[0-9]+$ ]] || { echo "profile: PID must be a process id, got '$pid'" >&2; exit 2; }
[[ $seconds =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] \
  || { echo "profile: --seconds must be in 1..600, got '$seconds'" >&2; exit 2; }
[[ $event =~ ^(cpu|itimer|wall|alloc|lock)$ ]] || { echo "profile: --event must be cpu, itimer, wall, alloc or lock" >&2; exit 2; }
kill -0 "$pid" 2>/dev/null || { echo "profile: no process $pid" >&2; exit 1; }
case "$(uname -m)" in
  x86_64) arch=linux-x64 ;;
  aarch64) arch=linux-arm64 ;;
  *) echo "profile: no async-profiler library for $(uname -m)" >&2; exit 1 ;;
esac

. "$root/bin/jdk.sh"
stoa_find_jdk
java="$JAVA_HOME/bin/java"

repo=$("$root/mvnw" -q -B help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || echo "$HOME/.m2/repository")
jar="$repo/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
if [ ! -f "$jar" ]; then
  echo "profile: fetching tools.profiler:async-profiler:$version from Maven Central ..." >&2
  (cd "$root" && timeout 300 ./mvnw -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$version" >&2)
fi
lib_dir="$root/bench/target/async-profiler-$version"
lib="$lib_dir/$arch/libasyncProfiler.so"
if [ ! -f "$lib" ]; then
  mkdir -p "$lib_dir"
  (cd "$lib_dir" && "$JAVA_HOME/bin/jar" xf "$jar" "$arch/libasyncProfiler.so")
fi

mkdir -p "$(dirname "$out")"
attach() { "$java" "$root/bench/profiling/AttachAgent.java" "$pid" "$lib" "$1"; }
attach "start,event=$event,interval=1ms,threads"
echo "profile: profiling pid $pid for $seconds s (event $event) ..." >&2
sleep "$seconds"
attach "stop,file=$out.collapsed,collapsed"
echo "profile: wrote $out.collapsed" >&2
python3 "$root/bench/profiling/summarize.py" "$out.collapsed"
