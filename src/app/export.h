/*
 * export.h - reading every ticket of a list filter, page by page, for the
 * exports (api/export.c), and the names the rows show.
 *
 * The pager walks the list's keyset cursor exactly as a client following
 * `next` would: each page is one store call, its own short read
 * transaction, so an export of 100,000 tickets holds one page in memory
 * and never a long-running read lock. It is therefore not one snapshot: a
 * ticket changed while the export runs shows as it was when its page was
 * read (each ticket appears at most once; newest-first order is by
 * creation, which never changes).
 */
#ifndef REXIAN_APP_EXPORT_H
#define REXIAN_APP_EXPORT_H

#include "app/app.h"

#define EXPORT_PAGE 500

struct ticket_pager {
    struct store *store;
    struct ticket_filter f; /* the filter; its cursor moves on page by page */
    bool done;
    /* the current page (owned) */
    struct ticket *items;
    size_t n;
};

/* Starts at the filter's first page (f is copied; its strings are borrowed). */
void ticket_pager_init(struct ticket_pager *p, struct store *s, const struct ticket_filter *f);
/*
 * Reads the next page into p->items / p->n (0 rows at the end, p->done).
 * Returns a store rc.
 */
int ticket_pager_next(struct ticket_pager *p);
void ticket_pager_release(struct ticket_pager *p);

/* Unit names and category paths ("城乡建设/物业管理/电梯") by id, read once. */
struct export_names {
    struct unit *units;
    size_t n_units;
    struct category *cats;
    size_t n_cats;
    char **cat_paths; /* index-aligned with cats */
};
int export_names_load(struct store *s, struct export_names *out);
/* Borrowed; NULL for 0 or an unknown id. */
const char *export_unit_name(const struct export_names *x, int64_t id);
const char *export_category_path(const struct export_names *x, int64_t id);
void export_names_release(struct export_names *x);

#endif
