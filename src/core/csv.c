/*
 * csv.c - RFC 4180 cells with formula injection defused (see csv.h).
 */
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

#define CSV_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

void csv_init(struct csv_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max ? max : CSV_DEFAULT_MAX;
}

void csv_release(struct csv_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->row_open = false;
}

void csv_clear(struct csv_buf *b)
{
    b->len = 0;
    b->row_open = false;
}

/* Makes room for n more bytes. */
static int reserve(struct csv_buf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return -1;
    if (b->len + n <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n)
        cap = cap > b->max / 2 ? b->max : cap * 2;
    char *d = realloc(b->data, cap);
    if (!d)
        return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

int csv_raw(struct csv_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) != 0)
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

bool csv_formula_like(const char *s)
{
    return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                 s[0] == '\r');
}

int csv_cell(struct csv_buf *b, const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s), quotes = 0;
    bool quote = false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '"')
            quotes++;
        if (ch == '"' || ch == ',' || ch == '\r' || ch == '\n')
            quote = true;
    }
    bool defuse = csv_formula_like(s);
    /* separator + apostrophe + two quotes + the text with its quotes doubled */
    size_t need = 1 + (size_t)defuse + 2 * (size_t)quote + n + quotes;
    if (n > b->max || reserve(b, need) != 0)
        return -1;
    char *p = b->data + b->len;
    if (b->row_open)
        *p++ = ',';
    if (quote)
        *p++ = '"';
    if (defuse)
        *p++ = '\'';
    if (!quotes) {
        memcpy(p, s, n);
        p += n;
    } else {
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"')
                *p++ = '"';
            *p++ = s[i];
        }
    }
    if (quote)
        *p++ = '"';
    b->len = (size_t)(p - b->data);
    b->row_open = true;
    return 0;
}

int csv_end_row(struct csv_buf *b)
{
    if (csv_raw(b, "\r\n", 2) != 0)
        return -1;
    b->row_open = false;
    return 0;
}
