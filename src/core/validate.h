/*
 * validate.h - checks of values that come from outside, shared by every edge
 * (JSON API, Open311 forms, command line).
 */
#ifndef REXIAN_CORE_VALIDATE_H
#define REXIAN_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool utf8_valid(const char *s, size_t len);

/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);

/* True if s is empty or only ASCII / full-width (U+3000) white space. */
bool text_blank(const char *s);

/*
 * True for a phone number a Chinese hotline accepts: a mobile (1[3-9] and 9
 * more digits, optionally prefixed +86 or 86), a landline with area code
 * (0 + 2..3 digits, optional '-', 7..8 digits, optional "-" extension of 1..6
 * digits), or a 5-digit service number starting with 1 or 95 (12345, 95598).
 */
bool phone_valid(const char *s);

/* True if s is a code for a unit or category: 1..32 of [A-Za-z0-9_.-]. */
bool code_valid(const char *s);

/* True for a username: 3..32 of [a-z0-9_.-], starting with a letter or digit. */
bool username_valid(const char *s);

#endif
