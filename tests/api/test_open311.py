"""Open311 GeoReport v2 conformance, written from the specification
(http://wiki.open311.org/GeoReport_v2): every endpoint in XML and JSON,
field names and types, well-formed XML without a namespace, content types,
errors, the 90-day rule, paging, attributes, API keys and rate limits.

The round trip through the hotline's workflow and the privacy rules are in
test_open311_flow.py; the citizen page's endpoints in test_public.py."""

import json
import re
import unittest
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, quote

from harness import ServerTestCase, SHANGHAI

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>'
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

SERVICE_KEYS = ["service_code", "service_name", "description", "metadata", "type", "keywords",
                "group"]
REQUEST_KEYS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
                "description", "agency_responsible", "service_notice", "requested_datetime",
                "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                "lat", "long", "media_url"]
ATTRIBUTE_KEYS = ["variable", "code", "datatype", "required", "datatype_description", "order",
                  "description", "values"]
LEAVES = {"LIFT": ("电梯", "物业管理"), "WATER": ("供水", "物业管理"), "BUSSTOP": ("站牌", "公交")}

LIFT_ATTRIBUTES = [
    {"code": "FLOOR", "datatype": "number", "required": True, "description": "所在楼层"},
    {"code": "SYMPTOM", "datatype": "singlevaluelist", "required": True,
     "description": "故障现象", "values": [{"key": "stuck", "name": "困人"},
                                          {"key": "stopped", "name": "停运"}]},
    {"code": "EXTRA", "datatype": "multivaluelist", "description": "其他情况",
     "values": [{"key": "noise", "name": "异响"}, {"key": "smell", "name": "异味"},
                {"key": "dark", "name": "无照明"}]},
    {"code": "SEEN", "datatype": "datetime", "description": "发现时间",
     "datatype_description": "如 2026-12-01T09:30:00+08:00"},
    {"code": "NOTE", "datatype": "text", "description": "补充说明", "order": 9},
    {"code": "INFO", "datatype": "string", "variable": False, "description": "紧急情况请拨打 96333"},
]


# ---- helpers shared with test_open311_flow.py ------------------------------

def parse_xml(test, r):
    """The XML root of a response, after checking the declaration and the
    absence of any namespace."""
    test.assertTrue(r.raw.startswith(XML_DECL), r.raw[:80])
    root = ET.fromstring(r.raw)
    for el in root.iter():
        test.assertNotIn("{", el.tag, "namespaced element %r" % el.tag)
        for k in el.attrib:
            test.assertFalse(k.startswith("xmlns"), "namespace attribute %r" % k)
    test.assertNotIn(b"xmlns", r.raw)
    return root


def element_text(el):
    """An element's text, "" for an empty one."""
    return el.text or ""


class Open311Mixin:
    """Requests in both formats against the class's server. Not a test case."""

    def o311(self, method, resource, fmt, params=None, raw=None, headers=None):
        path = "/open311/v2/%s.%s" % (resource, fmt)
        body = None
        hdrs = dict(headers or {})
        if method == "GET" and params:
            path += "?" + urlencode(params, doseq=True)
        elif method == "POST":
            body = raw if raw is not None else urlencode(params or {}, doseq=True)
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return self.srv.request(method, path, raw=body, headers=hdrs)

    def assertContentType(self, r, fmt):
        self.assertEqual((r.headers.get("Content-Type") or "").lower(),
                         XML_TYPE if fmt == "xml" else JSON_TYPE, r)

    def assertO311Error(self, r, status, fmt, words=None):
        """r is the spec's error list: XML <errors><error><code/><description/>,
        JSON [{code, description}], with the HTTP status as the code."""
        self.assertEqual(r.status, status, r)
        self.assertContentType(r, fmt)
        if fmt == "xml":
            root = parse_xml(self, r)
            self.assertEqual(root.tag, "errors")
            errs = root.findall("error")
            self.assertGreaterEqual(len(errs), 1)
            self.assertEqual([c.tag for c in errs[0]], ["code", "description"])
            self.assertEqual(errs[0].findtext("code"), str(status))
            desc = errs[0].findtext("description")
        else:
            self.assertIsInstance(r.body, list, r)
            self.assertGreaterEqual(len(r.body), 1)
            self.assertEqual(set(r.body[0]), {"code", "description"})
            self.assertEqual(r.body[0]["code"], status)
            desc = r.body[0]["description"]
        self.assertIsInstance(desc, str)
        self.assertTrue(desc)
        if words:
            self.assertIn(words, desc, r)
        return desc

    def requests_of(self, r, fmt):
        """The service requests of a 200 answer, as dicts of strings (XML) or
        values (JSON), checking the shape on the way."""
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, fmt)
        if fmt == "json":
            self.assertIsInstance(r.body, list, r)
            return r.body
        root = parse_xml(self, r)
        self.assertEqual(root.tag, "service_requests")
        out = []
        for req in root:
            self.assertEqual(req.tag, "request")
            out.append({c.tag: (c.text if len(c) == 0 else c) for c in req})
        return out

    def new_key(self, name="app"):
        r = self.req("POST", "/api-keys", {"name": name}, who="admin")
        self.assertEqual(r.status, 201, r)
        return r.body

    def submit(self, key, fmt="json", **params):
        """POSTs a valid request for WATER (no attributes) with overrides; returns the response."""
        form = {"api_key": key, "service_code": "WATER", "lat": "36.81", "long": "118.05",
                "description": "小区停水一天"}
        form.update(params)
        form = {k: v for k, v in form.items() if v is not None}
        return self.o311("POST", "requests", fmt, form)

    def submit_ok(self, key, fmt="json", **params):
        r = self.submit(key, fmt, **params)
        self.assertEqual(r.status, 200, r)
        reqs = self.requests_of(r, fmt)
        self.assertEqual(len(reqs), 1)
        return reqs[0]


