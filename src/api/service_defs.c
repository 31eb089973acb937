/*
 * service_defs.c - a category's Open311 definition, for the admin:
 *   GET|PUT /api/v1/categories/{id}/attributes  the extra questions
 *   GET|PUT /api/v1/categories/{id}/service     description, keywords, notice
 * and the answers stored on a ticket:
 *   GET /api/v1/tickets/{number}/attributes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/open311.h"
#include "open311/open311.h"

static json_t *attr_json(const struct service_attr *a)
{
    json_t *values = json_array();
    for (size_t i = 0; values && i < a->n_values; i++)
        json_array_append_new(
            values, json_pack("{s:s, s:s}", "key", a->values[i].key, "name", a->values[i].name));
    return json_pack("{s:s, s:s, s:b, s:b, s:o, s:i, s:s, s:o}", "code", a->code, "datatype",
                     attr_type_name(a->datatype), "variable", a->variable, "required", a->required,
                     "datatype_description",
                     a->datatype_description ? json_string(a->datatype_description) : json_null(),
                     "order", a->order, "description", a->description, "values", values);
}

/* Answers {"category_id", "attributes": [...]} as stored now. */
static void reply_attrs(struct request *r, unsigned status, int64_t id)
{
    struct service_attr *a = NULL;
    size_t n = 0;
    struct app_error e;
    if (app_service_attrs(api_store(r), id, &a, &n, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++)
        json_array_append_new(list, attr_json(&a[i]));
    service_attrs_free(a, n);
    reply_json(r, status,
               list ? json_pack("{s:I, s:o}", "category_id", (json_int_t)id, "attributes", list)
                    : NULL);
}

void h_category_attrs_get(struct request *r)
{
    int64_t id = api_path_id(r, 0, "category");
    if (id)
        reply_attrs(r, 200, id);
}

/* Frees what decode_attr allocated (strings are borrowed from the body). */
static void free_input(struct service_attr *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i].values);
    free(a);
}

/* Decodes attributes[i] into *x; replies 400 and returns -1 on bad input. */
static int decode_attr(struct request *r, json_t *o, size_t i, struct service_attr *x)
{
    static const char *const keys[] = {"code",  "datatype",    "variable", "required",
                                       "order", "description", "values",   "datatype_description",
                                       NULL};
    char pre[40], f[8][64];
    snprintf(pre, sizeof pre, "attributes.%zu", i);
    static const char *const names[] = {"code",  "datatype",    "variable", "required",
                                        "order", "description", "values",   "datatype_description"};
    for (int k = 0; k < 8; k++)
        snprintf(f[k], sizeof f[k], "%s.%s", pre, names[k]);
    if (!json_is_object(o)) {
        reply_error(r, 400, "invalid_argument", "each attribute must be an object", pre);
        return -1;
    }
    int dt, variable = -1, required = -1;
    int64_t order = 0;
    const char *code, *desc, *dtdesc;
    if (jin_keys(r, o, pre, keys) || jin_string(r, o, "code", f[0], true, 64, &code) ||
        jin_enum(r, o, "datatype", f[1], true, attr_type_parse,
                 "string, number, datetime, text, singlevaluelist, multivaluelist", &dt) ||
        jin_bool(r, o, "variable", f[2], false, &variable) ||
        jin_bool(r, o, "required", f[3], false, &required) ||
        jin_int(r, o, "order", f[4], false, 0, 100000, &order) ||
        jin_string(r, o, "description", f[5], true, 2000, &desc) ||
        jin_string(r, o, "datatype_description", f[7], false, 2000, &dtdesc))
        return -1;
    x->code = (char *)code;
    x->datatype = (enum attr_type)dt;
    x->variable = variable != 0;
    x->required = required == 1;
    json_t *ord = json_object_get(o, "order");
    x->order = ord && !json_is_null(ord) ? (int)order : (int)i + 1;
    x->description = (char *)desc;
    x->datatype_description = (char *)dtdesc;
    json_t *vals = json_object_get(o, "values");
    if (!vals || json_is_null(vals))
        return 0;
    if (!json_is_array(vals) || json_array_size(vals) > SERVICE_MAX_VALUES) {
        reply_error(r, 400, "invalid_argument",
                    "values must be an array of at most 100 {key, name}", f[6]);
        return -1;
    }
    x->values = calloc(json_array_size(vals) + 1, sizeof *x->values);
    if (!x->values) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return -1;
    }
    static const char *const vkeys[] = {"key", "name", NULL};
    size_t j;
    json_t *v;
    json_array_foreach(vals, j, v)
    {
        char vp[96], fk[112], fn[112];
        snprintf(vp, sizeof vp, "%s.%zu", f[6], j);
        snprintf(fk, sizeof fk, "%s.key", vp);
        snprintf(fn, sizeof fn, "%s.name", vp);
        const char *key, *name;
        if (!json_is_object(v)) {
            reply_error(r, 400, "invalid_argument", "each value must be {key, name}", vp);
            return -1;
        }
        if (jin_keys(r, v, vp, vkeys) || jin_string(r, v, "key", fk, true, 64, &key) ||
            jin_string(r, v, "name", fn, true, 500, &name))
            return -1;
        x->values[x->n_values].key = (char *)key;
        x->values[x->n_values++].name = (char *)name;
    }
    return 0;
}

