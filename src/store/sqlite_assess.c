/*
 * sqlite_assess.c - unit assessment in SQLite: the events assessment reads,
 * the per-assignment facts, their daily sums (kept by the triggers of
 * migration 007), the drill-down and the score weights.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla.h"
#include "core/timeutil.h"
#include "store/assess_sql.h"
#include "store/sqlite_int.h"

/* A JSON boolean as json_extract gives it (1/0), else -1. */
static int col_bool(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
        return -1;
    return sqlite3_column_int64(st, i) ? 1 : 0;
}

static int col_enum(sqlite3_stmt *st, int i, int (*parse)(const char *))
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? parse(s) : -1;
}

int store_assess_events(struct store_conn *c, int64_t first, int64_t last,
                        struct assess_event **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st =
        sq_stmt(c, Q_ASSESS_EVENTS,
                "SELECT ticket_id, at, action, unit_id, sign_due, reply_due, "
                "json_extract(a, '$.contacted'), json_extract(a, '$.contacted_at'), "
                "json_extract(a, '$.satisfaction'), json_extract(a, '$.resolved'), "
                "json_extract(a, '$.clock') FROM (SELECT id, ticket_id, at, action, unit_id, "
                "sign_due, reply_due, CASE WHEN json_valid(args) THEN args ELSE '{}' END AS a "
                "FROM ticket_events WHERE ticket_id BETWEEN ?1 AND ?2) ORDER BY ticket_id, id");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    size_t cap = 0, len = 0;
    struct assess_event *a = NULL;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct assess_event *na = realloc(a, nc * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            a = na;
            cap = nc;
        }
        struct assess_event *e = &a[len++];
        memset(e, 0, sizeof *e);
        e->ticket_id = sqlite3_column_int64(st, 0);
        e->at = sqlite3_column_int64(st, 1);
        e->action = col_enum(st, 2, action_parse_any);
        e->unit_id = sq_col_id(st, 3);
        e->sign_due = sq_col_id(st, 4);
        e->reply_due = sq_col_id(st, 5);
        e->contacted = col_bool(st, 6);
        const char *ca = (const char *)sqlite3_column_text(st, 7);
        if (!ca || time_parse_rfc3339(ca, &e->contacted_at) != 0)
            e->contacted_at = 0;
        e->satisfaction = col_enum(st, 8, satisfaction_parse);
        e->resolved = col_bool(st, 9);
        e->clock = col_enum(st, 10, sla_clock_parse);
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "assess events");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        free(a);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_assess_max_ticket(struct store_conn *c, int64_t *max)
{
    *max = 0;
    sqlite3_stmt *st = sq_prepare(c, "SELECT ifnull(max(id), 0) FROM tickets");
    if (!st)
        return STORE_ERROR;
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? STORE_OK : sq_rc(c, src, "assess max");
    if (src == SQLITE_ROW)
        *max = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

int store_assess_put(struct store_conn *c, int64_t ticket_id, const struct assess_fact *f,
                     size_t n)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_ASSESS_DELETE, "DELETE FROM assess_facts WHERE ticket_id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ticket_id);
    int rc = sq_exec(c, st, "assess delete");
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (!f[i].v[AM_RECEIVED] || !f[i].unit_id)
            continue; /* counts for no unit: nothing to sum */
        st = sq_stmt(c, Q_ASSESS_INSERT,
                     "INSERT INTO assess_facts(ticket_id, seq, unit_id, day, received_at, " ASSESS_COLS
                     ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                     "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, ticket_id);
        sqlite3_bind_int(st, 2, f[i].seq);
        sqlite3_bind_int64(st, 3, f[i].unit_id);
        sqlite3_bind_int(st, 4, time_day_key(f[i].received_at));
        sqlite3_bind_int64(st, 5, f[i].received_at);
        for (int m = 0; m < AM__COUNT; m++)
            sqlite3_bind_int(st, 6 + m, f[i].v[m]);
        rc = sq_exec(c, st, "assess insert");
    }
    return rc;
}

int store_assess_clear(struct store_conn *c)
{
    sqlite3_stmt *st = sq_prepare(c, "DELETE FROM assess_facts");
    if (!st)
        return STORE_ERROR;
    int rc = sq_exec(c, st, "assess clear");
    sqlite3_finalize(st);
    if (rc != STORE_OK)
        return rc;
    st = sq_prepare(c, "DELETE FROM assess_daily");
    if (!st)
        return STORE_ERROR;
    rc = sq_exec(c, st, "assess clear daily");
    sqlite3_finalize(st);
    return rc;
}

/* Reads rows of (unit_id, day, measures...) from st into a new array. */
static int read_sums(struct store_conn *c, sqlite3_stmt *st, struct assess_sum **out, size_t *n,
                     const char *what)
{
    size_t cap = 0, len = 0;
    struct assess_sum *a = NULL;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct assess_sum *na = realloc(a, nc * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            a = na;
            cap = nc;
        }
        struct assess_sum *s = &a[len++];
        s->unit_id = sqlite3_column_int64(st, 0);
        s->day = sqlite3_column_int(st, 1);
        for (int m = 0; m < AM__COUNT; m++)
            s->v[m] = sqlite3_column_int64(st, 2 + m);
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, what);
    if (rc != STORE_OK) {
        free(a);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_assess_sums(struct store_conn *c, int32_t from, int32_t to, struct assess_sum **out,
                      size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = sq_stmt(c, Q_ASSESS_SUMS,
                               "SELECT unit_id, 0, " ASSESS_SUM_COLS " FROM assess_daily "
                               "WHERE day BETWEEN ?1 AND ?2 GROUP BY unit_id ORDER BY unit_id");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, from);
    sqlite3_bind_int(st, 2, to);
    int rc = read_sums(c, st, out, n, "assess sums");
    sqlite3_reset(st);
    return rc;
}

