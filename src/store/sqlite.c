/*
 * sqlite.c - the SQLite backend: opening, per-thread connections, the
 * statement cache, transactions, migrations and online backup.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

sqlite3_stmt *sq_stmt(struct store_conn *c, enum stmt_id id, const char *sql)
{
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
    sqlite3_busy_timeout(c->db, 5000);
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
        "PRAGMA synchronous=FULL;"
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
    conn_free(c);
}

int store_open(const char *url, bool migrate, struct store **out, char *err, size_t errlen)
{
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
    *out = s;
    return STORE_OK;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    struct store_conn *c = s->conns;
    while (c) {
        struct store_conn *next = c->next;
        conn_free(c);
        c = next;
    }
    pthread_key_delete(s->key);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->write_lock);
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
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, on ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL", NULL,
                          NULL, &msg);
    sqlite3_free(msg);
    return sq_rc(c, rc, "synchronous");
}

static void end_write(struct store_conn *c)
{
    if (c->writing) {
        c->writing = false;
        pthread_mutex_unlock(&c->store->write_lock);
    }
}

/*
 * Transactions nest: an inner begin is a SAVEPOINT, so a use case that opens
 * its own transaction can run inside a caller's (the demo batches hundreds of
 * tickets into one commit). Only the outermost commit makes it durable.
 */
int store_begin(struct store_conn *c, bool write)
{
    if (c->depth > 0) {
        int rc = sq_rc(c, sqlite3_exec(c->db, "SAVEPOINT nested", NULL, NULL, NULL), "savepoint");
        if (rc == STORE_OK)
            c->depth++;
        return rc;
    }
    sqlite3_stmt *st = write ? sq_stmt(c, Q_BEGIN_WRITE, "BEGIN IMMEDIATE")
                             : sq_stmt(c, Q_BEGIN_READ, "BEGIN");
    if (write) {
        pthread_mutex_lock(&c->store->write_lock);
        c->writing = true;
    }
    int rc = sq_exec(c, st, "begin");
    if (rc == STORE_OK)
        c->depth = 1;
    else
        end_write(c);
    return rc;
}

int store_commit(struct store_conn *c)
{
    if (c->depth > 1) {
        int rc = sq_rc(c, sqlite3_exec(c->db, "RELEASE nested", NULL, NULL, NULL), "release");
        c->depth--;
        return rc;
    }
    int rc = sq_exec(c, sq_stmt(c, Q_COMMIT, "COMMIT"), "commit");
    if (rc == STORE_OK) {
        c->depth = 0;
        end_write(c);
    } else {
        store_rollback(c);
    }
    return rc;
}

void store_rollback(struct store_conn *c)
{
    if (c->depth > 1) {
        sqlite3_exec(c->db, "ROLLBACK TO nested; RELEASE nested", NULL, NULL, NULL);
        c->depth--;
        return;
    }
    if (sqlite3_get_autocommit(c->db) == 0)
        sq_exec(c, sq_stmt(c, Q_ROLLBACK, "ROLLBACK"), "rollback");
    c->depth = 0;
    end_write(c);
}

void store_on_remote_events(struct store *s, void (*fn)(void *arg), void *arg)
{
    (void)s, (void)fn, (void)arg; /* one process per file: the feed's poll suffices */
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
