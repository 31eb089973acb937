#!/usr/bin/env python3
"""Operations statistics on a big database (issue 7): `make bench` runs it
with --tickets 1000000 once the database exists (see the Makefile).

1. Builds (or reuses) a database of the demo city with N bulk tickets
   (`rexian demo-bulk`, default 1,000,000) under var/bench/, and times it;
   the bulk loader fills the daily figures as it writes.
2. Checks the stored daily figures against a full recount
   (`rexian stats recount`, exit 0 = equal) and times it.
3. Starts `rexian serve` on it and measures, one request at a time from one
   client after a warm-up (so each figure is a latency, HTTP included):
     - GET /stats/hot?day=D             D a random day of the data's last 60
     - GET /stats/hot?day=D&window=week
     - GET /stats/overview?from=&to=    30 days ending on a random day
     - GET /stats/volume?by=day         a month, group none and category
   and reports median / p90 / p99 / max per kind (target: hot topics for a
   day <= 200 ms).
4. With --write FILE, replaces the block between the stats-bench markers.

    bench/stats_ops.py [--bin ./rexian] [--tickets 1000000] [--requests 200]
                       [--db var/bench/stats-1m.db] [--rebuild] [--write docs/PERFORMANCE.md]
"""

import argparse
import datetime
import os
import platform
import random
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "api"))

import harness  # noqa: E402

sys.path.insert(0, HERE)
import benchlib  # noqa: E402
from benchlib import build, pct, timed  # noqa: E402

PASSWORD = "demo-12345"
TARGET_HOT_DAY_MS = 200.0


def data_days(db):
    """The tickets' count and the last day with tickets (server zone +08:00)."""
    con = sqlite3.connect(db)
    try:
        n = con.execute("SELECT count(*) FROM tickets").fetchone()[0]
        last = con.execute("SELECT max(day) FROM stats_day").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM stats_day").fetchone()[0]
        words = con.execute("SELECT count(*) FROM stats_word").fetchone()[0]
    finally:
        con.close()
    last = datetime.date(last // 10000, last // 100 % 100, last % 100)
    return n, last, rows, words


def run(srv, last, n, rng):
    tok = srv.login(SUP, PASSWORD)
    kinds = ["hot_day", "hot_week", "overview_30d", "volume_month", "volume_month_category"]
    out = {k: [] for k in kinds}
    items = []

    def day(back_max=60):
        return last - datetime.timedelta(days=rng.randrange(back_max))

    def path(kind):
        d = day()
        if kind == "hot_day":
            return "/stats/hot?day=%s" % d
        if kind == "hot_week":
            return "/stats/hot?day=%s&window=week" % d
        f = d - datetime.timedelta(days=29)
        if kind == "overview_30d":
            return "/stats/overview?from=%s&to=%s" % (f, d)
        g = "none" if kind == "volume_month" else "category"
        return "/stats/volume?from=%s&to=%s&by=day&group=%s" % (f, d, g)

    for kind in kinds:  # warm-up
        for _ in range(5):
            timed(srv, path(kind), tok)
    for i in range(n):
        for kind in kinds:
            dt, body = timed(srv, path(kind), tok)
            out[kind].append(dt)
            if kind == "hot_day":
                items.append(len(body["items"]))
    return out, items


SUP = "sup1"


def report(a, built, recount, counts, out, items):
    n, last, rows, words = counts
    lines = []
    lines.append("`make bench` (`bench/stats_ops.py --tickets %d --requests %d`): the demo city "
                 "with bulk tickets (`rexian demo-bulk`, which fills the daily figures as it "
                 "writes), one client, one request at a time after a warm-up; latencies in ms "
                 "as the client saw them (HTTP included). Days drawn from the last 60 days of "
                 "the data (last day %s)." % (a.tickets, a.requests, last))
    lines.append("")
    lines.append("Measured %s on %s, %d CPUs, shared with other work (load average %.1f "
                 "when the run ended)." % (datetime.date.today(), platform.node() or "?",
                                           os.cpu_count() or 0, os.getloadavg()[0]))
    lines.append("")
    lines.append("| call | n | median | p90 | p99 | max |")
    lines.append("|---|---|---|---|---|---|")
    names = {"hot_day": "`/stats/hot?day=D` (target ≤ 200)",
             "hot_week": "`/stats/hot?day=D&window=week`",
             "overview_30d": "`/stats/overview` 30 days",
             "volume_month": "`/stats/volume?by=day` a month, `group=none`",
             "volume_month_category": "`/stats/volume?by=day` a month, `group=category`"}
    for k, xs in out.items():
        lines.append("| %s | %d | %.1f | %.1f | %.1f | %.1f |" % (
            names[k], len(xs), pct(xs, 50), pct(xs, 90), pct(xs, 99), max(xs)))
    lines.append("")
    lines.append("Database: %d tickets, %d `stats_day` rows, %d `stats_word` rows. Hot topics "
                 "listed per day: median %d, max %d." % (
                     n, rows, words, pct(items, 50) if items else 0, max(items) if items else 0))
    if built is not None:
        lines.append("Building it (`rexian demo-bulk --tickets %d`) took %.0f s here." % (
            a.tickets, built))
    if recount is not None:
        lines.append("`rexian stats recount` on it (%.0f s with the process start): `%s`: the "
                     "stored figures equal a full recount." % (recount[0], recount[1])
                     if recount[2] == 0 else
                     "`rexian stats recount` on it FAILED: %s" % recount[1])
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("REXIAN_BIN", os.path.join(REPO, "rexian")))
    ap.add_argument("--tickets", type=int, default=1000000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--db")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--no-recount", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--write", metavar="FILE")
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    db = os.path.abspath(a.db or os.path.join(REPO, "var", "bench", "stats-%d.db" % a.tickets))
    built = None
    if a.rebuild or not os.path.exists(db):
        print("building %s (%d tickets) ..." % (db, a.tickets), flush=True)
        built = build(a.bin, db, a.tickets)
    recount = None
    if not a.no_recount:
        t0 = time.monotonic()
        r = subprocess.run([a.bin, "stats", "recount", "--db", db], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        recount = (time.monotonic() - t0, r.stdout.strip(), r.returncode)
        print(r.stdout.strip(), r.stderr.strip(), flush=True)
    counts = data_days(db)
    os.environ["REXIAN_BIN"] = a.bin
    srv = harness.Server(db_path=db, admin=False, access_log="off")
    try:
        out, items = run(srv, counts[1], a.requests, random.Random(a.seed))
    finally:
        srv.stop()
        srv.cleanup()
    text = report(a, built, recount, counts, out, items)
    print(text)
    if a.write:
        write_section(a.write, text)
    if pct(out["hot_day"], 99) > TARGET_HOT_DAY_MS:
        print("missed the hot-topics target (p99 %.1f ms > %.0f)" % (
            pct(out["hot_day"], 99), TARGET_HOT_DAY_MS), file=sys.stderr)
    if recount is not None and recount[2] != 0:
        sys.exit(1)


if __name__ == "__main__":
    main()


def write_section(path, text):
    benchlib.write_section(path, text, 'stats-bench')