def now_shanghai():
    return datetime.now(timezone.utc).astimezone(SHANGHAI)


def w3c(dt):
    return dt.isoformat(timespec="seconds")


# ---- discovery and services ------------------------------------------------


class DiscoveryAndServicesTest(Open311Mixin, ServerTestCase):

    @classmethod
    def prepare(cls):
        r = cls.srv.request("PUT", "/categories/%d/attributes" % cls.c.cat["LIFT"],
                            {"attributes": LIFT_ATTRIBUTES}, token=cls.c.t("admin"))
        assert r.status == 200, r
        r = cls.srv.request("PUT", "/categories/%d/service" % cls.c.cat["WATER"],
                            {"description": "停水、水压低、水质问题", "keywords": "停水, 水压",
                             "notice": "供水问题一般 2 个工作日内答复。"}, token=cls.c.t("admin"))
        assert r.status == 200, r

    def test_discovery_json(self):
        r = self.o311("GET", "discovery", "json")
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, "json")
        d = r.body
        for k in ("changeset", "contact", "key_service", "endpoints"):
            self.assertIn(k, d)
        self.assertRegex(d["changeset"], W3C)
        ep = d["endpoints"][0]
        self.assertEqual(ep["specification"], "http://wiki.open311.org/GeoReport_v2")
        self.assertTrue(ep["url"].endswith("/open311/v2"), ep)
        self.assertTrue(ep["url"].startswith("http://"), ep)
        self.assertEqual(ep["type"], "production")
        self.assertEqual(set(ep["formats"]), {"text/xml", "application/json"})

    def test_discovery_xml(self):
        r = self.o311("GET", "discovery", "xml")
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, "xml")
        root = parse_xml(self, r)
        self.assertEqual(root.tag, "discovery")
        ep = root.find("endpoints/endpoint")
        self.assertEqual(ep.findtext("specification"), "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual(ep.findtext("type"), "production")
        self.assertEqual({f.text for f in ep.findall("formats/format")},
                         {"text/xml", "application/json"})
        self.assertRegex(root.findtext("changeset"), W3C)

    def test_services_json(self):
        r = self.o311("GET", "services", "json")
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, "json")
        by = {s["service_code"]: s for s in r.body}
        self.assertEqual(set(by), set(LEAVES), "one service per leaf category")
        for code, (name, group) in LEAVES.items():
            s = by[code]
            self.assertEqual(list(s), SERVICE_KEYS)
            self.assertIsInstance(s["service_code"], str)
            self.assertEqual(s["service_name"], name)
            self.assertEqual(s["group"], group)
            self.assertEqual(s["type"], "realtime")
            self.assertIsInstance(s["metadata"], bool)
            self.assertIsInstance(s["keywords"], str)
            self.assertIsInstance(s["description"], str)
        self.assertIs(by["LIFT"]["metadata"], True)
        self.assertIs(by["WATER"]["metadata"], False)
        self.assertEqual(by["WATER"]["description"], "停水、水压低、水质问题")
        self.assertEqual(by["WATER"]["keywords"], "停水, 水压")

    def test_services_xml(self):
        r = self.o311("GET", "services", "xml")
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, "xml")
        root = parse_xml(self, r)
        self.assertEqual(root.tag, "services")
        got = {}
        for s in root.findall("service"):
            self.assertEqual([c.tag for c in s], SERVICE_KEYS)
            got[s.findtext("service_code")] = s
        self.assertEqual(set(got), set(LEAVES))
        self.assertEqual(got["LIFT"].findtext("metadata"), "true")
        self.assertEqual(got["WATER"].findtext("metadata"), "false")
        self.assertEqual(got["BUSSTOP"].findtext("group"), "公交")
        self.assertEqual(got["LIFT"].findtext("type"), "realtime")

    def test_inactive_category_is_no_service(self):
        c = self.c
        r = self.req("POST", "/categories", {"code": "TMP", "name": "临时", "parent_id":
                                             c.cat["TRAF"]}, who="admin")
        self.assertEqual(r.status, 201, r)
        tmp = r.body["id"]
        codes = {s["service_code"] for s in self.o311("GET", "services", "json").body}
        self.assertIn("TMP", codes)
        r = self.req("PATCH", "/categories/%d" % tmp, {"active": False}, who="admin")
        self.assertEqual(r.status, 200, r)
        codes = {s["service_code"] for s in self.o311("GET", "services", "json").body}
        self.assertNotIn("TMP", codes)
        self.assertO311Error(self.o311("GET", "services/TMP", "json"), 404, "json")

    def test_service_definition_json(self):
        r = self.o311("GET", "services/LIFT", "json")
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, "json")
        self.assertEqual(r.body["service_code"], "LIFT")
        attrs = r.body["attributes"]
        self.assertEqual([a["code"] for a in attrs], ["FLOOR", "SYMPTOM", "EXTRA", "SEEN",
                                                      "INFO", "NOTE"])
        for a in attrs:
            self.assertEqual(list(a), ATTRIBUTE_KEYS)
            self.assertIsInstance(a["variable"], bool)
            self.assertIsInstance(a["required"], bool)
            self.assertIsInstance(a["order"], int)
            self.assertIn(a["datatype"], ("string", "number", "datetime", "text",
                                          "singlevaluelist", "multivaluelist"))
        sym = attrs[1]
        self.assertEqual(sym["datatype"], "singlevaluelist")
        self.assertIs(sym["required"], True)
        self.assertEqual(sym["values"], [{"key": "stuck", "name": "困人"},
                                         {"key": "stopped", "name": "停运"}])
        self.assertEqual(attrs[3]["datatype_description"], "如 2026-12-01T09:30:00+08:00")
        self.assertIsNone(attrs[0]["datatype_description"])
        self.assertIs(attrs[4]["variable"], False)
        self.assertEqual(attrs[5]["order"], 9)

    def test_service_definition_xml(self):
        r = self.o311("GET", "services/LIFT", "xml")
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, "xml")
        root = parse_xml(self, r)
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(root.findtext("service_code"), "LIFT")
        attrs = root.findall("attributes/attribute")
        self.assertEqual(len(attrs), len(LIFT_ATTRIBUTES))
        for a in attrs:
            self.assertEqual([c.tag for c in a], ATTRIBUTE_KEYS)
        sym = attrs[1]
        self.assertEqual(sym.findtext("required"), "true")
        self.assertEqual([(v.findtext("key"), v.findtext("name"))
                          for v in sym.findall("values/value")],
                         [("stuck", "困人"), ("stopped", "停运")])

    def test_service_without_attributes(self):
        for fmt in ("json", "xml"):
            r = self.o311("GET", "services/WATER", fmt)
            self.assertEqual(r.status, 200, r)
            if fmt == "json":
                self.assertEqual(r.body, {"service_code": "WATER", "attributes": []})
            else:
                root = parse_xml(self, r)
                self.assertEqual(root.findall("attributes/attribute"), [])

    def test_unknown_service_code_is_404(self):
        for fmt in ("json", "xml"):
            self.assertO311Error(self.o311("GET", "services/NOPE", fmt), 404, fmt, "NOPE")
            # A category that is not a leaf is not a service either.
            self.assertO311Error(self.o311("GET", "services/PROP", fmt), 404, fmt)

    def test_unknown_resources_are_404(self):
        for path in ("/open311/v2/nothing.json", "/open311/v2/services.html",
                     "/open311/v2/services", "/open311/v2/foo/bar.xml",
                     "/open311/v2/services/LIFT.yaml"):
            r = self.srv.request("GET", path)
            self.assertEqual(r.status, 404, (path, r))
            if path.endswith(".json"):
                self.assertO311Error(r, 404, "json")
            else:
                self.assertO311Error(r, 404, "xml")

    def test_wrong_method_is_405_in_the_spec_shape(self):
        r = self.srv.request("DELETE", "/open311/v2/requests.json")
        self.assertO311Error(r, 405, "json")
        r = self.srv.request("PUT", "/open311/v2/services/LIFT.xml", raw="x")
        self.assertO311Error(r, 405, "xml")
        r = self.o311("POST", "services", "xml", {"a": "b"})
        self.assertO311Error(r, 405, "xml")

    def test_jurisdiction_id(self):
        r = self.o311("GET", "services", "json", {"jurisdiction_id": "rexian.local"})
        self.assertEqual(r.status, 200, r)
        # Empty behaves as absent.
        r = self.o311("GET", "services", "json", {"jurisdiction_id": ""})
        self.assertEqual(r.status, 200, r)
        for fmt in ("json", "xml"):
            r = self.o311("GET", "services", fmt, {"jurisdiction_id": "elsewhere.gov"})
            self.assertO311Error(r, 404, fmt, "jurisdiction_id")

    def test_changeset_moves_when_definitions_change(self):
        before = self.o311("GET", "discovery", "json").body["changeset"]
        import time
        time.sleep(1.1)
        r = self.req("PUT", "/categories/%d/service" % self.c.cat["BUSSTOP"],
                     {"description": "站牌缺失或错误"}, who="admin")
        self.assertEqual(r.status, 200, r)
        after = self.o311("GET", "discovery", "json").body["changeset"]
        self.assertGreater(after, before)


