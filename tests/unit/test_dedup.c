/*
 * test_dedup.c - repeat-request fingerprints and candidate rules
 * (core/dedup.c).
 */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <string.h>

#include "core/dedup.h"
#include "text/segment.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DAY INT64_C(86400000)

static struct dedup_sketch sk(const char *title, const char *content, const char *address)
{
    struct dedup_sketch s;
    assert_int_equal(dedup_sketch_make(title, content, address, &s), 0);
    return s;
}

static void test_sketch_basics(void **state)
{
    (void)state;
    struct dedup_sketch a =
        sk("小区电梯坏了", "幸福小区3号楼电梯停运两天，老人下不了楼。", "建设路幸福小区3号楼");
    struct dedup_sketch b = a;
    assert_true(fabs(dedup_text_similarity(&a, &b) - 1) < 1e-9);
    assert_true(fabs(dedup_place_similarity(&a, &b) - 1) < 1e-9);
    assert_true(a.n_text > 0 && a.n_place > 0);
    /* the place is not the matter: no address feature among the text features */
    for (size_t i = 0; i < a.n_text; i++)
        for (size_t j = 0; j < a.n_place; j++)
            assert_int_not_equal(a.text[i], a.place[j]);
    /* normalisation first: full-width and case do not change the sketch */
    struct dedup_sketch c = sk("ABC１２３", NULL, NULL), d = sk("abc123", NULL, NULL);
    assert_true(fabs(dedup_text_similarity(&c, &d) - 1) < 1e-9);
    struct dedup_sketch e = sk(NULL, NULL, NULL);
    assert_int_equal(e.n_text, 0);
    assert_true(dedup_place_similarity(&e, &a) < 0);
    /* encode and decode */
    unsigned char buf[DEDUP_SKETCH_BYTES];
    size_t n = dedup_sketch_encode(&a, buf);
    struct dedup_sketch back;
    assert_int_equal(dedup_sketch_decode(buf, n, &back), 0);
    assert_int_equal(back.n_text, a.n_text);
    assert_memory_equal(back.text, a.text, a.n_text * sizeof a.text[0]);
    assert_int_equal(dedup_sketch_decode(buf, n - 1, &back), -1);
    assert_int_equal(dedup_sketch_decode("x", 1, &back), -1);
}

/*
 * Repeats written differently share more of the matter than other matters at
 * the same place: above the threshold, while unrelated matters stay below
 * it and another matter of the same kind (stuck, not stopped) lies between.
 */
/* The thread's last sketch is reused only for the very same texts: moving
   a text to another argument, or NULL against "", is another sketch. */
static void test_sketch_memo(void **state)
{
    (void)state;
    struct dedup_sketch a, b, again;
    assert_int_equal(dedup_sketch_make("路灯坏了", NULL, "牡丹区中华路", &a), 0);
    assert_int_equal(dedup_sketch_make("路灯坏了", "牡丹区中华路", NULL, &b), 0);
    assert_true(a.n_place > 0);
    assert_int_equal(b.n_place, 0);
    assert_int_equal(dedup_sketch_make("路灯坏了", NULL, "牡丹区中华路", &again), 0);
    assert_memory_equal(&a, &again, sizeof a);
    assert_int_equal(dedup_sketch_make("路灯坏了", "", "牡丹区中华路", &again), 0);
    assert_memory_equal(&a, &again, sizeof a); /* same features, made afresh */
    assert_int_equal(dedup_sketch_make("", "", "", &again), 0);
    assert_int_equal(again.n_text + again.n_place, 0);
    assert_int_equal(dedup_sketch_make(NULL, NULL, NULL, &again), 0);
    assert_int_equal(again.n_text + again.n_place, 0);
    assert_int_equal(dedup_sketch_make("路灯坏了", "牡丹区中华路", NULL, &again), 0);
    assert_memory_equal(&b, &again, sizeof b);
}

