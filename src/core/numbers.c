/*
 * numbers.c - the 14-digit ticket number: YYYYMMDD + a 6-digit daily sequence.
 */
#include "core/numbers.h"

#include <inttypes.h>
#include <stdio.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True if y-m-d is a date of the proleptic Gregorian calendar, years 1..9999. */
static bool date_real(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

static bool day_key_real(day_key day)
{
    return date_real(day / 10000, day / 100 % 100, day % 100);
}

/* Value of the `n` ASCII digits at `s`; the caller has checked they are digits. */
static int64_t digits_value(const char *s, int n)
{
    int64_t v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int ticket_number_format(day_key day, int64_t seq, char *out)
{
    int n;

    if (out == NULL || !day_key_real(day) || seq < 1 || seq > TICKET_SEQ_MAX)
        return -1;
    n = snprintf(out, TICKET_NUMBER_LEN + 1, "%08" PRId32 "%06" PRId64, day, seq);
    return n == TICKET_NUMBER_LEN ? 0 : -1;
}

int ticket_number_parse(const char *s, day_key *day, int64_t *seq)
{
    int64_t d, q;

    if (s == NULL)
        return -1;
    for (int i = 0; i < TICKET_NUMBER_LEN; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1; /* also stops at an early NUL */
    }
    if (s[TICKET_NUMBER_LEN] != '\0')
        return -1;
    d = digits_value(s, 8);
    q = digits_value(s + 8, 6);
    if (!day_key_real((day_key)d) || q < 1)
        return -1;
    if (day != NULL)
        *day = (day_key)d;
    if (seq != NULL)
        *seq = q;
    return 0;
}

bool ticket_number_valid(const char *s)
{
    return ticket_number_parse(s, NULL, NULL) == 0;
}
