/*
 * pg_users.c - users, sessions and API keys in PostgreSQL. The statements
 * mirror sqlite_org.c; token and key hashes are bytea, sent as binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "store/pg_int.h"

#define USER_COLS                                                                               \
    "u.id, u.username, u.name, u.role, u.unit_id, u.active, u.created_at, u.updated_at, "      \
    "un.path"

static int read_user(PGresult *r, int row, struct user *u)
{
    memset(u, 0, sizeof *u);
    int oom = 0;
    u->id = pg_col_int(r, row, 0);
    u->username = pg_col_text(r, row, 1, &oom);
    u->name = pg_col_text(r, row, 2, &oom);
    int role = role_parse(pg_col_str(r, row, 3));
    u->role = role > 0 ? (enum role)role : 0;
    u->unit_id = pg_col_int(r, row, 4);
    u->active = pg_col_int(r, row, 5) != 0;
    u->created_at = pg_col_int(r, row, 6);
    u->updated_at = pg_col_int(r, row, 7);
    u->unit_path = pg_col_text(r, row, 8, &oom);
    if (PQnfields(r) > 9)
        u->password_hash = pg_col_text(r, row, 9, &oom);
    if (oom) {
        user_release(u);
        return STORE_NOMEM;
    }
    return STORE_OK;
}

/* The first row into *out, STORE_NOTFOUND without one; frees r. */
static int one_user(PGresult *r, struct user *out)
{
    int rc = PQntuples(r) > 0 ? read_user(r, 0, out) : STORE_NOTFOUND;
    PQclear(r);
    return rc;
}

int pg_store_user_insert(struct store_conn *c, struct user *u)
{
    int64_t now = time_now_ms();
    struct pg_params p = {0};
    pp_text(&p, u->username);
    pp_text(&p, u->name ? u->name : u->username);
    pp_text(&p, role_name(u->role));
    pp_id(&p, u->unit_id);
    pp_int(&p, u->active);
    pp_text(&p, u->password_hash);
    pp_int(&p, now);
    int rc;
    PGresult *r = pg_run(c, PQ_USER_INSERT,
                         "INSERT INTO users(username, name, role, unit_id, active, password_hash, "
                         "created_at, updated_at) VALUES($1, $2, $3, $4, $5, $6, $7, $7) "
                         "RETURNING id",
                         &p, &rc);
    if (!r)
        return rc;
    u->id = pg_col_int(r, 0, 0);
    u->created_at = u->updated_at = now;
    PQclear(r);
    return STORE_OK;
}

int pg_store_user_update(struct store_conn *c, const struct user *u)
{
    struct pg_params p = {0};
    pp_int(&p, u->id);
    pp_text(&p, u->name);
    pp_text(&p, role_name(u->role));
    pp_id(&p, u->unit_id);
    pp_int(&p, u->active);
    pp_int(&p, time_now_ms());
    int64_t changed = 0;
    int rc = pg_exec(c, PQ_USER_UPDATE,
                     "UPDATE users SET name = $2, role = $3, unit_id = $4, active = $5, "
                     "updated_at = $6 WHERE id = $1",
                     &p, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed == 0)
        return STORE_NOTFOUND;
    if (!u->password_hash)
        return STORE_OK;
    struct pg_params w = {0};
    pp_int(&w, u->id);
    pp_text(&w, u->password_hash);
    return pg_exec(c, PQ_USER_UPDATE_PW, "UPDATE users SET password_hash = $2 WHERE id = $1", &w,
                   NULL);
}

int pg_store_user_get(struct store_conn *c, int64_t id, struct user *out)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r = pg_run(c, PQ_USER_GET,
                         "SELECT " USER_COLS " FROM users u LEFT JOIN units un "
                         "ON un.id = u.unit_id WHERE u.id = $1",
                         &p, &rc);
    return r ? one_user(r, out) : rc;
}

int pg_store_user_get_by_username(struct store_conn *c, const char *username, struct user *out)
{
    struct pg_params p = {0};
    pp_text(&p, username);
    int rc;
    PGresult *r = pg_run(c, PQ_USER_GET_NAME,
                         "SELECT " USER_COLS ", u.password_hash FROM users u "
                         "LEFT JOIN units un ON un.id = u.unit_id WHERE u.username = $1",
                         &p, &rc);
    return r ? one_user(r, out) : rc;
}

