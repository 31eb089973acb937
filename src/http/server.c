/*
 * server.c - libmicrohttpd glue: the daemon, per-request state, body
 * collection with a hard cap, request ids, the access log and graceful stop.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "http/deadline.h"
#include "http/metrics.h"
#include "http/jsonw.h"
#include "http/reply.h"
#include "http/server.h"

struct server {
    struct MHD_Daemon *daemon;
    struct server_config cfg;
    void *app;
    dispatch_fn dispatch;
    atomic_uint in_flight;
    atomic_ullong next_id;
    unsigned id_prefix;
    struct deadline *deadline; /* request timeout watcher; NULL = off */
};

static enum http_method method_of(const char *m)
{
    if (strcmp(m, "GET") == 0)
        return HM_GET;
    if (strcmp(m, "POST") == 0)
        return HM_POST;
    if (strcmp(m, "PATCH") == 0)
        return HM_PATCH;
    if (strcmp(m, "PUT") == 0)
        return HM_PUT;
    if (strcmp(m, "DELETE") == 0)
        return HM_DELETE;
    if (strcmp(m, "HEAD") == 0)
        return HM_HEAD;
    return HM_OTHER;
}

/* A client's request id is kept if it is short and plain; otherwise we make one. */
static void set_request_id(struct server *s, struct request *r)
{
    const char *given = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Request-Id");
    if (given) {
        size_t n = strlen(given);
        bool ok = n > 0 && n <= 64;
        for (size_t i = 0; ok && i < n; i++) {
            char ch = given[i];
            ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_' || ch == '.';
        }
        if (ok) {
            memcpy(r->id, given, n + 1);
            return;
        }
    }
    unsigned long long n = atomic_fetch_add(&s->next_id, 1);
    snprintf(r->id, sizeof r->id, "%08x-%llu", s->id_prefix, n);
}

/* Appends the JSON string literal of s (escaped as http/jsonw.h does). */
static char *put_json_string(char *o, const char *s)
{
    return o + jsonw_escape(s, strlen(s), o);
}

static char *put_text(char *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o, s, n);
    return o + n;
}

/*
 * One JSON line a request on stderr. The line is built in one buffer and
 * written with one call: stderr is unbuffered, and writing it piecewise cost
 * a write(2) per fragment (per character of an escaped path).
 */
static void access_log(struct request *r, double ms)
{
    char ts[40], nums[96], stackbuf[4096];
    time_format_rfc3339(time_now_ms(), ts, sizeof ts);
    const char *user = r->authed && r->user.username ? r->user.username : NULL;
    const char *method = r->method_str ? r->method_str : "";
    const char *path = r->path ? r->path : "";
    snprintf(nums, sizeof nums, ",\"status\":%u,\"ms\":%.3f,\"bytes\":%zu", r->status, ms,
             r->resp_bytes);
    /* every escaped byte takes at most 6 */
    size_t need = 128 + strlen(ts) + 6 * (strlen(r->id) + strlen(method) + strlen(path) +
                                          (user ? strlen(user) : 0)) + strlen(nums);
    char *buf = need <= sizeof stackbuf ? stackbuf : malloc(need);
    if (!buf)
        return; /* a lost log line, not a lost request */
    char *o = buf;
    o = put_text(o, "{\"ts\":");
    o = put_json_string(o, ts);
    o = put_text(o, ",\"id\":");
    o = put_json_string(o, r->id);
    o = put_text(o, ",\"method\":");
    o = put_json_string(o, method);
    o = put_text(o, ",\"path\":");
    o = put_json_string(o, path);
    o = put_text(o, nums);
    if (user) {
        o = put_text(o, ",\"user\":");
        o = put_json_string(o, user);
    }
    o = put_text(o, "}\n");
    fwrite(buf, 1, (size_t)(o - buf), stderr); /* one locked call: lines never interleave */
    if (buf != stackbuf)
        free(buf);
}

