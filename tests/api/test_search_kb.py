"""Chinese full-text ticket search (GET /tickets?q=) and the knowledge base
(/kb/articles, /kb/suggest, answer citing an article)."""

import unittest
from datetime import datetime, timedelta, timezone

from harness import ServerTestCase, fmt_time, urlquote, ticket_body

ODD = ['"', '""', '电梯"', 'NEAR(电梯 加装, 3)', '*', '电*', '-电梯', '电梯 -加装', '(', ')',
       '(电梯', '电梯 OR', 'AND', 'OR 电梯', 'NOT', 'title:电梯', '{title}: 电梯', '^电梯',
       "'; DROP TABLE tickets; --", '\\', '%', 'a"b"c', '电梯 AND NOT 加装', '\u3000', '😀电梯',
       '12345*', 'NEAR', '电梯' * 300]


class SearchTest(ServerTestCase):

    @classmethod
    def prepare(cls):
        srv, c = cls.srv, cls.c

        def make(who="agent1", **over):
            r = srv.request("POST", "/tickets", ticket_body(**over), token=c.t(who))
            assert r.status == 201, r
            return r.body

        cls.lift = make(title="老旧小区加装电梯", content="我们老旧小区想加装电梯，一楼住户不同意。",
                        category_id=c.cat["LIFT"], type="consult")
        cls.lift_content = make(title="小区设施问题", content="单元门口的电梯按钮坏了。",
                                category_id=c.cat["LIFT"])
        cls.preg = make(title="咨询孕前优生健康检查", content="免费孕前优生健康检查要带什么？",
                        type="consult", citizen={"name": "李女士", "phone": "13900001111"})
        cls.full = make(title="反映１２３４５热线问题", content="全角数字。")
        cls.bus = make(title="公交站牌被撞坏", content="人民路公交站牌被车撞坏了。",
                       category_id=c.cat["BUSSTOP"])
        # dispatched to D1 and replied: the reply becomes searchable
        t = make(title="楼道灯不亮", content="3号楼楼道灯坏了。", category_id=c.cat["WATER"])
        num = t["number"]
        v = t["version"]
        for who, action, args in (("agent1", "dispatch", {"unit_id": c.unit["D1"]}),
                                  ("h_d1", "accept", {}),
                                  ("h_d1", "reply", {"reply": "已更换水表和声控开关。",
                                                     "contacted": True})):
            body = dict(args, version=v)
            r = srv.request("POST", "/tickets/%s/actions/%s" % (num, action), body,
                            token=c.t(who))
            assert r.status == 200, r
            v = r.body["version"]
        cls.replied = r.body

    def search(self, q, who="sup1", extra=""):
        r = self.get("/tickets?q=%s%s" % (urlquote(q), extra), who)
        self.assertStatus(r, 200)
        return r.body["items"]

    def numbers(self, q, who="sup1", extra=""):
        return [t["number"] for t in self.search(q, who, extra)]

    def test_chinese_words_are_found(self):
        self.assertIn(self.lift["number"], self.numbers("电梯"))
        self.assertEqual(self.numbers("加装电梯"), [self.lift["number"]])
        self.assertEqual(self.numbers("孕前检查"), [self.preg["number"]])
        self.assertEqual(self.numbers("12345"), [self.full["number"]])
        self.assertEqual(self.numbers("１２３４５"), [self.full["number"]])
        self.assertEqual(self.numbers("人民路 站牌"), [self.bus["number"]])
        self.assertEqual(self.numbers("电梯 站牌"), [])  # every word must be there

    def test_title_ranks_first_and_snippet_marks(self):
        items = self.search("电梯")
        nums = [t["number"] for t in items]
        self.assertEqual(nums[:2], [self.lift["number"], self.lift_content["number"]])
        for t in items:
            self.assertIn("<mark>", t["snippet"])
            self.assertIn("</mark>", t["snippet"])
        self.assertIn("<mark>电梯</mark>", items[0]["snippet"])
        # no snippet without q
        r = self.get("/tickets", "sup1")
        self.assertNotIn("snippet", r.body["items"][0])

    def test_snippet_is_html_safe(self):
        t = self.create(title="<script>alert(1)</script>窗户", content="a & b < c")
        items = self.search("窗户")
        self.assertEqual([i["number"] for i in items], [t["number"]])
        self.assertNotIn("<script>", items[0]["snippet"])
        self.assertNotIn("</script>", items[0]["snippet"])
        self.assertIn("&lt;/script&gt;<mark>窗户</mark>", items[0]["snippet"])

    def test_reply_is_indexed_in_step(self):
        self.assertEqual(self.numbers("水表"), [self.replied["number"]])

    def test_combined_with_filters(self):
        c = self.c
        self.assertEqual(self.numbers("电梯", extra="&type=consult"), [self.lift["number"]])
        self.assertEqual(self.numbers("电梯", extra="&category_id=%d" % c.cat["PROP"]),
                         [self.lift["number"], self.lift_content["number"]])
        self.assertEqual(self.numbers("电梯", extra="&status=closed"), [])
        self.assertEqual(self.numbers("楼道", extra="&status=replied&unit_id=%d" % c.unit["D1"]),
                         [self.replied["number"]])
        # a handler's search keeps to its units
        self.assertEqual(self.numbers("楼道", who="h_d1"), [self.replied["number"]])
        self.assertEqual(self.numbers("楼道", who="h_b1"), [])
        self.assertEqual(self.numbers("电梯", who="h_d1"), [])

    def test_sort_options(self):
        newest = self.numbers("电梯", extra="&sort=newest")
        self.assertEqual(newest, sorted(newest, reverse=True))
        self.assertEqual(self.numbers("电梯", extra="&sort=relevance")[0], self.lift["number"])
        r = self.get("/tickets?sort=relevance", "sup1")
        self.assertError(r, 400, "invalid_argument", "sort")

    def test_pagination_with_q(self):
        all_nums = self.numbers("电")
        self.assertGreaterEqual(len(all_nums), 2)
        got, after = [], None
        for _ in range(10):
            q = "/tickets?q=%s&limit=1" % urlquote("电")
            if after:
                q += "&after=" + urlquote(after)
            r = self.get(q, "sup1")
            self.assertStatus(r, 200)
            got += [t["number"] for t in r.body["items"]]
            after = r.body["next"]
            if after is None:
                break
        self.assertEqual(got, all_nums)

    def test_odd_queries_never_fail(self):
        for q in ODD:
            r = self.get("/tickets?q=" + urlquote(q), "sup1")
            self.assertIn(r.status, (200, 400), "%r: %r" % (q, r))
            if r.status == 400:
                self.assertError(r, 400, "invalid_argument", "q")
        self.assertEqual(self.numbers("near"), [])  # a word like any other

    def test_bad_q(self):
        for raw in ("", "%20%20", "%22%28%29%2A", "%ff%fe", "%e7%94", "x" * 1001):
            r = self.get("/tickets?q=" + raw, "sup1")
            self.assertError(r, 400, "invalid_argument", "q", msg=raw[:20])
        r = self.get("/tickets?q=" + "x" * 10240, "sup1")  # 10 KB
        self.assertError(r, 400, "invalid_argument", "q")
        # 12 KB of Chinese is a 36 KB URL: too long a line for the server (414) or q (400)
        r = self.get("/tickets?q=" + urlquote("电梯" * 2000), "sup1")
        self.assertIn(r.status, (400, 414), r)


