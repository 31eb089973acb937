/*
 * sqlite_search.c - what every connection needs for Chinese search: the
 * "rexian" FTS5 tokenizer and the rexian_sketch() SQL function (used by the
 * triggers of migration 003), and the one place where a user's search text
 * becomes an FTS5 expression.
 *
 * The user's text is never handed to FTS5 as syntax. It is cut into words
 * by the same segmenter that built the index, and each word is written as
 * an FTS5 string ("..." with any '"' doubled), so quotes, NEAR, *, -, ^,
 * parentheses or column filters in the input are just characters.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dedup.h"
#include "store/sqlite_int.h"
#include "text/fts5.h"
#include "text/segment.h"
#include "text/snippet.h"

/* rexian_sketch(title, content, address): the ticket's text sketch as a BLOB (core/dedup.h). */
static void fn_sketch(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct dedup_sketch sk;
    if (dedup_sketch_make((const char *)sqlite3_value_text(argv[0]),
                          (const char *)sqlite3_value_text(argv[1]),
                          (const char *)sqlite3_value_text(argv[2]), &sk) != 0) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    unsigned char buf[DEDUP_SKETCH_BYTES];
    size_t n = dedup_sketch_encode(&sk, buf);
    sqlite3_result_blob(ctx, buf, (int)n, SQLITE_TRANSIENT);
}

int sq_search_setup(sqlite3 *db)
{
    int rc = text_fts5_register(db);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "rexian_sketch", 3,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     fn_sketch, NULL, NULL);
    return rc;
}

/* ---- search text -> FTS5 expression ---- */

#define QUERY_MAX_BYTES 65536

struct term {
    size_t off, len; /* in terms.buf */
    bool single_cjk;
};

struct qbuild {
    char *buf; /* the distinct words, back to back */
    size_t len, cap;
    struct term *terms;
    size_t n, max;
    bool oom;
};

static int collect(void *ctx, const struct text_token *t)
{
    struct qbuild *q = ctx;
    if (q->n == q->max)
        return 1; /* enough words: stop */
    for (size_t i = 0; i < q->n; i++)
        if (q->terms[i].len == t->len && memcmp(q->buf + q->terms[i].off, t->text, t->len) == 0)
            return 0;
    if (q->len + t->len > q->cap) {
        size_t cap = q->cap ? q->cap : 256;
        while (cap < q->len + t->len)
            cap *= 2;
        char *nb = realloc(q->buf, cap);
        if (!nb) {
            q->oom = true;
            return 1;
        }
        q->buf = nb;
        q->cap = cap;
    }
    memcpy(q->buf + q->len, t->text, t->len);
    q->terms[q->n++] = (struct term){q->len, t->len, t->kind == TK_CJK && t->chars == 1};
    q->len += t->len;
    return 0;
}

/* Appends s[0..n) to out at *pos (room checked by the caller's sizing). */
static void put(char *out, size_t *pos, const char *s, size_t n)
{
    memcpy(out + *pos, s, n);
    *pos += n;
}

int sq_fts_query(const char *text, bool any, int max_terms, char **out)
{
    *out = NULL;
    struct text_seg *seg = text_seg_thread();
    if (!seg)
        return STORE_NOMEM;
    struct qbuild q = {.max = max_terms > 0 ? (size_t)max_terms : 1};
    q.terms = calloc(q.max, sizeof *q.terms);
    if (!q.terms)
        return STORE_NOMEM;
    size_t tlen = strlen(text);
    int rc =
        text_segment(seg, text, tlen > QUERY_MAX_BYTES ? QUERY_MAX_BYTES : tlen, 0, collect, &q);
    if (q.oom || rc == TEXT_NOMEM) {
        free(q.buf);
        free(q.terms);
        return STORE_NOMEM;
    }
    /* "Any of": lone characters (的, 我, 了 ...) say little when longer words are there. */
    bool skip_single = false;
    if (any)
        for (size_t i = 0; i < q.n; i++)
            skip_single |= !q.terms[i].single_cjk;
    size_t need = 1;
    for (size_t i = 0; i < q.n; i++)
        need += q.terms[i].len * 2 + 6;
    char *expr = q.n ? malloc(need) : NULL;
    size_t pos = 0, used = 0;
    for (size_t i = 0; expr && i < q.n; i++) {
        const struct term *t = &q.terms[i];
        if (skip_single && t->single_cjk)
            continue;
        if (used++)
            put(expr, &pos, any ? " OR " : " ", any ? 4 : 1);
        put(expr, &pos, "\"", 1);
        for (size_t k = 0; k < t->len; k++) {
            char ch = q.buf[t->off + k];
            put(expr, &pos, &ch, 1);
            if (ch == '"')
                put(expr, &pos, "\"", 1); /* defensive: words never hold quotes */
        }
        put(expr, &pos, "\"", 1);
    }
    free(q.buf);
    free(q.terms);
    if (q.n && !expr)
        return STORE_NOMEM;
    if (!used) {
        free(expr);
        return STORE_INVALID; /* nothing to search for */
    }
    expr[pos] = '\0';
    *out = expr;
    return STORE_OK;
}

/* ---- snippets ---- */

int sq_snippet(const char *q, const char *const *texts, size_t n, char **out)
{
    *out = NULL;
    struct text_seg *seg = text_seg_thread();
    struct text_query *tq = NULL;
    if (!seg)
        return STORE_NOMEM;
    size_t len = strlen(q);
    int rc = text_query_new(seg, q, len > QUERY_MAX_BYTES ? QUERY_MAX_BYTES : len, 32, &tq);
    if (rc == TEXT_OK)
        rc = text_snippet(seg, tq, texts, n, SNIPPET_CHARS, out);
    text_query_free(tq);
    return rc == TEXT_OK ? STORE_OK : rc == TEXT_NOMEM ? STORE_NOMEM : STORE_ERROR;
}

/* ---- the window of a ticket search ---- */

int sq_search_bound(struct store_conn *c, const char *fts, int64_t below, int window, int64_t *lo,
                    int *hits)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SEARCH_BOUND,
                               "SELECT min(id), count(*) FROM (SELECT f.rowid AS id FROM "
                               "tickets_fts f WHERE tickets_fts MATCH ?1 AND f.rowid < ?2 "
                               "ORDER BY f.rowid DESC LIMIT ?3)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, below);
    sqlite3_bind_int(st, 3, window);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? STORE_OK : sq_rc(c, src, "search window");
    if (src == SQLITE_ROW) {
        *lo = sqlite3_column_int64(st, 0);
        *hits = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* fts is the caller's */
    return rc;
}

/* ---- checking the index ---- */

int store_search_check(struct store_conn *c)
{
    int rc = store_search_current(c);
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *t = sq_stmt(c, Q_SEARCH_CHECK_TICKETS,
                              "INSERT INTO tickets_fts(tickets_fts, rank) VALUES ('integrity-check', 1)");
    if (!t)
        return STORE_ERROR;
    rc = sq_exec(c, t, "ticket index check");
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *k = sq_stmt(c, Q_SEARCH_CHECK_KB,
                              "INSERT INTO kb_fts(kb_fts, rank) VALUES ('integrity-check', 1)");
    return k ? sq_exec(c, k, "article index check") : STORE_ERROR;
}
