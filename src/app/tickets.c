/*
 * tickets.c - registering work orders and taking actions on them.
 *
 * Every change is one write transaction: read the ticket, ask the state
 * machine, check the data the arguments name, write the ticket with its
 * version bumped and append one event. A busy database is retried a few
 * times before the caller is told to try again.
 */
#include <stdlib.h>
#include <string.h>

#include "app/deadlines.h"
#include "app/scope.h"
#include "app/stats_ops.h"
#include "core/dedup.h"
#include "core/numbers.h"
#include "core/timeutil.h"

#define BUSY_RETRIES 5

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int app_scope(struct store_conn *c, const struct actor *a, const struct ticket *t,
              struct ticket_scope *out)
{
    out->readable = false;
    out->lead = false;
    out->below = false;
    if (a->role & (ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN)) {
        out->readable = true;
        return STORE_OK;
    }
    if (!(a->role & ROLE_HANDLER) || !a->unit_path)
        return STORE_OK;
    if (t->unit_id) {
        struct unit u = {0};
        int rc = store_unit_get(c, t->unit_id, &u);
        if (rc != STORE_OK)
            return rc == STORE_NOTFOUND ? STORE_OK : rc;
        out->lead = unit_path_within(u.path, a->unit_path);
        unit_release(&u);
        if (out->lead) {
            int64_t kids = 0;
            rc = store_unit_child_count(c, t->unit_id, &kids);
            if (rc != STORE_OK)
                return rc;
            out->below = kids > 0;
        }
    }
    if (out->lead || !status_is_open(t->status)) {
        out->readable = out->lead;
        return STORE_OK;
    }
    for (size_t i = 0; i < t->n_co_unit_ids && !out->readable; i++) {
        struct unit u = {0};
        int rc = store_unit_get(c, t->co_unit_ids[i], &u);
        if (rc == STORE_OK)
            out->readable = unit_path_within(u.path, a->unit_path);
        unit_release(&u);
        if (rc != STORE_OK && rc != STORE_NOTFOUND)
            return rc;
    }
    return STORE_OK;
}

/* Actions a handler takes as the lead unit (co-handlers may only comment). */
#define LEAD_ACTIONS                                                                            \
    ((1u << ACT_ACCEPT) | (1u << ACT_SUBDISPATCH) | (1u << ACT_RETURN) |                       \
     (1u << ACT_REQUEST_EXTENSION) | (1u << ACT_REPLY))

unsigned app_allowed_in_scope(const struct actor *a, const struct ticket *t,
                              const struct ticket_scope *sc)
{
    if (!sc->readable)
        return 0;
    unsigned m = workflow_allowed(t->status, a->role);
    if ((a->role & ROLE_HANDLER) && !sc->lead)
        m &= ~LEAD_ACTIONS;
    if (!sc->below)
        m &= ~(1u << ACT_SUBDISPATCH); /* nowhere to send it */
    if (t->extension_pending)
        m &= ~(1u << ACT_REQUEST_EXTENSION);
    else
        m &= ~((1u << ACT_APPROVE_EXTENSION) | (1u << ACT_REFUSE_EXTENSION));
    return m;
}

unsigned app_ticket_allowed(struct store *s, const struct actor *a, const struct ticket *t)
{
    struct store_conn *c = store_conn_get(s);
    struct ticket_scope sc;
    if (!c || app_scope(c, a, t, &sc) != STORE_OK)
        return 0;
    return app_allowed_in_scope(a, t, &sc);
}

/* ---- create ---- */

