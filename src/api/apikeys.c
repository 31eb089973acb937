/*
 * apikeys.c - /api/v1/api-keys (admin): list, create (the key is in the
 * answer once and never again: only its hash is stored), revoke.
 */
#include <stdlib.h>

#include "api/api.h"
#include "app/open311.h"
#include "open311/open311.h"

static json_t *key_json(const struct api_key_info *k)
{
    return json_pack("{s:I, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)k->id, "name", k->name,
                     "active", k->active, "created_at", jout_time(k->created_at), "revoked_at",
                     jout_time(k->revoked_at), "last_used_at", jout_time(k->last_used_at));
}

void h_apikeys_list(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    struct store_conn *c = store_conn_get(api_store(r));
    struct api_key_info *k = NULL;
    size_t n = 0;
    int rc = c ? store_apikey_list(c, &k, &n) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "API keys");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        if (json_array_append_new(items, key_json(&k[i])) != 0) {
            json_decref(items);
            items = NULL;
        }
    api_key_infos_free(k, n);
    reply_json(r, 200, items ? json_pack("{s:o}", "items", items) : NULL);
}

void h_apikey_create(struct request *r)
{
    static const char *const keys[] = {"name", NULL};
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    const char *name = NULL;
    if (jin_keys(r, r->json, NULL, keys) ||
        jin_string(r, r->json, "name", "name", true, 100, &name))
        return;
    char key[SESSION_TOKEN_LEN + 1];
    int64_t id = 0;
    struct app_error e;
    if (app_apikey_issue(api_store(r), name, key, &id, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    struct api_key_info k = {.id = id, .name = (char *)name, .active = true};
    /* Read back for the stored creation time. */
    struct store_conn *c = store_conn_get(api_store(r));
    struct api_key_info *all = NULL;
    size_t n = 0;
    if (c && store_apikey_list(c, &all, &n) == STORE_OK)
        for (size_t i = 0; i < n; i++)
            if (all[i].id == id)
                k.created_at = all[i].created_at;
    api_key_infos_free(all, n);
    json_t *body = key_json(&k);
    if (body)
        json_object_set_new(body, "key", json_string(key));
    reply_json(r, 201, body);
}

void h_apikey_revoke(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t id = api_path_id(r, 0, "API key");
    if (!id)
        return;
    struct app_error e;
    if (app_apikey_revoke(api_store(r), id, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    reply_empty(r, 204);
}
