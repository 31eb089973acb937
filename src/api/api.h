/*
 * api.h - the JSON API under /api/v1: one file per resource, sharing the
 * helpers declared here. A handler decodes and validates its input, calls
 * app/ (or store/ for plain reads), and encodes the answer.
 */
#ifndef REXIAN_API_API_H
#define REXIAN_API_API_H

#include <jansson.h>
#include <stdbool.h>

#include "app/app.h"
#include "core/sla.h"
#include "http/reply.h"
#include "http/router.h"
#include "http/server.h"

/* What every handler reaches through r->app. */
struct open311_ctx; /* open311/open311.h: settings and limits of the public endpoints */
struct throttle;    /* app/throttle.h */

struct api {
    struct store *store;
    const struct server_config *cfg;
    int64_t started_at;
    struct open311_ctx *open311; /* NULL: defaults, no rate limits */
    struct throttle *throttle;   /* app/throttle.h: failed logins; NULL = none */
    struct feed *feed;           /* api/events.c: the live feed; NULL = not serving it */
};

/* ---- the live feed (api/events.c) ---- */
struct feed;
/* Starts the feed's publisher thread; heartbeats every heartbeat_s seconds. NULL on failure. */
struct feed *feed_start(struct store *s, unsigned heartbeat_s);
/* Wakes the publisher: events were committed (the app/ event hook; ctx is the feed). */
void feed_wake(void *feed);
/* Open streams. */
size_t feed_streams(struct feed *f);
/* Ends every stream and stops the publisher; before server_stop(). */
void feed_stop(struct feed *f);
/* Frees the feed; after server_stop(). */
void feed_free(struct feed *f);
/* Adds "calendar" (known and missing years) and, when a year is missing, "warnings" to o. */
void api_calendar_health(json_t *o);

/* The server's dispatch function: routing, authentication, body parsing. */
void api_dispatch(struct request *r);
/* Route names (their patterns) for metrics, index-aligned with the table. */
const char *const *api_route_names(size_t *n);

static inline struct api *api_of(struct request *r) { return r->app; }
static inline struct store *api_store(struct request *r) { return api_of(r)->store; }

/* The actor for app/ calls, from the authenticated user (borrowed strings). */
void api_actor(struct request *r, struct actor *a);
/* Replies 403 and returns false unless the user has one of `roles`. */
bool api_require_role(struct request *r, unsigned roles);
/* Replies with the HTTP form of an app error. */
void api_reply_app_error(struct request *r, const struct app_error *e);
/* Replies 500 for a store failure (logged by the store), 404 for NOTFOUND etc. */
void api_reply_store_error(struct request *r, int rc, const char *what);

/* Parses a decimal id from a path parameter; replies 404 and returns 0 if malformed. */
int64_t api_path_id(struct request *r, int param, const char *what);

/*
 * The token of an "Authorization: Bearer <token>" header value (scheme
 * case-insensitive, blanks before the token skipped), or NULL for NULL or
 * any other scheme. Points into `authorization`.
 */
const char *api_bearer(const char *authorization);

/*
 * Decodes and validates a ticket-creation body b into *in (strings borrowed
 * from b). 0, or replies 400 naming the field and returns -1. Needs no
 * store and no authenticated user: the fuzz target drives it directly.
 */
int api_ticket_input_decode(struct request *r, json_t *b, struct ticket_input *in);
/* The list's query parsers (api/tickets.c): 0, or -1 if s is not one. */
int api_parse_cursor(const char *s, int64_t *key, int64_t *id);
int api_parse_statuses(const char *s, unsigned *mask);
/*
 * The ticket list's filters from the query string into *f: status,
 * unit_id, category_id, type, channel, sla, phone, from, to, sort, q, and
 * with `paging` also limit and after; the actor's role scope applied (a
 * handler sees its subtree only). Strings are borrowed from the request.
 * 0, or replies 4xx naming the parameter and returns -1. Shared by the list
 * and the export (api/export.c), so both take the same filters the same way.
 */
int api_ticket_filter_parse(struct request *r, const struct actor *a, bool paging,
                            struct ticket_filter *f);

/* ---- decoding JSON input (api/json_in.c) ----
 * Each returns 0, or replies 400 naming the field and returns -1.
 * A JSON null counts as absent. `field` is the name reported (dotted for
 * nested objects); `key` the member looked up.
 */
int jin_keys(struct request *r, json_t *obj, const char *prefix, const char *const allowed[]);
int jin_string(struct request *r, json_t *obj, const char *key, const char *field, bool required,
               size_t max_bytes, const char **out);
int jin_bool(struct request *r, json_t *obj, const char *key, const char *field, bool required,
             int *out);
int jin_int(struct request *r, json_t *obj, const char *key, const char *field, bool required,
            int64_t min, int64_t max, int64_t *out);
int jin_number(struct request *r, json_t *obj, const char *key, const char *field, bool required,
               double min, double max, double *out, bool *present);
int jin_enum(struct request *r, json_t *obj, const char *key, const char *field, bool required,
             int (*parse)(const char *), const char *choices, int *out);
int jin_time(struct request *r, json_t *obj, const char *key, const char *field, bool required,
             int64_t *out);
int jin_id_array(struct request *r, json_t *obj, const char *key, const char *field, size_t max,
                 int64_t **out, size_t *n);