static int create_once(struct store_conn *c, const struct actor *a, const struct ticket_input *in,
                       int64_t at, const struct stats_words *words, struct ticket *t,
                       struct app_error *e)
{
    int rc = store_begin(c, true);
    if (rc != STORE_OK)
        return rc;
    if (in->category_id) {
        struct category k = {0};
        rc = store_category_get(c, in->category_id, &k);
        bool active = k.active;
        category_release(&k);
        if (rc == STORE_NOTFOUND || (rc == STORE_OK && !active)) {
            store_rollback(c);
            app_fail(e, APP_INVALID, "category_id", "unknown category %lld",
                     (long long)in->category_id);
            return -1;
        }
        if (rc != STORE_OK)
            goto fail;
    }
    day_key day = time_day_key(at);
    int64_t seq = 0;
    rc = store_ticket_next_seq(c, day, &seq);
    if (rc != STORE_OK)
        goto fail;
    if (ticket_number_format(day, seq, t->number) != 0) {
        store_rollback(c);
        app_fail(e, APP_BUSY, NULL, "the day's ticket numbers are used up");
        return -1;
    }
    rc = store_ticket_insert(c, t);
    if (rc != STORE_OK)
        goto fail;
    struct ticket_event ev = {.ticket_id = t->id,
                              .at = at,
                              .actor_id = a->user_id,
                              .action = ACT_CREATE,
                              .to_status = ST_REGISTERED};
    rc = store_event_insert(c, &ev);
    if (rc == STORE_OK)
        rc = app_stats_record_create(c, t, at, a->user_id, words);
    if (rc != STORE_OK)
        goto fail;
    return store_commit(c);
fail:
    store_rollback(c);
    return rc;
}

int app_ticket_create(struct store *s, const struct actor *a, const struct ticket_input *in,
                      struct ticket *out, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int64_t at = in->created_at ? in->created_at : time_now_ms();
    struct ticket *t = out;
    ticket_init(t);
    t->channel = in->channel;
    t->type = in->type;
    t->urgency = in->urgency;
    t->citizen_name = dup_or_null(in->citizen_name);
    t->citizen_phone = dup_or_null(in->citizen_phone);
    t->anonymous = in->anonymous;
    t->confidential = in->confidential;
    t->title = dup_or_null(in->title);
    t->content = dup_or_null(in->content);
    t->address = dup_or_null(in->address);
    t->area = dup_or_null(in->area);
    t->has_location = in->has_location;
    t->lat = in->lat;
    t->lng = in->lng;
    t->category_id = in->category_id;
    t->status = ST_REGISTERED;
    t->created_by = a->user_id;
    t->created_at = t->updated_at = at;
    t->version = 1;
    if ((in->citizen_name && !t->citizen_name) || (in->citizen_phone && !t->citizen_phone) ||
        !t->title || !t->content || (in->address && !t->address) || (in->area && !t->area)) {
        ticket_release(t);
        return app_fail(e, APP_INTERNAL, NULL, "out of memory");
    }
    /* What needs no database is done before the write lock: the hot-topic
       words, and the text sketch, which the insert (and the lookup of
       similar tickets after it) then finds in the thread's memo (dedup.h). */
    struct stats_words words;
    struct dedup_sketch sketch;
    int rc = app_stats_words(t, &words);
    if (rc == STORE_OK && dedup_sketch_make(t->title, t->content, t->address, &sketch) != 0)
        rc = STORE_ERROR;
    if (rc != STORE_OK) {
        ticket_release(t);
        return app_store_fail(e, rc, "ticket");
    }
    rc = STORE_BUSY;
    for (int i = 0; i < BUSY_RETRIES && rc == STORE_BUSY; i++)
        rc = create_once(c, a, in, at, &words, t, e);
    if (rc == -1) {
        ticket_release(t);
        return e->code;
    }
    if (rc != STORE_OK) {
        ticket_release(t);
        return app_store_fail(e, rc, "ticket");
    }
    app_events_committed();
    return APP_OK;
}

int app_ticket_get(struct store *s, const struct actor *a, const char *number, struct ticket *out,
                   struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    if (!ticket_number_valid(number))
        return app_fail(e, APP_NOTFOUND, NULL, "ticket '%s' not found", number);
    int rc = store_ticket_get(c, number, out);
    if (rc == STORE_NOTFOUND)
        return app_fail(e, APP_NOTFOUND, NULL, "ticket '%s' not found", number);
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "ticket");
    struct ticket_scope sc;
    rc = app_scope(c, a, out, &sc);
    if (rc != STORE_OK || !sc.readable) {
        ticket_release(out);
        if (rc != STORE_OK)
            return app_store_fail(e, rc, "ticket");
        return app_fail(e, APP_NOTFOUND, NULL, "ticket '%s' not found", number);
    }
    return APP_OK;
}
