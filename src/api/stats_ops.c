/*
 * stats_ops.c - the operations statistics over HTTP (docs/API.md,
 * "Operations statistics"): GET /stats/overview, /stats/volume,
 * /stats/agents and /stats/hot. Everything is read from the daily figures
 * (migration 008), never by scanning tickets; docs/STATISTICS.md says what
 * each figure counts.
 *
 * Who: the center's roles. Agents (who answer the phones) read the
 * overview and the hot topics; volume and agents' workloads are for
 * supervisors and admins. Handlers get 403: the figures are the whole
 * city's, not their unit's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/stats_ops.h"
#include "core/timeutil.h"

#define MAX_RANGE_DAYS 400

/* A date parameter; `dflt` (0: required) when absent. 0, or -1 (answered). */
static int q_day(struct request *r, const char *key, day_key dflt, day_key *out)
{
    const char *s = request_query(r, key);
    if (!s) {
        if (dflt) {
            *out = dflt;
            return 0;
        }
        char msg[80];
        snprintf(msg, sizeof msg, "%s is required (YYYY-MM-DD)", key);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    if (stats_day_parse(s, out) != 0) {
        char msg[80];
        snprintf(msg, sizeof msg, "%s must be a date YYYY-MM-DD", key);
        reply_error(r, 400, "invalid_argument", msg, key);
        return -1;
    }
    return 0;
}

/* from (required) and to (default today), at most MAX_RANGE_DAYS days. */
static int q_range(struct request *r, day_key *from, day_key *to)
{
    day_key today = time_day_key(time_now_ms());
    if (q_day(r, "from", 0, from) || q_day(r, "to", today, to))
        return -1;
    if (*to < *from) {
        reply_error(r, 400, "invalid_argument", "to is before from", "to");
        return -1;
    }
    if (stats_day_diff(*from, *to) >= MAX_RANGE_DAYS) {
        reply_error(r, 400, "invalid_argument", "the range from..to is at most 400 days", "from");
        return -1;
    }
    return 0;
}

/* One of the words of `names` (NULL-ended); dflt when absent. */
static int q_word(struct request *r, const char *key, const char *const *names, int dflt, int *out)
{
    const char *s = request_query(r, key);
    *out = dflt;
    if (!s)
        return 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    char msg[160] = "";
    size_t len = (size_t)snprintf(msg, sizeof msg, "%s must be one of", key);
    for (int i = 0; names[i] && len < sizeof msg; i++)
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s %s", i ? "," : "", names[i]);
    reply_error(r, 400, "invalid_argument", msg, key);
    return -1;
}

static json_t *jday(day_key d)
{
    char s[11];
    stats_day_format(d, s);
    return json_string(s);
}

static json_t *jrate(int64_t num, int64_t den)
{
    return json_pack("{s:I, s:I, s:f}", "num", (json_int_t)num, "den", (json_int_t)den, "rate",
                     den ? (double)num / (double)den : 0.0);
}

/* Sum rows of one grouping; answers 500 on failure. */
static int sum(struct request *r, struct store_conn *c, enum stats_table t, unsigned group,
               day_key from, day_key to, struct stat_row **rows, size_t *n)
{
    int rc = c ? store_stats_sum(c, t, group, from, to, rows, n) : STORE_ERROR;
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "statistics");
        return -1;
    }
    return 0;
}

static int cmp_v0_desc(const void *x, const void *y)
{
    const struct stat_row *a = x, *b = y;
    if (a->v[0] != b->v[0])
        return a->v[0] > b->v[0] ? -1 : 1;
    for (int i = 0; i < 4; i++)
        if (a->k[i] != b->k[i])
            return a->k[i] < b->k[i] ? -1 : 1;
    return strcmp(a->text ? a->text : "", b->text ? b->text : "");
}

static const char *category_name(const struct category *cats, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (cats[i].id == id)
            return cats[i].name;
    return NULL;
}

static const char *unit_name_by_code(const struct unit *units, size_t n, const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (units[i].code && strcmp(units[i].code, code) == 0)
            return units[i].name;
    return NULL;
}

