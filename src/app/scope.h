/*
 * scope.h - internal to src/app/: where an actor stands relative to a ticket.
 */
#ifndef REXIAN_APP_SCOPE_H
#define REXIAN_APP_SCOPE_H

#include "app/app.h"

struct ticket_scope {
    bool readable; /* may see the ticket */
    bool lead;     /* a handler of the lead unit or one of its ancestors */
    bool below;    /* the lead unit has active units below it (subdispatch) */
};

/* Works out the actor's scope on t, loading unit paths as needed. */
int app_scope(struct store_conn *c, const struct actor *a, const struct ticket *t,
              struct ticket_scope *out);

/* The actions allowed now, given the scope already worked out. */
unsigned app_allowed_in_scope(const struct actor *a, const struct ticket *t,
                              const struct ticket_scope *sc);

#endif
