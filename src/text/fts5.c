/*
 * fts5.c - text_segment() as an FTS5 tokenizer (fts5.h).
 */
#include "text/fts5.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/segment.h"

struct tokenizer {
    struct text_seg *seg;
};

/*
 * What reaches FTS5 for a run of CJK characters c1 c2 c3:
 *   documents: c1, c1c2 (at c1's position), c2, c2c3 (at c2's), c3
 *   queries:   c1c2, c2c3 (one position each), or c1 alone for a run of one
 * So a query word of several characters is the phrase of its overlapping
 * pairs, which matches exactly where those characters stand in a row, and
 * a pair's posting list is short where a single character's is long (电 is
 * in a third of all tickets, 电梯 in a few percent). One-character words
 * match the characters themselves.
 */
struct emit_ctx {
    void *fts_ctx;
    int (*x_token)(void *, int, const char *, int, int, int);
    bool query;
    char prev[4]; /* the previous CJK character of the run */
    size_t prev_len;
    size_t prev_start, prev_end;
    bool have_prev;  /* a run is open */
    bool run_paired; /* query: the open run has given a pair */
};

/* Maps a text_rc (negative) to an SQLite code; positive codes are FTS5's own. */
static int sqlite_code(int rc)
{
    switch (rc) {
    case TEXT_OK:
        return SQLITE_OK;
    case TEXT_NOMEM:
        return SQLITE_NOMEM;
    case TEXT_TOOBIG:
        return SQLITE_TOOBIG;
    case TEXT_ICU:
        return SQLITE_ERROR;
    default:
        return rc; /* whatever xToken returned, passed on unchanged */
    }
}

static int emit(struct emit_ctx *e, int flags, const char *text, size_t len, size_t start,
                size_t end)
{
    /* Offsets fit: FTS5 hands us at most an int's worth of bytes. */
    return e->x_token(e->fts_ctx, flags, text, (int)len, (int)start, (int)end);
}

/* Query: a run of one character stands for itself. */
static int close_run(struct emit_ctx *e)
{
    int rc = SQLITE_OK;
    if (e->query && e->have_prev && !e->run_paired)
        rc = emit(e, 0, e->prev, e->prev_len, e->prev_start, e->prev_end);
    e->have_prev = false;
    e->run_paired = false;
    return rc;
}

static int on_token(void *ctx, const struct text_token *t)
{
    struct emit_ctx *e = ctx;
    bool cjk = t->kind == TK_CJK && t->len <= sizeof e->prev;
    bool adjacent = cjk && e->have_prev && e->prev_end == t->start;
    int rc = SQLITE_OK;
    if (!adjacent)
        rc = close_run(e);
    if (rc != SQLITE_OK)
        return rc;
    if (!cjk)
        return emit(e, 0, t->text, t->len, t->start, t->end);
    if (adjacent) {
        char pair[8];
        memcpy(pair, e->prev, e->prev_len);
        memcpy(pair + e->prev_len, t->text, t->len);
        rc = emit(e, e->query ? 0 : FTS5_TOKEN_COLOCATED, pair, e->prev_len + t->len, e->prev_start,
                  t->end);
        e->run_paired = true;
    }
    if (rc == SQLITE_OK && !e->query)
        rc = emit(e, 0, t->text, t->len, t->start, t->end);
    memcpy(e->prev, t->text, t->len);
    e->prev_len = t->len;
    e->prev_start = t->start;
    e->prev_end = t->end;
    e->have_prev = true;
    return rc;
}

