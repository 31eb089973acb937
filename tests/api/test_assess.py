"""Unit assessment (docs/ASSESSMENT.md, docs/API.md "Unit assessment"):
every rate on hand-made histories taken through the real actions with an
injected clock, each test in a month of its own; the drill-down to the
tickets behind a numerator and a denominator; units ranked within their
kind; children; roles; the weights (admin, audited); 4xx for every bad
parameter; `rexian assess recount` equal to the stored sums on these
histories and on the demo city, and unequal once a sum is tampered with."""

import shutil
import sqlite3
import tempfile
from datetime import timedelta

from harness import drop_database, fresh_database, fmt_time, parse_time
from test_sla_calendar import ClockTestCase


def later(ts, **kw):
    return fmt_time(parse_time(ts) + timedelta(**kw))


class AssessTest(ClockTestCase):
    server_flags = {"sla_interval": 0}  # the timer loop is run by hand (`rexian sla scan`)

    # ---- helpers ----------------------------------------------------------

    def at(self, when):
        self.set_now(when)

    def dispatched(self, when, unit, **over):
        """A ticket created and dispatched to `unit` at `when`."""
        self.at(when)
        t = self.create(**over)
        return self.act_ok("agent1", t["number"], "dispatch", unit_id=self.c.unit[unit])

    def step(self, when, who, t, action, **args):
        self.at(when)
        return self.act_ok(who, t["number"], action, **args)

    def unit(self, code, period, who="sup1", children="false"):
        r = self.get("/stats/assessment/units/%d?%s&children=%s"
                     % (self.c.unit[code], period, children), who)
        self.assertStatus(r, 200)
        return r.body

    def drill(self, code, period, rate, part, children="false", who="sup1"):
        numbers, after = [], None
        for _ in range(50):
            q = "%s&rate=%s&part=%s&children=%s&limit=2" % (period, rate, part, children)
            if after:
                q += "&after=" + after
            r = self.get("/stats/assessment/units/%d/tickets?%s" % (self.c.unit[code], q), who)
            self.assertStatus(r, 200)
            numbers += [i["number"] for i in r.body["items"]]
            after = r.body["next"]
            if after is None:
                return sorted(numbers)
        self.fail("the drill-down does not end")

    def rate(self, body, name):
        r = body["rates"][name]
        return r["num"], r["den"]

    # ---- the rates ----------------------------------------------------------

    def test_sign_reply_response_resolution_satisfaction(self):
        m = "month=2026-03"
        # T1: all in time, contacted within the signing deadline, satisfied and resolved.
        t1 = self.dispatched("2026-03-02T09:00:00+08:00", "B1")
        self.step("2026-03-02T10:00:00+08:00", "h_b1", t1, "accept")
        self.step("2026-03-03T10:00:00+08:00", "h_b1", t1, "reply", reply="已处理",
                  contacted=True, contacted_at="2026-03-02T11:00:00+08:00")
        self.step("2026-03-04T10:00:00+08:00", "agent1", t1, "callback",
                  satisfaction="satisfied", resolved=True)
        # T2: signed late, replied late, not contacted; unsatisfied, not resolved.
        t2 = self.dispatched("2026-03-03T09:00:00+08:00", "B1")
        self.step(later(t2["sign_due"], hours=1), "h_b1", t2, "accept")
        self.step(later(t2["reply_due"], hours=1), "h_b1", t2, "reply", reply="已处理",
                  contacted=False)
        self.step(later(t2["reply_due"], hours=2), "agent1", t2, "callback",
                  satisfaction="unsatisfied", resolved=False)
        # T3: in time, but the citizen was contacted after the signing deadline; unreachable.
        t3 = self.dispatched("2026-03-04T09:00:00+08:00", "B1")
        self.step("2026-03-04T09:30:00+08:00", "h_b1", t3, "accept")
        contact = later(t3["sign_due"], minutes=30)
        self.step(later(contact, minutes=30), "h_b1", t3, "reply", reply="已处理",
                  contacted=True, contacted_at=contact)
        self.step(later(contact, hours=3), "agent1", t3, "callback",
                  satisfaction="unreachable", resolved=False)
        # T4: dispatched and still unsigned, its deadline not passed: in no rate yet.
        self.at("2026-03-31T20:00:00+08:00")
        t4 = self.create()
        self.act_ok("agent1", t4["number"], "dispatch", unit_id=self.c.unit["B1"])

        u = self.unit("B1", m)
        self.assertEqual(u["period"], {"from": "2026-03-01", "to": "2026-03-31"})
        self.assertEqual(u["counts"]["received"], 4)
        self.assertEqual(u["counts"]["signed_on_time"], 2)
        self.assertEqual(u["counts"]["replied_on_time"], 2)
        self.assertEqual(u["counts"]["overdue"], 1)
        self.assertEqual(self.rate(u, "sign_on_time"), (2, 3))
        self.assertEqual(self.rate(u, "reply_on_time"), (2, 3))
        self.assertEqual(self.rate(u, "response"), (1, 3))
        self.assertEqual(self.rate(u, "resolution"), (1, 2))    # unreachable drops out
        self.assertEqual(self.rate(u, "satisfaction"), (1, 2))
        self.assertEqual(self.rate(u, "return"), (0, 4))
        self.assertEqual(self.rate(u, "redo"), (0, 3))
        self.assertAlmostEqual(u["rates"]["response"]["rate"], 33.3)
        self.assertEqual(u["rates"]["satisfaction"]["rate"], 50.0)
        # 30% x 33.33 + 35% x 50 + 35% x 50
        self.assertAlmostEqual(u["score"], 45.0)
        # The tickets behind each number.
        self.assertEqual(self.drill("B1", m, "reply_on_time", "num"),
                         sorted([t1["number"], t3["number"]]))
        self.assertEqual(self.drill("B1", m, "reply_on_time", "den"),
                         sorted([t1["number"], t2["number"], t3["number"]]))
        self.assertEqual(self.drill("B1", m, "response", "num"), [t1["number"]])
        self.assertEqual(self.drill("B1", m, "return", "den"),
                         sorted(t["number"] for t in (t1, t2, t3, t4)))
        # Another month holds none of them.
        self.assertEqual(self.unit("B1", "month=2026-02")["counts"]["received"], 0)
        self.assertIsNone(self.unit("B1", "month=2026-02")["rates"]["sign_on_time"]["rate"])
        # A quarter and a range covering March say the same.
        q = self.unit("B1", "quarter=2026-Q1")
        self.assertEqual(q["counts"], u["counts"])
        rg = self.unit("B1", "from=2026-03-02&to=2026-03-04")
        self.assertEqual(rg["counts"]["received"], 3)

    def test_contacted_at_checks(self):
        t = self.dispatched("2026-08-03T09:00:00+08:00", "B1")
        self.step("2026-08-03T10:00:00+08:00", "h_b1", t, "accept")
        self.at("2026-08-03T12:00:00+08:00")
        r = self.act("h_b1", t["number"], "reply", reply="x", contacted=True,
                     contacted_at="2026-08-03T08:00:00+08:00")
        self.assertError(r, 400, "invalid_argument", "contacted_at")
        r = self.act("h_b1", t["number"], "reply", reply="x", contacted=True,
                     contacted_at="2026-08-03T13:00:00+08:00")
        self.assertError(r, 400, "invalid_argument", "contacted_at")
        # Without contacted_at the reply's own time counts.
        self.act_ok("h_b1", t["number"], "reply", reply="x", contacted=True)
        u = self.unit("B1", "month=2026-08")
        self.assertEqual(self.rate(u, "response"), (1, 1))

    def test_returns_accepted_and_refused(self):
        m = "month=2026-04"
        # T5: B1 returns it, the center sends it to B2: not B1's ticket.
        t5 = self.dispatched("2026-04-06T09:00:00+08:00", "B1")
        self.step("2026-04-06T10:00:00+08:00", "h_b1", t5, "return", reason="不属于本单位")
        self.step("2026-04-06T11:00:00+08:00", "agent1", t5, "dispatch",
                  unit_id=self.c.unit["B2"])
        self.step("2026-04-06T12:00:00+08:00", "h_b2", t5, "accept")
        self.step("2026-04-07T12:00:00+08:00", "h_b2", t5, "reply", reply="已处理",
                  contacted=True)
        self.step("2026-04-08T12:00:00+08:00", "agent1", t5, "callback",
                  satisfaction="satisfied", resolved=True)
        # T6: B1 returns it, the return is refused, B1 works it.
        t6 = self.dispatched("2026-04-07T09:00:00+08:00", "B1")
        self.step("2026-04-07T10:00:00+08:00", "h_b1", t6, "return", reason="不属于本单位")
        self.step("2026-04-07T11:00:00+08:00", "sup1", t6, "refuse_return", reason="属于职责")
        self.step("2026-04-08T11:00:00+08:00", "h_b1", t6, "reply", reply="已处理",
                  contacted=False)
        self.step("2026-04-09T11:00:00+08:00", "agent1", t6, "callback",
                  satisfaction="basically_satisfied", resolved=True)
        b1 = self.unit("B1", m)
        self.assertEqual(b1["counts"]["received"], 2)
        self.assertEqual(b1["counts"]["returned"], 2)
        self.assertEqual(b1["counts"]["return_accepted"], 1)
        self.assertEqual(b1["counts"]["return_refused"], 1)
        self.assertEqual(self.rate(b1, "return"), (2, 2))
        self.assertEqual(self.rate(b1, "sign_on_time"), (1, 1))  # T6 only: T5 was not B1's
        self.assertEqual(self.rate(b1, "satisfaction"), (1, 1))
        self.assertEqual(self.rate(b1, "response"), (0, 1))
        b2 = self.unit("B2", m)
        self.assertEqual(b2["counts"]["received"], 1)
        self.assertEqual(self.rate(b2, "satisfaction"), (1, 1))
        self.assertEqual(self.rate(b2, "return"), (0, 1))
        self.assertEqual(self.drill("B1", m, "return", "num"),
                         sorted([t5["number"], t6["number"]]))
        self.assertEqual(self.drill("B2", m, "satisfaction", "num"), [t5["number"]])

    def test_subdispatch_reopen_urge_extension_and_children(self):
        m = "month=2026-05"
        t = self.dispatched("2026-05-11T09:00:00+08:00", "D1")
        self.step("2026-05-11T09:30:00+08:00", "h_d1", t, "subdispatch",
                  unit_id=self.c.unit["S1"])
        self.step("2026-05-11T10:00:00+08:00", "h_s1", t, "accept")
        self.step("2026-05-11T11:00:00+08:00", "sup1", t, "urge", note="请加快")
        self.step("2026-05-12T10:00:00+08:00", "h_s1", t, "reply", reply="已处理",
                  contacted=True)
        self.step("2026-05-13T10:00:00+08:00", "agent1", t, "callback",
                  satisfaction="unsatisfied", resolved=False)
        t = self.step("2026-05-13T11:00:00+08:00", "sup1", t, "reopen", reason="市民不满意")
        self.step("2026-05-13T12:00:00+08:00", "h_s1", t, "accept")
        t = self.ticket(t["number"])
        self.step("2026-05-13T13:00:00+08:00", "h_s1", t, "request_extension",
                  until=later(t["reply_due"], days=5), reason="需协调")
        self.step("2026-05-13T14:00:00+08:00", "sup1", t, "approve_extension")
        self.step("2026-05-14T10:00:00+08:00", "h_s1", t, "reply", reply="已处理",
                  contacted=True)
        self.step("2026-05-15T10:00:00+08:00", "agent1", t, "callback",
                  satisfaction="satisfied", resolved=True)
        s1 = self.unit("S1", m)
        self.assertEqual(s1["counts"]["received"], 2)
        self.assertEqual(s1["counts"]["reopened"], 1)
        self.assertEqual(s1["counts"]["urged"], 1)
        self.assertEqual(s1["counts"]["extension_asked"], 1)
        self.assertEqual(s1["counts"]["extension_approved"], 1)
        self.assertEqual(self.rate(s1, "redo"), (1, 2))
        self.assertEqual(self.rate(s1, "satisfaction"), (1, 2))
        self.assertEqual(self.rate(s1, "resolution"), (1, 2))
        # The district passed it down: nothing of its own, the street's with children.
        self.assertEqual(self.unit("D1", m)["counts"]["received"], 0)
        d1 = self.unit("D1", m, children="true")
        self.assertTrue(d1["children"])
        self.assertEqual(d1["counts"], s1["counts"])
        self.assertEqual(self.drill("D1", m, "redo", "num", children="true"), [t["number"]])
        self.assertEqual(self.drill("D1", m, "redo", "num", children="false"), [])
        # Streets ranked among streets: S1 has a score, S2 none.
        r = self.get("/stats/assessment?%s&kind=street" % m, "sup1")
        self.assertStatus(r, 200)
        units = {u["code"]: u for u in r.body["units"]}
        self.assertEqual(set(units), {"S1", "S2"})
        self.assertEqual((units["S1"]["rank"], units["S1"]["rank_of"]), (1, 2))
        self.assertIsNone(units["S2"]["rank"])
        self.assertIsNone(units["S2"]["score"])
        # The handler of S1 sees its own unit only; of D1 its subtree.
        r = self.get("/stats/assessment?%s" % m, "h_s1")
        self.assertStatus(r, 200)
        self.assertEqual([u["code"] for u in r.body["units"]], ["S1"])
        r = self.get("/stats/assessment?%s" % m, "h_d1")
        self.assertEqual(sorted(u["code"] for u in r.body["units"]), ["D1", "S1", "S2"])

    def test_ranking_within_kinds(self):
        m = "month=2026-09"
        for unit, sat in (("B1", "satisfied"), ("B2", "unsatisfied")):
            t = self.dispatched("2026-09-07T09:00:00+08:00", unit)
            who = "h_" + unit.lower()
            self.step("2026-09-07T10:00:00+08:00", who, t, "accept")
            self.step("2026-09-07T11:00:00+08:00", who, t, "reply", reply="好", contacted=True)
            self.step("2026-09-08T11:00:00+08:00", "agent1", t, "callback", satisfaction=sat,
                      resolved=sat == "satisfied")
        r = self.get("/stats/assessment?" + m, "admin")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["weights"], {"response": 30, "resolution": 35, "satisfaction": 35})
        units = {u["code"]: u for u in r.body["units"]}
        self.assertNotIn("C0", units)  # the center is not assessed
        self.assertEqual((units["B1"]["rank"], units["B1"]["rank_of"]), (1, 2))
        self.assertEqual((units["B2"]["rank"], units["B2"]["rank_of"]), (2, 2))
        self.assertEqual(units["B1"]["score"], 100.0)
        self.assertEqual(units["B2"]["score"], 30.0)  # contacted in time, nothing else
        self.assertEqual(units["D1"]["kind"], "district")
        self.assertEqual(units["D1"]["rank_of"], 1)

    def test_overdue_from_the_timer_loop(self):
        m = "month=2026-07"
        t = self.dispatched("2026-07-06T09:00:00+08:00", "B2")
        self.at(later(t["sign_due"], hours=1))
        self.srv.cli_check("sla", "scan", "--db", self.srv.db)
        b2 = self.unit("B2", m)
        self.assertEqual(self.rate(b2, "sign_on_time"), (0, 1))
        self.assertEqual(b2["counts"]["urged"], 1)  # the timer's urge
        self.assertEqual(self.drill("B2", m, "sign_on_time", "den"), [t["number"]])
        self.assertEqual(self.drill("B2", m, "sign_on_time", "num"), [])

    def test_merged_tickets_do_not_count(self):
        m = "month=2026-06"
        master = self.dispatched("2026-06-08T09:00:00+08:00", "B2")
        dup = self.dispatched("2026-06-08T10:00:00+08:00", "B2")
        self.step("2026-06-08T11:00:00+08:00", "agent1", dup, "merge", master=master["number"])
        b2 = self.unit("B2", m)
        self.assertEqual(b2["counts"]["received"], 1)
        self.assertEqual(self.drill("B2", m, "return", "den"), [master["number"]])

    # ---- access, parameters, weights -----------------------------------------

    def test_roles(self):
        m = "month=2026-03"
        for path in ("/stats/assessment?" + m,
                     "/stats/assessment/units/%d?%s" % (self.c.unit["B1"], m),
                     "/stats/assessment/units/%d/tickets?%s&rate=redo" % (self.c.unit["B1"], m)):
            self.assertError(self.get(path, "agent1"), 403, "forbidden")
            self.assertStatus(self.get(path, "sup1"), 200)
            self.assertStatus(self.get(path, "h_b1"), 200)
        self.assertError(self.get("/stats/assessment?" + m, None), 401)
        for path in ("/stats/assessment/units/%d?%s" % (self.c.unit["B1"], m),
                     "/stats/assessment/units/%d/tickets?%s&rate=redo" % (self.c.unit["B1"], m)):
            self.assertError(self.get(path, "h_b2"), 404, "not_found")
        self.assertError(self.get("/stats/assessment/units/%d?%s" % (self.c.unit["C0"], m),
                                  "sup1"), 404)
        self.assertError(self.get("/stats/assessment/units/99999?" + m, "sup1"), 404)

    def test_bad_parameters(self):
        base = "/stats/assessment"
        unit = "/stats/assessment/units/%d" % self.c.unit["B1"]
        cases = [
            (base, "month"),
            (base + "?month=2026-13", "month"),
            (base + "?month=2026-1", "month"),
            (base + "?month=2026-11&quarter=2026-Q4", "quarter"),
            (base + "?month=2026-11&from=2026-11-01&to=2026-11-30", "from"),
            (base + "?quarter=2026-Q5", "quarter"),
            (base + "?quarter=2026Q1", "quarter"),
            (base + "?from=2026-11-01", "to"),
            (base + "?to=2026-11-01", "from"),
            (base + "?from=2026-02-30&to=2026-03-01", "from"),
            (base + "?from=2026-03-02&to=2026-03-01", "to"),
            (base + "?month=2026-11&kind=center", "kind"),
            (base + "?month=2026-11&kind=ministry", "kind"),
            (base + "?month=2026-11&children=yes", "children"),
            (base + "?month=2026-11&bogus=1", "bogus"),
            (unit + "?month=2026-11&kind=bureau", "kind"),
            (unit + "?month=2026-11&children=1", "children"),
            (unit + "/tickets?month=2026-11", "rate"),
            (unit + "/tickets?month=2026-11&rate=speed", "rate"),
            (unit + "/tickets?month=2026-11&rate=redo&part=all", "part"),
            (unit + "/tickets?month=2026-11&rate=redo&limit=0", "limit"),
            (unit + "/tickets?month=2026-11&rate=redo&limit=201", "limit"),
            (unit + "/tickets?month=2026-11&rate=redo&after=abc", "after"),
            (unit + "/tickets?rate=redo", "month"),
        ]
        for path, field in cases:
            self.assertError(self.get(path, "sup1"), 400, "invalid_argument", field, msg=path)
        self.assertError(self.get("/stats/assessment/units/abc?month=2026-11", "sup1"), 404)

    def test_weights(self):
        r = self.get("/stats/weights", "sup1")
        self.assertStatus(r, 200)
        self.assertEqual((r.body["response"], r.body["resolution"], r.body["satisfaction"]),
                         (30, 35, 35))
        bad = [({"response": 30, "resolution": 35, "satisfaction": 34}, "weights"),
               ({"response": 30, "resolution": 35}, "satisfaction"),
               ({"response": 30.5, "resolution": 34.5, "satisfaction": 35}, "response"),
               ({"response": -10, "resolution": 60, "satisfaction": 50}, "response"),
               ({"response": 30, "resolution": 35, "satisfaction": 35, "speed": 0}, "speed"),
               ({"response": "30", "resolution": 35, "satisfaction": 35}, "response")]
        for body, field in bad:
            self.assertError(self.req("PUT", "/stats/weights", body, who="admin"), 400,
                             "invalid_argument", field, msg=body)
        ok = {"response": 50, "resolution": 25, "satisfaction": 25}
        self.assertError(self.req("PUT", "/stats/weights", ok, who="sup1"), 403)
        r = self.req("PUT", "/stats/weights", ok, who="admin")
        self.assertStatus(r, 200)
        try:
            self.assertEqual(self.get("/stats/weights", "h_b1").body["response"], 50)
            m = self.get("/stats/assessment?month=2026-03", "sup1").body
            self.assertEqual(m["weights"], {"response": 50, "resolution": 25,
                                            "satisfaction": 25})
            audit = self.get("/audit", "admin").body["items"]
            self.assertEqual(sum(1 for a in audit if a["action"] == "assessment.weights"), 1)
        finally:
            self.req("PUT", "/stats/weights",
                     {"response": 30, "resolution": 35, "satisfaction": 35}, who="admin")

    # ---- the recount ----------------------------------------------------------

    def test_recount_equals_the_stored_sums(self):
        r = self.srv.cli("assess", "recount", "--db", self.srv.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("assessment ok", r.stdout)

    def test_recount_on_the_demo_city(self):
        tmp = tempfile.mkdtemp(prefix="rexian-assess-")
        self.addCleanup(shutil.rmtree, tmp, True)
        db = fresh_database(tmp)
        if "://" in db:
            self.addCleanup(drop_database, db)
        self.srv.cli_check("demo", "--db", db, "--tickets", "300", timeout=300)
        r = self.srv.cli("assess", "recount", "--db", db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"assessment ok: 300 tickets, [1-9]\d* facts")
        # A rebuild gives the same sums again.
        self.srv.cli_check("assess", "rebuild", "--db", db)
        self.assertEqual(self.srv.cli("assess", "recount", "--db", db).returncode, 0)
        if "://" in db:
            return  # tampering below speaks SQLite
        con = sqlite3.connect(db)
        con.execute("UPDATE assess_daily SET sat_num = sat_num + 1 WHERE (day, unit_id) = "
                    "(SELECT day, unit_id FROM assess_daily ORDER BY day, unit_id LIMIT 1)")
        con.commit()
        con.close()
        r = self.srv.cli("assess", "recount", "--db", db)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("sat_num recounted", r.stdout)
        self.assertIn("MISMATCH", r.stdout)
