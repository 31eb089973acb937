/*
 * pg_audit.c - the audit log in PostgreSQL (mirrors sqlite_audit.c): append,
 * walk, list. The hashes are bytea; results come back as text, so they are
 * decoded from PostgreSQL's hex form ("\x00ff...").
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

#define AUDIT_COLS "seq, at, actor_id, actor, action, object_type, object_id, detail, prev_hash, hash"

/* A 32-byte bytea column; anything else reads as zeros (the CHECK prevents it). */
static void col_hash(PGresult *r, int row, int col, uint8_t out[32])
{
    size_t len = 0;
    if (pg_col_bytes(r, row, col, out, 32, &len) != 0 || len != 32)
        memset(out, 0, 32);
}

static int read_row(PGresult *res, int row, struct audit_row *r)
{
    int oom = 0;
    memset(r, 0, sizeof *r);
    r->seq = pg_col_int(res, row, 0);
    r->at = pg_col_int(res, row, 1);
    r->actor_id = pg_col_int(res, row, 2);
    r->actor = pg_col_text(res, row, 3, &oom);
    r->action = pg_col_text(res, row, 4, &oom);
    r->object_type = pg_col_text(res, row, 5, &oom);
    r->object_id = pg_col_int(res, row, 6);
    r->detail = pg_col_text(res, row, 7, &oom);
    col_hash(res, row, 8, r->prev_hash);
    col_hash(res, row, 9, r->hash);
    if (oom) {
        audit_row_release(r);
        return STORE_NOMEM;
    }
    return STORE_OK;
}

int pg_store_audit_head(struct store_conn *c, int64_t *seq, uint8_t hash[32])
{
    *seq = 0;
    memset(hash, 0, 32);
    int rc;
    /* FOR UPDATE in a write transaction: appends queue up behind one another. */
    PGresult *r = c->depth > 0 && c->write
                      ? pg_run(c, PQ_AUDIT_HEAD,
                               "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", NULL,
                               &rc)
                      : pg_run(c, PQ_AUDIT_HEAD_READ, "SELECT seq, hash FROM audit_head WHERE id = 1",
                               NULL, &rc);
    if (!r)
        return rc;
    if (PQntuples(r)) {
        *seq = pg_col_int(r, 0, 0);
        col_hash(r, 0, 1, hash);
    }
    PQclear(r);
    return STORE_OK;
}

int pg_store_audit_append(struct store_conn *c, const struct audit_row *row)
{
    struct pg_params p = {0};
    pp_int(&p, row->seq);
    pp_int(&p, row->at);
    pp_id(&p, row->actor_id);
    pp_text(&p, row->actor);
    pp_text(&p, row->action);
    pp_text(&p, row->object_type);
    pp_id(&p, row->object_id);
    pp_text(&p, row->detail ? row->detail : "{}");
    pp_bytes(&p, row->prev_hash, 32);
    pp_bytes(&p, row->hash, 32);
    int rc = pg_exec(c, PQ_AUDIT_APPEND,
                     "INSERT INTO audit_log(" AUDIT_COLS
                     ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                     &p, NULL);
    if (rc != STORE_OK)
        return rc;
    struct pg_params h = {0};
    pp_int(&h, row->seq);
    pp_bytes(&h, row->hash, 32);
    int64_t changed = 0;
    rc = pg_exec(c, PQ_AUDIT_MOVE_HEAD,
                 "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $1 - 1", &h,
                 &changed);
    if (rc == STORE_OK && changed != 1)
        rc = STORE_CONFLICT; /* defensive: the head was read locked in this transaction */
    return rc;
}

int pg_store_audit_each(struct store_conn *c, int (*fn)(const struct audit_row *row, void *ctx),
                        void *ctx)
{
    int rc = pg_store_begin(c, false);
    if (rc != STORE_OK)
        return rc;
    PGresult *r =
        pg_run(c, PQ_AUDIT_ALL, "SELECT " AUDIT_COLS " FROM audit_log ORDER BY seq", NULL, &rc);
    for (int i = 0; r && rc == STORE_OK && i < PQntuples(r); i++) {
        struct audit_row row;
        rc = read_row(r, i, &row);
        if (rc != STORE_OK)
            break;
        int stop = fn(&row, ctx);
        audit_row_release(&row);
        if (stop)
            break;
    }
    PQclear(r);
    pg_store_rollback(c); /* read only: nothing to keep */
    return rc;
}

int pg_store_audit_list(struct store_conn *c, int64_t before, int limit, struct audit_row **out,
                        size_t *n)
{
    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > 1000)
        return STORE_INVALID;
    struct pg_params p = {0};
    pp_int(&p, before);
    pp_int(&p, limit);
    int rc;
    PGresult *r = pg_run(c, PQ_AUDIT_LIST,
                         "SELECT " AUDIT_COLS " FROM audit_log WHERE $1::bigint = 0 OR seq < $1 "
                         "ORDER BY seq DESC LIMIT $2",
                         &p, &rc);
    if (!r)
        return rc;
    struct audit_row *a = calloc((size_t)limit, sizeof *a);
    rc = a ? STORE_OK : STORE_NOMEM;
    size_t len = 0;
    for (int i = 0; rc == STORE_OK && i < PQntuples(r) && i < limit; i++) {
        rc = read_row(r, i, &a[len]);
        if (rc == STORE_OK)
            len++;
    }
    PQclear(r);
    if (rc != STORE_OK) {
        store_free_audit(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}
