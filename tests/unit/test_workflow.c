/*
 * test_workflow.c - the state machine against DESIGN.md section 2, written
 * out here cell by cell (state x action x role) independently of the
 * implementation's table, plus the argument checks of every action and the
 * wire names of the vocabulary in types.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/types.h"
#include "core/workflow.h"

/* `set` tells a written cell from one the transcription forgot. */
struct cell {
    bool set;
    enum wf_result r;
    int to;
};

#define X {true, WF_INVALID_TRANSITION, -1}
#define F {true, WF_FORBIDDEN, -1}
#define OK(s) {true, WF_OK, s}
#define XXXX {X, X, X, X}
/* Columns: agent, handler, supervisor, admin. */
#define CENTER(s) {OK(s), F, OK(s), F}
#define ALL(s) {OK(s), OK(s), OK(s), OK(s)}
#define HANDLER(s) {F, OK(s), F, F}
#define SUPERVISOR(s) {F, F, OK(s), F}

static const unsigned roles_col[4] = {ROLE_AGENT, ROLE_HANDLER, ROLE_SUPERVISOR, ROLE_ADMIN};

enum { R = ST_REGISTERED, D = ST_DISPATCHED, P = ST_PROCESSING, RET = ST_RETURNED,
       REP = ST_REPLIED, C = ST_CLOSED, M = ST_MERGED };

/* expected[state][action][role column], transcribed from DESIGN.md's action table. */
static const struct cell expected[ST__COUNT][ACT__COUNT][4] = {
    [ST_REGISTERED] = {
        [ACT_ANSWER] = {OK(C), F, F, F},
        [ACT_DISPATCH] = CENTER(D),
        [ACT_ACCEPT] = XXXX, [ACT_SUBDISPATCH] = XXXX, [ACT_RETURN] = XXXX,
        [ACT_REFUSE_RETURN] = XXXX, [ACT_REQUEST_EXTENSION] = XXXX,
        [ACT_APPROVE_EXTENSION] = XXXX, [ACT_REFUSE_EXTENSION] = XXXX,
        [ACT_REPLY] = XXXX, [ACT_CALLBACK] = XXXX, [ACT_REOPEN] = XXXX,
        [ACT_MERGE] = CENTER(M),
        [ACT_URGE] = CENTER(R),
        [ACT_COMMENT] = ALL(R),
    },
    [ST_DISPATCHED] = {
        [ACT_ANSWER] = XXXX, [ACT_DISPATCH] = XXXX,
        [ACT_ACCEPT] = HANDLER(P),
        [ACT_SUBDISPATCH] = HANDLER(D),
        [ACT_RETURN] = HANDLER(RET),
        [ACT_REFUSE_RETURN] = XXXX, [ACT_REQUEST_EXTENSION] = XXXX,
        [ACT_APPROVE_EXTENSION] = XXXX, [ACT_REFUSE_EXTENSION] = XXXX,
        [ACT_REPLY] = XXXX, [ACT_CALLBACK] = XXXX, [ACT_REOPEN] = XXXX,
        [ACT_MERGE] = CENTER(M),
        [ACT_URGE] = CENTER(D),
        [ACT_COMMENT] = ALL(D),
    },
    [ST_PROCESSING] = {
        [ACT_ANSWER] = XXXX, [ACT_DISPATCH] = XXXX, [ACT_ACCEPT] = XXXX,
        [ACT_SUBDISPATCH] = HANDLER(D),
        [ACT_RETURN] = HANDLER(RET),
        [ACT_REFUSE_RETURN] = XXXX,
        [ACT_REQUEST_EXTENSION] = HANDLER(P),
        [ACT_APPROVE_EXTENSION] = SUPERVISOR(P),
        [ACT_REFUSE_EXTENSION] = SUPERVISOR(P),
        [ACT_REPLY] = HANDLER(REP),
        [ACT_CALLBACK] = XXXX, [ACT_REOPEN] = XXXX,
        [ACT_MERGE] = CENTER(M),
        [ACT_URGE] = CENTER(P),
        [ACT_COMMENT] = ALL(P),
    },
    [ST_RETURNED] = {
        [ACT_ANSWER] = XXXX,
        [ACT_DISPATCH] = CENTER(D),
        [ACT_ACCEPT] = XXXX, [ACT_SUBDISPATCH] = XXXX, [ACT_RETURN] = XXXX,
        [ACT_REFUSE_RETURN] = CENTER(P),
        [ACT_REQUEST_EXTENSION] = XXXX, [ACT_APPROVE_EXTENSION] = XXXX,
        [ACT_REFUSE_EXTENSION] = XXXX, [ACT_REPLY] = XXXX, [ACT_CALLBACK] = XXXX,
        [ACT_REOPEN] = XXXX, [ACT_MERGE] = XXXX,
        [ACT_URGE] = CENTER(RET),
        [ACT_COMMENT] = ALL(RET),
    },
    [ST_REPLIED] = {
        [ACT_ANSWER] = XXXX, [ACT_DISPATCH] = XXXX, [ACT_ACCEPT] = XXXX,
        [ACT_SUBDISPATCH] = XXXX, [ACT_RETURN] = XXXX, [ACT_REFUSE_RETURN] = XXXX,
        [ACT_REQUEST_EXTENSION] = XXXX, [ACT_APPROVE_EXTENSION] = XXXX,
        [ACT_REFUSE_EXTENSION] = XXXX, [ACT_REPLY] = XXXX,
        [ACT_CALLBACK] = CENTER(C),
        [ACT_REOPEN] = CENTER(D),
        [ACT_MERGE] = XXXX,
        [ACT_URGE] = CENTER(REP),
        [ACT_COMMENT] = ALL(REP),
    },
    [ST_CLOSED] = {
        [ACT_ANSWER] = XXXX, [ACT_DISPATCH] = XXXX, [ACT_ACCEPT] = XXXX,
        [ACT_SUBDISPATCH] = XXXX, [ACT_RETURN] = XXXX, [ACT_REFUSE_RETURN] = XXXX,
        [ACT_REQUEST_EXTENSION] = XXXX, [ACT_APPROVE_EXTENSION] = XXXX,
        [ACT_REFUSE_EXTENSION] = XXXX, [ACT_REPLY] = XXXX, [ACT_CALLBACK] = XXXX,
        [ACT_REOPEN] = CENTER(D),
        [ACT_MERGE] = XXXX, [ACT_URGE] = XXXX,
        [ACT_COMMENT] = ALL(C),
    },
    [ST_MERGED] = {
        [ACT_ANSWER] = XXXX, [ACT_DISPATCH] = XXXX, [ACT_ACCEPT] = XXXX,
        [ACT_SUBDISPATCH] = XXXX, [ACT_RETURN] = XXXX, [ACT_REFUSE_RETURN] = XXXX,
        [ACT_REQUEST_EXTENSION] = XXXX, [ACT_APPROVE_EXTENSION] = XXXX,
        [ACT_REFUSE_EXTENSION] = XXXX, [ACT_REPLY] = XXXX, [ACT_CALLBACK] = XXXX,
        [ACT_REOPEN] = XXXX, [ACT_MERGE] = XXXX, [ACT_URGE] = XXXX,
        [ACT_COMMENT] = ALL(M),
    },
};

