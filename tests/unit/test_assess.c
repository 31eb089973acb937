/*
 * test_assess.c - core/assess.c on hand-made histories, one per definition
 * of docs/ASSESSMENT.md: signing, replying, response, resolution,
 * satisfaction, returns accepted and refused, extensions, urges, the
 * timer's red cards, reopen, sub-dispatch, merge; then rates, the score and
 * its weights, and competition ranking.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/assess.h"
#include "core/sla.h"

#define H INT64_C(3600000)
#define T0 INT64_C(1772413200000) /* 2026-03-02 09:00 +08:00 */
#define UNIT_A 7
#define UNIT_B 8

/* A history under construction. */
struct hist {
    struct assess_event ev[32];
    size_t n;
};

static struct assess_event *add(struct hist *h, int action, int64_t at, int64_t unit)
{
    struct assess_event *e = &h->ev[h->n++];
    memset(e, 0, sizeof *e);
    e->ticket_id = 1;
    e->action = action;
    e->at = at;
    e->unit_id = unit;
    e->contacted = -1;
    e->satisfaction = -1;
    e->resolved = -1;
    e->clock = -1;
    /* the deadlines the app's clocks would give: sign 24 h, reply 10 days after dispatch */
    int64_t start = h->n > 1 ? h->ev[h->n - 2].sign_due - 24 * H : at;
    if (action == ACT_DISPATCH || action == ACT_REOPEN || action == ACT_SUBDISPATCH)
        start = at;
    e->sign_due = start + 24 * H;
    e->reply_due = start + 240 * H;
    if (action == ACT_SUBDISPATCH && h->n > 1)
        e->reply_due = h->ev[h->n - 2].reply_due; /* the reply deadline stays */
    return e;
}

static struct assess_event *reply(struct hist *h, int64_t at, int64_t unit, int contacted,
                                  int64_t contacted_at)
{
    struct assess_event *e = add(h, ACT_REPLY, at, unit);
    e->contacted = contacted;
    e->contacted_at = contacted_at;
    return e;
}

static void callback(struct hist *h, int64_t at, int64_t unit, int sat, int resolved)
{
    struct assess_event *e = add(h, ACT_CALLBACK, at, unit);
    e->satisfaction = sat;
    e->resolved = resolved;
}

static size_t facts(const struct hist *h, struct assess_fact *f)
{
    size_t n = assess_facts(h->ev, h->n, f, 8);
    assert_true(n <= 8);
    return n;
}

static void test_all_in_time(void **state)
{
    struct hist h = {0};
    add(&h, ACT_CREATE, T0 - H, 0);
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_ACCEPT, T0 + H, UNIT_A);
    reply(&h, T0 + 30 * H, UNIT_A, 1, T0 + 2 * H);
    callback(&h, T0 + 50 * H, UNIT_A, SAT_SATISFIED, 1);
    struct assess_fact f[8];
    assert_int_equal(facts(&h, f), 1);
    assert_int_equal(f[0].unit_id, UNIT_A);
    assert_int_equal(f[0].received_at, T0);
    const int want[AM__COUNT] = {[AM_RECEIVED] = 1, [AM_SIGN_NUM] = 1, [AM_SIGN_DEN] = 1,
                                 [AM_REPLY_NUM] = 1, [AM_REPLY_DEN] = 1, [AM_RESP_NUM] = 1,
                                 [AM_RESP_DEN] = 1, [AM_RESOL_NUM] = 1, [AM_RESOL_DEN] = 1,
                                 [AM_SAT_NUM] = 1, [AM_SAT_DEN] = 1, [AM_REDO_DEN] = 1};
    assert_memory_equal(f[0].v, want, sizeof want);
}

