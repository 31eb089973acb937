/*
 * sqlite.c - the SQLite backend: opening, per-thread connections, the
 * statement cache, transactions, migrations and online backup.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "store/migrations.h"
#include "store/sqlite_int.h"

struct store {
    struct store_base base; /* first: STORE_BACKEND_SQLITE */
    char *path;
    pthread_key_t key;
    pthread_mutex_t lock; /* guards conns */
    /* Write transactions of this process queue here rather than in SQLite's
       busy handler, which sleeps in growing steps (1, 2, 5, 10 ms ...). */
    pthread_mutex_t write_lock;
    struct store_conn *conns;
    /* Group commit. Every write transaction of the process runs on one
       writer connection, as a savepoint inside a batch transaction that
       several requests share; the syncer thread commits the batch once its
       previous sync is done (earlier at BATCH_MAX requests, or when a writer
       reads on its own connection: ensure_visible) and makes it durable
       with one fdatasync of the log. Batches are numbered 1, 2, ...;
       a request's ticket is its batch's number. */
    struct store_conn *writer;  /* opened on first write; guarded by write_lock */
    uint64_t batch;             /* the open batch, 0 if none (write_lock) */
    uint64_t batch_seq;         /* the last batch's number (write_lock) */
    int batch_len;              /* requests released into it (write_lock) */
    bool bulk;                  /* store_set_bulk: no fdatasync (write_lock) */
    bool fts_queue;             /* the schema queues tickets for the index (009) */
    int fts_pending;            /* requests committed since the queue was indexed (write_lock) */
    _Atomic int wal_frames;     /* frames in the log after the last commit */
    char *wal_path;
    pthread_mutex_t sync_lock;  /* guards what follows */
    pthread_cond_t sync_wake;   /* to the syncer: there is work, or stop */
    pthread_cond_t sync_done;   /* to waiters: `synced` moved */
    bool batch_waiting;         /* the open batch has requests: commit it */
    uint64_t finished;          /* batches up to this one are committed or lost */
    uint64_t synced;            /* ... and the log is durable past them */
    uint64_t lost[16];          /* the last batches that failed to commit */
    int n_lost;
    struct durable_waiter *waiters;
    void (*on_durable)(void *arg); /* store_on_remote_events */
    void *on_durable_arg;
    bool syncer_running, stopping;
    pthread_t syncer;
    /* Checkpoints (checkpointer_main), asked for by the syncer. */
    bool ckpt_due, ckpt_running;  /* sync_lock */
    pthread_cond_t ckpt_wake;
    pthread_t ckpt_thread;
    struct store_conn *checkpointer; /* the checkpoint thread's own connection */
};

struct durable_waiter {
    uint64_t ticket;
    void (*fn)(void *arg, bool ok);
    void *arg;
    struct durable_waiter *next;
};

const char *store_rc_name(int rc)
{
    switch (rc) {
    case STORE_OK: return "ok";
    case STORE_NOTFOUND: return "not found";
    case STORE_CONFLICT: return "conflict";
    case STORE_BUSY: return "busy";
    case STORE_INVALID: return "invalid reference";
    case STORE_NOMEM: return "out of memory";
    default: return "error";
    }
}

static void log_sqlite(sqlite3 *db, int rc, const char *what)
{
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"sqlite\",\"what\":\"%s\",\"rc\":%d,\"err\":\"%s\"}\n",
            what, rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

int sq_rc(struct store_conn *c, int rc, const char *what)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return STORE_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_BUSY;
    case SQLITE_NOMEM:
        return STORE_NOMEM;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            return STORE_INVALID;
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return STORE_CONFLICT;
        /* CHECK / NOT NULL: the edge should have caught it. */
        log_sqlite(c ? c->db : NULL, rc, what);
        return STORE_INVALID;
    default:
        log_sqlite(c ? c->db : NULL, rc, what);
        return STORE_ERROR;
    }
}

static void release_hold(struct store_conn *c);
static void ensure_visible(struct store_conn *c);
static int on_busy(void *arg, int n);
static bool end_batch_as(struct store *s, struct store_conn *w, bool index_all);
static int index_now(struct store *s);
static int open_writer(struct store *s);
static void note_schema(struct store *s, sqlite3 *db);
static void end_batch(struct store *s, struct store_conn *w);

void sq_touch(struct store_conn *c)
{
    release_hold(c);
    if (c->ticket > c->visible && !c->writing && !c->skip_own)
        ensure_visible(c);
}

sqlite3_stmt *sq_stmt(struct store_conn *c, enum stmt_id id, const char *sql)
{
    sq_touch(c);
    sqlite3_stmt *st = c->stmt[id];
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        log_sqlite(c->db, rc, sql);
        return NULL;
    }
    c->stmt[id] = st;
    return st;
}

