/*
 * o311.c - the Open311 side's settings, formats, error answers, parameter
 * access and abuse limits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/validate.h"
#include "http/client.h"
#include "http/ratelimit.h"
#include "open311/o311.h"

#define RATELIMIT_KEYS 65536

int open311_ctx_init(struct open311_ctx *x)
{
    memset(x, 0, sizeof *x);
    x->jurisdiction = OPEN311_DEFAULT_JURISDICTION;
    x->contact = "12345";
    x->key_per_min = 60;
    x->ip_per_min = 600;
    x->submit_per_hour = 20;
    x->lookup_per_hour = 60;
    x->misses_per_hour = 10;
    x->rl = ratelimit_new(RATELIMIT_KEYS);
    return x->rl ? 0 : -1;
}

void open311_ctx_release(struct open311_ctx *x)
{
    if (!x)
        return;
    ratelimit_free(x->rl);
    x->rl = NULL;
}

const struct open311_ctx *o311_ctx(struct request *r)
{
    static const struct open311_ctx defaults = {.jurisdiction = OPEN311_DEFAULT_JURISDICTION,
                                                .contact = "12345"};
    const struct open311_ctx *x = api_of(r)->open311;
    return x ? x : &defaults;
}

int o311_split(const char *seg, char *out, size_t outlen)
{
    const char *dot = strrchr(seg, '.');
    if (!dot || dot == seg)
        return -1;
    int fmt;
    if (strcmp(dot, ".xml") == 0)
        fmt = FMT_XML;
    else if (strcmp(dot, ".json") == 0)
        fmt = FMT_JSON;
    else
        return -1;
    size_t n = (size_t)(dot - seg);
    if (n >= outlen)
        return -1;
    memcpy(out, seg, n);
    out[n] = '\0';
    return fmt;
}

void o311_reply(struct request *r, unsigned status, enum o311_fmt fmt, json_t *root,
                const char *root_tag)
{
    static const char oom[] = "out of memory";
    if (!root) {
        reply_bytes(r, 500, "text/plain; charset=utf-8", oom, sizeof oom - 1);
        return;
    }
    char *text;
    size_t len = 0;
    if (fmt == FMT_JSON) {
        text = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(12));
        len = text ? strlen(text) : 0;
    } else {
        text = o311_xml(root, root_tag, &len);
    }
    json_decref(root);
    if (!text) {
        reply_bytes(r, 500, "text/plain; charset=utf-8", oom, sizeof oom - 1);
        return;
    }
    /* Open311 is public and cookie-free: web apps on other sites may read it. */
    reply_header(r, "Access-Control-Allow-Origin", "*");
    reply_owned(r, status,
                fmt == FMT_JSON ? "application/json; charset=utf-8" : "text/xml; charset=utf-8",
                text, len);
}

void o311_error(struct request *r, enum o311_fmt fmt, unsigned status, const char *msgfmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, msgfmt);
    vsnprintf(msg, sizeof msg, msgfmt, ap);
    va_end(ap);
    /* Messages may quote client input that vsnprintf cut mid-character. */
    if (!utf8_valid(msg, strlen(msg)))
        snprintf(msg, sizeof msg, "invalid input");
    json_t *err = json_pack("{s:I, s:s}", "code", (json_int_t)status, "description", msg);
    json_t *list = json_array();
    if (err && list)
        json_array_append_new(list, err);
    else
        json_decref(err);
    o311_reply(r, status, fmt, list, "errors");
}

const char *o311_param(struct request *r, const struct form *f, const char *key)
{
    const char *v = f ? form_get(f, key) : NULL;
    if (!v || !*v)
        v = request_query(r, key);
    return v && *v ? v : NULL;
}

int o311_limit(struct request *r, int fmt, const char *key, unsigned burst, int64_t period_ms)
{
    const struct open311_ctx *x = o311_ctx(r);
    int wait = ratelimit_take(x->rl, key, burst, period_ms, time_now_ms());
    if (wait == 0)
        return 0;
    char s[16];
    snprintf(s, sizeof s, "%d", wait);
    reply_header(r, "Retry-After", s);
    if (fmt < 0)
        reply_error(r, 429, "rate_limited", "too many requests; try again later", NULL);
    else
        o311_error(r, (enum o311_fmt)fmt, 429, "too many requests; retry after %d seconds", wait);
    return -1;
}

int o311_common(struct request *r, enum o311_fmt fmt, const struct form *f)
{
    const struct open311_ctx *x = o311_ctx(r);
    char ip[48], key[RATELIMIT_KEY_MAX];
    request_client_addr(r, ip, sizeof ip);
    snprintf(key, sizeof key, "o311ip:%s", ip);
    if (o311_limit(r, (int)fmt, key, x->ip_per_min, 60000) != 0)
        return -1;
    const char *j = o311_param(r, f, "jurisdiction_id");
    if (j && strcmp(j, x->jurisdiction) != 0) {
        o311_error(r, fmt, 404, "unknown jurisdiction_id '%.64s'", j);
        return -1;
    }
    return 0;
}

json_t *o311_time(int64_t ms)
{
    char buf[40];
    if (!ms)
        return json_null();
    int64_t s = ms / 1000 * 1000;
    if (s > ms)
        s -= 1000;
    if (time_format_rfc3339(s, buf, sizeof buf) != 0)
        return json_null();
    return json_string(buf);
}

/* What no other Open311 route took: an unknown resource (404) or a method
   the resource does not take (405), in the Open311 error shape. */
void h_o311_other(struct request *r)
{
    char name[ROUTE_PARAM_MAX];
    int f = r->n_params ? o311_split(r->params[r->n_params - 1], name, sizeof name) : -1;
    enum o311_fmt fmt = f < 0 ? FMT_XML : (enum o311_fmt)f;
    const char *kind = r->n_params > 1 ? r->params[0] : (f < 0 ? "" : name);
    bool known = strcmp(kind, "discovery") == 0 || strcmp(kind, "services") == 0 ||
                 strcmp(kind, "requests") == 0 || (r->n_params > 1 && strcmp(kind, "tokens") == 0);
    if (r->method == HM_GET || r->method == HM_HEAD || !known || f < 0)
        o311_error(r, fmt, 404, "no such resource");
    else
        o311_error(r, fmt, 405, "method %.16s not allowed here", r->method_str);
}
