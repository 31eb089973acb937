/*
 * sla_rules.c - /api/v1/sla-rules: the deadline rule table (read by anyone
 * logged in, edited by the admin), and /sla-rules/effective, which shows
 * the spans and deadlines a ticket would get.
 *
 * A rule: {"id", "type", "urgency", "category_id", "sign", "reply",
 * "callback", "note", "created_at", "updated_at"}; type, urgency and
 * category_id null match anything; a clock is {"amount", "unit"} or null
 * (left to less specific rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/deadlines.h"
#include "core/calendar.h"
#include "core/timeutil.h"

#define CAT_CHAIN_MAX 8

static const char *const clock_keys[SLA_CLOCK__COUNT] = {"sign", "reply", "callback"};

static json_t *jout_span(struct sla_span s)
{
    if (!sla_span_set(s))
        return json_null();
    return json_pack("{s:i, s:s}", "amount", s.amount, "unit", sla_unit_name(s.unit));
}

static json_t *jout_rule(const struct sla_rule *r)
{
    json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                          (json_int_t)r->id, "type",
                          r->type >= 0 ? json_string(ticket_type_name(r->type)) : json_null(),
                          "urgency",
                          r->urgency >= 0 ? json_string(urgency_name(r->urgency)) : json_null(),
                          "category_id", jout_id(r->category_id), "sign", jout_span(r->span[0]),
                          "reply", jout_span(r->span[1]), "callback", jout_span(r->span[2]),
                          "note", r->note ? json_string(r->note) : json_null(), "created_at",
                          jout_time(r->created_at), "updated_at", jout_time(r->updated_at));
    return o;
}

/* Decodes a clock member present in the body: null or {"amount", "unit"}. */
static int decode_span(struct request *r, json_t *v, const char *key, struct sla_span *out)
{
    static const char *const keys[] = {"amount", "unit", NULL};
    char af[24], uf[24];
    int64_t amount = 0;
    int unit = -1;
    if (json_is_null(v)) {
        *out = SLA_SPAN_NONE;
        return 0;
    }
    if (!json_is_object(v)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s must be an object {amount, unit} or null", key);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    snprintf(af, sizeof af, "%s.amount", key);
    snprintf(uf, sizeof uf, "%s.unit", key);
    if (jin_keys(r, v, key, keys) || jin_int(r, v, "amount", af, true, 0, SLA_AMOUNT_MAX, &amount) ||
        jin_enum(r, v, "unit", uf, true, sla_unit_parse,
                 "natural_hours, working_hours, working_days", &unit))
        return -1;
    *out = (struct sla_span){(int)amount, (enum sla_unit)unit};
    return 0;
}

/* Applies the members present in the body to r (PATCH semantics; POST starts empty). */
static int decode_rule(struct request *rq, struct sla_rule *r)
{
    static const char *const keys[] = {"type",  "urgency",  "category_id", "sign",
                                       "reply", "callback", "note",        NULL};
    json_t *b = rq->json, *v;
    if (jin_keys(rq, b, NULL, keys))
        return -1;
    if ((v = json_object_get(b, "type"))) {
        int t = -1;
        if (!json_is_null(v) && jin_enum(rq, b, "type", "type", false, ticket_type_parse,
                                         "consult, help, complaint, report, suggestion, praise",
                                         &t))
            return -1;
        r->type = t;
    }
    if ((v = json_object_get(b, "urgency"))) {
        int u = -1;
        if (!json_is_null(v) && jin_enum(rq, b, "urgency", "urgency", false, urgency_parse,
                                         "normal, urgent, emergency", &u))
            return -1;
        r->urgency = u;
    }
    if ((v = json_object_get(b, "category_id"))) {
        int64_t id = 0;
        if (!json_is_null(v) &&
            jin_int(rq, b, "category_id", "category_id", false, 1, INT64_MAX / 2, &id))
            return -1;
        r->category_id = id;
    }
    for (int k = 0; k < SLA_CLOCK__COUNT; k++)
        if ((v = json_object_get(b, clock_keys[k])) &&
            decode_span(rq, v, clock_keys[k], &r->span[k]))
            return -1;
    if ((v = json_object_get(b, "note"))) {
        const char *note = NULL;
        if (jin_string(rq, b, "note", "note", false, SLA_RULE_NOTE_MAX, &note))
            return -1;
        free(r->note);
        r->note = note ? strdup(note) : NULL;
        if (note && !r->note) {
            reply_error(rq, 500, "internal", "out of memory", NULL);
            return -1;
        }
    }
    return 0;
}

void h_sla_rules_list(struct request *r)
{
    struct store_conn *c = store_conn_get(api_store(r));
    struct sla_rule *rules = NULL;
    size_t n = 0;
    int rc = c ? store_sla_rule_list(c, &rules, &n) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "rules");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, jout_rule(&rules[i]));
    store_free_sla_rules(rules, n);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_sla_rule_get(struct request *r)
{
    int64_t id = api_path_id(r, 0, "rule");
    struct store_conn *c = store_conn_get(api_store(r));
    struct sla_rule rule;
    if (!id)
        return;
    int rc = c ? store_sla_rule_get(c, id, &rule) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "rule");
        return;
    }
    reply_json(r, 200, jout_rule(&rule));
    sla_rule_release(&rule);
}

void h_sla_rule_create(struct request *r)
{
    struct sla_rule rule;
    struct app_error e;
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    sla_rule_init(&rule);
    if (decode_rule(r, &rule) == 0) {
        if (app_sla_rule_save(api_store(r), &rule, true, &e) != APP_OK)
            api_reply_app_error(r, &e);
        else
            reply_json(r, 201, jout_rule(&rule));
    }
    sla_rule_release(&rule);
}

void h_sla_rule_update(struct request *r)
{
    struct sla_rule rule;
    struct app_error e;
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "rule");
    struct store_conn *c = store_conn_get(api_store(r));
    if (!id)
        return;
    int rc = c ? store_sla_rule_get(c, id, &rule) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "rule");
        return;
    }
    if (decode_rule(r, &rule) == 0) {
        if (app_sla_rule_save(api_store(r), &rule, false, &e) != APP_OK)
            api_reply_app_error(r, &e);
        else
            reply_json(r, 200, jout_rule(&rule));
    }
    sla_rule_release(&rule);
}

void h_sla_rule_delete(struct request *r)
{
    struct app_error e;
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "rule");
    if (!id)
        return;
    if (app_sla_rule_delete(api_store(r), id, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    reply_empty(r, 204);
}
