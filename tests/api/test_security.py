"""Access and secrets (issue 9, docs/RELIABILITY.md): the hash-chained audit
log and `rexian audit verify`, login throttling, the security headers on
every kind of answer, Secure cookies behind a TLS proxy, sessions that
really end, password rules on every path that sets one, and the reporter
of a report (举报) absent from everything a unit can see.
"""

import json
import os
import shutil
import socket
import sqlite3
import threading
import time
import unittest

from harness import ADMIN_PASSWORD, PASSWORD, REPO, Server, ServerTestCase, ticket_body
from harness import PG_URL_BASE  # the pg suite skips what edits the SQLite file itself

REPORTER = "王举报人"
REPORTER_PHONE = "13955554321"
REPORTER_MASKED = "139****4321"


def leaks(text):
    """The pieces of the reporter's identity found in text."""
    return [p for p in (REPORTER, REPORTER_PHONE, REPORTER_MASKED, "55554321") if p in text]


class AuditTest(ServerTestCase):

    def admin(self, method, path, body=None, want=(200, 201, 204)):
        r = self.req(method, path, body, who="admin")
        self.assertIn(r.status, want, r)
        return r.body

    def verify(self, db):
        return self.srv.cli("audit", "verify", "--db", db)

    def test_admin_changes_are_logged_without_secrets(self):
        unit = self.admin("POST", "/units", {"code": "AU1", "name": "审计单位", "kind": "bureau"})
        self.admin("PATCH", "/units/%d" % unit["id"], {"name": "审计单位二"})
        cat = self.admin("POST", "/categories", {"code": "AUC", "name": "审计分类"})
        self.admin("PATCH", "/categories/%d" % cat["id"], {"name": "审计分类二"})
        user = self.admin("POST", "/users", {"username": "audited", "password": "Secret-pw-99",
                                             "role": "agent"})
        self.admin("PATCH", "/users/%d" % user["id"], {"role": "supervisor",
                                                      "password": "Other-pw-77"})
        key = self.admin("POST", "/api-keys", {"name": "pbx"})
        self.admin("DELETE", "/api-keys/%d" % key["id"])
        self.admin("POST", "/sla-rules", {"category_id": cat["id"],
                                          "reply": {"amount": 3, "unit": "working_days"}})
        self.admin("PUT", "/calendar/days/2031-05-06", {"kind": "work"})
        # Refused attempts change nothing and log nothing.
        self.assertStatus(self.req("POST", "/units", {"code": "NO", "name": "x", "kind": "bureau"},
                                   who="sup1"), 403)
        r = self.get("/audit?limit=200", "admin")
        self.assertStatus(r, 200)
        rows = r.body["items"]
        actions = [a["action"] for a in rows]
        for want in ("unit.create", "unit.update", "category.create", "category.update",
                     "user.create", "user.update", "POST /api/v1/api-keys",
                     "DELETE /api/v1/api-keys/{id}", "POST /api/v1/sla-rules",
                     "PUT /api/v1/calendar/days/{date}"):
            self.assertIn(want, actions)
        self.assertEqual(len([a for a in actions if a == "unit.create"]), 6 + 1)  # the City's + ours
        self.assertTrue(all(a["actor"] in ("admin", "(cli)") for a in rows), rows[:3])
        self.assertEqual(rows[-1]["action"], "user.create")  # the admin, by the command line
        self.assertEqual(rows[-1]["actor"], "(cli)")
        text = r.raw.decode("utf-8")
        self.assertNotIn("Secret-pw-99", text)
        self.assertNotIn("Other-pw-77", text)
        self.assertNotIn(key["key"], text)
        upd = next(a for a in rows if a["action"] == "user.update")
        self.assertEqual(upd["detail"]["password"], "(changed)")
        self.assertEqual(upd["object_id"], user["id"])
        # Newest first, a chain of hashes: each row's prev_hash is the next one's hash.
        seqs = [a["seq"] for a in rows]
        self.assertEqual(seqs, sorted(seqs, reverse=True))
        for newer, older in zip(rows, rows[1:]):
            self.assertEqual(newer["prev_hash"], older["hash"])
        for who in ("agent1", "sup1", "h_d1"):
            self.assertStatus(self.get("/audit", who), 403)

    @unittest.skipIf(PG_URL_BASE, "tampers with the SQLite file itself")
    def test_verify_detects_edited_and_removed_rows(self):
        for i in range(4):
            self.admin("POST", "/units", {"code": "AV%d" % i, "name": "单位", "kind": "bureau"})
        db = self.srv.db
        r = self.verify(db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("audit log ok", r.stdout)
        # The table refuses edits outright...
        con = sqlite3.connect(db)
        with self.assertRaises(sqlite3.DatabaseError):
            con.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
        with self.assertRaises(sqlite3.DatabaseError):
            con.execute("DELETE FROM audit_log WHERE seq = 2")
        con.close()
        # ... and whoever drops the guards is caught by the chain.
        cases = {
            "edited": "UPDATE audit_log SET detail = '{\"name\":\"forged\"}' WHERE seq = 3",
            "middle": "DELETE FROM audit_log WHERE seq = 3",
            "last": "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
            "head": "UPDATE audit_head SET seq = seq - 1",
            "actor": "UPDATE audit_log SET actor = 'sup1' WHERE seq = 2",
        }
        for name, sql in cases.items():
            copy = os.path.join(self.srv.dir, "tamper-%s.db" % name)
            src = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            dst = sqlite3.connect(copy)
            src.backup(dst)
            src.close()
            dst.execute("DROP TRIGGER audit_log_no_update")
            dst.execute("DROP TRIGGER audit_log_no_delete")
            dst.execute(sql)
            dst.commit()
            dst.close()
            r = self.verify(copy)
            self.assertEqual(r.returncode, 1, "%s: %s %s" % (name, r.stdout, r.stderr))
            self.assertIn("BROKEN", r.stdout, name)
        self.assertEqual(self.verify(db).returncode, 0)


class ThrottleTest(ServerTestCase):
    server_flags = {"login_user_limit": 3, "login_addr_limit": 1000, "login_window": 60}

    def login(self, user, pw, headers=None):
        return self.srv.request("POST", "/auth/login", {"username": user, "password": pw},
                                headers=headers)

    def test_per_user(self):
        for _ in range(3):
            self.assertError(self.login("h_s2", "Wrong-pass-1"), 401)
        r = self.login("h_s2", "Wrong-pass-1")
        self.assertError(r, 429, "rate_limited")
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)
        # Throttled before the password is looked at: the right one waits too.
        self.assertError(self.login("h_s2", PASSWORD), 429)
        # Others are not held up.
        self.assertStatus(self.login("h_s1", PASSWORD), 200)

    def test_success_empties_the_users_bucket(self):
        for _ in range(2):
            self.assertError(self.login("h_b1", "Wrong-pass-1"), 401)
        self.assertStatus(self.login("h_b1", PASSWORD), 200)
        for _ in range(3):
            self.assertError(self.login("h_b1", "Wrong-pass-1"), 401)

    def test_parallel_guesses_are_charged_up_front(self):
        results = []
        lock = threading.Lock()

        def guess():
            r = self.login("h_b2", "Wrong-pass-1")
            with lock:
                results.append(r.status)

        ts = [threading.Thread(target=guess) for _ in range(12)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertLessEqual(results.count(401), 3, results)
        self.assertEqual(results.count(401) + results.count(429), 12, results)


class AddressThrottleTest(ServerTestCase):
    server_flags = {"login_user_limit": 0, "login_addr_limit": 4, "login_window": 60,
                    "trust_proxy": "on"}
    city = False

    def test_per_address_behind_a_trusted_proxy(self):
        a = {"X-Forwarded-For": "198.51.100.7, 203.0.113.5"}
        for i in range(4):
            r = self.srv.request("POST", "/auth/login",
                                 {"username": "nobody%d" % i, "password": "Wrong-pass-1"}, headers=a)
            self.assertError(r, 401)
        r = self.srv.request("POST", "/auth/login", {"username": "admin", "password": ADMIN_PASSWORD},
                             headers=a)
        self.assertError(r, 429, "rate_limited")
        self.assertIn("Retry-After", r.headers)
        # Another client behind the same proxy (the proxy's last hop names it).
        b = {"X-Forwarded-For": "198.51.100.7, 203.0.113.6"}
        r = self.srv.request("POST", "/auth/login", {"username": "admin", "password": ADMIN_PASSWORD},
                             headers=b)
        self.assertStatus(r, 200)


class HeadersTest(ServerTestCase):
    server_flags = {"web_root": os.path.join(REPO, "web")}

    def check(self, r, page=False):
        h = r.headers
        csp = h.get("Content-Security-Policy") or ""
        self.assertIn("frame-ancestors 'none'", csp, r)
        self.assertEqual(h.get("X-Content-Type-Options"), "nosniff", r)
        self.assertTrue(h.get("Referrer-Policy"), r)
        self.assertEqual(h.get("X-Frame-Options"), "DENY", r)
        script = [d.strip() for d in csp.split(";") if d.strip().startswith("script-src")]
        default = [d.strip() for d in csp.split(";") if d.strip().startswith("default-src")]
        for d in script + default:
            self.assertNotIn("'unsafe-inline'", d, r)
            self.assertNotIn("'unsafe-eval'", d, r)
        if not page:
            self.assertIn("default-src 'none'", csp)

    def test_on_every_kind_of_answer(self):
        self.check(self.get("/tickets?limit=1", "agent1"))
        self.check(self.srv.request("GET", "/tickets"))  # 401
        self.check(self.get("/users", "agent1"))  # 403
        self.check(self.get("/nothing-here", "agent1"))  # 404
        self.check(self.req("POST", "/tickets", raw=b"{x", who="agent1"))  # 400
        self.check(self.srv.request("GET", "/healthz"))
        self.check(self.srv.request("GET", "/metrics"))
        tok = self.srv.login("agent1", PASSWORD)
        self.check(self.srv.request("POST", "/auth/logout", token=tok))  # 204

    def test_pages_run_no_inline_script(self):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        conn.request("GET", "/")  # the harness would prefix /api/v1
        resp = conn.getresponse()
        r = self.srv._response(resp.status, resp.headers, resp.read())
        conn.close()
        if r.status != 200:
            self.skipTest("no web front end in this tree")
        self.check(r, page=True)
        html = r.raw.decode("utf-8", "replace")
        # Every script element loads a file; the CSP would block any other.
        import re
        for tag in re.findall(r"<script\b[^>]*>", html, re.I):
            self.assertIn("src=", tag)


class SecureCookieTest(unittest.TestCase):

    def cookie(self, srv, headers):
        r = srv.request("POST", "/auth/login", {"username": "admin", "password": ADMIN_PASSWORD},
                        headers=headers)
        self.assertEqual(r.status, 200, r)
        return [c for c in r.headers.get_all("Set-Cookie") if c.startswith("rexian_session=")][0]

    def test_secure_only_over_tls_and_only_from_a_trusted_proxy(self):
        tls = {"X-Forwarded-Proto": "https"}
        srv = Server(trust_proxy="on")
        try:
            self.assertIn("; Secure", self.cookie(srv, tls))
            self.assertNotIn("Secure", self.cookie(srv, {}))
        finally:
            self.assertEqual(srv.stop(), 0)
            srv.cleanup()
        srv = Server()  # trust_proxy off: a client cannot claim TLS
        try:
            self.assertNotIn("Secure", self.cookie(srv, tls))
        finally:
            self.assertEqual(srv.stop(), 0)
            srv.cleanup()


class SessionsTest(ServerTestCase):

    def test_logout_with_blanks_after_bearer_ends_the_session(self):
        tok = self.srv.login("agent1", PASSWORD)
        h = {"Authorization": "Bearer   " + tok}
        self.assertStatus(self.srv.request("GET", "/auth/me", headers=h), 200)
        self.assertStatus(self.srv.request("POST", "/auth/logout", headers=h), 204)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401)

    def test_basic_auth_does_not_open_the_csrf_gate(self):
        # A browser adds Basic credentials by itself when a proxy asks for them;
        # that is no proof the page is ours.
        tok = self.srv.login("agent1", PASSWORD)
        h = {"Cookie": "rexian_session=" + tok, "Authorization": "Basic YWRtaW46eA=="}
        r = self.srv.request("POST", "/tickets", ticket_body(), headers=h)
        self.assertError(r, 403, "forbidden")
        h["X-Requested-With"] = "rexian"
        self.assertStatus(self.srv.request("POST", "/tickets", ticket_body(), headers=h), 201)

    def test_password_rules_on_every_path(self):
        for weak in ("short1", "allletters", "12345678901", "x" * 129):
            r = self.req("POST", "/users", {"username": "weak%d" % len(weak), "password": weak,
                                            "role": "agent"}, who="admin")
            self.assertError(r, 400, "invalid_argument", "password", msg=weak)
            uid = self.c.user["agent1"]["id"]
            r = self.req("PATCH", "/users/%d" % uid, {"password": weak}, who="admin")
            self.assertError(r, 400, "invalid_argument", "password", msg=weak)
            r = self.srv.cli("user", "add", "--db", self.srv.db, "--username", "cliweak",
                             "--password", weak, "--role", "agent")
            self.assertEqual(r.returncode, 1, weak)


