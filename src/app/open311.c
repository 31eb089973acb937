/*
 * open311.c - the public side's use cases: the service catalogue, citizen
 * submissions, progress lookups, service definitions and API keys.
 */
#include "app/open311.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

#define BUSY_RETRIES 5

/* ---- the catalogue ---- */

void service_list_release(struct service_list *l)
{
    if (!l)
        return;
    store_free_categories(l->cats, l->n_cats);
    for (size_t i = 0; i < l->n_infos; i++)
        service_info_release(&l->infos[i]);
    free(l->infos);
    memset(l, 0, sizeof *l);
}

int app_services_load(struct store *s, struct service_list *out, struct app_error *e)
{
    memset(out, 0, sizeof *out);
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = store_category_list(c, &out->cats, &out->n_cats);
    if (rc == STORE_OK)
        rc = store_service_info_list(c, &out->infos, &out->n_infos);
    if (rc != STORE_OK) {
        service_list_release(out);
        return app_store_fail(e, rc, "services");
    }
    return APP_OK;
}

const struct category *service_list_category(const struct service_list *l, int64_t id)
{
    for (size_t i = 0; id && i < l->n_cats; i++)
        if (l->cats[i].id == id)
            return &l->cats[i];
    return NULL;
}

const struct category *service_list_parent(const struct service_list *l, const struct category *c)
{
    return c ? service_list_category(l, c->parent_id) : NULL;
}

bool service_list_is_service(const struct service_list *l, size_t i)
{
    const struct category *c = &l->cats[i];
    if (!c->active)
        return false;
    for (size_t j = 0; j < l->n_cats; j++)
        if (l->cats[j].parent_id == c->id && l->cats[j].active)
            return false;
    /* The tree is at most three deep; the bound only guards a broken one. */
    const struct category *p = service_list_parent(l, c);
    for (int depth = 0; p && depth < 8; depth++, p = service_list_parent(l, p))
        if (!p->active)
            return false;
    return true;
}

const struct category *service_list_find(const struct service_list *l, const char *code)
{
    for (size_t i = 0; code && i < l->n_cats; i++)
        if (strcmp(l->cats[i].code, code) == 0)
            return service_list_is_service(l, i) ? &l->cats[i] : NULL;
    return NULL;
}

const struct service_info *service_list_info(const struct service_list *l, int64_t id)
{
    static const struct service_info none = {.description = "", .keywords = "", .notice = ""};
    /* infos come in category id order: bisect. */
    size_t lo = 0, hi = l->n_infos;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->infos[mid].category_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n_infos && l->infos[lo].category_id == id ? &l->infos[lo] : &none;
}

/* ---- definitions ---- */

/* APP_OK if the category exists. */
static int category_exists(struct store_conn *c, int64_t id, struct app_error *e)
{
    struct category k = {0};
    int rc = store_category_get(c, id, &k);
    category_release(&k);
    if (rc == STORE_NOTFOUND)
        return app_fail(e, APP_NOTFOUND, NULL, "category %lld not found", (long long)id);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "category");
}

int app_service_attrs(struct store *s, int64_t category_id, struct service_attr **out, size_t *n,
                      struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int arc = category_exists(c, category_id, e);
    if (arc != APP_OK)
        return arc;
    int rc = store_service_attrs_get(c, category_id, out, n);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "attributes");
}

int app_service_attrs_set(struct store *s, int64_t category_id, const struct service_attr *a,
                          size_t n, struct app_error *e)
{
    int index;
    const char *msg;
    if (service_attrs_check(a, n, &index, &msg) != 0) {
        if (index < 0)
            return app_fail(e, APP_INVALID, "attributes", "%s", msg);
        return app_fail(e, APP_INVALID, "attributes", "attributes[%d]: %s", index, msg);
    }
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = STORE_BUSY;
    for (int i = 0; i < BUSY_RETRIES && rc == STORE_BUSY; i++) {
        rc = store_begin(c, true);
        if (rc != STORE_OK)
            continue;
        int arc = category_exists(c, category_id, e);
        if (arc != APP_OK) {
            store_rollback(c);
            return arc;
        }
        rc = store_service_attrs_put(c, category_id, a, n, time_now_ms());
        if (rc == STORE_OK)
            rc = store_commit(c);
        else
            store_rollback(c);
    }
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "attributes");
}