sqlite3_stmt *sq_prepare(struct store_conn *c, const char *sql)
{
    sq_touch(c);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        log_sqlite(c->db, rc, sql);
        return NULL;
    }
    return st;
}

int sq_exec(struct store_conn *c, sqlite3_stmt *st, const char *what)
{
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : sq_rc(c, rc, what);
    sqlite3_reset(st);
    return out;
}

void sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

void sq_bind_id(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

void sq_bind_tri(sqlite3_stmt *st, int i, int v)
{
    if (v >= 0)
        sqlite3_bind_int(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

char *sq_col_text(sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s)
        return NULL;
    int n = sqlite3_column_bytes(st, i);
    char *out = malloc((size_t)n + 1);
    if (!out) {
        *oom = 1;
        return NULL;
    }
    memcpy(out, s, (size_t)n);
    out[n] = '\0';
    return out;
}

int64_t sq_col_id(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

int sq_col_tri(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

/* Opens a connection with the pragmas every connection needs. */
static int conn_open(struct store *s, struct store_conn **out, char *err, size_t errlen)
{
    struct store_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return STORE_NOMEM;
    }
    int rc = sqlite3_open_v2(s->path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database '%s': %s", s->path,
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        free(c);
        return STORE_ERROR;
    }
    sqlite3_extended_result_codes(c->db, 1);
    /* The Chinese tokenizer and rexian_sketch(), before any statement touches the schema. */
    rc = sq_search_setup(c->db);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up search on '%s': %s", s->path, sqlite3_errstr(rc));
        sqlite3_close(c->db);
        free(c);
        return STORE_ERROR;
    }
    static const char *const pragmas =
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;" /* the writer connection: NORMAL, see open_writer */
        "PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-2000;"
        "PRAGMA temp_store=MEMORY;";
    char *msg = NULL;
    rc = sqlite3_exec(c->db, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up database '%s': %s", s->path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(c->db);
        free(c);
        return STORE_ERROR;
    }
    c->base.backend = STORE_BACKEND_SQLITE;
    c->store = s;
    sqlite3_busy_handler(c->db, on_busy, c);
    *out = c;
    return STORE_OK;
}

static void conn_free(struct store_conn *c)
{
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(c->stmt[i]);
    for (int i = 0; i < c->n_list; i++)
        sqlite3_finalize(c->list_stmt[i]);
    sqlite3_close(c->db);
    free(c);
}

struct store_conn *store_conn_get(struct store *s)
{
    struct store_conn *c = pthread_getspecific(s->key);
    if (c)
        return c;
    char err[256];
    if (conn_open(s, &c, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"%s\"}\n", err);
        return NULL;
    }
    pthread_mutex_lock(&s->lock);
    c->next = s->conns;
    s->conns = c;
    pthread_mutex_unlock(&s->lock);
    pthread_setspecific(s->key, c);
    return c;
}

void store_conn_drop(struct store *s)
{
    struct store_conn *c = pthread_getspecific(s->key);
    if (!c)
        return;
    pthread_mutex_lock(&s->lock);
    for (struct store_conn **p = &s->conns; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    pthread_setspecific(s->key, NULL);
    release_hold(c);
    conn_free(c);
}

/* ---- group commit ---- */

#define BATCH_MAX 64 /* requests per batch at most: bounds a batch's latency */

/* Makes every write so far to the log durable. The file is opened afresh
   each time: SQLite removes and recreates it when the last connection
   closes. No log means its content was checkpointed (and synced) into the
   database file. */
static void sync_log(struct store *s)
{
    int fd = open(s->wal_path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return;
        fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"cannot open the write-ahead log\",\"path\":\"%s\",\"err\":\"%s\"}\n",
                s->wal_path, strerror(errno));
        abort();
    }
    if (fdatasync(fd) != 0) {
        /* After a failed sync the kernel may have dropped the dirty pages:
           nothing acknowledged from here on could be trusted. */
        fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"fdatasync of the write-ahead log failed\",\"path\":\"%s\",\"err\":\"%s\"}\n",
                s->wal_path, strerror(errno));
        abort();
    }
    close(fd);
}

/* Whether batch `b` failed to commit (sync_lock held). Batches older than
   the ring are taken as committed: a waiter is never that late. */
static bool batch_lost(const struct store *s, uint64_t b)
{
    for (int i = 0; i < s->n_lost && i < 16; i++)
        if (s->lost[i] == b)
            return true;
    return false;
}

/*
 * Checkpoints: copying the log into the database file (and syncing that)
 * is the work of a thread of its own, which the syncer wakes after a sync
 * once the log has grown, so that neither a request's write lock nor the
 * next batch's sync waits for it. The writer's own automatic checkpoint is
 * off (on_wal); a passive checkpoint never blocks the writer or a reader,
 * and copies what no reader still needs. Once the log is all copied, the
 * writer starts it again from the top.
 */
#define CHECKPOINT_FRAMES 1000 /* SQLite's default threshold, in pages */

static void checkpoint(struct store *s)
{
    if (!s->checkpointer) {
        char err[256];
        if (conn_open(s, &s->checkpointer, err, sizeof err) != STORE_OK) {
            fprintf(stderr, "{\"level\":\"error\",\"msg\":\"%s\"}\n", err);
            return; /* the log grows; the next try may do better */
        }
    }
    int rc = sqlite3_wal_checkpoint_v2(s->checkpointer->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
                                       NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        log_sqlite(s->checkpointer->db, rc, "checkpoint");
    /* Until the writer's next commit says otherwise, nothing is due. */
    s->wal_frames = 0;
}

/*
 * After each commit on the writer (write_lock held): `frames` is the size
 * of the log. The checkpoint thread copies it when it has grown; a bulk load, which
 * nobody waits on, checkpoints here as SQLite itself would.
 */
static int on_wal(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct store *s = arg;
    s->wal_frames = frames;
    if (s->bulk && frames >= CHECKPOINT_FRAMES)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

/*
 * The syncer: commits the open batch when asked (a request released its
 * savepoint into it), then syncs the log for every batch committed so far.
 * While it syncs, requests go on filling the next batch: the slower the
 * disk, the larger the batches.
 */
static void *syncer_main(void *arg)
{
    struct store *s = arg;
    pthread_mutex_lock(&s->sync_lock);
    for (;;) {
        while (s->synced == s->finished && !s->batch_waiting && !s->stopping)
            pthread_cond_wait(&s->sync_wake, &s->sync_lock);
        if (s->batch_waiting) {
            s->batch_waiting = false;
            pthread_mutex_unlock(&s->sync_lock);
            pthread_mutex_lock(&s->write_lock);
            end_batch(s, s->writer);
            pthread_mutex_unlock(&s->write_lock);
            pthread_mutex_lock(&s->sync_lock);
        }
        if (s->synced == s->finished) {
            if (s->stopping && !s->batch_waiting)
                break; /* nothing left */
            continue;
        }
        uint64_t target = s->finished;
        pthread_mutex_unlock(&s->sync_lock);
        sync_log(s);
        pthread_mutex_lock(&s->sync_lock);
        s->synced = target;
        struct durable_waiter *ready = NULL, **p = &s->waiters;
        while (*p) {
            struct durable_waiter *w = *p;
            if (w->ticket <= target) {
                *p = w->next;
                w->next = ready;
                ready = w;
            } else {
                p = &w->next;
            }
        }
        pthread_cond_broadcast(&s->sync_done);
        if (s->on_durable)
            s->on_durable(s->on_durable_arg);
        while (ready) {
            struct durable_waiter *w = ready;
            ready = w->next;
            bool ok = !batch_lost(s, w->ticket);
            pthread_mutex_unlock(&s->sync_lock);
            w->fn(w->arg, ok);
            free(w);
            pthread_mutex_lock(&s->sync_lock);
        }
        if (s->wal_frames >= CHECKPOINT_FRAMES && !s->ckpt_due) {
            s->ckpt_due = true;
            pthread_cond_signal(&s->ckpt_wake);
        }
    }
    pthread_mutex_unlock(&s->sync_lock);
    return NULL;
}

/* The checkpoint thread: one passive checkpoint each time the syncer asks,
   so that the next batch's commit and sync never wait behind one. */
static void *checkpointer_main(void *arg)
{
    struct store *s = arg;
    pthread_mutex_lock(&s->sync_lock);
    for (;;) {
        while (!s->ckpt_due && !s->stopping)
            pthread_cond_wait(&s->ckpt_wake, &s->sync_lock);
        if (s->stopping)
            break; /* the last connection's close checkpoints what is left */
        pthread_mutex_unlock(&s->sync_lock);
        checkpoint(s);
        pthread_mutex_lock(&s->sync_lock);
        s->ckpt_due = false;
    }
    pthread_mutex_unlock(&s->sync_lock);
    if (s->checkpointer) {
        conn_free(s->checkpointer);
        s->checkpointer = NULL;
    }
    return NULL;
}

/* Batch `b` is over (committed, or lost when !ok): the syncer takes it. */
static void batch_finished(struct store *s, uint64_t b, bool ok)
{
    pthread_mutex_lock(&s->sync_lock);
    if (!ok)
        s->lost[s->n_lost++ % 16] = b;
    s->finished = b;
    if (s->bulk) /* nobody wants it on disk now: the final close syncs */
        s->synced = b;
    pthread_cond_signal(&s->sync_wake);
    pthread_cond_broadcast(&s->sync_done);
    pthread_mutex_unlock(&s->sync_lock);
}

/* Waits until batch `ticket` is durable; false if it was lost. */
static bool wait_durable(struct store *s, uint64_t ticket)
{
    if (!ticket)
        return true;
    pthread_mutex_lock(&s->sync_lock);
    while (s->synced < ticket)
        pthread_cond_wait(&s->sync_done, &s->sync_lock);
    bool ok = !batch_lost(s, ticket);
    pthread_mutex_unlock(&s->sync_lock);
    return ok;
}

void store_defer_durable(struct store_conn *c, bool on)
{
    c->defer = on;
}

void store_skip_own_writes(struct store_conn *c, bool on)
{
    c->skip_own = on;
}

uint64_t store_take_pending(struct store_conn *c)
{
    release_hold(c);
    uint64_t t = c->ticket;
    c->ticket = 0;
    c->visible = 0;
    return t;
}

int store_when_durable(struct store *s, uint64_t ticket, void (*fn)(void *arg, bool ok), void *arg)
{
    if (!ticket)
        return 1;
    struct durable_waiter *w = malloc(sizeof *w);
    if (!w) /* no memory to wait in the background: wait here */
        return wait_durable(s, ticket) ? 1 : -1;
    pthread_mutex_lock(&s->sync_lock);
    if (s->synced >= ticket) {
        bool ok = !batch_lost(s, ticket);
        pthread_mutex_unlock(&s->sync_lock);
        free(w);
        return ok ? 1 : -1;
    }
    w->ticket = ticket;
    w->fn = fn;
    w->arg = arg;
    w->next = s->waiters;
    s->waiters = w;
    pthread_mutex_unlock(&s->sync_lock);
    return 0;
}

static int syncer_start(struct store *s)
{
    size_t n = strlen(s->path);
    if (!(s->wal_path = malloc(n + 5)))
        return STORE_NOMEM;
    memcpy(s->wal_path, s->path, n);
    memcpy(s->wal_path + n, "-wal", 5);
    pthread_mutex_init(&s->sync_lock, NULL);
    pthread_cond_init(&s->sync_wake, NULL);
    pthread_cond_init(&s->sync_done, NULL);
    pthread_cond_init(&s->ckpt_wake, NULL);
    if (pthread_create(&s->syncer, NULL, syncer_main, s) != 0)
        return STORE_ERROR;
    s->syncer_running = true;
    if (pthread_create(&s->ckpt_thread, NULL, checkpointer_main, s) != 0)
        return STORE_ERROR;
    s->ckpt_running = true;
    return STORE_OK;
}

/* Syncs what is left, then ends the syncer thread. */
static void syncer_stop(struct store *s)
{
    if (!s->syncer_running)
        return;
    pthread_mutex_lock(&s->sync_lock);
    s->stopping = true;
    pthread_cond_signal(&s->sync_wake);
    pthread_cond_signal(&s->ckpt_wake);
    pthread_mutex_unlock(&s->sync_lock);
    pthread_join(s->syncer, NULL);
    s->syncer_running = false;
    if (s->ckpt_running)
        pthread_join(s->ckpt_thread, NULL);
    s->ckpt_running = false;
}

/*
 * Process-wide SQLite settings, before its first use. Every connection is
 * used by one thread at a time (a thread's own; the writer and the
 * checkpointer only by its own thread), so SQLite's
 * per-connection mutexes, which every sqlite3_column_* call takes, are not
 * needed; nor are its memory statistics, whose one global mutex every
 * allocation of every thread takes.
 */
static void sqlite_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(const char *url, bool migrate, struct store **out, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_once);
    if (!url || !*url) {
        snprintf(err, errlen, "no database given (--db or REXIAN_DB)");
        return STORE_ERROR;
    }
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        snprintf(err, errlen, "the PostgreSQL backend is not built into this version yet");
        return STORE_ERROR;
    }
    struct store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(url))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return STORE_NOMEM;
    }
    s->base.backend = STORE_BACKEND_SQLITE;
    pthread_key_create(&s->key, NULL);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->write_lock, NULL);
    if (syncer_start(s) != STORE_OK) {
        snprintf(err, errlen, "cannot start the log syncer");
        store_close(s);
        return STORE_ERROR;
    }
    struct store_conn *c = store_conn_get(s);
    if (!c) {
        snprintf(err, errlen, "cannot open database '%s'", url);
        store_close(s);
        return STORE_ERROR;
    }
    if (migrate) {
        int rc = store_migrate(s, NULL);
        if (rc != STORE_OK) {
            snprintf(err, errlen, "migrating '%s' failed: %s", url, store_rc_name(rc));
            store_close(s);
            return rc;
        }
    }
    pthread_mutex_lock(&s->write_lock);
    note_schema(s, c->db); /* searches need it before the writer opens */
    pthread_mutex_unlock(&s->write_lock);
    *out = s;
    return STORE_OK;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    /* A write lock this thread's last single statement still holds
       (on_busy) is let go first. */
    struct store_conn *own = pthread_getspecific(s->key);
    if (own)
        release_hold(own);
    /* Writes nobody waited for (single statements of a command) are made
       durable before the connections close. */
    if (s->writer) {
        pthread_mutex_lock(&s->write_lock);
        end_batch(s, s->writer); /* the search queue stays: the next search indexes it */
        pthread_mutex_unlock(&s->write_lock);
    }
    syncer_stop(s);
    if (s->writer)
        conn_free(s->writer);
    struct store_conn *c = s->conns;
    while (c) {
        struct store_conn *next = c->next;
        conn_free(c);
        c = next;
    }
    pthread_key_delete(s->key);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->write_lock);
    if (s->wal_path) {
        pthread_mutex_destroy(&s->sync_lock);
        pthread_cond_destroy(&s->sync_wake);
        pthread_cond_destroy(&s->sync_done);
        pthread_cond_destroy(&s->ckpt_wake);
        for (struct durable_waiter *w = s->waiters, *nx; w; w = nx) {
            nx = w->next;
            free(w);
        }
    }
    free(s->wal_path);
    free(s->path);
    free(s);
}

