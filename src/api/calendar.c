/*
 * calendar.c - /api/v1/calendar: the working calendar (read by anyone
 * logged in, edited by the admin).
 *
 *   GET    /calendar              summary: known and missing years, hours, share
 *   GET    /calendar/{year}       the year's listed days
 *   PUT    /calendar/{year}       replace the year's schedule {"days": [...]}
 *   DELETE /calendar/{year}       forget the database's schedule of the year
 *   PUT    /calendar/days/{date}  list one day {"kind", "name"?}
 *   DELETE /calendar/days/{date}  unlist a day the database lists
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/deadlines.h"
#include "core/sla.h"
#include "core/timeutil.h"

#define MAX_YEAR_DAYS 366
#define YEARS_SHOWN 64

/* "2026-02-14" from YYYYMMDD. */
static json_t *jout_date(int32_t day)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", (int)(day / 10000), (int)(day / 100 % 100),
             (int)(day % 100));
    return json_string(buf);
}

/* Parses "YYYY-MM-DD" into YYYYMMDD (range checked by the calendar later); -1 if malformed. */
static int32_t parse_date(const char *s)
{
    int32_t v = 0;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static json_t *jout_cal_day(const struct cal_day *d)
{
    return json_pack("{s:o, s:s, s:s, s:s}", "date", jout_date(d->day), "kind",
                     cal_kind_name(d->kind), "name", d->name, "source",
                     d->source == CAL_FROM_FILE ? "file" : "database");
}

static json_t *jout_year(const struct calendar *cal, int year)
{
    const struct cal_day *first = NULL;
    size_t n = calendar_days_of(cal, year, &first);
    json_t *days = json_array();
    for (size_t i = 0; days && i < n; i++)
        json_array_append_new(days, jout_cal_day(&first[i]));
    return json_pack("{s:i, s:b, s:o}", "year", year, "known", calendar_year_known(cal, year),
                     "days", days);
}

/* The year of the path, or 0 after answering 404. */
static int path_year(struct request *r)
{
    const char *s = r->params[0];
    int y = 0;
    if (strlen(s) != 4) {
        reply_error(r, 404, "not_found", "no such year", NULL);
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9') {
            reply_error(r, 404, "not_found", "no such year", NULL);
            return 0;
        }
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1970) {
        reply_error(r, 404, "not_found", "no such year", NULL);
        return 0;
    }
    return y;
}

void h_calendar_summary(struct request *r)
{
    const struct calendar *cal = calendar_acquire();
    int known[YEARS_SHOWN], missing[2];
    size_t nk = calendar_known_years(cal, known, YEARS_SHOWN);
    size_t nm = app_calendar_missing_years(time_now_ms(), missing);
    json_t *jk = json_array(), *jm = json_array(), *hours = json_array(), *years = json_array();
    for (size_t i = 0; i < nk && i < YEARS_SHOWN; i++)
        json_array_append_new(jk, json_integer(known[i]));
    for (size_t i = 0; i < nm; i++)
        json_array_append_new(jm, json_integer(missing[i]));
    struct sla_window w[SLA_WINDOWS_MAX];
    size_t nw = sla_working_hours(w);
    for (size_t i = 0; i < nw; i++) {
        char buf[48];
        snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", w[i].start / 60, w[i].start % 60,
                 w[i].end / 60, w[i].end % 60);
        json_array_append_new(hours, json_string(buf));
    }
    /* One entry per year that is known or lists days. */
    const struct cal_day *all = NULL;
    size_t nd = calendar_all_days(cal, &all);
    int last = 0;
    size_t ki = 0;
    for (size_t i = 0; i <= nd; i++) {
        int y = i < nd ? (int)(all[i].day / 10000) : 10000;
        while (ki < nk && ki < YEARS_SHOWN && known[ki] < y) {
            if (known[ki] != last)
                json_array_append_new(years, jout_year(cal, known[ki]));
            last = known[ki++];
        }
        if (i < nd && y != last) {
            json_array_append_new(years, jout_year(cal, y));
            last = y;
        }
    }
    calendar_release(cal);
    reply_json(r, 200,
               json_pack("{s:o, s:o, s:o, s:i, s:o}", "known_years", jk, "missing_years", jm,
                         "working_hours", hours, "warning_percent", sla_warning_percent(),
                         "years", years));
}

