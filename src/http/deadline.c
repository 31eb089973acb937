/*
 * deadline.c - the watcher that cuts connections whose request takes too
 * long to arrive (see deadline.h).
 *
 * Every connection has an entry on one list guarded by one mutex. The entry
 * is removed in the MHD_CONNECTION_NOTIFY_CLOSED callback, which
 * libmicrohttpd calls before it closes the socket; the watcher only calls
 * shutdown() while holding the mutex, so it never touches a descriptor that
 * has been closed (and perhaps reused for another connection).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/timeutil.h"
#include "http/deadline.h"

#define TICK_MS 250

struct watched {
    struct watched *prev, *next;
    MHD_socket fd;
    atomic_ullong since_ns; /* when the current request began to be awaited; 0 = not awaited */
    bool cut;               /* guarded by the list mutex */
};

struct deadline {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool running, stopping;
    uint64_t timeout_ns;
    struct watched list; /* sentinel of a circular list */
    atomic_ullong cuts;
};

/* The watcher: every tick, shuts down the sockets past their deadline. */
static void *watch(void *arg)
{
    struct deadline *d = arg;
    pthread_mutex_lock(&d->lock);
    while (!d->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += TICK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->wake, &d->lock, &ts);
        uint64_t now = time_mono_ns();
        for (struct watched *w = d->list.next; w != &d->list; w = w->next) {
            uint64_t since = atomic_load(&w->since_ns);
            if (!since || w->cut || now < since || now - since <= d->timeout_ns)
                continue;
            shutdown(w->fd, SHUT_RDWR);
            w->cut = true;
            atomic_fetch_add(&d->cuts, 1);
        }
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

struct deadline *deadline_start(unsigned timeout_s)
{
    if (!timeout_s)
        return NULL;
    struct deadline *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->timeout_ns = (uint64_t)timeout_s * 1000000000ULL;
    d->list.next = d->list.prev = &d->list;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    if (pthread_create(&d->thread, NULL, watch, d) != 0) {
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return NULL;
    }
    d->running = true;
    return d;
}

void deadline_stop(struct deadline *d)
{
    if (!d || !d->running)
        return;
    pthread_mutex_lock(&d->lock);
    d->stopping = true;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    d->running = false;
}

void deadline_free(struct deadline *d)
{
    if (!d)
        return;
    deadline_stop(d);
    /* defensive: libmicrohttpd reported every connection closed when it stopped */
    struct watched *w = d->list.next;
    while (w != &d->list) {
        struct watched *next = w->next;
        free(w);
        w = next;
    }
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

void deadline_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe)
{
    struct deadline *d = cls;
    if (!d)
        return;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct watched *w = ci ? calloc(1, sizeof *w) : NULL;
        *socket_context = w;
        if (!w) /* out of memory: this connection has only the idle timeout */
            return;
        w->fd = ci->connect_fd;
        atomic_store(&w->since_ns, time_mono_ns());
        pthread_mutex_lock(&d->lock);
        w->next = d->list.next;
        w->prev = &d->list;
        d->list.next->prev = w;
        d->list.next = w;
        pthread_mutex_unlock(&d->lock);
        return;
    }
    struct watched *w = *socket_context;
    if (!w)
        return;
    pthread_mutex_lock(&d->lock);
    w->prev->next = w->next;
    w->next->prev = w->prev;
    pthread_mutex_unlock(&d->lock);
    free(w);
    *socket_context = NULL;
}

static struct watched *watched_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;
    return ci ? ci->socket_context : NULL;
}

void deadline_request_read(struct MHD_Connection *conn)
{
    struct watched *w = watched_of(conn);
    if (w)
        atomic_store(&w->since_ns, 0);
}

void deadline_request_done(struct MHD_Connection *conn)
{
    struct watched *w = watched_of(conn);
    if (w)
        atomic_store(&w->since_ns, time_mono_ns());
}

uint64_t deadline_cut_count(struct deadline *d)
{
    return d ? atomic_load(&d->cuts) : 0;
}
