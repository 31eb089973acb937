/*
 * service.h - a category seen as an Open311 service: its description, and
 * the extra questions (attributes) the admin defines for it, with the rules
 * an answer must follow. Pure: no SQL, no HTTP, no JSON.
 *
 * Records own their strings and arrays; free them with the *_release().
 */
#ifndef REXIAN_CORE_SERVICE_H
#define REXIAN_CORE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GeoReport v2 attribute datatypes, by their wire names. */
enum attr_type {
    AT_STRING,   /* one line of text */
    AT_NUMBER,   /* a decimal number */
    AT_DATETIME, /* W3C / RFC 3339 */
    AT_TEXT,     /* free text */
    AT_SINGLE,   /* singlevaluelist: one key of `values` */
    AT_MULTI,    /* multivaluelist: one or more keys of `values` */
    AT__COUNT
};
const char *attr_type_name(enum attr_type t);
int attr_type_parse(const char *s); /* -1 if unknown */

/* Limits on definitions and answers (bytes unless said otherwise). */
#define SERVICE_MAX_ATTRS 50
#define SERVICE_MAX_VALUES 100
#define SERVICE_CODE_MAX 64         /* attribute code: [A-Za-z0-9_.-] */
#define SERVICE_TEXT_MAX 2000       /* descriptions */
#define ANSWER_STRING_MAX_CHARS 500 /* string answers, code points */
#define ANSWER_TEXT_MAX_CHARS 4000  /* text answers, code points */

struct attr_choice {
    char *key;
    char *name;
};

struct service_attr {
    char *code;
    bool variable; /* false: an informational note, no answer taken */
    enum attr_type datatype;
    bool required;
    char *datatype_description; /* NULL if none */
    int order;
    char *description;
    struct attr_choice *values; /* list types only */
    size_t n_values;
};
void service_attr_release(struct service_attr *a);
void service_attrs_free(struct service_attr *a, size_t n);

/* The Open311 face of one category. */
struct service_info {
    int64_t category_id;
    char *description;  /* "" if none */
    char *keywords;     /* comma-separated, "" if none */
    char *notice;       /* answered as service_notice; "" if none */
    size_t n_attrs;     /* how many attributes it defines */
    int64_t updated_at; /* 0 if never set */
};
void service_info_release(struct service_info *s);

/* True for an attribute code: 1..SERVICE_CODE_MAX of [A-Za-z0-9_.-]. */
bool attr_code_valid(const char *s);

/*
 * Checks a whole definition (as the admin sends it): codes valid and unique,
 * descriptions present, list types with 1..SERVICE_MAX_VALUES unique keys,
 * other types with none. Returns 0, or -1 with *index naming the attribute
 * (-1 for the set as a whole) and *message a static explanation.
 */
int service_attrs_check(const struct service_attr *a, size_t n, int *index, const char **message);

/* One answer as a client sent it: `n` values for attribute `code`. Borrowed. */
struct attr_answer {
    const char *code;
    const char *const *values;
    size_t n;
};

/*
 * Checks answers against the definition: every code known and variable,
 * required ones present with a non-empty value, each value of its datatype
 * (a list answer must name keys; only a multivaluelist takes several, and
 * none twice). Empty values count as absent. Returns 0, or -1 with
 * *code set to the attribute at fault and msg filled with an explanation.
 */
int service_check_answers(const struct service_attr *defs, size_t n_defs,
                          const struct attr_answer *ans, size_t n_ans, const char **code, char *msg,
                          size_t msglen);

/* ---- records of Open311 requests and API keys ---- */

/* One stored answer value (a multivaluelist answer has several, ord 0..). */
struct ticket_answer {
    char *code;
    int ord;
    char *value;
};
void ticket_answers_free(struct ticket_answer *a, size_t n);

/* What an Open311 client sent that the ticket itself has no field for. */
struct ticket_open311 {
    int64_t ticket_id;
    int64_t api_key_id;
    char *token;                                                   /* for GET tokens/{token} */
    char *email, *device_id, *account_id, *address_id, *media_url; /* NULL if not given */
};
void ticket_open311_release(struct ticket_open311 *o);

/* An API key as the admin sees it (never the key itself). */
struct api_key_info {
    int64_t id;
    char *name;
    bool active;
    int64_t created_at, revoked_at, last_used_at; /* 0 if never */
};
void api_key_infos_free(struct api_key_info *a, size_t n);

#endif
