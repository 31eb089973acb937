"""Operations statistics and hot topics (docs/API.md "Operations statistics",
docs/STATISTICS.md): tickets made through the API on chosen days (the server's
clock is injected with REXIAN_FAKE_NOW_FILE), figures checked exactly, the
daily figures checked against a full recount (`rexian stats recount`), a
burst of one category and word found as a hot topic, roles and 400s.

Each test works on days of its own, so the figures of one do not reach
another's range."""

import datetime
import os
import sqlite3
import tempfile
import unittest

from harness import ClockServer, Server, ServerTestCase, City, set_clock, urlquote

NOW = "2026-11-20T10:00:00+08:00"  # a Friday


class StatsTest(ServerTestCase):
    server_flags = {"sla_interval": 3600, "session_ttl": 7776000}

    @classmethod
    def setUpClass(cls):
        fd, cls.clock = tempfile.mkstemp(prefix="rexian-now-")
        os.close(fd)
        cls.set_now(NOW)
        cls.srv = ClockServer(cls.clock, **cls.server_flags)
        try:
            cls.c = City(cls.srv)
        except BaseException:
            cls._finish_server()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            os.unlink(cls.clock)

    @classmethod
    def set_now(cls, when):
        set_clock(cls.clock, when)

    def tearDown(self):
        self.set_now(NOW)
        super().tearDown()

    def at(self, when, **over):
        self.set_now(when)
        return self.create(**over)

    def stats(self, path, who="sup1", status=200):
        r = self.get("/stats/" + path, who)
        self.assertStatus(r, status)
        return r.body

    def recount_ok(self):
        r = self.srv.cli("stats", "recount", "--db", self.srv.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("0 mismatches", r.stdout)

    def published_article(self):
        r = self.req("POST", "/kb/articles", {"title": "公交卡挂失办理", "body": "持身份证到服务网点办理。",
                                              "state": "published"}, who="sup1")
        self.assertStatus(r, 201)
        return r.body["id"]

    # ---- overview, agents --------------------------------------------------

    def test_overview_and_agents_exact(self):
        kb = self.published_article()
        a = self.at("2026-10-05T09:00:00+08:00", category_id=self.c.cat["LIFT"], area="370302")
        b = self.at("2026-10-05T15:00:00+08:00", category_id=self.c.cat["WATER"], area="370302",
                    type="consult")
        # 23:30 local is 15:30 UTC: still the 6th in the server's zone.
        c = self.at("2026-10-06T23:30:00+08:00", channel="web", type="consult",
                    category_id=self.c.cat["BUSSTOP"], area="370303")
        # 00:10 local on the 8th is the 7th in UTC: counted on the 8th.
        d = self.at("2026-10-08T00:10:00+08:00", channel="web", type="help")
        self.set_now("2026-10-06T10:00:00+08:00")
        self.act_ok("agent1", b["number"], "answer", answer="停水通知已发布，今晚恢复供水。")
        self.set_now("2026-10-08T08:00:00+08:00")
        self.act_ok("agent1", c["number"], "answer", answer="请到网点挂失。", kb_article_id=kb)
        self.act_ok("agent1", a["number"], "dispatch", unit_id=self.c.unit["S1"])
        self.set_now(NOW)

        o = self.stats("overview?from=2026-10-04&to=2026-10-09")
        self.assertEqual((o["from"], o["to"], o["total"]), ("2026-10-04", "2026-10-09", 4))
        self.assertEqual([(x["date"], x["count"]) for x in o["by_day"]],
                         [("2026-10-04", 0), ("2026-10-05", 2), ("2026-10-06", 1),
                          ("2026-10-07", 0), ("2026-10-08", 1), ("2026-10-09", 0)])
        cats = {x["category_id"]: (x["name"], x["count"]) for x in o["by_category"]}
        self.assertEqual(cats, {self.c.cat["CITY"]: ("城乡建设", 2),
                                self.c.cat["TRAF"]: ("交通运输", 1), None: (None, 1)})
        self.assertEqual({x["area"]: x["count"] for x in o["by_area"]},
                         {"370302": 2, "370303": 1, None: 1})
        self.assertEqual({x["channel"]: x["count"] for x in o["by_channel"]}, {"phone": 2, "web": 2})
        self.assertEqual({x["type"]: x["count"] for x in o["by_type"]},
                         {"complaint": 1, "consult": 2, "help": 1})
        self.assertEqual(o["direct_answer"], {"num": 2, "den": 4, "rate": 0.5})
        self.assertEqual(o["kb_answer"], {"num": 1, "den": 4, "rate": 0.25})
        self.assertEqual(o["units"], [{"unit_id": self.c.unit["S1"], "count": 1, "overdue": 0}])
        self.assertEqual(o["on_time"], {"ok": 1, "overdue": 0})
        # An agent reads it too; a narrower range leaves the others out.
        o = self.stats("overview?from=2026-10-06&to=2026-10-06", who="agent1")
        self.assertEqual((o["total"], o["direct_answer"]["num"], o["kb_answer"]["num"]), (1, 1, 1))

        # Agents: created on the day of the create event, answers on the day answered.
        ag = self.stats("agents?from=2026-10-05&to=2026-10-08")["items"]
        agent1 = self.c.user["agent1"]["id"]
        self.assertEqual(ag, [{"user_id": agent1, "username": "agent1", "display_name": "话务员一",
                               "created": 4, "direct_answered": 2, "callbacks": 0}])
        ag = self.stats("agents?from=2026-10-08&to=2026-10-08")["items"]
        self.assertEqual([(x["created"], x["direct_answered"]) for x in ag], [(1, 1)])
        self.recount_ok()

    def test_volume_by_week_and_month(self):
        # Monday 2026-09-07 .. Sunday 09-13 is one week; 09-14 starts the next.
        self.at("2026-09-07T09:00:00+08:00", channel="web")
        self.at("2026-09-13T21:00:00+08:00")
        self.at("2026-09-14T09:00:00+08:00")
        self.at("2026-09-14T10:00:00+08:00", channel="wechat", category_id=self.c.cat["BUS"])
        v = self.stats("volume?from=2026-09-07&to=2026-09-20&by=week&group=channel")
        self.assertEqual((v["by"], v["group"]), ("week", "channel"))
        series = {s["key"]: [(p["period"], p["count"]) for p in s["points"]] for s in v["series"]}
        self.assertEqual(series, {
            "phone": [("2026-09-07", 1), ("2026-09-14", 1)],
            "web": [("2026-09-07", 1), ("2026-09-14", 0)],
            "wechat": [("2026-09-07", 0), ("2026-09-14", 1)]})
        v = self.stats("volume?from=2026-09-07&to=2026-09-14&by=day")
        self.assertEqual(len(v["series"]), 1)
        pts = v["series"][0]["points"]
        self.assertEqual([p["count"] for p in pts], [1, 0, 0, 0, 0, 0, 1, 2])
        self.assertEqual(pts[0]["period"], "2026-09-07")
        v = self.stats("volume?from=2026-09-01&to=2026-09-30&by=month&group=category")
        got = {s["key"]: (s["name"], [(p["period"], p["count"]) for p in s["points"]])
               for s in v["series"]}
        self.assertEqual(got, {"none": ("none", [("2026-09", 3)]),
                               str(self.c.cat["TRAF"]): ("交通运输", [("2026-09", 1)])})
        v = self.stats("volume?from=2026-09-01&to=2026-09-30&by=month&group=none")
        self.assertEqual(v["series"][0]["points"], [{"period": "2026-09", "count": 4}])

    # ---- overdue by unit ---------------------------------------------------

    def test_overdue_and_redispatch_move_unit_figures(self):
        t = self.at("2026-08-03T09:00:00+08:00", type="consult")  # Monday
        n = t["number"]
        self.act_ok("agent1", n, "dispatch", unit_id=self.c.unit["D1"])
        # Signing was due Tuesday 17:30: the timer loop's pass records the red card.
        self.set_now("2026-08-05T09:00:00+08:00")
        r = self.srv.cli("sla", "scan", "--db", self.srv.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("sla_overdue", [e["action"] for e in self.events(n)])
        o = self.stats("overview?from=2026-08-03&to=2026-08-03")
        self.assertEqual(o["units"], [{"unit_id": self.c.unit["D1"], "count": 1, "overdue": 1}])
        self.assertEqual(o["on_time"], {"ok": 0, "overdue": 1})
        # A second scan records nothing new, and the figure stays.
        self.srv.cli("sla", "scan", "--db", self.srv.db)
        o = self.stats("overview?from=2026-08-03&to=2026-08-03")
        self.assertEqual(o["on_time"], {"ok": 0, "overdue": 1})
        # Returned and sent to S2: the ticket (and its red card) follows the lead unit.
        self.act_ok("h_d1", n, "return", reason="不属于本单位职责")
        self.act_ok("sup1", n, "dispatch", unit_id=self.c.unit["S2"])
        o = self.stats("overview?from=2026-08-03&to=2026-08-03")
        self.assertEqual(o["units"], [{"unit_id": self.c.unit["S2"], "count": 1, "overdue": 1}])
        self.recount_ok()

    # ---- hot topics --------------------------------------------------------

    def hot(self, q, who="sup1"):
        return self.stats("hot?" + q, who=who)

    def test_burst_is_a_hot_topic(self):
        day = "2026-07-24"  # a Friday; the baseline is the four Fridays before
        cat = self.c.cat["WATER"]
        for d in ("06-26", "07-03", "07-10", "07-17"):
            self.at("2026-%sT10:00:00+08:00" % d, category_id=cat, title="水压偏低",
                    content="楼上水压低。")
        burst = []
        for i in range(12):
            burst.append(self.at("%sT%02d:15:00+08:00" % (day, 8 + i), category_id=cat,
                                 area="370399", title="暖气不热",
                                 content="家里暖气不热，室内温度只有十二度。")["number"])
        h = self.hot("day=%s" % day)
        self.assertEqual((h["day"], h["window"], h["baseline_weeks"]), (day, "day", 4))
        items = {(x["kind"], x["key"]): x for x in h["items"]}
        c = items.get(("category", str(cat)))
        self.assertIsNotNone(c, h)
        self.assertEqual((c["name"], c["count"], c["baseline"], c["ratio"]), ("供水", 12, 1.0, 12.0))
        self.assertAlmostEqual(c["score"], 11.0)
        self.assertEqual(len(c["samples"]), 3)
        self.assertEqual([s["number"] for s in c["samples"]], burst[::-1][:3])
        a = items.get(("area", "370399"))
        self.assertIsNotNone(a, h)
        self.assertEqual((a["count"], a["baseline"]), (12, 0.0))
        self.assertIn(("keyword", "暖气"), items, h)
        kw = items[("keyword", "暖气")]
        self.assertEqual(kw["count"], 12)
        self.assertTrue(all(s["number"] in burst for s in kw["samples"]), kw)
        self.assertEqual(len(kw["samples"]), 3)
        self.assertNotIn(("keyword", "水压"), items)  # one a week is no spike
        scores = [x["score"] for x in h["items"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        # The day before had nothing hot; limit cuts the list.
        self.assertEqual(self.hot("day=2026-07-23")["items"], [])
        self.assertEqual(len(self.hot("day=%s&limit=1" % day)["items"]), 1)
        # A week's window ending on the day: 12 against one a week before.
        w = self.hot("day=%s&window=week" % day, who="agent1")
        wk = {(x["kind"], x["key"]): x for x in w["items"]}
        self.assertEqual(wk[("category", str(cat))]["count"], 12)
        self.assertEqual(wk[("category", str(cat))]["baseline"], 1.0)
        self.recount_ok()

    # ---- roles and bad input -----------------------------------------------

    def test_roles(self):
        for path in ("overview?from=2026-01-01", "hot", "volume?from=2026-01-01",
                     "agents?from=2026-01-01"):
            self.assertError(self.get("/stats/" + path, "h_d1"), 403, "forbidden")
        self.assertError(self.get("/stats/volume?from=2026-01-01", "agent1"), 403, "forbidden")
        self.assertError(self.get("/stats/agents?from=2026-01-01", "agent1"), 403, "forbidden")
        self.stats("overview?from=2026-01-01", who="agent1")
        self.stats("hot", who="agent1")
        self.stats("agents?from=2026-01-01", who="admin")
        self.assertError(self.srv.request("GET", "/api/v1/stats/hot"), 401)

    def test_bad_parameters(self):
        cases = [
            ("overview", "from"), ("overview?from=2026-13-01", "from"),
            ("overview?from=2026-02-30", "from"), ("overview?from=20260101", "from"),
            ("overview?from=2026-01-02&to=2026-01-01", "to"),
            ("overview?from=2025-01-01&to=2026-02-05", "from"),
            ("overview?from=2026-01-01&x=1", "x"),
            ("volume?from=2026-01-01&by=year", "by"), ("volume?from=2026-01-01&group=unit", "group"),
            ("agents?to=2026-01-01", "from"),
            ("hot?day=yesterday", "day"), ("hot?window=month", "window"), ("hot?limit=0", "limit"),
            ("hot?limit=101", "limit"), ("hot?limit=abc", "limit"),
        ]
        for path, field in cases:
            self.assertError(self.get("/stats/" + path, "sup1"), 400, "invalid_argument", field,
                             msg=path)
        # 400 days is the most: from 2025-01-01 that is up to 2026-02-04.
        self.stats("overview?from=2025-01-01&to=2026-02-04")

    def test_recount_detects_a_wrong_figure(self):
        if "://" in self.srv.db:
            self.skipTest("edits the SQLite file directly")
        self.at("2026-06-01T09:00:00+08:00")
        self.recount_ok()
        db = sqlite3.connect(self.srv.db, timeout=10)
        with db:
            db.execute("UPDATE stats_day SET created = created + 1 WHERE day = 20260601")
        db.close()
        r = self.srv.cli("stats", "recount", "--db", self.srv.db)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("stats_day day 20260601", r.stderr)
        self.assertIn("1 mismatches", r.stdout)
        r = self.srv.cli("stats", "rebuild", "--db", self.srv.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.recount_ok()
        o = self.stats("overview?from=2026-06-01&to=2026-06-01")
        self.assertEqual(o["total"], 1)


class DemoCityRecountTest(unittest.TestCase):
    """The demo city (its tickets played out action by action through the
    use cases, with the timer loop's cards) and the bulk loader fill the
    daily figures exactly as a full recount finds them; the overview adds
    up to the tickets."""

    def check(self, *demo_args):
        srv = Server(admin=False, start=False)  # a migrated, empty database
        try:
            r = srv.cli(*demo_args, "--db", srv.db, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            r = srv.cli("stats", "recount", "--db", srv.db)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr[-2000:])
            self.assertRegex(r.stdout, r"stats recount: \d+ tickets, [1-9]\d* rows, 0 mismatches")
            tickets = int(r.stdout.split(":")[1].split()[0])
            self.assertGreater(tickets, 0)
            r = srv.cli("user", "add", "--db", srv.db, "--username", "stats_sup", "--password",
                        "demo-12345x", "--role", "supervisor")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            srv.start()
            tok = srv.login("stats_sup", "demo-12345x")
            # The demo's tickets lie within the last 90 days; two days of
            # margin either side of the machine's date cover any zone.
            to = datetime.date.today() + datetime.timedelta(days=2)
            r = srv.request("GET", "/stats/overview?from=%s&to=%s"
                            % (to - datetime.timedelta(days=399), to), token=tok)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.body["total"], tickets)
            self.assertEqual(sum(d["count"] for d in r.body["by_day"]), tickets)
            self.assertEqual(sum(x["count"] for x in r.body["by_channel"]), tickets)
        finally:
            srv.stop()
            srv.cleanup()

    def test_demo_city(self):
        self.check("demo", "--tickets", "300")

    def test_bulk_demo(self):
        self.check("demo-bulk", "--tickets", "3000")


if __name__ == "__main__":
    unittest.main()
