/*
 * sla.h - deadlines for a work order (DESIGN.md section 3).
 *
 * Deadlines count natural hours, working hours or working days on the
 * working calendar of core/calendar.h (weekdays, minus public holidays, plus
 * make-up working days). Working hours default to 08:30-12:00 and
 * 13:30-17:30; the share of a span after which a clock shows the yellow card
 * defaults to 80%. Both are process-wide settings made at start-up, before
 * any thread starts (like the zone of core/timeutil.h).
 */
#ifndef REXIAN_CORE_SLA_H
#define REXIAN_CORE_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/types.h"

struct calendar;

enum sla_unit { SLA_NATURAL_HOURS, SLA_WORKING_HOURS, SLA_WORKING_DAYS, SLA_UNIT__COUNT };
const char *sla_unit_name(enum sla_unit u); /* "natural_hours", "working_hours", "working_days" */
int sla_unit_parse(const char *s);

/* A span of time; amount < 0 means "not set". */
struct sla_span {
    int amount;
    enum sla_unit unit;
};
#define SLA_SPAN_NONE ((struct sla_span){-1, SLA_NATURAL_HOURS})
#define SLA_AMOUNT_MAX 10000
static inline bool sla_span_set(struct sla_span s) { return s.amount >= 0; }
/* "15 working_days". out needs 32 bytes. 0 or -1 (unset span or short buffer). */
int sla_span_format(struct sla_span s, char *out, size_t outlen);
/* The inverse of sla_span_format; 0 or -1. */
int sla_span_parse(const char *s, struct sla_span *out);

/* The three clocks of a ticket (签收, 答复, 回访). */
enum sla_clock { SLA_CLOCK_SIGN, SLA_CLOCK_REPLY, SLA_CLOCK_CALLBACK, SLA_CLOCK__COUNT };
const char *sla_clock_name(enum sla_clock c); /* "sign", "reply", "callback" */
int sla_clock_parse(const char *s);
/* Bit of a clock in a ticket's deadline_provisional mask. */
#define SLA_PROV_BIT(clock) (1u << (clock))

/* ---- settings (start-up only) ---- */
struct sla_window {
    int start, end; /* minutes after local midnight, start < end */
};
#define SLA_WINDOWS_MAX 4
/*
 * Parses "08:30-12:00,13:30-17:30": 1..SLA_WINDOWS_MAX windows in order,
 * not overlapping, within the day. Returns 0, or -1 if malformed.
 */
int sla_parse_working_hours(const char *s, struct sla_window *out, size_t *n);
/* Sets the working windows (copied); 0 or -1 if they are not as above. */
int sla_set_working_hours(const struct sla_window *w, size_t n);
/* The current windows into out (SLA_WINDOWS_MAX slots); returns how many. */
size_t sla_working_hours(struct sla_window *out);
/* The yellow card's share of a span, in percent (1..99; default 80). 0 or -1. */
int sla_set_warning_percent(int percent);
int sla_warning_percent(void);

/* ---- deadlines ---- */
/* The deadline `span` after `from` (Unix ms), on the current calendar. */
int64_t sla_due(int64_t from, struct sla_span span);
/*
 * The same on calendar `cal` (NULL = the current one). *provisional (may be
 * NULL) is set when the answer used a date of a year whose schedule is not
 * known, so that it is weekdays alone. Natural hours are never provisional.
 */
int64_t sla_due_on(const struct calendar *cal, int64_t from, struct sla_span span,
                   bool *provisional);

/* True if the local day of `ms` is a working day on the current calendar. */
int sla_is_working_day(int64_t ms);

/* The spans a ticket gets for signing, replying and calling back. */
struct sla_spans {
    struct sla_span sign, reply, callback;
};
/* The built-in defaults (the rule table's seed, and its last resort). */
void sla_default_spans(enum ticket_type type, enum urgency urgency, struct sla_spans *out);

enum sla_level { SLA_NONE, SLA_OK, SLA_WARNING, SLA_OVERDUE };
const char *sla_level_name(enum sla_level l); /* "ok", "warning", "overdue"; NULL for none */
int sla_level_parse(const char *s);

/*
 * Level of a clock that started at `start` and is due at `due`, seen at `now`:
 * overdue past due; warning once the configured share of the span is used;
 * ok otherwise. SLA_NONE when due is 0.
 */
enum sla_level sla_level_at(int64_t start, int64_t due, int64_t now);

#endif
