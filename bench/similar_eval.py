#!/usr/bin/env python3
"""Precision and recall of the repeat-request candidates (issue 4).

Builds a labelled set through the real API on a fresh database: incidents
(one matter at one place) reported one to four times, each report written
differently and mostly by different callers, and near-misses around them:
another matter of the same category at the same compound, and the same
matter at another compound of the same street. Then asks
GET /tickets/{number}/similar for every ticket and compares the candidate
pairs with the labelled repeat pairs.

    bench/similar_eval.py [--bin build/release/rexian] [--seeds 7,11,23] [--incidents 60]
                          [--write docs/PERFORMANCE.md]

Prints precision and recall overall and for each path (phone / place), and
with --write replaces the "Repeat requests" section of docs/PERFORMANCE.md.
"""

import argparse
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "api"))

import harness  # noqa: E402

sys.path.insert(0, HERE)
import benchlib  # noqa: E402

# category code -> (name, matters); a matter is a list of ways to say it,
# (title, content) with {c} compound, {b} building, {r} road.
MATTERS = {
    "LIFT": ("电梯", [
        [("{c}{b}号楼电梯停运", "{c}{b}号楼电梯停运两天了，老人上下楼很困难，请尽快维修。"),
         ("{b}号楼电梯又坏了", "我住{c}，{b}号楼的电梯从前天开始就不能用了，一直没人来修。"),
         ("反映小区电梯停运", "{c}{b}号楼电梯停了好几天，物业说在等配件，家里老人下不了楼。"),
         ("电梯坏了没人修", "{r}{c}{b}号楼电梯停运，打物业电话也没有人管，希望督促维修。")],
        [("{c}{b}号楼电梯困人", "{c}{b}号楼电梯今天上午困人，二十分钟后才有人来，太危险了。"),
         ("电梯关人了", "刚才{c}{b}号楼电梯突然停在两层中间，把人关在里面，要求检查电梯安全。"),
         ("电梯经常突然停住", "{c}{b}号楼的电梯这周已经困人两次了，担心出事，请监管部门检查。")],
        [("{c}加装电梯低层住户不同意", "{c}{b}号楼想加装电梯，一楼住户不同意，怎样才能通过？"),
         ("咨询老旧小区加装电梯", "我们{c}{b}号楼是老楼，想加装电梯，问一下要多少业主同意。"),
         ("加装电梯怎么表决", "{c}{b}号楼加装电梯，业主表决需要什么比例，低层不签字怎么办。")],
    ]),
    "NOISE": ("噪声", [
        [("{r}工地夜间施工噪声", "{c}旁边{r}的工地每天晚上十一点以后还在施工，噪声太大睡不着。"),
         ("夜里施工扰民", "{r}那个工地半夜还在打桩，{c}的居民都被吵醒了，有没有夜间施工许可？"),
         ("工地晚上施工太吵", "住在{c}，{r}工地晚上施工机器声音很响，连续一周了，请管一管。")],
        [("{c}楼下饭店排风扇噪声", "{c}{b}号楼楼下饭店的排风扇和空调外机白天晚上都响，噪声很大。"),
         ("饭店外机扰民", "{c}{b}号楼底商饭店的空调外机对着窗户，嗡嗡响，晚上没法休息。")],
        [("{c}广场舞音响太响", "{c}中心广场每晚跳广场舞，音响开得很大，九点半以后还放。"),
         ("广场舞噪声扰民", "{c}广场舞声音太大，家里孩子要写作业，希望规定时间和音量。")],
    ]),
    "LIGHT": ("路灯", [
        [("{r}路灯不亮", "{r}靠近{c}南门的一段路灯已经一周不亮了，晚上走路很黑。"),
         ("{c}门口路灯坏了", "{c}南门外{r}上的几盏路灯都不亮，晚上出行不安全，请尽快修。"),
         ("路灯晚上不亮", "{r}{c}附近路灯连续好几天晚上都不亮，老人孩子走路容易摔倒。")],
        [("{r}路灯白天也亮着", "{r}{c}门口的路灯白天也一直亮着，浪费电，请检查一下。"),
         ("路灯白天不关", "{c}附近{r}的路灯大白天都开着，连着几天了。")],
    ]),
    "WATER": ("供水", [
        [("{c}停水", "{c}从今天早上开始停水，没有任何通知，现在还没来水。"),
         ("小区突然停水", "{c}{b}号楼一带突然没水了，也没看到停水公告，什么时候能恢复？"),
         ("{c}没有水了", "我们{c}整个小区都停水了，做饭洗漱都没法弄，请供水公司尽快处理。")],
        [("{c}自来水发黄", "{c}{b}号楼自来水发黄，还有一股味道，不敢喝。"),
         ("水质发黄有异味", "{c}{b}号楼这几天水龙头放出来的水是黄的，担心水质有问题。")],
    ]),
    "TRASH": ("垃圾", [
        [("{c}垃圾无人清运", "{c}{b}号楼门口的垃圾桶满了好几天没人清运，气味很大。"),
         ("小区垃圾堆积", "{c}垃圾站的垃圾堆成山了，三四天没拉走，夏天全是苍蝇。"),
         ("垃圾好几天没人收", "{c}{b}号楼下垃圾没人收，物业说环卫不来，请协调清运。")],
        [("{r}有人乱倒建筑垃圾", "{r}{c}北侧空地晚上有车乱倒建筑垃圾，已经堆了很多。"),
         ("乱倒建筑垃圾", "{c}北边{r}旁边的空地经常有人偷偷倒装修垃圾，请城管查处。")],
    ]),
    "HEAT": ("供暖", [
        [("{c}暖气不热", "{c}{b}号楼暖气不热，室内只有十四五度，家里有老人孩子。"),
         ("供暖温度不达标", "{c}{b}号楼今年供暖温度太低，屋里不到十六度，热力公司来看过也没解决。"),
         ("暖气温度低", "住{c}{b}号楼，暖气摸着是温的，屋里很冷，要求上门测温。")],
        [("{c}暖气漏水", "{c}{b}号楼楼道里的暖气管道漏水，地面都是水，请尽快维修。"),
         ("暖气管爆了", "{c}{b}号楼暖气管道漏水滴到楼下，请热力公司来关阀门修理。")],
    ]),
}

