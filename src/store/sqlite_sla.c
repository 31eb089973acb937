/*
 * sqlite_sla.c - the working calendar's database days and the deadline
 * rules, in SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* ---- calendar ---- */

/* Moves calendar_state.revision on, so servers notice the change. */
static int bump(struct store_conn *c)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CAL_BUMP,
                               "UPDATE calendar_state SET revision = revision + 1 WHERE id = 1");
    return sq_exec(c, st, "calendar bump");
}

int store_calendar_revision(struct store_conn *c, int64_t *rev)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_CAL_REVISION, "SELECT revision FROM calendar_state WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    int src = sqlite3_step(st);
    *rev = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int rc = src == SQLITE_ROW || src == SQLITE_DONE ? STORE_OK : sq_rc(c, src, "calendar rev");
    sqlite3_reset(st);
    return rc;
}

int store_calendar_days(struct store_conn *c, struct cal_day **out, size_t *n)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_CAL_DAYS, "SELECT day, kind, name FROM calendar_days ORDER BY day");
    if (!st)
        return STORE_ERROR;
    struct cal_day *arr = NULL;
    size_t len = 0, cap = 0;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct cal_day *na = realloc(arr, ncap * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            arr = na;
            cap = ncap;
        }
        struct cal_day *d = &arr[len++];
        memset(d, 0, sizeof *d);
        d->day = sqlite3_column_int(st, 0);
        d->kind = (enum cal_kind)cal_kind_parse((const char *)sqlite3_column_text(st, 1));
        d->source = CAL_FROM_DB;
        const char *name = (const char *)sqlite3_column_text(st, 2);
        if (name) {
            size_t nl = strlen(name);
            if (nl > CAL_NAME_MAX)
                nl = CAL_NAME_MAX; /* defensive: the API caps names */
            memcpy(d->name, name, nl);
            d->name[nl] = '\0';
        }
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "calendar days");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

int store_calendar_years(struct store_conn *c, int **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CAL_YEARS, "SELECT year FROM calendar_years ORDER BY year");
    if (!st)
        return STORE_ERROR;
    int *arr = NULL;
    size_t len = 0, cap = 0;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            int *na = realloc(arr, ncap * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            arr = na;
            cap = ncap;
        }
        arr[len++] = sqlite3_column_int(st, 0);
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "calendar years");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

/* Writes one day row (no revision bump). */
static int put_day(struct store_conn *c, const struct cal_day *d, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CAL_PUT,
                               "INSERT INTO calendar_days(day, kind, name, updated_at) "
                               "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(day) DO UPDATE SET "
                               "kind = excluded.kind, name = excluded.name, "
                               "updated_at = excluded.updated_at");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, d->day);
    sq_bind_text(st, 2, cal_kind_name(d->kind));
    sq_bind_text(st, 3, d->name);
    sqlite3_bind_int64(st, 4, now);
    return sq_exec(c, st, "calendar put");
}

int store_calendar_put_day(struct store_conn *c, const struct cal_day *d, int64_t now)
{
    int rc = put_day(c, d, now);
    return rc == STORE_OK ? bump(c) : rc;
}

int store_calendar_delete_day(struct store_conn *c, int32_t day)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CAL_DELETE, "DELETE FROM calendar_days WHERE day = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, day);
    int rc = sq_exec(c, st, "calendar delete");
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc == STORE_OK ? bump(c) : rc;
}

/* Deletes the database days of a year; *changed gets how many went. */
static int delete_year_days(struct store_conn *c, int year, int *changed)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CAL_DELETE_YEAR_DAYS,
                               "DELETE FROM calendar_days WHERE day BETWEEN ?1 AND ?2");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, year * 10000 + 101);
    sqlite3_bind_int(st, 2, year * 10000 + 1231);
    int rc = sq_exec(c, st, "calendar delete year");
    *changed = rc == STORE_OK ? sqlite3_changes(c->db) : 0;
    return rc;
}

int store_calendar_replace_year(struct store_conn *c, int year, const struct cal_day *days,
                                size_t n, int64_t now)
{
    int changed;
    int rc = delete_year_days(c, year, &changed);
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        rc = days[i].day / 10000 == year ? put_day(c, &days[i], now) : STORE_INVALID;
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *st = sq_stmt(c, Q_CAL_MARK_YEAR,
                               "INSERT INTO calendar_years(year, updated_at) VALUES(?1, ?2) "
                               "ON CONFLICT(year) DO UPDATE SET updated_at = excluded.updated_at");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int64(st, 2, now);
    rc = sq_exec(c, st, "calendar mark year");
    return rc == STORE_OK ? bump(c) : rc;
}

