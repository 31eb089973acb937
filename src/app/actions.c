/*
 * actions.c - taking an action on a work order (DESIGN.md section 2).
 *
 * The state machine (core/workflow) says whether the action is possible for
 * the role; this file adds what needs data: the unit scope of handlers, the
 * units and master ticket the arguments name, the extension flag, and the
 * new deadlines. Then it writes the ticket and its event in one transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "app/assess.h"
#include "app/deadlines.h"
#include "app/kb.h"
#include "app/scope.h"
#include "app/stats_ops.h"
#include "core/numbers.h"
#include "core/sla.h"
#include "core/timeutil.h"

#define BUSY_RETRIES 5

/* Replaces *slot with a copy of s (NULL clears). 0, or -1 on OOM. */
static int set_text(char **slot, const char *s)
{
    char *n = NULL;
    if (s && !(n = strdup(s)))
        return -1;
    free(*slot);
    *slot = n;
    return 0;
}

/* A unit the ticket may go to: exists and is active. Fills *u. -1 with e set otherwise. */
static int usable_unit(struct store_conn *c, int64_t id, const char *field, struct unit *u,
                       struct app_error *e, int *src)
{
    *src = store_unit_get(c, id, u);
    if (*src == STORE_OK && u->active)
        return 0;
    if (*src == STORE_OK || *src == STORE_NOTFOUND) {
        *src = STORE_OK;
        app_fail(e, APP_INVALID, field, "unknown or inactive unit %lld", (long long)id);
    }
    return -1;
}

/*
 * Starts the signing clock, and the reply clock with reply_too, at `at` from
 * the rule table (app/clocks.c); the callback clock stops. A store rc.
 */
static int restart_clocks(struct store_conn *c, struct ticket *t, int64_t at, bool reply_too)
{
    unsigned which = SLA_PROV_BIT(SLA_CLOCK_SIGN) | (reply_too ? SLA_PROV_BIT(SLA_CLOCK_REPLY) : 0);
    t->accepted_at = 0;
    t->callback_due = 0;
    t->callback_span = SLA_SPAN_NONE;
    t->deadline_provisional &= ~SLA_PROV_BIT(SLA_CLOCK_CALLBACK);
    return app_clocks_start(c, t, at, which);
}

/*
 * Applies the data checks and effects of `act` to t (already loaded and
 * permitted). Returns STORE_OK, a store rc, or -1 with e set.
 */
