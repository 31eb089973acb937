/*
 * pg_tickets.c - work orders, their co-handling units and events in
 * PostgreSQL. The statements mirror sqlite_tickets.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dedup.h"
#include "core/sla.h"
#include "store/pg_int.h"
#include "store/common.h"
#include "store/pg_search.h"


static void read_span(PGresult *r, int row, int col, struct sla_span *out)
{
    if (sla_span_parse(pg_col_str(r, row, col), out) != 0)
        *out = SLA_SPAN_NONE;
}

int pg_read_ticket(PGresult *r, int row, int first, struct ticket *t)
{
    int oom = 0, i = first;
    ticket_init(t);
    t->id = pg_col_int(r, row, i++);
    store_copy_number(t->number, pg_col_str(r, row, i++));
    t->channel = channel_parse(pg_col_str(r, row, i++));
    t->type = ticket_type_parse(pg_col_str(r, row, i++));
    t->urgency = urgency_parse(pg_col_str(r, row, i++));
    t->citizen_name = pg_col_text(r, row, i++, &oom);
    t->citizen_phone = pg_col_text(r, row, i++, &oom);
    t->anonymous = pg_col_int(r, row, i++) != 0;
    t->confidential = pg_col_int(r, row, i++) != 0;
    t->title = pg_col_text(r, row, i++, &oom);
    t->content = pg_col_text(r, row, i++, &oom);
    t->address = pg_col_text(r, row, i++, &oom);
    t->has_location = !PQgetisnull(r, row, i);
    t->lat = pg_col_double(r, row, i++);
    t->lng = pg_col_double(r, row, i++);
    t->area = pg_col_text(r, row, i++, &oom);
    t->category_id = pg_col_int(r, row, i++);
    t->unit_id = pg_col_int(r, row, i++);
    t->status = status_parse(pg_col_str(r, row, i++));
    t->dispatched_at = pg_col_int(r, row, i++);
    t->sign_due = pg_col_int(r, row, i++);
    t->reply_due = pg_col_int(r, row, i++);
    t->callback_due = pg_col_int(r, row, i++);
    t->accepted_at = pg_col_int(r, row, i++);
    t->replied_at = pg_col_int(r, row, i++);
    t->closed_at = pg_col_int(r, row, i++);
    t->answer = pg_col_text(r, row, i++, &oom);
    t->kb_article_id = pg_col_int(r, row, i++);
    t->reply = pg_col_text(r, row, i++, &oom);
    t->contacted = pg_col_tri(r, row, i++);
    t->contacted_at = pg_col_int(r, row, i++);
    const char *sat = pg_col_str(r, row, i++);
    t->satisfaction = sat ? satisfaction_parse(sat) : SAT_NONE;
    t->resolved = pg_col_tri(r, row, i++);
    t->extension_pending = pg_col_int(r, row, i++) != 0;
    t->extension_until = pg_col_int(r, row, i++);
    t->extension_reason = pg_col_text(r, row, i++, &oom);
    t->urge_count = (int)pg_col_int(r, row, i++);
    t->reopen_count = (int)pg_col_int(r, row, i++);
    store_copy_number(t->master, pg_col_str(r, row, i++));
    t->created_by = pg_col_int(r, row, i++);
    t->created_at = pg_col_int(r, row, i++);
    t->updated_at = pg_col_int(r, row, i++);
    t->version = (int)pg_col_int(r, row, i++);
    t->reply_started_at = pg_col_int(r, row, i++);
    read_span(r, row, i++, &t->sign_span);
    read_span(r, row, i++, &t->reply_span);
    read_span(r, row, i++, &t->callback_span);
    t->deadline_provisional = (unsigned)pg_col_int(r, row, i++);
    const char *co = pg_col_str(r, row, i++);
    if (co && *co && !oom)
        oom = store_parse_co_units(co, t);
    return oom ? STORE_NOMEM : STORE_OK;
}

static int save_co_units(struct store_conn *c, const struct ticket *t)
{
    struct pg_params p = {0};
    pp_int(&p, t->id);
    int rc = pg_exec(c, PQ_CO_DELETE, "DELETE FROM ticket_co_units WHERE ticket_id = $1", &p, NULL);
    for (size_t i = 0; rc == STORE_OK && i < t->n_co_unit_ids; i++) {
        struct pg_params q = {0};
        pp_int(&q, t->id);
        pp_int(&q, t->co_unit_ids[i]);
        rc = pg_exec(c, PQ_CO_INSERT,
                     "INSERT INTO ticket_co_units(ticket_id, unit_id) VALUES($1, $2) "
                     "ON CONFLICT DO NOTHING",
                     &q, NULL);
    }
    return rc;
}

int pg_store_ticket_next_seq(struct store_conn *c, day_key day, int64_t *seq)
{
    struct pg_params p = {0};
    pp_int(&p, day);
    int rc;
    PGresult *r = pg_run(c, PQ_SEQ_NEXT,
                         "INSERT INTO ticket_seq(day, last) VALUES($1, 1) ON CONFLICT(day) "
                         "DO UPDATE SET last = ticket_seq.last + 1 RETURNING last",
                         &p, &rc);
    if (!r)
        return rc;
    *seq = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

/* A span as its text ("15 working_days"), or NULL when not set. */
static void bind_span(struct pg_params *p, struct sla_span s)
{
    char buf[32];
    if (sla_span_format(s, buf, sizeof buf) == 0 && p->n < PG_MAX_PARAMS) {
        snprintf(p->num[p->n], sizeof p->num[0], "%s", buf);
        pp_text(p, p->num[p->n]);
    } else {
        pp_text(p, NULL);
    }
}

