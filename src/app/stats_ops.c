/*
 * stats_ops.c - the daily figures of the operations statistics: moved in the
 * transaction of every change that moves them (app_stats_record), recounted
 * from the tickets to check or rebuild them, and the hot topics scored on
 * them. docs/STATISTICS.md says what each figure counts.
 */
#include <stdlib.h>
#include <string.h>

#include "app/stats_ops.h"
#include "core/hot.h"
#include "core/timeutil.h"

#define CHAIN_MAX 8

/* The top-level category above (or at) id; 0 for none. */
static int top_category(struct store_conn *c, int64_t id, int64_t *top)
{
    *top = 0;
    if (!id)
        return STORE_OK;
    int64_t chain[CHAIN_MAX];
    size_t n = 0;
    int rc = store_category_chain(c, id, chain, CHAIN_MAX, &n);
    if (rc == STORE_OK)
        *top = n ? chain[n - 1] : id;
    return rc;
}

/* The ticket's row of stats_day with the given deltas. */
static int add_day_row(struct store_conn *c, const struct ticket *t, int64_t created,
                       int64_t direct, int64_t kb)
{
    struct stat_row r = {.day = time_day_key(t->created_at),
                         .k = {t->channel, t->type, 0, t->category_id},
                         .text = t->area ? t->area : "",
                         .v = {created, direct, kb}};
    int rc = top_category(c, t->category_id, &r.k[2]);
    return rc == STORE_OK ? store_stats_add(c, STATS_DAY, &r) : rc;
}

static int add_unit(struct store_conn *c, const struct ticket *t, int64_t unit, int64_t tickets,
                    int64_t overdue)
{
    if (!unit || (!tickets && !overdue))
        return STORE_OK;
    struct stat_row r = {.day = time_day_key(t->created_at), .k = {unit}, .v = {tickets, overdue}};
    return store_stats_add(c, STATS_UNIT, &r);
}

static int add_agent(struct store_conn *c, int64_t user, int64_t at, int64_t created,
                     int64_t direct, int64_t callbacks)
{
    if (!user)
        return STORE_OK;
    struct stat_row r = {.day = time_day_key(at), .k = {user}, .v = {created, direct, callbacks}};
    return store_stats_add(c, STATS_AGENT, &r);
}

int app_stats_words(const struct ticket *t, struct stats_words *out)
{
    out->n = 0;
    struct text_seg *seg = text_seg_thread();
    if (!seg)
        return STORE_NOMEM;
    return hot_words(seg, t->title, t->content, out->w, &out->n) == TEXT_OK ? STORE_OK
                                                                           : STORE_ERROR;
}

