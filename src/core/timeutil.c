/*
 * timeutil.c - Unix milliseconds, the configured zone and RFC 3339.
 *
 * The zone is the process's TZ, set once by timeutil_set_zone(); local
 * conversions go through localtime_r() and mktime(). Times with an explicit
 * offset are converted by calendar arithmetic, independent of any zone.
 *
 * Formatting is hot (a ticket shows up to twelve times), and glibc's
 * localtime_r re-parses the zone's POSIX rule under a global lock on every
 * call for times past the zone's last transition. So the zone's UTC offset
 * is cached per clock hour (below) and the date is computed with integer
 * arithmetic; localtime_r only runs on a cache miss.
 */
#include "core/timeutil.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define ZONEINFO_DIR "/usr/share/zoneinfo/"
#define ZONE_NAME_MAX 128

static char zone_name[ZONE_NAME_MAX + 1];

static void offset_cache_clear(void);

/* True for an IANA-style name that cannot leave the zoneinfo directory. */
static bool zone_name_safe(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > ZONE_NAME_MAX || name[0] == '/' || strstr(name, "..") != NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+' || c == '-' || c == '/';
        if (!ok)
            return false;
    }
    return true;
}

/*
 * Makes `iana_name` the process's zone. Checks first that the name is safe
 * and that zoneinfo has a file of that name, so that a typo is an error and
 * not a silent fall-back to UTC.
 */
int timeutil_set_zone(const char *iana_name)
{
    char path[sizeof(ZONEINFO_DIR) + ZONE_NAME_MAX];
    struct stat st;
    int n;

    if (iana_name == NULL || !zone_name_safe(iana_name))
        return -1;
    n = snprintf(path, sizeof(path), "%s%s", ZONEINFO_DIR, iana_name);
    if (n < 0 || (size_t)n >= sizeof(path))
        return -1;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    if (setenv("TZ", iana_name, 1) != 0)
        return -1;
    tzset();
    offset_cache_clear();
    memcpy(zone_name, iana_name, strlen(iana_name) + 1);
    return 0;
}

const char *timeutil_zone(void)
{
    return zone_name; /* "" until a zone is set */
}

static char clock_file[1024];

int timeutil_set_clock_file(const char *path)
{
    size_t n = path ? strlen(path) : 0;

    if (n >= sizeof(clock_file))
        return -1;
    memcpy(clock_file, path ? path : "", n + 1);
    return 0;
}

int timeutil_clock_injected(void)
{
    return clock_file[0] != '\0';
}

