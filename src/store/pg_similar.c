/*
 * pg_similar.c - candidate repeat requests in PostgreSQL (mirrors
 * sqlite_similar.c): the caller's phone in its window, and the category in
 * its window kept to the same area or the box around the point.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dedup.h"
#include "store/pg_int.h"

#define SIM_COLS                                                                               \
    "t.id, t.number, t.title, t.status, t.created_at, t.citizen_phone, t.category_id, "       \
    "t.unit_id, t.area, t.lat, t.lng, s.sketch"

static int read_row(PGresult *res, int row, struct similar_row *r)
{
    int oom = 0;
    memset(r, 0, sizeof *r);
    r->id = pg_col_int(res, row, 0);
    const char *num = pg_col_str(res, row, 1);
    if (num && strlen(num) == TICKET_NUMBER_LEN)
        memcpy(r->number, num, TICKET_NUMBER_LEN + 1);
    r->title = pg_col_text(res, row, 2, &oom);
    int s = status_parse(pg_col_str(res, row, 3));
    r->status = s < 0 ? ST_REGISTERED : (enum ticket_status)s;
    r->created_at = pg_col_int(res, row, 4);
    r->phone = pg_col_text(res, row, 5, &oom);
    r->category_id = pg_col_int(res, row, 6);
    r->unit_id = pg_col_int(res, row, 7);
    r->area = pg_col_text(res, row, 8, &oom);
    r->has_location = !PQgetisnull(res, row, 9);
    r->lat = pg_col_double(res, row, 9);
    r->lng = pg_col_double(res, row, 10);
    unsigned char buf[DEDUP_SKETCH_BYTES];
    size_t len = 0;
    r->has_sketch = pg_col_bytes(res, row, 11, buf, sizeof buf, &len) == 0 &&
                    dedup_sketch_decode(buf, len, &r->sketch) == 0;
    return oom ? STORE_NOMEM : STORE_OK;
}

struct rows {
    struct similar_row *a;
    size_t n, cap;
};

/* Appends the rows of r not already there; frees r. */
static int gather(PGresult *r, struct rows *rs)
{
    int rc = STORE_OK;
    for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
        int64_t id = pg_col_int(r, i, 0);
        bool dup = false;
        for (size_t k = 0; k < rs->n && !dup; k++)
            dup = rs->a[k].id == id;
        if (dup)
            continue;
        if (rs->n == rs->cap) {
            size_t ncap = rs->cap ? rs->cap * 2 : 16;
            struct similar_row *na = realloc(rs->a, ncap * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            rs->a = na;
            rs->cap = ncap;
        }
        rc = read_row(r, i, &rs->a[rs->n]);
        rs->n++;
    }
    PQclear(r);
    return rc;
}

int pg_store_similar_candidates(struct store_conn *c, const struct similar_query *q,
                                struct similar_row **out, size_t *n)
{
    struct rows rs = {0};
    int rc = STORE_OK;
    int limit = q->limit > 0 ? q->limit : 200;
    if (q->phone && *q->phone) {
        struct pg_params p = {0};
        pp_text(&p, q->phone);
        pp_int(&p, q->phone_from);
        pp_int(&p, q->phone_to);
        pp_int(&p, q->exclude_id);
        pp_int(&p, limit);
        PGresult *r = pg_run(
            c, PQ_SIM_PHONE,
            "SELECT " SIM_COLS " FROM tickets t LEFT JOIN ticket_sketch s ON s.ticket_id = t.id "
            "WHERE t.citizen_phone = $1 AND t.created_at BETWEEN $2 AND $3 AND t.id <> $4 "
            "AND t.status <> 'merged' ORDER BY t.created_at DESC LIMIT $5",
            &p, &rc);
        if (r)
            rc = gather(r, &rs);
    }
    bool has_area = q->area && *q->area;
    if (rc == STORE_OK && q->category_id && (has_area || q->has_box)) {
        struct pg_params p = {0};
        pp_int(&p, q->category_id);
        pp_int(&p, q->near_from);
        pp_int(&p, q->near_to);
        pp_int(&p, q->exclude_id);
        pp_text(&p, has_area ? q->area : NULL);
        pp_int(&p, q->has_box);
        pp_double(&p, q->lat0);
        pp_double(&p, q->lat1);
        pp_double(&p, q->lng0);
        pp_double(&p, q->lng1);
        pp_int(&p, limit);
        PGresult *r = pg_run(
            c, PQ_SIM_NEAR,
            "SELECT " SIM_COLS " FROM tickets t LEFT JOIN ticket_sketch s ON s.ticket_id = t.id "
            "WHERE t.category_id = $1 AND t.created_at BETWEEN $2 AND $3 AND t.id <> $4 "
            "AND t.status <> 'merged' AND (($5::text IS NOT NULL AND t.area = $5) OR "
            "($6::integer <> 0 AND t.lat BETWEEN $7 AND $8 AND t.lng BETWEEN $9 AND $10)) "
            "ORDER BY t.created_at DESC LIMIT $11",
            &p, &rc);
        if (r)
            rc = gather(r, &rs);
    }
    if (rc != STORE_OK) {
        store_free_similar(rs.a, rs.n);
        return rc;
    }
    *out = rs.a;
    *n = rs.n;
    return STORE_OK;
}
