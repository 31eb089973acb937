/*
 * test_timeutil.c - zones, RFC 3339 both ways, local dates. The zone is set
 * explicitly (Asia/Shanghai), never taken from the machine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/timeutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int setup_zone(void **state)
{
    (void)state;
    return timeutil_set_zone("Asia/Shanghai");
}

static void expect_format(int64_t ms, const char *want)
{
    char out[32];

    assert_int_equal(time_format_rfc3339(ms, out, sizeof(out)), 0);
    assert_string_equal(out, want);
}

static int64_t parse(const char *s)
{
    int64_t ms = -42;

    if (time_parse_rfc3339(s, &ms) != 0)
        print_error("rejected '%s'\n", s);
    assert_int_equal(time_parse_rfc3339(s, &ms), 0);
    return ms;
}

static void test_set_zone(void **state)
{
    static const char *const bad[] = {
        "", "../../etc/passwd", "Asia/../Asia/Shanghai", "/etc/localtime", "Asia/Nowhere",
        "Asia", "Asia/Shang hai", "Asia/Shanghai\n", "Asia\\Shanghai", "Asia/Shanghai;",
    };

    (void)state;
    assert_string_equal(timeutil_zone(), "Asia/Shanghai");
    for (size_t i = 0; i < N(bad); i++)
        assert_int_equal(timeutil_set_zone(bad[i]), -1);
    assert_int_equal(timeutil_set_zone(NULL), -1);
    assert_string_equal(timeutil_zone(), "Asia/Shanghai"); /* a failure changes nothing */
    expect_format(0, "1970-01-01T08:00:00+08:00");

    assert_int_equal(timeutil_set_zone("UTC"), 0);
    expect_format(0, "1970-01-01T00:00:00+00:00");
    assert_int_equal(timeutil_set_zone("America/New_York"), 0);
    expect_format(parse("2026-12-01T12:00:00Z"), "2026-12-01T07:00:00-05:00");
    expect_format(parse("2026-07-01T12:00:00Z"), "2026-07-01T08:00:00-04:00");
    assert_int_equal(timeutil_set_zone("Asia/Kolkata"), 0);
    expect_format(0, "1970-01-01T05:30:00+05:30");
    assert_int_equal(timeutil_set_zone("Asia/Shanghai"), 0);
    assert_string_equal(timeutil_zone(), "Asia/Shanghai");
}

static void test_format(void **state)
{
    (void)state;
    expect_format(0, "1970-01-01T08:00:00+08:00");
    expect_format(250, "1970-01-01T08:00:00.250+08:00");
    expect_format(1, "1970-01-01T08:00:00.001+08:00");
    expect_format(-1, "1970-01-01T07:59:59.999+08:00");
    expect_format(INT64_C(946684800000), "2000-01-01T08:00:00+08:00");
    expect_format(INT64_C(1796088600000), "2026-12-01T09:30:00+08:00");
    expect_format(INT64_C(1796088600250), "2026-12-01T09:30:00.250+08:00");
}

static void test_format_buffer(void **state)
{
    char out[32];

    (void)state;
    assert_int_equal(time_format_rfc3339(0, out, 25), -1); /* needs 26 with the NUL */
    assert_int_equal(time_format_rfc3339(0, out, 26), 0);
    assert_int_equal(time_format_rfc3339(0, NULL, 0), -1);
    assert_int_equal(time_format_rfc3339(INT64_C(400000000000000), out, sizeof(out)), -1);
}