class KbTest(ServerTestCase):

    def kb(self, who, method, path, body=None):
        return self.req(method, "/kb" + path, body, who=who)

    def article(self, who="admin", **over):
        body = {"title": "电动自行车头盔", "body": "驾驶和乘坐电动自行车都应佩戴安全头盔。",
                "tags": ["电动自行车", "头盔"]}
        body.update(over)
        r = self.kb(who, "POST", "/articles", body)
        self.assertStatus(r, 201)
        return r.body

    def published(self, **over):
        a = self.article(**over)
        r = self.kb("sup1", "POST", "/articles/%d/publish" % a["id"], {"version": a["version"]})
        self.assertStatus(r, 200)
        return r.body

    def test_create_edit_publish_withdraw_with_revisions(self):
        a = self.article(category_id=self.c.cat["BUS"], unit_id=self.c.unit["B1"])
        self.assertEqual((a["state"], a["version"], a["demo"]), ("draft", 1, False))
        self.assertEqual(a["tags"], ["电动自行车", "头盔"])
        r = self.kb("admin", "PATCH", "/articles/%d" % a["id"],
                    {"version": 1, "body": "驾乘都要戴头盔，头盔应有3C标志。"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["version"], 2)
        r = self.kb("admin", "PATCH", "/articles/%d" % a["id"], {"version": 1, "title": "x"})
        self.assertError(r, 409, "conflict")
        r = self.kb("sup1", "POST", "/articles/%d/publish" % a["id"], {"version": 2})
        self.assertStatus(r, 200)
        self.assertEqual((r.body["state"], r.body["in_effect"]), ("published", True))
        self.assertIsNotNone(r.body["published_at"])
        r = self.kb("sup1", "POST", "/articles/%d/publish" % a["id"], {"version": 3})
        err = self.assertError(r, 409, "invalid_transition")
        self.assertEqual(err["allowed"], ["withdraw"])
        r = self.kb("admin", "POST", "/articles/%d/withdraw" % a["id"],
                    {"version": 3, "note": "政策调整"})
        self.assertEqual(r.body["state"], "withdrawn")
        r = self.kb("sup1", "GET", "/articles/%d/revisions" % a["id"])
        self.assertStatus(r, 200)
        revs = r.body["items"]
        self.assertEqual([v["action"] for v in revs], ["create", "update", "publish", "withdraw"])
        self.assertEqual([v["version"] for v in revs], [1, 2, 3, 4])
        self.assertEqual(revs[1]["changed"], ["body"])
        self.assertEqual(revs[3]["changed"], ["state"])
        self.assertEqual(revs[3]["note"], "政策调整")
        self.assertEqual(revs[0]["article"]["body"], "驾驶和乘坐电动自行车都应佩戴安全头盔。")
        self.assertIsNotNone(revs[1]["actor"])
        self.assertEqual(revs[2]["actor"]["id"], self.c.user["sup1"]["id"])
        # nothing changed: no new revision
        r = self.kb("admin", "PATCH", "/articles/%d" % a["id"], {"version": 4, "tags": ["电动自行车", "头盔"]})
        self.assertEqual(r.body["version"], 4)

    def test_handlers_draft_for_their_unit(self):
        c = self.c
        a = self.article("h_d1", title="供水报修", body="东城停水请拨打供水热线。")
        self.assertEqual((a["unit_id"], a["state"]), (c.unit["D1"], "draft"))
        a2 = self.article("h_d1", title="街道供水", body="西城街道供水。", unit_id=c.unit["S1"])
        self.assertEqual(a2["unit_id"], c.unit["S1"])  # a unit below its own
        for body, status in (({"unit_id": c.unit["B1"]}, 403), ({"state": "published"}, 403)):
            b = {"title": "x", "body": "y"}
            b.update(body)
            self.assertStatus(self.kb("h_d1", "POST", "/articles", b), status)
        r = self.kb("h_d1", "PATCH", "/articles/%d" % a["id"], {"version": 1, "body": "新内容"})
        self.assertStatus(r, 200)
        r = self.kb("h_d1", "POST", "/articles/%d/publish" % a["id"], {"version": 2})
        self.assertError(r, 403, "forbidden")
        r = self.kb("sup1", "POST", "/articles/%d/publish" % a["id"], {"version": 2})
        self.assertStatus(r, 200)
        r = self.kb("h_d1", "PATCH", "/articles/%d" % a["id"], {"version": 3, "body": "再改"})
        self.assertError(r, 403, "forbidden")
        # another unit's handler sees the published one, not the draft
        self.assertStatus(self.kb("h_b1", "GET", "/articles/%d" % a["id"]), 200)
        self.assertError(self.kb("h_b1", "GET", "/articles/%d" % a2["id"]), 404)
        self.assertStatus(self.kb("h_d1", "GET", "/articles/%d" % a2["id"]), 200)

    def test_agents_read_published_only(self):
        draft = self.article(title="草稿条目", body="尚未发布的内容。")
        pub = self.published(title="已发布条目", body="可以直接答复的内容。")
        self.assertError(self.kb("agent1", "GET", "/articles/%d" % draft["id"]), 404)
        self.assertStatus(self.kb("agent1", "GET", "/articles/%d" % pub["id"]), 200)
        ids = [a["id"] for a in self.kb("agent1", "GET", "/articles?limit=200").body["items"]]
        self.assertIn(pub["id"], ids)
        self.assertNotIn(draft["id"], ids)
        r = self.kb("agent1", "POST", "/articles", {"title": "x", "body": "y"})
        self.assertError(r, 403, "forbidden")
        ids = [a["id"] for a in self.kb("sup1", "GET", "/articles?state=draft&limit=200").body["items"]]
        self.assertIn(draft["id"], ids)

    def test_search_and_filters(self):
        a = self.published(title="老旧小区加装电梯怎么表决",
                           body="专有部分面积和人数均占三分之二以上的业主参与表决。",
                           tags=["加装电梯", "业主表决"], category_id=self.c.cat["LIFT"])
        r = self.kb("agent1", "GET", "/articles?q=" + urlquote("加装电梯 表决"))
        self.assertStatus(r, 200)
        self.assertEqual([x["id"] for x in r.body["items"]], [a["id"]])
        self.assertIn("<mark>", r.body["items"][0]["snippet"])
        self.assertIsNone(r.body["next"])
        r = self.kb("agent1", "GET", "/articles?tag=" + urlquote("业主表决"))
        self.assertEqual([x["id"] for x in r.body["items"]], [a["id"]])
        r = self.kb("agent1", "GET", "/articles?category_id=%d" % self.c.cat["PROP"])
        self.assertIn(a["id"], [x["id"] for x in r.body["items"]])  # a subcategory counts
        for q in ODD:
            r = self.kb("agent1", "GET", "/articles?q=" + urlquote(q))
            self.assertIn(r.status, (200, 400), "%r: %r" % (q, r))
        for bad in ("state=gone", "in_effect=yes", "limit=0", "x=1", "q=%ff"):
            self.assertStatus(self.kb("agent1", "GET", "/articles?" + bad), 400)

    def test_pages(self):
        made = [self.article(title="分页%d" % i, body="内容")["id"] for i in range(5)]
        seen, after = [], None
        for _ in range(20):
            r = self.kb("sup1", "GET", "/articles?limit=2" + ("&after=%s" % after if after else ""))
            seen += [x["id"] for x in r.body["items"]]
            after = r.body["next"]
            if not after:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(set(made) <= set(seen))

    def test_suggest(self):
        now = datetime.now(timezone.utc)
        good = self.published(title="供暖室温标准", body="室温不低于18℃是北方城市常见标准。",
                              tags=["供暖"])
        self.published(title="过期的供暖通知", body="供暖室温。",
                       effective_from=fmt_time(now - timedelta(days=30)),
                       expires_at=fmt_time(now - timedelta(days=1)))
        self.article(title="供暖草稿", body="供暖室温草稿。")
        r = self.kb("agent1", "GET", "/suggest?text=" + urlquote("市民来电反映家里暖气不热，室温只有十五度，供暖不达标"))
        self.assertStatus(r, 200)
        ids = [x["id"] for x in r.body["items"]]
        self.assertEqual(ids[0], good["id"])
        self.assertLessEqual(len(ids), 5)
        titles = [x["title"] for x in r.body["items"]]
        self.assertNotIn("过期的供暖通知", titles)
        self.assertNotIn("供暖草稿", titles)
        r = self.kb("agent1", "GET", "/suggest?limit=1&text=" + urlquote("供暖"))
        self.assertEqual(len(r.body["items"]), 1)
        for q in ODD + ["的了吗", "，。！"]:
            r = self.kb("agent1", "GET", "/suggest?text=" + urlquote(q))
            self.assertStatus(r, 200, "%r" % q)
        for bad in ("", "text=", "text=%ff", "text=a&limit=11", "text=" + "x" * 4001):
            self.assertStatus(self.kb("agent1", "GET", "/suggest?" + bad), 400)

    def test_validation(self):
        now = datetime.now(timezone.utc)
        for body, field in (({"title": "x"}, "body"), ({"body": "y"}, "title"),
                            ({"title": "字" * 201, "body": "y"}, "title"),
                            ({"title": "x", "body": "y", "tags": ["a,b"]}, "tags"),
                            ({"title": "x", "body": "y", "tags": ["t"] * 11}, "tags"),
                            ({"title": "x", "body": "y", "tags": "t"}, "tags"),
                            ({"title": "x", "body": "y", "state": "withdrawn"}, "state"),
                            ({"title": "x", "body": "y", "category_id": 99999}, "category_id"),
                            ({"title": "x", "body": "y", "unit_id": 99999}, "unit_id"),
                            ({"title": "x", "body": "y", "demo": True}, "demo"),
                            ({"title": "x", "body": "y", "effective_from": fmt_time(now),
                              "expires_at": fmt_time(now - timedelta(days=1))}, "expires_at")):
            r = self.kb("admin", "POST", "/articles", body)
            self.assertError(r, 400, "invalid_argument", field, msg=str(body)[:60])
        self.assertError(self.kb("admin", "GET", "/articles/999999"), 404)
        self.assertError(self.kb("admin", "GET", "/articles/abc"), 404)
        r = self.kb("admin", "PATCH", "/articles/999999", {"version": 1, "title": "x"})
        self.assertError(r, 404)

    def test_answer_cites_published_articles_only(self):
        pub = self.published(title="孕前优生健康检查", body="计划怀孕的夫妇可免费检查一次。")
        draft = self.article(title="草稿", body="草稿")
        for kb_id in (999999, draft["id"]):
            t = self.create(type="consult")
            r = self.act("agent1", t["number"], "answer", answer="请到妇幼保健院。",
                         kb_article_id=kb_id)
            self.assertError(r, 400, "invalid_argument", "kb_article_id")
        t = self.create(type="consult")
        done = self.act_ok("agent1", t["number"], "answer", answer="请到妇幼保健院。",
                           kb_article_id=pub["id"])
        self.assertEqual((done["status"], done["kb_article_id"]), ("closed", pub["id"]))


if __name__ == "__main__":
    unittest.main()
