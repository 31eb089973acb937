/*
 * pg_open311.c - Open311 in PostgreSQL (mirrors sqlite_open311.c): the
 * services' descriptions and attributes, and the answers and extras stored
 * with a request.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

/* ---- service info ---- */

#define INFO_SQL                                                                                \
    "SELECT c.id, COALESCE(s.description, ''), COALESCE(s.keywords, ''), "                   \
    "COALESCE(s.notice, ''), (SELECT count(*) FROM service_attributes a "                     \
    "WHERE a.category_id = c.id), COALESCE(s.updated_at, 0) "                                 \
    "FROM categories c LEFT JOIN service_info s ON s.category_id = c.id "

static int read_info(PGresult *r, int row, struct service_info *s)
{
    int oom = 0;
    memset(s, 0, sizeof *s);
    s->category_id = pg_col_int(r, row, 0);
    s->description = pg_col_text(r, row, 1, &oom);
    s->keywords = pg_col_text(r, row, 2, &oom);
    s->notice = pg_col_text(r, row, 3, &oom);
    s->n_attrs = (size_t)pg_col_int(r, row, 4);
    s->updated_at = pg_col_int(r, row, 5);
    return oom ? STORE_NOMEM : STORE_OK;
}

int pg_store_service_info_list(struct store_conn *c, struct service_info **out, size_t *n)
{
    int rc;
    PGresult *r = pg_run(c, PQ_SVC_INFO_LIST, INFO_SQL "ORDER BY c.id", NULL, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), len = 0;
    struct service_info *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    rc = a ? STORE_OK : STORE_NOMEM;
    while (rc == STORE_OK && len < rows) {
        rc = read_info(r, len, &a[len]);
        len++;
    }
    PQclear(r);
    if (rc != STORE_OK) {
        for (int i = 0; a && i < len; i++)
            service_info_release(&a[i]);
        free(a);
        return rc;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_service_info_get(struct store_conn *c, int64_t category_id, struct service_info *out)
{
    struct pg_params p = {0};
    pp_int(&p, category_id);
    memset(out, 0, sizeof *out);
    int rc;
    PGresult *r = pg_run(c, PQ_SVC_INFO_GET, INFO_SQL "WHERE c.id = $1", &p, &rc);
    if (!r)
        return rc;
    rc = PQntuples(r) ? read_info(r, 0, out) : STORE_NOTFOUND;
    PQclear(r);
    if (rc != STORE_OK)
        service_info_release(out);
    return rc;
}

int pg_store_service_info_put(struct store_conn *c, const struct service_info *s, int64_t now)
{
    struct pg_params p = {0};
    pp_int(&p, s->category_id);
    pp_text(&p, s->description ? s->description : "");
    pp_text(&p, s->keywords ? s->keywords : "");
    pp_text(&p, s->notice ? s->notice : "");
    pp_int(&p, now);
    return pg_exec(c, PQ_SVC_INFO_PUT,
                   "INSERT INTO service_info(category_id, description, keywords, notice, "
                   "updated_at) VALUES($1, $2, $3, $4, $5) ON CONFLICT(category_id) DO UPDATE SET "
                   "description = excluded.description, keywords = excluded.keywords, "
                   "notice = excluded.notice, updated_at = excluded.updated_at",
                   &p, NULL);
}

int pg_store_service_changeset(struct store_conn *c, int64_t *ms)
{
    int rc;
    PGresult *r = pg_run(c, PQ_SVC_CHANGESET,
                         "SELECT greatest(COALESCE((SELECT max(updated_at) FROM categories), 0), "
                         "COALESCE((SELECT max(updated_at) FROM service_info), 0))",
                         NULL, &rc);
    if (!r)
        return rc;
    *ms = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

/* ---- attributes ---- */

static int load_values(struct store_conn *c, int64_t id, struct service_attr *a)
{
    struct pg_params p = {0};
    pp_int(&p, id);
    int rc;
    PGresult *r = pg_run(c, PQ_SVC_VALUE_LIST,
                         "SELECT key, name FROM service_attribute_values WHERE attribute_id = $1 "
                         "ORDER BY ord",
                         &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), oom = 0;
    a->values = rows ? calloc((size_t)rows, sizeof *a->values) : NULL;
    if (rows && !a->values) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        a->values[i].key = pg_col_text(r, i, 0, &oom);
        a->values[i].name = pg_col_text(r, i, 1, &oom);
        a->n_values++;
    }
    PQclear(r);
    return oom ? STORE_NOMEM : STORE_OK;
}

int pg_store_service_attrs_get(struct store_conn *c, int64_t category_id,
                               struct service_attr **out, size_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, category_id);
    int rc;
    PGresult *r = pg_run(c, PQ_SVC_ATTR_LIST,
                         "SELECT id, code, variable, datatype, required, datatype_description, "
                         "ord, description FROM service_attributes WHERE category_id = $1 "
                         "ORDER BY ord, code COLLATE \"C\"",
                         &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), oom = 0;
    struct service_attr *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    int64_t *ids = calloc(rows ? (size_t)rows : 1, sizeof *ids);
    rc = a && ids ? STORE_OK : STORE_NOMEM;
    for (int i = 0; rc == STORE_OK && i < rows; i++) {
        struct service_attr *x = &a[i];
        ids[i] = pg_col_int(r, i, 0);
        x->code = pg_col_text(r, i, 1, &oom);
        x->variable = pg_col_int(r, i, 2) != 0;
        int t = attr_type_parse(pg_col_str(r, i, 3));
        x->datatype = t < 0 ? AT_STRING : (enum attr_type)t;
        x->required = pg_col_int(r, i, 4) != 0;
        x->datatype_description = pg_col_text(r, i, 5, &oom);
        x->order = (int)pg_col_int(r, i, 6);
        x->description = pg_col_text(r, i, 7, &oom);
    }
    PQclear(r);
    if (rc == STORE_OK && oom)
        rc = STORE_NOMEM;
    for (int i = 0; rc == STORE_OK && i < rows; i++)
        rc = load_values(c, ids[i], &a[i]);
    free(ids);
    if (rc != STORE_OK) {
        if (a)
            service_attrs_free(a, (size_t)rows);
        return rc;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_service_attrs_put(struct store_conn *c, int64_t category_id,
                               const struct service_attr *a, size_t n, int64_t now)
{
    struct pg_params d = {0};
    pp_int(&d, category_id);
    int rc = pg_exec(c, PQ_SVC_ATTR_DELETE, "DELETE FROM service_attributes WHERE category_id = $1",
                     &d, NULL);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        struct pg_params p = {0};
        pp_int(&p, category_id);
        pp_text(&p, a[i].code);
        pp_int(&p, a[i].variable);
        pp_text(&p, attr_type_name(a[i].datatype));
        pp_int(&p, a[i].required);
        pp_text(&p, a[i].datatype_description);
        pp_int(&p, a[i].order);
        pp_text(&p, a[i].description);
        pp_int(&p, now);
        PGresult *r = pg_run(c, PQ_SVC_ATTR_INSERT,
                             "INSERT INTO service_attributes(category_id, code, variable, "
                             "datatype, required, datatype_description, ord, description, "
                             "updated_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                             &p, &rc);
        if (!r)
            return rc;
        int64_t id = pg_col_int(r, 0, 0);
        PQclear(r);
        for (size_t v = 0; rc == STORE_OK && v < a[i].n_values; v++) {
            struct pg_params q = {0};
            pp_int(&q, id);
            pp_int(&q, (int64_t)v);
            pp_text(&q, a[i].values[v].key);
            pp_text(&q, a[i].values[v].name);
            rc = pg_exec(c, PQ_SVC_VALUE_INSERT,
                         "INSERT INTO service_attribute_values(attribute_id, ord, key, name) "
                         "VALUES($1, $2, $3, $4)",
                         &q, NULL);
        }
    }
    if (rc != STORE_OK)
        return rc;
    struct service_info s;
    rc = pg_store_service_info_get(c, category_id, &s);
    if (rc == STORE_OK)
        rc = pg_store_service_info_put(c, &s, now);
    service_info_release(&s);
    return rc;
}

/* ---- answers and Open311 extras ---- */

int pg_store_ticket_answers_put(struct store_conn *c, int64_t ticket_id,
                                const struct attr_answer *a, size_t n)
{
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        int ord = 0;
        for (size_t v = 0; rc == STORE_OK && v < a[i].n; v++) {
            if (!a[i].values[v][0])
                continue;
            struct pg_params p = {0};
            pp_int(&p, ticket_id);
            pp_text(&p, a[i].code);
            pp_int(&p, ord++);
            pp_text(&p, a[i].values[v]);
            rc = pg_exec(c, PQ_ANSWER_INSERT,
                         "INSERT INTO ticket_attributes(ticket_id, code, ord, value) "
                         "VALUES($1, $2, $3, $4)",
                         &p, NULL);
        }
    }
    return rc;
}

int pg_store_ticket_answers_get(struct store_conn *c, int64_t ticket_id,
                                struct ticket_answer **out, size_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, ticket_id);
    int rc;
    PGresult *r = pg_run(c, PQ_ANSWER_LIST,
                         "SELECT code, ord, value FROM ticket_attributes WHERE ticket_id = $1 "
                         "ORDER BY code COLLATE \"C\", ord",
                         &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), oom = 0;
    struct ticket_answer *a = calloc(rows ? (size_t)rows : 1, sizeof *a);
    if (!a) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (int i = 0; i < rows; i++) {
        a[i].code = pg_col_text(r, i, 0, &oom);
        a[i].ord = (int)pg_col_int(r, i, 1);
        a[i].value = pg_col_text(r, i, 2, &oom);
    }
    PQclear(r);
    if (oom) {
        ticket_answers_free(a, (size_t)rows);
        return STORE_NOMEM;
    }
    *out = a;
    *n = (size_t)rows;
    return STORE_OK;
}

int pg_store_ticket_open311_insert(struct store_conn *c, const struct ticket_open311 *o)
{
    struct pg_params p = {0};
    pp_int(&p, o->ticket_id);
    pp_id(&p, o->api_key_id);
    pp_text(&p, o->token);
    pp_text(&p, o->email);
    pp_text(&p, o->device_id);
    pp_text(&p, o->account_id);
    pp_text(&p, o->address_id);
    pp_text(&p, o->media_url);
    return pg_exec(c, PQ_O311_INSERT,
                   "INSERT INTO ticket_open311(ticket_id, api_key_id, token, email, device_id, "
                   "account_id, address_id, media_url) VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
                   &p, NULL);
}

int pg_store_ticket_open311_get(struct store_conn *c, int64_t ticket_id,
                                struct ticket_open311 *out)
{
    struct pg_params p = {0};
    pp_int(&p, ticket_id);
    memset(out, 0, sizeof *out);
    int rc;
    PGresult *r = pg_run(c, PQ_O311_GET,
                         "SELECT api_key_id, token, email, device_id, account_id, address_id, "
                         "media_url FROM ticket_open311 WHERE ticket_id = $1",
                         &p, &rc);
    if (!r)
        return rc;
    rc = STORE_NOTFOUND;
    if (PQntuples(r)) {
        int oom = 0;
        out->ticket_id = ticket_id;
        out->api_key_id = pg_col_int(r, 0, 0);
        out->token = pg_col_text(r, 0, 1, &oom);
        out->email = pg_col_text(r, 0, 2, &oom);
        out->device_id = pg_col_text(r, 0, 3, &oom);
        out->account_id = pg_col_text(r, 0, 4, &oom);
        out->address_id = pg_col_text(r, 0, 5, &oom);
        out->media_url = pg_col_text(r, 0, 6, &oom);
        rc = oom ? STORE_NOMEM : STORE_OK;
    }
    PQclear(r);
    if (rc != STORE_OK)
        ticket_open311_release(out);
    return rc;
}

int pg_store_ticket_by_token(struct store_conn *c, const char *token, char *number)
{
    struct pg_params p = {0};
    pp_text(&p, token);
    int rc;
    PGresult *r = pg_run(c, PQ_O311_TOKEN,
                         "SELECT t.number FROM ticket_open311 o JOIN tickets t "
                         "ON t.id = o.ticket_id WHERE o.token = $1",
                         &p, &rc);
    if (!r)
        return rc;
    const char *s = PQntuples(r) ? pg_col_str(r, 0, 0) : NULL;
    rc = s && strlen(s) == TICKET_NUMBER_LEN ? STORE_OK : STORE_NOTFOUND;
    if (rc == STORE_OK)
        memcpy(number, s, TICKET_NUMBER_LEN + 1);
    PQclear(r);
    return rc;
}
