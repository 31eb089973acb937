/*
 * events.c - GET /api/v1/events, the live feed: server-sent events for a
 * logged-in user, carrying the ticket events that user is told of
 * (core/feed.h).
 *
 * The source is the ticket event history itself, so an event's SSE id is
 * its ticket_events id: durable, increasing, and a reconnect with
 * Last-Event-ID resumes exactly after the last event received. One
 * publisher thread reads new events (woken by each commit, and once a
 * second for writes by other processes), formats each once and hands it to
 * every stream allowed to see it; streams sleep on suspended connections
 * (http/sse.c) in between. Every heartbeat the publisher also re-checks
 * each stream's session, so a logout, expiry or deactivation ends it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/feed.h"
#include "core/timeutil.h"
#include "http/sse.h"

#define STREAM_BUFFER (256 * 1024)
#define BATCH 500
#define MAX_BATCHES 20
#define POLL_MS 1000

struct feed {
    struct store *store;
    struct sse_hub *hub;
    unsigned heartbeat_s;
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool woken, stop;
};

/* One stream's viewer. Touched by the publisher thread only, once started. */
struct sub {
    unsigned role;
    char *unit_path; /* handlers */
    char *token;     /* the session, re-checked at every heartbeat */
    int64_t cursor;  /* the last event id given to, or passed over for, this stream */
};

static void sub_free(void *p)
{
    struct sub *s = p;
    if (!s)
        return;
    free(s->unit_path);
    if (s->token)
        memset(s->token, 0, strlen(s->token));
    free(s->token);
    free(s);
}

/* The SSE text of one event ("id: ...\nevent: ...\ndata: {...}\n\n"); malloc'd or NULL. */
static char *format_event(const struct feed_event *e)
{
    const char *from = e->from_status >= 0 ? status_name((enum ticket_status)e->from_status) : NULL;
    const char *to = status_name((enum ticket_status)e->to_status);
    json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                          (json_int_t)e->id, "ticket", e->number, "action",
                          action_name(e->action), "at", jout_time(e->at), "from",
                          from ? json_string(from) : json_null(), "to",
                          to ? json_string(to) : json_null(), "unit_id", jout_id(e->unit_id),
                          "type", e->type >= 0 ? json_string(ticket_type_name(e->type)) : json_null(),
                          "urgency",
                          e->urgency >= 0 ? json_string(urgency_name(e->urgency)) : json_null(),
                          "title", e->title ? json_string(e->title) : json_null());
    if (!o)
        return NULL;
    /* Arguments only for the system's own events: a person's notes stay in the history. */
    if (e->action >= ACT__COUNT && e->args_json) {
        json_t *args = json_loads(e->args_json, 0, NULL);
        if (args)
            json_object_set_new(o, "args", args);
    }
    char *data = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!data)
        return NULL;
    size_t n = strlen(data) + 64;
    char *text = malloc(n);
    if (text)
        snprintf(text, n, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)e->id,
                 action_name(e->action), data);
    free(data);
    return text;
}

struct round {
    const struct feed_event *ev;
    char **text;
    size_t n;
    int64_t min;
    size_t streams;
};

static void min_cursor(struct sse_stream *s, void *ctx, void *arg)
{
    struct sub *sub = ctx;
    struct round *rd = arg;
    if (rd->streams++ == 0 || sub->cursor < rd->min)
        rd->min = sub->cursor;
}

/* Gives one stream the events of this batch it may see, in order. */
static void push(struct sse_stream *s, void *ctx, void *arg)
{
    struct sub *sub = ctx;
    struct round *rd = arg;
    /* The batch holds every event after rd->min. A stream behind that (one that
       opened after the round began, or skipped a batch) would see a gap: it
       waits for the next round, which starts from its cursor. */
    if (sub->cursor < rd->min)
        return;
    if (sse_buffered(s) > STREAM_BUFFER / 2)
        return; /* a slow reader: its turn comes when it has caught up */
    for (size_t i = 0; i < rd->n; i++) {
        const struct feed_event *e = &rd->ev[i];
        if (e->id <= sub->cursor)
            continue;
        if (rd->text[i] && feed_visible(e, sub->role, sub->unit_path) &&
            sse_send(s, rd->text[i], strlen(rd->text[i])) != 0)
            return;
        sub->cursor = e->id;
    }
}

/* Reads the events past the slowest stream's cursor and hands them out. */
static void deliver(struct feed *f, struct store_conn *c)
{
    struct round rd = {0};
    sse_each(f->hub, min_cursor, &rd);
    if (rd.streams == 0)
        return;
    for (int b = 0; b < MAX_BATCHES; b++) {
        struct feed_event *ev = NULL;
        size_t n = 0;
        if (store_feed_since(c, rd.min, BATCH, &ev, &n) != STORE_OK || n == 0) {
            store_free_feed(ev, n);
            return;
        }
        char **text = calloc(n, sizeof *text);
        for (size_t i = 0; text && i < n; i++)
            text[i] = format_event(&ev[i]);
        if (text) {
            rd.ev = ev;
            rd.text = text;
            rd.n = n;
            sse_each(f->hub, push, &rd);
            for (size_t i = 0; i < n; i++)
                free(text[i]);
        }
        free(text);
        rd.min = ev[n - 1].id;
        store_free_feed(ev, n);
        if (n < BATCH)
            return;
    }
}

