"""Authentication: login, bearer and cookie, logout, expiry, /auth/me."""

import shutil
import time
import unittest

from harness import Server, ServerTestCase, ADMIN_USER, ADMIN_PASSWORD, PASSWORD


class AuthTest(ServerTestCase):

    def test_login_answers_token_user_and_cookie(self):
        r = self.srv.request("POST", "/auth/login", {"username": "sup1", "password": PASSWORD})
        self.assertStatus(r, 200)
        self.assertIsInstance(r.body.get("token"), str)
        self.assertGreaterEqual(len(r.body["token"]), 32)
        u = r.body["user"]
        self.assertEqual((u["username"], u["role"], u["unit_id"], u["active"]),
                         ("sup1", "supervisor", None, True))
        self.assertNotIn("argon2", r.raw.decode("utf-8"))
        cookies = r.headers.get_all("Set-Cookie") or []
        ours = [c for c in cookies if c.startswith("rexian_session=")]
        self.assertEqual(len(ours), 1, cookies)
        parts = [p.strip() for p in ours[0].split(";")]
        self.assertEqual(parts[0], "rexian_session=" + r.body["token"])
        attrs = {p.split("=")[0].lower(): (p.split("=", 1)[1] if "=" in p else True)
                 for p in parts[1:]}
        self.assertIn("httponly", attrs)
        self.assertEqual(str(attrs.get("samesite")).lower(), "strict")
        self.assertEqual(attrs.get("path"), "/")

    def test_wrong_credentials(self):
        for body in ({"username": "sup1", "password": "wrong-Passw0rd"},
                     {"username": "nobody", "password": PASSWORD},
                     {"username": "SUP1", "password": PASSWORD}):
            r = self.srv.request("POST", "/auth/login", body)
            self.assertError(r, 401, "unauthenticated", msg=body)
            self.assertFalse([c for c in (r.headers.get_all("Set-Cookie") or [])
                              if c.startswith("rexian_session=") and len(c) > 20])

    def test_login_bad_input(self):
        self.assertError(self.srv.request("POST", "/auth/login", {"username": "sup1"}), 400,
                         "invalid_argument", "password")
        self.assertError(self.srv.request("POST", "/auth/login", raw=b"{nope"), 400,
                         "invalid_json")
        self.assertError(self.srv.request("POST", "/auth/login",
                                          {"username": 5, "password": PASSWORD}), 400,
                         "invalid_argument", "username")

    def test_missing_or_bad_token(self):
        for path in ("/tickets", "/auth/me", "/units", "/users", "/tickets/20260101000001"):
            self.assertError(self.srv.request("GET", path), 401, "unauthenticated", msg=path)
        r = self.srv.request("POST", "/tickets", {"channel": "phone", "type": "help",
                                                  "title": "x", "content": "x"})
        self.assertError(r, 401, "unauthenticated")
        for hdr in ("Bearer nonsense", "Bearer ", "Basic YWRtaW46eA==", "bearer",
                    "Bearer " + "A" * 43):
            r = self.srv.request("GET", "/auth/me", headers={"Authorization": hdr})
            self.assertError(r, 401, "unauthenticated", msg=hdr)
        r = self.srv.request("GET", "/auth/me", headers={"Cookie": "rexian_session=bogus"})
        self.assertError(r, 401, "unauthenticated")

    def test_cookie_auth(self):
        tok = self.srv.login("agent1", PASSWORD)
        r = self.srv.request("GET", "/auth/me", headers={"Cookie": "rexian_session=" + tok})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["user"]["username"], "agent1")
        r = self.srv.request("GET", "/auth/me",
                             headers={"Cookie": "theme=dark; rexian_session=%s; lang=zh" % tok})
        self.assertStatus(r, 200)
        # A write by cookie alone needs X-Requested-With (CSRF), any value.
        body = {"channel": "phone", "type": "help", "title": "cookie", "content": "x"}
        before = len(self.all_items("sup1"))
        r = self.srv.request("POST", "/tickets", body, headers={"Cookie": "rexian_session=" + tok})
        self.assertError(r, 403, "forbidden")
        self.assertEqual(len(self.all_items("sup1")), before, "nothing stored")
        r = self.srv.request("POST", "/tickets", body,
                             headers={"Cookie": "rexian_session=" + tok,
                                      "X-Requested-With": "XMLHttpRequest"})
        self.assertStatus(r, 201)
        n = r.body["number"]
        r = self.srv.request("POST", "/tickets/%s/actions/urge" % n, {"version": 1},
                             headers={"Cookie": "rexian_session=" + tok})
        self.assertError(r, 403, "forbidden")
        r = self.srv.request("POST", "/tickets/%s/actions/urge" % n, {"version": 1},
                             headers={"Cookie": "rexian_session=" + tok, "X-Requested-With": "1"})
        self.assertStatus(r, 200)
        # Reads need no header, and a bearer token needs none either.
        self.assertStatus(self.srv.request("GET", "/tickets/" + n,
                                           headers={"Cookie": "rexian_session=" + tok}), 200)
        self.assertStatus(self.srv.request("POST", "/tickets", body, token=tok), 201)
        # A cookie write as admin (PATCH) is held to the same rule.
        atok = self.srv.admin_token()
        path = "/units"
        r = self.srv.request("POST", path, {"code": "CK1", "name": "x", "kind": "bureau"},
                             headers={"Cookie": "rexian_session=" + atok})
        self.assertError(r, 403, "forbidden")
        r = self.srv.request("POST", path, {"code": "CK1", "name": "x", "kind": "bureau"},
                             headers={"Cookie": "rexian_session=" + atok,
                                      "X-Requested-With": "fetch"})
        self.assertStatus(r, 201)
        r = self.srv.request("PATCH", "/units/%d" % r.body["id"], {"name": "y"},
                             headers={"Cookie": "rexian_session=" + atok})
        self.assertError(r, 403, "forbidden")

    def test_me(self):
        r = self.get("/auth/me", "h_s1")
        self.assertStatus(r, 200)
        u = r.body["user"]
        for k in ("id", "username", "name", "role", "unit_id", "active", "created_at",
                  "updated_at"):
            self.assertIn(k, u)
        self.assertEqual((u["username"], u["role"], u["unit_id"]),
                         ("h_s1", "handler", self.c.unit["S1"]))
        self.assertEqual(u["name"], "西城街道承办人")
        self.assertEqual(self.get("/auth/me", "admin").body["user"]["role"], "admin")

    def test_logout(self):
        tok = self.srv.login("agent1", PASSWORD)
        other = self.srv.login("agent1", PASSWORD)
        self.assertNotEqual(tok, other)
        r = self.srv.request("POST", "/auth/logout", token=tok)
        self.assertStatus(r, 204)
        self.assertEqual(r.raw, b"")
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401, "unauthenticated")
        self.assertError(self.srv.request("GET", "/auth/me",
                                          headers={"Cookie": "rexian_session=" + tok}), 401)
        self.assertError(self.srv.request("POST", "/auth/logout", token=tok), 401)
        self.assertError(self.srv.request("POST", "/auth/logout"), 401, "unauthenticated")
        # Only that session ended.
        self.assertStatus(self.srv.request("GET", "/auth/me", token=other), 200)

    def test_logout_after_cached_use(self):
        # The session cache (2 s) holds a token just used: logout must still end it at once.
        tok = self.srv.login("agent1", PASSWORD)
        for _ in range(3):
            self.assertStatus(self.srv.request("GET", "/auth/me", token=tok), 200)
        self.assertStatus(self.srv.request("POST", "/auth/logout", token=tok), 204)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401, "unauthenticated")
        self.assertError(self.srv.request("GET", "/tickets", token=tok), 401, "unauthenticated")

    def test_logout_with_cookie(self):
        tok = self.srv.login("sup1", PASSWORD)
        r = self.srv.request("POST", "/auth/logout", headers={"Cookie": "rexian_session=" + tok,
                                                              "X-Requested-With": "x"})
        self.assertStatus(r, 204)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401)