void api_calendar_health(json_t *o)
{
    const struct calendar *cal = calendar_acquire();
    int known[YEARS_SHOWN], missing[2];
    size_t nk = calendar_known_years(cal, known, YEARS_SHOWN);
    calendar_release(cal);
    size_t nm = app_calendar_missing_years(time_now_ms(), missing);
    json_t *jk = json_array(), *jm = json_array(), *warnings = json_array();
    for (size_t i = 0; i < nk && i < YEARS_SHOWN; i++)
        json_array_append_new(jk, json_integer(known[i]));
    for (size_t i = 0; i < nm; i++) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "no working calendar for %d: deadlines reaching into it count weekdays alone "
                 "and are provisional",
                 missing[i]);
        json_array_append_new(jm, json_integer(missing[i]));
        json_array_append_new(warnings, json_string(msg));
    }
    json_object_set_new(o, "calendar",
                        json_pack("{s:s, s:o, s:o}", "status", nm ? "provisional" : "ok",
                                  "known_years", jk, "missing_years", jm));
    if (nm)
        json_object_set_new(o, "warnings", warnings);
    else
        json_decref(warnings);
}

void h_calendar_year(struct request *r)
{
    int y = path_year(r);
    if (!y)
        return;
    const struct calendar *cal = calendar_acquire();
    json_t *o = jout_year(cal, y);
    calendar_release(cal);
    reply_json(r, 200, o);
}

/* Decodes one {"date", "kind", "name"?} of a year's list into d. */
static int decode_day(struct request *r, json_t *item, size_t i, struct cal_day *d)
{
    static const char *const keys[] = {"date", "kind", "name", NULL};
    char prefix[32];
    const char *date = NULL, *name = NULL;
    int kind = -1;
    snprintf(prefix, sizeof prefix, "days[%zu]", i);
    if (!json_is_object(item)) {
        reply_error(r, 400, "invalid_argument", "each day must be an object", "days");
        return -1;
    }
    if (jin_keys(r, item, prefix, keys) ||
        jin_string(r, item, "date", "days.date", true, 10, &date) ||
        jin_enum(r, item, "kind", "days.kind", true, cal_kind_parse, "work, holiday", &kind) ||
        jin_string(r, item, "name", "days.name", false, CAL_NAME_MAX, &name))
        return -1;
    memset(d, 0, sizeof *d);
    d->day = parse_date(date);
    if (d->day < 0) {
        reply_error(r, 400, "invalid_argument", "days.date must be YYYY-MM-DD", "days.date");
        return -1;
    }
    d->kind = (enum cal_kind)kind;
    d->source = CAL_FROM_DB;
    snprintf(d->name, sizeof d->name, "%s", name ? name : "");
    return 0;
}

void h_calendar_year_put(struct request *r)
{
    static const char *const keys[] = {"days", NULL};
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int y = path_year(r);
    if (!y || jin_keys(r, r->json, NULL, keys))
        return;
    json_t *list = json_object_get(r->json, "days");
    if (!json_is_array(list) || json_array_size(list) > MAX_YEAR_DAYS) {
        reply_error(r, 400, "invalid_argument", "days must be an array of at most 366 days",
                    "days");
        return;
    }
    size_t n = json_array_size(list);
    struct cal_day *days = calloc(n ? n : 1, sizeof *days);
    if (!days) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (decode_day(r, json_array_get(list, i), i, &days[i]) != 0) {
            free(days);
            return;
        }
    struct app_error e;
    int rc = app_calendar_put_year(api_store(r), y, days, n, &e);
    free(days);
    if (rc != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    h_calendar_year(r);
}

void h_calendar_year_delete(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int y = path_year(r);
    struct app_error e;
    if (!y)
        return;
    if (app_calendar_delete_year(api_store(r), y, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    reply_empty(r, 204);
}

/* The date of the path as YYYYMMDD, or -1 after answering 404. */
static int32_t path_date(struct request *r)
{
    int32_t d = parse_date(r->params[0]);
    if (d < 0)
        reply_error(r, 404, "not_found", "no such date (YYYY-MM-DD)", NULL);
    return d;
}

void h_calendar_day_put(struct request *r)
{
    static const char *const keys[] = {"kind", "name", NULL};
    const char *name = NULL;
    int kind = -1;
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int32_t day = path_date(r);
    if (day < 0 || jin_keys(r, r->json, NULL, keys) ||
        jin_enum(r, r->json, "kind", "kind", true, cal_kind_parse, "work, holiday", &kind) ||
        jin_string(r, r->json, "name", "name", false, CAL_NAME_MAX, &name))
        return;
    struct app_error e;
    if (app_calendar_put_day(api_store(r), day, (enum cal_kind)kind, name, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    struct cal_day d = {.day = day, .kind = (enum cal_kind)kind, .source = CAL_FROM_DB};
    snprintf(d.name, sizeof d.name, "%s", name ? name : "");
    reply_json(r, 200, jout_cal_day(&d));
}

void h_calendar_day_delete(struct request *r)
{
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int32_t day = path_date(r);
    struct app_error e;
    if (day < 0)
        return;
    if (app_calendar_delete_day(api_store(r), day, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    reply_empty(r, 204);
}
