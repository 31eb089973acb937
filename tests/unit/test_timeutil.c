/*
 * test_timeutil.c - zones, RFC 3339 both ways, local dates. The zone is set
 * explicitly (Asia/Shanghai), never taken from the machine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/*
 * The formatter before its offset cache, kept here as the reference:
 * localtime_r and snprintf, UTC for offsets that are not whole minutes.
 */
static int reference_format(int64_t ms, char *out, size_t outlen, struct tm *tm_out)
{
    int64_t s = ms / 1000, r = ms % 1000;
    if (r < 0) {
        r += 1000;
        s--;
    }
    time_t sec = (time_t)s;
    struct tm tm;
    char frac[8] = "";
    if (!localtime_r(&sec, &tm))
        return -1;
    if (tm.tm_gmtoff % 60 != 0) {
        if (!gmtime_r(&sec, &tm))
            return -1;
        tm.tm_gmtoff = 0;
    }
    if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return -1;
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    if (r)
        snprintf(frac, sizeof frac, ".%03d", (int)r);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%s%c%02ld:%02ld", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, sign, off / 3600,
             off / 60 % 60);
    *tm_out = tm;
    return 0;
}

/* The cached formatter and time_to_local agree with localtime_r at ms. */
static void expect_same_as_libc(int64_t ms)
{
    char got[32], want[80];
    struct tm tm;
    int rw = reference_format(ms, want, sizeof want, &tm);
    int rg = time_format_rfc3339(ms, got, sizeof got);
    assert_int_equal(rg, rw);
    if (rw != 0)
        return;
    if (strcmp(got, want) != 0)
        fail_msg("%lld: got %s, localtime_r says %s", (long long)ms, got, want);
    int64_t s = ms / 1000 - (ms % 1000 < 0);
    time_t sec = (time_t)s;
    if (!localtime_r(&sec, &tm))
        fail();
    struct local_time lt;
    time_to_local(ms, &lt);
    assert_int_equal(lt.year, tm.tm_year + 1900);
    assert_int_equal(lt.month, tm.tm_mon + 1);
    assert_int_equal(lt.day, tm.tm_mday);
    assert_int_equal(lt.hour, tm.tm_hour);
    assert_int_equal(lt.minute, tm.tm_min);
    assert_int_equal(lt.second, tm.tm_sec);
    assert_int_equal(lt.wday, tm.tm_wday);
}

/*
 * Every 7 minutes 13.25 seconds (so minutes, seconds and milliseconds all
 * vary) across [from, to), twice: the second pass reads the cache the first
 * filled.
 */
static void sweep(const char *from, const char *to)
{
    int64_t a = parse(from), b = parse(to);
    for (int pass = 0; pass < 2; pass++)
        for (int64_t ms = a; ms < b; ms += 433250)
            expect_same_as_libc(ms);
}

/* A deterministic spread of instants from year 1800 to 2200, negative ones included. */
static void scatter(void)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    int64_t lo = parse("1800-01-01T00:00:00Z"), span = parse("2200-01-01T00:00:00Z") - lo;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        expect_same_as_libc(lo + (int64_t)(x % (uint64_t)span));
    }
}

static void test_format_matches_localtime(void **state)
{
    (void)state;
    /* DST-free Asia/Shanghai (the default; its last DST ended in 1991). */
    assert_int_equal(timeutil_set_zone("Asia/Shanghai"), 0);
    sweep("2026-01-01T00:00:00+08:00", "2026-03-01T00:00:00+08:00");
    sweep("1991-09-14T00:00:00+08:00", "1991-09-16T00:00:00+08:00"); /* its last transition */
    scatter();
    /* Europe/Berlin across both 2026 transitions (29 March 02:00 -> 03:00,
       25 October 03:00 -> 02:00) and the hours around them. */
    assert_int_equal(timeutil_set_zone("Europe/Berlin"), 0);
    sweep("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z");
    sweep("2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z");
    scatter();
    expect_format(parse("2026-03-29T00:59:59Z"), "2026-03-29T01:59:59+01:00");
    expect_format(parse("2026-03-29T01:00:00Z"), "2026-03-29T03:00:00+02:00");
    expect_format(parse("2026-10-25T00:59:59.500Z"), "2026-10-25T02:59:59.500+02:00");
    expect_format(parse("2026-10-25T01:00:00Z"), "2026-10-25T02:00:00+01:00");
    /* Half-hour offsets, so transitions fall in the middle of a UTC hour:
       America/St_Johns (-03:30, summer -02:30; 8 March and 1 November 2026
       at 02:00 local) and Australia/Lord_Howe (+10:30, summer +11:00 from
       4 October 2026 02:00). */
    assert_int_equal(timeutil_set_zone("America/St_Johns"), 0);
    sweep("2026-03-07T12:00:00Z", "2026-03-09T00:00:00Z");
    sweep("2026-10-31T12:00:00Z", "2026-11-02T00:00:00Z");
    scatter();
    assert_int_equal(timeutil_set_zone("Australia/Lord_Howe"), 0);
    sweep("2026-04-04T12:00:00Z", "2026-04-05T12:00:00Z");
    sweep("2026-10-03T12:00:00Z", "2026-10-04T12:00:00Z");
    scatter();
    /* Back to the default: the cache must not keep Lord Howe's offsets. */
    assert_int_equal(timeutil_set_zone("Asia/Shanghai"), 0);
    expect_format(parse("2026-04-05T00:00:00Z"), "2026-04-05T08:00:00+08:00");
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
        cmocka_unit_test(test_format_matches_localtime),
    };
    return cmocka_run_group_tests(tests, setup_zone, NULL);
}
