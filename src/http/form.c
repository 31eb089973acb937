/*
 * form.c - the application/x-www-form-urlencoded decoder.
 *
 * The body is split on '&' into fields and each field on its first '=';
 * every piece is decoded into its own allocation, checked, and kept. A
 * piece without '=' is a key with an empty value; empty pieces ("a=1&&b=2")
 * are skipped, as browsers do.
 */
#include "http/form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/validate.h"

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Decodes s[0..n) into a new string of at most `cap` bytes. Returns FORM_OK
 * with *out set, or an error code with *problem set.
 */
static int decode(const char *s, size_t n, size_t cap, bool is_key, char **out,
                  const char **problem)
{
    char *d = malloc(n + 1); /* decoding never grows */
    if (!d)
        return FORM_NOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 1 < n ? hex(s[i + 1]) : -1;
            int lo = i + 2 < n ? hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(d);
                *problem = "malformed percent escape";
                return FORM_MALFORMED;
            }
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        unsigned char u = (unsigned char)c;
        if (u < 0x20 && !(!is_key && (u == '\t' || u == '\n' || u == '\r'))) {
            free(d);
            *problem = "control character in the form";
            return FORM_MALFORMED;
        }
        if (u == 0x7f) {
            free(d);
            *problem = "control character in the form";
            return FORM_MALFORMED;
        }
        d[o++] = c;
    }
    d[o] = '\0';
    if (o > cap) {
        free(d);
        *problem = is_key ? "a form field name is too long" : "a form field value is too long";
        return FORM_TOO_LONG;
    }
    if (!utf8_valid(d, o)) {
        free(d);
        *problem = "the form is not valid UTF-8";
        return FORM_MALFORMED;
    }
    *out = d;
    return FORM_OK;
}

void form_release(struct form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->fields[i].key);
        free(f->fields[i].value);
    }
    free(f->fields);
    f->fields = NULL;
    f->n = 0;
}

int form_parse(const char *body, size_t len, struct form *out, const char **problem)
{
    const char *dummy;
    if (!problem)
        problem = &dummy;
    *problem = NULL;
    out->fields = NULL;
    out->n = 0;
    size_t cap = 0;
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > i) {
            const char *piece = body + i;
            size_t plen = end - i;
            const char *eq = memchr(piece, '=', plen);
            size_t klen = eq ? (size_t)(eq - piece) : plen;
            if (klen == 0) {
                form_release(out);
                *problem = "a form field has no name";
                return FORM_MALFORMED;
            }
            if (out->n == FORM_MAX_FIELDS) {
                form_release(out);
                *problem = "too many form fields";
                return FORM_TOO_MANY;
            }
            if (out->n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                struct form_field *nf = realloc(out->fields, ncap * sizeof *nf);
                if (!nf) {
                    form_release(out);
                    return FORM_NOMEM;
                }
                out->fields = nf;
                cap = ncap;
            }
            struct form_field *f = &out->fields[out->n];
            f->key = f->value = NULL;
            int rc = decode(piece, klen, FORM_MAX_KEY, true, &f->key, problem);
            if (rc == FORM_OK) {
                const char *v = eq ? eq + 1 : piece + plen;
                rc = decode(v, (size_t)(piece + plen - v), FORM_MAX_VALUE, false, &f->value,
                            problem);
                if (rc != FORM_OK)
                    free(f->key);
            }
            if (rc != FORM_OK) {
                form_release(out);
                return rc;
            }
            out->n++;
        }
        i = end + 1;
    }
    return FORM_OK;
}

const char *form_get(const struct form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].key, key) == 0)
            return f->fields[i].value;
    return NULL;
}

size_t form_count(const struct form *f, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strcmp(f->fields[i].key, key) == 0;
    return n;
}

bool form_is_urlencoded(const char *ct)
{
    static const char name[] = "application/x-www-form-urlencoded";
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    size_t n = sizeof name - 1;
    return strncasecmp(ct, name, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}
