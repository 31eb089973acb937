/*
 * supervise.c - the timer loop (督办): yellow and red cards and automatic
 * urging.
 *
 * A pass asks the store for open tickets whose running clock has reached a
 * level above the one recorded for that clock and deadline, and settles
 * them in write transactions of up to GROUP tickets. For each it re-reads
 * the ticket and its mark, records the new mark, one `sla_warning` or
 * `sla_overdue` event and, when overdue, an `urge` by the system with
 * urge_count + 1; the version moves on by one per event, as for every
 * other change. The mark is written with a conditional UPDATE in the same
 * transaction as the event, so a pass after a restart, or a second loop
 * racing this one (another instance on the same database, `rexian sla
 * scan`), finds the crossing recorded and adds nothing. A ticket found
 * already overdue gets the red card only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/deadlines.h"
#include "app/assess.h"
#include "app/stats_ops.h"
#include "core/sla.h"
#include "core/timeutil.h"

#define BUSY_RETRIES 5
#define BATCH 200
#define MAX_BATCHES 50
#define GROUP 32 /* tickets settled per transaction */

/* The clock t is running now, its start and deadline; false if none runs. */
static bool running_clock(const struct ticket *t, enum sla_clock *k, int64_t *start,
                          int64_t *due)
{
    switch (t->status) {
    case ST_DISPATCHED:
        *k = SLA_CLOCK_SIGN, *start = t->dispatched_at, *due = t->sign_due;
        break;
    case ST_PROCESSING:
    case ST_RETURNED:
        *k = SLA_CLOCK_REPLY;
        *start = t->reply_started_at ? t->reply_started_at : t->dispatched_at;
        *due = t->reply_due;
        break;
    case ST_REPLIED:
        *k = SLA_CLOCK_CALLBACK, *start = t->replied_at, *due = t->callback_due;
        break;
    default:
        return false;
    }
    return *due != 0;
}

/* Appends a system event (no actor) on t. */
static int system_event(struct store_conn *c, const struct ticket *t, enum action act,
                        int64_t at, const char *note, const char *args)
{
    struct ticket_event ev = {.ticket_id = t->id,
                              .at = at,
                              .action = act,
                              .from_status = t->status,
                              .to_status = t->status,
                              .unit_id = t->unit_id,
                              .note = (char *)note,
                              .args_json = (char *)args};
    int rc = store_event_insert(c, &ev);
    /* a red card and its urge change the unit's assessment (app/assess.c) */
    if (rc == STORE_OK && act == ACT_URGE)
        rc = app_assess_refresh(c, t->id);
    return rc;
}

/*
 * Settles one ticket inside the caller's transaction; *level gets the level
 * recorded (0 if nothing was: no longer due, or another loop was first).
 */
static int settle(struct store_conn *c, const struct ticket_ref *ref, int64_t now, int *level)
{
    struct ticket t;
    enum sla_clock k = SLA_CLOCK_SIGN;
    int64_t start = 0, due = 0;
    *level = 0;
    int rc = store_ticket_get(c, ref->number, &t);
    if (rc != STORE_OK)
        return rc == STORE_NOTFOUND ? STORE_OK : rc;
    enum sla_level lv = SLA_NONE;
    if (running_clock(&t, &k, &start, &due))
        lv = sla_level_at(start, due, now);
    struct sla_mark m = {.clock = (int)k, .due = due,
                         .level = lv == SLA_OVERDUE ? 2 : lv == SLA_WARNING ? 1 : 0};
    if (m.level > 0)
        rc = store_sla_mark_set(c, t.id, &m); /* CONFLICT: already recorded */
    if (m.level == 0 || rc != STORE_OK) {
        ticket_release(&t);
        return rc == STORE_CONFLICT ? STORE_OK : rc;
    }
    char when[40] = "", args[120];
    time_format_rfc3339(due, when, sizeof when);
    /* Fixed names and an RFC 3339 time: nothing here needs escaping. */
    snprintf(args, sizeof args, "{\"clock\":\"%s\",\"due\":\"%s\"}", sla_clock_name(k), when);
    bool overdue = m.level == 2;
    /* One version per event, as for every change: the card, and the urge with it. */
    int old_version = t.version;
    t.version += overdue ? 2 : 1;
    t.urge_count += overdue ? 1 : 0;
    t.updated_at = now;
    rc = store_ticket_update(c, &t, old_version);
    if (rc == STORE_OK)
        rc = system_event(c, &t, overdue ? ACT_SLA_OVERDUE : ACT_SLA_WARNING, now,
                          overdue ? "已超期(红牌)" : "即将超期(黄牌)", args);
    if (rc == STORE_OK && overdue)
        rc = app_stats_record(c, &t, t.unit_id, ACT_SLA_OVERDUE, now, 0);
    if (rc == STORE_OK && overdue)
        rc = system_event(c, &t, ACT_URGE, now, "超期自动催办", "{\"auto\":true}");
    ticket_release(&t);
    if (rc == STORE_OK)
        *level = m.level;
    return rc;
}

