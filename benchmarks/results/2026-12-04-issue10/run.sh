#!/bin/bash
# usage: run.sh SIDE LABEL N RUNS STORES...(memory|pg|redis)
side=$1; label=$2; n=$3; runs=$4; shift 4
out=/work/wt/bench10-after/benchmarks/results/2026-12-04-issue10/$label-$side.txt
jar=/work/wt/bench10-$side/benchmarks/target/benchmarks.jar
args=(--events $n --batch-size 1000 --runs $runs)
for s in "$@"; do case $s in
  memory) args+=(--store memory:);;
  pg) args+=(--store "jdbc:postgresql://127.0.0.1:5432/h12?user=postgres&currentSchema=b10$side");;
  redis) args+=(--store redis://127.0.0.1:6379/12 --redis-key-prefix "b10$side:");;
esac; done
{
echo "# side: $side, code: $(git -C /work/wt/bench10-$side log --oneline -1)"
echo "# start: $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java -cp $jar io.orchestrix.projection.benchmarks.EndToEnd ${args[*]}"
/usr/bin/time -f "# cpu: user %U s, sys %S s, wall %e s, max rss %M KiB" java -cp $jar io.orchestrix.projection.benchmarks.EndToEnd "${args[@]}" 2>&1
echo "# exit: $?"
echo "# end: $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"
} > $out
grep -E '^\| |^# (start|end)' $out
