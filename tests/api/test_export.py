"""GET /api/v1/tickets/export: CSV and XLSX of a ticket list (docs/API.md
"Exports"). The files are parsed (csv module; zipfile and the sheet XML) and
compared with the JSON list for the same filter and the same user."""

import csv
import glob
import io
import os
import re
import socket
import tempfile
import time
import unittest
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree

from harness import ServerTestCase, urlquote

PHONE = "13912345678"
MASKED = "139****5678"
NAME = "赵导出"
EN_HEADERS = ["number", "created", "channel", "type", "urgency", "status", "category", "area",
              "address", "unit", "reporter", "phone", "title", "content", "due", "sla",
              "replied_at", "closed_at", "satisfaction"]
ZH_HEADERS = ["工单编号", "登记时间", "来源渠道", "诉求类型", "紧急程度", "状态", "诉求分类",
              "区域", "地址", "承办单位", "诉求人", "联系电话", "标题", "诉求内容", "办理时限",
              "时限状态", "答复时间", "办结时间", "满意度"]
# Cells a spreadsheet would run as formulas, and cells that need RFC 4180 quoting.
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/","点我")'
HOSTILE_CONTENT = '他说："电梯, 坏了"\r\n第二行\n+1 第三行'
FORMULA_STARTS = ["+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB开头"]
BULK = 520  # more than one page of the export (500 rows)

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def xlsx_rows(data):
    """The first sheet's rows as lists of strings ('' for a missing cell), and
    whether any cell is a formula."""
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    sheet = [n for n in names if n.startswith("xl/worksheets/sheet")][0]
    shared = []
    if "xl/sharedStrings.xml" in names:
        root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
        for si in root.findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    root = ElementTree.fromstring(z.read(sheet))
    rows, formulas = [], False
    for row in root.iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            if c.find("m:f", NS) is not None:
                formulas = True
            t = c.get("t")
            if t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
            elif t == "s":
                v = shared[int(c.find("m:v", NS).text)]
            else:
                e = c.find("m:v", NS)
                v = e.text if e is not None else ""
            cells[col_index(c.get("r"))] = v
        width = max(cells) + 1 if cells else 0
        # OOXML writes control characters as _xHHHH_ (CR is _x000D_).
        rows.append([re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)),
                            cells.get(i, "")) for i in range(width)])
    return rows, formulas


