/*
 * form.h - decoding application/x-www-form-urlencoded bodies (what Open311
 * clients POST), with hard caps on what a client can make us hold.
 *
 * Keys and values are percent-decoded ('+' is a space), must be valid UTF-8
 * without NUL or other C0 control characters (tab, CR and LF are allowed in
 * values), and are kept in the order sent. Repeated keys are all kept: the
 * caller decides whether a repeat is allowed.
 */
#ifndef REXIAN_HTTP_FORM_H
#define REXIAN_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct form_field {
    char *key;
    char *value;
};

struct form {
    struct form_field *fields;
    size_t n;
};

/* Caps: a body past any of them is refused as a whole. */
#define FORM_MAX_FIELDS 256
#define FORM_MAX_KEY 128     /* decoded bytes */
#define FORM_MAX_VALUE 32768 /* decoded bytes */

enum form_rc {
    FORM_OK = 0,
    FORM_MALFORMED, /* bad percent escape, invalid UTF-8, control character, empty key */
    FORM_TOO_MANY,  /* more than FORM_MAX_FIELDS fields */
    FORM_TOO_LONG,  /* a key or value past its cap */
    FORM_NOMEM
};

/*
 * Decodes body[0..len) into *out (which it initialises). On failure *out is
 * empty and *problem (may be NULL) points to a static, lowercase
 * description of what is wrong. Free with form_release().
 */
int form_parse(const char *body, size_t len, struct form *out, const char **problem);
void form_release(struct form *f);

/* The first value of `key`, or NULL. Borrowed. */
const char *form_get(const struct form *f, const char *key);
/* How many fields are named `key`. */
size_t form_count(const struct form *f, const char *key);

/* True if a Content-Type header names this encoding (parameters allowed). */
bool form_is_urlencoded(const char *content_type);

#endif
