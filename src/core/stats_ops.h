/*
 * stats_ops.h - the pure arithmetic of the operations statistics: dates as
 * YYYYMMDD day keys (adding days, weekdays, the week and month a day falls
 * in) and the hot-topic score (docs/STATISTICS.md). No SQL, no clock.
 */
#ifndef REXIAN_CORE_STATS_OPS_H
#define REXIAN_CORE_STATS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/numbers.h"

/* Days since 1970-01-01 of a valid YYYYMMDD, and back. */
int64_t stats_day_ordinal(day_key d);
day_key stats_day_from_ordinal(int64_t n);
/* d + delta days. */
day_key stats_day_add(day_key d, int delta);
/* Whole days from a to b (b - a). */
int stats_day_diff(day_key a, day_key b);
/* True for a real calendar date (1970..9999). */
bool stats_day_valid(day_key d);
/* Parses "YYYY-MM-DD" into a valid day key: 0, or -1. */
int stats_day_parse(const char *s, day_key *out);
/* Writes "YYYY-MM-DD" (11 bytes). */
void stats_day_format(day_key d, char out[11]);

enum stats_period { SP_DAY, SP_WEEK, SP_MONTH };
/* The first day of the period d falls in (weeks start on Monday). */
day_key stats_period_start(day_key d, enum stats_period p);
/* The first day of the next period after the one starting at `start`. */
day_key stats_period_next(day_key start, enum stats_period p);
/* The period's label: "YYYY-MM-DD" (day; week: its Monday) or "YYYY-MM" (month). */
void stats_period_label(day_key start, enum stats_period p, char out[11]);

/* ---- hot topics ---- */
#define HOT_BASELINE_WEEKS 4
#define HOT_MIN_SCORE 3.0
#define HOT_MIN_RATIO 1.5

struct hot_score {
    double baseline; /* mean of the baseline windows */
    double spread;   /* the spread used: max(sample standard deviation, sqrt(mean), 1) */
    double ratio;    /* count / max(baseline, 1) */
    double score;    /* (count - baseline) / spread */
    bool hot;        /* count >= min_count, score >= HOT_MIN_SCORE, ratio >= HOT_MIN_RATIO */
};
/*
 * Scores `count` (the window being looked at) against base[0..n), the same
 * window's counts in the n periods before it (n >= 1).
 */
void hot_score(int64_t count, const int64_t *base, size_t n, int64_t min_count,
               struct hot_score *out);

#endif
