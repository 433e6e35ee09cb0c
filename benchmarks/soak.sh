#!/usr/bin/env bash
# Fault soak: N writers and M subscribers through a durable simulator over loopback TCP, with seeded
# drops, duplicates, reorders, delays, disconnects and log-server crash+restarts. Prints
# acknowledged / lost / duplicated / reordered counts, failed appends by kind (NO_ROUTE among them)
# and the subscribers' catch-up time after each restart. Exit status 0 only if nothing was lost,
# duplicated or reordered and no append failed for NO_ROUTE.
#
#   benchmarks/soak.sh [--minutes 10] [--writers 4] [--subscribers 2] [--rate 400] \
#                      [--restart-every 30] [--seed 42] [--data DIR]
#
# The same soak runs as a test: mvn -B -pl benchmarks -am verify -Dtest=SoakTest -Dgdpstore.soak.minutes=10
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
if [[ ! -f "$JAR" ]]; then
  echo "building $JAR ..." >&2
  mvn -q -pl benchmarks -am package -DskipTests
fi
exec java -Xmx1g -cp "$JAR" org.gdpstore.bench.Soak "$@"