static int add_words(struct store_conn *c, const struct ticket *t, const struct stats_words *w)
{
    for (size_t i = 0; i < w->n; i++) {
        /* borrowed: store_stats_add only reads it */
        struct stat_row r = {.day = time_day_key(t->created_at), .text = (char *)w->w[i], .v = {1}};
        int rc = store_stats_add(c, STATS_WORD, &r);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

int app_stats_record_create(struct store_conn *c, const struct ticket *t, int64_t at,
                            int64_t actor_id, const struct stats_words *words)
{
    int rc = add_day_row(c, t, 1, 0, 0);
    if (rc == STORE_OK)
        rc = add_agent(c, actor_id, at, 1, 0, 0);
    if (rc == STORE_OK)
        rc = add_unit(c, t, t->unit_id, 1, 0); /* the bulk demo's finished lives */
    if (rc == STORE_OK)
        rc = add_words(c, t, words);
    return rc;
}

int app_stats_record(struct store_conn *c, const struct ticket *after, int64_t unit_before,
                     enum action act, int64_t at, int64_t actor_id)
{
    int rc = STORE_OK;
    if (act == ACT_ANSWER) {
        rc = add_day_row(c, after, 0, 1, after->kb_article_id ? 1 : 0);
        if (rc == STORE_OK)
            rc = add_agent(c, actor_id, at, 0, 1, 0);
    } else if (act == ACT_CALLBACK) {
        rc = add_agent(c, actor_id, at, 0, 0, 1);
    } else if (act == ACT_SLA_OVERDUE) {
        int64_t n = 0;
        rc = store_stats_overdue_count(c, after->id, &n); /* this event included */
        if (rc == STORE_OK && n == 1)
            rc = add_unit(c, after, after->unit_id, 0, 1);
    }
    if (rc == STORE_OK && unit_before != after->unit_id) {
        int64_t n = 0;
        rc = store_stats_overdue_count(c, after->id, &n);
        int64_t had = n > 0;
        if (rc == STORE_OK)
            rc = add_unit(c, after, unit_before, -1, -had);
        if (rc == STORE_OK)
            rc = add_unit(c, after, after->unit_id, 1, had);
    }
    return rc;
}

/* ---- recount ---- */

struct rows {
    struct stat_row *a;
    size_t n, cap, compact_at;
};

static int row_cmp(const void *x, const void *y)
{
    const struct stat_row *a = x, *b = y;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    for (int i = 0; i < 4; i++)
        if (a->k[i] != b->k[i])
            return a->k[i] < b->k[i] ? -1 : 1;
    return strcmp(a->text ? a->text : "", b->text ? b->text : "");
}

static bool row_zero(const struct stat_row *r)
{
    return !r->v[0] && !r->v[1] && !r->v[2];
}

/* Sorts, adds up rows with equal keys and drops rows of zeros. */
static void compact(struct rows *r)
{
    if (!r->n)
        return;
    qsort(r->a, r->n, sizeof *r->a, row_cmp);
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (w && row_cmp(&r->a[w - 1], &r->a[i]) == 0) {
            for (int k = 0; k < 3; k++)
                r->a[w - 1].v[k] += r->a[i].v[k];
            free(r->a[i].text);
            continue;
        }
        r->a[w++] = r->a[i];
    }
    r->n = w;
    size_t keep = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (row_zero(&r->a[i]))
            free(r->a[i].text);
        else
            r->a[keep++] = r->a[i];
    }
    r->n = keep;
    r->compact_at = r->n * 2 > 65536 ? r->n * 2 : 65536;
}

/* Appends a row (text copied). STORE_OK or STORE_NOMEM. */
static int push(struct rows *r, const struct stat_row *row)
{
    if (r->n == r->cap) {
        if (r->compact_at && r->n >= r->compact_at) {
            compact(r);
            if (r->n < r->cap)
                goto room;
        }
        size_t nc = r->cap ? r->cap * 2 : 4096;
        struct stat_row *na = realloc(r->a, nc * sizeof *na);
        if (!na)
            return STORE_NOMEM;
        r->a = na;
        r->cap = nc;
        if (!r->compact_at)
            r->compact_at = 65536;
    }
room:
    r->a[r->n] = *row;
    r->a[r->n].text = NULL;
    if (row->text && !(r->a[r->n].text = strdup(row->text)))
        return STORE_NOMEM;
    r->n++;
    return STORE_OK;
}

struct cat_top {
    int64_t id, top;
};

