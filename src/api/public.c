/*
 * public.c - the citizen page's endpoints, no account needed:
 *   POST /api/v1/public/requests  submit a request (channel web)
 *   POST /api/v1/public/lookup    progress by ticket number + last four phone digits
 *
 * Both are limited per client address; lookups also per ticket number for
 * wrong digits, counted the same whether or not the number exists, so that
 * neither the answer nor the limit tells a guesser which numbers are real.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/validate.h"
#include "http/client.h"
#include "http/ratelimit.h"
#include "open311/o311.h"

#define PUBLIC_BODY_MAX 32768
#define HOUR_MS 3600000

/* Per-address limit for `what`; replies 429 and returns -1 when used up. */
static int limit_ip(struct request *r, const char *what, unsigned per_hour)
{
    char ip[48], key[RATELIMIT_KEY_MAX];
    request_client_addr(r, ip, sizeof ip);
    snprintf(key, sizeof key, "%s:%s", what, ip);
    return o311_limit(r, -1, key, per_hour, HOUR_MS);
}

static int small_body(struct request *r)
{
    if (r->body_len <= PUBLIC_BODY_MAX)
        return 0;
    reply_error(r, 413, "payload_too_large", "request body is too large", NULL);
    return -1;
}

/* "attributes": {"CODE": "value" | ["v", ...]} into answers (values borrowed from the body). */
static int read_answers(struct request *r, json_t *obj, struct attr_answer **out, size_t *n,
                        const char ***vals)
{
    *out = NULL;
    *vals = NULL;
    *n = 0;
    if (!obj || json_is_null(obj))
        return 0;
    if (!json_is_object(obj) || json_object_size(obj) > SERVICE_MAX_ATTRS) {
        reply_error(r, 400, "invalid_argument", "attributes must be an object of answers",
                    "attributes");
        return -1;
    }
    size_t total = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) total += json_is_array(v) ? json_array_size(v) : 1;
    if (total > 1000) {
        reply_error(r, 400, "invalid_argument", "too many answers", "attributes");
        return -1;
    }
    *out = calloc(json_object_size(obj) + 1, sizeof **out);
    *vals = calloc(total + 1, sizeof **vals);
    if (!*out || !*vals) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return -1;
    }
    size_t o = 0;
    json_object_foreach(obj, key, v)
    {
        struct attr_answer *a = &(*out)[(*n)++];
        a->code = key;
        a->values = &(*vals)[o];
        json_t *one = json_is_array(v) ? NULL : v;
        size_t count = one ? 1 : json_array_size(v);
        for (size_t i = 0; i < count; i++) {
            json_t *x = one ? one : json_array_get(v, i);
            if (!json_is_string(x)) {
                reply_error(r, 400, "invalid_argument",
                            "each answer must be a string or an array of strings", "attributes");
                return -1;
            }
            (*vals)[o++] = json_string_value(x);
            a->n++;
        }
    }
    return 0;
}

