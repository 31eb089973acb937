"""Units, categories and users (docs/API.md "Units", "Users")."""

import unittest

from harness import ServerTestCase, PASSWORD

UNIT_KEYS = {"id", "code", "name", "kind", "parent_id", "active", "created_at", "updated_at"}
CAT_KEYS = {"id", "code", "name", "parent_id", "default_unit_id", "depth", "active"}
USER_KEYS = {"id", "username", "name", "role", "unit_id", "active", "created_at", "updated_at"}


class UnitsTest(ServerTestCase):

    def post(self, body, who="admin"):
        return self.req("POST", "/units", body, who=who)

    def test_create_get_patch(self):
        r = self.post({"code": "E1", "name": "市供电公司", "kind": "enterprise"})
        self.assertStatus(r, 201)
        u = r.body
        self.assertTrue(UNIT_KEYS <= set(u), UNIT_KEYS - set(u))
        self.assertEqual((u["code"], u["name"], u["kind"], u["parent_id"], u["active"]),
                         ("E1", "市供电公司", "enterprise", None, True))
        self.assertIsInstance(u["id"], int)
        g = self.get("/units/%d" % u["id"], "agent1")
        self.assertStatus(g, 200)
        self.assertEqual(g.body["code"], "E1")
        p = self.req("PATCH", "/units/%d" % u["id"], {"name": "国网供电公司"}, who="admin")
        self.assertStatus(p, 200)
        self.assertEqual(p.body["name"], "国网供电公司")
        self.assertEqual(p.body["code"], "E1")
        self.assertEqual(self.get("/units/%d" % u["id"], "h_d1").body["name"], "国网供电公司")
        p = self.req("PATCH", "/units/%d" % u["id"], {"parent_id": self.c.unit["B1"],
                                                      "active": False}, who="admin")
        self.assertStatus(p, 200)
        self.assertEqual(p.body["parent_id"], self.c.unit["B1"])
        self.assertIs(p.body["active"], False)

    def test_list_is_a_tree_parents_first(self):
        r = self.get("/units", "h_s1")
        self.assertStatus(r, 200)
        items = r.body["items"]
        seen = set()
        for u in items:
            if u["parent_id"] is not None:
                self.assertIn(u["parent_id"], seen, "parent after child: %s" % u)
            seen.add(u["id"])
        codes = {u["code"] for u in items}
        self.assertTrue({"C0", "B1", "D1", "S1", "S2", "B2"} <= codes)
        s1 = [u for u in items if u["code"] == "S1"][0]
        self.assertEqual(s1["parent_id"], self.c.unit["D1"])

    def test_duplicate_code(self):
        r = self.post({"code": "D1", "name": "重复", "kind": "district"})
        self.assertError(r, 409, "conflict")
        r = self.req("PATCH", "/units/%d" % self.c.unit["B2"], {"code": "B1"}, who="admin")
        self.assertError(r, 409, "conflict")
        self.assertEqual(self.get("/units/%d" % self.c.unit["B2"], "admin").body["code"], "B2")

    def test_bad_values(self):
        cases = [
            ({"code": "has space", "name": "x", "kind": "bureau"}, "code"),
            ({"code": "x" * 33, "name": "x", "kind": "bureau"}, "code"),
            ({"code": "", "name": "x", "kind": "bureau"}, "code"),
            ({"code": "OK1", "name": "x", "kind": "ministry"}, "kind"),
            ({"code": "OK1", "name": "x"}, "kind"),
            ({"name": "x", "kind": "bureau"}, "code"),
            ({"code": "OK1", "kind": "bureau"}, "name"),
            ({"code": "OK1", "name": "x", "kind": "bureau", "parent_id": 999999}, "parent_id"),
            ({"code": "OK1", "name": "x", "kind": "bureau", "parent_id": "1"}, "parent_id"),
            ({"code": 7, "name": "x", "kind": "bureau"}, "code"),
            ({"code": "OK1", "name": "x", "kind": "bureau", "color": "red"}, "color"),
        ]
        before = len(self.get("/units", "admin").body["items"])
        for body, field in cases:
            self.assertError(self.post(body), 400, "invalid_argument", field, msg=body)
        self.assertEqual(len(self.get("/units", "admin").body["items"]), before)

    def test_patch_is_all_or_nothing(self):
        c = self.c
        path = "/units/%d" % c.unit["S2"]
        before = self.get(path, "admin").body
        for body, field in (({"name": "改名", "kind": "bogus"}, "kind"),
                            ({"name": "改名", "code": "bad code"}, "code"),
                            ({"name": "改名", "parent_id": 999999}, "parent_id"),
                            ({"name": "改名", "active": "yes"}, "active"),
                            ({"name": "改名", "unknown": 1}, "unknown"),
                            ({"name": ""}, "name")):
            r = self.req("PATCH", path, body, who="admin")
            self.assertError(r, 400, "invalid_argument", field, msg=body)
        self.assertEqual(self.get(path, "admin").body, before)
        r = self.req("PATCH", path, {"name": "改名", "code": "S1"}, who="admin")
        self.assertError(r, 409, "conflict")
        self.assertEqual(self.get(path, "admin").body, before)
        self.assertError(self.req("PATCH", path, None, who="admin", raw=b"{oops"), 400,
                         "invalid_json")

    def test_no_cycles(self):
        c = self.c
        r = self.req("PATCH", "/units/%d" % c.unit["D1"], {"parent_id": c.unit["S1"]},
                     who="admin")
        self.assertError(r, 400, "invalid_argument", "parent_id")
        r = self.req("PATCH", "/units/%d" % c.unit["D1"], {"parent_id": c.unit["D1"]},
                     who="admin")
        self.assertError(r, 400, "invalid_argument", "parent_id")
        self.assertIsNone(self.get("/units/%d" % c.unit["D1"], "admin").body["parent_id"])

    def test_move_subtree_keeps_visibility(self):
        c = self.c
        r = self.post({"code": "D9", "name": "新区", "kind": "district"})
        self.assertStatus(r, 201)
        d9 = r.body["id"]
        r = self.post({"code": "S9", "name": "新区街道", "kind": "street", "parent_id": d9})
        self.assertStatus(r, 201)
        s9 = r.body["id"]
        t = self.create()
        self.act_ok("agent1", t["number"], "dispatch", unit_id=s9)
        # Move D9 under B1: B1's handler now sees S9's ticket.
        self.assertStatus(self.get("/tickets/" + t["number"], "h_b1"), 404)
        r = self.req("PATCH", "/units/%d" % d9, {"parent_id": c.unit["B1"]}, who="admin")
        self.assertStatus(r, 200)
        self.assertStatus(self.get("/tickets/" + t["number"], "h_b1"), 200)

    def test_admin_only_and_not_found(self):
        for who in ("agent1", "sup1", "h_d1"):
            r = self.post({"code": "X" + who, "name": "x", "kind": "bureau"}, who=who)
            self.assertError(r, 403, "forbidden")
            r = self.req("PATCH", "/units/%d" % self.c.unit["B1"], {"name": "x"}, who=who)
            self.assertError(r, 403, "forbidden")
        self.assertError(self.get("/units/999999", "agent1"), 404, "not_found")
        r = self.req("PATCH", "/units/999999", {"name": "x"}, who="admin")
        self.assertError(r, 404, "not_found")
        self.assertStatus(self.get("/units/abc", "agent1"), (400, 404))
        self.assertError(self.srv.request("GET", "/units"), 401, "unauthenticated")


