#!/usr/bin/env bash
# Compares the helper's jlink runtime image (launchd -Pruntime) with the full JDK it was linked from:
# image size, time from process start until D/run/app.sock exists, and idle RSS after 5 s.
# Both runs use the same helper jars (the image's app/ directory); only the Java runtime differs.
#
# Usage: scripts/measure-runtime.sh [RUNS]        (default 5 runs per runtime, alternating)
# Needs: ./mvnw -B -DskipTests install && ./mvnw -B -pl launchd -Pruntime -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
image=${RUNTIME_IMAGE:-launchd/target/tunnel-helper-runtime}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

if [ ! -x "$image/bin/tunnel-helper" ]; then
  echo "measure-runtime: $image missing; build it with: ./mvnw -B -pl launchd -Pruntime -DskipTests package" >&2
  exit 1
fi

kib() { du -sk "$@" | awk '{s += $1} END {print s}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

echo "## sizes (du -sk)"
echo "image            $(mib "$(kib "$image")") MiB   ($image)"
echo "  lib/modules    $(mib "$(kib "$image/lib/modules")") MiB"
echo "  lib/server     $(mib "$(kib "$image/lib/server")") MiB   (libjvm.so + CDS archives)"
echo "  app/           $(mib "$(kib "$image/app")") MiB   (helper jars, the same for both)"
echo "full JDK         $(mib "$(kib "$jdk")") MiB   ($jdk)"
echo "  without jmods/ $(mib "$(( $(kib "$jdk") - $(kib "$jdk/jmods") ))") MiB   (what a JDK install must ship to run)"
echo "modules: $(cat "$image/app/modules.txt")"

# One run: start, poll for the socket every 5 ms, then sample VmRSS 5 s after start, then stop it.
measure() {
  local label=$1; shift
  local dir; dir=$(mktemp -d)
  local start_ns; start_ns=$(date +%s%N)
  "$@" run --state-dir "$dir" >"$dir/out.log" 2>&1 &
  local pid=$!
  local listen_ms=""
  for _ in $(seq 1 6000); do
    if [ -S "$dir/run/app.sock" ]; then
      listen_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.005
  done
  if [ -z "$listen_ms" ]; then
    echo "measure-runtime: $label never listened; its output:" >&2
    cat "$dir/out.log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  local wait_s; wait_s=$(awk -v n="$(( $(date +%s%N) - start_ns ))" 'BEGIN {w = 5 - n / 1e9; print (w > 0 ? w : 0)}')
  sleep "$wait_s"
  local rss; rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  printf '%-6s listening after %5d ms   VmRSS at 5 s %7d KiB\n' "$label" "$listen_ms" "$rss"
  echo "$listen_ms $rss" >> "$results/$label"
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2))}'; }
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo
echo "## $runs runs each, alternating (time to D/run/app.sock; VmRSS from /proc/<pid>/status)"
full_java="$jdk/bin/java"
for i in $(seq 1 "$runs"); do
  # The image's launcher execs java, so $! is the JVM itself in both cases.
  measure jlink "$image/bin/tunnel-helper"
  measure jdk "$full_java" -cp "$image/app/*" dev.tunnelhelper.helper.HelperMain
done

echo
echo "## medians over $runs runs (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
for label in jlink jdk; do
  printf '%-6s listening after %5d ms   VmRSS at 5 s %7d KiB\n' "$label" \
    "$(cut -d' ' -f1 "$results/$label" | median)" "$(cut -d' ' -f2 "$results/$label" | median)"
done