int store_assess_daily(struct store_conn *c, struct assess_sum **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = sq_prepare(c, "SELECT unit_id, day, " ASSESS_COLS
                                     " FROM assess_daily ORDER BY day, unit_id");
    if (!st)
        return STORE_ERROR;
    int rc = read_sums(c, st, out, n, "assess daily");
    sqlite3_finalize(st);
    return rc;
}

void store_free_assess_items(struct assess_item *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free(a[i].title);
        free(a[i].unit_code);
    }
    free(a);
}

int store_assess_items(struct store_conn *c, const struct assess_query *q,
                       struct assess_item **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (q->limit < 1 || q->limit > 201 || (unsigned)q->measure >= AM__COUNT)
        return STORE_INVALID;
    sqlite3_stmt *st = sq_stmt(
        c, Q_ASSESS_ITEMS,
        "SELECT f.ticket_id, f.seq, f.unit_id, f.received_at, t.number, t.title, t.status, "
        "u.code, " ASSESS_COLS " FROM assess_facts f "
        "JOIN tickets t ON t.id = f.ticket_id JOIN units u ON u.id = f.unit_id "
        "WHERE f.unit_id IN (SELECT id FROM units WHERE CASE WHEN ?4 THEN "
        "substr(path, 1, length(?5)) = ?5 ELSE id = ?6 END) "
        "AND f.day BETWEEN ?1 AND ?2 AND (" ASSESS_MEASURE_CASE("?3") ") > 0 "
        "AND (f.unit_id, f.day, f.received_at, f.ticket_id, f.seq) > (?11, ?12, ?7, ?8, ?9) "
        "ORDER BY f.unit_id, f.day, f.received_at, f.ticket_id, f.seq LIMIT ?10");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, q->from);
    sqlite3_bind_int(st, 2, q->to);
    sqlite3_bind_int(st, 3, (int)q->measure);
    sqlite3_bind_int(st, 4, q->children ? 1 : 0);
    sq_bind_text(st, 5, q->unit_path ? q->unit_path : "");
    sqlite3_bind_int64(st, 6, q->unit_id);
    sqlite3_bind_int64(st, 7, q->after_at);
    sqlite3_bind_int64(st, 8, q->after_ticket);
    sqlite3_bind_int(st, 9, q->after_seq);
    sqlite3_bind_int(st, 10, q->limit);
    sqlite3_bind_int64(st, 11, q->after_unit);
    sqlite3_bind_int(st, 12, q->after_unit ? time_day_key(q->after_at) : 0);
    struct assess_item *a = calloc((size_t)q->limit, sizeof *a);
    int rc = a ? STORE_OK : STORE_NOMEM, src = SQLITE_DONE;
    size_t len = 0;
    while (rc == STORE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct assess_item *it = &a[len++];
        int oom = 0;
        it->ticket_id = sqlite3_column_int64(st, 0);
        it->seq = sqlite3_column_int(st, 1);
        it->unit_id = sqlite3_column_int64(st, 2);
        it->received_at = sqlite3_column_int64(st, 3);
        const char *num = (const char *)sqlite3_column_text(st, 4);
        snprintf(it->number, sizeof it->number, "%s", num ? num : "");
        it->title = sq_col_text(st, 5, &oom);
        it->status = (enum ticket_status)col_enum(st, 6, status_parse);
        it->unit_code = sq_col_text(st, 7, &oom);
        for (int m = 0; m < AM__COUNT; m++)
            it->v[m] = sqlite3_column_int(st, 8 + m);
        if (oom)
            rc = STORE_NOMEM;
    }
    if (rc == STORE_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "assess items");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        store_free_assess_items(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_assess_weights_get(struct store_conn *c, struct assess_weights *w)
{
    *w = ASSESS_DEFAULT_WEIGHTS;
    sqlite3_stmt *st = sq_prepare(c, "SELECT response, resolution, satisfaction, updated_at "
                                     "FROM assess_weights WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    int src = sqlite3_step(st), rc = STORE_OK;
    if (src == SQLITE_ROW) {
        w->response = sqlite3_column_int(st, 0);
        w->resolution = sqlite3_column_int(st, 1);
        w->satisfaction = sqlite3_column_int(st, 2);
        w->updated_at = sqlite3_column_int64(st, 3);
    } else if (src != SQLITE_DONE) {
        rc = sq_rc(c, src, "assess weights");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_assess_weights_put(struct store_conn *c, const struct assess_weights *w)
{
    sqlite3_stmt *st = sq_prepare(
        c, "INSERT INTO assess_weights(id, response, resolution, satisfaction, updated_at) "
           "VALUES(1, ?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET response = excluded.response, "
           "resolution = excluded.resolution, satisfaction = excluded.satisfaction, "
           "updated_at = excluded.updated_at");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, w->response);
    sqlite3_bind_int(st, 2, w->resolution);
    sqlite3_bind_int(st, 3, w->satisfaction);
    sqlite3_bind_int64(st, 4, w->updated_at);
    int rc = sq_exec(c, st, "assess weights put");
    sqlite3_finalize(st);
    return rc;
}