/* Every cell of the table is spelled out: a zero cell would be a transcription slip. */
static void test_table_is_complete(void **state)
{
    (void)state;
    for (int s = 0; s < ST__COUNT; s++)
        for (int a = 0; a < ACT__COUNT; a++)
            for (int c = 0; c < 4; c++) {
                if (!expected[s][a][c].set)
                    print_error("no expected cell for %s/%s/%d\n", status_name(s),
                                action_name(a), c);
                assert_true(expected[s][a][c].set);
            }
}

static void test_every_state_action_role(void **state)
{
    int checked = 0;

    (void)state;
    for (int s = 0; s < ST__COUNT; s++) {
        for (int a = 0; a < ACT__COUNT; a++) {
            for (int c = 0; c < 4; c++) {
                const struct cell *e = &expected[s][a][c];
                enum ticket_status to = (enum ticket_status)99;
                enum wf_result r = workflow_check((enum ticket_status)s, (enum action)a,
                                                  roles_col[c], &to);
                if (r != e->r || (r == WF_OK && (int)to != e->to))
                    print_error("%s --%s--> as %s: got %d/%d want %d/%d\n", status_name(s),
                                action_name(a), role_name(roles_col[c]), r, (int)to, e->r,
                                e->to);
                assert_int_equal(r, e->r);
                if (r == WF_OK)
                    assert_int_equal(to, e->to);
                else
                    assert_int_equal(to, 99); /* untouched on failure */
                checked++;
            }
        }
    }
    assert_int_equal(checked, 7 * 15 * 4);
}

