/*
 * test_privacy.c - phone masking and who sees which citizen (DESIGN.md
 * section 6), plus the unit-subtree rule that decides which tickets a
 * handler sees at all (model.h) and the records' lifecycle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/privacy.h"

static void expect_mask(const char *phone, const char *want)
{
    char out[64];

    assert_int_equal(privacy_mask_phone(phone, out, sizeof(out)), 0);
    assert_string_equal(out, want);
    assert_int_equal(strlen(out), strlen(phone));
}

static void test_mask_mobile(void **state)
{
    (void)state;
    expect_mask("13812345678", "138****5678");
    expect_mask("19900001111", "199****1111");
    expect_mask("+8613812345678", "+86138****5678");
    expect_mask("8613812345678", "86138****5678");
}

static void test_mask_other_numbers(void **state)
{
    (void)state;
    expect_mask("0530-1234567", "053*******67");
    expect_mask("05301234567", "053******67"); /* 11 digits, but not a mobile */
    expect_mask("010-12345678-123", "010***********23");
    expect_mask("123456789", "123****89");
    expect_mask("12345", "1***5");
    expect_mask("12345678", "1******8");
    expect_mask("1234", "****");
    expect_mask("12", "**");
    expect_mask("", "");
    expect_mask("电话13812345678", "*****************"); /* non-ASCII: all hidden */
}

static void test_mask_buffer(void **state)
{
    char out[12];

    (void)state;
    assert_int_equal(privacy_mask_phone("13812345678", out, sizeof(out)), 0);
    assert_string_equal(out, "138****5678");
    assert_int_equal(privacy_mask_phone("13812345678", out, 11), -1);
    assert_int_equal(privacy_mask_phone("13812345678", NULL, 0), -1);
    assert_int_equal(privacy_mask_phone(NULL, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

#define M CV_MASKED
#define H CV_HIDDEN
/*
 * What a handler sees, [type][confidential][anonymous]: a masked phone, and
 * nothing of a reporter (举报), a confidential or an anonymous citizen.
 */
static const enum citizen_view handler_view[TT__COUNT][2][2] = {
    [TT_CONSULT] = {{M, H}, {H, H}},    [TT_HELP] = {{M, H}, {H, H}},
    [TT_COMPLAINT] = {{M, H}, {H, H}},  [TT_REPORT] = {{H, H}, {H, H}},
    [TT_SUGGESTION] = {{M, H}, {H, H}}, [TT_PRAISE] = {{M, H}, {H, H}},
};
#undef M
#undef H

static void test_citizen_view_matrix(void **state)
{
    static const unsigned center[] = {ROLE_AGENT, ROLE_SUPERVISOR, ROLE_ADMIN};

    (void)state;
    for (int t = 0; t < TT__COUNT; t++) {
        for (int c = 0; c < 2; c++) {
            for (int a = 0; a < 2; a++) {
                for (size_t r = 0; r < 3; r++)
                    assert_int_equal(privacy_citizen_view(center[r], t, c, a), CV_FULL);
                assert_int_equal(privacy_citizen_view(ROLE_HANDLER, t, c, a),
                                 handler_view[t][c][a]);
                /* No role (public endpoints, integrations): never an identity. */
                assert_int_equal(privacy_citizen_view(0, t, c, a), CV_HIDDEN);
            }
        }
    }
}

static void test_unit_path_within(void **state)
{
    (void)state;
    assert_true(unit_path_within("/1/7/", "/1/"));
    assert_true(unit_path_within("/1/7/23/", "/1/7/"));
    assert_true(unit_path_within("/1/7/", "/1/7/"));
    assert_false(unit_path_within("/1/70/", "/1/7/"));
    assert_false(unit_path_within("/1/", "/1/7/"));
    assert_false(unit_path_within("/2/7/", "/1/"));
    assert_true(unit_path_within("/1/7/", "/1/7")); /* a root without its closing '/' */
    assert_false(unit_path_within("/1/70/", "/1/7"));
    assert_false(unit_path_within(NULL, "/1/"));
    assert_false(unit_path_within("/1/", NULL));
    assert_false(unit_path_within("/1/", ""));
}

static char *copy_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

/* Under ASan a missed free is a leak and a double free a crash. */
static void test_record_lifecycle(void **state)
{
    struct ticket t;
    struct unit u = {.code = copy_str("U1"), .name = copy_str("市住建局"), .path = copy_str("/1/")};
    struct user usr = {.username = copy_str("li.lei"), .password_hash = copy_str("$argon2id$x")};
    struct category cat = {.code = copy_str("C1"), .name = copy_str("供水")};
    struct ticket_event ev = {.note = copy_str("n"), .args_json = copy_str("{}")};

    (void)state;
    ticket_init(&t);
    assert_int_equal(t.status, ST_REGISTERED);
    assert_int_equal(t.contacted, -1);
    assert_int_equal(t.resolved, -1);
    assert_int_equal(t.satisfaction, SAT_NONE);
    assert_string_equal(t.number, "");
    assert_string_equal(t.master, "");
    assert_null(t.title);
    t.title = copy_str("路灯不亮");
    t.citizen_phone = copy_str("13812345678");
    t.co_unit_ids = calloc(2, sizeof(int64_t));
    t.n_co_unit_ids = 2;
    ticket_release(&t);
    assert_null(t.title);
    assert_null(t.co_unit_ids);
    assert_int_equal(t.n_co_unit_ids, 0);
    ticket_release(&t); /* twice is harmless */
    unit_release(&u);
    unit_release(&u);
    user_release(&usr);
    assert_null(usr.password_hash);
    category_release(&cat);
    ticket_event_release(&ev);
    ticket_event_release(&ev);
    unit_release(NULL);
    ticket_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_mobile),
        cmocka_unit_test(test_mask_other_numbers),
        cmocka_unit_test(test_mask_buffer),
        cmocka_unit_test(test_citizen_view_matrix),
        cmocka_unit_test(test_unit_path_within),
        cmocka_unit_test(test_record_lifecycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
