"""HTTP-level robustness: persistent connections after errors, chunked
bodies, deep JSON, non-BMP text, many clients at once. Each must answer as
the contract says and leave the server healthy (no sanitizer report)."""

import http.client
import json
import socket
import threading
import unittest

from harness import ServerTestCase, ticket_body, PASSWORD


class HttpTest(ServerTestCase):
    server_flags = {"threads": 4}

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)

    def test_keep_alive_survives_errors(self):
        tok = self.c.t("agent1")
        auth = {"Authorization": "Bearer " + tok}
        good = json.dumps(ticket_body(), ensure_ascii=False).encode()
        steps = [
            ("POST", "/api/v1/tickets", good, dict(auth, **{"Content-Type": "text/plain"}), 415),
            ("GET", "/api/v1/auth/me", None, auth, 200),
            ("POST", "/api/v1/tickets", b"{broken", dict(auth, **{"Content-Type":
                                                                  "application/json"}), 400),
            ("GET", "/api/v1/auth/me", None, auth, 200),
            ("POST", "/api/v1/tickets", good, {"Content-Type": "application/json"}, 401),
            ("GET", "/api/v1/auth/me", None, auth, 200),
            ("POST", "/api/v1/nowhere", good, dict(auth, **{"Content-Type":
                                                            "application/json"}), 404),
            ("GET", "/api/v1/auth/me", None, auth, 200),
            ("POST", "/api/v1/tickets", good, dict(auth, **{"Content-Type":
                                                            "application/json"}), 201),
            ("GET", "/healthz", None, {}, 200),
        ]
        c = self.conn()
        try:
            for method, path, body, hdrs, want in steps:
                c.request(method, path, body=body, headers=hdrs)
                r = c.getresponse()
                data = r.read()
                self.assertEqual(r.status, want, "%s %s on a kept-alive connection: %s"
                                 % (method, path, data[:300]))
                if (r.getheader("Connection") or "").lower() == "close":
                    c.close()
                    c = self.conn()
        finally:
            c.close()

    def send_chunked(self, path, chunks, token):
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=30)
        try:
            head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n"
                    "Connection: close\r\n\r\n" % (self.srv.full_path(path), token))
            s.sendall(head.encode())
            try:
                for ch in chunks:
                    s.sendall(b"%x\r\n%s\r\n" % (len(ch), ch))
                s.sendall(b"0\r\n\r\n")
            except OSError:
                pass
            data = b""
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    data += b
            except OSError:
                pass
        finally:
            s.close()
        return self.srv._parse_raw(data)

    def test_chunked_body(self):
        body = json.dumps(ticket_body(title="分块传输"), ensure_ascii=False).encode()
        r = self.send_chunked("/tickets", [body[:10], body[10:50], body[50:]],
                              self.c.t("agent1"))
        self.assertIsNotNone(r)
        self.assertIn(r.status, (201, 411), r)
        if r.status == 201:
            self.assertEqual(r.body["title"], "分块传输")

    def test_chunked_body_over_limit(self):
        before = len(self.all_items("sup1"))
        prefix = b'{"channel":"phone","type":"help","title":"big","content":"'
        chunks = [prefix] + [b"x" * 65536] * 32  # 2 MiB, over the default 1 MiB limit
        r = self.send_chunked("/tickets", chunks, self.c.t("agent1"))
        self.assertIsNotNone(r, "no answer to a 2 MiB chunked body")
        self.assertIn(r.status, (413, 411), r)
        if r.status == 413:
            self.assertError(r, 413, "payload_too_large")
        self.assertEqual(len(self.all_items("sup1")), before)

    def test_deeply_nested_json(self):
        for raw in (b"[" * 100000 + b"]" * 100000, b'{"a":' * 50000 + b"1" + b"}" * 50000):
            r = self.req("POST", "/tickets", who="agent1", raw=raw)
            self.assertError(r, 400, ("invalid_json", "invalid_argument"))
        body = ticket_body()
        body["citizen"] = {"name": {"x": [[[[[[[[[[1]]]]]]]]]]}}
        r = self.req("POST", "/tickets", body, who="agent1")
        self.assertError(r, 400, "invalid_argument", "citizen.name")

    def test_non_bmp_text(self):
        title = "电梯🚀坏了 𠀀 é"
        t = self.create(title=title, content="内容😀" * 10)
        self.assertEqual(t["title"], title)
        self.assertEqual(self.ticket(t["number"])["content"], "内容😀" * 10)
        # title counts characters: 200 four-byte characters fit, 201 do not.
        self.assertEqual(self.create(title="😀" * 200)["title"], "😀" * 200)
        r = self.req("POST", "/tickets", ticket_body(title="😀" * 201), who="agent1")
        self.assertError(r, 400, "invalid_argument", "title")
        # Escaped surrogate pairs are the same characters.
        raw = json.dumps(ticket_body(title="🚀"), ensure_ascii=True).encode()
        r = self.req("POST", "/tickets", who="agent1", raw=raw)
        self.assertStatus(r, 201)
        self.assertEqual(r.body["title"], "🚀")

    def test_success_is_json(self):
        for path, who in (("/tickets", "sup1"), ("/units", "agent1"), ("/auth/me", "h_d1"),
                          ("/categories", "agent1"), ("/users", "admin")):
            r = self.get(path, who)
            self.assertStatus(r, 200)
            self.assertIn("application/json", r.headers.get("Content-Type", ""), path)
            self.assertIsInstance(r.body, dict, path)

    def test_many_clients_at_once(self):
        c = self.c
        errors = []
        lock = threading.Lock()

        def worker(i):
            try:
                t = self.srv.request("POST", "/tickets", ticket_body(title="并发 %d" % i),
                                     token=c.t("agent1"))
                if t.status != 201:
                    raise AssertionError(t)
                n = t.body["number"]
                for _ in range(3):
                    r = self.srv.request("GET", "/tickets/" + n, token=c.t("sup1"))
                    if r.status != 200:
                        raise AssertionError(r)
                r = self.srv.request("POST", "/tickets/%s/actions/dispatch" % n,
                                     {"version": 1, "unit_id": c.unit["D1"]},
                                     token=c.t("agent1"))
                if r.status != 200:
                    raise AssertionError(r)
                r = self.srv.request("GET", "/tickets?limit=5", token=c.t("h_d1"))
                if r.status != 200:
                    raise AssertionError(r)
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        self.assertGreaterEqual(len(self.all_items("h_d1", "status=dispatched")), 24)

    def raw(self, data):
        # A server may wait a while on a half-sent request; 5 s is plenty to answer.
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        out = b""
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            while not self.srv._complete(out):
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except OSError:
            pass
        finally:
            s.close()
        return out

    def test_protocol_garbage(self):
        tok = self.c.t("agent1").encode()
        cases = [
            b"\r\n\r\n",
            b"GARBAGE\r\n\r\n",
            b"GET\r\n\r\n",
            b"GET / HTTP/9.9\r\n\r\n",
            b"GET /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n\r\n",
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}",
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999"
            b"\r\n\r\n{}",
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Content-Length: 5\r\n\r\n{}",
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Authorization: Bearer " + tok + b"\r\nContent-Type: application/json\r\n\r\n"
            b"zz\r\n{}\r\n0\r\n\r\n",
            b"GET /api/v1/tickets/%00%ff HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok +
            b"\r\n\r\n",
            b"GET /api/v1/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /api/v1/tickets?limit=%zz&after=%%% HTTP/1.1\r\nHost: x\r\nAuthorization: "
            b"Bearer " + tok + b"\r\n\r\n",
            b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nCookie: rexian_session\r\n\r\n",
            b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nCookie: ;;;=;rexian_session=;\r\n\r\n",
            b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Request-Id: \xff\xfe\r\n\r\n",
        ]
        for data in cases:
            out = self.raw(data)
            if out:
                self.assertTrue(out.startswith(b"HTTP/1."), (data, out[:200]))
                status = int(out.split()[1])
                self.assertTrue(400 <= status < 500 or status == 505, (data, out[:300]))
            self.assertTrue(self.srv.alive(), "server died on %r" % data)
        self.assertStatus(self.srv.request("GET", "/healthz"), 200)
        self.assertEqual(self.srv.sanitizer_reports(), [], self.srv.sanitizer_excerpt())

    def test_long_and_odd_requests(self):
        # A very long query string and header, an odd method: 4xx, never a crash.
        r = self.get("/tickets?status=" + "registered," * 500 + "registered", "sup1")
        self.assertIn(r.status, (200, 400, 414), r)
        r = self.srv.request("GET", "/api/v1/auth/me",
                             headers={"Authorization": "Bearer " + "x" * 6000})
        self.assertIn(r.status, (400, 401, 413, 431), r)
        r = self.srv.request("BREW", "/api/v1/tickets", token=self.c.t("sup1"))
        self.assertIn(r.status, (400, 404, 405, 501), r)
        r = self.srv.request("POST", "/auth/login",
                             {"username": "sup1", "password": "p" * 10000})
        self.assertIn(r.status, (400, 401), r)
        r = self.srv.request("POST", "/auth/login",
                             {"username": "u" * 10000, "password": PASSWORD})
        self.assertIn(r.status, (400, 401), r)
        self.assertStatus(self.srv.request("GET", "/healthz"), 200)


if __name__ == "__main__":
    unittest.main()
