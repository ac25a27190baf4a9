#!/usr/bin/env bash
# Proves that `bench` resumes from the stored checkpoint after a SIGKILL and ends with the read model
# of an uninterrupted run: starts `bench --reset` on a store, kills it with SIGKILL once its checkpoint
# passes half the stream, runs the same `bench` again (without --reset), and compares its digest with
# the digest of an uninterrupted run on memory:. Exits 0 when the digests are equal.
#
#   benchmarks/scripts/kill-resume.sh 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres' 200000
#   benchmarks/scripts/kill-resume.sh redis://127.0.0.1:6379 200000 1000 -P key-prefix=bench:
#
# Arguments after the batch size go to both `bench` runs on the store (store options).
# Needs examples/target/examples.jar (mvn -q -B install -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
store=${1:?usage: kill-resume.sh STORE_URI [EVENTS] [BATCH_SIZE]}
events=${2:-200000}
batch=${3:-1000}
options=("${@:4}")
jar=examples/target/examples.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

java -jar "$jar" bench --store "$store" --events "$events" --batch-size "$batch" "${options[@]}" --reset --progress \
  >"$work/first.out" 2>"$work/first.err" &
pid=$!
half=$((events / 2))
while kill -0 "$pid" 2>/dev/null; do
  last=$(grep '^committed ' "$work/first.err" | tail -n 1 | cut -d' ' -f2 || true)
  if [ -n "$last" ] && [ "$last" -ge "$half" ]; then
    kill -KILL "$pid"
    echo "killed the first run (pid $pid) with SIGKILL after it reported checkpoint $last"
    break
  fi
  sleep 0.05
done
wait "$pid" 2>/dev/null || true
if grep -q '^digest' "$work/first.out"; then
  echo "the first run finished before it could be killed; use a larger EVENTS" >&2
  exit 2
fi

echo "--- second run, same command without --reset:"
java -jar "$jar" bench --store "$store" --events "$events" --batch-size "$batch" "${options[@]}" \
  | tee "$work/second.out"
echo "--- uninterrupted run on memory:"
java -jar "$jar" bench --store memory: --events "$events" --batch-size "$batch" | tee "$work/memory.out"

resumed=$(grep '^digest' "$work/second.out")
reference=$(grep '^digest' "$work/memory.out")
if [ "$resumed" = "$reference" ]; then
  echo "OK: the resumed run's digest equals the uninterrupted run's"
else
  echo "FAIL: digests differ" >&2
  exit 1
fi
