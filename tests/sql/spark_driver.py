"""Spark SQL driver for tests/sql_engines.rs (protocol in common.py).

One local[1] session for every job of the run (one JVM).
"""
import os
from common import columns_of_ddl, record, serve

SESSION = None


def session():
    global SESSION
    if SESSION is None:
        from pyspark.sql import SparkSession
        SESSION = (
            SparkSession.builder.master("local[1]")
            .appName("leadscore-sql-engines")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.driver.memory", os.environ.get("LEADSCORE_SPARK_MEMORY", "1g"))
            .getOrCreate()
        )
        SESSION.sparkContext.setLogLevel("ERROR")
    return SESSION


def run(job, clock):
    spark = session()
    clock.lap("start_s")
    reader = spark.read
    if not job.get("infer"):
        reader = reader.schema(columns_of_ddl(job["ddl"]).replace(" NOT NULL", ""))
    # Exactly what spark.read.json infers (or the --ddl schema).
    reader.json(job["leads"]).createOrReplaceTempView("leads")
    clock.lap("load_s")
    df = spark.sql(job["query"].rstrip().rstrip(";"))
    names = df.columns
    numeric = [f.dataType.typeName() in ("double", "float", "long", "integer", "decimal") for f in df.schema.fields]
    with open(job["out"], "w", encoding="utf-8") as out:
        for row in df.toLocalIterator():
            out.write(record(names, list(row), numeric) + "\n")
    clock.lap("query_s")
    spark.catalog.dropTempView("leads")
    return {f.name: f.dataType.simpleString() for f in df.schema.fields}


if __name__ == "__main__":
    serve(run)
