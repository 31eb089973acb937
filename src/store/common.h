/*
 * common.h - helpers both backends share: they read and shape records the
 * same way whatever the SQL dialect. Internal to src/store/.
 */
#ifndef REXIAN_STORE_COMMON_H
#define REXIAN_STORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Copies a stored ticket number into dst (TICKET_NUMBER_LEN + 1), "" if not one. */
void store_copy_number(char *dst, const char *src);

/* Parses a comma list of co-unit ids (group_concat / string_agg) into t. 1 on OOM. */
int store_parse_co_units(const char *s, struct ticket *t);

/*
 * The path of unit `parent_id` ("/" for a root) into buf, read through the
 * store's dispatch; STORE_INVALID if there is no such unit.
 */
int store_parent_path(struct store_conn *c, int64_t parent_id, char *buf, size_t len);

/* Tags stored as ",a,b," (malloc'd; NULL out of memory) and split back into a->tags
   (0, or -1 out of memory). */
char *store_kb_pack_tags(const struct kb_article *a);
int store_kb_unpack_tags(const char *s, struct kb_article *a);

/* The depth of a category placed under parent_id (1 for a root); STORE_INVALID if
   the parent does not exist. Reads through the store's dispatch. */
int store_depth_under(struct store_conn *c, int64_t parent_id, int *depth);

#endif
