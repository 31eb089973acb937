"""Crash consistency (issue 9, docs/RELIABILITY.md): concurrent ticket
creation and actions while the server is killed with SIGKILL at random
moments, twenty times; then every acknowledged write must be in the
database with its event, no ticket half-written, the file sound and the
numbers unique. Also an online backup while serving, and a restore that
equals its source.

The check reads the database file itself (Python's sqlite3, read-only) after
the last stop: what a success answer promised must be on disk, whatever
the server says about it.
"""

import os
import random
import shutil
import sqlite3
import threading
import time
import unittest

from harness import City, Server, ticket_body
from harness import PG_URL_BASE  # the pg suite skips what reads the SQLite file itself

KILLS = int(os.environ.get("REXIAN_CRASH_KILLS", "20"))
WORKERS = 6
SEED = int(os.environ.get("REXIAN_CRASH_SEED", str(int(time.time()))))


def ro(path):
    """A read-only connection to the database file at path."""
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def plain_tables(db):
    """Names of the ordinary tables (FTS shadow tables included, virtual ones
    not: their tokenizer lives in the server)."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    return [n for n, sql in rows if not (sql or "").upper().startswith("CREATE VIRTUAL")]


def table_dump(path):
    """{table: sorted rows} of every ordinary table of the file at path."""
    db = ro(path)
    try:
        out = {}
        for t in plain_tables(db):
            out[t] = sorted(db.execute('SELECT * FROM "%s"' % t.replace('"', '""')).fetchall(),
                            key=repr)
        return out
    finally:
        db.close()


class Ledger:
    """What the clients were told: every acknowledged create and action."""

    def __init__(self):
        self.lock = threading.Lock()
        self.creates = []  # numbers
        self.actions = []  # (number, action, version after)
        self.unknown = 0   # requests whose outcome was lost with the connection
        self.errors = []   # answers no client should get (5xx other than 503, bad shapes)

    def add_create(self, number):
        with self.lock:
            self.creates.append(number)

    def add_action(self, number, action, version):
        with self.lock:
            self.actions.append((number, action, version))


class Worker(threading.Thread):
    """Creates tickets and walks its own tickets through the workflow."""

    def __init__(self, srv, city, ledger, stop, seed):
        super().__init__(daemon=True)
        self.srv, self.c, self.ledger, self.stop = srv, city, ledger, stop
        self.rnd = random.Random(seed)
        self.mine = {}  # number -> (status, version) as last known

    def call(self, method, path, body=None, who="agent1"):
        try:
            return self.srv.request(method, path, body, token=self.c.t(who), timeout=10)
        except OSError:
            with self.ledger.lock:
                self.ledger.unknown += 1
            time.sleep(0.05)
            return None
        except Exception:  # noqa: BLE001 - a cut-off answer is a lost answer
            with self.ledger.lock:
                self.ledger.unknown += 1
            time.sleep(0.05)
            return None

    def refresh(self, number):
        r = self.call("GET", "/tickets/" + number, who="sup1")
        if r is not None and r.status == 200:
            self.mine[number] = (r.body["status"], r.body["version"])

    def next_action(self, status):
        if self.rnd.random() < 0.3:
            return "comment", "agent1", {"note": "进展备注"}
        return {
            "registered": ("dispatch", "agent1", {"unit_id": self.c.unit["D1"]}),
            "dispatched": ("accept", "h_d1", {}),
            "processing": ("reply", "h_d1", {"reply": "已处理完毕。", "contacted": True}),
            "replied": ("callback", "agent1", {"satisfaction": "satisfied", "resolved": True}),
        }.get(status, ("comment", "agent1", {"note": "办结后备注"}))

    def step(self):
        if not self.mine or self.rnd.random() < 0.35:
            r = self.call("POST", "/tickets", ticket_body(title="崩溃测试 %d" % self.rnd.randrange(10**6)))
            if r is None:
                return
            if r.status == 201:
                self.ledger.add_create(r.body["number"])
                self.mine[r.body["number"]] = (r.body["status"], r.body["version"])
            elif r.status != 503:
                self.ledger.errors.append(("create", r.status, r.raw[:200]))
            return
        number = self.rnd.choice(list(self.mine))
        status, version = self.mine[number]
        action, who, args = self.next_action(status)
        body = dict(args, version=version)
        r = self.call("POST", "/tickets/%s/actions/%s" % (number, action), body, who=who)
        if r is None:
            self.refresh(number)
            return
        if r.status == 200:
            self.ledger.add_action(number, action, r.body["version"])
            self.mine[number] = (r.body["status"], r.body["version"])
        elif r.status == 409:  # an answer lost to a kill moved the version on
            self.refresh(number)
        elif r.status != 503:
            self.ledger.errors.append((action, r.status, r.raw[:200]))

    def run(self):
        while not self.stop.is_set():
            self.step()


class CrashTest(unittest.TestCase):

    def setUp(self):
        self.srv = Server()
        self.c = City(self.srv)

    def tearDown(self):
        reports = self.srv.sanitizer_reports()
        self.srv.cleanup()
        self.assertEqual(reports, [], "sanitizer reports")

    def check_database(self, path, ledger=None):
        """The invariants of a sound database; with a ledger, also that every
        acknowledged write is there. Returns the counts."""
        db = ro(path)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(db.execute("PRAGMA foreign_key_check").fetchall(), [])
            tickets = {n: (i, v, s) for i, n, v, s in
                       db.execute("SELECT id, number, version, status FROM tickets")}
            n_rows = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
            self.assertEqual(n_rows, len(tickets), "ticket numbers repeat")
            events = {}
            for tid, action, to in db.execute(
                    "SELECT ticket_id, action, to_status FROM ticket_events ORDER BY id"):
                events.setdefault(tid, []).append((action, to))
            for number, (tid, version, status) in tickets.items():
                ev = events.get(tid, [])
                self.assertTrue(ev and ev[0][0] == "create",
                                "ticket %s has no create event first: %r" % (number, ev[:3]))
                self.assertEqual([a for a, _ in ev].count("create"), 1, number)
                # Every change is one event and one version step, together.
                self.assertEqual(len(ev), version, "ticket %s: %d events, version %d"
                                 % (number, len(ev), version))
                self.assertEqual(ev[-1][1], status, "ticket %s: state is not its last event's"
                                 % number)
            # Numbers: 14 digits, and per day the sequence has no hole.
            by_day = {}
            for number in tickets:
                self.assertRegex(number, r"^\d{14}$")
                by_day.setdefault(number[:8], []).append(int(number[8:]))
            for day, seqs in by_day.items():
                seqs.sort()
                self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "holes on %s" % day)
                last = db.execute("SELECT last FROM ticket_seq WHERE day = ?",
                                  (int(day),)).fetchone()
                self.assertEqual(last[0], len(seqs), day)
            lost = 0
            if ledger is not None:
                for number in ledger.creates:
                    if number not in tickets:
                        lost += 1
                acked = {}
                for number, action, v in ledger.actions:
                    acked.setdefault((number, action), []).append(v)
                for (number, action), versions in acked.items():
                    if number not in tickets:
                        lost += len(versions)
                        continue
                    tid, version, _ = tickets[number]
                    have = [a for a, _ in events.get(tid, [])].count(action)
                    lost += max(0, len(versions) - have)
                    if version < max(versions):
                        lost += 1
                self.assertEqual(lost, 0, "acknowledged writes missing after the kills")
            return {"tickets": len(tickets), "events": sum(map(len, events.values())),
                    "lost": lost}
        finally:
            db.close()

    @unittest.skipIf(PG_URL_BASE, "reads the SQLite file itself (PostgreSQL: tests/pg)")
    def test_sigkill_loses_nothing_and_backup_restores(self):
        srv = self.srv
        ledger = Ledger()
        stop = threading.Event()
        rnd = random.Random(SEED)
        workers = [Worker(srv, self.c, ledger, stop, SEED + i) for i in range(WORKERS)]
        for w in workers:
            w.start()
        kills = 0
        online_backup = os.path.join(srv.dir, "online.db")
        try:
            for i in range(KILLS):
                time.sleep(rnd.uniform(0.3, 1.2))
                if i == KILLS // 2:
                    # A backup under full load, while the server writes.
                    r = srv.cli("backup", "--db", srv.db, online_backup)
                    self.assertEqual(r.returncode, 0, r.stderr)
                srv._kill()  # SIGKILL: no chance to finish anything
                kills += 1
                srv.start()
            time.sleep(0.5)
        finally:
            stop.set()
            for w in workers:
                w.join(30)
        self.assertEqual(ledger.errors, [])
        self.assertGreater(len(ledger.creates), 20, "too little work got through")

        # The online backup is a consistent snapshot of its own moment.
        snap = self.check_database(online_backup)
        self.assertGreater(snap["tickets"], 0)

        # An idle server: back up while it serves, then the copy equals the source.
        idle_backup = os.path.join(srv.dir, "idle.db")
        r = srv.cli("backup", "--db", srv.db, idle_backup)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(table_dump(idle_backup), table_dump(srv.db))

        self.assertEqual(srv.stop(), 0)
        figures = self.check_database(srv.db, ledger)
        source = table_dump(srv.db)
        self.assertEqual(table_dump(idle_backup), source)

        # Restore: the copy in place of the database (no stale WAL beside it).
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(srv.db + suffix)
            except FileNotFoundError:
                pass
        shutil.copyfile(idle_backup, srv.db)
        self.assertEqual(table_dump(srv.db), source)
        srv.start()
        for number in rnd.sample(ledger.creates, min(40, len(ledger.creates))):
            r = srv.request("GET", "/tickets/" + number, token=srv.admin_token())
            self.assertEqual(r.status, 200, r)
        self.assertEqual(srv.stop(), 0)
        self.check_database(srv.db, ledger)
        print("\nFIGURES crash: kills=%d survived=%d acked_creates=%d acked_actions=%d "
              "unknown=%d lost=%d tickets=%d events=%d seed=%d"
              % (kills, kills, len(ledger.creates), len(ledger.actions), ledger.unknown,
                 figures["lost"], figures["tickets"], figures["events"], SEED))


if __name__ == "__main__":
    unittest.main()