int store_calendar_delete_year(struct store_conn *c, int year)
{
    int days = 0;
    int rc = delete_year_days(c, year, &days);
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *st = sq_stmt(c, Q_CAL_UNMARK_YEAR, "DELETE FROM calendar_years WHERE year = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, year);
    rc = sq_exec(c, st, "calendar unmark year");
    if (rc != STORE_OK)
        return rc;
    if (days == 0 && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return bump(c);
}

/* ---- deadline rules ---- */

#define RULE_COLS                                                                               \
    "id, type, urgency, category_id, sign_amount, sign_unit, reply_amount, reply_unit, "       \
    "callback_amount, callback_unit, note, created_at, updated_at"

static int read_rule(sqlite3_stmt *st, struct sla_rule *r)
{
    int oom = 0;
    sla_rule_init(r);
    r->id = sqlite3_column_int64(st, 0);
    const char *type = (const char *)sqlite3_column_text(st, 1);
    const char *urg = (const char *)sqlite3_column_text(st, 2);
    r->type = type ? ticket_type_parse(type) : -1;
    r->urgency = urg ? urgency_parse(urg) : -1;
    r->category_id = sq_col_id(st, 3);
    for (int k = 0; k < SLA_CLOCK__COUNT; k++) {
        int col = 4 + 2 * k;
        const char *unit = (const char *)sqlite3_column_text(st, col + 1);
        int u = unit ? sla_unit_parse(unit) : -1;
        if (sqlite3_column_type(st, col) != SQLITE_NULL && u >= 0)
            r->span[k] = (struct sla_span){sqlite3_column_int(st, col), (enum sla_unit)u};
    }
    r->note = sq_col_text(st, 10, &oom);
    r->created_at = sqlite3_column_int64(st, 11);
    r->updated_at = sqlite3_column_int64(st, 12);
    return oom ? STORE_NOMEM : STORE_OK;
}

/* Binds type..note at ?2..?11 in RULE_COLS order. */
static void bind_rule(sqlite3_stmt *st, const struct sla_rule *r)
{
    sq_bind_text(st, 2, r->type >= 0 ? ticket_type_name(r->type) : NULL);
    sq_bind_text(st, 3, r->urgency >= 0 ? urgency_name(r->urgency) : NULL);
    sq_bind_id(st, 4, r->category_id);
    for (int k = 0; k < SLA_CLOCK__COUNT; k++) {
        if (sla_span_set(r->span[k])) {
            sqlite3_bind_int(st, 5 + 2 * k, r->span[k].amount);
            sq_bind_text(st, 6 + 2 * k, sla_unit_name(r->span[k].unit));
        } else {
            sqlite3_bind_null(st, 5 + 2 * k);
            sqlite3_bind_null(st, 6 + 2 * k);
        }
    }
    sq_bind_text(st, 11, r->note);
}

int store_sla_rule_list(struct store_conn *c, struct sla_rule **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_RULE_LIST, "SELECT " RULE_COLS " FROM sla_rules ORDER BY id");
    if (!st)
        return STORE_ERROR;
    struct sla_rule *arr = NULL;
    size_t len = 0, cap = 0;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sla_rule *na = realloc(arr, ncap * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            arr = na;
            cap = ncap;
        }
        rc = read_rule(st, &arr[len++]);
        if (rc != STORE_OK)
            break;
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "rule list");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        store_free_sla_rules(arr, len);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

int store_sla_rule_get(struct store_conn *c, int64_t id, struct sla_rule *out)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_RULE_GET, "SELECT " RULE_COLS " FROM sla_rules WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st), rc;
    if (src == SQLITE_ROW)
        rc = read_rule(st, out);
    else
        rc = src == SQLITE_DONE ? STORE_NOTFOUND : sq_rc(c, src, "rule get");
    sqlite3_reset(st);
    if (rc == STORE_NOMEM)
        sla_rule_release(out);
    return rc;
}

int store_sla_rule_insert(struct store_conn *c, struct sla_rule *r, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(c, Q_RULE_INSERT,
                               "INSERT INTO sla_rules(type, urgency, category_id, sign_amount, "
                               "sign_unit, reply_amount, reply_unit, callback_amount, "
                               "callback_unit, note, created_at, updated_at) "
                               "VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)");
    if (!st)
        return STORE_ERROR;
    bind_rule(st, r);
    sqlite3_bind_int64(st, 12, now);
    int rc = sq_exec(c, st, "rule insert");
    if (rc == STORE_OK) {
        r->id = sqlite3_last_insert_rowid(c->db);
        r->created_at = r->updated_at = now;
    }
    return rc;
}

int store_sla_rule_update(struct store_conn *c, struct sla_rule *r, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(c, Q_RULE_UPDATE,
                               "UPDATE sla_rules SET type = ?2, urgency = ?3, category_id = ?4, "
                               "sign_amount = ?5, sign_unit = ?6, reply_amount = ?7, "
                               "reply_unit = ?8, callback_amount = ?9, callback_unit = ?10, "
                               "note = ?11, updated_at = ?12 WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->id);
    bind_rule(st, r);
    sqlite3_bind_int64(st, 12, now);
    int rc = sq_exec(c, st, "rule update");
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    if (rc == STORE_OK)
        r->updated_at = now;
    return rc;
}

int store_sla_rule_delete(struct store_conn *c, int64_t id)
{
    sqlite3_stmt *st = sq_stmt(c, Q_RULE_DELETE, "DELETE FROM sla_rules WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sq_exec(c, st, "rule delete");
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc;
}

void store_free_sla_rules(struct sla_rule *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sla_rule_release(&a[i]);
    free(a);
}
