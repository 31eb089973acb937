/*
 * sla_text.c - the written forms of the deadline vocabulary: unit, clock and
 * level names, spans ("15 working_days") and working hours
 * ("08:30-12:00,13:30-17:30").
 */
#include <stdio.h>
#include <string.h>

#include "core/sla.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const unit_names[SLA_UNIT__COUNT] = {
    [SLA_NATURAL_HOURS] = "natural_hours",
    [SLA_WORKING_HOURS] = "working_hours",
    [SLA_WORKING_DAYS] = "working_days",
};

static const char *const clock_names[SLA_CLOCK__COUNT] = {
    [SLA_CLOCK_SIGN] = "sign",
    [SLA_CLOCK_REPLY] = "reply",
    [SLA_CLOCK_CALLBACK] = "callback",
};

static const char *const level_names[] = {
    [SLA_NONE] = NULL,
    [SLA_OK] = "ok",
    [SLA_WARNING] = "warning",
    [SLA_OVERDUE] = "overdue",
};

/* Index of s among the n names, or -1. */
static int find(const char *const *names, size_t n, const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

const char *sla_unit_name(enum sla_unit u)
{
    return (unsigned)u < SLA_UNIT__COUNT ? unit_names[u] : NULL;
}

int sla_unit_parse(const char *s)
{
    return find(unit_names, COUNT_OF(unit_names), s);
}

const char *sla_clock_name(enum sla_clock c)
{
    return (unsigned)c < SLA_CLOCK__COUNT ? clock_names[c] : NULL;
}

int sla_clock_parse(const char *s)
{
    return find(clock_names, COUNT_OF(clock_names), s);
}

const char *sla_level_name(enum sla_level l)
{
    return (unsigned)l < COUNT_OF(level_names) ? level_names[l] : NULL;
}

int sla_level_parse(const char *s)
{
    return find(level_names, COUNT_OF(level_names), s);
}

int sla_span_format(struct sla_span s, char *out, size_t outlen)
{
    const char *u = sla_unit_name(s.unit);
    int n;

    if (!sla_span_set(s) || !u)
        return -1;
    n = snprintf(out, outlen, "%d %s", s.amount, u);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int sla_span_parse(const char *s, struct sla_span *out)
{
    int amount = 0, digits = 0, unit;

    if (!s)
        return -1;
    while (*s >= '0' && *s <= '9' && digits < 6) {
        amount = amount * 10 + (*s++ - '0');
        digits++;
    }
    if (digits == 0 || *s++ != ' ' || amount > SLA_AMOUNT_MAX)
        return -1;
    unit = sla_unit_parse(s);
    if (unit < 0)
        return -1;
    *out = (struct sla_span){amount, (enum sla_unit)unit};
    return 0;
}

/* "HH:MM" at *p (hours 00..24, 24 only as 24:00) as minutes; advances *p. -1 if malformed. */
static int take_clock(const char **p)
{
    const char *s = *p;
    int h, m;

    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
        s[3] > '5' || s[4] < '0' || s[4] > '9')
        return -1;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || (h == 24 && m != 0))
        return -1;
    *p = s + 5;
    return h * 60 + m;
}

int sla_parse_working_hours(const char *s, struct sla_window *out, size_t *n)
{
    size_t k = 0;

    if (!s || !*s)
        return -1;
    for (;;) {
        int a, b;
        while (*s == ' ')
            s++;
        if (k == SLA_WINDOWS_MAX || (a = take_clock(&s)) < 0 || *s++ != '-' ||
            (b = take_clock(&s)) < 0 || a >= b || (k > 0 && a < out[k - 1].end))
            return -1;
        out[k++] = (struct sla_window){a, b};
        while (*s == ' ')
            s++;
        if (*s == '\0')
            break;
        if (*s++ != ',')
            return -1;
    }
    *n = k;
    return 0;
}
