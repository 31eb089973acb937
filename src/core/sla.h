/*
 * sla.h - deadlines for a work order (DESIGN.md section 3).
 *
 * This is the first cut: working days are Monday to Friday and working hours
 * 08:30-12:00 and 13:30-17:30 local time. The public-holiday calendar and the
 * configurable rule table arrive with issue 3 and plug in behind the same
 * functions.
 */
#ifndef REXIAN_CORE_SLA_H
#define REXIAN_CORE_SLA_H

#include <stdint.h>

#include "core/types.h"

enum sla_unit { SLA_NATURAL_HOURS, SLA_WORKING_HOURS, SLA_WORKING_DAYS };

struct sla_span {
    int amount;
    enum sla_unit unit;
};

/* The deadline `span` after `from` (Unix ms). */
int64_t sla_due(int64_t from, struct sla_span span);

/* True if the local day of `ms` is a working day. */
int sla_is_working_day(int64_t ms);

/* The spans a ticket gets for signing, replying and calling back. */
struct sla_spans {
    struct sla_span sign, reply, callback;
};
void sla_default_spans(enum ticket_type type, enum urgency urgency, struct sla_spans *out);

enum sla_level { SLA_NONE, SLA_OK, SLA_WARNING, SLA_OVERDUE };
const char *sla_level_name(enum sla_level l); /* "ok", "warning", "overdue"; NULL for none */
int sla_level_parse(const char *s);

/*
 * Level of a clock that started at `start` and is due at `due`, seen at `now`:
 * overdue past due; warning once 80% of the span is used; ok otherwise.
 * SLA_NONE when due is 0.
 */
enum sla_level sla_level_at(int64_t start, int64_t due, int64_t now);

#endif