/* Query-string helpers: reply 400 naming the parameter on bad input. */
int qin_id(struct request *r, const char *key, int64_t *out);
int qin_int(struct request *r, const char *key, int64_t min, int64_t max, int64_t *out);
int qin_only(struct request *r, const char *const allowed[]);

/* ---- encoding (api/json_out.c) ---- */
json_t *jout_time(int64_t ms);
json_t *jout_id(int64_t id);
/*
 * The one ticket serializer: writes the members of the ticket object (no
 * braces, so that a caller may add its own members after them) into `w`.
 * `allowed` = UINT32_MAX to omit allowed_actions. `role` decides what the
 * viewer sees (masking, DESIGN §6).
 */
void jout_ticket_members(struct jsonw *w, const struct ticket *t, unsigned role, int64_t now,
                         unsigned allowed);
/* Answers `status` with the ticket object alone. */
void jout_ticket_reply(struct request *r, unsigned status, const struct ticket *t, unsigned role,
                       int64_t now, unsigned allowed);
json_t *jout_unit(const struct unit *u);
json_t *jout_category(const struct category *c);
json_t *jout_user(const struct user *u);
json_t *jout_event(const struct ticket_event *e);
json_t *jout_actions(unsigned mask);
/* The level of t's running clock at `now` (SLA_NONE when none runs); *due
   (may be NULL) gets that clock's deadline, 0 if none. As the JSON's "sla". */
enum sla_level api_ticket_sla(const struct ticket *t, int64_t now, int64_t *due);

/* ---- search, knowledge base, repeat requests (api/search.c, kb.c, similar.c) ---- */
/* Maximum bytes of a search text (q, text). */
#define API_SEARCH_MAX 1000
/*
 * The query parameter `key` as search text: NULL if absent; else valid
 * UTF-8 of at most API_SEARCH_MAX bytes with at least one word. Returns 0,
 * or replies 400 naming the parameter and returns -1.
 */
int api_search_text(struct request *r, const char *key, const char **out);
/* A store snippet (matches between \x02 and \x03) as HTML-escaped text with
   <mark>...</mark> around the matches; JSON null for NULL. New reference. */
json_t *api_snippet(const char *raw);
/* The repeat-request candidates of t as a JSON array (empty if none or on error). */
json_t *api_similar_json(struct request *r, const struct actor *a, const struct ticket *t,
                         int limit);
void h_ticket_similar(struct request *r);
void h_kb_list(struct request *r);
void h_kb_create(struct request *r);
void h_kb_get(struct request *r);
void h_kb_update(struct request *r);
void h_kb_revisions(struct request *r);
void h_kb_publish(struct request *r);
void h_kb_withdraw(struct request *r);
void h_kb_suggest(struct request *r);

/* ---- handlers ---- */
void h_login(struct request *r);
/* api/stats_ops.c */
void h_stats_overview(struct request *r);
void h_stats_volume(struct request *r);
void h_stats_agents(struct request *r);
void h_stats_hot(struct request *r);
void h_logout(struct request *r);
void h_me(struct request *r);
void h_healthz(struct request *r);
void h_metrics(struct request *r);
void h_tickets_create(struct request *r);
void h_tickets_list(struct request *r);
void h_tickets_export(struct request *r); /* api/export.c */
void h_ticket_get(struct request *r);
void h_ticket_events(struct request *r);
void h_ticket_action(struct request *r);
void h_units_list(struct request *r);
void h_unit_get(struct request *r);
void h_unit_create(struct request *r);
void h_unit_update(struct request *r);
void h_categories_list(struct request *r);
void h_category_get(struct request *r);
void h_category_create(struct request *r);
void h_category_update(struct request *r);
void h_users_list(struct request *r);
void h_user_get(struct request *r);
void h_user_create(struct request *r);
void h_user_update(struct request *r);
/* issue 3: api/calendar.c, api/sla_rules.c, api/events.c */
void h_calendar_summary(struct request *r);
void h_calendar_year(struct request *r);
void h_calendar_year_put(struct request *r);
void h_calendar_year_delete(struct request *r);
void h_calendar_day_put(struct request *r);
void h_calendar_day_delete(struct request *r);
void h_sla_rules_list(struct request *r);
void h_sla_rule_get(struct request *r);
void h_sla_rule_create(struct request *r);
void h_sla_rule_update(struct request *r);
void h_sla_rule_delete(struct request *r);
void h_events(struct request *r);

/* ---- the audit log (api/audit.c) ---- */
/*
 * A copy of a request body fit for the audit log: members whose name says
 * password, secret, token or key read "(changed)". New reference; NULL on OOM.
 */
json_t *api_audit_detail(json_t *body);
/*
 * Records an admin change by the request's user on c, inside the caller's
 * write transaction. Steals `detail` (may be NULL). 0, or replies and
 * returns -1: the caller then rolls back.
 */
int api_audit(struct request *r, struct store_conn *c, const char *action,
              const char *object_type, int64_t object_id, json_t *detail);
void h_audit_list(struct request *r);
/*
 * After the handler: records a successful admin write (outside tickets and
 * sessions) that the handler did not record itself, in its own transaction.
 */
void api_audit_after(struct request *r);

/* ---- unit assessment (api/assess.c) ---- */
void h_assess_list(struct request *r);
void h_assess_export(struct request *r);
void h_assess_unit(struct request *r);
void h_assess_tickets(struct request *r);
void h_weights_get(struct request *r);
void h_weights_put(struct request *r);

#endif
