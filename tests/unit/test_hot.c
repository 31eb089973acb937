/*
 * test_hot.c - the hot-topic score on hand-made series, the day arithmetic
 * of the statistics (core/stats_ops.c) and a ticket's words (core/hot.c).
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

#include "core/hot.h"
#include "core/stats_ops.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void near(double got, double want)
{
    if (fabs(got - want) > 1e-9)
        fail_msg("got %.12g, want %.12g", got, want);
}

static void test_score_quiet_baseline(void **state)
{
    (void)state;
    /* Nothing in the four weeks before: the spread is the floor of 1. */
    const int64_t zero[4] = {0, 0, 0, 0};
    struct hot_score s;
    hot_score(6, zero, 4, 5, &s);
    near(s.baseline, 0);
    near(s.spread, 1);
    near(s.ratio, 6);
    near(s.score, 6);
    assert_true(s.hot);
    /* Below the minimum count: a one-off is never listed, however it compares. */
    hot_score(4, zero, 4, 5, &s);
    near(s.score, 4);
    assert_false(s.hot);
}

static void test_score_steady_baseline(void **state)
{
    (void)state;
    /* 10 a week, every week: sd 0, Poisson floor sqrt(10). */
    const int64_t steady[4] = {10, 10, 10, 10};
    struct hot_score s;
    hot_score(30, steady, 4, 5, &s);
    near(s.baseline, 10);
    near(s.spread, sqrt(10));
    near(s.ratio, 3);
    near(s.score, 20 / sqrt(10));
    assert_true(s.hot);
    /* 14 is within the noise of 10 (score 1.26): not hot. */
    hot_score(14, steady, 4, 5, &s);
    assert_false(s.hot);
    near(s.score, 4 / sqrt(10));
}

static void test_score_noisy_baseline(void **state)
{
    (void)state;
    /* 2, 20, 4, 14: mean 10, sample sd sqrt(((64+100+36+16)/3)) = sqrt(72). */
    const int64_t noisy[4] = {2, 20, 4, 14};
    struct hot_score s;
    hot_score(30, noisy, 4, 5, &s);
    near(s.baseline, 10);
    near(s.spread, sqrt(72));
    near(s.score, 20 / sqrt(72));
    /* 20 / 8.485 = 2.36 < 3: a spiky baseline hides the same count a steady
       one would show. */
    assert_false(s.hot);
    hot_score(40, noisy, 4, 5, &s);
    near(s.score, 30 / sqrt(72));
    assert_true(s.hot);
}

static void test_score_ratio_needed(void **state)
{
    (void)state;
    /* A large steady baseline: 1,000 a week, 1,120 now. score 120/31.6 = 3.79,
       ratio 1.12: a big stream's ordinary wobble is not a hot topic. */
    const int64_t big[4] = {1000, 1000, 1000, 1000};
    struct hot_score s;
    hot_score(1120, big, 4, 5, &s);
    assert_true(s.score >= HOT_MIN_SCORE);
    near(s.ratio, 1.12);
    assert_false(s.hot);
    /* The window falling is never hot. */
    hot_score(0, big, 4, 5, &s);
    assert_true(s.score < 0);
    assert_false(s.hot);
}

static void test_days(void **state)
{
    (void)state;
    assert_int_equal(stats_day_ordinal(19700101), 0);
    assert_int_equal(stats_day_from_ordinal(0), 19700101);
    assert_int_equal(stats_day_add(20261231, 1), 20270101);
    assert_int_equal(stats_day_add(20280228, 1), 20280229); /* leap year */
    assert_int_equal(stats_day_add(20260301, -1), 20260228);
    assert_int_equal(stats_day_add(20261124, -28), 20261027);
    assert_int_equal(stats_day_diff(20260101, 20261231), 364);
    day_key d = 0;
    assert_int_equal(stats_day_parse("2026-02-28", &d), 0);
    assert_int_equal(d, 20260228);
    const char *bad[] = {"2026-02-29",  "2026-13-01", "2026-00-10", "2026-1-01", "20260101",
                         "2026-01-01T", "",           "1969-12-31", "2026/01/01"};
    for (size_t i = 0; i < N(bad); i++)
        assert_int_equal(stats_day_parse(bad[i], &d), -1);
    char s[11];
    stats_day_format(20270105, s);
    assert_string_equal(s, "2027-01-05");
    /* Weeks start on Monday: 2026-11-22 is a Sunday, 2026-11-23 a Monday. */
    assert_int_equal(stats_period_start(20261122, SP_WEEK), 20261116);
    assert_int_equal(stats_period_start(20261123, SP_WEEK), 20261123);
    assert_int_equal(stats_period_start(20270101, SP_WEEK), 20261228);
    assert_int_equal(stats_period_start(20261122, SP_MONTH), 20261101);
    assert_int_equal(stats_period_next(20261201, SP_MONTH), 20270101);
    assert_int_equal(stats_period_next(20261228, SP_WEEK), 20270104);
    stats_period_label(20261101, SP_MONTH, s);
    assert_string_equal(s, "2026-11");
}

static void test_words(void **state)
{
    (void)state;
    struct text_seg *seg = NULL;
    assert_int_equal(text_seg_new(&seg), TEXT_OK);
    char w[HOT_WORDS][HOT_WORD_MAX];
    size_t n = 0;
    /* Stock phrases (反映, 希望, 尽快), numbers and single characters drop out;
       the title's words count twice. */
    assert_int_equal(hot_words(seg, "电梯故障", "市民反映3号楼电梯故障，希望尽快维修电梯。", w, &n),
                     TEXT_OK);
    assert_true(n >= 2);
    assert_string_equal(w[0], "电梯"); /* 2 (title) + 2 */
    assert_string_equal(w[1], "故障"); /* 2 + 1 */
    for (size_t i = 0; i < n; i++) {
        assert_false(hot_stop_word(w[i], strlen(w[i])));
        assert_true(strlen(w[i]) > 3); /* no single CJK character (3 bytes) */
        assert_null(strpbrk(w[i], "0123456789"));
    }
    /* At most HOT_WORDS, and nothing from a text without words. */
    assert_int_equal(hot_words(seg, "停电 停水 噪音 垃圾 油烟 占道 违章 施工 交通 学校", "", w, &n),
                     TEXT_OK);
    assert_int_equal(n, HOT_WORDS);
    assert_int_equal(hot_words(seg, "！！！", "123 的", w, &n), TEXT_OK);
    assert_int_equal(n, 0);
    text_seg_free(seg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_quiet_baseline),
        cmocka_unit_test(test_score_steady_baseline),
        cmocka_unit_test(test_score_noisy_baseline),
        cmocka_unit_test(test_score_ratio_needed),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
