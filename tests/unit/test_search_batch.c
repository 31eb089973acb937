/*
 * test_search_batch.c - new tickets wait in the search queue (migration
 * 009) and enter the index a few hundred at a time, or when a search needs
 * them: a search finds every committed ticket all the same, also from
 * another process's store and inside a request's own write transaction; a
 * ticket written and changed before it is indexed is found by its final
 * text only, a request rolled back leaves nothing in the index or its
 * queue, a ticket changed after it is indexed is re-indexed by the update
 * trigger, and FTS5's own integrity check agrees with the tickets after
 * each step. A real SQLite file, through app/ and store/ as the server
 * uses them; the queue is read with SQLite directly, as an operator would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "tmpdb.h"

#include "app/app.h"
#include "core/timeutil.h"
#include "store/store.h"

static char dir[64], db[96];
static struct store *store;
static struct actor agent;

static int setup(void **state)
{
    (void)state;
    if (timeutil_set_zone("Asia/Shanghai") != 0 || app_init() != 0)
        return -1;
    if (tmpdb_make("search-batch", dir, db) != 0)
        return -1;
    char err[256];
    if (store_open(db, true, &store, err, sizeof err) != STORE_OK)
        return -1;
    agent = (struct actor){.role = ROLE_AGENT, .name = "agent"};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(store);
    tmpdb_remove(dir);
    return 0;
}

/* How many tickets a search for q finds in store st (as an agent sees them: all). */
static size_t found_in(struct store *st, const char *q)
{
    struct ticket_filter f;
    ticket_filter_init(&f);
    f.q = q;
    f.limit = 50;
    f.now = time_now_ms();
    struct ticket *items = NULL;
    int64_t *keys = NULL;
    size_t n = 0;
    bool more = false;
    struct store_conn *c = store_conn_get(st);
    assert_int_equal(store_ticket_search(c, &f, &items, &keys, NULL, &n, &more, NULL), STORE_OK);
    store_free_tickets(items, n);
    free(keys);
    return n;
}

static size_t found(const char *q)
{
    return found_in(store, q);
}

