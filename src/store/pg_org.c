/*
 * pg_org.c - the organisation in PostgreSQL: units, categories, users,
 * sessions and API keys. The statements mirror sqlite_org.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "store/pg_int.h"
#include "store/common.h"

typedef int (*row_reader)(PGresult *r, int row, void *rec);

/* Every row of r into a malloc'd array via read; frees r. */
static int read_all(PGresult *r, size_t recsize, row_reader read, void (*release)(void *),
                    void **out, size_t *n)
{
    int rows = PQntuples(r), rc = STORE_OK, len = 0;
    char *arr = calloc(rows ? (size_t)rows : 1, recsize);
    if (!arr)
        rc = STORE_NOMEM;
    for (; rc == STORE_OK && len < rows; len++)
        rc = read(r, len, arr + (size_t)len * recsize);
    PQclear(r);
    if (rc != STORE_OK) {
        for (int i = 0; arr && i < len; i++)
            release(arr + (size_t)i * recsize);
        free(arr);
        return rc;
    }
    *out = arr;
    *n = (size_t)rows;
    return STORE_OK;
}

/* The first row of r into rec (STORE_NOTFOUND without one); frees r. */
static int read_one(PGresult *r, row_reader read, void *rec)
{
    int rc = PQntuples(r) > 0 ? read(r, 0, rec) : STORE_NOTFOUND;
    PQclear(r);
    return rc;
}

/* ---- units ---- */

#define UNIT_COLS "id, code, name, kind, parent_id, active, path, created_at, updated_at"

static int read_unit(PGresult *r, int row, void *rec)
{
    struct unit *u = rec;
    memset(u, 0, sizeof *u);
    int oom = 0;
    u->id = pg_col_int(r, row, 0);
    u->code = pg_col_text(r, row, 1, &oom);
    u->name = pg_col_text(r, row, 2, &oom);
    u->kind = unit_kind_parse(pg_col_str(r, row, 3));
    u->parent_id = pg_col_int(r, row, 4);
    u->active = pg_col_int(r, row, 5) != 0;
    u->path = pg_col_text(r, row, 6, &oom);
    u->created_at = pg_col_int(r, row, 7);
    u->updated_at = pg_col_int(r, row, 8);
    return oom ? STORE_NOMEM : STORE_OK;
}

static void release_unit(void *rec) { unit_release(rec); }


int pg_store_unit_insert(struct store_conn *c, struct unit *u)
{
    char ppath[512];
    int rc = store_parent_path(c, u->parent_id, ppath, sizeof ppath);
    if (rc != STORE_OK)
        return rc;
    int64_t now = time_now_ms();
    struct pg_params p = {0};
    pp_text(&p, u->code);
    pp_text(&p, u->name);
    pp_text(&p, unit_kind_name(u->kind));
    pp_id(&p, u->parent_id);
    pp_int(&p, u->active);
    pp_int(&p, now);
    pp_text(&p, ppath);
    /* The path ends in the new id: one statement computes both. */
    PGresult *r = pg_run(c, PQ_UNIT_INSERT,
                         "WITH n AS (SELECT nextval(pg_get_serial_sequence('units', 'id')) AS id) "
                         "INSERT INTO units(id, code, name, kind, parent_id, active, path, "
                         "created_at, updated_at) SELECT n.id, $1, $2, $3, $4, $5, "
                         "$7 || n.id || '/', $6, $6 FROM n RETURNING id, path",
                         &p, &rc);
    if (!r)
        return rc;
    int oom = 0;
    u->id = pg_col_int(r, 0, 0);
    free(u->path);
    u->path = pg_col_text(r, 0, 1, &oom);
    PQclear(r);
    u->created_at = u->updated_at = now;
    return oom ? STORE_NOMEM : STORE_OK;
}

int pg_store_unit_update(struct store_conn *c, struct unit *u)
{
    struct unit old = {0};
    int rc = pg_store_unit_get(c, u->id, &old);
    if (rc != STORE_OK)
        return rc;
    char ppath[512], path[600];
    rc = store_parent_path(c, u->parent_id, ppath, sizeof ppath);
    if (rc != STORE_OK)
        goto done;
    snprintf(path, sizeof path, "%s%lld/", ppath, (long long)u->id);
    if (unit_path_within(ppath, old.path)) { /* backstop: the caller checks */
        rc = STORE_INVALID;
        goto done;
    }
    struct pg_params p = {0};
    pp_int(&p, u->id);
    pp_text(&p, u->code);
    pp_text(&p, u->name);
    pp_text(&p, unit_kind_name(u->kind));
    pp_id(&p, u->parent_id);
    pp_int(&p, u->active);
    pp_int(&p, time_now_ms());
    rc = pg_exec(c, PQ_UNIT_UPDATE,
                 "UPDATE units SET code = $2, name = $3, kind = $4, parent_id = $5, "
                 "active = $6, updated_at = $7 WHERE id = $1",
                 &p, NULL);
    if (rc != STORE_OK || strcmp(path, old.path) == 0)
        goto done;
    struct pg_params m = {0};
    pp_text(&m, old.path);
    pp_text(&m, path);
    rc = pg_exec(c, PQ_UNIT_MOVE_SUBTREE,
                 "UPDATE units SET path = $2 || substr(path, length($1) + 1) "
                 "WHERE substr(path, 1, length($1)) = $1",
                 &m, NULL);
done:
    unit_release(&old);
    return rc;
}

int pg_store_unit_get(struct store_conn *c, int64_t id, struct unit *out)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r = pg_run(c, PQ_UNIT_GET, "SELECT " UNIT_COLS " FROM units WHERE id = $1", &p, &rc);
    return r ? read_one(r, read_unit, out) : rc;
}