/* A mask of roles may act when any of them may; no role at all never may. */
static void test_role_masks(void **state)
{
    (void)state;
    for (int s = 0; s < ST__COUNT; s++) {
        for (int a = 0; a < ACT__COUNT; a++) {
            bool any_ok = false, any_state = false;
            for (int c = 0; c < 4; c++) {
                any_ok |= expected[s][a][c].r == WF_OK;
                any_state |= expected[s][a][c].r != WF_INVALID_TRANSITION;
            }
            enum wf_result all = workflow_check(s, a, ROLE_ANY, NULL);
            enum wf_result none = workflow_check(s, a, 0, NULL);
            assert_int_equal(all, any_ok ? WF_OK : WF_INVALID_TRANSITION);
            assert_int_equal(none, any_state ? WF_FORBIDDEN : WF_INVALID_TRANSITION);
        }
    }
    assert_int_equal(workflow_check(ST_PROCESSING, ACT_REPLY, ROLE_AGENT | ROLE_HANDLER, NULL),
                     WF_OK);
    assert_int_equal(workflow_check(ST__COUNT, ACT_COMMENT, ROLE_ANY, NULL),
                     WF_INVALID_TRANSITION);
    assert_int_equal(workflow_check(ST_CLOSED, ACT__COUNT, ROLE_ANY, NULL),
                     WF_INVALID_TRANSITION);
}

static void test_allowed_masks(void **state)
{
    (void)state;
    for (int s = 0; s < ST__COUNT; s++) {
        unsigned any = 0;
        for (int c = 0; c < 4; c++) {
            unsigned want = 0;
            for (int a = 0; a < ACT__COUNT; a++) {
                if (expected[s][a][c].r == WF_OK)
                    want |= 1u << a;
            }
            assert_int_equal(workflow_allowed(s, roles_col[c]), want);
            any |= want;
        }
        assert_int_equal(workflow_allowed_any(s), any);
    }
    /* A few literally, as a reader would check them against DESIGN.md. */
    assert_int_equal(workflow_allowed(ST_REGISTERED, ROLE_HANDLER), 1u << ACT_COMMENT);
    assert_int_equal(workflow_allowed(ST_MERGED, ROLE_SUPERVISOR), 1u << ACT_COMMENT);
    assert_int_equal(workflow_allowed_any(ST_CLOSED), (1u << ACT_REOPEN) | (1u << ACT_COMMENT));
    assert_int_equal(workflow_allowed(ST_PROCESSING, ROLE_SUPERVISOR),
                     (1u << ACT_APPROVE_EXTENSION) | (1u << ACT_REFUSE_EXTENSION) |
                         (1u << ACT_MERGE) | (1u << ACT_URGE) | (1u << ACT_COMMENT));
    assert_int_equal(workflow_allowed(ST_DISPATCHED, ROLE_HANDLER),
                     (1u << ACT_ACCEPT) | (1u << ACT_SUBDISPATCH) | (1u << ACT_RETURN) |
                         (1u << ACT_COMMENT));
    assert_int_equal(workflow_allowed(ST_REGISTERED, 0), 0);
}

static void test_roles_of_action(void **state)
{
    (void)state;
    for (int a = 0; a < ACT__COUNT; a++) {
        unsigned want = 0;
        for (int s = 0; s < ST__COUNT; s++)
            for (int c = 0; c < 4; c++)
                if (expected[s][a][c].r == WF_OK)
                    want |= roles_col[c];
        assert_int_equal(workflow_roles(a), want);
    }
    assert_int_equal(workflow_roles(ACT_ANSWER), ROLE_AGENT);
    assert_int_equal(workflow_roles(ACT_COMMENT), ROLE_ANY);
}

/* ---- argument checks ---------------------------------------------------- */

static const int64_t no_units[1] = {0};

/* Arguments that satisfy action `a`, the base each check below spoils one way. */
static struct action_args valid_args(enum action a)
{
    struct action_args g;

    action_args_init(&g);
    switch (a) {
    case ACT_ANSWER: g.answer = "办理指南见市政府网站"; break;
    case ACT_DISPATCH: case ACT_SUBDISPATCH: g.unit_id = 7; break;
    case ACT_RETURN: case ACT_REFUSE_RETURN: case ACT_REFUSE_EXTENSION: case ACT_REOPEN:
        g.reason = "不属于本单位职责";
        break;
    case ACT_REQUEST_EXTENSION: g.until = INT64_C(1796000000000); g.reason = "需现场勘查"; break;
    case ACT_REPLY: g.reply = "已处理"; g.contacted = 0; break;
    case ACT_CALLBACK: g.satisfaction = SAT_SATISFIED; g.resolved = 1; break;
    case ACT_MERGE: g.master = "20261201000123"; break;
    case ACT_COMMENT: g.note = "协办意见"; break;
    default: break;
    }
    return g;
}

