#!/usr/bin/env python3
"""Ticket exports on a big database (issue 7): rows per second of
GET /api/v1/tickets/export as CSV and XLSX, and the server's memory peak
while it runs. Part of `make bench`.

1. Builds (or reuses) a database of the demo city with N bulk tickets
   (`rexian demo-bulk`, default 100,000) under var/bench/.
2. For each format and each size (10,000 and all N rows, `limit=`), starts a
   fresh `rexian serve` (so VmHWM, the process's peak resident set, belongs
   to that one export), logs in as the supervisor, makes one small request
   to warm up, notes VmHWM, downloads the export reading it in 64 KiB
   pieces (and throwing them away), then notes VmHWM again and the rows.
   Each measurement runs --runs times (default 3); medians are reported.
   Constant memory shows as the same peak for 10k and 100k rows.
3. With --write FILE, replaces the block between the export-bench markers.

    bench/export.py [--bin ./rexian] [--tickets 100000] [--runs 3]
                    [--db var/bench/export-100k.db] [--rebuild] [--write docs/PERFORMANCE.md]
"""

import argparse
import http.client
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "api"))

import harness  # noqa: E402

sys.path.insert(0, HERE)
import benchlib  # noqa: E402
from benchlib import build  # noqa: E402

PASSWORD = "demo-12345"
TARGET_CSV_RPS = 50000
START, END = "<!-- export-bench:start -->", "<!-- export-bench:end -->"


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def download(port, token, query):
    """Reads the whole export; returns (seconds, bytes, rows)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    c.request("GET", "/api/v1/tickets/export?" + query,
              headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    if r.status != 200:
        raise SystemExit("export %s answered %s: %r" % (query, r.status, r.read()[:300]))
    total = lines = 0
    tail = b""
    while True:
        piece = r.read(65536)
        if not piece:
            break
        total += len(piece)
        lines += (tail + piece).count(b"\r\n") - tail.count(b"\r\n")
        tail = piece[-1:]
    dt = time.perf_counter() - t0
    c.close()
    return dt, total, lines


def xlsx_rows(path_bytes):
    import io
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(path_bytes))
    sheet = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")][0]
    with z.open(sheet) as f:
        n = 0
        for chunk in iter(lambda: f.read(1 << 20), b""):
            n += chunk.count(b"<row ")
    return n - 1


def measure(bin_, db, fmt, rows, check_rows):
    srv = harness.Server(db_path=db, admin=False, access_log="off")
    try:
        tok = srv.login("sup1", PASSWORD)
        srv.request("GET", "/tickets?limit=50", token=tok)
        pid = srv.proc.pid
        hwm0 = vm(pid, "VmHWM")
        query = "format=%s&limit=%d" % (fmt, rows)
        if fmt == "xlsx" and check_rows:
            # Once, to count the sheet's rows (kept in memory here, not timed).
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=600)
            c.request("GET", "/api/v1/tickets/export?" + query,
                      headers={"Authorization": "Bearer " + tok})
            got = xlsx_rows(c.getresponse().read())
            c.close()
            if got != rows:
                raise SystemExit("xlsx export has %d rows, wanted %d" % (got, rows))
        dt, size, lines = download(srv.port, tok, query)
        hwm1 = vm(pid, "VmHWM")
        if fmt == "csv" and lines - 1 != rows:
            raise SystemExit("csv export has %d rows, wanted %d" % (lines - 1, rows))
        return {"s": dt, "bytes": size, "rps": rows / dt, "hwm0": hwm0, "hwm1": hwm1}
    finally:
        srv.stop()
        srv.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "rexian"))
    ap.add_argument("--tickets", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", default=None)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--write", metavar="FILE")
    a = ap.parse_args()
    bin_ = os.path.abspath(a.bin)
    os.environ["REXIAN_BIN"] = bin_
    db = a.db or os.path.join(REPO, "var", "bench", "export-%dk.db" % (a.tickets // 1000))
    built = None
    if a.rebuild or not os.path.exists(db):
        print("export bench: building %s (%d bulk tickets)" % (db, a.tickets), file=sys.stderr)
        built = build(bin_, db, a.tickets)
    sizes = sorted({min(10000, a.tickets), a.tickets})
    results = {}
    for fmt in ("csv", "xlsx"):
        for rows in sizes:
            runs = [measure(bin_, db, fmt, rows, check_rows=(i == 0)) for i in range(a.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            results[(fmt, rows)] = med
            print("export bench: %-4s %7d rows  %6.2f s  %8.0f rows/s  %6.1f MB  "
                  "VmHWM %5.1f -> %5.1f MB" % (fmt, rows, med["s"], med["rps"],
                                               med["bytes"] / 1e6, med["hwm0"] / 1024,
                                               med["hwm1"] / 1024), file=sys.stderr)
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [START, "",
             "Measured %s on %s (%d cores, %s), release build, SQLite, "
             "demo city with %d bulk tickets; the supervisor exports everything "
             "(`limit=` rows), one client reading as fast as it can; medians of %d runs, "
             "each on a fresh server. Command: `python3 bench/export.py --runs %d "
             "--write docs/PERFORMANCE.md` (part of `make bench`)."
             % (datetime.now(timezone.utc).strftime("%Y-%m-%d"), cpu, os.cpu_count() or 0,
                platform.system(), a.tickets, a.runs, a.runs), ""]
    if built is not None:
        lines += ["Building the database (`rexian demo-bulk --tickets %d`) took %.0f s." %
                  (a.tickets, built), ""]
    lines += ["| format | rows | time | rows/s | size | VmHWM before → after |",
              "|---|---:|---:|---:|---:|---:|"]
    for (fmt, rows), m in sorted(results.items()):
        lines.append("| %s | %d | %.2f s | %.0f | %.1f MB | %.1f → %.1f MB |"
                     % (fmt.upper(), rows, m["s"], m["rps"], m["bytes"] / 1e6,
                        m["hwm0"] / 1024, m["hwm1"] / 1024))
    big = results[("csv", a.tickets)]
    small = results[("csv", sizes[0])]
    lines += ["", "Target: CSV ≥ %d rows/s — %s (%.0f). Memory: the CSV peak at %d rows is "
              "%.1f MB against %.1f MB at %d rows."
              % (TARGET_CSV_RPS, "met" if big["rps"] >= TARGET_CSV_RPS else "MISSED",
                 big["rps"], a.tickets, big["hwm1"] / 1024, small["hwm1"] / 1024, sizes[0]),
              "", END]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.write:
        with open(a.write, encoding="utf-8") as f:
            doc = f.read()
        if START in doc and END in doc:
            i, j = doc.index(START), doc.index(END) + len(END) + 1
            doc = doc[:i] + text + doc[j:]
        else:
            doc = doc.rstrip("\n") + "\n\n## Exports\n\n" + text
        with open(a.write, "w", encoding="utf-8") as f:
            f.write(doc)


if __name__ == "__main__":
    main()
