/*
 * audit.c - recording admin changes in the audit log, and reading it
 * (GET /api/v1/audit, admin only).
 *
 * The handlers of users, units and categories write their row inside the
 * change's own transaction (api_audit). Every other successful write by an
 * admin outside tickets and sessions (calendar, deadline rules, API keys,
 * Open311 service definitions, and routes added later) gets its row from
 * the dispatcher right after the handler (api_audit_after): in its own
 * transaction, so a crash between the two commits could lose that row, but
 * no admin change goes unrecorded because someone forgot to add the call.
 */
#include <stdio.h>
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
    r->audited = true;
    return 0;
}

/* The route's pattern with the request's method: "PUT /api/v1/calendar/{year}". */
static void route_action(const struct request *r, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s %s", r->method_str ? r->method_str : "?",
             r->route ? r->route->pattern : r->path);
}

void api_audit_after(struct request *r)
{
    if (r->audited || !r->authed || r->apikey_id || r->user.role != ROLE_ADMIN ||
        (r->method & (HM_GET | HM_HEAD)) || r->status < 200 || r->status >= 300 || !r->route)
        return;
    /* Tickets have their own history, sessions are not changes of the setup. */
    if (strncmp(r->route->pattern, "/api/v1/tickets", 15) == 0 ||
        strncmp(r->route->pattern, "/api/v1/auth/", 13) == 0)
        return;
    char action[160];
    route_action(r, action, sizeof action);
    json_t *d = json_pack("{s:s, s:o}", "path", r->path,
                          "body", r->json ? api_audit_detail(r->json) : json_null());
    char *text = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(d);
    /* The object: the route's first parameter when it is a number. */
    int64_t id = 0;
    if (r->n_params > 0) {
        char *end = NULL;
        long long v = strtoll(r->params[0], &end, 10);
        if (end && *end == '\0' && v > 0)
            id = v;
    }
    const char *type = r->route->pattern + (strncmp(r->route->pattern, "/api/v1/", 8) ? 1 : 8);
    char object_type[48];
    size_t n = strcspn(type, "/");
    snprintf(object_type, sizeof object_type, "%.*s", (int)(n < 40 ? n : 40), type);
    struct app_error e;
    struct store_conn *c = store_conn_get(api_store(r));
    if (!text || app_audit(c, r->user.id, r->user.username, action, object_type, id, text, &e) !=
                     APP_OK)
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"audit row not written\",\"id\":\"%s\"}\n",
                r->id);
    else
        r->audited = true;
    free(text);
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