# ---- service definitions through the admin API ------------------------------


class ServiceDefinitionAdminTest(Open311Mixin, ServerTestCase):

    def put(self, cat, attrs, who="admin"):
        return self.req("PUT", "/categories/%d/attributes" % self.c.cat[cat],
                        {"attributes": attrs}, who=who)

    def test_round_trip_and_replace(self):
        r = self.put("WATER", LIFT_ATTRIBUTES[:2])
        self.assertEqual(r.status, 200, r)
        self.assertEqual([a["code"] for a in r.body["attributes"]], ["FLOOR", "SYMPTOM"])
        r = self.get("/categories/%d/attributes" % self.c.cat["WATER"], "agent1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.body["attributes"]), 2)
        r = self.put("WATER", [])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["attributes"], [])
        self.assertEqual(self.o311("GET", "services/WATER", "json").body["attributes"], [])

    def test_only_admin(self):
        for who in ("agent1", "sup1", "h_d1"):
            self.assertError(self.put("WATER", [], who=who), 403, "forbidden")
        r = self.req("PUT", "/categories/%d/service" % self.c.cat["WATER"],
                     {"description": "x"}, who="sup1")
        self.assertError(r, 403, "forbidden")

    def test_bad_definitions(self):
        bad = [
            ([{"code": "A", "datatype": "color", "description": "d"}], "attributes.0.datatype"),
            ([{"code": "bad code", "datatype": "string", "description": "d"}], "attributes"),
            ([{"datatype": "string", "description": "d"}], "attributes.0.code"),
            ([{"code": "A", "datatype": "string"}], "attributes.0.description"),
            ([{"code": "A", "datatype": "singlevaluelist", "description": "d"}], "attributes"),
            ([{"code": "A", "datatype": "string", "description": "d",
               "values": [{"key": "k", "name": "n"}]}], "attributes"),
            ([{"code": "A", "datatype": "string", "description": "d"},
              {"code": "A", "datatype": "text", "description": "e"}], "attributes"),
            ([{"code": "A", "datatype": "string", "description": "d", "colour": 1}],
             "attributes.0.colour"),
            ([{"code": "A", "datatype": "singlevaluelist", "description": "d",
               "values": [{"key": "k"}]}], "attributes.0.values.0.name"),
            ([{"code": "A", "datatype": "string", "description": "d", "required": "yes"}],
             "attributes.0.required"),
        ]
        for attrs, field in bad:
            self.assertError(self.put("BUSSTOP", attrs), 400, "invalid_argument", field)
        r = self.req("PUT", "/categories/%d/attributes" % self.c.cat["BUSSTOP"],
                     {"attributes": "no"}, who="admin")
        self.assertError(r, 400, "invalid_argument", "attributes")
        r = self.req("PUT", "/categories/999999/attributes", {"attributes": []}, who="admin")
        self.assertError(r, 404, "not_found")
        # Nothing was stored by the failures.
        self.assertEqual(self.o311("GET", "services/BUSSTOP", "json").body["attributes"], [])

    def test_service_info(self):
        r = self.req("PUT", "/categories/%d/service" % self.c.cat["LIFT"],
                     {"description": "电梯故障", "keywords": "电梯, 困人", "notice": "困人请拨 96333"},
                     who="admin")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["notice"], "困人请拨 96333")
        r = self.get("/categories/%d/service" % self.c.cat["LIFT"], "agent1")
        self.assertEqual(r.body["keywords"], "电梯, 困人")
        r = self.req("PUT", "/categories/%d/service" % self.c.cat["LIFT"], {"colour": "x"},
                     who="admin")
        self.assertError(r, 400, "invalid_argument", "colour")


