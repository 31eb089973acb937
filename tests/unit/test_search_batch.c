/*
 * test_search_batch.c - new tickets enter the search index when their
 * batch commits (migration 009): a ticket written and changed in the same
 * batch is found by its final text only, a request rolled back leaves
 * nothing in the index or its queue, a ticket changed after its batch is
 * re-indexed by the update trigger, and FTS5's own integrity check agrees
 * with the tickets after each step. A real SQLite file, through app/ and
 * store/ as the server uses them.
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

/* How many tickets a search for q finds (as an agent sees them: all). */
static size_t found(const char *q)
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
    struct store_conn *c = store_conn_get(store);
    assert_int_equal(store_ticket_search(c, &f, &items, &keys, NULL, &n, &more, NULL), STORE_OK);
    store_free_tickets(items, n);
    free(keys);
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
