/*
 * model.c - lifecycle of the domain records: each *_release() frees the
 * strings a record owns and leaves the record safe to release again.
 */
#include "core/model.h"

#include <stdlib.h>
#include <string.h>

/* Frees *p and forgets it. */
static void drop(char **p)
{
    free(*p);
    *p = NULL;
}

void unit_release(struct unit *u)
{
    if (u == NULL)
        return;
    drop(&u->code);
    drop(&u->name);
    drop(&u->path);
}

/*
 * Paths are chains of ids closed by '/', so a plain prefix test is exact:
 * "/1/7/" is a prefix of "/1/7/23/" but not of "/1/70/". A root written
 * without its closing '/' is still matched on whole ids.
 */
bool unit_path_within(const char *path, const char *root_path)
{
    size_t n;

    if (path == NULL || root_path == NULL || root_path[0] == '\0')
        return false;
    n = strlen(root_path);
    if (strncmp(path, root_path, n) != 0)
        return false;
    if (root_path[n - 1] == '/')
        return true;
    return path[n] == '\0' || path[n] == '/';
}

void category_release(struct category *c)
{
    if (c == NULL)
        return;
    drop(&c->code);
    drop(&c->name);
}

void user_release(struct user *u)
{
    if (u == NULL)
        return;
    drop(&u->username);
    drop(&u->name);
    drop(&u->unit_path);
    if (u->password_hash != NULL) /* wipe the hash before handing memory back */
        memset(u->password_hash, 0, strlen(u->password_hash));
    drop(&u->password_hash);
}

void ticket_init(struct ticket *t)
{
    memset(t, 0, sizeof(*t));
    t->citizen_name = NULL;
    t->citizen_phone = NULL;
    t->title = NULL;
    t->content = NULL;
    t->address = NULL;
    t->area = NULL;
    t->co_unit_ids = NULL;
    t->answer = NULL;
    t->reply = NULL;
    t->extension_reason = NULL;
    t->status = ST_REGISTERED;
    t->contacted = -1;
    t->satisfaction = SAT_NONE;
    t->resolved = -1;
    t->sign_span = t->reply_span = t->callback_span = SLA_SPAN_NONE;
}

int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void ticket_release(struct ticket *t)
{
    if (t == NULL)
        return;
    drop(&t->citizen_name);
    drop(&t->citizen_phone);
    drop(&t->title);
    drop(&t->content);
    drop(&t->address);
    drop(&t->area);
    drop(&t->answer);
    drop(&t->reply);
    drop(&t->extension_reason);
    free(t->co_unit_ids);
    t->co_unit_ids = NULL;
    t->n_co_unit_ids = 0;
}

void ticket_event_release(struct ticket_event *e)
{
    if (e == NULL)
        return;
    drop(&e->actor_name);
    drop(&e->note);
    drop(&e->args_json);
}