/* The time written in the clock file; -1 if there is none to read. */
static int injected_now(int64_t *ms)
{
    char buf[64];
    size_t n;
    FILE *f = fopen(clock_file, "r");

    if (!f)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
    return time_parse_rfc3339(buf, ms);
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    int64_t injected;

    if (clock_file[0] && injected_now(&injected) == 0)
        return injected;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t time_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Splits ms into whole seconds (rounded down) and the milliseconds left. */
static void split_ms(int64_t ms, time_t *sec, int *millis)
{
    int64_t s = ms / 1000, r = ms % 1000;

    if (r < 0) {
        r += 1000;
        s--;
    }
    *sec = (time_t)s;
    *millis = (int)r;
}

/*
 * The zone's offset per clock hour, a direct-mapped cache shared by all
 * threads. An entry is one atomic word: the hour's index (Unix hours, biased
 * to unsigned) in the high half and the offset in seconds (biased, never 0)
 * in the low half, so a reader sees a whole entry or an empty one. An hour is
 * cached only when its first and last second have the same offset, i.e. no
 * transition falls inside it; an hour with a transition is asked of
 * localtime_r every time. 8192 hours is almost a year of distinct hours.
 */
#define OFFSET_SLOTS 8192
#define OFFSET_BIAS (1 << 20) /* |offset| < 1 day < 2^20 seconds */
/* The hours the cache can key: |hour| < 2^31, i.e. well past year 9999 either way. */
#define HOUR_LIMIT ((int64_t)1 << 31)
static _Atomic uint64_t offset_cache[OFFSET_SLOTS];

static void offset_cache_clear(void)
{
    for (size_t i = 0; i < OFFSET_SLOTS; i++)
        atomic_store_explicit(&offset_cache[i], 0, memory_order_relaxed);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The zone's UTC offset at `sec` in seconds east into *off; false if it cannot be known. */
static bool zone_offset(int64_t sec, long *off)
{
    int64_t hour = floor_div(sec, 3600);
    if (hour <= -HOUR_LIMIT || hour >= HOUR_LIMIT)
        return false;
    uint32_t key = (uint32_t)(hour + HOUR_LIMIT);
    _Atomic uint64_t *slot = &offset_cache[(uint64_t)(hour + HOUR_LIMIT) % OFFSET_SLOTS];
    uint64_t e = atomic_load_explicit(slot, memory_order_relaxed);
    if ((uint32_t)(e >> 32) == key && (uint32_t)e != 0) {
        *off = (long)(uint32_t)e - OFFSET_BIAS;
        return true;
    }
    struct tm a, b, at;
    time_t first = (time_t)(hour * 3600), last = first + 3599, t = (time_t)sec;
    if (!localtime_r(&first, &a) || !localtime_r(&last, &b))
        return false;
    if (a.tm_gmtoff == b.tm_gmtoff) {
        atomic_store_explicit(slot,
                              (uint64_t)key << 32 | (uint32_t)(a.tm_gmtoff + OFFSET_BIAS),
                              memory_order_relaxed);
        *off = a.tm_gmtoff;
        return true;
    }
    if (!localtime_r(&t, &at)) /* a transition inside this hour */
        return false;
    *off = at.tm_gmtoff;
    return true;
}

/* y-m-d of a day count from 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Broken-down local time of `sec` and its offset, from the cache. */
struct fields {
    int64_t year;
    int month, day, hour, minute, second, wday;
    long gmtoff;
};

static bool fields_at(int64_t sec, long off, struct fields *f)
{
    int64_t local = sec + off, days = floor_div(local, 86400), sod = local - days * 86400;
    civil_from_days(days, &f->year, &f->month, &f->day);
    f->hour = (int)(sod / 3600);
    f->minute = (int)(sod / 60 % 60);
    f->second = (int)(sod % 60);
    f->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
    f->gmtoff = off;
    return true;
}

static bool local_fields(int64_t sec, struct fields *f)
{
    long off;
    return zone_offset(sec, &off) && fields_at(sec, off, f);
}

static char *put2(char *o, int v)
{
    o[0] = (char)('0' + v / 10);
    o[1] = (char)('0' + v % 10);
    return o + 2;
}

static int local_tm(int64_t ms, struct tm *tm, int *millis)
{
    time_t sec;

    split_ms(ms, &sec, millis);
    return localtime_r(&sec, tm) == NULL ? -1 : 0;
}

int time_format_rfc3339(int64_t ms, char *out, size_t outlen)
{
    time_t sec;
    int millis;
    struct fields f;
    char tmp[32];

    if (out == NULL || outlen == 0)
        return -1;
    split_ms(ms, &sec, &millis);
    if (!local_fields((int64_t)sec, &f))
        return -1;
    /* An offset RFC 3339 cannot write (local mean time: Shanghai was +08:05:43
       before 1901) is shown in UTC instead, so the text still parses back to
       the same instant (found by tests/fuzz/fuzz_time). */
    if (f.gmtoff % 60 != 0)
        fields_at((int64_t)sec, 0, &f);
    if (f.year < 0 || f.year > 9999)
        return -1;
    long off = f.gmtoff;
    char sign = '+';
    if (off < 0) {
        sign = '-';
        off = -off;
    }
    /* "YYYY-MM-DDTHH:MM:SS[.mmm]+HH:MM", written by hand: this runs a dozen
       times per ticket shown. */
    char *o = tmp;
    o = put2(o, (int)(f.year / 100));
    o = put2(o, (int)(f.year % 100));
    *o++ = '-';
    o = put2(o, f.month);
    *o++ = '-';
    o = put2(o, f.day);
    *o++ = 'T';
    o = put2(o, f.hour);
    *o++ = ':';
    o = put2(o, f.minute);
    *o++ = ':';
    o = put2(o, f.second);
    if (millis != 0) {
        *o++ = '.';
        *o++ = (char)('0' + millis / 100);
        o = put2(o, millis % 100);
    }
    *o++ = sign;
    o = put2(o, (int)(off / 3600));
    *o++ = ':';
    o = put2(o, (int)(off / 60 % 60));
    size_t n = (size_t)(o - tmp);
    if (n >= outlen)
        return -1;
    memcpy(out, tmp, n);
    out[n] = '\0';
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return mdays[m - 1] + (m == 2 && leap ? 1 : 0);
}

/* Reads exactly `n` ASCII digits at *p into *out and advances *p. */
static bool take_digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Consumes the character `c` at *p. */
static bool take_char(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* ".fff…": 1 to 9 digits, kept to the millisecond (truncated). */
static bool take_fraction(const char **p, int *millis)
{
    int n = 0, v = 0;

    *millis = 0;
    if (!take_char(p, '.'))
        return true;
    while ((*p)[n] >= '0' && (*p)[n] <= '9') {
        if (n < 3)
            v = v * 10 + ((*p)[n] - '0');
        if (++n > 9)
            return false;
    }
    if (n == 0)
        return false;
    for (int i = n; i < 3; i++)
        v *= 10;
    *p += n;
    *millis = v;
    return true;
}

/* "Z", "z" or "+HH:MM" / "-HH:MM" below 24 hours, as seconds east of UTC. */
static bool take_offset(const char **p, int *offset)
{
    int sign, h, m;

    if (take_char(p, 'Z') || take_char(p, 'z')) {
        *offset = 0;
        return true;
    }
    if (**p != '+' && **p != '-')
        return false;
    sign = **p == '-' ? -1 : 1;
    (*p)++;
    if (!take_digits(p, 2, &h) || !take_char(p, ':') || !take_digits(p, 2, &m))
        return false;
    if (h > 23 || m > 59)
        return false;
    *offset = sign * (h * 3600 + m * 60);
    return true;
}

int time_parse_rfc3339(const char *s, int64_t *ms)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, millis, offset;
    int64_t t;

    if (s == NULL || ms == NULL)
        return -1;
    if (!take_digits(&p, 4, &y) || !take_char(&p, '-') || !take_digits(&p, 2, &mo) ||
        !take_char(&p, '-') || !take_digits(&p, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    if (*p == '\0') { /* a date alone: local midnight */
        *ms = time_from_local(y, mo, d, 0, 0, 0);
        return 0;
    }
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    if (!take_digits(&p, 2, &h) || !take_char(&p, ':') || !take_digits(&p, 2, &mi) ||
        !take_char(&p, ':') || !take_digits(&p, 2, &sec))
        return -1;
    if (h > 23 || mi > 59 || sec > 59) /* leap seconds are not representable */
        return -1;
    if (!take_fraction(&p, &millis) || !take_offset(&p, &offset) || *p != '\0')
        return -1;
    t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    *ms = t * 1000 + millis;
    return 0;
}

day_key time_day_key(int64_t ms)
{
    struct local_time lt;

    time_to_local(ms, &lt);
    return (day_key)(lt.year * 10000 + lt.month * 100 + lt.day);
}

void time_to_local(int64_t ms, struct local_time *out)
{
    time_t sec;
    int millis;
    struct fields f;

    split_ms(ms, &sec, &millis);
    if (!local_fields((int64_t)sec, &f)) {
        struct tm tm; /* defensive: only for absurd ms */
        if (local_tm(ms, &tm, &millis) != 0) {
            memset(out, 0, sizeof(*out));
            return;
        }
        out->year = tm.tm_year + 1900;
        out->month = tm.tm_mon + 1;
        out->day = tm.tm_mday;
        out->hour = tm.tm_hour;
        out->minute = tm.tm_min;
        out->second = tm.tm_sec;
        out->wday = tm.tm_wday;
        return;
    }
    out->year = (int)f.year;
    out->month = f.month;
    out->day = f.day;
    out->hour = f.hour;
    out->minute = f.minute;
    out->second = f.second;
    out->wday = f.wday;
}

int64_t time_from_local(int year, int month, int day, int hour, int minute, int second)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    tm.tm_isdst = -1; /* let the zone decide, as mktime does for DST gaps */
    return (int64_t)mktime(&tm) * 1000;
}
