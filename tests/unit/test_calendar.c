/*
 * test_calendar.c - the working calendar over real edges of the shipped
 * schedules (data/calendar/2025.txt, 2026.txt), provisional deadlines for a
 * year without one, the calendar file format, settings (working hours,
 * warning share) and the deadline rule table. Zone: Asia/Shanghai.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "core/sla.h"
#include "core/sla_rules.h"
#include "core/timeutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define H(x) ((int64_t)(x) * 3600000)

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;

    if (time_parse_rfc3339(rfc3339, &ms) != 0)
        fail_msg("bad time in test: %s", rfc3339);
    return ms;
}

/* Loads the shipped calendar files (run from the repository root, or REXIAN_DATA_DIR). */
static int setup(void **state)
{
    const char *env = getenv("REXIAN_DATA_DIR");
    const char *dirs[] = {env ? env : "data", "data", "../data", "../../data"};
    char path[512], err[256];
    int files = 0;

    (void)state;
    if (timeutil_set_zone("Asia/Shanghai") != 0)
        return -1;
    for (size_t i = 0; i < N(dirs); i++) {
        struct calendar *c = calendar_new();
        snprintf(path, sizeof path, "%s/calendar", dirs[i]);
        if (c && calendar_load_dir(c, path, &files, err, sizeof err) == 0 && files >= 2) {
            calendar_install(c);
            return 0;
        }
        calendar_free(c);
    }
    print_error("cannot find data/calendar (run from the repository root)\n");
    return -1;
}

static int teardown(void **state)
{
    (void)state;
    calendar_install(NULL);
    return 0;
}

static void expect_due(const char *from, int amount, enum sla_unit unit, const char *want,
                       bool want_provisional)
{
    bool prov = false;
    char got[40];
    int64_t due = sla_due_on(NULL, at(from), (struct sla_span){amount, unit}, &prov);

    assert_int_equal(time_format_rfc3339(due, got, sizeof got), 0);
    if (due != at(want) || prov != want_provisional)
        fail_msg("%s + %d %s: got %s%s, want %s%s", from, amount, sla_unit_name(unit), got,
                 prov ? " (provisional)" : "", want, want_provisional ? " (provisional)" : "");
}

/* The edges: 9-20 (Sunday) counts, 9-25..9-27 and 10-1..10-7 do not. */
static void test_shipped_edges(void **state)
{
    (void)state;
    expect_due("2026-09-18T15:00:00+08:00", 10, SLA_WORKING_DAYS, "2026-10-09T17:30:00+08:00",
               false);
    expect_due("2026-02-13T15:00:00+08:00", 1, SLA_WORKING_DAYS, "2026-02-14T17:30:00+08:00",
               false);
    /* Spring festival 2026: 2-15..2-23 off, 2-28 (Saturday) on. */
    expect_due("2026-02-14T09:00:00+08:00", 1, SLA_WORKING_DAYS, "2026-02-24T17:30:00+08:00",
               false);
    expect_due("2026-02-24T09:00:00+08:00", 4, SLA_WORKING_DAYS, "2026-02-28T17:30:00+08:00",
               false);
    /* New Year 2026: 1-1..1-3 off, 1-4 (Sunday) on. */
    expect_due("2025-12-31T10:00:00+08:00", 1, SLA_WORKING_DAYS, "2026-01-04T17:30:00+08:00",
               false);
    /* 2025 National Day: 10-1..10-8 off, 9-28 (Sunday) and 10-11 (Saturday) on. */
    expect_due("2025-09-26T10:00:00+08:00", 1, SLA_WORKING_DAYS, "2025-09-28T17:30:00+08:00",
               false);
    expect_due("2025-09-30T10:00:00+08:00", 2, SLA_WORKING_DAYS, "2025-10-10T17:30:00+08:00",
               false);
    expect_due("2025-09-30T10:00:00+08:00", 3, SLA_WORKING_DAYS, "2025-10-11T17:30:00+08:00",
               false);
    /* Working hours walk over a holiday: 30 minutes before it, 30 after. */
    expect_due("2026-09-30T17:00:00+08:00", 1, SLA_WORKING_HOURS, "2026-10-08T09:00:00+08:00",
               false);
    /* 0 working days on a holiday: the close of the next working day. */
    expect_due("2026-10-03T10:00:00+08:00", 0, SLA_WORKING_DAYS, "2026-10-08T17:30:00+08:00",
               false);
}

