/*
 * feed.c - who hears of which ticket event (see feed.h).
 */
#include "core/feed.h"

#include <stdlib.h>
#include <string.h>

#include "core/model.h"

#define A(x) (1u << (x))
#define CARDS (A(ACT_SLA_WARNING) | A(ACT_SLA_OVERDUE))

void feed_event_release(struct feed_event *e)
{
    if (!e)
        return;
    free(e->unit_path);
    free(e->co_paths);
    free(e->title);
    free(e->args_json);
    e->unit_path = e->co_paths = e->title = e->args_json = NULL;
}

unsigned feed_actions_for(unsigned role)
{
    unsigned m = 0;

    if (role & ROLE_AGENT)
        m |= A(ACT_CREATE) | A(ACT_RETURN) | A(ACT_REPLY) | CARDS;
    if (role & ROLE_HANDLER)
        m |= A(ACT_DISPATCH) | A(ACT_SUBDISPATCH) | A(ACT_REOPEN) | A(ACT_REFUSE_RETURN) |
             A(ACT_URGE) | A(ACT_APPROVE_EXTENSION) | A(ACT_REFUSE_EXTENSION) | CARDS;
    if (role & ROLE_SUPERVISOR)
        m |= A(ACT_REQUEST_EXTENSION) | A(ACT_RETURN) | A(ACT_CREATE) | A(ACT_DISPATCH) | CARDS;
    if (role & ROLE_ADMIN)
        m |= ~0u;
    return m;
}

/* True if one of the ' '-joined paths lies within root. */
static bool any_within(const char *paths, const char *root)
{
    char one[256];

    while (paths && *paths) {
        const char *sp = strchr(paths, ' ');
        size_t n = sp ? (size_t)(sp - paths) : strlen(paths);
        if (n > 0 && n < sizeof one) {
            memcpy(one, paths, n);
            one[n] = '\0';
            if (unit_path_within(one, root))
                return true;
        }
        paths = sp ? sp + 1 : NULL;
    }
    return false;
}

bool feed_visible(const struct feed_event *e, unsigned role, const char *unit_path)
{
    if ((unsigned)e->action >= 32 || !(feed_actions_for(role) & A(e->action)))
        return false;
    if (role & (ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN))
        return true;
    if (!(role & ROLE_HANDLER) || !unit_path || !*unit_path)
        return false;
    if (e->unit_path && unit_path_within(e->unit_path, unit_path))
        return true;
    return any_within(e->co_paths, unit_path);
}
