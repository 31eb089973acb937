/*
 * seg_int.h - the inside of a segmenter, shared by segment.c (word breaks)
 * and normalize.c (UTF-8 in, normalised UTF-16 with an offset map out).
 * Not for use outside src/text/.
 */
#ifndef REXIAN_TEXT_SEG_INT_H
#define REXIAN_TEXT_SEG_INT_H

#include <stddef.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>

#include "text/segment.h"

struct text_seg {
    UBreakIterator *bi;
    const UNormalizer2 *norm;
    UChar *src;      /* the input as UTF-16 */
    size_t *src_off; /* byte offset of each unit's code point; [n] = input length */
    size_t src_cap;
    UChar *out;        /* normalised */
    size_t *map_start; /* original byte span of each output unit */
    size_t *map_end;
    size_t out_cap;
    char *tok; /* the current token as UTF-8 */
    size_t tok_cap;
};

/* Logs an ICU failure (once per process: the cause is the same every time). */
void seg_log_icu(const char *what, UErrorCode err);

/*
 * Decodes text[0..len) and normalises it into s->out (m units), with
 * s->map_start/map_end giving each unit's span in the original bytes.
 * TEXT_OK or a negative text_rc.
 */
int seg_prepare(struct text_seg *s, const char *text, size_t len, size_t *m);

#endif
