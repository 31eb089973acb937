/*
 * sqlite_org.c - the organisation in SQLite: units, categories, users,
 * sessions and API keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "store/sqlite_int.h"
#include "store/common.h"

/* Appends each row of `st` to a growing array via `read`; frees on failure. */
typedef int (*row_reader)(sqlite3_stmt *st, void *rec);

static int read_all(struct store_conn *c, sqlite3_stmt *st, size_t recsize, row_reader read,
                    void (*release)(void *), void **out, size_t *n)
{
    size_t cap = 0, len = 0;
    char *arr = NULL;
    int rc = STORE_OK, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char *na = realloc(arr, ncap * recsize);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            arr = na;
            cap = ncap;
        }
        memset(arr + len * recsize, 0, recsize);
        rc = read(st, arr + len * recsize);
        len++;
        if (rc != STORE_OK)
            break;
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "list");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        for (size_t i = 0; i < len; i++)
            release(arr + i * recsize);
        free(arr);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

/* Steps a single-row SELECT into rec via read. */
static int read_one(struct store_conn *c, sqlite3_stmt *st, row_reader read, void *rec)
{
    int src = sqlite3_step(st);
    int rc;
    if (src == SQLITE_ROW)
        rc = read(st, rec);
    else if (src == SQLITE_DONE)
        rc = STORE_NOTFOUND;
    else
        rc = sq_rc(c, src, "get");
    sqlite3_reset(st);
    return rc;
}

/* ---- units ---- */

#define UNIT_COLS "id, code, name, kind, parent_id, active, path, created_at, updated_at"

static int read_unit(sqlite3_stmt *st, void *rec)
{
    struct unit *u = rec;
    memset(u, 0, sizeof *u);
    int oom = 0;
    u->id = sqlite3_column_int64(st, 0);
    u->code = sq_col_text(st, 1, &oom);
    u->name = sq_col_text(st, 2, &oom);
    u->kind = unit_kind_parse((const char *)sqlite3_column_text(st, 3));
    u->parent_id = sq_col_id(st, 4);
    u->active = sqlite3_column_int(st, 5) != 0;
    u->path = sq_col_text(st, 6, &oom);
    u->created_at = sqlite3_column_int64(st, 7);
    u->updated_at = sqlite3_column_int64(st, 8);
    return oom ? STORE_NOMEM : STORE_OK;
}

static void release_unit(void *rec) { unit_release(rec); }


int store_unit_insert(struct store_conn *c, struct unit *u)
{
    char ppath[512];
    int rc = store_parent_path(c, u->parent_id, ppath, sizeof ppath);
    if (rc != STORE_OK)
        return rc;
    int64_t now = time_now_ms();
    sqlite3_stmt *st = sq_stmt(c, Q_UNIT_INSERT,
                               "INSERT INTO units(code, name, kind, parent_id, active, path, "
                               "created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, '', ?6, ?6)");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, u->code);
    sq_bind_text(st, 2, u->name);
    sq_bind_text(st, 3, unit_kind_name(u->kind));
    sq_bind_id(st, 4, u->parent_id);
    sqlite3_bind_int(st, 5, u->active);
    sqlite3_bind_int64(st, 6, now);
    rc = sq_exec(c, st, "unit insert");
    if (rc != STORE_OK)
        return rc;
    u->id = sqlite3_last_insert_rowid(c->db);
    char path[600];
    snprintf(path, sizeof path, "%s%lld/", ppath, (long long)u->id);
    free(u->path);
    u->path = strdup(path);
    if (!u->path)
        return STORE_NOMEM;
    st = sq_stmt(c, Q_UNIT_SET_PATH, "UPDATE units SET path = ?2 WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, u->id);
    sq_bind_text(st, 2, u->path);
    u->created_at = u->updated_at = now;
    return sq_exec(c, st, "unit path");
}

