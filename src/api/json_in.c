/*
 * json_in.c - strict decoding of JSON bodies and query strings: unknown
 * fields, wrong types and out-of-range values are answered 400 naming the
 * field, before anything is stored.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "core/validate.h"

static int bad(struct request *r, const char *field, const char *fmt, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, field, arg ? arg : "");
    reply_error(r, 400, "invalid_argument", msg, field);
    return -1;
}

int jin_keys(struct request *r, json_t *obj, const char *prefix, const char *const allowed[])
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0) {
                ok = true;
                break;
            }
        if (!ok) {
            char field[128];
            snprintf(field, sizeof field, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", key);
            /* The key is valid UTF-8 (jansson checked); keep the message short. */
            char msg[200];
            snprintf(msg, sizeof msg, "unknown field '%.100s'", field);
            reply_error(r, 400, "invalid_argument", msg, field);
            return -1;
        }
    }
    return 0;
}

/* The member, or NULL when absent or null. Replies for a missing required one. */
static json_t *member(struct request *r, json_t *obj, const char *key, const char *field,
                      bool required, int *rc)
{
    json_t *v = json_object_get(obj, key);
    *rc = 0;
    if (v && !json_is_null(v))
        return v;
    if (required)
        *rc = bad(r, field, "%s is required%s", NULL);
    return NULL;
}

int jin_string(struct request *r, json_t *obj, const char *key, const char *field, bool required,
               size_t max_bytes, const char **out)
{
    int rc;
    *out = NULL;
    json_t *v = member(r, obj, key, field, required, &rc);
    if (!v)
        return rc;
    if (!json_is_string(v))
        return bad(r, field, "%s must be a string%s", NULL);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n) /* defensive: jansson rejects \u0000 without JSON_ALLOW_NUL */
        return bad(r, field, "%s must not contain NUL%s", NULL);
    if (n > max_bytes) {
        char lim[32];
        snprintf(lim, sizeof lim, "%zu", max_bytes);
        return bad(r, field, "%s is too long (max %s bytes)", lim);
    }
    if (required && text_blank(s))
        return bad(r, field, "%s must not be blank%s", NULL);
    *out = s;
    return 0;
}

int jin_bool(struct request *r, json_t *obj, const char *key, const char *field, bool required,
             int *out)
{
    int rc;
    *out = -1;
    json_t *v = member(r, obj, key, field, required, &rc);
    if (!v)
        return rc;
    if (!json_is_boolean(v))
        return bad(r, field, "%s must be true or false%s", NULL);
    *out = json_is_true(v);
    return 0;
}

int jin_int(struct request *r, json_t *obj, const char *key, const char *field, bool required,
            int64_t min, int64_t max, int64_t *out)
{
    int rc;
    *out = 0;
    json_t *v = member(r, obj, key, field, required, &rc);
    if (!v)
        return rc;
    if (!json_is_integer(v))
        return bad(r, field, "%s must be an integer%s", NULL);
    json_int_t n = json_integer_value(v);
    if (n < min || n > max)
        return bad(r, field, "%s is out of range%s", NULL);
    *out = n;
    return 0;
}

int jin_number(struct request *r, json_t *obj, const char *key, const char *field, bool required,
               double min, double max, double *out, bool *present)
{
    int rc;
    *present = false;
    json_t *v = member(r, obj, key, field, required, &rc);
    if (!v)
        return rc;
    if (!json_is_number(v))
        return bad(r, field, "%s must be a number%s", NULL);
    double d = json_number_value(v);
    if (!isfinite(d) || d < min || d > max)
        return bad(r, field, "%s is out of range%s", NULL);
    *out = d;
    *present = true;
    return 0;
}

int jin_enum(struct request *r, json_t *obj, const char *key, const char *field, bool required,
             int (*parse)(const char *), const char *choices, int *out)
{
    int rc;
    *out = -1;
    json_t *v = member(r, obj, key, field, required, &rc);
    if (!v)
        return rc;
    int e = json_is_string(v) ? parse(json_string_value(v)) : -1;
    if (e < 0)
        return bad(r, field, "%s must be one of %s", choices);
    *out = e;
    return 0;
}

int jin_time(struct request *r, json_t *obj, const char *key, const char *field, bool required,
             int64_t *out)
{
    int rc;
    *out = 0;
    json_t *v = member(r, obj, key, field, required, &rc);
    if (!v)
        return rc;
    if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), out) != 0)
        return bad(r, field, "%s must be an RFC 3339 time such as 2026-12-01T09:30:00+08:00%s",
                   NULL);
    return 0;
}

int jin_id_array(struct request *r, json_t *obj, const char *key, const char *field, size_t max,
                 int64_t **out, size_t *n)
{
    int rc;
    *out = NULL;
    *n = 0;
    json_t *v = member(r, obj, key, field, false, &rc);
    if (!v)
        return rc;
    if (!json_is_array(v))
        return bad(r, field, "%s must be an array of ids%s", NULL);
    size_t len = json_array_size(v);
    if (len > max)
        return bad(r, field, "%s has too many entries%s", NULL);
    if (!len)
        return 0;
    int64_t *ids = calloc(len, sizeof *ids);
    if (!ids) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_integer(e) || json_integer_value(e) <= 0) {
            free(ids);
            return bad(r, field, "%s must be an array of positive ids%s", NULL);
        }
        ids[i] = json_integer_value(e);
    }
    *out = ids;
    *n = len;
    return 0;
}

/* ---- query strings ---- */

static int parse_dec(const char *s, int64_t *out)
{
    if (!*s || strlen(s) > 18)
        return -1;
    int64_t v = 0;
    bool neg = *s == '-';
    for (const char *p = s + neg; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (neg && !s[1])
        return -1;
    *out = neg ? -v : v;
    return 0;
}

int qin_int(struct request *r, const char *key, int64_t min, int64_t max, int64_t *out)
{
    const char *s = request_query(r, key);
    if (!s)
        return 0;
    int64_t v;
    if (parse_dec(s, &v) != 0 || v < min || v > max) {
        char lim[64];
        snprintf(lim, sizeof lim, "%lld..%lld", (long long)min, (long long)max);
        return bad(r, key, "%s must be an integer in %s", lim);
    }
    *out = v;
    return 0;
}

int qin_id(struct request *r, const char *key, int64_t *out)
{
    return qin_int(r, key, 1, INT64_MAX / 2, out);
}

static int not_in(const char *key, void *ctx)
{
    const char *const *allowed = ctx;
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(key, allowed[i]) == 0)
            return 0;
    return 1;
}

int qin_only(struct request *r, const char *const allowed[])
{
    const char *k = request_query_each(r, not_in, (void *)allowed);
    if (!k)
        return 0;
    char field[80];
    snprintf(field, sizeof field, "%.60s", k);
    if (!utf8_valid(field, strlen(field)))
        snprintf(field, sizeof field, "?");
    return bad(r, field, "unknown parameter '%s'%s", NULL);
}
