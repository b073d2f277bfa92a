#!/bin/sh
# Writes the AppCDS archives the launchers map at start, from a training run of what they start:
# the helper daemon until it listens (run --state-dir in a new temp directory, then SIGTERM), and
# `app-client ping` against it.
#   scripts/build-cds-archives.sh              helper/target/launch.jsa and app-client/target/launch.jsa,
#                                              through bin/tunnel-helper and bin/app-client
#   scripts/build-cds-archives.sh LAUNCHER ARCHIVE
#                                              the helper's archive only, through another launcher that
#                                              honours TUNNEL_HELPER_JAVA_OPTS (the jlink image's)
# Each training JVM lists the classes it loads (-XX:DumpLoadedClassList); the list, with the
# JDK's own (lib/classlist, what its default archive holds, so classes a later session start
# needs still come mapped), is then dumped into a static archive (-Xshare:dump) through the same
# launcher, so the archive records exactly the classpath that launcher passes. A static archive,
# not a dynamic one (-XX:ArchiveClassesAtExit): on JDK 17 only a static archive can hold classes
# compiled for Java 5, which picocli's all are (docs/performance.md, "Start-up and footprint").
# Run by the helper module's package phase, after the jars and classpath.txt files exist.
# CDS_KEEP=1 keeps the work directory (class lists, dump and check logs) and prints where it is.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 2 ]; then
  helper_launcher=$1; helper_archive=$2; client_archive=""
elif [ $# -eq 0 ]; then
  helper_launcher="$root/bin/tunnel-helper"
  helper_archive="$root/helper/target/launch.jsa"
  client_archive=""
  if [ -f "$root/app-client/target/classpath.txt" ]; then client_archive="$root/app-client/target/launch.jsa"; fi
else
  echo "usage: build-cds-archives.sh [LAUNCHER ARCHIVE]" >&2
  exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tunnel-helper-cds.XXXXXX")
helper_pid=""
cleanup() {
  if [ -n "$helper_pid" ]; then kill "$helper_pid" 2>/dev/null || true; fi
  if [ -n "${CDS_KEEP:-}" ]; then echo "build-cds-archives: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -f "$helper_archive"
if [ -n "$client_archive" ]; then rm -f "$client_archive"; fi

# The class list of the JDK a launcher runs, beside its own (`java -XshowSettings:properties`
# names java.home; the jlink image has no lib/classlist of its own, only its default archive).
jdk_classlist() {
  java_home=$(TUNNEL_HELPER_JAVA_OPTS="-XshowSettings:properties" "$1" --version 2>&1 \
    | sed -n 's/^ *java.home = //p')
  if [ -f "$java_home/lib/classlist" ]; then cat "$java_home/lib/classlist"; fi
}

# dump LAUNCHER CLASSLIST ARCHIVE: the static archive of those classes on that launcher's classpath.
dump() {
  { cat "$2"; jdk_classlist "$1"; } >"$2.all"
  if ! TUNNEL_HELPER_JAVA_OPTS="-Xshare:dump -XX:SharedClassListFile=$2.all -XX:SharedArchiveFile=$3" \
    "$1" >"$2.dump.log" 2>&1 || [ ! -f "$3" ]; then
    echo "build-cds-archives: dumping $3 failed:" >&2
    cat "$2.dump.log" >&2
    exit 1
  fi
  # A class the dump leaves out is read from its jar and verified at every start. Picocli's (Java
  # 5 class files) are left out once something linked them while dumping: a lambda implementing
  # one of their interfaces, a method reference to one of their methods (dev.tunnelhelper.cli.Cli).
  if grep "Skipping .*: Old class has been linked" "$2.dump.log" >&2; then
    echo "build-cds-archives: $3 leaves out the classes above; build them without lambdas" >&2
    exit 1
  fi
  # The launcher must map it (-Xshare:on fails instead of running without it), and with it the
  # classes a dynamic archive could not hold.
  if ! TUNNEL_HELPER_JAVA_OPTS="-Xshare:on -Xlog:class+load=info:file=$2.loaded" "$1" --version \
    >"$2.check.log" 2>&1; then
    echo "build-cds-archives: $1 does not map $3:" >&2
    cat "$2.check.log" >&2
    exit 1
  fi
  if ! grep -q "picocli.CommandLine source: shared objects file" "$2.loaded"; then
    echo "build-cds-archives: $1 maps $3 but loads picocli from its jar" >&2
    exit 1
  fi
  echo "build-cds-archives: wrote $3"
}

TUNNEL_HELPER_JAVA_OPTS="-XX:DumpLoadedClassList=$work/helper.classlist" \
  "$helper_launcher" run --state-dir "$work/state" >"$work/helper.log" 2>&1 &
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
if [ -n "$client_archive" ]; then
  TUNNEL_HELPER_JAVA_OPTS="-XX:DumpLoadedClassList=$work/client.classlist" \
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
if [ "$status" -ne 0 ]; then
  echo "build-cds-archives: the training helper exited with status $status; its output:" >&2
  cat "$work/helper.log" >&2
  exit 1
fi
dump "$helper_launcher" "$work/helper.classlist" "$helper_archive"
if [ -n "$client_archive" ]; then
  dump "$root/bin/app-client" "$work/client.classlist" "$client_archive"
fi
