"""Deadlines on the working calendar (docs/API.md "Working calendar",
"Deadline rules", ticket SLA fields): deadlines and levels with an injected
clock, the sla filters and the overdue board, extensions, calendar edits
changing later deadlines, provisional deadlines for 2027 and their
recomputation, the rule table, the timer loop (one card per crossing, also
after a restart and against a racing `rexian sla scan`), and
`rexian calendar due`.

The server runs with REXIAN_FAKE_NOW_FILE: every test says what time it is."""

import os
import tempfile
import time
import unittest

from harness import ClockServer, ServerTestCase, parse_time, set_clock

WAIT = 30.0


class ClockTestCase(ServerTestCase):
    start_at = "2026-11-15T09:00:00+08:00"  # sessions (90 days) outlive every test date

    @classmethod
    def setUpClass(cls):
        fd, cls.clock = tempfile.mkstemp(prefix="rexian-now-")
        os.close(fd)
        cls.set_now(cls.start_at)
        flags = {"session_ttl": 7776000}
        flags.update(cls.server_flags)
        cls.srv = ClockServer(cls.clock, **flags)
        try:
            from harness import City
            cls.c = City(cls.srv)
            cls.prepare()
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

    def ticket_now(self, number, who="sup1"):
        return self.ticket(number, who)

    def dispatch_at(self, when, unit="D1", **over):
        self.set_now(when)
        t = self.create(**over)
        return self.act_ok("agent1", t["number"], "dispatch", unit_id=self.c.unit[unit])

    def assertTime(self, got, want, msg=None):
        self.assertIsNotNone(got, msg)
        self.assertEqual(parse_time(got), parse_time(want), msg or "%s != %s" % (got, want))

    def event_count(self, number, action):
        return sum(1 for e in self.events(number) if e["action"] == action)

    def wait_events(self, number, action, n):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.event_count(number, action) >= n:
                return
            time.sleep(0.2)
        self.fail("no %d %s event(s) on %s: %r" % (n, action, number,
                                                     [e["action"] for e in self.events(number)]))


