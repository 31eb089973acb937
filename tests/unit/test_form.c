/*
 * test_form.c - the application/x-www-form-urlencoded decoder: escapes,
 * order, repeats, empty pieces, caps and the bytes it refuses.
 */
/* cmocka needs these before it, in this order. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

static int parse(const char *body, struct form *f)
{
    const char *problem = NULL;
    int rc = form_parse(body, strlen(body), f, &problem);
    if (rc != FORM_OK) {
        assert_non_null(problem);
        assert_int_equal(f->n, 0);
    }
    return rc;
}

static void test_basic(void **state)
{
    (void)state;
    struct form f;
    assert_int_equal(parse("api_key=abc&service_code=LIFT&lat=36.1", &f), FORM_OK);
    assert_int_equal(f.n, 3);
    assert_string_equal(f.fields[0].key, "api_key");
    assert_string_equal(f.fields[0].value, "abc");
    assert_string_equal(form_get(&f, "service_code"), "LIFT");
    assert_string_equal(form_get(&f, "lat"), "36.1");
    assert_null(form_get(&f, "long"));
    form_release(&f);
    assert_int_equal(parse("", &f), FORM_OK);
    assert_int_equal(f.n, 0);
    form_release(&f);
}

static void test_escapes(void **state)
{
    (void)state;
    struct form f;
    /* '+' is a space, %XX either case, UTF-8 through escapes, '=' inside a value. */
    assert_int_equal(parse("d=a+b%2Bc%2fd&n=%E7%94%B5%E6%A2%AF&q=x%3Dy=z", &f), FORM_OK);
    assert_string_equal(form_get(&f, "d"), "a b+c/d");
    assert_string_equal(form_get(&f, "n"), "电梯");
    assert_string_equal(form_get(&f, "q"), "x=y=z");
    form_release(&f);
    /* Keys are decoded too: attribute[CODE][] arrives escaped. */
    assert_int_equal(parse("attribute%5BCOLOR%5D%5B%5D=red&attribute[COLOR][]=blue", &f), FORM_OK);
    assert_int_equal(form_count(&f, "attribute[COLOR][]"), 2);
    assert_string_equal(f.fields[0].value, "red");
    assert_string_equal(f.fields[1].value, "blue");
    form_release(&f);
    /* Raw UTF-8 (not escaped) is accepted as it is. */
    assert_int_equal(parse("d=路灯不亮", &f), FORM_OK);
    assert_string_equal(form_get(&f, "d"), "路灯不亮");
    form_release(&f);
    /* Newlines and tabs in values are text. */
    assert_int_equal(parse("d=line1%0D%0Aline2%09end", &f), FORM_OK);
    assert_string_equal(form_get(&f, "d"), "line1\r\nline2\tend");
    form_release(&f);
}

static void test_shapes(void **state)
{
    (void)state;
    struct form f;
    /* Empty pieces are skipped; a key without '=' has an empty value. */
    assert_int_equal(parse("&a=1&&b&c=&", &f), FORM_OK);
    assert_int_equal(f.n, 3);
    assert_string_equal(form_get(&f, "a"), "1");
    assert_string_equal(form_get(&f, "b"), "");
    assert_string_equal(form_get(&f, "c"), "");
    form_release(&f);
    /* Repeats are all kept, in order; form_get gives the first. */
    assert_int_equal(parse("x=1&y=2&x=3", &f), FORM_OK);
    assert_int_equal(form_count(&f, "x"), 2);
    assert_string_equal(form_get(&f, "x"), "1");
    form_release(&f);
    /* The body need not be NUL-terminated: only len bytes are read. */
    const char body[] = {'a', '=', '1', '&', 'b', '=', '2'};
    assert_int_equal(form_parse(body, 5, &f, NULL), FORM_OK);
    assert_int_equal(f.n, 2);
    assert_string_equal(form_get(&f, "b"), "");
    form_release(&f);
}

static void test_refused(void **state)
{
    (void)state;
    struct form f;
    const char *bad[] = {
        "=value",                         /* no name */
        "a=%",                            /* cut escapes */
        "a=%4",        "a=%zz",  "a=%00", /* NUL */
        "a=%01",                          /* other controls */
        "a=%7F",       "a%0A=1",          /* newline in a key */
        "a=%C3%28",                       /* invalid UTF-8 */
        "a=%ED%A0%80",                    /* a surrogate */
        "a=%C0%AF",                       /* an overlong */
        "a=\xff",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse(bad[i], &f);
        if (rc != FORM_MALFORMED)
            fail_msg("'%s' gave %d", bad[i], rc);
        form_release(&f);
    }
}

static void test_caps(void **state)
{
    (void)state;
    struct form f;
    /* FORM_MAX_FIELDS fields pass; one more is refused. */
    size_t cap = (FORM_MAX_FIELDS + 1) * 8 + 1;
    char *body = malloc(cap);
    assert_non_null(body);
    size_t o = 0;
    for (int i = 0; i < FORM_MAX_FIELDS; i++)
        o += (size_t)snprintf(body + o, cap - o, "%sk%d=v", i ? "&" : "", i);
    assert_int_equal(form_parse(body, o, &f, NULL), FORM_OK);
    assert_int_equal(f.n, FORM_MAX_FIELDS);
    form_release(&f);
    o += (size_t)snprintf(body + o, cap - o, "&one=more");
    assert_int_equal(form_parse(body, o, &f, NULL), FORM_TOO_MANY);
    assert_int_equal(f.n, 0);
    free(body);

    /* A value of FORM_MAX_VALUE decoded bytes passes, one more does not;
       the cap counts decoded bytes ("%41" is one). */
    size_t n = FORM_MAX_VALUE * 3 + 16;
    body = malloc(n);
    assert_non_null(body);
    memcpy(body, "v=", 2);
    o = 2;
    for (int i = 0; i < FORM_MAX_VALUE; i++, o += 3)
        memcpy(body + o, "%41", 3);
    assert_int_equal(form_parse(body, o, &f, NULL), FORM_OK);
    assert_int_equal(strlen(form_get(&f, "v")), FORM_MAX_VALUE);
    form_release(&f);
    body[o++] = 'A';
    const char *problem = NULL;
    assert_int_equal(form_parse(body, o, &f, &problem), FORM_TOO_LONG);
    assert_non_null(strstr(problem, "too long"));
    free(body);

    char key[FORM_MAX_KEY + 8];
    memset(key, 'k', FORM_MAX_KEY + 1);
    memcpy(key + FORM_MAX_KEY + 1, "=1", 3);
    assert_int_equal(parse(key, &f), FORM_TOO_LONG);
    key[FORM_MAX_KEY] = '=';
    key[FORM_MAX_KEY + 1] = '1';
    key[FORM_MAX_KEY + 2] = '\0';
    assert_int_equal(parse(key, &f), FORM_OK);
    form_release(&f);
}

static void test_content_type(void **state)
{
    (void)state;
    assert_true(form_is_urlencoded("application/x-www-form-urlencoded"));
    assert_true(form_is_urlencoded("application/x-www-form-urlencoded; charset=UTF-8"));
    assert_true(form_is_urlencoded("Application/X-WWW-Form-Urlencoded"));
    assert_false(form_is_urlencoded(NULL));
    assert_false(form_is_urlencoded("application/json"));
    assert_false(form_is_urlencoded("multipart/form-data; boundary=x"));
    assert_false(form_is_urlencoded("application/x-www-form-urlencodedx"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),  cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_shapes), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_caps),   cmocka_unit_test(test_content_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
