"""benchlib - what the bench scripts share: building a bulk database,
timing one request, percentiles, and writing a results block into
docs/PERFORMANCE.md between markers."""

import os
import subprocess
import time


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def build(bin_, db, tickets):
    os.makedirs(os.path.dirname(db), exist_ok=True)
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db + ext):
            os.remove(db + ext)
    t0 = time.monotonic()
    subprocess.run([bin_, "demo-bulk", "--db", db, "--tickets", str(tickets)], check=True,
                   stdout=subprocess.DEVNULL)
    return time.monotonic() - t0


def timed(srv, path, token):
    t0 = time.perf_counter()
    r = srv.request("GET", path, token=token)
    dt = (time.perf_counter() - t0) * 1000
    if r.status != 200:
        raise SystemExit("GET %s answered %s: %r" % (path, r.status, r))
    return dt, r.body


def write_section(path, text, marker):
    """Replaces the block between <!-- MARKER:start --> and <!-- MARKER:end --> of
    path with text (appends it when the markers are missing)."""
    start, end = "<!-- %s:start -->" % marker, "<!-- %s:end -->" % marker
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    block = start + "\n" + text.rstrip() + "\n" + end
    if start in old and end in old:
        new = old[:old.index(start)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
