/*
 * assess.c - unit assessment (docs/ASSESSMENT.md): facts kept in step with
 * every event, reports and rankings read from the daily sums, drill-downs
 * read from the facts, and the recount that compares the two with the
 * history.
 */
#include <stdlib.h>
#include <string.h>

#include "app/assess.h"
#include "app/audit.h"
#include "core/timeutil.h"

#define FACTS_MAX 64       /* assignments of one ticket kept on the stack */
#define SCAN_TICKETS 2000  /* tickets read per batch by rebuild and recount */
#define BUSY_RETRIES 5

/* Facts of the events ev[0..n) (one ticket) into f (cap FACTS_MAX); the count kept. */
static size_t derive(const struct assess_event *ev, size_t n, struct assess_fact *f)
{
    size_t k = assess_facts(ev, n, f, FACTS_MAX);
    return k > FACTS_MAX ? FACTS_MAX : k; /* defensive: 64 dispatches of one ticket */
}

int app_assess_refresh(struct store_conn *c, int64_t ticket_id)
{
    struct assess_event *ev = NULL;
    size_t n = 0;
    int rc = store_assess_events(c, ticket_id, ticket_id, &ev, &n);
    if (rc != STORE_OK)
        return rc;
    struct assess_fact f[FACTS_MAX];
    size_t k = derive(ev, n, f);
    free(ev);
    return store_assess_put(c, ticket_id, f, k);
}

void app_assess_report_release(struct assess_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        unit_release(&r->lines[i].unit);
    free(r->lines);
    memset(r, 0, sizeof *r);
}

/* May the actor see the assessment of unit u? */
static bool visible(const struct actor *a, const struct unit *u)
{
    if (a->role & (ROLE_SUPERVISOR | ROLE_ADMIN))
        return true;
    return (a->role & ROLE_HANDLER) && a->unit_path && unit_path_within(u->path, a->unit_path);
}

static int check_role(const struct actor *a, struct app_error *e)
{
    if (a->role & (ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_HANDLER))
        return APP_OK;
    return app_fail(e, APP_FORBIDDEN, NULL, "your role may not read assessments");
}

static const int64_t *sums_of(const struct assess_sum *s, size_t n, int64_t unit_id)
{
    size_t lo = 0, hi = n; /* s is ordered by unit_id */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s[mid].unit_id < unit_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && s[lo].unit_id == unit_id ? s[lo].v : NULL;
}

/* The whole ranking, unfiltered, in one read transaction. */
static int build(struct store_conn *c, int32_t from, int32_t to, bool children,
                 struct assess_report *out)
{
    struct unit *units = NULL;
    struct assess_sum *sums = NULL;
    size_t nu = 0, ns = 0;
    int rc = store_begin(c, false);
    if (rc != STORE_OK)
        return rc;
    rc = store_assess_weights_get(c, &out->weights);
    if (rc == STORE_OK)
        rc = store_unit_list(c, &units, &nu);
    if (rc == STORE_OK)
        rc = store_assess_sums(c, from, to, &sums, &ns);
    store_rollback(c); /* read only */
    if (rc != STORE_OK)
        goto done;
    out->from = from;
    out->to = to;
    out->children = children;
    out->lines = calloc(nu ? nu : 1, sizeof *out->lines);
    double *score = calloc(nu ? nu : 1, sizeof *score);
    bool *has = calloc(nu ? nu : 1, sizeof *has);
    int *group = calloc(nu ? nu : 1, sizeof *group), *rank = calloc(nu ? nu : 1, sizeof *rank),
        *rank_of = calloc(nu ? nu : 1, sizeof *rank_of);
    int64_t *ids = calloc(nu ? nu : 1, sizeof *ids);
    const char **paths = calloc(nu ? nu : 1, sizeof *paths);
    if (!out->lines || !score || !has || !group || !rank || !rank_of || !ids || !paths) {
        rc = STORE_NOMEM;
        goto free_work;
    }
    for (size_t i = 0; i < nu; i++) {
        ids[i] = units[i].id;
        paths[i] = units[i].path; /* borrowed: the strings move with their units */
    }
    for (size_t i = 0; i < nu; i++) {
        if (units[i].kind == UK_CENTER)
            continue;
        struct assess_line *l = &out->lines[out->n];
        memset(l->sums, 0, sizeof l->sums);
        for (size_t j = 0; j < nu; j++) {
            /* units before i were moved into lines: ids and paths keep their values */
            if (j != i && !(children && unit_path_within(paths[j], units[i].path)))
                continue;
            const int64_t *v = sums_of(sums, ns, ids[j]);
            for (int m = 0; v && m < AM__COUNT; m++)
                l->sums[m] += v[m];
        }
        if (!units[i].active && l->sums[AM_RECEIVED] == 0)
            continue; /* a retired unit with nothing in the period */
        l->unit = units[i];
        memset(&units[i], 0, sizeof units[i]); /* moved */
        l->has_score = assess_score(l->sums, &out->weights, &l->score);
        score[out->n] = l->score;
        has[out->n] = l->has_score;
        group[out->n] = (int)l->unit.kind;
        out->n++;
    }
    assess_rank(score, has, group, out->n, rank, rank_of);
    for (size_t i = 0; i < out->n; i++) {
        out->lines[i].rank = rank[i];
        out->lines[i].rank_of = rank_of[i];
    }
free_work:
    free(ids);
    free(paths);
    free(score);
    free(has);
    free(group);
    free(rank);
    free(rank_of);
done:
    store_free_units(units, nu);
    free(sums);
    if (rc != STORE_OK)
        app_assess_report_release(out);
    return rc;
}

