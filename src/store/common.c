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
