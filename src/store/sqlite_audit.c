/*
 * sqlite_audit.c - the audit log in SQLite: append, walk, list.
 *
 * Audit rows are written a few times a day (admin changes), so the
 * statements here are prepared per call rather than cached per connection.
 * The store keeps the hashes it is given; it never computes one.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

#define AUDIT_COLS "seq, at, actor_id, actor, action, object_type, object_id, detail, prev_hash, hash"

void audit_row_release(struct audit_row *r)
{
    if (!r)
        return;
    free(r->actor);
    free(r->action);
    free(r->object_type);
    free(r->detail);
    memset(r, 0, sizeof *r);
}

void store_free_audit(struct audit_row *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        audit_row_release(&a[i]);
    free(a);
}

/* Copies a 32-byte blob column; a column of another size reads as zeros (the
   CHECK constraint makes that impossible short of editing the schema). */
static void col_hash(sqlite3_stmt *st, int i, uint8_t out[32])
{
    const void *b = sqlite3_column_blob(st, i);
    if (b && sqlite3_column_bytes(st, i) == 32)
        memcpy(out, b, 32);
    else
        memset(out, 0, 32);
}

/* Reads the current row of st (AUDIT_COLS) into r; STORE_NOMEM on OOM. */
static int read_row(sqlite3_stmt *st, struct audit_row *r)
{
    int oom = 0;
    memset(r, 0, sizeof *r);
    r->seq = sqlite3_column_int64(st, 0);
    r->at = sqlite3_column_int64(st, 1);
    r->actor_id = sq_col_id(st, 2);
    r->actor = sq_col_text(st, 3, &oom);
    r->action = sq_col_text(st, 4, &oom);
    r->object_type = sq_col_text(st, 5, &oom);
    r->object_id = sq_col_id(st, 6);
    r->detail = sq_col_text(st, 7, &oom);
    col_hash(st, 8, r->prev_hash);
    col_hash(st, 9, r->hash);
    if (oom) {
        audit_row_release(r);
        return STORE_NOMEM;
    }
    return STORE_OK;
}

int store_audit_head(struct store_conn *c, int64_t *seq, uint8_t hash[32])
{
    *seq = 0;
    memset(hash, 0, 32);
    sqlite3_stmt *st = sq_prepare(c, "SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    int src = sqlite3_step(st);
    int rc = STORE_OK;
    if (src == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        col_hash(st, 1, hash);
    } else if (src != SQLITE_DONE) {
        rc = sq_rc(c, src, "audit head");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_audit_append(struct store_conn *c, const struct audit_row *row)
{
    sqlite3_stmt *st = sq_prepare(c, "INSERT INTO audit_log(" AUDIT_COLS
                                     ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, row->seq);
    sqlite3_bind_int64(st, 2, row->at);
    sq_bind_id(st, 3, row->actor_id);
    sq_bind_text(st, 4, row->actor);
    sq_bind_text(st, 5, row->action);
    sq_bind_text(st, 6, row->object_type);
    sq_bind_id(st, 7, row->object_id);
    sq_bind_text(st, 8, row->detail ? row->detail : "{}");
    sqlite3_bind_blob(st, 9, row->prev_hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, row->hash, 32, SQLITE_STATIC);
    int rc = sq_exec(c, st, "audit insert");
    sqlite3_finalize(st);
    if (rc != STORE_OK)
        return rc;
    st = sq_prepare(c, "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1 AND seq = ?1 - 1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, row->seq);
    sqlite3_bind_blob(st, 2, row->hash, 32, SQLITE_STATIC);
    rc = sq_exec(c, st, "audit head");
    /* defensive: the caller read the head in this transaction, so it cannot have moved */
    if (rc == STORE_OK && sqlite3_changes(c->db) != 1)
        rc = STORE_CONFLICT;
    sqlite3_finalize(st);
    return rc;
}

int store_audit_each(struct store_conn *c, int (*fn)(const struct audit_row *row, void *ctx),
                     void *ctx)
{
    int rc = store_begin(c, false);
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *st = sq_prepare(c, "SELECT " AUDIT_COLS " FROM audit_log ORDER BY seq");
    if (!st) {
        store_rollback(c);
        return STORE_ERROR;
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit_row r;
        rc = read_row(st, &r);
        if (rc != STORE_OK)
            break;
        int stop = fn(&r, ctx);
        audit_row_release(&r);
        if (stop)
            break;
    }
    if (rc == STORE_OK && src != SQLITE_ROW && src != SQLITE_DONE)
        rc = sq_rc(c, src, "audit walk");
    sqlite3_finalize(st);
    store_rollback(c); /* read only: nothing to keep */
    return rc;
}

int store_audit_list(struct store_conn *c, int64_t before, int limit, struct audit_row **out,
                     size_t *n)
{
    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > 1000)
        return STORE_INVALID;
    sqlite3_stmt *st = sq_prepare(c, "SELECT " AUDIT_COLS " FROM audit_log "
                                     "WHERE ?1 = 0 OR seq < ?1 ORDER BY seq DESC LIMIT ?2");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, before);
    sqlite3_bind_int(st, 2, limit);
    struct audit_row *a = calloc((size_t)limit, sizeof *a);
    int rc = a ? STORE_OK : STORE_NOMEM;
    size_t len = 0;
    int src = SQLITE_DONE;
    while (rc == STORE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        rc = read_row(st, &a[len]);
        if (rc == STORE_OK)
            len++;
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "audit list");
    sqlite3_finalize(st);
    if (rc != STORE_OK) {
        store_free_audit(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}
