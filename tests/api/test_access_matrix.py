"""The access matrix (issue 9, docs/RELIABILITY.md): one table, every endpoint
of the route table in src/api/dispatch.c x every kind of caller x where the
object lies from a handler's unit (its own, a child unit, another unit) ->
the answer expected. Each cell is one real request on a fresh object where
the request changes something. Nothing may be allowed that the table does
not allow: a cell answering 2xx where the table says otherwise fails, and
so does a route of the dispatcher that the table does not list.

Callers: anon (no credentials), key (an integration's API key), agent1,
sup1, admin, and the handler h_d1 of unit D1, whose child unit is S1 and
for whom B1 is another unit. For the center's roles and for objects that
belong to no unit, the handler's three cells are asked the same.

    REXIAN_MATRIX_PROBE=1 tests/api/run.py test_access_matrix   # print what answers
"""

import os
import re
import socket
import unittest

from harness import ADMIN_PASSWORD, PASSWORD, REPO, ServerTestCase, shanghai_today, ticket_body

PROBE = bool(os.environ.get("REXIAN_MATRIX_PROBE"))
CALLERS = ("anon", "key", "agent1", "sup1", "admin", "h:own", "h:child", "h:other")
SCOPE_UNIT = {"own": "D1", "child": "S1", "other": "B1"}


def E(anon=401, key=403, agent=None, sup=None, admin=None, h=None, center=None, users=None,
      all=None):
    """Builds one row's expectations. `users` sets every logged-in role,
    `center` agent, sup1 and admin; `h` one status or (own, child, other)."""
    if all is not None:
        anon = key = users = all
    if users is not None:
        center = users if center is None else center
        h = users if h is None else h
    if center is not None:
        agent = center if agent is None else agent
        sup = center if sup is None else sup
        admin = center if admin is None else admin
    hs = h if isinstance(h, tuple) else (h, h, h)
    return dict(zip(CALLERS, (anon, key, agent, sup, admin) + hs))


class Fixtures:
    """Objects the cells act on; fresh ones for cells that change them."""

    def __init__(self, case):
        self.t = case
        self.srv = case.srv
        self.c = case.c
        self.n = 0
        self.ticket = {s: self.dispatched(s) for s in SCOPE_UNIT}
        self.article = {s: self.draft(s) for s in SCOPE_UNIT}

    def seq(self):
        self.n += 1
        return self.n

    def admin(self, method, path, body=None, want=(200, 201, 204)):
        r = self.srv.request(method, path, body, token=self.c.t("admin"))
        assert r.status in want, (method, path, body, r)
        return r.body

    def dispatched(self, scope):
        r = self.srv.request("POST", "/tickets", ticket_body(title="矩阵 %d" % self.seq()),
                             token=self.c.t("agent1"))
        assert r.status == 201, r
        num = r.body["number"]
        r = self.srv.request("POST", "/tickets/%s/actions/dispatch" % num,
                             {"version": 1, "unit_id": self.c.unit[SCOPE_UNIT[scope]]},
                             token=self.c.t("agent1"))
        assert r.status == 200, r
        return num

    def draft(self, scope):
        r = self.srv.request("POST", "/kb/articles",
                             {"title": "草稿 %d" % self.seq(), "body": "内容", "state": "draft",
                              "unit_id": self.c.unit[SCOPE_UNIT[scope]]},
                             token=self.c.t("sup1"))
        assert r.status == 201, r
        return r.body["id"], r.body["version"]

    def category(self):
        return self.admin("POST", "/categories", {"code": "MX%d" % self.seq(),
                                                  "name": "矩阵分类"})["id"]

    def leaf_category(self):
        return self.c.cat["LIFT"]


def scope_of(caller):
    return caller.split(":")[1] if caller.startswith("h:") else "own"


# The policy in short: the center's roles read every ticket, a handler those
# of its unit's subtree (another unit's are "not found", not "forbidden", so
# that their numbers tell nothing); admins alone change the organisation,
# the rules and the keys; an API key (an integration) reads the reference
# data (units, categories and their Open311 definitions, the calendar, the
# deadline rules) and nothing else of /api/v1 - no tickets, users, knowledge
# base, live feed or audit log; public endpoints answer everyone alike.
#
# Each row: method, the dispatcher's pattern, a maker (fixtures, caller) ->
# (path, body), and the expectations. Makers that change something make
# their object fresh for the cell.
def T(f, who, suffix=""):
    return "/api/v1/tickets/%s%s" % (f.ticket[scope_of(who)], suffix)


