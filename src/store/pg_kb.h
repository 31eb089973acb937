/*
 * pg_kb.h - what pg_kb.c and pg_kb_list.c share. Not for use outside src/store/.
 */
#ifndef REXIAN_STORE_PG_KB_H
#define REXIAN_STORE_PG_KB_H

#include "store/pg_int.h"

#define PG_KB_COLS                                                                              \
    "a.id, a.title, a.body, a.category_id, a.tags, a.unit_id, a.effective_from, a.expires_at, " \
    "a.state, a.demo, a.revision, a.created_by, a.created_at, a.updated_by, a.updated_at, "     \
    "a.published_at"
#define PG_KB_NCOLS 16

/* Reads PG_KB_COLS from column `first` of row `row`. */
int pg_kb_read(PGresult *r, int row, int first, struct kb_article *a);
/* The article's tags as ",a,b," (malloc'd), or NULL out of memory. */

#endif
