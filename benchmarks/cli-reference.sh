#!/usr/bin/env bash
# gdpfs against a reference gdplogd (issue 18), opt-in: needs a built reference GDP 2.1.x source
# tree (docs/cli.md "Comparing with the reference GDP tools" says how to build one; it is never
# built by Maven or CI). Starts the gdpstore router (simulator --router-only, TCP, ephemeral port)
# and a reference gdplogd behind it, in a temporary directory, then on that one server:
#   - `gdpfs logs append` / `gdpfs logs read` (--router --reference; each a whole command, cold JVM)
#   - the reference `gdp-writer` (one append at a time) / `gdp-reader` (one read at a time)
#   - the server's append ceiling: benchmarks/scripts/ref-pipelined-append.c (reference libgdp,
#     64 appends in flight), compiled here against the reference tree
# N records of 100 bytes each (distinct lines), every read compared with what was written.
#
#   GDP_REF=/path/to/gdp benchmarks/cli-reference.sh [RECORDS] [RUNS] [OUT.md]
#     defaults: 100000, 1, benchmarks/results/cli-reference.md
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
N="${1:-100000}"
RUNS="${2:-1}"
OUT="${3:-benchmarks/results/cli-reference.md}"
REF="${GDP_REF:?set GDP_REF to a built reference GDP source tree (the directory with gdplogd/ apps/ libs/)}"
for f in "$REF/gdplogd/gdplogd2" "$REF/apps/gdp-writer" "$REF/apps/gdp-reader" "$REF/apps/gdp-create" "$REF/libs/libgdp.so"; do
  [[ -e "$f" ]] || { echo "cli-reference: $f missing: build the reference tree first (make all_noavahi)" >&2; exit 2; }
done
sim_jar=simulator/target/gdp-simulator.jar
[[ -f "$sim_jar" && -f cli/target/gdpfs.jar ]] || mvn -q -B -pl simulator,cli -am package -DskipTests

work="$(mktemp -d)"
router_pid=""; logd_pid=""
cleanup() {
  set +e   # a killed child's non-zero wait status must not end the clean-up early
  for pid in $logd_pid $router_pid; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
export GDPSTORE_HOME="$work/home"

driver="$work/ref-pipelined-append"
cc -O2 -Wall -I"$REF" -o "$driver" benchmarks/scripts/ref-pipelined-append.c -L"$REF/libs" \
  -Wl,-rpath,"$REF/libs" -lgdp -lep -levent -levent_pthreads -pthread -lcrypto -lprotobuf-c -ljansson \
  $(mariadb_config --libs 2>/dev/null || true)

java -jar "$sim_jar" --listen 127.0.0.1:0 --router-only >"$work/router.log" 2>&1 &
router_pid=$!
for _ in $(seq 100); do grep -q listening "$work/router.log" && break; sleep 0.2; done
port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/router.log" | cut -d: -f2)
[[ -n "$port" ]] || { echo "cli-reference: the router did not start:" >&2; cat "$work/router.log" >&2; exit 1; }

server=org.gdpstore.bench.ref.gdplogd
mkdir -p "$work/params" "$work/glogs"
printf 'swarm.gdp.routers=127.0.0.1:%s\nswarm.gdp.creation-service.name=%s\n' "$port" "$server" >"$work/params/gdp"
printf 'swarm.gdplogd.gdpname=%s\nswarm.gdp.routers=127.0.0.1:%s\nswarm.gdplogd.log.dir=%s\n' \
  "$server" "$port" "$work/glogs" >"$work/params/gdplogd"
export EP_PARAM_PATH="$work/params"   # the reference tools read their parameters only from there
"$REF/gdplogd/gdplogd2" -F -N "$server" >"$work/gdplogd.log" 2>&1 &
logd_pid=$!

# an unsigned reference log: the reference tools cannot sign with OpenSSL 3 (docs/cli.md)
ref_create() {
  "$REF/apps/gdp-create" -k none -s "$server" "$1" 2>>"$work/create.log" | awk '/Created new GCL/ {print $4}'
}
for _ in $(seq 50); do [[ -n "$(ref_create "bench.probe.$RANDOM$RANDOM")" ]] && break; sleep 0.2; done

G=(./gdpfs --router "127.0.0.1:$port" --reference --server-name "$server")
"${G[@]}" --version >/dev/null   # builds the class-data sharing archive outside the timings
awk -v n="$N" 'BEGIN { pad = sprintf("%090d", 0); for (i = 1; i <= n; i++) printf "%09d%s\n", i, pad }' >"$work/records.txt"

now() { date +%s.%N; }
# timed CMD...: runs CMD with stdin/stdout as given, sets $rate (records/s) and $cpu (user+sys s)
timed() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f '%U %S' -o "$work/cpu" "$@"
  t1=$(now)
  rate=$(echo "$N / ($t1 - $t0)" | bc)
  cpu=$(awk '{printf "%.1f", $1 + $2}' "$work/cpu")
}
same() { cmp -s "$work/records.txt" "$1" || { echo "cli-reference: $2 read back different records" >&2; exit 1; }; }

