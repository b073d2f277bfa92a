#!/usr/bin/env bash
# Soak test: N start/stop cycles of a real session against the reference tunnel, each mixed with
# the app's GetPeerState, subscribe/unsubscribe and wake, with the helper as its own process.
#
#   scripts/soak.sh [--cycles N] [--lock] [--fd-audit]     (default 100; as root, with /dev/net/tun)
#
# The last line is `soak: N cycles, fd delta D, thread delta T, rss delta R KiB`: the helper's open
# descriptors, threads and resident memory after cycle N minus after cycle 1, each read from /proc
# right after a full GC (jcmd GC.run). The line before it gives the mean time of a cycle and of
# its steps. It creates a TUN device (thsoak0) and routes: run it in a network namespace of its
# own, so they collide with nothing else on the machine (docs/testing.md), e.g.
#   unshare -n -m sh -c 'mount -t sysfs sysfs /sys && ip link set lo up && exec scripts/soak.sh'
# --lock: outside a namespace, hold the shared lock /tmp/th-verify.lock while the cycles run.
# --lock-held: accepted for older command lines; the soak takes no lock unless told to.
# --fd-audit: runs the helper under strace and with JFR, ends with SIGTERM while a session runs,
# then replays the strace log and fails when the helper closed a descriptor it did not own; it
# prints `fd audit: N closes in the helper, F of a descriptor it did not own` (and each such close)
# between the timing line and the last line. It needs strace; the soak without it does not.
# SOAK_HELPER_WRAPPER puts a command in front of the helper's JVM (e.g. strace -f -Z -e trace=close -o F).
# The build runs in this checkout: do not rebuild it while a soak runs from it.
set -euo pipefail
cd "$(dirname "$0")/.."

cycles=100
lock=""
audit=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --lock) lock=1; shift ;;
    --lock-held) shift ;;
    --fd-audit) audit=--fd-audit; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
  echo "soak.sh: needs root and /dev/net/tun (it starts real tunnels)" >&2
  exit 2
fi
if [ -n "$audit" ] && ! command -v strace >/dev/null; then
  echo "soak.sh: --fd-audit needs strace, which is not installed (Debian/Ubuntu: apt-get install strace)" >&2
  exit 2
fi

echo "soak: compiling the helper and writing its test classpath" >&2
./mvnw -B -q -DskipTests -pl helper -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/soak-classpath.txt >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/tunnel-helper-soak.XXXXXX")
# Removed after a run that passed; kept after a failure, for the helper's own log (helper.out).
keep_on_failure() {
  rc=$?
  if [ "$rc" = 0 ]; then
    rm -rf "$work"
  else
    echo "soak.sh: failed (exit $rc); kept $work for inspection: helper.out is the helper's output" >&2
  fi
}
trap keep_on_failure EXIT
cd helper
if [ -n "$lock" ]; then
  exec 9>/tmp/th-verify.lock
  flock 9
fi
java -cp "target/test-classes:target/classes:$(cat target/soak-classpath.txt)" \
  dev.tunnelhelper.helper.soak.SoakDriver "$cycles" "$work" thsoak0 100.126 $audit
