/*
 * redact.h - scrubbing free text before it leaves through a public answer
 * (Open311 descriptions and replies), so that a citizen's identity typed
 * into the text by an agent or a unit does not go out with it.
 */
#ifndef REXIAN_CORE_REDACT_H
#define REXIAN_CORE_REDACT_H

#include <stddef.h>

/*
 * Returns a new malloc'd copy of the valid UTF-8 `text` in which
 *   - every occurrence of each of the `n` `secrets` (the citizen's name,
 *     phone, e-mail; NULL entries and ones shorter than 2 code points are
 *     skipped) is replaced by "***",
 *   - every run of 7 or more ASCII digits (a phone number, an id card) is
 *     replaced by "***", and
 *   - every e-mail-like word (local@domain.tld) is replaced by "***".
 * Ticket numbers (14 digits) count as digit runs too: callers that want one
 * in the text add it after redacting. Returns NULL if out of memory.
 */
char *redact_public(const char *text, const char *const *secrets, size_t n);

#endif