int app_service_info_set(struct store *s, const struct service_info *info, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int arc = category_exists(c, info->category_id, e);
    if (arc != APP_OK)
        return arc;
    int rc = store_service_info_put(c, info, time_now_ms());
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "service");
}

/* ---- submissions ---- */

static void new_token(char *out)
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, OPEN311_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* One attempt: the ticket (a savepoint inside ours), its answers and extras. */
static int submit_once(struct store_conn *c, struct store *s, const struct citizen_submission *in,
                       struct ticket *out, char *token, struct app_error *e)
{
    int rc = store_begin(c, true);
    if (rc != STORE_OK)
        return rc;
    struct actor nobody = {0};
    if (app_ticket_create(s, &nobody, &in->ticket, out, e) != APP_OK) {
        store_rollback(c);
        return e->code == APP_BUSY ? STORE_BUSY : -1;
    }
    rc = store_ticket_answers_put(c, out->id, in->answers, in->n_answers);
    if (rc == STORE_OK && in->open311) {
        struct ticket_open311 o = *in->open311;
        o.ticket_id = out->id;
        new_token(token);
        o.token = token;
        rc = store_ticket_open311_insert(c, &o);
        if (rc == STORE_OK && o.api_key_id)
            rc = store_apikey_touch(c, o.api_key_id, out->created_at);
    }
    if (rc == STORE_OK)
        rc = store_commit(c);
    else
        store_rollback(c);
    if (rc != STORE_OK)
        ticket_release(out);
    return rc;
}

int app_citizen_submit(struct store *s, const struct citizen_submission *in, struct ticket *out,
                       char *token, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = STORE_BUSY;
    for (int i = 0; i < BUSY_RETRIES && rc == STORE_BUSY; i++)
        rc = submit_once(c, s, in, out, token, e);
    if (rc == -1)
        return e->code;
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "request");
}

/* ---- lookups ---- */

/* The last four digits of a phone number, ignoring anything but digits. */
static bool last_four(const char *phone, char out[5])
{
    int n = 0;
    for (const char *p = phone ? phone + strlen(phone) : NULL; p && p > phone && n < 4;) {
        p--;
        if (*p >= '0' && *p <= '9')
            out[3 - n++] = *p;
    }
    out[4] = '\0';
    return n == 4;
}

int app_public_lookup(struct store *s, const char *number, const char *last4, struct ticket *out,
                      char **unit_name, struct app_error *e)
{
    *unit_name = NULL;
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    static const char nomatch[] = "no request matches this number and phone";
    int rc = ticket_number_valid(number) ? store_ticket_get(c, number, out) : STORE_NOTFOUND;
    if (rc != STORE_OK && rc != STORE_NOTFOUND)
        return app_store_fail(e, rc, "ticket");
    /* Compare against something either way, so both paths do the same work. */
    char have[5] = "\xff\xff\xff\xff";
    bool has_phone = rc == STORE_OK && last_four(out->citizen_phone, have);
    char want[5] = {0};
    size_t wl = last4 ? strlen(last4) : 0;
    memcpy(want, last4 ? last4 : "", wl < 4 ? wl : 4);
    bool same = sodium_memcmp(have, want, 4) == 0 && wl == 4;
    if (rc != STORE_OK || !has_phone || !same) {
        if (rc == STORE_OK)
            ticket_release(out);
        return app_fail(e, APP_NOTFOUND, NULL, "%s", nomatch);
    }
    if (out->unit_id) {
        struct unit u = {0};
        rc = store_unit_get(c, out->unit_id, &u);
        if (rc == STORE_OK) {
            *unit_name = u.name;
            u.name = NULL;
        }
        unit_release(&u);
        if (rc != STORE_OK && rc != STORE_NOTFOUND) {
            ticket_release(out);
            return app_store_fail(e, rc, "unit");
        }
    }
    return APP_OK;
}

/* ---- API keys ---- */

int app_apikey_issue(struct store *s, const char *name, char *key, int64_t *id, struct app_error *e)
{
    int rc = app_apikey_create(s, name, key, e);
    if (rc != APP_OK)
        return rc;
    return app_apikey_check(s, key, id, e);
}

int app_apikey_revoke(struct store *s, int64_t id, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = store_apikey_revoke(c, id, time_now_ms());
    if (rc == STORE_NOTFOUND)
        return app_fail(e, APP_NOTFOUND, NULL, "API key %lld not found", (long long)id);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "API key");
}