static int cat_top_cmp(const void *x, const void *y)
{
    const struct cat_top *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

/* Every category's top-level ancestor, sorted by id. */
static int load_tops(struct store_conn *c, struct cat_top **out, size_t *n)
{
    struct category *cats = NULL;
    size_t nc = 0;
    int rc = store_category_list(c, &cats, &nc);
    if (rc != STORE_OK)
        return rc;
    struct cat_top *t = calloc(nc ? nc : 1, sizeof *t);
    if (!t) {
        store_free_categories(cats, nc);
        return STORE_NOMEM;
    }
    for (size_t i = 0; i < nc; i++) {
        int64_t id = cats[i].id, parent = cats[i].parent_id;
        for (int hop = 0; parent && hop < CHAIN_MAX; hop++) {
            id = parent;
            parent = 0;
            for (size_t j = 0; j < nc; j++)
                if (cats[j].id == id)
                    parent = cats[j].parent_id;
        }
        t[i].id = cats[i].id;
        t[i].top = id;
    }
    store_free_categories(cats, nc);
    qsort(t, nc, sizeof *t, cat_top_cmp);
    *out = t;
    *n = nc;
    return STORE_OK;
}

static int64_t top_of(const struct cat_top *t, size_t n, int64_t id)
{
    struct cat_top key = {.id = id};
    const struct cat_top *f = id ? bsearch(&key, t, n, sizeof *t, cat_top_cmp) : NULL;
    return f ? f->top : 0;
}

#define FACT_BATCH 2000

/* Recounts the four tables from the tickets and events into r[0..4). */
static int recount(struct store_conn *c, struct rows r[4], size_t *tickets)
{
    struct cat_top *tops = NULL;
    size_t n_tops = 0;
    int rc = load_tops(c, &tops, &n_tops);
    if (rc != STORE_OK)
        return rc;
    struct text_seg *seg = text_seg_thread();
    if (!seg) {
        free(tops);
        return STORE_NOMEM;
    }
    int64_t after = 0;
    for (;;) {
        struct stat_fact *f = NULL;
        size_t n = 0;
        rc = store_stats_facts(c, after, FACT_BATCH, &f, &n);
        if (rc != STORE_OK)
            break;
        for (size_t i = 0; rc == STORE_OK && i < n; i++) {
            day_key day = time_day_key(f[i].created_at);
            struct stat_row d = {.day = day,
                                 .k = {f[i].channel, f[i].type,
                                       top_of(tops, n_tops, f[i].category_id), f[i].category_id},
                                 .text = f[i].area ? f[i].area : "",
                                 .v = {1, f[i].answered, f[i].answered && f[i].kb_article_id}};
            rc = push(&r[STATS_DAY], &d);
            if (rc == STORE_OK && f[i].unit_id) {
                struct stat_row u = {.day = day, .k = {f[i].unit_id}, .v = {1, f[i].overdue}};
                rc = push(&r[STATS_UNIT], &u);
            }
            char words[HOT_WORDS][HOT_WORD_MAX];
            size_t nw = 0;
            if (rc == STORE_OK && hot_words(seg, f[i].title, f[i].content, words, &nw) != TEXT_OK)
                rc = STORE_ERROR;
            for (size_t k = 0; rc == STORE_OK && k < nw; k++) {
                struct stat_row w = {.day = day, .text = words[k], .v = {1}};
                rc = push(&r[STATS_WORD], &w);
            }
            after = f[i].id;
        }
        *tickets += n;
        store_free_stat_facts(f, n);
        if (rc != STORE_OK || n < FACT_BATCH)
            break;
    }
    free(tops);
    after = 0;
    while (rc == STORE_OK) {
        struct stat_event *ev = NULL;
        size_t n = 0;
        rc = store_stats_events(c, after, FACT_BATCH * 5, &ev, &n);
        if (rc != STORE_OK)
            break;
        for (size_t i = 0; rc == STORE_OK && i < n; i++) {
            struct stat_row a = {.day = time_day_key(ev[i].at),
                                 .k = {ev[i].actor_id},
                                 .v = {ev[i].action == ACT_CREATE, ev[i].action == ACT_ANSWER,
                                       ev[i].action == ACT_CALLBACK}};
            rc = push(&r[STATS_AGENT], &a);
            after = ev[i].id;
        }
        free(ev);
        if (n < FACT_BATCH * 5)
            break;
    }
    for (int i = 0; i < 4; i++)
        compact(&r[i]);
    return rc;
}

static const char *const table_names[] = {"stats_day", "stats_unit", "stats_agent", "stats_word"};
static const unsigned full_group[] = {SG_DAY | SG_K0 | SG_K1 | SG_K2 | SG_K3 | SG_TEXT,
                                      SG_DAY | SG_K0, SG_DAY | SG_K0, SG_DAY | SG_TEXT};

static void describe(FILE *log, int t, const char *what, const struct stat_row *x,
                     const struct stat_row *y)
{
    if (!log)
        return;
    const struct stat_row *k = x ? x : y;
    fprintf(log,
            "%s day %d keys %lld/%lld/%lld/%lld '%s': %s stored %lld/%lld/%lld, recount "
            "%lld/%lld/%lld\n",
            table_names[t], (int)k->day, (long long)k->k[0], (long long)k->k[1], (long long)k->k[2],
            (long long)k->k[3], k->text ? k->text : "", what, (long long)(x ? x->v[0] : 0),
            (long long)(x ? x->v[1] : 0), (long long)(x ? x->v[2] : 0),
            (long long)(y ? y->v[0] : 0), (long long)(y ? y->v[1] : 0),
            (long long)(y ? y->v[2] : 0));
}

/* Compares the stored rows of table t with the recount; adds to *mismatches. */
static int compare(struct store_conn *c, int t, struct rows *want, size_t *mismatches, FILE *log)
{
    struct rows have = {0};
    int rc = store_stats_sum(c, (enum stats_table)t, full_group[t], 0, 99991231, &have.a, &have.n);
    if (rc != STORE_OK)
        return rc;
    have.cap = have.n;
    compact(&have);
    size_t i = 0, j = 0;
    while (i < have.n || j < want->n) {
        int cmp = i == have.n ? 1 : j == want->n ? -1 : row_cmp(&have.a[i], &want->a[j]);
        if (cmp == 0) {
            if (memcmp(have.a[i].v, want->a[j].v, sizeof have.a[i].v) != 0) {
                if ((*mismatches)++ < 20)
                    describe(log, t, "differs:", &have.a[i], &want->a[j]);
            }
            i++, j++;
        } else if (cmp < 0) {
            if ((*mismatches)++ < 20)
                describe(log, t, "not in the recount:", &have.a[i], NULL);
            i++;
        } else {
            if ((*mismatches)++ < 20)
                describe(log, t, "missing:", NULL, &want->a[j]);
            j++;
        }
    }
    store_free_stat_rows(have.a, have.n);
    return STORE_OK;
}

int app_stats_recount(struct store *s, bool rebuild, struct stats_check *out, FILE *log)
{
    memset(out, 0, sizeof *out);
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return STORE_ERROR;
    /* One snapshot for the whole recount; a rebuild holds the write lock so
       that no change slips in between the recount and the rewrite. */
    if (rebuild)
        store_set_bulk(c, true);
    int rc = store_begin(c, rebuild);
    if (rc != STORE_OK) {
        if (rebuild)
            store_set_bulk(c, false);
        return rc;
    }
    struct rows r[4] = {{0}};
    rc = recount(c, r, &out->tickets);
    for (int t = 0; t < 4; t++)
        out->rows += r[t].n;
    if (rc == STORE_OK && rebuild) {
        rc = store_stats_clear(c);
        for (int t = 0; rc == STORE_OK && t < 4; t++)
            for (size_t i = 0; rc == STORE_OK && i < r[t].n; i++)
                rc = store_stats_add(c, (enum stats_table)t, &r[t].a[i]);
        if (rc == STORE_OK)
            rc = store_commit(c);
        else
            store_rollback(c);
        store_set_bulk(c, false);
    } else {
        for (int t = 0; rc == STORE_OK && t < 4; t++)
            rc = compare(c, t, &r[t], &out->mismatches, log);
        store_rollback(c); /* read only */
    }
    for (int t = 0; t < 4; t++)
        store_free_stat_rows(r[t].a, r[t].n);
    return rc;
}

int app_cli_stats(struct store *s, bool rebuild, FILE *out, FILE *err)
{
    struct stats_check ck;
    uint64_t t0 = time_mono_ns();
    int rc = app_stats_recount(s, rebuild, &ck, err);
    double secs = (double)(time_mono_ns() - t0) / 1e9;
    if (rc != STORE_OK) {
        fprintf(err, "rexian: stats %s failed: %s\n", rebuild ? "rebuild" : "recount",
                store_rc_name(rc));
        return 1;
    }
    if (rebuild) {
        fprintf(out, "stats rebuilt: %zu tickets, %zu rows in %.1f s\n", ck.tickets, ck.rows, secs);
        return 0;
    }
    fprintf(out, "stats recount: %zu tickets, %zu rows, %zu mismatches (%.1f s)\n", ck.tickets,
            ck.rows, ck.mismatches, secs);
    return ck.mismatches ? 1 : 0;
}

/* ---- hot topics ---- */

void app_free_hot(struct hot_item *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free(a[i].name);
        for (size_t k = 0; k < a[i].n_samples; k++)
            free(a[i].titles[k]);
    }
    free(a);
}