/* A heartbeat for one stream, after checking that its session still holds. */
static void beat(struct sse_stream *s, void *ctx, void *arg)
{
    struct sub *sub = ctx;
    struct feed *f = arg;
    struct user u = {0};
    struct app_error e;
    if (app_session_user(f->store, sub->token, &u, &e) != APP_OK) {
        if (e.code == APP_UNAUTH) {
            static const char bye[] = ": session ended\n\n";
            sse_send(s, bye, sizeof bye - 1);
            sse_end(s);
        }
        user_release(&u);
        return;
    }
    if (u.role != sub->role || (u.unit_path && (!sub->unit_path ||
                                                strcmp(u.unit_path, sub->unit_path) != 0))) {
        free(sub->unit_path);
        sub->unit_path = u.unit_path; /* the user moved: see what they see now */
        u.unit_path = NULL;
        sub->role = u.role;
    }
    user_release(&u);
    char line[64];
    int n = snprintf(line, sizeof line, ": heartbeat %lld\n\n", (long long)(time_now_ms() / 1000));
    sse_send(s, line, (size_t)n);
}

static void *feed_main(void *arg)
{
    struct feed *f = arg;
    struct store_conn *c = store_conn_get(f->store);
    uint64_t last_beat = time_mono_ns();
    pthread_mutex_lock(&f->lock);
    while (!f->stop) {
        if (!f->woken) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += (long)POLL_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&f->cond, &f->lock, &until);
        }
        f->woken = false;
        if (f->stop)
            break;
        pthread_mutex_unlock(&f->lock);
        if (c)
            deliver(f, c);
        uint64_t now = time_mono_ns();
        if (now - last_beat >= (uint64_t)f->heartbeat_s * 1000000000u) {
            last_beat = now;
            sse_each(f->hub, beat, f);
        }
        pthread_mutex_lock(&f->lock);
    }
    pthread_mutex_unlock(&f->lock);
    store_conn_drop(f->store);
    return NULL;
}

struct feed *feed_start(struct store *s, unsigned heartbeat_s)
{
    struct feed *f = calloc(1, sizeof *f);
    pthread_condattr_t ca;
    if (!f || !(f->hub = sse_hub_new(STREAM_BUFFER))) {
        free(f);
        return NULL;
    }
    f->store = s;
    f->heartbeat_s = heartbeat_s ? heartbeat_s : 15;
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&f->thread, NULL, feed_main, f) != 0) {
        feed_free(f);
        return NULL;
    }
    f->running = true;
    return f;
}

void feed_wake(void *p)
{
    struct feed *f = p;
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->woken = true;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

size_t feed_streams(struct feed *f)
{
    return f ? sse_count(f->hub) : 0;
}

void feed_stop(struct feed *f)
{
    if (!f)
        return;
    if (f->running) {
        pthread_mutex_lock(&f->lock);
        f->stop = true;
        pthread_cond_signal(&f->cond);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->thread, NULL);
        f->running = false;
    }
    sse_close_all(f->hub);
}

void feed_free(struct feed *f)
{
    if (!f)
        return;
    feed_stop(f);
    sse_hub_free(f->hub);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* Last-Event-ID (header, or ?last_event_id= for clients that cannot set one). */
static int resume_point(struct request *r, int64_t *out)
{
    const char *h = request_header(r, "Last-Event-ID");
    if (!h)
        h = request_query(r, "last_event_id");
    if (!h)
        return 1;
    int64_t v = 0;
    if (!*h || strlen(h) > 18)
        return -1;
    for (const char *p = h; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 0;
}

void h_events(struct request *r)
{
    static const char *const params[] = {"last_event_id", NULL};
    struct feed *f = api_of(r)->feed;
    struct actor a;
    api_actor(r, &a);
    const char *token = api_bearer(request_header(r, "Authorization"));
    if (!token)
        token = request_cookie(r, "rexian_session");
    if (!a.role || !token) {
        reply_error(r, 403, "forbidden", "the live feed is for logged-in users", NULL);
        return;
    }
    if (qin_only(r, params))
        return;
    if (!f) {
        reply_error(r, 503, "unavailable", "the live feed is not running", NULL);
        return;
    }
    int64_t cursor = 0;
    int given = resume_point(r, &cursor);
    if (given < 0) {
        reply_error(r, 400, "invalid_argument", "Last-Event-ID must be an event id",
                    "last_event_id");
        return;
    }
    struct store_conn *c = store_conn_get(api_store(r));
    int64_t head = 0;
    if (!c || store_event_last_id(c, &head) != STORE_OK) {
        reply_error(r, 500, "internal", "internal error", NULL);
        return;
    }
    /* No resume point: live from now. One past the newest event (a restored
       backup, another server's id): from now, too, rather than silence. */
    if (given > 0 || cursor > head)
        cursor = head;
    struct sub *sub = calloc(1, sizeof *sub);
    if (!sub || !(sub->token = strdup(token)) ||
        (a.unit_path && !(sub->unit_path = strdup(a.unit_path)))) {
        sub_free(sub);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    sub->role = a.role;
    sub->cursor = cursor;
    if (sse_start(f->hub, r, sub, sub_free, "retry: 3000\n: rexian live feed\n\n") == 0)
        feed_wake(f);
}
