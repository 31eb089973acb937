/*
 * open311.h - the use cases behind the public endpoints: the service
 * catalogue (leaf categories), a citizen's submission (Open311 or the web
 * page), the citizen's progress lookup, service definitions and API keys.
 * Like the rest of app/: typed input, one transaction, struct app_error out.
 */
#ifndef REXIAN_APP_OPEN311_H
#define REXIAN_APP_OPEN311_H

#include "app/app.h"
#include "core/service.h"

/* 16 random bytes, base64url without padding. */
#define OPEN311_TOKEN_LEN 22

/*
 * Every category with the Open311 info of each. A service is an active
 * category without active children whose ancestors are all active.
 */
struct service_list {
    struct category *cats;
    size_t n_cats;
    struct service_info *infos; /* in category id order */
    size_t n_infos;
};
int app_services_load(struct store *s, struct service_list *out, struct app_error *e);
void service_list_release(struct service_list *l);
/* Is cats[i] a service? */
bool service_list_is_service(const struct service_list *l, size_t i);
/* The category of that id (NULL if none); its parent (NULL for a root). */
const struct category *service_list_category(const struct service_list *l, int64_t id);
const struct category *service_list_parent(const struct service_list *l, const struct category *c);
/* The service with this code, or NULL if there is none (or it is not a service). */
const struct category *service_list_find(const struct service_list *l, const char *code);
/* The category's info (never NULL: an empty one when none is stored). */
const struct service_info *service_list_info(const struct service_list *l, int64_t id);

/* A category's attributes (any category, service or not); APP_NOTFOUND if no such category. */
int app_service_attrs(struct store *s, int64_t category_id, struct service_attr **out, size_t *n,
                      struct app_error *e);
/* Replaces them after service_attrs_check (field "attributes"). */
int app_service_attrs_set(struct store *s, int64_t category_id, const struct service_attr *a,
                          size_t n, struct app_error *e);
/* Stores description, keywords and notice of s->category_id. */
int app_service_info_set(struct store *s, const struct service_info *info, struct app_error *e);

/*
 * A request from a citizen: the ticket to register (its channel says where
 * it came from), the answers to the service's attributes (already checked
 * by the caller against the definition), and for Open311 the extras.
 */
struct citizen_submission {
    struct ticket_input ticket;
    const struct attr_answer *answers;
    size_t n_answers;
    const struct ticket_open311 *open311; /* NULL unless Open311; its token is made here */
};

/*
 * Registers the ticket, its answers and extras in one transaction, with no
 * user as actor. On success fills *out and, for Open311, token
 * (OPEN311_TOKEN_LEN + 1 bytes).
 */
int app_citizen_submit(struct store *s, const struct citizen_submission *in, struct ticket *out,
                       char *token, struct app_error *e);

/*
 * A citizen's lookup: the ticket `number` if its phone ends with the four
 * digits `last4`. Every mismatch -- no such ticket, no phone, other digits --
 * is the same APP_NOTFOUND. *unit_name (malloc'd, may be NULL) names the
 * responsible unit.
 */
int app_public_lookup(struct store *s, const char *number, const char *last4, struct ticket *out,
                      char **unit_name, struct app_error *e);

/* Creates a key for integration `name`; writes it (SESSION_TOKEN_LEN + 1) and its id. */
int app_apikey_issue(struct store *s, const char *name, char *key, int64_t *id,
                     struct app_error *e);
int app_apikey_revoke(struct store *s, int64_t id, struct app_error *e);

#endif