int store_schema_version(struct store *s, int *version)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(c, "PRAGMA user_version");
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_rc(c, rc, "user_version");
}

/* What the writer needs to know of the schema (after open and migrations). */
static void note_schema(struct store *s, sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    s->fts_queue = sqlite3_prepare_v2(db,
                                      "SELECT 1 FROM sqlite_schema WHERE type = 'table' "
                                      "AND name = 'tickets_fts_queue'",
                                      -1, &st, NULL) == SQLITE_OK &&
                   sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
}

/*
 * Applies each migration past PRAGMA user_version in its own IMMEDIATE
 * transaction, so a failed one leaves the schema at the one before it and a
 * concurrent migrate waits instead of applying it twice.
 */
int store_migrate(struct store *s, int *applied)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return STORE_ERROR;
    int done = 0, rc = STORE_OK;
    for (int i = 0; i < migrations_count; i++) {
        const struct migration *m = &migrations[i];
        char *msg = NULL;
        int src = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
        if (src != SQLITE_OK) {
            rc = sq_rc(c, src, "begin migration");
            sqlite3_free(msg);
            break;
        }
        int version = 0;
        sqlite3_stmt *st = sq_prepare(c, "PRAGMA user_version");
        if (st && sqlite3_step(st) == SQLITE_ROW)
            version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (version >= m->number) {
            sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
            continue;
        }
        src = sqlite3_exec(c->db, m->sql, NULL, NULL, &msg);
        if (src == SQLITE_OK) {
            char pragma[64];
            snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", m->number);
            src = sqlite3_exec(c->db, pragma, NULL, NULL, &msg);
        }
        if (src != SQLITE_OK) {
            fprintf(stderr, "{\"level\":\"error\",\"msg\":\"migration failed\",\"migration\":\"%s\",\"err\":\"%s\"}\n",
                    m->name, msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            rc = STORE_ERROR;
            break;
        }
        src = sqlite3_exec(c->db, "COMMIT", NULL, NULL, &msg);
        if (src != SQLITE_OK) {
            sqlite3_free(msg);
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            rc = sq_rc(c, src, "commit migration");
            break;
        }
        done++;
    }
    if (done) {
        pthread_mutex_lock(&s->write_lock);
        note_schema(s, c->db);
        pthread_mutex_unlock(&s->write_lock);
    }
    if (applied)
        *applied = done;
    return rc;
}

