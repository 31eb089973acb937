"""Open311 through the hotline: the full round trip (an app files a request,
agents see a ticket, the unit works it, the app sees the reply and the
closing), and privacy (no name, phone or e-mail in any public answer;
report and confidential tickets never listed)."""

import unittest
from urllib.parse import urlencode

from harness import ServerTestCase
from test_open311 import Open311Mixin, parse_xml, REQUEST_KEYS, W3C

NAME_FIRST, NAME_LAST = "建国", "赵"
FULL_NAME = "赵建国"
PHONE = "13712345678"
EMAIL = "zhao.jianguo@example.com"


class RoundTripTest(Open311Mixin, ServerTestCase):

    @classmethod
    def prepare(cls):
        r = cls.srv.request("POST", "/api-keys", {"name": "城市通"}, token=cls.c.t("admin"))
        cls.key = r.body["key"]

    def o311_request(self, number, fmt="json"):
        got = self.requests_of(self.o311("GET", "requests/" + number, fmt), fmt)
        self.assertEqual(len(got), 1)
        return got[0]

    def test_round_trip(self):
        # 1. The app files a request.
        r = self.submit_ok(self.key, service_code="LIFT", lat=None, long=None,
                           address_string="西城街道幸福小区 3 号楼", description="3号楼电梯停运",
                           first_name=NAME_FIRST, last_name=NAME_LAST, phone=PHONE, email=EMAIL)
        number = r["service_request_id"]

        # 2. Agents see it as a ticket, with the citizen; the public sees it open.
        t = self.ticket(number, "agent1")
        self.assertEqual(t["channel"], "open311")
        self.assertEqual(t["status"], "registered")
        self.assertEqual(t["citizen"]["name"], FULL_NAME)
        self.assertEqual(t["citizen"]["phone"], PHONE)
        self.assertIn(number, self.numbers("agent1", "channel=open311"))
        ev = self.events(number)
        self.assertEqual([e["action"] for e in ev], ["create"])
        self.assertIsNone(ev[0]["actor"])
        pub = self.o311_request(number)
        self.assertEqual(pub["status"], "open")
        self.assertIsNone(pub["agency_responsible"])
        self.assertIsNone(pub["expected_datetime"])

        # 3. Dispatch to the street office; it signs and works on it.
        self.act_ok("agent1", number, "dispatch", unit_id=self.c.unit["S1"])
        pub = self.o311_request(number)
        self.assertEqual(pub["status"], "open")
        self.assertEqual(pub["agency_responsible"], "西城街道办事处")
        self.act_ok("h_s1", number, "accept")
        pub = self.o311_request(number, "xml")
        self.assertEqual(pub["status"], "open")
        self.assertRegex(pub["expected_datetime"], W3C)
        self.assertIsNone(pub["status_notes"])

        # 4. The unit replies: the reply shows as status_notes, still open.
        reply = "已联系维保单位，电梯于当日修复。"
        self.act_ok("h_s1", number, "reply", reply=reply, contacted=True)
        for fmt in ("json", "xml"):
            pub = self.o311_request(number, fmt)
            self.assertEqual(pub["status"], "open")
            self.assertEqual(pub["status_notes"], reply)

        # 5. The callback closes it.
        self.act_ok("agent1", number, "callback", satisfaction="satisfied", resolved=True)
        for fmt in ("json", "xml"):
            pub = self.o311_request(number, fmt)
            self.assertEqual(pub["status"], "closed")
            self.assertEqual(pub["status_notes"], reply)
            self.assertEqual(pub["service_code"], "LIFT")
            self.assertEqual(pub["agency_responsible"], "西城街道办事处")
        closed = {x["service_request_id"] for x in self.requests_of(
            self.o311("GET", "requests", "json", {"status": "closed"}), "json")}
        self.assertIn(number, closed)
        self.assertGreaterEqual(pub["updated_datetime"], pub["requested_datetime"])

    def test_merged_shows_closed_with_its_master(self):
        a = self.submit_ok(self.key, description="路口积水")["service_request_id"]
        b = self.submit_ok(self.key, description="路口积水严重")["service_request_id"]
        self.act_ok("agent1", b, "merge", master=a)
        pub = self.o311_request(b)
        self.assertEqual(pub["status"], "closed")
        self.assertIn(a, pub["status_notes"])

    def test_reopened_goes_back_to_open(self):
        n = self.submit_ok(self.key)["service_request_id"]
        self.act_ok("agent1", n, "dispatch", unit_id=self.c.unit["S2"])
        self.act_ok("h_s2", n, "accept")
        self.act_ok("h_s2", n, "reply", reply="已恢复供水。", contacted=True)
        self.act_ok("agent1", n, "callback", satisfaction="unsatisfied", resolved=False)
        self.assertEqual(self.o311_request(n)["status"], "closed")
        self.act_ok("agent1", n, "reopen", reason="仍然停水")
        pub = self.o311_request(n)
        self.assertEqual(pub["status"], "open")
        self.assertIsNone(pub["status_notes"])


