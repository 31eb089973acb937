/*
 * jsonw.h - a small direct JSON writer: values go straight into one growable
 * buffer, with no tree in between (the hot answers, e.g. a ticket, are
 * written this way; jansson stays for parsing and for the rare answers).
 *
 * The text is compact and byte-for-byte what jansson's
 * json_dumps(JSON_COMPACT) writes for the same values in the same order:
 * strings escape '"', '\\' and every control character below 0x20 (\b \f \n
 * \r \t, the rest as \u00XX), and nothing else; reals are "%.17g" with ".0"
 * added to integral values. A string that is not valid UTF-8 (inputs are
 * validated, so this is defensive) is written with U+FFFD in place of each
 * bad byte, so the output is always valid JSON in valid UTF-8.
 *
 * Errors are sticky: after an allocation failure or once the text would
 * pass the writer's cap, every further call does nothing and
 * jsonw_finish() answers NULL. Commas and colons are placed by the writer:
 * inside an object call jsonw_key() before each value.
 */
#ifndef REXIAN_HTTP_JSONW_H
#define REXIAN_HTTP_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONW_MAX_DEPTH 32
#define JSONW_DEFAULT_CAP ((size_t)64 << 20) /* 64 MiB: a 200-ticket page is far below */

struct jsonw {
    char *buf;
    size_t len, cap, max;
    bool failed;    /* out of memory, past max, or misuse (too deep) */
    bool after_key; /* the next value follows a key: no comma */
    unsigned depth;
    uint32_t has_member; /* bit d: the container at depth d has a member already */
};

/* Sets up an empty writer whose text may grow to `max` bytes (0: the default cap). */
void jsonw_init(struct jsonw *w, size_t max);
/* Frees the buffer (safe after jsonw_finish). */
void jsonw_release(struct jsonw *w);
/*
 * Hands over the NUL-terminated text (malloc'd; the caller frees it) and its
 * length; the writer is left empty. NULL if any call failed.
 */
char *jsonw_finish(struct jsonw *w, size_t *len);

void jsonw_object_begin(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);
/* The key of the next member (escaped like any string). */
void jsonw_key(struct jsonw *w, const char *key);
/*
 * A key written by the code, already quoted with its colon: JSONW_KEY("id")
 * gives the two arguments ("\"id\":" and its length) for a string literal
 * that needs no escaping. What a serializer of many rows uses for its keys.
 */
#define JSONW_KEY(k) "\"" k "\":", (sizeof("\"" k "\":") - 1)
void jsonw_key_quoted(struct jsonw *w, const char *quoted, size_t n);

/* A string value; NULL writes null. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_string_n(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, int64_t v);
/* A finite real as jansson writes it; NaN and infinities fail the writer. */
void jsonw_real(struct jsonw *w, double v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* A jansson value, dumped compactly in place (borrowed; NULL writes null). */
void jsonw_json(struct jsonw *w, const json_t *v);

/*
 * Appends the JSON string literal of s[0..n) (quotes included) to `out`,
 * which needs 6 * n + 3 bytes at most; returns the length written. The
 * escaping used by the writer, exposed for tests.
 */
size_t jsonw_escape(const char *s, size_t n, char *out);

#endif
