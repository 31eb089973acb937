/*
 * sqlite_open311.c - Open311 in SQLite: the services' descriptions and
 * attributes, the answers and extras stored with a request, the public
 * ticket list, and the admin's view of API keys.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* Grows *arr (of *cap records of `size`) to hold one more; STORE_NOMEM on failure. */
static int grow(void **arr, size_t *cap, size_t len, size_t size)
{
    if (len < *cap)
        return STORE_OK;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *na = realloc(*arr, ncap * size);
    if (!na)
        return STORE_NOMEM;
    memset((char *)na + *cap * size, 0, (ncap - *cap) * size);
    *arr = na;
    *cap = ncap;
    return STORE_OK;
}

/* Finishes a stepping loop: DONE is fine, anything else is an error. */
static int step_end(struct store_conn *c, sqlite3_stmt *st, int src, int rc, const char *what)
{
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, what);
    sqlite3_reset(st);
    return rc;
}

/* ---- service info ---- */

#define INFO_SQL                                                                                   \
    "SELECT c.id, COALESCE(s.description, ''), COALESCE(s.keywords, ''), "                         \
    "COALESCE(s.notice, ''), (SELECT count(*) FROM service_attributes a "                          \
    "WHERE a.category_id = c.id), COALESCE(s.updated_at, 0) "                                      \
    "FROM categories c LEFT JOIN service_info s ON s.category_id = c.id "

static int read_info(sqlite3_stmt *st, struct service_info *s)
{
    int oom = 0;
    s->category_id = sqlite3_column_int64(st, 0);
    s->description = sq_col_text(st, 1, &oom);
    s->keywords = sq_col_text(st, 2, &oom);
    s->notice = sq_col_text(st, 3, &oom);
    s->n_attrs = (size_t)sqlite3_column_int64(st, 4);
    s->updated_at = sqlite3_column_int64(st, 5);
    return oom ? STORE_NOMEM : STORE_OK;
}

int store_service_info_list(struct store_conn *c, struct service_info **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SVC_INFO_LIST, INFO_SQL "ORDER BY c.id");
    if (!st)
        return STORE_ERROR;
    struct service_info *a = NULL;
    size_t len = 0, cap = 0;
    int rc = STORE_OK, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = grow((void **)&a, &cap, len, sizeof *a)) != STORE_OK)
            break;
        rc = read_info(st, &a[len++]);
        if (rc != STORE_OK)
            break;
    }
    rc = step_end(c, st, src, rc, "service info list");
    if (rc != STORE_OK) {
        for (size_t i = 0; i < len; i++)
            service_info_release(&a[i]);
        free(a);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_service_info_get(struct store_conn *c, int64_t category_id, struct service_info *out)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SVC_INFO_GET, INFO_SQL "WHERE c.id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, category_id);
    memset(out, 0, sizeof *out);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW    ? read_info(st, out)
             : src == SQLITE_DONE ? STORE_NOTFOUND
                                  : sq_rc(c, src, "info");
    sqlite3_reset(st);
    if (rc != STORE_OK)
        service_info_release(out);
    return rc;
}

int store_service_info_put(struct store_conn *c, const struct service_info *s, int64_t now)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_SVC_INFO_PUT,
                "INSERT INTO service_info(category_id, description, keywords, notice, updated_at) "
                "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(category_id) DO UPDATE SET "
                "description = excluded.description, keywords = excluded.keywords, "
                "notice = excluded.notice, updated_at = excluded.updated_at");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, s->category_id);
    sqlite3_bind_text(st, 2, s->description ? s->description : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->keywords ? s->keywords : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->notice ? s->notice : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    return sq_exec(c, st, "service info put");
}

int store_service_changeset(struct store_conn *c, int64_t *ms)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SVC_CHANGESET,
                               "SELECT max(COALESCE((SELECT max(updated_at) FROM categories), 0), "
                               "COALESCE((SELECT max(updated_at) FROM service_info), 0))");
    if (!st)
        return STORE_ERROR;
    int src = sqlite3_step(st);
    *ms = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return src == SQLITE_ROW ? STORE_OK : sq_rc(c, src, "changeset");
}

/* ---- attributes ---- */

