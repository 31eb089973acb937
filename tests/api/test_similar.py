"""Repeat requests: the `similar` member of a create answer and
GET /tickets/{number}/similar."""

import unittest

from harness import ServerTestCase, ticket_body


def lift(**over):
    body = dict(title="幸福小区3号楼电梯停运",
                content="幸福小区3号楼电梯停运两天了，老人上下楼很困难，请尽快维修。",
                address="建设路幸福小区3号楼", area="370302001")
    body.update(over)
    return body


class SimilarTest(ServerTestCase):

    def create_lift(self, phone, **over):
        body = ticket_body(category_id=self.c.cat["LIFT"],
                           citizen={"name": "市民", "phone": phone}, **lift(**over))
        r = self.req("POST", "/tickets", body, who="agent1")
        self.assertStatus(r, 201)
        self.assertIsInstance(r.body.get("similar"), list, r)
        return r.body

    def similar(self, number, who="agent1", query=""):
        r = self.get("/tickets/%s/similar%s" % (number, query), who)
        self.assertStatus(r, 200)
        return r.body["items"]

    def test_same_phone_within_30_days(self):
        a = self.create(title="噪声扰民", content="楼下饭店很吵。",
                        citizen={"name": "王", "phone": "13711112222"})
        b = self.create(title="路灯不亮", content="门口路灯坏了。",
                        citizen={"name": "王", "phone": "13711112222"})
        hits = {s["number"]: s for s in b["similar"]}
        self.assertIn(a["number"], hits)
        self.assertIn("same_phone", hits[a["number"]]["reasons"])
        self.assertTrue(0 < hits[a["number"]]["score"] <= 1)
        # and the other way round, by lookup
        self.assertIn(b["number"], [s["number"] for s in self.similar(a["number"])])

    def test_same_matter_same_place_written_differently(self):
        first = self.create_lift("13800000001")
        again = self.create_lift("13800000002", title="3号楼电梯又坏了",
                                 content="我是幸福小区的，3号楼电梯从前天停运到现在，一直没人来修电梯。")
        hit = [s for s in again["similar"] if s["number"] == first["number"]]
        self.assertEqual(len(hit), 1, again["similar"])
        for reason in ("same_category", "same_area", "similar_address", "similar_text"):
            self.assertIn(reason, hit[0]["reasons"])
        self.assertNotIn("same_phone", hit[0]["reasons"])
        self.assertGreater(hit[0]["text_similarity"], 0)
        self.assertIsNone(hit[0]["distance_m"])

    def test_near_misses_are_left_out(self):
        base = self.create_lift("13800000011", address="和平路锦绣家园8号楼", area="370302009",
                                title="锦绣家园8号楼电梯停运",
                                content="锦绣家园8号楼电梯停运，老人上下楼困难。")
        # another matter at the same building
        other = self.create_lift("13800000012", address="和平路锦绣家园8号楼", area="370302009",
                                 title="锦绣家园8号楼垃圾无人清运",
                                 content="锦绣家园8号楼门口垃圾堆了好几天没人清运。")
        # the same matter at another compound of the street
        street = self.create_lift("13800000013", address="和平路春晖苑2号楼", area="370302009",
                                  title="春晖苑2号楼电梯停运",
                                  content="春晖苑2号楼电梯停运，老人上下楼困难。")
        nums = [s["number"] for s in self.similar(base["number"])]
        self.assertNotIn(other["number"], nums)
        self.assertNotIn(street["number"], nums)
        # another category at the same place with the same words is not a repeat either
        bus = self.req("POST", "/tickets", ticket_body(
            category_id=self.c.cat["BUS"], citizen=None,
            **lift(address="和平路锦绣家园8号楼", area="370302009",
                   title="锦绣家园8号楼电梯停运", content="锦绣家园8号楼电梯停运。")), who="agent1")
        self.assertStatus(bus, 201)
        self.assertNotIn(base["number"], [s["number"] for s in bus.body["similar"]])

    def test_nearby_by_coordinates(self):
        a = self.create_lift("13800000021", address=None, area=None, lat=35.1, lng=117.1,
                             title="路口电梯停运", content="地铁口电梯停运，老人上下楼困难。")
        near = self.create_lift("13800000022", address=None, area=None, lat=35.1015, lng=117.1,
                                title="电梯停运", content="地铁口的电梯又停运了，上下楼困难。")
        far = self.create_lift("13800000023", address=None, area=None, lat=35.2, lng=117.1,
                               title="电梯停运", content="地铁口的电梯停运了，上下楼困难。")
        hits = {s["number"]: s for s in near["similar"]}
        self.assertIn(a["number"], hits)
        self.assertIn("nearby", hits[a["number"]]["reasons"])
        self.assertTrue(100 < hits[a["number"]]["distance_m"] < 250)
        self.assertNotIn(a["number"], [s["number"] for s in far["similar"]])

    def test_open_tickets_first(self):
        phone = "13900009999"
        closed = self.create(title="咨询公积金", content="怎么提取公积金", type="consult",
                             citizen={"name": "赵", "phone": phone})
        self.act_ok("agent1", closed["number"], "answer", answer="请到公积金中心。")
        open_ = self.create(title="反映噪声", content="夜间施工",
                            citizen={"name": "赵", "phone": phone})
        probe = self.create(title="再问公积金", content="怎么提取公积金",
                            citizen={"name": "赵", "phone": phone})
        items = self.similar(probe["number"])
        order = [s["number"] for s in items]
        self.assertLess(order.index(open_["number"]), order.index(closed["number"]))
        self.assertEqual(items[order.index(closed["number"])]["status"], "closed")

    def test_access_and_parameters(self):
        t = self.create_lift("13800000031")
        self.assertError(self.get("/tickets/%s/similar" % t["number"], "h_d1"), 403)
        self.assertError(self.get("/tickets/20990101000001/similar", "agent1"), 404)
        self.assertError(self.get("/tickets/abc/similar", "agent1"), 404)
        for q in ("?limit=0", "?limit=51", "?x=1"):
            self.assertStatus(self.get("/tickets/%s/similar%s" % (t["number"], q), "agent1"), 400)
        self.assertLessEqual(len(self.similar(t["number"], query="?limit=1")), 1)
        self.assertStatus(self.get("/tickets/%s/similar" % t["number"], "sup1"), 200)
        # a merged ticket is not offered again
        m = self.create_lift("13800000032")
        self.act_ok("agent1", m["number"], "merge", master=t["number"])
        self.assertNotIn(m["number"], [s["number"] for s in self.similar(t["number"])])


if __name__ == "__main__":
    unittest.main()
