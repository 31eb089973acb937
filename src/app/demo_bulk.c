/*
 * demo_bulk.c - a million tickets for the search benchmarks, fast
 * (`rexian demo-bulk --db PATH --tickets N`).
 *
 * The demo city (units, categories, staff, knowledge base) is built as by
 * `rexian demo` with no tickets; then tickets are written straight through
 * the store, tens of thousands to a transaction, each with its "create"
 * event, from the same call templates, places and callers as the demo.
 * Their lives are not played out action by action: each ticket is given a
 * final state consistent with its age (older ones mostly closed, with the
 * unit's reply). The search index and fingerprints follow through the
 * triggers as for any ticket, so what is measured is what a real database
 * of that size holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/assess.h"
#include "app/demo.h"
#include "app/kb.h"
#include "app/stats_ops.h"
#include "core/timeutil.h"

#define DAY_MS INT64_C(86400000)
#define BATCH 20000
#define TEXT 4096

struct bulk {
    struct demo_rng rng;
    int64_t now;
    int64_t *unit_ids;   /* parallel to demo_units */
    int64_t *cat_ids;    /* parallel to demo_categories */
    size_t *cat_of_tmpl; /* template -> category row */
    size_t *streets, n_streets;
    char (*phones)[16]; /* repeat callers */
    size_t n_phones;
    int total_weight;
};

static size_t row_of(const char *code, bool unit)
{
    size_t n = unit ? demo_units_count : demo_categories_count;
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(unit ? demo_units[i].code : demo_categories[i].code, code) == 0)
            return i;
    return SIZE_MAX;
}

/* Ids of the city just built, by the rows of the demo tables. */
static int load_city(struct bulk *b, struct store_conn *c)
{
    b->unit_ids = calloc(demo_units_count, sizeof *b->unit_ids);
    b->cat_ids = calloc(demo_categories_count, sizeof *b->cat_ids);
    b->cat_of_tmpl = calloc(demo_templates_count, sizeof *b->cat_of_tmpl);
    b->streets = calloc(demo_units_count, sizeof *b->streets);
    b->n_phones = 20000;
    b->phones = calloc(b->n_phones, sizeof *b->phones);
    if (!b->unit_ids || !b->cat_ids || !b->cat_of_tmpl || !b->streets || !b->phones)
        return -1;
    for (size_t i = 0; i < demo_units_count; i++) {
        struct unit u = {0};
        if (store_unit_get_by_code(c, demo_units[i].code, &u) != STORE_OK)
            return -1;
        b->unit_ids[i] = u.id;
        unit_release(&u);
        if (demo_units[i].kind == UK_STREET)
            b->streets[b->n_streets++] = i;
    }
    struct category *cats = NULL;
    size_t n = 0;
    if (store_category_list(c, &cats, &n) != STORE_OK)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t r = row_of(cats[i].code, false);
        if (r != SIZE_MAX)
            b->cat_ids[r] = cats[i].id;
    }
    store_free_categories(cats, n);
    for (size_t i = 0; i < demo_templates_count; i++) {
        b->cat_of_tmpl[i] = row_of(demo_templates[i].category, false);
        if (b->cat_of_tmpl[i] == SIZE_MAX)
            return -1;
        b->total_weight += demo_templates[i].weight;
    }
    for (size_t i = 0; i < b->n_phones; i++)
        demo_mobile(&b->rng, b->phones[i], sizeof b->phones[i]);
    return b->n_streets ? 0 : -1;
}

static size_t pick_template(struct bulk *b)
{
    int p = (int)demo_below(&b->rng, (uint32_t)b->total_weight);
    size_t i = 0;
    while (p >= demo_templates[i].weight)
        p -= demo_templates[i++].weight;
    return i;
}

