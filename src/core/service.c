/*
 * service.c - Open311 service attributes: their datatypes, the checks of a
 * definition, and the checks of a client's answers.
 */
#include "core/service.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/validate.h"

static const char *const type_names[AT__COUNT] = {
    "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
};

const char *attr_type_name(enum attr_type t)
{
    return (unsigned)t < AT__COUNT ? type_names[t] : "string";
}

int attr_type_parse(const char *s)
{
    for (int i = 0; s && i < AT__COUNT; i++)
        if (strcmp(s, type_names[i]) == 0)
            return i;
    return -1;
}

void service_attr_release(struct service_attr *a)
{
    if (!a)
        return;
    free(a->code);
    free(a->datatype_description);
    free(a->description);
    for (size_t i = 0; i < a->n_values; i++) {
        free(a->values[i].key);
        free(a->values[i].name);
    }
    free(a->values);
    memset(a, 0, sizeof *a);
}

void service_attrs_free(struct service_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        service_attr_release(&a[i]);
    free(a);
}

void service_info_release(struct service_info *s)
{
    if (!s)
        return;
    free(s->description);
    free(s->keywords);
    free(s->notice);
    memset(s, 0, sizeof *s);
}

bool attr_code_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > SERVICE_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static bool is_list(enum attr_type t)
{
    return t == AT_SINGLE || t == AT_MULTI;
}

int service_attrs_check(const struct service_attr *a, size_t n, int *index, const char **message)
{
    *index = -1;
    if (n > SERVICE_MAX_ATTRS) {
        *message = "too many attributes (at most 50)";
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        *index = (int)i;
        const struct service_attr *x = &a[i];
        if (!attr_code_valid(x->code)) {
            *message = "code must be 1-64 of A-Z, a-z, 0-9, '_', '.', '-'";
            return -1;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(a[j].code, x->code) == 0) {
                *message = "code is used twice";
                return -1;
            }
        }
        if (!x->description || text_blank(x->description)) {
            *message = "description is required";
            return -1;
        }
        if ((unsigned)x->datatype >= AT__COUNT) {
            *message = "unknown datatype";
            return -1;
        }
        if (!x->variable && x->required) {
            *message = "an attribute that takes no answer (variable false) cannot be required";
            return -1;
        }
        if (is_list(x->datatype) != (x->n_values > 0)) {
            *message = is_list(x->datatype) ? "a list datatype needs values"
                                            : "only list datatypes take values";
            return -1;
        }
        if (x->n_values > SERVICE_MAX_VALUES) {
            *message = "too many values (at most 100)";
            return -1;
        }
        for (size_t v = 0; v < x->n_values; v++) {
            const struct attr_choice *c = &x->values[v];
            if (!c->key || !*c->key || strlen(c->key) > SERVICE_CODE_MAX || text_blank(c->key) ||
                !c->name || text_blank(c->name)) {
                *message = "each value needs a key (at most 64 bytes) and a name";
                return -1;
            }
            for (size_t w = 0; w < v; w++) {
                if (strcmp(x->values[w].key, c->key) == 0) {
                    *message = "a value key is used twice";
                    return -1;
                }
            }
        }
    }
    return 0;
}

static const struct service_attr *find_def(const struct service_attr *defs, size_t n,
                                           const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(defs[i].code, code) == 0)
            return &defs[i];
    return NULL;
}

static bool is_key(const struct service_attr *d, const char *v)
{
    for (size_t i = 0; i < d->n_values; i++)
        if (strcmp(d->values[i].key, v) == 0)
            return true;
    return false;
}

/* A whole decimal number, finite: "12", "-3.5", "1e3". */
static bool number_valid(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    return errno == 0 && end && *end == '\0' && isfinite(v) && s[0] != ' ' &&
           strncasecmp(s, "0x", 2) != 0 && strncasecmp(s, "-0x", 3) != 0;
}

