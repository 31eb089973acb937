#!/usr/bin/env python3
"""Unit assessment on a big database (issue 7): part of `make bench`.

1. Builds (or reuses) the demo city with N bulk tickets under var/bench/
   (`rexian demo-bulk`, default 1,000,000; each bulk ticket gets the events
   of its life and its assessment facts, docs/ASSESSMENT.md), and times it.
2. Checks that the stored daily sums equal a full recount from the events
   (`rexian assess recount`, exit 0), and times the recount.
3. Starts `rexian serve` on it and measures, one request at a time after a
   warm-up, as the supervisor:
     - GET /stats/assessment/units/{id}?month=...   one unit's month (with children)
     - GET /stats/assessment?month=...              the city-wide ranking of every unit
     - GET /stats/assessment/units/{id}/tickets?... one drill-down page (50 tickets)
   over random units and the months the data covers; reports p50 / p90 / p99
   / max against the targets (100 ms and 300 ms).
4. With --write FILE, replaces the block between the assess-bench markers.

    bench/assess.py [--bin ./rexian] [--tickets 1000000] [--requests 200]
                    [--db var/bench/assess-1m.db] [--rebuild] [--write docs/PERFORMANCE.md]
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
TARGETS = {"unit": 100.0, "ranking": 300.0, "drill": None}


def facts_of(db):
    con = sqlite3.connect(db)
    try:
        units = [r[0] for r in con.execute("SELECT id FROM units WHERE kind != 'center'")]
        months = sorted({d // 100 for (d,) in con.execute("SELECT DISTINCT day FROM assess_daily")})
        n = con.execute("SELECT count(*) FROM tickets").fetchone()[0]
        facts = con.execute("SELECT count(*) FROM assess_facts").fetchone()[0]
        daily = con.execute("SELECT count(*) FROM assess_daily").fetchone()[0]
    finally:
        con.close()
    # whole months only: the first and last may be partial
    months = months[1:-1] or months
    return units, ["%04d-%02d" % (m // 100, m % 100) for m in months], n, facts, daily


def run(srv, units, months, n, rng):
    sup = srv.login("sup1", PASSWORD)
    paths = []
    for _ in range(n):
        u, m = rng.choice(units), rng.choice(months)
        paths.append(("unit", "/stats/assessment/units/%d?month=%s" % (u, m)))
        paths.append(("ranking", "/stats/assessment?month=%s" % rng.choice(months)))
        rate = rng.choice(["sign_on_time", "reply_on_time", "response", "satisfaction", "redo"])
        paths.append(("drill", "/stats/assessment/units/%d/tickets?month=%s&rate=%s&part=den"
                      "&limit=50" % (u, m, rate)))
    for _, path in paths[:30]:  # warm-up: page cache, prepared statements
        timed(srv, path, sup)
    rng.shuffle(paths)
    out = {"unit": [], "ranking": [], "drill": []}
    received = []
    for kind, path in paths:
        dt, body = timed(srv, path, sup)
        out[kind].append(dt)
        if kind == "ranking":
            received.append(sum(u["counts"]["received"] for u in body["units"]))
    return out, received


def report(a, built, recount_s, recount_line, info, out, received):
    units, months, n, facts, daily = info
    lines = ["## Unit assessment on %s tickets (`bench/assess.py`)" % format(n, ","), ""]
    lines.append("`make bench` (`bench/assess.py --tickets %d --requests %d`), %s, %s UTC, "
                 "on the shared 2-CPU development machine (other engineers' builds and tests "
                 "running: load average %.1f at the start): the demo city with bulk tickets "
                 "(`rexian demo-bulk`, each with the events of its life), one client, one "
                 "request at a time as the supervisor, after a warm-up; latencies in ms as "
                 "the client saw them (HTTP included)."
                 % (a.tickets, a.requests, platform.node() or "this machine",
                    datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), os.getloadavg()[0]))
    lines.append("")
    lines.append("| request | target | p50 (median) | p90 | p99 | max | n |")
    lines.append("|---|---|---|---|---|---|---|")
    names = {"unit": "`GET /stats/assessment/units/{id}?month=` (one unit's month, with children)",
             "ranking": "`GET /stats/assessment?month=` (every unit of the city, ranked)",
             "drill": "`GET /stats/assessment/units/{id}/tickets?...&part=den&limit=50`"}
    for k in ("unit", "ranking", "drill"):
        xs = out[k]
        lines.append("| %s | %s | %.1f | %.1f | %.1f | %.1f | %d |"
                     % (names[k], "%.0f" % TARGETS[k] if TARGETS[k] else "-", pct(xs, 50),
                        pct(xs, 90), pct(xs, 99), max(xs), len(xs)))
    lines.append("")
    lines.append("%d assessed units, %d whole months drawn from; a month's ranking covered "
                 "%.0f received assignments on average. The database holds %s facts (one per "
                 "ticket and unit assignment) and %s daily rows (unit x day)."
                 % (len(units), len(months), sum(received) / max(1, len(received)),
                    format(facts, ","), format(daily, ",")))
    lines.append("")
    lines.append("Recount (`rexian assess recount`: every fact again from the %s tickets' "
                 "events, summed per unit and day, compared with the stored sums): %.0f s, "
                 "`%s`." % (format(n, ","), recount_s, recount_line))
    lines += [
        "",
        "Why these are short: a report reads the daily sums (`assess_daily`, primary key",
        "(day, unit)), a month is ~30 x units rows whatever the number of tickets, and the",
        "subtree totals and ranks are added up in C over the unit list. The sums are kept",
        "by triggers on `assess_facts`, which every action rewrites for its ticket in its",
        "own transaction; the drill-down reads the facts by (unit, day).",
    ]
    if built is not None:
        lines.append("")
        lines.append("Building the database (`rexian demo-bulk --tickets %d`) took %.0f s here."
                     % (a.tickets, built))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("REXIAN_BIN", os.path.join(REPO, "rexian")))
    ap.add_argument("--tickets", type=int, default=1000000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--db")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--write", metavar="FILE")
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    name = "assess-1m.db" if a.tickets == 1000000 else "assess-%d.db" % a.tickets
    db = os.path.abspath(a.db or os.path.join(REPO, "var", "bench", name))
    built = None
    if a.rebuild or not os.path.exists(db):
        print("building %s (%d tickets) ..." % (db, a.tickets), flush=True)
        built = build(a.bin, db, a.tickets)
    t0 = time.monotonic()
    r = subprocess.run([a.bin, "assess", "recount", "--db", db], stdout=subprocess.PIPE, text=True)
    recount_s = time.monotonic() - t0
    recount_line = (r.stdout.strip().splitlines() or ["(no output)"])[-1]
    if r.returncode != 0:
        print(r.stdout[-4000:])
        raise SystemExit("the stored assessment sums differ from a recount")
    info = facts_of(db)
    os.environ["REXIAN_BIN"] = a.bin
    srv = harness.Server(db_path=db, admin=False, access_log="off")
    try:
        out, received = run(srv, info[0], info[1], a.requests, random.Random(a.seed))
    finally:
        srv.stop()
        srv.cleanup()
    text = report(a, built, recount_s, recount_line, info, out, received)
    print(text)
    if a.write:
        write_section(a.write, text)
    missed = [k for k in TARGETS if TARGETS[k] and pct(out[k], 99) > TARGETS[k]]
    if missed:
        print("missed p99 targets: %s" % ", ".join(missed), file=sys.stderr)


if __name__ == "__main__":
    main()


def write_section(path, text):
    benchlib.write_section(path, text, 'assess-bench')