declare -A R C
add() { R[$1]+="${R[$1]:+ }$rate"; C[$1]+="${C[$1]:+ }$cpu"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= RUNS; r++)); do
  "${G[@]}" logs create "g$r" >/dev/null
  timed "${G[@]}" logs append "g$r" <"$work/records.txt" >/dev/null; add gdpfs_append
  timed "${G[@]}" logs read "g$r" >"$work/back.txt" ; add gdpfs_read; same "$work/back.txt" "gdpfs logs read"

  log=$(ref_create "bench.sync.$r.$RANDOM$RANDOM")
  timed "$REF/apps/gdp-writer" -q -- "$log" <"$work/records.txt" 2>>"$work/ref.log"; add ref_writer
  timed "$REF/apps/gdp-reader" -q -t -- "$log" >"$work/back.txt" 2>>"$work/ref.log"; add ref_reader
  same "$work/back.txt" "gdp-reader"

  log=$(ref_create "bench.pipe.$r.$RANDOM$RANDOM")
  timed "$driver" -w 64 "$log" <"$work/records.txt" 2>>"$work/ref.log"; add ref_pipelined
  "$REF/apps/gdp-reader" -q -t -- "$log" >"$work/back.txt" 2>>"$work/ref.log"
  same "$work/back.txt" "gdp-reader (after the pipelined appends)"
  echo "run $r: gdpfs append ${R[gdpfs_append]##* } read ${R[gdpfs_read]##* }; gdp-writer ${R[ref_writer]##* }" \
    "gdp-reader ${R[ref_reader]##* }; ceiling (64 in flight) ${R[ref_pipelined]##* } rec/s" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { echo "scale=2; $1 / $2" | bc; }
ga=$(median "${R[gdpfs_append]}"); gr=$(median "${R[gdpfs_read]}")
wa=$(median "${R[ref_writer]}"); rr=$(median "${R[ref_reader]}"); pa=$(median "${R[ref_pipelined]}")
row() { echo "| $1 | $(median "${R[$2]}") | ${R[$2]} | ${C[$2]} | $3 |"; }
{
  echo "# gdpfs against a reference gdplogd: $N records of 100 bytes"
  echo
  echo "\`GDP_REF=... benchmarks/cli-reference.sh $N $RUNS\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores,"
  echo "load average $load_before before and $load_after after; gdpstore $(git -C "$root" rev-parse --short HEAD)."
  echo "One reference gdplogd (GDP $(awk '/#define[ \t]+GDP_VERSION_(MAJOR|MINOR|PATCH)/ {printf "%s%s", s, $3; s="."}' "$REF/gdp/gdp_version.h"))"
  echo "behind the gdpstore router (simulator --router-only, TCP loopback); every command a whole process;"
  echo "records/s = N / wall-clock time, median of $RUNS; CPU = user + sys of the command's process."
  echo
  echo "| command | rec/s (median) | runs | CPU s | vs the reference tool |"
  echo "|---|---|---|---|---|"
  row "gdpfs logs append (signed, pipelined)" gdpfs_append "$(ratio "$ga" "$wa")x gdp-writer, $(ratio "$ga" "$pa")x the ceiling"
  row "gdp-writer (unsigned, one at a time)" ref_writer "1"
  row "ceiling: ref-pipelined-append, 64 in flight (unsigned)" ref_pipelined "-"
  row "gdpfs logs read (verified)" gdpfs_read "$(ratio "$gr" "$rr")x gdp-reader"
  row "gdp-reader -t (one at a time)" ref_reader "1"
} >"$OUT"
cat "$OUT"
