#!/usr/bin/env python3
"""Search, knowledge-base suggestions and repeat-request lookups on a big
database (issue 4): `make bench-search`.

1. Builds (or reuses) a database of the demo city with N bulk tickets
   (`rexian demo-bulk`, default 1,000,000) under var/bench/, and times it.
2. Starts `rexian serve` on it (127.0.0.1, a free port, access log off).
3. Measures, one request at a time from one client so that each figure is
   a latency and not a queue, after a warm-up:
     - GET /api/v1/tickets?q=...        realistic queries, with and without
                                        filters, as the center and as a unit
     - GET /api/v1/kb/suggest?text=...  what an agent has typed so far
     - GET /api/v1/tickets/{n}/similar  random existing tickets
   and reports p50 / p90 / p99 / max per kind against the targets
   (50 ms, 10 ms, 20 ms at p99).
4. Reports the size of the search index beside the size of the tickets
   table (SQLite's dbstat).
5. With --write FILE, replaces the block between the search-bench markers.

    bench/search.py [--bin ./rexian] [--tickets 1000000] [--requests 600]
                    [--db var/bench/search-1m.db] [--rebuild] [--write docs/PERFORMANCE.md]
"""

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "api"))

import harness  # noqa: E402

sys.path.insert(0, HERE)
import benchlib  # noqa: E402
from benchlib import build, pct, timed  # noqa: E402

PASSWORD = "demo-12345"
TARGETS = {"search": 50.0, "suggest": 10.0, "similar": 20.0}

QUERIES = ["电梯", "加装电梯", "停水", "施工 噪声", "路灯不亮", "孕前检查", "头盔", "欠薪",
           "暖气不热", "垃圾清运", "违章停车", "物业 维修", "学校 交通", "低保", "预付卡 退费",
           "燃气", "供暖 温度", "占道经营", "12345", "水质 发黄", "工资", "噪声扰民",
           "小区 停车位", "疫苗 接种", "社保", "违法建设", "油烟", "广场舞", "志愿者", "不动产"]
FILTERS = ["", "", "&status=processing", "&status=closed", "&sort=newest", "&type=complaint",
           "&status=dispatched,processing&sort=due", "&limit=20"]
TYPED = ["市民来电反映小区", "市民来电反映小区电梯", "老旧小区想加装电梯，一楼住户不同意",
         "咨询孕前检查", "咨询免费孕前优生健康检查需要带什么", "电动车", "电动自行车不戴头盔罚款吗",
         "家里暖气不热，室温只有十五度", "被拖欠工资三个月", "想注册志愿者",
         "晚上工地施工噪声太大", "网购衣服想退货", "闻到燃气味", "路灯", "停水了什么时候来水",
         "低保怎么申请", "孩子上学报名", "违章停车", "垃圾分类", "12345受理范围"]


def sizes(db):
    con = sqlite3.connect(db)
    try:
        rows = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
        n = con.execute("SELECT count(*) FROM tickets").fetchone()[0]
        numbers = [r[0] for r in con.execute(
            "SELECT number FROM tickets WHERE id IN (SELECT abs(random()) %% %d + 1 FROM "
            "(SELECT 1 FROM tickets LIMIT 3000))" % max(n, 1))]
        cats = [r[0] for r in con.execute("SELECT id FROM categories WHERE parent_id IS NOT NULL")]
    finally:
        con.close()
    fts = sum(v for k, v in rows.items() if k.startswith("tickets_fts"))
    table = rows.get("tickets", 0)
    indexes = sum(v for k, v in rows.items() if k.startswith(("tickets_", "sqlite_autoindex_tickets"))
                  and not k.startswith("tickets_fts"))
    sketch = rows.get("ticket_sketch", 0)
    kb = sum(v for k, v in rows.items() if k.startswith("kb_"))
    return {"tickets": n, "table": table, "indexes": indexes, "fts": fts, "sketch": sketch,
            "kb": kb, "file": os.path.getsize(db)}, numbers, cats


def run(srv, numbers, cats, n, rng):
    agent = srv.login("agent1", PASSWORD)
    handler = srv.login("h_dongcheng", PASSWORD)
    out = {"search": [], "suggest": [], "similar": []}
    hits = []
    paths = []
    for i in range(n):
        q = rng.choice(QUERIES)
        f = rng.choice(FILTERS)
        if i % 7 == 3:
            f += "&category_id=%d" % rng.choice(cats)
        paths.append(("search", "/tickets?q=%s%s" % (quote(q), f), handler if i % 5 == 4 else agent))
        text = rng.choice(TYPED)
        paths.append(("suggest", "/kb/suggest?text=%s" % quote(text), agent))
        paths.append(("similar", "/tickets/%s/similar" % rng.choice(numbers), agent))
    for kind, path, tok in paths[:60]:  # warm-up: caches, prepared statements
        timed(srv, path, tok)
    rng.shuffle(paths)
    for kind, path, tok in paths:
        dt, body = timed(srv, path, tok)
        out[kind].append(dt)
        if kind == "search":
            hits.append(len(body["items"]))
    return out, hits


def mb(x):
    return "%.0f MB" % (x / 1048576.0)


