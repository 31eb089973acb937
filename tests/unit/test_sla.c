/*
 * test_sla.c - deadlines in natural hours, working hours and working days,
 * the default spans and the SLA levels. Zone: Asia/Shanghai, set here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/sla.h"
#include "core/timeutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int setup_zone(void **state)
{
    (void)state;
    return timeutil_set_zone("Asia/Shanghai");
}

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;

    assert_int_equal(time_parse_rfc3339(rfc3339, &ms), 0);
    return ms;
}

struct due_case {
    const char *from;
    int amount;
    enum sla_unit unit;
    const char *due;
};

static void run_cases(const struct due_case *c, size_t n)
{
    char got[32];

    for (size_t i = 0; i < n; i++) {
        int64_t due = sla_due(at(c[i].from), (struct sla_span){c[i].amount, c[i].unit});
        assert_int_equal(time_format_rfc3339(due, got, sizeof(got)), 0);
        if (due != at(c[i].due))
            print_error("%s + %d (unit %d): got %s want %s\n", c[i].from, c[i].amount,
                        c[i].unit, got, c[i].due);
        assert_int_equal(due, at(c[i].due));
    }
}

/* 2026-12-04 is a Friday; 12-05/06 the weekend; 12-07 a Monday. */
static void test_working_days(void **state)
{
    static const struct due_case cases[] = {
        {"2026-12-04T15:00:00+08:00", 1, SLA_WORKING_DAYS, "2026-12-07T17:30:00+08:00"},
        {"2026-12-03T10:00:00+08:00", 1, SLA_WORKING_DAYS, "2026-12-04T17:30:00+08:00"},
        {"2026-12-03T23:59:00+08:00", 1, SLA_WORKING_DAYS, "2026-12-04T17:30:00+08:00"},
        {"2026-12-04T08:00:00+08:00", 2, SLA_WORKING_DAYS, "2026-12-08T17:30:00+08:00"},
        {"2026-12-04T15:00:00+08:00", 5, SLA_WORKING_DAYS, "2026-12-11T17:30:00+08:00"},
        {"2026-12-05T10:00:00+08:00", 1, SLA_WORKING_DAYS, "2026-12-07T17:30:00+08:00"},
        {"2026-12-06T10:00:00+08:00", 2, SLA_WORKING_DAYS, "2026-12-08T17:30:00+08:00"},
        {"2026-12-01T09:00:00+08:00", 15, SLA_WORKING_DAYS, "2026-12-22T17:30:00+08:00"},
        /* The local date counts, not the UTC one: 16:30Z Friday is Saturday here. */
        {"2026-12-04T16:30:00Z", 1, SLA_WORKING_DAYS, "2026-12-07T17:30:00+08:00"},
        {"2026-12-03T10:00:00+08:00", 0, SLA_WORKING_DAYS, "2026-12-03T17:30:00+08:00"},
        {"2026-12-05T10:00:00+08:00", 0, SLA_WORKING_DAYS, "2026-12-07T17:30:00+08:00"},
        {"2026-12-31T10:00:00+08:00", 1, SLA_WORKING_DAYS, "2027-01-01T17:30:00+08:00"},
    };

    (void)state;
    run_cases(cases, N(cases));
}

/* A working day holds 7.5 hours: 08:30-12:00 and 13:30-17:30. */
static void test_working_hours(void **state)
{
    static const struct due_case cases[] = {
        {"2026-12-07T09:00:00+08:00", 2, SLA_WORKING_HOURS, "2026-12-07T11:00:00+08:00"},
        {"2026-12-07T11:00:00+08:00", 1, SLA_WORKING_HOURS, "2026-12-07T12:00:00+08:00"},
        {"2026-12-07T11:00:00+08:00", 2, SLA_WORKING_HOURS, "2026-12-07T14:30:00+08:00"},
        {"2026-12-07T12:30:00+08:00", 1, SLA_WORKING_HOURS, "2026-12-07T14:30:00+08:00"},
        {"2026-12-07T07:00:00+08:00", 1, SLA_WORKING_HOURS, "2026-12-07T09:30:00+08:00"},
        {"2026-12-07T17:00:00+08:00", 1, SLA_WORKING_HOURS, "2026-12-08T09:00:00+08:00"},
        {"2026-12-07T20:00:00+08:00", 4, SLA_WORKING_HOURS, "2026-12-08T14:00:00+08:00"},
        {"2026-12-07T08:30:00+08:00", 15, SLA_WORKING_HOURS, "2026-12-08T17:30:00+08:00"},
        {"2026-12-04T17:00:00+08:00", 1, SLA_WORKING_HOURS, "2026-12-07T09:00:00+08:00"},
        {"2026-12-05T10:00:00+08:00", 2, SLA_WORKING_HOURS, "2026-12-07T10:30:00+08:00"},
        {"2026-12-04T11:15:00+08:00", 8, SLA_WORKING_HOURS, "2026-12-07T11:45:00+08:00"},
        {"2026-12-07T20:00:00+08:00", 0, SLA_WORKING_HOURS, "2026-12-07T20:00:00+08:00"},
    };

    (void)state;
    run_cases(cases, N(cases));
}

