/*
 * snippet.h - the passage of a hit that shows why it matched, with the
 * matched words marked: "…老旧小区\x02加装电梯\x03，一楼住户…".
 *
 * A query is cut into words as for searching (segment.h); a word matches
 * where the document's tokens (CJK characters one by one, Latin words and
 * numbers whole, all normalised) spell it out in a row, so what is marked
 * is exactly what the search index matched, whatever the dictionary would
 * have made of the sentence. Offsets are the original text's, so the
 * passage is what was written (full-width digits stay full-width).
 *
 * Done in C rather than by FTS5's snippet(), which scores every fragment
 * of every column and costs about 0.3 ms a row here; this reads each text
 * once.
 */
#ifndef REXIAN_TEXT_SNIPPET_H
#define REXIAN_TEXT_SNIPPET_H

#include <stddef.h>

#include "text/segment.h"

/* Match markers in a snippet. */
#define TEXT_MARK_OPEN '\x02'
#define TEXT_MARK_CLOSE '\x03'

struct text_query;

/*
 * The words of search text q[0..len), at most max_words distinct ones.
 * TEXT_OK (then *out, possibly with no word), or a negative text_rc.
 */
int text_query_new(struct text_seg *s, const char *q, size_t len, int max_words,
                   struct text_query **out);
void text_query_free(struct text_query *q);

/*
 * The best passage among texts[0..n) (NULL entries skipped; earlier ones
 * win ties, so list them by preference): the text where most words of q
 * match, from a little before its first match, about max_chars characters
 * long, "…" where cut, matches between TEXT_MARK_OPEN and TEXT_MARK_CLOSE
 * (the markers themselves are dropped from the source text). *out is
 * malloc'd, NULL if every text is empty. TEXT_OK or a negative text_rc.
 */
int text_snippet(struct text_seg *s, const struct text_query *q, const char *const *texts, size_t n,
                 size_t max_chars, char **out);

#endif
