#!/usr/bin/env bash
# Every figure of docs/benchmarks.md, in one go, into a results folder: the machine, the JMH
# benchmarks, and the end-to-end harness at N = 100,000 (all stores) and N = 1,000,000 (memory, H2,
# PostgreSQL, Redis). Takes about 8 minutes on a 2-core machine; run it when the machine is
# otherwise quiet. Needs `mvn -B -q install -DskipTests` first, and the servers of docs/benchmarks.md.
#
#   benchmarks/scripts/run-all.sh [RESULTS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/orchestrix-benchmarks/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
jar=benchmarks/target/benchmarks.jar
pg='jdbc:postgresql://127.0.0.1:5432/test?user=postgres'
maria='jdbc:mariadb://127.0.0.1:3306/test?user=root'
h2dir=$(mktemp -d)
trap 'rm -rf "$h2dir"' EXIT

{ nproc; free -h; java -version 2>&1; uptime; } >"$out/machine.txt"

java -jar "$jar" 'DispatchBenchmark|WorkloadDispatchBenchmark' -f 2 -rf text -rff "$out/jmh.txt" \
  >"$out/jmh.log" 2>&1

java -cp "$jar" io.orchestrix.projection.benchmarks.EndToEnd --events 100000 --batch-size 1000 \
  --runs 3 --store memory: --store "jdbc:h2:file:$h2dir/h2" --store "$pg" --store "$maria" \
  --store redis://127.0.0.1:6379 --store mongodb:embedded | tee "$out/end-to-end-100k.txt"

java -cp "$jar" io.orchestrix.projection.benchmarks.EndToEnd --events 1000000 --batch-size 1000 \
  --runs 3 --store memory: --store "jdbc:h2:file:$h2dir/h2-1m" --store "$pg" \
  --store redis://127.0.0.1:6379 | tee "$out/end-to-end-1m.txt"

uptime >>"$out/machine.txt"
echo "results in $out"
