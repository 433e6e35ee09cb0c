#!/usr/bin/env bash
# Runs the gdpstore JMH suite and writes benchmarks/results/latest.json (JMH JSON) and
# benchmarks/results/latest.md (table with ratios to the in-run reference points, issue-7 targets).
#
#   benchmarks/run.sh [--quick] [extra JMH args...]
#
# --quick: 1 fork, 1 x 1 s warmup, 3 x 1 s measurement (3, so that JMH reports an error) and fewer parameter combinations (< 10 min on 2 cores).
# Extra arguments go to JMH after the defaults, e.g. a benchmark regex ("PduCodec") or -p name=value.
# Set BENCH_INCLUDE to replace the default benchmark regex. Needs only JDK 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=benchmarks/target/benchmarks.jar
RESULTS=benchmarks/results
QUICK=0
if [[ "${1:-}" == "--quick" ]]; then
  QUICK=1
  shift
fi

if [[ ! -f "$JAR" ]]; then
  echo "building $JAR ..." >&2
  mvn -q -pl benchmarks -am package -DskipTests
fi
mkdir -p "$RESULTS"

# defaults, each dropped when the caller passes the same JMH option (JMH rejects repeated options)
if [[ $QUICK == 1 ]]; then
  DEFAULTS=("-f 1" "-wi 1" "-w 1s" "-i 3" "-r 1s")
  # the quick run keeps the corners of each parameter grid
  PARAM_DEFAULTS=("inFlight=1,256" "recordSize=100,4096")
else
  DEFAULTS=("-f 2" "-wi 3" "-w 2s" "-i 5" "-r 2s")
  PARAM_DEFAULTS=()
fi
# -to: a benchmark that hangs fails after 3 minutes instead of stalling the whole run
DEFAULTS+=("-to 180s" "-jvmArgsAppend -Xms1g_-Xmx2g" "-rf json" "-rff $RESULTS/latest.json")

given() { # given OPTION ARGS...: whether ARGS contain OPTION
  local o=$1; shift
  for a in "$@"; do [[ "$a" == "$o" ]] && return 0; done
  return 1
}
given_param() { # given_param NAME ARGS...: whether ARGS contain -p NAME=...
  local n=$1; shift
  local prev=""
  for a in "$@"; do [[ "$prev" == "-p" && "$a" == "$n="* ]] && return 0; prev=$a; done
  return 1
}

ARGS=()
for d in "${DEFAULTS[@]}"; do
  opt=${d%% *}
  val=${d#* }
  given "$opt" "$@" || ARGS+=("$opt" "${val//_/ }")
done
for p in "${PARAM_DEFAULTS[@]}"; do
  given_param "${p%%=*}" "$@" || ARGS+=(-p "$p")
done
# -prof gc adds bytes allocated per op (several -prof are allowed)
ARGS+=(-prof gc)

# a user-supplied benchmark regex replaces the default selection (JMH would otherwise add them up)
INCLUDE=("${BENCH_INCLUDE:-.*}")
prev=""
for a in "$@"; do
  if [[ "$a" != -* && ! "$prev" =~ ^-(f|wi|w|i|r|p|t|bm|tu|prof|rf|rff|jvmArgs|jvmArgsAppend|jvmArgsPrepend|e|o|to|bs|wbs|opi|si|gc|foe|jvm)$ ]]; then
    INCLUDE=()
    break
  fi
  prev=$a
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
java -jar "$JAR" "${INCLUDE[@]}" "${ARGS[@]}" "$@"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# kept next to the results so the report can be regenerated:
#   java -cp benchmarks/target/benchmarks.jar org.gdpstore.bench.Report latest.json latest.md machine.txt
MACHINE="$RESULTS/machine.txt"
{
  echo "nproc: $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
  echo "java -version: $(java -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
  echo "date of the run: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "load average (1/5/15 min) before / after the run: $LOAD_BEFORE / $LOAD_AFTER (other builds share the cores)"
  echo "run: benchmarks/run.sh $([[ $QUICK == 1 ]] && echo --quick) $*"
} > "$MACHINE"
java -cp "$JAR" org.gdpstore.bench.Report "$RESULTS/latest.json" "$RESULTS/latest.md" "$MACHINE"
echo "wrote $RESULTS/latest.json and $RESULTS/latest.md" >&2