int store_backup(struct store *s, const char *path, char *err, size_t errlen)
{
    struct store_conn *c = store_conn_get(s);
    if (!c) {
        snprintf(err, errlen, "cannot open the database");
        return STORE_ERROR;
    }
    FILE *probe = fopen(path, "r");
    if (probe) {
        fclose(probe);
        snprintf(err, errlen, "backup file '%s' already exists", path);
        return STORE_CONFLICT;
    }
    sqlite3 *dst = NULL;
    int rc = sqlite3_open(path, &dst);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
        if (b) {
            /* All pages in one step, from one read snapshot. In WAL mode the
               server's writers go on meanwhile (a reader blocks none); a copy
               in several steps would start over after every write by another
               connection, and never end on a busy database past a few MB. */
            do {
                rc = sqlite3_backup_step(b, -1);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                    sqlite3_sleep(5);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(b);
        }
        rc = sqlite3_errcode(dst);
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "backup to '%s' failed: %s", path, dst ? sqlite3_errmsg(dst) : "?");
    sqlite3_close(dst);
    return rc == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

int store_set_bulk(struct store_conn *c, bool on)
{
    /* Bulk loads write through the writer connection like everything else. */
    struct store *s = c->store;
    pthread_mutex_lock(&s->write_lock);
    int rc = STORE_OK;
    s->bulk = on;
    if (s->writer) {
        end_batch(s, s->writer);
        rc = sq_rc(s->writer,
                   sqlite3_exec(s->writer->db, on ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=NORMAL",
                                NULL, NULL, NULL),
                   "synchronous");
    }
    pthread_mutex_unlock(&s->write_lock);
    if (!on) /* what the bulk load wrote is made durable now */
        sync_log(s);
    return rc;
}

/*
 * A write transaction borrows the writer connection: the thread's
 * store_conn swaps its database and statements with the writer's for the
 * time it holds write_lock, so every store function runs unchanged on the
 * writer. What identifies the thread's handle stays with it.
 */
static void swap_db(struct store_conn *a, struct store_conn *b)
{
    struct store_conn t = *a;
    *a = *b;
    *b = t;
#define KEEP(f)                                                                                    \
    do {                                                                                           \
        __typeof__(a->f) k_ = a->f;                                                                \
        a->f = b->f;                                                                               \
        b->f = k_;                                                                                 \
    } while (0)
    KEEP(base);
    KEEP(store);
    KEEP(next);
    KEEP(depth);
    KEEP(writing);
    KEEP(defer);
    KEEP(busy_hold);
    KEEP(ticket);
    KEEP(visible);
    KEEP(skip_own);
#undef KEEP
}

/*
 * The queued tickets enter the search index, in one statement, in the
 * transaction `w` writes in. A database not yet at 009 has no queue:
 * nothing to do.
 */
static bool index_queued(struct store_conn *w)
{
    if (!w->store->fts_queue)
        return true;
    sqlite3_stmt *ins = sq_stmt(w, Q_FTS_QUEUE_INDEX,
                                "INSERT INTO tickets_fts(rowid, title, content, address, reply) "
                                "SELECT t.id, t.title, t.content, t.address, t.reply "
                                "FROM tickets_fts_queue q JOIN tickets t ON t.id = q.ticket_id");
    sqlite3_stmt *del = sq_stmt(w, Q_FTS_QUEUE_CLEAR, "DELETE FROM tickets_fts_queue");
    return ins && del && sq_exec(w, ins, "search index") == STORE_OK &&
           sq_exec(w, del, "search queue") == STORE_OK;
}

/*
 * Ends the open batch on `w`, the handle holding the writer's database
 * (write_lock held): commit, or count it lost if SQLite already rolled it
 * back (a full disk, an I/O error) or the commit fails.
 *
 * New tickets wait in the search queue (migration 009) until FTS_BATCH
 * requests have committed since it was last indexed, or until a search
 * needs them (store_search_current); then the batch indexes them all
 * before its commit. Indexing a few hundred tickets at once writes one
 * index segment for them all, where indexing every batch of a dozen wrote,
 * and later merged, a segment per dozen: the largest single piece of a
 * creation's time under the write lock (docs/PERFORMANCE.md).
 */
#define FTS_BATCH 256

static bool end_batch_as(struct store *s, struct store_conn *w, bool index_all)
{
    if (!s->batch)
        return true;
    bool ok = false;
    if (!sqlite3_get_autocommit(w->db)) {
        s->fts_pending += s->batch_len;
        bool index = index_all || s->fts_pending >= FTS_BATCH;
        ok = (!index || index_queued(w)) &&
             sq_exec(w, sq_stmt(w, Q_COMMIT, "COMMIT"), "commit") == STORE_OK;
        if (!ok && !sqlite3_get_autocommit(w->db))
            sq_exec(w, sq_stmt(w, Q_ROLLBACK, "ROLLBACK"), "rollback");
        if (ok && index)
            s->fts_pending = 0;
    }
    batch_finished(s, s->batch, ok);
    s->batch = 0;
    s->batch_len = 0;
    return ok;
}

static void end_batch(struct store *s, struct store_conn *w)
{
    end_batch_as(s, w, false);
}

/* Indexes the queue and commits it with the open batch, or in a batch of
   its own if none is open (write_lock held). Nobody waits for its sync: a
   search only needs to see the index, and the tickets in it were made
   durable by their own batches. */
static int index_now(struct store *s)
{
    if (!s->writer && open_writer(s) != STORE_OK)
        return STORE_ERROR;
    if (!s->batch) {
        int rc = sq_exec(s->writer, sq_stmt(s->writer, Q_BEGIN_WRITE, "BEGIN IMMEDIATE"), "begin");
        if (rc != STORE_OK)
            return rc;
        s->batch = ++s->batch_seq;
    }
    return end_batch_as(s, s->writer, true) ? STORE_OK : STORE_ERROR;
}

int store_search_current(struct store_conn *c)
{
    struct store *s = c->store;
    if (!s->fts_queue)
        return STORE_OK;
    if (c->writing) /* inside a request: its savepoint indexes, and keeps or undoes it */
        return index_queued(c) ? STORE_OK : STORE_ERROR;
    if (c->depth > 0)
        return STORE_OK; /* a read snapshot would not see it (store.h) */
    sqlite3_stmt *st = sq_stmt(c, Q_FTS_QUEUE_ANY, "SELECT 1 FROM tickets_fts_queue LIMIT 1");
    if (!st)
        return STORE_ERROR;
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src == SQLITE_DONE)
        return STORE_OK;
    if (src != SQLITE_ROW)
        return sq_rc(c, src, "search queue");
    pthread_mutex_lock(&s->write_lock);
    int rc = index_now(s);
    pthread_mutex_unlock(&s->write_lock);
    return rc;
}

