/*
 * normalize.c - UTF-8 to normalised UTF-16 with the offsets of the original
 * (seg_int.h).
 *
 * Offsets: the text is decoded into UTF-16 with, for every UTF-16 unit, the
 * byte offset of the code point it belongs to. Normalisation then works
 * piece by piece: a run that ICU's quick check says is already normal is
 * copied unit for unit (each keeps its own offsets); any other piece, cut
 * at the normaliser's boundaries, is normalised on its own and all of its
 * output maps to the whole original piece. A token's original span is then
 * the start of its first unit's piece to the end of its last unit's piece.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unicode/utf16.h>

#include "text/seg_int.h"

void seg_log_icu(const char *what, UErrorCode err)
{
    static atomic_int logged;
    if (atomic_exchange(&logged, 1) == 0)
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"icu\",\"what\":\"%s\",\"err\":\"%s\"}\n",
                what, u_errorName(err));
}

/* ---- buffers ---- */

/* Grows the UTF-16 input buffers to hold n units (+1 offset). 0 or -1. */
static int grow_src(struct text_seg *s, size_t n)
{
    if (n + 1 <= s->src_cap)
        return 0;
    size_t cap = s->src_cap ? s->src_cap : 256;
    while (cap < n + 1)
        cap *= 2;
    UChar *src = realloc(s->src, cap * sizeof *src);
    if (!src)
        return -1;
    s->src = src;
    size_t *off = realloc(s->src_off, cap * sizeof *off);
    if (!off)
        return -1;
    s->src_off = off;
    s->src_cap = cap;
    return 0;
}

static int grow_out(struct text_seg *s, size_t n)
{
    if (n <= s->out_cap)
        return 0;
    size_t cap = s->out_cap ? s->out_cap : 256;
    while (cap < n)
        cap *= 2;
    UChar *o = realloc(s->out, cap * sizeof *o);
    if (!o)
        return -1;
    s->out = o;
    size_t *a = realloc(s->map_start, cap * sizeof *a);
    if (!a)
        return -1;
    s->map_start = a;
    size_t *b = realloc(s->map_end, cap * sizeof *b);
    if (!b)
        return -1;
    s->map_end = b;
    s->out_cap = cap;
    return 0;
}

/* ---- step 1: UTF-8 to UTF-16 with offsets ---- */

/* Decodes one code point at p (n bytes left); sets *len. Invalid -> U+FFFD, 1 byte. */
static UChar32 utf8_next(const unsigned char *p, size_t n, size_t *len)
{
    unsigned c = p[0];
    UChar32 cp;
    size_t need;
    if (c < 0x80) {
        *len = 1;
        return (UChar32)c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4, cp = c & 0x07;
    } else {
        *len = 1;
        return 0xFFFD;
    }
    if (n < need) {
        *len = 1;
        return 0xFFFD;
    }
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        *len = 1;
        return 0xFFFD;
    }
    *len = need;
    return cp;
}

static int decode(struct text_seg *s, const char *text, size_t len, size_t *units)
{
    /* Each byte gives at most one UTF-16 unit, except 4-byte sequences (2 units). */
    if (grow_src(s, len))
        return TEXT_NOMEM;
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0, u = 0;
    while (i < len) {
        size_t l;
        UChar32 cp = utf8_next(p + i, len - i, &l);
        if (cp >= 0x10000) {
            s->src[u] = U16_LEAD(cp);
            s->src_off[u++] = i;
            s->src[u] = U16_TRAIL(cp);
        } else {
            s->src[u] = (UChar)cp;
        }
        s->src_off[u++] = i;
        i += l;
    }
    s->src_off[u] = len;
    *units = u;
    return TEXT_OK;
}

/* ---- step 2: normalisation with the offset map ---- */

static int normalise(struct text_seg *s, size_t n, size_t *out_len)
{
    size_t i = 0, o = 0;
    if (grow_out(s, n + 16))
        return TEXT_NOMEM;
    while (i < n) {
        UErrorCode err = U_ZERO_ERROR;
        int32_t q = unorm2_spanQuickCheckYes(s->norm, s->src + i, (int32_t)(n - i), &err);
        if (U_FAILURE(err)) {
            seg_log_icu("quick check", err);
            return TEXT_ICU;
        }
        if (grow_out(s, o + (size_t)q + 16))
            return TEXT_NOMEM;
        for (int32_t k = 0; k < q; k++) {
            size_t at = i + (size_t)k;
            size_t next = at + 1;
            /* a surrogate pair's two units share one code point */
            while (next < n && s->src_off[next] == s->src_off[at])
                next++;
            s->out[o] = s->src[at];
            s->map_start[o] = s->src_off[at];
            s->map_end[o] = s->src_off[next];
            o++;
        }
        i += (size_t)q;
        if (i >= n)
            break;
        /* The piece that needs work: up to the next normalisation boundary. */
        size_t k = i;
        UChar32 c;
        U16_NEXT(s->src, k, n, c);
        while (k < n) {
            size_t k2 = k;
            U16_NEXT(s->src, k2, n, c);
            if (unorm2_hasBoundaryBefore(s->norm, c))
                break;
            k = k2;
        }
        size_t piece = k - i;
        for (;;) {
            size_t room = s->out_cap - o;
            err = U_ZERO_ERROR;
            int32_t got = unorm2_normalize(s->norm, s->src + i, (int32_t)piece, s->out + o,
                                           (int32_t)(room > INT32_MAX ? INT32_MAX : room), &err);
            if (err == U_BUFFER_OVERFLOW_ERROR || (size_t)got > room) {
                if (grow_out(s, o + (size_t)got + 16))
                    return TEXT_NOMEM;
                continue;
            }
            if (U_FAILURE(err)) {
                seg_log_icu("normalize", err);
                return TEXT_ICU;
            }
            for (int32_t j = 0; j < got; j++) {
                s->map_start[o + (size_t)j] = s->src_off[i];
                s->map_end[o + (size_t)j] = s->src_off[k];
            }
            o += (size_t)got;
            break;
        }
        i = k;
    }
    *out_len = o;
    return TEXT_OK;
}

int seg_prepare(struct text_seg *s, const char *text, size_t len, size_t *m)
{
    size_t n = 0;
    int rc = decode(s, text, len, &n);
    return rc == TEXT_OK ? normalise(s, n, m) : rc;
}
