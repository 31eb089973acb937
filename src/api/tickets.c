/*
 * tickets.c - /api/v1/tickets: register, list, fetch, history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/sla.h"
#include "core/timeutil.h"
#include "core/validate.h"

#define CENTER_ROLES (ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN)

int api_ticket_input_decode(struct request *r, json_t *b, struct ticket_input *out)
{
    static const char *const keys[] = {"channel", "type",    "urgency", "citizen",
                                       "title",   "content", "address", "area",
                                       "lat",     "lng",     "category_id", NULL};
    static const char *const ckeys[] = {"name", "phone", "anonymous", "confidential", NULL};
    struct ticket_input in = {0};
    int ch, ty, ur = URG_NORMAL, anon = -1, conf = -1;
    bool has_lat = false, has_lng = false;
    if (jin_keys(r, b, NULL, keys) ||
        jin_enum(r, b, "channel", "channel", true, channel_parse,
                 "phone, web, app, wechat, open311, email, letter", &ch) ||
        jin_enum(r, b, "type", "type", true, ticket_type_parse,
                 "consult, help, complaint, report, suggestion, praise", &ty) ||
        jin_enum(r, b, "urgency", "urgency", false, urgency_parse, "normal, urgent, emergency",
                 &ur) ||
        jin_string(r, b, "title", "title", true, 800, &in.title) ||
        jin_string(r, b, "content", "content", true, 8000, &in.content) ||
        jin_string(r, b, "address", "address", false, 500, &in.address) ||
        jin_string(r, b, "area", "area", false, 32, &in.area) ||
        jin_number(r, b, "lat", "lat", false, -90, 90, &in.lat, &has_lat) ||
        jin_number(r, b, "lng", "lng", false, -180, 180, &in.lng, &has_lng) ||
        jin_int(r, b, "category_id", "category_id", false, 1, INT64_MAX / 2, &in.category_id))
        return -1;
    if (utf8_length(in.title) > 200) {
        reply_error(r, 400, "invalid_argument", "title is too long (max 200 characters)", "title");
        return -1;
    }
    if (has_lat != has_lng) {
        reply_error(r, 400, "invalid_argument", "lat and lng go together",
                    has_lat ? "lng" : "lat");
        return -1;
    }
    json_t *cz = json_object_get(b, "citizen");
    if (cz && !json_is_null(cz)) {
        if (!json_is_object(cz)) {
            reply_error(r, 400, "invalid_argument", "citizen must be an object", "citizen");
            return -1;
        }
        if (jin_keys(r, cz, "citizen", ckeys) ||
            jin_string(r, cz, "name", "citizen.name", false, 100, &in.citizen_name) ||
            jin_string(r, cz, "phone", "citizen.phone", false, 32, &in.citizen_phone) ||
            jin_bool(r, cz, "anonymous", "citizen.anonymous", false, &anon) ||
            jin_bool(r, cz, "confidential", "citizen.confidential", false, &conf))
            return -1;
        if (in.citizen_phone && !phone_valid(in.citizen_phone)) {
            reply_error(r, 400, "invalid_argument",
                        "citizen.phone is not a valid phone number", "citizen.phone");
            return -1;
        }
    }
    in.channel = ch;
    in.type = ty;
    in.urgency = ur < 0 ? URG_NORMAL : ur;
    in.anonymous = anon == 1;
    in.confidential = conf == 1;
    in.has_location = has_lat;
    *out = in;
    return 0;
}

void h_tickets_create(struct request *r)
{
    if (!api_require_role(r, ROLE_AGENT | ROLE_SUPERVISOR))
        return;
    struct ticket_input in;
    if (api_ticket_input_decode(r, r->json, &in) != 0)
        return;
    struct actor a;
    api_actor(r, &a);
    struct ticket t;
    struct app_error e;
    if (app_ticket_create(api_store(r), &a, &in, &t, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    /* What follows reads units and other tickets, never the new row: the
       group commit's batch may stay open for the next writers (store.h). */
    struct store_conn *c = store_conn_get(api_store(r));
    if (c)
        store_skip_own_writes(c, true);
    unsigned allowed = app_ticket_allowed(api_store(r), &a, &t);
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_object_begin(&w);
    jout_ticket_members(&w, &t, a.role, time_now_ms(), allowed);
    /* candidate repeats of the new ticket, for the agent to merge or not */
    json_t *similar = api_similar_json(r, &a, &t, 5);
    if (c)
        store_skip_own_writes(c, false);
    jsonw_key(&w, "similar");
    jsonw_json(&w, similar);
    json_decref(similar);
    jsonw_object_end(&w);
    reply_jsonw(r, 201, &w);
    ticket_release(&t);
}

