#!/usr/bin/env bash
# Runs every @FuzzTest of the reactor in fuzzing mode (Jazzer, JAZZER_FUZZ=1), one JVM per target,
# and prints executions and findings per target, then the totals.
#
#   scripts/fuzz.sh [--minutes N] [--only REGEX]
#
# --minutes N   fuzzing time per target (default 1; may be a fraction, e.g. 0.5)
# --only REGEX  only the targets whose Class#method matches REGEX (grep -E)
#
# A finding is written by Jazzer as crash-<sha1> into the target's committed corpus
# (src/test/resources/<package>/<Class>Inputs/<method>/), so `./mvnw verify` replays it from then on;
# the corpus Jazzer grows while fuzzing stays in <module>/.cifuzz-corpus/ (not committed).
# Exit status: 0 without findings, 1 with at least one.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=1
only=.
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

# Each target as "module class#method", found from the @FuzzTest annotations themselves.
mapfile -t targets < <(
  for file in $(grep -rl '@FuzzTest' --include='*.java' */src/test/java); do
    module=${file%%/src/test/java/*}
    class=${file#*/src/test/java/}; class=${class%.java}; class=${class//\//.}
    awk '/@FuzzTest/ { want = 1; next } want && match($0, /void [A-Za-z0-9_]+\(/) {
           print substr($0, RSTART + 5, RLENGTH - 6); want = 0 }' "$file" |
      while read -r method; do echo "$module $class#$method"; done
  done | grep -E -- "$only" || true)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no @FuzzTest matches '$only'" >&2
  exit 2
fi
modules=$(printf '%s\n' "${targets[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)

echo "fuzz: compiling $modules and writing their test classpaths" >&2
./mvnw -B -q -DskipTests -pl "$modules" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-classpath.txt >&2

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
total_runs=0
total_findings=0
for entry in "${targets[@]}"; do
  module=${entry%% *}
  target=${entry#* }
  log="$logs/$(echo "$target" | tr '#/' '__').log"
  inputs="$module/src/test/resources/$(echo "${target%%#*}" | tr . /)Inputs/${target#*#}"
  mkdir -p "$inputs"
  before=$(find "$inputs" -name 'crash-*' | wc -l)
  status=0
  (cd "$module" && JAZZER_FUZZ=1 nice -n 10 java -Xmx2g \
      -cp "target/test-classes:target/classes:$(cat target/fuzz-classpath.txt)" \
      ../scripts/FuzzOne.java "$target" "$seconds") >"$log" 2>&1 || status=$?
  runs=$( (grep -a -Eo '^Done [0-9]+ runs' "$log" || true) | awk '{ s += $2 } END { print s + 0 }')
  findings=$(( $(find "$inputs" -name 'crash-*' | wc -l) - before ))
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings=1   # a failure Jazzer did not save as an input (e.g. in the committed corpus): still a finding
  fi
  echo "fuzz: $target: $runs executions in ${seconds}s, $findings findings"
  if [ "$findings" -ne 0 ]; then
    grep -E -A12 '== Java Exception|fuzz-one:|MethodSource' "$log" | head -40 | sed 's/^/    /'
    cp "$log" "$module/target/fuzz-$(basename "$log")"
    echo "    full log: $module/target/fuzz-$(basename "$log")"
  fi
  total_runs=$((total_runs + runs))
  total_findings=$((total_findings + findings))
done
echo "fuzz: ${#targets[@]} targets, $total_runs executions, $total_findings findings"
[ "$total_findings" -eq 0 ]