static void test_late_sign_late_reply_no_contact(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_ACCEPT, T0 + 25 * H, UNIT_A);   /* after the 24 h */
    reply(&h, T0 + 241 * H, UNIT_A, 0, 0);     /* after the 240 h */
    callback(&h, T0 + 250 * H, UNIT_A, SAT_UNSATISFIED, 0);
    struct assess_fact f[8];
    assert_int_equal(facts(&h, f), 1);
    int *v = f[0].v;
    assert_int_equal(v[AM_SIGN_DEN], 1);
    assert_int_equal(v[AM_SIGN_NUM], 0);
    assert_int_equal(v[AM_REPLY_DEN], 1);
    assert_int_equal(v[AM_REPLY_NUM], 0);
    assert_int_equal(v[AM_OVERDUE], 1);
    assert_int_equal(v[AM_RESP_DEN], 1);
    assert_int_equal(v[AM_RESP_NUM], 0);
    assert_int_equal(v[AM_SAT_DEN], 1);
    assert_int_equal(v[AM_SAT_NUM], 0);
    assert_int_equal(v[AM_RESOL_DEN], 1);
    assert_int_equal(v[AM_RESOL_NUM], 0);
}

static void test_response_window_is_the_signing_deadline(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_ACCEPT, T0 + H, UNIT_A);
    reply(&h, T0 + 48 * H, UNIT_A, 1, T0 + 24 * H); /* exactly at the deadline: in time */
    struct assess_fact f[8];
    facts(&h, f);
    assert_int_equal(f[0].v[AM_RESP_NUM], 1);
    h.ev[2].contacted_at = T0 + 24 * H + 1;
    facts(&h, f);
    assert_int_equal(f[0].v[AM_RESP_NUM], 0);
    /* contacted without a time: the reply's own time counts */
    h.ev[2].contacted_at = 0;
    facts(&h, f);
    assert_int_equal(f[0].v[AM_RESP_NUM], 0);
    h.ev[2].at = T0 + 20 * H;
    facts(&h, f);
    assert_int_equal(f[0].v[AM_RESP_NUM], 1);
}

static void test_unreachable_and_basically(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_ACCEPT, T0 + H, UNIT_A);
    reply(&h, T0 + 2 * H, UNIT_A, 1, 0);
    callback(&h, T0 + 3 * H, UNIT_A, SAT_UNREACHABLE, 0);
    struct assess_fact f[8];
    facts(&h, f);
    assert_int_equal(f[0].v[AM_SAT_DEN], 0);
    assert_int_equal(f[0].v[AM_RESOL_DEN], 0);
    h.ev[3].satisfaction = SAT_BASICALLY_SATISFIED;
    facts(&h, f);
    assert_int_equal(f[0].v[AM_SAT_DEN], 1);
    assert_int_equal(f[0].v[AM_SAT_NUM], 1);
}

static void test_pending_counts_only_as_received(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    struct assess_fact f[8];
    assert_int_equal(facts(&h, f), 1);
    const int want[AM__COUNT] = {[AM_RECEIVED] = 1};
    assert_memory_equal(f[0].v, want, sizeof want);
    /* the timer's red card on the signing clock puts it in the denominator */
    struct assess_event *e = add(&h, ACT_SLA_OVERDUE, T0 + 24 * H + 60000, UNIT_A);
    e->clock = SLA_CLOCK_SIGN;
    add(&h, ACT_URGE, T0 + 24 * H + 60000, UNIT_A);
    facts(&h, f);
    assert_int_equal(f[0].v[AM_SIGN_DEN], 1);
    assert_int_equal(f[0].v[AM_SIGN_NUM], 0);
    assert_int_equal(f[0].v[AM_URGED], 1);
    /* and the reply clock's red card makes it overdue before any reply */
    add(&h, ACT_ACCEPT, T0 + 26 * H, UNIT_A);
    e = add(&h, ACT_SLA_OVERDUE, T0 + 241 * H, UNIT_A);
    e->clock = SLA_CLOCK_REPLY;
    facts(&h, f);
    assert_int_equal(f[0].v[AM_REPLY_DEN], 1);
    assert_int_equal(f[0].v[AM_REPLY_NUM], 0);
    assert_int_equal(f[0].v[AM_OVERDUE], 1);
    assert_int_equal(f[0].v[AM_SIGN_DEN], 1); /* signed late: still one */
}