class PrivacyTest(Open311Mixin, ServerTestCase):
    """No public answer carries the citizen's name, phone or e-mail, even when
    they were typed into the text; report and confidential tickets are never
    shown."""

    @classmethod
    def prepare(cls):
        c = cls.c
        r = cls.srv.request("POST", "/api-keys", {"name": "app"}, token=c.t("admin"))
        cls.key = r.body["key"]
        cls.n = {}

        def phone_ticket(key, **over):
            body = {"channel": "phone", "type": over.pop("type", "complaint"),
                    "title": "隐私 " + key,
                    "content": over.pop("content", "%s反映：噪音扰民，回电 %s" % (FULL_NAME, PHONE)),
                    "address": "幸福小区", "category_id": c.cat["WATER"],
                    "citizen": {"name": FULL_NAME, "phone": PHONE, "anonymous": False,
                                "confidential": over.pop("confidential", False)}}
            r = cls.srv.request("POST", "/tickets", body, token=c.t("agent1"))
            assert r.status == 201, r
            cls.n[key] = r.body["number"]

        phone_ticket("plain")
        phone_ticket("report", type="report")
        phone_ticket("confidential", confidential=True)
        r = cls.srv.request(
            "POST", "/open311/v2/requests.json",
            raw=urlencode({"api_key": cls.key, "service_code": "WATER", "lat": "36.8",
                           "long": "118", "first_name": NAME_FIRST, "last_name": NAME_LAST,
                           "phone": PHONE, "email": EMAIL,
                           "description": "联系 %s 或 %s" % (EMAIL, PHONE)}),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 200, r
        cls.n["open311"] = r.body[0]["service_request_id"]
        cls.token = r.body[0]["token"]
        # A reply that names the citizen, once closed.
        num = cls.n["plain"]
        for who, action, args in (
                ("agent1", "dispatch", {"unit_id": c.unit["S2"]}), ("h_s2", "accept", {}),
                ("h_s2", "reply", {"reply": "已电话联系%s（%s），问题已处理。" % (FULL_NAME, PHONE),
                                   "contacted": True})):
            t = cls.srv.request("GET", "/tickets/" + num, token=c.t("sup1")).body
            body = {"version": t["version"]}
            body.update(args)
            r = cls.srv.request("POST", "/tickets/%s/actions/%s" % (num, action), body,
                                token=c.t(who))
            assert r.status == 200, r

    SECRETS = (FULL_NAME, NAME_FIRST, PHONE, PHONE[-8:], EMAIL, "13712345678", "137****5678")

    def assertClean(self, r):
        text = r.raw.decode("utf-8")
        for s in self.SECRETS:
            self.assertNotIn(s, text, "%r leaked in %s" % (s, text[:400]))

    def public_answers(self):
        """Every public Open311 answer that could show these tickets."""
        out = []
        for fmt in ("json", "xml"):
            out.append(self.o311("GET", "requests", fmt))
            out.append(self.o311("GET", "requests", fmt, {"status": "open"}))
            out.append(self.o311("GET", "requests", fmt, {"service_code": "WATER"}))
            out.append(self.o311("GET", "requests", fmt,
                                 {"service_request_id": ",".join(self.n.values())}))
            for num in self.n.values():
                out.append(self.o311("GET", "requests/" + num, fmt))
            out.append(self.o311("GET", "tokens/" + self.token, fmt))
        return out

    def test_no_identity_anywhere(self):
        for r in self.public_answers():
            self.assertIn(r.status, (200, 404), r)
            self.assertClean(r)

    def test_identity_in_text_is_redacted_not_dropped(self):
        got = self.requests_of(self.o311("GET", "requests/" + self.n["plain"], "json"), "json")
        self.assertEqual(got[0]["description"], "***反映：噪音扰民，回电 ***")
        self.assertEqual(got[0]["status_notes"], "已电话联系***（***），问题已处理。")
        got = self.requests_of(self.o311("GET", "requests/" + self.n["open311"], "xml"), "xml")
        self.assertEqual(got[0]["description"], "联系 *** 或 ***")

    def test_report_and_confidential_never_listed(self):
        hidden = {self.n["report"], self.n["confidential"]}
        for fmt in ("json", "xml"):
            listed = {x["service_request_id"] for x in
                      self.requests_of(self.o311("GET", "requests", fmt), fmt)}
            self.assertIn(self.n["plain"], listed)
            self.assertFalse(hidden & listed)
            by_id = {x["service_request_id"] for x in self.requests_of(
                self.o311("GET", "requests", fmt,
                          {"service_request_id": ",".join(sorted(hidden))}), fmt)}
            self.assertEqual(by_id, set())
            for num in hidden:
                self.assertO311Error(self.o311("GET", "requests/" + num, fmt), 404, fmt)
        # The center still sees them in full.
        self.assertEqual(self.ticket(self.n["report"])["citizen"]["phone"], PHONE)

    def test_post_answer_carries_no_identity(self):
        r = self.submit(self.key, first_name=NAME_FIRST, last_name=NAME_LAST, phone=PHONE,
                        email=EMAIL)
        self.assertEqual(r.status, 200, r)
        self.assertClean(r)

    def test_shape_has_no_identity_fields(self):
        got = self.requests_of(self.o311("GET", "requests", "json"), "json")
        for x in got:
            self.assertEqual(list(x), REQUEST_KEYS)
        root = parse_xml(self, self.o311("GET", "requests", "xml"))
        for el in root.iter():
            self.assertNotIn(el.tag, ("email", "phone", "first_name", "last_name", "name",
                                      "device_id", "account_id"))


if __name__ == "__main__":
    unittest.main()
