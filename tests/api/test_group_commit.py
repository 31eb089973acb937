"""Group commit (docs/ARCHITECTURE.md, Storage): many writers share one
batch transaction and one fdatasync, each as its own savepoint.

What must hold however the requests fall into batches:
- an answered write is visible to the next request from any connection
  (the answer waits for its batch's commit and sync, not only for the
  request's savepoint);
- a request that fails inside a batch (a stale version, a refused action)
  takes nothing of its own with it and nothing of its neighbours';
- every acknowledged ticket, with its events, survives a SIGKILL right after
  the answers, and the numbers of a day stay unique and without holes.
"""

import threading
import unittest

from harness import ServerTestCase, ticket_body


class GroupCommitTest(ServerTestCase):

    def _pool(self, n, fn):
        """Runs fn(i) on n threads at once; returns the results in order."""
        out = [None] * n
        errs = []
        start = threading.Barrier(n)

        def run(i):
            try:
                start.wait()
                out[i] = fn(i)
            except BaseException as e:  # reported after the join
                errs.append(e)

        ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)
        if errs:
            raise errs[0]
        return out

    def test_answered_create_is_read_back_at_once(self):
        tok_a, tok_s = self.c.t("agent1"), self.c.t("sup1")

        def one(i):
            seen = []
            for k in range(12):
                r = self.srv.request("POST", "/tickets",
                                     ticket_body(title="批量 %d-%d" % (i, k)), token=tok_a)
                self.assertEqual(r.status, 201, r)
                g = self.srv.request("GET", "/tickets/" + r.body["number"], token=tok_s)
                self.assertEqual(g.status, 200, "answered create not readable: %r" % (g,))
                self.assertEqual(g.body["title"], "批量 %d-%d" % (i, k))
                seen.append(r.body["number"])
            return seen

        numbers = [n for part in self._pool(12, one) for n in part]
        self.assertEqual(len(numbers), 144)
        self.assertEqual(len(set(numbers)), 144, "a ticket number was handed out twice")

    def test_a_write_reads_back_its_own_change_under_load(self):
        """Handlers that write and then read the row back (a unit's PATCH)
        must see their own write even while other writers keep the batch
        open, and so must the writer's next request."""
        tok = self.c.t("admin")
        tok_a = self.c.t("agent1")

        def one(i):
            if i % 2:  # creates keep writers queued for the batch
                for k in range(15):
                    r = self.srv.request("POST", "/tickets", ticket_body(title="压力 %d-%d" % (i, k)),
                                         token=tok_a)
                    self.assertEqual(r.status, 201, r)
                return None
            r = self.srv.request("POST", "/units", {"code": "GC%d" % i, "name": "单位%d" % i,
                                                    "kind": "enterprise"}, token=tok)
            self.assertEqual(r.status, 201, r)
            uid = r.body["id"]
            for k in range(15):
                name = "单位%d-第%d版" % (i, k)
                p = self.srv.request("PATCH", "/units/%d" % uid, {"name": name}, token=tok)
                self.assertEqual(p.status, 200, p)
                self.assertEqual(p.body["name"], name, "PATCH answered with a stale row")
                g = self.srv.request("GET", "/units/%d" % uid, token=tok)
                self.assertEqual(g.body["name"], name, "the next request read a stale row")
            return uid

        self._pool(8, one)

    def test_failed_requests_in_a_batch_leave_neighbours_whole(self):
        t = self.create()
        num = t["number"]
        v0 = t["version"]
        tok_a = self.c.t("agent1")
        unit = self.c.unit["D1"]

        def one(i):
            if i % 2 == 0:
                # All dispatch the same ticket from the same version: one wins.
                r = self.srv.request("POST", "/tickets/%s/actions/dispatch" % num,
                                     {"version": v0, "unit_id": unit}, token=tok_a)
                return ("dispatch", r.status)
            r = self.srv.request("POST", "/tickets", ticket_body(title="邻居 %d" % i), token=tok_a)
            return ("create", r.status, r.body.get("number") if r.status == 201 else None)

        res = self._pool(16, one)
        wins = [x for x in res if x[0] == "dispatch" and x[1] == 200]
        lost = [x for x in res if x[0] == "dispatch" and x[1] == 409]
        self.assertEqual(len(wins), 1, res)
        self.assertEqual(len(lost), 7, res)
        after = self.ticket(num)
        self.assertEqual(after["version"], v0 + 1)
        self.assertEqual(after["status"], "dispatched")
        self.assertEqual(len(self.events(num)), after["version"],
                         "a refused dispatch left an event behind")
        made = [x[2] for x in res if x[0] == "create"]
        self.assertEqual(len(made), 8)
        for n in made:
            self.assertIsNotNone(n, res)
            got = self.ticket(n)
            self.assertEqual(len(self.events(n)), got["version"])

    def test_sigkill_after_answers_keeps_them_all(self):
        tok_a = self.c.t("agent1")

        def one(i):
            nums = []
            for k in range(10):
                r = self.srv.request("POST", "/tickets",
                                     ticket_body(title="断电前 %d-%d" % (i, k)), token=tok_a)
                self.assertEqual(r.status, 201, r)
                nums.append(r.body["number"])
            return nums

        numbers = [n for part in self._pool(8, one) for n in part]
        self.srv._kill()  # SIGKILL: no chance to close the database
        self.srv.start()  # sessions are stored: the tokens still hold
        tok_s = self.c.t("sup1")
        for n in numbers:
            r = self.srv.request("GET", "/tickets/" + n, token=tok_s)
            self.assertEqual(r.status, 200, "acknowledged %s lost: %r" % (n, r))
        # The numbers of a day are unique and without holes, over every
        # ticket of the database (rolled-back savepoints give theirs back).
        by_day = {}
        for n in self.numbers("sup1"):
            self.assertRegex(n, r"^\d{14}$")
            by_day.setdefault(n[:8], []).append(int(n[8:]))
        for day, seqs in by_day.items():
            self.assertEqual(sorted(seqs), list(range(1, len(seqs) + 1)), day)


if __name__ == "__main__":
    unittest.main()
