/*
 * dispatch.c - the route table, authentication and the checks every
 * request passes before its handler: method, content type, JSON body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/validate.h"
#include "http/static.h"
#include "open311/open311.h"

static const struct route routes[] = {
    {HM_GET | HM_HEAD, "/healthz", h_healthz, RF_PUBLIC},
    {HM_GET, "/metrics", h_metrics, RF_PUBLIC},
    {HM_POST, "/api/v1/auth/login", h_login, RF_PUBLIC | RF_JSON_BODY},
    {HM_POST, "/api/v1/auth/logout", h_logout, 0},
    {HM_GET, "/api/v1/auth/me", h_me, 0},
    {HM_GET, "/api/v1/tickets", h_tickets_list, 0},
    {HM_POST, "/api/v1/tickets", h_tickets_create, RF_JSON_BODY},
    {HM_GET, "/api/v1/tickets/export", h_tickets_export, 0},
    {HM_GET, "/api/v1/tickets/{number}", h_ticket_get, 0},
    {HM_GET, "/api/v1/tickets/{number}/events", h_ticket_events, 0},
    {HM_GET, "/api/v1/tickets/{number}/similar", h_ticket_similar, 0},
    {HM_GET, "/api/v1/kb/articles", h_kb_list, 0},
    {HM_POST, "/api/v1/kb/articles", h_kb_create, RF_JSON_BODY},
    {HM_GET, "/api/v1/kb/articles/{id}", h_kb_get, 0},
    {HM_PATCH, "/api/v1/kb/articles/{id}", h_kb_update, RF_JSON_BODY},
    {HM_GET, "/api/v1/kb/articles/{id}/revisions", h_kb_revisions, 0},
    {HM_POST, "/api/v1/kb/articles/{id}/publish", h_kb_publish, RF_JSON_BODY},
    {HM_POST, "/api/v1/kb/articles/{id}/withdraw", h_kb_withdraw, RF_JSON_BODY},
    {HM_GET, "/api/v1/kb/suggest", h_kb_suggest, 0},
    {HM_POST, "/api/v1/tickets/{number}/actions/{action}", h_ticket_action, RF_JSON_BODY},
    {HM_GET, "/api/v1/units", h_units_list, 0},
    {HM_POST, "/api/v1/units", h_unit_create, RF_JSON_BODY},
    {HM_GET, "/api/v1/units/{id}", h_unit_get, 0},
    {HM_PATCH, "/api/v1/units/{id}", h_unit_update, RF_JSON_BODY},
    {HM_GET, "/api/v1/categories", h_categories_list, 0},
    {HM_POST, "/api/v1/categories", h_category_create, RF_JSON_BODY},
    {HM_GET, "/api/v1/categories/{id}", h_category_get, 0},
    {HM_PATCH, "/api/v1/categories/{id}", h_category_update, RF_JSON_BODY},
    {HM_GET, "/api/v1/users", h_users_list, 0},
    {HM_POST, "/api/v1/users", h_user_create, RF_JSON_BODY},
    {HM_GET, "/api/v1/users/{id}", h_user_get, 0},
    {HM_PATCH, "/api/v1/users/{id}", h_user_update, RF_JSON_BODY},
    /* issue 3: the working calendar, deadline rules, the live feed */
    {HM_GET, "/api/v1/calendar", h_calendar_summary, 0},
    {HM_GET, "/api/v1/calendar/{year}", h_calendar_year, 0},
    {HM_PUT, "/api/v1/calendar/{year}", h_calendar_year_put, RF_JSON_BODY},
    {HM_DELETE, "/api/v1/calendar/{year}", h_calendar_year_delete, 0},
    {HM_PUT, "/api/v1/calendar/days/{date}", h_calendar_day_put, RF_JSON_BODY},
    {HM_DELETE, "/api/v1/calendar/days/{date}", h_calendar_day_delete, 0},
    {HM_GET, "/api/v1/sla-rules", h_sla_rules_list, 0},
    {HM_POST, "/api/v1/sla-rules", h_sla_rule_create, RF_JSON_BODY},
    {HM_GET, "/api/v1/sla-rules/{id}", h_sla_rule_get, 0},
    {HM_PATCH, "/api/v1/sla-rules/{id}", h_sla_rule_update, RF_JSON_BODY},
    {HM_DELETE, "/api/v1/sla-rules/{id}", h_sla_rule_delete, 0},
    {HM_GET, "/api/v1/events", h_events, 0},
    /* Open311 and the citizen page (open311/open311.h); Open311 parses its own forms. */
    {HM_GET, "/api/v1/api-keys", h_apikeys_list, 0},
    {HM_POST, "/api/v1/api-keys", h_apikey_create, RF_JSON_BODY},
    {HM_DELETE, "/api/v1/api-keys/{id}", h_apikey_revoke, 0},
    {HM_GET, "/api/v1/categories/{id}/attributes", h_category_attrs_get, 0},
    {HM_PUT, "/api/v1/categories/{id}/attributes", h_category_attrs_put, RF_JSON_BODY},
    {HM_GET, "/api/v1/categories/{id}/service", h_category_service_get, 0},
    {HM_PUT, "/api/v1/categories/{id}/service", h_category_service_put, RF_JSON_BODY},
    {HM_GET, "/api/v1/tickets/{number}/attributes", h_ticket_attrs_get, 0},
    {HM_POST, "/api/v1/public/requests", h_public_submit, RF_PUBLIC | RF_JSON_BODY},
    {HM_POST, "/api/v1/public/lookup", h_public_lookup, RF_PUBLIC | RF_JSON_BODY},
    {HM_GET | HM_HEAD, "/open311/v2/{doc}", h_o311_doc, RF_PUBLIC},
    {HM_POST, "/open311/v2/{doc}", h_o311_post, RF_PUBLIC},
    {HM_GET | HM_HEAD, "/open311/v2/services/{code}", h_o311_service, RF_PUBLIC},
    {HM_GET | HM_HEAD, "/open311/v2/requests/{id}", h_o311_request, RF_PUBLIC},
    {HM_GET | HM_HEAD, "/open311/v2/tokens/{token}", h_o311_token, RF_PUBLIC},
    {~0u, "/open311/v2/{doc}", h_o311_other, RF_PUBLIC},
    {~0u, "/open311/v2/{kind}/{id}", h_o311_other, RF_PUBLIC},
    {HM_GET, "/api/v1/audit", h_audit_list, 0},
    /* issue 7: unit assessment (api/assess.c, docs/ASSESSMENT.md) */
    {HM_GET, "/api/v1/stats/assessment", h_assess_list, 0},
    {HM_GET, "/api/v1/stats/assessment/export", h_assess_export, 0},
    {HM_GET, "/api/v1/stats/assessment/units/{id}", h_assess_unit, 0},
    {HM_GET, "/api/v1/stats/assessment/units/{id}/tickets", h_assess_tickets, 0},
    {HM_GET, "/api/v1/stats/weights", h_weights_get, 0},
    {HM_PUT, "/api/v1/stats/weights", h_weights_put, RF_JSON_BODY},
    /* issue 7: operations statistics and hot topics (api/stats_ops.c) */
    {HM_GET, "/api/v1/stats/overview", h_stats_overview, 0},
    {HM_GET, "/api/v1/stats/volume", h_stats_volume, 0},
    {HM_GET, "/api/v1/stats/agents", h_stats_agents, 0},
    {HM_GET, "/api/v1/stats/hot", h_stats_hot, 0},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

