/*
 * calendar_file.c - the calendar file format: one date a line,
 * "YYYY-MM-DD KIND [NAME]", '#' comments, all dates in one year; and
 * loading the YYYY.txt files of a directory.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/validate.h"

#define FILE_MAX (1 << 20)

static int parse_fail(char *err, size_t errlen, int line, const char *what, const char *arg)
{
    if (err && errlen)
        snprintf(err, errlen, "line %d: %s%s%.40s%s", line, what, arg ? " '" : "",
                 arg ? arg : "", arg ? "'" : "");
    return -1;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

/* "YYYY-MM-DD" at p (exactly 10 characters) as YYYYMMDD, or -1. */
static int32_t parse_date(const char *p, size_t n)
{
    int32_t v = 0;

    if (n != 10 || p[4] != '-' || p[7] != '-')
        return -1;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return calendar_day_valid(v) ? v : -1;
}

/*
 * One non-comment line split into date, kind and the rest (the name, spaces
 * inside it kept, trailing spaces dropped). Fills *day, *kind and name.
 */
static int parse_line(const char *s, size_t n, int lineno, int32_t *day, int *kind, char *name,
                      char *err, size_t errlen)
{
    size_t i = 0, w;
    char word[16];

    while (i < n && !is_space(s[i]))
        i++;
    *day = parse_date(s, i);
    if (*day < 0) {
        char shown[24];
        snprintf(shown, sizeof shown, "%.*s", (int)(i < 20 ? i : 20), s);
        return parse_fail(err, errlen, lineno, "bad date", shown);
    }
    while (i < n && is_space(s[i]))
        i++;
    w = i;
    while (i < n && !is_space(s[i]))
        i++;
    snprintf(word, sizeof word, "%.*s", (int)(i - w), s + w);
    *kind = cal_kind_parse(word);
    if (*kind < 0 || i - w >= sizeof word)
        return parse_fail(err, errlen, lineno, "unknown kind (work or holiday)", word);
    while (i < n && is_space(s[i]))
        i++;
    while (n > i && is_space(s[n - 1]))
        n--;
    if (n - i > CAL_NAME_MAX)
        return parse_fail(err, errlen, lineno, "name too long", NULL);
    if (!utf8_valid(s + i, n - i))
        return parse_fail(err, errlen, lineno, "name is not valid UTF-8", NULL);
    memcpy(name, s + i, n - i);
    name[n - i] = '\0';
    return 0;
}

int calendar_parse(struct calendar *c, const char *text, size_t len, enum cal_source source,
                   int *year, char *err, size_t errlen)
{
    struct calendar *seen = calendar_new(); /* dates of this text, to refuse repeats */
    int lineno = 0, the_year = 0, rc = 0;
    size_t pos = 0;

    if (!seen)
        return parse_fail(err, errlen, 0, "out of memory", NULL);
    while (pos < len && rc == 0) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos, i = 0;
        int32_t day;
        int kind;
        char name[CAL_NAME_MAX + 1];

        pos += n + (nl ? 1 : 0);
        lineno++;
        while (i < n && is_space(s[i]))
            i++;
        if (i == n || s[i] == '#')
            continue;
        rc = parse_line(s + i, n - i, lineno, &day, &kind, name, err, errlen);
        if (rc)
            break;
        if (the_year && day / 10000 != the_year)
            rc = parse_fail(err, errlen, lineno, "all dates must be in one year", NULL);
        else if (calendar_kind(seen, day, NULL) != CAL_NONE)
            rc = parse_fail(err, errlen, lineno, "date listed twice", NULL);
        else if (calendar_set(seen, day, (enum cal_kind)kind, NULL, source) != 0 ||
                 calendar_set(c, day, (enum cal_kind)kind, name, source) != 0)
            rc = parse_fail(err, errlen, lineno, "out of memory", NULL);
        the_year = day / 10000;
    }
    calendar_free(seen);
    if (rc == 0 && !the_year)
        rc = parse_fail(err, errlen, lineno, "no dates", NULL);
    if (rc == 0 && calendar_mark_year(c, the_year) != 0)
        rc = parse_fail(err, errlen, lineno, "out of memory", NULL);
    if (rc == 0 && year)
        *year = the_year;
    return rc;
}

int calendar_load_file(struct calendar *c, const char *path, int *year, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    int rc;

    if (!f) {
        snprintf(err, errlen, "cannot read '%s'", path);
        return -1;
    }
    buf = malloc(FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n = fread(buf, 1, FILE_MAX + 1, f);
    fclose(f);
    if (n > FILE_MAX) {
        free(buf);
        snprintf(err, errlen, "'%s' is larger than 1 MiB", path);
        return -1;
    }
    char msg[160] = "";
    rc = calendar_parse(c, buf, n, CAL_FROM_FILE, year, msg, sizeof msg);
    free(buf);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, msg);
    return rc;
}

/* YYYY from a "YYYY.txt" file name, or -1. */
static int year_of_name(const char *name)
{
    int y = 0;

    if (strlen(name) != 8 || strcmp(name + 4, ".txt") != 0)
        return -1;
    for (int i = 0; i < 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        y = y * 10 + (name[i] - '0');
    }
    return y;
}

int calendar_load_dir(struct calendar *c, const char *dir, int *n_files, char *err,
                      size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    *n_files = 0;
    if (!d)
        return 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        int want = year_of_name(e->d_name), got = 0;
        char path[4096];
        if (want < 0)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) {
            snprintf(err, errlen, "calendar directory path too long");
            rc = -1;
            break;
        }
        rc = calendar_load_file(c, path, &got, err, errlen);
        if (rc == 0 && got != want) {
            snprintf(err, errlen, "%s: holds dates of %d", path, got);
            rc = -1;
        }
        if (rc == 0)
            (*n_files)++;
    }
    closedir(d);
    return rc;
}

