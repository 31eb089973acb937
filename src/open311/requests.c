/*
 * requests.c - GET requests, requests/{id} and tokens/{token}: tickets as
 * GeoReport service requests, with public fields only.
 *
 * Status is the spec's two: "closed" for closed and merged tickets, "open"
 * for the rest. status_notes carries the unit's reply once there is one (or
 * the center's direct answer), and names the master of a merged ticket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/redact.h"
#include "core/timeutil.h"
#include "open311/o311.h"

void h_o311_requests_list(struct request *r, enum o311_fmt fmt);

bool o311_visible(const struct ticket *t)
{
    return t->type != TT_REPORT && !t->confidential;
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* Redacted copy of text as a JSON string (null if none or out of memory). */
static json_t *public_text(const char *text, const char *const *secrets, size_t n)
{
    if (!text || !*text)
        return json_null();
    char *clean = redact_public(text, secrets, n);
    json_t *j = clean ? json_string(clean) : NULL;
    free(clean);
    return j ? j : json_null();
}

static json_t *status_notes(const struct ticket *t, const char *const *secrets, size_t n)
{
    if (t->status == ST_MERGED && t->master[0]) {
        char note[80];
        snprintf(note, sizeof note, "已并入工单 %s", t->master);
        return json_string(note);
    }
    if (t->status == ST_REPLIED || t->status == ST_CLOSED) {
        if (t->reply && *t->reply)
            return public_text(t->reply, secrets, n);
        if (t->answer && *t->answer)
            return public_text(t->answer, secrets, n);
    }
    return json_null();
}

json_t *o311_request_json(const struct ticket *t, const struct service_list *l, const char *agency,
                          const struct ticket_open311 *x)
{
    const char *secrets[] = {t->citizen_name, t->citizen_phone, x ? x->email : NULL};
    size_t ns = sizeof secrets / sizeof secrets[0];
    const struct category *k = service_list_category(l, t->category_id);
    const struct service_info *info = k ? service_list_info(l, k->id) : NULL;
    bool closed = t->status == ST_CLOSED || t->status == ST_MERGED;
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "service_request_id", json_string(t->number));
    json_object_set_new(o, "status", json_string(closed ? "closed" : "open"));
    json_object_set_new(o, "status_notes", status_notes(t, secrets, ns));
    json_object_set_new(o, "service_name", k ? json_string(k->name) : json_null());
    json_object_set_new(o, "service_code", k ? json_string(k->code) : json_null());
    json_object_set_new(o, "description", public_text(t->content, secrets, ns));
    json_object_set_new(o, "agency_responsible", str_or_null(agency));
    json_object_set_new(o, "service_notice", str_or_null(info ? info->notice : NULL));
    json_object_set_new(o, "requested_datetime", o311_time(t->created_at));
    json_object_set_new(o, "updated_datetime", o311_time(t->updated_at));
    json_object_set_new(o, "expected_datetime", o311_time(t->reply_due));
    json_object_set_new(o, "address", public_text(t->address, secrets, ns));
    json_object_set_new(o, "address_id", str_or_null(x ? x->address_id : NULL));
    json_object_set_new(o, "zipcode", json_null());
    json_object_set_new(o, "lat", t->has_location ? json_real(t->lat) : json_null());
    json_object_set_new(o, "long", t->has_location ? json_real(t->lng) : json_null());
    json_object_set_new(o, "media_url", str_or_null(x ? x->media_url : NULL));
    if (json_object_size(o) != 17) { /* a member was lost to out of memory */
        json_decref(o);
        return NULL;
    }
    return o;
}

static const char *unit_name(const struct unit *u, size_t n, int64_t id)
{
    for (size_t i = 0; id && i < n; i++)
        if (u[i].id == id)
            return u[i].name;
    return NULL;
}

/* What every request list answer needs besides the tickets. */
struct ctx {
    struct store_conn *c;
    struct service_list l;
    struct unit *units;
    size_t n_units;
};

static int ctx_load(struct request *r, struct ctx *x)
{
    struct app_error e;
    memset(x, 0, sizeof *x);
    x->c = store_conn_get(api_store(r));
    if (!x->c || app_services_load(api_store(r), &x->l, &e) != APP_OK)
        return -1;
    if (store_unit_list(x->c, &x->units, &x->n_units) != STORE_OK) {
        service_list_release(&x->l);
        return -1;
    }
    return 0;
}

