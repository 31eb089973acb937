/*
 * pg_stats.c - the daily figures of the operations statistics in PostgreSQL
 * (mirrors sqlite_stats.c; migration 008). Sums are assembled from fixed
 * column names picked by a bit mask and run as the unnamed statement;
 * the add statements are prepared once per connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats_ops.h"
#include "store/pg_int.h"

#define SERIES_DAYS 9 /* the day and up to 8 weeks before */

struct stats_shape {
    const char *table;
    const char *k[4];
    const char *text;
    const char *v[3];
};
static const struct stats_shape shapes[] = {
    [STATS_DAY] = {"stats_day",
                   {"channel", "type", "category_top", "category_id"},
                   "area",
                   {"created", "direct", "kb"}},
    [STATS_UNIT] = {"stats_unit", {"unit_id"}, NULL, {"tickets", "overdue"}},
    [STATS_AGENT] = {"stats_agent", {"user_id"}, NULL, {"created", "direct", "callbacks"}},
    [STATS_WORD] = {"stats_word", {NULL}, "word", {"tickets"}},
};

int pg_store_stats_add(struct store_conn *c, enum stats_table t, const struct stat_row *r)
{
    struct pg_params p = {0};
    pp_int(&p, r->day);
    int rc = STORE_INVALID;
    switch (t) {
    case STATS_DAY:
        for (int i = 0; i < 4; i++)
            pp_int(&p, r->k[i]);
        pp_text(&p, r->text ? r->text : "");
        for (int i = 0; i < 3; i++)
            pp_int(&p, r->v[i]);
        rc = pg_exec(c, PQ_STATS_ADD_DAY,
                     "INSERT INTO stats_day AS s(day, channel, type, category_top, category_id, "
                     "area, created, direct, kb) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                     "ON CONFLICT (day, channel, type, category_top, category_id, area) DO UPDATE "
                     "SET created = s.created + $7, direct = s.direct + $8, kb = s.kb + $9",
                     &p, NULL);
        break;
    case STATS_UNIT:
        pp_int(&p, r->k[0]);
        pp_int(&p, r->v[0]);
        pp_int(&p, r->v[1]);
        rc = pg_exec(c, PQ_STATS_ADD_UNIT,
                     "INSERT INTO stats_unit AS s(day, unit_id, tickets, overdue) "
                     "VALUES($1, $2, $3, $4) ON CONFLICT (day, unit_id) DO UPDATE SET "
                     "tickets = s.tickets + $3, overdue = s.overdue + $4",
                     &p, NULL);
        break;
    case STATS_AGENT:
        pp_int(&p, r->k[0]);
        for (int i = 0; i < 3; i++)
            pp_int(&p, r->v[i]);
        rc = pg_exec(c, PQ_STATS_ADD_AGENT,
                     "INSERT INTO stats_agent AS s(day, user_id, created, direct, callbacks) "
                     "VALUES($1, $2, $3, $4, $5) ON CONFLICT (day, user_id) DO UPDATE SET "
                     "created = s.created + $3, direct = s.direct + $4, "
                     "callbacks = s.callbacks + $5",
                     &p, NULL);
        break;
    case STATS_WORD:
        pp_text(&p, r->text ? r->text : "");
        pp_int(&p, r->v[0]);
        rc = pg_exec(c, PQ_STATS_ADD_WORD,
                     "INSERT INTO stats_word AS s(day, word, tickets) VALUES($1, $2, $3) "
                     "ON CONFLICT (day, word) DO UPDATE SET tickets = s.tickets + $3",
                     &p, NULL);
        break;
    }
    return rc;
}

static int group_cols(const struct stats_shape *sh, unsigned group, char *sel, size_t cap)
{
    size_t len = 0;
    sel[0] = '\0';
    const char *cols[6] = {"day", sh->k[0], sh->k[1], sh->k[2], sh->k[3], sh->text};
    for (int i = 0; i < 6; i++) {
        if (!(group & (1u << i)))
            continue;
        if (!cols[i])
            return -1;
        int w = snprintf(sel + len, cap - len, "%s%s", len ? ", " : "", cols[i]);
        if (w < 0 || (size_t)w >= cap - len)
            return -1;
        len += (size_t)w;
    }
    return 0;
}

