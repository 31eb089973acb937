/*
 * pg_sla.c - the working calendar's database days and the deadline rules in
 * PostgreSQL; mirrors sqlite_sla.c.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

/* ---- calendar ---- */

static int bump(struct store_conn *c)
{
    return pg_exec(c, PQ_CAL_BUMP, "UPDATE calendar_state SET revision = revision + 1 WHERE id = 1",
                   NULL, NULL);
}

int pg_store_calendar_revision(struct store_conn *c, int64_t *rev)
{
    int rc;
    PGresult *r = pg_run(c, PQ_CAL_REVISION, "SELECT revision FROM calendar_state WHERE id = 1",
                         NULL, &rc);
    if (!r)
        return rc;
    *rev = PQntuples(r) ? pg_col_int(r, 0, 0) : 0;
    PQclear(r);
    return STORE_OK;
}

int pg_store_calendar_days(struct store_conn *c, struct cal_day **out, size_t *n)
{
    int rc;
    PGresult *r = pg_run(c, PQ_CAL_DAYS, "SELECT day, kind, name FROM calendar_days ORDER BY day",
                         NULL, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r);
    struct cal_day *arr = calloc(rows ? (size_t)rows : 1, sizeof *arr);
    if (!arr) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        struct cal_day *d = &arr[i];
        d->day = (int32_t)pg_col_int(r, i, 0);
        d->kind = (enum cal_kind)cal_kind_parse(pg_col_str(r, i, 1));
        d->source = CAL_FROM_DB;
        const char *name = pg_col_str(r, i, 2);
        if (name) {
            size_t nl = strlen(name);
            if (nl > CAL_NAME_MAX)
                nl = CAL_NAME_MAX; /* defensive: the API caps names */
            memcpy(d->name, name, nl);
            d->name[nl] = '\0';
        }
    }
    PQclear(r);
    *out = arr;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_calendar_years(struct store_conn *c, int **out, size_t *n)
{
    int rc;
    PGresult *r =
        pg_run(c, PQ_CAL_YEARS, "SELECT year FROM calendar_years ORDER BY year", NULL, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r);
    int *arr = calloc(rows ? (size_t)rows : 1, sizeof *arr);
    if (!arr) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++)
        arr[i] = (int)pg_col_int(r, i, 0);
    PQclear(r);
    *out = arr;
    *n = (size_t)rows;
    return STORE_OK;
}

static int put_day(struct store_conn *c, const struct cal_day *d, int64_t now)
{
    struct pg_params p = {0};
    pp_int(&p, d->day);
    pp_text(&p, cal_kind_name(d->kind));
    pp_text(&p, d->name);
    pp_int(&p, now);
    return pg_exec(c, PQ_CAL_PUT,
                   "INSERT INTO calendar_days(day, kind, name, updated_at) VALUES($1, $2, $3, $4) "
                   "ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
                   "updated_at = excluded.updated_at",
                   &p, NULL);
}

int pg_store_calendar_put_day(struct store_conn *c, const struct cal_day *d, int64_t now)
{
    int rc = put_day(c, d, now);
    return rc == STORE_OK ? bump(c) : rc;
}

int pg_store_calendar_delete_day(struct store_conn *c, int32_t day)
{
    struct pg_params p = {0};
    pp_int(&p, day);
    int64_t changed = 0;
    int rc = pg_exec(c, PQ_CAL_DELETE, "DELETE FROM calendar_days WHERE day = $1", &p, &changed);
    if (rc == STORE_OK && changed == 0)
        return STORE_NOTFOUND;
    return rc == STORE_OK ? bump(c) : rc;
}

static int delete_year_days(struct store_conn *c, int year, int64_t *changed)
{
    struct pg_params p = {0};
    pp_int(&p, year * 10000 + 101);
    pp_int(&p, year * 10000 + 1231);
    return pg_exec(c, PQ_CAL_DELETE_YEAR_DAYS,
                   "DELETE FROM calendar_days WHERE day BETWEEN $1 AND $2", &p, changed);
}

int pg_store_calendar_replace_year(struct store_conn *c, int year, const struct cal_day *days,
                                   size_t n, int64_t now)
{
    int64_t changed = 0;
    int rc = delete_year_days(c, year, &changed);
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        rc = days[i].day / 10000 == year ? put_day(c, &days[i], now) : STORE_INVALID;
    if (rc != STORE_OK)
        return rc;
    struct pg_params p = {0};
    pp_int(&p, year);
    pp_int(&p, now);
    rc = pg_exec(c, PQ_CAL_MARK_YEAR,
                 "INSERT INTO calendar_years(year, updated_at) VALUES($1, $2) "
                 "ON CONFLICT(year) DO UPDATE SET updated_at = excluded.updated_at",
                 &p, NULL);
    return rc == STORE_OK ? bump(c) : rc;
}

int pg_store_calendar_delete_year(struct store_conn *c, int year)
{
    int64_t days = 0, marks = 0;
    int rc = delete_year_days(c, year, &days);
    if (rc != STORE_OK)
        return rc;
    struct pg_params p = {0};
    pp_int(&p, year);
    rc = pg_exec(c, PQ_CAL_UNMARK_YEAR, "DELETE FROM calendar_years WHERE year = $1", &p, &marks);
    if (rc != STORE_OK)
        return rc;
    if (days == 0 && marks == 0)
        return STORE_NOTFOUND;
    return bump(c);
}