/* Metric labels name a route by its pattern with ":name" placeholders
   (/api/v1/tickets/:number), which label parsers take without fuss. */
const char *const *api_route_names(size_t *n)
{
    static char buf[N_ROUTES][96];
    static const char *names[N_ROUTES];
    for (size_t i = 0; i < N_ROUTES; i++) {
        size_t o = 0;
        for (const char *p = routes[i].pattern; *p && o + 1 < sizeof buf[i]; p++)
            if (*p == '{')
                buf[i][o++] = ':';
            else if (*p != '}')
                buf[i][o++] = *p;
        buf[i][o] = '\0';
        names[i] = buf[i];
    }
    *n = N_ROUTES;
    return names;
}

const char *api_bearer(const char *authorization)
{
    const char *h = authorization;
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ' || *h == '\t')
        h++;
    return h;
}

/* The session token from "Authorization: Bearer" or else the cookie;
   *by_cookie tells which. */
static const char *session_token(struct request *r, bool *by_cookie)
{
    const char *t = api_bearer(request_header(r, "Authorization"));
    *by_cookie = !t;
    return t ? t : request_cookie(r, "rexian_session");
}

/* Authenticates the request; replies 401 and returns -1 if it cannot. */
static int authenticate(struct request *r)
{
    struct app_error e;
    const char *key = request_header(r, "X-Api-Key");
    bool by_cookie = false;
    const char *token = session_token(r, &by_cookie);
    if (token) {
        if (app_session_user(api_store(r), token, &r->user, &e) != APP_OK) {
            api_reply_app_error(r, &e);
            return -1;
        }
        r->authed = true;
        /* CSRF: a browser sends the cookie on its own, but a cross-site page
           cannot add a custom header without a CORS preflight we never
           grant. So a cookie-authenticated write must carry X-Requested-With.
           Any other Authorization header (Basic, sent by a browser on its own
           when a proxy asks for it) does not count as a custom header. */
        const char *xrw = request_header(r, "X-Requested-With");
        if (by_cookie && r->method != HM_GET && r->method != HM_HEAD && (!xrw || !*xrw)) {
            reply_error(r, 403, "forbidden",
                        "a cookie-authenticated write needs the X-Requested-With header", NULL);
            return -1;
        }
        return 0;
    }
    if (key) {
        if (app_apikey_check(api_store(r), key, &r->apikey_id, &e) != APP_OK) {
            api_reply_app_error(r, &e);
            return -1;
        }
        r->authed = true;
        return 0;
    }
    reply_error(r, 401, "unauthenticated", "authentication required", NULL);
    return -1;
}