/*
 * Settles refs[0..n) in one write transaction (a burst after a long stop,
 * or on a large city, costs one commit per group, not per ticket); adds
 * what was recorded to *st only once it is committed.
 */
static int settle_group(struct store_conn *c, const struct ticket_ref *refs, size_t n,
                        int64_t now, struct sla_scan_stats *st, size_t *settled)
{
    struct sla_scan_stats got = {0};
    int rc = store_begin(c, true);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        int level = 0;
        rc = settle(c, &refs[i], now, &level);
        got.warnings += level == 1;
        got.overdue += level == 2;
    }
    if (rc == STORE_OK)
        rc = store_commit(c);
    else
        store_rollback(c);
    if (rc == STORE_OK) {
        st->warnings += got.warnings;
        st->overdue += got.overdue;
        st->urged += got.overdue;
        *settled += got.warnings + got.overdue;
    }
    return rc;
}

int app_sla_scan(struct store *s, int64_t now, struct sla_scan_stats *stats)
{
    struct store_conn *c = store_conn_get(s);
    struct sla_scan_stats st = {0};
    int rc = c ? STORE_OK : STORE_ERROR;
    for (int b = 0; rc == STORE_OK && b < MAX_BATCHES; b++) {
        struct ticket_ref *refs = NULL;
        size_t n = 0, settled = 0;
        rc = store_sla_pending(c, now, sla_warning_percent(), BATCH, &refs, &n);
        for (size_t i = 0; rc == STORE_OK && i < n; i += GROUP) {
            size_t g = n - i < GROUP ? n - i : GROUP;
            rc = STORE_BUSY;
            for (int k = 0; k < BUSY_RETRIES && rc == STORE_BUSY; k++)
                rc = settle_group(c, refs + i, g, now, &st, &settled);
        }
        free(refs);
        /* A full batch of which nothing settled would come back the same: stop. */
        if (n < BATCH || settled == 0)
            break;
    }
    if (st.warnings || st.overdue)
        app_events_committed();
    if (stats)
        *stats = st;
    return rc;
}

/* ---- the loop ---- */

struct app_timer {
    struct store *store;
    unsigned interval_s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop, kicked;
};

static void *timer_main(void *arg)
{
    struct app_timer *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        pthread_mutex_unlock(&t->lock);
        struct sla_scan_stats st = {0};
        app_calendar_refresh(t->store);
        /* Several instances on one PostgreSQL: only the lock holder scans. */
        bool lead = store_timer_lead(t->store);
        if (lead && app_sla_scan(t->store, time_now_ms(), &st) != STORE_OK)
            fprintf(stderr, "{\"level\":\"error\",\"msg\":\"sla scan failed\"}\n");
        else if (st.warnings || st.overdue)
            fprintf(stderr,
                    "{\"level\":\"info\",\"msg\":\"sla scan\",\"warnings\":%zu,\"overdue\":%zu,"
                    "\"urged\":%zu}\n",
                    st.warnings, st.overdue, st.urged);
        pthread_mutex_lock(&t->lock);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += t->interval_s;
        while (!t->stop && !t->kicked &&
               pthread_cond_timedwait(&t->cond, &t->lock, &until) != ETIMEDOUT)
            ;
        t->kicked = false;
    }
    pthread_mutex_unlock(&t->lock);
    store_conn_drop(t->store);
    return NULL;
}

struct app_timer *app_timer_start(struct store *s, unsigned interval_s)
{
    struct app_timer *t = calloc(1, sizeof *t);
    pthread_condattr_t ca;
    if (!t)
        return NULL;
    t->store = s;
    t->interval_s = interval_s ? interval_s : 1;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&t->thread, NULL, timer_main, t) != 0) {
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"cannot start the timer loop\"}\n");
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

void app_timer_kick(struct app_timer *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->kicked = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

void app_timer_stop(struct app_timer *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