class ExportTest(ServerTestCase):

    @classmethod
    def prepare(cls):
        srv, c = cls.srv, cls.c
        cls.n = {}

        def call(who, method, path, body=None):
            r = srv.request(method, path, body, token=c.t(who))
            assert r.status in (200, 201), (path, body, r)
            return r.body

        def make(key, unit="S1", **over):
            body = {"channel": over.pop("channel", "phone"), "type": over.pop("type", "complaint"),
                    "urgency": over.pop("urgency", "normal"),
                    "title": over.pop("title", "导出测试 " + key),
                    "content": over.pop("content", "内容 " + key),
                    "address": over.pop("address", "幸福小区%s号楼" % key),
                    "category_id": c.cat[over.pop("cat", "LIFT")],
                    "citizen": {"name": NAME, "phone": PHONE, "anonymous": False,
                                "confidential": over.pop("confidential", False)}}
            t = call("agent1", "POST", "/tickets", body)
            num = t["number"]
            if unit:
                call("agent1", "POST", "/tickets/%s/actions/dispatch" % num,
                     {"version": t["version"], "unit_id": c.unit[unit]})
            cls.n[key] = num
            return num

        make("plain")
        make("report", type="report")
        make("confidential", confidential=True)
        make("hostile", title=HOSTILE_TITLE, content=HOSTILE_CONTENT, channel="web")
        for i, s in enumerate(FORMULA_STARTS):
            make("f%d" % i, title=s, address=s)
        make("bus", unit="B2", cat="BUS", type="suggestion", urgency="urgent")
        make("registered", unit=None, cat="WATER")
        # One closed with a callback: replied_at, closed_at, satisfaction.
        num = make("closed")
        v = call("sup1", "GET", "/tickets/" + num)["version"]
        call("h_s1", "POST", "/tickets/%s/actions/accept" % num, {"version": v})
        call("h_s1", "POST", "/tickets/%s/actions/reply" % num,
             {"version": v + 1, "reply": "已修复", "contacted": True})
        call("agent1", "POST", "/tickets/%s/actions/callback" % num,
             {"version": v + 2, "satisfaction": "basically_satisfied", "resolved": True})
        # Enough plain tickets for the export to read several pages.
        for i in range(BULK):
            body = {"channel": "app", "type": "consult", "title": "批量 %d" % i,
                    "content": "批量内容", "citizen": {"name": "批量", "phone": "13700000000"}}
            call("agent1", "POST", "/tickets", body)

    # ---- helpers ----------------------------------------------------------

    def export(self, who, query="", status=200):
        r = self.get("/tickets/export" + ("?" + query if query else ""), who)
        self.assertStatus(r, status)
        return r

    def csv_rows(self, who, query=""):
        r = self.export(who, query)
        self.assertTrue(r.raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM")
        text = r.raw[3:].decode("utf-8")
        return list(csv.reader(io.StringIO(text, newline="")))

    def by_number(self, rows):
        return {row[0]: row for row in rows[1:]}

    # ---- tests ------------------------------------------------------------

    def test_csv_matches_json_list(self):
        for who, q in (("sup1", ""), ("agent1", "status=dispatched"), ("sup1", "type=report"),
                       ("sup1", "category_id=%d" % self.c.cat["PROP"]),
                       ("sup1", "sort=due&status=dispatched,processing")):
            rows = self.csv_rows(who, "lang=en" + ("&" + q if q else ""))
            self.assertEqual(rows[0], EN_HEADERS)
            items = self.all_items(who, q)
            self.assertEqual([row[0] for row in rows[1:]], [it["number"] for it in items],
                             (who, q))
            for row, it in zip(rows[1:], items):
                self.assertEqual(len(row), len(EN_HEADERS))
                self.assertEqual(row[1], it["created_at"])
                self.assertEqual(row[2], it["channel"])
                self.assertEqual(row[3], it["type"])
                self.assertEqual(row[4], it["urgency"])
                self.assertEqual(row[5], it["status"])
                self.assertEqual(row[10], it["citizen"]["name"] or "")
                self.assertEqual(row[11], it["citizen"]["phone"] or "")
                self.assertEqual(row[15], it["sla"] or "")
                self.assertEqual(row[16], it["replied_at"] or "")
                self.assertEqual(row[17], it["closed_at"] or "")
                self.assertEqual(row[18], it["satisfaction"] or "")
                running = {"dispatched": "sign_due", "processing": "reply_due",
                           "returned": "reply_due", "replied": "callback_due"}.get(it["status"])
                self.assertEqual(row[14], (it[running] or "") if running else "")

    def test_several_pages_all_rows_once(self):
        rows = self.csv_rows("sup1")
        numbers = [row[0] for row in rows[1:]]
        self.assertGreater(len(numbers), 500)  # more than one page
        self.assertEqual(len(numbers), len(set(numbers)))
        self.assertEqual(numbers, [it["number"] for it in self.all_items("sup1")])

    def test_names_paths_and_labels(self):
        rows = self.csv_rows("sup1")
        self.assertEqual(rows[0], ZH_HEADERS)
        by = self.by_number(rows)
        plain = by[self.n["plain"]]
        self.assertEqual(plain[2], "电话")
        self.assertEqual(plain[3], "投诉")
        self.assertEqual(plain[4], "一般")
        self.assertEqual(plain[6], "城乡建设/物业管理/电梯")
        self.assertEqual(plain[8], "幸福小区plain号楼")
        self.assertEqual(plain[9], "西城街道办事处")
        bus = by[self.n["bus"]]
        self.assertEqual((bus[3], bus[4], bus[6], bus[9]),
                         ("建议", "紧急", "交通运输/公交", "市公交公司"))
        reg = by[self.n["registered"]]
        self.assertEqual(reg[9], "")
        self.assertEqual(reg[14], "")
        closed = by[self.n["closed"]]
        self.assertEqual(closed[18], "基本满意")
        self.assertNotEqual(closed[16], "")
        self.assertNotEqual(closed[17], "")

    def test_bytes_bom_crlf_and_headers(self):
        r = self.export("sup1", "limit=3")
        self.assertIn("text/csv", r.headers["Content-Type"])
        raw = r.raw
        self.assertTrue(raw.startswith("\ufeff工单编号,登记时间".encode("utf-8")))
        body = raw[3:]
        # Every record ends in CRLF; the only bare LF are inside quoted cells.
        self.assertTrue(body.endswith(b"\r\n"))
        self.assertEqual(len(list(csv.reader(io.StringIO(body.decode(), newline="")))), 4)
        cd = r.headers["Content-Disposition"]
        self.assertTrue(cd.startswith("attachment;"), cd)
        m = re.search(r"filename\*=UTF-8''([^;]+)", cd)
        self.assertIsNotNone(m, cd)
        self.assertTrue(unquote(m.group(1)).startswith("工单导出-"), cd)
        self.assertTrue(m.group(1).endswith(".csv"))
        self.assertRegex(cd, r'filename="tickets-\d{8}\.csv"')

    def test_formula_injection_defused_and_quoting(self):
        rows = self.csv_rows("sup1")
        by = self.by_number(rows)
        h = by[self.n["hostile"]]
        self.assertEqual(h[12], "'" + HOSTILE_TITLE)
        # Quotes, commas and line breaks survive RFC 4180 quoting intact.
        self.assertEqual(h[13], HOSTILE_CONTENT)
        for i, s in enumerate(FORMULA_STARTS):
            row = by[self.n["f%d" % i]]
            self.assertEqual(row[12], "'" + s, s)
            self.assertEqual(row[8], "'" + s, s)
        r = self.export("sup1")
        self.assertIn(b'"\'=HYPERLINK(""http://evil.example/"",""', r.raw)

    def test_handler_scope_and_masking(self):
        for who in ("h_s1", "h_d1", "h_b2"):
            rows = self.csv_rows(who, "lang=en")
            numbers = [row[0] for row in rows[1:]]
            self.assertEqual(numbers, [it["number"] for it in self.all_items(who)], who)
        rows = self.csv_rows("h_s1", "lang=en")
        by = self.by_number(rows)
        self.assertNotIn(self.n["bus"], by)
        self.assertNotIn(self.n["registered"], by)
        self.assertEqual(by[self.n["plain"]][10], NAME)
        self.assertEqual(by[self.n["plain"]][11], MASKED)
        for key in ("report", "confidential"):
            self.assertEqual(by[self.n[key]][10], "", key)
            self.assertEqual(by[self.n[key]][11], "", key)
        raw = self.export("h_s1").raw.decode("utf-8")
        self.assertNotIn(PHONE, raw)
        self.assertEqual(len(self.csv_rows("h_b2")) - 1, 1)
        # The center sees the phone in full.
        by = self.by_number(self.csv_rows("agent1"))
        self.assertEqual(by[self.n["report"]][11], PHONE)

    def test_xlsx_matches_csv(self):
        for who in ("sup1", "h_s1"):
            r = self.export(who, "format=xlsx")
            self.assertEqual(r.headers["Content-Type"],
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            self.assertRegex(r.headers["Content-Disposition"],
                             r"attachment; filename=\"tickets-\d{8}\.xlsx\"; filename\*=UTF-8''")
            rows, formulas = xlsx_rows(r.raw)
            self.assertFalse(formulas, "a cell was written as a formula")
            crows = self.csv_rows(who)
            self.assertEqual(len(rows), len(crows))
            self.assertEqual(rows[0], ZH_HEADERS)
            for xr, cr in zip(rows, crows):
                xr = xr + [""] * (len(cr) - len(xr))
                # XLSX cells are typed text: no apostrophe needed there.
                cr = [c[1:] if c.startswith("'") else c for c in cr]
                # The sheet stores line breaks as LF.
                self.assertEqual([x.replace("\r\n", "\n") for x in xr],
                                 [c.replace("\r\n", "\n") for c in cr])
        rows, _ = xlsx_rows(self.export("sup1", "format=xlsx&lang=en").raw)
        by = {row[0]: row for row in rows[1:]}
        self.assertEqual(by[self.n["hostile"]][12], HOSTILE_TITLE)
        rows, _ = xlsx_rows(self.export("h_s1", "format=xlsx&lang=en").raw)
        by = {row[0]: row for row in rows[1:]}
        self.assertEqual(by[self.n["plain"]][11], MASKED)
        self.assertEqual(by[self.n["report"]][10:12], ["", ""])

    def test_limit_and_filters(self):
        rows = self.csv_rows("sup1", "limit=7")
        self.assertEqual(len(rows), 8)
        self.assertEqual([row[0] for row in rows[1:]],
                         [it["number"] for it in self.all_items("sup1")][:7])
        rows, _ = xlsx_rows(self.export("sup1", "format=xlsx&limit=2").raw)
        self.assertEqual(len(rows), 3)
        rows = self.csv_rows("sup1", "lang=en&status=closed")
        self.assertEqual([row[0] for row in rows[1:]], [self.n["closed"]])
        rows = self.csv_rows("sup1", "lang=en&q=" + urlquote("幸福小区"))
        got = {row[0] for row in rows[1:]}
        self.assertEqual(got, {it["number"] for it in self.all_items("sup1", "q=" + urlquote("幸福小区"))})
        self.assertIn(self.n["plain"], got)
        rows = self.csv_rows("agent1", "lang=en&phone=" + PHONE)
        self.assertEqual(len(rows) - 1, len(self.all_items("agent1", "phone=" + PHONE)))

    def test_bad_parameters(self):
        for q, field in (("format=pdf", "format"), ("lang=fr", "lang"), ("status=bogus", "status"),
                         ("type=x", "type"), ("from=yesterday", "from"), ("limit=0", "limit"),
                         ("limit=abc", "limit"), ("unit_id=-1", "unit_id"),
                         ("sort=relevance", "sort"), ("after=1.2", "after"),
                         ("nope=1", "nope"), ("phone=123", "phone")):
            r = self.export("sup1", q, status=400)
            self.assertError(r, 400, "invalid_argument", field, msg=q)
        self.assertError(self.export("h_s1", "phone=" + PHONE, status=403), 403, "forbidden",
                         "phone")
        r = self.srv.request("GET", "/tickets/export")
        self.assertError(r, 401, "unauthenticated")
        r = self.req("POST", "/tickets/export", {}, who="sup1")
        self.assertStatus(r, (404, 405))

    def test_client_that_goes_away(self):
        """A client that reads the head and leaves: the server stops the work and
        goes on answering (the sanitizers check that nothing leaks)."""
        tok = self.c.t("sup1")
        tmp = glob.glob(os.path.join(tempfile.gettempdir(), "rexian-export-*"))
        for fmt in ("csv", "xlsx"):
            s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=30)
            s.sendall(("GET /api/v1/tickets/export?format=%s HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer %s\r\n\r\n" % (fmt, tok)).encode())
            s.settimeout(30)
            self.assertTrue(s.recv(64).startswith(b"HTTP/1.1 "))
            s.close()
        for _ in range(50):
            r = self.srv.request("GET", "/healthz")
            if r.status == 200:
                break
            time.sleep(0.1)
        self.assertStatus(r, 200)
        self.assertEqual(len(self.csv_rows("sup1", "limit=1")), 2)
        # No workbook is left behind in the temporary directory.
        self.export("sup1", "format=xlsx&limit=3")
        self.assertEqual(glob.glob(os.path.join(tempfile.gettempdir(), "rexian-export-*")), tmp)


class XlsxLimitTest(ServerTestCase):
    """Past the sheet's last row an XLSX export is refused with a 400 naming
    `format`; the server here has the limit lowered to 3 rows
    (REXIAN_TEST_XLSX_MAX_ROWS) so as not to need a million tickets."""

    @classmethod
    def setUpClass(cls):
        old = os.environ.get("REXIAN_TEST_XLSX_MAX_ROWS")
        os.environ["REXIAN_TEST_XLSX_MAX_ROWS"] = "3"
        try:
            super().setUpClass()
        finally:
            if old is None:
                os.environ.pop("REXIAN_TEST_XLSX_MAX_ROWS", None)
            else:
                os.environ["REXIAN_TEST_XLSX_MAX_ROWS"] = old

    @classmethod
    def prepare(cls):
        for i in range(4):
            r = cls.srv.request("POST", "/tickets", {"channel": "phone", "type": "consult",
                                                     "title": "上限 %d" % i, "content": "内容"},
                                token=cls.c.t("agent1"))
            assert r.status == 201, r

    def test_refused_past_the_last_row(self):
        tmp = glob.glob(os.path.join(tempfile.gettempdir(), "rexian-export-*"))
        r = self.get("/tickets/export?format=xlsx", "sup1")
        err = self.assertError(r, 400, "invalid_argument", "format")
        self.assertIn("more than 3 rows", err["message"])
        self.assertIn("csv", err["message"])
        self.assertEqual(glob.glob(os.path.join(tempfile.gettempdir(), "rexian-export-*")), tmp)
        # Up to the limit it is fine, and CSV has no such limit.
        r = self.get("/tickets/export?format=xlsx&limit=3", "sup1")
        self.assertStatus(r, 200)
        rows, _ = xlsx_rows(r.raw)
        self.assertEqual(len(rows), 4)
        r = self.get("/tickets/export?format=xlsx&status=registered&type=consult", "sup1")
        self.assertError(r, 400, "invalid_argument", "format")
        r = self.get("/tickets/export?format=csv", "sup1")
        self.assertStatus(r, 200)
        self.assertEqual(len(list(csv.reader(io.StringIO(r.raw[3:].decode(), newline="")))), 5)


if __name__ == "__main__":
    unittest.main()
