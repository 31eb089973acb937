/*
 * pg.c - the PostgreSQL backend: opening, the connection pool, the
 * per-thread handles and transactions.
 *
 * Transactions are READ COMMITTED for writes, with the rows an action changes
 * locked (store_ticket_get takes FOR UPDATE inside a write transaction) and
 * the version check of store_ticket_update as the last word; reads are
 * REPEATABLE READ, one snapshot. Lock waits end after lock_timeout (5 s, the
 * SQLite busy timeout) as STORE_BUSY, so the app's retry loop retries them,
 * like deadlocks and serialization failures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/pg_int.h"

#define POOL_WAIT_S 10

static unsigned pool_size_setting;

void store_set_pool_size(unsigned n)
{
    pool_size_setting = n;
}

/* The configured size, else REXIAN_DB_POOL, else two per CPU (at least 4). */
static unsigned pool_size(void)
{
    if (pool_size_setting)
        return pool_size_setting;
    const char *env = getenv("REXIAN_DB_POOL");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (!*end && v >= 1 && v <= 1000)
            return (unsigned)v;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cpus > 0 ? (unsigned)cpus * 2 : 4;
    return n < 4 ? 4 : n;
}

static void quiet_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg; /* NOTICEs ("relation already exists, skipping") are not errors */
}

/* Opens a physical connection with the session settings every one needs. */
static int link_open(const char *url, struct pg_link **out, char *err, size_t errlen)
{
    struct pg_link *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return STORE_NOMEM;
    }
    const char *const keys[] = {"dbname", "application_name", "connect_timeout", NULL};
    const char *const vals[] = {url, "rexian", "10", NULL};
    l->db = PQconnectdbParams(keys, vals, 1);
    if (!l->db || PQstatus(l->db) != CONNECTION_OK) {
        const char *m = l->db ? PQerrorMessage(l->db) : "out of memory";
        snprintf(err, errlen, "cannot connect to PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
        PQfinish(l->db);
        free(l);
        return STORE_ERROR;
    }
    PQsetNoticeProcessor(l->db, quiet_notice, NULL);
    PGresult *r = PQexec(l->db, "SET lock_timeout = '5s'; SET client_min_messages = warning");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        snprintf(err, errlen, "cannot set up the PostgreSQL session: %s", PQerrorMessage(l->db));
        PQfinish(l->db);
        free(l);
        return STORE_ERROR;
    }
    *out = l;
    return STORE_OK;
}

static void link_close(struct pg_link *l)
{
    if (!l)
        return;
    PQfinish(l->db);
    free(l);
}

int pg_link_get(struct store_conn *c)
{
    if (c->link)
        return c->link->broken ? STORE_ERROR : STORE_OK;
    struct store *s = c->store;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += POOL_WAIT_S;
    pthread_mutex_lock(&s->lock);
    while (!s->idle && s->n_links >= s->max_links) {
        if (pthread_cond_timedwait(&s->freed, &s->lock, &until) == ETIMEDOUT)
            break;
    }
    struct pg_link *l = s->idle;
    if (l) {
        s->idle = l->next;
        l->next = NULL;
    } else if (s->n_links < s->max_links) {
        s->n_links++; /* a slot for the connection opened below */
    } else {
        pthread_mutex_unlock(&s->lock);
        pg_log("pool", "every connection stayed in use");
        return STORE_BUSY;
    }
    pthread_mutex_unlock(&s->lock);
    if (l && PQstatus(l->db) != CONNECTION_OK) {
        link_close(l); /* died while idle; its slot is reused */
        l = NULL;
    }
    if (!l) {
        char err[512];
        if (link_open(s->url, &l, err, sizeof err) != STORE_OK) {
            pg_log("connect", err);
            pthread_mutex_lock(&s->lock);
            s->n_links--;
            pthread_cond_signal(&s->freed);
            pthread_mutex_unlock(&s->lock);
            return STORE_ERROR;
        }
    }
    c->link = l;
    return STORE_OK;
}

/* Hands c's link back to the pool (closing it if it is lost or mid-transaction). */
static void link_put(struct store_conn *c)
{
    struct pg_link *l = c->link;
    if (!l)
        return;
    c->link = NULL;
    struct store *s = c->store;
    PGTransactionStatusType ts = PQtransactionStatus(l->db);
    if (!l->broken && (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)) {
        PGresult *r = PQexec(l->db, "ROLLBACK"); /* defensive: never pool an open transaction */
        PQclear(r);
        ts = PQtransactionStatus(l->db);
    }
    if (l->broken || ts != PQTRANS_IDLE || PQstatus(l->db) != CONNECTION_OK) {
        link_close(l);
        l = NULL;
    }
    pthread_mutex_lock(&s->lock);
    if (l) {
        l->next = s->idle;
        s->idle = l;
    } else {
        s->n_links--;
    }
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

/* Ends c's use of its link unless a transaction or bulk mode keeps it. */
static void link_release(struct store_conn *c)
{
    if (c->depth == 0 && !c->pinned)
        link_put(c);
}

void pg_conn_idle(struct store_conn *c)
{
    if (c)
        link_release(c);
}

struct store_conn *pg_store_conn_get(struct store *s)
{
    struct store_conn *c = pthread_getspecific(s->key);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c) {
        pg_log("handle", "out of memory");
        return NULL;
    }
    c->base.backend = STORE_BACKEND_PG;
    c->store = s;
    pthread_mutex_lock(&s->lock);
    c->next = s->handles;
    s->handles = c;
    pthread_mutex_unlock(&s->lock);
    pthread_setspecific(s->key, c);
    return c;
}