int store_unit_update(struct store_conn *c, struct unit *u)
{
    struct unit old = {0};
    int rc = store_unit_get(c, u->id, &old);
    if (rc != STORE_OK)
        return rc;
    char ppath[512], path[600];
    rc = store_parent_path(c, u->parent_id, ppath, sizeof ppath);
    if (rc != STORE_OK)
        goto done;
    snprintf(path, sizeof path, "%s%lld/", ppath, (long long)u->id);
    /* A unit cannot move below itself: the caller checks, this is the backstop. */
    if (unit_path_within(ppath, old.path)) {
        rc = STORE_INVALID;
        goto done;
    }
    int64_t now = time_now_ms();
    sqlite3_stmt *st = sq_stmt(c, Q_UNIT_UPDATE,
                               "UPDATE units SET code = ?2, name = ?3, kind = ?4, parent_id = ?5, "
                               "active = ?6, updated_at = ?7 WHERE id = ?1");
    if (!st) {
        rc = STORE_ERROR;
        goto done;
    }
    sqlite3_bind_int64(st, 1, u->id);
    sq_bind_text(st, 2, u->code);
    sq_bind_text(st, 3, u->name);
    sq_bind_text(st, 4, unit_kind_name(u->kind));
    sq_bind_id(st, 5, u->parent_id);
    sqlite3_bind_int(st, 6, u->active);
    sqlite3_bind_int64(st, 7, now);
    rc = sq_exec(c, st, "unit update");
    if (rc != STORE_OK || strcmp(path, old.path) == 0)
        goto done;
    /* Re-root the subtree: every path starting with the old one. */
    st = sq_stmt(c, Q_UNIT_MOVE_SUBTREE,
                 "UPDATE units SET path = ?2 || substr(path, length(?1) + 1) "
                 "WHERE substr(path, 1, length(?1)) = ?1");
    if (!st) {
        rc = STORE_ERROR;
        goto done;
    }
    sq_bind_text(st, 1, old.path);
    sq_bind_text(st, 2, path);
    rc = sq_exec(c, st, "unit move");
done:
    unit_release(&old);
    return rc;
}

int store_unit_get(struct store_conn *c, int64_t id, struct unit *out)
{
    sqlite3_stmt *st = sq_stmt(c, Q_UNIT_GET, "SELECT " UNIT_COLS " FROM units WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return read_one(c, st, read_unit, out);
}

int store_unit_get_by_code(struct store_conn *c, const char *code, struct unit *out)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_UNIT_GET_CODE, "SELECT " UNIT_COLS " FROM units WHERE code = ?1");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, code);
    return read_one(c, st, read_unit, out);
}

int store_unit_child_count(struct store_conn *c, int64_t id, int64_t *n)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_UNIT_CHILDREN, "SELECT count(*) FROM units WHERE parent_id = ?1 AND active = 1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    *n = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int rc = src == SQLITE_ROW ? STORE_OK : sq_rc(c, src, "unit children");
    sqlite3_reset(st);
    return rc;
}

int store_unit_list(struct store_conn *c, struct unit **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_UNIT_LIST, "SELECT " UNIT_COLS " FROM units ORDER BY path");
    if (!st)
        return STORE_ERROR;
    return read_all(c, st, sizeof **out, read_unit, release_unit, (void **)out, n);
}

void store_free_units(struct unit *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        unit_release(&a[i]);
    free(a);
}

/* ---- categories ---- */

#define CAT_COLS "id, code, name, parent_id, default_unit_id, depth, active, created_at, updated_at"

static int read_category(sqlite3_stmt *st, void *rec)
{
    struct category *k = rec;
    memset(k, 0, sizeof *k);
    int oom = 0;
    k->id = sqlite3_column_int64(st, 0);
    k->code = sq_col_text(st, 1, &oom);
    k->name = sq_col_text(st, 2, &oom);
    k->parent_id = sq_col_id(st, 3);
    k->default_unit_id = sq_col_id(st, 4);
    k->depth = sqlite3_column_int(st, 5);
    k->active = sqlite3_column_int(st, 6) != 0;
    k->created_at = sqlite3_column_int64(st, 7);
    k->updated_at = sqlite3_column_int64(st, 8);
    return oom ? STORE_NOMEM : STORE_OK;
}

static void release_category(void *rec) { category_release(rec); }


int store_category_insert(struct store_conn *c, struct category *k)
{
    int rc = store_depth_under(c, k->parent_id, &k->depth);
    if (rc != STORE_OK)
        return rc;
    int64_t now = time_now_ms();
    sqlite3_stmt *st = sq_stmt(c, Q_CAT_INSERT,
                               "INSERT INTO categories(code, name, parent_id, default_unit_id, "
                               "depth, active, created_at, updated_at) "
                               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, k->code);
    sq_bind_text(st, 2, k->name);
    sq_bind_id(st, 3, k->parent_id);
    sq_bind_id(st, 4, k->default_unit_id);
    sqlite3_bind_int(st, 5, k->depth);
    sqlite3_bind_int(st, 6, k->active);
    sqlite3_bind_int64(st, 7, now);
    rc = sq_exec(c, st, "category insert");
    if (rc == STORE_OK) {
        k->id = sqlite3_last_insert_rowid(c->db);
        k->created_at = k->updated_at = now;
    }
    return rc;
}

