/*
 * test_jsonw.c - the direct JSON writer (http/jsonw.h): string escaping of
 * every control character, invalid UTF-8 made safe, numbers, commas, the
 * cap. jansson is the reference: for valid input the writer must produce
 * exactly what json_dumps(JSON_COMPACT) does, and its output must always
 * parse back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/jsonw.h"

/* The writer's text for the single string s[0..n). */
static char *write_string(const char *s, size_t n)
{
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_string_n(&w, s, n);
    char *out = jsonw_finish(&w, NULL);
    assert_non_null(out);
    return out;
}

/* jansson's text for the same (valid UTF-8) string. */
static char *jansson_string(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    assert_non_null(j);
    char *out = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    assert_non_null(out);
    return out;
}

static void expect_like_jansson(const char *s, size_t n)
{
    char *a = write_string(s, n), *b = jansson_string(s, n);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_every_ascii_byte(void **state)
{
    (void)state;
    for (int c = 0; c < 0x80; c++) {
        char s[3] = {'a', (char)c, 'z'};
        expect_like_jansson(s, 3);
    }
    /* the short escapes and \u00XX by name, so a change in jansson cannot hide one */
    char *o = write_string("\"\\\b\f\n\r\t\x01\x1f\x7f/", 11);
    assert_string_equal(o, "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001F\x7f/\"");
    free(o);
    o = write_string("a\0b", 3); /* an embedded NUL is a control character too */
    assert_string_equal(o, "\"a\\u0000b\"");
    free(o);
}

static void test_utf8_kept(void **state)
{
    (void)state;
    const char *s[] = {"工单", "热线12345", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf",
                       "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
                       "\xe2\x80\xa8 line separator", "😀 emoji"};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        expect_like_jansson(s[i], strlen(s[i]));
}

/* Long strings go 8 bytes and 3-byte characters at a time: a character
   that needs escaping, or a byte that breaks a character, at any place in
   such a run is still seen. */
static void test_long_runs(void **state)
{
    (void)state;
    const char special[] = {0x01, 0x1f, ' ', '"', '\\', 0x7f, '~', '\n'};
    for (size_t i = 0; i < 24; i++) {
        for (size_t k = 0; k < sizeof special; k++) {
            char s[25];
            memcpy(s, "abcdefghijklmnopqrstuvwx", 24);
            s[i] = special[k];
            expect_like_jansson(s, 24);
        }
    }
    /* "工单热线" with an ASCII character at each byte boundary between them,
       and a continuation byte replaced by one that is none */
    const char *cjk = "工单热线服务"; /* 18 bytes */
    for (size_t i = 0; i <= 18; i += 3) {
        for (size_t k = 0; k < sizeof special; k++) {
            char s[20];
            memcpy(s, cjk, i);
            s[i] = special[k];
            memcpy(s + i + 1, cjk + i, 18 - i);
            expect_like_jansson(s, 19);
        }
    }
    for (size_t i = 0; i < 18; i++) {
        char s[18];
        memcpy(s, cjk, 18);
        s[i] = (i % 3 == 0) ? '\x80' : 'A'; /* a lone continuation, or a cut character */
        char *o = write_string(s, 18);
        json_error_t err;
        json_t *back = json_loads(o, JSON_DECODE_ANY, &err);
        assert_non_null(back);
        assert_non_null(strstr(o, "\xEF\xBF\xBD")); /* U+FFFD in place of the bad bytes */
        json_decref(back);
        free(o);
    }
}

/* Invalid UTF-8 comes out as U+FFFD per bad byte, and always parses back. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a\xff" "b", "a\xef\xbf\xbd" "b"},
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong, 3 bytes */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
        {"\xe5\xb7", "\xef\xbf\xbd\xef\xbf\xbd"}, /* cut short at the end */
        {"\xe5\xb7" "x", "\xef\xbf\xbd\xef\xbf\xbd" "x"},
        {"\x80", "\xef\xbf\xbd"}, /* a lone continuation byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *o = write_string(cases[i].in, strlen(cases[i].in));
        json_error_t err;
        json_t *j = json_loads(o, JSON_DECODE_ANY, &err);
        assert_non_null(j);
        assert_string_equal(json_string_value(j), cases[i].want);
        json_decref(j);
        free(o);
    }
}

/* Deterministic random strings of bytes and code points against jansson. */
static void test_random_strings(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252u;
    for (int round = 0; round < 3000; round++) {
        char s[256];
        size_t n = 0;
        while (n < sizeof s - 4) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            unsigned r = (unsigned)(x % 100);
            if (r < 10)
                break;
            uint32_t cp = r < 40 ? (uint32_t)(x >> 8) % 0x80
                          : r < 70 ? 0x4e00 + (uint32_t)(x >> 8) % 0x5000
                          : r < 80 ? 0x80 + (uint32_t)(x >> 8) % 0x780
                                   : 0x10000 + (uint32_t)(x >> 8) % 0x100000;
            if (cp < 0x80) {
                s[n++] = (char)cp;
            } else if (cp < 0x800) {
                s[n++] = (char)(0xc0 | cp >> 6);
                s[n++] = (char)(0x80 | (cp & 63));
            } else if (cp < 0x10000) {
                s[n++] = (char)(0xe0 | cp >> 12);
                s[n++] = (char)(0x80 | (cp >> 6 & 63));
                s[n++] = (char)(0x80 | (cp & 63));
            } else {
                s[n++] = (char)(0xf0 | cp >> 18);
                s[n++] = (char)(0x80 | (cp >> 12 & 63));
                s[n++] = (char)(0x80 | (cp >> 6 & 63));
                s[n++] = (char)(0x80 | (cp & 63));
            }
        }
        expect_like_jansson(s, n);
    }
}

