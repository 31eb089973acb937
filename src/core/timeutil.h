/*
 * timeutil.h - time as the domain sees it: integer Unix milliseconds, shown
 * as RFC 3339 in the configured zone.
 *
 * The zone is process-wide: timeutil_set_zone() sets TZ and calls tzset()
 * once at start-up, before any thread starts; afterwards every function here
 * is thread-safe (localtime_r / mktime). Nothing depends on the machine's own
 * zone.
 */
#ifndef REXIAN_CORE_TIMEUTIL_H
#define REXIAN_CORE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/numbers.h"

/* Returns 0, or -1 if the zone is unknown (no such file under zoneinfo). */
int timeutil_set_zone(const char *iana_name);
const char *timeutil_zone(void);

/* Wall clock now, Unix ms (or the injected clock, below). */
int64_t time_now_ms(void);

/*
 * For tests only: makes time_now_ms() answer the RFC 3339 time written in
 * the file at `path`, read afresh on every call, so a test moves "now" by
 * rewriting the file. While the file is missing or unreadable the real
 * clock answers. Set at start-up, before threads (main does it when
 * REXIAN_FAKE_NOW_FILE is set). Returns 0, or -1 if the path is too long.
 */
int timeutil_set_clock_file(const char *path);
/* True while an injected clock is configured. */
int timeutil_clock_injected(void);
/* Monotonic clock, nanoseconds, for durations. */
uint64_t time_mono_ns(void);

/*
 * Formats `ms` as RFC 3339 with the zone's offset and millisecond precision
 * when not zero: "2026-12-01T09:30:00+08:00" or "2026-12-01T09:30:00.250+08:00".
 * out needs 32 bytes. Returns 0, or -1 (also when the text does not fit or
 * the year is outside 0000-9999).
 */
int time_format_rfc3339(int64_t ms, char *out, size_t outlen);

/*
 * Parses RFC 3339 ("YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)"; 't' and ' '
 * accepted for 'T', 'z' for 'Z'). A date alone ("YYYY-MM-DD") is midnight in
 * the configured zone. Returns 0, or -1 if malformed or out of range.
 */
int time_parse_rfc3339(const char *s, int64_t *ms);

/* The local date of `ms` as YYYYMMDD. */
day_key time_day_key(int64_t ms);

/* Local broken-down time helpers. */
struct local_time {
    int year, month, day;     /* 1-based month and day */
    int hour, minute, second; /* 0-based */
    int wday;                 /* 0 = Sunday */
};
void time_to_local(int64_t ms, struct local_time *out);
/* Local wall time to Unix ms (mktime semantics for DST gaps). */
int64_t time_from_local(int year, int month, int day, int hour, int minute, int second);

#endif
