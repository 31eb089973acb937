"""The work order's life: every path of the state machine (DESIGN.md section 2,
docs/API.md "Tickets"), its events, versions and allowed_actions."""

import re
import threading
import unittest
from datetime import timedelta, timezone

from harness import ServerTestCase, parse_time, fmt_time, SHANGHAI

TICKET_KEYS = {
    "number", "channel", "type", "urgency", "citizen", "title", "content", "address", "area",
    "lat", "lng", "category_id", "unit_id", "co_unit_ids", "status", "status_label",
    "sign_due", "reply_due", "callback_due", "sla", "answer", "kb_article_id", "reply",
    "contacted", "contacted_at", "satisfaction", "resolved", "extension_pending",
    "extension_until", "extension_reason", "urge_count", "reopen_count", "master",
    "created_at", "updated_at", "version", "allowed_actions",
}

# allowed_actions expected for a ticket whose lead unit is D1 (a unit with
# children), per role, with no extension request pending.
ALLOWED = {
    "registered": {
        "agent1": {"answer", "dispatch", "merge", "urge", "comment"},
        "sup1": {"dispatch", "merge", "urge", "comment"},
    },
    "dispatched": {
        "agent1": {"merge", "urge", "comment"},
        "sup1": {"merge", "urge", "comment"},
        "h_d1": {"accept", "subdispatch", "return", "comment"},
    },
    "processing": {
        "agent1": {"merge", "urge", "comment"},
        "sup1": {"merge", "urge", "comment"},
        "h_d1": {"subdispatch", "return", "request_extension", "reply", "comment"},
    },
    "returned": {
        "agent1": {"dispatch", "refuse_return", "urge", "comment"},
        "sup1": {"dispatch", "refuse_return", "urge", "comment"},
    },
    "replied": {
        "agent1": {"callback", "reopen", "urge", "comment"},
        "sup1": {"callback", "reopen", "urge", "comment"},
        "h_d1": {"comment"},
    },
    "closed": {
        "agent1": {"reopen", "comment"},
        "sup1": {"reopen", "comment"},
        "h_d1": {"comment"},
    },
    "merged": {
        "agent1": {"comment"},
        "sup1": {"comment"},
    },
}

RUNNING_CLOCK = {"dispatched": "sign_due", "processing": "reply_due", "returned": "reply_due",
                 "replied": "callback_due"}


class WorkflowBase(ServerTestCase):

    def check_allowed(self, number, status, roles=None):
        """GET as each role and compare allowed_actions with ALLOWED[status]."""
        for who, expected in ALLOWED[status].items():
            if roles is not None and who not in roles:
                continue
            t = self.ticket(number, who)
            self.assertEqual(t["status"], status)
            self.assertIsInstance(t.get("allowed_actions"), list, t)
            self.assertEqual(len(t["allowed_actions"]), len(set(t["allowed_actions"])),
                             "duplicates in allowed_actions: %s" % t["allowed_actions"])
            self.assertEqual(set(t["allowed_actions"]), expected,
                             "allowed_actions of %s in %s" % (who, status))

    def check_event(self, e, action, frm, to, actor=None):
        self.assertEqual(e["action"], action, e)
        self.assertEqual(e["from"], frm, e)
        self.assertEqual(e["to"], to, e)
        for k in ("id", "at", "actor", "action", "from", "to", "note", "args"):
            self.assertIn(k, e, e)
        parse_time(e["at"])
        self.assertIsInstance(e["args"], dict, e)
        if actor is not None:
            self.assertIsInstance(e["actor"], dict, e)
            self.assertEqual(e["actor"]["id"], self.c.user[actor]["id"], e)
            self.assertIsInstance(e["actor"].get("name"), str, e)

    def check_clock(self, t):
        """The deadline of the running clock is set and sla names its level."""
        field = RUNNING_CLOCK.get(t["status"])
        if field is None:
            self.assertIsNone(t["sla"], "no clock runs in %s: %r" % (t["status"], t["sla"]))
            return
        self.assertIsNotNone(t[field], "%s must be set in %s" % (field, t["status"]))
        parse_time(t[field])
        self.assertIn(t["sla"], ("ok", "warning", "overdue"), t)