class SessionCacheTest(ServerTestCase):
    """The in-process session cache never outlives a change made on this instance,
    and another instance sees a logout within the cache's 2 s."""
    city = False

    def new_user(self, username, role="agent"):
        admin = self.srv.login(ADMIN_USER, ADMIN_PASSWORD)
        r = self.srv.request("POST", "/users", {"username": username, "password": PASSWORD,
                                                "role": role}, token=admin)
        self.assertStatus(r, 201)
        return admin, r.body["id"]

    def test_deactivated_refused_at_once(self):
        admin, uid = self.new_user("cache_deact")
        tok = self.srv.login("cache_deact", PASSWORD)
        for _ in range(3):
            self.assertStatus(self.srv.request("GET", "/auth/me", token=tok), 200)
        r = self.srv.request("PATCH", "/users/%d" % uid, {"active": False}, token=admin)
        self.assertStatus(r, 200)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401, "unauthenticated")

    def test_password_change_refused_at_once(self):
        admin, uid = self.new_user("cache_pw")
        tok = self.srv.login("cache_pw", PASSWORD)
        self.assertStatus(self.srv.request("GET", "/auth/me", token=tok), 200)
        r = self.srv.request("PATCH", "/users/%d" % uid, {"password": "An0ther-pass"},
                             token=admin)
        self.assertStatus(r, 200)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401, "unauthenticated")

    def test_role_change_seen_at_once(self):
        admin, uid = self.new_user("cache_role")
        tok = self.srv.login("cache_role", PASSWORD)
        self.assertEqual(self.srv.request("GET", "/auth/me", token=tok).body["user"]["role"],
                         "agent")
        r = self.srv.request("PATCH", "/users/%d" % uid, {"role": "supervisor"}, token=admin)
        self.assertStatus(r, 200)
        self.assertEqual(self.srv.request("GET", "/auth/me", token=tok).body["user"]["role"],
                         "supervisor")
        # an agent may not list users; a supervisor may not either, an admin may
        self.assertError(self.srv.request("GET", "/users", token=tok), 403)

    def test_other_instance_sees_logout_within_ttl(self):
        other = Server(db_path=self.srv.db, admin=False)
        try:
            tok = self.srv.login(ADMIN_USER, ADMIN_PASSWORD)
            for _ in range(3):  # cached on the other instance now
                self.assertStatus(other.request("GET", "/auth/me", token=tok), 200)
            self.assertStatus(self.srv.request("POST", "/auth/logout", token=tok), 204)
            self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401)
            # The other instance cannot be told; its cache entry ends within 2 s.
            t0 = time.monotonic()
            status = 200
            while status == 200 and time.monotonic() - t0 < 6.0:
                status = other.request("GET", "/auth/me", token=tok).status
                if status == 200:
                    time.sleep(0.2)
            self.assertEqual(status, 401)
        finally:
            other.stop()
            reports = other.sanitizer_reports()
            shutil.rmtree(other.dir, ignore_errors=True)  # not cleanup(): the database is shared
            self.assertFalse(reports, reports)


