#!/usr/bin/env bash
# P = 1 before and after partitions, alternating: the engine (EndToEnd, processEvents, with the JDBC
# loop as the drift reference) and a ProjectionRunner on the JDBC event store (examples bench --source).
# Usage: partitions-ab.sh BEFORE_DIR AFTER_DIR PG_URL_BASE RESULTS_DIR [PAIRS]
#   BEFORE_DIR/AFTER_DIR: source trees built with `mvn package` (benchmarks.jar, examples.jar)
#   PG_URL_BASE: jdbc:postgresql://127.0.0.1:5432/h9?user=postgres (schemas pb_before, pb_after must exist;
#   its public schema must hold the workload's 100,000 events, written by examples append)
set -euo pipefail
before=$1; after=$2; pg=$3; results=$4; pairs=${5:-5}
mkdir -p "$results"
run() { # side dir pair
  local side=$1 dir=$2 i=$3
  local store="$pg&currentSchema=pb_$side"
  { date -u +%FT%TZ; uptime; } > "$results/ab-$i-$side-e2e.txt"
  java -cp "$dir/benchmarks/target/benchmarks.jar" io.orchestrix.projection.benchmarks.EndToEnd \
    --events 100000 --batch-size 1000 --runs 3 --no-pipelined --store "$store" >> "$results/ab-$i-$side-e2e.txt" 2>&1
  { date -u +%FT%TZ; uptime; } > "$results/ab-$i-$side-runner.txt"
  java -jar "$dir/examples/target/examples.jar" bench --store "$store" --source "$pg" \
    --events 100000 --batch-size 1000 --reset >> "$results/ab-$i-$side-runner.txt" 2>&1
}
for i in $(seq 1 "$pairs"); do
  if (( i % 2 == 1 )); then run before "$before" "$i"; run after "$after" "$i";
  else run after "$after" "$i"; run before "$before" "$i"; fi
  grep -h "postgresql.*|" "$results/ab-$i-before-e2e.txt" "$results/ab-$i-after-e2e.txt" | sed "s/^/pair $i: /" || true
  grep -h "events/s" "$results/ab-$i-before-runner.txt" "$results/ab-$i-after-runner.txt" | sed "s/^/pair $i: /" || true
done