static void request_free(struct request *r)
{
    if (r->held)
        MHD_destroy_response(r->held);
    free(r->body);
    json_decref(r->json);
    user_release(&r->user);
    for (int i = 0; i < r->n_hdr; i++) {
        free(r->hdr_name[i]);
        free(r->hdr_value[i]);
    }
    free(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct request *r = *req_cls;
    if (!r)
        return;
    double ms = (double)(time_mono_ns() - r->start_ns) / 1e6;
    if (!r->replied)
        r->status = 0; /* the client went away before an answer */
    metrics_observe(r->route_index, r->method, r->status, ms / 1000.0);
    if (s->cfg.access_log)
        access_log(r, ms);
    request_free(r);
    *req_cls = NULL;
    deadline_request_done(conn);
    atomic_fetch_sub(&s->in_flight, 1);
}

static void send_held(struct request *r)
{
    if (!r->held)
        return;
    MHD_queue_response(r->conn, r->held_status, r->held);
    MHD_destroy_response(r->held);
    r->held = NULL;
}

/* Appends an upload chunk, keeping at most body_limit bytes. */
static void take_chunk(struct request *r, const char *data, size_t len)
{
    if (r->body_too_large)
        return;
    if (r->body_len + len > r->cfg->body_limit) {
        r->body_too_large = true;
        free(r->body);
        r->body = NULL;
        r->body_len = r->body_cap = 0;
        return;
    }
    if (r->body_len + len + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 1024;
        while (cap < r->body_len + len + 1)
            cap *= 2;
        if (cap > r->cfg->body_limit + 1)
            cap = r->cfg->body_limit + 1;
        char *nb = realloc(r->body, cap);
        if (!nb) {
            /* Out of memory is answered like an oversized body: refused, nothing kept. */
            r->body_too_large = true;
            free(r->body);
            r->body = NULL;
            r->body_len = r->body_cap = 0;
            return;
        }
        r->body = nb;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    struct server *s = cls;
    struct request *r = *req_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        atomic_fetch_add(&s->in_flight, 1);
        r->conn = conn;
        r->srv = s;
        r->app = s->app;
        r->cfg = &s->cfg;
        r->method_str = method;
        r->method = method_of(method);
        r->path = url;
        r->route_index = -1;
        r->start_ns = time_mono_ns();
        set_request_id(s, r);
        *req_cls = r;
        /* A declared length far past the limit is refused before it is read. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end = NULL;
            unsigned long long n = strtoull(cl, &end, 10);
            if (end && *end == '\0' && n > (unsigned long long)s->cfg.body_limit * 16) {
                r->body_too_large = true;
                reply_error(r, 413, "payload_too_large", "request body is too large", NULL);
                return MHD_YES;
            }
        }
        return MHD_YES;
    }
    if (r->waiting) { /* resumed by request_wake: the held answer goes out */
        r->waiting = false;
        send_held(r);
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->replied)
            take_chunk(r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    deadline_request_read(conn); /* all of it is in: no more clock for this request */
    if (r->replied)
        return MHD_YES;
    if (r->body_too_large) {
        reply_error(r, 413, "payload_too_large", "request body is too large", NULL);
        return MHD_YES;
    }
    s->dispatch(r);
    if (!r->replied) /* defensive: every handler replies */
        reply_error(r, 500, "internal", "internal error", NULL);
    if (!r->waiting)
        send_held(r);
    return MHD_YES;
}

void request_wait(struct request *r)
{
    r->waiting = true;
    MHD_suspend_connection(r->conn);
}

void request_wake(void *arg, bool ok)
{
    struct request *r = arg;
    if (!ok) { /* what the answer reports was not kept: say so instead */
        if (r->held)
            MHD_destroy_response(r->held);
        r->held = NULL;
        r->replied = false;
        reply_header(r, "Retry-After", "1");
        reply_error(r, 503, "unavailable", "the change could not be saved; nothing was stored", NULL);
    }
    MHD_resume_connection(r->conn);
}

struct server *server_start(const struct server_config *cfg, void *app, dispatch_fn dispatch)
{
    struct server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cfg = *cfg;
    s->app = app;
    s->dispatch = dispatch;
    unsigned char rnd[4];
    FILE *ur = fopen("/dev/urandom", "rb");
    if (ur && fread(rnd, 1, 4, ur) == 4)
        s->id_prefix = (unsigned)rnd[0] << 24 | (unsigned)rnd[1] << 16 | (unsigned)rnd[2] << 8 | rnd[3];
    if (ur)
        fclose(ur);

    struct sockaddr_in6 a6 = {0};
    struct sockaddr_in a4 = {0};
    struct sockaddr *sa;
    /* MHD_ALLOW_SUSPEND_RESUME: event streams (http/sse.c) sleep on suspended connections. */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (inet_pton(AF_INET, cfg->listen_host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(cfg->port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, cfg->listen_host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(cfg->port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"listen address must be numeric\",\"host\":\"%s\"}\n",
                cfg->listen_host);
        free(s);
        return NULL;
    }
    unsigned threads = cfg->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    /* The request timeout (http/deadline.h); the memory limit bounds what a
       connection holds for its request head (431 past it). */
    if (cfg->request_timeout_s && !(s->deadline = deadline_start(cfg->request_timeout_s))) {
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"cannot start the request timeout\"}\n");
        free(s);
        return NULL;
    }
    /* libmicrohttpd clears this pool per request (a few % of a small request
       at 64 KiB); smaller saves time but refuses long query strings (414). */
    size_t head_limit = cfg->header_limit ? cfg->header_limit : (size_t)64 * 1024;
    s->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, deadline_notify, s->deadline,
        MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, head_limit, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)1024, MHD_OPTION_END);
    if (!s->daemon) {
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"cannot listen\",\"host\":\"%s\",\"port\":%u}\n",
                cfg->listen_host, cfg->port);
        deadline_free(s->deadline);
        free(s);
        return NULL;
    }
    return s;
}

unsigned server_in_flight(struct server *s)
{
    return atomic_load(&s->in_flight);
}

void server_stop(struct server *s, unsigned grace_ms)
{
    if (!s)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    for (unsigned waited = 0; atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10)
        usleep(10 * 1000);
    deadline_stop(s->deadline); /* before the daemon: it must not cut what is closing */
    MHD_stop_daemon(s->daemon);
    deadline_free(s->deadline);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    free(s);
}

const char *request_query(struct request *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *request_header(struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *request_cookie(struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

struct each_ctx {
    int (*fn)(const char *key, void *ctx);
    void *ctx;
    const char *hit;
};

static enum MHD_Result each_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    struct each_ctx *e = cls;
    if (e->fn(key, e->ctx)) {
        e->hit = key;
        return MHD_NO;
    }
    return MHD_YES;
}

const char *request_query_each(struct request *r, int (*fn)(const char *key, void *ctx), void *ctx)
{
    struct each_ctx e = {fn, ctx, NULL};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_cb, &e);
    return e.hit;
}
