/*
 * hot.h - the words a ticket is counted under for the hot topics: the
 * HOT_WORDS most frequent words of its title and content, as the search
 * segmenter cuts them (text/segment.h), less numbers, single characters and
 * the stock phrases of hotline calls (反映, 希望, 尽快 ...).
 */
#ifndef REXIAN_CORE_HOT_H
#define REXIAN_CORE_HOT_H

#include <stddef.h>

#include "text/segment.h"

#define HOT_WORDS 5     /* words kept per ticket */
#define HOT_WORD_MAX 48 /* bytes of a word, with its NUL; longer words are skipped */

/*
 * Fills words[0..*n) with the ticket's words, most frequent first (ties: the
 * first seen first); title words count twice. 0, or a negative enum text_rc.
 */
int hot_words(struct text_seg *s, const char *title, const char *content,
              char words[HOT_WORDS][HOT_WORD_MAX], size_t *n);
/* True for a word never counted (a stock phrase). */
int hot_stop_word(const char *w, size_t len);

#endif
