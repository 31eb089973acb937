/*
 * sla.c - deadlines on the working calendar (DESIGN.md section 3).
 *
 * All calendar reasoning happens on local dates of the configured zone.
 * is_working_date() is the one place that decides what a working day is: it
 * asks the calendar (core/calendar.c), and notes when the calendar had to
 * guess because the year's schedule is not known.
 */
#include "core/sla.h"

#include <string.h>

#include "core/calendar.h"
#include "core/timeutil.h"

#define HOUR_MS INT64_C(3600000)

/* Working windows of a working day (start-up setting; see sla_set_working_hours). */
static struct sla_window windows[SLA_WINDOWS_MAX] = {
    {8 * 60 + 30, 12 * 60},
    {13 * 60 + 30, 17 * 60 + 30},
};
static size_t n_windows = 2;
static int warning_percent = 80;

/* Longest walk over the calendar, in days; a guard against a calendar with no working days. */
#define MAX_DAYS_SCANNED 3660

struct date {
    int y, m, d;
};

/* One deadline computation: the calendar it reads and whether it had to guess. */
struct walk {
    const struct calendar *cal;
    bool unknown;
};

int sla_set_working_hours(const struct sla_window *w, size_t n)
{
    if (n == 0 || n > SLA_WINDOWS_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (w[i].start < 0 || w[i].end > 24 * 60 || w[i].start >= w[i].end)
            return -1;
        if (i > 0 && w[i].start < w[i - 1].end)
            return -1;
    }
    memcpy(windows, w, n * sizeof *w);
    n_windows = n;
    return 0;
}

size_t sla_working_hours(struct sla_window *out)
{
    memcpy(out, windows, n_windows * sizeof *out);
    return n_windows;
}

int sla_set_warning_percent(int percent)
{
    if (percent < 1 || percent > 99)
        return -1;
    warning_percent = percent;
    return 0;
}

int sla_warning_percent(void)
{
    return warning_percent;
}

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
 * True if y-m-d is a working day: listed as one in the calendar, or a
 * weekday not listed as a holiday. Notes in w when the year is not known.
 */
static bool is_working_date(struct walk *w, int y, int m, int d)
{
    struct local_time lt;

    time_to_local(noon((struct date){y, m, d}), &lt);
    return calendar_is_working(w->cal, y, m, d, lt.wday, &w->unknown);
}

static bool working(struct walk *w, struct date dt)
{
    return is_working_date(w, dt.y, dt.m, dt.d);
}

int sla_is_working_day(int64_t ms)
{
    struct walk w = {calendar_acquire(), false};
    int yes = working(&w, date_of(ms)) ? 1 : 0;

    calendar_release(w.cal);
    return yes;
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
static int64_t add_working_hours(struct walk *w, int64_t from, int hours)
{
    int64_t left = hours * HOUR_MS, cursor = from;
    struct date dt = date_of(from);

    if (hours <= 0)
        return from;
    for (int day = 0; day < MAX_DAYS_SCANNED; day++, dt = next_date(dt)) {
        if (!working(w, dt))
            continue;
        for (size_t i = 0; i < n_windows; i++) {
            int64_t begin = at_minute(dt, windows[i].start);
            int64_t end = at_minute(dt, windows[i].end);
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
 * next working day when the start day is not one or is already closed, so
 * a deadline is never before its start. The close is the end of the day's
 * last working window.
 */
static int64_t add_working_days(struct walk *w, int64_t from, int days)
{
    struct date dt = date_of(from);
    int counted = 0, close = windows[n_windows - 1].end;

    for (int step = 0; step < MAX_DAYS_SCANNED; step++) {
        /* 0 days after the close: the start day is over, so the next working day. */
        if (days <= 0 && working(w, dt) && (step > 0 || from <= at_minute(dt, close)))
            break;
        dt = next_date(dt);
        if (days > 0 && working(w, dt) && ++counted == days)
            break;
    }
    return at_minute(dt, close);
}

int64_t sla_due_on(const struct calendar *cal, int64_t from, struct sla_span span,
                   bool *provisional)
{
    int amount = span.amount < 0 ? 0 : span.amount;
    struct walk w = {cal ? cal : calendar_acquire(), false};
    int64_t due;

    switch (span.unit) {
    case SLA_WORKING_HOURS:
        due = add_working_hours(&w, from, amount);
        break;
    case SLA_WORKING_DAYS:
        due = add_working_days(&w, from, amount);
        break;
    case SLA_NATURAL_HOURS:
    default: /* defensive: an unknown unit counts natural hours */
        due = from + amount * HOUR_MS;
        break;
    }
    if (!cal)
        calendar_release(w.cal);
    if (provisional && w.unknown)
        *provisional = true;
    return due;
}

int64_t sla_due(int64_t from, struct sla_span span)
{
    return sla_due_on(NULL, from, span, NULL);
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

/* Warning from the configured share on, compared exactly in integers. */
enum sla_level sla_level_at(int64_t start, int64_t due, int64_t now)
{
    if (due == 0)
        return SLA_NONE;
    if (now > due)
        return SLA_OVERDUE;
    if ((now - start) * 100 >= (due - start) * warning_percent)
        return SLA_WARNING;
    return SLA_OK;
}
