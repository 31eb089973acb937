/*
 * jsonw.c - the direct JSON writer (jsonw.h).
 */
#include "http/jsonw.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jsonw_init(struct jsonw *w, size_t max)
{
    memset(w, 0, sizeof *w);
    w->max = max ? max : JSONW_DEFAULT_CAP;
}

void jsonw_release(struct jsonw *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

char *jsonw_finish(struct jsonw *w, size_t *len)
{
    if (w->failed || w->depth != 0 || !w->buf) {
        jsonw_release(w);
        return NULL;
    }
    char *out = w->buf;
    out[w->len] = '\0'; /* reserve() always keeps a byte for it */
    if (len)
        *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    return out;
}

/* Allocates room for `n` more bytes plus the final NUL; false (and sticky) if it cannot. */
static bool grow(struct jsonw *w, size_t n)
{
    if (w->failed)
        return false;
    if (n > SIZE_MAX / 4 - w->len) { /* defensive: no input is near this */
        w->failed = true;
        return false;
    }
    size_t need = w->len + n + 1;
    if (need <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : 2048;
    while (cap < need)
        cap *= 2;
    char *b = realloc(w->buf, cap);
    if (!b) {
        w->failed = true;
        return false;
    }
    w->buf = b;
    w->cap = cap;
    return true;
}

/* Room for `n` more bytes within the cap. */
static bool reserve(struct jsonw *w, size_t n)
{
    if (!w->failed && (n > w->max || w->len > w->max - n))
        w->failed = true;
    return grow(w, n);
}

static void put(struct jsonw *w, const char *s, size_t n)
{
    if (reserve(w, n)) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
    }
}

/* The comma before a value or key, when one is due; marks the container used. */
static void before_value(struct jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    uint32_t bit = 1u << (w->depth - 1);
    if (w->has_member & bit)
        put(w, ",", 1);
    w->has_member |= bit;
}

static void open_container(struct jsonw *w, char c)
{
    before_value(w);
    if (w->depth >= JSONW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    put(w, &c, 1);
    w->depth++;
    w->has_member &= ~(1u << (w->depth - 1));
}

static void close_container(struct jsonw *w, char c)
{
    if (w->depth == 0) { /* defensive: unbalanced calls are a bug */
        w->failed = true;
        return;
    }
    w->depth--;
    put(w, &c, 1);
}

void jsonw_object_begin(struct jsonw *w)
{
    open_container(w, '{');
}

void jsonw_object_end(struct jsonw *w)
{
    close_container(w, '}');
}

void jsonw_array_begin(struct jsonw *w)
{
    open_container(w, '[');
}

void jsonw_array_end(struct jsonw *w)
{
    close_container(w, ']');
}

/*
 * Length of the well-formed UTF-8 sequence at p (at most n bytes), or 0 if
 * the bytes there are not one (overlong forms, surrogates and code points
 * past U+10FFFF are not).
 */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
            return 0;
        return 3;
    }
    if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
        return 0;
    return 4;
}

/*
 * Whether the 8 bytes at p are all printable ASCII other than '"' and
 * '\\', tested at once: a byte's high bit in `lo` is set where it is below
 * 0x20 (for bytes below 0x80), in `qt` and `bs` where it is '"' or '\\'
 * (the classic zero-byte test on p XOR the character), and in v itself where
 * it is 0x80 or more. A borrow can only set bits above a byte that already
 * counts, so "none set" is exact.
 */
static inline bool plain8(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t v;
    memcpy(&v, p, 8);
    uint64_t lo = v - ones * 0x20;
    uint64_t q = v ^ (ones * '"'), qt = q - ones;
    uint64_t b = v ^ (ones * '\\'), bs = b - ones;
    return ((v | (lo & ~v) | (qt & ~q) | (bs & ~b)) & high) == 0;
}

