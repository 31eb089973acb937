/*
 * pg_search.h - full-text search documents, queries and snippets for the
 * PostgreSQL backend (pg_search.c), cut by rexian's segmenter so they agree
 * with the SQLite FTS5 index. Not for use outside src/store/.
 */
#ifndef REXIAN_STORE_PG_SEARCH_H
#define REXIAN_STORE_PG_SEARCH_H

#include <stdbool.h>

#include "store/store.h"

/*
 * The tsvector literal of columns cols[0..ncols) (NULL ones skipped), the
 * tokens of column i weighted weights[i] ('A'..'D'). *out is malloc'd.
 */
int pg_fts_doc(const char *const *cols, const char *weights, int ncols, char **out);
/*
 * The tsquery literal for a user's search text: each word (at most
 * max_terms distinct ones) the phrase of its tokens, all required or (any)
 * any of them. *out malloc'd; STORE_INVALID when the text has no word.
 */
int pg_fts_query(const char *text, bool any, int max_terms, char **out);
/* The best passage of texts[0..n) (by preference) for `query`, matches between
   \x02 and \x03, as the SQLite backend's sq_snippet; *out malloc'd or NULL. */
#define PG_SNIPPET_CHARS 60
int pg_snippet(const char *query, const char *const *texts, int n, char **out);

/* Rank weights of ts_rank ({D, C, B, A}): tickets title A, address B,
   content C, reply D; articles title A, tags B, body C (FTS5's bm25 weights
   4, 1.5, 1, 0.7 and 6, 3, 1, scaled to at most 1). */
#define PG_TICKET_WEIGHTS "'{0.175, 0.25, 0.375, 1.0}'"
/* A ticket search by rank or deadline sorts the newest this many hits only
   (the SQLite backend's SEARCH_WINDOW). */
#define PG_SEARCH_WINDOW 500
#define PG_KB_WEIGHTS "'{0.1, 0.1667, 0.5, 1.0}'"

#endif
