/*
 * sqlite_kb.c - knowledge-base articles and their revisions in SQLite.
 *
 * Tags are stored as ",tag one,tag two," so that a whole tag is found with
 * instr(); the kb_fts index (migration 003) follows every write through
 * triggers. Lists are small (a city has thousands of articles, not
 * millions), so one statement with optional filters serves every shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/common.h"

#define KB_COLS                                                                                    \
    "a.id, a.title, a.body, a.category_id, a.tags, a.unit_id, a.effective_from, a.expires_at, "    \
    "a.state, a.demo, a.revision, a.created_by, a.created_at, a.updated_by, a.updated_at, "        \
    "a.published_at"
#define KB_NCOLS 16


static void bind_opt_time(sqlite3_stmt *st, int i, int64_t v)
{
    sq_bind_id(st, i, v);
}

static int read_article(sqlite3_stmt *st, int first, struct kb_article *a);

/* For sqlite_kb_list.c: the same reader. */
int sq_kb_read(sqlite3_stmt *st, int first, struct kb_article *a);
int sq_kb_read(sqlite3_stmt *st, int first, struct kb_article *a)
{
    return read_article(st, first, a);
}

/* Reads KB_COLS starting at column `first`. */
static int read_article(sqlite3_stmt *st, int first, struct kb_article *a)
{
    int oom = 0, i = first;
    kb_article_init(a);
    a->id = sqlite3_column_int64(st, i++);
    a->title = sq_col_text(st, i++, &oom);
    a->body = sq_col_text(st, i++, &oom);
    a->category_id = sq_col_id(st, i++);
    if (store_kb_unpack_tags((const char *)sqlite3_column_text(st, i++), a))
        oom = 1;
    a->unit_id = sq_col_id(st, i++);
    a->effective_from = sq_col_id(st, i++);
    a->expires_at = sq_col_id(st, i++);
    int s = kb_state_parse((const char *)sqlite3_column_text(st, i++));
    a->state = s < 0 ? KB_DRAFT : (enum kb_state)s;
    a->demo = sqlite3_column_int(st, i++) != 0;
    a->revision = sqlite3_column_int(st, i++);
    a->created_by = sq_col_id(st, i++);
    a->created_at = sqlite3_column_int64(st, i++);
    a->updated_by = sq_col_id(st, i++);
    a->updated_at = sqlite3_column_int64(st, i++);
    a->published_at = sq_col_id(st, i++);
    if (oom) {
        kb_article_release(a);
        return STORE_NOMEM;
    }
    return STORE_OK;
}

/* Binds the fields shared by INSERT and UPDATE as ?2..?13; returns the packed tags to free. */
static char *bind_fields(sqlite3_stmt *st, const struct kb_article *a)
{
    char *tags = store_kb_pack_tags(a);
    sq_bind_text(st, 2, a->title);
    sq_bind_text(st, 3, a->body);
    sq_bind_id(st, 4, a->category_id);
    sq_bind_text(st, 5, tags ? tags : ",");
    sq_bind_id(st, 6, a->unit_id);
    bind_opt_time(st, 7, a->effective_from);
    bind_opt_time(st, 8, a->expires_at);
    sq_bind_text(st, 9, kb_state_name(a->state));
    sqlite3_bind_int(st, 10, a->revision);
    sq_bind_id(st, 11, a->updated_by);
    sqlite3_bind_int64(st, 12, a->updated_at);
    sq_bind_id(st, 13, a->published_at);
    return tags;
}

int store_kb_insert(struct store_conn *c, struct kb_article *a)
{
    sqlite3_stmt *st = sq_stmt(c, Q_KB_INSERT,
                               "INSERT INTO kb_articles(title, body, category_id, tags, unit_id, "
                               "effective_from, expires_at, state, revision, updated_by, "
                               "updated_at, published_at, demo, created_by, created_at) "
                               "VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                               "?15, ?16)");
    if (!st)
        return STORE_ERROR;
    char *tags = bind_fields(st, a);
    if (!tags)
        return STORE_NOMEM;
    sqlite3_bind_int(st, 14, a->demo);
    sq_bind_id(st, 15, a->created_by);
    sqlite3_bind_int64(st, 16, a->created_at);
    int rc = sq_exec(c, st, "kb insert");
    free(tags);
    if (rc == STORE_OK)
        a->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int store_kb_update(struct store_conn *c, const struct kb_article *a, int expected)
{
    sqlite3_stmt *st = sq_stmt(c, Q_KB_UPDATE,
                               "UPDATE kb_articles SET (title, body, category_id, tags, unit_id, "
                               "effective_from, expires_at, state, revision, updated_by, "
                               "updated_at, published_at) = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                               "?11, ?12, ?13) WHERE id = ?1 AND revision = ?14");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, a->id);
    char *tags = bind_fields(st, a);
    if (!tags)
        return STORE_NOMEM;
    sqlite3_bind_int(st, 14, expected);
    int rc = sq_exec(c, st, "kb update");
    free(tags);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_CONFLICT;
    return rc;
}

int store_kb_get(struct store_conn *c, int64_t id, struct kb_article *out)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_KB_GET, "SELECT " KB_COLS " FROM kb_articles a WHERE a.id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW    ? read_article(st, 0, out)
             : src == SQLITE_DONE ? STORE_NOTFOUND
                                  : sq_rc(c, src, "kb get");
    sqlite3_reset(st);
    return rc;
}

