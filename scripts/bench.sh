#!/usr/bin/env bash
# The benchmark table of docs/performance.md, in one run.
#
# Usage: scripts/bench.sh            (BENCH_DIR defaults to ../shared/bench)
#        REPEAT=5 scripts/bench.sh   (rounds; default 9)
#        SQL_1M=0 scripts/bench.sh   (skip PostgreSQL and Spark on 1M leads)
#
# Builds leadscore, the baselines (bench/baseline: a hand-written Rust scorer
# of MODEL.md and a plain serde_json parse, in their own Cargo workspace so
# that none of leadscore's serde_json features leak into them) and the peers
# harness (bench/peers, its own workspace: Rhai, CEL and zen-expression are
# compiled only there), makes the leads, then prints one table.
# End-to-end times are medians of $REPEAT interleaved rounds (each round runs
# every command once, in a new random order, so load drifts and the order
# within a round hit all of them alike); ratios compare figures measured in
# the same run, on the same file. Times are read from bash's clock
# ($EPOCHREALTIME), not from a `date` process, whose start would add about
# 1.4 ms to every command timed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-$root/../shared/bench}
repeat=${REPEAT:-9}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

cargo build --release --quiet
(cd bench/peers && cargo build --release --quiet)
(cd bench/baseline && cargo build --release --quiet)
ls=$root/target/release/leadscore
base=$root/bench/baseline/target/release/leadscore-baseline
peers=$root/bench/peers/target/release/leadscore-peers
as_of=2026-11-01T00:00:00Z
threads=$(nproc)

# Leads: the shared generator, or the committed sample repeated with new ids.
make_leads() { # count file
  if [ -f "$bench/gen_leads.py" ]; then
    python3 "$bench/gen_leads.py" "$1" --seed 7 > "$2"
  else
    python3 - "$1" tests/data/bench/leads.jsonl > "$2" <<'EOF'
import json, sys
n, sample = int(sys.argv[1]), open(sys.argv[2]).read().splitlines()
for i in range(n):
    lead = json.loads(sample[i % len(sample)]); lead["id"] = "G%08d" % i
    print(json.dumps(lead, separators=(",", ":")))
EOF
  fi
}
make_leads 100000 "$work/100k.jsonl"
head -n 10000 "$work/100k.jsonl" > "$work/10k.jsonl"
for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$work/100k.jsonl"; done > "$work/1m.jsonl"

# Rulesets: 1,000 and 10,000 generated rules over the bench schema.
gen_rules() { # count file
  python3 - "$1" > "$2" <<'EOF'
import sys
n = int(sys.argv[1])
schema = open("rules/bench.rules").read()
start = schema.index("schema {"); end = schema.index("}\n", schema.index("events:")) + 2
print(schema[start:end])
templates = [
    'when title contains "{w}" add {p} as "r{i}"',
    'when company.size between {a} and {b} add {p} as "r{i}"',
    'when company.industry in [SaaS, Fintech, "{w}"] add {p} as "r{i}"',
    'when email ends with "@{w}.com" subtract {p} as "r{i}"',
    'when count(events where type == "page_view" and url contains "/{w}") >= {k} add {p} as "r{i}"',
    'when any(events where type == "email_open" and at within {d} days) add {p} as "r{i}"',
    'when company.revenue >= {r} add {p} as "r{i}"',
    'when source == "{w}" add {p} as "r{i}"',
]
words = ["vp", "sales", "pricing", "docs", "acme", "gmail", "Director", "blog", "paid", "referral"]
for i in range(n):
    t = templates[i % len(templates)]
    # Every condition differs: no rule draws a duplicate_condition warning.
    w = words[(i * 7) % len(words)] + str(i)
    print(t.format(w=w, p=1 + i % 9, i=i, a=i, b=500 + i, k=1 + i % 4,
                   d=1 + i, r=1000 * i))
EOF
}
gen_rules 1000 "$work/r1k.rules"
gen_rules 10000 "$work/r10k.rules"
# The same 10,000 rules without the schema: field types are inferred.
sed '/^schema {/,/^}/d' "$work/r10k.rules" > "$work/r10k-noschema.rules"
# 5,000 schema-less rules over 10,000 distinct fields (inference at scale).
python3 -c 'for i in range(5000): print(f"when field_{2*i} == \"v{i}\" or field_{2*i+1} > {i} add 1 as \"r{i}\"")' \
  > "$work/wide-noschema.rules"

