/*
 * similar.c - repeat-request candidates: GET /api/v1/tickets/{number}/similar
 * and the "similar" member of a create answer.
 */
#include <math.h>
#include <stdlib.h>

#include "api/api.h"
#include "app/kb.h"

#define CENTER_ROLES (ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN)

static json_t *jout_similar(const struct similar_item *it)
{
    json_t *reasons = json_array();
    for (unsigned b = 0; b < DR__COUNT; b++)
        if (it->m.reasons & (1u << b))
            json_array_append_new(reasons, json_string(dedup_reason_name(b)));
    json_t *o = json_pack("{s:s, s:s?, s:s, s:s, s:o, s:o, s:f, s:o}", "number", it->number,
                          "title", it->title, "status", status_name(it->status), "status_label",
                          status_label_zh(it->status), "created_at", jout_time(it->created_at),
                          "unit_id", jout_id(it->unit_id), "score",
                          round(it->m.score * 1000) / 1000, "reasons", reasons);
    if (!o)
        return NULL;
    json_object_set_new(o, "distance_m",
                        it->m.distance_m >= 0 ? json_integer((json_int_t)lround(it->m.distance_m))
                                              : json_null());
    json_object_set_new(o, "text_similarity",
                        it->m.text >= 0 ? json_real(round(it->m.text * 100) / 100) : json_null());
    json_object_set_new(o, "address_similarity",
                        it->m.place >= 0 ? json_real(round(it->m.place * 100) / 100) : json_null());
    return o;
}

static json_t *items_json(const struct similar_item *items, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, jout_similar(&items[i]));
    return arr;
}

json_t *api_similar_json(struct request *r, const struct actor *a, const struct ticket *t,
                         int limit)
{
    struct similar_item *items = NULL;
    size_t n = 0;
    struct app_error e;
    if (!(a->role & CENTER_ROLES) ||
        app_similar_of(api_store(r), t, limit, &items, &n, &e) != APP_OK)
        return json_array(); /* a create never fails for want of candidates */
    json_t *arr = items_json(items, n);
    app_similar_free(items, n);
    return arr;
}

void h_ticket_similar(struct request *r)
{
    static const char *const params[] = {"limit", NULL};
    struct actor a;
    api_actor(r, &a);
    if (!(a.role & CENTER_ROLES)) {
        reply_error(r, 403, "forbidden", "only the center looks for repeat requests", NULL);
        return;
    }
    int64_t limit = 10;
    if (qin_only(r, params) || qin_int(r, "limit", 1, 50, &limit))
        return;
    struct similar_item *items = NULL;
    size_t n = 0;
    struct app_error e;
    if (app_ticket_similar(api_store(r), &a, r->params[0], (int)limit, &items, &n, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    json_t *arr = items_json(items, n);
    app_similar_free(items, n);
    reply_json(r, 200, json_pack("{s:o}", "items", arr));
}
