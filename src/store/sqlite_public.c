/*
 * sqlite_public.c - what the public endpoints read (the ticket list that
 * Open311 shows) and the admin's view of API keys.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* sqlite_tickets.c: reads TICKET_COLS starting at column 1. */
int sq_read_ticket_row(sqlite3_stmt *st, struct ticket *t);

void store_free_public(struct ticket *t, struct ticket_open311 *extras, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t)
            ticket_release(&t[i]);
        if (extras)
            ticket_open311_release(&extras[i]);
    }
    free(t);
    free(extras);
}

int store_public_ticket_list(struct store_conn *c, const struct public_filter *f,
                             struct ticket **out, struct ticket_open311 **extras, size_t *n)
{
    /* The range on created_at walks tickets_created; every value is bound. */
    sqlite3_stmt *st = sq_stmt(
        c, Q_PUBLIC_LIST,
        "SELECT t.created_at, " TICKET_COLS ", o.email, o.address_id, o.media_url "
        "FROM tickets t LEFT JOIN ticket_open311 o ON o.ticket_id = t.id "
        "WHERE t.created_at BETWEEN ?2 AND ?3 AND t.type <> 'report' AND t.confidential = 0 "
        "AND (?1 IS NULL OR t.category_id = ?1) "
        "AND (?4 = 0 OR (?4 = 1) = (t.status NOT IN ('closed', 'merged'))) "
        "ORDER BY t.created_at DESC, t.id DESC LIMIT ?5 OFFSET ?6");
    if (!st)
        return STORE_ERROR;
    sq_bind_id(st, 1, f->category_id);
    sqlite3_bind_int64(st, 2, f->from);
    sqlite3_bind_int64(st, 3, f->to);
    sqlite3_bind_int(st, 4, f->status);
    sqlite3_bind_int(st, 5, f->limit);
    sqlite3_bind_int64(st, 6, f->offset);
    int x = sqlite3_column_count(st) - 3; /* the first extra column */
    size_t len = 0, cap = 0;
    struct ticket *t = NULL;
    struct ticket_open311 *o = NULL;
    int rc = STORE_OK, src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            struct ticket *nt = realloc(t, ncap * sizeof *nt);
            if (nt)
                t = nt;
            struct ticket_open311 *no = realloc(o, ncap * sizeof *no);
            if (no)
                o = no;
            if (!nt || !no) {
                rc = STORE_NOMEM;
                break;
            }
            cap = ncap;
        }
        memset(&o[len], 0, sizeof o[len]);
        rc = sq_read_ticket_row(st, &t[len]);
        o[len].ticket_id = t[len].id;
        o[len].email = sq_col_text(st, x, &oom);
        o[len].address_id = sq_col_text(st, x + 1, &oom);
        o[len].media_url = sq_col_text(st, x + 2, &oom);
        len++;
        if (rc == STORE_OK && oom)
            rc = STORE_NOMEM;
        if (rc != STORE_OK)
            break;
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "public list");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        store_free_public(t, o, len);
        return rc;
    }
    *out = t;
    *extras = o;
    *n = len;
    return STORE_OK;
}

/* ---- API keys ---- */

int store_apikey_list(struct store_conn *c, struct api_key_info **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_APIKEY_LIST,
                               "SELECT id, name, active, created_at, revoked_at, last_used_at "
                               "FROM api_keys ORDER BY id");
    if (!st)
        return STORE_ERROR;
    struct api_key_info *a = NULL;
    size_t len = 0, cap = 0;
    int rc = STORE_OK, src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct api_key_info *na = realloc(a, ncap * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            a = na;
            cap = ncap;
        }
        struct api_key_info *k = &a[len++];
        memset(k, 0, sizeof *k);
        k->id = sqlite3_column_int64(st, 0);
        k->name = sq_col_text(st, 1, &oom);
        k->active = sqlite3_column_int(st, 2) != 0;
        k->created_at = sqlite3_column_int64(st, 3);
        k->revoked_at = sq_col_id(st, 4);
        k->last_used_at = sq_col_id(st, 5);
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "apikey list");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        api_key_infos_free(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_apikey_revoke(struct store_conn *c, int64_t id, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(c, Q_APIKEY_REVOKE,
                               "UPDATE api_keys SET active = 0, "
                               "revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    int rc = sq_exec(c, st, "apikey revoke");
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        rc = STORE_NOTFOUND;
    return rc;
}

int store_apikey_touch(struct store_conn *c, int64_t id, int64_t now)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_APIKEY_TOUCH, "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return sq_exec(c, st, "apikey touch");
}