/* The mutable fields shared by INSERT and UPDATE, $2..$44, in MUTABLE_COLS order. */
static void bind_mutable(struct pg_params *p, const struct ticket *t)
{
    pp_text(p, channel_name(t->channel));
    pp_text(p, ticket_type_name(t->type));
    pp_text(p, urgency_name(t->urgency));
    pp_text(p, t->citizen_name);
    pp_text(p, t->citizen_phone);
    pp_int(p, t->anonymous);
    pp_int(p, t->confidential);
    pp_text(p, t->title);
    pp_text(p, t->content);
    pp_text(p, t->address);
    if (t->has_location) {
        pp_double(p, t->lat);
        pp_double(p, t->lng);
    } else {
        pp_text(p, NULL);
        pp_text(p, NULL);
    }
    pp_text(p, t->area);
    pp_id(p, t->category_id);
    pp_id(p, t->unit_id);
    pp_text(p, status_name(t->status));
    pp_id(p, t->dispatched_at);
    pp_id(p, t->sign_due);
    pp_id(p, t->reply_due);
    pp_id(p, t->callback_due);
    pp_id(p, t->accepted_at);
    pp_id(p, t->replied_at);
    pp_id(p, t->closed_at);
    pp_text(p, t->answer);
    pp_id(p, t->kb_article_id);
    pp_text(p, t->reply);
    pp_tri(p, t->contacted);
    pp_id(p, t->contacted_at);
    pp_text(p, t->satisfaction >= 0 ? satisfaction_name(t->satisfaction) : NULL);
    pp_tri(p, t->resolved);
    pp_int(p, t->extension_pending);
    pp_id(p, t->extension_until);
    pp_text(p, t->extension_reason);
    pp_int(p, t->urge_count);
    pp_int(p, t->reopen_count);
    pp_text(p, t->master[0] ? t->master : NULL);
    pp_int(p, t->updated_at);
    pp_int(p, t->version);
    /* issue 3's deadline bookkeeping: $40..$44 */
    pp_id(p, t->reply_started_at);
    bind_span(p, t->sign_span);
    bind_span(p, t->reply_span);
    bind_span(p, t->callback_span);
    pp_int(p, (int64_t)t->deadline_provisional);
}

#define MUTABLE_COLS                                                                            \
    "channel, type, urgency, citizen_name, citizen_phone, anonymous, confidential, title, "    \
    "content, address, lat, lng, area, category_id, unit_id, status, dispatched_at, "          \
    "sign_due, reply_due, callback_due, accepted_at, replied_at, closed_at, answer, "          \
    "kb_article_id, reply, contacted, contacted_at, satisfaction, resolved, "                  \
    "extension_pending, extension_until, extension_reason, urge_count, reopen_count, master, " \
    "updated_at, version, "                                                                    \
    "reply_started_at, sign_span, reply_span, callback_span, deadline_provisional"
#define MUTABLE_PARAMS                                                                          \
    "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "  \
    "$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, "    \
    "$38, $39, $40, $41, $42, $43, $44"

/*
 * The search document and the text sketch (core/dedup.h) of t as the next
 * two parameters; *doc (malloc'd) and sketch must outlive the statement.
 */
