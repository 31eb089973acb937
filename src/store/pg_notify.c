/*
 * pg_notify.c - what several instances on one PostgreSQL share beyond the
 * data: live updates (LISTEN/NOTIFY) and the one timer loop (an advisory
 * lock). Each has a connection of its own, outside the pool.
 *
 * Every transaction that writes a ticket event also runs
 * pg_notify('rexian_events', '') (pg_events.c), delivered when it commits.
 * The listener thread of every instance waits on its connection and calls
 * the hook set with store_on_remote_events (the live feed's wake-up), so an
 * action taken on instance A reaches the streams open on instance B at once
 * instead of at B's next poll.
 *
 * The timer loop asks store_timer_lead before each pass. The instance whose
 * dedicated connection holds the session advisory lock (1919252073, 2) runs
 * it; when that process dies its connection goes and PostgreSQL releases the
 * lock, and the next instance to ask takes it over.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/pg_int.h"

#define CHANNEL "rexian_events"

struct pg_listener {
    pthread_t thread;
    int running;
    int pipe[2];            /* written to stop the thread */
    void (*fn)(void *);
    void *arg;
    pthread_mutex_t lead_lock;
    PGconn *lead_db;        /* the timer lock's connection */
    int lead;               /* it holds the lock */
};

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static PGconn *connect_db(const char *url)
{
    const char *const keys[] = {"dbname", "application_name", "connect_timeout", NULL};
    const char *const vals[] = {url, "rexian-listener", "10", NULL};
    PGconn *db = PQconnectdbParams(keys, vals, 1);
    if (db && PQstatus(db) == CONNECTION_OK) {
        PQsetNoticeProcessor(db, quiet, NULL);
        return db;
    }
    if (db)
        pg_log("listener connect", PQerrorMessage(db));
    PQfinish(db);
    return NULL;
}

/* Waits for notifications and calls the hook; reconnects when the link drops. */
static void *listen_main(void *arg)
{
    struct store *s = arg;
    struct pg_listener *l = s->listener;
    PGconn *db = NULL;
    for (;;) {
        if (!db) {
            db = connect_db(s->url);
            PGresult *r = db ? PQexec(db, "LISTEN " CHANNEL) : NULL;
            if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
                PQclear(r);
                PQfinish(db);
                db = NULL;
            } else {
                PQclear(r);
                l->fn(l->arg); /* whatever was missed while not listening */
            }
        }
        struct pollfd fds[2] = {{.fd = l->pipe[0], .events = POLLIN},
                                {.fd = db ? PQsocket(db) : -1, .events = POLLIN}};
        int n = poll(fds, db ? 2 : 1, 1000);
        if (n > 0 && fds[0].revents)
            break;
        if (!db || n <= 0 || !fds[1].revents)
            continue;
        if (!PQconsumeInput(db)) {
            PQfinish(db);
            db = NULL;
            continue;
        }
        int got = 0;
        PGnotify *nt;
        while ((nt = PQnotifies(db)) != NULL) {
            got = 1;
            PQfreemem(nt);
        }
        if (got)
            l->fn(l->arg);
    }
    PQfinish(db);
    return NULL;
}

/* The listener state, made on first use; NULL out of memory. */
static struct pg_listener *listener(struct store *s)
{
    pthread_mutex_lock(&s->lock);
    if (!s->listener && (s->listener = calloc(1, sizeof *s->listener)) != NULL) {
        s->listener->pipe[0] = s->listener->pipe[1] = -1;
        pthread_mutex_init(&s->listener->lead_lock, NULL);
    }
    struct pg_listener *l = s->listener;
    pthread_mutex_unlock(&s->lock);
    return l;
}

/* Stops the listener thread, if one runs, and waits for it. */
static void stop_thread(struct pg_listener *l)
{
    if (l->running) {
        ssize_t w = write(l->pipe[1], "x", 1);
        (void)w;
        pthread_join(l->thread, NULL);
        l->running = 0;
    }
    if (l->pipe[0] >= 0) {
        close(l->pipe[0]);
        close(l->pipe[1]);
        l->pipe[0] = l->pipe[1] = -1;
    }
}

void pg_store_on_remote_events(struct store *s, void (*fn)(void *), void *arg)
{
    struct pg_listener *l = listener(s);
    if (!l)
        return;
    stop_thread(l);
    if (!fn)
        return;
    l->fn = fn;
    l->arg = arg;
    if (pipe(l->pipe) != 0) {
        pg_log("listener", "cannot make a pipe");
        return;
    }
    if (pthread_create(&l->thread, NULL, listen_main, s) != 0) {
        pg_log("listener", "cannot start the thread");
        close(l->pipe[0]);
        close(l->pipe[1]);
        l->pipe[0] = l->pipe[1] = -1;
        return;
    }
    l->running = 1;
}

bool pg_store_timer_lead(struct store *s)
{
    struct pg_listener *l = listener(s);
    if (!l)
        return false;
    pthread_mutex_lock(&l->lead_lock);
    if (l->lead_db && PQstatus(l->lead_db) != CONNECTION_OK) {
        PQfinish(l->lead_db);
        l->lead_db = NULL;
        l->lead = 0;
    }
    if (!l->lead_db)
        l->lead_db = connect_db(s->url);
    int had = l->lead;
    if (l->lead_db) {
        /* Holding it: a round trip proves the session (and so the lock) lives. */
        PGresult *r = PQexec(l->lead_db, had ? "SELECT true"
                                             : "SELECT pg_try_advisory_lock(1919252073, 2)");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            l->lead = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
        else
            l->lead = 0;
        PQclear(r);
        if (!l->lead && had) {
            PQfinish(l->lead_db); /* lost: a fresh session asks again next time */
            l->lead_db = NULL;
        }
    }
    if (l->lead != had)
        fprintf(stderr, "{\"level\":\"info\",\"msg\":\"%s\"}\n",
                l->lead ? "timer loop: this instance leads" : "timer loop: lead lost");
    int lead = l->lead;
    pthread_mutex_unlock(&l->lead_lock);
    return lead;
}

void pg_listener_stop(struct store *s)
{
    struct pg_listener *l = s->listener;
    if (!l)
        return;
    stop_thread(l);
    PQfinish(l->lead_db);
    pthread_mutex_destroy(&l->lead_lock);
    free(l);
    s->listener = NULL;
}