void pg_store_conn_drop(struct store *s)
{
    struct store_conn *c = pthread_getspecific(s->key);
    if (!c)
        return;
    c->depth = 0;
    link_put(c);
    pthread_mutex_lock(&s->lock);
    for (struct store_conn **p = &s->handles; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    pthread_setspecific(s->key, NULL);
    free(c);
}

int pg_store_open(const char *url, bool migrate, struct store **out, char *err, size_t errlen)
{
    struct store *s = calloc(1, sizeof *s);
    if (!s || !(s->url = strdup(url))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return STORE_NOMEM;
    }
    s->base.backend = STORE_BACKEND_PG;
    s->max_links = pool_size();
    pthread_key_create(&s->key, NULL);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    /* Connect once now, so a wrong URL fails at start-up with libpq's reason. */
    struct pg_link *l = NULL;
    int rc = link_open(url, &l, err, errlen);
    if (rc != STORE_OK) {
        pg_store_close(s);
        return rc;
    }
    s->idle = l;
    s->n_links = 1;
    if (migrate) {
        rc = pg_store_migrate(s, NULL);
        if (rc != STORE_OK) {
            snprintf(err, errlen, "migrating the PostgreSQL database failed: %s",
                     store_rc_name(rc));
            pg_store_close(s);
            return rc;
        }
    }
    *out = s;
    return STORE_OK;
}

void pg_store_close(struct store *s)
{
    if (!s)
        return;
    pg_listener_stop(s);
    struct store_conn *c = s->handles;
    while (c) {
        struct store_conn *next = c->next;
        link_close(c->link);
        free(c);
        c = next;
    }
    struct pg_link *l = s->idle;
    while (l) {
        struct pg_link *next = l->next;
        link_close(l);
        l = next;
    }
    pthread_key_delete(s->key);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->freed);
    free(s->url);
    free(s);
}

/*
 * Transactions nest as savepoints, as in the SQLite backend. The link stays
 * with the handle from the outer BEGIN to its COMMIT or ROLLBACK.
 */
int pg_store_begin(struct store_conn *c, bool write)
{
    if (c->depth > 0) {
        int rc = pg_simple(c, "SAVEPOINT nested");
        if (rc == STORE_OK)
            c->depth++;
        return rc;
    }
    c->failed = 0;
    int rc = pg_simple(c, write ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                : "BEGIN ISOLATION LEVEL REPEATABLE READ");
    if (rc == STORE_OK) {
        c->depth = 1;
        c->write = write;
    }
    return rc;
}

int pg_store_commit(struct store_conn *c)
{
    if (c->depth > 1) {
        if (c->failed) {
            int rc = c->failed;
            pg_store_rollback(c);
            return rc;
        }
        int rc = pg_simple(c, "RELEASE nested");
        c->depth--;
        return rc;
    }
    if (c->depth == 0)
        return STORE_OK; /* defensive: nothing open */
    if (c->failed) {
        int rc = c->failed;
        pg_store_rollback(c);
        return rc;
    }
    int rc = pg_link_get(c);
    PGresult *r = rc == STORE_OK ? PQexec(c->link->db, "COMMIT") : NULL;
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
        /* An aborted transaction "commits" as ROLLBACK: that is a failure. */
        rc = strcmp(PQcmdStatus(r), "COMMIT") == 0 ? STORE_OK : STORE_ERROR;
    } else if (rc == STORE_OK) {
        c->depth = 0; /* the error is not the transaction's: report it, do not count it */
        rc = pg_result_rc(c, r, "commit");
    }
    PQclear(r);
    c->depth = 0;
    c->failed = 0;
    if (rc != STORE_OK && c->link && PQtransactionStatus(c->link->db) != PQTRANS_IDLE)
        pg_simple(c, "ROLLBACK");
    link_release(c);
    return rc;
}

void pg_store_rollback(struct store_conn *c)
{
    if (c->depth > 1) {
        c->depth--;
        int failed = c->failed;
        c->failed = 0;
        if (pg_simple(c, "ROLLBACK TO nested") != STORE_OK ||
            pg_simple(c, "RELEASE nested") != STORE_OK)
            c->failed = failed ? failed : STORE_ERROR;
        return;
    }
    c->depth = 0;
    c->failed = 0;
    if (c->link && !c->link->broken && PQtransactionStatus(c->link->db) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->link->db, "ROLLBACK");
        PQclear(r);
    }
    link_release(c);
}

int pg_store_set_bulk(struct store_conn *c, bool on)
{
    /* Commits stop waiting for the WAL flush on this session only; the link
       stays with the handle until bulk mode is switched off. */
    int rc = pg_simple(c, on ? "SET synchronous_commit = off" : "SET synchronous_commit = on");
    if (rc == STORE_OK)
        c->pinned = on;
    return rc;
}

int pg_store_ping(struct store_conn *c)
{
    int rc;
    PGresult *r = pg_run(c, PQ_PING, "SELECT 1", NULL, &rc);
    PQclear(r);
    return rc;
}

/* A PostgreSQL commit returns once the server has flushed it
   (synchronous_commit = on): nothing is ever left to wait for. */
void pg_store_defer_durable(struct store_conn *c, bool on)
{
    (void)c, (void)on;
}

void pg_store_skip_own_writes(struct store_conn *c, bool on)
{
    (void)c, (void)on; /* a PostgreSQL commit is visible when it returns */
}

uint64_t pg_store_take_pending(struct store_conn *c)
{
    (void)c;
    return 0;
}

int pg_store_when_durable(struct store *s, uint64_t ticket, void (*fn)(void *arg, bool ok), void *arg)
{
    (void)s, (void)ticket, (void)fn, (void)arg;
    return 1;
}