class PasswordHashMemoryTest(ServerTestCase):
    """argon2id takes 19 MiB a hash: logins hash one at a time, so a burst of them
    raises the server's peak memory by one hash, not one per login."""
    server_flags = {"threads": 4}
    city = False

    def status_kib(self, key):
        with open("/proc/%d/status" % self.srv.proc.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise AssertionError("no %s" % key)

    def test_concurrent_logins_hash_one_at_a_time(self):
        import threading
        self.srv.login(ADMIN_USER, ADMIN_PASSWORD)  # warm: pages, statements, caches
        try:  # "5" resets the peak (VmHWM) to the current RSS (Linux 4.0+)
            with open("/proc/%d/clear_refs" % self.srv.proc.pid, "w") as f:
                f.write("5")
        except OSError as e:
            self.skipTest("cannot reset the peak RSS: %s" % e)
        rss0 = self.status_kib("VmRSS")
        results = []

        def login():
            results.append(self.srv.request("POST", "/auth/login",
                                            {"username": ADMIN_USER,
                                             "password": ADMIN_PASSWORD}).status)
        threads = [threading.Thread(target=login) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [200] * 6)
        grew = self.status_kib("VmHWM") - rss0
        # one hash is 19 MiB; two at once would be 38
        self.assertLess(grew, 30 * 1024, "peak rose %d KiB over %d KiB" % (grew, rss0))


class SessionExpiryTest(ServerTestCase):
    server_flags = {"session_ttl": 2}
    city = False

    def test_expired_session(self):
        tok = self.srv.login(ADMIN_USER, ADMIN_PASSWORD)
        self.assertStatus(self.srv.request("GET", "/auth/me", token=tok), 200)
        time.sleep(3.2)
        r = self.srv.request("GET", "/auth/me", token=tok)
        self.assertError(r, 401, "unauthenticated")
        r = self.srv.request("GET", "/auth/me", headers={"Cookie": "rexian_session=" + tok})
        self.assertError(r, 401, "unauthenticated")
        tok2 = self.srv.login(ADMIN_USER, ADMIN_PASSWORD)
        self.assertStatus(self.srv.request("GET", "/auth/me", token=tok2), 200)


if __name__ == "__main__":
    unittest.main()