int pg_store_user_list(struct store_conn *c, struct user **out, size_t *n)
{
    int rc;
    PGresult *r = pg_run(c, PQ_USER_LIST,
                         "SELECT " USER_COLS " FROM users u LEFT JOIN units un "
                         "ON un.id = u.unit_id ORDER BY u.id",
                         NULL, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r);
    struct user *arr = calloc(rows ? (size_t)rows : 1, sizeof *arr);
    rc = arr ? STORE_OK : STORE_NOMEM;
    int i = 0;
    for (; rc == STORE_OK && i < rows; i++)
        rc = read_user(r, i, &arr[i]);
    PQclear(r);
    if (rc != STORE_OK) {
        if (arr)
            store_free_users(arr, (size_t)(i > 0 ? i - 1 : 0));
        return rc;
    }
    *out = arr;
    *n = (size_t)rows;
    return STORE_OK;
}

/* ---- sessions and API keys ---- */

int pg_store_session_insert(struct store_conn *c, const uint8_t hash[32], int64_t user_id,
                            int64_t created_at, int64_t expires_at)
{
    struct pg_params p = {0};
    pp_bytes(&p, hash, 32);
    pp_int(&p, user_id);
    pp_int(&p, created_at);
    pp_int(&p, expires_at);
    return pg_exec(c, PQ_SESSION_INSERT,
                   "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
                   "VALUES($1, $2, $3, $4)",
                   &p, NULL);
}

int pg_store_session_user(struct store_conn *c, const uint8_t hash[32], int64_t now,
                          struct user *out)
{
    struct pg_params p = {0};
    pp_bytes(&p, hash, 32);
    pp_int(&p, now);
    int rc;
    PGresult *r = pg_run(c, PQ_SESSION_USER,
                         "SELECT " USER_COLS " FROM sessions s JOIN users u ON u.id = s.user_id "
                         "LEFT JOIN units un ON un.id = u.unit_id "
                         "WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
                         &p, &rc);
    return r ? one_user(r, out) : rc;
}

int pg_store_session_delete(struct store_conn *c, const uint8_t hash[32])
{
    struct pg_params p = {0};
    pp_bytes(&p, hash, 32);
    return pg_exec(c, PQ_SESSION_DELETE, "DELETE FROM sessions WHERE token_hash = $1", &p, NULL);
}

int pg_store_session_delete_user(struct store_conn *c, int64_t user_id)
{
    struct pg_params p = {0};
    pp_int(&p, user_id);
    return pg_exec(c, PQ_SESSION_DELETE_USER, "DELETE FROM sessions WHERE user_id = $1", &p,
                   NULL);
}

int pg_store_session_purge_expired(struct store_conn *c, int64_t now)
{
    struct pg_params p = {0};
    pp_int(&p, now);
    return pg_exec(c, PQ_SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= $1", &p, NULL);
}

int pg_store_apikey_insert(struct store_conn *c, const char *name, const uint8_t hash[32],
                           int64_t created_at, int64_t *id)
{
    struct pg_params p = {0};
    pp_text(&p, name);
    pp_bytes(&p, hash, 32);
    pp_int(&p, created_at);
    int rc;
    PGresult *r = pg_run(c, PQ_APIKEY_INSERT,
                         "INSERT INTO api_keys(name, key_hash, created_at) VALUES($1, $2, $3) "
                         "RETURNING id",
                         &p, &rc);
    if (!r)
        return rc;
    if (id)
        *id = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

int pg_store_apikey_lookup(struct store_conn *c, const uint8_t hash[32], int64_t *id, char **name)
{
    struct pg_params p = {0};
    pp_bytes(&p, hash, 32);
    int rc;
    PGresult *r = pg_run(c, PQ_APIKEY_LOOKUP,
                         "SELECT id, name FROM api_keys WHERE key_hash = $1 AND active = 1", &p,
                         &rc);
    if (!r)
        return rc;
    rc = STORE_NOTFOUND;
    if (PQntuples(r) > 0) {
        int oom = 0;
        *id = pg_col_int(r, 0, 0);
        if (name)
            *name = pg_col_text(r, 0, 1, &oom);
        rc = oom ? STORE_NOMEM : STORE_OK;
    }
    PQclear(r);
    return rc;
}
