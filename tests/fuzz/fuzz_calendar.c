/*
 * fuzz_calendar.c - the working-calendar file parser (core/calendar.c),
 * which reads data/calendar/YYYY.txt and what an admin uploads. A text it
 * accepts must list only real dates of the one year it reports, each as
 * work or holiday, with names of valid UTF-8 that fit; one it refuses must
 * say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    struct calendar *c = calendar_new();
    if (!c)
        return 0;
    int year = 0;
    char err[256] = "";
    int rc = calendar_parse(c, (const char *)data, size, CAL_FROM_FILE, &year, err, sizeof err);
    if (rc != 0) {
        if (rc != -1 || !err[0])
            abort();
    } else {
        const struct cal_day *days = NULL;
        size_t n = calendar_all_days(c, &days);
        for (size_t i = 0; i < n; i++) {
            const struct cal_day *d = &days[i];
            if (d->day / 10000 != year || (d->kind != CAL_WORK && d->kind != CAL_HOLIDAY))
                abort();
            if (i && days[i - 1].day >= d->day)
                abort();
            size_t nl = strnlen(d->name, sizeof d->name);
            if (nl > CAL_NAME_MAX || !utf8_valid(d->name, nl))
                abort();
            if (calendar_kind(c, d->day, NULL) != d->kind)
                abort();
        }
        if (n && !calendar_year_known(c, year))
            abort();
    }
    calendar_free(c);
    return 0;
}
