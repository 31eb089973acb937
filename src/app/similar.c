/*
 * similar.c - candidate repeat requests for a ticket (kb.h, core/dedup.h).
 *
 * The store hands over the tickets that share the caller's phone within
 * 30 days and those of the same category in the same area or around the
 * same point within 7 days; core/dedup decides which are candidates and
 * scores them. Open tickets come first (those are the ones a repeat can be
 * merged into), then the higher score, then the newer.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app/kb.h"

#define DAY_MS INT64_C(86400000)
#define METRES_PER_DEGREE 111320.0

static _Atomic double nearby_m = 300;

void app_similar_set_distance(double metres)
{
    if (metres > 0 && metres <= 100000)
        atomic_store(&nearby_m, metres);
}

void app_similar_free(struct similar_item *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i].title);
    free(a);
}

static int cmp_items(const void *pa, const void *pb)
{
    const struct similar_item *a = pa, *b = pb;
    bool oa = status_is_open(a->status), ob = status_is_open(b->status);
    if (oa != ob)
        return oa ? -1 : 1;
    if (a->m.score != b->m.score)
        return a->m.score > b->m.score ? -1 : 1;
    return (a->created_at < b->created_at) - (a->created_at > b->created_at);
}

struct keep_ctx {
    const struct dedup_rules *rules;
    const struct dedup_facts *probe;
};

/* A place candidate is worth reading whole if the place rule holds already. */
static bool keep_place(void *ctx, const struct similar_row *p)
{
    const struct keep_ctx *k = ctx;
    struct dedup_facts cand = {.created_at = p->created_at,
                               .category_id = p->category_id,
                               .area = p->area,
                               .has_location = p->has_location,
                               .lat = p->lat,
                               .lng = p->lng,
                               .sketch = p->has_sketch ? &p->sketch : NULL};
    struct dedup_match m;
    return dedup_match(k->rules, k->probe, &cand, &m);
}

/* The query for t's candidates under rules r. */
static void make_query(const struct ticket *t, const struct dedup_rules *r, struct similar_query *q)
{
    memset(q, 0, sizeof *q);
    q->exclude_id = t->id;
    q->phone = t->citizen_phone;
    q->phone_from = t->created_at - r->phone_days * DAY_MS;
    q->phone_to = t->created_at + r->phone_days * DAY_MS;
    q->category_id = t->category_id;
    q->near_from = t->created_at - r->text_days * DAY_MS;
    q->near_to = t->created_at + r->text_days * DAY_MS;
    q->area = t->area;
    if (t->has_location) {
        double dlat = r->distance_m / METRES_PER_DEGREE;
        double c = cos(t->lat * M_PI / 180.0);
        double dlng = r->distance_m / (METRES_PER_DEGREE * (c > 0.01 ? c : 0.01));
        q->has_box = true;
        q->lat0 = t->lat - dlat;
        q->lat1 = t->lat + dlat;
        q->lng0 = t->lng - dlng;
        q->lng1 = t->lng + dlng;
    }
    q->limit = 300;
}

int app_similar_of(struct store *s, const struct ticket *t, int limit, struct similar_item **out,
                   size_t *n, struct app_error *e)
{
    *out = NULL;
    *n = 0;
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    struct dedup_rules rules;
    dedup_rules_default(&rules);
    rules.distance_m = atomic_load(&nearby_m);
    struct dedup_facts probe = {.created_at = t->created_at,
                                .phone = t->citizen_phone,
                                .category_id = t->category_id,
                                .area = t->area,
                                .has_location = t->has_location,
                                .lat = t->lat,
                                .lng = t->lng};
    struct dedup_sketch sk;
    if (dedup_sketch_make(t->title, t->content, t->address, &sk) == 0)
        probe.sketch = &sk;
    struct similar_query q;
    make_query(t, &rules, &q);
    struct keep_ctx kc = {&rules, &probe};
    q.keep = keep_place;
    q.keep_ctx = &kc;
    struct similar_row *rows = NULL;
    size_t nrows = 0;
    int rc = store_similar_candidates(c, &q, &rows, &nrows);
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "tickets");
    struct similar_item *items = nrows ? calloc(nrows, sizeof *items) : NULL;
    if (nrows && !items) {
        store_free_similar(rows, nrows);
        return app_fail(e, APP_INTERNAL, NULL, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < nrows; i++) {
        const struct similar_row *r = &rows[i];
        struct dedup_facts cand = {.created_at = r->created_at,
                                   .phone = r->phone,
                                   .category_id = r->category_id,
                                   .area = r->area,
                                   .has_location = r->has_location,
                                   .lat = r->lat,
                                   .lng = r->lng,
                                   .sketch = r->has_sketch ? &r->sketch : NULL};
        struct similar_item *it = &items[k];
        if (!dedup_match(&rules, &probe, &cand, &it->m))
            continue;
        memcpy(it->number, r->number, sizeof it->number);
        it->title = rows[i].title; /* moved */
        rows[i].title = NULL;
        it->status = r->status;
        it->created_at = r->created_at;
        it->unit_id = r->unit_id;
        k++;
    }
    store_free_similar(rows, nrows);
    if (k > 1)
        qsort(items, k, sizeof *items, cmp_items);
    size_t keep = limit > 0 && k > (size_t)limit ? (size_t)limit : k;
    for (size_t i = keep; i < k; i++)
        free(items[i].title);
    if (!keep) {
        free(items);
        items = NULL;
    }
    *out = items;
    *n = keep;
    return APP_OK;
}

int app_ticket_similar(struct store *s, const struct actor *a, const char *number, int limit,
                       struct similar_item **out, size_t *n, struct app_error *e)
{
    struct ticket t;
    int code = app_ticket_get(s, a, number, &t, e);
    if (code != APP_OK)
        return code;
    code = app_similar_of(s, &t, limit, out, n, e);
    ticket_release(&t);
    return code;
}
