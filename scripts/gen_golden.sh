#!/bin/sh
# Regenerates tests/data/bench/{leads,expected}.jsonl from the shared bench scripts.
# Usage: scripts/gen_golden.sh   (BENCH_DIR defaults to ../shared/bench)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-$root/../shared/bench}
out=$root/tests/data/bench
python3 "$bench/gen_leads.py" 300 --seed 11 > "$out/leads.jsonl"
python3 "$bench/reference_score.py" < "$out/leads.jsonl" > "$out/expected.jsonl"
echo "wrote $out/leads.jsonl and $out/expected.jsonl"
