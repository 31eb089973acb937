/*
 * privacy.c - what each viewer may see of a citizen (DESIGN.md section 6).
 */
#include "core/privacy.h"

#include <string.h>

/* True if s[0..n) are all ASCII digits. */
static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/*
 * Length of a "+86" or "86" country prefix in front of an 11-digit mobile
 * number starting with 1, or 0 when `phone` is not such a number.
 */
static size_t mobile_prefix(const char *phone, size_t len)
{
    static const char *const prefixes[] = {"", "86", "+86"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t p = strlen(prefixes[i]);
        if (len == p + 11 && memcmp(phone, prefixes[i], p) == 0 && phone[p] == '1' &&
            all_digits(phone + p, 11))
            return p + 1; /* +1: mark "found" even for the empty prefix */
    }
    return 0;
}

/*
 * Masks everything but `head` leading and `tail` trailing bytes. A value with
 * anything but printable ASCII is masked whole, so that a multi-byte
 * character is never cut in half.
 */
static void mask_bytes(const char *s, size_t len, size_t head, size_t tail, char *out)
{
    bool ascii = true;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e)
            ascii = false;
    }
    if (!ascii || head + tail >= len)
        head = tail = 0;
    for (size_t i = 0; i < len; i++)
        out[i] = (i < head || i >= len - tail) ? s[i] : '*';
    out[len] = '\0';
}

int privacy_mask_phone(const char *phone, char *out, size_t outlen)
{
    size_t len, pre;

    if (out == NULL || outlen == 0)
        return -1;
    if (phone == NULL) { /* defensive: nothing to show */
        out[0] = '\0';
        return 0;
    }
    len = strlen(phone);
    if (outlen < len + 1)
        return -1;
    pre = mobile_prefix(phone, len);
    if (pre != 0)
        mask_bytes(phone, len, pre - 1 + 3, 4, out);
    else if (len <= 4)
        mask_bytes(phone, len, 0, 0, out);
    else if (len <= 8)
        mask_bytes(phone, len, 1, 1, out); /* short: keep less so that most is hidden */
    else
        mask_bytes(phone, len, 3, 2, out);
    return 0;
}

/*
 * The center (agents, supervisors, admins) sees the citizen as given. A unit
 * sees a masked phone, and nothing of a reporter, a confidential citizen or
 * an anonymous one. Any other viewer (public endpoints, integrations, an
 * unknown role) sees no identity at all.
 */
enum citizen_view privacy_citizen_view(unsigned role, enum ticket_type type, bool confidential,
                                       bool anonymous)
{
    switch (role) {
    case ROLE_AGENT:
    case ROLE_SUPERVISOR:
    case ROLE_ADMIN:
        return CV_FULL;
    case ROLE_HANDLER:
        if (type == TT_REPORT || confidential || anonymous)
            return CV_HIDDEN;
        return CV_MASKED;
    default:
        return CV_HIDDEN;
    }
}
