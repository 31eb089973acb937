/*
 * sqlite_similar.c - candidate repeat requests: the rows core/dedup.c
 * scores. Two narrow reads, each on an index: the caller's phone in its
 * window (tickets_phone), and the category in its window (tickets_near)
 * kept to the same area or the box around the point.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

#define SIM_COLS                                                                                   \
    "t.id, t.number, t.title, t.status, t.created_at, t.citizen_phone, t.category_id, "            \
    "t.unit_id, t.area, t.lat, t.lng, s.sketch"

static int read_row(sqlite3_stmt *st, struct similar_row *r)
{
    int oom = 0;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    const char *num = (const char *)sqlite3_column_text(st, 1);
    if (num && strlen(num) == TICKET_NUMBER_LEN)
        memcpy(r->number, num, TICKET_NUMBER_LEN + 1);
    r->title = sq_col_text(st, 2, &oom);
    int s = status_parse((const char *)sqlite3_column_text(st, 3));
    r->status = s < 0 ? ST_REGISTERED : (enum ticket_status)s;
    r->created_at = sqlite3_column_int64(st, 4);
    r->phone = sq_col_text(st, 5, &oom);
    r->category_id = sq_col_id(st, 6);
    r->unit_id = sq_col_id(st, 7);
    r->area = sq_col_text(st, 8, &oom);
    r->has_location = sqlite3_column_type(st, 9) != SQLITE_NULL;
    r->lat = sqlite3_column_double(st, 9);
    r->lng = sqlite3_column_double(st, 10);
    r->has_sketch = dedup_sketch_decode(sqlite3_column_blob(st, 11),
                                        (size_t)sqlite3_column_bytes(st, 11), &r->sketch) == 0;
    return oom ? STORE_NOMEM : STORE_OK;
}

static void row_release(struct similar_row *r)
{
    free(r->title);
    free(r->phone);
    free(r->area);
}

void store_free_similar(struct similar_row *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        row_release(&a[i]);
    free(a);
}

struct rows {
    struct similar_row *a;
    size_t n, cap;
};

/* Appends the rows of st not already there. */
static int gather(struct store_conn *c, sqlite3_stmt *st, struct rows *rs)
{
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        bool dup = false;
        for (size_t i = 0; i < rs->n && !dup; i++)
            dup = rs->a[i].id == id;
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
        rc = read_row(st, &rs->a[rs->n]);
        rs->n++;
        if (rc != STORE_OK)
            break;
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "similar");
    sqlite3_reset(st);
    return rc;
}

/* Reads ticket id whole into rs unless it is there already or merged. */
static int fetch_one(struct store_conn *c, int64_t id, struct rows *rs)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SIM_ONE,
                               "SELECT " SIM_COLS " FROM tickets t LEFT JOIN ticket_sketch s ON "
                               "s.ticket_id = t.id WHERE t.id = ?1 AND t.status <> 'merged'");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return gather(c, st, rs);
}

/*
 * The place candidates: one category, its window, the same area or inside
 * the box, read from tickets_near and ticket_sketch alone; keep() picks
 * those worth reading whole.
 */
static int near_candidates(struct store_conn *c, const struct similar_query *q, int limit,
                           struct rows *rs)
{
    bool has_area = q->area && *q->area;
    sqlite3_stmt *st =
        sq_stmt(c, Q_SIM_NEAR,
                "SELECT t.id, t.created_at, t.area, t.lat, t.lng, s.sketch FROM tickets t "
                "INDEXED BY tickets_near LEFT JOIN ticket_sketch s ON s.ticket_id = t.id "
                "WHERE t.category_id = ?1 AND t.created_at BETWEEN ?2 AND ?3 AND t.id <> ?4 "
                "AND ((?5 IS NOT NULL AND t.area = ?5) OR (?6 AND t.lat BETWEEN ?7 AND ?8 AND "
                "t.lng BETWEEN ?9 AND ?10)) ORDER BY t.created_at DESC LIMIT ?11");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, q->category_id);
    sqlite3_bind_int64(st, 2, q->near_from);
    sqlite3_bind_int64(st, 3, q->near_to);
    sqlite3_bind_int64(st, 4, q->exclude_id);
    sq_bind_text(st, 5, has_area ? q->area : NULL);
    sqlite3_bind_int(st, 6, q->has_box);
    sqlite3_bind_double(st, 7, q->lat0);
    sqlite3_bind_double(st, 8, q->lat1);
    sqlite3_bind_double(st, 9, q->lng0);
    sqlite3_bind_double(st, 10, q->lng1);
    sqlite3_bind_int(st, 11, limit);
    /* Collect the ids to read first: the statement cache has one slot per id. */
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct similar_row part;
        int oom = 0;
        memset(&part, 0, sizeof part);
        part.id = sqlite3_column_int64(st, 0);
        part.created_at = sqlite3_column_int64(st, 1);
        part.category_id = q->category_id;
        part.area = sq_col_text(st, 2, &oom);
        part.has_location = sqlite3_column_type(st, 3) != SQLITE_NULL;
        part.lat = sqlite3_column_double(st, 3);
        part.lng = sqlite3_column_double(st, 4);
        part.has_sketch =
            dedup_sketch_decode(sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5),
                                &part.sketch) == 0;
        bool want = !oom && (!q->keep || q->keep(q->keep_ctx, &part));
        free(part.area);
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
        if (!want)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            int64_t *ni = realloc(ids, ncap * sizeof *ni);
            if (!ni) {
                rc = STORE_NOMEM;
                break;
            }
            ids = ni;
            cap = ncap;
        }
        ids[n++] = part.id;
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "similar near");
    sqlite3_reset(st);
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        rc = fetch_one(c, ids[i], rs);
    free(ids);
    return rc;
}

int store_similar_candidates(struct store_conn *c, const struct similar_query *q,
                             struct similar_row **out, size_t *n)
{
    struct rows rs = {0};
    int rc = STORE_OK;
    int limit = q->limit > 0 ? q->limit : 200;
    if (q->phone && *q->phone) {
        sqlite3_stmt *st = sq_stmt(
            c, Q_SIM_PHONE,
            "SELECT " SIM_COLS " FROM tickets t LEFT JOIN ticket_sketch s ON s.ticket_id = t.id "
            "WHERE t.citizen_phone = ?1 AND t.created_at BETWEEN ?2 AND ?3 AND t.id <> ?4 "
            "AND t.status <> 'merged' ORDER BY t.created_at DESC LIMIT ?5");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, q->phone, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, q->phone_from);
        sqlite3_bind_int64(st, 3, q->phone_to);
        sqlite3_bind_int64(st, 4, q->exclude_id);
        sqlite3_bind_int(st, 5, limit);
        rc = gather(c, st, &rs);
    }
    if (rc == STORE_OK && q->category_id && ((q->area && *q->area) || q->has_box))
        rc = near_candidates(c, q, limit * 8, &rs);
    if (rc != STORE_OK) {
        store_free_similar(rs.a, rs.n);
        return rc;
    }
    *out = rs.a;
    *n = rs.n;
    return STORE_OK;
}