/* Tickets waiting in the search queue, read on a connection of its own. */
static int queued(void)
{
    sqlite3 *d = NULL;
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(d, "SELECT count(*) FROM tickets_fts_queue", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(d);
    assert_true(n >= 0);
    return n;
}

static void check_index(void)
{
    assert_int_equal(store_search_check(store_conn_get(store)), STORE_OK);
}

static void create(const char *title, const char *content, struct ticket *out)
{
    struct ticket_input in = {.channel = CH_PHONE, .type = TT_COMPLAINT, .urgency = URG_NORMAL,
                              .title = title, .content = content};
    struct app_error e;
    if (app_ticket_create(store, &agent, &in, out, &e) != APP_OK)
        fail_msg("create: %s", e.message);
}

/* n tickets of the same text, each in its own request. */
static void create_many(int n, const char *title, const char *content)
{
    for (int i = 0; i < n; i++) {
        struct ticket t;
        create(title, content, &t);
        ticket_release(&t);
    }
}

/* Created and then given a reply inside one outer transaction, so both
   writes are in the batch before its index statement runs. */
static void test_changed_in_its_batch(void **state)
{
    (void)state;
    struct store_conn *c = store_conn_get(store);
    assert_int_equal(store_begin(c, true), STORE_OK);
    struct ticket t;
    create("电梯加装协调", "老旧小区加装电梯，一楼住户反对。", &t);
    free(t.reply);
    t.reply = strdup("已联系街道召开协调会，住户达成一致。");
    assert_non_null(t.reply);
    assert_int_equal(store_ticket_update(c, &t, t.version), STORE_OK);
    ticket_release(&t);
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(found("电梯"), 1);
    assert_int_equal(found("协调会"), 1); /* the reply, written before indexing */
    check_index();
}

/* A request that rolls back leaves no ticket, no index entry, no queue row. */
static void test_rolled_back(void **state)
{
    (void)state;
    struct store_conn *c = store_conn_get(store);
    assert_int_equal(store_begin(c, true), STORE_OK);
    struct ticket t;
    create("供暖不热", "家中暖气温度只有十二度。", &t);
    ticket_release(&t);
    assert_int_equal(store_begin(c, true), STORE_OK); /* a nested savepoint */
    create("噪音扰民", "楼下烧烤店深夜噪音。", &t);
    ticket_release(&t);
    store_rollback(c); /* the second one only */
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(found("暖气"), 1);
    assert_int_equal(found("烧烤"), 0);
    check_index();
}

/* After its batch, a change of text goes through the update trigger. */
static void test_changed_later(void **state)
{
    (void)state;
    struct ticket t;
    create("路灯不亮", "小区门口路灯坏了一周。", &t);
    assert_int_equal(found("路灯"), 1);
    struct store_conn *c = store_conn_get(store);
    assert_int_equal(store_begin(c, true), STORE_OK);
    free(t.reply);
    t.reply = strdup("路政已更换灯泡。");
    assert_non_null(t.reply);
    assert_int_equal(store_ticket_update(c, &t, t.version), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    ticket_release(&t);
    assert_int_equal(found("灯泡"), 1);
    assert_int_equal(found("路灯"), 1);
    check_index();
}

/* New tickets wait in the queue until a search asks for them. */
static void test_waits_for_a_search(void **state)
{
    (void)state;
    assert_int_equal(found("井盖"), 0); /* the queue is empty after it */
    assert_int_equal(queued(), 0);
    create_many(3, "井盖缺失", "人行道井盖丢失，夜里有人踩空。");
    assert_int_equal(queued(), 3);
    assert_int_equal(found("井盖"), 3);
    assert_int_equal(queued(), 0);
    check_index();
}

/* Another process's store finds what this one has not indexed yet. */
static void test_other_process(void **state)
{
    (void)state;
    create_many(2, "消防通道堵塞", "小区消防通道被私家车占用。");
    assert_int_equal(queued(), 2);
    struct store *other = NULL;
    char err[256];
    assert_int_equal(store_open(db, false, &other, err, sizeof err), STORE_OK);
    assert_int_equal(found_in(other, "消防通道"), 2);
    store_close(other);
    assert_int_equal(queued(), 0);
    assert_int_equal(found("消防通道"), 2);
}

/* Inside a request's write transaction a search sees what it wrote, and a
   rollback takes the index entries back with the ticket. */
static void test_in_write_transaction(void **state)
{
    (void)state;
    struct store_conn *c = store_conn_get(store);
    assert_int_equal(store_begin(c, true), STORE_OK);
    struct ticket t;
    create("占道经营", "菜市场门口摊贩占道经营。", &t);
    ticket_release(&t);
    size_t n = found("摊贩");
    store_rollback(c); /* first: a failed check must not leave the write lock held */
    assert_int_equal(n, 1);
    assert_int_equal(found("摊贩"), 0);
    assert_int_equal(queued(), 0);
    check_index();
}

/* Without any search, the queue is indexed once it has grown a few hundred. */
static void test_indexed_in_bulk(void **state)
{
    (void)state;
    create_many(300, "绿化带垃圾", "绿化带里堆放建筑垃圾。");
    int n = queued();
    assert_true(n > 0 && n < 300);
    assert_int_equal(found("建筑垃圾"), 50); /* one page of the 300 */
    check_index();
}

/* Many creations from many threads' worth of batches: every one indexed once. */
static void test_many(void **state)
{
    (void)state;
    for (int i = 0; i < 200; i++) {
        char title[64];
        snprintf(title, sizeof title, "工资拖欠第%d件", i);
        struct ticket t;
        create(title, "工地拖欠农民工工资三个月。", &t);
        ticket_release(&t);
    }
    assert_int_equal(found("农民工"), 50); /* one page of the 200 */
    check_index();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changed_in_its_batch),
        cmocka_unit_test(test_rolled_back),
        cmocka_unit_test(test_changed_later),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_waits_for_a_search),
        cmocka_unit_test(test_other_process),
        cmocka_unit_test(test_in_write_transaction),
        cmocka_unit_test(test_indexed_in_bulk),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