class LifeTest(WorkflowBase):

    def test_full_life(self):
        c = self.c
        t = self.create(category_id=c.cat["PROP"])
        n = t["number"]
        self.assertTrue(TICKET_KEYS <= set(t), "missing keys: %s" % (TICKET_KEYS - set(t)))
        self.assertRegex(n, r"^\d{14}$")
        self.assertEqual(t["status"], "registered")
        self.assertEqual(t["status_label"], "已登记")
        self.assertEqual(t["version"], 1)
        self.assertIsNone(t["unit_id"])
        self.assertEqual(t["co_unit_ids"], [])
        self.assertEqual(t["urge_count"], 0)
        self.assertEqual(t["reopen_count"], 0)
        self.assertFalse(t["extension_pending"])
        self.assertIsNone(t["sla"])
        self.assertEqual(set(t["allowed_actions"]), ALLOWED["registered"]["agent1"])
        # The number starts with the local (Asia/Shanghai) date of creation.
        created = parse_time(t["created_at"])
        self.assertEqual(created.utcoffset(), timedelta(hours=8), t["created_at"])
        self.assertEqual(n[:8], created.astimezone(SHANGHAI).strftime("%Y%m%d"))
        self.check_allowed(n, "registered")
        # Not dispatched yet: no unit sees it.
        self.assertStatus(self.get("/tickets/" + n, "h_d1"), 404)

        steps = [
            ("agent1", "dispatch", {"unit_id": c.unit["D1"], "note": "请核实处理"},
             "registered", "dispatched"),
            ("h_d1", "accept", {}, "dispatched", "processing"),
            ("h_d1", "reply", {"reply": "已联系物业，电梯已修复。", "contacted": True},
             "processing", "replied"),
            ("agent1", "callback", {"satisfaction": "satisfied", "resolved": True,
                                    "note": "市民满意"}, "replied", "closed"),
        ]
        version = 1
        for who, action, args, frm, to in steps:
            r = self.act(who, n, action, version=version, **args)
            self.assertStatus(r, 200, "%s: %r" % (action, r))
            version += 1
            self.assertEqual(r.body["status"], to, action)
            self.assertEqual(r.body["version"], version, action)
            self.assertEqual(set(r.body["allowed_actions"]), ALLOWED[to].get(who, set()),
                             "allowed_actions in the answer to %s" % action)
            self.check_clock(r.body)
            self.check_allowed(n, to)
            evs = self.events(n)
            self.assertEqual(len(evs), version, "one event per action: %s" % evs)
            self.check_event(evs[-1], action, frm, to, actor=who)
        t = self.ticket(n)
        self.assertEqual(t["unit_id"], c.unit["D1"])
        self.assertEqual(t["reply"], "已联系物业，电梯已修复。")
        self.assertIs(t["contacted"], True)
        self.assertEqual(t["satisfaction"], "satisfied")
        self.assertIs(t["resolved"], True)
        self.assertEqual(t["status_label"], "已办结")
        self.assertIsNone(t["sla"])

        evs = self.events(n)
        self.assertEqual([e["action"] for e in evs],
                         ["create", "dispatch", "accept", "reply", "callback"])
        self.check_event(evs[0], "create", None, "registered", actor="agent1")
        self.assertEqual(evs[1]["note"], "请核实处理")
        ids = [e["id"] for e in evs]
        self.assertEqual(ids, sorted(ids))
        ats = [parse_time(e["at"]) for e in evs]
        self.assertEqual(ats, sorted(ats), "events oldest first")
        # The handler reads the history too.
        self.assertEqual(len(self.events(n, "h_d1")), 5)

    def test_who_may_create(self):
        r = self.req("POST", "/tickets", {"channel": "web", "type": "help", "title": "督办员登记",
                                          "content": "x"}, who="sup1")
        self.assertStatus(r, 201)
        self.assertEqual(set(r.body["allowed_actions"]), ALLOWED["registered"]["sup1"])
        for who in ("h_d1", "admin"):
            r = self.req("POST", "/tickets", {"channel": "web", "type": "help",
                                              "title": "不该登记", "content": "x"}, who=who)
            self.assertError(r, 403, "forbidden", msg=who)
        titles = [t["title"] for t in self.all_items("sup1")]
        self.assertNotIn("不该登记", titles)

    def test_deadlines_are_rfc3339_in_shanghai(self):
        t = self.dispatched("D1")
        for f in ("sign_due", "created_at", "updated_at"):
            self.assertRegex(t[f], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$", f)
        self.assertGreater(parse_time(t["sign_due"]), parse_time(t["created_at"]))

    def test_direct_answer(self):
        t = self.create(type="consult", title="社保卡补办需要什么材料")
        r = self.act("sup1", t["number"], "answer", answer="携带身份证到社保大厅办理。")
        self.assertError(r, 403, "forbidden")
        t2 = self.act_ok("agent1", t["number"], "answer", answer="携带身份证到社保大厅办理。")
        self.assertEqual(t2["status"], "closed")
        self.assertEqual(t2["version"], 2)
        self.assertEqual(t2["answer"], "携带身份证到社保大厅办理。")
        self.assertIsNone(t2["unit_id"])
        evs = self.events(t["number"])
        self.assertEqual(len(evs), 2)
        self.check_event(evs[1], "answer", "registered", "closed", actor="agent1")
        self.check_allowed(t["number"], "closed", roles={"agent1", "sup1"})

    def test_return_and_redispatch(self):
        c = self.c
        t = self.dispatched("D1")
        n = t["number"]
        t = self.act_ok("h_d1", n, "return", reason="不属于本单位职责")
        self.assertEqual(t["status"], "returned")
        self.check_allowed(n, "returned")
        t = self.act_ok("sup1", n, "dispatch", unit_id=c.unit["B1"])
        self.assertEqual(t["status"], "dispatched")
        self.assertEqual(t["unit_id"], c.unit["B1"])
        self.assertStatus(self.get("/tickets/" + n, "h_b1"), 200)
        self.assertStatus(self.get("/tickets/" + n, "h_d1"), 404)
        t = self.act_ok("h_b1", n, "accept")
        self.assertEqual(t["status"], "processing")
        self.assertEqual(t["version"], 5)
        evs = self.events(n)
        self.assertEqual([(e["action"], e["from"], e["to"]) for e in evs], [
            ("create", None, "registered"),
            ("dispatch", "registered", "dispatched"),
            ("return", "dispatched", "returned"),
            ("dispatch", "returned", "dispatched"),
            ("accept", "dispatched", "processing"),
        ])
        self.assertEqual(evs[2]["note"] if evs[2]["note"] is not None
                         else (evs[2]["args"] or {}).get("reason"), "不属于本单位职责")

    def test_return_from_processing_then_refuse_return(self):
        t = self.processing("D1")
        n = t["number"]
        t = self.act_ok("h_d1", n, "return", reason="需要其他部门配合")
        self.assertEqual(t["status"], "returned")
        t = self.act_ok("agent1", n, "refuse_return", reason="属于属地管理范围")
        self.assertEqual(t["status"], "processing")
        self.assertEqual(t["unit_id"], self.c.unit["D1"])
        self.check_clock(t)
        evs = self.events(n)
        self.check_event(evs[-1], "refuse_return", "returned", "processing", actor="agent1")
        t = self.act_ok("h_d1", n, "reply", reply="已处理", contacted=False)
        self.assertEqual(t["status"], "replied")

    def test_extension_approve_then_refuse(self):
        t = self.processing("D1")
        n = t["number"]
        due = parse_time(t["reply_due"])
        until = (due + timedelta(days=10)).astimezone(SHANGHAI).replace(microsecond=0)
        t = self.act_ok("h_d1", n, "request_extension", until=fmt_time(until),
                        reason="需协调多个部门")
        self.assertIs(t["extension_pending"], True)
        self.assertEqual(parse_time(t["extension_until"]), until)
        self.assertEqual(t["extension_reason"], "需协调多个部门")
        self.assertEqual(parse_time(t["reply_due"]), due, "reply_due moves only on approval")
        self.assertEqual(t["status"], "processing")
        # With a request pending: the supervisor may decide, the handler may not ask again.
        self.assertEqual(set(self.ticket(n, "sup1")["allowed_actions"]),
                         ALLOWED["processing"]["sup1"] | {"approve_extension",
                                                          "refuse_extension"})
        self.assertEqual(set(self.ticket(n, "h_d1")["allowed_actions"]),
                         ALLOWED["processing"]["h_d1"] - {"request_extension"})
        self.assertEqual(set(self.ticket(n, "agent1")["allowed_actions"]),
                         ALLOWED["processing"]["agent1"])

        t = self.act_ok("sup1", n, "approve_extension", note="同意")
        self.assertIs(t["extension_pending"], False)
        self.assertEqual(parse_time(t["reply_due"]), until, "reply_due moves to until")
        self.assertEqual(t["status"], "processing")

        until2 = until + timedelta(days=5)
        # until given in UTC this time: any offset is accepted on input.
        t = self.act_ok("h_d1", n, "request_extension",
                        until=until2.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        reason="再延五天")
        self.assertIs(t["extension_pending"], True)
        self.assertEqual(parse_time(t["extension_until"]), until2)
        t = self.act_ok("sup1", n, "refuse_extension", reason="不予延期")
        self.assertIs(t["extension_pending"], False)
        self.assertEqual(parse_time(t["reply_due"]), until, "refusal leaves reply_due")
        self.assertEqual([e["action"] for e in self.events(n)][-4:],
                         ["request_extension", "approve_extension", "request_extension",
                          "refuse_extension"])
        for e in self.events(n)[-4:]:
            self.assertEqual((e["from"], e["to"]), ("processing", "processing"))

    def test_extension_rules(self):
        t = self.processing("D1")
        n = t["number"]
        due = parse_time(t["reply_due"])
        # Not later than the current reply deadline.
        r = self.act("h_d1", n, "request_extension",
                     until=fmt_time((due - timedelta(hours=1)).astimezone(SHANGHAI)),
                     reason="x")
        self.assertError(r, 400, "invalid_argument", "until")
        for bad in ("next week", "2026-02-30T10:00:00+08:00", "2026-12-01T25:00:00+08:00",
                    "99999-01-01T00:00:00Z", "2026-12-01T10:00:00", "", 1767225600000):
            r = self.act("h_d1", n, "request_extension", until=bad, reason="x")
            self.assertError(r, 400, "invalid_argument", "until", msg=bad)
        # Approve / refuse need a pending request.
        r = self.act("sup1", n, "approve_extension")
        self.assertError(r, (400, 409))
        r = self.act("sup1", n, "refuse_extension", reason="x")
        self.assertError(r, (400, 409))
        self.assertNotIn("approve_extension", self.ticket(n, "sup1")["allowed_actions"],
                         "nothing to approve: allowed_actions lists what the user may do now")
        until = fmt_time((due + timedelta(days=3)).astimezone(SHANGHAI))
        self.act_ok("h_d1", n, "request_extension", until=until, reason="x")
        # A second request while one is pending.
        r = self.act("h_d1", n, "request_extension",
                     until=fmt_time((due + timedelta(days=4)).astimezone(SHANGHAI)), reason="y")
        self.assertError(r, (400, 409))
        self.assertNotIn("request_extension", self.ticket(n, "h_d1")["allowed_actions"],
                         "a request is pending: allowed_actions lists what the user may do now")
        # Only the supervisor approves.
        r = self.act("agent1", n, "approve_extension")
        self.assertError(r, 403, "forbidden")
        r = self.act("h_d1", n, "approve_extension")
        self.assertError(r, 403, "forbidden")
        t = self.ticket(n)
        self.assertTrue(t["extension_pending"])
        self.assertEqual(t["version"], 4)

    def test_reopen_from_replied_and_closed(self):
        c = self.c
        t = self.replied("D1")
        n = t["number"]
        t = self.act_ok("agent1", n, "reopen", reason="市民反映未解决")
        self.assertEqual(t["status"], "dispatched")
        self.assertEqual(t["reopen_count"], 1)
        self.assertEqual(t["unit_id"], c.unit["D1"], "reopen defaults to the same unit")
        self.check_clock(t)
        self.check_event(self.events(n)[-1], "reopen", "replied", "dispatched", actor="agent1")
        self.act_ok("h_d1", n, "accept")
        self.act_ok("h_d1", n, "reply", reply="再次处理完毕", contacted=True)
        t = self.act_ok("sup1", n, "callback", satisfaction="unsatisfied", resolved=False)
        self.assertEqual(t["status"], "closed")
        t = self.act_ok("sup1", n, "reopen", reason="回访不满意")
        self.assertEqual(t["status"], "dispatched")
        self.assertEqual(t["reopen_count"], 2)
        self.assertEqual(t["unit_id"], c.unit["D1"])
        self.check_event(self.events(n)[-1], "reopen", "closed", "dispatched", actor="sup1")
        # Reopen to another unit.
        self.act_ok("h_d1", n, "accept")
        self.act_ok("h_d1", n, "reply", reply="第三次", contacted=True)
        t = self.act_ok("agent1", n, "reopen", reason="改由交通局办理", unit_id=c.unit["B1"])
        self.assertEqual(t["unit_id"], c.unit["B1"])
        self.assertEqual(t["reopen_count"], 3)
        self.assertStatus(self.get("/tickets/" + n, "h_b1"), 200)
        # A ticket answered at once has no unit: reopening it needs one.
        a = self.create(type="consult")
        self.act_ok("agent1", a["number"], "answer", answer="已答复")
        r = self.act("agent1", a["number"], "reopen", reason="未解决")
        self.assertError(r, 400, "invalid_argument", "unit_id")
        t2 = self.act_ok("agent1", a["number"], "reopen", reason="未解决", unit_id=c.unit["S2"])
        self.assertEqual((t2["status"], t2["unit_id"], t2["reopen_count"]),
                         ("dispatched", c.unit["S2"], 1))
        # Reopen needs a reason.
        self.act_ok("h_b1", n, "accept")
        self.act_ok("h_b1", n, "reply", reply="第四次", contacted=True)
        r = self.act("agent1", n, "reopen")
        self.assertError(r, 400, "invalid_argument", "reason")

    def test_merge(self):
        master = self.dispatched("D1")
        dup = self.create(title="重复来电：电梯故障")
        r = self.act("agent1", dup["number"], "merge", master=dup["number"])
        self.assertError(r, 400, "invalid_argument", "master")
        r = self.act("agent1", dup["number"], "merge", master="20200101999999")
        self.assertError(r, 400, "invalid_argument", "master")
        r = self.act("agent1", dup["number"], "merge", master="not-a-number")
        self.assertError(r, 400, "invalid_argument", "master")
        closed = self.closed("D1")
        r = self.act("agent1", dup["number"], "merge", master=closed["number"])
        self.assertError(r, 400, "invalid_argument", "master")
        self.assertEqual(self.ticket(dup["number"])["version"], 1, "nothing stored")
        self.assertEqual(len(self.events(dup["number"])), 1)

        t = self.act_ok("agent1", dup["number"], "merge", master=master["number"])
        self.assertEqual(t["status"], "merged")
        self.assertEqual(t["master"], master["number"])
        self.assertEqual(t["version"], 2)
        self.check_clock(t)
        self.check_allowed(dup["number"], "merged")
        self.check_event(self.events(dup["number"])[-1], "merge", "registered", "merged",
                         actor="agent1")
        # Terminal.
        for action, args in (("dispatch", {"unit_id": self.c.unit["D1"]}), ("urge", {}),
                             ("reopen", {"reason": "x"}), ("answer", {"answer": "x"})):
            r = self.act("agent1", dup["number"], action, **args)
            err = self.assertError(r, 409, "invalid_transition")
            self.assertEqual(set(err.get("allowed", [])), {"comment"}, r)
        t = self.act_ok("agent1", dup["number"], "comment", note="并入主单")
        self.assertEqual(t["status"], "merged")
        # A merged ticket cannot be a master.
        other = self.create(title="又一次重复")
        r = self.act("agent1", other["number"], "merge", master=dup["number"])
        self.assertError(r, 400, "invalid_argument", "master")
        # Merge from processing works; from replied it does not.
        p = self.processing("D1")
        t = self.act_ok("sup1", p["number"], "merge", master=master["number"])
        self.assertEqual(t["status"], "merged")
        rep = self.replied("D1")
        r = self.act("sup1", rep["number"], "merge", master=master["number"])
        self.assertError(r, 409, "invalid_transition")

    def test_urge(self):
        c = self.c
        reg = self.create()
        disp = self.dispatched("D1")
        proc = self.processing("D1")
        ret = self.act_ok("h_d1", self.dispatched("D1")["number"], "return", reason="x")
        rep = self.replied("D1")
        for t in (reg, disp, proc, ret, rep):
            t1 = self.act_ok("agent1", t["number"], "urge", note="市民再次来电催促")
            self.assertEqual(t1["urge_count"], 1, t["status"])
            self.assertEqual(t1["status"], t["status"])
            self.assertEqual(t1["version"], t["version"] + 1)
            t2 = self.act_ok("sup1", t["number"], "urge")
            self.assertEqual(t2["urge_count"], 2)
            e = self.events(t["number"])[-1]
            self.check_event(e, "urge", t["status"], t["status"], actor="sup1")
        closed = self.closed("D1")
        r = self.act("agent1", closed["number"], "urge")
        err = self.assertError(r, 409, "invalid_transition")
        self.assertEqual(set(err.get("allowed", [])), ALLOWED["closed"]["agent1"], r)
        self.assertEqual(self.ticket(closed["number"])["urge_count"], 0)
        # Handlers do not urge.
        r = self.act("h_d1", disp["number"], "urge")
        self.assertError(r, 403, "forbidden")
        self.assertIsNotNone(c)

    def test_subdispatch(self):
        c = self.c
        t = self.dispatched("D1")
        n = t["number"]
        # Only below the current unit.
        for bad in ("B1", "D1", "B2"):
            r = self.act("h_d1", n, "subdispatch", unit_id=c.unit[bad])
            self.assertError(r, 400, "invalid_argument", "unit_id", msg=bad)
        r = self.act("h_d1", n, "subdispatch", unit_id=999999)
        self.assertError(r, 400, "invalid_argument", "unit_id")
        t = self.act_ok("h_d1", n, "subdispatch", unit_id=c.unit["S1"], note="请西城街道办理")
        self.assertEqual(t["status"], "dispatched")
        self.assertEqual(t["unit_id"], c.unit["S1"])
        self.check_event(self.events(n)[-1], "subdispatch", "dispatched", "dispatched",
                         actor="h_d1")
        self.assertStatus(self.get("/tickets/" + n, "h_d1"), 200)  # the parent still sees it
        self.assertIn(n, self.numbers("h_d1"))
        self.assertStatus(self.get("/tickets/" + n, "h_s2"), 404)
        self.assertError(self.act("h_s2", n, "accept", version=t["version"]), 404, "not_found")
        self.assertNotIn(n, self.numbers("h_s2"))
        t = self.act_ok("h_s1", n, "accept")
        self.assertEqual(t["status"], "processing")
        self.assertEqual(t["unit_id"], c.unit["S1"])
        t = self.act_ok("h_s1", n, "reply", reply="街道已处理", contacted=True)
        self.assertEqual(t["status"], "replied")
        self.assertStatus(self.get("/tickets/" + n, "h_d1"), 200)

    def test_leaf_unit_cannot_subdispatch(self):
        # S1 has no unit below it: subdispatch is nothing S1's handler may do now.
        c = self.c
        t = self.dispatched("S1")
        n = t["number"]
        for u in ("S1", "S2", "D1", "B1"):
            r = self.act("h_s1", n, "subdispatch", unit_id=c.unit[u])
            self.assertError(r, 400, "invalid_argument", "unit_id", msg=u)
        self.assertEqual(set(self.ticket(n, "h_s1")["allowed_actions"]),
                         ALLOWED["dispatched"]["h_d1"] - {"subdispatch"},
                         "allowed_actions lists exactly what the user may do now")

    def test_subdispatch_from_processing(self):
        c = self.c
        t = self.processing("D1")
        t = self.act_ok("h_d1", t["number"], "subdispatch", unit_id=c.unit["S2"])
        self.assertEqual(t["status"], "dispatched")
        self.assertEqual(t["unit_id"], c.unit["S2"])
        self.assertEqual(self.act_ok("h_s2", t["number"], "accept")["status"], "processing")

    def test_comment_everywhere(self):
        for t in (self.create(), self.dispatched("D1"), self.closed("D1")):
            t2 = self.act_ok("agent1", t["number"], "comment", note="备注一条")
            self.assertEqual(t2["status"], t["status"])
            e = self.events(t["number"])[-1]
            self.assertEqual(e["action"], "comment")
            self.assertEqual((e["from"], e["to"]), (t["status"], t["status"]))
            self.assertEqual(e["note"], "备注一条")
        t = self.dispatched("D1")
        self.act_ok("h_d1", t["number"], "comment", note="承办人备注")
        r = self.act("agent1", t["number"], "comment")
        self.assertError(r, 400, "invalid_argument", "note")


class RulesTest(WorkflowBase):
    """Conflicts, transitions, roles and unit scope."""

    def test_stale_version_conflict(self):
        t = self.dispatched("D1")
        n = t["number"]
        r = self.act("h_d1", n, "accept", version=1)
        self.assertError(r, 409, "conflict")
        r = self.act("h_d1", n, "accept", version=t["version"] + 1)
        self.assertError(r, 409, "conflict")
        # Versions that only match after truncation to 32 bits must not match.
        for v in (2 ** 32 + t["version"], -(2 ** 32) + t["version"], 2 ** 63 - 1, 0, -1):
            r = self.act("h_d1", n, "accept", version=v)
            self.assertError(r, (400, 409), ("invalid_argument", "conflict"), msg=v)
        t2 = self.ticket(n)
        self.assertEqual(t2["status"], "dispatched")
        self.assertEqual(t2["version"], t["version"])
        self.assertEqual(len(self.events(n)), 2)
        self.act_ok("h_d1", n, "accept")

    def test_invalid_transition_lists_allowed(self):
        t = self.create()
        n = t["number"]
        for who, action, args in (("agent1", "callback", {"satisfaction": "satisfied",
                                                          "resolved": True}),
                                  ("agent1", "refuse_return", {"reason": "x"}),
                                  ("sup1", "reopen", {"reason": "x"})):
            r = self.act(who, n, action, **args)
            err = self.assertError(r, 409, "invalid_transition", msg=action)
            self.assertIsInstance(err.get("allowed"), list, r)
            self.assertEqual(set(err["allowed"]), ALLOWED["registered"][who], r)
        d = self.dispatched("D1")
        r = self.act("h_d1", d["number"], "reply", reply="x", contacted=True)
        err = self.assertError(r, 409, "invalid_transition")
        self.assertEqual(set(err["allowed"]), ALLOWED["dispatched"]["h_d1"])
        r = self.act("agent1", d["number"], "dispatch", unit_id=self.c.unit["B1"])
        err = self.assertError(r, 409, "invalid_transition")
        self.assertEqual(set(err["allowed"]), ALLOWED["dispatched"]["agent1"])
        self.assertEqual(self.ticket(n)["version"], 1)
        self.assertEqual(self.ticket(d["number"])["version"], 2)

    def test_wrong_role_forbidden(self):
        c = self.c
        d = self.dispatched("D1")
        # agent tries accept
        self.assertError(self.act("agent1", d["number"], "accept"), 403, "forbidden")
        self.assertError(self.act("sup1", d["number"], "return", reason="x"), 403, "forbidden")
        # handler tries urge
        self.assertError(self.act("h_d1", d["number"], "urge"), 403, "forbidden")
        # handler tries dispatch (a returned ticket it still sees)
        ret = self.act_ok("h_d1", self.dispatched("D1")["number"], "return", reason="非本单位")
        r = self.act("h_d1", ret["number"], "dispatch", unit_id=c.unit["S1"])
        self.assertError(r, 403, "forbidden")
        # handler tries callback
        rep = self.replied("D1")
        r = self.act("h_d1", rep["number"], "callback", satisfaction="satisfied", resolved=True)
        self.assertError(r, 403, "forbidden")
        # agent tries approve_extension
        p = self.processing("D1")
        due = parse_time(p["reply_due"])
        self.act_ok("h_d1", p["number"], "request_extension",
                    until=fmt_time((due + timedelta(days=2)).astimezone(SHANGHAI)), reason="x")
        self.assertError(self.act("agent1", p["number"], "approve_extension"), 403, "forbidden")
        self.assertError(self.act("agent1", p["number"], "refuse_extension", reason="x"), 403,
                         "forbidden")
        # admin is not a ticket role
        r = self.req("POST", "/tickets/%s/actions/dispatch" % self.create()["number"],
                     {"version": 1, "unit_id": c.unit["D1"]}, who="admin")
        self.assertStatus(r, (403, 404))
        for t in (d, ret, rep):
            self.assertEqual(self.ticket(t["number"])["version"], t["version"], "nothing stored")

    def test_other_unit_gets_404(self):
        d = self.dispatched("D1")
        n = d["number"]
        for who in ("h_b1", "h_b2"):
            self.assertError(self.get("/tickets/" + n, who), 404, "not_found")
            self.assertError(self.get("/tickets/%s/events" % n, who), 404, "not_found")
            self.assertError(self.act(who, n, "accept", version=d["version"]), 404, "not_found")
            self.assertError(self.act(who, n, "comment", version=d["version"], note="x"), 404,
                             "not_found")
        # A child unit does not see its parent's tickets.
        self.assertError(self.get("/tickets/" + n, "h_s1"), 404, "not_found")
        self.assertError(self.act("h_s1", n, "accept", version=d["version"]), 404)
        self.assertEqual(self.ticket(n)["version"], d["version"])

    def test_handler_list_is_its_subtree(self):
        c = self.c
        made = {}
        for unit in ("B1", "D1", "S1", "S2", "B2"):
            made[unit] = self.dispatched(unit)["number"]
        reg = self.create()["number"]
        subtree = {"h_b1": {"B1"}, "h_d1": {"D1", "S1", "S2"}, "h_s1": {"S1"},
                   "h_s2": {"S2"}, "h_b2": {"B2"}}
        for who, units in subtree.items():
            ids = {c.unit[u] for u in units}
            items = self.all_items(who)
            self.assertTrue(items, who)
            for it in items:
                # Its subtree, or an open ticket it co-handles.
                self.assertTrue(it["unit_id"] in ids or set(it["co_unit_ids"]) & ids,
                                "%s sees %s at unit %s" % (who, it["number"], it["unit_id"]))
            nums = {it["number"] for it in items}
            for u, n in made.items():
                if u in units:
                    self.assertIn(n, nums, "%s misses its ticket at %s" % (who, u))
                else:
                    self.assertNotIn(n, nums)
            self.assertNotIn(reg, nums)
            # Its own children filter fine.
            if who == "h_d1":
                self.assertEqual(set(self.numbers(who, "unit_id=%d" % c.unit["S1"])) &
                                 set(made.values()), {made["S1"]})
            # Filtering by another unit gives nothing.
            other = c.unit["B2"] if "B2" not in units else c.unit["B1"]
            r = self.get("/tickets?unit_id=%d" % other, who)
            self.assertStatus(r, (200, 403))
            if r.status == 200:
                self.assertEqual(r.body["items"], [])
        all_nums = set(self.numbers("sup1"))
        self.assertTrue(set(made.values()) | {reg} <= all_nums)

    def test_co_handling_unit(self):
        c = self.c
        t = self.create()
        t = self.act_ok("agent1", t["number"], "dispatch", unit_id=c.unit["D1"],
                        co_unit_ids=[c.unit["B2"]])
        n = t["number"]
        self.assertEqual(t["co_unit_ids"], [c.unit["B2"]])
        t2 = self.ticket(n, "h_b2")
        self.assertEqual(t2["citizen"]["phone"], "138****5678", "a co-unit sees it masked")
        self.assertEqual(set(t2["allowed_actions"]), {"comment"})
        self.assertIn(n, self.numbers("h_b2"))
        self.act_ok("h_b2", n, "comment", note="公交公司意见：站牌已更换")
        self.assertError(self.act("h_b2", n, "accept"), 403, "forbidden")
        self.act_ok("h_d1", n, "accept")
        self.act_ok("h_d1", n, "reply", reply="已答复", contacted=True)
        self.assertError(self.act("h_b2", n, "reply", reply="x", contacted=True), (403, 409))
        self.act_ok("agent1", n, "callback", satisfaction="satisfied", resolved=True)
        # Closed: the co-unit sees it no more.
        self.assertError(self.get("/tickets/" + n, "h_b2"), 404, "not_found")
        self.assertNotIn(n, self.numbers("h_b2"))

    def test_co_units_follow_every_change(self):
        # The ticket's co_unit_ids are kept in a column of the ticket
        # (migration 010): ascending, changed by a re-dispatch, gone when
        # emptied, the same in a list row as in the ticket.
        c = self.c
        t = self.create()
        hi, lo = sorted([c.unit["B1"], c.unit["B2"]], reverse=True)
        t = self.act_ok("agent1", t["number"], "dispatch", unit_id=c.unit["D1"],
                        co_unit_ids=[hi, lo])
        n = t["number"]
        self.assertEqual(t["co_unit_ids"], [lo, hi])
        self.assertEqual(self.ticket(n, "sup1")["co_unit_ids"], [lo, hi])
        self.act_ok("h_d1", n, "return", reason="不属于本单位职责")
        t = self.act_ok("agent1", n, "dispatch", unit_id=c.unit["D1"], co_unit_ids=[hi])
        self.assertEqual(t["co_unit_ids"], [hi])
        self.act_ok("h_d1", n, "return", reason="仍不属于本单位")
        t = self.act_ok("agent1", n, "dispatch", unit_id=c.unit["D1"], co_unit_ids=[])
        self.assertEqual(t["co_unit_ids"], [])
        self.assertEqual(self.ticket(n, "sup1")["co_unit_ids"], [])
        rows = [r for r in self.get("/tickets?status=dispatched&sort=due&limit=200", "h_d1")
                .body["items"] if r["number"] == n]
        self.assertEqual([r["co_unit_ids"] for r in rows], [[]])

    def test_concurrent_actions_one_wins(self):
        t = self.dispatched("D1")
        n = t["number"]
        results = []
        lock = threading.Lock()

        def go():
            r = self.act("agent1", n, "urge", version=t["version"])
            with lock:
                results.append(r)

        threads = [threading.Thread(target=go) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        ok = [r for r in results if r.status == 200]
        self.assertEqual(len(ok), 1, results)
        for r in results:
            if r.status != 200:
                self.assertError(r, 409, "conflict")
        t2 = self.ticket(n)
        self.assertEqual(t2["urge_count"], 1)
        self.assertEqual(t2["version"], t["version"] + 1)
        self.assertEqual(len(self.events(n)), 3)

    def test_concurrent_creates_get_distinct_numbers(self):
        nums = []
        lock = threading.Lock()

        def go(i):
            r = self.req("POST", "/tickets", {"channel": "web", "type": "consult",
                                              "title": "并发%d" % i, "content": "x"},
                         who="agent1")
            with lock:
                nums.append((r.status, r.body.get("number") if isinstance(r.body, dict)
                             else r.body))

        threads = [threading.Thread(target=go, args=(i,)) for i in range(10)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertTrue(all(s == 201 for s, _ in nums), nums)
        got = [n for _, n in nums]
        self.assertEqual(len(set(got)), 10, got)
        for n in got:
            self.assertTrue(re.fullmatch(r"\d{14}", n), n)


if __name__ == "__main__":
    unittest.main()