/* Loads the values of attribute `id` into a. */
static int load_values(struct store_conn *c, int64_t id, struct service_attr *a)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SVC_VALUE_LIST,
                               "SELECT key, name FROM service_attribute_values "
                               "WHERE attribute_id = ?1 ORDER BY ord");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    size_t cap = 0;
    int rc = STORE_OK, src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = grow((void **)&a->values, &cap, a->n_values, sizeof *a->values)) != STORE_OK)
            break;
        struct attr_choice *v = &a->values[a->n_values++];
        v->key = sq_col_text(st, 0, &oom);
        v->name = sq_col_text(st, 1, &oom);
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    return step_end(c, st, src, rc, "attribute values");
}

int store_service_attrs_get(struct store_conn *c, int64_t category_id, struct service_attr **out,
                            size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SVC_ATTR_LIST,
                               "SELECT id, code, variable, datatype, required, "
                               "datatype_description, ord, description FROM service_attributes "
                               "WHERE category_id = ?1 ORDER BY ord, code");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, category_id);
    struct service_attr *a = NULL;
    int64_t *ids = NULL;
    size_t len = 0, cap = 0, idcap = 0;
    int rc = STORE_OK, src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = grow((void **)&a, &cap, len, sizeof *a)) != STORE_OK ||
            (rc = grow((void **)&ids, &idcap, len, sizeof *ids)) != STORE_OK)
            break;
        struct service_attr *x = &a[len];
        ids[len++] = sqlite3_column_int64(st, 0);
        x->code = sq_col_text(st, 1, &oom);
        x->variable = sqlite3_column_int(st, 2) != 0;
        int t = attr_type_parse((const char *)sqlite3_column_text(st, 3));
        x->datatype = t < 0 ? AT_STRING : (enum attr_type)t;
        x->required = sqlite3_column_int(st, 4) != 0;
        x->datatype_description = sq_col_text(st, 5, &oom);
        x->order = sqlite3_column_int(st, 6);
        x->description = sq_col_text(st, 7, &oom);
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    rc = step_end(c, st, src, rc, "attributes");
    /* The values are read after the attribute statement is done with. */
    for (size_t i = 0; rc == STORE_OK && i < len; i++)
        rc = load_values(c, ids[i], &a[i]);
    free(ids);
    if (rc != STORE_OK) {
        service_attrs_free(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_service_attrs_put(struct store_conn *c, int64_t category_id, const struct service_attr *a,
                            size_t n, int64_t now)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_SVC_ATTR_DELETE, "DELETE FROM service_attributes WHERE category_id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, category_id);
    int rc = sq_exec(c, st, "attributes delete");
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        st = sq_stmt(c, Q_SVC_ATTR_INSERT,
                     "INSERT INTO service_attributes(category_id, code, variable, datatype, "
                     "required, datatype_description, ord, description, updated_at) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, category_id);
        sq_bind_text(st, 2, a[i].code);
        sqlite3_bind_int(st, 3, a[i].variable);
        sq_bind_text(st, 4, attr_type_name(a[i].datatype));
        sqlite3_bind_int(st, 5, a[i].required);
        sq_bind_text(st, 6, a[i].datatype_description);
        sqlite3_bind_int(st, 7, a[i].order);
        sq_bind_text(st, 8, a[i].description);
        sqlite3_bind_int64(st, 9, now);
        rc = sq_exec(c, st, "attribute insert");
        int64_t id = sqlite3_last_insert_rowid(c->db);
        for (size_t v = 0; rc == STORE_OK && v < a[i].n_values; v++) {
            st = sq_stmt(c, Q_SVC_VALUE_INSERT,
                         "INSERT INTO service_attribute_values(attribute_id, ord, key, name) "
                         "VALUES(?1, ?2, ?3, ?4)");
            if (!st)
                return STORE_ERROR;
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, (int64_t)v);
            sq_bind_text(st, 3, a[i].values[v].key);
            sq_bind_text(st, 4, a[i].values[v].name);
            rc = sq_exec(c, st, "attribute value insert");
        }
    }
    if (rc != STORE_OK)
        return rc;
    /* Bump the service's change time (the discovery changeset) even when
       every attribute went away. */
    struct service_info s;
    rc = store_service_info_get(c, category_id, &s);
    if (rc == STORE_OK)
        rc = store_service_info_put(c, &s, now);
    service_info_release(&s);
    return rc;
}

/* ---- answers and Open311 extras ---- */