# ---- POST requests ----------------------------------------------------------


class PostRequestTest(Open311Mixin, ServerTestCase):

    @classmethod
    def prepare(cls):
        r = cls.srv.request("PUT", "/categories/%d/attributes" % cls.c.cat["LIFT"],
                            {"attributes": LIFT_ATTRIBUTES}, token=cls.c.t("admin"))
        assert r.status == 200, r
        r = cls.srv.request("POST", "/api-keys", {"name": "civic app"}, token=cls.c.t("admin"))
        assert r.status == 201, r
        cls.key = r.body["key"]

    def test_created_json(self):
        r = self.submit_ok(self.key, "json", account_id="acct-7")
        self.assertEqual(set(r), {"service_request_id", "service_notice", "account_id", "token"})
        self.assertIsInstance(r["service_request_id"], str)
        self.assertRegex(r["service_request_id"], r"^\d{14}$")
        self.assertIsInstance(r["service_notice"], str)
        self.assertEqual(r["account_id"], "acct-7")
        t = self.ticket(r["service_request_id"])
        self.assertEqual(t["channel"], "open311")
        self.assertEqual(t["status"], "registered")
        self.assertEqual(t["category_id"], self.c.cat["WATER"])
        self.assertEqual(t["content"], "小区停水一天")
        self.assertEqual(t["lat"], 36.81)

    def test_created_xml(self):
        r = self.submit(self.key, "xml")
        self.assertEqual(r.status, 200, r)
        self.assertContentType(r, "xml")
        root = parse_xml(self, r)
        self.assertEqual(root.tag, "service_requests")
        req = root.find("request")
        self.assertRegex(req.findtext("service_request_id"), r"^\d{14}$")
        self.assertTrue(req.findtext("service_notice"))
        self.assertIsNotNone(req.find("account_id"))

    def test_token(self):
        r = self.submit_ok(self.key)
        for fmt in ("json", "xml"):
            got = self.requests_of(self.o311("GET", "tokens/" + r["token"], fmt), fmt)
            self.assertEqual(len(got), 1)
            self.assertEqual(got[0]["service_request_id"], r["service_request_id"])
            self.assertEqual(got[0]["token"], r["token"])
            self.assertO311Error(self.o311("GET", "tokens/nosuchtoken", fmt), 404, fmt)

    def test_citizen_fields_reach_the_ticket(self):
        r = self.submit_ok(self.key, first_name="小明", last_name="李", phone="13900001111",
                           email="li@example.com", address_string="牡丹区幸福路 8 号",
                           lat=None, long=None)
        t = self.ticket(r["service_request_id"], who="agent1")
        self.assertEqual(t["citizen"]["name"], "李小明")
        self.assertEqual(t["citizen"]["phone"], "13900001111")
        self.assertEqual(t["address"], "牡丹区幸福路 8 号")
        self.assertIsNone(t["lat"])
        r = self.submit_ok(self.key, first_name="Ming", last_name="Li")
        self.assertEqual(self.ticket(r["service_request_id"])["citizen"]["name"], "Ming Li")

    def test_api_key_missing_or_bad_is_403(self):
        for fmt in ("json", "xml"):
            self.assertO311Error(self.submit(None, fmt), 403, fmt, "api_key")
            self.assertO311Error(self.submit("", fmt), 403, fmt, "api_key")
            self.assertO311Error(self.submit("x" * 43, fmt), 403, fmt, "api_key")
            self.assertO311Error(self.submit("short", fmt), 403, fmt)

    def test_api_key_in_query_string(self):
        r = self.srv.request("POST", "/open311/v2/requests.json?api_key=" + quote(self.key),
                             raw=urlencode({"service_code": "WATER", "lat": "36.8",
                                            "long": "118"}),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r)

    def test_revoked_key_is_403(self):
        k = self.new_key("short-lived")
        self.submit_ok(k["key"])
        r = self.req("DELETE", "/api-keys/%d" % k["id"], who="admin")
        self.assertEqual(r.status, 204, r)
        self.assertO311Error(self.submit(k["key"]), 403, "json")

    def test_service_code(self):
        for fmt in ("json", "xml"):
            self.assertO311Error(self.submit(self.key, fmt, service_code=None), 400, fmt,
                                 "service_code")
            self.assertO311Error(self.submit(self.key, fmt, service_code=""), 400, fmt,
                                 "service_code")
            self.assertO311Error(self.submit(self.key, fmt, service_code="NOPE"), 404, fmt,
                                 "NOPE")
            self.assertO311Error(self.submit(self.key, fmt, service_code="CITY"), 404, fmt)

    def test_location(self):
        self.assertO311Error(self.submit(self.key, lat=None, long=None), 400, "json", "location")
        self.assertO311Error(self.submit(self.key, long=None), 400, "json", "lat")
        self.assertO311Error(self.submit(self.key, lat="north"), 400, "json")
        self.assertO311Error(self.submit(self.key, lat="91"), 400, "json")
        self.assertO311Error(self.submit(self.key, long="-181"), 400, "json")
        # An empty lat/long is absent: the address alone is enough.
        self.submit_ok(self.key, lat="", long="", address_string="幸福路 8 号")
        self.submit_ok(self.key, lat=None, long=None, address_id="ADDR-1001")

    def test_description_limit(self):
        self.submit_ok(self.key, description="水" * 4000)
        self.assertO311Error(self.submit(self.key, description="水" * 4001), 400, "json",
                             "description")

    def test_other_field_checks(self):
        cases = [({"phone": "12"}, "phone"), ({"email": "not-an-email"}, "email"),
                 ({"media_url": "javascript:alert(1)"}, "media_url"),
                 ({"first_name": "名" * 51}, "first_name"),
                 ({"device_id": "d" * 129}, "device_id")]
        for over, word in cases:
            self.assertO311Error(self.submit(self.key, **over), 400, "json", word)
        self.submit_ok(self.key, media_url="https://img.example.com/a.jpg", device_id="dev-1")

    def test_repeated_parameter_is_400(self):
        body = urlencode([("api_key", self.key), ("service_code", "WATER"),
                          ("service_code", "LIFT"), ("lat", "36"), ("long", "118")])
        r = self.o311("POST", "requests", "json", raw=body)
        self.assertO311Error(r, 400, "json", "service_code")

    def test_body_must_be_a_form(self):
        r = self.o311("POST", "requests", "json", raw=json.dumps({"api_key": self.key}),
                      headers={"Content-Type": "application/json"})
        self.assertO311Error(r, 400, "json", "x-www-form-urlencoded")
        r = self.o311("POST", "requests", "xml", raw="a=%zz")
        self.assertO311Error(r, 400, "xml")
        r = self.o311("POST", "requests", "xml", raw="a=%FF%FE")
        self.assertO311Error(r, 400, "xml", "UTF-8")

    def lift(self, **attrs):
        form = {"api_key": self.key, "service_code": "LIFT", "address_string": "3号楼"}
        form.update(attrs)
        return self.o311("POST", "requests", "json", form)

    def test_required_attribute_missing_is_400_naming_it(self):
        for fmt in ("json", "xml"):
            r = self.o311("POST", "requests", fmt, {"api_key": self.key, "service_code": "LIFT",
                                                    "address_string": "3号楼",
                                                    "attribute[FLOOR]": "5"})
            desc = self.assertO311Error(r, 400, fmt)
            self.assertIn("SYMPTOM", desc)
        desc = self.assertO311Error(self.lift(**{"attribute[SYMPTOM]": "stuck"}), 400, "json")
        self.assertIn("FLOOR", desc)
        # Empty counts as absent.
        desc = self.assertO311Error(self.lift(**{"attribute[SYMPTOM]": "stuck",
                                                 "attribute[FLOOR]": ""}), 400, "json")
        self.assertIn("FLOOR", desc)

    def test_attribute_values_are_checked(self):
        ok = {"attribute[FLOOR]": "5", "attribute[SYMPTOM]": "stuck"}
        cases = [({"attribute[FLOOR]": "five"}, "FLOOR"),
                 ({"attribute[SYMPTOM]": "broken"}, "SYMPTOM"),
                 ({"attribute[SEEN]": "yesterday"}, "SEEN"),
                 ({"attribute[NOPE]": "1"}, "NOPE"),
                 ({"attribute[INFO]": "x"}, "INFO"),
                 ({"attribute[EXTRA][]": ["noise", "rain"]}, "EXTRA"),
                 ({"attribute[SYMPTOM][]": ["stuck", "stopped"]}, "SYMPTOM"),
                 ({"attribute[]": "x"}, "attribute"),
                 ({"attribute[FLOOR": "x"}, "attribute")]
        for over, word in cases:
            form = dict(ok)
            form.update(over)
            desc = self.assertO311Error(self.lift(**form), 400, "json")
            self.assertIn(word, desc, over)

    def test_answers_are_stored_on_the_ticket(self):
        body = urlencode([("api_key", self.key), ("service_code", "LIFT"),
                          ("address_string", "5号楼"), ("attribute[FLOOR]", "12"),
                          ("attribute[SYMPTOM]", "stuck"), ("attribute[EXTRA][]", "noise"),
                          ("attribute[EXTRA][]", "dark"),
                          ("attribute[SEEN]", "2026-12-01T09:30:00+08:00"),
                          ("attribute[NOTE]", "有老人被困")])
        r = self.o311("POST", "requests", "json", raw=body)
        self.assertEqual(r.status, 200, r)
        number = r.body[0]["service_request_id"]
        r = self.get("/tickets/%s/attributes" % number, "agent1")
        self.assertEqual(r.status, 200, r)
        got = {a["code"]: a["values"] for a in r.body["items"]}
        self.assertEqual(got, {"FLOOR": ["12"], "SYMPTOM": ["stuck"], "EXTRA": ["noise", "dark"],
                               "SEEN": ["2026-12-01T09:30:00+08:00"], "NOTE": ["有老人被困"]})
        t = self.ticket(number)
        self.assertEqual(t["category_id"], self.c.cat["LIFT"])

    def test_failed_posts_store_nothing(self):
        before = len(self.all_items("sup1", "channel=open311"))
        self.lift(**{"attribute[FLOOR]": "5"})
        self.submit(self.key, description="水" * 4001)
        self.submit("bad-key")
        self.assertEqual(len(self.all_items("sup1", "channel=open311")), before)

    def test_form_too_large_is_413(self):
        r = self.o311("POST", "requests", "json", raw="description=" + "x" * 70000)
        self.assertEqual(r.status, 413, r)

    def test_jurisdiction_in_the_form(self):
        self.submit_ok(self.key, jurisdiction_id="rexian.local")
        self.assertO311Error(self.submit(self.key, jurisdiction_id="other.gov"), 404, "json",
                             "jurisdiction_id")


