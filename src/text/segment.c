/*
 * segment.c - segmenters and ICU word breaks over the normalised text
 * (segment.h); normalize.c makes that text and its offset map.
 *
 * Offsets: the text is decoded into UTF-16 with, for every UTF-16 unit, the
 * byte offset of the code point it belongs to. Normalisation then works
 * piece by piece: a run that ICU's quick check says is already normal is
 * copied unit for unit (each keeps its own offsets); any other piece, cut
 * at the normaliser's boundaries, is normalised on its own and all of its
 * output maps to the whole original piece. A token's original span is then
 * the start of its first unit's piece to the end of its last unit's piece.
 */
#include "text/segment.h"
#include "text/seg_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

int text_seg_new(struct text_seg **out)
{
    *out = NULL;
    struct text_seg *s = calloc(1, sizeof *s);
    if (!s)
        return TEXT_NOMEM;
    UErrorCode err = U_ZERO_ERROR;
    s->norm = unorm2_getNFKCCasefoldInstance(&err);
    if (U_FAILURE(err)) {
        seg_log_icu("nfkc_cf", err);
        free(s);
        return TEXT_ICU;
    }
    s->bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
    if (U_FAILURE(err)) {
        seg_log_icu("ubrk_open", err);
        free(s);
        return err == U_MEMORY_ALLOCATION_ERROR ? TEXT_NOMEM : TEXT_ICU;
    }
    *out = s;
    return TEXT_OK;
}

void text_seg_free(struct text_seg *s)
{
    if (!s)
        return;
    if (s->bi)
        ubrk_close(s->bi);
    free(s->src);
    free(s->src_off);
    free(s->out);
    free(s->map_start);
    free(s->map_end);
    free(s->tok);
    free(s);
}

/* ---- one segmenter per thread ---- */

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

static void thread_free(void *p)
{
    text_seg_free(p);
}
static void thread_init(void)
{
    pthread_key_create(&thread_key, thread_free);
}

struct text_seg *text_seg_thread(void)
{
    pthread_once(&thread_once, thread_init);
    struct text_seg *s = pthread_getspecific(thread_key);
    if (s)
        return s;
    if (text_seg_new(&s) != TEXT_OK)
        return NULL;
    if (pthread_setspecific(thread_key, s) != 0) {
        text_seg_free(s);
        return NULL;
    }
    return s;
}

void text_seg_thread_release(void)
{
    pthread_once(&thread_once, thread_init);
    struct text_seg *s = pthread_getspecific(thread_key);
    pthread_setspecific(thread_key, NULL);
    text_seg_free(s);
}

/* ---- step 3: word breaks ---- */

