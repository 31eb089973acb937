/*
 * test_open311.c - the pure parts behind Open311: attribute definitions and
 * answers, redaction of public text, XML rendering and escaping, and the
 * token buckets.
 */
/* cmocka needs these before it, in this order. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdlib.h>
#include <string.h>

#include "core/redact.h"
#include "core/service.h"
#include "core/timeutil.h"
#include "http/ratelimit.h"
#include "open311/o311.h"

static struct attr_choice colors[] = {{"red", "红"}, {"blue", "蓝"}};

static struct service_attr defs[] = {
    {.code = "FLOOR",
     .variable = true,
     .datatype = AT_NUMBER,
     .required = true,
     .description = "楼层"},
    {.code = "COLOR",
     .variable = true,
     .datatype = AT_MULTI,
     .description = "颜色",
     .values = colors,
     .n_values = 2},
    {.code = "KIND",
     .variable = true,
     .datatype = AT_SINGLE,
     .description = "类型",
     .values = colors,
     .n_values = 2},
    {.code = "WHEN", .variable = true, .datatype = AT_DATETIME, .description = "时间"},
    {.code = "NOTE", .variable = false, .datatype = AT_STRING, .description = "说明"},
};
#define N_DEFS (sizeof defs / sizeof defs[0])

static void test_definition_checks(void **state)
{
    (void)state;
    int index;
    const char *msg;
    assert_int_equal(service_attrs_check(defs, N_DEFS, &index, &msg), 0);

    struct service_attr bad = defs[0];
    bad.code = "bad code";
    assert_int_equal(service_attrs_check(&bad, 1, &index, &msg), -1);
    assert_int_equal(index, 0);

    struct service_attr twice[2] = {defs[0], defs[0]};
    assert_int_equal(service_attrs_check(twice, 2, &index, &msg), -1);
    assert_int_equal(index, 1);
    assert_non_null(strstr(msg, "twice"));

    struct service_attr list_without = defs[1];
    list_without.n_values = 0;
    assert_int_equal(service_attrs_check(&list_without, 1, &index, &msg), -1);

    struct service_attr plain_with = defs[0];
    plain_with.values = colors;
    plain_with.n_values = 2;
    assert_int_equal(service_attrs_check(&plain_with, 1, &index, &msg), -1);

    struct service_attr note_required = defs[4];
    note_required.required = true;
    assert_int_equal(service_attrs_check(&note_required, 1, &index, &msg), -1);

    struct attr_choice dup[] = {{"a", "A"}, {"a", "B"}};
    struct service_attr dup_keys = defs[2];
    dup_keys.values = dup;
    dup_keys.n_values = 2;
    assert_int_equal(service_attrs_check(&dup_keys, 1, &index, &msg), -1);

    assert_int_equal(attr_type_parse("multivaluelist"), AT_MULTI);
    assert_int_equal(attr_type_parse("list"), -1);
    assert_string_equal(attr_type_name(AT_SINGLE), "singlevaluelist");
}

/* Runs the answer check; returns the code at fault or NULL. */
static const char *check(const struct attr_answer *a, size_t n, char *msg)
{
    const char *code = NULL;
    int rc = service_check_answers(defs, N_DEFS, a, n, &code, msg, 200);
    return rc == 0 ? NULL : code ? code : "?";
}

static void test_answers(void **state)
{
    (void)state;
    char msg[200];
    const char *floor3[] = {"3"}, *two[] = {"red", "blue"}, *red[] = {"red"};
    const char *green[] = {"green"}, *empty[] = {""}, *dupl[] = {"red", "red"};
    const char *when[] = {"2026-12-01T09:30:00+08:00"}, *notnum[] = {"3rd"};

    struct attr_answer ok[] = {
        {"FLOOR", floor3, 1}, {"COLOR", two, 2}, {"KIND", red, 1}, {"WHEN", when, 1}};
    assert_null(check(ok, 4, msg));

    /* The required one missing, or only empty: named. */
    assert_string_equal(check(ok + 1, 1, msg), "FLOOR");
    assert_non_null(strstr(msg, "'FLOOR' is required"));
    struct attr_answer blank[] = {{"FLOOR", empty, 1}};
    assert_string_equal(check(blank, 1, msg), "FLOOR");

    struct attr_answer unknown[] = {{"FLOOR", floor3, 1}, {"NOPE", red, 1}};
    assert_string_equal(check(unknown, 2, msg), "NOPE");
    struct attr_answer badnum[] = {{"FLOOR", notnum, 1}};
    assert_string_equal(check(badnum, 1, msg), "FLOOR");
    struct attr_answer notkey[] = {{"FLOOR", floor3, 1}, {"KIND", green, 1}};
    assert_string_equal(check(notkey, 2, msg), "KIND");
    struct attr_answer single_two[] = {{"FLOOR", floor3, 1}, {"KIND", two, 2}};
    assert_string_equal(check(single_two, 2, msg), "KIND");
    struct attr_answer multi_dup[] = {{"FLOOR", floor3, 1}, {"COLOR", dupl, 2}};
    assert_string_equal(check(multi_dup, 2, msg), "COLOR");
    struct attr_answer note[] = {{"FLOOR", floor3, 1}, {"NOTE", red, 1}};
    assert_string_equal(check(note, 2, msg), "NOTE");
    const char *baddate[] = {"yesterday"};
    struct attr_answer date[] = {{"FLOOR", floor3, 1}, {"WHEN", baddate, 1}};
    assert_string_equal(check(date, 2, msg), "WHEN");
    /* An empty optional answer is simply absent. */
    struct attr_answer opt_empty[] = {{"FLOOR", floor3, 1}, {"KIND", empty, 1}};
    assert_null(check(opt_empty, 2, msg));
}