void h_ticket_get(struct request *r)
{
    struct actor a;
    api_actor(r, &a);
    if (!a.role) {
        reply_error(r, 403, "forbidden", "an API key cannot read tickets here", NULL);
        return;
    }
    struct ticket t;
    struct app_error e;
    if (app_ticket_get(api_store(r), &a, r->params[0], &t, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    unsigned allowed = app_ticket_allowed(api_store(r), &a, &t);
    jout_ticket_reply(r, 200, &t, a.role, time_now_ms(), allowed);
    ticket_release(&t);
}

void h_ticket_events(struct request *r)
{
    struct actor a;
    api_actor(r, &a);
    if (!a.role) {
        reply_error(r, 403, "forbidden", "an API key cannot read tickets here", NULL);
        return;
    }
    struct ticket t;
    struct app_error e;
    if (app_ticket_get(api_store(r), &a, r->params[0], &t, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    struct ticket_event *ev = NULL;
    size_t n = 0;
    struct store_conn *c = store_conn_get(api_store(r));
    int rc = c ? store_event_list(c, t.id, &ev, &n) : STORE_ERROR;
    ticket_release(&t);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "events");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, jout_event(&ev[i]));
    store_free_events(ev, n);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Parses "k.i" (two decimal integers) as a keyset cursor. */
static int parse_cursor(const char *s, int64_t *key, int64_t *id)
{
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || !dot[1] || strlen(s) > 42)
        return -1;
    char a[24], b[24];
    size_t la = (size_t)(dot - s), lb = strlen(dot + 1);
    if (la >= sizeof a || lb >= sizeof b)
        return -1;
    memcpy(a, s, la);
    a[la] = '\0';
    memcpy(b, dot + 1, lb + 1);
    char *end;
    /* A relevance cursor's key (an encoded rank) may be negative. */
    for (const char *p = a + (a[0] == '-' && a[1]); *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    for (const char *p = b; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    *key = strtoll(a, &end, 10);
    *id = strtoll(b, &end, 10);
    return *id > 0 ? 0 : -1;
}

/* Parses a comma list of states into a mask. */
static int parse_statuses(const char *s, unsigned *mask)
{
    *mask = 0;
    char buf[160];
    if (strlen(s) >= sizeof buf)
        return -1;
    memcpy(buf, s, strlen(s) + 1);
    char *p = buf;
    while (p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        int st = status_parse(p);
        if (st < 0)
            return -1;
        *mask |= 1u << st;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* The two parsers above, for the fuzz targets (api.h). */
int api_parse_cursor(const char *s, int64_t *key, int64_t *id)
{
    return parse_cursor(s, key, id);
}

int api_parse_statuses(const char *s, unsigned *mask)
{
    return parse_statuses(s, mask);
}

static int query_time(struct request *r, const char *key, int64_t *out)
{
    const char *s = request_query(r, key);
    if (!s)
        return 0;
    if (time_parse_rfc3339(s, out) != 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be an RFC 3339 time or a date (YYYY-MM-DD)", key);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    return 0;
}

static int query_enum(struct request *r, const char *key, int (*parse)(const char *), int *out)
{
    const char *s = request_query(r, key);
    if (!s)
        return 0;
    *out = parse(s);
    if (*out < 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown %s", key);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    return 0;
}

int api_ticket_filter_parse(struct request *r, const struct actor *a, bool paging,
                            struct ticket_filter *f)
{
    ticket_filter_init(f);
    f->now = time_now_ms();
    int64_t limit = 50;
    const char *s;
    if ((s = request_query(r, "status")) && parse_statuses(s, &f->status_mask) != 0) {
        reply_error(r, 400, "invalid_argument", "unknown status in the list", "status");
        return -1;
    }
    if (qin_id(r, "unit_id", &f->unit_id) || qin_id(r, "category_id", &f->category_id) ||
        query_enum(r, "type", ticket_type_parse, &f->type) ||
        query_enum(r, "channel", channel_parse, &f->channel) ||
        query_enum(r, "sla", sla_level_parse, &f->sla) || query_time(r, "from", &f->from) ||
        query_time(r, "to", &f->to) || (paging && qin_int(r, "limit", 1, 200, &limit)) ||
        api_search_text(r, "q", &f->q))
        return -1;
    f->limit = (int)limit;
    if (f->q)
        f->sort = SORT_RANK; /* the best matches first, unless sort says otherwise */
    if ((s = request_query(r, "phone"))) {
        if (!(a->role & CENTER_ROLES)) {
            reply_error(r, 403, "forbidden", "only the center may search by phone", "phone");
            return -1;
        }
        if (!phone_valid(s)) {
            reply_error(r, 400, "invalid_argument", "phone is not a valid phone number", "phone");
            return -1;
        }
        f->phone = s;
    }
    if ((s = request_query(r, "sort"))) {
        if (strcmp(s, "due") == 0)
            f->sort = SORT_DUE;
        else if (strcmp(s, "newest") == 0)
            f->sort = SORT_NEWEST;
        else if (strcmp(s, "relevance") != 0 || !f->q) {
            reply_error(r, 400, "invalid_argument",
                        "sort must be newest or due (or relevance, with q)", "sort");
            return -1;
        }
    }
    if (paging && (s = request_query(r, "after"))) {
        if (parse_cursor(s, &f->after_key, &f->after_id) != 0) {
            reply_error(r, 400, "invalid_argument", "after is not a cursor from this list",
                        "after");
            return -1;
        }
        f->has_cursor = true;
    }
    if ((s = request_query(r, "extension_pending"))) {
        if (strcmp(s, "true") == 0)
            f->extension_pending = 1;
        else if (strcmp(s, "false") == 0)
            f->extension_pending = 0;
        else {
            reply_error(r, 400, "invalid_argument", "extension_pending must be true or false",
                        "extension_pending");
            return -1;
        }
    }
    if (!(a->role & CENTER_ROLES)) {
        f->scope_path = a->unit_path;
        f->scope_unit_id = a->unit_id;
    }
    return 0;
}

void h_tickets_list(struct request *r)
{
    static const char *const params[] = {"status", "unit_id", "category_id", "type", "channel",
                                         "sla",    "phone",   "from",        "to",   "sort",
                                         "limit",  "after",   "q",           "extension_pending",
                                         NULL};
    struct actor a;
    api_actor(r, &a);
    if (!a.role) {
        reply_error(r, 403, "forbidden", "an API key cannot list tickets here", NULL);
        return;
    }
    if (qin_only(r, params))
        return;
    struct ticket_filter f;
    if (api_ticket_filter_parse(r, &a, true, &f) != 0)
        return;
    struct ticket *items = NULL;
    int64_t *keys = NULL;
    size_t n = 0;
    bool more = false;
    char **snippets = NULL;
    struct store_conn *c = store_conn_get(api_store(r));
    int64_t resume = 0; /* a search that read its budget of hits goes on below this id */
    int rc = c ? store_ticket_search(c, &f, &items, &keys, &snippets, &n, &more, &resume)
               : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "tickets");
        return;
    }
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_object_begin(&w);
    jsonw_key(&w, "items");
    jsonw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(&w);
        jout_ticket_members(&w, &items[i], a.role, f.now, UINT32_MAX);
        if (snippets) {
            json_t *sn = api_snippet(snippets[i]);
            jsonw_key(&w, "snippet");
            jsonw_json(&w, sn);
            json_decref(sn);
        }
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    store_free_snippets(snippets, n);
    jsonw_key(&w, "next");
    if (more && (n || resume)) {
        char cur[48];
        if (resume)
            snprintf(cur, sizeof cur, "0.%lld", (long long)resume);
        else
            snprintf(cur, sizeof cur, "%lld.%lld", (long long)keys[n - 1],
                     (long long)items[n - 1].id);
        jsonw_string(&w, cur);
    } else {
        jsonw_null(&w);
    }
    jsonw_object_end(&w);
    store_free_tickets(items, n);
    free(keys);
    reply_jsonw(r, 200, &w);
}