static void test_working_dates(void **state)
{
    static const struct {
        const char *day;
        int working;
    } cases[] = {
        {"2025-10-08T12:00:00+08:00", 0}, {"2025-10-11T12:00:00+08:00", 1},
        {"2025-01-26T12:00:00+08:00", 1}, {"2025-02-08T12:00:00+08:00", 1},
        {"2025-01-28T12:00:00+08:00", 0}, {"2025-02-04T12:00:00+08:00", 0},
        {"2025-04-27T12:00:00+08:00", 1}, {"2025-05-05T12:00:00+08:00", 0},
        {"2025-06-02T12:00:00+08:00", 0}, {"2025-09-28T12:00:00+08:00", 1},
        {"2026-01-04T12:00:00+08:00", 1}, {"2026-01-02T12:00:00+08:00", 0},
        {"2026-02-14T12:00:00+08:00", 1}, {"2026-02-23T12:00:00+08:00", 0},
        {"2026-02-28T12:00:00+08:00", 1}, {"2026-05-09T12:00:00+08:00", 1},
        {"2026-06-19T12:00:00+08:00", 0}, {"2026-09-20T12:00:00+08:00", 1},
        {"2026-09-25T12:00:00+08:00", 0}, {"2026-10-07T12:00:00+08:00", 0},
        {"2026-10-08T12:00:00+08:00", 1}, {"2026-10-10T12:00:00+08:00", 1},
        {"2026-10-11T12:00:00+08:00", 0}, {"2026-12-07T12:00:00+08:00", 1},
    };

    (void)state;
    for (size_t i = 0; i < N(cases); i++)
        if (sla_is_working_day(at(cases[i].day)) != cases[i].working)
            fail_msg("%s: working %d, want %d", cases[i].day, !cases[i].working,
                     cases[i].working);
}

/* Deadlines never move backwards as the start moves forwards. */
static void test_monotonic(void **state)
{
    static const struct sla_span spans[] = {
        {1, SLA_WORKING_DAYS}, {10, SLA_WORKING_DAYS}, {0, SLA_WORKING_DAYS},
        {3, SLA_WORKING_HOURS}, {24, SLA_NATURAL_HOURS},
    };
    int64_t start = at("2026-09-10T00:00:00+08:00"), end = at("2026-10-20T00:00:00+08:00");

    (void)state;
    for (size_t k = 0; k < N(spans); k++) {
        int64_t last = 0;
        for (int64_t t = start; t < end; t += 37 * 60 * 1000) {
            int64_t due = sla_due(t, spans[k]);
            if (due < last)
                fail_msg("span %zu: due moved back at %lld", k, (long long)t);
            assert_true(due >= t);
            last = due;
        }
    }
}

static void test_natural_hours_ignore_calendar(void **state)
{
    (void)state;
    expect_due("2026-10-01T09:00:00+08:00", 24, SLA_NATURAL_HOURS, "2026-10-02T09:00:00+08:00",
               false);
    expect_due("2026-09-30T23:00:00+08:00", 2, SLA_NATURAL_HOURS, "2026-10-01T01:00:00+08:00",
               false);
    expect_due("2027-03-01T09:00:00+08:00", 2, SLA_NATURAL_HOURS, "2027-03-01T11:00:00+08:00",
               false);
}

/* 2027 has no file: weekdays alone, flagged provisional. */
static void test_provisional(void **state)
{
    const struct calendar *c = calendar_acquire();

    (void)state;
    assert_true(calendar_year_known(c, 2025));
    assert_true(calendar_year_known(c, 2026));
    assert_false(calendar_year_known(c, 2027));
    calendar_release(c);
    expect_due("2026-12-20T10:00:00+08:00", 15, SLA_WORKING_DAYS, "2027-01-08T17:30:00+08:00",
               true);
    expect_due("2026-12-01T09:00:00+08:00", 5, SLA_WORKING_DAYS, "2026-12-08T17:30:00+08:00",
               false);
    expect_due("2026-12-31T17:00:00+08:00", 1, SLA_WORKING_HOURS, "2027-01-01T09:00:00+08:00",
               true);
}

/* An edit (a copy of the current calendar) changes later deadlines once installed. */
static void test_edit_and_install(void **state)
{
    const struct calendar *old = calendar_acquire();
    struct calendar *edit = calendar_copy(old);

    (void)state;
    assert_non_null(edit);
    assert_int_equal(calendar_set(edit, 20261008, CAL_HOLIDAY, "临时调整", CAL_FROM_DB), 0);
    assert_int_equal(calendar_set(edit, 20270101, CAL_HOLIDAY, "元旦", CAL_FROM_DB), 0);
    assert_int_equal(calendar_mark_year(edit, 2027), 0);
    calendar_install(edit);
    /* The old snapshot stays readable by whoever holds it. */
    assert_int_equal(calendar_kind(old, 20261008, NULL), CAL_NONE);
    expect_due("2026-09-18T15:00:00+08:00", 10, SLA_WORKING_DAYS, "2026-10-10T17:30:00+08:00",
               false);
    expect_due("2026-12-31T10:00:00+08:00", 1, SLA_WORKING_DAYS, "2027-01-04T17:30:00+08:00",
               false);
    calendar_install(calendar_copy(old)); /* back to the shipped one */
    calendar_release(old);
    expect_due("2026-09-18T15:00:00+08:00", 10, SLA_WORKING_DAYS, "2026-10-09T17:30:00+08:00",
               false);
}

