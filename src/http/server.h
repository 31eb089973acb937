/*
 * server.h - the HTTP server (libmicrohttpd) and the request a handler sees.
 *
 * A handler gets a fully read request (body collected up to the configured
 * limit, query string available) and answers it by calling exactly one of
 * the reply_* functions of http/reply.h. Everything a request allocates is
 * freed when libmicrohttpd reports the request completed.
 */
#ifndef REXIAN_HTTP_SERVER_H
#define REXIAN_HTTP_SERVER_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

enum http_method {
    HM_GET = 1 << 0,
    HM_POST = 1 << 1,
    HM_PATCH = 1 << 2,
    HM_PUT = 1 << 3,
    HM_DELETE = 1 << 4,
    HM_HEAD = 1 << 5,
    HM_OTHER = 1 << 6
};

struct server_config {
    const char *listen_host; /* numeric IPv4/IPv6 address */
    unsigned short port;
    unsigned threads;        /* 0 = number of cores */
    size_t body_limit;       /* bytes */
    unsigned conn_limit;     /* connections in all */
    unsigned per_ip_limit;   /* connections per client address */
    unsigned timeout_s;      /* idle connection timeout */
    int64_t session_ttl_ms;
    bool access_log;         /* JSON lines on stderr */
    const char *web_root;    /* static files; NULL = none */
    /* issue 9: hostile clients */
    size_t header_limit;     /* bytes a connection may hold for the request head (0 = 64 KiB) */
    unsigned request_timeout_s; /* whole request head and body must arrive in this; 0 = off */
    bool trust_proxy;        /* believe X-Forwarded-For / X-Forwarded-Proto */
};

#define ROUTE_MAX_PARAMS 3
#define ROUTE_PARAM_MAX 64

struct route; /* http/router.h */
struct server;

struct request {
    struct MHD_Connection *conn;
    struct server *srv;
    void *app;        /* what the server was started with (the API's context) */
    const struct server_config *cfg;
    enum http_method method;
    const char *method_str;
    const char *path;
    char *body;
    size_t body_len, body_cap;
    json_t *json; /* the parsed body, when the route takes JSON; freed with the request */
    bool body_too_large;
    bool replied;
    const struct route *route;
    int route_index; /* for metrics; -1 if none matched */
    char params[ROUTE_MAX_PARAMS][ROUTE_PARAM_MAX];
    int n_params;
    char id[72]; /* the client's X-Request-Id (<= 64 chars) or ours */
    uint64_t start_ns;
    unsigned status;
    size_t resp_bytes;
    /* who is asking, set by the API's authentication */
    bool authed;
    struct user user;
    int64_t apikey_id;
    /* response headers added before the reply */
    char *hdr_name[4], *hdr_value[4];
    int n_hdr;
    bool audited; /* the handler wrote the change's audit row itself (api/audit.c) */
    /* Held answers: with `hold` set the reply is kept in `held` and sent
       when dispatch returns, or, after request_wait, when request_wake is
       called (the API holds a write's answer until it is durable). */
    bool hold, waiting;
    struct MHD_Response *held;
    unsigned held_status;
};

/* Called once per request, with the body read; must reply. */
typedef void (*dispatch_fn)(struct request *r);

/*
 * Starts the daemon and returns at once; `app` is handed to every handler as
 * r->app. Returns NULL (and logs why) if it cannot listen.
 */
struct server *server_start(const struct server_config *cfg, void *app, dispatch_fn dispatch);

/* Stops accepting, waits up to grace_ms for requests in flight, then stops. */
void server_stop(struct server *s, unsigned grace_ms);

/* Requests being handled or answered right now. */
unsigned server_in_flight(struct server *s);

/*
 * From inside dispatch, after replying with r->hold set: the answer is not
 * sent when dispatch returns but when request_wake(r, ok) is called, from
 * any thread; the worker thread is free meanwhile (the connection is
 * suspended). With !ok the answer is replaced by a 503 (the writes it
 * reports were lost). request_wake may come at once, even before dispatch
 * returns.
 */
void request_wait(struct request *r);
void request_wake(void *r, bool ok);

/* The query-string value of `key`, or NULL. Borrowed, valid during the request. */
const char *request_query(struct request *r, const char *key);
/* A request header, or NULL. */
const char *request_header(struct request *r, const char *name);
/* A cookie value, or NULL. */
const char *request_cookie(struct request *r, const char *name);

/* Calls fn for each query-string key; stops and returns the key when fn returns non-zero. */
const char *request_query_each(struct request *r, int (*fn)(const char *key, void *ctx), void *ctx);

#endif