/* Keeps the lines for which keep() holds, in order. */
static void filter(struct assess_report *r, const struct actor *a, int kind, int64_t unit_id)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) {
        struct assess_line *l = &r->lines[i];
        bool keep = visible(a, &l->unit) && (kind < 0 || (int)l->unit.kind == kind) &&
                    (!unit_id || l->unit.id == unit_id);
        if (!keep) {
            unit_release(&l->unit);
            continue;
        }
        if (k != i)
            r->lines[k] = *l;
        k++;
    }
    r->n = k;
}

int app_assess_report(struct store *s, const struct actor *a, int32_t from, int32_t to, int kind,
                      bool children, struct assess_report *out, struct app_error *e)
{
    memset(out, 0, sizeof *out);
    if (check_role(a, e) != APP_OK)
        return e->code;
    struct store_conn *c = store_conn_get(s);
    int rc = c ? build(c, from, to, children, out) : STORE_ERROR;
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "assessment");
    filter(out, a, kind, 0);
    return APP_OK;
}

int app_assess_unit(struct store *s, const struct actor *a, int64_t unit_id, int32_t from,
                    int32_t to, bool children, struct assess_report *out, struct app_error *e)
{
    memset(out, 0, sizeof *out);
    if (check_role(a, e) != APP_OK)
        return e->code;
    struct store_conn *c = store_conn_get(s);
    int rc = c ? build(c, from, to, children, out) : STORE_ERROR;
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "assessment");
    filter(out, a, -1, unit_id);
    if (out->n != 1) {
        app_assess_report_release(out);
        return app_fail(e, APP_NOTFOUND, NULL, "unit %lld not found", (long long)unit_id);
    }
    return APP_OK;
}

int app_assess_items(struct store *s, const struct actor *a, struct assess_query *q,
                     struct assess_item **out, size_t *n, struct app_error *e)
{
    *out = NULL;
    *n = 0;
    if (check_role(a, e) != APP_OK)
        return e->code;
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    struct unit u = {0};
    int rc = store_unit_get(c, q->unit_id, &u);
    if (rc == STORE_OK && (u.kind == UK_CENTER || !visible(a, &u)))
        rc = STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        unit_release(&u);
        return app_fail(e, APP_NOTFOUND, NULL, "unit %lld not found", (long long)q->unit_id);
    }
    if (rc == STORE_OK) {
        q->unit_path = u.path;
        rc = store_assess_items(c, q, out, n);
        q->unit_path = NULL;
    }
    unit_release(&u);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "assessment");
}

int app_assess_weights_get(struct store *s, struct assess_weights *w, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    int rc = c ? store_assess_weights_get(c, w) : STORE_ERROR;
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "weights");
}