void h_public_submit(struct request *r)
{
    static const char *const keys[] = {
        "type", "service_code", "title",      "description", "address",      "name", "phone",
        "lat",  "lng",          "attributes", "anonymous",   "confidential", NULL};
    if (small_body(r) || limit_ip(r, "pubsubmit", o311_ctx(r)->submit_per_hour))
        return;
    json_t *b = r->json;
    struct citizen_submission in = {0};
    struct ticket_input *t = &in.ticket;
    int ty, anon = -1, conf = -1;
    bool has_lat = false, has_lng = false;
    const char *code = NULL;
    if (jin_keys(r, b, NULL, keys) ||
        jin_enum(r, b, "type", "type", true, ticket_type_parse,
                 "consult, help, complaint, report, suggestion, praise", &ty) ||
        jin_string(r, b, "service_code", "service_code", false, 64, &code) ||
        jin_string(r, b, "title", "title", false, 800, &t->title) ||
        jin_string(r, b, "description", "description", true, 16000, &t->content) ||
        jin_string(r, b, "address", "address", false, 2000, &t->address) ||
        jin_string(r, b, "name", "name", false, 200, &t->citizen_name) ||
        jin_string(r, b, "phone", "phone", false, 32, &t->citizen_phone) ||
        jin_number(r, b, "lat", "lat", false, -90, 90, &t->lat, &has_lat) ||
        jin_number(r, b, "lng", "lng", false, -180, 180, &t->lng, &has_lng) ||
        jin_bool(r, b, "anonymous", "anonymous", false, &anon) ||
        jin_bool(r, b, "confidential", "confidential", false, &conf))
        return;
    const char *field = NULL, *msg = NULL;
    if (utf8_length(t->content) > 4000)
        field = "description", msg = "description is too long (max 4000 characters)";
    else if (t->title && utf8_length(t->title) > 200)
        field = "title", msg = "title is too long (max 200 characters)";
    else if (t->address && utf8_length(t->address) > 500)
        field = "address", msg = "address is too long (max 500 characters)";
    else if (t->citizen_name && utf8_length(t->citizen_name) > 50)
        field = "name", msg = "name is too long (max 50 characters)";
    else if (t->citizen_phone && !phone_valid(t->citizen_phone))
        field = "phone", msg = "phone is not a valid phone number";
    else if (has_lat != has_lng)
        field = has_lat ? "lng" : "lat", msg = "lat and lng go together";
    if (field) {
        reply_error(r, 400, "invalid_argument", msg, field);
        return;
    }
    struct service_list l = {0};
    struct attr_answer *ans = NULL;
    const char **vals = NULL;
    struct service_attr *defs = NULL;
    size_t n_ans = 0, n_defs = 0;
    struct app_error e;
    char title[800];
    if (read_answers(r, json_object_get(b, "attributes"), &ans, &n_ans, &vals) != 0)
        goto done;
    if (app_services_load(api_store(r), &l, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        goto done;
    }
    const struct category *k = code ? service_list_find(&l, code) : NULL;
    if (code && !k) {
        reply_error(r, 400, "invalid_argument", "unknown service_code", "service_code");
        goto done;
    }
    if (k && app_service_attrs(api_store(r), k->id, &defs, &n_defs, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        goto done;
    }
    char m[200];
    const char *bad;
    if ((n_ans || n_defs) &&
        service_check_answers(defs, n_defs, ans, n_ans, &bad, m, sizeof m) != 0) {
        reply_error(r, 400, "invalid_argument", m, "attributes");
        goto done;
    }
    if (!t->title || text_blank(t->title)) {
        /* The first line of the description, at most 30 characters. */
        size_t i = 0, chars = 0;
        const char *d = t->content;
        while (*d == '\n' || *d == '\r' || *d == ' ' || *d == '\t')
            d++;
        while (d[i] && d[i] != '\n' && d[i] != '\r' && chars < 30 && i < sizeof title - 5) {
            i++;
            while ((d[i] & 0xC0) == 0x80)
                i++;
            chars++;
        }
        memcpy(title, d, i);
        title[i] = '\0';
        if (text_blank(title))
            snprintf(title, sizeof title, "网上诉求");
        t->title = title;
    }
    t->channel = CH_WEB;
    t->type = ty;
    t->urgency = URG_NORMAL;
    t->anonymous = anon == 1;
    t->confidential = conf == 1;
    t->has_location = has_lat;
    t->category_id = k ? k->id : 0;
    in.answers = ans;
    in.n_answers = n_ans;
    struct ticket out;
    if (app_citizen_submit(api_store(r), &in, &out, NULL, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        goto done;
    }
    const struct service_info *info = k ? service_list_info(&l, k->id) : NULL;
    char notice[600];
    if (info && info->notice[0])
        snprintf(notice, sizeof notice, "%s", info->notice);
    else
        snprintf(notice, sizeof notice,
                 "已受理，工单号 %s。请记下工单号，凭它和电话后四位查询进度。", out.number);
    reply_json(r, 201,
               json_pack("{s:s, s:s, s:s, s:s}", "number", out.number, "status",
                         status_name(out.status), "status_label", status_label_zh(out.status),
                         "service_notice", notice));
    ticket_release(&out);
done:
    service_attrs_free(defs, n_defs);
    service_list_release(&l);
    free(ans);
    free(vals);
}

void h_public_lookup(struct request *r)
{
    static const char *const keys[] = {"number", "phone_last4", NULL};
    const struct open311_ctx *x = o311_ctx(r);
    if (small_body(r) || limit_ip(r, "publookup", x->lookup_per_hour))
        return;
    const char *number = NULL, *last4 = NULL;
    if (jin_keys(r, r->json, NULL, keys) ||
        jin_string(r, r->json, "number", "number", true, 64, &number) ||
        jin_string(r, r->json, "phone_last4", "phone_last4", true, 8, &last4))
        return;
    bool digits = strlen(last4) == 4;
    for (const char *p = last4; digits && *p; p++)
        digits = *p >= '0' && *p <= '9';
    if (!digits) {
        reply_error(r, 400, "invalid_argument", "phone_last4 must be four digits", "phone_last4");
        return;
    }
    /* Wrong guesses at one number are limited whether or not it exists. */
    char miss[RATELIMIT_KEY_MAX];
    snprintf(miss, sizeof miss, "pubmiss:%.40s", number);
    int64_t now = time_now_ms();
    int wait = ratelimit_peek(x->rl, miss, x->misses_per_hour, HOUR_MS, now);
    if (wait) {
        char s[16];
        snprintf(s, sizeof s, "%d", wait);
        reply_header(r, "Retry-After", s);
        reply_error(r, 429, "rate_limited", "too many wrong attempts for this number; try later",
                    NULL);
        return;
    }
    struct ticket t;
    char *unit = NULL;
    struct app_error e;
    if (app_public_lookup(api_store(r), number, last4, &t, &unit, &e) != APP_OK) {
        if (e.code == APP_NOTFOUND)
            ratelimit_take(x->rl, miss, x->misses_per_hour, HOUR_MS, now);
        api_reply_app_error(r, &e);
        return;
    }
    const char *reply = NULL;
    if (t.status == ST_REPLIED || t.status == ST_CLOSED)
        reply = t.reply && *t.reply ? t.reply : t.answer;
    reply_json(r, 200,
               json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "number", t.number, "status",
                         status_name(t.status), "status_label", status_label_zh(t.status), "unit",
                         unit ? json_string(unit) : json_null(), "deadline", jout_time(t.reply_due),
                         "reply", reply ? json_string(reply) : json_null()));
    free(unit);
    ticket_release(&t);
}