static void parse_fails(const char *text, const char *want_in_err)
{
    struct calendar *c = calendar_new();
    char err[160] = "";
    int year = 0;

    assert_int_equal(calendar_parse(c, text, strlen(text), CAL_FROM_FILE, &year, err, sizeof err),
                     -1);
    if (!strstr(err, want_in_err))
        fail_msg("'%s': error '%s' lacks '%s'", text, err, want_in_err);
    calendar_free(c);
}

static void test_file_format(void **state)
{
    static const char good[] = "# comment\n\n  2027-01-01 holiday 元旦 假期\r\n"
                               "2027-02-06\twork\n# end\n";
    struct calendar *c = calendar_new();
    const struct cal_day *d = NULL;
    char err[160];
    int year = 0;

    (void)state;
    assert_int_equal(calendar_parse(c, good, strlen(good), CAL_FROM_FILE, &year, err, sizeof err),
                     0);
    assert_int_equal(year, 2027);
    assert_true(calendar_year_known(c, 2027));
    assert_int_equal(calendar_kind(c, 20270101, &d), CAL_HOLIDAY);
    assert_string_equal(d->name, "元旦 假期");
    assert_int_equal(calendar_kind(c, 20270206, &d), CAL_WORK);
    assert_string_equal(d->name, "");
    assert_int_equal(calendar_days_of(c, 2027, &d), 2);
    calendar_free(c);

    parse_fails("2027-01-01 rest 元旦\n", "unknown kind");
    parse_fails("2027-02-30 holiday\n", "bad date");
    parse_fails("27-01-01 holiday\n", "bad date");
    parse_fails("2027-01-01 holiday\n2027-01-01 work\n", "twice");
    parse_fails("2027-01-01 holiday\n2028-01-01 holiday\n", "one year");
    parse_fails("# nothing\n", "no dates");
    parse_fails("2027-01-01 holiday \xff\xfe\n", "UTF-8");
}