/* Gives the writer back (c holds its database). A batch with requests in
   it is committed by the syncer as soon as its previous sync is done; at
   BATCH_MAX, or when SQLite has rolled it back, it ends here. */
static void leave_writer(struct store_conn *c)
{
    struct store *s = c->store;
    if (s->batch && (sqlite3_get_autocommit(c->db) || s->batch_len >= BATCH_MAX)) {
        end_batch(s, c);
    } else if (s->batch && s->batch_len == 0) {
        /* Opened by a request that rolled back: nothing to keep, and an open
           transaction would hold off other processes' writes. */
        sq_exec(c, sq_stmt(c, Q_ROLLBACK, "ROLLBACK"), "rollback");
        s->batch = 0;
    } else if (s->batch) {
        pthread_mutex_lock(&s->sync_lock);
        s->batch_waiting = true;
        pthread_cond_signal(&s->sync_wake);
        pthread_mutex_unlock(&s->sync_lock);
    }
    swap_db(c, s->writer);
    c->writing = false;
    pthread_mutex_unlock(&s->write_lock);
}

/*
 * Read your own writes: a thread that wrote into a batch not yet committed
 * and now reads on its own connection would not see its writes; the batch
 * is committed first (its durability is still waited for as before).
 */
static void ensure_visible(struct store_conn *c)
{
    struct store *s = c->store;
    pthread_mutex_lock(&s->sync_lock);
    bool done = s->finished >= c->ticket;
    pthread_mutex_unlock(&s->sync_lock);
    if (!done) {
        pthread_mutex_lock(&s->write_lock);
        if (s->batch && s->batch <= c->ticket)
            end_batch(s, s->writer);
        pthread_mutex_unlock(&s->write_lock);
    }
    c->visible = c->ticket;
}

