/*
 * clocks.c - starting a ticket's deadline clocks from the rule table, and
 * redoing provisional deadlines once their year's calendar is known.
 *
 * A clock's deadline is fixed when it starts (dispatch and reopen start the
 * signing and reply clocks, a sub-dispatch the signing clock, the reply the
 * callback clock) and stored with the span it came from, so that a later
 * calendar can redo it without asking the rules again.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/deadlines.h"
#include "core/sla.h"
#include "core/timeutil.h"

#define BUSY_RETRIES 5
#define CAT_CHAIN_MAX 8
#define BATCH 200

static void (*event_hook)(void *ctx);
static void *event_hook_ctx;

void app_set_event_hook(void (*fn)(void *ctx), void *ctx)
{
    event_hook = fn;
    event_hook_ctx = ctx;
}

void app_events_committed(void)
{
    if (event_hook)
        event_hook(event_hook_ctx);
}

/*
 * Logs, once per year per process, that a deadline reached a year with no
 * known calendar. The operator sees it at start too (main), but a long-lived
 * server crosses into such a year without restarting.
 */
static void note_provisional(int64_t due)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int logged[16];
    static size_t n_logged;
    struct local_time lt;
    bool fresh = true;

    time_to_local(due, &lt);
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n_logged; i++)
        fresh = fresh && logged[i] != lt.year;
    if (fresh && n_logged < sizeof logged / sizeof logged[0])
        logged[n_logged++] = lt.year;
    pthread_mutex_unlock(&lock);
    if (fresh)
        fprintf(stderr,
                "{\"level\":\"warning\",\"msg\":\"deadline counted on weekdays alone: no working "
                "calendar loaded for its year\",\"year\":%d}\n",
                lt.year);
}

/* The spans the rules give t (type, urgency, category and its ancestors). */
static int spans_for(struct store_conn *c, const struct ticket *t, struct sla_spans *out)
{
    struct sla_rule *rules = NULL;
    size_t n = 0, n_cats = 0;
    int64_t cats[CAT_CHAIN_MAX];
    int rc = store_sla_rule_list(c, &rules, &n);
    if (rc == STORE_OK && t->category_id)
        rc = store_category_chain(c, t->category_id, cats, CAT_CHAIN_MAX, &n_cats);
    if (rc == STORE_OK)
        sla_rules_pick(rules, n, t->type, t->urgency, cats, n_cats, out, NULL);
    store_free_sla_rules(rules, n);
    return rc;
}

/* Sets one clock's deadline from `start` and `span`, with its provisional bit. */
static void set_clock(const struct calendar *cal, struct ticket *t, enum sla_clock k,
                      int64_t start, struct sla_span span)
{
    bool prov = false;
    int64_t due = sla_due_on(cal, start, span, &prov);
    if (prov) {
        t->deadline_provisional |= SLA_PROV_BIT(k);
        note_provisional(due);
    } else {
        t->deadline_provisional &= ~SLA_PROV_BIT(k);
    }
    switch (k) {
    case SLA_CLOCK_SIGN:
        t->sign_due = due;
        t->sign_span = span;
        break;
    case SLA_CLOCK_REPLY:
        t->reply_due = due;
        t->reply_span = span;
        break;
    default:
        t->callback_due = due;
        t->callback_span = span;
        break;
    }
}

int app_clocks_start(struct store_conn *c, struct ticket *t, int64_t at, unsigned which)
{
    struct sla_spans sp;
    int rc = spans_for(c, t, &sp);
    if (rc != STORE_OK)
        return rc;
    const struct calendar *cal = calendar_acquire();
    if (which & SLA_PROV_BIT(SLA_CLOCK_SIGN)) {
        t->dispatched_at = at;
        set_clock(cal, t, SLA_CLOCK_SIGN, at, sp.sign);
    }
    if (which & SLA_PROV_BIT(SLA_CLOCK_REPLY)) {
        t->reply_started_at = at;
        set_clock(cal, t, SLA_CLOCK_REPLY, at, sp.reply);
    }
    if (which & SLA_PROV_BIT(SLA_CLOCK_CALLBACK))
        set_clock(cal, t, SLA_CLOCK_CALLBACK, at, sp.callback);
    calendar_release(cal);
    return STORE_OK;
}

/*
 * Redoes the flagged deadlines of t from their stored starts and spans.
 * Returns true if anything the API shows changed.
 */
