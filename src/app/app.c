/*
 * app.c - shared pieces of the use cases: errors and who may see a ticket.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"

int app_fail(struct app_error *e, enum app_code code, const char *field, const char *fmt, ...)
{
    e->code = code;
    e->field = field;
    e->allowed = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

int app_store_fail(struct app_error *e, int rc, const char *what)
{
    switch (rc) {
    case STORE_NOTFOUND:
        return app_fail(e, APP_NOTFOUND, NULL, "%s not found", what);
    case STORE_CONFLICT:
        return app_fail(e, APP_CONFLICT, NULL, "%s was changed or already exists", what);
    case STORE_BUSY:
        return app_fail(e, APP_BUSY, NULL, "the database is busy, try again");
    case STORE_INVALID:
        return app_fail(e, APP_INVALID, NULL, "%s refers to something that does not exist", what);
    default:
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    }
}

bool app_can_read(const struct actor *a, const struct ticket *t, const char *lead_unit_path,
                  const char *const *co_unit_paths)
{
    if (a->role & (ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN))
        return true;
    if (!(a->role & ROLE_HANDLER) || !a->unit_path)
        return false;
    if (lead_unit_path && unit_path_within(lead_unit_path, a->unit_path))
        return true;
    if (!status_is_open(t->status) || !co_unit_paths)
        return false;
    for (size_t i = 0; i < t->n_co_unit_ids; i++)
        if (co_unit_paths[i] && unit_path_within(co_unit_paths[i], a->unit_path))
            return true;
    return false;
}
