/*
 * test_supervise.c - the timer loop with an injected "now": one sla_warning
 * and one sla_overdue event per clock crossing, none repeated by a second
 * pass, after a restart (the store closed and opened again) or when two
 * loops race; automatic urging of overdue tickets; provisional deadlines
 * redone when their year's calendar arrives. Runs on a real SQLite file in
 * a temporary directory, through app/ like the server does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdb.h"

#include "app/deadlines.h"
#include "core/sla.h"
#include "core/timeutil.h"

static char dir[64], db[96];
static struct store *store;
static struct unit unit;
static struct actor agent, handler;

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;
    if (time_parse_rfc3339(rfc3339, &ms) != 0)
        fail_msg("bad time in test: %s", rfc3339);
    return ms;
}

static void open_store(void)
{
    char err[256];
    if (store_open(db, true, &store, err, sizeof err) != STORE_OK)
        fail_msg("store_open: %s", err);
}

/* A calendar with the shipped years only (2026 known, 2027 not). */
static void load_calendar(void)
{
    struct calendar *c = calendar_new();
    char err[256];
    int files = 0;
    const char *env = getenv("REXIAN_DATA_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/calendar", env ? env : "data");
    assert_non_null(c);
    if (calendar_load_dir(c, path, &files, err, sizeof err) != 0 || files < 2)
        fail_msg("cannot load %s (run from the repository root): %s", path, err);
    calendar_install(c);
}

static int setup(void **state)
{
    (void)state;
    if (timeutil_set_zone("Asia/Shanghai") != 0 || app_init() != 0)
        return -1;
    if (tmpdb_make("supervise", dir, db) != 0)
        return -1;
    open_store();
    load_calendar();
    memset(&unit, 0, sizeof unit);
    unit.code = strdup("D1");
    unit.name = strdup("牡丹区");
    unit.kind = UK_DISTRICT;
    unit.active = true;
    struct store_conn *c = store_conn_get(store);
    if (!c || store_unit_insert(c, &unit) != STORE_OK)
        return -1;
    agent = (struct actor){.role = ROLE_AGENT, .name = "agent"};
    handler = (struct actor){.role = ROLE_HANDLER, .unit_id = unit.id, .unit_path = unit.path,
                             .name = "handler"};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(store);
    unit_release(&unit);
    calendar_install(NULL);
    tmpdb_remove(dir);
    return 0;
}

/* A consult ticket created and dispatched to D1 at `when`; its number into out. */
static void dispatched(const char *when, enum ticket_type type, char *out)
{
    struct ticket_input in = {.channel = CH_PHONE, .type = type, .urgency = URG_NORMAL,
                              .title = "路灯不亮", .content = "小区门口路灯坏了一周。",
                              .created_at = at(when)};
    struct ticket t;
    struct app_error e;
    struct action_args g;
    if (app_ticket_create(store, &agent, &in, &t, &e) != APP_OK)
        fail_msg("create: %s", e.message);
    action_args_init(&g);
    g.unit_id = unit.id;
    memcpy(out, t.number, TICKET_NUMBER_LEN + 1);
    int version = t.version;
    ticket_release(&t);
    if (app_ticket_act(store, &agent, out, version, ACT_DISPATCH, &g, "{}", at(when), &t, &e) !=
        APP_OK)
        fail_msg("dispatch: %s", e.message);
    ticket_release(&t);
}

/* How many events of `act` the ticket has. */
static int count(const char *number, enum action act)
{
    struct ticket t;
    struct ticket_event *ev = NULL;
    size_t n = 0;
    int k = 0;
    struct store_conn *c = store_conn_get(store);
    assert_int_equal(store_ticket_get(c, number, &t), STORE_OK);
    assert_int_equal(store_event_list(c, t.id, &ev, &n), STORE_OK);
    for (size_t i = 0; i < n; i++)
        k += ev[i].action == act;
    store_free_events(ev, n);
    ticket_release(&t);
    return k;
}

static struct sla_scan_stats scan(const char *when)
{
    struct sla_scan_stats st;
    assert_int_equal(app_sla_scan(store, at(when), &st), STORE_OK);
    return st;
}

/*
 * Sign clock: dispatched Tuesday 2026-12-01 09:00, due Wednesday 17:30
 * (1 working day); 80% of the 32.5 hours is used at Wednesday 11:00.
 */