# street area code -> (compounds, roads, centre lat/lng)
STREETS = {
    "S1": (["幸福小区", "阳光花园", "锦绣家园", "和平里"], ["建设路", "和平路"], (35.110, 117.170)),
    "S2": (["东湖花园", "翠苑小区", "金桥名邸", "春晖苑"], ["东风路", "人民路"], (35.104, 117.098)),
    "S3": (["书香门第", "丽水湾", "朝阳新村", "康乐小区"], ["南环路", "学府路"], (35.058, 117.214)),
}
PHONE_REUSE = 0.2  # a repeat comes from the first caller


def compound_point(area, i):
    """A compound's centre: compounds of a street lie 300-700 m apart."""
    lat, lng = STREETS[area][2]
    return lat + 0.0035 * i, lng + 0.002 * (i % 2)


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.phones = set()

    def phone(self):
        while True:
            p = "13%d%08d" % (self.rng.randint(0, 9), self.rng.randint(0, 99999999))
            if p not in self.phones:
                self.phones.add(p)
                return p

    def ticket(self, cat_id, say, area, ci, b, phone):
        compounds, roads, _ = STREETS[area]
        c, r = compounds[ci], roads[ci % len(roads)]
        title, content = (s.format(c=c, b=b, r=r) for s in say)
        body = harness.ticket_body(title=title, content=content, area=area,
                                   address="%s%s%d号楼" % (r, c, b), category_id=cat_id,
                                   citizen={"name": "市民", "phone": phone})
        if self.rng.random() < 0.5:
            lat, lng = compound_point(area, ci)
            body["lat"] = lat + self.rng.uniform(-0.0005, 0.0005)
            body["lng"] = lng + self.rng.uniform(-0.0005, 0.0005)
        return body