static void test_parse(void **state)
{
    int64_t t = INT64_C(1796088600000); /* 2026-12-01T09:30:00+08:00 */

    (void)state;
    assert_int_equal(parse("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse("2000-01-01T00:00:00Z"), INT64_C(946684800000));
    assert_int_equal(parse("2026-12-01T09:30:00+08:00"), t);
    assert_int_equal(parse("2026-12-01T01:30:00Z"), t);
    assert_int_equal(parse("2026-12-01T01:30:00z"), t);
    assert_int_equal(parse("2026-12-01t01:30:00Z"), t);
    assert_int_equal(parse("2026-12-01 01:30:00Z"), t);
    assert_int_equal(parse("2026-11-30T20:30:00-05:00"), t);
    assert_int_equal(parse("2026-12-01T07:00:00+05:30"), t);
    assert_int_equal(parse("2026-12-01T01:30:00+00:00"), t);
    assert_int_equal(parse("2026-12-01T01:30:00-00:00"), t);
    assert_int_equal(parse("2026-12-01T09:30:00.250+08:00"), t + 250);
    assert_int_equal(parse("2026-12-01T09:30:00.25+08:00"), t + 250);
    assert_int_equal(parse("2026-12-01T09:30:00.2+08:00"), t + 200);
    assert_int_equal(parse("2026-12-01T09:30:00.123456789+08:00"), t + 123);
    assert_int_equal(parse("2024-02-29T00:00:00Z"), INT64_C(1709164800000));
    assert_int_equal(parse("1969-12-31T23:59:59.999Z"), -1);
    /* A date alone is local midnight. */
    assert_int_equal(parse("2026-12-01"), parse("2026-11-30T16:00:00Z"));
}

static void test_parse_rejects(void **state)
{
    static const char *const bad[] = {
        "", "2026", "2026-12", "2026-12-1", "2026-1-01", "26-12-01",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-12-32T00:00:00Z",
        "2026-12-00T00:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z", "2026-04-31", "2026-13-01",
        "2026-12-01T24:00:00Z", "2026-12-01T23:60:00Z", "2026-12-01T23:59:60Z",
        "2026-12-01T09:30Z", "2026-12-01T9:30:00Z", "2026-12-01T09:30:00",
        "2026-12-01T09:30:00+24:00", "2026-12-01T09:30:00-24:00", "2026-12-01T09:30:00+08:60",
        "2026-12-01T09:30:00+0800", "2026-12-01T09:30:00+08", "2026-12-01T09:30:00+8:00",
        "2026-12-01T09:30:00Zjunk", "2026-12-01T09:30:00+08:00 ", " 2026-12-01T09:30:00Z",
        "2026-12-01T09:30:00.Z", "2026-12-01T09:30:00.1234567890Z", "2026-12-01T09:30:00,5Z",
        "2026-12-01X09:30:00Z", "2026-12-01T", "2026-12-01 ", "2026-12-01TT09:30:00Z",
        "+2026-12-01T09:30:00Z", "2026-12-01T09:30:00UTC", "２０２６-12-01",
    };
    int64_t ms = 77;

    (void)state;
    for (size_t i = 0; i < N(bad); i++) {
        if (time_parse_rfc3339(bad[i], &ms) == 0)
            print_error("accepted '%s'\n", bad[i]);
        assert_int_equal(time_parse_rfc3339(bad[i], &ms), -1);
    }
    assert_int_equal(ms, 77);
    assert_int_equal(time_parse_rfc3339(NULL, &ms), -1);
    assert_int_equal(time_parse_rfc3339("2026-12-01T09:30:00Z", NULL), -1);
}

static void test_round_trip(void **state)
{
    static const int64_t values[] = {
        0, 1, 999, -1, -86400000, INT64_C(1796088600000), INT64_C(1796088600250),
        INT64_C(1709164800000), INT64_C(4102444799999), INT64_C(253402300799000) - 8 * 3600000,
    };
    char out[32];

    (void)state;
    for (size_t i = 0; i < N(values); i++) {
        int64_t back = 0;
        assert_int_equal(time_format_rfc3339(values[i], out, sizeof(out)), 0);
        assert_int_equal(time_parse_rfc3339(out, &back), 0);
        assert_int_equal(back, values[i]);
    }
}

static void test_local_dates(void **state)
{
    struct local_time lt;

    (void)state;
    assert_int_equal(time_day_key(parse("2026-12-01T16:00:00Z")), 20261202);
    assert_int_equal(time_day_key(parse("2026-12-01T15:59:59.999Z")), 20261201);
    assert_int_equal(time_day_key(0), 19700101);
    assert_int_equal(time_day_key(parse("2026-12-31T16:00:00Z")), 20270101);

    time_to_local(parse("2026-12-04T15:00:00+08:00"), &lt);
    assert_int_equal(lt.year, 2026);
    assert_int_equal(lt.month, 12);
    assert_int_equal(lt.day, 4);
    assert_int_equal(lt.hour, 15);
    assert_int_equal(lt.minute, 0);
    assert_int_equal(lt.second, 0);
    assert_int_equal(lt.wday, 5); /* a Friday */

    assert_int_equal(time_from_local(2026, 12, 4, 15, 0, 0), parse("2026-12-04T07:00:00Z"));
    assert_int_equal(time_from_local(2026, 12, 32, 0, 0, 0), parse("2027-01-01T00:00:00+08:00"));
}

static void test_clocks(void **state)
{
    uint64_t a, b;

    (void)state;
    assert_true(time_now_ms() > parse("2024-01-01T00:00:00Z"));
    a = time_mono_ns();
    b = time_mono_ns();
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_zone),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_buffer),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_local_dates),
        cmocka_unit_test(test_clocks),
    };
    return cmocka_run_group_tests(tests, setup_zone, NULL);
}
