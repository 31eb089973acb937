/*
 * pg_assess.c - unit assessment in PostgreSQL (mirrors sqlite_assess.c):
 * the events assessment reads, the facts, their daily sums (kept by the
 * trigger of migration 007), the drill-down and the score weights.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla.h"
#include "core/timeutil.h"
#include "store/assess_sql.h"
#include "store/pg_int.h"

static int col_enum(PGresult *r, int row, int col, int (*parse)(const char *))
{
    const char *s = pg_col_str(r, row, col);
    return s ? parse(s) : -1;
}

int pg_store_assess_events(struct store_conn *c, int64_t first, int64_t last,
                           struct assess_event **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct pg_params p = {0};
    pp_int(&p, first);
    pp_int(&p, last);
    int rc;
    PGresult *r = pg_run(
        c, PQ_ASSESS_EVENTS,
        "SELECT ticket_id, at, action, unit_id, sign_due, reply_due, "
        "CASE a->>'contacted' WHEN 'true' THEN 1 WHEN 'false' THEN 0 END, a->>'contacted_at', "
        "a->>'satisfaction', CASE a->>'resolved' WHEN 'true' THEN 1 WHEN 'false' THEN 0 END, "
        "a->>'clock' FROM (SELECT id, ticket_id, at, action, unit_id, sign_due, reply_due, "
        "args::jsonb AS a FROM ticket_events WHERE ticket_id BETWEEN $1 AND $2) e "
        "ORDER BY ticket_id, id",
        &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r);
    struct assess_event *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    if (!a) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        struct assess_event *e = &a[i];
        e->ticket_id = pg_col_int(r, i, 0);
        e->at = pg_col_int(r, i, 1);
        e->action = col_enum(r, i, 2, action_parse_any);
        e->unit_id = pg_col_int(r, i, 3);
        e->sign_due = pg_col_int(r, i, 4);
        e->reply_due = pg_col_int(r, i, 5);
        e->contacted = pg_col_tri(r, i, 6);
        const char *ca = pg_col_str(r, i, 7);
        if (!ca || time_parse_rfc3339(ca, &e->contacted_at) != 0)
            e->contacted_at = 0;
        e->satisfaction = col_enum(r, i, 8, satisfaction_parse);
        e->resolved = pg_col_tri(r, i, 9);
        e->clock = col_enum(r, i, 10, sla_clock_parse);
    }
    PQclear(r);
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_assess_max_ticket(struct store_conn *c, int64_t *max)
{
    *max = 0;
    int rc;
    PGresult *r = pg_run(c, PQ_ASSESS_MAX, "SELECT coalesce(max(id), 0) FROM tickets", NULL, &rc);
    if (!r)
        return rc;
    *max = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

int pg_store_assess_put(struct store_conn *c, int64_t ticket_id, const struct assess_fact *f,
                        size_t n)
{
    struct pg_params d = {0};
    pp_int(&d, ticket_id);
    int rc = pg_exec(c, PQ_ASSESS_DELETE, "DELETE FROM assess_facts WHERE ticket_id = $1", &d,
                     NULL);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (!f[i].v[AM_RECEIVED] || !f[i].unit_id)
            continue; /* counts for no unit: nothing to sum */
        struct pg_params p = {0};
        pp_int(&p, ticket_id);
        pp_int(&p, f[i].seq);
        pp_int(&p, f[i].unit_id);
        pp_int(&p, time_day_key(f[i].received_at));
        pp_int(&p, f[i].received_at);
        for (int m = 0; m < AM__COUNT; m++)
            pp_int(&p, f[i].v[m]);
        rc = pg_exec(c, PQ_ASSESS_INSERT,
                     "INSERT INTO assess_facts(ticket_id, seq, unit_id, day, received_at, " ASSESS_COLS
                     ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                     "$16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)",
                     &p, NULL);
    }
    return rc;
}

int pg_store_assess_clear(struct store_conn *c)
{
    int rc = pg_exec(c, PQ_ASSESS_CLEAR_FACTS, "DELETE FROM assess_facts", NULL, NULL);
    if (rc == STORE_OK)
        rc = pg_exec(c, PQ_ASSESS_CLEAR_DAILY, "DELETE FROM assess_daily", NULL, NULL);
    return rc;
}

static int read_sums(PGresult *r, struct assess_sum **out, size_t *n)
{
    int rows = PQntuples(r);
    struct assess_sum *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    if (!a) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        a[i].unit_id = pg_col_int(r, i, 0);
        a[i].day = (int32_t)pg_col_int(r, i, 1);
        for (int m = 0; m < AM__COUNT; m++)
            a[i].v[m] = pg_col_int(r, i, 2 + m);
    }
    PQclear(r);
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_assess_sums(struct store_conn *c, int32_t from, int32_t to, struct assess_sum **out,
                         size_t *n)
{
    *out = NULL;
    *n = 0;
    struct pg_params p = {0};
    pp_int(&p, from);
    pp_int(&p, to);
    int rc;
    PGresult *r = pg_run(c, PQ_ASSESS_SUMS,
                         "SELECT unit_id, 0, " ASSESS_SUM_COLS " FROM assess_daily "
                         "WHERE day BETWEEN $1 AND $2 GROUP BY unit_id ORDER BY unit_id",
                         &p, &rc);
    return r ? read_sums(r, out, n) : rc;
}

