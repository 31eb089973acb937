/*
 * pg_feed.c - what the timer loop and the live feed read and write in
 * PostgreSQL (mirrors sqlite_feed.c): tickets crossing into warning or
 * overdue, their marks, provisional deadlines, category chains and the event
 * history read forwards.
 *
 * The feed reads events by increasing id and remembers the last one it saw,
 * so ids must become visible in order. SQLite's single writer gives that;
 * here pg_store_event_insert takes a transaction-level advisory lock first
 * (pg_events.c), so event-writing transactions commit one after another.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

#define OPEN_STATES "('dispatched','processing','returned','replied')"

static int read_refs(PGresult *r, size_t limit, struct ticket_ref **out, size_t *n)
{
    size_t rows = (size_t)PQntuples(r);
    if (rows > limit)
        rows = limit;
    struct ticket_ref *arr = calloc(rows ? rows : 1, sizeof *arr);
    if (!arr) {
        PQclear(r);
        return STORE_NOMEM;
    }
    for (size_t i = 0; i < rows; i++) {
        const char *num = pg_col_str(r, (int)i, 1);
        arr[i].id = pg_col_int(r, (int)i, 0);
        if (num && strlen(num) == TICKET_NUMBER_LEN)
            memcpy(arr[i].number, num, TICKET_NUMBER_LEN + 1);
    }
    PQclear(r);
    *out = arr;
    *n = rows;
    return STORE_OK;
}

int pg_store_sla_pending(struct store_conn *c, int64_t now, int warn_percent, size_t limit,
                         struct ticket_ref **out, size_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, now);
    pp_int(&p, warn_percent);
    pp_int(&p, (int64_t)limit);
    int rc;
    PGresult *r = pg_run(
        c, PQ_SLA_PENDING,
        "SELECT t.id, t.number FROM tickets t WHERE t.status IN " OPEN_STATES
        " AND t.due_key IS NOT NULL AND "
        "(CASE WHEN t.due_key < $1::bigint THEN 2 "
        "      WHEN ($1::bigint - t.clock_start) * 100 >= (t.due_key - t.clock_start) * $2::bigint "
        "      THEN 1 ELSE 0 END) > "
        "(CASE WHEN t.sla_mark_clock IS NOT DISTINCT FROM t.clock "
        "      AND t.sla_mark_due IS NOT DISTINCT FROM t.due_key "
        "      THEN t.sla_mark_level ELSE 0 END) "
        "ORDER BY t.due_key, t.id LIMIT $3",
        &p, &rc);
    return r ? read_refs(r, limit, out, n) : rc;
}

int pg_store_sla_mark_get(struct store_conn *c, int64_t ticket_id, struct sla_mark *out)
{
    struct pg_params p = {0};
    pp_int(&p, ticket_id);
    int rc;
    PGresult *r = pg_run(c, PQ_SLA_MARK_GET,
                         "SELECT sla_mark_clock, sla_mark_due, sla_mark_level FROM tickets "
                         "WHERE id = $1",
                         &p, &rc);
    if (!r)
        return rc;
    rc = STORE_NOTFOUND;
    if (PQntuples(r)) {
        const char *clock = pg_col_str(r, 0, 0);
        out->clock = clock ? sla_clock_parse(clock) : -1;
        out->due = pg_col_int(r, 0, 1);
        out->level = (int)pg_col_int(r, 0, 2);
        rc = STORE_OK;
    }
    PQclear(r);
    return rc;
}

/*
 * The WHERE makes the mark monotonic per (clock, deadline): when two
 * instances' timer loops ever overlapped (a lock handed over), the second
 * one's write changes nothing and gets STORE_CONFLICT, so no SLA event is
 * recorded twice.
 */
int pg_store_sla_mark_set(struct store_conn *c, int64_t ticket_id, const struct sla_mark *m)
{
    struct pg_params p = {0};
    pp_int(&p, ticket_id);
    pp_text(&p, m->clock >= 0 ? sla_clock_name((enum sla_clock)m->clock) : NULL);
    pp_id(&p, m->due);
    pp_int(&p, m->level);
    int64_t changed = 0;
    int rc = pg_exec(c, PQ_SLA_MARK_SET,
                     "UPDATE tickets SET sla_mark_clock = $2, sla_mark_due = $3, "
                     "sla_mark_level = $4 WHERE id = $1 AND NOT ("
                     "sla_mark_clock IS NOT DISTINCT FROM $2::text AND "
                     "sla_mark_due IS NOT DISTINCT FROM $3::bigint AND sla_mark_level >= $4)",
                     &p, &changed);
    if (rc == STORE_OK && changed == 0)
        return STORE_CONFLICT;
    return rc;
}