/* ---- deadline rules ---- */

#define RULE_COLS                                                                               \
    "id, type, urgency, category_id, sign_amount, sign_unit, reply_amount, reply_unit, "       \
    "callback_amount, callback_unit, note, created_at, updated_at"

static int read_rule(PGresult *res, int row, struct sla_rule *r)
{
    int oom = 0;
    sla_rule_init(r);
    r->id = pg_col_int(res, row, 0);
    const char *type = pg_col_str(res, row, 1), *urg = pg_col_str(res, row, 2);
    r->type = type ? ticket_type_parse(type) : -1;
    r->urgency = urg ? urgency_parse(urg) : -1;
    r->category_id = pg_col_int(res, row, 3);
    for (int k = 0; k < SLA_CLOCK__COUNT; k++) {
        int col = 4 + 2 * k;
        const char *unit = pg_col_str(res, row, col + 1);
        int u = unit ? sla_unit_parse(unit) : -1;
        if (!PQgetisnull(res, row, col) && u >= 0)
            r->span[k] = (struct sla_span){(int)pg_col_int(res, row, col), (enum sla_unit)u};
    }
    r->note = pg_col_text(res, row, 10, &oom);
    r->created_at = pg_col_int(res, row, 11);
    r->updated_at = pg_col_int(res, row, 12);
    return oom ? STORE_NOMEM : STORE_OK;
}

/* type..note as the next ten parameters, in RULE_COLS order. */
static void bind_rule(struct pg_params *p, const struct sla_rule *r)
{
    pp_text(p, r->type >= 0 ? ticket_type_name(r->type) : NULL);
    pp_text(p, r->urgency >= 0 ? urgency_name(r->urgency) : NULL);
    pp_id(p, r->category_id);
    for (int k = 0; k < SLA_CLOCK__COUNT; k++) {
        if (sla_span_set(r->span[k])) {
            pp_int(p, r->span[k].amount);
            pp_text(p, sla_unit_name(r->span[k].unit));
        } else {
            pp_text(p, NULL);
            pp_text(p, NULL);
        }
    }
    pp_text(p, r->note);
}

int pg_store_sla_rule_list(struct store_conn *c, struct sla_rule **out, size_t *n)
{
    int rc;
    PGresult *r =
        pg_run(c, PQ_RULE_LIST, "SELECT " RULE_COLS " FROM sla_rules ORDER BY id", NULL, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), len = 0;
    struct sla_rule *arr = calloc(rows ? (size_t)rows : 1, sizeof *arr);
    rc = arr ? STORE_OK : STORE_NOMEM;
    while (rc == STORE_OK && len < rows) {
        rc = read_rule(r, len, &arr[len]);
        len++;
    }
    PQclear(r);
    if (rc != STORE_OK) {
        if (arr)
            store_free_sla_rules(arr, (size_t)len);
        return rc;
    }
    *out = arr;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_sla_rule_get(struct store_conn *c, int64_t id, struct sla_rule *out)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r =
        pg_run(c, PQ_RULE_GET, "SELECT " RULE_COLS " FROM sla_rules WHERE id = $1", &p, &rc);
    if (!r)
        return rc;
    rc = PQntuples(r) ? read_rule(r, 0, out) : STORE_NOTFOUND;
    PQclear(r);
    if (rc == STORE_NOMEM)
        sla_rule_release(out);
    return rc;
}

int pg_store_sla_rule_insert(struct store_conn *c, struct sla_rule *rule, int64_t now)
{
    struct pg_params p = {0};
    bind_rule(&p, rule);
    pp_int(&p, now);
    int rc;
    PGresult *r = pg_run(c, PQ_RULE_INSERT,
                         "INSERT INTO sla_rules(type, urgency, category_id, sign_amount, "
                         "sign_unit, reply_amount, reply_unit, callback_amount, callback_unit, "
                         "note, created_at, updated_at) "
                         "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                         &p, &rc);
    if (!r)
        return rc;
    rule->id = pg_col_int(r, 0, 0);
    rule->created_at = rule->updated_at = now;
    PQclear(r);
    return STORE_OK;
}

int pg_store_sla_rule_update(struct store_conn *c, struct sla_rule *rule, int64_t now)
{
    struct pg_params p = {0};
    bind_rule(&p, rule);
    pp_int(&p, now);
    pp_int(&p, rule->id);
    int64_t changed = 0;
    int rc = pg_exec(c, PQ_RULE_UPDATE,
                     "UPDATE sla_rules SET type = $1, urgency = $2, category_id = $3, "
                     "sign_amount = $4, sign_unit = $5, reply_amount = $6, reply_unit = $7, "
                     "callback_amount = $8, callback_unit = $9, note = $10, updated_at = $11 "
                     "WHERE id = $12",
                     &p, &changed);
    if (rc == STORE_OK && changed == 0)
        return STORE_NOTFOUND;
    if (rc == STORE_OK)
        rule->updated_at = now;
    return rc;
}

int pg_store_sla_rule_delete(struct store_conn *c, int64_t id)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int64_t changed = 0;
    int rc = pg_exec(c, PQ_RULE_DELETE, "DELETE FROM sla_rules WHERE id = $1", &p, &changed);
    if (rc == STORE_OK && changed == 0)
        return STORE_NOTFOUND;
    return rc;
}