static void ctx_release(struct ctx *x)
{
    service_list_release(&x->l);
    store_free_units(x->units, x->n_units);
}

/* Appends the request of ticket `number` if it exists and is public; -1 on a store failure. */
static int append_one(struct ctx *x, json_t *list, const char *number)
{
    if (!ticket_number_valid(number))
        return 0;
    struct ticket t;
    int rc = store_ticket_get(x->c, number, &t);
    if (rc == STORE_NOTFOUND)
        return 0;
    if (rc != STORE_OK)
        return -1;
    struct ticket_open311 o;
    rc = store_ticket_open311_get(x->c, t.id, &o);
    if (rc == STORE_OK || rc == STORE_NOTFOUND) {
        if (o311_visible(&t)) {
            const char *agency = unit_name(x->units, x->n_units, t.unit_id);
            json_t *j = o311_request_json(&t, &x->l, agency, rc == STORE_OK ? &o : NULL);
            if (!j || json_array_append_new(list, j) != 0)
                rc = STORE_NOMEM;
        }
        ticket_open311_release(&o);
    }
    ticket_release(&t);
    return rc == STORE_OK || rc == STORE_NOTFOUND ? 0 : -1;
}

/* A whole decimal in [min, max]; -1 if it is not one. */
static int parse_int(const char *s, long long min, long long max, long long *out)
{
    if (!s || !*s || *s == '+' || *s == '-' || *s == ' ')
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The comma-separated service_request_id list, in the order given. */
static void by_ids(struct request *r, enum o311_fmt fmt, struct ctx *x, const char *ids)
{
    json_t *list = json_array();
    int count = 0;
    const char *p = ids;
    while (list && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        if (++count > O311_MAX_RESULTS) {
            json_decref(list);
            o311_error(r, fmt, 400, "service_request_id names more than %d requests",
                       O311_MAX_RESULTS);
            return;
        }
        char number[TICKET_NUMBER_LEN + 1];
        if (n == TICKET_NUMBER_LEN) {
            memcpy(number, p, n);
            number[n] = '\0';
            if (append_one(x, list, number) != 0) {
                json_decref(list);
                o311_error(r, fmt, 500, "internal error");
                return;
            }
        }
        p += n;
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
    }
    o311_reply(r, 200, fmt, list, "service_requests");
}

/* Parses the status filter ("open", "closed" or both, comma-separated). */
static int parse_status(const char *s, int *out)
{
    bool open = false, closed = false;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (n == 4 && strncmp(s, "open", 4) == 0)
            open = true;
        else if (n == 6 && strncmp(s, "closed", 6) == 0)
            closed = true;
        else
            return -1;
        s += n + (comma ? 1 : 0);
    }
    *out = open == closed ? 0 : open ? 1 : 2;
    return 0;
}

