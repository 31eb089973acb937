/*
 * snippet.c - marked passages of search hits (snippet.h).
 */
#include "text/snippet.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX_TOKENS 64
#define ELLIPSIS "…"
#define LEAD_CHARS 12 /* characters shown before the first match */

struct qword {
    char *text; /* the tokens back to back */
    size_t lens[WORD_MAX_TOKENS];
    size_t ntok;
};

struct text_query {
    struct qword *w;
    size_t n, cap;
};

/* A growing list of tokens with their texts in one buffer. */
struct toks {
    struct tok {
        size_t start, end; /* in the original text */
        size_t off, len;   /* of the normalised text in buf */
    } * t;
    size_t n, cap;
    char *buf;
    size_t blen, bcap;
    bool oom;
};

static int push(void *ctx, const struct text_token *t)
{
    struct toks *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        struct tok *nt = realloc(k->t, cap * sizeof *nt);
        if (!nt)
            return k->oom = true, 1;
        k->t = nt;
        k->cap = cap;
    }
    if (k->blen + t->len > k->bcap) {
        size_t cap = k->bcap ? k->bcap : 256;
        while (cap < k->blen + t->len)
            cap *= 2;
        char *nb = realloc(k->buf, cap);
        if (!nb)
            return k->oom = true, 1;
        k->buf = nb;
        k->bcap = cap;
    }
    memcpy(k->buf + k->blen, t->text, t->len);
    k->t[k->n++] = (struct tok){t->start, t->end, k->blen, t->len};
    k->blen += t->len;
    return 0;
}

static void toks_free(struct toks *k)
{
    free(k->t);
    free(k->buf);
}

/* Cuts s into search tokens (CJK characters one by one). */
static int tokenize(struct text_seg *seg, const char *s, size_t len, struct toks *k)
{
    memset(k, 0, sizeof *k);
    int rc = text_segment(seg, s, len, TEXT_CJK_CHARS, push, k);
    if (k->oom)
        return TEXT_NOMEM;
    return rc < 0 ? rc : TEXT_OK;
}

void text_query_free(struct text_query *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        free(q->w[i].text);
    free(q->w);
    free(q);
}

struct words {
    struct text_query *q;
    struct text_seg *seg;
    int max;
    int rc;
};

/* One word of the query: its tokens, as the index has them. */
static int add_word(void *ctx, const struct text_token *t)
{
    struct words *ws = ctx;
    struct text_query *q = ws->q;
    if ((int)q->n >= ws->max)
        return 1;
    struct qword w = {0};
    if (!(w.text = malloc(t->len + 1)))
        return ws->rc = TEXT_NOMEM, 1;
    memcpy(w.text, t->text, t->len); /* a word's tokens are its normalised text, cut */
    if (t->kind == TK_CJK) {
        const unsigned char *p = (const unsigned char *)t->text;
        for (size_t i = 0; i < t->len && w.ntok < WORD_MAX_TOKENS;) {
            size_t l = p[i] < 0x80 ? 1 : p[i] < 0xE0 ? 2 : p[i] < 0xF0 ? 3 : 4;
            w.lens[w.ntok++] = l;
            i += l;
        }
    } else {
        w.lens[w.ntok++] = t->len;
    }
    for (size_t i = 0; i < q->n; i++) {
        size_t a = 0, b = 0;
        for (size_t k = 0; k < q->w[i].ntok; k++)
            a += q->w[i].lens[k];
        for (size_t k = 0; k < w.ntok; k++)
            b += w.lens[k];
        if (a == b && memcmp(q->w[i].text, w.text, a) == 0) {
            free(w.text);
            return 0;
        }
    }
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        struct qword *nw = realloc(q->w, cap * sizeof *nw);
        if (!nw) {
            free(w.text);
            return ws->rc = TEXT_NOMEM, 1;
        }
        q->w = nw;
        q->cap = cap;
    }
    q->w[q->n++] = w;
    return 0;
}

int text_query_new(struct text_seg *s, const char *q, size_t len, int max_words,
                   struct text_query **out)
{
    *out = NULL;
    struct text_query *tq = calloc(1, sizeof *tq);
    if (!tq)
        return TEXT_NOMEM;
    struct words ws = {.q = tq, .seg = s, .max = max_words > 0 ? max_words : 1};
    int rc = text_segment(s, q, len, 0, add_word, &ws);
    if (ws.rc != TEXT_OK || rc < 0) {
        text_query_free(tq);
        return ws.rc != TEXT_OK ? ws.rc : rc;
    }
    *out = tq;
    return TEXT_OK;
}