static void test_repeats_closer(void **state)
{
    (void)state;
    static const char *const lift[][2] = {
        {"幸福小区3号楼电梯停运", "幸福小区3号楼电梯停运两天了，老人上下楼很困难，请尽快维修。"},
        {"3号楼电梯又坏了", "我是幸福小区的，3号楼电梯从前天停运到现在，一直没人来修电梯。"},
        {"反映小区电梯停运", "幸福小区3号楼电梯停运，物业说在等配件，老人上下楼困难。"},
    };
    static const char *const unrelated[][2] = {
        {"幸福小区垃圾无人清运", "幸福小区3号楼门口的垃圾堆了好几天，没有人清运，气味很大。"},
        {"咨询孕前检查", "想了解免费孕前优生健康检查需要带什么材料，在哪里做。"},
    };
    const char *addr = "建设路幸福小区3号楼";
    struct dedup_sketch stuck =
        sk("幸福小区3号楼电梯困人", "幸福小区3号楼电梯今天上午困人，二十分钟后才有人来。", addr);
    struct dedup_rules r;
    dedup_rules_default(&r);
    double repeat_sum = 0, stuck_sum = 0;
    int pairs = 0;
    for (size_t i = 0; i < N(lift); i++) {
        struct dedup_sketch a = sk(lift[i][0], lift[i][1], addr);
        for (size_t j = i + 1; j < N(lift); j++) {
            struct dedup_sketch b = sk(lift[j][0], lift[j][1], addr);
            double v = dedup_text_similarity(&a, &b);
            if (v < r.min_text)
                fail_msg("repeats %zu and %zu only %.2f alike", i, j, v);
            repeat_sum += v;
            pairs++;
        }
        for (size_t j = 0; j < N(unrelated); j++) {
            struct dedup_sketch b = sk(unrelated[j][0], unrelated[j][1], addr);
            double v = dedup_text_similarity(&a, &b);
            if (v >= r.min_text)
                fail_msg("unrelated matter %zu is %.2f alike to repeat %zu", j, v, i);
        }
        stuck_sum += dedup_text_similarity(&a, &stuck);
    }
    assert_true(repeat_sum / pairs > stuck_sum / N(lift));
    /* the address tells compounds apart */
    struct dedup_sketch p1 = sk(NULL, NULL, "建设路幸福小区3号楼");
    struct dedup_sketch p2 = sk(NULL, NULL, "幸福小区3号楼2单元");
    struct dedup_sketch p3 = sk(NULL, NULL, "建设路阳光花园5号楼");
    assert_true(dedup_place_similarity(&p1, &p2) >= r.min_place);
    assert_true(dedup_place_similarity(&p1, &p3) < r.min_place);
}

static void test_distance(void **state)
{
    (void)state;
    double d = dedup_distance_m(35.0, 117.0, 35.01, 117.0);
    assert_true(fabs(d - 1112) < 5); /* 0.01 degree of latitude */
    assert_true(dedup_distance_m(35.1, 117.1, 35.1, 117.1) < 0.001);
}