int pg_store_provisional_list(struct store_conn *c, int64_t after, size_t limit,
                              struct ticket_ref **out, size_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, after);
    pp_int(&p, (int64_t)limit);
    int rc;
    PGresult *r = pg_run(c, PQ_PROVISIONAL,
                         "SELECT id, number FROM tickets WHERE deadline_provisional != 0 "
                         "AND status IN " OPEN_STATES " AND id > $1 ORDER BY id LIMIT $2",
                         &p, &rc);
    return r ? read_refs(r, limit, out, n) : rc;
}

int pg_store_category_chain(struct store_conn *c, int64_t id, int64_t *out, size_t max,
                            size_t *n)
{
    *n = 0;
    while (id && *n < max) {
        out[(*n)++] = id;
        struct pg_params p = {0};
        pp_int(&p, id);
        int rc;
        PGresult *r = pg_run(c, PQ_CAT_PARENT, "SELECT parent_id FROM categories WHERE id = $1",
                             &p, &rc);
        if (!r)
            return rc;
        id = PQntuples(r) ? pg_col_int(r, 0, 0) : 0;
        PQclear(r);
    }
    return STORE_OK;
}

int pg_store_feed_since(struct store_conn *c, int64_t after, size_t limit,
                        struct feed_event **out, size_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, after);
    pp_int(&p, (int64_t)limit);
    int rc;
    PGresult *r = pg_run(
        c, PQ_FEED_SINCE,
        "SELECT e.id, e.at, e.action, e.from_status, e.to_status, e.unit_id, u.path, t.number, "
        "t.type, t.urgency, t.title, e.args, CASE WHEN t.status IN ('registered',"
        "'dispatched','processing','returned','replied') THEN (SELECT string_agg(cu.path, ' ' "
        "ORDER BY co.unit_id) FROM ticket_co_units co JOIN units cu ON cu.id = co.unit_id "
        "WHERE co.ticket_id = t.id) END FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        "LEFT JOIN units u ON u.id = e.unit_id WHERE e.id > $1 ORDER BY e.id LIMIT $2",
        &p, &rc);
    if (!r)
        return rc;
    size_t rows = (size_t)PQntuples(r), len = 0;
    if (rows > limit)
        rows = limit;
    struct feed_event *arr = calloc(rows ? rows : 1, sizeof *arr);
    rc = arr ? STORE_OK : STORE_NOMEM;
    for (; rc == STORE_OK && len < rows; len++) {
        struct feed_event *e = &arr[len];
        int i = (int)len, oom = 0;
        const char *fs = pg_col_str(r, i, 3), *num = pg_col_str(r, i, 7);
        e->id = pg_col_int(r, i, 0);
        e->at = pg_col_int(r, i, 1);
        e->action = (enum action)action_parse_any(pg_col_str(r, i, 2));
        e->from_status = fs ? status_parse(fs) : -1;
        e->to_status = status_parse(pg_col_str(r, i, 4));
        e->unit_id = pg_col_int(r, i, 5);
        e->unit_path = pg_col_text(r, i, 6, &oom);
        if (num && strlen(num) == TICKET_NUMBER_LEN)
            memcpy(e->number, num, TICKET_NUMBER_LEN + 1);
        e->type = ticket_type_parse(pg_col_str(r, i, 8));
        e->urgency = urgency_parse(pg_col_str(r, i, 9));
        e->title = pg_col_text(r, i, 10, &oom);
        e->args_json = pg_col_text(r, i, 11, &oom);
        e->co_paths = pg_col_text(r, i, 12, &oom);
        if (oom)
            rc = STORE_NOMEM;
    }
    PQclear(r);
    if (rc != STORE_OK) {
        store_free_feed(arr, len);
        return rc;
    }
    *out = arr;
    *n = rows;
    return STORE_OK;
}

int pg_store_event_last_id(struct store_conn *c, int64_t *id)
{
    int rc;
    PGresult *r =
        pg_run(c, PQ_EVENT_LAST, "SELECT coalesce(max(id), 0) FROM ticket_events", NULL, &rc);
    if (!r)
        return rc;
    *id = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}
