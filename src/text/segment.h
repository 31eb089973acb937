/*
 * segment.h - Chinese (and any other) text cut into search words.
 *
 * The pipeline, the same for what is indexed and for what is searched:
 *   1. UTF-8 in (invalid bytes count as U+FFFD, one byte each);
 *   2. NFKC with case folding (ICU's NFKC_Casefold normaliser): full-width
 *      letters and digits become ASCII ("１２３４５" -> "12345"), letters are
 *      folded ("ABC" -> "abc"), compatibility forms are unified;
 *   3. ICU's word break iterator for "zh" (dictionary based for Chinese),
 *      keeping only boundaries that enclose a word: spaces and punctuation
 *      are dropped, Latin words and numbers stay whole.
 * Every token carries its byte offsets in the ORIGINAL text, so that
 * highlights and snippets land on what the user wrote even where
 * normalisation changed the length.
 *
 * Nothing here knows SQL: text/fts5.c wraps it for SQLite's FTS5, and a
 * PostgreSQL backend can call text_segment() to build its documents and
 * queries the same way.
 *
 * Threads: a struct text_seg holds an ICU break iterator, which must not be
 * used by two threads at once. Make one per thread (text_seg_thread() keeps
 * one per calling thread) or per connection (as the FTS5 tokenizer does).
 */
#ifndef REXIAN_TEXT_SEGMENT_H
#define REXIAN_TEXT_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>

/* Errors of text_* functions; negative so that callback codes (>= 0) pass through. */
enum text_rc {
    TEXT_OK = 0,
    TEXT_NOMEM = -1,
    TEXT_TOOBIG = -2, /* input over TEXT_MAX_INPUT */
    TEXT_ICU = -3     /* ICU failed (data missing?); logged once */
};

/* Longest input accepted in one call (bytes). */
#define TEXT_MAX_INPUT (4u << 20)

enum text_kind {
    TK_NUMBER, /* digits, possibly with separators: 12345, 3.5 */
    TK_LATIN,  /* letters of alphabetic scripts: elevator, wifi, e */
    TK_CJK     /* Han ideographs, kana: 电梯, 加 */
};

struct text_token {
    const char *text; /* normalised UTF-8; borrowed, valid during the callback */
    size_t len;       /* bytes of text */
    size_t start;     /* byte offset of the token in the original text */
    size_t end;       /* one past its last byte in the original text */
    enum text_kind kind;
    int chars; /* code points in text */
    int index; /* 0, 1, 2 ... in the order emitted */
};

/*
 * Called once per token. Return 0 to go on; any other value (>= 0) stops
 * the segmentation, and text_segment returns that value unchanged.
 */
typedef int (*text_token_fn)(void *ctx, const struct text_token *tok);

enum text_flags {
    /* Emit each character of a CJK word as a token of its own (offsets of
       that character). Used by the search index: dictionary segmentation
       depends on the context, characters do not. */
    TEXT_CJK_CHARS = 1 << 0
};

struct text_seg;

/* A new segmenter (opens the ICU iterators). TEXT_OK, TEXT_NOMEM or TEXT_ICU. */
int text_seg_new(struct text_seg **out);
/* Frees s (NULL is fine). */
void text_seg_free(struct text_seg *s);
/*
 * The calling thread's segmenter, created on first use and freed when the
 * thread exits; borrowed. NULL if it cannot be made (out of memory, ICU).
 */
struct text_seg *text_seg_thread(void);
/* Frees the calling thread's segmenter now (the main thread, before exit). */
void text_seg_thread_release(void);

/*
 * Cuts text[0..len) into tokens and calls fn for each, in order. Returns
 * TEXT_OK, a negative enum text_rc, or the first non-zero value fn returned.
 */
int text_segment(struct text_seg *s, const char *text, size_t len, unsigned flags, text_token_fn fn,
                 void *ctx);

/* True if text has at least one word (letters, digits or ideographs). */
bool text_has_words(struct text_seg *s, const char *text, size_t len);

#endif