def report(args, built, sz, out, hits):
    lines = ["## Search, suggestions and repeat lookups on %s tickets (`bench/search.py`)"
             % format(sz["tickets"], ","), ""]
    lines.append("`make bench-search` (`bench/search.py --tickets %d --requests %d`): the demo city "
                 "with bulk tickets (`rexian demo-bulk`), one client, one request at a time, "
                 "after a warm-up; latencies in ms as the client saw them (HTTP included)."
                 % (args.tickets, args.requests))
    lines.append("")
    lines.append("| request | target p99 | p50 | p90 | p99 | max | n |")
    lines.append("|---|---|---|---|---|---|---|")
    names = {"search": "`GET /tickets?q=` (30 queries x filters, agent and unit)",
             "suggest": "`GET /kb/suggest?text=` (20 typed texts)",
             "similar": "`GET /tickets/{n}/similar` (random tickets)"}
    for k in ("search", "suggest", "similar"):
        xs = out[k]
        lines.append("| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %d |"
                     % (names[k], TARGETS[k], pct(xs, 50), pct(xs, 90), pct(xs, 99), max(xs),
                        len(xs)))
    lines.append("")
    lines.append("Search answers held %.1f items on average (limit 50); %d%% of queries found "
                 "nothing." % (sum(hits) / max(1, len(hits)),
                               100 * sum(1 for h in hits if h == 0) // max(1, len(hits))))
    lines.append("")
    lines.append("| on disk | size |")
    lines.append("|---|---|")
    lines.append("| tickets table | %s |" % mb(sz["table"]))
    lines.append("| its B-tree indexes | %s |" % mb(sz["indexes"]))
    lines.append("| full-text index `tickets_fts` (index + docsize) | %s |" % mb(sz["fts"]))
    lines.append("| text sketches `ticket_sketch` | %s |" % mb(sz["sketch"]))
    lines.append("| knowledge base with its index | %s |" % mb(sz["kb"]))
    lines.append("| whole file | %s |" % mb(sz["file"]))
    lines += [
        "",
        "What keeps these short on a million tickets (docs/ARCHITECTURE.md has the design):",
        "",
        "- CJK text is indexed by character with each adjacent pair beside it, so a word of",
        "  two or more characters is the phrase of its pairs: the posting list of 电梯 is",
        "  walked, not those of 电 and 梯 (电 is in a third of the tickets).",
        "- One call reads at most the newest 1,000 tickets containing the words, newest first",
        "  in FTS5's own rowid order (`ORDER BY rowid DESC`, no sort); relevance and due order",
        "  sort those that pass the filters. Sorting every hit by BM25 took 0.5 s for 电梯,",
        "  and FTS5's bm25() counts every matching row once per query just for the",
        "  document frequency (40 ms for 电梯): `rexian_rank` is BM25 without it.",
        "- Snippets are cut in C for the rows of the page only (FTS5's snippet() cost",
        "  0.3 ms a row).",
        "- Repeat candidates read the category's week from the index `tickets_near`",
        "  (category, created_at, area, lat, lng) with the sketches, and read whole only",
        "  the tickets that pass the place and text rules.",
    ]
    if built is not None:
        lines.append("")
        lines.append("Building the database (`rexian demo-bulk --tickets %d`) took %.0f s here."
                     % (args.tickets, built))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("REXIAN_BIN", os.path.join(REPO, "rexian")))
    ap.add_argument("--tickets", type=int, default=1000000)
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--db")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--write", metavar="FILE")
    ap.add_argument("--segment-cost", metavar="BIN",
                    help="bench/segment_cost binary: ICU iterator costs to report too")
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    db = os.path.abspath(a.db or os.path.join(REPO, "var", "bench", "search-%d.db" % a.tickets))
    built = None
    if a.rebuild or not os.path.exists(db):
        print("building %s (%d tickets) ..." % (db, a.tickets), flush=True)
        built = build(a.bin, db, a.tickets)
    sz, numbers, cats = sizes(db)
    os.environ["REXIAN_BIN"] = a.bin
    srv = harness.Server(db_path=db, admin=False, access_log="off")
    try:
        out, hits = run(srv, numbers, cats, a.requests, random.Random(a.seed))
    finally:
        srv.stop()
        srv.cleanup()
    text = report(a, built, sz, out, hits)
    if a.segment_cost:
        r = subprocess.run([a.segment_cost], stdout=subprocess.PIPE, text=True, check=True)
        text += ("\n\nICU word break iterator costs (`bench/segment_cost`, microseconds, one "
                 "ticket text):\n\n```\n" + r.stdout.strip() + "\n```\n\n"
                 "Each connection's FTS5 tokenizer and each thread's segmenter keep their own "
                 "iterator and only set a new text (ubrk_setText); a clone per call would "
                 "also be cheap, opening one per call would not.")
    print(text)
    if a.write:
        write_section(a.write, text)
    missed = [k for k in TARGETS if pct(out[k], 99) > TARGETS[k]]
    if missed:
        print("missed p99 targets: %s" % ", ".join(missed), file=sys.stderr)


if __name__ == "__main__":
    main()


def write_section(path, text):
    benchlib.write_section(path, text, 'search-bench')
