/*
 * pg_kb.c - knowledge-base articles and their revisions in PostgreSQL
 * (mirrors sqlite_kb.c). Tags are stored as ",a,b,"; the search document
 * (title A, tags B, body C) is written with every insert and update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"
#include "store/common.h"
#include "store/pg_kb.h"
#include "store/pg_search.h"


int pg_kb_read(PGresult *r, int row, int first, struct kb_article *a)
{
    int oom = 0, i = first;
    kb_article_init(a);
    a->id = pg_col_int(r, row, i++);
    a->title = pg_col_text(r, row, i++, &oom);
    a->body = pg_col_text(r, row, i++, &oom);
    a->category_id = pg_col_int(r, row, i++);
    if (store_kb_unpack_tags(pg_col_str(r, row, i++), a))
        oom = 1;
    a->unit_id = pg_col_int(r, row, i++);
    a->effective_from = pg_col_int(r, row, i++);
    a->expires_at = pg_col_int(r, row, i++);
    int s = kb_state_parse(pg_col_str(r, row, i++));
    a->state = s < 0 ? KB_DRAFT : (enum kb_state)s;
    a->demo = pg_col_int(r, row, i++) != 0;
    a->revision = (int)pg_col_int(r, row, i++);
    a->created_by = pg_col_int(r, row, i++);
    a->created_at = pg_col_int(r, row, i++);
    a->updated_by = pg_col_int(r, row, i++);
    a->updated_at = pg_col_int(r, row, i++);
    a->published_at = pg_col_int(r, row, i++);
    if (oom) {
        kb_article_release(a);
        return STORE_NOMEM;
    }
    return STORE_OK;
}

/*
 * The fields shared by INSERT and UPDATE as the next 13 parameters (the
 * last the search document); *tags and *doc are malloc'd for the caller.
 */
static int bind_fields(struct pg_params *p, const struct kb_article *a, char **tags, char **doc)
{
    *tags = store_kb_pack_tags(a);
    *doc = NULL;
    if (!*tags)
        return STORE_NOMEM;
    const char *cols[3] = {a->title, *tags, a->body};
    int rc = pg_fts_doc(cols, "ABC", 3, doc);
    if (rc != STORE_OK) {
        free(*tags);
        *tags = NULL;
        return rc;
    }
    pp_text(p, a->title);
    pp_text(p, a->body);
    pp_id(p, a->category_id);
    pp_text(p, *tags);
    pp_id(p, a->unit_id);
    pp_id(p, a->effective_from);
    pp_id(p, a->expires_at);
    pp_text(p, kb_state_name(a->state));
    pp_int(p, a->revision);
    pp_id(p, a->updated_by);
    pp_int(p, a->updated_at);
    pp_id(p, a->published_at);
    pp_text(p, *doc);
    return STORE_OK;
}

#define KB_SET_COLS                                                                             \
    "title, body, category_id, tags, unit_id, effective_from, expires_at, state, revision, "   \
    "updated_by, updated_at, published_at, search"

int pg_store_kb_insert(struct store_conn *c, struct kb_article *a)
{
    struct pg_params p = {0};
    char *tags, *doc;
    int rc = bind_fields(&p, a, &tags, &doc);
    if (rc != STORE_OK)
        return rc;
    pp_int(&p, a->demo);
    pp_id(&p, a->created_by);
    pp_int(&p, a->created_at);
    PGresult *r = pg_run(c, PQ_KB_INSERT,
                         "INSERT INTO kb_articles(" KB_SET_COLS ", demo, created_by, created_at) "
                         "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                         "$13::tsvector, $14, $15, $16) RETURNING id",
                         &p, &rc);
    free(tags);
    free(doc);
    if (!r)
        return rc;
    a->id = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

int pg_store_kb_update(struct store_conn *c, const struct kb_article *a, int expected)
{
    struct pg_params p = {0};
    char *tags, *doc;
    int rc = bind_fields(&p, a, &tags, &doc);
    if (rc != STORE_OK)
        return rc;
    pp_int(&p, a->id);
    pp_int(&p, expected);
    int64_t changed = 0;
    rc = pg_exec(c, PQ_KB_UPDATE,
                 "UPDATE kb_articles SET (" KB_SET_COLS ") = ($1, $2, $3, $4, $5, $6, $7, $8, "
                 "$9, $10, $11, $12, $13::tsvector) WHERE id = $14 AND revision = $15",
                 &p, &changed);
    free(tags);
    free(doc);
    if (rc == STORE_OK && changed == 0)
        return STORE_CONFLICT;
    return rc;
}

int pg_store_kb_get(struct store_conn *c, int64_t id, struct kb_article *out)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r =
        pg_run(c, PQ_KB_GET, "SELECT " PG_KB_COLS " FROM kb_articles a WHERE a.id = $1", &p, &rc);
    if (!r)
        return rc;
    rc = PQntuples(r) ? pg_kb_read(r, 0, 0, out) : STORE_NOTFOUND;
    PQclear(r);
    return rc;
}