class DeadlinesTest(ClockTestCase):
    server_flags = {"sla_interval": 3600}  # the loop is tested below with a short interval

    def test_reply_deadline_over_the_holidays(self):
        # Friday 15:00, a 10-working-day reply clock (suggestion): Sunday 9-20 counts,
        # 9-25..9-27 and 10-1..10-7 do not.
        t = self.dispatch_at("2026-09-18T15:00:00+08:00", type="suggestion")
        self.assertTime(t["reply_due"], "2026-10-09T17:30:00+08:00")
        self.assertTime(t["sign_due"], "2026-09-20T17:30:00+08:00")  # make-up Sunday
        self.assertIs(t["deadline_provisional"], False)
        self.assertEqual(t["sla"], "ok")
        # Friday 2-13 with 1 working day: the make-up Saturday 2-14.
        t = self.dispatch_at("2026-02-13T10:00:00+08:00", type="consult")
        self.assertTime(t["sign_due"], "2026-02-14T17:30:00+08:00")
        self.assertTime(t["reply_due"], "2026-02-24T17:30:00+08:00")

    def test_levels_filters_and_board(self):
        # Sign clock: Monday 11-02 09:00 to Tuesday 17:30 (32.5 h); 80% at Tuesday 11:00.
        t = self.dispatch_at("2026-11-02T09:00:00+08:00", type="consult")
        n = t["number"]
        self.set_now("2026-11-03T10:59:00+08:00")
        self.assertEqual(self.ticket(n)["sla"], "ok")
        self.assertIn(n, self.numbers("sup1", "sla=ok"))
        self.set_now("2026-11-03T11:00:00+08:00")
        self.assertEqual(self.ticket(n)["sla"], "warning")
        self.assertIn(n, self.numbers("sup1", "sla=warning"))
        self.assertNotIn(n, self.numbers("sup1", "sla=ok"))
        self.assertNotIn(n, self.numbers("sup1", "sla=overdue"))
        self.set_now("2026-11-03T17:31:00+08:00")
        self.assertEqual(self.ticket(n)["sla"], "overdue")
        board = self.numbers("sup1", "sla=overdue&sort=due&unit_id=%d" % self.c.unit["D1"])
        self.assertIn(n, board)
        items = self.all_items("sup1", "sla=overdue&sort=due")
        dues = [parse_time(i["sign_due"] if i["status"] == "dispatched" else i["reply_due"]
                           if i["status"] in ("processing", "returned") else i["callback_due"])
                for i in items]
        self.assertEqual(dues, sorted(dues), "the overdue board is oldest first")
        self.assertNotIn(n, self.numbers("sup1", "sla=overdue&unit_id=%d" % self.c.unit["B1"]))
        # The handler sees the same level on its own list.
        self.assertIn(n, self.numbers("h_d1", "sla=overdue"))

    def test_extension_moves_the_deadline(self):
        t = self.dispatch_at("2026-11-09T09:00:00+08:00", type="help")
        n = t["number"]
        self.assertTime(t["reply_due"], "2026-11-16T17:30:00+08:00")
        self.act_ok("h_d1", n, "accept")
        until = "2026-11-27T17:30:00+08:00"
        self.act_ok("h_d1", n, "request_extension", until=until, reason="需要协调两个部门")
        self.assertTime(self.ticket(n)["reply_due"], "2026-11-16T17:30:00+08:00")
        a = self.act_ok("sup1", n, "approve_extension")
        self.assertTime(a["reply_due"], until)
        self.assertIs(a["deadline_provisional"], False)
        # The yellow card now counts against the new deadline.
        self.set_now("2026-11-17T09:00:00+08:00")
        self.assertEqual(self.ticket(n)["sla"], "ok")
        self.assertNotIn(n, self.numbers("sup1", "sla=overdue"))

    def test_reply_starts_the_callback_clock_and_reopen_restarts(self):
        t = self.dispatch_at("2026-11-10T09:00:00+08:00", type="consult")
        n = t["number"]
        self.act_ok("h_d1", n, "accept")
        self.set_now("2026-11-11T10:00:00+08:00")
        r = self.act_ok("h_d1", n, "reply", reply="已答复。", contacted=True)
        self.assertTime(r["callback_due"], "2026-11-13T17:30:00+08:00")
        self.set_now("2026-11-12T10:00:00+08:00")
        o = self.act_ok("agent1", n, "reopen", reason="市民不满意")
        self.assertTime(o["sign_due"], "2026-11-13T17:30:00+08:00")
        self.assertTime(o["reply_due"], "2026-11-16T17:30:00+08:00")
        self.assertIsNone(o["callback_due"])

    def test_calendar_edits_change_later_deadlines(self):
        before = self.dispatch_at("2026-11-19T10:00:00+08:00", type="consult")
        self.assertTime(before["reply_due"], "2026-11-23T17:30:00+08:00")
        r = self.req("PUT", "/calendar/days/2026-11-20", {"kind": "holiday", "name": "临时停工"},
                     who="admin")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, {"date": "2026-11-20", "kind": "holiday", "name": "临时停工",
                                  "source": "database"})
        after = self.dispatch_at("2026-11-19T10:00:00+08:00", type="consult")
        self.assertTime(after["reply_due"], "2026-11-24T17:30:00+08:00")
        # Earlier deadlines stay as they were set.
        self.assertTime(self.ticket(before["number"])["reply_due"], "2026-11-23T17:30:00+08:00")
        y = self.get("/calendar/2026", "agent1")
        self.assertStatus(y, 200)
        self.assertIn({"date": "2026-11-20", "kind": "holiday", "name": "临时停工",
                       "source": "database"}, y.body["days"])
        self.assertIn({"date": "2026-10-01", "kind": "holiday", "name": "国庆节",
                       "source": "file"}, y.body["days"])
        self.assertStatus(self.req("DELETE", "/calendar/days/2026-11-20", who="admin"), 204)
        again = self.dispatch_at("2026-11-19T10:00:00+08:00", type="consult")
        self.assertTime(again["reply_due"], "2026-11-23T17:30:00+08:00")
        self.assertError(self.req("DELETE", "/calendar/days/2026-11-20", who="admin"), 404)
        # A weekend made a working day, as an admin correction.
        self.assertStatus(self.req("PUT", "/calendar/days/2026-11-21", {"kind": "work"},
                                   who="admin"), 200)
        sat = self.dispatch_at("2026-11-20T10:00:00+08:00", type="consult")
        self.assertTime(sat["sign_due"], "2026-11-21T17:30:00+08:00")
        self.assertStatus(self.req("DELETE", "/calendar/days/2026-11-21", who="admin"), 204)

    def test_calendar_input_and_access(self):
        self.assertError(self.req("PUT", "/calendar/days/2026-11-20", {"kind": "holiday"},
                                  who="sup1"), 403)
        self.assertError(self.req("PUT", "/calendar/days/2026-11-20", {"kind": "rest"},
                                  who="admin"), 400, "invalid_argument", "kind")
        self.assertError(self.req("PUT", "/calendar/days/2026-11-20",
                                  {"kind": "work", "extra": 1}, who="admin"), 400, field="extra")
        self.assertError(self.req("PUT", "/calendar/days/2026-02-30", {"kind": "work"},
                                  who="admin"), 400)
        self.assertError(self.req("PUT", "/calendar/days/20261120", {"kind": "work"},
                                  who="admin"), 404)
        self.assertError(self.req("PUT", "/calendar/2027",
                                  {"days": [{"date": "2028-01-01", "kind": "holiday"}]},
                                  who="admin"), 400, field="days")
        self.assertError(self.req("PUT", "/calendar/2027",
                                  {"days": [{"date": "2027-01-01", "kind": "holiday"},
                                            {"date": "2027-01-01", "kind": "work"}]},
                                  who="admin"), 400)
        s = self.get("/calendar", "h_s1")
        self.assertStatus(s, 200)
        self.assertIn(2025, s.body["known_years"])
        self.assertIn(2026, s.body["known_years"])
        self.assertEqual(s.body["working_hours"], ["08:30-12:00", "13:30-17:30"])
        self.assertEqual(s.body["warning_percent"], 80)
        self.assertEqual(self.get("/calendar/2025", "h_s1").body["known"], True)
        self.assertEqual(len([d for d in self.get("/calendar/2025", "h_s1").body["days"]
                              if d["kind"] == "work"]), 5)

    def test_provisional_2027_and_recompute(self):
        self.set_now("2026-12-21T09:00:00+08:00")
        h = self.srv.request("GET", "/healthz")
        self.assertEqual(h.status, 200)
        self.assertIn(2027, h.body["calendar"]["missing_years"])
        self.assertTrue(any("2027" in w for w in h.body.get("warnings", [])), h.body)
        t = self.dispatch_at("2026-12-21T09:00:00+08:00", type="complaint")
        n = t["number"]
        self.assertIs(t["deadline_provisional"], True)
        self.assertTime(t["reply_due"], "2027-01-11T17:30:00+08:00")  # weekdays alone
        short = self.dispatch_at("2026-12-21T09:00:00+08:00", type="consult")
        self.assertIs(short["deadline_provisional"], False)
        r = self.req("PUT", "/calendar/2027",
                     {"days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]},
                     who="admin")
        self.assertStatus(r, 200)
        self.assertIs(r.body["known"], True)
        t2 = self.ticket(n)
        self.assertIs(t2["deadline_provisional"], False)
        self.assertTime(t2["reply_due"], "2027-01-12T17:30:00+08:00")
        self.assertEqual(t2["version"], t["version"] + 1)
        ev = [e for e in self.events(n) if e["action"] == "deadline_recomputed"]
        self.assertEqual(len(ev), 1)
        self.assertIsNone(ev[0]["actor"])
        self.assertTime(ev[0]["args"]["reply_due"], "2027-01-12T17:30:00+08:00")
        h = self.srv.request("GET", "/healthz")
        self.assertNotIn(2027, h.body["calendar"]["missing_years"])
        self.assertStatus(self.req("DELETE", "/calendar/2027", who="admin"), 204)
        self.assertError(self.req("DELETE", "/calendar/2027", who="admin"), 404)
        self.assertIs(self.get("/calendar/2027", "agent1").body["known"], False)

    def test_import_from_the_command_line(self):
        path = os.path.join(self.srv.dir, "2028.txt")
        with open(path, "w") as f:
            f.write("# 2028\n2028-01-01 holiday 元旦\n2028-01-29 work 春节调休上班\n")
        r = self.srv.cli_check("calendar", "import", "--db", self.srv.db, path)
        self.assertIn("2028", r.stdout)
        bad = os.path.join(self.srv.dir, "bad.txt")
        with open(bad, "w") as f:
            f.write("2028-01-01 vacation\n")
        r = self.srv.cli("calendar", "import", "--db", self.srv.db, bad)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("line 1", r.stderr)
        # The running server notices the database changed (its loop checks each pass, and
        # a kick is not needed: any API edit or the next pass reloads). Force a pass by
        # reading after an edit of another day.
        self.assertStatus(self.req("PUT", "/calendar/days/2028-02-01", {"kind": "holiday"},
                                   who="admin"), 200)
        y = self.get("/calendar/2028", "agent1").body
        self.assertIs(y["known"], True)
        self.assertIn("2028-01-29", [d["date"] for d in y["days"]])
        self.assertStatus(self.req("DELETE", "/calendar/2028", who="admin"), 204)

    def test_calendar_due_command(self):
        r = self.srv.cli_check("calendar", "due", "2026-09-18T15:00:00+08:00", "10",
                               "working_days")
        self.assertEqual(r.stdout.strip(), "2026-10-09T17:30:00+08:00")
        r = self.srv.cli_check("calendar", "due", "2026-12-21T09:00:00+08:00", "15",
                               "working_days")
        self.assertEqual(r.stdout.strip(), "2027-01-11T17:30:00+08:00")
        self.assertIn("provisional", r.stderr)
        r = self.srv.cli_check("calendar", "due", "2026-10-01T09:00:00+08:00", "24",
                               "natural_hours")
        self.assertEqual(r.stdout.strip(), "2026-10-02T09:00:00+08:00")
        # With --db the admin's edits count.
        self.assertStatus(self.req("PUT", "/calendar/days/2026-10-09", {"kind": "holiday"},
                                   who="admin"), 200)
        r = self.srv.cli_check("calendar", "due", "--db", self.srv.db,
                               "2026-09-18T15:00:00+08:00", "10", "working_days")
        self.assertEqual(r.stdout.strip(), "2026-10-10T17:30:00+08:00")
        self.assertStatus(self.req("DELETE", "/calendar/days/2026-10-09", who="admin"), 204)
        r = self.srv.cli("calendar", "due", "2026-09-18", "10", "weeks")
        self.assertEqual(r.returncode, 2)

    def test_rules(self):
        r = self.get("/sla-rules", "agent1")
        self.assertStatus(r, 200)
        rules = r.body["items"]
        self.assertGreaterEqual(len(rules), 9)
        catch_all = [x for x in rules if x["type"] is None and x["urgency"] is None and
                     x["category_id"] is None][0]
        self.assertEqual(catch_all["sign"], {"amount": 1, "unit": "working_days"})
        self.assertEqual(catch_all["callback"], {"amount": 2, "unit": "working_days"})
        urgent = [x for x in rules if x["urgency"] == "urgent"][0]
        self.assertEqual(urgent["reply"], {"amount": 24, "unit": "natural_hours"})
        self.assertIsNone(urgent["callback"])
        # Defaults in action: an emergency gets 1 and 2 natural hours.
        t = self.dispatch_at("2026-11-25T20:00:00+08:00", urgency="emergency")
        self.assertTime(t["sign_due"], "2026-11-25T21:00:00+08:00")
        self.assertTime(t["reply_due"], "2026-11-25T22:00:00+08:00")
        # A category rule (PROP covers LIFT below it).
        body = {"category_id": self.c.cat["PROP"], "reply": {"amount": 3, "unit": "working_days"},
                "note": "物业类三个工作日"}
        c = self.req("POST", "/sla-rules", body, who="admin")
        self.assertStatus(c, 201)
        rid = c.body["id"]
        self.assertEqual(c.body["reply"], {"amount": 3, "unit": "working_days"})
        self.assertIsNone(c.body["sign"])
        self.assertError(self.req("POST", "/sla-rules", body, who="admin"), 409)
        t = self.dispatch_at("2026-11-23T09:00:00+08:00", type="help",
                             category_id=self.c.cat["LIFT"])
        self.assertTime(t["reply_due"], "2026-11-26T17:30:00+08:00")
        self.assertTime(t["sign_due"], "2026-11-24T17:30:00+08:00")
        p = self.req("PATCH", "/sla-rules/%d" % rid, {"reply": {"amount": 4,
                                                               "unit": "working_days"}},
                     who="admin")
        self.assertStatus(p, 200)
        self.assertEqual(p.body["note"], "物业类三个工作日")
        t2 = self.dispatch_at("2026-11-23T09:00:00+08:00", type="help",
                              category_id=self.c.cat["LIFT"])
        self.assertTime(t2["reply_due"], "2026-11-27T17:30:00+08:00")
        self.assertTime(self.ticket(t["number"])["reply_due"], "2026-11-26T17:30:00+08:00")
        # Input checks and access.
        self.assertError(self.req("POST", "/sla-rules", {"type": "help"}, who="admin"), 400)
        self.assertError(self.req("POST", "/sla-rules", {"reply": {"amount": 3,
                                                                   "unit": "weeks"}},
                                  who="admin"), 400, field="reply.unit")
        self.assertError(self.req("POST", "/sla-rules", {"reply": {"amount": -1,
                                                                   "unit": "working_days"}},
                                  who="admin"), 400, field="reply.amount")
        self.assertError(self.req("POST", "/sla-rules", {"reply": {"amount": 1,
                                                                   "unit": "working_days"},
                                                         "category_id": 999999},
                                  who="admin"), 400, field="category_id")
        self.assertError(self.req("POST", "/sla-rules", {"urgency": "normal", "sign": 5},
                                  who="admin"), 400, field="sign")
        self.assertError(self.req("POST", "/sla-rules", {"reply": {"amount": 1,
                                                                   "unit": "working_days"}},
                                  who="sup1"), 403)
        self.assertError(self.req("DELETE", "/sla-rules/%d" % catch_all["id"], who="admin"),
                         409)
        self.assertStatus(self.req("DELETE", "/sla-rules/%d" % rid, who="admin"), 204)
        self.assertError(self.get("/sla-rules/%d" % rid, "admin"), 404)
        self.assertError(self.req("DELETE", "/sla-rules/%d" % rid, who="admin"), 404)

    def test_system_events_are_not_actions(self):
        t = self.dispatch_at("2026-11-24T09:00:00+08:00")
        for name in ("sla_warning", "sla_overdue", "create", "deadline_recomputed"):
            r = self.act("sup1", t["number"], name)
            self.assertError(r, 404, field="action", msg=name)


class TimerLoopTest(ClockTestCase):
    server_flags = {"sla_interval": 1}

    def test_one_card_per_crossing_across_restarts_and_races(self):
        # Consult, dispatched Monday 11-30 09:00: sign due Tuesday 17:30; 80% at 11:00.
        t = self.dispatch_at("2026-11-30T09:00:00+08:00", type="consult")
        n = t["number"]
        self.set_now("2026-12-01T11:00:00+08:00")
        self.wait_events(n, "sla_warning", 1)
        e = [x for x in self.events(n) if x["action"] == "sla_warning"][0]
        self.assertIsNone(e["actor"])
        self.assertEqual(e["args"]["clock"], "sign")
        self.assertTime(e["args"]["due"], "2026-12-01T17:30:00+08:00")
        self.assertEqual(e["from"], "dispatched")
        self.assertEqual(e["to"], "dispatched")
        # A second loop (the command line) racing the server's finds nothing to add.
        r = self.srv.cli_check("sla", "scan", "--db", self.srv.db)
        self.assertIn("0 warnings, 0 overdue", r.stdout)
        self.set_now("2026-12-01T17:31:00+08:00")
        self.wait_events(n, "sla_overdue", 1)
        self.wait_events(n, "urge", 1)
        u = [x for x in self.events(n) if x["action"] == "urge"][0]
        self.assertIsNone(u["actor"])
        self.assertEqual(self.ticket(n)["urge_count"], 1)
        # Restart: the next passes (the command line's, then the server's own) add nothing.
        self.assertEqual(self.srv.restart(), 0)
        r = self.srv.cli_check("sla", "scan", "--db", self.srv.db)
        self.assertIn("0 warnings, 0 overdue, 0 urged", r.stdout)
        self.set_now("2026-12-02T09:00:00+08:00")
        r = self.srv.cli_check("sla", "scan", "--db", self.srv.db)
        self.assertIn("0 warnings, 0 overdue, 0 urged", r.stdout)
        self.assertEqual(self.event_count(n, "sla_warning"), 1)
        self.assertEqual(self.event_count(n, "sla_overdue"), 1)
        self.assertEqual(self.event_count(n, "urge"), 1)
        self.assertEqual(self.ticket(n)["urge_count"], 1)

    def test_cards_reach_the_overdue_board(self):
        t = self.dispatch_at("2026-12-07T09:00:00+08:00", type="help")
        n = t["number"]
        self.set_now("2026-12-08T18:00:00+08:00")  # the sign clock is past due
        self.wait_events(n, "sla_overdue", 1)
        self.assertEqual(self.event_count(n, "sla_warning"), 0, "overdue at once: red only")
        self.assertIn(n, self.numbers("sup1", "sla=overdue&sort=due"))


class SettingsTest(ClockTestCase):
    server_flags = {"sla_interval": 3600, "working_hours": "09:00-12:00,14:00-18:00",
                    "sla_warning": 50}

    def test_working_hours_and_warning_share(self):
        s = self.get("/calendar", "agent1").body
        self.assertEqual(s["working_hours"], ["09:00-12:00", "14:00-18:00"])
        self.assertEqual(s["warning_percent"], 50)
        t = self.dispatch_at("2026-12-04T15:00:00+08:00", type="consult")  # Friday
        self.assertTime(t["sign_due"], "2026-12-07T18:00:00+08:00")
        n = t["number"]
        # A 75-hour span: half of it is used at Sunday 04:30.
        self.set_now("2026-12-06T04:29:00+08:00")
        self.assertEqual(self.ticket(n)["sla"], "ok")
        self.set_now("2026-12-06T04:30:00+08:00")
        self.assertEqual(self.ticket(n)["sla"], "warning")
        self.assertIn(n, self.numbers("sup1", "sla=warning"))

    def test_bad_settings_refuse_to_start(self):
        for flag, value in (("--working-hours", "9-12"), ("--sla-warning", "100"),
                            ("--sla-interval", "-1")):
            r = self.srv.cli("serve", "--db", self.srv.db, "--listen", "127.0.0.1:1", flag, value)
            self.assertEqual(r.returncode, 2, (flag, value, r.stderr))


if __name__ == "__main__":
    unittest.main()