static void test_return_accepted_is_not_the_units(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_URGE, T0 + H / 2, UNIT_A);
    add(&h, ACT_RETURN, T0 + H, UNIT_A);
    add(&h, ACT_DISPATCH, T0 + 2 * H, UNIT_B);
    add(&h, ACT_ACCEPT, T0 + 3 * H, UNIT_B);
    reply(&h, T0 + 4 * H, UNIT_B, 1, 0);
    struct assess_fact f[8];
    assert_int_equal(facts(&h, f), 2);
    const int want_a[AM__COUNT] = {[AM_RECEIVED] = 1, [AM_RETURNED] = 1,
                                   [AM_RETURN_ACCEPTED] = 1, [AM_URGED] = 1};
    assert_memory_equal(f[0].v, want_a, sizeof want_a);
    assert_int_equal(f[0].seq, 1);
    assert_int_equal(f[1].seq, 2);
    assert_int_equal(f[1].unit_id, UNIT_B);
    assert_int_equal(f[1].received_at, T0 + 2 * H);
    assert_int_equal(f[1].v[AM_SIGN_NUM], 1);
    assert_int_equal(f[1].v[AM_RETURNED], 0);
}

static void test_return_refused_stays(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_RETURN, T0 + 30 * H, UNIT_A); /* its first act, after the signing deadline */
    add(&h, ACT_REFUSE_RETURN, T0 + 31 * H, UNIT_A);
    add(&h, ACT_REQUEST_EXTENSION, T0 + 32 * H, UNIT_A);
    add(&h, ACT_REFUSE_EXTENSION, T0 + 33 * H, UNIT_A);
    add(&h, ACT_REQUEST_EXTENSION, T0 + 34 * H, UNIT_A);
    add(&h, ACT_APPROVE_EXTENSION, T0 + 35 * H, UNIT_A)->reply_due = T0 + 400 * H;
    reply(&h, T0 + 300 * H, UNIT_A, 0, 0)->reply_due = T0 + 400 * H;
    struct assess_fact f[8];
    assert_int_equal(facts(&h, f), 1);
    int *v = f[0].v;
    assert_int_equal(v[AM_RETURNED], 1);
    assert_int_equal(v[AM_RETURN_ACCEPTED], 0);
    assert_int_equal(v[AM_RETURN_REFUSED], 1);
    assert_int_equal(v[AM_SIGN_DEN], 1);
    assert_int_equal(v[AM_SIGN_NUM], 0);
    assert_int_equal(v[AM_EXT_ASKED], 2);
    assert_int_equal(v[AM_EXT_APPROVED], 1);
    assert_int_equal(v[AM_REPLY_NUM], 1); /* by the extended deadline */
    assert_int_equal(v[AM_OVERDUE], 0);
}

static void test_reopen_starts_anew(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_ACCEPT, T0 + H, UNIT_A);
    reply(&h, T0 + 2 * H, UNIT_A, 1, 0);
    callback(&h, T0 + 3 * H, UNIT_A, SAT_UNSATISFIED, 0);
    add(&h, ACT_REOPEN, T0 + 4 * H, UNIT_B);
    add(&h, ACT_ACCEPT, T0 + 5 * H, UNIT_B);
    struct assess_fact f[8];
    assert_int_equal(facts(&h, f), 2);
    assert_int_equal(f[0].v[AM_REOPENED], 1);
    assert_int_equal(f[0].v[AM_REDO_NUM], 1);
    assert_int_equal(f[0].v[AM_REDO_DEN], 1);
    assert_int_equal(f[0].v[AM_SAT_DEN], 1); /* its callback stays its own */
    assert_int_equal(f[1].unit_id, UNIT_B);
    assert_int_equal(f[1].v[AM_REDO_DEN], 0);
    assert_int_equal(f[1].v[AM_SIGN_NUM], 1);
}

