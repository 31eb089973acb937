/*
 * validate.c - checks of values that come from outside (UTF-8, phone
 * numbers, codes, usernames). Pure functions of their argument.
 */
#include "core/validate.h"

#include <stdint.h>
#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence at s[0..avail), or 0 if there is
 * none (RFC 3629, table 3-7 of the Unicode standard): the second byte's range
 * depends on the lead byte so as to exclude overlongs, surrogates and code
 * points above U+10FFFF.
 */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0; /* continuation byte, overlong lead C0/C1, or F5..FF */
    if (c == 0xe0)
        lo = 0xa0; /* overlong 3-byte */
    else if (c == 0xed)
        hi = 0x9f; /* surrogates D800..DFFF */
    else if (c == 0xf0)
        lo = 0x90; /* overlong 4-byte */
    else if (c == 0xf4)
        hi = 0x8f; /* above U+10FFFF */
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    }
    return n;
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    if (s == NULL)
        return len == 0;
    while (i < len) {
        size_t n = utf8_seq_len(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t utf8_length(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if ((*p & 0xc0) != 0x80) /* every byte but a continuation starts a code point */
            n++;
    }
    return n;
}

bool text_blank(const char *s)
{
    if (s == NULL)
        return true;
    while (*s != '\0') {
        if (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
            s++;
        } else if (strncmp(s, "\xe3\x80\x80", 3) == 0) { /* U+3000 IDEOGRAPHIC SPACE */
            s += 3;
        } else {
            return false;
        }
    }
    return true;
}

/* Number of ASCII digits at the start of s. */
static size_t digit_run(const char *s)
{
    size_t n = 0;

    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

static bool mobile_valid(const char *s)
{
    if (strncmp(s, "+86", 3) == 0)
        s += 3;
    else if (strncmp(s, "86", 2) == 0 && strlen(s) == 13)
        s += 2;
    return strlen(s) == 11 && digit_run(s) == 11 && s[0] == '1' && s[1] >= '3';
}

/* The local part of a landline after its area code: [-]NNNNNNN[N][-EEEEEE]. */
static bool landline_rest_valid(const char *s)
{
    size_t n;

    if (*s == '-')
        s++;
    n = digit_run(s);
    if (n < 7 || n > 8)
        return false;
    s += n;
    if (*s == '\0')
        return true;
    if (*s != '-')
        return false;
    n = digit_run(++s);
    return n >= 1 && n <= 6 && s[n] == '\0';
}

/*
 * A landline: 0 plus 2 or 3 more digits of area code, then the number. Without
 * a dash the split is ambiguous, so both area-code lengths are tried.
 */
static bool landline_valid(const char *s)
{
    size_t lead = digit_run(s);

    if (s[0] != '0')
        return false;
    for (size_t area = 3; area <= 4 && area <= lead; area++) {
        if (landline_rest_valid(s + area))
            return true;
    }
    return false;
}

bool phone_valid(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    /* Service numbers: 1xxxx (12345, 10086) and, as the header's 95598 shows, 95xxx. */
    if (strlen(s) == 5 && digit_run(s) == 5 && (s[0] == '1' || strncmp(s, "95", 2) == 0))
        return true;
    return mobile_valid(s) || landline_valid(s);
}

/* True if s is min..max characters, each accepted by `ok`. */
static bool chars_valid(const char *s, size_t min, size_t max, bool (*ok)(char c))
{
    size_t n = 0;

    if (s == NULL)
        return false;
    for (; s[n] != '\0'; n++) {
        if (n >= max || !ok(s[n]))
            return false;
    }
    return n >= min;
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_code_char(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '-';
}

static bool is_username_char(char c)
{
    return is_lower_alnum(c) || c == '_' || c == '.' || c == '-';
}

bool code_valid(const char *s)
{
    return chars_valid(s, 1, 32, is_code_char);
}

bool username_valid(const char *s)
{
    return chars_valid(s, 3, 32, is_username_char) && is_lower_alnum(s[0]);
}