int app_assess_weights_put(struct store *s, const struct actor *a, const char *username,
                           const struct assess_weights *w, struct app_error *e)
{
    if (!(a->role & ROLE_ADMIN))
        return app_fail(e, APP_FORBIDDEN, NULL, "only an admin may set the weights");
    const char *field = NULL;
    if (assess_weights_check(w, &field) != 0)
        return app_fail(e, APP_INVALID, field,
                        "weights must be integers from 0 to 100 that sum to 100");
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    char detail[160];
    snprintf(detail, sizeof detail, "{\"resolution\":%d,\"response\":%d,\"satisfaction\":%d}",
             w->resolution, w->response, w->satisfaction);
    int rc = STORE_BUSY;
    for (int i = 0; i < BUSY_RETRIES && rc == STORE_BUSY; i++) {
        rc = store_begin(c, true);
        if (rc != STORE_OK)
            continue;
        rc = store_assess_weights_put(c, w);
        if (rc == STORE_OK &&
            app_audit(c, a->user_id, username, "assessment.weights", "weights", 1, detail, e) !=
                APP_OK) {
            store_rollback(c);
            return e->code;
        }
        if (rc == STORE_OK)
            rc = store_commit(c);
        else
            store_rollback(c);
    }
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "weights");
}

/* Calls fn once per ticket with events, for tickets first..last, batch by batch. */
typedef int (*ticket_fn)(struct store_conn *c, int64_t ticket_id, const struct assess_event *ev,
                         size_t n, void *ctx);
static int each_ticket(struct store_conn *c, int64_t first, int64_t last, ticket_fn fn, void *ctx)
{
    struct assess_event *ev = NULL;
    size_t n = 0;
    int rc = store_assess_events(c, first, last, &ev, &n);
    for (size_t i = 0; rc == STORE_OK && i < n;) {
        size_t j = i;
        while (j < n && ev[j].ticket_id == ev[i].ticket_id)
            j++;
        rc = fn(c, ev[i].ticket_id, ev + i, j - i, ctx);
        i = j;
    }
    free(ev);
    return rc;
}

static int rebuild_one(struct store_conn *c, int64_t ticket_id, const struct assess_event *ev,
                       size_t n, void *ctx)
{
    struct assess_fact f[FACTS_MAX];
    size_t k = derive(ev, n, f);
    return store_assess_put(c, ticket_id, f, k);
}

int app_assess_rebuild(struct store *s, FILE *progress, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    int64_t max = 0;
    int rc = c ? store_assess_max_ticket(c, &max) : STORE_ERROR;
    if (rc == STORE_OK && (rc = store_begin(c, true)) == STORE_OK) {
        rc = store_assess_clear(c);
        rc = rc == STORE_OK ? store_commit(c) : (store_rollback(c), rc);
    }
    /* Batches commit one by one: a write on a ticket meanwhile refreshes its
       own facts, and the batch that comes later re-derives them anyway. */
    for (int64_t lo = 1; rc == STORE_OK && lo <= max; lo += SCAN_TICKETS * 10) {
        rc = store_begin(c, true);
        if (rc != STORE_OK)
            break;
        rc = each_ticket(c, lo, lo + SCAN_TICKETS * 10 - 1, rebuild_one, NULL);
        rc = rc == STORE_OK ? store_commit(c) : (store_rollback(c), rc);
        if (progress && max >= 100000 && (lo / (SCAN_TICKETS * 10)) % 10 == 9)
            fprintf(progress, "assess rebuild: %lld of %lld tickets\n",
                    (long long)(lo + SCAN_TICKETS * 10 - 1), (long long)max);
    }
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "assessment");
}

/* ---- recount: an open-addressing table of (day, unit) sums ---- */
struct cell {
    int64_t unit_id;
    int32_t day;
    bool used, seen;
    int64_t v[AM__COUNT];
};
struct table {
    struct cell *cells;
    size_t cap, len;
    int64_t tickets, facts;
};

