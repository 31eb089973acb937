/*
 * pg_exec.c - running statements on PostgreSQL: parameters, prepared
 * statements, error codes and result columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

void pg_log(const char *what, const char *detail)
{
    /* One JSON line; quotes and control characters of the detail are blanked. */
    char clean[512];
    size_t n = 0;
    for (const char *p = detail ? detail : ""; *p && n + 1 < sizeof clean; p++)
        clean[n++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? ' ' : *p;
    while (n && clean[n - 1] == ' ')
        n--;
    clean[n] = '\0';
    char w[160];
    snprintf(w, sizeof w, "%.150s", what ? what : "");
    for (char *p = w; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
            *p = ' ';
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"postgres\",\"what\":\"%s\",\"err\":\"%s\"}\n",
            w, clean);
}

/* ---- parameters ---- */

static void pp_set(struct pg_params *p, const char *v, int len, int fmt)
{
    if (p->n >= PG_MAX_PARAMS) {
        p->n = PG_MAX_PARAMS + 1; /* defensive: pg_run refuses an overflowed list */
        return;
    }
    p->v[p->n] = v;
    p->len[p->n] = len;
    p->fmt[p->n] = fmt;
    p->n++;
}

void pp_text(struct pg_params *p, const char *s)
{
    pp_set(p, s, 0, 0);
}

void pp_int(struct pg_params *p, int64_t v)
{
    if (p->n >= PG_MAX_PARAMS) {
        pp_set(p, NULL, 0, 0);
        return;
    }
    snprintf(p->num[p->n], sizeof p->num[0], "%lld", (long long)v);
    pp_set(p, p->num[p->n], 0, 0);
}

void pp_id(struct pg_params *p, int64_t v)
{
    if (v)
        pp_int(p, v);
    else
        pp_set(p, NULL, 0, 0);
}

void pp_tri(struct pg_params *p, int v)
{
    if (v >= 0)
        pp_int(p, v);
    else
        pp_set(p, NULL, 0, 0);
}

void pp_double(struct pg_params *p, double v)
{
    if (p->n >= PG_MAX_PARAMS) {
        pp_set(p, NULL, 0, 0);
        return;
    }
    snprintf(p->num[p->n], sizeof p->num[0], "%.17g", v);
    pp_set(p, p->num[p->n], 0, 0);
}

void pp_bytes(struct pg_params *p, const void *b, int len)
{
    pp_set(p, b, len, 1);
}

/* ---- errors ---- */

int pg_result_rc(struct store_conn *c, PGresult *r, const char *what)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int rc = STORE_ERROR;
    if (!r || !state) {
        /* No result or no SQLSTATE: the connection is gone or out of memory. */
        if (c->link && PQstatus(c->link->db) != CONNECTION_OK)
            c->link->broken = 1;
        pg_log(what, c->link ? PQerrorMessage(c->link->db) : "no connection");
        rc = r ? STORE_ERROR : (c->link && !c->link->broken ? STORE_NOMEM : STORE_ERROR);
    } else if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
               !strcmp(state, "57014") || !strcmp(state, "53300")) {
        rc = STORE_BUSY; /* serialization failure, deadlock, lock timeout: retry */
    } else if (!strcmp(state, "23505")) {
        rc = STORE_CONFLICT;
    } else if (!strcmp(state, "23503")) {
        rc = STORE_INVALID;
    } else if (!strncmp(state, "23", 2)) {
        pg_log(what, PQresultErrorMessage(r)); /* CHECK / NOT NULL: the edge should catch it */
        rc = STORE_INVALID;
    } else if (!strcmp(state, "53200")) {
        rc = STORE_NOMEM;
    } else {
        if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
            c->link->broken = 1; /* connection exception, server shutting down */
        pg_log(what, PQresultErrorMessage(r));
    }
    if (c->depth > 0 && !c->failed)
        c->failed = rc;
    return rc;
}

