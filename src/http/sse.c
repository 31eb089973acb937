/*
 * sse.c - server-sent event streams on suspended connections (see sse.h).
 *
 * Locking: the hub's lock guards its list and `closing`; each stream's lock
 * guards its buffer and flags. MHD_suspend_connection() is called by the
 * content reader with the stream's lock held, so a sender cannot slip in
 * between "the buffer is empty" and "suspended"; MHD_resume_connection()
 * is called by senders after dropping the lock, on a connection that is
 * still suspended and so cannot go away meanwhile. No lock of ours is held
 * while libmicrohttpd runs our free callback except the hub's, which no
 * path holds while calling into libmicrohttpd.
 */
#include "http/sse.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"

#define BLOCK_SIZE 8192

struct sse_stream {
    struct sse_hub *hub;
    struct MHD_Connection *conn; /* NULL once libmicrohttpd is done with the stream */
    pthread_mutex_t lock;
    char *buf;
    size_t off, len, cap;        /* unsent bytes are buf[off..len) */
    bool suspended, ended;
    atomic_int refs;             /* the response's, plus one per sse_each() holder */
    void *ctx;
    void (*ctx_free)(void *ctx);
    struct sse_stream *prev, *next;
};

struct sse_hub {
    pthread_mutex_t lock;
    struct sse_stream *head;
    size_t count;
    size_t cap;
    bool closing;
};

struct sse_hub *sse_hub_new(size_t buffer_cap)
{
    struct sse_hub *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    pthread_mutex_init(&h->lock, NULL);
    h->cap = buffer_cap < 1024 ? 1024 : buffer_cap;
    return h;
}

void sse_hub_free(struct sse_hub *h)
{
    if (!h)
        return;
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static void stream_unref(struct sse_stream *s)
{
    if (atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    if (s->ctx_free)
        s->ctx_free(s->ctx);
    pthread_mutex_destroy(&s->lock);
    free(s->buf);
    free(s);
}

/* Marks s ended; resumes it if it sleeps, so the reader can finish it. */
static void end_and_wake(struct sse_stream *s)
{
    pthread_mutex_lock(&s->lock);
    bool wake = s->suspended && s->conn;
    s->ended = true;
    s->suspended = false;
    struct MHD_Connection *conn = s->conn;
    pthread_mutex_unlock(&s->lock);
    if (wake)
        MHD_resume_connection(conn);
}

/* libmicrohttpd wants more body: hand over what is buffered, or sleep. */
static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct sse_stream *s = cls;
    ssize_t n;
    pthread_mutex_lock(&s->lock);
    if (s->len > s->off) {
        size_t k = s->len - s->off < max ? s->len - s->off : max;
        memcpy(out, s->buf + s->off, k);
        s->off += k;
        if (s->off == s->len)
            s->off = s->len = 0;
        n = (ssize_t)k;
    } else if (s->ended) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        s->suspended = true;
        MHD_suspend_connection(s->conn);
        n = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Takes s off the hub's list (if it is on it). */
static void unlink_stream(struct sse_hub *h, struct sse_stream *s)
{
    pthread_mutex_lock(&h->lock);
    if (s->prev || h->head == s) {
        if (s->prev)
            s->prev->next = s->next;
        else
            h->head = s->next;
        if (s->next)
            s->next->prev = s->prev;
        h->count--;
    }
    s->prev = s->next = NULL;
    pthread_mutex_unlock(&h->lock);
}

/* The response is gone: unlist the stream and drop the response's reference. */
static void reader_free(void *cls)
{
    struct sse_stream *s = cls;
    unlink_stream(s->hub, s);
    pthread_mutex_lock(&s->lock);
    s->ended = true;
    s->suspended = false;
    s->conn = NULL;
    pthread_mutex_unlock(&s->lock);
    stream_unref(s);
}

int sse_start(struct sse_hub *h, struct request *r, void *ctx, void (*ctx_free)(void *ctx),
              const char *first)
{
    struct sse_stream *s = calloc(1, sizeof *s);
    size_t n = first ? strlen(first) : 0;
    if (!s || !(s->buf = malloc(h->cap)) || n > h->cap) {
        if (s)
            free(s->buf);
        free(s);
        if (ctx_free)
            ctx_free(ctx);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    atomic_init(&s->refs, 1);
    s->hub = h;
    s->conn = r->conn;
    s->cap = h->cap;
    s->ctx = ctx;
    s->ctx_free = ctx_free;
    memcpy(s->buf, first ? first : "", n);
    s->len = n;
    pthread_mutex_lock(&h->lock);
    if (h->closing) {
        pthread_mutex_unlock(&h->lock);
        stream_unref(s);
        reply_header(r, "Retry-After", "1");
        reply_error(r, 503, "unavailable", "the server is stopping", NULL);
        return -1;
    }
    s->next = h->head;
    if (h->head)
        h->head->prev = s;
    h->head = s;
    h->count++;
    pthread_mutex_unlock(&h->lock);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK_SIZE, reader, s, reader_free);
    if (!resp) {
        unlink_stream(h, s);
        pthread_mutex_lock(&s->lock);
        s->ended = true;
        s->conn = NULL;
        pthread_mutex_unlock(&s->lock);
        stream_unref(s);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return -1;
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    reply_response(r, 200, resp);
    return 0;
}

void sse_each(struct sse_hub *h, void (*fn)(struct sse_stream *s, void *ctx, void *arg),
              void *arg)
{
    struct sse_stream **all;
    size_t n = 0;
    pthread_mutex_lock(&h->lock);
    all = malloc((h->count ? h->count : 1) * sizeof *all);
    for (struct sse_stream *s = h->head; all && s; s = s->next) {
        atomic_fetch_add(&s->refs, 1);
        all[n++] = s;
    }
    pthread_mutex_unlock(&h->lock);
    for (size_t i = 0; i < n; i++) {
        fn(all[i], all[i]->ctx, arg);
        stream_unref(all[i]);
    }
    free(all);
}

int sse_send(struct sse_stream *s, const char *data, size_t len)
{
    pthread_mutex_lock(&s->lock);
    if (s->ended || !s->conn) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    if (s->off > 0 && s->len + len > s->cap) { /* make room at the front */
        memmove(s->buf, s->buf + s->off, s->len - s->off);
        s->len -= s->off;
        s->off = 0;
    }
    bool fits = s->len + len <= s->cap;
    if (fits) {
        memcpy(s->buf + s->len, data, len);
        s->len += len;
    } else {
        s->ended = true; /* a reader this far behind is dropped; it resumes by Last-Event-ID */
    }
    bool wake = s->suspended;
    s->suspended = false;
    struct MHD_Connection *conn = s->conn;
    pthread_mutex_unlock(&s->lock);
    if (wake)
        MHD_resume_connection(conn);
    return fits ? 0 : -1;
}

size_t sse_buffered(struct sse_stream *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->len - s->off;
    pthread_mutex_unlock(&s->lock);
    return n;
}

void sse_end(struct sse_stream *s)
{
    end_and_wake(s);
}

size_t sse_count(struct sse_hub *h)
{
    pthread_mutex_lock(&h->lock);
    size_t n = h->count;
    pthread_mutex_unlock(&h->lock);
    return n;
}

static void end_one(struct sse_stream *s, void *ctx, void *arg)
{
    end_and_wake(s);
}

void sse_close_all(struct sse_hub *h)
{
    pthread_mutex_lock(&h->lock);
    h->closing = true;
    pthread_mutex_unlock(&h->lock);
    sse_each(h, end_one, NULL);
}