/* Does word w start at token i of k? Returns the token count, or 0. */
static size_t word_at(const struct toks *k, size_t i, const struct qword *w)
{
    if (i + w->ntok > k->n)
        return 0;
    size_t off = 0;
    for (size_t j = 0; j < w->ntok; j++) {
        const struct tok *t = &k->t[i + j];
        if (t->len != w->lens[j] || memcmp(k->buf + t->off, w->text + off, t->len) != 0)
            return 0;
        if (j && k->t[i + j - 1].end != t->start)
            return 0; /* the characters must touch, as in a phrase */
        off += t->len;
    }
    return w->ntok;
}

/* Start of the code point that ends before `at`, going back n code points. */
static size_t back_chars(const char *s, size_t at, size_t n)
{
    while (at > 0 && n > 0) {
        at--;
        while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
            at--;
        n--;
    }
    return at;
}

static size_t fwd_chars(const char *s, size_t len, size_t at, size_t n)
{
    while (at < len && n > 0) {
        at++;
        while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
            at++;
        n--;
    }
    return at;
}

/* Writes text[from..to) with marks around [ms[i], me[i]) into a new string. */
static char *render(const char *text, size_t len, size_t from, size_t to, const size_t *ms,
                    const size_t *me, size_t nm)
{
    size_t cap = (to - from) + 2 * nm + 2 * sizeof ELLIPSIS + 1, o = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    if (from > 0) {
        memcpy(out, ELLIPSIS, sizeof ELLIPSIS - 1);
        o += sizeof ELLIPSIS - 1;
    }
    size_t m = 0;
    for (size_t i = from; i < to; i++) {
        while (m < nm && me[m] <= i)
            m++;
        if (m < nm && ms[m] == i)
            out[o++] = TEXT_MARK_OPEN;
        char c = text[i];
        out[o++] = c == TEXT_MARK_OPEN || c == TEXT_MARK_CLOSE ? ' ' : c;
        if (m < nm && me[m] == i + 1)
            out[o++] = TEXT_MARK_CLOSE;
    }
    if (m < nm && ms[m] < to && me[m] > to)
        out[o++] = TEXT_MARK_CLOSE; /* a match cut by the end of the window */
    if (to < len) {
        memcpy(out + o, ELLIPSIS, sizeof ELLIPSIS - 1);
        o += sizeof ELLIPSIS - 1;
    }
    out[o] = '\0';
    return out;
}

int text_snippet(struct text_seg *s, const struct text_query *q, const char *const *texts, size_t n,
                 size_t max_chars, char **out)
{
    *out = NULL;
    int best = -1, best_score = -1, rc = TEXT_OK;
    for (size_t i = 0; i < n; i++) {
        if (!texts[i] || !*texts[i])
            continue;
        struct toks k;
        if ((rc = tokenize(s, texts[i], strlen(texts[i]), &k)) != TEXT_OK) {
            toks_free(&k);
            return rc;
        }
        int found = 0, hits = 0;
        for (size_t w = 0; w < q->n; w++) {
            bool any = false;
            for (size_t t = 0; t < k.n; t++)
                if (word_at(&k, t, &q->w[w]))
                    any = true, hits++;
            found += any;
        }
        toks_free(&k);
        int score = found * 1000 + (hits < 999 ? hits : 999);
        if (score > best_score)
            best_score = score, best = (int)i;
    }
    if (best < 0)
        return TEXT_OK;
    const char *text = texts[best];
    size_t len = strlen(text);
    struct toks k;
    if ((rc = tokenize(s, text, len, &k)) != TEXT_OK) {
        toks_free(&k);
        return rc;
    }
    /* The match spans, in order, merged where they touch or overlap. */
    size_t *ms = malloc((k.n + 1) * sizeof *ms), *me = malloc((k.n + 1) * sizeof *me), nm = 0;
    if (!ms || !me) {
        free(ms);
        free(me);
        toks_free(&k);
        return TEXT_NOMEM;
    }
    for (size_t t = 0; t < k.n; t++)
        for (size_t w = 0; w < q->n; w++) {
            size_t cnt = word_at(&k, t, &q->w[w]);
            if (!cnt)
                continue;
            size_t a = k.t[t].start, b = k.t[t + cnt - 1].end;
            if (nm && a <= me[nm - 1]) {
                if (b > me[nm - 1])
                    me[nm - 1] = b;
            } else {
                ms[nm] = a, me[nm] = b, nm++;
            }
        }
    toks_free(&k);
    size_t from = nm ? back_chars(text, ms[0], LEAD_CHARS) : 0;
    size_t to = fwd_chars(text, len, from, max_chars);
    *out = render(text, len, from, to, ms, me, nm);
    free(ms);
    free(me);
    return *out ? TEXT_OK : TEXT_NOMEM;
}
