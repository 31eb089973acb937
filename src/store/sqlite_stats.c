/*
 * sqlite_stats.c - the daily figures of the operations statistics in SQLite
 * (migration 008): add to a row, sum rows by chosen columns, the series the
 * hot topics are scored on, and what a recount reads from the tickets.
 *
 * Sums are assembled from fixed column names picked by a bit mask (never
 * from input) and prepared per call: a dashboard asks a few times a
 * minute, a prepare costs microseconds. The add statements, run on every
 * ticket write, are cached per connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats_ops.h"
#include "store/sqlite_int.h"

#define SERIES_DAYS 9 /* the day and up to 8 weeks before */

/* Table names and columns, in stat_row order: k0..k3, text, v0..v2 (NULL: none). */
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

void store_free_stat_rows(struct stat_row *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i].text);
    free(a);
}

void store_free_stat_facts(struct stat_fact *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free(a[i].area);
        free(a[i].title);
        free(a[i].content);
    }
    free(a);
}

int store_stats_add(struct store_conn *c, enum stats_table t, const struct stat_row *r)
{
    static const char *const sql[] = {
        [STATS_DAY] = "INSERT INTO stats_day(day, channel, type, category_top, category_id, area, "
                      "created, direct, kb) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                      "ON CONFLICT DO UPDATE SET created = created + ?7, direct = direct + ?8, "
                      "kb = kb + ?9",
        [STATS_UNIT] = "INSERT INTO stats_unit(day, unit_id, tickets, overdue) "
                       "VALUES(?1, ?2, ?7, ?8) ON CONFLICT DO UPDATE SET "
                       "tickets = tickets + ?7, overdue = overdue + ?8",
        [STATS_AGENT] = "INSERT INTO stats_agent(day, user_id, created, direct, callbacks) "
                        "VALUES(?1, ?2, ?7, ?8, ?9) ON CONFLICT DO UPDATE SET "
                        "created = created + ?7, direct = direct + ?8, callbacks = callbacks + ?9",
        /* parenthesised: clang takes a two-piece literal for a missing comma */
        [STATS_WORD] = ("INSERT INTO stats_word(day, word, tickets) VALUES(?1, ?6, ?7) "
                        "ON CONFLICT DO UPDATE SET tickets = tickets + ?7"),
    };
    static const enum stmt_id ids[] = {Q_STATS_ADD_DAY, Q_STATS_ADD_UNIT, Q_STATS_ADD_AGENT,
                                       Q_STATS_ADD_WORD};
    if ((unsigned)t > STATS_WORD)
        return STORE_INVALID;
    sqlite3_stmt *st = sq_stmt(c, ids[t], sql[t]);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->day);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_int64(st, 2 + i, r->k[i]);
    sqlite3_bind_text(st, 6, r->text ? r->text : "", -1, SQLITE_STATIC);
    for (int i = 0; i < 3; i++)
        sqlite3_bind_int64(st, 7 + i, r->v[i]);
    return sq_exec(c, st, "stats add");
}

/* Appends "name, " for each grouped column to sel (and grp); 0 or -1 if too long. */
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

