/*
 * pg_events.c - a ticket's event history in PostgreSQL (mirrors the event
 * half of sqlite_tickets.c).
 *
 * The live feed reads events by increasing id and remembers the last one it
 * saw, so ids must become visible in order: the insert takes a
 * transaction-level advisory lock first, and event-writing transactions
 * commit one after another. The same statement queues a NOTIFY that wakes
 * the other instances' feeds when the transaction commits (pg_notify.c).
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

int pg_store_event_insert(struct store_conn *c, struct ticket_event *e)
{
    struct pg_params p = {0};
    pp_int(&p, e->ticket_id);
    pp_int(&p, e->at);
    pp_id(&p, e->actor_id);
    pp_text(&p, action_name(e->action));
    pp_text(&p, e->action == ACT_CREATE ? NULL : status_name(e->from_status));
    pp_text(&p, status_name(e->to_status));
    pp_text(&p, e->note);
    pp_text(&p, e->args_json ? e->args_json : "{}");
    pp_id(&p, e->unit_id);
    int rc;
    PGresult *r = pg_run(c, PQ_EVENT_INSERT,
                         /* the lock: events commit in id order (pg_feed.c); the notify
                            wakes other instances' feeds (pg_notify.c) */
                         "INSERT INTO ticket_events(ticket_id, at, actor_id, action, "
                         "from_status, to_status, note, args, unit_id, sign_due, reply_due) "
                         "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, "
                         /* the deadlines in force after the event (007) */
                         "(SELECT sign_due FROM tickets WHERE id = $1), "
                         "(SELECT reply_due FROM tickets WHERE id = $1) FROM "
                         "(SELECT pg_advisory_xact_lock(1919252073, 3), "
                         "pg_notify('rexian_events', '')) l RETURNING id",
                         &p, &rc);
    if (!r)
        return rc;
    e->id = pg_col_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

int pg_store_event_list(struct store_conn *c, int64_t ticket_id, struct ticket_event **out,
                        size_t *n)
{
    struct pg_params p = {0};
    pp_int(&p, ticket_id);
    int rc;
    PGresult *r = pg_run(c, PQ_EVENT_LIST,
                         "SELECT e.id, e.at, e.actor_id, u.name, e.action, e.from_status, "
                         "e.to_status, e.note, e.args FROM ticket_events e "
                         "LEFT JOIN users u ON u.id = e.actor_id "
                         "WHERE e.ticket_id = $1 ORDER BY e.id",
                         &p, &rc);
    if (!r)
        return rc;
    int rows = PQntuples(r), len = 0;
    struct ticket_event *arr = calloc(rows ? (size_t)rows : 1, sizeof *arr);
    rc = arr ? STORE_OK : STORE_NOMEM;
    for (; rc == STORE_OK && len < rows; len++) {
        struct ticket_event *e = &arr[len];
        int oom = 0;
        e->id = pg_col_int(r, len, 0);
        e->ticket_id = ticket_id;
        e->at = pg_col_int(r, len, 1);
        e->actor_id = pg_col_int(r, len, 2);
        e->actor_name = pg_col_text(r, len, 3, &oom);
        const char *an = pg_col_str(r, len, 4);
        e->action = (enum action)action_parse_any(an);
        const char *fs = pg_col_str(r, len, 5);
        e->from_status = fs ? (enum ticket_status)status_parse(fs) : ST__COUNT;
        e->to_status = status_parse(pg_col_str(r, len, 6));
        e->note = pg_col_text(r, len, 7, &oom);
        e->args_json = pg_col_text(r, len, 8, &oom);
        if (oom)
            rc = STORE_NOMEM;
    }
    PQclear(r);
    if (rc != STORE_OK) {
        if (arr)
            store_free_events(arr, (size_t)len);
        return rc;
    }
    *out = arr;
    *n = (size_t)rows;
    return STORE_OK;
}