int store_category_update(struct store_conn *c, struct category *k)
{
    int rc = store_depth_under(c, k->parent_id, &k->depth);
    if (rc != STORE_OK)
        return rc;
    int64_t now = time_now_ms();
    sqlite3_stmt *st = sq_stmt(c, Q_CAT_UPDATE,
                               "UPDATE categories SET code = ?2, name = ?3, parent_id = ?4, "
                               "default_unit_id = ?5, depth = ?6, active = ?7, updated_at = ?8 "
                               "WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, k->id);
    sq_bind_text(st, 2, k->code);
    sq_bind_text(st, 3, k->name);
    sq_bind_id(st, 4, k->parent_id);
    sq_bind_id(st, 5, k->default_unit_id);
    sqlite3_bind_int(st, 6, k->depth);
    sqlite3_bind_int(st, 7, k->active);
    sqlite3_bind_int64(st, 8, now);
    rc = sq_exec(c, st, "category update");
    if (rc != STORE_OK)
        return rc;
    if (sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    k->updated_at = now;
    /* Children's depths follow their parent's (the caller has checked the height). */
    st = sq_stmt(c, Q_CAT_FIX_DEPTHS,
                 "WITH RECURSIVE t(id, d) AS (SELECT ?1, ?2 UNION ALL "
                 "SELECT c.id, t.d + 1 FROM categories c JOIN t ON c.parent_id = t.id) "
                 "UPDATE categories SET depth = (SELECT d FROM t WHERE t.id = categories.id) "
                 "WHERE id IN (SELECT id FROM t)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, k->id);
    sqlite3_bind_int(st, 2, k->depth);
    return sq_exec(c, st, "category depths");
}

int store_category_get(struct store_conn *c, int64_t id, struct category *out)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_CAT_GET, "SELECT " CAT_COLS " FROM categories WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return read_one(c, st, read_category, out);
}

int store_category_list(struct store_conn *c, struct category **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CAT_LIST,
                               "SELECT " CAT_COLS " FROM categories ORDER BY depth, code");
    if (!st)
        return STORE_ERROR;
    return read_all(c, st, sizeof **out, read_category, release_category, (void **)out, n);
}

int store_category_subtree_height(struct store_conn *c, int64_t id, int *height)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CAT_HEIGHT,
                               "WITH RECURSIVE t(id, h) AS (SELECT ?1, 0 UNION ALL "
                               "SELECT c.id, t.h + 1 FROM categories c JOIN t ON c.parent_id = t.id "
                               "WHERE t.h < 10) SELECT max(h) FROM t");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    *height = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    int rc = src == SQLITE_ROW ? STORE_OK : sq_rc(c, src, "category height");
    sqlite3_reset(st);
    return rc;
}

void store_free_categories(struct category *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        category_release(&a[i]);
    free(a);
}

/* ---- users ---- */

#define USER_COLS                                                                               \
    "u.id, u.username, u.name, u.role, u.unit_id, u.active, u.created_at, u.updated_at, "      \
    "un.path"

static int read_user(sqlite3_stmt *st, void *rec)
{
    struct user *u = rec;
    memset(u, 0, sizeof *u);
    int oom = 0;
    u->id = sqlite3_column_int64(st, 0);
    u->username = sq_col_text(st, 1, &oom);
    u->name = sq_col_text(st, 2, &oom);
    int r = role_parse((const char *)sqlite3_column_text(st, 3));
    u->role = r > 0 ? (enum role)r : 0;
    u->unit_id = sq_col_id(st, 4);
    u->active = sqlite3_column_int(st, 5) != 0;
    u->created_at = sqlite3_column_int64(st, 6);
    u->updated_at = sqlite3_column_int64(st, 7);
    u->unit_path = sq_col_text(st, 8, &oom);
    if (sqlite3_column_count(st) > 9)
        u->password_hash = sq_col_text(st, 9, &oom);
    return oom ? STORE_NOMEM : STORE_OK;
}

static void release_user(void *rec) { user_release(rec); }

int store_user_insert(struct store_conn *c, struct user *u)
{
    int64_t now = time_now_ms();
    sqlite3_stmt *st = sq_stmt(c, Q_USER_INSERT,
                               "INSERT INTO users(username, name, role, unit_id, active, "
                               "password_hash, created_at, updated_at) "
                               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, u->username);
    sq_bind_text(st, 2, u->name ? u->name : u->username);
    sq_bind_text(st, 3, role_name(u->role));
    sq_bind_id(st, 4, u->unit_id);
    sqlite3_bind_int(st, 5, u->active);
    sq_bind_text(st, 6, u->password_hash);
    sqlite3_bind_int64(st, 7, now);
    int rc = sq_exec(c, st, "user insert");
    if (rc == STORE_OK) {
        u->id = sqlite3_last_insert_rowid(c->db);
        u->created_at = u->updated_at = now;
    }
    return rc;
}