# ---- GET requests ------------------------------------------------------------


class GetRequestsTest(Open311Mixin, ServerTestCase):

    @classmethod
    def prepare(cls):
        r = cls.srv.request("POST", "/api-keys", {"name": "reader"}, token=cls.c.t("admin"))
        cls.key = r.body["key"]
        cls.made = []
        for i, code in enumerate(["WATER", "WATER", "BUSSTOP"]):
            r = cls.srv.request(
                "POST", "/open311/v2/requests.json",
                raw=urlencode({"api_key": cls.key, "service_code": code, "lat": "36.8",
                               "long": "118.1", "description": "诉求 %d" % i}),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert r.status == 200, r
            cls.made.append(r.body[0]["service_request_id"])
        # One closed by the center's direct answer.
        num = cls.made[2]
        r = cls.srv.request("POST", "/tickets/%s/actions/answer" % num,
                            {"version": 1, "answer": "站牌已补装。"}, token=cls.c.t("agent1"))
        assert r.status == 200, r

    def test_list_both_formats_same_content(self):
        j = self.requests_of(self.o311("GET", "requests", "json"), "json")
        x = self.requests_of(self.o311("GET", "requests", "xml"), "xml")
        self.assertEqual([r["service_request_id"] for r in j],
                         [r["service_request_id"] for r in x])
        for a, b in zip(j, x):
            self.assertEqual(list(a), REQUEST_KEYS)
            self.assertEqual(list(b), REQUEST_KEYS)
            for k in REQUEST_KEYS:
                if a[k] is None:
                    self.assertIsNone(b[k], k)
                elif k in ("lat", "long"):
                    self.assertAlmostEqual(float(b[k]), a[k])
                else:
                    self.assertEqual(b[k], a[k], k)
        self.assertTrue(set(self.made) <= {r["service_request_id"] for r in j})

    def test_field_types(self):
        for r in self.requests_of(self.o311("GET", "requests", "json"), "json"):
            self.assertIsInstance(r["service_request_id"], str)
            self.assertIn(r["status"], ("open", "closed"))
            self.assertIsInstance(r["service_code"], (str, type(None)))
            for k in ("requested_datetime", "updated_datetime"):
                self.assertRegex(r[k], W3C)
                self.assertTrue(r[k].endswith("+08:00"), r[k])
            self.assertIsInstance(r["lat"], (float, int, type(None)))
            self.assertIsInstance(r["long"], (float, int, type(None)))

    def test_status_mapping_and_notes(self):
        by = {r["service_request_id"]: r
              for r in self.requests_of(self.o311("GET", "requests", "json"), "json")}
        self.assertEqual(by[self.made[0]]["status"], "open")
        self.assertIsNone(by[self.made[0]]["status_notes"])
        self.assertEqual(by[self.made[2]]["status"], "closed")
        self.assertEqual(by[self.made[2]]["status_notes"], "站牌已补装。")
        self.assertEqual(by[self.made[2]]["service_code"], "BUSSTOP")
        self.assertEqual(by[self.made[2]]["service_name"], "站牌")

    def test_single_request(self):
        for fmt in ("json", "xml"):
            got = self.requests_of(self.o311("GET", "requests/" + self.made[1], fmt), fmt)
            self.assertEqual(len(got), 1)
            self.assertEqual(got[0]["service_request_id"], self.made[1])
            self.assertEqual(got[0]["description"], "诉求 1")
            self.assertO311Error(self.o311("GET", "requests/20200101000001", fmt), 404, fmt)
            self.assertO311Error(self.o311("GET", "requests/nonsense", fmt), 404, fmt)

    def test_status_filter(self):
        def ids(status):
            r = self.o311("GET", "requests", "json", {"status": status})
            return {x["service_request_id"] for x in self.requests_of(r, "json")}
        self.assertIn(self.made[2], ids("closed"))
        self.assertNotIn(self.made[0], ids("closed"))
        self.assertIn(self.made[0], ids("open"))
        self.assertNotIn(self.made[2], ids("open"))
        self.assertTrue(set(self.made) <= ids("open,closed"))
        self.assertTrue(set(self.made) <= ids(""))
        for fmt in ("json", "xml"):
            self.assertO311Error(self.o311("GET", "requests", fmt, {"status": "pending"}), 400,
                                 fmt, "status")

    def test_service_code_filter(self):
        r = self.o311("GET", "requests", "json", {"service_code": "WATER"})
        got = self.requests_of(r, "json")
        self.assertTrue(got)
        self.assertEqual({x["service_code"] for x in got}, {"WATER"})
        self.assertO311Error(self.o311("GET", "requests", "xml", {"service_code": "NOPE"}), 404,
                             "xml")

    def test_ids_override_the_other_filters(self):
        ids = "%s,%s, 20200101000001 ,junk" % (self.made[2], self.made[0])
        r = self.o311("GET", "requests", "json",
                      {"service_request_id": ids, "status": "open", "service_code": "WATER",
                       "start_date": "2000-01-01T00:00:00Z", "end_date": "2000-01-02T00:00:00Z"})
        got = [x["service_request_id"] for x in self.requests_of(r, "json")]
        self.assertEqual(got, [self.made[2], self.made[0]])

    def test_the_90_day_rule(self):
        now = now_shanghai()
        end = now + timedelta(minutes=1)
        ok = [{"start_date": w3c(now - timedelta(days=89)), "end_date": w3c(now + timedelta(1))},
              {"start_date": w3c(now - timedelta(days=1))},
              {"end_date": w3c(now + timedelta(days=1))},
              {"start_date": w3c(end - timedelta(days=90)), "end_date": w3c(end)}]
        for params in ok:
            got = self.requests_of(self.o311("GET", "requests", "json", params), "json")
            self.assertTrue(set(self.made) <= {x["service_request_id"] for x in got}, params)
        for fmt in ("json", "xml"):
            r = self.o311("GET", "requests", fmt,
                          {"start_date": w3c(now - timedelta(days=91)), "end_date": w3c(now)})
            self.assertO311Error(r, 400, fmt, "90 days")
        # Outside the window: nothing of ours.
        got = self.requests_of(self.o311("GET", "requests", "json", {
            "start_date": w3c(now - timedelta(days=80)),
            "end_date": w3c(now - timedelta(days=10))}), "json")
        self.assertFalse(set(self.made) & {x["service_request_id"] for x in got})
        # The default window is the last 90 days, which holds today.
        got = self.requests_of(self.o311("GET", "requests", "json"), "json")
        self.assertTrue(set(self.made) <= {x["service_request_id"] for x in got})
        self.assertO311Error(self.o311("GET", "requests", "json", {
            "start_date": w3c(now), "end_date": w3c(now - timedelta(days=1))}), 400, "json")
        self.assertO311Error(self.o311("GET", "requests", "json", {"start_date": "last week"}),
                             400, "json", "start_date")
        # Any offset, or Z, is accepted on input.
        z = (now - timedelta(days=2)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(self.o311("GET", "requests", "json", {"start_date": z}).status, 200)

    def test_paging(self):
        all_ = [x["service_request_id"] for x in
                self.requests_of(self.o311("GET", "requests", "json"), "json")]
        self.assertGreaterEqual(len(all_), 3)
        seen = []
        for page in (1, 2, 3):
            got = self.requests_of(self.o311("GET", "requests", "json",
                                             {"page": page, "page_size": 1}), "json")
            seen += [x["service_request_id"] for x in got]
        self.assertEqual(seen, all_[:3])
        got = self.requests_of(self.o311("GET", "requests", "json",
                                         {"page": 100, "page_size": 50}), "json")
        self.assertEqual(got, [])
        for bad in ({"page": 0}, {"page": "x"}, {"page_size": 0}, {"page_size": 1001},
                    {"page_size": "-5"}):
            self.assertO311Error(self.o311("GET", "requests", "json", bad), 400, "json")
        got = self.requests_of(self.o311("GET", "requests", "json", {"page_size": 1000}), "json")
        self.assertEqual(len(got), len(all_))

    def test_empty_parameters_are_absent(self):
        r = self.o311("GET", "requests", "json", {"service_code": "", "start_date": "",
                                                  "end_date": "", "status": "", "page": "",
                                                  "page_size": "", "service_request_id": ""})
        got = self.requests_of(r, "json")
        self.assertTrue(set(self.made) <= {x["service_request_id"] for x in got})


# ---- API keys -----------------------------------------------------------------


class ApiKeysTest(Open311Mixin, ServerTestCase):

    def test_create_list_revoke(self):
        r = self.req("POST", "/api-keys", {"name": "FixMyCity"}, who="admin")
        self.assertEqual(r.status, 201, r)
        k = r.body
        self.assertEqual(set(k), {"id", "name", "active", "created_at", "revoked_at",
                                  "last_used_at", "key"})
        self.assertEqual(len(k["key"]), 43)
        self.assertTrue(k["active"])
        r = self.get("/api-keys", "admin")
        self.assertEqual(r.status, 200, r)
        listed = {x["id"]: x for x in r.body["items"]}
        self.assertIn(k["id"], listed)
        self.assertNotIn("key", listed[k["id"]], "the key is shown once only")
        self.assertNotIn(k["key"], r.raw.decode("utf-8"))
        self.assertIsNone(listed[k["id"]]["last_used_at"])
        self.submit_ok(k["key"])
        used = {x["id"]: x for x in self.get("/api-keys", "admin").body["items"]}[k["id"]]
        self.assertIsNotNone(used["last_used_at"])
        self.assertEqual(self.req("DELETE", "/api-keys/%d" % k["id"], who="admin").status, 204)
        gone = {x["id"]: x for x in self.get("/api-keys", "admin").body["items"]}[k["id"]]
        self.assertFalse(gone["active"])
        self.assertIsNotNone(gone["revoked_at"])
        self.assertO311Error(self.submit(k["key"]), 403, "json")
        # Revoking again is harmless; an unknown key is 404.
        self.assertEqual(self.req("DELETE", "/api-keys/%d" % k["id"], who="admin").status, 204)
        self.assertError(self.req("DELETE", "/api-keys/999999", who="admin"), 404, "not_found")

    def test_admin_only(self):
        for who in ("agent1", "sup1", "h_b1"):
            self.assertError(self.get("/api-keys", who), 403, "forbidden")
            self.assertError(self.req("POST", "/api-keys", {"name": "x"}, who=who), 403)
        self.assertError(self.srv.request("GET", "/api/v1/api-keys"), 401)

    def test_bad_create(self):
        self.assertError(self.req("POST", "/api-keys", {}, who="admin"), 400, field="name")
        self.assertError(self.req("POST", "/api-keys", {"name": "a", "scope": "all"},
                                  who="admin"), 400, field="scope")

    def test_cli_key_works(self):
        out = self.srv.cli_check("apikey", "add", "--db", self.srv.db, "--name", "cli-app")
        key = out.stdout.strip()
        self.assertEqual(len(key), 43)
        self.submit_ok(key)


class KeyRateLimitTest(Open311Mixin, ServerTestCase):
    server_flags = {"open311_key_rate": 3}

    def test_per_key_limit(self):
        k = self.new_key("busy")["key"]
        for _ in range(3):
            self.submit_ok(k)
        r = self.submit(k)
        self.assertO311Error(r, 429, "json")
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)
        # Another key is not held back.
        self.submit_ok(self.new_key("calm")["key"])


class AddressRateLimitTest(Open311Mixin, ServerTestCase):
    server_flags = {"open311_ip_rate": 40}
    city = False

    def test_per_address_limit(self):
        statuses = [self.o311("GET", "services", "xml").status for _ in range(45)]
        self.assertIn(429, statuses)
        r = self.o311("GET", "services", "xml")
        self.assertO311Error(r, 429, "xml")
        self.assertIn("Retry-After", r.headers)


if __name__ == "__main__":
    unittest.main()