static void test_one_event_per_crossing(void **state)
{
    char num[TICKET_NUMBER_LEN + 1];
    struct ticket t;
    struct app_error e;
    (void)state;
    dispatched("2026-12-01T09:00:00+08:00", TT_CONSULT, num);
    assert_int_equal(scan("2026-12-02T10:59:00+08:00").warnings, 0);
    struct sla_scan_stats st = scan("2026-12-02T11:00:00+08:00");
    assert_int_equal(st.warnings, 1);
    assert_int_equal(st.overdue, 0);
    assert_int_equal(scan("2026-12-02T11:00:00+08:00").warnings, 0);
    assert_int_equal(scan("2026-12-02T15:00:00+08:00").warnings, 0);
    assert_int_equal(count(num, ACT_SLA_WARNING), 1);

    /* Restart: the marks are in the database, so nothing is recorded twice. */
    store_close(store);
    open_store();
    st = scan("2026-12-02T16:00:00+08:00");
    assert_int_equal(st.warnings + st.overdue, 0);

    st = scan("2026-12-02T17:31:00+08:00");
    assert_int_equal(st.overdue, 1);
    assert_int_equal(st.urged, 1);
    st = scan("2026-12-03T09:00:00+08:00");
    assert_int_equal(st.warnings + st.overdue, 0);
    store_close(store);
    open_store();
    st = scan("2026-12-04T09:00:00+08:00");
    assert_int_equal(st.warnings + st.overdue, 0);
    assert_int_equal(count(num, ACT_SLA_WARNING), 1);
    assert_int_equal(count(num, ACT_SLA_OVERDUE), 1);
    assert_int_equal(count(num, ACT_URGE), 1);
    assert_int_equal(app_ticket_get(store, &agent, num, &t, &e), APP_OK);
    assert_int_equal(t.urge_count, 1);
    /* One version per event: create, dispatch, yellow card, red card, urge. */
    assert_int_equal(t.version, 5);

    /* A new clock (the reply clock after signing) is a new crossing. */
    int v = t.version;
    ticket_release(&t);
    struct action_args g;
    action_args_init(&g);
    assert_int_equal(app_ticket_act(store, &handler, num, v, ACT_ACCEPT, &g, "{}",
                                    at("2026-12-04T09:30:00+08:00"), &t, &e),
                     APP_OK);
    ticket_release(&t);
    /* Reply due 2026-12-03 17:30 (2 working days from the dispatch): already past. */
    st = scan("2026-12-04T09:31:00+08:00");
    assert_int_equal(st.overdue, 1);
    assert_int_equal(st.warnings, 0); /* found overdue at once: the red card only */
    assert_int_equal(count(num, ACT_SLA_WARNING), 1);
    assert_int_equal(count(num, ACT_SLA_OVERDUE), 2);
    assert_int_equal(count(num, ACT_URGE), 2);
}

struct racer {
    int64_t now;
    struct sla_scan_stats st;
    int rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    r->rc = app_sla_scan(store, r->now, &r->st);
    store_conn_drop(store);
    return NULL;
}

/* Two loops scanning the same database at once record each crossing once. */
static void test_racing_loops(void **state)
{
    enum { TICKETS = 12 };
    char nums[TICKETS][TICKET_NUMBER_LEN + 1];
    struct racer r[2] = {{.now = at("2026-12-09T11:00:00+08:00")},
                         {.now = at("2026-12-09T11:00:00+08:00")}};
    pthread_t th[2];
    (void)state;
    for (int i = 0; i < TICKETS; i++)
        dispatched("2026-12-08T09:00:00+08:00", TT_HELP, nums[i]);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(r[0].rc, STORE_OK);
    assert_int_equal(r[1].rc, STORE_OK);
    assert_int_equal(r[0].st.warnings + r[1].st.warnings, TICKETS);
    for (int i = 0; i < TICKETS; i++)
        assert_int_equal(count(nums[i], ACT_SLA_WARNING), 1);
}

/*
 * A reply clock reaching into 2027 (no calendar) is provisional; once 2027
 * is loaded, the deadline is redone and the flag cleared, with one event.
 */
static void test_provisional_recompute(void **state)
{
    char num[TICKET_NUMBER_LEN + 1];
    struct ticket t;
    struct app_error e;
    (void)state;
    dispatched("2026-12-21T09:00:00+08:00", TT_COMPLAINT, num); /* 15 working days */
    assert_int_equal(app_ticket_get(store, &agent, num, &t, &e), APP_OK);
    assert_true(t.deadline_provisional & SLA_PROV_BIT(SLA_CLOCK_REPLY));
    assert_false(t.deadline_provisional & SLA_PROV_BIT(SLA_CLOCK_SIGN));
    assert_int_equal(t.reply_due, at("2027-01-11T17:30:00+08:00")); /* weekdays alone */
    ticket_release(&t);

    const struct calendar *cur = calendar_acquire();
    struct calendar *c = calendar_copy(cur);
    calendar_release(cur);
    assert_non_null(c);
    assert_int_equal(calendar_set(c, 20270101, CAL_HOLIDAY, "元旦", CAL_FROM_DB), 0);
    assert_int_equal(calendar_mark_year(c, 2027), 0);
    calendar_install(c);
    size_t changed = 0;
    assert_int_equal(app_deadlines_recompute(store, at("2026-12-22T09:00:00+08:00"), &changed),
                     STORE_OK);
    assert_true(changed >= 1);
    assert_int_equal(app_ticket_get(store, &agent, num, &t, &e), APP_OK);
    assert_int_equal(t.deadline_provisional, 0);
    assert_int_equal(t.reply_due, at("2027-01-12T17:30:00+08:00"));
    ticket_release(&t);
    assert_int_equal(count(num, ACT_DEADLINE_RECOMPUTED), 1);
    /* Nothing left to redo: a second pass changes nothing. */
    assert_int_equal(app_deadlines_recompute(store, at("2026-12-22T10:00:00+08:00"), &changed),
                     STORE_OK);
    assert_int_equal(changed, 0);
    load_calendar();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_event_per_crossing),
        cmocka_unit_test(test_racing_loops),
        cmocka_unit_test(test_provisional_recompute),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
