#!/bin/sh
# Writes the AppCDS archives bin/_launch maps at start (helper/target/launch.jsa and
# app-client/target/launch.jsa) from a training run of what they start: the helper daemon until
# it listens (run --state-dir in a new temp directory, then SIGTERM), and `app-client ping`
# against it. The JVM writes each archive as it exits (-XX:ArchiveClassesAtExit), listing every
# class that run loaded from the JDK and from the jars on the launch classpath.
# Run by the helper module's package phase, after the jars and classpath.txt files exist.
#   scripts/build-cds-archives.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
helper_archive="$root/helper/target/launch.jsa"
client_archive="$root/app-client/target/launch.jsa"
work=$(mktemp -d "${TMPDIR:-/tmp}/tunnel-helper-cds.XXXXXX")
helper_pid=""
cleanup() {
  if [ -n "$helper_pid" ]; then kill "$helper_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -f "$helper_archive" "$client_archive"

TUNNEL_HELPER_JAVA_OPTS="-XX:ArchiveClassesAtExit=$helper_archive" \
  "$root/bin/tunnel-helper" run --state-dir "$work/state" >"$work/helper.log" 2>&1 &
helper_pid=$!
tries=0
until [ -S "$work/state/run/app.sock" ]; do
  if ! kill -0 "$helper_pid" 2>/dev/null || [ $tries -ge 600 ]; then
    echo "build-cds-archives: the training helper did not listen within 60 s; its output:" >&2
    cat "$work/helper.log" >&2
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.1
done
if [ -f "$root/app-client/target/classpath.txt" ]; then
  TUNNEL_HELPER_JAVA_OPTS="-XX:ArchiveClassesAtExit=$client_archive" \
    "$root/bin/app-client" ping --state-dir "$work/state" >"$work/ping.log" 2>&1 || {
    echo "build-cds-archives: app-client ping failed during training:" >&2
    cat "$work/ping.log" >&2
    exit 1
  }
fi
kill -TERM "$helper_pid"
status=0
wait "$helper_pid" || status=$?
helper_pid=""
if [ "$status" -ne 0 ] || [ ! -f "$helper_archive" ]; then
  echo "build-cds-archives: the training helper exited with status $status without an archive; its output:" >&2
  cat "$work/helper.log" >&2
  exit 1
fi
for archive in "$helper_archive" "$client_archive"; do
  if [ -f "$archive" ]; then echo "build-cds-archives: wrote $archive"; fi
done
