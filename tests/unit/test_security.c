/*
 * test_security.c - the pure parts of issue 9: login throttling
 * (app/throttle.c), the audit log's row hash (app/audit.c), the client
 * address behind a proxy and the Bearer header (http/client.c,
 * api/dispatch.c), and the regressions the fuzz targets found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "app/audit.h"
#include "app/throttle.h"
#include "core/timeutil.h"
#include "http/client.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MIN 60000

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    return timeutil_set_zone("Asia/Shanghai");
}

/* ---- throttle ---- */

static void throttle_user_bucket(void **state)
{
    (void)state;
    struct throttle_config cfg = {.user_limit = 3, .addr_limit = 0, .window_s = 60};
    struct throttle *t = throttle_new(&cfg);
    assert_non_null(t);
    int64_t now = 1000000;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(throttle_begin(t, "sup1", "10.0.0.1", now), 0);
        throttle_end(t, "sup1", "10.0.0.1", THROTTLE_FAILED, now);
    }
    /* Full: one unit drains every 20 s. */
    unsigned wait = throttle_begin(t, "sup1", "10.0.0.1", now);
    assert_true(wait >= 19 && wait <= 20);
    assert_int_equal(throttle_begin(t, "SUP1", "10.0.0.2", now), wait); /* same user, any case */
    assert_int_equal(throttle_begin(t, "agent1", "10.0.0.1", now), 0);  /* others go on */
    throttle_end(t, "agent1", "10.0.0.1", THROTTLE_SUCCEEDED, now);
    /* After one drain period there is room for exactly one more try. */
    now += 20 * 1000 + 1;
    assert_int_equal(throttle_begin(t, "sup1", "10.0.0.1", now), 0);
    throttle_end(t, "sup1", "10.0.0.1", THROTTLE_FAILED, now);
    assert_true(throttle_begin(t, "sup1", "10.0.0.1", now) > 0);
    /* A clock that steps back drains nothing and breaks nothing. */
    assert_true(throttle_begin(t, "sup1", "10.0.0.1", now - 10 * MIN) > 0);
    throttle_free(t);
}

static void throttle_success_and_refund(void **state)
{
    (void)state;
    struct throttle_config cfg = {.user_limit = 2, .addr_limit = 3, .window_s = 300};
    struct throttle *t = throttle_new(&cfg);
    int64_t now = 5000000;
    assert_int_equal(throttle_begin(t, "a", "1.1.1.1", now), 0);
    throttle_end(t, "a", "1.1.1.1", THROTTLE_FAILED, now);
    assert_int_equal(throttle_begin(t, "a", "1.1.1.1", now), 0);
    throttle_end(t, "a", "1.1.1.1", THROTTLE_SUCCEEDED, now); /* empties "a", refunds one */
    assert_int_equal(throttle_begin(t, "a", "1.1.1.1", now), 0);
    throttle_end(t, "a", "1.1.1.1", THROTTLE_NEUTRAL, now);   /* busy: refunded */
    /* The address holds 1 (the first failure); two more fit, then it is full. */
    assert_int_equal(throttle_begin(t, "b", "1.1.1.1", now), 0);
    throttle_end(t, "b", "1.1.1.1", THROTTLE_FAILED, now);
    assert_int_equal(throttle_begin(t, "c", "1.1.1.1", now), 0);
    throttle_end(t, "c", "1.1.1.1", THROTTLE_FAILED, now);
    assert_true(throttle_begin(t, "d", "1.1.1.1", now) > 0);
    assert_int_equal(throttle_begin(t, "d", "2.2.2.2", now), 0);
    throttle_end(t, "d", "2.2.2.2", THROTTLE_FAILED, now);
    throttle_free(t);
}

static void throttle_charges_up_front(void **state)
{
    (void)state;
    struct throttle_config cfg = {.user_limit = 3, .addr_limit = 0, .window_s = 60};
    struct throttle *t = throttle_new(&cfg);
    int started = 0;
    for (int i = 0; i < 10; i++) /* ten at once, none finished yet */
        started += throttle_begin(t, "x", "9.9.9.9", 42) == 0;
    assert_int_equal(started, 3);
    throttle_free(t);
}

static void throttle_many_keys(void **state)
{
    (void)state;
    struct throttle_config cfg = {.user_limit = 1, .addr_limit = 1, .window_s = 3600};
    struct throttle *t = throttle_new(&cfg);
    char name[32];
    /* Far more keys than slots: the table forgets, but never fails or grows. */
    for (int i = 0; i < 4 * THROTTLE_SLOTS; i++) {
        snprintf(name, sizeof name, "user%d", i);
        if (throttle_begin(t, name, name, 7) == 0)
            throttle_end(t, name, name, THROTTLE_FAILED, 7);
    }
    /* A key that is being guessed right now is still held. */
    assert_int_equal(throttle_begin(t, "victim", "v", 8), 0);
    throttle_end(t, "victim", "v", THROTTLE_FAILED, 8);
    assert_true(throttle_begin(t, "victim", "w", 8) > 0);
    throttle_free(t);
}