size_t jsonw_escape(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    char *o = out;
    *o++ = '"';
    while (p < end) {
        /* The common run, copied at once: printable ASCII that needs nothing
           and well-formed multi-byte characters (most of a Chinese text). */
        const unsigned char *q = p;
        for (;;) {
            while (end - q >= 8 && plain8(q))
                q += 8;
            while (q < end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
                q++;
            /* Most of a Chinese text: three-byte characters, U+1000 to U+CFFF
               and U+E000 to U+FFFF, which need no checks beyond these. */
            while (end - q >= 3 && q[0] >= 0xE1 && q[0] != 0xED && q[0] <= 0xEF &&
                   (q[1] & 0xC0) == 0x80 && (q[2] & 0xC0) == 0x80)
                q += 3;
            size_t k = q < end && *q >= 0x80 ? utf8_seq(q, (size_t)(end - q)) : 0;
            if (!k)
                break;
            q += k;
        }
        if (q > p) {
            memcpy(o, p, (size_t)(q - p));
            o += q - p;
            p = q;
            continue;
        }
        unsigned c = *p;
        if (c >= 0x80) { /* defensive: inputs are validated; U+FFFD for the bad byte */
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            p++;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
            break;
        }
        p++;
    }
    *o++ = '"';
    return (size_t)(o - out);
}

static void put_string(struct jsonw *w, const char *s, size_t n)
{
    if (n > (SIZE_MAX - 3) / 6) {
        w->failed = true;
        return;
    }
    /* Room for the worst case (every byte a \u00XX); the cap counts what is written. */
    if (!grow(w, 6 * n + 2))
        return;
    w->len += jsonw_escape(s, n, w->buf + w->len);
    if (w->len > w->max)
        w->failed = true;
}

void jsonw_key(struct jsonw *w, const char *key)
{
    before_value(w);
    put_string(w, key, strlen(key));
    put(w, ":", 1);
    w->after_key = true;
}

void jsonw_key_quoted(struct jsonw *w, const char *quoted, size_t n)
{
    before_value(w);
    put(w, quoted, n);
    w->after_key = true;
}

void jsonw_string_n(struct jsonw *w, const char *s, size_t n)
{
    before_value(w);
    if (!s)
        put(w, "null", 4);
    else
        put_string(w, s, n);
}

void jsonw_string(struct jsonw *w, const char *s)
{
    jsonw_string_n(w, s, s ? strlen(s) : 0);
}

void jsonw_int(struct jsonw *w, int64_t v)
{
    char tmp[24], *e = tmp + sizeof tmp, *p = e;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    before_value(w);
    put(w, p, (size_t)(e - p));
}

/* jansson's real format (jsonp_dtostr at its default precision). */
void jsonw_real(struct jsonw *w, double v)
{
    char tmp[40];
    if (!isfinite(v)) {
        w->failed = true;
        return;
    }
    int n = snprintf(tmp, sizeof tmp, "%.17g", v);
    if (n < 0 || (size_t)n >= sizeof tmp - 3) {
        w->failed = true;
        return;
    }
    size_t len = (size_t)n;
    if (!strchr(tmp, '.') && !strchr(tmp, 'e')) {
        memcpy(tmp + len, ".0", 3);
        len += 2;
    }
    /* No '+' and no leading zeros in the exponent: "1e-05" is "1e-5". */
    char *x = strchr(tmp, 'e');
    if (x) {
        char *start = x + 1, *end = x + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - tmp) + 1);
            len -= (size_t)(end - start);
        }
    }
    before_value(w);
    put(w, tmp, len);
}

void jsonw_bool(struct jsonw *w, bool v)
{
    before_value(w);
    if (v)
        put(w, "true", 4);
    else
        put(w, "false", 5);
}

void jsonw_null(struct jsonw *w)
{
    before_value(w);
    put(w, "null", 4);
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    struct jsonw *w = data;
    put(w, buf, size);
    return w->failed ? -1 : 0;
}

void jsonw_json(struct jsonw *w, const json_t *v)
{
    if (!v) {
        jsonw_null(w);
        return;
    }
    before_value(w);
    if (w->failed)
        return;
    if (json_dump_callback(v, dump_cb, w, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
        w->failed = true;
}
