"""The citizen page's endpoints (no account): submitting a request and
looking up its progress by ticket number and the last four phone digits,
with the abuse limits; and the page itself being served."""

import http.client
import unittest

from harness import ServerTestCase

PHONE = "13812349876"
LOOKUP_KEYS = {"number", "status", "status_label", "unit", "deadline", "reply"}


def submission(**over):
    body = {"type": "complaint", "description": "小区门口路灯不亮一周了\n请尽快处理",
            "address": "牡丹区幸福路 8 号", "name": "钱女士", "phone": PHONE}
    for k, v in over.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return body


class PublicMixin:
    def submit(self, body):
        return self.srv.request("POST", "/public/requests", body)

    def submit_ok(self, **over):
        r = self.submit(submission(**over))
        self.assertEqual(r.status, 201, r)
        return r.body

    def lookup(self, number, last4):
        return self.srv.request("POST", "/public/lookup", {"number": number,
                                                          "phone_last4": last4})


class PublicSubmitTest(PublicMixin, ServerTestCase):

    @classmethod
    def prepare(cls):
        r = cls.srv.request("PUT", "/categories/%d/attributes" % cls.c.cat["LIFT"],
                            {"attributes": [{"code": "FLOOR", "datatype": "number",
                                             "required": True, "description": "楼层"}]},
                            token=cls.c.t("admin"))
        assert r.status == 200, r

    def test_submit(self):
        r = self.submit_ok(service_code="WATER")
        self.assertEqual(set(r), {"number", "status", "status_label", "service_notice"})
        self.assertRegex(r["number"], r"^\d{14}$")
        self.assertEqual(r["status"], "registered")
        self.assertIn(r["number"], r["service_notice"])
        t = self.ticket(r["number"], "agent1")
        self.assertEqual(t["channel"], "web")
        self.assertEqual(t["type"], "complaint")
        self.assertEqual(t["category_id"], self.c.cat["WATER"])
        self.assertEqual(t["citizen"]["name"], "钱女士")
        self.assertEqual(t["citizen"]["phone"], PHONE)
        self.assertEqual(t["title"], "小区门口路灯不亮一周了", "title: the first line")
        self.assertIsNone(self.events(r["number"])[0]["actor"])

    def test_optional_fields(self):
        r = self.submit_ok(name=None, phone=None, address=None, title="路灯",
                           confidential=True)
        t = self.ticket(r["number"])
        self.assertEqual(t["title"], "路灯")
        self.assertIsNone(t["citizen"]["phone"])
        self.assertTrue(t["citizen"]["confidential"])
        self.assertIsNone(t["category_id"])

    def test_attributes(self):
        r = self.submit(submission(service_code="LIFT"))
        self.assertError(r, 400, "invalid_argument", "attributes")
        self.assertIn("FLOOR", r.body["error"]["message"])
        r = self.submit(submission(service_code="LIFT", attributes={"FLOOR": "三楼"}))
        self.assertError(r, 400, "invalid_argument", "attributes")
        r = self.submit_ok(service_code="LIFT", attributes={"FLOOR": "3"})
        got = self.get("/tickets/%s/attributes" % r["number"], "agent1").body["items"]
        self.assertEqual(got, [{"code": "FLOOR", "values": ["3"]}])
        r = self.submit(submission(service_code="LIFT", attributes={"FLOOR": 3}))
        self.assertError(r, 400, "invalid_argument", "attributes")

    def test_validation(self):
        cases = [(submission(type=None), "type"), (submission(type="rumour"), "type"),
                 (submission(description=None), "description"),
                 (submission(description="  "), "description"),
                 (submission(description="字" * 4001), "description"),
                 (submission(phone="123"), "phone"), (submission(name="名" * 51), "name"),
                 (submission(service_code="NOPE"), "service_code"),
                 (submission(service_code="CITY"), "service_code"),
                 (submission(lat=36.8), "lng"), (submission(email="a@b.cn"), "email"),
                 (submission(address="址" * 501), "address")]
        for body, field in cases:
            self.assertError(self.submit(body), 400, "invalid_argument", field)
        r = self.srv.request("POST", "/public/requests", raw="type=help",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertError(r, 415)
        r = self.srv.request("POST", "/public/requests",
                             raw='{"type":"help","description":"' + "x" * 40000 + '"}')
        self.assertError(r, 413)

    def test_nothing_stored_on_error(self):
        before = len(self.all_items("sup1", "channel=web"))
        self.submit(submission(phone="123"))
        self.submit(submission(service_code="LIFT"))
        self.assertEqual(len(self.all_items("sup1", "channel=web")), before)


class PublicLookupTest(PublicMixin, ServerTestCase):

    def test_lookup_shows_only_progress(self):
        n = self.submit_ok()["number"]
        r = self.lookup(n, PHONE[-4:])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.body), LOOKUP_KEYS)
        self.assertEqual(r.body["number"], n)
        self.assertEqual(r.body["status"], "registered")
        self.assertEqual(r.body["status_label"], "已登记")
        self.assertIsNone(r.body["unit"])
        self.assertIsNone(r.body["deadline"])
        self.assertIsNone(r.body["reply"])
        text = r.raw.decode("utf-8")
        for secret in (PHONE, "钱女士", "幸福路", "路灯不亮"):
            self.assertNotIn(secret, text)

        self.act_ok("agent1", n, "dispatch", unit_id=self.c.unit["D1"])
        self.act_ok("h_d1", n, "accept")
        r = self.lookup(n, PHONE[-4:])
        self.assertEqual(r.body["status"], "processing")
        self.assertEqual(r.body["unit"], "牡丹区人民政府")
        self.assertIsNotNone(r.body["deadline"])
        self.assertIsNone(r.body["reply"])
        self.act_ok("h_d1", n, "reply", reply="已安排维修。", contacted=True)
        r = self.lookup(n, PHONE[-4:])
        self.assertEqual(r.body["status"], "replied")
        self.assertEqual(r.body["reply"], "已安排维修。")

    def test_wrong_digits_look_like_no_ticket(self):
        n = self.submit_ok()["number"]
        wrong = self.lookup(n, "0000")
        missing = self.lookup("20200101000001", PHONE[-4:])
        junk = self.lookup("no-such-number", PHONE[-4:])
        for r in (wrong, missing, junk):
            self.assertError(r, 404, "not_found")
        self.assertEqual(wrong.body, missing.body)
        self.assertEqual(wrong.body, junk.body)
        self.assertNotIn(n, wrong.raw.decode("utf-8"))

    def test_ticket_without_phone_cannot_be_looked_up(self):
        n = self.submit_ok(phone=None)["number"]
        self.assertError(self.lookup(n, "0000"), 404, "not_found")

    def test_landline_digits(self):
        n = self.submit_ok(phone="0530-5551234")["number"]
        self.assertEqual(self.lookup(n, "1234").status, 200)

    def test_bad_input(self):
        self.assertError(self.lookup("20261201000001", "12a4"), 400, field="phone_last4")
        self.assertError(self.lookup("20261201000001", "12345"), 400, field="phone_last4")
        r = self.srv.request("POST", "/public/lookup", {"number": "20261201000001"})
        self.assertError(r, 400, field="phone_last4")
        r = self.srv.request("POST", "/public/lookup", {"number": "1", "phone_last4": "1234",
                                                        "name": "x"})
        self.assertError(r, 400, field="name")

    def test_wrong_guesses_are_limited_per_number_alike(self):
        real = self.submit_ok(phone="13900005555")["number"]
        fake = "20200202000042"
        for number in (real, fake):
            statuses = [self.lookup(number, "%04d" % i).status for i in range(10)]
            self.assertEqual(statuses, [404] * 10, number)
            r = self.lookup(number, "5555")
            self.assertError(r, 429, "rate_limited")
            self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)
        # Other numbers are not held back.
        n = self.submit_ok()["number"]
        self.assertEqual(self.lookup(n, PHONE[-4:]).status, 200)


