"""The monthly assessment as a download (GET /api/v1/stats/assessment/export,
docs/API.md): the same units, counts, rates and ranks as the JSON, in CSV
(UTF-8 with BOM) and XLSX, for whom may read the assessment."""

import csv
import io
import unittest

from harness import ServerTestCase, shanghai_today
from test_export import xlsx_rows


class AssessExportTest(ServerTestCase):

    made = False

    def setUp(self):
        super().setUp()
        if not type(self).made:  # two lives at D1 this month, once for the class
            type(self).made = True
            self._life("satisfied")
            self._life("unsatisfied")

    def _life(self, satisfaction):
        t = self.create()
        self.act_ok("agent1", t["number"], "dispatch", unit_id=self.c.unit["D1"])
        self.act_ok("h_d1", t["number"], "accept")
        self.act_ok("h_d1", t["number"], "reply", reply="已处理。", contacted=True)
        return self.act_ok("agent1", t["number"], "callback", satisfaction=satisfaction,
                           resolved=satisfaction == "satisfied")

    def month(self):
        return shanghai_today().strftime("%Y-%m")

    def json_units(self, who="sup1"):
        r = self.get("/stats/assessment?month=" + self.month(), who)
        self.assertStatus(r, 200)
        return {u["code"]: u for u in r.body["units"]}

    def test_csv_matches_the_json(self):
        r = self.get("/stats/assessment/export?format=csv&month=" + self.month(), "sup1")
        self.assertStatus(r, 200)
        self.assertIn("text/csv", r.headers.get("Content-Type", ""))
        self.assertIn("attachment", r.headers.get("Content-Disposition", ""))
        self.assertTrue(r.raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM")
        rows = list(csv.reader(io.StringIO(r.raw[3:].decode("utf-8"), newline="")))
        head, body = rows[0], rows[1:]
        self.assertEqual(head[:4], ["名次", "单位编码", "单位", "类型"])
        self.assertEqual(head[-1], "综合得分")
        units = self.json_units()
        self.assertEqual(sorted(x[1] for x in body), sorted(units))
        d1 = next(x for x in body if x[1] == "D1")
        u = units["D1"]
        self.assertEqual(d1[0], str(u["rank"]))
        self.assertEqual(int(d1[4]), u["counts"]["received"])
        self.assertGreaterEqual(u["counts"]["received"], 2)
        sat = head.index("满意率(%)")
        self.assertAlmostEqual(float(d1[sat]), u["rates"]["satisfaction"]["rate"], places=1)
        self.assertAlmostEqual(float(d1[-1]), u["score"], places=1)
        # Units are grouped by kind and ranked within it.
        kinds = [x[3] for x in body]
        self.assertEqual(kinds, sorted(kinds, key=kinds.index))

    def test_xlsx_and_english_headers(self):
        r = self.get("/stats/assessment/export?format=xlsx&lang=en&month=" + self.month(), "admin")
        self.assertStatus(r, 200)
        rows, formulas = xlsx_rows(r.raw)
        self.assertFalse(formulas)
        self.assertEqual(rows[0][:3], ["rank", "unit_code", "unit"])
        self.assertIn("D1", [x[1] for x in rows[1:]])

    def test_who_may_and_bad_parameters(self):
        m = self.month()
        self.assertError(self.get("/stats/assessment/export?month=" + m, "agent1"), 403)
        # a handler gets its own subtree only
        r = self.get("/stats/assessment/export?month=" + m, "h_d1")
        self.assertStatus(r, 200)
        codes = [x[1] for x in csv.reader(io.StringIO(r.raw[3:].decode("utf-8")))][1:]
        self.assertIn("D1", codes)
        self.assertNotIn("B1", codes)
        for q, field in (("format=pdf&month=" + m, "format"), ("lang=fr&month=" + m, "lang"),
                         ("month=2026-13", "month"), ("", None), ("kind=center&month=" + m, "kind"),
                         ("month=%s&bogus=1" % m, "bogus")):
            self.assertError(self.get("/stats/assessment/export?" + q, "sup1"), 400, field=field)


if __name__ == "__main__":
    unittest.main()
