/*
 * audit.c - recording admin changes in the audit log, and reading it
 * (GET /api/v1/audit, admin only).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/audit.h"

/* True for a member name that could hold a secret: never logged. */
static bool secret_key(const char *k)
{
    static const char *const words[] = {"password", "secret", "token", "key", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strstr(k, words[i]))
            return true;
    return false;
}

json_t *api_audit_detail(json_t *body)
{
    json_t *d = json_is_object(body) ? json_deep_copy(body) : json_object();
    if (!d)
        return NULL;
    const char *k;
    json_t *v;
    json_object_foreach(d, k, v) {
        if (secret_key(k) && !json_is_null(v))
            json_object_set_new(d, k, json_string("(changed)"));
    }
    return d;
}

int api_audit(struct request *r, struct store_conn *c, const char *action,
              const char *object_type, int64_t object_id, json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    if (detail && !text) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return -1;
    }
    struct app_error e;
    int64_t id = r->apikey_id ? 0 : r->user.id;
    const char *who = r->apikey_id ? "(api key)" : r->user.username;
    int rc = app_audit(c, id, who, action, object_type, object_id, text, &e);
    free(text);
    if (rc != APP_OK) {
        api_reply_app_error(r, &e);
        return -1;
    }
    return 0;
}

static json_t *audit_json(const struct audit_row *a)
{
    char prev[65], hash[65];
    app_audit_hex(a->prev_hash, prev);
    app_audit_hex(a->hash, hash);
    json_t *detail = a->detail ? json_loads(a->detail, 0, NULL) : NULL;
    if (!detail)
        detail = json_object();
    return json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "seq",
                     (json_int_t)a->seq, "at", jout_time(a->at), "actor_id", jout_id(a->actor_id),
                     "actor", a->actor ? a->actor : "", "action", a->action ? a->action : "",
                     "object_type", a->object_type ? a->object_type : "", "object_id",
                     jout_id(a->object_id), "detail", detail, "prev_hash", prev, "hash", hash);
}

void h_audit_list(struct request *r)
{
    static const char *const params[] = {"limit", "before", NULL};
    if (!api_require_role(r, ROLE_ADMIN) || qin_only(r, params))
        return;
    int64_t limit = 50, before = 0;
    if (qin_int(r, "limit", 1, 200, &limit) || qin_id(r, "before", &before))
        return;
    struct store_conn *c = store_conn_get(api_store(r));
    struct audit_row *rows = NULL;
    size_t n = 0;
    int rc = c ? store_audit_list(c, before, (int)limit, &rows, &n) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "audit log");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, audit_json(&rows[i]));
    json_t *next = n == (size_t)limit && n && rows[n - 1].seq > 1 ? json_integer(rows[n - 1].seq)
                                                                  : json_null();
    store_free_audit(rows, n);
    json_t *body = items ? json_pack("{s:o, s:o}", "items", items, "next", next) : NULL;
    if (!body) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    reply_json(r, 200, body);
}
