"""Black-box test harness for the rexian HTTP API.

Starts the real binary (REXIAN_BIN, default build/asan/rexian) on a free
127.0.0.1 port with a fresh SQLite database, and speaks HTTP to it with the
standard library only.

    srv = Server()                      # migrate, add admin, serve, wait for /healthz
    status, headers, body = srv.request("GET", "/tickets", token=tok)
    tok = srv.login("admin", ADMIN_PASSWORD)
    srv.restart()                       # SIGTERM, wait, serve again on the same db
    srv.stop()                          # SIGTERM; returns the exit code

Paths that do not start with /api/, /healthz, /metrics or /open311 get the
/api/v1 prefix, so "/tickets" means "/api/v1/tickets".

Every process the harness starts writes its stderr to a file in the server's
temporary directory; sanitizer_reports() scans them for AddressSanitizer,
LeakSanitizer and UBSan reports, and ServerTestCase fails the test (and the
class) when one appears.
"""

import atexit
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import shutil
import time
import unittest
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

ADMIN_USER = "admin"
ADMIN_PASSWORD = "Admin-pass-1"
PASSWORD = "Passw0rd-x"

SANITIZER_PATTERNS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "WARNING: ThreadSanitizer",
)

SHANGHAI = timezone(timedelta(hours=8))


_BIN_COPY = None


def binary():
    """The binary under test. REXIAN_BIN (default build/asan/rexian, relative
    to the repository) is copied once per run, after it has stopped changing,
    so that a rebuild during the run cannot pull it from under the tests."""
    global _BIN_COPY
    path = os.environ.get("REXIAN_BIN", "build/asan/rexian")
    if not os.path.isabs(path):
        path = os.path.join(REPO, path)
    if _BIN_COPY is not None and os.path.exists(_BIN_COPY):
        return _BIN_COPY
    if not os.path.exists(path):
        return path
    last = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            st = os.stat(path)
            sig = (st.st_size, st.st_mtime_ns)
        except OSError:
            sig = None
        if sig is not None and sig == last and time.time() - st.st_mtime > 1.0:
            break
        last = sig
        time.sleep(0.5)
    d = tempfile.mkdtemp(prefix="rexian-bin-")
    copy = os.path.join(d, "rexian")
    shutil.copy2(path, copy)
    atexit.register(shutil.rmtree, d, True)
    _BIN_COPY = copy
    return copy


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def parse_time(s):
    """RFC 3339 string -> aware datetime (any offset, 'Z' accepted)."""
    if s is None:
        return None
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    return datetime.fromisoformat(s)


def fmt_time(dt):
    """Aware datetime -> RFC 3339 with its offset, seconds precision."""
    return dt.isoformat(timespec="seconds")


def shanghai_today():
    return datetime.now(timezone.utc).astimezone(SHANGHAI).date()


class ServerError(Exception):
    pass


# tests/run-all's pg suite sets REXIAN_TEST_DB_URL_BASE (postgres://user@host:port):
# every Server then gets a new PostgreSQL database instead of a SQLite file.
PG_URL_BASE = os.environ.get("REXIAN_TEST_DB_URL_BASE", "").rstrip("/")
_pg_count = [0]


def _psql(sql):
    subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", PG_URL_BASE + "/postgres", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)


def fresh_database(tmpdir):
    """A new, empty database: a SQLite file in tmpdir, or a PostgreSQL URL."""
    if not PG_URL_BASE:
        return os.path.join(tmpdir, "rexian.db")
    _pg_count[0] += 1
    name = "rx_%d_%d" % (os.getpid(), _pg_count[0])
    _psql('CREATE DATABASE "%s"' % name)
    return PG_URL_BASE + "/" + name


class _SqliteLock:
    def __init__(self, path):
        import sqlite3
        self.db = sqlite3.connect(path, timeout=1, isolation_level=None)
        self.db.execute("BEGIN EXCLUSIVE")

    def release(self):
        self.db.execute("ROLLBACK")
        self.db.close()


