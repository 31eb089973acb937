/*
 * xml.c - rendering an answer tree as the XML of GeoReport v2.
 *
 * Objects become elements whose children are their members in order;
 * arrays become an element holding one child per item, named after the
 * array; scalars become text. Text is escaped for XML 1.0: the five
 * special characters as entities, CR as a character reference, and
 * anything XML cannot carry at all (other C0 controls, U+FFFE/U+FFFF,
 * invalid UTF-8) as U+FFFD. The output has no namespace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "open311/o311.h"

#define XML_MAX (64u << 20) /* a cap no real answer comes near */
#define REPLACEMENT "\xEF\xBF\xBD"

struct buf {
    char *p;
    size_t len, cap;
    bool failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = cap <= XML_MAX ? realloc(b->p, cap) : NULL;
        if (!np) {
            b->failed = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2, cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3, cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    if (cp == 0xFFFE || cp == 0xFFFF)
        return 0; /* not XML characters */
    return len;
}

static void escape(struct buf *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        switch (c) {
        case '&':
            puts_(b, "&amp;");
            i++;
            continue;
        case '<':
            puts_(b, "&lt;");
            i++;
            continue;
        case '>':
            puts_(b, "&gt;");
            i++;
            continue;
        case '"':
            puts_(b, "&quot;");
            i++;
            continue;
        case '\'':
            puts_(b, "&apos;");
            i++;
            continue;
        case '\r':
            puts_(b, "&#13;");
            i++;
            continue;
        case '\t':
        case '\n':
            put(b, (const char *)&s[i], 1);
            i++;
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            puts_(b, REPLACEMENT);
            i++;
            continue;
        }
        size_t len = utf8_seq(s + i, n - i);
        if (len == 0) {
            puts_(b, REPLACEMENT);
            i++;
            continue;
        }
        put(b, (const char *)s + i, len);
        i += len;
    }
}

/* The element name of an item of the array element `tag`. */
static const char *item_tag(const char *tag)
{
    static const char *const map[][2] = {
        {"services", "service"}, {"service_requests", "request"}, {"attributes", "attribute"},
        {"values", "value"},     {"endpoints", "endpoint"},       {"formats", "format"},
        {"errors", "error"},     {"keywords", "keyword"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], tag) == 0)
            return map[i][1];
    return "item";
}

static void element(struct buf *b, const char *tag, json_t *v, int depth)
{
    char num[64];
    if (depth > 16) { /* defensive: our trees are a few levels deep */
        b->failed = true;
        return;
    }
    if (json_is_null(v)) {
        put(b, "<", 1), puts_(b, tag), put(b, "/>", 2);
        return;
    }
    put(b, "<", 1), puts_(b, tag), put(b, ">", 1);
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child) element(b, key, child, depth + 1);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        const char *it = item_tag(tag);
        json_array_foreach(v, i, child) element(b, it, child, depth + 1);
    } else if (json_is_string(v)) {
        escape(b, json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        puts_(b, num);
    } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.12g", json_real_value(v));
        puts_(b, num);
    } else {
        puts_(b, json_is_true(v) ? "true" : "false");
    }
    put(b, "</", 2), puts_(b, tag), put(b, ">", 1);
}

char *o311_xml(json_t *root, const char *root_tag, size_t *len)
{
    struct buf b = {0};
    puts_(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    element(&b, root_tag, root, 0);
    put(&b, "\n", 1);
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}