/* ---- audit hash ---- */

static void audit_hash_covers_every_field(void **state)
{
    (void)state;
    struct audit_row a = {.seq = 3, .at = 1700000000000, .actor_id = 1, .actor = "admin",
                          .action = "unit.create", .object_type = "unit", .object_id = 7,
                          .detail = "{\"code\":\"B1\"}"};
    memset(a.prev_hash, 0xab, 32);
    uint8_t h0[32], h[32];
    app_audit_hash(&a, h0);
    app_audit_hash(&a, h);
    assert_memory_equal(h0, h, 32);
    struct audit_row b;
#define CHANGED(stmt)                                                                           \
    do {                                                                                        \
        b = a;                                                                                  \
        stmt;                                                                                   \
        app_audit_hash(&b, h);                                                                  \
        assert_memory_not_equal(h0, h, 32);                                                     \
    } while (0)
    CHANGED(b.seq = 4);
    CHANGED(b.at++);
    CHANGED(b.actor_id = 2);
    CHANGED(b.actor = "admin2");
    CHANGED(b.action = "unit.update");
    CHANGED(b.object_type = "user");
    CHANGED(b.object_id = 8);
    CHANGED(b.detail = "{\"code\":\"B2\"}");
    CHANGED(b.prev_hash[31] ^= 1);
    /* A field boundary cannot move: "ab"+"c" and "a"+"bc" differ. */
    CHANGED((b.actor = "admin" "u", b.action = "nit.create"));
#undef CHANGED
}

/* ---- headers ---- */

static void forwarded_for(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want; /* want NULL: refused */
    } cases[] = {
        {"203.0.113.5", "203.0.113.5"},
        {"198.51.100.7, 203.0.113.5", "203.0.113.5"},
        {"198.51.100.7,203.0.113.5 ", "203.0.113.5"},
        {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
        {"::ffff:192.0.2.1", "192.0.2.1"},
        {"203.0.113.5, unknown", NULL},
        {"", NULL},
        {",", NULL},
        {"999.1.1.1", NULL},
        {"203.0.113.5:8080", NULL},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char out[64] = "untouched";
        int rc = forwarded_for_last(cases[i].in, out, sizeof out);
        if (cases[i].want) {
            assert_int_equal(rc, 0);
            assert_string_equal(out, cases[i].want);
        } else {
            assert_int_equal(rc, -1);
            assert_string_equal(out, "untouched");
        }
    }
    assert_int_equal(forwarded_for_last(NULL, NULL, 0), -1);
}

static void bearer(void **state)
{
    (void)state;
    assert_string_equal(api_bearer("Bearer abc"), "abc");
    assert_string_equal(api_bearer("bearer   abc"), "abc");
    assert_string_equal(api_bearer("BEARER \tabc"), "abc");
    assert_string_equal(api_bearer("Bearer "), "");
    assert_null(api_bearer("Basic YWRtaW46eA=="));
    assert_null(api_bearer("Bearer"));
    assert_null(api_bearer("Bearerabc"));
    assert_null(api_bearer(NULL));
}

/* ---- regressions found by the fuzz targets ---- */

/* tests/fuzz/corpus/time/regress-lmt-0442-02-22: before 1901 Shanghai kept
   local mean time, +08:05:43, which RFC 3339 cannot write; the text printed
   with "+08:05" parsed back 43 seconds off. */
static void time_round_trip_before_1901(void **state)
{
    (void)state;
    static const char *const inputs[] = {"0442-02-22", "1900-06-01T12:00:00+08:00",
                                         "1901-01-01", "1850-03-04T05:06:07.890Z"};
    for (size_t i = 0; i < N(inputs); i++) {
        int64_t ms = 0, again = 0;
        char out[64];
        assert_int_equal(time_parse_rfc3339(inputs[i], &ms), 0);
        assert_int_equal(time_format_rfc3339(ms, out, sizeof out), 0);
        assert_int_equal(time_parse_rfc3339(out, &again), 0);
        assert_true(again == ms);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(throttle_user_bucket),
        cmocka_unit_test(throttle_success_and_refund),
        cmocka_unit_test(throttle_charges_up_front),
        cmocka_unit_test(throttle_many_keys),
        cmocka_unit_test(audit_hash_covers_every_field),
        cmocka_unit_test(forwarded_for),
        cmocka_unit_test(bearer),
        cmocka_unit_test(time_round_trip_before_1901),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
