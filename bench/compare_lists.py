#!/usr/bin/env python3
"""bench/compare_lists.py - the same list pages from two servers, byte for byte.

    bench/compare_lists.py BASE_A BASE_B HANDLER[,HANDLER...] [MAX_PAGES]

Logs in as each handler (the demo password) on both servers and pages through
a set of list queries (states, sorts, SLA, type, channel, category, dates,
page sizes 1 to 200), at most MAX_PAGES (6) pages each, comparing status and
body of every answer. Run it against two builds serving copies of one demo
city, both started with the same REXIAN_FAKE_NOW_FILE and a long
--sla-interval so that nothing moves in between. Prints each difference and
a last line "pages N items N diffs N"; exits 1 on any difference.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
A, B = sys.argv[1], sys.argv[2]
handlers = sys.argv[3].split(",")
MAXPAGES = int(sys.argv[4]) if len(sys.argv) > 4 else 6

def req(base, path, token=None, body=None):
    h = {}
    data = None
    if token: h["Authorization"] = "Bearer " + token
    if body is not None:
        data = json.dumps(body).encode(); h["Content-Type"] = "application/json"
    r = urllib.request.Request(base + path, data=data, headers=h)
    try:
        with urllib.request.urlopen(r, timeout=120) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def login(base, u):
    st, b = req(base, "/api/v1/auth/login", body={"username": u, "password": "demo-12345"})
    assert st == 200, (u, st, b)
    return json.loads(b)["token"]

combos = [
    {"status": "dispatched,processing", "sort": "due", "limit": "50"},
    {"status": "dispatched", "sort": "due", "limit": "20"},
    {"status": "processing", "sort": "due", "limit": "20"},
    {"status": "returned", "sort": "due", "limit": "20"},
    {"status": "replied", "sort": "newest", "limit": "20"},
    {"status": "replied", "sort": "due", "limit": "7"},
    {"sort": "due", "limit": "200"},
    {"limit": "200"},
    {"status": "closed", "sort": "due", "limit": "33"},
    {"status": "registered,closed,merged", "limit": "50"},
    {"sla": "overdue", "sort": "due", "limit": "50"},
    {"sla": "warning", "sort": "due", "limit": "50"},
    {"sla": "ok", "limit": "50"},
    {"type": "complaint", "sort": "due", "limit": "50"},
    {"channel": "phone", "status": "processing,returned", "limit": "50"},
    {"category_id": "1", "sort": "due", "limit": "50"},
    {"from": "2026-10-01", "to": "2026-11-15", "sort": "due", "limit": "50"},
    {"status": "dispatched,processing,returned,replied", "sort": "due", "limit": "1"},
]
total = pages = 0
bad = 0
for u in handlers:
    ta, tb = login(A, u), login(B, u)
    for c in combos:
        after = None
        for i in range(MAXPAGES):
            q = dict(c)
            if after: q["after"] = after
            path = "/api/v1/tickets?" + urllib.parse.urlencode(q)
            sa, ba = req(A, path, ta)
            sb, bb = req(B, path, tb)
            pages += 1
            if sa != sb or ba != bb:
                bad += 1
                ja, jb = json.loads(ba), json.loads(bb)
                na = [x.get("number") for x in ja.get("items", [])]
                nb = [x.get("number") for x in jb.get("items", [])]
                print("DIFF", u, path, sa, sb, len(na), len(nb), ja.get("next"), jb.get("next"),
                      [x for x in na if x not in nb][:5], [x for x in nb if x not in na][:5])
                break
            j = json.loads(ba)
            total += len(j["items"])
            after = j["next"]
            if not after: break
print("pages", pages, "items", total, "diffs", bad)
sys.exit(1 if bad else 0)
