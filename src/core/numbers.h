/*
 * numbers.h - the 14-digit ticket number: the local date YYYYMMDD followed by
 * a 6-digit sequence that restarts every day (e.g. 20261201000123).
 */
#ifndef REXIAN_CORE_NUMBERS_H
#define REXIAN_CORE_NUMBERS_H

#include <stdbool.h>
#include <stdint.h>

#define TICKET_NUMBER_LEN 14
#define TICKET_SEQ_MAX 999999

/* The day key YYYYMMDD as an integer (e.g. 20261201). */
typedef int32_t day_key;

/*
 * Writes the number for `day` and `seq` (1..TICKET_SEQ_MAX) into `out`
 * (at least TICKET_NUMBER_LEN + 1 bytes). Returns 0, or -1 if out of range.
 */
int ticket_number_format(day_key day, int64_t seq, char *out);

/* True if `s` is exactly 14 ASCII digits naming a real date and seq >= 1. */
bool ticket_number_valid(const char *s);

/* Splits a valid number; returns 0, or -1 if not valid. Either out may be NULL. */
int ticket_number_parse(const char *s, day_key *day, int64_t *seq);

#endif