static void test_numbers(void **state)
{
    (void)state;
    static const double reals[] = {0.0,  -0.0,   1.0,    -2.5,   0.1,     36.123, 120.456789,
                                   1e-5, 1e-300, 1.5e21, 1e100,  5e-324,  -90.0,  180.0,
                                   1e16, 123456789012345678.0, 3.0e-7};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        struct jsonw w;
        jsonw_init(&w, 0);
        jsonw_real(&w, reals[i]);
        char *a = jsonw_finish(&w, NULL);
        json_t *j = json_real(reals[i]);
        char *b = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_non_null(a);
        assert_string_equal(a, b);
        free(a);
        free(b);
        json_decref(j);
    }
    static const int64_t ints[] = {0, 1, -1, 42, INT64_MAX, INT64_MIN, 20261201000123};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        struct jsonw w;
        jsonw_init(&w, 0);
        jsonw_int(&w, ints[i]);
        char *a = jsonw_finish(&w, NULL);
        char want[32];
        snprintf(want, sizeof want, "%lld", (long long)ints[i]);
        assert_string_equal(a, want);
        free(a);
    }
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_real(&w, 0.0 / 0.0); /* NaN has no JSON form */
    assert_null(jsonw_finish(&w, NULL));
}

static void test_structure(void **state)
{
    (void)state;
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_object_begin(&w);
    jsonw_key(&w, "a");
    jsonw_int(&w, 1);
    jsonw_key(&w, "b");
    jsonw_array_begin(&w);
    jsonw_array_end(&w);
    jsonw_key(&w, "c");
    jsonw_array_begin(&w);
    jsonw_null(&w);
    jsonw_bool(&w, true);
    jsonw_object_begin(&w);
    jsonw_object_end(&w);
    jsonw_string(&w, NULL);
    jsonw_array_end(&w);
    jsonw_key(&w, "k\"ey");
    json_t *j = json_pack("{s:i, s:[s]}", "x", 2, "y", "z");
    jsonw_json(&w, j);
    json_decref(j);
    jsonw_key_quoted(&w, JSONW_KEY("f")); /* the same as jsonw_key(&w, "f") */
    jsonw_bool(&w, false);
    jsonw_key(&w, "\xE7\x8A\xB6\xE6\x80\x81"); /* a non-ASCII key: escaped as a string */
    jsonw_int(&w, 3);
    jsonw_key(&w, "\x01");
    jsonw_null(&w);
    jsonw_object_end(&w);
    size_t len = 0;
    char *o = jsonw_finish(&w, &len);
    const char *want = "{\"a\":1,\"b\":[],\"c\":[null,true,{},null],\"k\\\"ey\":{\"x\":2,\"y\":[\"z\"]},"
                       "\"f\":false,\"\xE7\x8A\xB6\xE6\x80\x81\":3,\"\\u0001\":null}";
    assert_string_equal(o, want);
    assert_int_equal(len, strlen(want));
    free(o);

    jsonw_init(&w, 0); /* unbalanced: no text */
    jsonw_array_begin(&w);
    assert_null(jsonw_finish(&w, NULL));
    jsonw_init(&w, 0);
    jsonw_array_end(&w);
    assert_null(jsonw_finish(&w, NULL));
    jsonw_init(&w, 0);
    for (int i = 0; i < JSONW_MAX_DEPTH + 1; i++)
        jsonw_array_begin(&w);
    assert_true(w.failed);
    jsonw_release(&w);
}

static void test_cap(void **state)
{
    (void)state;
    struct jsonw w;
    jsonw_init(&w, 16);
    jsonw_array_begin(&w);
    jsonw_string(&w, "short");
    assert_false(w.failed);
    jsonw_string(&w, "this one passes the cap");
    assert_true(w.failed);
    jsonw_array_end(&w);
    assert_null(jsonw_finish(&w, NULL));
    jsonw_release(&w); /* safe after finish */
    /* a long string grows the buffer several times */
    char big[50000];
    memset(big, 'x', sizeof big);
    big[100] = '\n';
    char *a = write_string(big, sizeof big), *b = jansson_string(big, sizeof big);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_ascii_byte), cmocka_unit_test(test_utf8_kept),
        cmocka_unit_test(test_invalid_utf8),     cmocka_unit_test(test_random_strings),
        cmocka_unit_test(test_long_runs),
        cmocka_unit_test(test_numbers),          cmocka_unit_test(test_structure),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