class PublicRateLimitTest(PublicMixin, ServerTestCase):
    server_flags = {"public_submit_rate": 2, "public_lookup_rate": 3}
    city = False

    def test_submissions_per_address(self):
        a = self.submit_ok(name=None)
        self.submit_ok()
        r = self.submit(submission())
        self.assertError(r, 429, "rate_limited")
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)
        self.assertLessEqual(int(r.headers["Retry-After"]), 3600)
        self.lookups(a["number"])

    def lookups(self, number):
        for _ in range(3):
            self.assertEqual(self.lookup(number, PHONE[-4:]).status, 200)
        r = self.lookup(number, PHONE[-4:])
        self.assertError(r, 429, "rate_limited")
        self.assertIn("Retry-After", r.headers)


class PublicPageTest(ServerTestCase):
    city = False

    def fetch(self, path):
        """GET a path as is (the harness would put /api/v1 in front of it)."""
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return self.srv._response(r.status, r.headers, r.read())
        finally:
            c.close()

    def test_page_and_assets_are_served(self):
        for path in ("/public/", "/public", "/public/track"):
            r = self.fetch(path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertIn("text/html", r.headers["Content-Type"])
            self.assertIn('type="module"', r.body)
            self.assertIn("viewport", r.body)
        for path, ctype in (("/public/app.js", "text/javascript"),
                            ("/public/style.css", "text/css")):
            r = self.fetch(path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertIn(ctype, r.headers["Content-Type"])
        js = self.fetch("/public/app.js").body
        for endpoint in ("/api/v1/public/requests", "/api/v1/public/lookup",
                         "/open311/v2/services.json"):
            self.assertIn(endpoint, js)
        self.assertNotIn("http://", js + self.fetch("/public/").body,
                         "no outside resources")


if __name__ == "__main__":
    unittest.main()