# now: the wall clock in seconds, from bash itself where it can (no process
# started to read it).
if [ -n "${EPOCHREALTIME:-}" ]; then
  now() { now=${EPOCHREALTIME/,/.}; }
else
  now() { now=$(date +%s.%N); }
fi

# best_of CMD...: the best wall time in seconds over $repeat runs.
best_of() {
  local best=999999 t0 t1 t
  for _ in $(seq "$repeat"); do
    now; t0=$now; "$@" > /dev/null 2>&1; now; t1=$now
    t=$(echo "$t1 - $t0" | bc -l)
    best=$(echo "if ($t < $best) $t else $best" | bc -l)
  done
  printf '%.3f' "$best"
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

# Interleaved medians: `interleave NAME CMD... ; NAME CMD... ;` runs every
# command once per round, in a random order, for $repeat rounds and leaves
# the median wall time of each in $work/median.NAME.
interleave() {
  local names=() cmds=() cmd=() name t0 t1 i
  while [ $# -gt 0 ]; do
    name=$1; shift; cmd=()
    while [ $# -gt 0 ] && [ "$1" != ";" ]; do cmd+=("$1"); shift; done
    shift || true
    names+=("$name"); cmds+=("$(printf '%q ' "${cmd[@]}")")
    : > "$work/times.$name"
  done
  for _ in $(seq "$repeat"); do
    for i in $(shuf -e "${!names[@]}"); do
      now; t0=$now; eval "${cmds[$i]}" > /dev/null 2>&1; now; t1=$now
      echo "$t1 - $t0" | bc -l >> "$work/times.${names[$i]}"
    done
  done
  for name in "${names[@]}"; do
    sort -g "$work/times.$name" | awk '{ t[NR] = $1 } END {
      m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "%.3f", m }' > "$work/median.$name"
  done
}
median() { cat "$work/median.$1"; }

# Peak RSS in MB of one run of an executable (GNU time, else the kernel's
# high-water mark).
peak_mb() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$work/rss" "$@" > /dev/null 2>&1
    echo $(( $(tail -n 1 "$work/rss") / 1024 ))
  else
    "$@" > /dev/null 2>&1 & local pid=$! peak=0 hwm
    while kill -0 "$pid" 2>/dev/null; do
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${hwm:-0}" -gt "$peak" ] && peak=$hwm; sleep 0.05
    done
    echo $(( peak / 1024 ))
  fi
}

score() { "$ls" score rules/bench.rules "$1" --as-of "$as_of" --threads "$2"; }

# End to end: the baselines, leadscore and (when the shared bench has it)
# the Python reference, interleaved round by round.
python_round=()
if [ -f "$bench/reference_score.py" ]; then
  python_round=(py sh -c 'exec python3 "$0" < "$1"' "$bench/reference_score.py" "$work/100k.jsonl" \;)
fi
interleave \
  parse "$base" parse "$work/100k.jsonl" \; \
  hand "$base" score "$work/100k.jsonl" \; \
  one "$ls" score rules/bench.rules "$work/100k.jsonl" --as-of "$as_of" --threads 1 \; \
  two "$ls" score rules/bench.rules "$work/100k.jsonl" --as-of "$as_of" --threads 2 \; \
  all "$ls" score rules/bench.rules "$work/100k.jsonl" --as-of "$as_of" --threads "$threads" \; \
  decay "$ls" score rules/bench_decay.rules "$work/100k.jsonl" --as-of "$as_of" --threads 1 \; \
  accounts "$ls" score rules/bench_accounts.rules "$work/100k.jsonl" --as-of "$as_of" --threads 1 \
    --accounts "$work/accounts.jsonl" \; \
  ${python_round[@]+"${python_round[@]}"}
baseline=$(median parse) hand=$(median hand) one=$(median one) two=$(median two) all=$(median all)
decay=$(median decay) accounts=$(median accounts)
"$base" score "$work/100k.jsonl" | cmp -s - <(score "$work/100k.jsonl" 1 2>/dev/null) \
  && hand_same="yes" || hand_same="NO"
check=$(best_of "$ls" check "$work/r10k.rules")
check_noschema=$(best_of "$ls" check "$work/r10k-noschema.rules")
check_wide=$(best_of "$ls" check "$work/wide-noschema.rules")
eval_bench=$("$peers" eval rules/bench.rules "$work/10k.jsonl")
eval_1k=$("$peers" eval "$work/r1k.rules" "$work/10k.jsonl")
score_cmd=("$ls" score rules/bench.rules --as-of "$as_of")
rss_100k=$(peak_mb "${score_cmd[@]}" "$work/100k.jsonl" --threads "$threads")
rss_1m=$(peak_mb "${score_cmd[@]}" "$work/1m.jsonl" --threads "$threads")
rss_1m_one=$(peak_mb "${score_cmd[@]}" "$work/1m.jsonl" --threads 1)

# Calibration of 1M leads with outcomes: the outcomes of the 100k leads (the
# generator writes the same lead lines with --outcomes), each id found 10 times.
if [ -f "$bench/gen_leads.py" ]; then
  python3 "$bench/gen_leads.py" 100000 --seed 7 --outcomes "$work/o.csv" > /dev/null
else
  python3 - "$work/100k.jsonl" > "$work/o.csv" <<'EOF2'
import json, sys
print("id,converted,converted_at")
for i, line in enumerate(open(sys.argv[1])):
    print("%s,%s," % (json.loads(line)["id"], "true" if i % 9 == 0 else "false"))
EOF2
fi
calibrate_1m() { "$ls" calibrate rules/bench.rules "$work/1m.jsonl" --outcomes "$work/o.csv" --as-of "$as_of" --format json; }
calibrate_time=$(best_of calibrate_1m)
rss_calibrate=$(peak_mb "$ls" calibrate rules/bench.rules "$work/1m.jsonl" --outcomes "$work/o.csv" --as-of "$as_of" --format json)

# SQL engines (docs/sql.md): the compiled rules/bench.rules query on the
# same files, each engine once (start, load, query + writing the rows out),
# next to `score` of this run; engines that are not installed are skipped.
sql_engine() { # engine file -> "start load query" or "-"
  python3 scripts/bench_sql.py "$1" rules/bench.rules "$2" "$as_of" infer 2>/dev/null || echo "-"
}
sql_duckdb=$(sql_engine duckdb "$work/100k.jsonl")
sql_duckdb_1m=$(sql_engine duckdb "$work/1m.jsonl")
sql_postgres=$(sql_engine postgres "$work/100k.jsonl")
sql_spark=$(sql_engine spark "$work/100k.jsonl")
# A million leads on the slower engines takes minutes each; SQL_1M=0 skips them.
if [ "${SQL_1M:-1}" != 0 ]; then
  sql_postgres_1m=$(sql_engine postgres "$work/1m.jsonl")
  sql_spark_1m=$(sql_engine spark "$work/1m.jsonl")
fi

# Peers and the oracle, on the same 10k leads.
if [ -f "$bench/reference_score.py" ]; then
  python3 "$bench/reference_score.py" < "$work/10k.jsonl" > "$work/10k.expected"
  peer_leads=$work/10k.jsonl peer_expected=$work/10k.expected
  python3 "$bench/reference_score.py" < "$work/100k.jsonl" > "$work/py.out"
  python=$(median py)
  score "$work/100k.jsonl" "$threads" 2>/dev/null | cmp -s - "$work/py.out" \
    && same="yes" || same="NO"
else
  peer_leads=tests/data/bench/leads.jsonl peer_expected=tests/data/bench/expected.jsonl
  python="" same="(no oracle)"
fi
"$peers" peers rules/bench.rules "$peer_leads" "$peer_expected" > "$work/peers"
peer() { awk -v e="$1" '$1 == e {print $2}' "$work/peers"; }
ls_ns=$(peer leadscore)

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml || echo "+dirty")
echo "leadscore benchmark · commit $commit · $(date -u +%Y-%m-%d)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
echo "leads: 100k from ${bench}/gen_leads.py (--seed 7) · end to end: median of $repeat interleaved rounds; other rows: best of $repeat"
echo
printf '%-58s %12s %10s\n' "measure" "value" "ratio"
printf '%-58s %12s %10s\n' "hand-written Rust scorer, serde structs (same output: $hand_same)" "${hand} s" "1.00"
printf '%-58s %12s %10s\n' "plain parse: 100k lines -> serde_json::Value (vs hand)" "${baseline} s" "$(ratio "$hand" "$baseline")"
printf '%-58s %12s %10s\n' "score 100k end to end, 1 thread (vs hand-written)" "${one} s" "$(ratio "$hand" "$one")"
printf '%-58s %12s %10s\n' "score 100k end to end, 1 thread (vs plain parse)" "" "$(ratio "$baseline" "$one")"
printf '%-58s %12s %10s\n' "score 100k end to end, 2 threads (vs hand-written)" "${two} s" "$(ratio "$hand" "$two")"
printf '%-58s %12s %10s\n' "score 100k end to end, 2 threads (vs 1 thread)" "" "$(ratio "$one" "$two")"
printf '%-58s %12s %10s\n' "score 100k, --threads $threads (all cores, own round; vs 1 thread)" "${all} s" "$(ratio "$one" "$all")"
printf '%-58s %12s %10s\n' "score 100k, bench + decay/distinct/sequence, 1 thread (vs bench)" "${decay} s" "$(ratio "$one" "$decay")"
printf '%-58s %12s %10s\n' "score 100k, decay model + accounts (--accounts), 1 thread (vs bench)" "${accounts} s" "$(ratio "$one" "$accounts")"
if [ -n "$python" ]; then
  printf '%-58s %12s %10s\n' "reference_score.py 100k (output identical: $same)" "${python} s" "1.00"
  printf '%-58s %12s %10s\n' "  leadscore 1 thread vs Python" "" "$(ratio "$python" "$one")"
  printf '%-58s %12s %10s\n' "  leadscore 2 threads vs Python" "" "$(ratio "$python" "$two")"
