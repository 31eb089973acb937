"""Privacy (DESIGN.md section 6, docs/API.md "Privacy"): what each role sees of
the citizen, in single tickets, lists and events."""

import json
import unittest

from harness import ServerTestCase

PHONE = "13812345678"
MASKED = "138****5678"
NAME = "王举报"


class PrivacyTest(ServerTestCase):

    @classmethod
    def prepare(cls):
        c = cls.c
        cls.n = {}

        def make(key, **over):
            body = {"channel": "phone", "type": over.pop("type", "complaint"),
                    "title": "隐私测试 " + key, "content": "内容",
                    "citizen": {"name": NAME, "phone": PHONE, "anonymous": False,
                                "confidential": over.pop("confidential", False)}}
            r = cls.srv.request("POST", "/tickets", body, token=c.t("agent1"))
            assert r.status == 201, r
            num = r.body["number"]
            r = cls.srv.request("POST", "/tickets/%s/actions/dispatch" % num,
                                {"version": 1, "unit_id": c.unit["D1"]}, token=c.t("agent1"))
            assert r.status == 200, r
            cls.n[key] = num

        make("plain")
        make("report", type="report")
        make("confidential", confidential=True)

    def citizen(self, key, who):
        r = self.get("/tickets/" + self.n[key], who)
        self.assertStatus(r, 200)
        return r, r.body["citizen"]

    def test_center_sees_everything(self):
        for who in ("agent1", "sup1"):
            for key in ("plain", "report", "confidential"):
                _, cz = self.citizen(key, who)
                self.assertEqual(cz["name"], NAME, (who, key))
                self.assertEqual(cz["phone"], PHONE, (who, key))

    def test_handler_sees_masked_phone(self):
        r, cz = self.citizen("plain", "h_d1")
        self.assertEqual(cz["phone"], MASKED)
        self.assertEqual(cz["name"], NAME)
        self.assertNotIn(PHONE, r.raw.decode("utf-8"))

    def test_handler_sees_no_reporter(self):
        for key in ("report", "confidential"):
            r, cz = self.citizen(key, "h_d1")
            self.assertIsNone(cz["name"], key)
            self.assertIsNone(cz["phone"], key)
            text = r.raw.decode("utf-8")
            self.assertNotIn(PHONE, text, key)
            self.assertNotIn(MASKED, text, key)
            self.assertNotIn(NAME, text, key)

    def test_list_items_masked_the_same_way(self):
        r = self.get("/tickets?limit=200", "h_d1")
        self.assertStatus(r, 200)
        by = {it["number"]: it for it in r.body["items"]}
        self.assertEqual(by[self.n["plain"]]["citizen"]["phone"], MASKED)
        self.assertEqual(by[self.n["plain"]]["citizen"]["name"], NAME)
        for key in ("report", "confidential"):
            self.assertIsNone(by[self.n[key]]["citizen"]["name"], key)
            self.assertIsNone(by[self.n[key]]["citizen"]["phone"], key)
        self.assertNotIn(PHONE, r.raw.decode("utf-8"))
        self.assertNotIn(NAME, json.dumps([by[self.n["report"]], by[self.n["confidential"]]],
                                          ensure_ascii=False))
        r = self.get("/tickets?limit=200", "sup1")
        by = {it["number"]: it for it in r.body["items"]}
        for key in ("plain", "report", "confidential"):
            self.assertEqual(by[self.n[key]]["citizen"]["phone"], PHONE)
            self.assertEqual(by[self.n[key]]["citizen"]["name"], NAME)

    def test_action_answers_masked(self):
        # The ticket a handler gets back from its own action is masked too.
        r = self.act("h_d1", self.n["plain"], "comment", note="看一下")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["citizen"]["phone"], MASKED)
        self.assertNotIn(PHONE, r.raw.decode("utf-8"))
        r = self.act("h_d1", self.n["report"], "comment", note="看一下")
        self.assertStatus(r, 200)
        self.assertIsNone(r.body["citizen"]["phone"])
        self.assertIsNone(r.body["citizen"]["name"])

    def test_events_do_not_leak_identity_to_units(self):
        for key in ("plain", "report", "confidential"):
            r = self.get("/tickets/%s/events" % self.n[key], "h_d1")
            self.assertStatus(r, 200)
            text = r.raw.decode("utf-8")
            self.assertNotIn(PHONE, text, key)
            if key != "plain":
                self.assertNotIn(NAME, text, key)

    def test_phone_history_filter_is_for_the_center(self):
        r = self.get("/tickets?phone=" + PHONE, "sup1")
        self.assertStatus(r, 200)
        nums = {it["number"] for it in r.body["items"]}
        self.assertTrue(set(self.n.values()) <= nums)
        r = self.get("/tickets?phone=13900000000", "sup1")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["items"], [])
        r = self.get("/tickets?phone=" + PHONE, "h_d1")
        self.assertError(r, (400, 403))

    def test_other_phone_forms_masked(self):
        # A landline is masked too (not shown in full to a unit).
        c = self.c
        r = self.req("POST", "/tickets", {"channel": "phone", "type": "help", "title": "座机",
                                          "content": "x",
                                          "citizen": {"name": "李", "phone": "0530-5551234"}},
                     who="agent1")
        self.assertStatus(r, 201)
        num = r.body["number"]
        self.assertEqual(r.body["citizen"]["phone"], "0530-5551234")
        self.act_ok("agent1", num, "dispatch", unit_id=c.unit["D1"])
        t = self.ticket(num, "h_d1")
        self.assertNotEqual(t["citizen"]["phone"], "0530-5551234")
        self.assertIn("*", t["citizen"]["phone"] or "*")


if __name__ == "__main__":
    unittest.main()