class CategoriesTest(ServerTestCase):

    def post(self, body, who="admin"):
        return self.req("POST", "/categories", body, who=who)

    def test_tree_and_depth(self):
        c = self.c
        r = self.post({"code": "EDU", "name": "教育", "default_unit_id": c.unit["B1"]})
        self.assertStatus(r, 201)
        top = r.body
        self.assertTrue(CAT_KEYS <= set(top), CAT_KEYS - set(top))
        self.assertEqual(top["depth"], 1)
        self.assertIsNone(top["parent_id"])
        self.assertEqual(top["default_unit_id"], c.unit["B1"])
        mid = self.post({"code": "EDU.K12", "name": "中小学", "parent_id": top["id"]}).body
        self.assertEqual(mid["depth"], 2)
        self.assertIsNone(mid["default_unit_id"])
        leaf = self.post({"code": "EDU.K12.FEE", "name": "收费", "parent_id": mid["id"]}).body
        self.assertEqual(leaf["depth"], 3)
        r = self.post({"code": "EDU.K12.FEE.X", "name": "太深", "parent_id": leaf["id"]})
        self.assertError(r, 400, "invalid_argument", "parent_id")
        r = self.post({"code": "DEEP", "name": "太深", "parent_id": c.cat["LIFT"]})
        self.assertError(r, 400, "invalid_argument", "parent_id")
        g = self.get("/categories/%d" % leaf["id"], "h_s1")
        self.assertStatus(g, 200)
        self.assertEqual(g.body["code"], "EDU.K12.FEE")
        items = self.get("/categories", "agent1").body["items"]
        codes = [x["code"] for x in items]
        self.assertNotIn("EDU.K12.FEE.X", codes)
        self.assertNotIn("DEEP", codes)
        self.assertTrue({"CITY", "PROP", "LIFT", "EDU", "EDU.K12", "EDU.K12.FEE"} <= set(codes))

    def test_move_would_be_too_deep(self):
        c = self.c
        a = self.post({"code": "MA", "name": "甲"}).body
        b = self.post({"code": "MB", "name": "乙", "parent_id": a["id"]}).body
        # Moving MA (height 2) under PROP (depth 2) would make MB depth 4.
        r = self.req("PATCH", "/categories/%d" % a["id"], {"parent_id": c.cat["PROP"]},
                     who="admin")
        self.assertError(r, 400, "invalid_argument", "parent_id")
        # Under a root it fits (depths 2 and 3).
        r = self.req("PATCH", "/categories/%d" % a["id"], {"parent_id": c.cat["TRAF"]},
                     who="admin")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["depth"], 2)
        self.assertEqual(self.get("/categories/%d" % b["id"], "admin").body["depth"], 3)
        # Not under itself.
        r = self.req("PATCH", "/categories/%d" % a["id"], {"parent_id": b["id"]}, who="admin")
        self.assertError(r, 400, "invalid_argument", "parent_id")

    def test_duplicate_code(self):
        r = self.post({"code": "CITY", "name": "重复"})
        self.assertError(r, 409, "conflict")
        path = "/categories/%d" % self.c.cat["BUS"]
        before = self.get(path, "admin").body
        r = self.req("PATCH", path, {"code": "TRAF", "name": "改"}, who="admin")
        self.assertError(r, 409, "conflict")
        r = self.req("PATCH", path, {"name": "改", "default_unit_id": 999999}, who="admin")
        self.assertError(r, 400, "invalid_argument", "default_unit_id")
        self.assertEqual(self.get(path, "admin").body, before)

    def test_bad_values(self):
        for body, field in (({"code": "bad code", "name": "x"}, "code"),
                            ({"code": "OKC", "name": "x", "default_unit_id": 999999},
                             "default_unit_id"),
                            ({"code": "OKC", "name": "x", "parent_id": 999999}, "parent_id"),
                            ({"code": "OKC", "name": "x", "depth": 1}, "depth"),
                            ({"code": "OKC"}, "name"),
                            ({"code": "OKC", "name": True}, "name")):
            self.assertError(self.post(body), 400, "invalid_argument", field, msg=body)
        codes = [x["code"] for x in self.get("/categories", "admin").body["items"]]
        self.assertNotIn("OKC", codes)

    def test_patch_and_admin_only(self):
        c = self.c
        r = self.req("PATCH", "/categories/%d" % c.cat["WATER"],
                     {"name": "供水供气", "default_unit_id": c.unit["B2"]}, who="admin")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["name"], "供水供气")
        self.assertEqual(r.body["default_unit_id"], c.unit["B2"])
        self.assertError(self.post({"code": "NOPE", "name": "x"}, who="sup1"), 403, "forbidden")
        r = self.req("PATCH", "/categories/%d" % c.cat["WATER"], {"name": "x"}, who="agent1")
        self.assertError(r, 403, "forbidden")
        self.assertError(self.get("/categories/999999", "agent1"), 404, "not_found")


