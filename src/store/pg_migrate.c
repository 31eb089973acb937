/*
 * pg_migrate.c - PostgreSQL schema migrations, schema version and backup.
 *
 * Migrations are src/store/migrations/pg/NNN_name.sql, numbered like the
 * SQLite ones, recorded in schema_migrations. Each one runs in its own
 * transaction holding a transaction-level advisory lock, so `rexian migrate`
 * (or a starting instance) may run while other instances serve: a second
 * migrator waits for the first and then finds the work done, and a failed
 * migration leaves the schema at the one before it.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "store/pg_int.h"

extern char **environ;

/* The advisory lock (class, object) every migrator takes. */
#define LOCK_SQL "SELECT pg_advisory_xact_lock(1919252073, 1)"

/* Runs sql on c's link; STORE_OK or a logged error. */
static int exec_sql(struct store_conn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c->link->db, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? STORE_OK
                                                              : pg_result_rc(c, r, what);
    PQclear(r);
    return rc;
}

/* Applies migration m unless it is recorded; *ran tells which. One transaction. */
static int apply_one(struct store_conn *c, const struct migration *m, int *ran)
{
    *ran = 0;
    int rc = exec_sql(c, "BEGIN", "begin migration");
    if (rc == STORE_OK)
        rc = exec_sql(c, LOCK_SQL, "migration lock");
    if (rc == STORE_OK)
        rc = exec_sql(c,
                      "CREATE TABLE IF NOT EXISTS schema_migrations (number integer PRIMARY KEY, "
                      "name text NOT NULL, applied_at bigint NOT NULL)",
                      "schema_migrations");
    char num[16], at[32];
    snprintf(num, sizeof num, "%d", m->number);
    snprintf(at, sizeof at, "%lld", (long long)time_now_ms());
    const char *vals[3] = {num, m->name, at};
    int done = 0;
    if (rc == STORE_OK) {
        PGresult *r = PQexecParams(c->link->db,
                                   "SELECT 1 FROM schema_migrations WHERE number = $1::integer",
                                   1, NULL, vals, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            done = PQntuples(r) > 0;
        else
            rc = pg_result_rc(c, r, "schema_migrations");
        PQclear(r);
    }
    if (rc == STORE_OK && !done) {
        rc = exec_sql(c, m->sql, m->name);
        if (rc == STORE_OK) {
            PGresult *r = PQexecParams(c->link->db,
                                       "INSERT INTO schema_migrations(number, name, applied_at) "
                                       "VALUES($1::integer, $2, $3::bigint)",
                                       3, NULL, vals, NULL, NULL, 0);
            rc = PQresultStatus(r) == PGRES_COMMAND_OK ? STORE_OK
                                                        : pg_result_rc(c, r, m->name);
            PQclear(r);
        }
        if (rc != STORE_OK)
            fprintf(stderr, "{\"level\":\"error\",\"msg\":\"migration failed\","
                            "\"migration\":\"%s\"}\n", m->name);
    }
    if (rc == STORE_OK)
        rc = exec_sql(c, "COMMIT", "commit migration");
    if (rc != STORE_OK && c->link && !c->link->broken) {
        PGresult *r = PQexec(c->link->db, "ROLLBACK");
        PQclear(r);
    }
    *ran = rc == STORE_OK && !done;
    return rc;
}

int pg_store_migrate(struct store *s, int *applied)
{
    struct store_conn *c = pg_store_conn_get(s);
    if (!c)
        return STORE_ERROR;
    int rc = pg_link_get(c);
    int count = 0;
    for (int i = 0; rc == STORE_OK && i < pg_migrations_count; i++) {
        int ran = 0;
        rc = apply_one(c, &pg_migrations[i], &ran);
        count += ran;
    }
    c->failed = 0;
    pg_conn_idle(c);
    if (applied)
        *applied = count;
    return rc;
}

int pg_store_schema_version(struct store *s, int *version)
{
    *version = 0;
    struct store_conn *c = pg_store_conn_get(s);
    if (!c)
        return STORE_ERROR;
    int rc = pg_link_get(c);
    if (rc == STORE_OK) {
        /* to_regclass: no error (and no log line) before the first migration */
        PGresult *r = PQexec(c->link->db,
                             "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 "
                             "ELSE (SELECT coalesce(max(number), 0) FROM schema_migrations) END");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            *version = (int)pg_col_int(r, 0, 0);
        else
            rc = pg_result_rc(c, r, "schema version");
        PQclear(r);
    }
    if (c->depth == 0)
        c->failed = 0;
    pg_conn_idle(c);
    return rc;
}

/*
 * PostgreSQL's own tool makes the copy: pg_dump in its custom format into
 * `path` (restore with pg_restore; docs/DEPLOY.md). Keep passwords in
 * ~/.pgpass, not in the URL: pg_dump's command line is visible to `ps`.
 */
int pg_store_backup(struct store *s, const char *path, char *err, size_t errlen)
{
    if (access(path, F_OK) == 0) {
        snprintf(err, errlen, "backup file '%s' already exists", path);
        return STORE_CONFLICT;
    }
    char *const argv[] = {"pg_dump", "--format=custom", "--no-password", "--file",
                          (char *)path, "--dbname", s->url, NULL};
    pid_t pid;
    int status = 0;
    int src = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ);
    if (src == 0 && waitpid(pid, &status, 0) < 0)
        src = -1;
    if (src != 0) {
        snprintf(err, errlen, "cannot run pg_dump (install the postgresql-client package)");
        return STORE_ERROR;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "pg_dump into '%s' failed (its message is above)", path);
        return STORE_ERROR;
    }
    return STORE_OK;
}