/* Checks one non-empty value of definition d; 0 or -1 with msg filled. */
static int check_value(const struct service_attr *d, const char *v, char *msg, size_t msglen)
{
    int64_t ms;
    switch (d->datatype) {
    case AT_STRING:
        if (utf8_length(v) > ANSWER_STRING_MAX_CHARS) {
            snprintf(msg, msglen, "attribute '%s' is too long (max %d characters)", d->code,
                     ANSWER_STRING_MAX_CHARS);
            return -1;
        }
        return 0;
    case AT_TEXT:
        if (utf8_length(v) > ANSWER_TEXT_MAX_CHARS) {
            snprintf(msg, msglen, "attribute '%s' is too long (max %d characters)", d->code,
                     ANSWER_TEXT_MAX_CHARS);
            return -1;
        }
        return 0;
    case AT_NUMBER:
        if (!number_valid(v)) {
            snprintf(msg, msglen, "attribute '%s' must be a number", d->code);
            return -1;
        }
        return 0;
    case AT_DATETIME:
        if (time_parse_rfc3339(v, &ms) != 0) {
            snprintf(msg, msglen, "attribute '%s' must be a W3C datetime", d->code);
            return -1;
        }
        return 0;
    case AT_SINGLE:
    case AT_MULTI:
        if (!is_key(d, v)) {
            snprintf(msg, msglen, "attribute '%s' has no value '%.64s'", d->code, v);
            return -1;
        }
        return 0;
    default:
        snprintf(msg, msglen, "attribute '%s' has an unknown datatype", d->code);
        return -1;
    }
}

int service_check_answers(const struct service_attr *defs, size_t n_defs,
                          const struct attr_answer *ans, size_t n_ans, const char **code, char *msg,
                          size_t msglen)
{
    for (size_t i = 0; i < n_ans; i++) {
        const struct attr_answer *a = &ans[i];
        *code = a->code;
        const struct service_attr *d = find_def(defs, n_defs, a->code);
        if (!d) {
            snprintf(msg, msglen, "unknown attribute '%.64s'", a->code);
            return -1;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ans[j].code, a->code) == 0) {
                snprintf(msg, msglen, "attribute '%s' is given twice", d->code);
                return -1;
            }
        }
        size_t given = 0;
        for (size_t v = 0; v < a->n; v++) {
            if (!a->values[v][0])
                continue;
            given++;
            if (!d->variable) {
                snprintf(msg, msglen, "attribute '%s' takes no answer", d->code);
                return -1;
            }
            if (check_value(d, a->values[v], msg, msglen) != 0)
                return -1;
            for (size_t w = 0; w < v; w++) {
                if (strcmp(a->values[w], a->values[v]) == 0) {
                    snprintf(msg, msglen, "attribute '%s' names '%.64s' twice", d->code,
                             a->values[v]);
                    return -1;
                }
            }
        }
        if (given > 1 && d->datatype != AT_MULTI) {
            snprintf(msg, msglen, "attribute '%s' takes one value", d->code);
            return -1;
        }
    }
    for (size_t i = 0; i < n_defs; i++) {
        const struct service_attr *d = &defs[i];
        if (!d->required)
            continue;
        bool present = false;
        for (size_t j = 0; j < n_ans && !present; j++)
            if (strcmp(ans[j].code, d->code) == 0)
                for (size_t v = 0; v < ans[j].n && !present; v++)
                    present = ans[j].values[v][0] != '\0';
        if (!present) {
            *code = d->code;
            snprintf(msg, msglen, "attribute '%s' is required", d->code);
            return -1;
        }
    }
    *code = NULL;
    return 0;
}

void ticket_answers_free(struct ticket_answer *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free(a[i].code);
        free(a[i].value);
    }
    free(a);
}

void ticket_open311_release(struct ticket_open311 *o)
{
    if (!o)
        return;
    free(o->token);
    free(o->email);
    free(o->device_id);
    free(o->account_id);
    free(o->address_id);
    free(o->media_url);
    memset(o, 0, sizeof *o);
}

void api_key_infos_free(struct api_key_info *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i].name);
    free(a);
}