static void test_subdispatch_and_merge_count_nowhere(void **state)
{
    struct hist h = {0};
    add(&h, ACT_DISPATCH, T0, UNIT_A);
    add(&h, ACT_SUBDISPATCH, T0 + H, UNIT_B);
    add(&h, ACT_ACCEPT, T0 + 2 * H, UNIT_B);
    add(&h, ACT_MERGE, T0 + 3 * H, UNIT_B);
    add(&h, ACT_URGE, T0 + 4 * H, UNIT_B); /* after the merge: belongs to nobody */
    struct assess_fact f[8];
    assert_int_equal(facts(&h, f), 2);
    const int zero[AM__COUNT] = {0};
    assert_memory_equal(f[0].v, zero, sizeof zero);
    assert_memory_equal(f[1].v, zero, sizeof zero);
    /* undispatched tickets have no facts; a small out array gets the count */
    struct hist g = {0};
    add(&g, ACT_CREATE, T0, 0);
    add(&g, ACT_ANSWER, T0 + H, 0);
    assert_int_equal(assess_facts(g.ev, g.n, f, 8), 0);
    assert_int_equal(assess_facts(h.ev, h.n, f, 1), 2);
}

static void test_rates_and_score(void **state)
{
    int64_t s[AM__COUNT] = {0};
    double pct = -1, score = -1;
    struct assess_weights w = ASSESS_DEFAULT_WEIGHTS;
    assert_false(assess_rate_value(s, AR_SATISFACTION, &pct));
    assert_false(assess_score(s, &w, &score));
    s[AM_RESP_NUM] = 1, s[AM_RESP_DEN] = 3;
    s[AM_RESOL_NUM] = 1, s[AM_RESOL_DEN] = 2;
    s[AM_SAT_NUM] = 2, s[AM_SAT_DEN] = 2;
    assert_true(assess_rate_value(s, AR_RESPONSE, &pct));
    assert_true(pct > 33.29 && pct < 33.31);
    assert_true(assess_score(s, &w, &score)); /* 10 + 17.5 + 35 */
    assert_true(score > 62.49 && score < 62.51);
    /* a rate without a denominator drops out and the others are scaled up */
    s[AM_RESOL_NUM] = s[AM_RESOL_DEN] = 0;
    assert_true(assess_score(s, &w, &score)); /* (30 x 33.3 + 35 x 100) / 65 */
    assert_true(score > 69.19 && score < 69.29);
    assert_int_equal(assess_rate_parse("redo"), AR_REDO);
    assert_int_equal(assess_rate_parse("nope"), -1);
    assert_int_equal(assess_rate_den(AR_RETURN), AM_RECEIVED);
    const char *field = NULL;
    struct assess_weights bad = {30, 35, 34, 0};
    assert_int_equal(assess_weights_check(&bad, &field), -1);
    assert_string_equal(field, "weights");
    bad = (struct assess_weights){101, 0, -1, 0};
    assert_int_equal(assess_weights_check(&bad, &field), -1);
    assert_string_equal(field, "response");
    assert_int_equal(assess_weights_check(&w, &field), 0);
}

static void test_rank(void **state)
{
    const double score[] = {80, 90, 80, 50, 0, 70};
    const bool has[] = {true, true, true, true, false, true};
    const int group[] = {1, 1, 1, 1, 1, 2};
    int rank[6], of[6];
    assess_rank(score, has, group, 6, rank, of);
    const int want[] = {2, 1, 2, 4, 0, 1};
    const int want_of[] = {5, 5, 5, 5, 5, 1};
    assert_memory_equal(rank, want, sizeof want);
    assert_memory_equal(of, want_of, sizeof want_of);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_in_time),
        cmocka_unit_test(test_late_sign_late_reply_no_contact),
        cmocka_unit_test(test_response_window_is_the_signing_deadline),
        cmocka_unit_test(test_unreachable_and_basically),
        cmocka_unit_test(test_pending_counts_only_as_received),
        cmocka_unit_test(test_return_accepted_is_not_the_units),
        cmocka_unit_test(test_return_refused_stays),
        cmocka_unit_test(test_reopen_starts_anew),
        cmocka_unit_test(test_subdispatch_and_merge_count_nowhere),
        cmocka_unit_test(test_rates_and_score),
        cmocka_unit_test(test_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
