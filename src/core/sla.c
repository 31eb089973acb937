/*
 * sla.c - deadlines on the working calendar (DESIGN.md section 3).
 *
 * All calendar reasoning happens on local dates of the configured zone.
 * is_working_date() is the one place that decides what a working day is;
 * the holiday calendar of issue 3 plugs in there.
 */
#include "core/sla.h"

#include <stdbool.h>
#include <string.h>

#include "core/timeutil.h"

#define HOUR_MS INT64_C(3600000)

/* Working windows of a working day, local wall time (minutes after midnight). */
static const struct {
    int start, end;
} windows[] = {
    {8 * 60 + 30, 12 * 60},
    {13 * 60 + 30, 17 * 60 + 30},
};
#define N_WINDOWS (sizeof(windows) / sizeof(windows[0]))
#define CLOSE_HOUR 17
#define CLOSE_MINUTE 30

/* Longest walk over the calendar, in days; a guard against a calendar with no working days. */
#define MAX_DAYS_SCANNED 3660

struct date {
    int y, m, d;
};

/* Local noon of a date: a time that exists on every day, DST or not. */
static int64_t noon(struct date dt)
{
    return time_from_local(dt.y, dt.m, dt.d, 12, 0, 0);
}

/* The date after `dt` (mktime normalises the 32nd of a month). */
static struct date next_date(struct date dt)
{
    struct local_time lt;

    time_to_local(time_from_local(dt.y, dt.m, dt.d + 1, 12, 0, 0), &lt);
    return (struct date){lt.year, lt.month, lt.day};
}

static struct date date_of(int64_t ms)
{
    struct local_time lt;

    time_to_local(ms, &lt);
    return (struct date){lt.year, lt.month, lt.day};
}

/*
 * True if y-m-d is a working day. For now: Monday to Friday. The public
 * holidays and make-up working days (调休) of the calendar go here.
 */
static bool is_working_date(int y, int m, int d)
{
    struct local_time lt;

    time_to_local(noon((struct date){y, m, d}), &lt);
    return lt.wday >= 1 && lt.wday <= 5;
}

static bool working(struct date dt)
{
    return is_working_date(dt.y, dt.m, dt.d);
}

int sla_is_working_day(int64_t ms)
{
    return working(date_of(ms)) ? 1 : 0;
}

static int64_t at_minute(struct date dt, int minute)
{
    return time_from_local(dt.y, dt.m, dt.d, minute / 60, minute % 60, 0);
}

/*
 * `hours` of working time after `from`: walks the working windows of each
 * working day, spending what remains. A deadline that falls exactly on the
 * end of a window stays there (12:00, not 13:30).
 */
static int64_t add_working_hours(int64_t from, int hours)
{
    int64_t left = hours * HOUR_MS, cursor = from;
    struct date dt = date_of(from);

    if (hours <= 0)
        return from;
    for (int day = 0; day < MAX_DAYS_SCANNED; day++, dt = next_date(dt)) {
        if (!working(dt))
            continue;
        for (size_t w = 0; w < N_WINDOWS; w++) {
            int64_t begin = at_minute(dt, windows[w].start);
            int64_t end = at_minute(dt, windows[w].end);
            if (cursor >= end)
                continue;
            if (cursor > begin)
                begin = cursor;
            if (left <= end - begin)
                return begin + left;
            left -= end - begin;
            cursor = end;
        }
    }
    return from + hours * HOUR_MS; /* defensive: no working time in ten years */
}

/*
 * N working days end at the close of the Nth working day after the day the
 * clock starts; 0 working days end at the close of the start day, or of the
 * next working day when the start day is not one.
 */
static int64_t add_working_days(int64_t from, int days)
{
    struct date dt = date_of(from);
    int counted = 0;

    for (int step = 0; step < MAX_DAYS_SCANNED; step++) {
        if (days <= 0 && working(dt))
            break;
        dt = next_date(dt);
        if (days > 0 && working(dt) && ++counted == days)
            break;
    }
    return time_from_local(dt.y, dt.m, dt.d, CLOSE_HOUR, CLOSE_MINUTE, 0);
}

int64_t sla_due(int64_t from, struct sla_span span)
{
    int amount = span.amount < 0 ? 0 : span.amount;

    switch (span.unit) {
    case SLA_NATURAL_HOURS:
        return from + amount * HOUR_MS;
    case SLA_WORKING_HOURS:
        return add_working_hours(from, amount);
    case SLA_WORKING_DAYS:
        return add_working_days(from, amount);
    }
    return from + amount * HOUR_MS; /* defensive: unknown unit */
}

void sla_default_spans(enum ticket_type type, enum urgency urgency, struct sla_spans *out)
{
    static const int reply_days[TT__COUNT] = {
        [TT_CONSULT] = 2,     [TT_HELP] = 5,        [TT_COMPLAINT] = 15,
        [TT_REPORT] = 15,     [TT_SUGGESTION] = 10, [TT_PRAISE] = 5,
    };
    int days = (unsigned)type < TT__COUNT ? reply_days[type] : 5;

    out->sign = (struct sla_span){1, SLA_WORKING_DAYS};
    out->reply = (struct sla_span){days, SLA_WORKING_DAYS};
    out->callback = (struct sla_span){2, SLA_WORKING_DAYS};
    if (urgency == URG_URGENT) {
        out->sign = (struct sla_span){2, SLA_NATURAL_HOURS};
        out->reply = (struct sla_span){24, SLA_NATURAL_HOURS};
    } else if (urgency == URG_EMERGENCY) {
        out->sign = (struct sla_span){1, SLA_NATURAL_HOURS};
        out->reply = (struct sla_span){2, SLA_NATURAL_HOURS};
    }
}

static const char *const level_names[] = {
    [SLA_NONE] = NULL,
    [SLA_OK] = "ok",
    [SLA_WARNING] = "warning",
    [SLA_OVERDUE] = "overdue",
};

const char *sla_level_name(enum sla_level l)
{
    if ((unsigned)l >= sizeof(level_names) / sizeof(level_names[0]))
        return NULL;
    return level_names[l];
}

int sla_level_parse(const char *s)
{
    if (s == NULL)
        return -1;
    for (int l = SLA_OK; l <= SLA_OVERDUE; l++) {
        if (strcmp(level_names[l], s) == 0)
            return l;
    }
    return -1;
}

/* Warning from 80% of the span on, compared exactly in integers: 10 * used >= 8 * span. */
enum sla_level sla_level_at(int64_t start, int64_t due, int64_t now)
{
    if (due == 0)
        return SLA_NONE;
    if (now > due)
        return SLA_OVERDUE;
    if ((now - start) * 10 >= (due - start) * 8)
        return SLA_WARNING;
    return SLA_OK;
}