/* A final state for a ticket `age` ms old, with its clocks and texts. */
static void finish_life(struct bulk *b, struct ticket *t, size_t cat, struct demo_slots *sl,
                        int64_t age, char *reply, size_t replylen)
{
    double p = demo_real(&b->rng);
    double days = (double)age / DAY_MS;
    enum ticket_status st = days > 20  ? (p < 0.95 ? ST_CLOSED : ST_REPLIED)
                            : days > 5 ? (p < 0.6   ? ST_CLOSED
                                          : p < 0.8 ? ST_REPLIED
                                                    : ST_PROCESSING)
                                       : (p < 0.2    ? ST_REGISTERED
                                          : p < 0.45 ? ST_DISPATCHED
                                          : p < 0.8  ? ST_PROCESSING
                                                     : ST_REPLIED);
    size_t unit = row_of(demo_categories[cat].unit, true);
    t->status = st;
    if (st == ST_REGISTERED)
        return;
    t->unit_id = unit != SIZE_MAX ? b->unit_ids[unit] : 0;
    t->dispatched_at = t->created_at + demo_between(&b->rng, 600000, 4 * 3600000);
    t->sign_due = t->dispatched_at + DAY_MS;
    t->reply_due = t->dispatched_at + 15 * DAY_MS;
    if (st == ST_DISPATCHED)
        return;
    t->accepted_at = t->dispatched_at + demo_between(&b->rng, 600000, 27 * 3600000);
    if (st == ST_PROCESSING)
        return;
    /* replies take up to 18 days (the usual span is 15 working days), never past half the age */
    int64_t span = age / 2 < 18 * DAY_MS ? age / 2 : 18 * DAY_MS;
    t->replied_at = t->accepted_at + (int64_t)(demo_real(&b->rng) * (double)span);
    t->callback_due = t->replied_at + 3 * DAY_MS;
    demo_slot_set(sl, 'U', unit != SIZE_MAX ? demo_units[unit].short_name : "承办单位");
    demo_expand(demo_categories[cat].reply ? demo_categories[cat].reply : "已办理。", sl, reply,
                replylen);
    t->reply = reply;
    /* Most units call the citizen within the signing day (the response rate, docs/ASSESSMENT.md). */
    t->contacted = demo_chance(&b->rng, 0.95);
    t->contacted_at = 0;
    if (t->contacted) {
        t->contacted_at = t->dispatched_at + demo_between(&b->rng, 1800000, 28 * 3600000);
        if (t->contacted_at < t->accepted_at)
            t->contacted_at = t->accepted_at;
        if (t->contacted_at > t->replied_at)
            t->contacted_at = t->replied_at;
    }
    if (st == ST_CLOSED) {
        double q = demo_real(&b->rng);
        t->closed_at = t->replied_at + demo_between(&b->rng, 3600000, 2 * DAY_MS);
        t->satisfaction = q < 0.78   ? SAT_SATISFIED
                          : q < 0.92 ? SAT_BASICALLY_SATISFIED
                          : q < 0.97 ? SAT_UNSATISFIED
                                     : SAT_UNREACHABLE;
        t->resolved = t->satisfaction == SAT_UNSATISFIED ? demo_chance(&b->rng, 0.3) : 1;
    }
}

/* One event of a bulk ticket's history (its deadlines are the ticket's final ones). */
static int event(struct store_conn *c, const struct ticket *t, enum action act, int64_t at,
                 enum ticket_status from, enum ticket_status to, const char *args)
{
    struct ticket_event ev = {.ticket_id = t->id,
                              .at = at,
                              .action = act,
                              .from_status = from,
                              .to_status = to,
                              .unit_id = t->unit_id,
                              .args_json = (char *)args};
    return store_event_insert(c, &ev);
}

/*
 * The events of the life finish_life() gave t: dispatch, accept, reply and
 * callback as far as its state goes, so the assessment facts (app/assess.c)
 * come from a history like any other ticket's.
 */
static int history(struct store_conn *c, const struct ticket *t)
{
    if (t->status == ST_REGISTERED || !t->unit_id)
        return STORE_OK;
    int rc = event(c, t, ACT_DISPATCH, t->dispatched_at, ST_REGISTERED, ST_DISPATCHED, NULL);
    if (rc == STORE_OK && t->accepted_at)
        rc = event(c, t, ACT_ACCEPT, t->accepted_at, ST_DISPATCHED, ST_PROCESSING, NULL);
    if (rc == STORE_OK && t->replied_at) {
        char when[40] = "", args[120];
        time_format_rfc3339(t->contacted_at, when, sizeof when);
        if (t->contacted == 1)
            snprintf(args, sizeof args, "{\"contacted\":true,\"contacted_at\":\"%s\"}", when);
        else
            snprintf(args, sizeof args, "{\"contacted\":false}");
        rc = event(c, t, ACT_REPLY, t->replied_at, ST_PROCESSING, ST_REPLIED, args);
    }
    if (rc == STORE_OK && t->status == ST_CLOSED) {
        char args[120];
        snprintf(args, sizeof args, "{\"resolved\":%s,\"satisfaction\":\"%s\"}",
                 t->resolved == 1 ? "true" : "false", satisfaction_name(t->satisfaction));
        rc = event(c, t, ACT_CALLBACK, t->closed_at, ST_REPLIED, ST_CLOSED, args);
    }
    return rc == STORE_OK ? app_assess_refresh(c, t->id) : rc;
}

