/*
 * calendar.c - the working calendar as the server uses it: the shipped files
 * under <data dir>/calendar/ with the database's days laid over them, built
 * into a fresh immutable calendar and installed whole on every change; and
 * the deadline rules' checks.
 *
 * Every change ends with a reload and a recompute of provisional deadlines,
 * so a year whose schedule arrives (file, import or admin edit) fixes the
 * tickets counted on weekdays alone.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/deadlines.h"
#include "core/sla.h"
#include "core/timeutil.h"
#include "core/validate.h"

#define BUSY_RETRIES 5

static char data_dir[1024];
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_llong loaded_revision = -1;

void app_calendar_set_dir(const char *dir)
{
    snprintf(data_dir, sizeof data_dir, "%s", dir ? dir : "");
}

const char *app_calendar_dir(void)
{
    return data_dir[0] ? data_dir : NULL;
}

/* Lays the database's days and years over cal; reads the revision they belong to. */
static int overlay_db(struct store_conn *c, struct calendar *cal, int64_t *rev)
{
    struct cal_day *days = NULL;
    int *years = NULL;
    size_t nd = 0, ny = 0;
    int rc = store_begin(c, false);
    if (rc != STORE_OK)
        return rc;
    rc = store_calendar_revision(c, rev);
    if (rc == STORE_OK)
        rc = store_calendar_days(c, &days, &nd);
    if (rc == STORE_OK)
        rc = store_calendar_years(c, &years, &ny);
    store_rollback(c); /* a read: nothing to keep */
    for (size_t i = 0; rc == STORE_OK && i < nd; i++)
        if (calendar_set(cal, days[i].day, days[i].kind, days[i].name, CAL_FROM_DB) != 0)
            rc = STORE_NOMEM;
    for (size_t i = 0; rc == STORE_OK && i < ny; i++)
        if (calendar_mark_year(cal, years[i]) != 0)
            rc = STORE_NOMEM;
    free(days);
    free(years);
    return rc;
}

int app_calendar_reload(struct store *s, bool recompute, struct app_error *e)
{
    char err[512] = "";
    int n_files = 0, rc = STORE_OK;
    int64_t rev = 0;
    struct calendar *cal = calendar_new();
    if (!cal)
        return app_fail(e, APP_INTERNAL, NULL, "out of memory");
    pthread_mutex_lock(&reload_lock);
    if (data_dir[0]) {
        char dir[1100];
        snprintf(dir, sizeof dir, "%s/calendar", data_dir);
        if (calendar_load_dir(cal, dir, &n_files, err, sizeof err) != 0) {
            pthread_mutex_unlock(&reload_lock);
            calendar_free(cal);
            return app_fail(e, APP_INVALID, NULL, "calendar file: %s", err);
        }
    }
    if (s) {
        struct store_conn *c = store_conn_get(s);
        rc = c ? overlay_db(c, cal, &rev) : STORE_ERROR;
    }
    if (rc != STORE_OK) {
        pthread_mutex_unlock(&reload_lock);
        calendar_free(cal);
        return app_store_fail(e, rc, "calendar");
    }
    calendar_install(cal);
    atomic_store(&loaded_revision, rev);
    pthread_mutex_unlock(&reload_lock);
    if (recompute && s && app_deadlines_recompute(s, time_now_ms(), NULL) != STORE_OK)
        return app_fail(e, APP_BUSY, NULL, "recomputing provisional deadlines failed");
    return APP_OK;
}

int app_calendar_refresh(struct store *s)
{
    struct store_conn *c = store_conn_get(s);
    int64_t rev = 0;
    struct app_error e;
    if (!c || store_calendar_revision(c, &rev) != STORE_OK)
        return APP_INTERNAL;
    if (rev == atomic_load(&loaded_revision))
        return APP_OK;
    return app_calendar_reload(s, true, &e);
}

size_t app_calendar_missing_years(int64_t now, int out[2])
{
    struct local_time lt;
    size_t n = 0;
    const struct calendar *cal = calendar_acquire();
    time_to_local(now, &lt);
    for (int y = lt.year; y <= lt.year + 1; y++)
        if (!calendar_year_known(cal, y))
            out[n++] = y;
    calendar_release(cal);
    return n;
}

/* Runs fn in a write transaction, retrying while the database is busy, then reloads. */
static int calendar_write(struct store *s, int (*fn)(struct store_conn *c, const void *arg),
                          const void *arg, const char *what, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = STORE_BUSY;
    for (int i = 0; i < BUSY_RETRIES && rc == STORE_BUSY; i++) {
        rc = store_begin(c, true);
        if (rc != STORE_OK)
            continue;
        rc = fn(c, arg);
        if (rc == STORE_OK)
            rc = store_commit(c);
        else
            store_rollback(c);
    }
    if (rc != STORE_OK)
        return app_store_fail(e, rc, what);
    return app_calendar_reload(s, true, e);
}

struct day_arg {
    const struct cal_day *day;
};

static int do_put_day(struct store_conn *c, const void *arg)
{
    return store_calendar_put_day(c, ((const struct day_arg *)arg)->day, time_now_ms());
}

static int do_delete_day(struct store_conn *c, const void *arg)
{
    return store_calendar_delete_day(c, *(const int32_t *)arg);
}

struct year_arg {
    int year;
    const struct cal_day *days;
    size_t n;
};

static int do_put_year(struct store_conn *c, const void *arg)
{
    const struct year_arg *y = arg;
    return store_calendar_replace_year(c, y->year, y->days, y->n, time_now_ms());
}

