/*
 * units.c - /api/v1/units and /api/v1/categories: the two trees.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/sessions.h"
#include "core/validate.h"

static struct store_conn *conn_or_500(struct request *r)
{
    struct store_conn *c = store_conn_get(api_store(r));
    if (!c)
        reply_error(r, 500, "internal", "internal error", NULL);
    return c;
}

/* Replaces *slot with a copy of s when s is given. 0, or replies 500. */
static int take(struct request *r, char **slot, const char *s)
{
    if (!s)
        return 0;
    char *n = strdup(s);
    if (!n) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return -1;
    }
    free(*slot);
    *slot = n;
    return 0;
}

static int check_code(struct request *r, const char *code)
{
    if (code && !code_valid(code)) {
        reply_error(r, 400, "invalid_argument", "code must be 1-32 of A-Z a-z 0-9 _ . -", "code");
        return -1;
    }
    return 0;
}

/* Decodes the writable unit fields into u (create: code, name, kind required). */
static int decode_unit(struct request *r, struct unit *u, bool create)
{
    static const char *const keys[] = {"code", "name", "kind", "parent_id", "active", NULL};
    const char *code, *name;
    int kind, active;
    int64_t parent;
    json_t *b = r->json;
    if (jin_keys(r, b, NULL, keys) || jin_string(r, b, "code", "code", create, 32, &code) ||
        check_code(r, code) || jin_string(r, b, "name", "name", create, 200, &name) ||
        jin_enum(r, b, "kind", "kind", create, unit_kind_parse,
                 "center, bureau, district, street, enterprise", &kind) ||
        jin_int(r, b, "parent_id", "parent_id", false, 1, INT64_MAX / 2, &parent) ||
        jin_bool(r, b, "active", "active", false, &active))
        return -1;
    if (!create && name && text_blank(name)) {
        reply_error(r, 400, "invalid_argument", "name must not be blank", "name");
        return -1;
    }
    if (take(r, &u->code, code) || take(r, &u->name, name))
        return -1;
    if (kind >= 0)
        u->kind = kind;
    if (active >= 0)
        u->active = active;
    json_t *p = json_object_get(b, "parent_id");
    if (p)
        u->parent_id = json_is_null(p) ? 0 : parent;
    return 0;
}

/*
 * Ends the write transaction that made an admin change: with its audit row
 * on success, else rolled back. Returns the store rc, or -1 when the audit
 * row could not be written (already answered).
 */
static int commit_audited(struct request *r, struct store_conn *c, int rc, const char *action,
                          const char *object_type, int64_t object_id)
{
    if (rc == STORE_OK &&
        api_audit(r, c, action, object_type, object_id, api_audit_detail(r->json)) != 0) {
        store_rollback(c);
        return -1;
    }
    if (rc == STORE_OK)
        return store_commit(c);
    store_rollback(c);
    return rc;
}

static void reply_unit_rc(struct request *r, int rc, struct unit *u, unsigned status)
{
    if (rc == STORE_OK)
        reply_json(r, status, jout_unit(u));
    else if (rc == STORE_CONFLICT)
        reply_error(r, 409, "conflict", "a unit with this code exists", "code");
    else if (rc == STORE_INVALID)
        reply_error(r, 400, "invalid_argument", "unknown parent unit", "parent_id");
    else
        api_reply_store_error(r, rc, "unit");
}

void h_unit_create(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    struct store_conn *c = conn_or_500(r);
    if (!c)
        return;
    struct unit u = {.active = true};
    if (decode_unit(r, &u, true) == 0) {
        int rc = store_begin(c, true);
        if (rc == STORE_OK)
            rc = store_unit_insert(c, &u);
        rc = commit_audited(r, c, rc, "unit.create", "unit", u.id);
        if (rc != -1)
            reply_unit_rc(r, rc, &u, 201);
    }
    unit_release(&u);
}

void h_unit_update(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "unit");
    struct store_conn *c = id ? conn_or_500(r) : NULL;
    if (!c)
        return;
    struct unit u = {0};
    int rc = store_unit_get(c, id, &u);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "unit");
        return;
    }
    if (decode_unit(r, &u, false) == 0) {
        bool cycle = false;
        if (u.parent_id) {
            struct unit p = {0};
            rc = store_unit_get(c, u.parent_id, &p);
            cycle = rc == STORE_OK && unit_path_within(p.path, u.path);
            unit_release(&p);
        }
        if (cycle) {
            reply_error(r, 400, "invalid_argument", "a unit cannot be placed below itself",
                        "parent_id");
        } else if (rc == STORE_NOTFOUND) {
            reply_error(r, 400, "invalid_argument", "unknown parent unit", "parent_id");
        } else {
            rc = store_begin(c, true);
            if (rc == STORE_OK)
                rc = store_unit_update(c, &u);
            rc = commit_audited(r, c, rc, "unit.update", "unit", id);
            if (rc == STORE_OK) { /* read back: the path and times moved */
                session_cache_clear(); /* cached handlers carry their unit's path */
                unit_release(&u);
                rc = store_unit_get(c, id, &u);
            }
            if (rc != -1)
                reply_unit_rc(r, rc, &u, 200);
        }
    }
    unit_release(&u);
}

void h_units_list(struct request *r)
{
    struct store_conn *c = conn_or_500(r);
    if (!c)
        return;
    struct unit *a = NULL;
    size_t n = 0;
    int rc = store_unit_list(c, &a, &n);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "units");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, jout_unit(&a[i]));
    store_free_units(a, n);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_unit_get(struct request *r)
{
    int64_t id = api_path_id(r, 0, "unit");
    struct store_conn *c = id ? conn_or_500(r) : NULL;
    if (!c)
        return;
    struct unit u = {0};
    int rc = store_unit_get(c, id, &u);
    if (rc == STORE_OK)
        reply_json(r, 200, jout_unit(&u));
    else
        api_reply_store_error(r, rc, "unit");
    unit_release(&u);
}

