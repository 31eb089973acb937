"""Bad input: every one a 4xx JSON error with the right code and field, and
nothing stored (docs/API.md "Errors", DESIGN.md section 5)."""

import json
import unittest

from datetime import timezone

from harness import ServerTestCase, ticket_body, parse_time


class InputTest(ServerTestCase):
    server_flags = {}

    def count(self):
        return len(self.all_items("sup1"))

    def post_ticket(self, body=None, raw=None, headers=None, who="agent1"):
        return self.req("POST", "/tickets", body, who=who, raw=raw, headers=headers)

    def assertRejected(self, status, code, field=None, body=None, raw=None, headers=None,
                       msg=None):
        """POST /tickets is refused and no ticket appears."""
        before = self.count()
        r = self.post_ticket(body, raw=raw, headers=headers)
        err = self.assertError(r, status, code, field, msg=msg)
        self.assertEqual(self.count(), before, "nothing stored: %s" % (msg or body or raw))
        return err

    def test_valid_ticket_is_stored(self):
        before = self.count()
        t = self.create()
        self.assertEqual(self.count(), before + 1)
        self.assertEqual(t["citizen"]["phone"], "13812345678")
        self.assertEqual(t["urgency"], "normal")
        t = self.create(lat=36.8, lng=118.25, area="370302", urgency="urgent",
                        citizen={"name": "匿名", "phone": "13812345678", "anonymous": True,
                                 "confidential": True})
        g = self.ticket(t["number"])
        self.assertEqual((g["lat"], g["lng"], g["area"], g["urgency"]),
                         (36.8, 118.25, "370302", "urgent"))
        self.assertEqual(g["citizen"], {"name": "匿名", "phone": "13812345678",
                                        "anonymous": True, "confidential": True})
        self.assertEqual(g["address"], "牡丹区西城街道幸福小区3号楼")
        # Minimal body: urgency defaults to normal, citizen optional.
        r = self.post_ticket({"channel": "web", "type": "consult", "title": "最少字段",
                              "content": "x"})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["urgency"], "normal")
        self.assertEqual(r.body["status"], "registered")
        self.assertEqual(r.body["version"], 1)

    def test_malformed_json(self):
        for raw in (b'{"title":', b"{nope}", b"[1,2", b'{"channel":"phone",}', b"nul",
                    b'{"a":1}{"b":2}'):
            self.assertRejected(400, "invalid_json", raw=raw, msg=raw)

    def test_duplicate_keys(self):
        raw = json.dumps(ticket_body(), ensure_ascii=False)[:-1] + ', "title": "again"}'
        self.assertRejected(400, "invalid_json", raw=raw.encode("utf-8"))

    def test_not_an_object(self):
        for raw in (b"[]", b'"ticket"', b"42", b"null", b"true"):
            self.assertRejected(400, ("invalid_json", "invalid_argument"), raw=raw, msg=raw)

    def test_empty_body(self):
        self.assertRejected(400, ("invalid_json", "invalid_argument"), raw=b"")
        self.assertRejected(400, ("invalid_json", "invalid_argument"), raw=b"   \n")

    def test_wrong_types(self):
        cases = [
            (ticket_body(title=123), "title"),
            (ticket_body(title=None), "title"),
            (ticket_body(content=["x"]), "content"),
            (ticket_body(channel=1), "channel"),
            (ticket_body(type=None), "type"),
            (ticket_body(urgency=True), "urgency"),
            (ticket_body(citizen="张先生"), "citizen"),
            (ticket_body(citizen={"name": "张", "phone": 13812345678}), "citizen.phone"),
            (ticket_body(citizen={"name": 7}), "citizen.name"),
            (ticket_body(citizen={"anonymous": "yes"}), "citizen.anonymous"),
            (ticket_body(citizen={"confidential": 1}), "citizen.confidential"),
            (ticket_body(category_id="12"), "category_id"),
            (ticket_body(category_id=1.5), "category_id"),
            (ticket_body(lat="36.8", lng=118.0), "lat"),
            (ticket_body(address=5), "address"),
        ]
        for body, field in cases:
            self.assertRejected(400, "invalid_argument", field, body=body, msg=field)
        body = ticket_body()
        body["title"] = None  # explicit JSON null for a required string
        self.assertRejected(400, "invalid_argument", "title", raw=json.dumps(body).encode())

    def test_bad_values(self):
        c = self.c
        cases = [
            (ticket_body(channel="fax"), "channel"),
            (ticket_body(type="rumour"), "type"),
            (ticket_body(urgency="asap"), "urgency"),
            (ticket_body(title=""), "title"),
            (ticket_body(title="   "), "title"),
            (ticket_body(title="\u3000\u3000"), "title"),
            (ticket_body(category_id=2 ** 63 - 1), "category_id"),
            (ticket_body(category_id=-1), "category_id"),
            (ticket_body(title="长" * 201), "title"),
            (ticket_body(content="x" * 8001), "content"),
            (ticket_body(content=""), "content"),
            (ticket_body(category_id=999999), "category_id"),
            (ticket_body(lat=91.0, lng=118.0), "lat"),
            (ticket_body(lat=36.0, lng=181.0), "lng"),
        ]
        for body, field in cases:
            self.assertRejected(400, "invalid_argument", field, body=body, msg=field)
        # lat and lng go together.
        self.assertRejected(400, "invalid_argument", ("lat", "lng"), body=ticket_body(lat=36.8))
        self.assertRejected(400, "invalid_argument", ("lat", "lng"), body=ticket_body(lng=118.0))
        # Missing required fields.
        for f in ("channel", "type", "title", "content"):
            b = ticket_body()
            del b[f]
            self.assertRejected(400, "invalid_argument", f, body=b, msg="missing " + f)
        # Limits are inclusive; title counts characters, not bytes.
        t = self.create(title="长" * 200, content="y" * 8000, category_id=c.cat["LIFT"])
        self.assertEqual(t["title"], "长" * 200)
        self.assertEqual(len(t["content"]), 8000)

    def test_unknown_fields(self):
        self.assertRejected(400, "invalid_argument", "priority",
                            body=ticket_body(priority="high"))
        self.assertRejected(400, "invalid_argument", "citizen.email",
                            body=ticket_body(citizen={"name": "张", "email": "a@b.c"}))
        # Server-owned fields are not writable.
        for f, v in (("status", "closed"), ("number", "20260101000001"), ("version", 9),
                     ("unit_id", 1)):
            self.assertRejected(400, "invalid_argument", f, body=ticket_body(**{f: v}), msg=f)

    def test_invalid_utf8(self):
        good = json.dumps(ticket_body(), ensure_ascii=False).encode("utf-8")
        for bad in (b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe5\xb0", b"\xf8\x88\x80\x80\x80",
                    b"\xf4\x90\x80\x80"):
            raw = good.replace("小区电梯故障".encode("utf-8"), b"bad " + bad + b" text")
            self.assertNotEqual(raw, good)
            self.assertRejected(400, "invalid_json", raw=raw, msg=bad)
        # A lone surrogate escape is not a character either.
        raw = good.replace("小区电梯故障".encode("utf-8"), b"\\ud800")
        self.assertRejected(400, ("invalid_json", "invalid_argument"), raw=raw)

    def test_nul_in_string(self):
        # A NUL cannot be kept in a C string, so it is refused, and the
        # message says so in the client's terms (not the parser's flag names).
        before = self.count()
        r = self.post_ticket(ticket_body(title="a\u0000b"))
        self.assertError(r, 400, "invalid_json")
        msg = r.body["error"]["message"]
        self.assertIn("\\u0000", msg)
        self.assertNotIn("JSON_", msg)
        self.assertEqual(self.count(), before)

    def test_body_over_limit(self):
        before = self.count()
        prefix = b'{"channel":"phone","type":"help","title":"big","content":"'
        r = self.srv.send_streaming("POST", "/tickets", 5 * 1024 * 1024, prefix=prefix,
                                    headers={"Authorization": "Bearer " + self.c.t("agent1")})
        self.assertIsNotNone(r, "no answer to a 5 MB body")
        self.assertError(r, 413, "payload_too_large")
        self.assertTrue(r.headers.get("X-Request-Id"))
        # Just over the default 1 MiB too.
        body = json.dumps(ticket_body(content="x" * (1024 * 1024))).encode()
        r = self.srv.send_streaming("POST", "/tickets", len(body), prefix=body,
                                    headers={"Authorization": "Bearer " + self.c.t("agent1")})
        self.assertIsNotNone(r)
        self.assertError(r, 413, "payload_too_large")
        self.assertEqual(self.count(), before)
        # The server is fine afterwards.
        self.assertStatus(self.get("/auth/me", "agent1"), 200)

    def test_wrong_content_type(self):
        good = json.dumps(ticket_body(), ensure_ascii=False).encode("utf-8")
        for ct in ("text/plain", "application/x-www-form-urlencoded", "application/xml",
                   "multipart/form-data; boundary=x"):
            self.assertRejected(415, "unsupported_media_type", raw=good,
                                headers={"Content-Type": ct}, msg=ct)
        self.assertRejected(415, "unsupported_media_type", raw=good,
                            headers={"Content-Type": None}, msg="no content type")
        # Parameters on the right type are fine.
        r = self.post_ticket(raw=good, headers={"Content-Type": "application/json; charset=utf-8"})
        self.assertStatus(r, 201)

    def test_invalid_phone(self):
        for phone in ("12345678901x", "999", "1381234567", "138123456789", "23812345678",
                      "abc", "+1 415 555 0100", ""):
            self.assertRejected(400, "invalid_argument", "citizen.phone",
                                body=ticket_body(citizen={"name": "张", "phone": phone}),
                                msg=phone)
        for phone in ("13812345678", "0530-5551234", "05305551234", "010-12345678", "12345",
                      "95598"):
            r = self.post_ticket(ticket_body(citizen={"name": "张", "phone": phone}))
            self.assertStatus(r, 201, "valid phone %s refused: %r" % (phone, r))

    def test_sql_looking_text_is_stored_verbatim(self):
        texts = ["'); DROP TABLE tickets;--", "\" OR 1=1 --", "Robert'); DELETE FROM users;--",
                 "%' OR '1'='1", "\\'; --", "<script>alert(1)</script>"]
        for s in texts:
            t = self.create(title=s, content=s + " 内容",
                            citizen={"name": s[:20], "phone": "13812345678"})
            self.assertEqual(t["title"], s)
            g = self.ticket(t["number"])
            self.assertEqual(g["title"], s)
            self.assertEqual(g["content"], s + " 内容")
            self.assertEqual(g["citizen"]["name"], s[:20])
            t2 = self.act_ok("agent1", t["number"], "comment", note=s)
            self.assertEqual(self.events(t["number"])[-1]["note"], s)
            self.assertEqual(t2["title"], s)
        # Everything is still there.
        self.assertTrue(self.count() >= len(texts))
        self.assertStatus(self.get("/users", "admin"), 200)
        self.assertGreaterEqual(len(self.get("/users", "admin").body["items"]), 8)

    def test_unknown_ticket_and_unit(self):
        for path in ("/tickets/20200101999999", "/tickets/20200101999999/events",
                     "/units/999999", "/categories/999999", "/users/999999"):
            self.assertError(self.get(path, "admin" if "users" in path else "sup1"), 404,
                             "not_found", msg=path)
        r = self.req("POST", "/tickets/20200101999999/actions/urge", {"version": 1}, who="sup1")
        self.assertError(r, 404, "not_found")
        for bad in ("abc", "2026120100000", "202612010000011", "20261399000001",
                    "%20", "0" * 14, "9" * 3000, "..%2F..%2Fetc%2Fpasswd"):
            r = self.get("/tickets/" + bad, "sup1")
            self.assertError(r, (400, 404), msg=bad)

    def test_action_input(self):
        c = self.c
        t = self.dispatched("D1")
        n = t["number"]
        v = t["version"]
        before = len(self.events(n))

        def refused(action, body, status, code, field=None, raw=None, headers=None):
            r = self.req("POST", "/tickets/%s/actions/%s" % (n, action), body, who="h_d1",
                         raw=raw, headers=headers)
            self.assertError(r, status, code, field, msg="%s %s" % (action, body or raw))

        refused("accept", {}, 400, "invalid_argument", "version")
        refused("accept", {"version": "2"}, 400, "invalid_argument", "version")
        refused("accept", {"version": 2.5}, 400, "invalid_argument", "version")
        refused("accept", {"version": None}, 400, "invalid_argument", "version")
        refused("accept", {"version": 10 ** 20}, (400, 409),
                ("invalid_argument", "invalid_json", "conflict"))
        refused("accept", {"version": v, "unit_id": 3}, 400, "invalid_argument", "unit_id")
        refused("accept", {"version": v, "bogus": 1}, 400, "invalid_argument", "bogus")
        refused("accept", {"version": v, "note": 5}, 400, "invalid_argument", "note")
        refused("accept", None, 400, "invalid_json", raw=b"{version:2}")
        refused("accept", None, 415, "unsupported_media_type", raw=b'{"version":2}',
                headers={"Content-Type": "text/plain"})
        refused("return", {"version": v}, 400, "invalid_argument", "reason")
        refused("return", {"version": v, "reason": "  "}, 400, "invalid_argument", "reason")
        refused("return", {"version": v, "reason": "x" * 2001}, 400, "invalid_argument",
                "reason")
        refused("subdispatch", {"version": v}, 400, "invalid_argument", "unit_id")
        refused("subdispatch", {"version": v, "unit_id": "S1"}, 400, "invalid_argument",
                "unit_id")
        self.assertStatus(self.req("POST", "/tickets/%s/actions/fly" % n, {"version": v},
                                   who="h_d1"), 404)
        self.assertStatus(self.req("POST", "/tickets/%s/actions/create" % n, {"version": v},
                                   who="sup1"), 404)
        self.assertStatus(self.req("POST", "/tickets/%s/actions/" % n, {"version": v},
                                   who="sup1"), (404, 405))
        self.assertEqual(len(self.events(n)), before)
        self.assertEqual(self.ticket(n)["version"], v)
        # Arguments of the later steps.
        t = self.act_ok("h_d1", n, "accept")
        v = t["version"]
        refused("reply", {"version": v, "reply": "x"}, 400, "invalid_argument", "contacted")
        refused("reply", {"version": v, "reply": "x", "contacted": "yes"}, 400,
                "invalid_argument", "contacted")
        refused("reply", {"version": v, "contacted": True}, 400, "invalid_argument", "reply")
        refused("reply", {"version": v, "reply": "x", "contacted": True,
                          "contacted_at": "yesterday"}, 400, "invalid_argument", "contacted_at")
        # Contacted when it was accepted (not in the future), given in UTC.
        when = parse_time(t["updated_at"]).replace(microsecond=0).astimezone(timezone.utc)
        t = self.act_ok("h_d1", n, "reply", reply="好", contacted=True,
                        contacted_at=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertEqual(parse_time(self.ticket(n)["contacted_at"]), when)
        self.assertTrue(self.ticket(n)["contacted_at"].endswith("+08:00"))
        v = t["version"]
        r = self.req("POST", "/tickets/%s/actions/callback" % n,
                     {"version": v, "satisfaction": "great", "resolved": True}, who="agent1")
        self.assertError(r, 400, "invalid_argument", "satisfaction")
        r = self.req("POST", "/tickets/%s/actions/callback" % n,
                     {"version": v, "satisfaction": "satisfied"}, who="agent1")
        self.assertError(r, 400, "invalid_argument", "resolved")
        r = self.req("POST", "/tickets/%s/actions/callback" % n,
                     {"version": v, "satisfaction": "satisfied", "resolved": "true"},
                     who="agent1")
        self.assertError(r, 400, "invalid_argument", "resolved")
        self.assertEqual(self.ticket(n)["status"], "replied")
        # Dispatch arguments.
        reg = self.create()
        rn = reg["number"]
        for body, field in (({"version": 1}, "unit_id"),
                            ({"version": 1, "unit_id": 999999}, "unit_id"),
                            ({"version": 1, "unit_id": c.unit["D1"], "co_unit_ids": [999999]},
                             "co_unit_ids"),
                            ({"version": 1, "unit_id": c.unit["D1"], "co_unit_ids": "B2"},
                             "co_unit_ids")):
            r = self.req("POST", "/tickets/%s/actions/dispatch" % rn, body, who="agent1")
            self.assertError(r, 400, "invalid_argument", field, msg=body)
        r = self.req("POST", "/tickets/%s/actions/answer" % rn, {"version": 1}, who="agent1")
        self.assertError(r, 400, "invalid_argument", "answer")
        self.assertEqual(self.ticket(rn)["version"], 1)
        self.assertEqual(len(self.events(rn)), 1)

    def test_method_not_allowed_and_unknown_route(self):
        r = self.req("DELETE", "/tickets", who="sup1")
        self.assertError(r, 405, "method_not_allowed")
        r = self.req("PUT", "/units", {"x": 1}, who="admin")
        self.assertError(r, 405, "method_not_allowed")
        self.assertError(self.get("/nothing-here", "sup1"), 404, "not_found")

    def test_request_id(self):
        r = self.srv.request("GET", "/healthz")
        self.assertTrue(r.headers.get("X-Request-Id"))
        r = self.srv.request("GET", "/healthz", headers={"X-Request-Id": "abc-123.X_y"})
        self.assertEqual(r.headers.get("X-Request-Id"), "abc-123.X_y")
        for r in (self.srv.request("GET", "/tickets"),
                  self.req("DELETE", "/tickets", who="sup1"),
                  self.req("POST", "/tickets", who="agent1", raw=b"x",
                           headers={"Content-Type": "text/plain"}),
                  self.req("POST", "/tickets", who="agent1", raw=b"{")):
            self.assertTrue(r.headers.get("X-Request-Id"), r)
        for bad in ("a" * 65, "has space", "semi;colon", "ümlaut"):
            hdr = bad.encode("utf-8").decode("latin-1")
            r = self.srv.request("GET", "/healthz", headers={"X-Request-Id": hdr})
            self.assertTrue(r.headers.get("X-Request-Id"))
            self.assertNotEqual(r.headers.get("X-Request-Id"), hdr)
        r = self.get("/tickets/20200101999999", "sup1")
        self.assertTrue(r.headers.get("X-Request-Id"), "errors carry it too")
        for n in (40, 64):
            r = self.srv.request("GET", "/healthz", headers={"X-Request-Id": "b" * n})
            self.assertEqual(r.headers.get("X-Request-Id"), "b" * n,
                             "a client id of %d characters is echoed" % n)


class SmallBodyLimitTest(ServerTestCase):
    server_flags = {"body_limit": 2000}
    city = False

    def test_body_limit_flag(self):
        tok = self.srv.admin_token()
        body = json.dumps({"code": "BIG", "name": "x" * 3000, "kind": "bureau"}).encode()
        r = self.srv.request("POST", "/units", raw=body, token=tok)
        self.assertError(r, 413, "payload_too_large")
        body = json.dumps({"code": "SMALL", "name": "x" * 100, "kind": "bureau"}).encode()
        r = self.srv.request("POST", "/units", raw=body, token=tok)
        self.assertStatus(r, 201)
        codes = [u["code"] for u in self.srv.request("GET", "/units", token=tok).body["items"]]
        self.assertEqual(codes, ["SMALL"])


if __name__ == "__main__":
    unittest.main()