/* Drops the write lock a busy single statement took (on_busy). */
static void release_hold(struct store_conn *c)
{
    if (c->busy_hold) {
        c->busy_hold = false;
        pthread_mutex_unlock(&c->store->write_lock);
    }
}

/*
 * A single write statement on a thread's own connection (outside
 * store_begin) finds the database locked: by the open batch, most likely.
 * Take write_lock, commit the batch, and hold the lock so no new batch
 * starts before the statement's retry; the next store call on this thread
 * lets go (release_hold). Anything else (another process) is waited for,
 * 5 s at most.
 */
static int on_busy(void *arg, int n)
{
    struct store_conn *c = arg;
    struct store *s = c->store;
    if (!c->busy_hold && !c->writing && c->depth == 0) {
        pthread_mutex_lock(&s->write_lock);
        if (s->writer)
            end_batch(s, s->writer);
        c->busy_hold = true;
        return 1;
    }
    if (n >= 5000)
        return 0;
    usleep(1000);
    return 1;
}

static int open_writer(struct store *s)
{
    char err[256];
    struct store_conn *w = NULL;
    if (conn_open(s, &w, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"%s\"}\n", err);
        return STORE_ERROR;
    }
    /* The syncer makes the log durable (group commit); a checkpoint still
       syncs the log before it writes the database file. */
    sqlite3_busy_timeout(w->db, 5000);
    /* One writer for the process: it can afford a larger page cache (8 MB)
       than the readers, and every write reads the same hot index pages. */
    if (sqlite3_exec(w->db, s->bulk ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=NORMAL",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(w->db, "PRAGMA cache_size=-8000", NULL, NULL, NULL) != SQLITE_OK) {
        conn_free(w);
        return STORE_ERROR;
    }
    sqlite3_wal_hook(w->db, on_wal, s); /* replaces SQLite's automatic checkpoint */
    s->writer = w;
    note_schema(s, w->db);
    return STORE_OK;
}

/*
 * Transactions nest: an inner begin is a SAVEPOINT, so a use case that opens
 * its own transaction can run inside a caller's (the demo batches hundreds of
 * tickets into one commit). A write transaction is a savepoint in the
 * writer's batch; its commit releases the savepoint and, unless deferred,
 * waits for the batch to be durable.
 */
int store_begin(struct store_conn *c, bool write)
{
    release_hold(c);
    if (c->depth > 0) {
        int rc = sq_rc(c, sqlite3_exec(c->db, "SAVEPOINT nested", NULL, NULL, NULL), "savepoint");
        if (rc == STORE_OK)
            c->depth++;
        return rc;
    }
    if (!write) {
        int rc = sq_exec(c, sq_stmt(c, Q_BEGIN_READ, "BEGIN"), "begin");
        if (rc == STORE_OK)
            c->depth = 1;
        return rc;
    }
    struct store *s = c->store;
    pthread_mutex_lock(&s->write_lock);
    if (!s->writer && open_writer(s) != STORE_OK) {
        pthread_mutex_unlock(&s->write_lock);
        return STORE_ERROR;
    }
    swap_db(c, s->writer);
    c->writing = true;
    int rc = STORE_OK;
    if (!s->batch) {
        rc = sq_exec(c, sq_stmt(c, Q_BEGIN_WRITE, "BEGIN IMMEDIATE"), "begin");
        if (rc == STORE_OK)
            s->batch = ++s->batch_seq;
    }
    if (rc == STORE_OK)
        rc = sq_exec(c, sq_stmt(c, Q_SAVEPOINT, "SAVEPOINT request"), "savepoint");
    if (rc != STORE_OK) {
        leave_writer(c);
        return rc;
    }
    c->depth = 1;
    return STORE_OK;
}

int store_commit(struct store_conn *c)
{
    if (c->depth > 1) {
        int rc = sq_rc(c, sqlite3_exec(c->db, "RELEASE nested", NULL, NULL, NULL), "release");
        c->depth--;
        return rc;
    }
    if (!c->writing) {
        int rc = sq_exec(c, sq_stmt(c, Q_COMMIT, "COMMIT"), "commit");
        if (rc == STORE_OK)
            c->depth = 0;
        else
            store_rollback(c);
        return rc;
    }
    struct store *s = c->store;
    int rc = sqlite3_get_autocommit(c->db)
                 ? STORE_ERROR /* the batch is gone (SQLite rolled it back) */
                 : sq_exec(c, sq_stmt(c, Q_RELEASE, "RELEASE request"), "release");
    if (rc != STORE_OK) {
        store_rollback(c);
        return rc;
    }
    uint64_t batch = s->batch;
    s->batch_len++;
    c->depth = 0;
    leave_writer(c);
    if (batch > c->ticket)
        c->ticket = batch;
    if (!c->defer) {
        c->ticket = 0;
        if (!wait_durable(s, batch))
            return STORE_ERROR;
    }
    return STORE_OK;
}

void store_rollback(struct store_conn *c)
{
    if (c->depth > 1) {
        sqlite3_exec(c->db, "ROLLBACK TO nested; RELEASE nested", NULL, NULL, NULL);
        c->depth--;
        return;
    }
    if (!c->writing) {
        if (sqlite3_get_autocommit(c->db) == 0)
            sq_exec(c, sq_stmt(c, Q_ROLLBACK, "ROLLBACK"), "rollback");
        c->depth = 0;
        return;
    }
    /* Only this request's savepoint is undone; the batch goes on, unless
       the undo itself fails, which loses the batch rather than keep half
       of this request in it. */
    if (!sqlite3_get_autocommit(c->db) &&
        sqlite3_exec(c->db, "ROLLBACK TO request; RELEASE request", NULL, NULL, NULL) != SQLITE_OK)
        sq_exec(c, sq_stmt(c, Q_ROLLBACK, "ROLLBACK"), "rollback");
    c->depth = 0;
    leave_writer(c);
}

/* Other processes' writes are seen by the feed's poll; this process's
   are announced when their batch is durable (syncer_main), so a live event
   never tells of a write that could still be lost. */
void store_on_remote_events(struct store *s, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&s->sync_lock);
    s->on_durable = fn;
    s->on_durable_arg = arg;
    pthread_mutex_unlock(&s->sync_lock);
}

bool store_timer_lead(struct store *s)
{
    (void)s;
    return true;
}

int store_ping(struct store_conn *c)
{
    sqlite3_stmt *st = sq_stmt(c, Q_PING, "SELECT count(*) FROM sqlite_schema");
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_rc(c, rc, "ping");
}