/* True if the Content-Type names JSON (parameters such as charset allowed). */
static bool is_json_type(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    size_t n = strlen("application/json");
    return strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parses the body as one JSON object; replies 4xx and returns -1 if it is not. */
static int parse_body(struct request *r)
{
    if (!is_json_type(request_header(r, "Content-Type"))) {
        reply_error(r, 415, "unsupported_media_type", "the body must be application/json", NULL);
        return -1;
    }
    if (r->body_len == 0) {
        reply_error(r, 400, "invalid_json", "the request body is empty", NULL);
        return -1;
    }
    /* jansson checks UTF-8 and rejects NUL; we also want no duplicate keys. */
    json_error_t err;
    r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!r->json) {
        char msg[200];
        /* jansson names its own flag for a NUL; say what is wrong instead. */
        const char *why = json_error_code(&err) == json_error_null_character
                              ? "\\u0000 (NUL) is not allowed in a string"
                              : err.text;
        snprintf(msg, sizeof msg, "malformed JSON at line %d column %d: %s", err.line,
                 err.column, why);
        /* jansson's text is ASCII; keep the message valid UTF-8 regardless. */
        if (!utf8_valid(msg, strlen(msg)))
            snprintf(msg, sizeof msg, "malformed JSON");
        reply_error(r, 400, "invalid_json", msg, NULL);
        return -1;
    }
    if (!json_is_object(r->json)) {
        reply_error(r, 400, "invalid_json", "the body must be a JSON object", NULL);
        return -1;
    }
    return 0;
}

