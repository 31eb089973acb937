/*
 * deadlines_cli.c - the deadline settings at start-up and the command-line
 * tools around them: `calendar due`, `calendar import`, `sla scan`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/deadlines.h"
#include "core/sla.h"
#include "core/timeutil.h"

/* True if path/calendar is a directory. */
static bool has_calendar(const char *path)
{
    char dir[1100];
    struct stat st;
    snprintf(dir, sizeof dir, "%s/calendar", path);
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int app_deadlines_configure(const char *data_dir, const char *hours, const char *warning,
                            FILE *err)
{
    struct sla_window w[SLA_WINDOWS_MAX];
    size_t n = 0;
    if (hours && (sla_parse_working_hours(hours, w, &n) != 0 || sla_set_working_hours(w, n))) {
        fprintf(err, "rexian: --working-hours must be like 08:30-12:00,13:30-17:30 (at most %d "
                     "windows in order), got '%s'\n",
                SLA_WINDOWS_MAX, hours);
        return 2;
    }
    if (warning) {
        char *end;
        errno = 0;
        long v = strtol(warning, &end, 10);
        if (errno || end == warning || *end || sla_set_warning_percent((int)v) != 0 || v > 99) {
            fprintf(err, "rexian: --sla-warning must be a percentage from 1 to 99, got '%s'\n",
                    warning);
            return 2;
        }
    }
    if (data_dir && *data_dir) {
        if (strlen(data_dir) >= 1000) {
            fprintf(err, "rexian: --data-dir is too long\n");
            return 2;
        }
        app_calendar_set_dir(data_dir);
    } else if (has_calendar("data")) {
        app_calendar_set_dir("data");
    } else if (has_calendar("/usr/share/rexian")) {
        app_calendar_set_dir("/usr/share/rexian");
    } else {
        app_calendar_set_dir(NULL);
    }
    return 0;
}

int app_deadlines_load(struct store *s, bool recompute, FILE *err)
{
    struct app_error e;
    if (app_calendar_reload(s, recompute, &e) != APP_OK) {
        fprintf(err, "rexian: %s\n", e.message);
        return 1;
    }
    return 0;
}

void app_deadlines_warn_missing(FILE *log)
{
    int missing[2];
    size_t n = app_calendar_missing_years(time_now_ms(), missing);
    const char *dir = app_calendar_dir();
    for (size_t i = 0; i < n; i++)
        fprintf(log,
                "{\"level\":\"warning\",\"msg\":\"no working calendar for %d: deadlines reaching "
                "into it count weekdays alone and are marked provisional until its schedule is "
                "loaded (data/calendar/%d.txt, rexian calendar import, or PUT "
                "/api/v1/calendar/%d)\",\"year\":%d,\"data_dir\":\"%s\"}\n",
                missing[i], missing[i], missing[i], missing[i], dir ? dir : "");
}

int app_cli_calendar_due(const char *from_s, const char *amount_s, const char *unit_s, FILE *out,
                         FILE *err)
{
    int64_t from;
    char *end;
    if (time_parse_rfc3339(from_s, &from) != 0) {
        fprintf(err, "rexian: FROM must be an RFC 3339 time, got '%s'\n", from_s);
        return 2;
    }
    errno = 0;
    long amount = strtol(amount_s, &end, 10);
    if (errno || end == amount_s || *end || amount < 0 || amount > SLA_AMOUNT_MAX) {
        fprintf(err, "rexian: AMOUNT must be a whole number from 0 to %d, got '%s'\n",
                SLA_AMOUNT_MAX, amount_s);
        return 2;
    }
    int unit = sla_unit_parse(unit_s);
    if (unit < 0) {
        fprintf(err, "rexian: UNIT must be natural_hours, working_hours or working_days, got "
                     "'%s'\n",
                unit_s);
        return 2;
    }
    bool provisional = false;
    char buf[40];
    int64_t due = sla_due_on(NULL, from, (struct sla_span){(int)amount, (enum sla_unit)unit},
                             &provisional);
    if (time_format_rfc3339(due, buf, sizeof buf) != 0) {
        fprintf(err, "rexian: the deadline is out of range\n");
        return 1;
    }
    fprintf(out, "%s\n", buf);
    if (provisional)
        fprintf(err, "rexian: provisional: a year on the way has no working calendar, so "
                     "weekdays alone were counted\n");
    return 0;
}

int app_cli_calendar_import(struct store *s, const char *path, FILE *out, FILE *err)
{
    struct app_error e;
    int year = 0;
    size_t n = 0;
    if (app_calendar_import(s, path, &year, &n, &e) != APP_OK) {
        fprintf(err, "rexian: %s\n", e.message);
        return 1;
    }
    fprintf(out, "calendar %d imported: %zu day%s listed\n", year, n, n == 1 ? "" : "s");
    return 0;
}

int app_deadlines_settle_all(struct store *s, FILE *out)
{
    struct store_conn *c = store_conn_get(s);
    struct sla_scan_stats st, all = {0};
    int rc = c ? STORE_OK : STORE_ERROR;
    if (rc == STORE_OK)
        store_set_bulk(c, true);
    /* A pass records at most a few thousand crossings; repeat until none is left. */
    for (int i = 0; rc == STORE_OK && i < 1000; i++) {
        rc = app_sla_scan(s, time_now_ms(), &st);
        all.warnings += st.warnings;
        all.overdue += st.overdue;
        if (rc != STORE_OK || st.warnings + st.overdue == 0)
            break;
    }
    if (c)
        store_set_bulk(c, false);
    if (rc == STORE_OK && out)
        fprintf(out, "demo: %zu yellow and %zu red cards recorded (overdue tickets urged)\n",
                all.warnings, all.overdue);
    return rc == STORE_OK ? 0 : 1;
}

int app_cli_sla_scan(struct store *s, FILE *out, FILE *err)
{
    struct sla_scan_stats st;
    int64_t now = time_now_ms();
    if (app_calendar_refresh(s) != APP_OK || app_sla_scan(s, now, &st) != STORE_OK) {
        fprintf(err, "rexian: the scan failed (see the log above)\n");
        return 1;
    }
    fprintf(out, "sla scan: %zu warning%s, %zu overdue, %zu urged\n", st.warnings,
            st.warnings == 1 ? "" : "s", st.overdue, st.urged);
    return 0;
}
