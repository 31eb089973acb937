"""A handler's lists (the unit queue) page for page as the center's list says.

A handler's list is built from several index-ordered arms (its own unit as
lead and as co-unit, per state; the units below it; see
src/store/sqlite_list.c): these tests make tickets that fall in every arm,
many with equal deadlines (the clock is frozen, so tickets dispatched at the
same instant share a deadline), tickets co-handled twice inside the subtree
and tickets led from the subtree and co-handled there too, and check that
every page size gives exactly the center's order filtered by the visibility
rule: no ticket skipped, repeated or out of place across page boundaries.

Also: the extension_pending filter and the supervisor's approval lists.
"""

import os
import sqlite3
import subprocess
import tempfile
import unittest

from harness import REPO, ClockServer, ServerTestCase, City, set_clock, urlquote

T0 = "2026-11-16T09:00:00+08:00"   # a Monday
T1 = "2026-11-16T10:00:00+08:00"
T2 = "2026-11-16T11:30:00+08:00"
OPEN = {"registered", "dispatched", "processing", "returned", "replied"}
RUNNING = {"dispatched": "sign_due", "processing": "reply_due", "returned": "reply_due",
           "replied": "callback_due"}


class QueueTest(ServerTestCase):

    @classmethod
    def set_now(cls, when):
        set_clock(cls.clock, when)

    @classmethod
    def setUpClass(cls):
        fd, cls.clock = tempfile.mkstemp(prefix="rexian-now-")
        os.close(fd)
        cls.set_now(T0)
        cls.srv = ClockServer(cls.clock, session_ttl=7776000)
        try:
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
    def prepare(cls):
        srv, c = cls.srv, cls.c

        def call(who, method, path, body=None):
            r = srv.request(method, path, body, token=c.t(who))
            assert r.status in (200, 201), (path, body, r)
            return r.body

        def make(type="help", cat="CITY"):
            return call("agent1", "POST", "/tickets", {
                "channel": "phone", "type": type, "urgency": "normal",
                "title": "队列测试", "content": "队列分页测试内容", "category_id": c.cat[cat],
                "citizen": {"name": "市民", "phone": "13900001111"}})["number"]

        def act(who, num, action, **args):
            args["version"] = call("sup1", "GET", "/tickets/" + num)["version"]
            return call(who, "POST", "/tickets/%s/actions/%s" % (num, action), args)

        def dispatch(unit, co=(), type="help", cat="CITY"):
            n = make(type, cat)
            args = {"unit_id": c.unit[unit]}
            if co:
                args["co_unit_ids"] = [c.unit[u] for u in co]
            act("agent1", n, "dispatch", **args)
            return n

        cls.set_now(T0)
        # Dispatched at one instant: equal sign deadlines across every arm.
        for _ in range(5):
            dispatch("D1")
        for _ in range(4):
            dispatch("S1", type="complaint")
        for _ in range(3):
            dispatch("B1", co=["D1"])
        for _ in range(2):
            dispatch("B1", co=["S1", "S2"])        # twice below D1
        for _ in range(2):
            dispatch("D1", co=["S1"])              # led and co-handled in the subtree
        dispatch("B2")
        dispatch("B2", co=["B1"])
        make()                                      # registered: nobody's queue
        cls.set_now(T1)
        for _ in range(3):
            n = dispatch("S2", cat="LIFT")
            act("h_s2", n, "accept")
        for _ in range(2):
            n = dispatch("B1", co=["D1", "S1"])
            act("h_b1", n, "accept")
        n = dispatch("S1")
        act("h_s1", n, "return", reason="非本单位")
        cls.set_now(T2)
        # Replied (still open: co-units see it), closed (only its lead sees it).
        n = dispatch("B1", co=["D1"])
        act("h_b1", n, "accept")
        act("h_b1", n, "reply", reply="已答复", contacted=True)
        for lead, co in (("B1", ["D1"]), ("D1", [])):
            n = dispatch(lead, co=co)
            act("h_" + lead.lower(), n, "accept")
            act("h_" + lead.lower(), n, "reply", reply="已答复", contacted=True)
            act("agent1", n, "callback", satisfaction="satisfied", resolved=True)
        # Extension requests waiting: one led below D1, one co-handled by D1.
        until = "2026-12-30T17:00:00+08:00"
        n = dispatch("S1")
        act("h_s1", n, "accept")
        act("h_s1", n, "request_extension", until=until, reason="需要协调")
        cls.ext_s1 = n
        n = dispatch("B2", co=["D1"])
        act("h_b2", n, "accept")
        act("h_b2", n, "request_extension", until=until, reason="需要协调")
        cls.ext_b2 = n
        cls.subtree = {c.unit["D1"], c.unit["S1"], c.unit["S2"]}

    # ---- helpers ----------------------------------------------------------

    def visible(self, t, units):
        return t["unit_id"] in units or (
            t["status"] in OPEN and any(u in units for u in (t.get("co_unit_ids") or [])))

    def pages(self, who, query, limit):
        got, after = [], None
        for _ in range(500):
            q = "limit=%d" % limit + ("&" + query if query else "")
            if after:
                q += "&after=" + urlquote(after)
            r = self.get("/tickets?" + q, who)
            self.assertStatus(r, 200)
            self.assertLessEqual(len(r.body["items"]), limit)
            got += [it["number"] for it in r.body["items"]]
            after = r.body["next"]
            if not after:
                return got
        self.fail("the list did not end")

    def expected(self, query, units):
        """The center's list for query, kept to what `units` may see, in its order."""
        items = self.all_items("sup1", query)
        return [it["number"] for it in items if self.visible(it, units)], items

    QUERIES = [
        "status=dispatched,processing&sort=due",
        "status=dispatched&sort=due",
        "status=processing&sort=due",
        "status=returned&sort=due",
        "status=replied&sort=newest",
        "status=processing,returned,replied&sort=due",
        "status=closed&sort=due",
        "sort=due",
        "",
        "status=dispatched,processing",
        "type=complaint&sort=due",
        "sla=ok&sort=due",
        "extension_pending=true&sort=due",
        "extension_pending=false&status=processing",
    ]

    # ---- tests ------------------------------------------------------------

    def test_handler_pages_match_the_center_order(self):
        cases = [("h_d1", self.subtree), ("h_s1", {self.c.unit["S1"]}),
                 ("h_b1", {self.c.unit["B1"]})]
        queries = self.QUERIES + [
            "category_id=%d&sort=due" % self.c.cat["CITY"],
            "category_id=%d" % self.c.cat["LIFT"],
            "unit_id=%d&sort=due" % self.c.unit["S1"],
            "from=%s&sort=due" % urlquote("2026-11-16T09:30:00+08:00"),
            "to=%s&status=dispatched,processing" % urlquote("2026-11-16T09:30:00+08:00"),
            "channel=phone&type=help&sort=due",
        ]
        for query in queries:
            for who, units in cases:
                want, _ = self.expected(query, units)
                for limit in (1, 2, 3, 5, 200):
                    with self.subTest(query=query, who=who, limit=limit):
                        got = self.pages(who, query, limit)
                        self.assertEqual(len(got), len(set(got)), "a ticket repeated")
                        self.assertEqual(got, want)

    def test_the_data_exercises_every_arm(self):
        """Guards the test above: ties, duplicates and each arm really occur."""
        want, items = self.expected("status=dispatched,processing&sort=due", self.subtree)
        by = {it["number"]: it for it in items}
        rows = [by[n] for n in want]
        dues = [r[RUNNING[r["status"]]] for r in rows]
        self.assertGreater(len(dues), len(set(dues)), "no equal deadlines")
        d1, s1 = self.c.unit["D1"], self.c.unit["S1"]
        kinds = {
            "own": any(r["unit_id"] == d1 for r in rows),
            "below": any(r["unit_id"] == s1 for r in rows),
            "co": any(r["unit_id"] not in self.subtree and d1 in r["co_unit_ids"] for r in rows),
            "co below twice": any(r["unit_id"] not in self.subtree
                                  and len(set(r["co_unit_ids"]) & self.subtree) > 1
                                  for r in rows),
            "led and co": any(r["unit_id"] in self.subtree and r["co_unit_ids"] for r in rows),
        }
        self.assertTrue(all(kinds.values()), kinds)
        # A tie that straddles a page boundary of 2 and mixes own and co-handled tickets.
        first_due = dues[0]
        tied = [r for r, d in zip(rows, dues) if d == first_due]
        self.assertGreater(len(tied), 2)
        self.assertTrue(any(r["unit_id"] not in self.subtree for r in tied))
        # Closed co-handled tickets stay out; closed led ones stay in.
        closed, _ = self.expected("status=closed&sort=due", self.subtree)
        self.assertEqual(len(closed), 1)
        self.assertEqual(self.pages("h_d1", "status=closed&sort=due", 50), closed)

    def test_extension_pending_filter(self):
        got = self.pages("sup1", "extension_pending=true&sort=due", 50)
        self.assertEqual(sorted(got), sorted([self.ext_s1, self.ext_b2]))
        for it in self.all_items("sup1", "extension_pending=true"):
            self.assertTrue(it["extension_pending"], it)
        for it in self.all_items("sup1", "extension_pending=false"):
            self.assertFalse(it["extension_pending"], it)
        everything = self.all_items("sup1", "")
        self.assertEqual(len(self.all_items("sup1", "extension_pending=false")),
                         len(everything) - 2)
        self.assertEqual(sorted(self.pages("h_d1", "extension_pending=true", 1)),
                         sorted([self.ext_s1, self.ext_b2]))
        self.assertEqual(self.pages("h_s1", "extension_pending=true", 1), [self.ext_s1])
        self.assertEqual(self.pages("h_b1", "extension_pending=true", 1), [])

    def test_extension_pending_bad_values(self):
        for bad in ("1", "yes", "TRUE", "", "true,false"):
            r = self.get("/tickets?extension_pending=" + urlquote(bad), "sup1")
            self.assertError(r, 400, "invalid_argument", "extension_pending", msg=repr(bad))

    def test_supervisor_lists_returned_awaiting_approval(self):
        got = self.all_items("sup1", "status=returned&sort=due")
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["status"], "returned")
        self.assertIn("refuse_return", self.ticket(got[0]["number"])["allowed_actions"])


