/*
 * pg_public.c - what the public endpoints read (the ticket list Open311
 * shows) and the admin's view of API keys, in PostgreSQL; mirrors
 * sqlite_public.c.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

int pg_store_public_ticket_list(struct store_conn *c, const struct public_filter *f,
                                struct ticket **out, struct ticket_open311 **extras, size_t *n)
{
    struct pg_params p = {0};
    pp_id(&p, f->category_id);
    pp_int(&p, f->from);
    pp_int(&p, f->to);
    pp_int(&p, f->status);
    pp_int(&p, f->limit);
    pp_int(&p, f->offset);
    int rc;
    PGresult *r = pg_run(
        c, PQ_PUBLIC_LIST,
        "SELECT t.created_at, " TICKET_COLS_PG ", o.email, o.address_id, o.media_url "
        "FROM tickets t LEFT JOIN ticket_open311 o ON o.ticket_id = t.id "
        "WHERE t.created_at BETWEEN $2 AND $3 AND t.type <> 'report' AND t.confidential = 0 "
        "AND ($1::bigint IS NULL OR t.category_id = $1) "
        "AND ($4::integer = 0 OR ($4::integer = 1) = (t.status NOT IN ('closed', 'merged'))) "
        "ORDER BY t.created_at DESC, t.id DESC LIMIT $5 OFFSET $6",
        &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), x = PQnfields(r) - 3, len = 0, oom = 0;
    struct ticket *t = calloc(rows ? (size_t)rows : 1, sizeof *t);
    struct ticket_open311 *o = calloc(rows ? (size_t)rows : 1, sizeof *o);
    rc = t && o ? STORE_OK : STORE_NOMEM;
    for (; rc == STORE_OK && len < rows; len++) {
        rc = pg_read_ticket(r, len, 1, &t[len]);
        o[len].ticket_id = t[len].id;
        o[len].email = pg_col_text(r, len, x, &oom);
        o[len].address_id = pg_col_text(r, len, x + 1, &oom);
        o[len].media_url = pg_col_text(r, len, x + 2, &oom);
        if (rc == STORE_OK && oom)
            rc = STORE_NOMEM;
    }
    PQclear(r);
    if (rc != STORE_OK) {
        store_free_public(t, o, (size_t)len);
        return rc;
    }
    *out = t;
    *extras = o;
    *n = (size_t)rows;
    return STORE_OK;
}

/* ---- API keys ---- */

int pg_store_apikey_list(struct store_conn *c, struct api_key_info **out, size_t *n)
{
    int rc;
    PGresult *r = pg_run(c, PQ_APIKEY_LIST,
                         "SELECT id, name, active, created_at, revoked_at, last_used_at "
                         "FROM api_keys ORDER BY id",
                         NULL, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), oom = 0;
    struct api_key_info *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    if (!a) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        struct api_key_info *k = &a[i];
        k->id = pg_col_int(r, i, 0);
        k->name = pg_col_text(r, i, 1, &oom);
        k->active = pg_col_int(r, i, 2) != 0;
        k->created_at = pg_col_int(r, i, 3);
        k->revoked_at = pg_col_int(r, i, 4);
        k->last_used_at = pg_col_int(r, i, 5);
    }
    PQclear(r);
    if (oom) {
        api_key_infos_free(a, (size_t)rows);
        return STORE_NOMEM;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_apikey_revoke(struct store_conn *c, int64_t id, int64_t now)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    pp_int(&p, now);
    int64_t changed = 0;
    int rc = pg_exec(c, PQ_APIKEY_REVOKE,
                     "UPDATE api_keys SET active = 0, revoked_at = COALESCE(revoked_at, $2) "
                     "WHERE id = $1",
                     &p, &changed);
    if (rc == STORE_OK && changed == 0)
        rc = STORE_NOTFOUND;
    return rc;
}

int pg_store_apikey_touch(struct store_conn *c, int64_t id, int64_t now)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    pp_int(&p, now);
    return pg_exec(c, PQ_APIKEY_TOUCH, "UPDATE api_keys SET last_used_at = $2 WHERE id = $1", &p,
                   NULL);
}