static void expect_ok(enum action a, const struct action_args *g)
{
    const char *field = NULL, *msg = NULL;
    int rc = workflow_check_args(a, g, &field, &msg);

    if (rc != 0)
        print_error("%s: unexpected %s: %s\n", action_name(a), field, msg);
    assert_int_equal(rc, 0);
}

static void expect_bad(enum action a, const struct action_args *g, const char *want_field,
                       const char *want_msg)
{
    const char *field = NULL, *msg = NULL;

    assert_int_equal(workflow_check_args(a, g, &field, &msg), -1);
    assert_non_null(field);
    assert_non_null(msg);
    assert_string_equal(field, want_field);
    if (want_msg != NULL)
        assert_string_equal(msg, want_msg);
}

static void test_args_valid_for_every_action(void **state)
{
    (void)state;
    for (int a = 0; a < ACT__COUNT; a++) {
        struct action_args g = valid_args(a);
        expect_ok(a, &g);
    }
}

/* The pointer to the text argument `name` in g. */
static const char **text_slot(struct action_args *g, const char *name)
{
    if (strcmp(name, "answer") == 0) return &g->answer;
    if (strcmp(name, "reason") == 0) return &g->reason;
    if (strcmp(name, "reply") == 0) return &g->reply;
    return &g->note;
}

static const struct {
    enum action a;
    const char *field;
    size_t max;
} required_texts[] = {
    {ACT_ANSWER, "answer", WF_TEXT_MAX},         {ACT_RETURN, "reason", WF_NOTE_MAX},
    {ACT_REFUSE_RETURN, "reason", WF_NOTE_MAX},  {ACT_REFUSE_EXTENSION, "reason", WF_NOTE_MAX},
    {ACT_REOPEN, "reason", WF_NOTE_MAX},         {ACT_REQUEST_EXTENSION, "reason", WF_NOTE_MAX},
    {ACT_REPLY, "reply", WF_TEXT_MAX},           {ACT_COMMENT, "note", WF_NOTE_MAX},
};

/* Missing, blank (ASCII and U+3000), one byte too long, exactly at the limit. */
static void test_args_required_texts(void **state)
{
    static const char *const blanks[] = {"", "  ", "\xe3\x80\x80", " \t\n\xe3\x80\x80 "};
    char *big = malloc(WF_TEXT_MAX + 2);
    char want[64];

    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < sizeof(required_texts) / sizeof(required_texts[0]); i++) {
        enum action a = required_texts[i].a;
        const char *f = required_texts[i].field;
        size_t max = required_texts[i].max;
        struct action_args g = valid_args(a);
        const char **slot = text_slot(&g, f);

        snprintf(want, sizeof(want), "%s is required", f);
        *slot = NULL;
        expect_bad(a, &g, f, want);
        for (size_t b = 0; b < sizeof(blanks) / sizeof(blanks[0]); b++) {
            *slot = blanks[b];
            expect_bad(a, &g, f, want);
        }
        memset(big, 'a', max + 1);
        big[max + 1] = '\0';
        *slot = big;
        snprintf(want, sizeof(want), "%s is too long (max %zu bytes)", f, max);
        expect_bad(a, &g, f, want);
        big[max] = '\0';
        expect_ok(a, &g);
        *slot = "  ok  ";
        expect_ok(a, &g);
    }
    free(big);
}

/* Where a note is optional it may be absent or blank, but not too long. */
static void test_args_optional_notes(void **state)
{
    static const enum action optional[] = {ACT_DISPATCH, ACT_ACCEPT, ACT_SUBDISPATCH,
                                           ACT_APPROVE_EXTENSION, ACT_CALLBACK, ACT_URGE};
    char big[WF_NOTE_MAX + 2];

    (void)state;
    memset(big, 'n', WF_NOTE_MAX + 1);
    big[WF_NOTE_MAX + 1] = '\0';
    for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
        struct action_args g = valid_args(optional[i]);
        expect_ok(optional[i], &g);
        g.note = "\xe3\x80\x80";
        expect_ok(optional[i], &g);
        g.note = big;
        expect_bad(optional[i], &g, "note", "note is too long (max 2000 bytes)");
        big[WF_NOTE_MAX] = '\0';
        expect_ok(optional[i], &g);
        big[WF_NOTE_MAX] = 'n';
    }
}

