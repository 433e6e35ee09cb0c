#!/usr/bin/env bash
# Whole-command start-up benchmark of gdpfs (issue 18): process start to exit through the ./gdpfs
# launcher, several runs per command, median and spread of wall-clock time, and each median as a
# ratio to `java -version` measured in the same run (interleaved, so that both see the same load).
# CPU time (user+sys) is reported too: on a shared machine it moves less than wall-clock time.
#
#   benchmarks/cli-startup.sh [RUNS] [OUT.md]        (defaults: 11 runs, benchmarks/results/cli-startup.md)
#
# Environment: GDPFS_JAVA_OPTS (extra JVM options, e.g. to compare flags), GDPFS_CDS=0 (no archive),
# BENCH_ENTRIES (entries of the big filesystem, default 10000), BENCH_LOGS (default 0: also store a
# filesystem of that many 4 KiB files, each in a log of its own, and one BENCH_LOG_MB file (default
# 64), so that the store holds many logs and many bytes that the measured commands do not touch).
# Uses a temporary GDPSTORE_HOME.
# Targets: ls of a small filesystem <= 6x java -version; kv get and cat <= 8x.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-11}"
OUT="${2:-benchmarks/results/cli-startup.md}"
ENTRIES="${BENCH_ENTRIES:-10000}"
java_bin="${JAVA:-java}"

work="$(mktemp -d)"
export GDPSTORE_HOME="$work/home"
trap 'rm -rf "$work"' EXIT

./gdpfs --version >/dev/null   # builds the jar and the class-data archive if missing (not measured)

echo "setting up: a small filesystem (one 1 KiB file, one key) and one with $ENTRIES entries ..." >&2
head -c 1024 /dev/urandom >"$work/one-kib.bin"
head -c 100 /dev/urandom >"$work/small.bin"
./gdpfs mkfs small >/dev/null 2>&1
./gdpfs put "$work/one-kib.bin" gdp://small/f.bin >/dev/null
./gdpfs kv put small app/config '{"a":1}' >/dev/null
mkdir -p "$work/big"
for ((i = 0; i < ENTRIES; i++)); do printf '%d' "$i" >"$work/big/f$i"; done
./gdpfs mkfs big >/dev/null
./gdpfs put -r "$work/big" gdp://big/ >/dev/null

if [[ "${BENCH_LOGS:-0}" -gt 0 ]]; then
  echo "setting up: a filesystem of $BENCH_LOGS 4 KiB files (a log each) and one ${BENCH_LOG_MB:-64} MB file ..." >&2
  mkdir -p "$work/many"
  for ((i = 0; i < BENCH_LOGS; i++)); do head -c 4096 /dev/urandom >"$work/many/f$i"; done
  head -c $((${BENCH_LOG_MB:-64} * 1024 * 1024)) /dev/urandom >"$work/many/big.bin"
  ./gdpfs mkfs many >/dev/null
  ./gdpfs put -r "$work/many" gdp://many/ >/dev/null
  rm -rf "$work/many"
  echo "store: $(find "$GDPSTORE_HOME" -name '*.glog' | wc -l) log files, $(du -sh "$GDPSTORE_HOME" | cut -f1)" >&2
fi

names=("java -version" "gdpfs --version" "gdpfs ls (small fs)" "gdpfs ls ($ENTRIES entries)" "gdpfs cat 1 KiB"
  "gdpfs kv get" "gdpfs put one small file")
run_cmd() { # run_cmd INDEX ROUND
  case $1 in
    0) "$java_bin" -version ;;
    1) ./gdpfs --version ;;
    2) ./gdpfs ls gdp://small/ ;;
    3) ./gdpfs ls gdp://big/big/ ;;
    4) ./gdpfs cat gdp://small/f.bin ;;
    5) ./gdpfs kv get small app/config ;;
    6) ./gdpfs put "$work/small.bin" "gdp://small/p$2.bin" ;;
  esac
}

declare -A wall cpu
for ((r = 0; r < RUNS; r++)); do
  for i in "${!names[@]}"; do
    if ! /usr/bin/time -f '%e %U %S' -o "$work/t" bash -c "$(declare -f run_cmd); java_bin='$java_bin'; work='$work'; run_cmd $i $r" >/dev/null 2>"$work/err"; then
      echo "failed: ${names[$i]}" >&2; cat "$work/err" >&2; exit 1
    fi
    read -r e u s <"$work/t"
    wall[$i]+="$e "
    cpu[$i]+="$(echo "$u + $s" | bc) "
  done
  echo "round $((r + 1))/$RUNS done" >&2
done

stats() { # stats "v1 v2 ...": median min max
  tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f", m, a[1], a[NR]}'
}
read -r base_med _ _ <<<"$(stats "${wall[0]}")"
read -r base_cpu _ _ <<<"$(stats "${cpu[0]}")"
{
  echo "# gdpfs start-up: whole commands (benchmarks/cli-startup.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs each, interleaved; $(nproc) cores; load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "$("$java_bin" -version 2>&1 | head -1). JVM options from the launcher, plus GDPFS_JAVA_OPTS='${GDPFS_JAVA_OPTS:-}', GDPFS_CDS=${GDPFS_CDS:-1}."
  echo "Embedded durable store (the default backend) in a temporary GDPSTORE_HOME$([[ "${BENCH_LOGS:-0}" -gt 0 ]] && echo ", which also holds a filesystem of $BENCH_LOGS files in logs of their own and a ${BENCH_LOG_MB:-64} MB file")."
  echo
  echo "| command | median wall (s) | min - max (s) | ratio to java -version | target | median CPU user+sys (s) | CPU ratio |"
  echo "|---|---|---|---|---|---|---|"
  for i in "${!names[@]}"; do
    read -r med lo hi <<<"$(stats "${wall[$i]}")"
    read -r cmed _ _ <<<"$(stats "${cpu[$i]}")"
    ratio=$(awk -v a="$med" -v b="$base_med" 'BEGIN {printf "%.1fx", a / b}')
    cratio=$(awk -v a="$cmed" -v b="$base_cpu" 'BEGIN {printf "%.1fx", (b > 0 ? a / b : 0)}')
    target="-"
    case $i in
      2) target="<= 6x" ;;
      4 | 5) target="<= 8x" ;;
    esac
    echo "| ${names[$i]} | $med | $lo - $hi | $ratio | $target | $cmed | $cratio |"
  done
} >"$OUT"
cat "$OUT"
