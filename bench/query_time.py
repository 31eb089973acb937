#!/usr/bin/env python3
"""bench/query_time.py - the median time of one SQL statement on a SQLite file.

    bench/query_time.py DB SQLFILE [name=value ...] [--runs N] [--plan]

SQLFILE holds one statement with named parameters (:scope, :su, :limit ...),
bound from the name=value arguments (integers when they look like one). The
statement is prepared once (Python's sqlite3 keeps it) and stepped to the end
N times (default 500); the first tenth of the runs warms the cache and is
dropped. Prints the median and p90 of the whole page and of `SELECT count(*)`
over it (the query without building Python objects for each column), and with
--plan the EXPLAIN QUERY PLAN.

Where the statements come from: a server started with REXIAN_DEBUG_LIST_SQL=1
prints every ticket-list statement it prepares on stderr (SQLite backend).
Being in-process and without HTTP or JSON, this is the steadier figure on a
shared machine than wrk's req/s.
"""
import sqlite3
import statistics
import sys
import time


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    db, sqlfile = argv[1], argv[2]
    runs, plan, params = 500, False, {}
    rest = argv[3:]
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--runs":
            runs = int(rest[i + 1])
            i += 2
            continue
        if a == "--plan":
            plan = True
        else:
            k, _, v = a.partition("=")
            params[k] = int(v) if v.lstrip("-").isdigit() else v
        i += 1
    sql = open(sqlfile, encoding="utf-8").read().strip().rstrip(";")
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    print("SQLite %s, %s, %d runs" % (sqlite3.sqlite_version, db, runs))
    if plan:
        for row in con.execute("EXPLAIN QUERY PLAN " + sql, params):
            print("  plan:", row[3])
    for label, q in (("page", sql), ("count(*) over it", "SELECT count(*) FROM (%s)" % sql)):
        ts = []
        rows = 0
        for _ in range(runs):
            t = time.perf_counter()
            rows = len(con.execute(q, params).fetchall())
            ts.append(time.perf_counter() - t)
        ts = sorted(ts[runs // 10:])
        print("%-17s median %.3f ms, p90 %.3f ms (%d rows)"
              % (label, statistics.median(ts) * 1e3, ts[int(len(ts) * 0.9)] * 1e3, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