static void test_args_dispatch_units(void **state)
{
    int64_t co[11] = {8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
    int64_t dup[] = {8, 9, 8}, lead[] = {8, 7}, neg[] = {8, -3};
    struct action_args g = valid_args(ACT_DISPATCH);

    (void)state;
    g.unit_id = 0;
    expect_bad(ACT_DISPATCH, &g, "unit_id", "unit_id is required");
    g.unit_id = -7;
    expect_bad(ACT_DISPATCH, &g, "unit_id", NULL);
    g.unit_id = 7;
    g.co_unit_ids = co;
    g.n_co_unit_ids = 10;
    expect_ok(ACT_DISPATCH, &g);
    g.n_co_unit_ids = 11;
    expect_bad(ACT_DISPATCH, &g, "co_unit_ids", NULL);
    g.co_unit_ids = dup, g.n_co_unit_ids = 3;
    expect_bad(ACT_DISPATCH, &g, "co_unit_ids", NULL);
    g.co_unit_ids = lead, g.n_co_unit_ids = 2;
    expect_bad(ACT_DISPATCH, &g, "co_unit_ids", NULL);
    g.co_unit_ids = neg, g.n_co_unit_ids = 2;
    expect_bad(ACT_DISPATCH, &g, "co_unit_ids", NULL);
    g.co_unit_ids = no_units, g.n_co_unit_ids = 1;
    expect_bad(ACT_DISPATCH, &g, "co_unit_ids", NULL);

    g = valid_args(ACT_SUBDISPATCH);
    g.unit_id = 0;
    expect_bad(ACT_SUBDISPATCH, &g, "unit_id", "unit_id is required");
    g = valid_args(ACT_REOPEN); /* unit_id optional there, but positive when given */
    g.unit_id = 9;
    expect_ok(ACT_REOPEN, &g);
    g.unit_id = -1;
    expect_bad(ACT_REOPEN, &g, "unit_id", NULL);
}

static void test_args_extension_until(void **state)
{
    struct action_args g = valid_args(ACT_REQUEST_EXTENSION);

    (void)state;
    g.until = 0;
    expect_bad(ACT_REQUEST_EXTENSION, &g, "until", "until is required");
    g.until = -1;
    expect_bad(ACT_REQUEST_EXTENSION, &g, "until", NULL);
}

static void test_args_reply_contact(void **state)
{
    struct action_args g = valid_args(ACT_REPLY);

    (void)state;
    g.contacted = -1;
    expect_bad(ACT_REPLY, &g, "contacted", "contacted is required");
    g.contacted = 2;
    expect_bad(ACT_REPLY, &g, "contacted", NULL);
    g.contacted = 0;
    g.contacted_at = INT64_C(1796000000000);
    expect_bad(ACT_REPLY, &g, "contacted_at", NULL);
    g.contacted = 1;
    expect_ok(ACT_REPLY, &g);
    g.contacted_at = 0;
    expect_ok(ACT_REPLY, &g);
    g.contacted_at = -5;
    expect_bad(ACT_REPLY, &g, "contacted_at", NULL);
}

static void test_args_callback(void **state)
{
    struct action_args g = valid_args(ACT_CALLBACK);

    (void)state;
    for (int s = SAT_SATISFIED; s <= SAT_UNREACHABLE; s++) {
        g.satisfaction = s;
        expect_ok(ACT_CALLBACK, &g);
    }
    g.satisfaction = SAT_NONE;
    expect_bad(ACT_CALLBACK, &g, "satisfaction", "satisfaction is required");
    g.satisfaction = SAT__COUNT;
    expect_bad(ACT_CALLBACK, &g, "satisfaction", NULL);
    g.satisfaction = SAT_UNSATISFIED;
    g.resolved = -1;
    expect_bad(ACT_CALLBACK, &g, "resolved", "resolved is required");
    g.resolved = 0;
    expect_ok(ACT_CALLBACK, &g);
}

static void test_args_merge_and_answer(void **state)
{
    static const char *const bad[] = {"2026120100012", "2026120100012x", "20261301000001",
                                      "20260230000001", "20261201000000", "x0261201000001"};
    struct action_args g = valid_args(ACT_MERGE);

    (void)state;
    g.master = NULL;
    expect_bad(ACT_MERGE, &g, "master", "master is required");
    g.master = "  ";
    expect_bad(ACT_MERGE, &g, "master", "master is required");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        g.master = bad[i];
        expect_bad(ACT_MERGE, &g, "master", "master is not a valid ticket number");
    }
    g = valid_args(ACT_ANSWER);
    g.kb_article_id = 12;
    expect_ok(ACT_ANSWER, &g);
    g.kb_article_id = -12;
    expect_bad(ACT_ANSWER, &g, "kb_article_id", NULL);
}

