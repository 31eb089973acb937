/*
 * services.c - GET discovery, services and services/{service_code}: the
 * leaf categories as GeoReport services and their attribute definitions.
 */
#include <stdio.h>
#include <string.h>

#include "http/client.h"
#include "open311/o311.h"

void h_o311_requests_list(struct request *r, enum o311_fmt fmt); /* requests.c */

/* "http(s)://host" of this server as the client reached it. */
static void base_url(struct request *r, char *out, size_t len)
{
    const char *host = request_header(r, "Host");
    bool ok = host && *host && strlen(host) < 200;
    for (const char *p = host; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']';
    snprintf(out, len, "%s://%s", request_is_https(r) ? "https" : "http", ok ? host : "localhost");
}

static void discovery(struct request *r, enum o311_fmt fmt)
{
    struct store_conn *c = store_conn_get(api_store(r));
    int64_t changed = 0;
    int rc = c ? store_service_changeset(c, &changed) : STORE_ERROR;
    if (rc != STORE_OK) {
        o311_error(r, fmt, 500, "internal error");
        return;
    }
    char url[300];
    base_url(r, url, sizeof url);
    size_t n = strlen(url);
    snprintf(url + n, sizeof url - n, "/open311/v2");
    json_t *formats = json_pack("[s, s]", "text/xml", "application/json");
    json_t *ep =
        json_pack("{s:s, s:s, s:o, s:s, s:o}", "specification", O311_SPEC, "url", url, "changeset",
                  o311_time(changed), "type", "production", "formats", formats);
    json_t *root = json_pack(
        "{s:o, s:s, s:s, s:[o]}", "changeset", o311_time(changed), "contact", o311_ctx(r)->contact,
        "key_service", "API keys are issued by the hotline's administrator (POST /api/v1/api-keys)",
        "endpoints", ep);
    o311_reply(r, 200, fmt, root, "discovery");
}

static void services(struct request *r, enum o311_fmt fmt)
{
    struct service_list l;
    struct app_error e;
    if (app_services_load(api_store(r), &l, &e) != APP_OK) {
        o311_error(r, fmt, 500, "internal error");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < l.n_cats; i++) {
        if (!service_list_is_service(&l, i))
            continue;
        const struct category *k = &l.cats[i];
        const struct category *p = service_list_parent(&l, k);
        const struct service_info *info = service_list_info(&l, k->id);
        json_t *s = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:o}", "service_code", k->code,
                              "service_name", k->name, "description",
                              info->description[0] ? info->description : k->name, "metadata",
                              info->n_attrs > 0, "type", "realtime", "keywords", info->keywords,
                              "group", p ? json_string(p->name) : json_null());
        if (!s || json_array_append_new(list, s) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    service_list_release(&l);
    o311_reply(r, 200, fmt, list, "services");
}

/* One attribute definition as the spec writes it. */
static json_t *attr_json(const struct service_attr *a)
{
    json_t *values = json_array();
    for (size_t i = 0; values && i < a->n_values; i++)
        json_array_append_new(
            values, json_pack("{s:s, s:s}", "key", a->values[i].key, "name", a->values[i].name));
    return json_pack("{s:b, s:s, s:s, s:b, s:o, s:i, s:s, s:o}", "variable", a->variable, "code",
                     a->code, "datatype", attr_type_name(a->datatype), "required", a->required,
                     "datatype_description",
                     a->datatype_description ? json_string(a->datatype_description) : json_null(),
                     "order", a->order, "description", a->description, "values", values);
}

void h_o311_service(struct request *r)
{
    char code[ROUTE_PARAM_MAX];
    int f = o311_split(r->params[0], code, sizeof code);
    enum o311_fmt fmt = f < 0 ? FMT_XML : (enum o311_fmt)f;
    if (f < 0) {
        o311_error(r, fmt, 404, "unknown format: use .xml or .json");
        return;
    }
    if (o311_common(r, fmt, NULL) != 0)
        return;
    struct service_list l;
    struct app_error e;
    if (app_services_load(api_store(r), &l, &e) != APP_OK) {
        o311_error(r, fmt, 500, "internal error");
        return;
    }
    const struct category *k = service_list_find(&l, code);
    int64_t id = k ? k->id : 0;
    service_list_release(&l);
    if (!id) {
        o311_error(r, fmt, 404, "unknown service_code '%s'", code);
        return;
    }
    struct service_attr *a = NULL;
    size_t n = 0;
    if (app_service_attrs(api_store(r), id, &a, &n, &e) != APP_OK) {
        o311_error(r, fmt, e.code == APP_NOTFOUND ? 404 : 500, "%s",
                   e.code == APP_NOTFOUND ? "unknown service_code" : "internal error");
        return;
    }
    json_t *attrs = json_array();
    for (size_t i = 0; attrs && i < n; i++)
        if (json_array_append_new(attrs, attr_json(&a[i])) != 0) {
            json_decref(attrs);
            attrs = NULL;
        }
    service_attrs_free(a, n);
    json_t *root =
        attrs ? json_pack("{s:s, s:o}", "service_code", code, "attributes", attrs) : NULL;
    o311_reply(r, 200, fmt, root, "service_definition");
}

void h_o311_doc(struct request *r)
{
    char name[ROUTE_PARAM_MAX];
    int f = o311_split(r->params[0], name, sizeof name);
    enum o311_fmt fmt = f < 0 ? FMT_XML : (enum o311_fmt)f;
    if (f < 0) {
        o311_error(r, fmt, 404,
                   "no such resource: use discovery, services or requests with "
                   ".xml or .json");
        return;
    }
    if (strcmp(name, "discovery") != 0 && strcmp(name, "services") != 0 &&
        strcmp(name, "requests") != 0) {
        o311_error(r, fmt, 404, "no such resource '%s'", name);
        return;
    }
    if (o311_common(r, fmt, NULL) != 0)
        return;
    if (strcmp(name, "discovery") == 0)
        discovery(r, fmt);
    else if (strcmp(name, "services") == 0)
        services(r, fmt);
    else
        h_o311_requests_list(r, fmt);
}
