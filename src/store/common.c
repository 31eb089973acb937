/*
 * common.c - record helpers shared by the SQLite and PostgreSQL backends.
 *
 * This file does not include a backend's header, so store_unit_get here is
 * the dispatching one and works for either backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/common.h"

void store_copy_number(char *dst, const char *src)
{
    dst[0] = '\0';
    if (src && strlen(src) == TICKET_NUMBER_LEN)
        memcpy(dst, src, TICKET_NUMBER_LEN + 1);
}

int store_parse_co_units(const char *s, struct ticket *t)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    t->co_unit_ids = calloc(n, sizeof *t->co_unit_ids);
    if (!t->co_unit_ids)
        return 1;
    while (*s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s)
            break;
        t->co_unit_ids[t->n_co_unit_ids++] = v;
        s = *end == ',' ? end + 1 : end;
    }
    return 0;
}

int store_parent_path(struct store_conn *c, int64_t parent_id, char *buf, size_t len)
{
    if (!parent_id) {
        snprintf(buf, len, "/");
        return STORE_OK;
    }
    struct unit p = {0};
    int rc = store_unit_get(c, parent_id, &p);
    if (rc == STORE_NOTFOUND)
        return STORE_INVALID;
    if (rc == STORE_OK)
        snprintf(buf, len, "%s", p.path);
    unit_release(&p);
    return rc;
}

char *store_kb_pack_tags(const struct kb_article *a)
{
    size_t n = 2;
    for (size_t i = 0; i < a->n_tags; i++)
        n += strlen(a->tags[i]) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    size_t p = 0;
    s[p++] = ',';
    for (size_t i = 0; i < a->n_tags; i++) {
        size_t l = strlen(a->tags[i]);
        memcpy(s + p, a->tags[i], l);
        p += l;
        s[p++] = ',';
    }
    s[p] = '\0';
    return s;
}

int store_kb_unpack_tags(const char *s, struct kb_article *a)
{
    a->tags = NULL;
    a->n_tags = 0;
    if (!s)
        return 0;
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    if (n < 2)
        return 0;
    a->tags = calloc(n - 1, sizeof *a->tags);
    if (!a->tags)
        return -1;
    const char *p = s + (*s == ',');
    while (*p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l) {
            char *t = malloc(l + 1);
            if (!t)
                return -1;
            memcpy(t, p, l);
            t[l] = '\0';
            a->tags[a->n_tags++] = t;
        }
        p += l + (e != NULL);
    }
    return 0;
}

int store_depth_under(struct store_conn *c, int64_t parent_id, int *depth)
{
    if (!parent_id) {
        *depth = 1;
        return STORE_OK;
    }
    struct category p = {0};
    int rc = store_category_get(c, parent_id, &p);
    if (rc == STORE_NOTFOUND)
        return STORE_INVALID;
    *depth = p.depth + 1;
    category_release(&p);
    return rc;
}