static void expect_redacted(const char *in, const char *const *secrets, size_t n, const char *want)
{
    char *out = redact_public(in, secrets, n);
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
}

static void test_redact(void **state)
{
    (void)state;
    const char *s[] = {"张先生", "13812345678", "zhang@example.com", NULL, "王"};
    expect_redacted("张先生来电：电梯坏了", s, 5, "***来电：电梯坏了");
    expect_redacted("回电 13812345678 或 138-1234-5678", s, 5, "回电 *** 或 ***");
    expect_redacted("邮件 li.si@mail.example.cn 已回复", s, 5, "邮件 *** 已回复");
    expect_redacted("3号楼 12 层，门牌 202", s, 5, "3号楼 12 层，门牌 202");
    /* One-character secrets are skipped: they would blank common words. */
    expect_redacted("王府井", s, 5, "王府井");
    expect_redacted("", s, 5, "");
    /* Adjacent hidden stretches collapse into one mark. */
    expect_redacted("张先生13812345678", s, 5, "***");
    /* The worst case for length: many short secrets. */
    const char *ab[] = {"ab"};
    expect_redacted("ab ab ab", ab, 1, "*** *** ***");
}

static void test_xml(void **state)
{
    (void)state;
    json_t *root =
        json_pack("[{s:s, s:n, s:b, s:i, s:f, s:[s, s], s:s}]", "service_code", "A&B",
                  "status_notes", "metadata", 1, "order", 3, "lat", 36.5, "formats", "text/xml",
                  "application/json", "description", "<x> \"q\" 'a' \r\x01 ok");
    assert_non_null(root);
    size_t len = 0;
    char *xml = o311_xml(root, "services", &len);
    json_decref(root);
    assert_non_null(xml);
    assert_int_equal(strlen(xml), len);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<services><service><service_code>A&amp;B</service_code><status_notes/>"
        "<metadata>true</metadata><order>3</order><lat>36.5</lat>"
        "<formats><format>text/xml</format><format>application/json</format></formats>"
        "<description>&lt;x&gt; &quot;q&quot; &apos;a&apos; &#13;\xEF\xBF\xBD ok</description>"
        "</service></services>\n";
    assert_string_equal(xml, want);
    free(xml);

    /* Errors render as the spec's <errors><error>. */
    json_t *errs = json_pack("[{s:i, s:s}]", "code", 404, "description", "未知");
    xml = o311_xml(errs, "errors", &len);
    json_decref(errs);
    assert_non_null(strstr(xml, "<errors><error><code>404</code><description>未知</description>"
                                "</error></errors>"));
    free(xml);
}

static void test_split(void **state)
{
    (void)state;
    char name[64];
    assert_int_equal(o311_split("services.xml", name, sizeof name), FMT_XML);
    assert_string_equal(name, "services");
    assert_int_equal(o311_split("A.B.json", name, sizeof name), FMT_JSON);
    assert_string_equal(name, "A.B");
    assert_int_equal(o311_split("services", name, sizeof name), -1);
    assert_int_equal(o311_split(".json", name, sizeof name), -1);
    assert_int_equal(o311_split("services.html", name, sizeof name), -1);
    assert_int_equal(o311_split("x.json", name, 1), -1);
}

static void test_ratelimit(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2);
    assert_non_null(rl);
    int64_t t = 1000000;
    /* A burst of 3 a minute: three pass, the fourth waits about 20 s. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_take(rl, "ip:a", 3, 60000, t), 0);
    int wait = ratelimit_take(rl, "ip:a", 3, 60000, t);
    assert_true(wait >= 19 && wait <= 20);
    assert_int_equal(ratelimit_peek(rl, "ip:a", 3, 60000, t), wait);
    /* Refills with time. */
    assert_int_equal(ratelimit_take(rl, "ip:a", 3, 60000, t + 20000), 0);
    /* Peeking never creates or spends. */
    assert_int_equal(ratelimit_peek(rl, "ip:b", 3, 60000, t), 0);
    assert_int_equal(ratelimit_size(rl), 1);
    assert_int_equal(ratelimit_take(rl, "ip:b", 3, 60000, t), 0);
    assert_int_equal(ratelimit_size(rl), 2);
    /* Full of active buckets: a new key is refused, not let through. */
    assert_true(ratelimit_take(rl, "ip:c", 3, 60000, t) > 0);
    /* Once the others refill, they are forgotten to make room. */
    assert_int_equal(ratelimit_take(rl, "ip:c", 3, 60000, t + 3600000), 0);
    assert_int_equal(ratelimit_size(rl), 1);
    /* No limit configured: always passes. */
    assert_int_equal(ratelimit_take(rl, "ip:d", 0, 60000, t), 0);
    ratelimit_free(rl);
}

int main(void)
{
    timeutil_set_zone("Asia/Shanghai");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_definition_checks),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_redact),
        cmocka_unit_test(test_xml),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_ratelimit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