fi
printf '%-58s %12s %10s\n' "evaluation alone, rules/bench.rules (26 rules), per lead" "${eval_bench} ns" ""
printf '%-58s %12s %10s\n' "evaluation alone, 1,000 generated rules, per lead" "${eval_1k} ns" ""
for e in rhai cel zen; do
  printf '%-58s %12s %10s\n' "peer $e, same model, per lead (leadscore ${ls_ns} ns)" "$(peer "$e") ns" "$(ratio "$(peer "$e")" "$ls_ns")"
done
printf '%-58s %12s %10s\n' "check, 10,000 generated rules" "${check} s" ""
printf '%-58s %12s %10s\n' "check, the same 10,000 rules without a schema" "${check_noschema} s" ""
printf '%-58s %12s %10s\n' "check, 5,000 rules over 10,000 fields, no schema" "${check_wide} s" ""
printf '%-58s %12s %10s\n' "peak RSS, score 100k, $threads threads" "${rss_100k} MB" ""
printf '%-58s %12s %10s\n' "peak RSS, score 1M, $threads threads" "${rss_1m} MB" ""
printf '%-58s %12s %10s\n' "peak RSS, score 1M, 1 thread" "${rss_1m_one} MB" ""
printf '%-58s %12s %10s\n' "calibrate 1M leads with outcomes" "${calibrate_time} s" ""
printf '%-58s %12s %10s\n' "peak RSS, calibrate 1M leads with outcomes" "${rss_calibrate} MB" ""
sql_row() { # label "start load query" score-seconds
  if [ "$2" = "-" ]; then
    printf '%-58s %12s %10s\n' "$1: not installed" "" ""
    return
  fi
  read -r start load query <<< "$2"
  printf '%-58s %12s %10s\n' "$1: start (server or JVM)" "${start} s" ""
  printf '%-58s %12s %10s\n' "$1: load the JSON Lines file" "${load} s" ""
  printf '%-58s %12s %10s\n' "$1: compiled query (vs score, $threads threads)" "${query} s" "$(ratio "$query" "$3")"
}
all_1m=$(best_of "$ls" score rules/bench.rules "$work/1m.jsonl" --as-of "$as_of" --threads "$threads")
sql_row "DuckDB, 100k" "$sql_duckdb" "$all"
sql_row "DuckDB, 1M" "$sql_duckdb_1m" "$all_1m"
sql_row "PostgreSQL 15, 100k" "$sql_postgres" "$all"
sql_row "Spark SQL local[1], 100k" "$sql_spark" "$all"
if [ "${SQL_1M:-1}" != 0 ]; then
  sql_row "PostgreSQL 15, 1M" "$sql_postgres_1m" "$all_1m"
  sql_row "Spark SQL local[1], 1M" "$sql_spark_1m" "$all_1m"
fi
echo
echo "ratio: how many times faster leadscore is than the row's reference (higher is better);"
echo "the baselines are built in bench/baseline's own workspace, with serde_json's default features."
echo "peers: each engine's scores equal the oracle's on $(wc -l < "$peer_leads") leads; one thread, leads in memory."