class _PgLock:
    """A psql session holding units in EXCLUSIVE mode (writes wait, reads go on)."""

    def __init__(self, url):
        self.p = subprocess.Popen(["psql", "-qX", "-v", "ON_ERROR_STOP=1", url],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.p.stdin.write(b"BEGIN;\nLOCK TABLE units IN EXCLUSIVE MODE;\n\\echo locked\n")
        self.p.stdin.flush()
        self.p.stdout.readline()

    def release(self):
        self.p.stdin.write(b"ROLLBACK;\n")
        self.p.stdin.close()
        self.p.wait(30)


def hold_write_lock(db):
    """Another process holding the database's write lock until .release()."""
    return _PgLock(db) if db.startswith("postgres") else _SqliteLock(db)


def drop_database(db):
    if PG_URL_BASE and db.startswith(PG_URL_BASE + "/"):
        try:
            _psql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % db[len(PG_URL_BASE) + 1:])
        except (subprocess.SubprocessError, OSError):
            pass


class Response(tuple):
    """(status, headers, body) that also answers .status/.headers/.body/.raw."""

    def __new__(cls, status, headers, body, raw):
        self = super().__new__(cls, (status, headers, body))
        self.raw = raw
        return self

    @property
    def status(self):
        return self[0]

    @property
    def headers(self):
        return self[1]

    @property
    def body(self):
        return self[2]

    def __repr__(self):
        text = self.raw[:600].decode("utf-8", "replace") if self.raw else ""
        return "<HTTP %s %s>" % (self[0], text)