/* ---- categories ---- */

static int decode_category(struct request *r, struct category *k, bool create)
{
    static const char *const keys[] = {"code", "name", "parent_id", "default_unit_id", "active",
                                       NULL};
    const char *code, *name;
    int active;
    int64_t parent, unit;
    json_t *b = r->json;
    if (jin_keys(r, b, NULL, keys) || jin_string(r, b, "code", "code", create, 32, &code) ||
        check_code(r, code) || jin_string(r, b, "name", "name", create, 200, &name) ||
        jin_int(r, b, "parent_id", "parent_id", false, 1, INT64_MAX / 2, &parent) ||
        jin_int(r, b, "default_unit_id", "default_unit_id", false, 1, INT64_MAX / 2, &unit) ||
        jin_bool(r, b, "active", "active", false, &active))
        return -1;
    if (!create && name && text_blank(name)) {
        reply_error(r, 400, "invalid_argument", "name must not be blank", "name");
        return -1;
    }
    if (take(r, &k->code, code) || take(r, &k->name, name))
        return -1;
    if (active >= 0)
        k->active = active;
    json_t *p = json_object_get(b, "parent_id");
    if (p)
        k->parent_id = json_is_null(p) ? 0 : parent;
    json_t *d = json_object_get(b, "default_unit_id");
    if (d)
        k->default_unit_id = json_is_null(d) ? 0 : unit;
    return 0;
}

/*
 * Checks that the new parent keeps the tree at most three deep and acyclic,
 * and that the default unit exists. Replies 400 and returns -1 if not.
 */
static int check_category(struct request *r, struct store_conn *c, const struct category *k)
{
    int rc;
    if (k->default_unit_id) {
        struct unit u = {0};
        rc = store_unit_get(c, k->default_unit_id, &u);
        unit_release(&u);
        if (rc == STORE_NOTFOUND) {
            reply_error(r, 400, "invalid_argument", "unknown unit", "default_unit_id");
            return -1;
        }
    }
    int pdepth = 0;
    if (k->parent_id) {
        struct category p = {0};
        rc = store_category_get(c, k->parent_id, &p);
        pdepth = p.depth;
        category_release(&p);
        if (rc == STORE_NOTFOUND) {
            reply_error(r, 400, "invalid_argument", "unknown parent category", "parent_id");
            return -1;
        }
        /* Walk up from the parent: meeting k itself would make a cycle. */
        int64_t up = k->parent_id;
        for (int i = 0; k->id && up && i < 8; i++) {
            if (up == k->id) {
                reply_error(r, 400, "invalid_argument", "a category cannot be placed below itself",
                            "parent_id");
                return -1;
            }
            struct category q = {0};
            if (store_category_get(c, up, &q) != STORE_OK)
                break;
            up = q.parent_id;
            category_release(&q);
        }
    }
    int height = 0;
    if (k->id)
        store_category_subtree_height(c, k->id, &height);
    if (pdepth + 1 + height > CATEGORY_MAX_DEPTH) {
        reply_error(r, 400, "invalid_argument", "the category tree is at most 3 levels deep",
                    "parent_id");
        return -1;
    }
    return 0;
}

static void reply_category_rc(struct request *r, int rc, struct category *k, unsigned status)
{
    if (rc == STORE_OK)
        reply_json(r, status, jout_category(k));
    else if (rc == STORE_CONFLICT)
        reply_error(r, 409, "conflict", "a category with this code exists", "code");
    else if (rc == STORE_INVALID)
        reply_error(r, 400, "invalid_argument", "unknown parent or unit", "parent_id");
    else
        api_reply_store_error(r, rc, "category");
}

void h_category_create(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    struct store_conn *c = conn_or_500(r);
    if (!c)
        return;
    struct category k = {.active = true};
    if (decode_category(r, &k, true) == 0 && check_category(r, c, &k) == 0) {
        int rc = store_begin(c, true);
        if (rc == STORE_OK)
            rc = store_category_insert(c, &k);
        rc = commit_audited(r, c, rc, "category.create", "category", k.id);
        if (rc != -1)
            reply_category_rc(r, rc, &k, 201);
    }
    category_release(&k);
}

void h_category_update(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "category");
    struct store_conn *c = id ? conn_or_500(r) : NULL;
    if (!c)
        return;
    struct category k = {0};
    int rc = store_category_get(c, id, &k);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "category");
        return;
    }
    if (decode_category(r, &k, false) == 0 && check_category(r, c, &k) == 0) {
        rc = store_begin(c, true);
        if (rc == STORE_OK)
            rc = store_category_update(c, &k);
        rc = commit_audited(r, c, rc, "category.update", "category", id);
        if (rc != -1)
            reply_category_rc(r, rc, &k, 200);
    }
    category_release(&k);
}

void h_categories_list(struct request *r)
{
    struct store_conn *c = conn_or_500(r);
    if (!c)
        return;
    struct category *a = NULL;
    size_t n = 0;
    int rc = store_category_list(c, &a, &n);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "categories");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, jout_category(&a[i]));
    store_free_categories(a, n);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_category_get(struct request *r)
{
    int64_t id = api_path_id(r, 0, "category");
    struct store_conn *c = id ? conn_or_500(r) : NULL;
    if (!c)
        return;
    struct category k = {0};
    int rc = store_category_get(c, id, &k);
    if (rc == STORE_OK)
        reply_json(r, 200, jout_category(&k));
    else
        api_reply_store_error(r, rc, "category");
    category_release(&k);
}
