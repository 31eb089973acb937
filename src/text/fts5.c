/*
 * fts5.c - text_segment() as an FTS5 tokenizer (fts5.h).
 */
#include "text/fts5.h"

#include <stdlib.h>

#include "text/segment.h"

struct tokenizer {
    struct text_seg *seg;
};

struct emit_ctx {
    void *fts_ctx;
    int (*x_token)(void *, int, const char *, int, int, int);
};

/* Maps a text_rc (negative) to an SQLite code; positive codes are FTS5's own. */
static int sqlite_code(int rc)
{
    switch (rc) {
    case TEXT_OK: return SQLITE_OK;
    case TEXT_NOMEM: return SQLITE_NOMEM;
    case TEXT_TOOBIG: return SQLITE_TOOBIG;
    case TEXT_ICU: return SQLITE_ERROR;
    default: return rc; /* whatever xToken returned, passed on unchanged */
    }
}

static int on_token(void *ctx, const struct text_token *t)
{
    struct emit_ctx *e = ctx;
    /* Offsets fit: FTS5 hands us at most an int's worth of bytes. */
    return e->x_token(e->fts_ctx, 0, t->text, (int)t->len, (int)t->start, (int)t->end);
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
    (void)flags; /* documents, queries and highlights are cut the same way */
    struct tokenizer *t = (struct tokenizer *)p;
    struct emit_ctx e = {.fts_ctx = ctx, .x_token = x_token};
    if (n_text <= 0 || !text)
        return SQLITE_OK;
    return sqlite_code(text_segment(t->seg, text, (size_t)n_text, TEXT_CJK_CHARS, on_token, &e));
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
    return api->xCreateTokenizer(api, TEXT_FTS5_TOKENIZER, NULL, &tok, NULL);
}
