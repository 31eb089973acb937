/*
 * sqlite_kb_list.c - listing, searching and suggesting knowledge-base
 * articles.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

#define KB_COLS                                                                                    \
    "a.id, a.title, a.body, a.category_id, a.tags, a.unit_id, a.effective_from, a.expires_at, "    \
    "a.state, a.demo, a.revision, a.created_by, a.created_at, a.updated_by, a.updated_at, "        \
    "a.published_at"

/* Read by sqlite_kb.c's reader; declared here to keep one column order. */
int sq_kb_read(sqlite3_stmt *st, int first, struct kb_article *a);

#define KB_FILTERS                                                                                 \
    " AND (:all = 1 OR a.state = 'published' OR (:scope IS NOT NULL AND a.unit_id IN "             \
    "(SELECT id FROM units WHERE substr(path, 1, length(:scope)) = :scope)))"                      \
    " AND (:state IS NULL OR a.state = :state)"                                                    \
    " AND (:cat IS NULL OR a.category_id IN (WITH RECURSIVE sub(id) AS (SELECT :cat UNION ALL "    \
    "SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id) SELECT id FROM sub))"         \
    " AND (:unit IS NULL OR a.unit_id = :unit)"                                                    \
    " AND (:tag IS NULL OR instr(a.tags, ',' || :tag || ',') > 0)"                                 \
    " AND (:ineffect = 0 OR (a.state = 'published' AND (a.effective_from IS NULL OR "              \
    "a.effective_from <= :now) AND (a.expires_at IS NULL OR a.expires_at > :now)))"

static void bind_i(sqlite3_stmt *st, const char *name, int64_t v, bool null_if_zero)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (!i)
        return;
    if (null_if_zero && !v)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

static void bind_t(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sq_bind_text(st, i, v);
}

/*
 * Steps st, reading up to `limit` articles (and, when q is set, each one's
 * snippet for q); *more if a row is left over.
 */
static int collect(struct store_conn *c, sqlite3_stmt *st, int limit, const char *q,
                   struct kb_article **out, char ***snippets, size_t *n, bool *more)
{
    struct kb_article *arr = calloc((size_t)limit, sizeof *arr);
    char **sarr = q ? calloc((size_t)limit, sizeof *sarr) : NULL;
    if (!arr || (q && !sarr)) {
        free(arr);
        free(sarr);
        sqlite3_reset(st);
        return STORE_NOMEM;
    }
    size_t len = 0;
    int src, rc = STORE_OK;
    if (more)
        *more = false;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == (size_t)limit) {
            if (more)
                *more = true;
            break;
        }
        rc = sq_kb_read(st, 0, &arr[len]);
        if (rc != STORE_OK)
            break;
        if (sarr) {
            const char *texts[] = {arr[len].body, arr[len].title};
            if ((rc = sq_snippet(q, texts, 2, &sarr[len])) != STORE_OK) {
                len++;
                break;
            }
        }
        len++;
    }
    if (rc == STORE_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "kb list");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        store_free_kb(arr, len);
        store_free_snippets(sarr, len);
        return rc;
    }
    *out = arr;
    if (snippets)
        *snippets = sarr;
    *n = len;
    return STORE_OK;
}

int store_kb_list(struct store_conn *c, const struct kb_filter *f, struct kb_article **out,
                  char ***snippets, size_t *n, bool *more)
{
    char *fts = NULL;
    sqlite3_stmt *st;
    if (snippets)
        *snippets = NULL;
    if (f->q) {
        int rc = sq_fts_query(f->q, false, 32, &fts);
        if (rc != STORE_OK)
            return rc;
        st = sq_stmt(c, Q_KB_SEARCH,
                     "SELECT " KB_COLS " FROM kb_fts f JOIN kb_articles a ON "
                     "a.id = f.rowid WHERE kb_fts MATCH :fts" KB_FILTERS
                     " ORDER BY f.rank, a.id LIMIT :limit");
    } else {
        st = sq_stmt(c, Q_KB_LIST,
                     "SELECT " KB_COLS " FROM kb_articles a WHERE (:before IS NULL OR a.id < "
                     ":before)" KB_FILTERS " ORDER BY a.id DESC LIMIT :limit");
    }
    if (!st) {
        free(fts);
        return STORE_ERROR;
    }
    int limit = f->limit < 1 ? 1 : f->limit > 200 ? 200 : f->limit;
    if (fts) {
        int i = sqlite3_bind_parameter_index(st, ":fts");
        sqlite3_bind_text(st, i, fts, -1, free);
    }
    bind_i(st, ":all", f->all, false);
    bind_t(st, ":scope", f->scope_path);
    bind_t(st, ":state", f->state >= 0 ? kb_state_name(f->state) : NULL);
    bind_i(st, ":cat", f->category_id, true);
    bind_i(st, ":unit", f->unit_id, true);
    bind_t(st, ":tag", f->tag);
    bind_i(st, ":ineffect", f->in_effect, false);
    bind_i(st, ":now", f->now, false);
    bind_i(st, ":before", f->before_id, true);
    bind_i(st, ":limit", limit + 1, false);
    return collect(c, st, limit, f->q, out, snippets, n, more);
}

int store_kb_suggest(struct store_conn *c, const char *text, int64_t now, int limit,
                     struct kb_article **out, char ***snippets, size_t *n)
{
    char *fts = NULL;
    *n = 0;
    *out = NULL;
    *snippets = NULL;
    int rc = sq_fts_query(text, true, 48, &fts);
    if (rc == STORE_INVALID)
        return STORE_OK; /* nothing to go on: no suggestions */
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *st =
        sq_stmt(c, Q_KB_SUGGEST,
                "SELECT " KB_COLS " FROM kb_fts f JOIN kb_articles a ON a.id = f.rowid "
                "WHERE kb_fts MATCH ?1 AND a.state = 'published' AND (a.effective_from IS NULL OR "
                "a.effective_from <= ?2) AND (a.expires_at IS NULL OR a.expires_at > ?2) "
                "ORDER BY f.rank LIMIT ?3");
    if (!st) {
        free(fts);
        return STORE_ERROR;
    }
    if (limit < 1)
        limit = 1;
    sqlite3_bind_text(st, 1, fts, -1, free);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, limit);
    return collect(c, st, limit, text, out, snippets, n, NULL);
}
