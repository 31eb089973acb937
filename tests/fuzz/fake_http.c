/*
 * fake_http.c - stands in for src/http/server.c in the unit fuzz targets.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_http.h"

static struct {
    const struct fake_kv *t[3];
    size_t n[3];
} g;

enum { QUERY, HEADER, COOKIE };

void fake_begin(struct request *r, const struct fake_kv *query, size_t nq,
                const struct fake_kv *headers, size_t nh, const struct fake_kv *cookies,
                size_t nc)
{
    memset(r, 0, sizeof *r);
    r->route_index = -1;
    r->method = HM_POST;
    r->method_str = "POST";
    r->path = "/fuzz";
    memcpy(r->id, "fuzz", 5);
    g.t[QUERY] = query;
    g.n[QUERY] = nq;
    g.t[HEADER] = headers;
    g.n[HEADER] = nh;
    g.t[COOKIE] = cookies;
    g.n[COOKIE] = nc;
}

void fake_end(struct request *r)
{
    json_decref(r->json);
    r->json = NULL;
    user_release(&r->user);
    for (int i = 0; i < r->n_hdr; i++) {
        free(r->hdr_name[i]);
        free(r->hdr_value[i]);
    }
    r->n_hdr = 0;
    memset(&g, 0, sizeof g);
}

size_t fake_split(const char *data, size_t len, char *buf, struct fake_kv *out, char sep)
{
    memcpy(buf, data, len);
    buf[len] = '\0';
    size_t n = 0;
    char *p = buf, *end = buf + len;
    while (p <= end && n < FAKE_MAX) {
        char *next = memchr(p, sep, (size_t)(end - p));
        if (next)
            *next = '\0';
        char *eq = strchr(p, '=');
        if (eq)
            *eq = '\0';
        out[n].key = p;
        out[n].value = eq ? eq + 1 : "";
        n++;
        if (!next)
            break;
        p = next + 1;
    }
    return n;
}

static const char *find(int kind, const char *key, int (*cmp)(const char *, const char *))
{
    for (size_t i = 0; i < g.n[kind]; i++)
        if (cmp(g.t[kind][i].key, key) == 0)
            return g.t[kind][i].value;
    return NULL;
}

const char *request_query(struct request *r, const char *key)
{
    (void)r;
    return find(QUERY, key, strcmp);
}

const char *request_header(struct request *r, const char *name)
{
    (void)r;
    return find(HEADER, name, strcasecmp); /* header names are case-insensitive */
}

const char *request_cookie(struct request *r, const char *name)
{
    (void)r;
    return find(COOKIE, name, strcmp);
}

const char *request_query_each(struct request *r, int (*fn)(const char *key, void *ctx), void *ctx)
{
    (void)r;
    for (size_t i = 0; i < g.n[QUERY]; i++)
        if (fn(g.t[QUERY][i].key, ctx))
            return g.t[QUERY][i].key;
    return NULL;
}

/* The daemon is never started by a unit fuzz target. */
struct server *server_start(const struct server_config *cfg, void *app, dispatch_fn dispatch)
{
    (void)cfg;
    (void)app;
    (void)dispatch;
    return NULL;
}

void server_stop(struct server *s, unsigned grace_ms)
{
    (void)s;
    (void)grace_ms;
}

unsigned server_in_flight(struct server *s)
{
    (void)s;
    return 0;
}

/* No unit fuzz target dispatches a write: nothing is ever held. */
void request_wait(struct request *r)
{
    (void)r;
}

void request_wake(void *r, bool ok)
{
    (void)r;
    (void)ok;
}
