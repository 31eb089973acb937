/*
 * export.c - the export's pager and name tables (see export.h).
 */
#include "app/export.h"

#include <stdlib.h>
#include <string.h>

void ticket_pager_init(struct ticket_pager *p, struct store *s, const struct ticket_filter *f)
{
    memset(p, 0, sizeof *p);
    p->store = s;
    p->f = *f;
    p->f.limit = EXPORT_PAGE;
}

static void drop_page(struct ticket_pager *p)
{
    store_free_tickets(p->items, p->n);
    p->items = NULL;
    p->n = 0;
}

int ticket_pager_next(struct ticket_pager *p)
{
    drop_page(p);
    if (p->done)
        return STORE_OK;
    struct store_conn *c = store_conn_get(p->store);
    if (!c)
        return STORE_ERROR;
    int64_t *keys = NULL;
    char **snippets = NULL;
    bool more = false;
    int64_t resume = 0;
    /* The page is read in one snapshot, so the search index is brought
       up to date before it (store.h). */
    int rc = p->f.q ? store_search_current(c) : STORE_OK;
    if (rc == STORE_OK)
        rc = store_begin(c, false);
    if (rc == STORE_OK) {
        rc = store_ticket_search(c, &p->f, &p->items, &keys, &snippets, &p->n, &more, &resume);
        if (rc == STORE_OK)
            rc = store_commit(c);
        else
            store_rollback(c);
    }
    if (rc != STORE_OK) {
        store_free_snippets(snippets, p->n);
        drop_page(p);
        free(keys);
        return rc;
    }
    store_free_snippets(snippets, p->n);
    /* The next cursor, as the list handler makes it (api/tickets.c). */
    if (more && resume) {
        p->f.has_cursor = true;
        p->f.after_key = 0;
        p->f.after_id = resume;
    } else if (more && p->n) {
        p->f.has_cursor = true;
        p->f.after_key = keys[p->n - 1];
        p->f.after_id = p->items[p->n - 1].id;
    } else {
        p->done = true;
    }
    free(keys);
    return STORE_OK;
}

void ticket_pager_release(struct ticket_pager *p)
{
    drop_page(p);
    p->done = true;
}

static int unit_cmp(const void *a, const void *b)
{
    int64_t x = ((const struct unit *)a)->id, y = ((const struct unit *)b)->id;
    return x < y ? -1 : x > y;
}

static int cat_cmp(const void *a, const void *b)
{
    int64_t x = ((const struct category *)a)->id, y = ((const struct category *)b)->id;
    return x < y ? -1 : x > y;
}

/* Both tables are sorted by id once loaded: each row looks up in O(log n). */
static const struct category *cat_by_id(const struct export_names *x, int64_t id)
{
    struct category key = {.id = id};
    return x->n_cats ? bsearch(&key, x->cats, x->n_cats, sizeof key, cat_cmp) : NULL;
}

/* "root/child/leaf" for category i, walking up at most 16 levels. */
static char *path_of(const struct export_names *x, size_t i)
{
    const struct category *chain[16];
    size_t depth = 0;
    for (const struct category *c = &x->cats[i]; c && depth < 16;
         c = c->parent_id ? cat_by_id(x, c->parent_id) : NULL)
        chain[depth++] = c;
    size_t len = 1;
    for (size_t k = 0; k < depth; k++)
        len += strlen(chain[k]->name ? chain[k]->name : "") + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    for (size_t k = depth; k-- > 0;) {
        const char *name = chain[k]->name ? chain[k]->name : "";
        size_t n = strlen(name);
        memcpy(p, name, n);
        p += n;
        if (k)
            *p++ = '/';
    }
    *p = '\0';
    return s;
}

int export_names_load(struct store *s, struct export_names *out)
{
    memset(out, 0, sizeof *out);
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return STORE_ERROR;
    int rc = store_unit_list(c, &out->units, &out->n_units);
    if (rc == STORE_OK)
        rc = store_category_list(c, &out->cats, &out->n_cats);
    if (rc == STORE_OK && out->n_units)
        qsort(out->units, out->n_units, sizeof *out->units, unit_cmp);
    if (rc == STORE_OK && out->n_cats)
        qsort(out->cats, out->n_cats, sizeof *out->cats, cat_cmp);
    if (rc == STORE_OK && out->n_cats) {
        out->cat_paths = calloc(out->n_cats, sizeof *out->cat_paths);
        for (size_t i = 0; out->cat_paths && i < out->n_cats; i++)
            if (!(out->cat_paths[i] = path_of(out, i)))
                rc = STORE_NOMEM;
        if (!out->cat_paths)
            rc = STORE_NOMEM;
    }
    if (rc != STORE_OK)
        export_names_release(out);
    return rc;
}

const char *export_unit_name(const struct export_names *x, int64_t id)
{
    if (!id || !x->n_units)
        return NULL;
    struct unit key = {.id = id};
    const struct unit *u = bsearch(&key, x->units, x->n_units, sizeof key, unit_cmp);
    return u ? u->name : NULL;
}

const char *export_category_path(const struct export_names *x, int64_t id)
{
    const struct category *c = id ? cat_by_id(x, id) : NULL;
    if (!c)
        return NULL;
    return x->cat_paths ? x->cat_paths[c - x->cats] : c->name;
}

void export_names_release(struct export_names *x)
{
    if (x->cat_paths)
        for (size_t i = 0; i < x->n_cats; i++)
            free(x->cat_paths[i]);
    free(x->cat_paths);
    store_free_units(x->units, x->n_units);
    store_free_categories(x->cats, x->n_cats);
    memset(x, 0, sizeof *x);
}