/* Converts out[a..b) to UTF-8 in s->tok; sets *len. Lone surrogates become U+FFFD. */
static int to_utf8(struct text_seg *s, size_t a, size_t b, size_t *len)
{
    size_t need = (b - a) * 3 + 1;
    if (need > s->tok_cap) {
        size_t cap = s->tok_cap ? s->tok_cap : 64;
        while (cap < need)
            cap *= 2;
        char *t = realloc(s->tok, cap);
        if (!t)
            return TEXT_NOMEM;
        s->tok = t;
        s->tok_cap = cap;
    }
    unsigned char *o = (unsigned char *)s->tok;
    for (size_t i = a; i < b;) {
        UChar32 c;
        U16_NEXT(s->out, i, b, c);
        if (U_IS_SURROGATE(c))
            c = 0xFFFD;
        if (c < 0x80) {
            *o++ = (unsigned char)c;
        } else if (c < 0x800) {
            *o++ = (unsigned char)(0xC0 | (c >> 6));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *o++ = (unsigned char)(0xE0 | (c >> 12));
            *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            *o++ = (unsigned char)(0xF0 | (c >> 18));
            *o++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    *len = (size_t)(o - (unsigned char *)s->tok);
    *o = '\0';
    return TEXT_OK;
}

static int emit(struct text_seg *s, size_t a, size_t b, enum text_kind kind, int *index,
                text_token_fn fn, void *ctx)
{
    struct text_token t = {.kind = kind, .index = *index};
    int rc = to_utf8(s, a, b, &t.len);
    if (rc != TEXT_OK)
        return rc;
    t.text = s->tok;
    t.start = s->map_start[a];
    t.end = s->map_end[b - 1];
    for (size_t i = a; i < b; i++)
        t.chars += !U16_IS_TRAIL(s->out[i]);
    (*index)++;
    return fn(ctx, &t);
}

/* ICU's word breaks over out[from..to): words, numbers and dictionary-cut CJK words. */
static int words(struct text_seg *s, size_t from, size_t to, int *index, text_token_fn fn,
                 void *ctx)
{
    UErrorCode err = U_ZERO_ERROR;
    ubrk_setText(s->bi, s->out + from, (int32_t)(to - from), &err);
    if (U_FAILURE(err)) {
        seg_log_icu("ubrk_setText", err);
        return TEXT_ICU;
    }
    int32_t a = ubrk_first(s->bi), b;
    for (; (b = ubrk_next(s->bi)) != UBRK_DONE; a = b) {
        int32_t st = ubrk_getRuleStatus(s->bi);
        if (st < UBRK_WORD_NONE_LIMIT)
            continue; /* spaces, punctuation, symbols */
        enum text_kind kind = st < UBRK_WORD_NUMBER_LIMIT   ? TK_NUMBER
                              : st < UBRK_WORD_LETTER_LIMIT ? TK_LATIN
                                                            : TK_CJK;
        int rc = emit(s, from + (size_t)a, from + (size_t)b, kind, index, fn, ctx);
        if (rc != 0)
            return rc;
    }
    return TEXT_OK;
}

/* Han ideographs and kana: the characters that TEXT_CJK_CHARS emits one by one. */
static bool cjk_char(UChar32 c)
{
    if (c < 0x3005)
        return false; /* the common case: ASCII, Latin, punctuation */
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &err);
    return (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA) &&
           (u_isalpha(c) || u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC));
}

/*
 * TEXT_CJK_CHARS: each CJK character is a token; the text between runs of
 * them goes through the word break iterator. This is what cutting by ICU
 * and then splitting its CJK words would give, without paying for the
 * dictionary lookups whose result would be thrown away.
 */
static int chars(struct text_seg *s, size_t m, int *index, text_token_fn fn, void *ctx)
{
    size_t i = 0, other = 0; /* other: start of the pending non-CJK run */
    while (i < m) {
        size_t j = i;
        UChar32 c;
        U16_NEXT(s->out, j, m, c);
        if (!cjk_char(c)) {
            i = j;
            continue;
        }
        int rc = other < i ? words(s, other, i, index, fn, ctx) : TEXT_OK;
        if (rc == 0)
            rc = emit(s, i, j, TK_CJK, index, fn, ctx);
        if (rc != 0)
            return rc;
        i = other = j;
    }
    return other < m ? words(s, other, m, index, fn, ctx) : TEXT_OK;
}

int text_segment(struct text_seg *s, const char *text, size_t len, unsigned flags, text_token_fn fn,
                 void *ctx)
{
    if (len > TEXT_MAX_INPUT)
        return TEXT_TOOBIG;
    if (len == 0)
        return TEXT_OK;
    size_t m = 0;
    int rc = seg_prepare(s, text, len, &m);
    if (rc != TEXT_OK || m == 0)
        return rc;
    int index = 0;
    return (flags & TEXT_CJK_CHARS) ? chars(s, m, &index, fn, ctx)
                                    : words(s, 0, m, &index, fn, ctx);
}

static int stop_at_first(void *ctx, const struct text_token *t)
{
    (void)t;
    *(bool *)ctx = true;
    return 1;
}

bool text_has_words(struct text_seg *s, const char *text, size_t len)
{
    bool found = false;
    text_segment(s, text, len, 0, stop_at_first, &found);
    return found;
}
