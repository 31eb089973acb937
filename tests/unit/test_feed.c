/*
 * test_feed.c - who the live feed tells of what (core/feed.c).
 */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "core/feed.h"

static bool hears(enum action a, unsigned role, const char *unit_path, const char *ev_path)
{
    struct feed_event e;
    memset(&e, 0, sizeof e);
    e.action = a;
    e.unit_path = (char *)ev_path;
    return feed_visible(&e, role, unit_path);
}

static void test_supervisor_follows_the_day(void **state)
{
    (void)state;
    /* New tickets and dispatches reach the supervisor's dashboard live. */
    assert_true(hears(ACT_CREATE, ROLE_SUPERVISOR, NULL, NULL));
    assert_true(hears(ACT_DISPATCH, ROLE_SUPERVISOR, NULL, "/1/"));
    assert_true(hears(ACT_REQUEST_EXTENSION, ROLE_SUPERVISOR, NULL, "/1/"));
    assert_true(hears(ACT_RETURN, ROLE_SUPERVISOR, NULL, "/1/"));
    assert_true(hears(ACT_SLA_OVERDUE, ROLE_SUPERVISOR, NULL, "/1/"));
    /* The units' own steps are not the supervisor's business. */
    assert_false(hears(ACT_ACCEPT, ROLE_SUPERVISOR, NULL, "/1/"));
    assert_false(hears(ACT_COMMENT, ROLE_SUPERVISOR, NULL, "/1/"));
    assert_false(hears(ACT_REPLY, ROLE_SUPERVISOR, NULL, "/1/"));
}

static void test_other_roles_unchanged(void **state)
{
    (void)state;
    assert_true(hears(ACT_CREATE, ROLE_AGENT, NULL, NULL));
    assert_false(hears(ACT_DISPATCH, ROLE_AGENT, NULL, "/1/"));
    assert_true(hears(ACT_DISPATCH, ROLE_HANDLER, "/1/", "/1/7/"));
    assert_false(hears(ACT_DISPATCH, ROLE_HANDLER, "/2/", "/1/7/"));
    assert_false(hears(ACT_CREATE, ROLE_HANDLER, "/1/", NULL));
    assert_true(hears(ACT_COMMENT, ROLE_ADMIN, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_supervisor_follows_the_day),
        cmocka_unit_test(test_other_roles_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