static bool redo(const struct calendar *cal, struct ticket *t)
{
    int64_t before[3] = {t->sign_due, t->reply_due, t->callback_due};
    unsigned flags = t->deadline_provisional;
    int64_t reply_start = t->reply_started_at ? t->reply_started_at : t->dispatched_at;

    if ((flags & SLA_PROV_BIT(SLA_CLOCK_SIGN)) && sla_span_set(t->sign_span) && t->dispatched_at)
        set_clock(cal, t, SLA_CLOCK_SIGN, t->dispatched_at, t->sign_span);
    if ((flags & SLA_PROV_BIT(SLA_CLOCK_REPLY)) && sla_span_set(t->reply_span) && reply_start)
        set_clock(cal, t, SLA_CLOCK_REPLY, reply_start, t->reply_span);
    if ((flags & SLA_PROV_BIT(SLA_CLOCK_CALLBACK)) && sla_span_set(t->callback_span) &&
        t->replied_at)
        set_clock(cal, t, SLA_CLOCK_CALLBACK, t->replied_at, t->callback_span);
    return flags != t->deadline_provisional || before[0] != t->sign_due ||
           before[1] != t->reply_due || before[2] != t->callback_due;
}

/* One ticket's recompute in its own transaction; *changed set if it was rewritten. */
static int recompute_one(struct store_conn *c, const struct ticket_ref *ref, int64_t now,
                         bool *changed)
{
    struct ticket t;
    int rc = store_begin(c, true);
    if (rc != STORE_OK)
        return rc;
    rc = store_ticket_get(c, ref->number, &t);
    if (rc == STORE_NOTFOUND) {
        store_rollback(c);
        return STORE_OK;
    }
    if (rc != STORE_OK) {
        store_rollback(c);
        return rc;
    }
    const struct calendar *cal = calendar_acquire();
    bool moved = redo(cal, &t);
    calendar_release(cal);
    if (!moved) {
        ticket_release(&t);
        store_rollback(c);
        return STORE_OK;
    }
    char sd[40] = "", rd[40] = "", cd[40] = "", args[200];
    time_format_rfc3339(t.sign_due, sd, sizeof sd);
    time_format_rfc3339(t.reply_due, rd, sizeof rd);
    time_format_rfc3339(t.callback_due, cd, sizeof cd);
    /* A fixed shape of RFC 3339 strings: nothing in it needs escaping. */
    snprintf(args, sizeof args, "{\"callback_due\":%s%s%s,\"reply_due\":%s%s%s,"
             "\"sign_due\":%s%s%s}",
             cd[0] ? "\"" : "", cd[0] ? cd : "null", cd[0] ? "\"" : "", rd[0] ? "\"" : "",
             rd[0] ? rd : "null", rd[0] ? "\"" : "", sd[0] ? "\"" : "", sd[0] ? sd : "null",
             sd[0] ? "\"" : "");
    int old_version = t.version;
    t.version++;
    t.updated_at = now;
    rc = store_ticket_update(c, &t, old_version);
    struct ticket_event ev = {.ticket_id = t.id,
                              .at = now,
                              .action = ACT_DEADLINE_RECOMPUTED,
                              .from_status = t.status,
                              .to_status = t.status,
                              .unit_id = t.unit_id,
                              .note = t.deadline_provisional
                                          ? "期限已按新日历重算(仍有年份缺少日历)"
                                          : "期限已按新日历重算",
                              .args_json = args};
    if (rc == STORE_OK)
        rc = store_event_insert(c, &ev);
    ticket_release(&t);
    if (rc == STORE_OK)
        rc = store_commit(c);
    else
        store_rollback(c);
    *changed = rc == STORE_OK;
    return rc;
}

int app_deadlines_recompute(struct store *s, int64_t now, size_t *changed)
{
    struct store_conn *c = store_conn_get(s);
    size_t done = 0;
    int64_t after = 0;
    int rc = c ? STORE_OK : STORE_ERROR;
    while (rc == STORE_OK) {
        struct ticket_ref *refs = NULL;
        size_t n = 0;
        rc = store_provisional_list(c, after, BATCH, &refs, &n);
        for (size_t i = 0; rc == STORE_OK && i < n; i++) {
            bool ch = false;
            rc = STORE_BUSY;
            for (int k = 0; k < BUSY_RETRIES && rc == STORE_BUSY; k++)
                rc = recompute_one(c, &refs[i], now, &ch);
            done += ch;
            after = refs[i].id;
        }
        free(refs);
        if (n < BATCH)
            break;
    }
    if (done)
        app_events_committed();
    if (changed)
        *changed = done;
    return rc;
}
