"""Times one compiled query on one engine, for scripts/bench.sh.

Usage: bench_sql.py ENGINE RULES LEADS AS_OF [INFER]
Prints `start load query` in seconds: the engine's start (server, JVM),
loading the JSON Lines file into the `leads` table, and running the query
with every row written out. Uses the drivers of tests/sql/.
"""
import json
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
engine, rules, leads, as_of = sys.argv[1:5]
infer = len(sys.argv) > 5 and sys.argv[5] == "infer"
ls = os.environ.get("LEADSCORE", os.path.join(root, "target/release/leadscore"))


def compile_(*extra):
    return subprocess.run([ls, "compile", rules, "--target", engine, *extra],
                          check=True, capture_output=True, text=True).stdout


with tempfile.TemporaryDirectory() as tmp:
    job = {"ddl": compile_("--ddl"), "query": compile_("--as-of", as_of),
           "leads": os.path.abspath(leads), "out": os.path.join(tmp, "out.jsonl"), "infer": infer}
    driver = os.path.join(root, "tests/sql", f"{engine}_driver.py")
    done = subprocess.run([sys.executable, driver], input=json.dumps(job) + "\n",
                          capture_output=True, text=True)
    answer = json.loads(done.stdout.splitlines()[0])
    if not answer.get("ok"):
        sys.exit(f"{engine}: {answer.get('error')}")
    print(answer.get("start_s", 0.0), answer["load_s"], answer["query_s"])