int store_ticket_answers_put(struct store_conn *c, int64_t ticket_id, const struct attr_answer *a,
                             size_t n)
{
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        int ord = 0;
        for (size_t v = 0; rc == STORE_OK && v < a[i].n; v++) {
            if (!a[i].values[v][0])
                continue;
            sqlite3_stmt *st = sq_stmt(c, Q_ANSWER_INSERT,
                                       "INSERT INTO ticket_attributes(ticket_id, code, ord, value) "
                                       "VALUES(?1, ?2, ?3, ?4)");
            if (!st)
                return STORE_ERROR;
            sqlite3_bind_int64(st, 1, ticket_id);
            sq_bind_text(st, 2, a[i].code);
            sqlite3_bind_int(st, 3, ord++);
            sq_bind_text(st, 4, a[i].values[v]);
            rc = sq_exec(c, st, "answer insert");
        }
    }
    return rc;
}

int store_ticket_answers_get(struct store_conn *c, int64_t ticket_id, struct ticket_answer **out,
                             size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_ANSWER_LIST,
                               "SELECT code, ord, value FROM ticket_attributes "
                               "WHERE ticket_id = ?1 ORDER BY code, ord");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ticket_id);
    struct ticket_answer *a = NULL;
    size_t len = 0, cap = 0;
    int rc = STORE_OK, src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = grow((void **)&a, &cap, len, sizeof *a)) != STORE_OK)
            break;
        a[len].code = sq_col_text(st, 0, &oom);
        a[len].ord = sqlite3_column_int(st, 1);
        a[len++].value = sq_col_text(st, 2, &oom);
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    rc = step_end(c, st, src, rc, "answers");
    if (rc != STORE_OK) {
        ticket_answers_free(a, len);
        return rc;
    }
    *out = a;
    *n = len;
    return STORE_OK;
}

int store_ticket_open311_insert(struct store_conn *c, const struct ticket_open311 *o)
{
    sqlite3_stmt *st = sq_stmt(c, Q_O311_INSERT,
                               "INSERT INTO ticket_open311(ticket_id, api_key_id, token, email, "
                               "device_id, account_id, address_id, media_url) "
                               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, o->ticket_id);
    sq_bind_id(st, 2, o->api_key_id);
    sq_bind_text(st, 3, o->token);
    sq_bind_text(st, 4, o->email);
    sq_bind_text(st, 5, o->device_id);
    sq_bind_text(st, 6, o->account_id);
    sq_bind_text(st, 7, o->address_id);
    sq_bind_text(st, 8, o->media_url);
    return sq_exec(c, st, "open311 insert");
}

int store_ticket_open311_get(struct store_conn *c, int64_t ticket_id, struct ticket_open311 *out)
{
    sqlite3_stmt *st = sq_stmt(c, Q_O311_GET,
                               "SELECT api_key_id, token, email, device_id, account_id, "
                               "address_id, media_url FROM ticket_open311 WHERE ticket_id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ticket_id);
    memset(out, 0, sizeof *out);
    int src = sqlite3_step(st), rc = STORE_NOTFOUND, oom = 0;
    if (src == SQLITE_ROW) {
        out->ticket_id = ticket_id;
        out->api_key_id = sq_col_id(st, 0);
        out->token = sq_col_text(st, 1, &oom);
        out->email = sq_col_text(st, 2, &oom);
        out->device_id = sq_col_text(st, 3, &oom);
        out->account_id = sq_col_text(st, 4, &oom);
        out->address_id = sq_col_text(st, 5, &oom);
        out->media_url = sq_col_text(st, 6, &oom);
        rc = oom ? STORE_NOMEM : STORE_OK;
    } else if (src != SQLITE_DONE) {
        rc = sq_rc(c, src, "open311 get");
    }
    sqlite3_reset(st);
    if (rc != STORE_OK)
        ticket_open311_release(out);
    return rc;
}

int store_ticket_by_token(struct store_conn *c, const char *token, char *number)
{
    sqlite3_stmt *st = sq_stmt(c, Q_O311_TOKEN,
                               "SELECT t.number FROM ticket_open311 o JOIN tickets t "
                               "ON t.id = o.ticket_id WHERE o.token = ?1");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, token);
    int src = sqlite3_step(st), rc = STORE_NOTFOUND;
    if (src == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(st, 0);
        rc = s && strlen((const char *)s) == TICKET_NUMBER_LEN ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK)
            memcpy(number, s, TICKET_NUMBER_LEN + 1);
    } else if (src != SQLITE_DONE) {
        rc = sq_rc(c, src, "token");
    }
    sqlite3_reset(st);
    return rc;
}
