/*
 * fuzz_form.c - the application/x-www-form-urlencoded decoder of the
 * Open311 endpoints (http/form.c). An accepted body must give at most
 * FORM_MAX_FIELDS fields with non-empty keys, every key and value valid
 * UTF-8 within its cap, form_get answering the first of repeated keys; and
 * encoding the fields again must decode to the same fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Percent-encodes every byte but unreserved ones into out at *o. */
static void encode(const char *s, char *out, size_t *o)
{
    static const char hexd[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.') {
            out[(*o)++] = (char)*p;
        } else {
            out[(*o)++] = '%';
            out[(*o)++] = hexd[*p >> 4];
            out[(*o)++] = hexd[*p & 15];
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    struct form f;
    const char *problem = NULL;
    int rc = form_parse((const char *)data, size, &f, &problem);
    if (rc != FORM_OK) {
        if (f.n != 0 || !problem)
            abort();
        form_release(&f);
        return 0;
    }
    if (f.n > FORM_MAX_FIELDS)
        abort();
    size_t total = 0;
    for (size_t i = 0; i < f.n; i++) {
        const char *k = f.fields[i].key, *v = f.fields[i].value;
        size_t kn = strlen(k), vn = strlen(v);
        if (!kn || kn > FORM_MAX_KEY || vn > FORM_MAX_VALUE || !utf8_valid(k, kn) ||
            !utf8_valid(v, vn))
            abort();
        total += 3 * (kn + vn) + 2;
    }
    for (size_t i = 0; i < f.n; i++) {
        /* The first field with this key is what form_get answers. */
        size_t first = 0;
        while (strcmp(f.fields[first].key, f.fields[i].key) != 0)
            first++;
        if (form_get(&f, f.fields[i].key) != f.fields[first].value)
            abort();
    }
    char *again = malloc(total + 1);
    if (!again)
        goto done;
    size_t o = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (i)
            again[o++] = '&';
        encode(f.fields[i].key, again, &o);
        again[o++] = '=';
        encode(f.fields[i].value, again, &o);
    }
    struct form g;
    if (form_parse(again, o, &g, &problem) != FORM_OK || g.n != f.n)
        abort();
    for (size_t i = 0; i < f.n; i++)
        if (strcmp(g.fields[i].key, f.fields[i].key) != 0 ||
            strcmp(g.fields[i].value, f.fields[i].value) != 0)
            abort();
    form_release(&g);
    free(again);
done:
    form_release(&f);
    return 0;
}