static int apply(struct store_conn *c, const struct actor *a, struct ticket *t, enum action act,
                 const struct action_args *g, int64_t at, struct app_error *e)
{
    struct unit u = {0};
    int src = STORE_OK;
    switch (act) {
    case ACT_ANSWER:
        /* A cited article must be published and in effect (app/kb.c). */
        if (g->kb_article_id && (src = app_kb_citable(c, g->kb_article_id, at, e)) != STORE_OK)
            return src;
        if (set_text(&t->answer, g->answer))
            return STORE_NOMEM;
        t->kb_article_id = g->kb_article_id;
        t->closed_at = at;
        break;
    case ACT_DISPATCH: {
        if (usable_unit(c, g->unit_id, "unit_id", &u, e, &src))
            return src == STORE_OK ? -1 : src;
        unit_release(&u);
        for (size_t i = 0; i < g->n_co_unit_ids; i++) {
            if (usable_unit(c, g->co_unit_ids[i], "co_unit_ids", &u, e, &src))
                return src == STORE_OK ? -1 : src;
            unit_release(&u);
        }
        int64_t *co = NULL;
        if (g->n_co_unit_ids) {
            co = malloc(g->n_co_unit_ids * sizeof *co);
            if (!co)
                return STORE_NOMEM;
            memcpy(co, g->co_unit_ids, g->n_co_unit_ids * sizeof *co);
            /* Ascending, as the store gives them back: the answer to the
               dispatch and every later read agree. */
            qsort(co, g->n_co_unit_ids, sizeof *co, cmp_int64);
        }
        free(t->co_unit_ids);
        t->co_unit_ids = co;
        t->n_co_unit_ids = g->n_co_unit_ids;
        t->unit_id = g->unit_id;
        t->extension_pending = false;
        src = restart_clocks(c, t, at, true);
        if (src != STORE_OK)
            return src;
        break;
    }
    case ACT_ACCEPT:
        t->accepted_at = at;
        break;
    case ACT_SUBDISPATCH: {
        struct unit cur = {0};
        src = store_unit_get(c, t->unit_id, &cur);
        if (src != STORE_OK)
            return src;
        if (usable_unit(c, g->unit_id, "unit_id", &u, e, &src)) {
            unit_release(&cur);
            return src == STORE_OK ? -1 : src;
        }
        bool below = u.id != cur.id && unit_path_within(u.path, cur.path);
        unit_release(&cur);
        unit_release(&u);
        if (!below) {
            app_fail(e, APP_INVALID, "unit_id", "unit %lld is not below the current unit",
                     (long long)g->unit_id);
            return -1;
        }
        t->unit_id = g->unit_id;
        src = restart_clocks(c, t, at, false); /* the reply deadline stays the same */
        if (src != STORE_OK)
            return src;
        break;
    }
    case ACT_RETURN:
        t->extension_pending = false;
        break;
    case ACT_REFUSE_RETURN:
        break;
    case ACT_REQUEST_EXTENSION:
        if (g->until <= t->reply_due || g->until <= at) {
            app_fail(e, APP_INVALID, "until", "until must be later than the current deadline");
            return -1;
        }
        t->extension_pending = true;
        t->extension_until = g->until;
        if (set_text(&t->extension_reason, g->reason))
            return STORE_NOMEM;
        break;
    case ACT_APPROVE_EXTENSION:
        /* The approved date is the deadline as given: no span, never provisional. */
        t->reply_due = t->extension_until;
        t->reply_span = SLA_SPAN_NONE;
        t->deadline_provisional &= ~SLA_PROV_BIT(SLA_CLOCK_REPLY);
        t->extension_pending = false;
        break;
    case ACT_REFUSE_EXTENSION:
        t->extension_pending = false;
        break;
    case ACT_REPLY: {
        if (g->contacted == 1 && g->contacted_at > at) {
            app_fail(e, APP_INVALID, "contacted_at", "contacted_at is in the future");
            return -1;
        }
        /* to the second: a time given without milliseconds may name the dispatch's second */
        if (g->contacted == 1 && g->contacted_at &&
            g->contacted_at < t->dispatched_at - t->dispatched_at % 1000) {
            app_fail(e, APP_INVALID, "contacted_at", "contacted_at is before the dispatch");
            return -1;
        }
        if (set_text(&t->reply, g->reply))
            return STORE_NOMEM;
        t->contacted = g->contacted;
        t->contacted_at = g->contacted == 1 ? (g->contacted_at ? g->contacted_at : at) : 0;
        t->replied_at = at;
        t->extension_pending = false;
        src = app_clocks_start(c, t, at, SLA_PROV_BIT(SLA_CLOCK_CALLBACK));
        if (src != STORE_OK)
            return src;
        break;
    }
    case ACT_CALLBACK:
        t->satisfaction = g->satisfaction;
        t->resolved = g->resolved;
        t->closed_at = at;
        break;
    case ACT_REOPEN: {
        int64_t unit = g->unit_id ? g->unit_id : t->unit_id;
        if (!unit) {
            app_fail(e, APP_INVALID, "unit_id", "unit_id is required: the ticket has no unit");
            return -1;
        }
        if (usable_unit(c, unit, "unit_id", &u, e, &src))
            return src == STORE_OK ? -1 : src;
        unit_release(&u);
        t->unit_id = unit;
        t->reopen_count++;
        t->closed_at = 0;
        t->replied_at = 0;
        t->satisfaction = SAT_NONE;
        t->resolved = -1;
        t->contacted = -1;
        t->contacted_at = 0;
        if (set_text(&t->reply, NULL) || set_text(&t->answer, NULL))
            return STORE_NOMEM;
        src = restart_clocks(c, t, at, true);
        if (src != STORE_OK)
            return src;
        break;
    }
    case ACT_MERGE: {
        if (strcmp(g->master, t->number) == 0) {
            app_fail(e, APP_INVALID, "master", "a ticket cannot be merged into itself");
            return -1;
        }
        struct ticket m;
        src = store_ticket_get(c, g->master, &m);
        if (src == STORE_NOTFOUND) {
            app_fail(e, APP_INVALID, "master", "unknown ticket '%s'", g->master);
            return -1;
        }
        if (src != STORE_OK)
            return src;
        bool open = status_is_open(m.status);
        ticket_release(&m);
        if (!open) {
            app_fail(e, APP_INVALID, "master", "ticket '%s' is not open", g->master);
            return -1;
        }
        memcpy(t->master, g->master, TICKET_NUMBER_LEN + 1);
        t->extension_pending = false;
        break;
    }
    case ACT_URGE:
        t->urge_count++;
        break;
    case ACT_COMMENT:
    default:
        break;
    }
    return STORE_OK;
}

/* The text an event shows: the note, else the reason, reply or answer. */
static const char *event_note(const struct action_args *g)
{
    if (g->note)
        return g->note;
    if (g->reason)
        return g->reason;
    if (g->reply)
        return g->reply;
    return g->answer;
}