/* Writes one ticket created at `at`. */
static int one(struct bulk *b, struct store_conn *c, int64_t at)
{
    char title[TEXT], content[TEXT], reply[TEXT], name[32], phone[16];
    size_t tp = pick_template(b), cat = b->cat_of_tmpl[tp];
    size_t street = b->streets[demo_below(&b->rng, (uint32_t)b->n_streets)];
    struct demo_slots sl;
    demo_slots_pick(&b->rng, street, &sl);
    demo_expand(demo_templates[tp].title, &sl, title, sizeof title);
    demo_expand(demo_templates[tp].content, &sl, content, sizeof content);
    demo_person_name(&b->rng, name, sizeof name);
    if (demo_chance(&b->rng, 0.15))
        memcpy(phone, b->phones[demo_below(&b->rng, (uint32_t)b->n_phones)], sizeof phone);
    else
        demo_mobile(&b->rng, phone, sizeof phone);
    struct ticket t;
    ticket_init(&t);
    t.channel = demo_chance(&b->rng, 0.7) ? CH_PHONE : CH_WEB;
    t.type = demo_templates[tp].type;
    t.urgency = URG_NORMAL;
    t.citizen_name = name;
    t.citizen_phone = phone;
    t.title = title;
    t.content = content;
    t.address = sl.v['X' - 'A'];
    t.area = (char *)demo_units[street].code;
    if ((t.has_location = demo_chance(&b->rng, 0.4)))
        demo_location(&b->rng, street, &t.lat, &t.lng);
    t.category_id = b->cat_ids[cat];
    t.created_at = at;
    t.version = 1;
    finish_life(b, &t, cat, &sl, b->now - at, reply, sizeof reply);
    t.updated_at = t.closed_at ? t.closed_at : t.replied_at ? t.replied_at : at;
    day_key day = time_day_key(at);
    int64_t seq = 0;
    int rc = store_ticket_next_seq(c, day, &seq);
    if (rc == STORE_OK && ticket_number_format(day, seq, t.number) != 0)
        rc = STORE_ERROR;
    if (rc == STORE_OK)
        rc = store_ticket_insert(c, &t);
    if (rc == STORE_OK) {
        struct ticket_event ev = {
            .ticket_id = t.id, .at = at, .action = ACT_CREATE, .to_status = ST_REGISTERED};
        rc = store_event_insert(c, &ev);
    }
    if (rc == STORE_OK)
        rc = history(c, &t);
    return rc;
}

int app_demo_bulk(struct store *s, int n, uint64_t seed, FILE *out)
{
    uint64_t started = time_mono_ns();
    if (app_demo_build(s, 0, seed, NULL) != 0)
        return 1;
    struct store_conn *c = store_conn_get(s);
    struct bulk b = {.rng = {seed ^ UINT64_C(0x5eed)}, .now = time_now_ms()};
    int64_t *times = malloc(((size_t)n + 1) * sizeof *times);
    int rc = -1;
    if (!c || !times || load_city(&b, c) != 0) {
        fprintf(stderr, "demo-bulk: cannot prepare (out of memory?)\n");
        goto done;
    }
    for (int i = 0; i < n; i++)
        times[i] = b.now - 10 * 60000 - (int64_t)(demo_real(&b.rng) * DEMO_DAYS * DAY_MS);
    qsort(times, (size_t)n, sizeof *times, cmp_int64);
    store_set_bulk(c, true);
    rc = 0;
    for (int i = 0; rc == 0 && i < n; i += BATCH) {
        int src = store_begin(c, true);
        for (int k = i; src == STORE_OK && k < n && k < i + BATCH; k++)
            src = one(&b, c, times[k]);
        if (src == STORE_OK)
            src = store_commit(c);
        else
            store_rollback(c);
        if (src != STORE_OK) {
            fprintf(stderr, "demo-bulk: writing tickets failed: %s\n", store_rc_name(src));
            rc = -1;
        } else if (n >= 100000 && (i / BATCH) % 10 == 9) {
            fprintf(stderr, "demo-bulk: %d of %d tickets\n", i + BATCH, n);
        }
    }
    store_set_bulk(c, false);
    /* The daily figures (migration 008) from the tickets and histories just
       written, in one pass rather than ticket by ticket. */
    if (rc == 0) {
        struct stats_check chk;
        if (app_stats_recount(s, true, &chk, stderr) != STORE_OK) {
            fprintf(stderr, "demo-bulk: the daily figures could not be counted\n");
            rc = -1;
        }
    }
    if (rc == 0 && out)
        fprintf(out, "demo city with %d bulk tickets built in %.1f s (seed %llu)\n", n,
                (double)(time_mono_ns() - started) / 1e9, (unsigned long long)seed);
done:
    free(times);
    free(b.unit_ids);
    free(b.cat_ids);
    free(b.cat_of_tmpl);
    free(b.streets);
    free(b.phones);
    return rc == 0 ? 0 : 1;
}