@unittest.skipIf(os.environ.get("REXIAN_TEST_DB_URL_BASE"), "SQLite file surgery")
class MigrationBackfillTest(ServerTestCase):
    """A database made before migration 006 gets its co-unit copies filled in."""

    def test_backfill(self):
        c = self.c
        for co in (["D1"], ["S1", "S2"]):
            t = self.create()
            self.act_ok("agent1", t["number"], "dispatch", unit_id=c.unit["B1"],
                        co_unit_ids=[c.unit[u] for u in co])
        before = self.pages_of("h_d1")
        self.assertEqual(len(before), 2)
        self.srv.stop()
        # Back to schema 5: what 006 adds goes, and the old index returns.
        db = sqlite3.connect(self.srv.db)
        db.executescript("""
            DROP TRIGGER ticket_co_units_fill; DROP TRIGGER tickets_co_units_sync;
            DROP INDEX ticket_co_units_due; DROP INDEX ticket_co_units_created;
            DROP INDEX tickets_unit_status_due; DROP INDEX tickets_unit_status_created;
            DROP INDEX tickets_extension_pending;
            CREATE TEMP TABLE co AS SELECT ticket_id, unit_id FROM ticket_co_units;
            DROP TABLE ticket_co_units;
            CREATE TABLE ticket_co_units (
                ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                unit_id    INTEGER NOT NULL REFERENCES units(id),
                PRIMARY KEY (ticket_id, unit_id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX ticket_co_units_unit ON ticket_co_units(unit_id, ticket_id);
            INSERT INTO ticket_co_units SELECT ticket_id, unit_id FROM co;
            CREATE INDEX tickets_unit_status ON tickets(unit_id, status, id);
        """)
        # Migration 006 itself, as `rexian migrate` runs it (later migrations
        # are applied already and must not run twice).
        with open(os.path.join(REPO, "src", "store", "migrations", "006_queue.sql"),
                  encoding="utf-8") as f:
            db.executescript("BEGIN;" + f.read() + ";COMMIT;")
        rows = db.execute("SELECT co.status = t.status, co.due_key IS t.due_key, "
                          "co.created_at = t.created_at FROM ticket_co_units co "
                          "JOIN tickets t ON t.id = co.ticket_id").fetchall()
        db.close()
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(all(r) for r in rows), rows)
        self.srv.start()
        self.assertEqual(self.pages_of("h_d1"), before)

    def pages_of(self, who):
        return [it["number"] for it in self.all_items(who, "status=dispatched&sort=due", 1)]


if __name__ == "__main__":
    unittest.main()
