#!/usr/bin/env python3
"""sse_streams.py - does an open live-feed stream cost the API anything?

Builds a demo city (BENCH_TICKETS, default 2000) in a temporary directory,
starts `rexian serve` (REXIAN_BIN, default ./rexian) on a free 127.0.0.1
port, and measures with wrk the latency of one ticket read
(GET /api/v1/tickets/{number} as an agent) twice:

  0      no event streams open
  1000   BENCH_STREAMS (1000) GET /api/v1/events streams open, each read by
         this script (a selector thread drains them all the time)

It also reports the server's thread count with and without the streams
(a stream must not hold a worker thread) and, with the streams open, how
many of them receive the event of a ticket registered afterwards.

Prints a Markdown table; with BENCH_DOC (default docs/PERFORMANCE.md; "-"
for none) it replaces the block between the markers
<!-- BEGIN bench/sse_streams results --> and <!-- END bench/sse_streams results -->.

The two cases alternate run by run, each measured run waiting first (up to
BENCH_QUIET_MAX seconds) for the shared machine to be under 15 % busy.

Knobs: BENCH_STREAMS [1000] BENCH_DURATION [10s] BENCH_RUNS [3]
BENCH_WRK_THREADS [2] BENCH_CONNECTIONS [32] BENCH_TICKETS [2000]
BENCH_QUIET_MAX [120] BENCH_KEEP [0]. Needs wrk. Standard library only;
127.0.0.1 only.
"""
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("REXIAN_BIN", os.path.join(ROOT, "rexian")))
STREAMS = int(os.environ.get("BENCH_STREAMS", "1000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WT = os.environ.get("BENCH_WRK_THREADS", "2")
WC = os.environ.get("BENCH_CONNECTIONS", "32")
TICKETS = os.environ.get("BENCH_TICKETS", "2000")
DOC = os.environ.get("BENCH_DOC", os.path.join(ROOT, "docs", "PERFORMANCE.md"))
KEEP = os.environ.get("BENCH_KEEP", "0") == "1"
QUIET_MAX = float(os.environ.get("BENCH_QUIET_MAX", "120"))
PASSWORD = "demo-12345"
BEGIN = "<!-- BEGIN bench/sse_streams results -->"
END = "<!-- END bench/sse_streams results -->"


def log(msg):
    print("sse_streams: " + msg, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(base, path, token=None, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    r = urllib.request.Request(base + path, data=data, headers=headers)
    with urllib.request.urlopen(r, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def threads_of(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def busy_share(seconds=1.0):
    """Share of all CPUs busy over `seconds` (from /proc/stat)."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_quiet():
    """Waits up to QUIET_MAX s for the machine to be under 15 % busy; True if it was."""
    deadline = time.time() + QUIET_MAX
    while True:
        if busy_share() < 0.15:
            return True
        if time.time() > deadline:
            return False


def cpu_ticks(pid):
    """User + system CPU time of a process, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wrk_once(url, token, duration, pid):
    """One wrk run: (p99 ms, req/s, server CPU µs per request)."""
    cmd = ["wrk", "-t" + WT, "-c" + WC, "-d" + duration, "--latency", "--timeout", "10s",
           "-H", "Authorization: Bearer " + token, url]
    c0 = cpu_ticks(pid)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    c1 = cpu_ticks(pid)
    done = re.search(r"^\s*(\d+) requests in", out, re.M)
    m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    r = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    if not m or not r:
        raise RuntimeError("cannot read wrk's output:\n" + out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise RuntimeError("wrk saw %s error answers" % non2xx.group(1))
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    per_req = (c1 - c0) * 1e6 / os.sysconf("SC_CLK_TCK") / max(1, int(done.group(1)) if done else 1)
    return float(m.group(1)) * scale, float(r.group(1)), per_req


class Streams:
    """N open event streams, drained continuously by one selector thread."""

    def __init__(self, port, token, n):
        self.sel = selectors.DefaultSelector()
        self.socks = []
        self.data = {}
        self.stop = False
        req = ("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
               "Authorization: Bearer %s\r\n\r\n" % token).encode()
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(req)
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ)
            self.socks.append(s)
            self.data[s.fileno()] = b""
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self):
        while not self.stop:
            for key, _ in self.sel.select(0.2):
                try:
                    b = key.fileobj.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    b = b""
                if not b:
                    self.sel.unregister(key.fileobj)
                    continue
                fd = key.fileobj.fileno()
                self.data[fd] = (self.data[fd] + b)[-65536:]

    def open_count(self):
        return sum(1 for s in self.socks if b" 200 " in self.data.get(s.fileno(), b"")[:64] or
                   b"200 OK" in self.data.get(s.fileno(), b""))

    def received(self, needle):
        return sum(1 for s in self.socks if needle in self.data.get(s.fileno(), b""))

    def close(self):
        self.stop = True
        self.thread.join()
        for s in self.socks:
            s.close()


def main():
    if not shutil.which("wrk"):
        log("wrk is not installed (scripts/install-deps)")
        return 1
    if not os.access(BIN, os.X_OK):
        log("%s is not built (make rexian)" % BIN)
        return 1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, STREAMS * 2 + 256))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    tmp = tempfile.mkdtemp(prefix="rexian-sse-bench-")
    db = os.path.join(tmp, "bench.db")
    server = None
    streams = None
    try:
        log("demo city with %s tickets" % TICKETS)
        subprocess.run([BIN, "demo", "--db", db, "--tickets", TICKETS], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        port = free_port()
        base = "http://127.0.0.1:%d" % port
        srv_log = open(os.path.join(tmp, "serve.log"), "wb")
        server = subprocess.Popen(
            [BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--access-log", "off",
             "--conn-limit", str(STREAMS * 2 + 512), "--per-ip-limit", str(STREAMS * 2 + 512)],
            cwd=ROOT, stdout=srv_log, stderr=srv_log)
        for _ in range(200):
            try:
                call(base, "/healthz")
                break
            except OSError:
                time.sleep(0.05)
        token = call(base, "/api/v1/auth/login", body={"username": "agent1",
                                                       "password": PASSWORD})["token"]
        number = call(base, "/api/v1/tickets?limit=1", token)["items"][0]["number"]
        url = base + "/api/v1/tickets/" + number
        wrk_once(url, token, "2s", server.pid)  # warm-up
        # Alternate the two cases run by run, so a change in the machine's load
        # (it is shared) falls on both alike; wait for a quiet machine first.
        zero, many, noisy = [], [], 0
        threads0 = threads1 = open_n = 0
        for run in range(RUNS):
            noisy += 0 if wait_quiet() else 1
            threads0 = threads_of(server.pid)
            log("run %d: ticket read, 0 streams" % (run + 1))
            zero.append(wrk_once(url, token, DURATION, server.pid))
            log("run %d: opening %d streams" % (run + 1, STREAMS))
            streams = Streams(port, token, STREAMS)
            deadline = time.time() + 30
            while (time.time() < deadline and
                   call(base, "/healthz").get("event_streams", 0) < STREAMS):
                time.sleep(0.2)
            open_n = call(base, "/healthz").get("event_streams", 0)
            threads1 = threads_of(server.pid)
            noisy += 0 if wait_quiet() else 1
            log("run %d: ticket read, %d streams" % (run + 1, open_n))
            many.append(wrk_once(url, token, DURATION, server.pid))
            if run + 1 < RUNS:
                streams.close()
                streams = None
                # The server notices closed streams at their next heartbeat.
                deadline = time.time() + 40
                while time.time() < deadline and call(base, "/healthz").get("event_streams", 1):
                    time.sleep(0.5)
        p99_0 = statistics.median(x[0] for x in zero)
        rps_0 = statistics.median(x[1] for x in zero)
        p99_1 = statistics.median(x[0] for x in many)
        rps_1 = statistics.median(x[1] for x in many)
        cpu_0 = statistics.median(x[2] for x in zero)
        cpu_1 = statistics.median(x[2] for x in many)
        t = call(base, "/api/v1/tickets", token, {"channel": "phone", "type": "consult",
                                                  "title": "压测事件", "content": "验证推送到达"})
        needle = ('"ticket":"%s"' % t["number"]).encode()
        deadline = time.time() + 30
        while time.time() < deadline and streams.received(needle) < open_n:
            time.sleep(0.2)
        got = streams.received(needle)
    finally:
        if streams:
            streams.close()
        if server:
            server.send_signal(signal.SIGTERM)
            try:
                rc = server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                rc = "hang"
            log("server stopped: exit %s" % rc)
        if KEEP:
            log("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    rows = [
        "| open streams | ticket read p99 | req/s | server CPU per request | server threads |",
        "|---:|---:|---:|---:|---:|",
        "| 0 | %.2f ms | %.0f | %.0f µs | %d |" % (p99_0, rps_0, cpu_0, threads0),
        "| %d | %.2f ms | %.0f | %.0f µs | %d |" % (open_n, p99_1, rps_1, cpu_1, threads1),
    ]
    runs = "; ".join("%.2f/%.2f ms" % (a[0], b[0]) for a, b in zip(zero, many))
    text = "\n".join(
        ["", "Measured %s on %d CPUs: `wrk -t%s -c%s -d%s --latency`, median of %d runs "
         "(the two cases alternate); a new ticket's event reached %d of %d streams." % (
             time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count() or 0, WT, WC,
             DURATION, RUNS, got, open_n), ""] + rows +
        ["", "p99 per run (0 / %d streams): %s.%s" % (
            open_n, runs, "" if not noisy else
            " %d of %d measured runs started on a busy machine (other jobs over 15 %% of the "
            "CPUs after waiting %.0f s): compare with care." % (noisy, 2 * RUNS, QUIET_MAX)),
         ""])
    print(text)
    if DOC != "-" and os.path.exists(DOC):
        with open(DOC, encoding="utf-8") as f:
            doc = f.read()
        if BEGIN in doc and END in doc:
            a, b = doc.index(BEGIN) + len(BEGIN), doc.index(END)
            with open(DOC, "w", encoding="utf-8") as f:
                f.write(doc[:a] + "\n" + text + doc[b:])
            log("wrote " + DOC)
    return 0 if got == open_n and open_n >= STREAMS else 1


if __name__ == "__main__":
    sys.exit(main())
