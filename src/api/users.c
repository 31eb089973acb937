/*
 * users.c - /api/v1/users (admin).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/sessions.h"
#include "core/validate.h"

void h_user_create(struct request *r)
{
    static const char *const keys[] = {"username", "password", "role", "unit_id", "name", NULL};
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    const char *username, *password, *name;
    int role;
    int64_t unit = 0;
    json_t *b = r->json;
    if (jin_keys(r, b, NULL, keys) ||
        jin_string(r, b, "username", "username", true, 32, &username) ||
        jin_string(r, b, "password", "password", true, 1024, &password) ||
        jin_enum(r, b, "role", "role", true, role_parse, "agent, handler, supervisor, admin",
                 &role) ||
        jin_int(r, b, "unit_id", "unit_id", false, 1, INT64_MAX / 2, &unit) ||
        jin_string(r, b, "name", "name", false, 100, &name))
        return;
    struct user u;
    struct app_error e;
    /* The user and its audit row commit together (issue 9). */
    struct store_conn *c = store_conn_get(api_store(r));
    int rc = c ? store_begin(c, true) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "user");
        return;
    }
    if (app_user_add(api_store(r), username, password, (unsigned)role, NULL, unit, name, &u, &e) !=
        APP_OK) {
        store_rollback(c);
        api_reply_app_error(r, &e);
        return;
    }
    if (api_audit(r, c, "user.create", "user", u.id, api_audit_detail(b)) != 0) {
        store_rollback(c);
        user_release(&u);
        return;
    }
    if ((rc = store_commit(c)) != STORE_OK) {
        user_release(&u);
        api_reply_store_error(r, rc, "user");
        return;
    }
    reply_json(r, 201, jout_user(&u));
    user_release(&u);
}

void h_user_update(struct request *r)
{
    static const char *const keys[] = {"name", "role", "unit_id", "active", "password", NULL};
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "user");
    if (!id)
        return;
    const char *name, *password;
    int role, active;
    int64_t unit = 0;
    json_t *b = r->json;
    if (jin_keys(r, b, NULL, keys) || jin_string(r, b, "name", "name", false, 100, &name) ||
        jin_enum(r, b, "role", "role", false, role_parse, "agent, handler, supervisor, admin",
                 &role) ||
        jin_int(r, b, "unit_id", "unit_id", false, 1, INT64_MAX / 2, &unit) ||
        jin_bool(r, b, "active", "active", false, &active) ||
        jin_string(r, b, "password", "password", false, 1024, &password))
        return;
    if (name && text_blank(name)) {
        reply_error(r, 400, "invalid_argument", "name must not be blank", "name");
        return;
    }
    const char *msg = NULL;
    if (password && app_password_check(password, &msg) != 0) {
        reply_error(r, 400, "invalid_argument", msg, "password");
        return;
    }
    struct store_conn *c = store_conn_get(api_store(r));
    if (!c) {
        reply_error(r, 500, "internal", "internal error", NULL);
        return;
    }
    struct user u;
    int rc = store_user_get(c, id, &u);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "user");
        return;
    }
    char hash[crypto_pwhash_STRBYTES];
    bool end_sessions = false;
    if (name) {
        free(u.name);
        u.name = strdup(name);
    }
    if (role >= 0)
        u.role = role;
    json_t *uj = json_object_get(b, "unit_id");
    if (uj)
        u.unit_id = json_is_null(uj) ? 0 : unit;
    if (active >= 0) {
        end_sessions |= u.active && !active;
        u.active = active;
    }
    if (password) {
        int hrc = app_password_hash(password, hash, sizeof hash);
        if (hrc != 0) {
            user_release(&u);
            if (hrc == 1) {
                reply_header(r, "Retry-After", "1");
                reply_error(r, 503, "unavailable", "too many password hashes at once; try again",
                            NULL);
            } else {
                reply_error(r, 500, "internal", "internal error", NULL);
            }
            return;
        }
        u.password_hash = hash;
        end_sessions = true;
    }
    if (!u.name) {
        u.password_hash = NULL;
        user_release(&u);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    const char *bad = NULL;
    if (u.role == ROLE_HANDLER && !u.unit_id)
        bad = "a handler must belong to a unit";
    else if (u.role != ROLE_HANDLER && u.unit_id)
        bad = "only handlers belong to a unit";
    if (bad) {
        u.password_hash = NULL;
        user_release(&u);
        reply_error(r, 400, "invalid_argument", bad, "unit_id");
        return;
    }
    rc = store_begin(c, true);
    if (rc == STORE_OK)
        rc = store_user_update(c, &u);
    if (rc == STORE_OK && end_sessions)
        rc = store_session_delete_user(c, u.id);
    bool audit_failed = false; /* api_audit has replied */
    if (rc == STORE_OK && api_audit(r, c, "user.update", "user", u.id, api_audit_detail(b)) != 0) {
        audit_failed = true;
        rc = STORE_ERROR;
    }
    if (rc == STORE_OK)
        rc = store_commit(c);
    else
        store_rollback(c);
    if (rc == STORE_OK) /* name, role, unit or sessions changed: no cached copy may live on */
        session_cache_forget_user(u.id);
    u.password_hash = NULL;
    user_release(&u);
    if (audit_failed)
        return;
    if (rc == STORE_INVALID) {
        reply_error(r, 400, "invalid_argument", "unknown unit", "unit_id");
        return;
    }
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "user");
        return;
    }
    rc = store_user_get(c, id, &u);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "user");
        return;
    }
    reply_json(r, 200, jout_user(&u));
    user_release(&u);
}

void h_users_list(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    struct store_conn *c = store_conn_get(api_store(r));
    struct user *a = NULL;
    size_t n = 0;
    int rc = c ? store_user_list(c, &a, &n) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "users");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, jout_user(&a[i]));
    store_free_users(a, n);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_user_get(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "user");
    struct store_conn *c = id ? store_conn_get(api_store(r)) : NULL;
    if (!id)
        return;
    struct user u;
    int rc = c ? store_user_get(c, id, &u) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "user");
        return;
    }
    reply_json(r, 200, jout_user(&u));
    user_release(&u);
}