def fresh_ticket(f, who):
    return f.dispatched(scope_of(who))


def article(f, who):
    return f.article[scope_of(who)]


ROWS = [
    ("GET", "/healthz", lambda f, w: ("/healthz", None), E(all=200)),
    ("GET", "/metrics", lambda f, w: ("/metrics", None), E(all=200)),
    ("POST", "/api/v1/auth/login",
     lambda f, w: ("/api/v1/auth/login", {"username": "matrixu", "password": PASSWORD}),
     E(all=200)),
    ("POST", "/api/v1/auth/logout", lambda f, w: ("/api/v1/auth/logout", None),
     E(key=204, users=204)),
    ("GET", "/api/v1/auth/me", lambda f, w: ("/api/v1/auth/me", None), E(key=200, users=200)),
    ("GET", "/api/v1/tickets", lambda f, w: ("/api/v1/tickets?limit=5", None), E(users=200)),
    ("GET", "/api/v1/tickets/export",
     lambda f, w: ("/api/v1/tickets/export?limit=5", None), E(users=200)),
    ("POST", "/api/v1/tickets", lambda f, w: ("/api/v1/tickets", ticket_body()),
     E(agent=201, sup=201, admin=403, h=403)),
    ("GET", "/api/v1/tickets/{number}", lambda f, w: (T(f, w), None),
     E(center=200, h=(200, 200, 404))),
    ("GET", "/api/v1/tickets/{number}/events", lambda f, w: (T(f, w, "/events"), None),
     E(center=200, h=(200, 200, 404))),
    ("GET", "/api/v1/tickets/{number}/similar", lambda f, w: (T(f, w, "/similar"), None),
     E(center=200, h=403)),
    ("GET", "/api/v1/tickets/{number}/attributes", lambda f, w: (T(f, w, "/attributes"), None),
     E(center=200, h=(200, 200, 404))),
    ("POST", "/api/v1/tickets/{number}/actions/{action}",
     lambda f, w: ("/api/v1/tickets/%s/actions/accept" % fresh_ticket(f, w), {"version": 2}),
     E(center=403, h=(200, 200, 404))),
    ("POST", "/api/v1/tickets/{number}/actions/{action}#comment",
     lambda f, w: ("/api/v1/tickets/%s/actions/comment" % fresh_ticket(f, w),
                   {"version": 2, "note": "备注"}),
     E(center=200, h=(200, 200, 404))),
    ("POST", "/api/v1/tickets/{number}/actions/{action}#urge",
     lambda f, w: ("/api/v1/tickets/%s/actions/urge" % fresh_ticket(f, w), {"version": 2}),
     E(agent=200, sup=200, admin=403, h=(403, 403, 404))),
    # The knowledge base: drafts belong to a unit.
    ("GET", "/api/v1/kb/articles", lambda f, w: ("/api/v1/kb/articles", None), E(users=200)),
    ("POST", "/api/v1/kb/articles",
     lambda f, w: ("/api/v1/kb/articles",
                   {"title": "新草稿 %d" % f.seq(), "body": "内容", "state": "draft",
                    "unit_id": f.c.unit[SCOPE_UNIT[scope_of(w)]]}),
     E(agent=403, sup=201, admin=201, h=(201, 201, 403))),
    ("GET", "/api/v1/kb/articles/{id}",
     lambda f, w: ("/api/v1/kb/articles/%d" % article(f, w)[0], None),
     E(agent=404, sup=200, admin=200, h=(200, 200, 404))),
    ("PATCH", "/api/v1/kb/articles/{id}",
     lambda f, w: ("/api/v1/kb/articles/%d" % f.draft(scope_of(w))[0],
                   {"version": 1, "title": "改过 %d" % f.seq()}),
     E(agent=404, sup=200, admin=200, h=(200, 200, 404))),
    ("GET", "/api/v1/kb/articles/{id}/revisions",
     lambda f, w: ("/api/v1/kb/articles/%d/revisions" % article(f, w)[0], None),
     E(agent=404, sup=200, admin=200, h=(200, 200, 404))),
    ("POST", "/api/v1/kb/articles/{id}/publish",
     lambda f, w: ("/api/v1/kb/articles/%d/publish" % f.draft(scope_of(w))[0], {"version": 1}),
     E(agent=404, sup=200, admin=200, h=(403, 403, 404))),
    ("POST", "/api/v1/kb/articles/{id}/withdraw",
     lambda f, w: ("/api/v1/kb/articles/%d/withdraw" % f.draft(scope_of(w))[0], {"version": 1}),
     E(agent=404, sup=200, admin=200, h=(403, 403, 404))),
    ("GET", "/api/v1/kb/suggest", lambda f, w: ("/api/v1/kb/suggest?text=%E7%94%B5%E6%A2%AF", None),
     E(users=200)),
    # The organisation.
    ("GET", "/api/v1/units", lambda f, w: ("/api/v1/units", None), E(key=200, users=200)),
    ("POST", "/api/v1/units",
     lambda f, w: ("/api/v1/units", {"code": "MU%d" % f.seq(), "name": "单位", "kind": "bureau"}),
     E(center=403, admin=201, h=403)),
    ("GET", "/api/v1/units/{id}", lambda f, w: ("/api/v1/units/%d" % f.c.unit["B1"], None),
     E(key=200, users=200)),
    ("PATCH", "/api/v1/units/{id}",
     lambda f, w: ("/api/v1/units/%d" % f.c.unit["B2"], {"name": "市公交公司 %d" % f.seq()}),
     E(center=403, admin=200, h=403)),
    ("GET", "/api/v1/categories", lambda f, w: ("/api/v1/categories", None),
     E(key=200, users=200)),
    ("POST", "/api/v1/categories",
     lambda f, w: ("/api/v1/categories", {"code": "MC%d" % f.seq(), "name": "分类"}),
     E(center=403, admin=201, h=403)),
    ("GET", "/api/v1/categories/{id}",
     lambda f, w: ("/api/v1/categories/%d" % f.c.cat["BUS"], None), E(key=200, users=200)),
    ("PATCH", "/api/v1/categories/{id}",
     lambda f, w: ("/api/v1/categories/%d" % f.c.cat["BUSSTOP"], {"name": "站牌 %d" % f.seq()}),
     E(center=403, admin=200, h=403)),
    ("GET", "/api/v1/categories/{id}/attributes",
     lambda f, w: ("/api/v1/categories/%d/attributes" % f.leaf_category(), None),
     E(key=200, users=200)),
    ("PUT", "/api/v1/categories/{id}/attributes",
     lambda f, w: ("/api/v1/categories/%d/attributes" % f.leaf_category(), {"attributes": []}),
     E(center=403, admin=200, h=403)),
    ("GET", "/api/v1/categories/{id}/service",
     lambda f, w: ("/api/v1/categories/%d/service" % f.leaf_category(), None),
     E(key=200, users=200)),
    ("PUT", "/api/v1/categories/{id}/service",
     lambda f, w: ("/api/v1/categories/%d/service" % f.leaf_category(),
                   {"description": "电梯故障 %d" % f.seq()}),
     E(center=403, admin=200, h=403)),
    ("GET", "/api/v1/users", lambda f, w: ("/api/v1/users", None), E(center=403, admin=200, h=403)),
    ("POST", "/api/v1/users",
     lambda f, w: ("/api/v1/users", {"username": "mx%d" % f.seq(), "password": PASSWORD,
                                     "role": "agent"}),
     E(center=403, admin=201, h=403)),
    ("GET", "/api/v1/users/{id}", lambda f, w: ("/api/v1/users/%d" % f.c.user["agent1"]["id"], None),
     E(center=403, admin=200, h=403)),
    ("PATCH", "/api/v1/users/{id}",
     lambda f, w: ("/api/v1/users/%d" % f.t.scratch_user, {"name": "改名 %d" % f.seq()}),
     E(center=403, admin=200, h=403)),
    # The working calendar and the deadline rules.
    ("GET", "/api/v1/calendar", lambda f, w: ("/api/v1/calendar", None), E(key=200, users=200)),
    ("GET", "/api/v1/calendar/{year}", lambda f, w: ("/api/v1/calendar/2031", None),
     E(key=200, users=200)),
    ("PUT", "/api/v1/calendar/{year}",
     lambda f, w: ("/api/v1/calendar/2031", {"days": [{"date": "2031-01-01", "kind": "holiday",
                                                       "name": "元旦"}]}),
     E(center=403, admin=200, h=403)),
    ("DELETE", "/api/v1/calendar/{year}", lambda f, w: (f.t.calendar_year_to_delete(w), None),
     E(center=403, admin=204, h=403)),
    ("PUT", "/api/v1/calendar/days/{date}",
     lambda f, w: ("/api/v1/calendar/days/2032-05-06", {"kind": "work", "name": "调休"}),
     E(center=403, admin=200, h=403)),
    ("DELETE", "/api/v1/calendar/days/{date}", lambda f, w: (f.t.calendar_day_to_delete(w), None),
     E(center=403, admin=204, h=403)),
    ("GET", "/api/v1/sla-rules", lambda f, w: ("/api/v1/sla-rules", None), E(key=200, users=200)),
    ("POST", "/api/v1/sla-rules",
     lambda f, w: ("/api/v1/sla-rules", {"category_id": f.category(),
                                         "reply": {"amount": 3, "unit": "working_days"}}),
     E(center=403, admin=201, h=403)),
    ("GET", "/api/v1/sla-rules/{id}", lambda f, w: ("/api/v1/sla-rules/%d" % f.t.rule, None),
     E(key=200, users=200)),
    ("PATCH", "/api/v1/sla-rules/{id}",
     lambda f, w: ("/api/v1/sla-rules/%d" % f.t.rule, {"note": "改 %d" % f.seq()}),
     E(center=403, admin=200, h=403)),
    ("DELETE", "/api/v1/sla-rules/{id}", lambda f, w: (f.t.rule_to_delete(w), None),
     E(center=403, admin=204, h=403)),
    ("GET", "/api/v1/events", lambda f, w: ("/api/v1/events", None), E(users=200)),
    # Integrations.
    ("GET", "/api/v1/api-keys", lambda f, w: ("/api/v1/api-keys", None),
     E(center=403, admin=200, h=403)),
    ("POST", "/api/v1/api-keys", lambda f, w: ("/api/v1/api-keys", {"name": "mk%d" % f.seq()}),
     E(center=403, admin=201, h=403)),
    ("DELETE", "/api/v1/api-keys/{id}", lambda f, w: (f.t.key_to_delete(w), None),
     E(center=403, admin=204, h=403)),
    ("GET", "/api/v1/audit", lambda f, w: ("/api/v1/audit?limit=5", None),
     E(center=403, admin=200, h=403)),
    # Unit assessment (docs/ASSESSMENT.md): the center's supervisors and admins, and
    # handlers for their own subtree.
    ("GET", "/api/v1/stats/assessment",
     lambda f, w: ("/api/v1/stats/assessment?month=2026-11", None),
     E(key=403, agent=403, sup=200, admin=200, h=200)),
    ("GET", "/api/v1/stats/assessment/units/{id}",
     lambda f, w: ("/api/v1/stats/assessment/units/%d?month=2026-11"
                   % f.c.unit[SCOPE_UNIT.get(w[2:], "D1")], None),
     E(key=403, agent=403, sup=200, admin=200, h=(200, 200, 404))),
    ("GET", "/api/v1/stats/assessment/units/{id}/tickets",
     lambda f, w: ("/api/v1/stats/assessment/units/%d/tickets?month=2026-11&rate=redo"
                   % f.c.unit[SCOPE_UNIT.get(w[2:], "D1")], None),
     E(key=403, agent=403, sup=200, admin=200, h=(200, 200, 404))),
    ("GET", "/api/v1/stats/assessment/export",
     lambda f, w: ("/api/v1/stats/assessment/export?month=2026-11", None),
     E(key=403, agent=403, sup=200, admin=200, h=200)),
    ("GET", "/api/v1/stats/weights", lambda f, w: ("/api/v1/stats/weights", None),
     E(key=200, users=200)),
    ("PUT", "/api/v1/stats/weights",
     lambda f, w: ("/api/v1/stats/weights",
                   {"response": 30, "resolution": 35, "satisfaction": 35}),
     E(center=403, admin=200, h=403)),
    # Operations statistics: the whole city's figures, for the center.
    ("GET", "/api/v1/stats/overview",
     lambda f, w: ("/api/v1/stats/overview?from=%s" % shanghai_today(), None),
     E(center=200, h=403)),
    ("GET", "/api/v1/stats/hot", lambda f, w: ("/api/v1/stats/hot", None), E(center=200, h=403)),
    ("GET", "/api/v1/stats/volume",
     lambda f, w: ("/api/v1/stats/volume?from=%s" % shanghai_today(), None),
     E(agent=403, sup=200, admin=200, h=403)),
    ("GET", "/api/v1/stats/agents",
     lambda f, w: ("/api/v1/stats/agents?from=%s" % shanghai_today(), None),
     E(agent=403, sup=200, admin=200, h=403)),
    # Public: the same for every caller, whatever credentials it sends.
    ("POST", "/api/v1/public/requests",
     lambda f, w: ("/api/v1/public/requests", {"type": "help", "title": "路灯不亮",
                                               "description": "幸福路路灯不亮。"}),
     E(all=201)),
    ("POST", "/api/v1/public/lookup",
     lambda f, w: ("/api/v1/public/lookup", {"number": f.ticket["own"], "phone_last4": "5678"}),
     E(all=200)),
    ("GET", "/open311/v2/{doc}", lambda f, w: ("/open311/v2/services.json", None), E(all=200)),
    ("POST", "/open311/v2/{doc}",
     lambda f, w: ("/open311/v2/requests.json", None), E(all=403)),  # no api_key
    ("GET", "/open311/v2/services/{code}",
     lambda f, w: ("/open311/v2/services/NOPE.json", None), E(all=404)),
    ("GET", "/open311/v2/requests/{id}",
     lambda f, w: ("/open311/v2/requests/%s.json" % f.ticket["own"], None), E(all=200)),
    ("GET", "/open311/v2/tokens/{token}",
     lambda f, w: ("/open311/v2/tokens/nope.json", None), E(all=404)),
    ("DELETE", "/open311/v2/{doc}", lambda f, w: ("/open311/v2/requests.json", None),
     E(all=405)),
    ("DELETE", "/open311/v2/{kind}/{id}", lambda f, w: ("/open311/v2/requests/1.json", None),
     E(all=405)),
]

