#!/usr/bin/env bash
# Big-file benchmark of gdpfs (issue 18): `gdpfs put` and `gdpfs get` of one file of random bytes on
# the embedded durable store, each as a ratio to `cp` + `sync` of the same file in the same run
# (interleaved, so that both see the same load). Target: >= 0.3x each.
#
#   benchmarks/cli-bigfile.sh [SIZE_MB] [RUNS] [OUT.md]   (defaults: 1024 MB, 3 runs, benchmarks/results/cli-bigfile.md)
#
# Files live under a temporary directory in ${TMPDIR:-/tmp} and are deleted at the end.
# GDPFS_JFR=DIR records a JFR profile of each put and get into DIR (for finding where time goes).
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${1:-1024}"
RUNS="${2:-3}"
OUT="${3:-benchmarks/results/cli-bigfile.md}"

work="$(mktemp -d)"
export GDPSTORE_HOME="$work/home"
trap 'rm -rf "$work"' EXIT

./gdpfs --version >/dev/null
./gdpfs mkfs big >/dev/null
echo "writing $MB MB of random bytes ..." >&2
head -c $((MB * 1024 * 1024)) /dev/urandom >"$work/src.bin"
sum_src="$(sha256sum "$work/src.bin" | cut -d' ' -f1)"

now() { date +%s.%N; }
jfr() { # jfr NAME: JVM options for a profile of this command, if asked for
  if [[ -n "${GDPFS_JFR:-}" ]]; then
    mkdir -p "$GDPFS_JFR"
    echo "-XX:StartFlightRecording=filename=$GDPFS_JFR/$1.jfr,settings=profile"
  fi
}
cp_t=(); put_t=(); get_t=(); put_c=(); get_c=()
cpu() { awk '{printf "%.2f", $1 + $2}' "$work/cpu"; } # user + sys of the last timed command
for ((r = 1; r <= RUNS; r++)); do
  sync
  t0=$(now); cp "$work/src.bin" "$work/copy.bin"; sync; t1=$(now)
  cp_t+=("$(echo "$t1 - $t0" | bc)"); rm -f "$work/copy.bin"; sync
  t0=$(now); GDPFS_JAVA_OPTS="$(jfr put$r)" /usr/bin/time -f "%U %S" -o "$work/cpu" ./gdpfs put "$work/src.bin" "gdp://big/f$r.bin" >/dev/null; t1=$(now)
  put_t+=("$(echo "$t1 - $t0" | bc)"); put_c+=("$(cpu)")
  t0=$(now); GDPFS_JAVA_OPTS="$(jfr get$r)" /usr/bin/time -f "%U %S" -o "$work/cpu" ./gdpfs get "gdp://big/f$r.bin" "$work/out.bin" >/dev/null; sync; t1=$(now)
  get_t+=("$(echo "$t1 - $t0" | bc)"); get_c+=("$(cpu)")
  [[ "$(sha256sum "$work/out.bin" | cut -d' ' -f1)" == "$sum_src" ]] || { echo "get returned different bytes" >&2; exit 1; }
  rm -f "$work/out.bin"
  echo "run $r: cp+sync ${cp_t[-1]} s, put ${put_t[-1]} s (CPU ${put_c[-1]} s), get ${get_t[-1]} s (CPU ${get_c[-1]} s), load $(cut -d' ' -f1 /proc/loadavg)" >&2
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.2f-%.2f", lo, hi}'; }
cp_m=$(median "${cp_t[@]}"); put_m=$(median "${put_t[@]}"); get_m=$(median "${get_t[@]}")
rate() { echo "scale=1; $MB / $1" | bc; }
ratio() { echo "scale=2; $cp_m / $1" | bc; }
{
  echo "# gdpfs big files: put / get of $MB MB vs cp + sync"
  echo
  echo "\`benchmarks/cli-bigfile.sh $MB $RUNS\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Embedded durable store (default home), random bytes, wall-clock time of the whole command, median of $RUNS (range)."
  echo "Ratio = time of cp + sync / time of the command (higher is better, target >= 0.3)."
  echo "CPU = user + sys time of the gdpfs process (JVM start included), median; steadier than wall time on a shared machine."
  echo
  echo "| command | median s | range s | MB/s | ratio to cp+sync | CPU s |"
  echo "|---|---|---|---|---|---|"
  echo "| cp + sync | $cp_m | $(range "${cp_t[@]}") | $(rate "$cp_m") | 1 | - |"
  echo "| gdpfs put | $put_m | $(range "${put_t[@]}") | $(rate "$put_m") | $(ratio "$put_m") | $(median "${put_c[@]}") |"
  echo "| gdpfs get (+ sync) | $get_m | $(range "${get_t[@]}") | $(rate "$get_m") | $(ratio "$get_m") | $(median "${get_c[@]}") |"
} >"$OUT"
cat "$OUT"
