#!/usr/bin/env python3
"""api.py - the small HTTP/JSON chores of bench/run, over the public API only.

  api.py wait    BASE SECONDS                 poll /healthz until it answers 200
  api.py login   BASE USER PASSWORD           print a session token
  api.py collect BASE AGENT_TOK ADMIN_TOK N LUA_OUT
        page through every ticket (GET /api/v1/tickets, limit 200, keyset
        cursor), write N randomly chosen numbers to LUA_OUT as a Lua table,
        pick the unit with the most open queue tickets (dispatched +
        processing) that has a handler, and print shell assignments:
        TOTAL, SAMPLED, BUSY_UNIT_ID, BUSY_UNIT_CODE, BUSY_UNIT_QUEUE,
        BUSY_UNIT_TICKETS, HANDLER, FIRST_NUMBER, COLLECT_S
  api.py count   BASE                         total tickets (sum of rexian_tickets in /metrics)
  api.py sample  BASE TOKEN LUA_FILE K OUT     fetch the first K numbers of LUA_FILE
        and save the body of the median-sized ticket to OUT (bytes as served);
        prints its size and number
  api.py status  BASE TOKEN PATH              print the HTTP status of a GET
  api.py fsync   DIR                          the disk under DIR: median and p90 of
        200 appends of 52 KiB (13 pages, one ticket's WAL frames) + fdatasync, in µs

Only the standard library; talks to 127.0.0.1 only.
"""
import json
import random
import sys
import time
import urllib.error
import urllib.request


def req(base, path, token=None, body=None):
    headers = {}
    data = None
    if token:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    r = urllib.request.Request(base + path, data=data, headers=headers)
    with urllib.request.urlopen(r, timeout=30) as resp:
        return resp.status, resp.read()


def cmd_wait(base, seconds):
    end = time.time() + float(seconds)
    while time.time() < end:
        try:
            st, _ = req(base, "/healthz")
            if st == 200:
                return 0
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    print("api.py: server did not answer /healthz", file=sys.stderr)
    return 1


def cmd_login(base, user, password):
    _, b = req(base, "/api/v1/auth/login", body={"username": user, "password": password})
    print(json.loads(b)["token"])
    return 0


def shq(v):
    return "'" + str(v).replace("'", "'\\''") + "'"


def cmd_collect(base, agent_tok, admin_tok, n, lua_out):
    n = int(n)
    t0 = time.time()
    numbers = []
    queue = {}    # unit_id -> dispatched + processing tickets led by it
    tickets = {}  # unit_id -> all tickets led by it
    after = None
    while True:
        path = "/api/v1/tickets?limit=200" + ("&after=" + after if after else "")
        _, b = req(base, path, agent_tok)
        d = json.loads(b)
        for t in d["items"]:
            numbers.append(t["number"])
            u = t.get("unit_id")
            if u is not None:
                tickets[u] = tickets.get(u, 0) + 1
                if t["status"] in ("dispatched", "processing"):
                    queue[u] = queue.get(u, 0) + 1
        after = d.get("next")
        if not after:
            break
    _, b = req(base, "/api/v1/users", admin_tok)
    handlers = {}
    for u in json.loads(b)["items"]:
        if u["role"] == "handler" and u.get("active", True) and u.get("unit_id"):
            handlers.setdefault(u["unit_id"], u["username"])
    _, b = req(base, "/api/v1/units", agent_tok)
    codes = {u["id"]: u["code"] for u in json.loads(b)["items"]}
    cands = [u for u in queue if u in handlers]
    if not cands:
        print("api.py: no unit with a handler has queue tickets", file=sys.stderr)
        return 1
    busy = max(cands, key=lambda u: (queue[u], -u))
    rng = random.Random(12345)
    sample = rng.sample(numbers, min(n, len(numbers)))
    with open(lua_out, "w") as f:
        f.write("return {\n")
        for i in range(0, len(sample), 8):
            f.write(",".join('"%s"' % x for x in sample[i:i + 8]) + ",\n")
        f.write("}\n")
    out = {
        "TOTAL": len(numbers),
        "SAMPLED": len(sample),
        "BUSY_UNIT_ID": busy,
        "BUSY_UNIT_CODE": codes.get(busy, "?"),
        "BUSY_UNIT_QUEUE": queue[busy],
        "BUSY_UNIT_TICKETS": tickets.get(busy, 0),
        "HANDLER": handlers[busy],
        "FIRST_NUMBER": sample[0],
        "COLLECT_S": "%.1f" % (time.time() - t0),
    }
    for k, v in out.items():
        print("%s=%s" % (k, shq(v)))
    return 0


def cmd_count(base):
    _, b = req(base, "/metrics")
    total = 0
    for line in b.decode().splitlines():
        if line.startswith("rexian_tickets{"):
            total += int(float(line.rsplit(" ", 1)[1]))
    print(total)
    return 0


def cmd_sample(base, token, lua_file, k, out):
    import re
    nums = re.findall(r'"(\d{14})"', open(lua_file).read())[:int(k)]
    bodies = []
    for n in nums:
        _, b = req(base, "/api/v1/tickets/" + n, token)
        bodies.append((len(b), n, b))
    bodies.sort()
    size, num, body = bodies[len(bodies) // 2]
    with open(out, "wb") as f:
        f.write(body)
    print("%d %s %d %d" % (size, num, bodies[0][0], bodies[-1][0]))
    return 0


def cmd_fsync(d):
    import os
    path = os.path.join(d, "fsync.probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    buf = b"x" * (4096 * 13)
    ts = []
    try:
        for i in range(200):
            t = time.perf_counter()
            os.pwrite(fd, buf, (i % 100) * len(buf))
            os.fdatasync(fd)
            ts.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        os.unlink(path)
    ts.sort()
    print("%.0f %.0f" % (ts[len(ts) // 2] * 1e6, ts[int(len(ts) * 0.9)] * 1e6))
    return 0


def cmd_status(base, token, path):
    try:
        st, _ = req(base, path, token)
    except urllib.error.HTTPError as e:
        st = e.code
    print(st)
    return 0


def main(argv):
    cmds = {"wait": cmd_wait, "login": cmd_login, "collect": cmd_collect,
            "count": cmd_count, "sample": cmd_sample, "status": cmd_status, "fsync": cmd_fsync}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
