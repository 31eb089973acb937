/*
 * test_validate.c - UTF-8, blank text, phone numbers, codes and usernames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool valid_str(const char *s)
{
    return utf8_valid(s, strlen(s));
}

static void test_utf8_good(void **state)
{
    (void)state;
    assert_true(valid_str(""));
    assert_true(valid_str("plain ascii"));
    assert_true(valid_str("市长热线 12345"));
    assert_true(valid_str("\xc2\x80"));             /* U+0080, smallest 2-byte */
    assert_true(valid_str("\xdf\xbf"));             /* U+07FF */
    assert_true(valid_str("\xe0\xa0\x80"));         /* U+0800, smallest 3-byte */
    assert_true(valid_str("\xed\x9f\xbf"));         /* U+D7FF, just below surrogates */
    assert_true(valid_str("\xee\x80\x80"));         /* U+E000, just above */
    assert_true(valid_str("\xef\xbf\xbf"));         /* U+FFFF */
    assert_true(valid_str("\xf0\x90\x80\x80"));     /* U+10000 */
    assert_true(valid_str("\xf4\x8f\xbf\xbf"));     /* U+10FFFF, the last */
    assert_true(valid_str("😀 emoji"));
    assert_true(utf8_valid("a\0b", 3));             /* NUL is a code point */
    assert_true(utf8_valid(NULL, 0));
}

static void test_utf8_bad(void **state)
{
    static const char *const bad[] = {
        "\xc0\x80",             /* overlong NUL */
        "\xc1\xbf",             /* overlong */
        "\xe0\x80\x80",         /* overlong 3-byte */
        "\xe0\x9f\xbf",         /* overlong 3-byte */
        "\xf0\x80\x80\x80",     /* overlong 4-byte */
        "\xf0\x8f\xbf\xbf",     /* overlong 4-byte */
        "\xed\xa0\x80",         /* surrogate U+D800 */
        "\xed\xbf\xbf",         /* surrogate U+DFFF */
        "\xf4\x90\x80\x80",     /* U+110000 */
        "\xf5\x80\x80\x80",     /* lead byte F5 */
        "\xff",                 /* never in UTF-8 */
        "\x80",                 /* lone continuation */
        "abc\xbf",              /* stray continuation at the end */
        "\xe4\xb8",             /* truncated 中 */
        "\xf0\x9f\x98",         /* truncated emoji */
        "\xc3",                 /* truncated 2-byte */
        "\xe4\x41\xad",         /* continuation replaced by ASCII */
        "中\xe6\x96",           /* good, then truncated */
    };

    (void)state;
    for (size_t i = 0; i < N(bad); i++) {
        if (valid_str(bad[i]))
            print_error("accepted bad sequence #%zu\n", i);
        assert_false(valid_str(bad[i]));
    }
    /* The length bounds the check: a sequence cut by len is truncated. */
    assert_false(utf8_valid("中", 2));
    assert_true(utf8_valid("中", 3));
}

static void test_utf8_length_and_blank(void **state)
{
    (void)state;
    assert_int_equal(utf8_length(""), 0);
    assert_int_equal(utf8_length("abc"), 3);
    assert_int_equal(utf8_length("市长热线"), 4);
    assert_int_equal(utf8_length("a中😀"), 3);

    assert_true(text_blank(""));
    assert_true(text_blank(NULL));
    assert_true(text_blank("   "));
    assert_true(text_blank(" \t\r\n\v\f"));
    assert_true(text_blank("\xe3\x80\x80"));
    assert_true(text_blank(" \xe3\x80\x80\t\xe3\x80\x80"));
    assert_false(text_blank("a"));
    assert_false(text_blank("  x  "));
    assert_false(text_blank("\xe3\x80\x80中"));
    assert_false(text_blank("\xe3\x80")); /* truncated U+3000 is not blank */
    assert_false(text_blank("\xe3\x80\x81")); /* U+3001 IDEOGRAPHIC COMMA */
}

static void test_phones(void **state)
{
    static const char *const good[] = {
        "13812345678", "19912345678", "+8613812345678", "8613812345678",
        "0530-1234567", "05301234567", "010-12345678", "01012345678", "021-1234567",
        "0755-12345678", "010-12345678-123", "0530-1234567-1", "0530-1234567-123456",
        "12345", "10086", "95598",
    };
    static const char *const bad[] = {
        "", "1381234567", "138123456789", "12812345678", "10012345678", "+86128123456",
        "+85213812345678", "138-1234-5678", "13812345678 ", " 13812345678", "1381234567a",
        "0530-123456", "0530-123456789", "530-1234567", "0-1234567", "05301-1234567",
        "0530--1234567", "0530-1234567-", "0530-1234567-1234567", "0530-1234567x",
        "1234", "123456", "22345", "+86", "１３８１２３４５６７８",
    };

    (void)state;
    for (size_t i = 0; i < N(good); i++) {
        if (!phone_valid(good[i]))
            print_error("rejected '%s'\n", good[i]);
        assert_true(phone_valid(good[i]));
    }
    for (size_t i = 0; i < N(bad); i++) {
        if (phone_valid(bad[i]))
            print_error("accepted '%s'\n", bad[i]);
        assert_false(phone_valid(bad[i]));
    }
    assert_false(phone_valid(NULL));
}

static void test_codes(void **state)
{
    char max[34];

    (void)state;
    memset(max, 'A', 32);
    max[32] = '\0';
    assert_true(code_valid("U1"));
    assert_true(code_valid("zj.water-supply_01"));
    assert_true(code_valid("-"));
    assert_true(code_valid(max));
    max[32] = 'A';
    max[33] = '\0';
    assert_false(code_valid(max));
    assert_false(code_valid(""));
    assert_false(code_valid(NULL));
    assert_false(code_valid("a b"));
    assert_false(code_valid("a/b"));
    assert_false(code_valid("住建"));
}

static void test_usernames(void **state)
{
    char max[34];

    (void)state;
    memset(max, 'a', 32);
    max[32] = '\0';
    assert_true(username_valid("li.lei"));
    assert_true(username_valid("abc"));
    assert_true(username_valid("9agent_01-x"));
    assert_true(username_valid(max));
    max[32] = 'a';
    max[33] = '\0';
    assert_false(username_valid(max));
    assert_false(username_valid("ab"));
    assert_false(username_valid(""));
    assert_false(username_valid(NULL));
    assert_false(username_valid("LiLei"));
    assert_false(username_valid(".lei"));
    assert_false(username_valid("_lei"));
    assert_false(username_valid("-lei"));
    assert_false(username_valid("li lei"));
    assert_false(username_valid("li@lei"));
    assert_false(username_valid("李雷abc"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_good),
        cmocka_unit_test(test_utf8_bad),
        cmocka_unit_test(test_utf8_length_and_blank),
        cmocka_unit_test(test_phones),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_usernames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
