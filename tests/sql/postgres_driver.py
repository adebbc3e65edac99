"""PostgreSQL driver for tests/sql_engines.rs (protocol in common.py).

Starts its own PostgreSQL server (initdb + pg_ctl from PATH or
/usr/local/bin, or $LEADSCORE_PG_BIN) in a temporary folder, as the user
`nobody` when run as root, with the socket in that folder and fsync off;
stops it and removes the folder at the end of input.
"""
import atexit
import os
import signal
import sys
import shutil
import subprocess
import tempfile
import pg8000.native
from common import columns_of_ddl, record, serve


def tool(name):
    folder = os.environ.get("LEADSCORE_PG_BIN")
    if folder:
        return os.path.join(folder, name)
    return shutil.which(name) or os.path.join("/usr/local/bin", name)


def as_user(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--"] + cmd
    return cmd


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="leadscore-pg-")
        os.chmod(self.dir, 0o755)
        data = os.path.join(self.dir, "data")
        os.mkdir(data, 0o700)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
            shutil.chown(data, "nobody")
        subprocess.run(
            as_user([tool("initdb"), "-D", data, "-U", "postgres", "-A", "trust",
                     "--encoding=UTF8", "--locale=C.UTF-8"]),
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        opts = f"-c fsync=off -c listen_addresses='' -c unix_socket_directories={self.dir}"
        subprocess.run(
            as_user([tool("pg_ctl"), "-D", data, "-o", opts, "-l",
                     os.path.join(self.dir, "log"), "-w", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )
        self.data = data
        atexit.register(self.stop)
        # A killed test run still stops the server.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))

    def stop(self):
        subprocess.run(as_user([tool("pg_ctl"), "-D", self.data, "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def connect(self):
        return pg8000.native.Connection(
            "postgres", unix_sock=os.path.join(self.dir, ".s.PGSQL.5432"), database="postgres")


SERVER = None

# Type names of result columns by oid (others by their number).
JSON, JSONB = 114, 3802
TYPE_NAMES = {JSON: "json", JSONB: "jsonb", 25: "text", 701: "float8"}


def run(job, clock):
    global SERVER
    if SERVER is None:
        SERVER = Server()
    con = SERVER.connect()
    # JSON as the server writes it (pg8000 would parse it, losing number text).
    con.register_in_adapter(JSON, str)
    con.register_in_adapter(JSONB, str)
    clock.lap("start_s")
    try:
        con.run("SET TimeZone = 'UTC'")
        # JIT compiling the long expressions costs more than it saves (docs/sql.md).
        con.run("SET jit = off")
        con.run("DROP TABLE IF EXISTS leads")
        con.run(job["ddl"].rstrip().rstrip(";"))
        con.run("CREATE TEMP TABLE raw_leads (doc JSONB)")
        with open(job["leads"], "rb") as f:
            # CSV with a quote and delimiter that JSON text never holds raw.
            con.run("COPY raw_leads FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')", stream=f)
        con.run("INSERT INTO leads SELECT r.* FROM raw_leads, jsonb_populate_record(NULL::leads, doc) AS r")
        clock.lap("load_s")
        rows = con.run(job["query"].rstrip().rstrip(";"))
        names = [c["name"] for c in con.columns]
        numeric = [c["type_oid"] in (700, 701, 1700, 20, 21, 23) for c in con.columns]
        with open(job["out"], "w", encoding="utf-8") as out:
            for row in rows:
                out.write(record(names, row, numeric) + "\n")
        clock.lap("query_s")
        return {c["name"]: TYPE_NAMES.get(c["type_oid"], str(c["type_oid"])) for c in con.columns}
    finally:
        con.close()


if __name__ == "__main__":
    serve(run)