int pg_store_unit_get_by_code(struct store_conn *c, const char *code, struct unit *out)
{
    struct pg_params p = {0};
    pp_text(&p, code);
    int rc;
    PGresult *r =
        pg_run(c, PQ_UNIT_GET_CODE, "SELECT " UNIT_COLS " FROM units WHERE code = $1", &p, &rc);
    return r ? read_one(r, read_unit, out) : rc;
}

int pg_store_unit_child_count(struct store_conn *c, int64_t id, int64_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r = pg_run(c, PQ_UNIT_CHILDREN,
                         "SELECT count(*) FROM units WHERE parent_id = $1 AND active = 1", &p, &rc);
    if (!r)
        return rc;
    *n = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

int pg_store_unit_list(struct store_conn *c, struct unit **out, size_t *n)
{
    int rc;
    /* COLLATE "C": byte order, as SQLite sorts the paths */
    PGresult *r = pg_run(c, PQ_UNIT_LIST,
                         "SELECT " UNIT_COLS " FROM units ORDER BY path COLLATE \"C\"", NULL, &rc);
    return r ? read_all(r, sizeof **out, read_unit, release_unit, (void **)out, n) : rc;
}

/* ---- categories ---- */

#define CAT_COLS "id, code, name, parent_id, default_unit_id, depth, active, created_at, updated_at"

static int read_category(PGresult *r, int row, void *rec)
{
    struct category *k = rec;
    memset(k, 0, sizeof *k);
    int oom = 0;
    k->id = pg_col_int(r, row, 0);
    k->code = pg_col_text(r, row, 1, &oom);
    k->name = pg_col_text(r, row, 2, &oom);
    k->parent_id = pg_col_int(r, row, 3);
    k->default_unit_id = pg_col_int(r, row, 4);
    k->depth = (int)pg_col_int(r, row, 5);
    k->active = pg_col_int(r, row, 6) != 0;
    k->created_at = pg_col_int(r, row, 7);
    k->updated_at = pg_col_int(r, row, 8);
    return oom ? STORE_NOMEM : STORE_OK;
}

static void release_category(void *rec) { category_release(rec); }


static void bind_category(struct pg_params *p, const struct category *k, int64_t now)
{
    pp_text(p, k->code);
    pp_text(p, k->name);
    pp_id(p, k->parent_id);
    pp_id(p, k->default_unit_id);
    pp_int(p, k->depth);
    pp_int(p, k->active);
    pp_int(p, now);
}

int pg_store_category_insert(struct store_conn *c, struct category *k)
{
    int rc = store_depth_under(c, k->parent_id, &k->depth);
    if (rc != STORE_OK)
        return rc;
    int64_t now = time_now_ms();
    struct pg_params p = {0};
    bind_category(&p, k, now);
    PGresult *r = pg_run(c, PQ_CAT_INSERT,
                         "INSERT INTO categories(code, name, parent_id, default_unit_id, depth, "
                         "active, created_at, updated_at) VALUES($1, $2, $3, $4, $5, $6, $7, $7) "
                         "RETURNING id",
                         &p, &rc);
    if (!r)
        return rc;
    k->id = pg_col_int(r, 0, 0);
    k->created_at = k->updated_at = now;
    PQclear(r);
    return STORE_OK;
}

int pg_store_category_update(struct store_conn *c, struct category *k)
{
    int rc = store_depth_under(c, k->parent_id, &k->depth);
    if (rc != STORE_OK)
        return rc;
    int64_t now = time_now_ms(), changed = 0;
    struct pg_params p = {0};
    bind_category(&p, k, now);
    pp_int(&p, k->id);
    rc = pg_exec(c, PQ_CAT_UPDATE,
                 "UPDATE categories SET code = $1, name = $2, parent_id = $3, "
                 "default_unit_id = $4, depth = $5, active = $6, updated_at = $7 WHERE id = $8",
                 &p, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed == 0)
        return STORE_NOTFOUND;
    k->updated_at = now;
    struct pg_params d = {0};
    pp_int(&d, k->id);
    pp_int(&d, k->depth);
    return pg_exec(c, PQ_CAT_FIX_DEPTHS,
                   "WITH RECURSIVE t(id, d) AS (SELECT $1::bigint, $2::integer UNION ALL "
                   "SELECT c.id, t.d + 1 FROM categories c JOIN t ON c.parent_id = t.id) "
                   "UPDATE categories SET depth = t.d FROM t WHERE t.id = categories.id",
                   &d, NULL);
}

int pg_store_category_get(struct store_conn *c, int64_t id, struct category *out)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r =
        pg_run(c, PQ_CAT_GET, "SELECT " CAT_COLS " FROM categories WHERE id = $1", &p, &rc);
    return r ? read_one(r, read_category, out) : rc;
}

int pg_store_category_list(struct store_conn *c, struct category **out, size_t *n)
{
    int rc;
    PGresult *r = pg_run(c, PQ_CAT_LIST,
                         "SELECT " CAT_COLS " FROM categories ORDER BY depth, code COLLATE \"C\"",
                         NULL, &rc);
    return r ? read_all(r, sizeof **out, read_category, release_category, (void **)out, n) : rc;
}

int pg_store_category_subtree_height(struct store_conn *c, int64_t id, int *height)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r = pg_run(c, PQ_CAT_HEIGHT,
                         "WITH RECURSIVE t(id, h) AS (SELECT $1::bigint, 0 UNION ALL "
                         "SELECT c.id, t.h + 1 FROM categories c JOIN t ON c.parent_id = t.id "
                         "WHERE t.h < 10) SELECT max(h) FROM t",
                         &p, &rc);
    if (!r)
        return rc;
    *height = (int)pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}