static int read_rows(PGresult *r, unsigned group, int nv, struct stat_row **out, size_t *n)
{
    int rows = PQntuples(r);
    struct stat_row *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    if (!a)
        return STORE_NOMEM;
    int oom = 0;
    for (int i = 0; i < rows; i++) {
        int col = 0;
        if (group & SG_DAY)
            a[i].day = (day_key)pg_col_int(r, i, col++);
        for (int k = 0; k < 4; k++)
            if (group & (SG_K0 << k))
                a[i].k[k] = pg_col_int(r, i, col++);
        if (group & SG_TEXT)
            a[i].text = pg_col_text(r, i, col++, &oom);
        for (int k = 0; k < nv; k++)
            a[i].v[k] = pg_col_int(r, i, col++);
    }
    if (oom) {
        store_free_stat_rows(a, (size_t)rows);
        return STORE_NOMEM;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_stats_sum(struct store_conn *c, enum stats_table t, unsigned group, day_key from,
                       day_key to, struct stat_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if ((unsigned)t > STATS_WORD)
        return STORE_INVALID;
    const struct stats_shape *sh = &shapes[t];
    char cols[160], sums[200] = "", sql[1024];
    if (group_cols(sh, group, cols, sizeof cols) != 0)
        return STORE_INVALID;
    int nv = 0;
    for (; nv < 3 && sh->v[nv]; nv++) {
        size_t l = strlen(sums);
        snprintf(sums + l, sizeof sums - l, "%scoalesce(SUM(%s), 0)", nv ? ", " : "", sh->v[nv]);
    }
    if (group)
        snprintf(sql, sizeof sql,
                 "SELECT %s, %s FROM %s WHERE day BETWEEN $1 AND $2 GROUP BY %s ORDER BY %s", cols,
                 sums, sh->table, cols, cols);
    else
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE day BETWEEN $1 AND $2", sums, sh->table);
    struct pg_params p = {0};
    pp_int(&p, from);
    pp_int(&p, to);
    int rc;
    PGresult *r = pg_run_named(c, "", sql, 0, &p, &rc);
    if (!r)
        return rc;
    rc = read_rows(r, group, nv, out, n);
    PQclear(r);
    return rc;
}

int pg_store_stats_series(struct store_conn *c, enum stats_table t, unsigned key, day_key base_from,
                          day_key win_from, day_key to, int64_t min, struct stat_row **out,
                          size_t *n)
{
    *out = NULL;
    *n = 0;
    if ((unsigned)t > STATS_WORD || (key != SG_K3 && key != SG_TEXT))
        return STORE_INVALID;
    const struct stats_shape *sh = &shapes[t];
    const char *col = key == SG_K3 ? sh->k[3] : sh->text;
    if (!col)
        return STORE_INVALID;
    /* A one-day window's baseline is the same weekday: read those days only. */
    bool one_day = win_from == to;
    day_key days[SERIES_DAYS];
    for (int i = 0; i < SERIES_DAYS; i++) {
        day_key d = stats_day_add(to, -7 * i);
        days[i] = d >= base_from ? d : to; /* a repeat in the IN list changes nothing */
    }
    char sql[1024];
    snprintf(sql, sizeof sql,
             "WITH cand AS (SELECT %s AS k FROM %s WHERE day BETWEEN $2 AND $3 GROUP BY %s "
             "HAVING SUM(%s) >= $4) "
             "SELECT s.day, s.%s, SUM(s.%s) FROM %s s WHERE %s "
             "AND s.%s IN (SELECT k FROM cand) GROUP BY s.%s, s.day ORDER BY s.%s, s.day",
             col, sh->table, col, sh->v[0], col, sh->v[0], sh->table,
             one_day ? "s.day >= $1 AND s.day IN ($5, $6, $7, $8, $9, $10, $11, $12, $13)"
                     : "s.day BETWEEN $1 AND $3",
             col, col, col);
    struct pg_params p = {0};
    pp_int(&p, base_from);
    pp_int(&p, win_from);
    pp_int(&p, to);
    pp_int(&p, min);
    if (one_day)
        for (int i = 0; i < SERIES_DAYS; i++)
            pp_int(&p, days[i]);
    int rc;
    PGresult *r = pg_run_named(c, "", sql, 0, &p, &rc);
    if (!r)
        return rc;
    rc = read_rows(r, SG_DAY | key, 1, out, n);
    PQclear(r);
    return rc;
}

int pg_store_stats_clear(struct store_conn *c)
{
    return pg_simple(c, "DELETE FROM stats_day; DELETE FROM stats_unit; "
                        "DELETE FROM stats_agent; DELETE FROM stats_word");
}

int pg_store_stats_facts(struct store_conn *c, int64_t after, size_t limit, struct stat_fact **out,
                         size_t *n)
{
    *out = NULL;
    *n = 0;
    struct pg_params p = {0};
    pp_int(&p, after);
    pp_int(&p, (int64_t)limit);
    int rc;
    PGresult *r = pg_run_named(
        c, "",
        "SELECT t.id, t.created_at, t.category_id, t.unit_id, t.kb_article_id, t.channel, "
        "t.type, t.area, t.title, t.content, "
        "EXISTS(SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id "
        "AND e.action = 'answer')::int, "
        "EXISTS(SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id "
        "AND e.action = 'sla_overdue')::int "
        "FROM tickets t WHERE t.id > $1 ORDER BY t.id LIMIT $2",
        0, &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), oom = 0;
    struct stat_fact *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    if (!a) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        struct stat_fact *f = &a[i];
        f->id = pg_col_int(r, i, 0);
        f->created_at = pg_col_int(r, i, 1);
        f->category_id = pg_col_int(r, i, 2);
        f->unit_id = pg_col_int(r, i, 3);
        f->kb_article_id = pg_col_int(r, i, 4);
        f->channel = channel_parse(pg_col_str(r, i, 5));
        f->type = ticket_type_parse(pg_col_str(r, i, 6));
        f->area = pg_col_text(r, i, 7, &oom);
        f->title = pg_col_text(r, i, 8, &oom);
        f->content = pg_col_text(r, i, 9, &oom);
        f->answered = pg_col_int(r, i, 10) != 0;
        f->overdue = pg_col_int(r, i, 11) != 0;
    }
    PQclear(r);
    if (oom) {
        store_free_stat_facts(a, (size_t)rows);
        return STORE_NOMEM;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_stats_events(struct store_conn *c, int64_t after, size_t limit,
                          struct stat_event **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct pg_params p = {0};
    pp_int(&p, after);
    pp_int(&p, (int64_t)limit);
    int rc;
    PGresult *r =
        pg_run_named(c, "",
                     "SELECT id, at, actor_id, action FROM ticket_events WHERE id > $1 "
                     "AND actor_id IS NOT NULL AND action IN ('create', 'answer', 'callback') "
                     "ORDER BY id LIMIT $2",
                     0, &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r);
    struct stat_event *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    if (!a) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        a[i].id = pg_col_int(r, i, 0);
        a[i].at = pg_col_int(r, i, 1);
        a[i].actor_id = pg_col_int(r, i, 2);
        a[i].action = (enum action)action_parse_any(pg_col_str(r, i, 3));
    }
    PQclear(r);
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_stats_overdue_count(struct store_conn *c, int64_t ticket_id, int64_t *n)
{
    *n = 0;
    struct pg_params p = {0};
    pp_int(&p, ticket_id);
    int rc;
    PGresult *r = pg_run(c, PQ_STATS_OVERDUE,
                         "SELECT count(*) FROM ticket_events WHERE ticket_id = $1 "
                         "AND action = 'sla_overdue'",
                         &p, &rc);
    if (!r)
        return rc;
    if (PQntuples(r))
        *n = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

int pg_store_stats_samples(struct store_conn *c, int64_t category_id, const char *area,
                           const char *word, int64_t from, int64_t to, int limit,
                           struct stat_sample **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > 50 || (!category_id && !area && !word))
        return STORE_INVALID;
    struct pg_params p = {0};
    if (category_id)
        pp_int(&p, category_id);
    else
        pp_text(&p, area ? area : word);
    pp_int(&p, from);
    pp_int(&p, to);
    pp_int(&p, limit);
    int rc;
    const char *sql = category_id ? "SELECT number, title FROM tickets WHERE category_id = $1 "
                                    "AND created_at >= $2 AND created_at < $3 "
                                    "ORDER BY created_at DESC, id DESC LIMIT $4"
                      : area      ? "SELECT number, title FROM tickets WHERE area = $1 "
                                    "AND created_at >= $2 AND created_at < $3 "
                                    "ORDER BY created_at DESC, id DESC LIMIT $4"
                                  : "SELECT number, title FROM tickets "
                                    "WHERE created_at >= $2 AND created_at < $3 "
                                    "AND (strpos(title, $1) > 0 OR strpos(content, $1) > 0) "
                                    "ORDER BY created_at DESC, id DESC LIMIT $4";
    PGresult *r = pg_run_named(c, "", sql, 0, &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), oom = 0;
    if (rows > limit)
        rows = limit;
    struct stat_sample *a = calloc((size_t)limit, sizeof *a);
    if (!a) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        const char *num = pg_col_str(r, i, 0);
        snprintf(a[i].number, sizeof a[i].number, "%s", num ? num : "");
        a[i].title = pg_col_text(r, i, 1, &oom);
    }
    PQclear(r);
    if (oom) {
        store_free_stat_samples(a, (size_t)rows);
        return STORE_NOMEM;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}