class Server:
    """One rexian server on a private database in a temporary directory."""

    def __init__(self, db_path=None, admin=True, use_env=False, start=True, **flags):
        self.bin = binary()
        if not os.path.exists(self.bin):
            raise ServerError("no rexian binary at %s (set REXIAN_BIN)" % self.bin)
        self.dir = tempfile.mkdtemp(prefix="rexian-api-")
        self.db = db_path or fresh_database(self.dir)
        self.flags = flags
        self.use_env = use_env
        self.proc = None
        self.port = None
        self.logs = []  # every stderr file written by a process we started
        self.serve_count = 0
        self.stderr_path = None
        self.exit_codes = []
        self.cli_check("migrate", "--db", self.db)
        if admin:
            r = self.cli("user", "add", "--db", self.db, "--username", ADMIN_USER,
                         "--password", ADMIN_PASSWORD, "--role", "admin", "--name", "管理员")
            if r.returncode != 0 and db_path is None:
                raise ServerError("user add admin failed (%d): %s" % (r.returncode, r.stderr))
        if start:
            self.start()

    # ---- processes -------------------------------------------------------

    def env(self):
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:symbolize=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        env.pop("REXIAN_DB", None)
        env.pop("REXIAN_LISTEN", None)
        return env

    def _logfile(self, what):
        path = os.path.join(self.dir, "%02d-%s.stderr" % (len(self.logs), what))
        self.logs.append(path)
        return path

    def cli(self, *args, timeout=120, env=None):
        """Runs the binary with args; returns CompletedProcess (text)."""
        log = self._logfile(args[0] if args else "cli")
        with open(log, "wb") as err:
            p = subprocess.run([self.bin] + list(args), stdout=subprocess.PIPE, stderr=err,
                               env=env or self.env(), timeout=timeout)
        with open(log, "rb") as f:
            stderr = f.read().decode("utf-8", "replace")
        return subprocess.CompletedProcess(p.args, p.returncode,
                                           p.stdout.decode("utf-8", "replace"), stderr)

    def cli_check(self, *args, **kw):
        r = self.cli(*args, **kw)
        if r.returncode != 0:
            raise ServerError("rexian %s failed (%d): %s" % (" ".join(args), r.returncode,
                                                              r.stderr[-2000:]))
        return r

    def start(self):
        last = None
        for _ in range(3):
            self.port = free_port()
            try:
                self._spawn()
                self.wait_ready()
                return
            except ServerError as e:
                last = e
                if self.proc is not None and self.proc.poll() is None:
                    self._kill()
                if self.sanitizer_reports():
                    break
        raise last

    def _spawn(self):
        listen = "127.0.0.1:%d" % self.port
        env = self.env()
        args = [self.bin, "serve"]
        if self.use_env:
            env["REXIAN_DB"] = self.db
            env["REXIAN_LISTEN"] = listen
        else:
            args += ["--db", self.db, "--listen", listen]
        for k, v in self.flags.items():
            args += ["--" + k.replace("_", "-"), str(v)]
        self.serve_count += 1
        self.stderr_path = self._logfile("serve")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._stderr,
                                     stderr=self._stderr, env=env)

    def wait_ready(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError("rexian serve exited with %s before /healthz answered: %s"
                                  % (self.proc.returncode, self.stderr_tail()))
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise ServerError("rexian serve not ready after %.0fs: %s" % (timeout, self.stderr_tail()))

    def stderr_tail(self, n=3000):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _kill(self):
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        self._stderr.close()

    def stop(self, timeout=30.0):
        """SIGTERM, wait; returns the exit code (SIGKILL and -9 on a hang)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.exit_codes.append("hang")
                self._stderr.close()
                self.proc = None
                return -9
        rc = self.proc.returncode
        self.exit_codes.append(rc)
        self._stderr.close()
        self.proc = None
        return rc

    def restart(self):
        """Stops with SIGTERM and starts again on the same database; returns the exit code."""
        rc = self.stop()
        self.start()
        return rc

    def cleanup(self):
        if self.proc is not None:
            self.stop()
        if os.environ.get("REXIAN_KEEP_TMP"):
            sys.stderr.write("kept %s\n" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        drop_database(self.db)

    def sanitizer_reports(self):
        """Lines of every stderr file that look like a sanitizer report."""
        found = []
        for path in self.logs:
            try:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
            except OSError:
                continue
            for line in text.splitlines():
                if any(p in line for p in SANITIZER_PATTERNS):
                    found.append("%s: %s" % (os.path.basename(path), line.strip()))
        return found

    def sanitizer_excerpt(self, n=6000):
        for path in self.logs:
            try:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
            except OSError:
                continue
            for p in SANITIZER_PATTERNS:
                i = text.find(p)
                if i >= 0:
                    return text[max(0, i - 200):i + n]
        return ""

    # ---- HTTP -----------------------------------------------------------

    @staticmethod
    def full_path(path):
        for p in ("/api/", "/healthz", "/metrics", "/open311"):
            if path.startswith(p):
                return path
        return "/api/v1" + path

    def request(self, method, path, body=None, token=None, headers=None, raw=None,
                timeout=60):
        """One request on a new connection.

        body is encoded as JSON (UTF-8); raw is sent as the bytes given. A body
        gets Content-Type: application/json unless headers name another.
        Returns Response (status, headers, parsed JSON or text)."""
        hdrs = {}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, (bytes, bytearray)) else raw.encode("utf-8")
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        if headers:
            for k, v in headers.items():
                for existing in list(hdrs):
                    if existing.lower() == k.lower():
                        del hdrs[existing]
                if v is not None:
                    hdrs[k] = v
        if data is not None and method in ("POST", "PATCH", "PUT") and not any(
                k.lower() == "content-length" for k in hdrs):
            hdrs["Content-Length"] = str(len(data))
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, self.full_path(path), body=data, headers=hdrs)
            r = c.getresponse()
            payload = r.read()
            return self._response(r.status, r.headers, payload)
        finally:
            c.close()

    @staticmethod
    def _response(status, headers, payload):
        ctype = (headers.get("Content-Type") or "").lower()
        parsed = payload.decode("utf-8", "replace")
        if "json" in ctype and payload:
            try:
                parsed = json.loads(payload.decode("utf-8"))
            except ValueError:
                pass
        return Response(status, headers, parsed, payload)

    def send_streaming(self, method, path, length, chunk=b"x" * 65536, headers=None,
                       prefix=b"", timeout=60):
        """Sends a body of `length` bytes (prefix + repeated chunk) on a raw socket,
        stopping early if the server answers first. Returns Response, or None
        if the connection died without an answer."""
        hdrs = {"Host": "127.0.0.1:%d" % self.port, "Content-Type": "application/json",
                "Content-Length": str(length), "Connection": "close"}
        if headers:
            hdrs.update(headers)
        head = "%s %s HTTP/1.1\r\n" % (method, self.full_path(path))
        head += "".join("%s: %s\r\n" % kv for kv in hdrs.items()) + "\r\n"
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        received = b""
        try:
            s.sendall(head.encode("ascii"))
            sent = 0
            body = prefix
            try:
                while sent < length:
                    r, _, _ = select.select([s], [], [], 0)
                    if r:
                        break
                    if not body:
                        body = chunk
                    piece = body[:min(len(body), length - sent)]
                    body = body[len(piece):]
                    s.sendall(piece)
                    sent += len(piece)
            except OSError:
                pass
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    received += b
                    if self._complete(received):
                        break
            except OSError:
                pass
        finally:
            s.close()
        return self._parse_raw(received)

    @staticmethod
    def _complete(data):
        i = data.find(b"\r\n\r\n")
        if i < 0:
            return False
        head = data[:i].decode("latin-1").lower()
        for line in head.split("\r\n")[1:]:
            if line.startswith("content-length:"):
                return len(data) - i - 4 >= int(line.split(":", 1)[1])
        return False

    @classmethod
    def _parse_raw(cls, data):
        i = data.find(b"\r\n\r\n")
        if i < 0:
            return None
        lines = data[:i].decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        msg = http.client.HTTPMessage()
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                msg[k.strip()] = v.strip()
        return cls._response(status, msg, data[i + 4:])

    # ---- sessions -------------------------------------------------------

    def login(self, user, pw):
        r = self.request("POST", "/auth/login", {"username": user, "password": pw})
        if r.status != 200 or not isinstance(r.body, dict) or "token" not in r.body:
            raise ServerError("login %s failed: %r" % (user, r))
        return r.body["token"]

    def admin_token(self):
        return self.login(ADMIN_USER, ADMIN_PASSWORD)


# ---- the small city ------------------------------------------------------


class ClockServer(Server):
    """A server (and its command-line runs) whose clock is the file `clock`
    (REXIAN_FAKE_NOW_FILE; set it with set_clock)."""

    def __init__(self, clock, **kw):
        self.clock = clock
        super().__init__(**kw)

    def env(self):
        e = super().env()
        e["REXIAN_FAKE_NOW_FILE"] = self.clock
        return e


def set_clock(path, when):
    """Makes `when` (RFC 3339) the time of a ClockServer reading `path`, in one rename."""
    with open(path + ".tmp", "w") as f:
        f.write(when + "\n")
    os.replace(path + ".tmp", path)


class City:
    """Builds, through the API as admin, the units, categories and users the
    tests share, then logs every user in.

    units:  C0 (center), B1 (bureau), D1 (district) with streets S1 and S2,
            B2 (bureau)
    categories (3 levels):
            CITY 城乡建设 (D1) > PROP 物业管理 (D1) > LIFT 电梯 (S1)
                                               > WATER 供水 (S2)
            TRAF 交通运输 (B1) > BUS 公交 (B2) > BUSSTOP 站牌 (B2)
    users:  agent1, sup1, h_b1, h_d1, h_s1, h_s2, h_b2 (password PASSWORD)
    """

    UNITS = [
        ("C0", "12345受理中心", "center", None),
        ("B1", "市交通运输局", "bureau", None),
        ("D1", "牡丹区人民政府", "district", None),
        ("S1", "西城街道办事处", "street", "D1"),
        ("S2", "东城街道办事处", "street", "D1"),
        ("B2", "市公交公司", "bureau", None),
    ]
    CATEGORIES = [
        ("CITY", "城乡建设", None, "D1"),
        ("PROP", "物业管理", "CITY", "D1"),
        ("LIFT", "电梯", "PROP", "S1"),
        ("WATER", "供水", "PROP", "S2"),
        ("TRAF", "交通运输", None, "B1"),
        ("BUS", "公交", "TRAF", "B2"),
        ("BUSSTOP", "站牌", "BUS", "B2"),
    ]
    USERS = [
        ("agent1", "agent", None, "话务员一"),
        ("sup1", "supervisor", None, "值班长"),
        ("h_b1", "handler", "B1", "交通局承办人"),
        ("h_d1", "handler", "D1", "区政府承办人"),
        ("h_s1", "handler", "S1", "西城街道承办人"),
        ("h_s2", "handler", "S2", "东城街道承办人"),
        ("h_b2", "handler", "B2", "公交公司承办人"),
    ]

    def __init__(self, srv):
        self.srv = srv
        self.admin = srv.admin_token()
        self.unit = {}
        self.unit_obj = {}
        self.cat = {}
        self.user = {}
        self.token = {"admin": self.admin}
        for code, name, kind, parent in self.UNITS:
            body = {"code": code, "name": name, "kind": kind}
            if parent:
                body["parent_id"] = self.unit[parent]
            r = self._post("/units", body)
            self.unit[code] = r["id"]
            self.unit_obj[code] = r
        for code, name, parent, default in self.CATEGORIES:
            body = {"code": code, "name": name, "default_unit_id": self.unit[default]}
            if parent:
                body["parent_id"] = self.cat[parent]
            self.cat[code] = self._post("/categories", body)["id"]
        for username, role, unit, name in self.USERS:
            body = {"username": username, "password": PASSWORD, "role": role, "name": name}
            if unit:
                body["unit_id"] = self.unit[unit]
            self.user[username] = self._post("/users", body)
        for username, _, _, _ in self.USERS:
            self.token[username] = srv.login(username, PASSWORD)

    def _post(self, path, body):
        r = self.srv.request("POST", path, body, token=self.admin)
        if r.status != 201 or not isinstance(r.body, dict) or "id" not in r.body:
            raise ServerError("fixture POST %s %s failed: %r" % (path, body, r))
        return r.body

    def t(self, who):
        return self.token[who]


# ---- the test case base --------------------------------------------------


def ticket_body(**over):
    """A valid ticket creation body; keyword arguments replace or add fields
    (citizen=None drops the citizen)."""
    body = {
        "channel": "phone",
        "type": "complaint",
        "urgency": "normal",
        "citizen": {"name": "张先生", "phone": "13812345678", "anonymous": False,
                    "confidential": False},
        "title": "小区电梯故障",
        "content": "3号楼电梯停运两天，老人上下楼困难。",
        "address": "牡丹区西城街道幸福小区3号楼",
    }
    for k, v in over.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return body


class ServerTestCase(unittest.TestCase):
    """One server per class (with the City unless `city = False`).

    Class attributes: server_flags (dict of serve flags), city (bool)."""

    server_flags = {}
    city = True
    srv = None
    c = None

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(**cls.server_flags)
        try:
            cls.c = City(cls.srv) if cls.city else None
            cls.prepare()
        except BaseException:
            cls._finish_server()
            raise

    @classmethod
    def prepare(cls):
        """Hook for subclasses: build the class's data after the server is up."""

    @classmethod
    def _finish_server(cls):
        srv = cls.srv
        if srv is None:
            return None
        rc = srv.stop()
        reports = srv.sanitizer_reports()
        excerpt = srv.sanitizer_excerpt()
        srv.cleanup()
        cls.srv = None
        return rc, reports, excerpt

    @classmethod
    def tearDownClass(cls):
        res = cls._finish_server()
        if res is None:
            return
        rc, reports, excerpt = res
        if reports:
            raise AssertionError("sanitizer report in %s:\n%s\n%s"
                                 % (cls.__name__, "\n".join(reports[:10]), excerpt))
        if rc != 0:
            raise AssertionError("%s: rexian serve exited %s on SIGTERM (expected 0)"
                                 % (cls.__name__, rc))

    def setUp(self):
        self._reports_before = len(self.srv.sanitizer_reports()) if self.srv else 0

    def tearDown(self):
        if self.srv is None:
            return
        reports = self.srv.sanitizer_reports()
        died = not self.srv.alive()
        if died:
            # Keep the rest of the class running on the same database.
            code = self.srv.proc.returncode if self.srv.proc else None
            tail = self.srv.stderr_tail()
            if self.srv.proc is not None:
                self.srv.stop()
            try:
                self.srv.start()
            except ServerError:
                pass
        if len(reports) > self._reports_before:
            self.fail("sanitizer report during this test:\n%s\n%s"
                      % ("\n".join(reports[self._reports_before:][:10]),
                         self.srv.sanitizer_excerpt()))
        if died:
            self.fail("rexian serve died during this test (exit %s): %s" % (code, tail))

    # ---- helpers ----------------------------------------------------------

    def req(self, method, path, body=None, who=None, **kw):
        token = self.c.t(who) if (who and self.c) else kw.pop("token", None)
        return self.srv.request(method, path, body, token=token, **kw)

    def get(self, path, who, **kw):
        return self.req("GET", path, who=who, **kw)

    def assertStatus(self, r, status, msg=None):
        if isinstance(status, (tuple, list, set)):
            self.assertIn(r.status, status, msg or r)
        else:
            self.assertEqual(r.status, status, msg or r)

    def assertError(self, r, status, code=None, field=None, msg=None):
        """r is an error of `status` with the contract's body shape."""
        self.assertStatus(r, status, msg)
        ctype = (r.headers.get("Content-Type") or "").lower()
        self.assertIn("application/json", ctype, "error without a JSON content type: %r" % (r,))
        self.assertIsInstance(r.body, dict, "error body is not a JSON object: %r" % (r,))
        err = r.body.get("error")
        self.assertIsInstance(err, dict, "no error object: %r" % (r,))
        self.assertIsInstance(err.get("code"), str, r)
        self.assertIsInstance(err.get("message"), str, r)
        if code is not None:
            if isinstance(code, (tuple, list, set)):
                self.assertIn(err["code"], code, r)
            else:
                self.assertEqual(err["code"], code, r)
        if field is not None:
            if isinstance(field, (tuple, list, set)):
                self.assertIn(err.get("field"), field, r)
            else:
                self.assertEqual(err.get("field"), field, r)
        return err

    def create(self, who="agent1", **over):
        r = self.req("POST", "/tickets", ticket_body(**over), who=who)
        self.assertStatus(r, 201)
        self.assertIsInstance(r.body, dict, r)
        return r.body

    def ticket(self, number, who="sup1"):
        r = self.get("/tickets/" + number, who)
        self.assertStatus(r, 200)
        return r.body

    def events(self, number, who="sup1"):
        r = self.get("/tickets/%s/events" % number, who)
        self.assertStatus(r, 200)
        self.assertIsInstance(r.body.get("items"), list, r)
        return r.body["items"]

    def act(self, who, number, action, version=None, **args):
        """POSTs the action; version None means the ticket's current version."""
        if version is None:
            version = self.ticket(number)["version"]
        body = {"version": version}
        body.update(args)
        return self.req("POST", "/tickets/%s/actions/%s" % (number, action), body, who=who)

    def act_ok(self, who, number, action, **args):
        r = self.act(who, number, action, **args)
        self.assertStatus(r, 200, "%s by %s on %s: %r" % (action, who, number, r))
        self.assertIsInstance(r.body, dict, r)
        return r.body

    def all_items(self, who, query="", limit=200):
        """Every list item for a query, following `next`."""
        items = []
        after = None
        seen = set()
        for _ in range(1000):
            q = "limit=%d" % limit + ("&" + query if query else "")
            if after is not None:
                q += "&after=" + urlquote(after)
            r = self.get("/tickets?" + q, who)
            self.assertStatus(r, 200)
            self.assertIsInstance(r.body.get("items"), list, r)
            items += r.body["items"]
            after = r.body.get("next")
            if after is None:
                return items
            self.assertNotIn(after, seen, "cursor repeats")
            seen.add(after)
        self.fail("pagination does not end")

    def numbers(self, who, query=""):
        return [t["number"] for t in self.all_items(who, query)]

    # Convenience paths through the workflow.

    def dispatched(self, unit="D1", who="agent1", **over):
        t = self.create(**over)
        return self.act_ok(who, t["number"], "dispatch", unit_id=self.c.unit[unit])

    def processing(self, unit="D1", handler="h_d1", **over):
        t = self.dispatched(unit, **over)
        return self.act_ok(handler, t["number"], "accept")

    def replied(self, unit="D1", handler="h_d1", **over):
        t = self.processing(unit, handler, **over)
        return self.act_ok(handler, t["number"], "reply", reply="已修复。", contacted=True)

    def closed(self, unit="D1", handler="h_d1", **over):
        t = self.replied(unit, handler, **over)
        return self.act_ok("agent1", t["number"], "callback", satisfaction="satisfied",
                           resolved=True)


def urlquote(s):
    from urllib.parse import quote
    return quote(str(s), safe="")