static int x_create(void *user, const char **args, int n_args, Fts5Tokenizer **out)
{
    (void)user;
    (void)args;
    if (n_args != 0)
        return SQLITE_ERROR; /* the tokenizer takes no options */
    struct tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return SQLITE_NOMEM;
    int rc = text_seg_new(&t->seg);
    if (rc != TEXT_OK) {
        free(t);
        return sqlite_code(rc);
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void x_delete(Fts5Tokenizer *p)
{
    struct tokenizer *t = (struct tokenizer *)p;
    if (!t)
        return;
    text_seg_free(t->seg);
    free(t);
}

static int x_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n_text,
                      int (*x_token)(void *, int, const char *, int, int, int))
{
    struct tokenizer *t = (struct tokenizer *)p;
    struct emit_ctx e = {
        .fts_ctx = ctx, .x_token = x_token, .query = (flags & FTS5_TOKENIZE_QUERY) != 0};
    if (n_text <= 0 || !text)
        return SQLITE_OK;
    int rc = sqlite_code(text_segment(t->seg, text, (size_t)n_text, TEXT_CJK_CHARS, on_token, &e));
    return rc == SQLITE_OK ? close_run(&e) : rc;
}

/*
 * rexian_rank(w0, w1, ...): BM25 term saturation and length normalisation
 * (k1 = 1.2, b = 0.75) with column weights, but without the inverse
 * document frequency, which FTS5's bm25() gets by counting every row that
 * matches each phrase: on a million rows that count costs more than the
 * whole search. Every phrase of an all-words query is in every hit, so the
 * frequency would only reweigh the phrases against each other. Negative,
 * so that ascending order is best first, as with bm25().
 */
#define RANK_MAX_CELLS 1024 /* phrases x columns */

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nv,
                    sqlite3_value **v)
{
    int ncol = api->xColumnCount(fts), nph = api->xPhraseCount(fts), ninst = 0;
    if (ncol <= 0 || nph <= 0 || (long)ncol * nph > RANK_MAX_CELLS) {
        sqlite3_result_double(ctx, 0);
        return;
    }
    int tf[RANK_MAX_CELLS];
    memset(tf, 0, sizeof tf[0] * (size_t)(ncol * nph));
    int rc = api->xInstCount(fts, &ninst);
    for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
        int ph, col, off;
        rc = api->xInst(fts, i, &ph, &col, &off);
        if (rc == SQLITE_OK && ph >= 0 && ph < nph && col >= 0 && col < ncol)
            tf[ph * ncol + col]++;
    }
    sqlite3_int64 rows = 0;
    if (rc == SQLITE_OK)
        rc = api->xRowCount(fts, &rows);
    double score = 0;
    for (int c = 0; rc == SQLITE_OK && c < ncol; c++) {
        double w = c < nv ? sqlite3_value_double(v[c]) : 1.0;
        sqlite3_int64 total = 0;
        int len = 0;
        rc = api->xColumnTotalSize(fts, c, &total);
        if (rc == SQLITE_OK)
            rc = api->xColumnSize(fts, c, &len);
        double avg = rows > 0 && total > 0 ? (double)total / (double)rows : 1.0;
        double norm = 1.2 * (0.25 + 0.75 * (double)len / avg);
        for (int p = 0; rc == SQLITE_OK && p < nph; p++) {
            double f = tf[p * ncol + c];
            if (f > 0)
                score += w * f * 2.2 / (f + norm);
        }
    }
    if (rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
    else
        sqlite3_result_double(ctx, -score);
}

/* The fts5_api of db, through the documented "SELECT fts5(?1)" handshake. */
static int get_api(sqlite3 *db, fts5_api **api)
{
    sqlite3_stmt *st = NULL;
    *api = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_pointer(st, 1, (void *)api, "fts5_api_ptr", NULL);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return rc;
    return *api ? SQLITE_OK : SQLITE_ERROR;
}

int text_fts5_register(sqlite3 *db)
{
    fts5_api *api;
    int rc = get_api(db, &api);
    if (rc != SQLITE_OK)
        return rc;
    if (api->iVersion < 1)
        return SQLITE_ERROR; /* defensive: every fts5_api has xCreateTokenizer */
    static fts5_tokenizer tok = {x_create, x_delete, x_tokenize};
    rc = api->xCreateTokenizer(api, TEXT_FTS5_TOKENIZER, NULL, &tok, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, TEXT_FTS5_RANK, NULL, rank_fn, NULL);
    return rc;
}
