/*
 * calendar.h - the working calendar (DESIGN.md section 3): which dates are
 * public holidays (放假) and which weekend dates are make-up working days
 * (调休上班), and for which years the official schedule is known.
 *
 * A `struct calendar` is built once (from the shipped files and the admin's
 * edits in the database), then installed as the process's current calendar
 * and never changed again: readers on any thread take a reference with
 * calendar_acquire(), edits build a new calendar and calendar_install() it.
 * Pure: libc and pthreads only, no SQL, no HTTP.
 *
 * Dates are YYYYMMDD integers (day_key of core/numbers.h).
 */
#ifndef REXIAN_CORE_CALENDAR_H
#define REXIAN_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cal_kind {
    CAL_NONE = 0,    /* not listed: Monday to Friday work, weekends rest */
    CAL_WORK = 1,    /* a working day whatever the weekday (调休上班) */
    CAL_HOLIDAY = 2  /* a day off whatever the weekday (放假) */
};
const char *cal_kind_name(enum cal_kind k); /* "work", "holiday"; NULL for CAL_NONE */
int cal_kind_parse(const char *s);          /* CAL_WORK, CAL_HOLIDAY or -1 */

/* Where a listed day came from. */
enum cal_source { CAL_FROM_FILE = 0, CAL_FROM_DB = 1 };

struct cal_day {
    int32_t day;          /* YYYYMMDD */
    enum cal_kind kind;
    enum cal_source source;
    char name[96];        /* UTF-8, may be empty */
};
#define CAL_NAME_MAX 95   /* bytes */

struct calendar;

/* True if YYYYMMDD names a real date of the years 1970..9999. */
bool calendar_day_valid(int32_t day);

/* A new, empty calendar (no days, no known years); NULL on OOM. */
struct calendar *calendar_new(void);
/* Frees a calendar that was never installed. */
void calendar_free(struct calendar *c);

/*
 * Lists `day` as `kind` (replacing what was listed for it), or unlists it
 * when kind is CAL_NONE. `name` may be NULL; it is cut to CAL_NAME_MAX bytes
 * on a character boundary. Returns 0, or -1 on OOM or a date that does not exist.
 */
int calendar_set(struct calendar *c, int32_t day, enum cal_kind kind, const char *name,
                 enum cal_source source);
/* Marks `year` as one whose official schedule is known. 0, or -1 on OOM / bad year. */
int calendar_mark_year(struct calendar *c, int year);

/*
 * Parses calendar text: one date a line, "YYYY-MM-DD KIND [NAME]" with KIND
 * `work` or `holiday`; blank lines and lines starting with '#' are skipped.
 * Every date must lie in one year, written to *year. Each day is listed in c
 * and the year marked known. Returns 0, or -1 with a message ("line 3:
 * unknown kind 'rest'") in err.
 */
int calendar_parse(struct calendar *c, const char *text, size_t len, enum cal_source source,
                   int *year, char *err, size_t errlen);
/* Reads and parses the file at `path` (at most 1 MiB). Same results. */
int calendar_load_file(struct calendar *c, const char *path, int *year, char *err,
                       size_t errlen);
/*
 * Loads every YYYY.txt in `dir` (the year in the name must match the dates).
 * *n_files gets how many were loaded. A missing directory loads nothing and
 * is not an error. Returns 0, or -1 with err on the first bad file.
 */
int calendar_load_dir(struct calendar *c, const char *dir, int *n_files, char *err,
                      size_t errlen);
/* A copy of c (for an edit built on the current calendar); NULL on OOM. */
struct calendar *calendar_copy(const struct calendar *c);

/* ---- queries (thread-safe on an installed calendar) ---- */
bool calendar_year_known(const struct calendar *c, int year);
/* The listed kind of y-m-d (CAL_NONE if unlisted); *day (may be NULL) points at its entry. */
enum cal_kind calendar_kind(const struct calendar *c, int32_t day, const struct cal_day **entry);
/*
 * Is y-m-d (weekday `wday`, 0 = Sunday) a working day? A listed day says so
 * itself; otherwise Monday to Friday. *unknown (may be NULL) is set when the
 * year's schedule is not known, so the answer is a guess.
 */
bool calendar_is_working(const struct calendar *c, int y, int m, int d, int wday, bool *unknown);
/* The listed days of `year` in date order: *first and the count. */
size_t calendar_days_of(const struct calendar *c, int year, const struct cal_day **first);
/* Every listed day in date order: *first and the count. */
size_t calendar_all_days(const struct calendar *c, const struct cal_day **first);
/* Known years ascending: fills up to `max`, returns how many there are. */
size_t calendar_known_years(const struct calendar *c, int *out, size_t max);

/* ---- the process's current calendar ---- */
/*
 * A reference to the current calendar; never NULL (an empty one until the
 * first install). Release it with calendar_release().
 */
const struct calendar *calendar_acquire(void);
void calendar_release(const struct calendar *c);
/* Makes c current (takes ownership); the old one is freed when its last reader lets go. */
void calendar_install(struct calendar *c);

#endif