static void test_natural_hours(void **state)
{
    static const struct due_case cases[] = {
        {"2026-12-04T15:00:00+08:00", 24, SLA_NATURAL_HOURS, "2026-12-05T15:00:00+08:00"},
        {"2026-12-04T15:00:00+08:00", 2, SLA_NATURAL_HOURS, "2026-12-04T17:00:00+08:00"},
        {"2026-12-04T23:30:00+08:00", 1, SLA_NATURAL_HOURS, "2026-12-05T00:30:00+08:00"},
        {"2026-12-04T15:00:00+08:00", 0, SLA_NATURAL_HOURS, "2026-12-04T15:00:00+08:00"},
        {"2026-12-04T15:00:00+08:00", -3, SLA_NATURAL_HOURS, "2026-12-04T15:00:00+08:00"},
    };

    (void)state;
    run_cases(cases, N(cases));
    assert_int_equal(sla_due(123, (struct sla_span){1, SLA_NATURAL_HOURS}), 123 + 3600000);
}

static void test_is_working_day(void **state)
{
    (void)state;
    assert_int_equal(sla_is_working_day(at("2026-12-04T23:59:59+08:00")), 1);
    assert_int_equal(sla_is_working_day(at("2026-12-05T00:00:00+08:00")), 0);
    assert_int_equal(sla_is_working_day(at("2026-12-04T16:00:00Z")), 0); /* Saturday here */
    assert_int_equal(sla_is_working_day(at("2026-12-06T12:00:00+08:00")), 0);
    assert_int_equal(sla_is_working_day(at("2026-12-07T00:00:00+08:00")), 1);
}

static void test_default_spans(void **state)
{
    static const int reply_days[TT__COUNT] = {
        [TT_CONSULT] = 2, [TT_HELP] = 5, [TT_COMPLAINT] = 15,
        [TT_REPORT] = 15, [TT_SUGGESTION] = 10, [TT_PRAISE] = 5,
    };
    struct sla_spans s;

    (void)state;
    for (int t = 0; t < TT__COUNT; t++) {
        sla_default_spans(t, URG_NORMAL, &s);
        assert_int_equal(s.sign.amount, 1);
        assert_int_equal(s.sign.unit, SLA_WORKING_DAYS);
        assert_int_equal(s.reply.amount, reply_days[t]);
        assert_int_equal(s.reply.unit, SLA_WORKING_DAYS);
        assert_int_equal(s.callback.amount, 2);
        assert_int_equal(s.callback.unit, SLA_WORKING_DAYS);

        sla_default_spans(t, URG_URGENT, &s);
        assert_int_equal(s.sign.amount, 2);
        assert_int_equal(s.sign.unit, SLA_NATURAL_HOURS);
        assert_int_equal(s.reply.amount, 24);
        assert_int_equal(s.reply.unit, SLA_NATURAL_HOURS);
        assert_int_equal(s.callback.amount, 2);
        assert_int_equal(s.callback.unit, SLA_WORKING_DAYS);

        sla_default_spans(t, URG_EMERGENCY, &s);
        assert_int_equal(s.sign.amount, 1);
        assert_int_equal(s.sign.unit, SLA_NATURAL_HOURS);
        assert_int_equal(s.reply.amount, 2);
        assert_int_equal(s.reply.unit, SLA_NATURAL_HOURS);
        assert_int_equal(s.callback.amount, 2);
        assert_int_equal(s.callback.unit, SLA_WORKING_DAYS);
    }
}

static void test_levels(void **state)
{
    int64_t start = at("2026-12-07T08:30:00+08:00");
    int64_t due = start + 1000000;

    (void)state;
    assert_int_equal(sla_level_at(start, due, start), SLA_OK);
    assert_int_equal(sla_level_at(start, due, start + 790000), SLA_OK);     /* 79% */
    assert_int_equal(sla_level_at(start, due, start + 799999), SLA_OK);
    assert_int_equal(sla_level_at(start, due, start + 800000), SLA_WARNING); /* 80% */
    assert_int_equal(sla_level_at(start, due, due), SLA_WARNING);
    assert_int_equal(sla_level_at(start, due, due + 1), SLA_OVERDUE);
    assert_int_equal(sla_level_at(start, 0, due + 1), SLA_NONE);
    /* 80% of an odd span is compared exactly: 80% of 7 ms is 5.6 ms. */
    assert_int_equal(sla_level_at(0, 7, 5), SLA_OK);
    assert_int_equal(sla_level_at(0, 7, 6), SLA_WARNING);

    assert_string_equal(sla_level_name(SLA_OK), "ok");
    assert_string_equal(sla_level_name(SLA_WARNING), "warning");
    assert_string_equal(sla_level_name(SLA_OVERDUE), "overdue");
    assert_null(sla_level_name(SLA_NONE));
    assert_int_equal(sla_level_parse("ok"), SLA_OK);
    assert_int_equal(sla_level_parse("warning"), SLA_WARNING);
    assert_int_equal(sla_level_parse("overdue"), SLA_OVERDUE);
    assert_int_equal(sla_level_parse("none"), -1);
    assert_int_equal(sla_level_parse("OK"), -1);
    assert_int_equal(sla_level_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_working_hours),
        cmocka_unit_test(test_natural_hours),
        cmocka_unit_test(test_is_working_day),
        cmocka_unit_test(test_default_spans),
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, setup_zone, NULL);
}