static void handle(struct request *r, int i)
{
    if (!(routes[i].flags & RF_PUBLIC) && authenticate(r) != 0)
        return;
    if ((routes[i].flags & RF_JSON_BODY) && parse_body(r) != 0)
        return;
    routes[i].fn(r);
    api_audit_after(r); /* an admin change the handler did not log itself */
}

void api_dispatch(struct request *r)
{
    bool known = false;
    int i = router_match(routes, N_ROUTES, r, &known);
    if (i < 0 && !known && (r->method & (HM_GET | HM_HEAD)) &&
        strncmp(r->path, "/api/", 5) != 0 && strncmp(r->path, "/open311/", 9) != 0 &&
        static_serve(r, r->cfg->web_root) == 0)
        return;
    if (i < 0) {
        if (known)
            reply_error(r, 405, "method_not_allowed", "method not allowed here", NULL);
        else
            reply_error(r, 404, "not_found", "no such resource", NULL);
        return;
    }
    r->route = &routes[i];
    r->route_index = i;
    /* Group commit (store.h): the thread's writes do not wait for the disk;
       the answer does, while the thread serves others. */
    struct store *s = api_store(r);
    struct store_conn *c = store_conn_get(s);
    if (c) {
        r->hold = true;
        store_defer_durable(c, true);
    }
    handle(r, i);
    if (!c)
        return;
    store_defer_durable(c, false);
    uint64_t ticket = store_take_pending(c);
    if (ticket) {
        request_wait(r); /* first: the wake may come as soon as it is asked for */
        int fate = store_when_durable(s, ticket, request_wake, r);
        if (fate != 0)
            request_wake(r, fate > 0);
    }
}

void api_actor(struct request *r, struct actor *a)
{
    memset(a, 0, sizeof *a);
    if (!r->authed || r->apikey_id)
        return;
    a->user_id = r->user.id;
    a->name = r->user.name;
    a->role = r->user.role;
    a->unit_id = r->user.unit_id;
    a->unit_path = r->user.unit_path;
}

bool api_require_role(struct request *r, unsigned roles)
{
    if (r->authed && !r->apikey_id && (r->user.role & roles))
        return true;
    reply_error(r, 403, "forbidden", "your role may not do this", NULL);
    return false;
}

void api_reply_app_error(struct request *r, const struct app_error *e)
{
    switch (e->code) {
    case APP_INVALID:
        reply_error(r, 400, "invalid_argument", e->message, e->field);
        return;
    case APP_UNAUTH:
        reply_error(r, 401, "unauthenticated", e->message, NULL);
        return;
    case APP_FORBIDDEN:
        reply_error(r, 403, "forbidden", e->message, e->field);
        return;
    case APP_NOTFOUND:
        reply_error(r, 404, "not_found", e->message, e->field);
        return;
    case APP_CONFLICT:
        reply_error(r, 409, "conflict", e->message, e->field);
        return;
    case APP_TRANSITION: {
        json_t *extra = json_pack("{s:o}", "allowed", jout_actions(e->allowed));
        reply_error_extra(r, 409, "invalid_transition", e->message, NULL, extra);
        return;
    }
    case APP_BUSY:
        reply_header(r, "Retry-After", "1");
        reply_error(r, 503, "unavailable", e->message, NULL);
        return;
    default:
        reply_error(r, 500, "internal", "internal error", NULL);
        return;
    }
}

void api_reply_store_error(struct request *r, int rc, const char *what)
{
    struct app_error e;
    app_store_fail(&e, rc, what);
    api_reply_app_error(r, &e);
}

int64_t api_path_id(struct request *r, int param, const char *what)
{
    const char *s = r->params[param];
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10) {
            v = 0;
            break;
        }
        v = v * 10 + (*p - '0');
    }
    if (v <= 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s not found", what);
        reply_error(r, 404, "not_found", msg, NULL);
        return 0;
    }
    return v;
}
