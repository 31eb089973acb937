"""The live feed, GET /api/v1/events (docs/API.md "Live updates"): a real
server-sent events client over a socket, per-role filtering, resuming with
Last-Event-ID without loss, heartbeats, the end of a stream when its session
ends, and a clean stop with streams open."""

import json
import socket
import time
import unittest

from harness import ServerTestCase, PASSWORD

WAIT = 20.0  # seconds to wait for an event that must come (never a timing assertion)


class SSEClient:
    """A minimal event-stream reader on a raw socket (chunked or not)."""

    def __init__(self, port, token=None, last_event_id=None, query="", headers=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        hdrs = {"Host": "127.0.0.1:%d" % port, "Accept": "text/event-stream"}
        if token:
            hdrs["Authorization"] = "Bearer " + token
        if last_event_id is not None:
            hdrs["Last-Event-ID"] = str(last_event_id)
        hdrs.update(headers or {})
        req = "GET /api/v1/events%s HTTP/1.1\r\n" % query
        req += "".join("%s: %s\r\n" % kv for kv in hdrs.items()) + "\r\n"
        self.sock.sendall(req.encode("ascii"))
        self.raw = b""
        self.body = b""      # de-chunked body not yet parsed into events
        self.chunked = False
        self.closed = False
        self.comments = []
        head = self._read_until(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                self.headers[k.strip().lower()] = v.strip()
        self.chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        if self.status != 200:
            self.error_body = self._read_rest()

    def _recv(self, deadline):
        self.sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            b = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not b:
            self.closed = True
            return False
        self.raw += b
        return True

    def _read_until(self, marker):
        deadline = time.monotonic() + WAIT
        while marker not in self.raw:
            if not self._recv(deadline) and (self.closed or time.monotonic() > deadline):
                raise AssertionError("no %r from the server: %r" % (marker, self.raw[:300]))
        i = self.raw.index(marker)
        head, self.raw = self.raw[:i], self.raw[i + len(marker):]
        return head

    def _read_rest(self):
        deadline = time.monotonic() + 5
        while not self.closed and time.monotonic() < deadline:
            if b"\r\n\r\n" in self.raw or b"}" in self.raw:
                break
            self._recv(deadline)
        return self.raw

    def _dechunk(self):
        if not self.chunked:
            self.body += self.raw
            self.raw = b""
            return
        while True:
            i = self.raw.find(b"\r\n")
            if i < 0:
                return
            size = int(self.raw[:i].split(b";")[0], 16)
            if len(self.raw) < i + 2 + size + 2:
                return
            self.body += self.raw[i + 2:i + 2 + size]
            self.raw = self.raw[i + 2 + size + 2:]
            if size == 0:
                self.closed = True
                return

    def _take_event(self):
        """One event parsed from the body, or None; comments are collected."""
        while True:
            self.body = self.body.replace(b"\r\n", b"\n")
            i = self.body.find(b"\n\n")
            if i < 0:
                return None
            block, self.body = self.body[:i].decode("utf-8"), self.body[i + 2:]
            ev = {}
            for line in block.split("\n"):
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                    continue
                k, _, v = line.partition(":")
                v = v[1:] if v.startswith(" ") else v
                if k == "data":
                    ev["data"] = ev.get("data", "") + v
                elif k in ("id", "event", "retry"):
                    ev[k] = v
            if "data" in ev:
                ev["json"] = json.loads(ev["data"])
                return ev

    def next_event(self, timeout=WAIT):
        """The next event, or None if none came within timeout (or the stream ended)."""
        deadline = time.monotonic() + timeout
        while True:
            self._dechunk()
            ev = self._take_event()
            if ev is not None:
                return ev
            if self.closed or time.monotonic() > deadline:
                return None
            self._recv(deadline)

    def events_until(self, pred, timeout=WAIT):
        """Events up to and including the first for which pred(ev) holds."""
        got = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ev = self.next_event(deadline - time.monotonic())
            if ev is None:
                break
            got.append(ev)
            if pred(ev):
                return got
        raise AssertionError("the awaited event never came; got %r"
                             % [(e.get("event"), e["json"].get("ticket")) for e in got])

    def wait_comment(self, text, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in c for c in self.comments):
                return True
            self._dechunk()
            self._take_event()
            if self.closed:
                break
            self._recv(deadline)
        return any(text in c for c in self.comments)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class EventsTest(ServerTestCase):
    server_flags = {"sse_heartbeat": 1}

    def stream(self, who, **kw):
        s = SSEClient(self.srv.port, token=self.c.t(who), **kw)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200, getattr(s, "error_body", b""))
        self.assertIn("text/event-stream", s.headers.get("content-type", ""))
        return s

    def dispatch_to(self, unit, **over):
        t = self.create(**over)
        return self.act_ok("agent1", t["number"], "dispatch", unit_id=self.c.unit[unit])

    def test_dispatch_reaches_the_units_stream(self):
        s1 = self.stream("h_s1")
        d1 = self.stream("h_d1")   # the parent unit sees its children's tickets
        s2 = self.stream("h_s2")
        t = self.dispatch_to("S1")
        got = s1.events_until(lambda e: e["json"]["ticket"] == t["number"])
        ev = got[-1]
        self.assertEqual(ev["event"], "dispatch")
        self.assertEqual(ev["json"]["action"], "dispatch")
        self.assertEqual(ev["json"]["to"], "dispatched")
        self.assertEqual(ev["json"]["unit_id"], self.c.unit["S1"])
        self.assertEqual(int(ev["id"]), ev["json"]["id"])
        self.assertNotIn("citizen", ev["json"])
        d1.events_until(lambda e: e["json"]["ticket"] == t["number"])
        # S2 hears of its own dispatch, and of nothing before it for S1.
        marker = self.dispatch_to("S2")
        seen = s2.events_until(lambda e: e["json"]["ticket"] == marker["number"])
        self.assertNotIn(t["number"], [e["json"]["ticket"] for e in seen])
        # Ids only grow.
        ids = [int(e["id"]) for e in got]
        self.assertEqual(ids, sorted(ids))

    def test_resume_with_last_event_id_misses_nothing(self):
        s = self.stream("h_s1")
        first = self.dispatch_to("S1")
        ev = s.events_until(lambda e: e["json"]["ticket"] == first["number"])[-1]
        last_id = ev["id"]
        s.close()
        # While disconnected: two more tickets for S1, one for B2 (not S1's).
        missed = [self.dispatch_to("S1")["number"], self.dispatch_to("B2")["number"],
                  self.dispatch_to("S1")["number"]]
        s = self.stream("h_s1", last_event_id=last_id)
        got = s.events_until(lambda e: e["json"]["ticket"] == missed[2])
        numbers = [e["json"]["ticket"] for e in got if e["event"] == "dispatch"]
        self.assertEqual(numbers, [missed[0], missed[2]])
        self.assertTrue(all(int(e["id"]) > int(last_id) for e in got))
        # The query form works for clients that cannot set the header.
        s2 = self.stream("h_s1", query="?last_event_id=" + last_id)
        got2 = s2.events_until(lambda e: e["json"]["ticket"] == missed[2])
        self.assertEqual([e["id"] for e in got2], [e["id"] for e in got])
        # An id from the future (a restored backup): live from now, not silence.
        s3 = self.stream("h_s1", last_event_id=10 ** 15)
        later = self.dispatch_to("S1")
        s3.events_until(lambda e: e["json"]["ticket"] == later["number"])

    def test_roles_hear_their_work(self):
        agent = self.stream("agent1")
        sup = self.stream("sup1")
        t = self.create()
        ev = agent.events_until(lambda e: e["json"]["ticket"] == t["number"])[-1]
        self.assertEqual(ev["event"], "create")
        p = self.processing("S1", "h_s1")
        until = "2030-01-10T17:30:00+08:00"
        self.act_ok("h_s1", p["number"], "request_extension", until=until, reason="需要协调")
        got = sup.events_until(lambda e: e["json"]["ticket"] == p["number"] and
                               e["event"] == "request_extension")
        self.assertEqual(got[-1]["json"]["from"], "processing")
        # The supervisor is told of creations and dispatches too (the dashboard
        # follows them live), not of the units' own steps.
        kinds = {(e["event"], e["json"]["ticket"]) for e in got}
        self.assertIn(("create", t["number"]), kinds)
        self.assertIn(("create", p["number"]), kinds)
        self.assertIn(("dispatch", p["number"]), kinds)
        self.assertNotIn(("accept", p["number"]), kinds)

    def test_heartbeat_and_session_end(self):
        tok = self.srv.login("h_b1", PASSWORD)
        s = SSEClient(self.srv.port, token=tok)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.wait_comment("heartbeat"), s.comments)
        r = self.srv.request("POST", "/auth/logout", token=tok)
        self.assertIn(r.status, (200, 204), r)
        self.assertTrue(s.wait_comment("session ended"), s.comments)
        deadline = time.monotonic() + WAIT
        while not s.closed and time.monotonic() < deadline:
            s.next_event(1)
        self.assertTrue(s.closed, "the stream should end with the session")

    def test_refusals(self):
        s = SSEClient(self.srv.port)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 401)
        s = SSEClient(self.srv.port, token=self.c.t("h_s1"), last_event_id="12x")
        self.addCleanup(s.close)
        self.assertEqual(s.status, 400)
        s = SSEClient(self.srv.port, token=self.c.t("h_s1"), query="?foo=1")
        self.addCleanup(s.close)
        self.assertEqual(s.status, 400)

    def test_api_answers_with_streams_open_and_stop_is_clean(self):
        streams = [SSEClient(self.srv.port, token=self.c.t("h_s2")) for _ in range(40)]
        for s in streams:
            self.addCleanup(s.close)
            self.assertEqual(s.status, 200)
        h = self.srv.request("GET", "/healthz")
        self.assertEqual(h.status, 200)
        self.assertGreaterEqual(h.body.get("event_streams", 0), 40)
        t = self.dispatch_to("S2")
        for s in streams[:5]:
            s.events_until(lambda e: e["json"]["ticket"] == t["number"])
        # SIGTERM with 40 suspended streams: every one is resumed and ended, exit 0.
        rc = self.srv.restart()
        self.assertEqual(rc, 0)
        for s in streams[:5]:
            deadline = time.monotonic() + WAIT
            while not s.closed and time.monotonic() < deadline:
                s.next_event(1)
            self.assertTrue(s.closed)
        # Logins survive the restart (sessions are in the database).
        self.assertEqual(self.srv.request("GET", "/auth/me", token=self.c.t("h_s2")).status, 200)


if __name__ == "__main__":
    unittest.main()