struct hot_list {
    struct hot_item *a;
    size_t n, cap;
};

/* The window [from, to] and, for w = 1..HOT_BASELINE_WEEKS, the same window w weeks before. */
struct hot_windows {
    day_key from, to, base_from;
};

/* Scores the series of one kind (rows grouped by key, then day) into l. */
static int score_series(const struct stat_row *rows, size_t n, enum hot_kind kind,
                        const struct hot_windows *w, int64_t min, struct hot_list *l)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        int64_t count = 0, base[HOT_BASELINE_WEEKS] = {0};
        for (; j < n && (kind == HOT_CATEGORY ? rows[j].k[3] == rows[i].k[3]
                                              : strcmp(rows[j].text ? rows[j].text : "",
                                                       rows[i].text ? rows[i].text : "") == 0);
             j++) {
            int back = stats_day_diff(rows[j].day, w->to); /* days before the window's end */
            int span = stats_day_diff(w->from, w->to) + 1;
            if (back < span)
                count += rows[j].v[0];
            else if ((back % 7) < span && back / 7 >= 1 && back / 7 <= HOT_BASELINE_WEEKS)
                base[back / 7 - 1] += rows[j].v[0];
        }
        bool none = kind == HOT_CATEGORY ? rows[i].k[3] == 0 : !rows[i].text || !*rows[i].text;
        struct hot_score sc;
        hot_score(count, base, HOT_BASELINE_WEEKS, min, &sc);
        if (!none && sc.hot) {
            if (l->n == l->cap) {
                size_t nc = l->cap ? l->cap * 2 : 32;
                struct hot_item *na = realloc(l->a, nc * sizeof *na);
                if (!na)
                    return STORE_NOMEM;
                l->a = na;
                l->cap = nc;
            }
            struct hot_item *it = &l->a[l->n++];
            memset(it, 0, sizeof *it);
            it->kind = kind;
            if (kind == HOT_CATEGORY)
                snprintf(it->key, sizeof it->key, "%lld", (long long)rows[i].k[3]);
            else
                snprintf(it->key, sizeof it->key, "%s", rows[i].text);
            it->count = count;
            it->s = sc;
        }
        i = j;
    }
    return STORE_OK;
}

