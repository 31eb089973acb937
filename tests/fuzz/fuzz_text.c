/*
 * fuzz_text.c - the validators of core/validate.c and the phone mask of
 * core/privacy.c. utf8_valid is checked against a plain reference decoder
 * written here from the definition (RFC 3629), utf8_length against a count
 * of lead bytes; a phone number we accept must mask to the same length
 * with its middle hidden.
 */
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/privacy.h"
#include "core/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 3629 well-formedness, one code point at a time. */
static bool reference_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    bool valid = utf8_valid((const char *)data, size);
    if (valid != reference_utf8(data, size))
        abort();
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t n = strlen(s); /* up to the first NUL */
    if (utf8_valid(s, n)) {
        size_t leads = 0;
        for (size_t i = 0; i < n; i++)
            leads += ((unsigned char)s[i] & 0xc0) != 0x80;
        if (utf8_length(s) != leads)
            abort();
        (void)text_blank(s);
    }
    if (phone_valid(s)) {
        char masked[64];
        if (n >= sizeof masked || privacy_mask_phone(s, masked, sizeof masked) != 0)
            abort();
        if (strlen(masked) != n || !strchr(masked, '*'))
            abort();
    }
    if (code_valid(s) && (n < 1 || n > 32))
        abort();
    if (username_valid(s) && (n < 3 || n > 32))
        abort();
    free(s);
    return 0;
}
