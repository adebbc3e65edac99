"""Shared by the engine drivers of tests/sql_engines.rs.

A driver is a small server: it reads one job per line on stdin (JSON:
{"ddl", "query", "leads", "out", "infer"}), loads the JSON Lines file
`leads` into a table `leads` (with the `--ddl` table, or as the engine
infers it when "infer" is true), runs the compiled query and writes one JSON
object per result row to `out`, numbers formatted as `leadscore score`
prints them; a JSON column (the `reasons` of `compile --explain`) is
written as a string holding the engine's own text of it, so that the test
can compare the number text. It answers each job with one line:
{"ok": true, "load_s": ..., "query_s": ..., "types": {column: type}}
(seconds spent loading, and running the query and writing the rows; the
engine's name of each result column's type) or {"error": "..."}. End of
input stops it (and the engine it started).
"""
import json
import math
import sys
import time
import traceback


class Clock:
    """Seconds per phase of a job."""

    def __init__(self):
        self.start = time.perf_counter()
        self.times = {}

    def lap(self, name):
        now = time.perf_counter()
        self.times[name] = round(now - self.start, 3)
        self.start = now


def number(x):
    """A number as `leadscore score` prints it (eval/render.rs push_num)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return int(x)
    return x


def record(names, row, numeric):
    out = {}
    for name, value, is_num in zip(names, row, numeric):
        out[name] = number(value) if is_num and name != "id" else value
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def columns_of_ddl(ddl):
    """The column list between the parentheses of `CREATE TABLE t (...);`."""
    return ddl[ddl.index("(") + 1 : ddl.rindex(")")].strip()


def serve(run_job):
    """Runs `run_job(job, clock)` (which returns the column types) for each
    line of stdin, answering on stdout."""
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            clock = Clock()
            types = run_job(job, clock)
            answer = dict(ok=True, types=types, **clock.times)
        except Exception as e:  # the test prints it
            answer = {"error": "".join(traceback.format_exception_only(type(e), e)).strip()}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