def build(srv, token, cat_ids, n_incidents, seed):
    """Creates the set; returns (tickets [(number, incident)], truth pairs)."""
    g = Gen(seed)
    tickets = []
    used = set()
    for k in range(n_incidents):
        cat = g.rng.choice(sorted(MATTERS))
        matters = MATTERS[cat][1]
        mi = g.rng.randrange(len(matters))
        area = g.rng.choice(sorted(STREETS))
        ci = g.rng.randrange(len(STREETS[area][0]))
        b = g.rng.randint(1, 12)
        incident = (cat, mi, area, ci)  # one matter at one compound
        if incident in used:
            continue
        used.add(incident)
        first = g.phone()
        ways = list(matters[mi])
        g.rng.shuffle(ways)
        reports = g.rng.choice([1, 2, 2, 3, 3, 4])
        for j in range(reports):
            phone = first if j == 0 or g.rng.random() < PHONE_REUSE else g.phone()
            tickets.append((g.ticket(cat_ids[cat], ways[j % len(ways)], area, ci, b, phone),
                            incident))
        # near-miss: another matter of the category at the same compound
        if len(matters) > 1 and g.rng.random() < 0.7:
            other = g.rng.choice([m for m in range(len(matters)) if m != mi])
            key = (cat, other, area, ci)
            tickets.append((g.ticket(cat_ids[cat], g.rng.choice(matters[other]), area, ci, b,
                                     g.phone()), key))
        # near-miss: the first caller calls again about something else
        if g.rng.random() < 0.3:
            oc = g.rng.choice([x for x in sorted(MATTERS) if x != cat])
            om = g.rng.randrange(len(MATTERS[oc][1]))
            oa = g.rng.choice(sorted(STREETS))
            oci = g.rng.randrange(len(STREETS[oa][0]))
            tickets.append((g.ticket(cat_ids[oc], g.rng.choice(MATTERS[oc][1][om]), oa, oci,
                                     g.rng.randint(1, 12), first), (oc, om, oa, oci)))
        # near-miss: the same matter at another compound of the street
        if g.rng.random() < 0.7:
            cj = (ci + 1 + g.rng.randrange(len(STREETS[area][0]) - 1)) % len(STREETS[area][0])
            key = (cat, mi, area, cj)  # a repeat after all if that compound has the incident
            tickets.append((g.ticket(cat_ids[cat], g.rng.choice(matters[mi]), area, cj,
                                     g.rng.randint(1, 12), g.phone()), key))
    g.rng.shuffle(tickets)
    created = []
    for body, label in tickets:
        r = srv.request("POST", "/tickets", body, token=token)
        if r.status != 201:
            raise SystemExit("create failed: %r" % (r,))
        created.append((r.body["number"], label))
    truth = set()
    for i, (a, la) in enumerate(created):
        for b2, lb in created[i + 1:]:
            if la == lb:
                truth.add(frozenset((a, b2)))
    return created, truth


def evaluate(srv, token, created):
    pred, by_reason = set(), {"phone": set(), "place": set()}
    times = []
    for number, _ in created:
        t0 = time.perf_counter()
        r = srv.request("GET", "/tickets/%s/similar?limit=50" % number, token=token)
        times.append(time.perf_counter() - t0)
        if r.status != 200:
            raise SystemExit("similar failed: %r" % (r,))
        for it in r.body["items"]:
            pair = frozenset((number, it["number"]))
            pred.add(pair)
            if "same_phone" in it["reasons"]:
                by_reason["phone"].add(pair)
            if "similar_text" in it["reasons"] and "same_category" in it["reasons"]:
                by_reason["place"].add(pair)
    return pred, by_reason, times