class UsersTest(ServerTestCase):

    def post(self, body, who="admin"):
        return self.req("POST", "/users", body, who=who)

    def test_create_and_read(self):
        c = self.c
        r = self.post({"username": "agent2", "password": PASSWORD, "role": "agent",
                       "name": "话务员二"})
        self.assertStatus(r, 201)
        u = r.body
        self.assertTrue(USER_KEYS <= set(u), USER_KEYS - set(u))
        self.assertEqual((u["username"], u["role"], u["unit_id"], u["active"], u["name"]),
                         ("agent2", "agent", None, True, "话务员二"))
        text = r.raw.decode("utf-8").lower()
        self.assertNotIn("password", text)
        self.assertNotIn("argon2", text)
        g = self.get("/users/%d" % u["id"], "admin")
        self.assertStatus(g, 200)
        self.assertEqual(g.body["username"], "agent2")
        lst = self.get("/users", "admin")
        self.assertStatus(lst, 200)
        names = {x["username"] for x in lst.body["items"]}
        self.assertTrue({"admin", "agent1", "sup1", "h_d1", "agent2"} <= names)
        self.assertNotIn("argon2", lst.raw.decode("utf-8"))
        h = [x for x in lst.body["items"] if x["username"] == "h_s1"][0]
        self.assertEqual(h["unit_id"], c.unit["S1"])
        self.assertEqual(h["role"], "handler")
        tok = self.srv.login("agent2", PASSWORD)
        me = self.srv.request("GET", "/auth/me", token=tok)
        self.assertEqual(me.body["user"]["username"], "agent2")

    def test_unit_rules(self):
        c = self.c
        r = self.post({"username": "h_x", "password": PASSWORD, "role": "handler"})
        self.assertError(r, 400, "invalid_argument", "unit_id")
        r = self.post({"username": "a_x", "password": PASSWORD, "role": "agent",
                       "unit_id": c.unit["B1"]})
        self.assertError(r, 400, "invalid_argument", "unit_id")
        r = self.post({"username": "h_y", "password": PASSWORD, "role": "handler",
                       "unit_id": 999999})
        self.assertError(r, 400, "invalid_argument", "unit_id")
        r = self.req("PATCH", "/users/%d" % c.user["agent1"]["id"], {"role": "handler"},
                     who="admin")
        self.assertError(r, 400, "invalid_argument", "unit_id")
        names = {x["username"] for x in self.get("/users", "admin").body["items"]}
        self.assertFalse({"h_x", "a_x", "h_y"} & names)
        self.assertEqual(self.get("/users/%d" % c.user["agent1"]["id"], "admin")
                         .body["role"], "agent")

    def test_patch_role_and_unit(self):
        c = self.c
        r = self.post({"username": "mover", "password": PASSWORD, "role": "handler",
                       "unit_id": c.unit["B1"]})
        self.assertStatus(r, 201)
        uid = r.body["id"]
        path = "/users/%d" % uid
        # Leaving the unit on a non-handler is refused.
        r = self.req("PATCH", path, {"role": "agent"}, who="admin")
        self.assertError(r, 400, "invalid_argument", "unit_id")
        r = self.req("PATCH", path, {"role": "agent", "unit_id": None}, who="admin")
        self.assertStatus(r, 200)
        self.assertEqual((r.body["role"], r.body["unit_id"]), ("agent", None))
        r = self.req("PATCH", path, {"role": "handler", "unit_id": c.unit["S2"],
                                     "name": "调岗"}, who="admin")
        self.assertStatus(r, 200)
        self.assertEqual((r.body["role"], r.body["unit_id"], r.body["name"]),
                         ("handler", c.unit["S2"], "调岗"))
        for body, field in (({"username": "renamed"}, "username"), ({"role": "god"}, "role"),
                            ({"active": "no"}, "active"), ({"password": "short"}, "password"),
                            ({"unit_id": 999999}, "unit_id"), ({"x": 1}, "x")):
            r = self.req("PATCH", path, body, who="admin")
            self.assertError(r, 400, "invalid_argument", field, msg=body)
        g = self.get(path, "admin").body
        self.assertEqual((g["username"], g["role"], g["unit_id"], g["active"]),
                         ("mover", "handler", c.unit["S2"], True))
        # A refused PATCH changes nothing, not even the valid part.
        r = self.req("PATCH", path, {"name": "不该改", "role": "god"}, who="admin")
        self.assertError(r, 400, "invalid_argument", "role")
        self.assertEqual(self.get(path, "admin").body["name"], "调岗")

    def test_bad_values(self):
        for body, field in (
                ({"username": "weak1", "password": "12345678", "role": "agent"}, "password"),
                ({"username": "weak2", "password": "abcdefghij", "role": "agent"}, "password"),
                ({"username": "weak3", "password": "Ab1", "role": "agent"}, "password"),
                ({"username": "weak4", "password": "a1" * 65, "role": "agent"}, "password"),
                ({"username": "weak5", "role": "agent"}, "password"),
                ({"username": "x", "password": PASSWORD, "role": "agent"}, "username"),
                ({"username": "Bad Name", "password": PASSWORD, "role": "agent"}, "username"),
                ({"username": "role1", "password": PASSWORD, "role": "root"}, "role"),
                ({"username": "role2", "password": PASSWORD, "role": "agent", "x": 1}, "x")):
            self.assertError(self.post(body), 400, "invalid_argument", field, msg=body)

    def test_password_and_code_bounds(self):
        for i, (pw, ok) in enumerate((("Abcdef1!", True), ("Abcde1!", False),
                                      ("a1" * 64, True), ("a1" * 64 + "x", False),
                                      ("密码密码ab12", True))):
            r = self.post({"username": "pw%d" % i, "password": pw, "role": "agent"})
            if ok:
                self.assertStatus(r, 201, "password of %d bytes" % len(pw.encode()))
            else:
                self.assertError(r, 400, "invalid_argument", "password",
                                 msg="password of %d bytes" % len(pw.encode()))
        for code, ok in (("a", True), ("Z" * 32, True), ("Z" * 33, False), ("a.b-c_D9", True),
                         ("中文", False), ("a/b", False)):
            r = self.req("POST", "/units", {"code": code, "name": "x", "kind": "bureau"},
                         who="admin")
            if ok:
                self.assertStatus(r, 201, code)
            else:
                self.assertError(r, 400, "invalid_argument", "code", msg=code)

    def test_duplicate_username(self):
        r = self.post({"username": "agent1", "password": PASSWORD, "role": "agent"})
        self.assertError(r, 409, "conflict")

    def test_admin_only(self):
        for who in ("agent1", "sup1", "h_d1"):
            r = self.post({"username": "n_" + who, "password": PASSWORD, "role": "agent"},
                          who=who)
            self.assertError(r, 403, "forbidden")
            self.assertError(self.get("/users", who), 403, "forbidden")
            r = self.req("PATCH", "/users/%d" % self.c.user["agent1"]["id"], {"name": "x"},
                         who=who)
            self.assertError(r, 403, "forbidden")
        self.assertError(self.get("/users/999999", "admin"), 404, "not_found")

    def test_deactivated_user_is_locked_out(self):
        r = self.post({"username": "temp1", "password": PASSWORD, "role": "supervisor"})
        self.assertStatus(r, 201)
        uid = r.body["id"]
        tok = self.srv.login("temp1", PASSWORD)
        self.assertStatus(self.srv.request("GET", "/auth/me", token=tok), 200)
        self.assertStatus(self.srv.request("GET", "/tickets", token=tok), 200)
        r = self.req("PATCH", "/users/%d" % uid, {"active": False}, who="admin")
        self.assertStatus(r, 200)
        self.assertIs(r.body["active"], False)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401, "unauthenticated")
        self.assertError(self.srv.request("GET", "/tickets", token=tok), 401, "unauthenticated")
        r = self.srv.request("POST", "/auth/login", {"username": "temp1", "password": PASSWORD})
        self.assertError(r, 401, "unauthenticated")
        # Active again: may log in again, the old token stays dead.
        self.assertStatus(self.req("PATCH", "/users/%d" % uid, {"active": True}, who="admin"),
                          200)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401)
        self.srv.login("temp1", PASSWORD)

    def test_password_change_ends_sessions(self):
        r = self.post({"username": "temp2", "password": PASSWORD, "role": "agent"})
        uid = r.body["id"]
        tok = self.srv.login("temp2", PASSWORD)
        r = self.req("PATCH", "/users/%d" % uid, {"password": "N3w-passw0rd"}, who="admin")
        self.assertStatus(r, 200)
        self.assertError(self.srv.request("GET", "/auth/me", token=tok), 401, "unauthenticated")
        r = self.srv.request("POST", "/auth/login", {"username": "temp2", "password": PASSWORD})
        self.assertError(r, 401)
        self.srv.login("temp2", "N3w-passw0rd")


if __name__ == "__main__":
    unittest.main()
