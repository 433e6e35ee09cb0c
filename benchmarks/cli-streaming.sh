#!/usr/bin/env bash
# CLI streaming benchmark (issue 18): `gdpfs logs append` of N 100-byte records and `gdpfs logs read`
# of them back (to /dev/null), each a whole command from a cold JVM on the embedded durable store,
# as records/s and as a ratio to the library's warm JMH figures measured in the same run
# (ClientAppendBenchmark signed, 100 B, 256 in flight, in-process; ClientReadBenchmark verified,
# 100 B, packed, in-process). Target: >= 0.5x.
#
#   benchmarks/cli-streaming.sh [RECORDS] [RUNS] [OUT.md]   (defaults: 100000, 3, benchmarks/results/cli-streaming.md)
#
# JMH=0 skips the JMH part (ratios then left out). Needs benchmarks/target/benchmarks.jar for JMH
# (built if missing). Uses a temporary GDPSTORE_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
RUNS="${2:-3}"
OUT="${3:-benchmarks/results/cli-streaming.md}"

work="$(mktemp -d)"
export GDPSTORE_HOME="$work/home"
trap 'rm -rf "$work"' EXIT
./gdpfs --version >/dev/null
# N lines of 99 characters + '\n' (100-byte records, distinct)
awk -v n="$N" 'BEGIN { pad = sprintf("%090d", 0); for (i = 1; i <= n; i++) printf "%09d%s\n", i, pad }' >"$work/records.txt"

now() { date +%s.%N; }
app=(); rd=()
for ((r = 1; r <= RUNS; r++)); do
  ./gdpfs logs create "s$r" >/dev/null
  t0=$(now); ./gdpfs logs append "s$r" <"$work/records.txt" >/dev/null; t1=$(now)
  app+=("$(echo "$N / ($t1 - $t0)" | bc)")
  t0=$(now); ./gdpfs logs read "s$r" >"$work/back.txt"; t1=$(now)
  rd+=("$(echo "$N / ($t1 - $t0)" | bc)")
  cmp -s "$work/records.txt" "$work/back.txt" || { echo "read back different records" >&2; exit 1; }
  echo "run $r: append ${app[-1]} rec/s, read ${rd[-1]} rec/s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
app_m=$(median "${app[@]}"); rd_m=$(median "${rd[@]}")

jmh_app=""; jmh_rd=""
if [[ "${JMH:-1}" != 0 ]]; then
  jar=benchmarks/target/benchmarks.jar
  [[ -f "$jar" ]] || mvn -q -B -pl benchmarks -am package -DskipTests
  common=(-f 1 -wi 1 -w 2s -i 3 -r 2s -p recordSize=100 -p transport=inProcess -rf json)
  java -jar "$jar" 'ClientAppendBenchmark.append$' "${common[@]}" -p signed=true -p inFlight=256 -rff "$work/a.json" >"$work/jmh-a.log" 2>&1
  java -jar "$jar" 'ClientReadBenchmark' "${common[@]}" -p verify=true -p packed=true -rff "$work/r.json" >"$work/jmh-r.log" 2>&1
  score() { grep -o '"score" : [0-9.E]*' "$1" | head -1 | awk '{printf "%d", $3}'; }
  jmh_app=$(score "$work/a.json"); jmh_rd=$(score "$work/r.json")
fi
ratio() { [[ -n "$2" && "$2" != 0 ]] && echo "scale=2; $1 / $2" | bc || echo "-"; }
{
  echo "# gdpfs logs: streaming $N records of 100 bytes through the CLI"
  echo
  echo "\`benchmarks/cli-streaming.sh $N $RUNS\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Each command a cold JVM on the embedded durable store; records/s = N / wall-clock time of the whole command, median of $RUNS."
  echo "JMH: warm library figures of the same run (in-process transport, 100 B records; append signed with 256 in flight, read verified and packed)."
  echo
  echo "| command | rec/s (median) | runs | JMH ops/s | ratio (target >= 0.5) |"
  echo "|---|---|---|---|---|"
  echo "| gdpfs logs append | $app_m | ${app[*]} | ${jmh_app:--} | $(ratio "$app_m" "$jmh_app") |"
  echo "| gdpfs logs read | $rd_m | ${rd[*]} | ${jmh_rd:--} | $(ratio "$rd_m" "$jmh_rd") |"
} >"$OUT"
cat "$OUT"
