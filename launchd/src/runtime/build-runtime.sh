#!/usr/bin/env bash
# Builds a jlink runtime image for the helper daemon:
#   <out>/bin/java ...            the linked JDK subset (modules from jdeps, plus service-loaded ones)
#   <out>/app/*.jar               the helper and its runtime dependencies
#   <out>/bin/tunnel-helper       launcher (the unit's default ExecStart is /opt/tunnel-helper/bin/tunnel-helper)
# Usage: build-runtime.sh JAVA_HOME HELPER_TARGET_DIR OUT_DIR [COMPRESS]
# COMPRESS is jlink's --compress level, 0 by default: a compressed lib/modules is ~25 MiB smaller
# but every class read from it is inflated into memory, which measured +8 MiB idle RSS and slower
# start-up (docs/performance.md, "Runtime image"); release archives compress the file anyway.
# Needs helper/target/classpath.txt and helper/target/helper-*.jar (./mvnw -DskipTests install builds them).
set -euo pipefail
java_home=$1 helper_target=$2 out=$3 compress=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)

cp_file="$helper_target/classpath.txt"
helper_jar=$(ls "$helper_target"/helper-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -n1 || true)
if [ ! -f "$cp_file" ] || [ -z "$helper_jar" ]; then
  echo "build-runtime: $cp_file or $helper_target/helper-*.jar missing; build the helper first:" >&2
  echo "  ./mvnw -B -DskipTests install" >&2
  exit 1
fi

# classpath.txt can name non-jar artifacts (junixsocket-core is a pom); only jars belong on the path.
jars=("$helper_jar")
while IFS= read -r entry || [ -n "$entry" ]; do
  case "$entry" in *.jar) jars+=("$entry") ;; esac
done < <(tr ':' '\n' < "$cp_file")

# Static dependencies as jdeps sees them across every jar (multi-release jars analysed as 17). All
# jars are inputs rather than --class-path so every library counts, not only what the helper's own
# packages reach (that would miss e.g. logback's JNDI lookup in java.naming). jdeps prints warnings
# on stdout too, so keep only the final module list.
detected=$("$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "${jars[@]}" \
  | tail -n1)
case "$detected" in java.base*) ;; *) echo "build-runtime: jdeps gave no module list: $detected" >&2; exit 1 ;; esac
# Loaded through ServiceLoader/Provider lookup, so invisible to jdeps:
#   jdk.crypto.ec   SunEC: Ed25519 signatures, EC/X25519 for TLS (in java.base only from JDK 22)
#   jdk.localedata  not needed: the helper logs and parses in the root locale
extra=jdk.crypto.ec
modules="$detected,$extra"
echo "build-runtime: modules $modules"

rm -rf "$out"
"$java_home/bin/jlink" \
  --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress="$compress" \
  --generate-cds-archive \
  --output "$out"

mkdir -p "$out/app"
cp "${jars[@]}" "$out/app/"
cat > "$out/bin/tunnel-helper" <<'LAUNCHER'
#!/bin/sh
# Runs the helper on this image's own java. Resolves symlinks to itself (e.g. /usr/local/bin/tunnel-helper)
# without readlink -f, which older macOS lacks.
self=$0
while [ -L "$self" ]; do
  target=$(readlink "$self")
  case "$target" in /*) self=$target ;; *) self=$(dirname "$self")/$target ;; esac
done
bin=$(cd "$(dirname "$self")" && pwd -P)
# The daemon's JVM options and malloc arenas, as bin/tunnel-helper in the repository passes them
# (docs/performance.md, "JVM flags chosen for a small resident daemon").
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec "$bin/java" @DAEMON_JVM_OPTIONS@ ${TUNNEL_HELPER_JAVA_OPTS:-} \
  -cp "$bin/../app/*" dev.tunnelhelper.helper.HelperMain "$@"
LAUNCHER
# The one list of the daemon's options (launchd's daemon-jvm-options resource, which the macOS
# bundle's launcher reads too), written into the launcher: the image carries no source tree.
options=$(sed -e 's/#.*//' "$here/../main/resources/dev/tunnelhelper/launchd/daemon-jvm-options" | xargs)
sed -e "s|@DAEMON_JVM_OPTIONS@|$options|" "$out/bin/tunnel-helper" > "$out/bin/tunnel-helper.new"
mv "$out/bin/tunnel-helper.new" "$out/bin/tunnel-helper"
chmod 0755 "$out/bin/tunnel-helper"
echo "$modules" > "$out/app/modules.txt"

# Prove the image can do what jdeps cannot vouch for, then that the helper starts on it at all.
check_dir=$(mktemp -d)
trap 'rm -rf "$check_dir"' EXIT
"$java_home/bin/javac" --release 17 -d "$check_dir" "$here/RuntimeSelfCheck.java"
"$out/bin/java" -cp "$check_dir" RuntimeSelfCheck
"$out/bin/tunnel-helper" --help > "$check_dir/help.txt" 2>&1 || {
  cat "$check_dir/help.txt" >&2
  echo "build-runtime: the helper does not start on the linked image" >&2
  exit 1
}
echo "build-runtime: $(du -sh "$out" | cut -f1) image at $out"