def pr(pred, truth):
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, tp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("REXIAN_BIN", "build/release/rexian"))
    ap.add_argument("--seeds", default="7,11,23", help="comma list: one labelled set each")
    ap.add_argument("--incidents", type=int, default=60)
    ap.add_argument("--write", metavar="FILE")
    a = ap.parse_args()
    os.environ["REXIAN_BIN"] = a.bin
    rows = []
    totals = {"all": [set(), set()], "place": [set(), set()], "phone": [set(), set()]}
    n_tickets = 0
    for seed in [int(x) for x in a.seeds.split(",")]:
        srv = harness.Server(access_log="off")
        try:
            admin = srv.admin_token()
            unit = srv.request("POST", "/units", {"code": "U1", "name": "承办单位",
                                                  "kind": "bureau"}, token=admin).body["id"]
            cat_ids = {}
            for code, (name, _) in sorted(MATTERS.items()):
                r = srv.request("POST", "/categories", {"code": code, "name": name,
                                                        "default_unit_id": unit}, token=admin)
                cat_ids[code] = r.body["id"]
            srv.request("POST", "/users", {"username": "agent1", "password": harness.PASSWORD,
                                           "role": "agent", "name": "话务员"}, token=admin)
            token = srv.login("agent1", harness.PASSWORD)
            created, truth = build(srv, token, cat_ids, a.incidents, seed)
            pred, by_reason, _ = evaluate(srv, token, created)
        finally:
            srv.stop()
            srv.cleanup()
        n_tickets += len(created)
        tag = lambda x: {(seed, p) for p in x}  # noqa: E731 - pairs of different sets never meet
        for k, got in (("all", pred), ("place", by_reason["place"]), ("phone", by_reason["phone"])):
            totals[k][0] |= tag(got)
            totals[k][1] |= tag(truth)
        p, r, tp = pr(pred, truth)
        rows.append("| %d | %d | %d | %d | %.2f | %.2f |" % (seed, len(created), len(truth),
                                                          len(pred), p, r))
    lines = [
        "## Repeat requests: precision and recall (`bench/similar_eval.py`)",
        "",
        "A labelled set made through the API for each seed: incidents (one matter at one",
        "compound, %d per set) reported 1-4 times in different words, the first caller"
        % a.incidents,
        "making %d%% of the repeats; near-misses beside them: another matter of the same"
        % int(PHONE_REUSE * 100),
        "category at the same compound, the same matter at another compound of the same",
        "street, and the first caller calling again about something else. Half the tickets",
        "have coordinates (compounds 300-700 m apart), `--similar-distance` is the default",
        "300 m. Every ticket's `GET /tickets/{n}/similar` is read; a pair counts once,",
        "whichever ticket listed the other.",
        "",
        "| seed | tickets | repeat pairs | pairs listed | precision | recall |",
        "|---|---|---|---|---|---|",
    ] + rows + [
        "",
        "| all seeds (%d tickets) | pairs listed | precision | recall |" % n_tickets,
        "|---|---|---|---|",
    ]
    names = {"all": "every candidate", "place": "same category, nearby, similar text",
             "phone": "same phone (30 days)"}
    for k in ("all", "place", "phone"):
        p, r, _ = pr(totals[k][0], totals[k][1])
        lines.append("| %s | %d | %.2f | %.2f |" % (names[k], len(totals[k][0]), p, r))
    lines += [
        "",
        "Recall of a path counts against every repeat pair, so the two add up. The",
        "same-phone rule lists every ticket of a caller within 30 days by design; when the",
        "caller has two matters it is a false positive that the agent dismisses.",
    ]
    text = "\n".join(lines)
    print(text)
    if a.write:
        benchlib.write_section(a.write, text, 'similar-eval')


if __name__ == "__main__":
    main()