static int bind_search(struct pg_params *p, const struct ticket *t, char **doc,
                       unsigned char sketch[DEDUP_SKETCH_BYTES])
{
    const char *cols[4] = {t->title, t->address, t->content, t->reply};
    int rc = pg_fts_doc(cols, "ABCD", 4, doc);
    if (rc != STORE_OK)
        return rc;
    struct dedup_sketch sk;
    if (dedup_sketch_make(t->title, t->content, t->address, &sk) != 0) {
        free(*doc);
        *doc = NULL;
        return STORE_NOMEM;
    }
    size_t n = dedup_sketch_encode(&sk, sketch);
    pp_text(p, *doc);
    pp_bytes(p, sketch, (int)n);
    return STORE_OK;
}

/* One round trip: the ticket, its search document and its sketch. */
int pg_store_ticket_insert(struct store_conn *c, struct ticket *t)
{
    struct pg_params p = {0};
    pp_text(&p, t->number);
    bind_mutable(&p, t);
    pp_id(&p, t->created_by);
    pp_int(&p, t->created_at);
    char *doc = NULL;
    unsigned char sketch[DEDUP_SKETCH_BYTES];
    int rc = bind_search(&p, t, &doc, sketch);
    if (rc != STORE_OK)
        return rc;
    PGresult *r = pg_run(c, PQ_TICKET_INSERT,
                         "WITH n AS (INSERT INTO tickets(number, " MUTABLE_COLS
                         ", created_by, created_at, search) VALUES($1, " MUTABLE_PARAMS
                         ", $45, $46, $47::tsvector) RETURNING id) "
                         "INSERT INTO ticket_sketch(ticket_id, sketch) SELECT id, $48 FROM n "
                         "RETURNING ticket_id",
                         &p, &rc);
    free(doc);
    if (!r)
        return rc;
    t->id = pg_col_int(r, 0, 0);
    PQclear(r);
    return t->n_co_unit_ids ? save_co_units(c, t) : STORE_OK;
}

/*
 * Inside a write transaction the row is locked (FOR UPDATE) until the end of
 * it, so two actions on one ticket queue up instead of racing; the version
 * check of store_ticket_update still answers the one that comes second.
 */
int pg_store_ticket_get(struct store_conn *c, const char *number, struct ticket *out)
{
    struct pg_params p = {0};
    pp_text(&p, number);
    int rc;
    bool lock = c->depth > 0 && c->write;
    PGresult *r = lock ? pg_run(c, PQ_TICKET_GET_LOCK,
                                "SELECT " TICKET_COLS_PG " FROM tickets t WHERE t.number = $1 "
                                "FOR UPDATE OF t",
                                &p, &rc)
                       : pg_run(c, PQ_TICKET_GET,
                                "SELECT " TICKET_COLS_PG " FROM tickets t WHERE t.number = $1",
                                &p, &rc);
    if (!r)
        return rc;
    rc = PQntuples(r) > 0 ? pg_read_ticket(r, 0, 0, out) : STORE_NOTFOUND;
    PQclear(r);
    if (rc != STORE_OK && rc != STORE_NOTFOUND)
        ticket_release(out);
    return rc;
}

int pg_store_ticket_update(struct store_conn *c, const struct ticket *t, int expected_version)
{
    struct pg_params p = {0};
    pp_int(&p, t->id);
    bind_mutable(&p, t);
    pp_int(&p, expected_version);
    char *doc = NULL;
    unsigned char sketch[DEDUP_SKETCH_BYTES];
    int rc = bind_search(&p, t, &doc, sketch);
    if (rc != STORE_OK)
        return rc;
    PGresult *r = pg_run(c, PQ_TICKET_UPDATE,
                         "WITH u AS (UPDATE tickets SET (" MUTABLE_COLS ", search) = ("
                         MUTABLE_PARAMS ", $46::tsvector) WHERE id = $1 AND version = $45 "
                         "RETURNING id) INSERT INTO ticket_sketch(ticket_id, sketch) "
                         "SELECT id, $47 FROM u ON CONFLICT (ticket_id) DO UPDATE "
                         "SET sketch = excluded.sketch RETURNING ticket_id",
                         &p, &rc);
    free(doc);
    if (!r)
        return rc;
    int rows = PQntuples(r);
    PQclear(r);
    if (rows == 0)
        return STORE_CONFLICT;
    return save_co_units(c, t);
}

int pg_store_ticket_count_by_status(struct store_conn *c, int64_t counts[ST__COUNT])
{
    for (int i = 0; i < ST__COUNT; i++)
        counts[i] = 0;
    int rc;
    PGresult *r = pg_run(c, PQ_TICKET_COUNT_STATUS,
                         "SELECT status, count(*) FROM tickets GROUP BY status", NULL, &rc);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        int s = status_parse(pg_col_str(r, i, 0));
        if (s >= 0)
            counts[s] = pg_col_int(r, i, 1);
    }
    PQclear(r);
    return STORE_OK;
}