void h_category_attrs_put(struct request *r)
{
    static const char *const keys[] = {"attributes", NULL};
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "category");
    if (!id || jin_keys(r, r->json, NULL, keys))
        return;
    json_t *list = json_object_get(r->json, "attributes");
    if (!json_is_array(list) || json_array_size(list) > SERVICE_MAX_ATTRS) {
        reply_error(r, 400, "invalid_argument",
                    "attributes must be an array of at most 50 attributes", "attributes");
        return;
    }
    size_t n = json_array_size(list);
    struct service_attr *a = calloc(n + 1, sizeof *a);
    if (!a) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (decode_attr(r, json_array_get(list, i), i, &a[i]) != 0) {
            free_input(a, n);
            return;
        }
    }
    struct app_error e;
    int rc = app_service_attrs_set(api_store(r), id, a, n, &e);
    free_input(a, n);
    if (rc != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    reply_attrs(r, 200, id);
}

static void reply_service(struct request *r, int64_t id)
{
    struct store_conn *c = store_conn_get(api_store(r));
    struct service_info s;
    int rc = c ? store_service_info_get(c, id, &s) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "category");
        return;
    }
    json_t *body =
        json_pack("{s:I, s:s, s:s, s:s, s:I, s:o}", "category_id", (json_int_t)id, "description",
                  s.description, "keywords", s.keywords, "notice", s.notice, "attributes",
                  (json_int_t)s.n_attrs, "updated_at", jout_time(s.updated_at));
    service_info_release(&s);
    reply_json(r, 200, body);
}

void h_category_service_get(struct request *r)
{
    int64_t id = api_path_id(r, 0, "category");
    if (id)
        reply_service(r, id);
}

void h_category_service_put(struct request *r)
{
    static const char *const keys[] = {"description", "keywords", "notice", NULL};
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "category");
    struct service_info s = {.category_id = id};
    const char *d, *k, *n;
    if (!id || jin_keys(r, r->json, NULL, keys) ||
        jin_string(r, r->json, "description", "description", false, 2000, &d) ||
        jin_string(r, r->json, "keywords", "keywords", false, 500, &k) ||
        jin_string(r, r->json, "notice", "notice", false, 500, &n))
        return;
    s.description = (char *)(d ? d : "");
    s.keywords = (char *)(k ? k : "");
    s.notice = (char *)(n ? n : "");
    struct app_error e;
    if (app_service_info_set(api_store(r), &s, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    reply_service(r, id);
}

void h_ticket_attrs_get(struct request *r)
{
    struct actor a;
    api_actor(r, &a);
    if (!a.role) {
        reply_error(r, 403, "forbidden", "an API key cannot read tickets here", NULL);
        return;
    }
    struct ticket t;
    struct app_error e;
    if (app_ticket_get(api_store(r), &a, r->params[0], &t, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    struct store_conn *c = store_conn_get(api_store(r));
    struct ticket_answer *ans = NULL;
    size_t n = 0;
    int rc = c ? store_ticket_answers_get(c, t.id, &ans, &n) : STORE_ERROR;
    ticket_release(&t);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "answers");
        return;
    }
    /* One item per code, its values in order. */
    json_t *items = json_array();
    json_t *cur = NULL;
    for (size_t i = 0; items && i < n; i++) {
        if (!cur || strcmp(ans[i].code, ans[i - 1].code) != 0) {
            json_t *item = json_pack("{s:s, s:[]}", "code", ans[i].code, "values");
            if (!item || json_array_append_new(items, item) != 0) {
                json_decref(items);
                items = NULL;
                break;
            }
            cur = json_object_get(item, "values"); /* borrowed; items holds it */
        }
        json_array_append_new(cur, json_string(ans[i].value));
    }
    ticket_answers_free(ans, n);
    reply_json(r, 200, items ? json_pack("{s:o}", "items", items) : NULL);
}
