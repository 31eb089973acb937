/*
 * test_kb.c - knowledge-base states, transitions, permissions and
 * revision diffs (core/kb.c), table-driven.
 */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "core/kb.h"
#include "core/types.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_names(void **state)
{
    (void)state;
    for (int s = 0; s < KB__COUNT; s++)
        assert_int_equal(kb_state_parse(kb_state_name((enum kb_state)s)), s);
    for (int a = 0; a < KA__COUNT; a++)
        assert_int_equal(kb_action_parse(kb_action_name((enum kb_action)a)), a);
    assert_int_equal(kb_state_parse("deleted"), -1);
    assert_int_equal(kb_state_parse(NULL), -1);
    assert_string_equal(kb_state_label_zh(KB_PUBLISHED), "已发布");
    assert_string_equal(kb_field_name(0), "title");
    assert_string_equal(kb_field_name(KF__COUNT - 1), "state");
}

static void test_transitions(void **state)
{
    (void)state;
    static const struct {
        enum kb_state from;
        enum kb_action act;
        int to;
    } t[] = {
        {KB_DRAFT, KA_PUBLISH, KB_PUBLISHED},    {KB_WITHDRAWN, KA_PUBLISH, KB_PUBLISHED},
        {KB_PUBLISHED, KA_PUBLISH, -1},          {KB_PUBLISHED, KA_WITHDRAW, KB_WITHDRAWN},
        {KB_DRAFT, KA_WITHDRAW, KB_WITHDRAWN},   {KB_WITHDRAWN, KA_WITHDRAW, -1},
        {KB_PUBLISHED, KA_UPDATE, KB_PUBLISHED}, {KB_DRAFT, KA_CREATE, -1},
    };
    for (size_t i = 0; i < N(t); i++)
        if (kb_transition(t[i].from, t[i].act) != t[i].to)
            fail_msg("%s from %s", kb_action_name(t[i].act), kb_state_name(t[i].from));
}

static void test_permissions(void **state)
{
    (void)state;
    const unsigned A = ROLE_AGENT, H = ROLE_HANDLER, S = ROLE_SUPERVISOR, D = ROLE_ADMIN;
    /* read: role, state, own unit -> allowed */
    static const struct {
        unsigned role;
        enum kb_state st;
        bool own, ok;
    } rd[] = {
        {ROLE_AGENT, KB_PUBLISHED, false, true},  {ROLE_AGENT, KB_DRAFT, false, false},
        {ROLE_AGENT, KB_WITHDRAWN, false, false}, {ROLE_HANDLER, KB_PUBLISHED, false, true},
        {ROLE_HANDLER, KB_DRAFT, false, false},   {ROLE_HANDLER, KB_DRAFT, true, true},
        {ROLE_HANDLER, KB_WITHDRAWN, true, true}, {ROLE_SUPERVISOR, KB_DRAFT, false, true},
        {ROLE_ADMIN, KB_WITHDRAWN, false, true},  {0, KB_PUBLISHED, false, false},
    };
    for (size_t i = 0; i < N(rd); i++)
        if (kb_may_read(rd[i].role, rd[i].st, rd[i].own) != rd[i].ok)
            fail_msg("read row %zu", i);
    assert_true(kb_may_create(S, KB_PUBLISHED, false));
    assert_true(kb_may_create(D, KB_DRAFT, false));
    assert_false(kb_may_create(D, KB_WITHDRAWN, false));
    assert_true(kb_may_create(H, KB_DRAFT, true));
    assert_false(kb_may_create(H, KB_DRAFT, false));
    assert_false(kb_may_create(H, KB_PUBLISHED, true));
    assert_false(kb_may_create(A, KB_DRAFT, false));
    assert_true(kb_may_edit(H, KB_DRAFT, true));
    assert_false(kb_may_edit(H, KB_PUBLISHED, true));
    assert_false(kb_may_edit(H, KB_DRAFT, false));
    assert_true(kb_may_edit(S, KB_PUBLISHED, false));
    assert_false(kb_may_edit(A, KB_DRAFT, false));
    assert_true(kb_may_publish(S) && kb_may_publish(D));
    assert_false(kb_may_publish(H) || kb_may_publish(A));
}

static void test_diff_copy_and_effect(void **state)
{
    (void)state;
    char *tags[] = {"电梯", "表决"};
    struct kb_article a;
    kb_article_init(&a);
    a.title = "加装电梯";
    a.body = "三分之二参与，四分之三同意。";
    a.tags = tags;
    a.n_tags = 2;
    a.state = KB_PUBLISHED;
    struct kb_article b;
    assert_int_equal(kb_article_copy(&b, &a), 0);
    assert_int_equal(kb_article_diff(&a, &b), 0);
    free(b.body);
    b.body = strdup("新的正文");
    free(b.tags[1]);
    b.tags[1] = strdup("电梯加装");
    b.expires_at = 2000;
    assert_int_equal(kb_article_diff(&a, &b), KF_BODY | KF_TAGS | KF_EXPIRES);
    kb_article_release(&b);
    a.effective_from = 1000;
    a.expires_at = 2000;
    assert_false(kb_in_effect(&a, 999));
    assert_true(kb_in_effect(&a, 1000));
    assert_false(kb_in_effect(&a, 2000));
    a.state = KB_WITHDRAWN;
    assert_false(kb_in_effect(&a, 1500));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_diff_copy_and_effect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
