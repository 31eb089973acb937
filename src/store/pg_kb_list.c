/*
 * pg_kb_list.c - listing, searching and suggesting knowledge-base articles
 * in PostgreSQL (mirrors sqlite_kb_list.c). Search ranks with ts_rank over
 * the document pg_kb.c writes; snippets come from pg_snippet.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_kb.h"
#include "store/pg_search.h"

/* $2..$9: visibility, state, category subtree, unit, tag, in effect at $9. */
#define KB_FILTERS                                                                              \
    " AND ($2::integer = 1 OR a.state = 'published' OR ($3::text IS NOT NULL AND a.unit_id IN " \
    "(SELECT id FROM units WHERE starts_with(path, $3::text))))"                                \
    " AND ($4::text IS NULL OR a.state = $4::text)"                                             \
    " AND ($5::bigint IS NULL OR a.category_id IN (WITH RECURSIVE sub(id) AS (SELECT $5::bigint " \
    "UNION ALL SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id) SELECT id FROM sub))" \
    " AND ($6::bigint IS NULL OR a.unit_id = $6::bigint)"                                       \
    " AND ($7::text IS NULL OR position(',' || $7::text || ',' in a.tags) > 0)"                 \
    " AND ($8::integer = 0 OR (a.state = 'published' AND (a.effective_from IS NULL OR "         \
    "a.effective_from <= $9::bigint) AND (a.expires_at IS NULL OR a.expires_at > $9::bigint)))"

#define KB_RANK "(-ts_rank(" PG_KB_WEIGHTS ", a.search, $1::tsquery))::float8"

/* Up to `limit` articles of r, with snippets for `q` when q is set; frees r. */
static int collect(PGresult *r, int limit, const char *q, struct kb_article **out,
                   char ***snippets, size_t *n, bool *more)
{
    int rows = PQntuples(r);
    struct kb_article *arr = calloc((size_t)limit, sizeof *arr);
    char **sarr = q ? calloc((size_t)limit, sizeof *sarr) : NULL;
    int rc = arr && (!q || sarr) ? STORE_OK : STORE_NOMEM;
    size_t len = 0;
    if (more)
        *more = rows > limit;
    for (int i = 0; rc == STORE_OK && i < rows && i < limit; i++) {
        rc = pg_kb_read(r, i, 0, &arr[len]);
        if (rc != STORE_OK)
            break;
        len++;
        if (sarr) {
            const char *texts[2] = {arr[len - 1].body, arr[len - 1].title};
            rc = pg_snippet(q, texts, 2, &sarr[len - 1]);
        }
    }
    PQclear(r);
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

int pg_store_kb_list(struct store_conn *c, const struct kb_filter *f, struct kb_article **out,
                     char ***snippets, size_t *n, bool *more)
{
    if (snippets)
        *snippets = NULL;
    char *tsq = NULL;
    if (f->q) {
        int qrc = pg_fts_query(f->q, false, 32, &tsq);
        if (qrc != STORE_OK)
            return qrc;
    }
    int limit = f->limit < 1 ? 1 : f->limit > 200 ? 200 : f->limit;
    struct pg_params p = {0};
    if (tsq)
        pp_text(&p, tsq);
    else
        pp_id(&p, f->before_id);
    pp_int(&p, f->all);
    pp_text(&p, f->scope_path);
    pp_text(&p, f->state >= 0 ? kb_state_name(f->state) : NULL);
    pp_id(&p, f->category_id);
    pp_id(&p, f->unit_id);
    pp_text(&p, f->tag);
    pp_int(&p, f->in_effect);
    pp_int(&p, f->now);
    pp_int(&p, limit + 1);
    int rc;
    PGresult *r = tsq ? pg_run(c, PQ_KB_FTS,
                               "SELECT " PG_KB_COLS " FROM kb_articles a WHERE a.search @@ "
                               "$1::tsquery" KB_FILTERS " ORDER BY " KB_RANK ", a.id LIMIT $10",
                               &p, &rc)
                      : pg_run(c, PQ_KB_LIST,
                               "SELECT " PG_KB_COLS " FROM kb_articles a WHERE ($1::bigint IS "
                               "NULL OR a.id < $1::bigint)" KB_FILTERS
                               " ORDER BY a.id DESC LIMIT $10",
                               &p, &rc);
    free(tsq);
    if (!r)
        return rc;
    return collect(r, limit, f->q, out, snippets, n, more);
}

int pg_store_kb_suggest(struct store_conn *c, const char *text, int64_t now, int limit,
                        struct kb_article **out, char ***snippets, size_t *n)
{
    *n = 0;
    *out = NULL;
    *snippets = NULL;
    char *tsq = NULL;
    int rc = pg_fts_query(text, true, 48, &tsq);
    if (rc == STORE_INVALID)
        return STORE_OK; /* nothing to go on: no suggestions */
    if (rc != STORE_OK)
        return rc;
    if (limit < 1)
        limit = 1;
    struct pg_params p = {0};
    pp_text(&p, tsq);
    pp_int(&p, now);
    pp_int(&p, limit);
    PGresult *r = pg_run(c, PQ_KB_SUGGEST,
                         "SELECT " PG_KB_COLS " FROM kb_articles a WHERE a.search @@ $1::tsquery "
                         "AND a.state = 'published' AND (a.effective_from IS NULL OR "
                         "a.effective_from <= $2) AND (a.expires_at IS NULL OR a.expires_at > $2) "
                         "ORDER BY " KB_RANK ", a.id LIMIT $3",
                         &p, &rc);
    free(tsq);
    if (!r)
        return rc;
    return collect(r, limit, text, out, snippets, n, NULL);
}
