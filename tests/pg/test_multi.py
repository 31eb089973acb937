#!/usr/bin/env python3
"""Two rexian instances on one PostgreSQL database (tests/pg/run).

Instance A and instance B serve the same database, as two machines behind
a load balancer would:
  - a ticket created through A is listed and read through B;
  - an action taken on A reaches a live-feed stream opened on B (B is woken
    by LISTEN/NOTIFY, well before its one-second poll);
  - the timer loop runs on exactly one of them (an advisory lock): one
    yellow card per crossing while both run; after the lead is killed with
    SIGKILL the other takes over, and the red card and the urge come once;
  - `rexian backup` (pg_dump) of the served database restores with
    pg_restore into a new database that serves the same tickets.

Needs REXIAN_TEST_DB_URL_BASE (tests/pg/run sets it). Prints a final line
    multi: N passed, N failed
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "api"))

import harness  # noqa: E402
from harness import PASSWORD, PG_URL_BASE, City, Server, set_clock, ticket_body, _psql  # noqa: E402
from test_events_sse import SSEClient  # noqa: E402

LEAD = "timer loop: this instance leads"


class ClockServer(harness.ClockServer):
    """A server on the shared clock file, whose log the test reads."""

    def log(self):
        text = ""
        for path in self.logs:
            try:
                with open(path, "rb") as f:
                    text += f.read().decode("utf-8", "replace")
            except OSError:
                pass
        return text


@unittest.skipUnless(PG_URL_BASE, "needs REXIAN_TEST_DB_URL_BASE (tests/pg/run)")
class TwoInstancesTest(unittest.TestCase):
    flags = {"sla_interval": 1, "sse_heartbeat": 1, "session_ttl": 7776000}

    @classmethod
    def setUpClass(cls):
        fd, cls.clock = tempfile.mkstemp(prefix="rexian-now-")
        os.close(fd)
        cls.set_now("2026-11-30T08:00:00+08:00")
        cls.a = ClockServer(cls.clock, **cls.flags)
        try:
            cls.b = ClockServer(cls.clock, db_path=cls.a.db, admin=False, **cls.flags)
        except BaseException:
            cls.a.cleanup()
            raise
        cls.c = City(cls.a)

    @classmethod
    def tearDownClass(cls):
        reports = []
        for s in (cls.b, cls.a):
            if s.alive():
                s.stop()
            reports += s.sanitizer_reports()
        cls.b.db = ""  # the shared database is dropped once, with A
        cls.b.cleanup()
        cls.a.cleanup()
        os.unlink(cls.clock)
        if reports:
            raise AssertionError("sanitizer report:\n" + "\n".join(reports[:10]))

    @classmethod
    def set_now(cls, when):
        set_clock(cls.clock, when)

    def post(self, srv, path, body, who):
        return srv.request("POST", path, body, token=self.c.t(who))

    def create(self, srv, **over):
        r = self.post(srv, "/tickets", ticket_body(**over), "agent1")
        self.assertEqual(r.status, 201, r)
        return r.body

    def act(self, srv, who, number, action, **args):
        v = srv.request("GET", "/tickets/" + number, token=self.c.t("sup1")).body["version"]
        body = {"version": v}
        body.update(args)
        r = self.post(srv, "/tickets/%s/actions/%s" % (number, action), body, who)
        self.assertEqual(r.status, 200, r)
        return r.body

    def events(self, srv, number):
        r = srv.request("GET", "/tickets/%s/events" % number, token=self.c.t("sup1"))
        self.assertEqual(r.status, 200, r)
        return r.body["items"]

    def count(self, srv, number, action):
        return sum(1 for e in self.events(srv, number) if e["action"] == action)

    def wait_count(self, srv, number, action, want, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(srv, number, action) >= want:
                return
            time.sleep(0.2)
        self.fail("%s: %d %s events, wanted %d" % (number, self.count(srv, number, action),
                                                    action, want))

    def test_1_created_on_a_listed_on_b(self):
        t = self.create(self.a, title="两台服务器之一")
        r = self.b.request("GET", "/tickets?limit=200", token=self.c.t("sup1"))
        self.assertEqual(r.status, 200, r)
        self.assertIn(t["number"], [x["number"] for x in r.body["items"]])
        r = self.b.request("GET", "/tickets/" + t["number"], token=self.c.t("agent1"))
        self.assertEqual((r.status, r.body["title"]), (200, "两台服务器之一"))
        # Numbers stay unique and in order whichever instance hands them out.
        nums = [self.create(s)["number"] for s in (self.b, self.a, self.b, self.a)]
        self.assertEqual(nums, sorted(nums))
        self.assertEqual(len(set(nums)), 4)

    def test_2_action_on_a_reaches_stream_on_b(self):
        s = SSEClient(self.b.port, token=self.c.t("h_d1"))
        try:
            self.assertEqual(s.status, 200)
            t = self.create(self.a)
            started = time.monotonic()
            self.act(self.a, "agent1", t["number"], "dispatch", unit_id=self.c.unit["D1"])
            got = s.events_until(lambda e: e["json"]["ticket"] == t["number"], timeout=15)
            took = time.monotonic() - started
        finally:
            s.close()
        self.assertEqual(got[-1]["event"], "dispatch")
        # NOTIFY wakes B at once; its own poll alone would take up to a second.
        self.assertLess(took, 0.9, "B heard of A's action after %.2fs" % took)

    def test_3_one_timer_loop_and_takeover(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            leads = [s for s in (self.a, self.b) if LEAD in s.log()]
            if leads:
                break
            time.sleep(0.2)
        self.assertEqual(len(leads), 1, "exactly one instance leads the timer loop")
        lead = leads[0]
        other = self.b if lead is self.a else self.a
        # Consult, dispatched Monday 11-30 09:00: sign due Tuesday 17:30; 80% at 11:00.
        self.set_now("2026-11-30T09:00:00+08:00")
        t = self.create(other, type="consult")
        n = t["number"]
        self.act(other, "agent1", n, "dispatch", unit_id=self.c.unit["D1"])
        self.set_now("2026-12-01T11:00:00+08:00")
        self.wait_count(other, n, "sla_warning", 1)
        time.sleep(2.5)  # two more passes of each loop
        self.assertEqual(self.count(other, n, "sla_warning"), 1)
        # The lead dies without a word; the other takes the lock over.
        lead.proc.send_signal(signal.SIGKILL)
        lead.proc.wait()
        lead._stderr.close()
        lead.proc = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and LEAD not in other.log():
            time.sleep(0.2)
        self.assertIn(LEAD, other.log(), "the surviving instance took over the timer loop")
        self.set_now("2026-12-01T17:31:00+08:00")
        self.wait_count(other, n, "sla_overdue", 1)
        self.wait_count(other, n, "urge", 1)
        time.sleep(2.5)
        self.assertEqual(self.count(other, n, "sla_warning"), 1)
        self.assertEqual(self.count(other, n, "sla_overdue"), 1)
        self.assertEqual(self.count(other, n, "urge"), 1)
        # The killed one comes back as a follower: still one loop, still one card each.
        lead.start()
        time.sleep(2.5)
        self.assertEqual(self.count(lead, n, "sla_overdue"), 1)
        self.assertEqual(self.count(lead, n, "urge"), 1)

    def test_4_backup_and_restore(self):
        t = self.create(self.a, title="备份恢复")
        path = os.path.join(self.a.dir, "rexian.dump")
        r = self.a.cli("backup", "--db", self.a.db, path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotEqual(self.a.cli("backup", "--db", self.a.db, path).returncode, 0,
                            "a backup never overwrites a file")
        name = "rx_restore_%d" % os.getpid()
        _psql('CREATE DATABASE "%s"' % name)
        url = PG_URL_BASE + "/" + name
        subprocess.run(["pg_restore", "--no-owner", "--dbname", url, path], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
        srv = Server(db_path=url, admin=False)
        try:
            tok = srv.login("sup1", PASSWORD)
            r = srv.request("GET", "/tickets/" + t["number"], token=tok)
            self.assertEqual((r.status, r.body["title"]), (200, "备份恢复"))
            # The restored copy goes on numbering after the last ticket.
            r = srv.request("POST", "/tickets", ticket_body(), token=srv.login("agent1", PASSWORD))
            self.assertEqual(r.status, 201, r)
            self.assertGreater(r.body["number"], t["number"])
        finally:
            srv.stop()
            reports = srv.sanitizer_reports()
            srv.cleanup()
        self.assertEqual(reports, [])


def main():
    suite = unittest.TestLoader().loadTestsFromTestCase(TwoInstancesTest)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    bad = len(result.failures) + len(result.errors)
    ok = result.testsRun - bad - len(result.skipped)
    if result.testsRun == 0:  # the class could not start
        bad = max(bad, suite.countTestCases())
        ok = 0
    print("multi: %d passed, %d failed" % (max(ok, 0), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