/* Arguments an action does not use are not its business; NULL outs are fine. */
static void test_args_ignored_and_null_outs(void **state)
{
    struct action_args g = valid_args(ACT_COMMENT);

    (void)state;
    g.unit_id = -4;
    g.reason = "";
    g.satisfaction = 42;
    expect_ok(ACT_COMMENT, &g);
    g.note = NULL;
    assert_int_equal(workflow_check_args(ACT_COMMENT, &g, NULL, NULL), -1);
    action_args_init(&g);
    assert_int_equal(g.contacted, -1);
    assert_int_equal(g.resolved, -1);
    assert_int_equal(g.satisfaction, SAT_NONE);
    assert_null(g.note);
}

/* ---- the vocabulary of types.h ------------------------------------------ */

static void test_type_names_round_trip(void **state)
{
    static const char *const zh[ST__COUNT] = {"已登记", "已派单", "办理中", "已退回",
                                              "已答复", "已办结", "已并单"};
    static const unsigned roles[] = {ROLE_AGENT, ROLE_HANDLER, ROLE_SUPERVISOR, ROLE_ADMIN};

    (void)state;
    for (int s = 0; s < ST__COUNT; s++) {
        assert_int_equal(status_parse(status_name(s)), s);
        assert_string_equal(status_label_zh(s), zh[s]);
        assert_int_equal(status_is_open(s), s != ST_CLOSED && s != ST_MERGED);
    }
    for (int a = 0; a < ACT__COUNT; a++)
        assert_int_equal(action_parse(action_name(a)), a);
    assert_string_equal(action_name(ACT_CREATE), "create");
    assert_int_equal(action_parse("create"), -1);
    assert_string_equal(action_name(ACT_REFUSE_RETURN), "refuse_return");
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(role_parse(role_name(roles[i])), (int)roles[i]);
    assert_null(role_name(ROLE_AGENT | ROLE_ADMIN));
    for (int c = 0; c < CH__COUNT; c++)
        assert_int_equal(channel_parse(channel_name(c)), c);
    for (int t = 0; t < TT__COUNT; t++)
        assert_int_equal(ticket_type_parse(ticket_type_name(t)), t);
    for (int u = 0; u < URG__COUNT; u++)
        assert_int_equal(urgency_parse(urgency_name(u)), u);
    for (int s = 0; s < SAT__COUNT; s++)
        assert_int_equal(satisfaction_parse(satisfaction_name(s)), s);
    assert_null(satisfaction_name(SAT_NONE));
    for (int k = 0; k < UK__COUNT; k++)
        assert_int_equal(unit_kind_parse(unit_kind_name(k)), k);
    assert_string_equal(channel_name(CH_OPEN311), "open311");
    assert_string_equal(satisfaction_name(SAT_BASICALLY_SATISFIED), "basically_satisfied");
    assert_int_equal(status_parse("Closed"), -1);
    assert_int_equal(status_parse(NULL), -1);
    assert_int_equal(role_parse("citizen"), -1);
    assert_int_equal(ticket_type_parse(""), -1);
    assert_null(status_name(ST__COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_complete),
        cmocka_unit_test(test_every_state_action_role),
        cmocka_unit_test(test_role_masks),
        cmocka_unit_test(test_allowed_masks),
        cmocka_unit_test(test_roles_of_action),
        cmocka_unit_test(test_args_valid_for_every_action),
        cmocka_unit_test(test_args_required_texts),
        cmocka_unit_test(test_args_optional_notes),
        cmocka_unit_test(test_args_dispatch_units),
        cmocka_unit_test(test_args_extension_until),
        cmocka_unit_test(test_args_reply_contact),
        cmocka_unit_test(test_args_callback),
        cmocka_unit_test(test_args_merge_and_answer),
        cmocka_unit_test(test_args_ignored_and_null_outs),
        cmocka_unit_test(test_type_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