/* Reads rows of (grouped columns in order, then sums) into a growing array. */
static int read_rows(struct store_conn *c, sqlite3_stmt *st, unsigned group, int nv,
                     struct stat_row **out, size_t *n)
{
    struct stat_row *a = NULL;
    size_t len = 0, cap = 0;
    int rc = STORE_OK, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct stat_row *na = realloc(a, nc * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            a = na;
            cap = nc;
        }
        struct stat_row *r = &a[len];
        memset(r, 0, sizeof *r);
        int col = 0, oom = 0;
        if (group & SG_DAY)
            r->day = (day_key)sqlite3_column_int64(st, col++);
        for (int i = 0; i < 4; i++)
            if (group & (SG_K0 << i))
                r->k[i] = sqlite3_column_int64(st, col++);
        if (group & SG_TEXT)
            r->text = sq_col_text(st, col++, &oom);
        for (int i = 0; i < nv; i++)
            r->v[i] = sqlite3_column_int64(st, col++);
        len++;
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "stats read");
    if (rc == STORE_OK && !a && !(a = calloc(1, sizeof *a))) /* never NULL on success */
        rc = STORE_NOMEM;
    if (rc != STORE_OK) {
        store_free_stat_rows(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_stats_sum(struct store_conn *c, enum stats_table t, unsigned group, day_key from,
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
                 "SELECT %s, %s FROM %s WHERE day BETWEEN ?1 AND ?2 GROUP BY %s ORDER BY %s", cols,
                 sums, sh->table, cols, cols);
    else /* an aggregate without GROUP BY: always one row */
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE day BETWEEN ?1 AND ?2", sums, sh->table);
    sqlite3_stmt *st = sq_prepare(c, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc = read_rows(c, st, group, nv, out, n);
    sqlite3_finalize(st);
    return rc;
}

/* One pass over the days' rows (primary key range) with the candidates as an
   IN list: a join would scan the range once per candidate. */
int store_stats_series(struct store_conn *c, enum stats_table t, unsigned key, day_key base_from,
                       day_key win_from, day_key to, int64_t min, struct stat_row **out, size_t *n)
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
             "WITH cand AS (SELECT %s AS k FROM %s WHERE day BETWEEN ?2 AND ?3 GROUP BY %s "
             "HAVING SUM(%s) >= ?4) "
             "SELECT s.day, s.%s, SUM(s.%s) FROM %s s WHERE %s "
             "AND s.%s IN (SELECT k FROM cand) GROUP BY s.%s, s.day ORDER BY s.%s, s.day",
             col, sh->table, col, sh->v[0], col, sh->v[0], sh->table,
             one_day ? "s.day >= ?1 AND s.day IN (?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                     : "s.day BETWEEN ?1 AND ?3",
             col, col, col);
    sqlite3_stmt *st = sq_prepare(c, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, base_from);
    sqlite3_bind_int64(st, 2, win_from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_int64(st, 4, min);
    for (int i = 0; i < SERIES_DAYS; i++)
        sqlite3_bind_int64(st, 5 + i, one_day ? days[i] : 0);
    int rc = read_rows(c, st, SG_DAY | key, 1, out, n);
    sqlite3_finalize(st);
    return rc;
}

int store_stats_clear(struct store_conn *c)
{
    static const char *const sql[] = {"DELETE FROM stats_day", "DELETE FROM stats_unit",
                                      "DELETE FROM stats_agent", "DELETE FROM stats_word"};
    for (size_t i = 0; i < 4; i++) {
        sqlite3_stmt *st = sq_prepare(c, sql[i]);
        if (!st)
            return STORE_ERROR;
        int rc = sq_exec(c, st, "stats clear");
        sqlite3_finalize(st);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

int store_stats_facts(struct store_conn *c, int64_t after, size_t limit, struct stat_fact **out,
                      size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = sq_prepare(
        c,
        "SELECT t.id, t.created_at, t.category_id, t.unit_id, t.kb_article_id, t.channel, "
        "t.type, t.area, t.title, t.content, "
        "EXISTS(SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = 'answer'), "
        "EXISTS(SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id "
        "AND e.action = 'sla_overdue') "
        "FROM tickets t WHERE t.id > ?1 ORDER BY t.id LIMIT ?2");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (int64_t)limit);
    struct stat_fact *a = calloc(limit ? limit : 1, sizeof *a);
    int rc = a ? STORE_OK : STORE_NOMEM, src = SQLITE_DONE;
    size_t len = 0;
    while (rc == STORE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct stat_fact *f = &a[len++];
        int oom = 0;
        f->id = sqlite3_column_int64(st, 0);
        f->created_at = sqlite3_column_int64(st, 1);
        f->category_id = sq_col_id(st, 2);
        f->unit_id = sq_col_id(st, 3);
        f->kb_article_id = sq_col_id(st, 4);
        f->channel = channel_parse((const char *)sqlite3_column_text(st, 5));
        f->type = ticket_type_parse((const char *)sqlite3_column_text(st, 6));
        f->area = sq_col_text(st, 7, &oom);
        f->title = sq_col_text(st, 8, &oom);
        f->content = sq_col_text(st, 9, &oom);
        f->answered = sqlite3_column_int(st, 10) != 0;
        f->overdue = sqlite3_column_int(st, 11) != 0;
        if (oom)
            rc = STORE_NOMEM;
    }
    if (rc == STORE_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "stats facts");
    sqlite3_finalize(st);
    if (rc != STORE_OK) {
        store_free_stat_facts(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_stats_events(struct store_conn *c, int64_t after, size_t limit, struct stat_event **out,
                       size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st =
        sq_prepare(c, "SELECT id, at, actor_id, action FROM ticket_events WHERE id > ?1 "
                      "AND actor_id IS NOT NULL AND action IN ('create', 'answer', 'callback') "
                      "ORDER BY id LIMIT ?2");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (int64_t)limit);
    struct stat_event *a = calloc(limit ? limit : 1, sizeof *a);
    int rc = a ? STORE_OK : STORE_NOMEM, src = SQLITE_DONE;
    size_t len = 0;
    while (rc == STORE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct stat_event *e = &a[len++];
        e->id = sqlite3_column_int64(st, 0);
        e->at = sqlite3_column_int64(st, 1);
        e->actor_id = sqlite3_column_int64(st, 2);
        e->action = (enum action)action_parse_any((const char *)sqlite3_column_text(st, 3));
    }
    if (rc == STORE_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "stats events");
    sqlite3_finalize(st);
    if (rc != STORE_OK) {
        free(a);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_stats_overdue_count(struct store_conn *c, int64_t ticket_id, int64_t *n)
{
    *n = 0;
    sqlite3_stmt *st = sq_stmt(c, Q_STATS_OVERDUE,
                               "SELECT count(*) FROM ticket_events WHERE ticket_id = ?1 "
                               "AND action = 'sla_overdue'");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ticket_id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return STORE_OK;
    }
    return sq_rc(c, src, "stats overdue");
}

void store_free_stat_samples(struct stat_sample *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i].title);
    free(a);
}

int store_stats_samples(struct store_conn *c, int64_t category_id, const char *area,
                        const char *word, int64_t from, int64_t to, int limit,
                        struct stat_sample **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > 50 || (!category_id && !area && !word))
        return STORE_INVALID;
    /* The window's tickets newest first (tickets_created), until enough match. */
    sqlite3_stmt *st =
        category_id ? sq_prepare(c, "SELECT number, title FROM tickets WHERE category_id = ?1 "
                                    "AND created_at >= ?2 AND created_at < ?3 "
                                    "ORDER BY created_at DESC, id DESC LIMIT ?4")
        : area      ? sq_prepare(c, "SELECT number, title FROM tickets WHERE area = ?1 "
                                         "AND created_at >= ?2 AND created_at < ?3 "
                                         "ORDER BY created_at DESC, id DESC LIMIT ?4")
                    : sq_prepare(c, "SELECT number, title FROM tickets INDEXED BY tickets_created "
                                         "WHERE created_at >= ?2 AND created_at < ?3 "
                                         "AND (instr(title, ?1) > 0 OR instr(content, ?1) > 0) "
                                         "ORDER BY created_at DESC, id DESC LIMIT ?4");
    if (!st)
        return STORE_ERROR;
    if (category_id)
        sqlite3_bind_int64(st, 1, category_id);
    else
        sqlite3_bind_text(st, 1, area ? area : word, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_int(st, 4, limit);
    struct stat_sample *a = calloc((size_t)limit, sizeof *a);
    int rc = a ? STORE_OK : STORE_NOMEM, src = SQLITE_DONE;
    size_t len = 0;
    while (rc == STORE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        int oom = 0;
        const char *num = (const char *)sqlite3_column_text(st, 0);
        snprintf(a[len].number, sizeof a[len].number, "%s", num ? num : "");
        a[len].title = sq_col_text(st, 1, &oom);
        len++;
        if (oom)
            rc = STORE_NOMEM;
    }
    if (rc == STORE_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "stats samples");
    sqlite3_finalize(st);
    if (rc != STORE_OK) {
        store_free_stat_samples(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}