METHOD_BITS = {"HM_GET": "GET", "HM_POST": "POST", "HM_PATCH": "PATCH", "HM_PUT": "PUT",
               "HM_DELETE": "DELETE", "HM_HEAD": "HEAD"}


def dispatcher_routes():
    """(method, pattern) of every route in src/api/dispatch.c; "~0u" (any
    method) counts as DELETE, the method such a catch-all exists for."""
    with open(os.path.join(REPO, "src", "api", "dispatch.c"), encoding="utf-8") as f:
        text = f.read()
    table = text[text.index("routes[] = {"):]
    table = table[:table.index("\n};")]
    out = set()
    for methods, pattern in re.findall(r'\{\s*([A-Z_| ~0u]+?)\s*,\s*"([^"]+)"', table):
        if methods.strip() == "~0u":
            out.add(("DELETE", pattern))
            continue
        for m in methods.split("|"):
            m = METHOD_BITS[m.strip()]
            if m != "HEAD":
                out.add((m, pattern))
    return out


class AccessMatrixTest(ServerTestCase):

    @classmethod
    def prepare(cls):
        srv, c = cls.srv, cls.c
        r = srv.request("POST", "/users", {"username": "matrixu", "password": PASSWORD,
                                            "role": "agent"}, token=c.t("admin"))
        assert r.status == 201, r
        r = srv.request("POST", "/users", {"username": "scratch", "password": PASSWORD,
                                            "role": "agent"}, token=c.t("admin"))
        assert r.status == 201, r
        cls.scratch_user = r.body["id"]
        r = srv.request("POST", "/api-keys", {"name": "matrix"}, token=c.t("admin"))
        assert r.status == 201, r
        cls.api_key = r.body["key"]
        cls.f = Fixtures(cls)
        r = srv.request("POST", "/sla-rules", {"category_id": cls.f.category(),
                                               "reply": {"amount": 4, "unit": "working_days"}},
                        token=c.t("admin"))
        assert r.status == 201, r
        cls.rule = r.body["id"]

    # Fresh objects for the DELETE cells (made only where the delete may succeed).
    @classmethod
    def rule_to_delete(cls, who):
        if who != "admin":
            return "/api/v1/sla-rules/%d" % cls.rule
        body = cls.f.admin("POST", "/sla-rules", {"category_id": cls.f.category(),
                                                  "sign": {"amount": 1, "unit": "working_days"}})
        return "/api/v1/sla-rules/%d" % body["id"]

    @classmethod
    def key_to_delete(cls, who):
        body = cls.f.admin("POST", "/api-keys", {"name": "del%d" % cls.f.seq()})
        return "/api/v1/api-keys/%d" % body["id"]

    @classmethod
    def calendar_year_to_delete(cls, who):
        cls.f.admin("PUT", "/calendar/2033", {"days": [{"date": "2033-01-01", "kind": "holiday"}]})
        return "/api/v1/calendar/2033"

    @classmethod
    def calendar_day_to_delete(cls, who):
        cls.f.admin("PUT", "/calendar/days/2034-05-06", {"kind": "work"})
        return "/api/v1/calendar/days/2034-05-06"

    def headers_for(self, caller, path):
        if caller == "anon":
            return {}
        if caller == "key":
            return {"X-Api-Key": self.api_key}
        who = "h_d1" if caller.startswith("h:") else caller
        if path == "/api/v1/auth/logout":  # a session of its own, not the shared one
            pw = ADMIN_PASSWORD if who == "admin" else PASSWORD
            return {"Authorization": "Bearer " + self.srv.login(who, pw)}
        return {"Authorization": "Bearer " + self.c.t(who)}

    def ask(self, method, path, body, headers):
        if path == "/api/v1/events":  # a stream: the status line is the answer
            s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
            head = "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (
                path, "".join("%s: %s\r\n" % kv for kv in headers.items()))
            s.sendall(head.encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            s.close()
            return int(data.split()[1])
        return self.srv.request(method, path, body, headers=headers).status

    def test_routes_are_all_in_the_table(self):
        listed = {(m, p.split("#")[0]) for m, p, _, _ in ROWS}
        missing = sorted(dispatcher_routes() - listed)
        self.assertEqual(missing, [], "routes the access table does not list: add rows")

    def test_matrix(self):
        f = self.f
        seen = []
        wrong = []
        for method, pattern, make, expect in ROWS:
            for caller in CALLERS:
                who = "h_d1" if caller.startswith("h:") else caller
                path, body = make(f, caller if caller.startswith("h:") else who)
                status = self.ask(method, path, body, self.headers_for(caller, path))
                want = expect[caller]
                seen.append((method, pattern, caller, status))
                allowed_wrongly = 200 <= status < 300 and not (200 <= want < 300)
                if status != want or allowed_wrongly:
                    wrong.append("%s %s as %s: %d, table says %d%s"
                                 % (method, pattern, caller, status, want,
                                    " (ALLOWED)" if allowed_wrongly else ""))
        if PROBE:
            for m, p, c, s in seen:
                print("%-7s %-48s %-8s %d" % (m, p, c, s))
        self.assertEqual(wrong, [], "\n" + "\n".join(wrong))
        print("\nFIGURES access: rows=%d cells=%d" % (len(ROWS), len(seen)))

    def test_lists_show_a_handler_its_subtree_only(self):
        f = self.f
        items = self.all_items("h_d1")
        numbers = {t["number"] for t in items}
        self.assertIn(f.ticket["own"], numbers)
        self.assertIn(f.ticket["child"], numbers)
        self.assertNotIn(f.ticket["other"], numbers)
        for t in items:  # nothing of another unit's subtree slips in
            self.assertIn(t["unit_id"], (self.c.unit["D1"], self.c.unit["S1"], self.c.unit["S2"]),
                          t["number"])


if __name__ == "__main__":
    unittest.main()