void h_stats_overview(struct request *r)
{
    static const char *const params[] = {"from", "to", NULL};
    if (!api_require_role(r, ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN) || qin_only(r, params))
        return;
    day_key from, to;
    if (q_range(r, &from, &to))
        return;
    struct store_conn *c = store_conn_get(api_store(r));
    struct stat_row *tot = NULL, *days = NULL, *cats = NULL, *areas = NULL, *chans = NULL,
                    *types = NULL, *units = NULL;
    size_t n_tot = 0, n_days = 0, n_cats = 0, n_areas = 0, n_chans = 0, n_types = 0, n_units = 0;
    struct category *catlist = NULL;
    size_t n_catlist = 0;
    json_t *body = NULL;
    if (c && store_begin(c, false) != STORE_OK)
        c = NULL;
    if (sum(r, c, STATS_DAY, 0, from, to, &tot, &n_tot) ||
        sum(r, c, STATS_DAY, SG_DAY, from, to, &days, &n_days) ||
        sum(r, c, STATS_DAY, SG_K2, from, to, &cats, &n_cats) ||
        sum(r, c, STATS_DAY, SG_TEXT, from, to, &areas, &n_areas) ||
        sum(r, c, STATS_DAY, SG_K0, from, to, &chans, &n_chans) ||
        sum(r, c, STATS_DAY, SG_K1, from, to, &types, &n_types) ||
        sum(r, c, STATS_UNIT, SG_K0, from, to, &units, &n_units))
        goto done;
    int rc = store_category_list(c, &catlist, &n_catlist);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "categories");
        goto done;
    }
    int64_t total = n_tot ? tot[0].v[0] : 0, direct = n_tot ? tot[0].v[1] : 0,
            kb = n_tot ? tot[0].v[2] : 0;
    json_t *by_day = json_array();
    size_t di = 0;
    for (day_key d = from; d <= to; d = stats_day_add(d, 1)) {
        int64_t count = 0;
        if (di < n_days && days[di].day == d)
            count = days[di++].v[0];
        json_array_append_new(by_day,
                              json_pack("{s:o, s:I}", "date", jday(d), "count", (json_int_t)count));
    }
    qsort(cats, n_cats, sizeof *cats, cmp_v0_desc);
    json_t *by_cat = json_array();
    for (size_t i = 0; i < n_cats; i++) {
        const char *name = cats[i].k[2] ? category_name(catlist, n_catlist, cats[i].k[2]) : NULL;
        json_array_append_new(by_cat,
                              json_pack("{s:o, s:s?, s:I}", "category_id", jout_id(cats[i].k[2]),
                                        "name", name, "count", (json_int_t)cats[i].v[0]));
    }
    qsort(areas, n_areas, sizeof *areas, cmp_v0_desc);
    json_t *by_area = json_array();
    for (size_t i = 0; i < n_areas; i++)
        json_array_append_new(by_area,
                              json_pack("{s:s?, s:I}", "area",
                                        areas[i].text && *areas[i].text ? areas[i].text : NULL,
                                        "count", (json_int_t)areas[i].v[0]));
    qsort(chans, n_chans, sizeof *chans, cmp_v0_desc);
    json_t *by_chan = json_array();
    for (size_t i = 0; i < n_chans; i++)
        json_array_append_new(by_chan, json_pack("{s:s?, s:I}", "channel",
                                                 channel_name((enum channel)chans[i].k[0]), "count",
                                                 (json_int_t)chans[i].v[0]));
    qsort(types, n_types, sizeof *types, cmp_v0_desc);
    json_t *by_type = json_array();
    for (size_t i = 0; i < n_types; i++)
        json_array_append_new(by_type, json_pack("{s:s?, s:I}", "type",
                                                 ticket_type_name((enum ticket_type)types[i].k[1]),
                                                 "count", (json_int_t)types[i].v[0]));
    qsort(units, n_units, sizeof *units, cmp_v0_desc);
    json_t *ulist = json_array();
    int64_t sum_t = 0, sum_o = 0;
    for (size_t i = 0; i < n_units; i++) {
        if (!units[i].v[0] && !units[i].v[1])
            continue;
        sum_t += units[i].v[0];
        sum_o += units[i].v[1];
        json_array_append_new(
            ulist, json_pack("{s:I, s:I, s:I}", "unit_id", (json_int_t)units[i].k[0], "count",
                             (json_int_t)units[i].v[0], "overdue", (json_int_t)units[i].v[1]));
    }
    body = json_pack("{s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:I, s:I}, s:o}",
                     "from", jday(from), "to", jday(to), "total", (json_int_t)total, "by_day",
                     by_day, "by_category", by_cat, "by_area", by_area, "by_channel", by_chan,
                     "by_type", by_type, "direct_answer", jrate(direct, total), "kb_answer",
                     jrate(kb, total), "on_time", "ok", (json_int_t)(sum_t - sum_o), "overdue",
                     (json_int_t)sum_o, "units", ulist);
    if (!body)
        reply_error(r, 500, "internal", "out of memory", NULL);
    else
        reply_json(r, 200, body);