/* ---- statements ---- */

static PGresult *run(struct store_conn *c, const char *name, const char *sql, int *prepared,
                     const struct pg_params *p, int *rc)
{
    if (c->failed) {
        *rc = c->failed; /* the transaction is aborted; only a rollback helps */
        return NULL;
    }
    *rc = pg_link_get(c);
    if (*rc != STORE_OK)
        return NULL;
    if (p && p->n > PG_MAX_PARAMS) {
        pg_log(sql, "too many parameters");
        *rc = STORE_ERROR;
        return NULL;
    }
    PGconn *db = c->link->db;
    if (!*prepared) {
        PGresult *pr = PQprepare(db, name, sql, 0, NULL);
        if (PQresultStatus(pr) != PGRES_COMMAND_OK) {
            *rc = pg_result_rc(c, pr, sql);
            PQclear(pr);
            return NULL;
        }
        PQclear(pr);
        *prepared = 1;
    }
    PGresult *r = PQexecPrepared(db, name, p ? p->n : 0, p ? p->v : NULL, p ? p->len : NULL,
                                 p ? p->fmt : NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        *rc = STORE_OK;
        return r;
    }
    *rc = pg_result_rc(c, r, sql);
    PQclear(r);
    return NULL;
}

PGresult *pg_run(struct store_conn *c, enum pq_id id, const char *sql, const struct pg_params *p,
                 int *rc)
{
    char name[16];
    snprintf(name, sizeof name, "s%d", (int)id);
    if (c->failed) {
        *rc = c->failed;
        return NULL;
    }
    *rc = pg_link_get(c);
    if (*rc != STORE_OK)
        return NULL;
    int prepared = c->link->prepared[id];
    PGresult *r = run(c, name, sql, &prepared, p, rc);
    if (c->link && prepared)
        c->link->prepared[id] = 1;
    return r;
}

PGresult *pg_run_named(struct store_conn *c, const char *name, const char *sql, int prepared,
                       const struct pg_params *p, int *rc)
{
    return run(c, name, sql, &prepared, p, rc);
}

int pg_exec(struct store_conn *c, enum pq_id id, const char *sql, const struct pg_params *p,
            int64_t *changed)
{
    int rc;
    PGresult *r = pg_run(c, id, sql, p, &rc);
    if (!r)
        return rc;
    if (changed)
        *changed = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return STORE_OK;
}

int pg_simple(struct store_conn *c, const char *sql)
{
    int rc = pg_link_get(c);
    if (rc != STORE_OK)
        return rc;
    PGresult *r = PQexec(c->link->db, sql);
    if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) {
        PQclear(r);
        return STORE_OK;
    }
    rc = pg_result_rc(c, r, sql);
    PQclear(r);
    return rc;
}

/* ---- columns ---- */

const char *pg_col_str(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

char *pg_col_text(PGresult *r, int row, int col, int *oom)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    int n = PQgetlength(r, row, col);
    char *out = malloc((size_t)n + 1);
    if (!out) {
        *oom = 1;
        return NULL;
    }
    memcpy(out, PQgetvalue(r, row, col), (size_t)n);
    out[n] = '\0';
    return out;
}

int64_t pg_col_int(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int pg_col_tri(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? -1 : (int)strtol(PQgetvalue(r, row, col), NULL, 10);
}

double pg_col_double(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0.0 : strtod(PQgetvalue(r, row, col), NULL);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int pg_col_bytes(PGresult *r, int row, int col, unsigned char *buf, size_t cap, size_t *len)
{
    const char *s = pg_col_str(r, row, col);
    *len = 0;
    if (!s || s[0] != '\\' || s[1] != 'x')
        return -1;
    size_t n = strlen(s + 2);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 + 2 * i]), lo = hexval(s[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return -1;
        buf[i] = (unsigned char)(hi << 4 | lo);
    }
    *len = n / 2;
    return 0;
}
