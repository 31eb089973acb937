/*
 * redact.c - hiding identities in public free text.
 *
 * One pass marks the bytes to hide (secrets, long numbers, e-mail
 * addresses); a second copies the text, writing "***" once for each hidden
 * stretch. Marks always cover whole UTF-8 characters: secrets and the text
 * are valid UTF-8, and numbers and addresses are ASCII.
 */
#include "core/redact.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"

#define NUMBER_MIN_DIGITS 7

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_local_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
           c == '_' || c == '%' || c == '+' || c == '-';
}

static bool is_domain_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-';
}

/* Marks every occurrence of `s` in text[0..len). */
static void mark_secret(const char *text, size_t len, const char *s, bool *hide)
{
    size_t n = strlen(s);
    if (n == 0 || n > len || utf8_length(s) < 2)
        return;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(text + i, s, n) == 0) {
            memset(hide + i, 1, n);
            i += n - 1;
        }
    }
}

/* Marks digit groups joined by single spaces or dashes that hold 7+ digits. */
static void mark_numbers(const char *text, size_t len, bool *hide)
{
    size_t i = 0;
    while (i < len) {
        if (!is_digit(text[i])) {
            i++;
            continue;
        }
        size_t start = i, end = i, digits = 0;
        while (i < len) {
            if (is_digit(text[i])) {
                digits++;
                end = ++i;
            } else if ((text[i] == ' ' || text[i] == '-') && i + 1 < len && is_digit(text[i + 1])) {
                i++;
            } else {
                break;
            }
        }
        if (digits >= NUMBER_MIN_DIGITS)
            memset(hide + start, 1, end - start);
    }
}

/* Marks local@domain.tld words. */
static void mark_emails(const char *text, size_t len, bool *hide)
{
    for (size_t at = 0; at < len; at++) {
        if (text[at] != '@')
            continue;
        size_t l = at;
        while (l > 0 && is_local_char(text[l - 1]))
            l--;
        size_t r = at + 1;
        bool dot = false;
        while (r < len && is_domain_char(text[r])) {
            dot |= text[r] == '.' && r > at + 1;
            r++;
        }
        if (l < at && dot)
            memset(hide + l, 1, r - l);
    }
}

char *redact_public(const char *text, const char *const *secrets, size_t n)
{
    if (!text)
        return NULL;
    size_t len = strlen(text);
    bool *hide = calloc(len + 1, sizeof *hide);
    if (!hide)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (secrets[i])
            mark_secret(text, len, secrets[i], hide);
    mark_numbers(text, len, hide);
    mark_emails(text, len, hide);
    /* A hidden stretch of k >= 1 bytes becomes 3 bytes, and stretches are
       apart by at least one shown byte: the copy is at most twice as long. */
    char *out = malloc(2 * len + 4);
    if (!out) {
        free(hide);
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (!hide[i]) {
            out[o++] = text[i++];
            continue;
        }
        memcpy(out + o, "***", 3);
        o += 3;
        while (i < len && hide[i])
            i++;
    }
    out[o] = '\0';
    free(hide);
    return out;
}