done:
    if (c)
        store_rollback(c);
    store_free_categories(catlist, n_catlist);
    store_free_stat_rows(tot, n_tot);
    store_free_stat_rows(days, n_days);
    store_free_stat_rows(cats, n_cats);
    store_free_stat_rows(areas, n_areas);
    store_free_stat_rows(chans, n_chans);
    store_free_stat_rows(types, n_types);
    store_free_stat_rows(units, n_units);
}

/* ---- volume ---- */

enum vgroup { VG_CHANNEL, VG_TYPE, VG_CATEGORY, VG_AREA, VG_NONE };

struct series {
    char key[64];
    const char *name; /* borrowed */
    int64_t *points;
};

void h_stats_volume(struct request *r)
{
    static const char *const params[] = {"from", "to", "by", "group", NULL};
    static const char *const bys[] = {"day", "week", "month", NULL};
    static const char *const groups[] = {"channel", "type", "category", "area", "none", NULL};
    static const unsigned group_bit[] = {SG_K0, SG_K1, SG_K2, SG_TEXT, 0};
    if (!api_require_role(r, ROLE_SUPERVISOR | ROLE_ADMIN) || qin_only(r, params))
        return;
    day_key from, to;
    int by, group;
    if (q_range(r, &from, &to) || q_word(r, "by", bys, SP_DAY, &by) ||
        q_word(r, "group", groups, VG_NONE, &group))
        return;
    enum stats_period p = (enum stats_period)by;
    /* The periods: from the one `from` falls in to the one `to` falls in. */
    size_t n_periods = 0;
    day_key starts[MAX_RANGE_DAYS + 2];
    for (day_key d = stats_period_start(from, p); d <= to && n_periods < MAX_RANGE_DAYS + 2;
         d = stats_period_next(d, p))
        starts[n_periods++] = d;
    struct store_conn *c = store_conn_get(api_store(r));
    struct stat_row *rows = NULL;
    size_t n = 0;
    struct category *cats = NULL;
    struct unit *units = NULL;
    size_t n_cats = 0, n_units = 0;
    struct series *ser = NULL;
    size_t n_ser = 0;
    if (sum(r, c, STATS_DAY, SG_DAY | group_bit[group], from, to, &rows, &n))
        return;
    int rc = STORE_OK;
    if (group == VG_CATEGORY)
        rc = store_category_list(c, &cats, &n_cats);
    else if (group == VG_AREA)
        rc = store_unit_list(c, &units, &n_units);
    if (rc != STORE_OK) {
        api_reply_store_error(r, rc, "statistics");
        goto done;
    }
    ser = calloc(n + 1, sizeof *ser);
    if (!ser)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        char key[64];
        const char *name = NULL;
        switch (group) {
        case VG_CHANNEL:
            snprintf(key, sizeof key, "%s", channel_name((enum channel)rows[i].k[0]));
            break;
        case VG_TYPE:
            snprintf(key, sizeof key, "%s", ticket_type_name((enum ticket_type)rows[i].k[1]));
            break;
        case VG_CATEGORY:
            if (rows[i].k[2])
                snprintf(key, sizeof key, "%lld", (long long)rows[i].k[2]);
            else
                snprintf(key, sizeof key, "none");
            name = rows[i].k[2] ? category_name(cats, n_cats, rows[i].k[2]) : NULL;
            break;
        case VG_AREA:
            snprintf(key, sizeof key, "%s", rows[i].text && *rows[i].text ? rows[i].text : "none");
            name = unit_name_by_code(units, n_units, rows[i].text);
            break;
        default:
            snprintf(key, sizeof key, "all");
        }
        size_t s = 0;
        while (s < n_ser && strcmp(ser[s].key, key) != 0)
            s++;
        if (s == n_ser) {
            memcpy(ser[s].key, key, sizeof key);
            ser[s].name = name;
            ser[s].points = calloc(n_periods ? n_periods : 1, sizeof *ser[s].points);
            if (!ser[s].points)
                goto oom;
            n_ser++;
        }
        day_key ps = stats_period_start(rows[i].day, p);
        for (size_t k = 0; k < n_periods; k++)
            if (starts[k] == ps) {
                ser[s].points[k] += rows[i].v[0];
                break;
            }
    }
    if (group == VG_NONE && n_ser == 0) { /* one series, of zeros */
        snprintf(ser[0].key, sizeof ser[0].key, "all");
        if (!(ser[0].points = calloc(n_periods ? n_periods : 1, sizeof *ser[0].points)))
            goto oom;
        n_ser = 1;
    }
    json_t *list = json_array();
    for (size_t s = 0; list && s < n_ser; s++) {
        json_t *pts = json_array();
        for (size_t k = 0; pts && k < n_periods; k++) {
            char label[11];
            stats_period_label(starts[k], p, label);
            json_array_append_new(pts, json_pack("{s:s, s:I}", "period", label, "count",
                                                 (json_int_t)ser[s].points[k]));
        }
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:o}", "key", ser[s].key, "name",
                                        ser[s].name ? ser[s].name : ser[s].key, "points", pts));
    }
    json_t *body = list ? json_pack("{s:o, s:o, s:s, s:s, s:o}", "from", jday(from), "to", jday(to),
                                    "by", bys[by], "group", groups[group], "series", list)
                        : NULL;
    if (!body)
        goto oom;
    reply_json(r, 200, body);
    goto done;
