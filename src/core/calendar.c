/*
 * calendar.c - the working calendar: a sorted array of listed days and a
 * sorted array of known years, looked up by binary search; plus the
 * process's current calendar, swapped whole under a mutex and kept alive by
 * a reference count while readers use it. The file format is
 * calendar_file.c's.
 */
#include "core/calendar.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>


#define YEAR_MIN 1970
#define YEAR_MAX 9999

struct calendar {
    struct cal_day *days; /* ascending by day, no duplicates */
    size_t n_days, cap_days;
    int *years;           /* ascending, no duplicates */
    size_t n_years, cap_years;
    atomic_int refs;      /* readers of an installed calendar, plus one for being current */
};

static const char *const kind_names[] = {[CAL_NONE] = NULL, [CAL_WORK] = "work",
                                         [CAL_HOLIDAY] = "holiday"};

const char *cal_kind_name(enum cal_kind k)
{
    return (unsigned)k <= CAL_HOLIDAY ? kind_names[k] : NULL;
}

int cal_kind_parse(const char *s)
{
    if (s && strcmp(s, "work") == 0)
        return CAL_WORK;
    if (s && strcmp(s, "holiday") == 0)
        return CAL_HOLIDAY;
    return -1;
}

struct calendar *calendar_new(void)
{
    struct calendar *c = calloc(1, sizeof *c);
    if (c)
        atomic_init(&c->refs, 1);
    return c;
}

void calendar_free(struct calendar *c)
{
    if (!c)
        return;
    free(c->days);
    free(c->years);
    free(c);
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool calendar_day_valid(int32_t day)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = day / 10000, m = day / 100 % 100, d = day % 100;

    if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

/* Index of the first entry >= day. */
static size_t lower_bound(const struct calendar *c, int32_t day)
{
    size_t lo = 0, hi = c->n_days;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Copies at most CAL_NAME_MAX bytes of name, not cutting a UTF-8 sequence. */
static void copy_name(char *dst, const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n > CAL_NAME_MAX) {
        n = CAL_NAME_MAX;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, name, n);
    dst[n] = '\0';
}

int calendar_set(struct calendar *c, int32_t day, enum cal_kind kind, const char *name,
                 enum cal_source source)
{
    size_t i;

    if (!calendar_day_valid(day) || (unsigned)kind > CAL_HOLIDAY)
        return -1;
    i = lower_bound(c, day);
    if (kind == CAL_NONE) {
        if (i < c->n_days && c->days[i].day == day) {
            memmove(&c->days[i], &c->days[i + 1], (c->n_days - i - 1) * sizeof *c->days);
            c->n_days--;
        }
        return 0;
    }
    if (i == c->n_days || c->days[i].day != day) {
        if (c->n_days == c->cap_days) {
            size_t cap = c->cap_days ? c->cap_days * 2 : 64;
            struct cal_day *nd = realloc(c->days, cap * sizeof *nd);
            if (!nd)
                return -1;
            c->days = nd;
            c->cap_days = cap;
        }
        memmove(&c->days[i + 1], &c->days[i], (c->n_days - i) * sizeof *c->days);
        c->n_days++;
    }
    c->days[i].day = day;
    c->days[i].kind = kind;
    c->days[i].source = source;
    copy_name(c->days[i].name, name);
    return 0;
}

int calendar_mark_year(struct calendar *c, int year)
{
    size_t i = 0;

    if (year < YEAR_MIN || year > YEAR_MAX)
        return -1;
    while (i < c->n_years && c->years[i] < year)
        i++;
    if (i < c->n_years && c->years[i] == year)
        return 0;
    if (c->n_years == c->cap_years) {
        size_t cap = c->cap_years ? c->cap_years * 2 : 8;
        int *ny = realloc(c->years, cap * sizeof *ny);
        if (!ny)
            return -1;
        c->years = ny;
        c->cap_years = cap;
    }
    memmove(&c->years[i + 1], &c->years[i], (c->n_years - i) * sizeof *c->years);
    c->years[i] = year;
    c->n_years++;
    return 0;
}

struct calendar *calendar_copy(const struct calendar *c)
{
    struct calendar *n = calendar_new();

    if (!n)
        return NULL;
    if (c->n_days) {
        n->days = malloc(c->n_days * sizeof *n->days);
        if (!n->days)
            goto oom;
        memcpy(n->days, c->days, c->n_days * sizeof *n->days);
        n->n_days = n->cap_days = c->n_days;
    }
    if (c->n_years) {
        n->years = malloc(c->n_years * sizeof *n->years);
        if (!n->years)
            goto oom;
        memcpy(n->years, c->years, c->n_years * sizeof *n->years);
        n->n_years = n->cap_years = c->n_years;
    }
    return n;
oom:
    calendar_free(n);
    return NULL;
}

/* ---- queries ---- */

bool calendar_year_known(const struct calendar *c, int year)
{
    size_t lo = 0, hi = c->n_years;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->years[mid] == year)
            return true;
        if (c->years[mid] < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

enum cal_kind calendar_kind(const struct calendar *c, int32_t day, const struct cal_day **entry)
{
    size_t i = lower_bound(c, day);

    if (i < c->n_days && c->days[i].day == day) {
        if (entry)
            *entry = &c->days[i];
        return c->days[i].kind;
    }
    if (entry)
        *entry = NULL;
    return CAL_NONE;
}

bool calendar_is_working(const struct calendar *c, int y, int m, int d, int wday, bool *unknown)
{
    enum cal_kind k = calendar_kind(c, (int32_t)(y * 10000 + m * 100 + d), NULL);

    if (unknown && !calendar_year_known(c, y))
        *unknown = true;
    if (k == CAL_WORK)
        return true;
    if (k == CAL_HOLIDAY)
        return false;
    return wday >= 1 && wday <= 5;
}

size_t calendar_days_of(const struct calendar *c, int year, const struct cal_day **first)
{
    size_t a = lower_bound(c, (int32_t)year * 10000), b = lower_bound(c, (int32_t)(year + 1) * 10000);

    *first = a < c->n_days ? &c->days[a] : NULL;
    return b - a;
}

size_t calendar_all_days(const struct calendar *c, const struct cal_day **first)
{
    *first = c->days;
    return c->n_days;
}

size_t calendar_known_years(const struct calendar *c, int *out, size_t max)
{
    for (size_t i = 0; i < c->n_years && i < max; i++)
        out[i] = c->years[i];
    return c->n_years;
}

/* ---- the current calendar ---- */

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct calendar *current;
static struct calendar empty = {.refs = 1};

const struct calendar *calendar_acquire(void)
{
    struct calendar *c;

    pthread_mutex_lock(&current_lock);
    c = current ? current : &empty;
    if (c != &empty)
        atomic_fetch_add(&c->refs, 1);
    pthread_mutex_unlock(&current_lock);
    return c;
}

void calendar_release(const struct calendar *cc)
{
    struct calendar *c = (struct calendar *)cc;

    if (!c || c == &empty)
        return;
    if (atomic_fetch_sub(&c->refs, 1) == 1)
        calendar_free(c);
}

void calendar_install(struct calendar *c)
{
    struct calendar *old;

    pthread_mutex_lock(&current_lock);
    old = current;
    current = c; /* c arrives with refs == 1: the reference of being current */
    pthread_mutex_unlock(&current_lock);
    calendar_release(old);
}
