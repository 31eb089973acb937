/*
 * privacy.h - what each viewer may see of a citizen (DESIGN.md section 6).
 */
#ifndef REXIAN_CORE_PRIVACY_H
#define REXIAN_CORE_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/types.h"

/*
 * Masks a phone number for display: an 11-digit mobile keeps its first 3 and
 * last 4 digits (138****5678); other numbers keep at most the first 3 and last
 * 2 characters with '*' between; 4 characters or fewer become all '*'.
 * Writes a NUL-terminated string into out (outlen >= strlen(phone) + 1).
 * Returns 0, or -1 if out is too small.
 */
int privacy_mask_phone(const char *phone, char *out, size_t outlen);

enum citizen_view {
    CV_FULL,        /* name and phone as given */
    CV_MASKED,      /* name shown, phone masked */
    CV_HIDDEN       /* reporter withheld: neither name nor phone */
};

/*
 * How a viewer with `role` (one flag) sees the citizen of a ticket of `type`
 * with the `confidential` flag. Units (handlers) never see the reporter of a
 * report (举报) or a confidential ticket, and see other phones masked; the
 * center's roles see everything. Anonymous tickets have no identity to show
 * to anyone but the center.
 */
enum citizen_view privacy_citizen_view(unsigned role, enum ticket_type type, bool confidential,
                                       bool anonymous);

#endif