oom:
    reply_error(r, 500, "internal", "out of memory", NULL);
done:
    for (size_t s = 0; ser && s < n_ser; s++)
        free(ser[s].points);
    free(ser);
    store_free_stat_rows(rows, n);
    store_free_categories(cats, n_cats);
    store_free_units(units, n_units);
}

/* ---- agents ---- */

void h_stats_agents(struct request *r)
{
    static const char *const params[] = {"from", "to", NULL};
    if (!api_require_role(r, ROLE_SUPERVISOR | ROLE_ADMIN) || qin_only(r, params))
        return;
    day_key from, to;
    if (q_range(r, &from, &to))
        return;
    struct store_conn *c = store_conn_get(api_store(r));
    struct stat_row *rows = NULL;
    size_t n = 0;
    if (sum(r, c, STATS_AGENT, SG_K0, from, to, &rows, &n))
        return;
    struct user *users = NULL;
    size_t n_users = 0;
    int rc = store_user_list(c, &users, &n_users);
    if (rc != STORE_OK) {
        store_free_stat_rows(rows, n);
        api_reply_store_error(r, rc, "users");
        return;
    }
    qsort(rows, n, sizeof *rows, cmp_v0_desc);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        const struct user *u = NULL;
        for (size_t k = 0; k < n_users && !u; k++)
            if (users[k].id == rows[i].k[0])
                u = &users[k];
        json_array_append_new(
            items,
            json_pack("{s:I, s:s?, s:s?, s:I, s:I, s:I}", "user_id", (json_int_t)rows[i].k[0],
                      "username", u ? u->username : NULL, "display_name", u ? u->name : NULL,
                      "created", (json_int_t)rows[i].v[0], "direct_answered",
                      (json_int_t)rows[i].v[1], "callbacks", (json_int_t)rows[i].v[2]));
    }
    store_free_stat_rows(rows, n);
    store_free_users(users, n_users);
    json_t *body =
        items ? json_pack("{s:o, s:o, s:o}", "from", jday(from), "to", jday(to), "items", items)
              : NULL;
    if (!body) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    reply_json(r, 200, body);
}

/* ---- hot topics ---- */

void h_stats_hot(struct request *r)
{
    static const char *const params[] = {"day", "window", "limit", NULL};
    static const char *const windows[] = {"day", "week", NULL};
    static const char *const kinds[] = {"category", "area", "keyword"};
    if (!api_require_role(r, ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN) || qin_only(r, params))
        return;
    day_key day;
    int window;
    int64_t limit = 20;
    if (q_day(r, "day", time_day_key(time_now_ms()), &day) ||
        q_word(r, "window", windows, 0, &window) || qin_int(r, "limit", 1, 100, &limit))
        return;
    struct hot_item *items = NULL;
    size_t n = 0;
    struct app_error e;
    if (app_stats_hot(api_store(r), day, window == 1, (int)limit, &items, &n, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        const struct hot_item *it = &items[i];
        json_t *samples = json_array();
        for (size_t k = 0; samples && k < it->n_samples; k++)
            json_array_append_new(samples, json_pack("{s:s, s:s?}", "number", it->numbers[k],
                                                     "title", it->titles[k]));
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:I, s:f, s:f, s:f, s:o}", "kind", kinds[it->kind],
                            "key", it->key, "name", it->name ? it->name : it->key, "count",
                            (json_int_t)it->count, "baseline", it->s.baseline, "ratio", it->s.ratio,
                            "score", it->s.score, "samples", samples));
    }
    app_free_hot(items, n);
    json_t *body =
        list ? json_pack("{s:o, s:s, s:i, s:I, s:o}", "day", jday(day), "window", windows[window],
                         "baseline_weeks", HOT_BASELINE_WEEKS, "min_count",
                         (json_int_t)(window ? HOT_MIN_WEEK : HOT_MIN_DAY), "items", list)
             : NULL;
    if (!body) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    reply_json(r, 200, body);
}