static size_t slot(const struct table *t, int64_t unit_id, int32_t day)
{
    uint64_t h = (uint64_t)unit_id * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)(uint32_t)day * 0x85EBCA6Bu;
    size_t i = (size_t)(h ^ (h >> 29)) & (t->cap - 1);
    while (t->cells[i].used && !(t->cells[i].unit_id == unit_id && t->cells[i].day == day))
        i = (i + 1) & (t->cap - 1);
    return i;
}

static int grow(struct table *t)
{
    struct table n = {.cap = t->cap ? t->cap * 2 : 4096};
    n.cells = calloc(n.cap, sizeof *n.cells);
    if (!n.cells)
        return -1;
    for (size_t i = 0; i < t->cap; i++)
        if (t->cells[i].used)
            n.cells[slot(&n, t->cells[i].unit_id, t->cells[i].day)] = t->cells[i];
    free(t->cells);
    t->cells = n.cells;
    t->cap = n.cap;
    return 0;
}

static int recount_one(struct store_conn *c, int64_t ticket_id, const struct assess_event *ev,
                       size_t n, void *ctx)
{
    struct table *t = ctx;
    struct assess_fact f[FACTS_MAX];
    size_t k = derive(ev, n, f);
    t->tickets++;
    for (size_t i = 0; i < k; i++) {
        if (!f[i].v[AM_RECEIVED] || !f[i].unit_id)
            continue;
        if ((t->len + 1) * 2 > t->cap && grow(t) != 0)
            return STORE_NOMEM;
        int32_t day = time_day_key(f[i].received_at);
        struct cell *cl = &t->cells[slot(t, f[i].unit_id, day)];
        if (!cl->used) {
            cl->used = true;
            cl->unit_id = f[i].unit_id;
            cl->day = day;
            t->len++;
        }
        for (int m = 0; m < AM__COUNT; m++)
            cl->v[m] += f[i].v[m];
        t->facts++;
    }
    return STORE_OK;
}

static void report_diff(FILE *out, int64_t unit_id, int32_t day, const int64_t *want,
                        const int64_t *have)
{
    if (!out)
        return;
    fprintf(out, "unit %lld day %d:", (long long)unit_id, (int)day);
    for (int m = 0; m < AM__COUNT; m++)
        if (want[m] != have[m])
            fprintf(out, " %s recounted %lld stored %lld", assess_measure_name(m),
                    (long long)want[m], (long long)have[m]);
    fputc('\n', out);
}

int app_assess_recount(struct store *s, FILE *report, struct assess_recount *out,
                       struct app_error *e)
{
    memset(out, 0, sizeof *out);
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    struct table t = {0};
    struct assess_sum *rows = NULL;
    size_t nrows = 0;
    int64_t max = 0;
    static const int64_t zero[AM__COUNT];
    int rc = grow(&t) == 0 ? store_begin(c, false) : STORE_NOMEM;
    if (rc != STORE_OK)
        goto done;
    /* One read transaction: the events and the sums are of the same moment. */
    rc = store_assess_max_ticket(c, &max);
    for (int64_t lo = 1; rc == STORE_OK && lo <= max; lo += SCAN_TICKETS * 10)
        rc = each_ticket(c, lo, lo + SCAN_TICKETS * 10 - 1, recount_one, &t);
    if (rc == STORE_OK)
        rc = store_assess_daily(c, &rows, &nrows);
    store_rollback(c);
    if (rc != STORE_OK)
        goto done;
    for (size_t i = 0; i < nrows; i++) {
        struct cell *cl = &t.cells[slot(&t, rows[i].unit_id, rows[i].day)];
        const int64_t *want = cl->used ? cl->v : zero;
        if (cl->used)
            cl->seen = true;
        out->rows++;
        if (memcmp(want, rows[i].v, sizeof zero) != 0) {
            out->mismatches++;
            report_diff(report, rows[i].unit_id, rows[i].day, want, rows[i].v);
        }
    }
    for (size_t i = 0; i < t.cap; i++) {
        if (!t.cells[i].used || t.cells[i].seen)
            continue;
        out->rows++;
        out->mismatches++;
        report_diff(report, t.cells[i].unit_id, t.cells[i].day, t.cells[i].v, zero);
    }
    out->tickets = t.tickets;
    out->facts = t.facts;
done:
    free(t.cells);
    free(rows);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "assessment");
}