static void test_rules(void **state)
{
    (void)state;
    struct dedup_rules r;
    dedup_rules_default(&r);
    struct dedup_sketch lift = sk("电梯停运", "幸福小区3号楼电梯停运两天", "幸福小区3号楼");
    struct dedup_sketch lift2 =
        sk("电梯又停了", "幸福小区3号楼电梯停运，还没人修", "幸福小区3号楼");
    struct dedup_sketch trash =
        sk("垃圾无人清运", "门口的垃圾堆了好几天，气味很大，没有人管", "幸福小区3号楼");
    const int64_t t0 = INT64_C(1790000000000);
    struct dedup_facts probe = {.created_at = t0,
                                .phone = "13812345678",
                                .category_id = 7,
                                .area = "DC-XF",
                                .sketch = &lift};
    static const struct {
        const char *name;
        int64_t dt;
        const char *phone, *area;
        int64_t category;
        int text; /* 0 similar, 1 other matter, 2 none */
        bool loc;
        double lat, lng;
        bool match;
        unsigned must; /* reasons that must be there */
    } cases[] = {
        {"same phone, other matter, 29 days", -29 * DAY, "13812345678", NULL, 3, 1, false, 0, 0,
         true, DR_SAME_PHONE},
        {"same phone, 31 days", -31 * DAY, "13812345678", NULL, 7, 0, false, 0, 0, false, 0},
        {"same place, similar text, 6 days", -6 * DAY, "13900000000", "DC-XF", 7, 0, false, 0, 0,
         true, DR_SAME_CATEGORY | DR_SAME_AREA | DR_SIMILAR_TEXT},
        {"later ticket counts too", 2 * DAY, NULL, "DC-XF", 7, 0, false, 0, 0, true,
         DR_SIMILAR_TEXT},
        {"same place, similar text, 8 days", -8 * DAY, NULL, "DC-XF", 7, 0, false, 0, 0, false, 0},
        {"same place, other matter", -DAY, NULL, "DC-XF", 7, 1, false, 0, 0, false, 0},
        {"other category", -DAY, NULL, "DC-XF", 8, 0, false, 0, 0, false, 0},
        {"other area, no coordinates", -DAY, NULL, "DC-JS", 7, 0, false, 0, 0, false, 0},
        {"no fingerprint", -DAY, NULL, "DC-XF", 7, 2, false, 0, 0, false, 0},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct dedup_facts c = {.created_at = t0 + cases[i].dt,
                                .phone = cases[i].phone,
                                .category_id = cases[i].category,
                                .area = cases[i].area,
                                .sketch = cases[i].text == 2   ? NULL
                                          : cases[i].text == 0 ? &lift2
                                                               : &trash};
        struct dedup_match m;
        bool got = dedup_match(&r, &probe, &c, &m);
        if (got != cases[i].match || (m.reasons & cases[i].must) != cases[i].must)
            fail_msg("%s: match %d (reasons %#x), expected %d", cases[i].name, got, m.reasons,
                     cases[i].match);
        if (got && (m.score <= 0 || m.score > 1))
            fail_msg("%s: score %f out of range", cases[i].name, m.score);
    }
}

static void test_nearby_and_scores(void **state)
{
    (void)state;
    struct dedup_rules r;
    dedup_rules_default(&r);
    struct dedup_sketch h = sk("路灯不亮", "建设路和平路口的路灯已经一周不亮了", NULL);
    struct dedup_sketch other_text = sk("路灯白天也亮着", "白天也一直亮着，浪费电", NULL);
    const int64_t t0 = INT64_C(1790000000000);
    struct dedup_facts probe = {.created_at = t0,
                                .category_id = 4,
                                .has_location = true,
                                .lat = 35.1,
                                .lng = 117.1,
                                .sketch = &h};
    struct dedup_facts near = probe, far = probe;
    near.created_at = far.created_at = t0 - DAY;
    near.lat += 0.0018; /* ~200 m */
    far.lat += 0.02;    /* ~2.2 km */
    struct dedup_match m1, m2, m3;
    assert_true(dedup_match(&r, &probe, &near, &m1));
    assert_true(m1.reasons & DR_NEARBY);
    assert_true(m1.distance_m > 150 && m1.distance_m < 250);
    assert_false(dedup_match(&r, &probe, &far, &m2));
    r.distance_m = 3000; /* the distance is configurable */
    assert_true(dedup_match(&r, &probe, &far, &m2));
    /* the same caller about the same thing scores above the same caller alone */
    struct dedup_facts p2 = probe, same = probe, other = probe;
    p2.phone = same.phone = other.phone = "13700001111";
    other.sketch = &other_text;
    same.created_at = other.created_at = t0 - DAY;
    assert_true(dedup_match(&r, &p2, &same, &m1));
    assert_true(dedup_match(&r, &p2, &other, &m3));
    assert_true(m1.score > m3.score);
    assert_string_equal(dedup_reason_name(0), "same_phone");
    assert_string_equal(dedup_reason_name(5), "similar_text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sketch_basics),     cmocka_unit_test(test_sketch_memo),
        cmocka_unit_test(test_repeats_closer),
        cmocka_unit_test(test_distance),          cmocka_unit_test(test_rules),
        cmocka_unit_test(test_nearby_and_scores),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    text_seg_thread_release();
    return rc;
}