class ReporterPrivacyTest(ServerTestCase):
    """A report's reporter is absent from every answer a unit can see."""

    @classmethod
    def prepare(cls):
        srv, c = cls.srv, cls.c
        body = ticket_body(type="report", title="举报违建", content="某小区顶楼违规加建。",
                           citizen={"name": REPORTER, "phone": REPORTER_PHONE,
                                    "anonymous": False, "confidential": False})
        r = srv.request("POST", "/tickets", body, token=c.t("agent1"))
        assert r.status == 201, r
        cls.number = r.body["number"]
        # One from the citizen page too (Open311's way in has its own tests).
        r = srv.request("POST", "/public/requests",
                        {"type": "report", "title": "举报噪音", "description": "夜间施工。",
                         "name": REPORTER, "phone": REPORTER_PHONE})
        cls.public_number = r.body.get("number") if r.status == 201 else None

    def seen(self, r):
        self.assertLess(r.status, 500, r)
        return r.raw.decode("utf-8", "replace") if r.raw else ""

    def test_every_answer_a_unit_sees(self):
        c, n = self.c, self.number
        texts = []
        # The live feed of the unit, open while the ticket reaches it.
        feed = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        feed.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                      % c.t("h_d1")).encode())
        time.sleep(0.3)
        r = self.act("agent1", n, "dispatch", unit_id=c.unit["D1"])
        self.assertStatus(r, 200)
        for num in filter(None, [self.public_number]):
            self.act("agent1", num, "dispatch", unit_id=c.unit["D1"])
        h = "h_d1"
        texts.append(self.seen(self.get("/tickets/" + n, h)))
        texts.append(self.seen(self.get("/tickets/%s/events" % n, h)))
        texts.append(self.seen(self.get("/tickets/%s/attributes" % n, h)))
        for q in ("", "status=dispatched", "sort=due", "type=report", "q=%E8%BF%9D%E5%BB%BA"):
            r = self.get("/tickets?limit=200&" + q, h)
            self.assertStatus(r, 200)
            self.assertIn(n, [t["number"] for t in r.body["items"]], q)
            texts.append(self.seen(r))
        # Searching for the reporter finds nothing (no side channel through search).
        r = self.get("/tickets?limit=200&q=" + "%E7%8E%8B%E4%B8%BE%E6%8A%A5%E4%BA%BA", h)
        if r.status == 200:
            self.assertNotIn(n, [t["number"] for t in r.body["items"]])
        r = self.get("/tickets?phone=" + REPORTER_PHONE, h)
        self.assertStatus(r, 403)
        # The answers to its own actions, and to a refused one.
        t = self.act_ok(h, n, "accept")
        texts.append(json.dumps(t, ensure_ascii=False))
        r = self.act(h, n, "comment", note="已收到")
        texts.append(self.seen(r))
        r = self.act(h, n, "comment", version=1, note="过期版本")
        self.assertStatus(r, 409)
        texts.append(self.seen(r))
        r = self.act(h, n, "callback", satisfaction="satisfied", resolved=True)
        self.assertStatus(r, (403, 409))
        texts.append(self.seen(r))
        r = self.act(h, n, "reply", reply="已处理。", contacted=True)
        texts.append(self.seen(r))
        self.assertStatus(self.get("/tickets/%s/similar" % n, h), 403)
        if self.public_number:
            texts.append(self.seen(self.get("/tickets/" + self.public_number, h)))
            texts.append(self.seen(self.get("/tickets/%s/events" % self.public_number, h)))
        # What the feed carried meanwhile.
        feed.settimeout(1.0)
        stream = b""
        try:
            while len(stream) < 1 << 20:
                b = feed.recv(65536)
                if not b:
                    break
                stream += b
        except socket.timeout:
            pass
        feed.close()
        self.assertIn(b"event: dispatch", stream)
        texts.append(stream.decode("utf-8", "replace"))
        found = [(i, leaks(t)) for i, t in enumerate(texts) if leaks(t)]
        self.assertEqual(found, [], "the reporter shows in what a unit sees")
        # The center still sees who reported.
        self.assertEqual(self.ticket(n, "agent1")["citizen"]["name"], REPORTER)

    def test_public_answers_show_no_identity(self):
        r = self.srv.request("GET", "/open311/v2/requests/%s.json" % self.number)
        self.assertEqual(leaks(self.seen(r)), [])
        r = self.srv.request("POST", "/public/lookup", {"number": self.number,
                                                        "phone_last4": REPORTER_PHONE[-4:]})
        self.assertEqual(leaks(self.seen(r)), [])


if __name__ == "__main__":
    unittest.main()
