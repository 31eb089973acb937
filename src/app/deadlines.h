/*
 * deadlines.h - the use cases of issue 3: the working calendar (files plus
 * the admin's edits), the deadline rules, starting a ticket's clocks, the
 * timer loop that hands out yellow and red cards, and the wake-up of the
 * live feed. Like the rest of app/, no HTTP and no JSON parsing here.
 */
#ifndef REXIAN_APP_DEADLINES_H
#define REXIAN_APP_DEADLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "core/calendar.h"
#include "core/sla_rules.h"

/* ---- the feed's wake-up (app/clocks.c) ---- */
/* Called after every commit that appended ticket events; set before threads start. */
void app_set_event_hook(void (*fn)(void *ctx), void *ctx);
/* Runs the hook, if any. */
void app_events_committed(void);

/* ---- clocks (app/clocks.c) ---- */
/*
 * Starts the clocks in `which` (mask of SLA_PROV_BIT(clock)) of t at `at`:
 * picks each span from the rule table, computes the deadline on the current
 * calendar and records span, deadline, start and the provisional bit. For
 * the callback clock the caller has set t->replied_at. Inside the caller's
 * transaction. Returns a store rc.
 */
int app_clocks_start(struct store_conn *c, struct ticket *t, int64_t at, unsigned which);

/*
 * Redoes the provisional deadlines of open tickets on the current calendar,
 * each ticket in its own transaction with a `deadline_recomputed` event.
 * *changed (may be NULL) gets how many tickets were rewritten.
 */
int app_deadlines_recompute(struct store *s, int64_t now, size_t *changed);

/* ---- calendar (app/calendar.c) ---- */
/* The directory holding calendar/YYYY.txt; set once at start-up (NULL = none). */
void app_calendar_set_dir(const char *data_dir);
const char *app_calendar_dir(void);
/*
 * Builds the calendar from the files and the database's days and installs
 * it; with `recompute`, then redoes provisional deadlines. APP_OK or an error.
 */
int app_calendar_reload(struct store *s, bool recompute, struct app_error *e);
/* Reloads (and recomputes) if another process changed the database's calendar. */
int app_calendar_refresh(struct store *s);
/* The current and next year when their schedule is not known: returns how many (0..2). */
size_t app_calendar_missing_years(int64_t now, int out[2]);

/* The admin's edits; each reloads the calendar and recomputes afterwards. */
int app_calendar_put_day(struct store *s, int32_t day, enum cal_kind kind, const char *name,
                         struct app_error *e);
int app_calendar_delete_day(struct store *s, int32_t day, struct app_error *e);
/* Replaces a year's schedule in the database and marks it known. */
int app_calendar_put_year(struct store *s, int year, const struct cal_day *days, size_t n,
                          struct app_error *e);
int app_calendar_delete_year(struct store *s, int year, struct app_error *e);
/* `rexian calendar import FILE`: a calendar file into the database. */
int app_calendar_import(struct store *s, const char *path, int *year, size_t *n_days,
                        struct app_error *e);

/* ---- deadline rules (app/calendar.c) ---- */
/* Checks a rule (spans, category, note) before it is stored; APP_OK or APP_INVALID. */
int app_sla_rule_save(struct store *s, struct sla_rule *r, bool create, struct app_error *e);
int app_sla_rule_delete(struct store *s, int64_t id, struct app_error *e);

/* ---- the timer loop (app/supervise.c) ---- */
struct sla_scan_stats {
    size_t warnings, overdue, urged;
};
/*
 * One pass at `now`: records one sla_warning / sla_overdue event per clock
 * crossing not yet recorded (safe against restarts and racing passes) and
 * urges overdue tickets automatically. *stats may be NULL.
 */
int app_sla_scan(struct store *s, int64_t now, struct sla_scan_stats *stats);

struct app_timer;
/*
 * Starts the loop: every `interval_s` seconds it refreshes the calendar and
 * scans. Returns NULL on failure (logged).
 */
struct app_timer *app_timer_start(struct store *s, unsigned interval_s);
/* Wakes the loop for a pass now (tests, calendar edits). */
void app_timer_kick(struct app_timer *t);
/* Stops and joins the loop. */
void app_timer_stop(struct app_timer *t);

/* ---- start-up and the command line (app/deadlines_cli.c) ---- */
/*
 * Applies the settings: the data directory (NULL: ./data if it has a
 * calendar/ directory, else /usr/share/rexian), the working hours
 * ("08:30-12:00,13:30-17:30") and the warning share in percent. Returns 0,
 * or 2 after printing the problem to err.
 */
int app_deadlines_configure(const char *data_dir, const char *hours, const char *warning,
                            FILE *err);
/* Loads the calendar (and the database's days when s is given); 0, or 1 after printing. */
int app_deadlines_load(struct store *s, bool recompute, FILE *err);
/* Logs a JSON warning line for each of this year and next whose calendar is missing. */
void app_deadlines_warn_missing(FILE *log);
/* `rexian calendar due FROM AMOUNT UNIT`: the deadline on the loaded calendar. */
int app_cli_calendar_due(const char *from, const char *amount, const char *unit, FILE *out,
                         FILE *err);
/* `rexian calendar import FILE`. */
int app_cli_calendar_import(struct store *s, const char *path, FILE *out, FILE *err);
/*
 * Records every card due now, in bulk mode (the demo city, so that a fresh
 * demo database starts with its history and a server has no backlog).
 */
int app_deadlines_settle_all(struct store *s, FILE *out);
/* `rexian sla scan`: one pass of the timer loop now. */
int app_cli_sla_scan(struct store *s, FILE *out, FILE *err);

#endif
