/*
 * search.c - search text from the query string, and snippets for the wire.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/validate.h"
#include "text/segment.h"

int api_search_text(struct request *r, const char *key, const char **out)
{
    *out = NULL;
    const char *s = request_query(r, key);
    if (!s)
        return 0;
    char msg[128];
    size_t n = strlen(s);
    if (n > API_SEARCH_MAX) {
        snprintf(msg, sizeof msg, "%s is too long (max %d bytes)", key, API_SEARCH_MAX);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    if (!utf8_valid(s, n)) {
        snprintf(msg, sizeof msg, "%s is not valid UTF-8", key);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    struct text_seg *seg = text_seg_thread();
    if (!seg) {
        reply_error(r, 500, "internal", "internal error", NULL);
        return -1;
    }
    if (!text_has_words(seg, s, n)) {
        snprintf(msg, sizeof msg, "%s has no word to search for", key);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    *out = s;
    return 0;
}

/*
 * Escapes the five HTML specials and turns the store's markers into
 * <mark> tags, always balanced: a stray \x02 inside an open mark or a \x03
 * outside one is dropped, and a mark still open at the end is closed.
 */
json_t *api_snippet(const char *raw)
{
    if (!raw)
        return json_null();
    size_t n = strlen(raw), cap = n * 6 + 16, o = 0;
    char *out = malloc(cap);
    if (!out)
        return json_null();
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        char ch = raw[i];
        if (ch == '\x03' && raw[i + 1] == '\x02' && open) {
            i++; /* two matches side by side read as one: 加装电梯, not 加|装|电梯 */
            continue;
        }
        switch (ch) {
        case '\x02':
            rep = open ? "" : "<mark>", open = true;
            break;
        case '\x03':
            rep = open ? "</mark>" : "", open = false;
            break;
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            break;
        }
        if (rep) {
            size_t l = strlen(rep);
            memcpy(out + o, rep, l);
            o += l;
        } else {
            out[o++] = ch;
        }
    }
    if (open) {
        memcpy(out + o, "</mark>", 7);
        o += 7;
    }
    /* FTS5 cuts on token boundaries, which are character boundaries; be sure. */
    json_t *j = utf8_valid(out, o) ? json_stringn(out, o) : json_string("");
    free(out);
    return j ? j : json_null();
}