static int act_once(struct store_conn *c, const struct actor *a, const char *number, int version,
                    enum action act, const struct action_args *g, const char *args_json,
                    int64_t at, struct ticket *t, struct app_error *e)
{
    int rc = store_begin(c, true);
    if (rc != STORE_OK)
        return rc;
    rc = store_ticket_get(c, number, t);
    if (rc == STORE_NOTFOUND) {
        app_fail(e, APP_NOTFOUND, NULL, "ticket '%s' not found", number);
        goto refuse;
    }
    if (rc != STORE_OK)
        goto fail_noticket;
    struct ticket_scope sc;
    rc = app_scope(c, a, t, &sc);
    if (rc != STORE_OK)
        goto fail;
    if (!sc.readable) {
        app_fail(e, APP_NOTFOUND, NULL, "ticket '%s' not found", number);
        goto refuse_release;
    }
    if (t->version != version) {
        app_fail(e, APP_CONFLICT, "version",
                 "ticket '%s' was changed by someone else (version %d, not %d)", number,
                 t->version, version);
        goto refuse_release;
    }
    enum ticket_status to;
    enum wf_result wr = workflow_check(t->status, act, a->role, &to);
    unsigned allowed = app_allowed_in_scope(a, t, &sc);
    /* The extension flag is part of the state: asking twice, or deciding
       on nothing, is a transition the state does not allow. */
    const unsigned flag_acts = (1u << ACT_REQUEST_EXTENSION) | (1u << ACT_APPROVE_EXTENSION) |
                               (1u << ACT_REFUSE_EXTENSION);
    bool flag_refused = wr == WF_OK && !(allowed & (1u << act)) && (flag_acts & (1u << act)) &&
                        (workflow_allowed(t->status, a->role) & (1u << act)) &&
                        !((a->role & ROLE_HANDLER) && !sc.lead);
    if (wr == WF_INVALID_TRANSITION || flag_refused) {
        app_fail(e, APP_TRANSITION, NULL, "cannot %s a ticket that is %s%s", action_name(act),
                 status_name(t->status),
                 t->extension_pending ? " with an extension pending" : "");
        e->allowed = allowed;
        goto refuse_release;
    }
    /* A lead unit with nothing below it is not offered subdispatch, but one
       that tries anyway learns why from the unit check (400 unit_id). */
    if (act == ACT_SUBDISPATCH && wr == WF_OK && sc.lead)
        allowed |= 1u << ACT_SUBDISPATCH;
    if (wr == WF_FORBIDDEN || !(allowed & (1u << act))) {
        app_fail(e, APP_FORBIDDEN, NULL, "your role or unit may not %s this ticket",
                 action_name(act));
        goto refuse_release;
    }
    enum ticket_status from = t->status;
    int64_t unit_before = t->unit_id;
    rc = apply(c, a, t, act, g, at, e);
    if (rc == -1)
        goto refuse_release;
    if (rc != STORE_OK)
        goto fail;
    t->status = to;
    t->updated_at = at;
    t->version = version + 1;
    rc = store_ticket_update(c, t, version);
    if (rc != STORE_OK)
        goto fail;
    struct ticket_event ev = {.ticket_id = t->id,
                              .at = at,
                              .actor_id = a->user_id,
                              .action = act,
                              .from_status = from,
                              .to_status = to,
                              .note = (char *)event_note(g),
                              .args_json = (char *)args_json,
                              .unit_id = t->unit_id};
    rc = store_event_insert(c, &ev);
    if (rc == STORE_OK)
        rc = app_stats_record(c, t, unit_before, act, at, a->user_id);
    if (rc != STORE_OK)
        goto fail;
    rc = app_assess_refresh(c, t->id); /* the units' assessment facts (app/assess.c) */
    if (rc != STORE_OK)
        goto fail;
    rc = store_commit(c);
    if (rc != STORE_OK)
        goto fail_noticket_released;
    app_events_committed();
    return STORE_OK;
refuse_release:
    ticket_release(t);
refuse:
    store_rollback(c);
    return -1;
fail:
    ticket_release(t);
fail_noticket:
    store_rollback(c);
    return rc;
fail_noticket_released:
    ticket_release(t);
    return rc;
}

int app_ticket_act(struct store *s, const struct actor *a, const char *number, int version,
                   enum action act, const struct action_args *args, const char *args_json,
                   int64_t at, struct ticket *out, struct app_error *e)
{
    const char *field = NULL, *msg = NULL;
    if (workflow_check_args(act, args, &field, &msg) != 0)
        return app_fail(e, APP_INVALID, field, "%s", msg);
    if (!ticket_number_valid(number))
        return app_fail(e, APP_NOTFOUND, NULL, "ticket '%s' not found", number);
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    if (!at)
        at = time_now_ms();
    int rc = STORE_BUSY;
    for (int i = 0; i < BUSY_RETRIES && rc == STORE_BUSY; i++)
        rc = act_once(c, a, number, version, act, args, args_json, at, out, e);
    if (rc == -1)
        return e->code;
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "ticket");
    return APP_OK;
}