static int hot_cmp(const void *x, const void *y)
{
    const struct hot_item *a = x, *b = y;
    if (a->s.score != b->s.score)
        return a->s.score > b->s.score ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int64_t day_start_ms(day_key d)
{
    return time_from_local(d / 10000, d / 100 % 100, d % 100, 0, 0, 0);
}

/* Up to HOT_SAMPLES tickets of the window into it (see store_stats_samples). */
static int samples(struct store_conn *c, struct hot_item *it, int64_t category_id, const char *area,
                   const char *word, int64_t from, int64_t to)
{
    struct stat_sample *a = NULL;
    size_t n = 0;
    int rc = store_stats_samples(c, category_id, area, word, from, to, HOT_SAMPLES, &a, &n);
    for (size_t i = 0; rc == STORE_OK && i < n && i < HOT_SAMPLES; i++) {
        memcpy(it->numbers[i], a[i].number, sizeof it->numbers[i]);
        it->titles[i] = a[i].title;
        a[i].title = NULL;
        it->n_samples++;
    }
    store_free_stat_samples(a, n);
    return rc;
}

/* Name and sample tickets of one listed item. */
static int fill_item(struct store_conn *c, struct hot_item *it, int64_t from, int64_t to)
{
    int rc = STORE_OK;
    if (it->kind == HOT_CATEGORY) {
        struct category k = {0};
        int64_t id = strtoll(it->key, NULL, 10);
        rc = store_category_get(c, id, &k);
        if (rc == STORE_OK) {
            it->name = k.name;
            k.name = NULL;
        }
        category_release(&k);
        if (rc == STORE_NOTFOUND)
            rc = STORE_OK;
        if (rc == STORE_OK)
            rc = samples(c, it, id, NULL, NULL, from, to);
    } else if (it->kind == HOT_AREA) {
        struct unit u = {0};
        rc = store_unit_get_by_code(c, it->key, &u);
        if (rc == STORE_OK) {
            it->name = u.name;
            u.name = NULL;
        }
        unit_release(&u);
        if (rc == STORE_NOTFOUND)
            rc = STORE_OK;
        if (rc == STORE_OK)
            rc = samples(c, it, 0, it->key, NULL, from, to);
    } else {
        /* The counted word is NFKC-folded; Chinese words are as written. */
        rc = samples(c, it, 0, NULL, it->key, from, to);
    }
    if (rc == STORE_OK && !it->name && !(it->name = strdup(it->key)))
        rc = STORE_NOMEM;
    return rc;
}

int app_stats_hot(struct store *s, day_key day, bool week, int limit, struct hot_item **out,
                  size_t *n, struct app_error *e)
{
    *out = NULL;
    *n = 0;
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    struct hot_windows w = {.from = stats_day_add(day, week ? -6 : 0), .to = day};
    w.base_from = stats_day_add(w.from, -7 * HOT_BASELINE_WEEKS);
    int64_t min = week ? HOT_MIN_WEEK : HOT_MIN_DAY;
    struct hot_list l = {0};
    int rc = store_begin(c, false);
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "statistics");
    static const struct {
        enum stats_table t;
        unsigned key;
        enum hot_kind kind;
    } kinds[] = {{STATS_DAY, SG_K3, HOT_CATEGORY},
                 {STATS_DAY, SG_TEXT, HOT_AREA},
                 {STATS_WORD, SG_TEXT, HOT_KEYWORD}};
    for (size_t k = 0; rc == STORE_OK && k < sizeof kinds / sizeof kinds[0]; k++) {
        struct stat_row *rows = NULL;
        size_t nr = 0;
        rc = store_stats_series(c, kinds[k].t, kinds[k].key, w.base_from, w.from, w.to, min, &rows,
                                &nr);
        if (rc == STORE_OK)
            rc = score_series(rows, nr, kinds[k].kind, &w, min, &l);
        store_free_stat_rows(rows, nr);
    }
    if (rc == STORE_OK && l.n) {
        qsort(l.a, l.n, sizeof *l.a, hot_cmp);
        if (l.n > (size_t)limit)
            l.n = (size_t)limit; /* names and samples are filled below, for the kept ones only */
        int64_t from = day_start_ms(w.from), to = day_start_ms(stats_day_add(w.to, 1));
        for (size_t i = 0; rc == STORE_OK && i < l.n; i++)
            rc = fill_item(c, &l.a[i], from, to);
    }
    store_rollback(c); /* read only */
    if (rc != STORE_OK) {
        app_free_hot(l.a, l.n);
        return app_store_fail(e, rc, "statistics");
    }
    *out = l.a;
    *n = l.n;
    return APP_OK;
}
