"""GET /api/v1/tickets: filters, keyset pagination, sort, parameter errors."""

import unittest
from datetime import timedelta, timezone

from harness import ServerTestCase, parse_time, fmt_time, urlquote, SHANGHAI

RUNNING = {"dispatched": "sign_due", "processing": "reply_due", "returned": "reply_due",
           "replied": "callback_due"}


class ListsTest(ServerTestCase):

    @classmethod
    def prepare(cls):
        srv, c = cls.srv, cls.c
        cls.t = {}

        def call(who, method, path, body=None):
            r = srv.request(method, path, body, token=c.t(who))
            assert r.status in (200, 201), (path, body, r)
            return r.body

        def make(key, type, channel, cat, urgency="normal"):
            body = {"channel": channel, "type": type, "urgency": urgency,
                    "title": "列表测试 " + key, "content": "内容 " + key,
                    "citizen": {"name": "市民" + key, "phone": "1390000%04d" % len(cls.t)}}
            if cat:
                body["category_id"] = c.cat[cat]
            t = call("agent1", "POST", "/tickets", body)
            cls.t[key] = t
            return t["number"]

        def act(who, key, action, **args):
            num = cls.t[key]["number"]
            v = call("sup1", "GET", "/tickets/" + num)["version"]
            args["version"] = v
            cls.t[key] = call(who, "POST", "/tickets/%s/actions/%s" % (num, action), args)

        make("reg1", "complaint", "phone", "LIFT")
        make("reg2", "consult", "web", "BUS")
        make("disp_d1", "help", "app", "WATER")
        act("agent1", "disp_d1", "dispatch", unit_id=c.unit["D1"])
        make("disp_b1", "report", "wechat", "TRAF", urgency="urgent")
        act("agent1", "disp_b1", "dispatch", unit_id=c.unit["B1"])
        make("proc_s1", "suggestion", "email", "CITY")
        act("agent1", "proc_s1", "dispatch", unit_id=c.unit["S1"])
        act("h_s1", "proc_s1", "accept")
        make("rep_d1", "praise", "letter", None)
        act("agent1", "rep_d1", "dispatch", unit_id=c.unit["D1"])
        act("h_d1", "rep_d1", "accept")
        act("h_d1", "rep_d1", "reply", reply="已答复", contacted=True)
        make("closed", "consult", "phone", "BUSSTOP")
        act("agent1", "closed", "answer", answer="直接答复")
        make("ret_b2", "complaint", "web", "BUS", urgency="emergency")
        act("sup1", "ret_b2", "dispatch", unit_id=c.unit["B2"])
        act("h_b2", "ret_b2", "return", reason="非本单位")
        for i in range(3):
            make("more%d" % i, "help", "phone", None)
        cls.by_number = {t["number"]: k for k, t in cls.t.items()}

    def keys(self, query, who="sup1"):
        items = self.all_items(who, query)
        got = [self.by_number.get(it["number"], it["number"]) for it in items]
        self.assertEqual(len(got), len(set(got)), "duplicates: %s" % got)
        return set(got)

    def test_everything_by_default_newest_first(self):
        r = self.get("/tickets", "sup1")
        self.assertStatus(r, 200)
        self.assertIn("next", r.body)
        self.assertIsNone(r.body["next"])
        nums = [it["number"] for it in r.body["items"]]
        self.assertEqual(set(nums), set(self.by_number))
        self.assertEqual(nums, sorted(nums, reverse=True), "newest first")
        created = [parse_time(it["created_at"]) for it in r.body["items"]]
        self.assertEqual(created, sorted(created, reverse=True))
        r2 = self.get("/tickets?sort=newest", "sup1")
        self.assertEqual([it["number"] for it in r2.body["items"]], nums)

    def test_filter_status(self):
        self.assertEqual(self.keys("status=registered"), {"reg1", "reg2", "more0", "more1",
                                                          "more2"})
        self.assertEqual(self.keys("status=dispatched,processing"),
                         {"disp_d1", "disp_b1", "proc_s1"})
        self.assertEqual(self.keys("status=" + urlquote("returned,replied,closed")),
                         {"ret_b2", "rep_d1", "closed"})
        self.assertEqual(self.keys("status=merged"), set())
        for it in self.all_items("sup1", "status=dispatched"):
            self.assertEqual(it["status"], "dispatched")

    def test_filter_unit(self):
        c = self.c
        self.assertEqual(self.keys("unit_id=%d" % c.unit["D1"]), {"disp_d1", "rep_d1"})
        self.assertEqual(self.keys("unit_id=%d" % c.unit["S1"]), {"proc_s1"})
        self.assertEqual(self.keys("unit_id=%d&status=replied" % c.unit["D1"]), {"rep_d1"})
        self.assertEqual(self.keys("unit_id=%d" % c.unit["C0"]), set())

    def test_filter_category_includes_descendants(self):
        c = self.c
        self.assertEqual(self.keys("category_id=%d" % c.cat["CITY"]),
                         {"reg1", "disp_d1", "proc_s1"})
        self.assertEqual(self.keys("category_id=%d" % c.cat["PROP"]), {"reg1", "disp_d1"})
        self.assertEqual(self.keys("category_id=%d" % c.cat["LIFT"]), {"reg1"})
        self.assertEqual(self.keys("category_id=%d" % c.cat["TRAF"]),
                         {"reg2", "disp_b1", "closed", "ret_b2"})
        self.assertEqual(self.keys("category_id=%d" % c.cat["BUS"]), {"reg2", "closed", "ret_b2"})

    def test_filter_type_and_channel(self):
        self.assertEqual(self.keys("type=report"), {"disp_b1"})
        self.assertEqual(self.keys("type=consult"), {"reg2", "closed"})
        self.assertEqual(self.keys("channel=web"), {"reg2", "ret_b2"})
        self.assertEqual(self.keys("channel=letter"), {"rep_d1"})
        self.assertEqual(self.keys("type=complaint&channel=web"), {"ret_b2"})
        for it in self.all_items("sup1", "type=help"):
            self.assertEqual(it["type"], "help")

    def test_filter_from_to(self):
        times = [parse_time(t["created_at"]) for t in self.t.values()]
        first, last = min(times), max(times)
        everything = set(self.t)
        day = first.astimezone(SHANGHAI).date()
        self.assertEqual(self.keys("from=" + day.isoformat()), everything)
        self.assertEqual(self.keys("to=" + day.isoformat()), set())
        nxt = last.astimezone(SHANGHAI).date() + timedelta(days=1)
        self.assertEqual(self.keys("from=" + nxt.isoformat()), set())
        self.assertEqual(self.keys("to=" + nxt.isoformat()), everything)
        a = fmt_time((first - timedelta(seconds=1)).astimezone(SHANGHAI))
        b = fmt_time(last + timedelta(seconds=2))
        self.assertEqual(self.keys("from=%s&to=%s" % (urlquote(a), urlquote(b))), everything)
        # Any offset on input: the same instant in UTC.
        a_utc = (first - timedelta(seconds=1)).astimezone(
            timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(self.keys("from=" + urlquote(a_utc)), everything)
        self.assertEqual(self.keys("from=2000-01-01&to=2000-01-02"), set())

    def test_keyset_pagination_limit_2(self):
        expected = [it["number"] for it in self.get("/tickets?limit=200", "sup1").body["items"]]
        got, after, pages = [], None, 0
        while True:
            q = "/tickets?limit=2" + ("&after=" + urlquote(after) if after else "")
            r = self.get(q, "sup1")
            self.assertStatus(r, 200)
            self.assertLessEqual(len(r.body["items"]), 2)
            pages += 1
            got += [it["number"] for it in r.body["items"]]
            after = r.body["next"]
            if after is None:
                break
            self.assertIsInstance(after, str)
            self.assertLess(pages, 50)
        self.assertEqual(got, expected, "pages walk the whole list in order, no gaps or dups")
        self.assertGreaterEqual(pages, len(expected) // 2)

    def test_pagination_with_filter(self):
        expected = self.keys("status=registered")
        got = []
        after = None
        while True:
            q = "/tickets?status=registered&limit=2" + ("&after=" + urlquote(after)
                                                        if after else "")
            r = self.get(q, "sup1")
            self.assertStatus(r, 200)
            got += [self.by_number[it["number"]] for it in r.body["items"]]
            after = r.body["next"]
            if not after:
                break
        self.assertEqual(len(got), len(set(got)))
        self.assertEqual(set(got), expected)

    def test_sort_due(self):
        items = self.all_items("sup1", "sort=due")
        self.assertEqual({it["number"] for it in items}, set(self.by_number))
        dues = []
        for it in items:
            f = RUNNING.get(it["status"])
            if f is not None:
                self.assertIsNotNone(it[f], it)
                dues.append((parse_time(it[f]), self.by_number[it["number"]]))
        self.assertEqual(len(dues), 5)
        self.assertEqual(dues, sorted(dues, key=lambda d: d[0]),
                         "sort=due: soonest running deadline first")
        # The same order, page by page.
        got, after = [], None
        while True:
            r = self.get("/tickets?sort=due&limit=2" + ("&after=" + urlquote(after)
                                                        if after else ""), "sup1")
            self.assertStatus(r, 200)
            got += [it["number"] for it in r.body["items"]]
            after = r.body["next"]
            if not after:
                break
        self.assertEqual(got, [it["number"] for it in items])

    def test_limit_bounds(self):
        for bad in ("0", "201", "-1", "abc", "1.5", "99999999999999999999"):
            r = self.get("/tickets?limit=" + bad, "sup1")
            self.assertError(r, 400, "invalid_argument", "limit", msg="limit=%r" % bad)
        self.assertStatus(self.get("/tickets?limit=1", "sup1"), 200)
        r = self.get("/tickets?limit=200", "sup1")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.body["items"]), len(self.t))
        r = self.get("/tickets?limit=1", "sup1")
        self.assertEqual(len(r.body["items"]), 1)
        self.assertIsNotNone(r.body["next"])
        # A page that holds the rest says there is no next one.
        r = self.get("/tickets?limit=%d" % len(self.t), "sup1")
        self.assertEqual(len(r.body["items"]), len(self.t))
        self.assertIsNone(r.body["next"], "no more items: next must be null")

    def test_bad_cursor(self):
        for bad in ("garbage", "!!!", "a" * 300, "%00"):
            q = "/tickets?after=" + (bad if bad == "%00" else urlquote(bad))
            r = self.get(q, "sup1")
            self.assertError(r, 400, "invalid_argument", "after", msg="after=%r" % bad)
        # Cursors a client could forge: a page (maybe empty) or a 400, never worse.
        for forged in ("9223372036854775807.9223372036854775807", "99999999999999999999.1",
                       "-9223372036854775808.-9223372036854775808", "1.2.3", "1.", ".1",
                       "1e5.2", " 1.2", "0x10.1", "1.99999999999999999999", "-0.0"):
            for sort in ("newest", "due"):
                r = self.get("/tickets?sort=%s&after=%s" % (sort, urlquote(forged)), "sup1")
                self.assertIn(r.status, (200, 400), (forged, r))
                if r.status == 400:
                    self.assertError(r, 400, "invalid_argument", "after")
                else:
                    self.assertIsInstance(r.body["items"], list)

    def test_bad_filter_values(self):
        for q, field in (("status=bogus", "status"), ("status=registered,bogus", "status"),
                         ("type=bogus", "type"), ("channel=fax", "channel"),
                         ("sort=oldest", "sort"), ("from=yesterday", "from"),
                         ("to=2026-13-45", "to"), ("unit_id=abc", "unit_id"),
                         ("category_id=x", "category_id"), ("sla=red", "sla"),
                         ("from=99999-01-01", "from"), ("to=2026-02-30", "to"),
                         ("limit=4294967298", "limit"), ("unit_id=18446744073709551617",
                                                         "unit_id")):
            r = self.get("/tickets?" + q, "sup1")
            self.assertError(r, 400, "invalid_argument", field, msg=q)

    def test_sla_filter(self):
        for level in ("ok", "warning", "overdue"):
            items = self.all_items("sup1", "sla=" + level)
            for it in items:
                self.assertEqual(it["sla"], level)
        total = sum(len(self.all_items("sup1", "sla=" + lv)) for lv in ("ok", "warning",
                                                                       "overdue"))
        self.assertEqual(total, 5, "one level for each ticket whose clock runs")

    def test_list_item_shape(self):
        # Items are tickets; allowed_actions is for single ticket and action answers only.
        r = self.get("/tickets?limit=200", "sup1")
        for it in r.body["items"]:
            for k in ("number", "status", "title", "created_at", "version", "citizen",
                      "unit_id", "sla"):
                self.assertIn(k, it)
            self.assertNotIn("allowed_actions", it)


if __name__ == "__main__":
    unittest.main()
