/*
 * pg_search.c - Chinese full-text search on PostgreSQL with rexian's own
 * segmenter (text/segment.h), so that it finds what SQLite's FTS5 index with
 * the "rexian" tokenizer finds.
 *
 * Documents: every column's tokens, cut with TEXT_CJK_CHARS exactly as the
 * FTS5 tokenizer cuts them, written as a tsvector literal with positions and
 * a weight per column ('tok':1A 'tok2':2A ...). PostgreSQL's own parser
 * never sees the text, so the server's locale cannot change the words.
 * Columns are a position apart, so no phrase runs from one into the next.
 *
 * Queries: the user's words (as sq_fts_query picks them: distinct, at most
 * max_terms), each one the phrase of its tokens ('老' <-> '旧'), all
 * required (&) or any (|). User text is only ever a quoted lexeme.
 *
 * Snippets: text/snippet.h's passage, as in the SQLite backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_search.h"
#include "text/segment.h"
#include "text/snippet.h"

#define QUERY_MAX_BYTES 65536
#define MAX_POS 16383 /* PostgreSQL's largest tsvector position */
/* PostgreSQL refuses lexemes over 2047 bytes; such a "word" (a run of
   letters thousands long) is not something anyone searches for. */
#define MAX_LEXEME 2000

/* ---- a growable string with a hard cap ---- */

struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = cap <= (64u << 20) ? realloc(b->s, cap) : NULL;
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* A lexeme in quotes, with ' and \ escaped as tsvector/tsquery input wants. */
static void sb_lexeme(struct sbuf *b, const char *s, size_t n)
{
    sb_put(b, "'", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'' || s[i] == '\\')
            sb_put(b, &s[i], 1);
        sb_put(b, &s[i], 1);
    }
    sb_put(b, "'", 1);
}

/* ---- documents ---- */

struct doc {
    struct sbuf b;
    int pos;
    char weight;
};

static int doc_token(void *ctx, const struct text_token *t)
{
    struct doc *d = ctx;
    if (t->len > MAX_LEXEME)
        return 0;
    if (d->pos < MAX_POS)
        d->pos++;
    if (d->b.len)
        sb_put(&d->b, " ", 1);
    sb_lexeme(&d->b, t->text, t->len);
    char num[24];
    int n = snprintf(num, sizeof num, ":%d%c", d->pos, d->weight);
    sb_put(&d->b, num, (size_t)n);
    return d->b.oom;
}

int pg_fts_doc(const char *const *cols, const char *weights, int ncols, char **out)
{
    *out = NULL;
    struct text_seg *seg = text_seg_thread();
    if (!seg)
        return STORE_NOMEM;
    struct doc d = {0};
    for (int i = 0; i < ncols; i++) {
        if (!cols[i] || !*cols[i])
            continue;
        d.weight = weights[i];
        size_t len = strlen(cols[i]);
        int rc = text_segment(seg, cols[i], len > TEXT_MAX_INPUT ? TEXT_MAX_INPUT : len,
                              TEXT_CJK_CHARS, doc_token, &d);
        if (d.b.oom || rc == TEXT_NOMEM) {
            free(d.b.s);
            return STORE_NOMEM;
        }
        if (d.pos < MAX_POS)
            d.pos++; /* a gap: phrases stay inside one column */
    }
    if (!d.b.s) {
        d.b.s = strdup("");
        if (!d.b.s)
            return STORE_NOMEM;
    }
    *out = d.b.s;
    return STORE_OK;
}

/* ---- queries ---- */

struct words {
    struct sbuf buf;   /* the distinct words back to back */
    size_t off[64], len[64];
    bool single_cjk[64];
    size_t n, max;
};

static int collect_word(void *ctx, const struct text_token *t)
{
    struct words *w = ctx;
    if (w->n == w->max)
        return 1;
    for (size_t i = 0; i < w->n; i++)
        if (w->len[i] == t->len && memcmp(w->buf.s + w->off[i], t->text, t->len) == 0)
            return 0;
    w->off[w->n] = w->buf.len;
    w->len[w->n] = t->len;
    w->single_cjk[w->n] = t->kind == TK_CJK && t->chars == 1;
    sb_put(&w->buf, t->text, t->len);
    w->n++;
    return w->buf.oom;
}

struct phrase {
    struct sbuf *b;
    int count;
};

static int phrase_token(void *ctx, const struct text_token *t)
{
    struct phrase *p = ctx;
    if (t->len > MAX_LEXEME)
        return 0;
    if (p->count++)
        sb_str(p->b, " <-> ");
    sb_lexeme(p->b, t->text, t->len);
    return p->b->oom;
}

/* The words of text (up to max), as the SQLite backend picks them. */
static int query_words(const char *text, int max, struct words *w)
{
    memset(w, 0, sizeof *w);
    w->max = max < 1 ? 1 : max > 64 ? 64 : (size_t)max;
    struct text_seg *seg = text_seg_thread();
    if (!seg)
        return STORE_NOMEM;
    size_t tlen = strlen(text);
    int rc = text_segment(seg, text, tlen > QUERY_MAX_BYTES ? QUERY_MAX_BYTES : tlen, 0,
                          collect_word, w);
    if (w->buf.oom || rc == TEXT_NOMEM) {
        free(w->buf.s);
        return STORE_NOMEM;
    }
    return STORE_OK;
}

int pg_fts_query(const char *text, bool any, int max_terms, char **out)
{
    *out = NULL;
    struct words w;
    int rc = query_words(text, max_terms, &w);
    if (rc != STORE_OK)
        return rc;
    bool skip_single = false;
    if (any)
        for (size_t i = 0; i < w.n; i++)
            skip_single |= !w.single_cjk[i];
    struct text_seg *seg = text_seg_thread();
    struct sbuf q = {0};
    int used = 0;
    for (size_t i = 0; seg && i < w.n && !q.oom; i++) {
        if (skip_single && w.single_cjk[i])
            continue;
        struct sbuf one = {0};
        struct phrase p = {&one, 0};
        text_segment(seg, w.buf.s + w.off[i], w.len[i], TEXT_CJK_CHARS, phrase_token, &p);
        if (!one.oom && p.count) {
            if (used++)
                sb_str(&q, any ? " | " : " & ");
            sb_str(&q, "(");
            sb_put(&q, one.s, one.len);
            sb_str(&q, ")");
        }
        q.oom |= one.oom;
        free(one.s);
    }
    free(w.buf.s);
    if (!seg || q.oom) {
        free(q.s);
        return STORE_NOMEM;
    }
    if (!used) {
        free(q.s);
        return STORE_INVALID; /* nothing to search for */
    }
    *out = q.s;
    return STORE_OK;
}

/* ---- snippets ---- */

/* The same passage the SQLite backend picks (text/snippet.h does the work). */
int pg_snippet(const char *query, const char *const *texts, int n, char **out)
{
    *out = NULL;
    struct text_seg *seg = text_seg_thread();
    struct text_query *tq = NULL;
    if (!seg)
        return STORE_NOMEM;
    size_t len = strlen(query);
    int rc = text_query_new(seg, query, len > QUERY_MAX_BYTES ? QUERY_MAX_BYTES : len, 32, &tq);
    if (rc == TEXT_OK)
        rc = text_snippet(seg, tq, texts, (size_t)n, PG_SNIPPET_CHARS, out);
    text_query_free(tq);
    return rc == TEXT_OK ? STORE_OK : rc == TEXT_NOMEM ? STORE_NOMEM : STORE_ERROR;
}