static void test_settings(void **state)
{
    struct sla_window w[SLA_WINDOWS_MAX], def[SLA_WINDOWS_MAX];
    size_t n = 0, n_def = sla_working_hours(def);

    (void)state;
    assert_int_equal(sla_parse_working_hours("09:00-12:00, 14:00-18:00", w, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(sla_set_working_hours(w, n), 0);
    expect_due("2026-12-04T15:00:00+08:00", 1, SLA_WORKING_DAYS, "2026-12-07T18:00:00+08:00",
               false);
    expect_due("2026-12-07T11:00:00+08:00", 2, SLA_WORKING_HOURS, "2026-12-07T15:00:00+08:00",
               false);
    assert_int_equal(sla_set_working_hours(def, n_def), 0);
    assert_int_equal(sla_parse_working_hours("08:30-12:00,11:00-17:30", w, &n), -1);
    assert_int_equal(sla_parse_working_hours("12:00-08:30", w, &n), -1);
    assert_int_equal(sla_parse_working_hours("08:30-24:30", w, &n), -1);
    assert_int_equal(sla_parse_working_hours("8:30-12:00", w, &n), -1);
    assert_int_equal(sla_parse_working_hours("", w, &n), -1);
    assert_int_equal(sla_parse_working_hours("00:00-24:00", w, &n), 0);

    assert_int_equal(sla_set_warning_percent(50), 0);
    assert_int_equal(sla_level_at(0, 1000, 499), SLA_OK);
    assert_int_equal(sla_level_at(0, 1000, 500), SLA_WARNING);
    assert_int_equal(sla_set_warning_percent(0), -1);
    assert_int_equal(sla_set_warning_percent(100), -1);
    assert_int_equal(sla_set_warning_percent(80), 0);
    assert_int_equal(sla_level_at(0, 1000, 799), SLA_OK);

    struct sla_span s;
    char buf[32];
    assert_int_equal(sla_span_parse("15 working_days", &s), 0);
    assert_int_equal(s.amount, 15);
    assert_int_equal(s.unit, SLA_WORKING_DAYS);
    assert_int_equal(sla_span_format(s, buf, sizeof buf), 0);
    assert_string_equal(buf, "15 working_days");
    assert_int_equal(sla_span_parse("15 days", &s), -1);
    assert_int_equal(sla_span_parse("-1 natural_hours", &s), -1);
    assert_int_equal(sla_span_format(SLA_SPAN_NONE, buf, sizeof buf), -1);
}

static struct sla_rule rule(int64_t id, int type, int urgency, int64_t cat, struct sla_span sign,
                            struct sla_span reply, struct sla_span callback)
{
    struct sla_rule r;
    sla_rule_init(&r);
    r.id = id;
    r.type = type;
    r.urgency = urgency;
    r.category_id = cat;
    r.span[SLA_CLOCK_SIGN] = sign;
    r.span[SLA_CLOCK_REPLY] = reply;
    r.span[SLA_CLOCK_CALLBACK] = callback;
    return r;
}

#define NONE SLA_SPAN_NONE
#define WD(n) ((struct sla_span){n, SLA_WORKING_DAYS})
#define NH(n) ((struct sla_span){n, SLA_NATURAL_HOURS})

static void test_rules(void **state)
{
    /* The shipped defaults (migration 002) and two city additions. */
    const struct sla_rule rules[] = {
        rule(1, -1, -1, 0, WD(1), WD(5), WD(2)),
        rule(2, TT_CONSULT, -1, 0, NONE, WD(2), NONE),
        rule(4, TT_COMPLAINT, -1, 0, NONE, WD(15), NONE),
        rule(8, -1, URG_URGENT, 0, NH(2), NH(24), NONE),
        rule(9, -1, URG_EMERGENCY, 0, NH(1), NH(2), NONE),
        rule(10, -1, -1, 30, NONE, WD(3), NONE),           /* category 30 (a parent) */
        rule(11, -1, -1, 31, NONE, WD(4), NONE),           /* category 31 (its child) */
        rule(12, TT_COMPLAINT, -1, 30, NONE, WD(7), WD(1)), /* two dimensions */
    };
    const int64_t chain_child[] = {31, 30, 3};
    const int64_t chain_other[] = {40};
    struct sla_spans sp;
    int64_t ids[SLA_CLOCK__COUNT];

    (void)state;
    sla_rules_pick(rules, N(rules), TT_HELP, URG_NORMAL, NULL, 0, &sp, ids);
    assert_int_equal(sp.reply.amount, 5);
    assert_int_equal(ids[SLA_CLOCK_REPLY], 1);
    sla_rules_pick(rules, N(rules), TT_CONSULT, URG_NORMAL, chain_other, 1, &sp, ids);
    assert_int_equal(sp.reply.amount, 2);
    assert_int_equal(sp.sign.amount, 1); /* the catch-all still sets the other clocks */
    assert_int_equal(ids[SLA_CLOCK_SIGN], 1);
    /* Urgency outranks type on a tie. */
    sla_rules_pick(rules, N(rules), TT_COMPLAINT, URG_URGENT, NULL, 0, &sp, ids);
    assert_int_equal(sp.reply.amount, 24);
    assert_int_equal(sp.reply.unit, SLA_NATURAL_HOURS);
    assert_int_equal(ids[SLA_CLOCK_REPLY], 8);
    /* The nearer category wins. */
    sla_rules_pick(rules, N(rules), TT_HELP, URG_NORMAL, chain_child, 3, &sp, ids);
    assert_int_equal(sp.reply.amount, 4);
    assert_int_equal(ids[SLA_CLOCK_REPLY], 11);
    /* Naming more wins: complaint + category 30 beats category 31 alone. */
    sla_rules_pick(rules, N(rules), TT_COMPLAINT, URG_NORMAL, chain_child, 3, &sp, ids);
    assert_int_equal(sp.reply.amount, 7);
    assert_int_equal(sp.callback.amount, 1);
    assert_int_equal(ids[SLA_CLOCK_REPLY], 12);
    /* Emergency on a category that only sets reply: sign from emergency. */
    sla_rules_pick(rules, N(rules), TT_HELP, URG_EMERGENCY, chain_child, 3, &sp, ids);
    assert_int_equal(sp.sign.amount, 1);
    assert_int_equal(sp.sign.unit, SLA_NATURAL_HOURS);
    /* No rules at all: the built-in defaults. */
    sla_rules_pick(NULL, 0, TT_REPORT, URG_NORMAL, NULL, 0, &sp, ids);
    assert_int_equal(sp.reply.amount, 15);
    assert_int_equal(ids[SLA_CLOCK_REPLY], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_edges),
        cmocka_unit_test(test_working_dates),
        cmocka_unit_test(test_monotonic),
        cmocka_unit_test(test_natural_hours_ignore_calendar),
        cmocka_unit_test(test_provisional),
        cmocka_unit_test(test_edit_and_install),
        cmocka_unit_test(test_file_format),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_rules),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
