"""DuckDB driver for tests/sql_engines.rs (protocol in common.py)."""
import json
import duckdb
from common import record, serve


def run(job, clock):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    path = job["leads"].replace("'", "''")
    if job.get("infer"):
        # Exactly the table read_json creates from the file.
        con.execute(f"CREATE TABLE leads AS SELECT * FROM read_json('{path}')")
    else:
        con.execute(job["ddl"])
        cols = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'leads' ORDER BY ordinal_position"
        ).fetchall()
        spec = ", ".join("'%s': '%s'" % (n.replace("'", "''"), t.replace("'", "''")) for n, t in cols)
        con.execute(f"INSERT INTO leads SELECT * FROM read_json('{path}', columns = {{{spec}}})")
    clock.lap("load_s")
    cur = con.execute(job["query"])
    types = {d[0]: str(d[1]) for d in cur.description}
    names = [d[0] for d in cur.description]
    numeric = [str(d[1]).upper() in ("DOUBLE", "NUMBER") for d in cur.description]
    with open(job["out"], "w", encoding="utf-8") as out:
        while True:
            rows = cur.fetchmany(10000)
            if not rows:
                break
            for row in rows:
                out.write(record(names, row, numeric) + "\n")
    clock.lap("query_s")
    con.close()
    return types


if __name__ == "__main__":
    serve(run)