int pg_store_kb_peek(struct store_conn *c, int64_t id, struct kb_article *out)
{
    return pg_store_kb_get(c, id, out);
}

int pg_store_kb_revision_insert(struct store_conn *c, const struct kb_revision *r)
{
    const struct kb_article *a = &r->article;
    char changed[160];
    size_t n = 0;
    changed[0] = '\0';
    for (unsigned b = 0; b < KF__COUNT; b++)
        if (r->changed & (1u << b))
            n += (size_t)snprintf(changed + n, sizeof changed - n, "%s%s", n ? "," : "",
                                  kb_field_name(b));
    char *tags = store_kb_pack_tags(a);
    if (!tags)
        return STORE_NOMEM;
    struct pg_params p = {0};
    pp_int(&p, a->id);
    pp_int(&p, r->revision);
    pp_int(&p, r->at);
    pp_id(&p, r->actor_id);
    pp_text(&p, kb_action_name(r->action));
    pp_text(&p, changed);
    pp_text(&p, r->note);
    pp_text(&p, a->title);
    pp_text(&p, a->body);
    pp_id(&p, a->category_id);
    pp_text(&p, tags);
    pp_id(&p, a->unit_id);
    pp_id(&p, a->effective_from);
    pp_id(&p, a->expires_at);
    pp_text(&p, kb_state_name(a->state));
    int rc = pg_exec(c, PQ_KB_REV_INSERT,
                     "INSERT INTO kb_revisions(article_id, revision, at, actor_id, action, "
                     "changed, note, title, body, category_id, tags, unit_id, effective_from, "
                     "expires_at, state) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                     "$12, $13, $14, $15)",
                     &p, NULL);
    free(tags);
    return rc;
}

static unsigned parse_changed(const char *s)
{
    unsigned m = 0;
    while (s && *s) {
        const char *e = strchr(s, ',');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        for (unsigned b = 0; b < KF__COUNT; b++)
            if (strlen(kb_field_name(b)) == l && strncmp(kb_field_name(b), s, l) == 0)
                m |= 1u << b;
        s += l + (e != NULL);
    }
    return m;
}

int pg_store_kb_revisions(struct store_conn *c, int64_t article_id, struct kb_revision **out,
                          size_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, article_id);
    int rc;
    PGresult *r = pg_run(
        c, PQ_KB_REV_LIST,
        "SELECT r.id, r.revision, r.at, r.actor_id, u.name, r.action, r.changed, r.note, "
        "r.article_id, r.title, r.body, r.category_id, r.tags, r.unit_id, r.effective_from, "
        "r.expires_at, r.state FROM kb_revisions r LEFT JOIN users u ON u.id = r.actor_id "
        "WHERE r.article_id = $1 ORDER BY r.revision",
        &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), oom = 0, len = 0;
    struct kb_revision *arr = calloc(rows ? (size_t)rows : 1, sizeof *arr);
    if (!arr)
        oom = 1;
    for (; !oom && len < rows; len++) {
        struct kb_revision *v = &arr[len];
        int i = len;
        kb_article_init(&v->article);
        v->id = pg_col_int(r, i, 0);
        v->revision = (int)pg_col_int(r, i, 1);
        v->at = pg_col_int(r, i, 2);
        v->actor_id = pg_col_int(r, i, 3);
        v->actor_name = pg_col_text(r, i, 4, &oom);
        int act = kb_action_parse(pg_col_str(r, i, 5));
        v->action = act < 0 ? KA_UPDATE : (enum kb_action)act;
        v->changed = parse_changed(pg_col_str(r, i, 6));
        v->note = pg_col_text(r, i, 7, &oom);
        struct kb_article *a = &v->article;
        a->id = pg_col_int(r, i, 8);
        a->title = pg_col_text(r, i, 9, &oom);
        a->body = pg_col_text(r, i, 10, &oom);
        a->category_id = pg_col_int(r, i, 11);
        oom |= store_kb_unpack_tags(pg_col_str(r, i, 12), a) != 0;
        a->unit_id = pg_col_int(r, i, 13);
        a->effective_from = pg_col_int(r, i, 14);
        a->expires_at = pg_col_int(r, i, 15);
        int s = kb_state_parse(pg_col_str(r, i, 16));
        a->state = s < 0 ? KB_DRAFT : (enum kb_state)s;
        a->revision = v->revision;
    }
    PQclear(r);
    if (oom) {
        store_free_kb_revisions(arr, arr ? (size_t)len : 0);
        return STORE_NOMEM;
    }
    *out = arr;
    *n = (size_t)rows;
    return STORE_OK;
}