static int do_delete_year(struct store_conn *c, const void *arg)
{
    return store_calendar_delete_year(c, *(const int *)arg);
}

/* A listed day must be a real date with a kind and a short, valid name. */
static int check_day(const struct cal_day *d, struct app_error *e)
{
    if (!calendar_day_valid(d->day) || (d->kind != CAL_WORK && d->kind != CAL_HOLIDAY))
        return app_fail(e, APP_INVALID, "date", "%d is not a date to list as work or holiday",
                        (int)d->day);
    if (!utf8_valid(d->name, strlen(d->name)))
        return app_fail(e, APP_INVALID, "name", "name is not valid UTF-8");
    return APP_OK;
}

int app_calendar_put_day(struct store *s, int32_t day, enum cal_kind kind, const char *name,
                         struct app_error *e)
{
    struct cal_day d = {.day = day, .kind = kind, .source = CAL_FROM_DB};
    if (name && strlen(name) > CAL_NAME_MAX)
        return app_fail(e, APP_INVALID, "name", "name is too long (max %d bytes)", CAL_NAME_MAX);
    snprintf(d.name, sizeof d.name, "%s", name ? name : "");
    if (check_day(&d, e) != APP_OK)
        return e->code;
    struct day_arg a = {&d};
    return calendar_write(s, do_put_day, &a, "calendar day", e);
}

int app_calendar_delete_day(struct store *s, int32_t day, struct app_error *e)
{
    int rc = calendar_write(s, do_delete_day, &day, "calendar day", e);
    if (rc == APP_NOTFOUND)
        return app_fail(e, APP_NOTFOUND, NULL, "the database does not list that day");
    return rc;
}

int app_calendar_put_year(struct store *s, int year, const struct cal_day *days, size_t n,
                          struct app_error *e)
{
    if (year < 1970 || year > 9999)
        return app_fail(e, APP_INVALID, "year", "year %d is out of range", year);
    for (size_t i = 0; i < n; i++) {
        if (check_day(&days[i], e) != APP_OK)
            return e->code;
        if (days[i].day / 10000 != year)
            return app_fail(e, APP_INVALID, "days", "%d is not in %d", (int)days[i].day, year);
        for (size_t j = 0; j < i; j++)
            if (days[j].day == days[i].day)
                return app_fail(e, APP_INVALID, "days", "%d is listed twice", (int)days[i].day);
    }
    struct year_arg a = {year, days, n};
    return calendar_write(s, do_put_year, &a, "calendar year", e);
}

int app_calendar_delete_year(struct store *s, int year, struct app_error *e)
{
    int rc = calendar_write(s, do_delete_year, &year, "calendar year", e);
    if (rc == APP_NOTFOUND)
        return app_fail(e, APP_NOTFOUND, NULL, "the database has nothing for %d", year);
    return rc;
}

int app_calendar_import(struct store *s, const char *path, int *year, size_t *n_days,
                        struct app_error *e)
{
    char err[512] = "";
    struct calendar *cal = calendar_new();
    if (!cal)
        return app_fail(e, APP_INTERNAL, NULL, "out of memory");
    if (calendar_load_file(cal, path, year, err, sizeof err) != 0) {
        calendar_free(cal);
        return app_fail(e, APP_INVALID, NULL, "%s", err);
    }
    const struct cal_day *first = NULL;
    size_t n = calendar_days_of(cal, *year, &first);
    int rc = app_calendar_put_year(s, *year, first, n, e);
    calendar_free(cal);
    if (rc == APP_OK && n_days)
        *n_days = n;
    return rc;
}

/* ---- deadline rules ---- */

int app_sla_rule_save(struct store *s, struct sla_rule *r, bool create, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    bool any = false;
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    for (int k = 0; k < SLA_CLOCK__COUNT; k++)
        any = any || sla_span_set(r->span[k]);
    if (!any)
        return app_fail(e, APP_INVALID, "sign", "a rule must set at least one of sign, reply, "
                                                "callback");
    if (r->note && (strlen(r->note) > SLA_RULE_NOTE_MAX || !utf8_valid(r->note, strlen(r->note))))
        return app_fail(e, APP_INVALID, "note", "note is too long (max %d bytes)",
                        SLA_RULE_NOTE_MAX);
    int64_t now = time_now_ms();
    int rc = create ? store_sla_rule_insert(c, r, now) : store_sla_rule_update(c, r, now);
    if (rc == STORE_CONFLICT)
        return app_fail(e, APP_CONFLICT, NULL,
                        "a rule for that type, urgency and category already exists");
    if (rc == STORE_INVALID)
        return app_fail(e, APP_INVALID, "category_id", "unknown category %lld",
                        (long long)r->category_id);
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "rule");
    return APP_OK;
}

int app_sla_rule_delete(struct store *s, int64_t id, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    struct sla_rule r;
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = store_sla_rule_get(c, id, &r);
    if (rc == STORE_OK) {
        bool catch_all = r.type < 0 && r.urgency < 0 && r.category_id == 0;
        sla_rule_release(&r);
        /* Without it a clock no other rule sets would fall back to the built-in
           defaults silently; keep the table saying what it does. */
        if (catch_all)
            return app_fail(e, APP_CONFLICT, NULL,
                            "the catch-all rule cannot be deleted; edit its spans instead");
        rc = store_sla_rule_delete(c, id);
    }
    if (rc == STORE_NOTFOUND)
        return app_fail(e, APP_NOTFOUND, NULL, "rule %lld not found", (long long)id);
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "rule");
    return APP_OK;
}
