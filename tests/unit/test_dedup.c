/*
 * test_dedup.c - repeat-request fingerprints and candidate rules
 * (core/dedup.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/dedup.h"
#include "text/segment.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DAY INT64_C(86400000)

static uint64_t fp(const char *title, const char *content)
{
    uint64_t h = 0;
    assert_int_equal(dedup_simhash(title, content, &h), 0);
    return h;
}

static void test_simhash_basics(void **state)
{
    (void)state;
    uint64_t a = fp("小区电梯坏了", "幸福小区3号楼电梯停运两天，老人下不了楼。");
    assert_int_equal(dedup_hamming(a, fp("小区电梯坏了", "幸福小区3号楼电梯停运两天，老人下不了楼。")), 0);
    /* normalisation first: full-width and case do not change the fingerprint */
    assert_int_equal(fp("ABC１２３", NULL), fp("abc123", NULL));
    assert_int_equal(fp(NULL, NULL), 0);
    assert_int_equal(fp("", ""), 0);
}

/* Repeats written differently are closer than other matters in the same place. */
static void test_simhash_repeats_closer(void **state)
{
    (void)state;
    static const char *const lift[][2] = {
        {"幸福小区3号楼电梯停运", "幸福小区3号楼电梯停运两天了，老人上下楼很困难，请尽快维修。"},
        {"3号楼电梯又坏了", "我是幸福小区的，3号楼电梯从前天停运到现在，一直没人来修电梯。"},
        {"反映小区电梯停运", "幸福小区3号楼电梯停运，物业说在等配件，老人上下楼困难。"},
    };
    static const char *const other[][2] = {
        {"幸福小区垃圾无人清运", "幸福小区3号楼门口的垃圾堆了好几天，没有人清运，气味很大。"},
        {"咨询孕前检查", "想了解免费孕前优生健康检查需要带什么材料，在哪里做。"},
        {"幸福小区夜间施工噪声", "幸福小区旁边工地晚上十一点还在施工，噪声很大影响休息。"},
    };
    int worst_repeat = 0, best_other = 64;
    for (size_t i = 0; i < N(lift); i++)
        for (size_t j = 0; j < N(lift); j++) {
            if (i == j)
                continue;
            int d = dedup_hamming(fp(lift[i][0], lift[i][1]), fp(lift[j][0], lift[j][1]));
            worst_repeat = d > worst_repeat ? d : worst_repeat;
        }
    for (size_t i = 0; i < N(lift); i++)
        for (size_t j = 0; j < N(other); j++) {
            int d = dedup_hamming(fp(lift[i][0], lift[i][1]), fp(other[j][0], other[j][1]));
            best_other = d < best_other ? d : best_other;
        }
    struct dedup_rules r;
    dedup_rules_default(&r);
    if (worst_repeat >= best_other || worst_repeat > r.max_hamming)
        fail_msg("repeats up to %d bits apart, other matters from %d (threshold %d)",
                 worst_repeat, best_other, r.max_hamming);
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
    uint64_t lift = fp("电梯停运", "幸福小区3号楼电梯停运两天");
    uint64_t lift2 = fp("电梯又停了", "幸福小区3号楼电梯停运，还没人修");
    uint64_t trash = fp("垃圾无人清运", "门口的垃圾堆了好几天，气味很大，没有人管");
    const int64_t t0 = INT64_C(1790000000000);
    struct dedup_facts probe = {.created_at = t0, .phone = "13812345678", .category_id = 7,
                                .area = "DC-XF", .has_simhash = true, .simhash = lift};
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
        struct dedup_facts c = {.created_at = t0 + cases[i].dt, .phone = cases[i].phone,
                                .category_id = cases[i].category, .area = cases[i].area,
                                .has_simhash = cases[i].text != 2,
                                .simhash = cases[i].text == 0 ? lift2 : trash};
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
    uint64_t h = fp("路灯不亮", "建设路和平路口的路灯已经一周不亮了");
    const int64_t t0 = INT64_C(1790000000000);
    struct dedup_facts probe = {.created_at = t0, .category_id = 4, .has_location = true,
                                .lat = 35.1, .lng = 117.1, .has_simhash = true, .simhash = h};
    struct dedup_facts near = probe, far = probe;
    near.created_at = far.created_at = t0 - DAY;
    near.lat += 0.002; /* ~220 m */
    far.lat += 0.02;   /* ~2.2 km */
    struct dedup_match m1, m2, m3;
    assert_true(dedup_match(&r, &probe, &near, &m1));
    assert_true(m1.reasons & DR_NEARBY);
    assert_true(m1.distance_m > 150 && m1.distance_m < 300);
    assert_false(dedup_match(&r, &probe, &far, &m2));
    r.distance_m = 3000; /* the distance is configurable */
    assert_true(dedup_match(&r, &probe, &far, &m2));
    /* the same caller about the same thing scores above the same caller alone */
    struct dedup_facts p2 = probe, same = probe, other = probe;
    p2.phone = same.phone = other.phone = "13700001111";
    other.simhash = ~h;
    same.created_at = other.created_at = t0 - DAY;
    assert_true(dedup_match(&r, &p2, &same, &m1));
    assert_true(dedup_match(&r, &p2, &other, &m3));
    assert_true(m1.score > m3.score);
    assert_string_equal(dedup_reason_name(0), "same_phone");
    assert_string_equal(dedup_reason_name(4), "similar_text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simhash_basics),   cmocka_unit_test(test_simhash_repeats_closer),
        cmocka_unit_test(test_distance),         cmocka_unit_test(test_rules),
        cmocka_unit_test(test_nearby_and_scores),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    text_seg_thread_release();
    return rc;
}