int store_kb_peek(struct store_conn *c, int64_t id, struct kb_article *out)
{
    return store_kb_get(c, id, out);
}

int store_kb_revision_insert(struct store_conn *c, const struct kb_revision *r)
{
    sqlite3_stmt *st = sq_stmt(
        c, Q_KB_REV_INSERT,
        "INSERT INTO kb_revisions(article_id, revision, at, actor_id, action, changed, note, "
        "title, body, category_id, tags, unit_id, effective_from, expires_at, state) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!st)
        return STORE_ERROR;
    const struct kb_article *a = &r->article;
    char changed[160];
    size_t p = 0;
    changed[0] = '\0';
    for (unsigned b = 0; b < KF__COUNT; b++)
        if (r->changed & (1u << b))
            p += (size_t)snprintf(changed + p, sizeof changed - p, "%s%s", p ? "," : "",
                                  kb_field_name(b));
    char *tags = store_kb_pack_tags(a);
    if (!tags)
        return STORE_NOMEM;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int(st, 2, r->revision);
    sqlite3_bind_int64(st, 3, r->at);
    sq_bind_id(st, 4, r->actor_id);
    sq_bind_text(st, 5, kb_action_name(r->action));
    sq_bind_text(st, 6, changed);
    sq_bind_text(st, 7, r->note);
    sq_bind_text(st, 8, a->title);
    sq_bind_text(st, 9, a->body);
    sq_bind_id(st, 10, a->category_id);
    sq_bind_text(st, 11, tags);
    sq_bind_id(st, 12, a->unit_id);
    bind_opt_time(st, 13, a->effective_from);
    bind_opt_time(st, 14, a->expires_at);
    sq_bind_text(st, 15, kb_state_name(a->state));
    int rc = sq_exec(c, st, "kb revision insert");
    free(tags);
    return rc;
}

/* Parses "title,body" into kb_field bits. */
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

int store_kb_revisions(struct store_conn *c, int64_t article_id, struct kb_revision **out,
                       size_t *n)
{
    sqlite3_stmt *st = sq_stmt(
        c, Q_KB_REV_LIST,
        "SELECT r.id, r.revision, r.at, r.actor_id, u.name, r.action, r.changed, r.note, "
        "r.article_id, r.title, r.body, r.category_id, r.tags, r.unit_id, r.effective_from, "
        "r.expires_at, r.state FROM kb_revisions r LEFT JOIN users u ON u.id = r.actor_id "
        "WHERE r.article_id = ?1 ORDER BY r.revision");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, article_id);
    struct kb_revision *arr = NULL;
    size_t len = 0, cap = 0;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct kb_revision *na = realloc(arr, ncap * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            arr = na;
            cap = ncap;
        }
        struct kb_revision *r = &arr[len++];
        int oom = 0;
        memset(r, 0, sizeof *r);
        kb_article_init(&r->article);
        r->id = sqlite3_column_int64(st, 0);
        r->revision = sqlite3_column_int(st, 1);
        r->at = sqlite3_column_int64(st, 2);
        r->actor_id = sq_col_id(st, 3);
        r->actor_name = sq_col_text(st, 4, &oom);
        int act = kb_action_parse((const char *)sqlite3_column_text(st, 5));
        r->action = act < 0 ? KA_UPDATE : (enum kb_action)act;
        r->changed = parse_changed((const char *)sqlite3_column_text(st, 6));
        r->note = sq_col_text(st, 7, &oom);
        struct kb_article *a = &r->article;
        a->id = sqlite3_column_int64(st, 8);
        a->title = sq_col_text(st, 9, &oom);
        a->body = sq_col_text(st, 10, &oom);
        a->category_id = sq_col_id(st, 11);
        oom |= store_kb_unpack_tags((const char *)sqlite3_column_text(st, 12), a) != 0;
        a->unit_id = sq_col_id(st, 13);
        a->effective_from = sq_col_id(st, 14);
        a->expires_at = sq_col_id(st, 15);
        int s = kb_state_parse((const char *)sqlite3_column_text(st, 16));
        a->state = s < 0 ? KB_DRAFT : (enum kb_state)s;
        a->revision = r->revision;
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "kb revisions");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        store_free_kb_revisions(arr, len);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

void store_free_kb(struct kb_article *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        kb_article_release(&a[i]);
    free(a);
}

void store_free_kb_revisions(struct kb_revision *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        kb_revision_release(&a[i]);
    free(a);
}