void h_o311_requests_list(struct request *r, enum o311_fmt fmt)
{
    struct ctx x;
    if (ctx_load(r, &x) != 0) {
        o311_error(r, fmt, 500, "internal error");
        return;
    }
    const char *ids = o311_param(r, NULL, "service_request_id");
    if (ids) {
        by_ids(r, fmt, &x, ids);
        ctx_release(&x);
        return;
    }
    struct public_filter f = {0};
    const char *code = o311_param(r, NULL, "service_code");
    const char *start = o311_param(r, NULL, "start_date");
    const char *end = o311_param(r, NULL, "end_date");
    const char *status = o311_param(r, NULL, "status");
    const char *page = o311_param(r, NULL, "page");
    const char *size = o311_param(r, NULL, "page_size");
    long long pg = 1, ps = O311_MAX_RESULTS;
    int64_t now = time_now_ms();
    const struct category *k = code ? service_list_find(&x.l, code) : NULL;
    if (code && !k)
        o311_error(r, fmt, 404, "unknown service_code '%.64s'", code);
    else if (start && time_parse_rfc3339(start, &f.from) != 0)
        o311_error(r, fmt, 400, "start_date must be a W3C datetime");
    else if (end && time_parse_rfc3339(end, &f.to) != 0)
        o311_error(r, fmt, 400, "end_date must be a W3C datetime");
    else if (status && parse_status(status, &f.status) != 0)
        o311_error(r, fmt, 400, "status must be open, closed or both");
    else if (page && parse_int(page, 1, 1000000, &pg) != 0)
        o311_error(r, fmt, 400, "page must be a whole number from 1");
    else if (size && parse_int(size, 1, O311_MAX_RESULTS, &ps) != 0)
        o311_error(r, fmt, 400, "page_size must be a whole number from 1 to %d", O311_MAX_RESULTS);
    if (r->replied) {
        ctx_release(&x);
        return;
    }
    /* The window: as given, or 90 days back from the end (now by default). */
    if (!start && !end) {
        f.to = now;
        f.from = now - O311_MAX_SPAN_MS;
    } else if (!start) {
        f.from = f.to - O311_MAX_SPAN_MS;
    } else if (!end) {
        f.to = f.from + O311_MAX_SPAN_MS;
    }
    if (f.to < f.from) {
        ctx_release(&x);
        o311_error(r, fmt, 400, "end_date is before start_date");
        return;
    }
    if (f.to - f.from > O311_MAX_SPAN_MS) {
        ctx_release(&x);
        o311_error(r, fmt, 400, "start_date and end_date may not span more than 90 days");
        return;
    }
    f.category_id = k ? k->id : 0;
    f.limit = (int)ps;
    f.offset = (int)((pg - 1) * ps);
    struct ticket *t = NULL;
    struct ticket_open311 *ex = NULL;
    size_t n = 0;
    if (store_public_ticket_list(x.c, &f, &t, &ex, &n) != STORE_OK) {
        ctx_release(&x);
        o311_error(r, fmt, 500, "internal error");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        const char *agency = unit_name(x.units, x.n_units, t[i].unit_id);
        json_t *j = o311_request_json(&t[i], &x.l, agency, &ex[i]);
        if (!j || json_array_append_new(list, j) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    store_free_public(t, ex, n);
    ctx_release(&x);
    o311_reply(r, 200, fmt, list, "service_requests");
}

void h_o311_request(struct request *r)
{
    char id[ROUTE_PARAM_MAX];
    int f = o311_split(r->params[0], id, sizeof id);
    enum o311_fmt fmt = f < 0 ? FMT_XML : (enum o311_fmt)f;
    if (f < 0) {
        o311_error(r, fmt, 404, "unknown format: use .xml or .json");
        return;
    }
    if (o311_common(r, fmt, NULL) != 0)
        return;
    struct ctx x;
    if (ctx_load(r, &x) != 0) {
        o311_error(r, fmt, 500, "internal error");
        return;
    }
    json_t *list = json_array();
    int rc = list ? append_one(&x, list, id) : -1;
    ctx_release(&x);
    if (rc != 0) {
        json_decref(list);
        o311_error(r, fmt, 500, "internal error");
    } else if (json_array_size(list) == 0) {
        json_decref(list);
        o311_error(r, fmt, 404, "unknown service_request_id '%.64s'", id);
    } else {
        o311_reply(r, 200, fmt, list, "service_requests");
    }
}

void h_o311_token(struct request *r)
{
    char token[ROUTE_PARAM_MAX];
    int f = o311_split(r->params[0], token, sizeof token);
    enum o311_fmt fmt = f < 0 ? FMT_XML : (enum o311_fmt)f;
    if (f < 0) {
        o311_error(r, fmt, 404, "unknown format: use .xml or .json");
        return;
    }
    if (o311_common(r, fmt, NULL) != 0)
        return;
    struct store_conn *c = store_conn_get(api_store(r));
    char number[TICKET_NUMBER_LEN + 1];
    int rc = c ? store_ticket_by_token(c, token, number) : STORE_ERROR;
    if (rc == STORE_NOTFOUND) {
        o311_error(r, fmt, 404, "unknown token '%.64s'", token);
        return;
    }
    if (rc != STORE_OK) {
        o311_error(r, fmt, 500, "internal error");
        return;
    }
    json_t *list = json_pack("[{s:s, s:s}]", "service_request_id", number, "token", token);
    o311_reply(r, 200, fmt, list, "service_requests");
}
