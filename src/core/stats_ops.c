/*
 * stats_ops.c - day-key arithmetic and the hot-topic score (stats_ops.h).
 */
#include <math.h>

#include "core/stats_ops.h"

/* Days from civil (proleptic Gregorian), after H. Hinnant's public-domain algorithm. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t stats_day_ordinal(day_key d)
{
    return days_from_civil(d / 10000, (int)(d / 100 % 100), (int)(d % 100));
}

day_key stats_day_from_ordinal(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    return (day_key)(y * 10000 + m * 100 + d);
}

day_key stats_day_add(day_key d, int delta)
{
    return stats_day_from_ordinal(stats_day_ordinal(d) + delta);
}

int stats_day_diff(day_key a, day_key b)
{
    return (int)(stats_day_ordinal(b) - stats_day_ordinal(a));
}

bool stats_day_valid(day_key d)
{
    int y = d / 10000, m = d / 100 % 100, dd = d % 100;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || dd < 1 || dd > 31)
        return false;
    return stats_day_from_ordinal(stats_day_ordinal(d)) == d;
}

int stats_day_parse(const char *s, day_key *out)
{
    if (!s)
        return -1;
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return -1;
    }
    if (s[10] != '\0')
        return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    day_key k = (day_key)(y * 10000 + m * 100 + d);
    if (!stats_day_valid(k))
        return -1;
    *out = k;
    return 0;
}

/* Writes n decimal digits of v (v >= 0) at out. */
static void digits(char *out, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
}

void stats_day_format(day_key d, char out[11])
{
    unsigned u = d > 0 ? (unsigned)d : 0;
    digits(out, u / 10000 % 10000, 4);
    out[4] = '-';
    digits(out + 5, u / 100 % 100, 2);
    out[7] = '-';
    digits(out + 8, u % 100, 2);
    out[10] = '\0';
}

day_key stats_period_start(day_key d, enum stats_period p)
{
    switch (p) {
    case SP_WEEK: {
        int64_t n = stats_day_ordinal(d);
        int wd = (int)(((n % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday: 0 = Monday */
        return stats_day_from_ordinal(n - wd);
    }
    case SP_MONTH:
        return d / 100 * 100 + 1;
    case SP_DAY:
    default:
        return d;
    }
}

day_key stats_period_next(day_key start, enum stats_period p)
{
    switch (p) {
    case SP_WEEK:
        return stats_day_add(start, 7);
    case SP_MONTH: {
        int y = start / 10000, m = start / 100 % 100;
        return m == 12 ? (day_key)((y + 1) * 10000 + 101)
                       : (day_key)(y * 10000 + (m + 1) * 100 + 1);
    }
    case SP_DAY:
    default:
        return stats_day_add(start, 1);
    }
}

void stats_period_label(day_key start, enum stats_period p, char out[11])
{
    stats_day_format(start, out);
    if (p == SP_MONTH)
        out[7] = '\0';
}

void hot_score(int64_t count, const int64_t *base, size_t n, int64_t min_count,
               struct hot_score *out)
{
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++)
        mean += (double)base[i];
    mean = n ? mean / (double)n : 0;
    for (size_t i = 0; n > 1 && i < n; i++)
        var += ((double)base[i] - mean) * ((double)base[i] - mean);
    double sd = n > 1 ? sqrt(var / (double)(n - 1)) : 0;
    /* A quiet baseline has no spread to speak of: count noise as at least
       Poisson's (sqrt of the mean) and at least one ticket. */
    double spread = sd;
    if (spread < sqrt(mean))
        spread = sqrt(mean);
    if (spread < 1)
        spread = 1;
    out->baseline = mean;
    out->spread = spread;
    out->ratio = (double)count / (mean > 1 ? mean : 1);
    out->score = ((double)count - mean) / spread;
    out->hot = count >= min_count && out->score >= HOT_MIN_SCORE && out->ratio >= HOT_MIN_RATIO;
}