int pg_store_assess_daily(struct store_conn *c, struct assess_sum **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc;
    PGresult *r = pg_run(c, PQ_ASSESS_DAILY,
                         "SELECT unit_id, day, " ASSESS_COLS " FROM assess_daily ORDER BY day, unit_id",
                         NULL, &rc);
    return r ? read_sums(r, out, n) : rc;
}

int pg_store_assess_items(struct store_conn *c, const struct assess_query *q,
                          struct assess_item **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (q->limit < 1 || q->limit > 201 || (unsigned)q->measure >= AM__COUNT)
        return STORE_INVALID;
    struct pg_params p = {0};
    pp_int(&p, q->from);
    pp_int(&p, q->to);
    pp_int(&p, (int)q->measure);
    pp_text(&p, q->children ? "true" : "false");
    pp_text(&p, q->unit_path ? q->unit_path : "");
    pp_int(&p, q->unit_id);
    pp_int(&p, q->after_at);
    pp_int(&p, q->after_ticket);
    pp_int(&p, q->after_seq);
    pp_int(&p, q->limit);
    pp_int(&p, q->after_unit);
    pp_int(&p, q->after_unit ? time_day_key(q->after_at) : 0);
    int rc;
    PGresult *r = pg_run(
        c, PQ_ASSESS_ITEMS,
        "SELECT f.ticket_id, f.seq, f.unit_id, f.received_at, t.number, t.title, t.status, "
        "u.code, " ASSESS_COLS " FROM assess_facts f "
        "JOIN tickets t ON t.id = f.ticket_id JOIN units u ON u.id = f.unit_id "
        "WHERE f.unit_id IN (SELECT id FROM units WHERE CASE WHEN $4::boolean THEN "
        "substr(path, 1, length($5::text)) = $5::text ELSE id = $6::bigint END) "
        "AND f.day BETWEEN $1 AND $2 AND (" ASSESS_MEASURE_CASE("$3::integer") ") > 0 "
        "AND (f.unit_id, f.day, f.received_at, f.ticket_id, f.seq) > "
        "($11::bigint, $12::integer, $7::bigint, $8::bigint, $9::integer) "
        "ORDER BY f.unit_id, f.day, f.received_at, f.ticket_id, f.seq LIMIT $10",
        &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r);
    struct assess_item *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    rc = a ? STORE_OK : STORE_NOMEM;
    int len = 0;
    for (; rc == STORE_OK && len < rows; len++) {
        struct assess_item *it = &a[len];
        int oom = 0;
        it->ticket_id = pg_col_int(r, len, 0);
        it->seq = (int)pg_col_int(r, len, 1);
        it->unit_id = pg_col_int(r, len, 2);
        it->received_at = pg_col_int(r, len, 3);
        const char *num = pg_col_str(r, len, 4);
        snprintf(it->number, sizeof it->number, "%s", num ? num : "");
        it->title = pg_col_text(r, len, 5, &oom);
        it->status = (enum ticket_status)col_enum(r, len, 6, status_parse);
        it->unit_code = pg_col_text(r, len, 7, &oom);
        for (int m = 0; m < AM__COUNT; m++)
            it->v[m] = (int)pg_col_int(r, len, 8 + m);
        if (oom)
            rc = STORE_NOMEM;
    }
    PQclear(r);
    if (rc != STORE_OK) {
        store_free_assess_items(a, (size_t)len);
        return rc;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_assess_weights_get(struct store_conn *c, struct assess_weights *w)
{
    *w = ASSESS_DEFAULT_WEIGHTS;
    int rc;
    PGresult *r = pg_run(c, PQ_ASSESS_WEIGHTS_GET,
                         "SELECT response, resolution, satisfaction, updated_at "
                         "FROM assess_weights WHERE id = 1",
                         NULL, &rc);
    if (!r)
        return rc;
    if (PQntuples(r)) {
        w->response = (int)pg_col_int(r, 0, 0);
        w->resolution = (int)pg_col_int(r, 0, 1);
        w->satisfaction = (int)pg_col_int(r, 0, 2);
        w->updated_at = pg_col_int(r, 0, 3);
    }
    PQclear(r);
    return STORE_OK;
}

int pg_store_assess_weights_put(struct store_conn *c, const struct assess_weights *w)
{
    struct pg_params p = {0};
    pp_int(&p, w->response);
    pp_int(&p, w->resolution);
    pp_int(&p, w->satisfaction);
    pp_int(&p, w->updated_at);
    return pg_exec(c, PQ_ASSESS_WEIGHTS_PUT,
                   "INSERT INTO assess_weights(id, response, resolution, satisfaction, updated_at) "
                   "VALUES(1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET "
                   "response = EXCLUDED.response, resolution = EXCLUDED.resolution, "
                   "satisfaction = EXCLUDED.satisfaction, updated_at = EXCLUDED.updated_at",
                   &p, NULL);
}