int store_user_update(struct store_conn *c, const struct user *u)
{
    int64_t now = time_now_ms();
    sqlite3_stmt *st = sq_stmt(c, Q_USER_UPDATE,
                               "UPDATE users SET name = ?2, role = ?3, unit_id = ?4, active = ?5, "
                               "updated_at = ?6 WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, u->id);
    sq_bind_text(st, 2, u->name);
    sq_bind_text(st, 3, role_name(u->role));
    sq_bind_id(st, 4, u->unit_id);
    sqlite3_bind_int(st, 5, u->active);
    sqlite3_bind_int64(st, 6, now);
    int rc = sq_exec(c, st, "user update");
    if (rc != STORE_OK)
        return rc;
    if (sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    if (!u->password_hash)
        return STORE_OK;
    st = sq_stmt(c, Q_USER_UPDATE_PW, "UPDATE users SET password_hash = ?2 WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, u->id);
    sq_bind_text(st, 2, u->password_hash);
    return sq_exec(c, st, "user password");
}

int store_user_get(struct store_conn *c, int64_t id, struct user *out)
{
    sqlite3_stmt *st = sq_stmt(c, Q_USER_GET,
                               "SELECT " USER_COLS " FROM users u LEFT JOIN units un "
                               "ON un.id = u.unit_id WHERE u.id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return read_one(c, st, read_user, out);
}

int store_user_get_by_username(struct store_conn *c, const char *username, struct user *out)
{
    sqlite3_stmt *st = sq_stmt(c, Q_USER_GET_NAME,
                               "SELECT " USER_COLS ", u.password_hash FROM users u "
                               "LEFT JOIN units un ON un.id = u.unit_id WHERE u.username = ?1");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, username);
    return read_one(c, st, read_user, out);
}

int store_user_list(struct store_conn *c, struct user **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_USER_LIST,
                               "SELECT " USER_COLS " FROM users u LEFT JOIN units un "
                               "ON un.id = u.unit_id ORDER BY u.id");
    if (!st)
        return STORE_ERROR;
    return read_all(c, st, sizeof **out, read_user, release_user, (void **)out, n);
}

void store_free_users(struct user *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        user_release(&a[i]);
    free(a);
}

/* ---- sessions and API keys ---- */

int store_session_insert(struct store_conn *c, const uint8_t hash[32], int64_t user_id,
                         int64_t created_at, int64_t expires_at)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SESSION_INSERT,
                               "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
                               "VALUES(?1, ?2, ?3, ?4)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, created_at);
    sqlite3_bind_int64(st, 4, expires_at);
    return sq_exec(c, st, "session insert");
}

int store_session_user(struct store_conn *c, const uint8_t hash[32], int64_t now,
                       struct user *out)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SESSION_USER,
                               "SELECT " USER_COLS " FROM sessions s JOIN users u ON u.id = s.user_id "
                               "LEFT JOIN units un ON un.id = u.unit_id "
                               "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.active = 1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return read_one(c, st, read_user, out);
}

int store_session_delete(struct store_conn *c, const uint8_t hash[32])
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_SESSION_DELETE, "DELETE FROM sessions WHERE token_hash = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return sq_exec(c, st, "session delete");
}

int store_session_delete_user(struct store_conn *c, int64_t user_id)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_SESSION_DELETE_USER, "DELETE FROM sessions WHERE user_id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, user_id);
    return sq_exec(c, st, "session delete user");
}

int store_session_purge_expired(struct store_conn *c, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    return sq_exec(c, st, "session purge");
}

int store_apikey_insert(struct store_conn *c, const char *name, const uint8_t hash[32],
                        int64_t created_at, int64_t *id)
{
    sqlite3_stmt *st = sq_stmt(c, Q_APIKEY_INSERT,
                               "INSERT INTO api_keys(name, key_hash, created_at) VALUES(?1, ?2, ?3)");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, name);
    sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, created_at);
    int rc = sq_exec(c, st, "apikey insert");
    if (rc == STORE_OK && id)
        *id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int store_apikey_lookup(struct store_conn *c, const uint8_t hash[32], int64_t *id, char **name)
{
    sqlite3_stmt *st = sq_stmt(c, Q_APIKEY_LOOKUP,
                               "SELECT id, name FROM api_keys WHERE key_hash = ?1 AND active = 1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    int src = sqlite3_step(st);
    int rc = STORE_NOTFOUND, oom = 0;
    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        if (name)
            *name = sq_col_text(st, 1, &oom);
        rc = oom ? STORE_NOMEM : STORE_OK;
    } else if (src != SQLITE_DONE) {
        rc = sq_rc(c, src, "apikey lookup");
    }
    sqlite3_reset(st);
    return rc;
}
