/*
 * sqlite_feed.c - what the timer loop and the live feed read and write:
 * tickets crossing into warning or overdue, their marks, provisional
 * deadlines, category chains and the event history read forwards.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

#define OPEN_STATES "('dispatched','processing','returned','replied')"

/* Reads (id, number) rows of st into a malloc'd array. */
static int read_refs(struct store_conn *c, sqlite3_stmt *st, size_t limit, struct ticket_ref **out,
                     size_t *n)
{
    struct ticket_ref *arr = calloc(limit ? limit : 1, sizeof *arr);
    size_t len = 0;
    int src = SQLITE_DONE, rc = STORE_OK;
    if (!arr) {
        sqlite3_reset(st);
        return STORE_NOMEM;
    }
    while (len < limit && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *num = sqlite3_column_text(st, 1);
        arr[len].id = sqlite3_column_int64(st, 0);
        if (num && strlen((const char *)num) == TICKET_NUMBER_LEN)
            memcpy(arr[len].number, num, TICKET_NUMBER_LEN + 1);
        len++;
    }
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "ticket refs");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

int store_sla_pending(struct store_conn *c, int64_t now, int warn_percent, size_t limit,
                      struct ticket_ref **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(
        c, Q_SLA_PENDING,
        "SELECT t.id, t.number FROM tickets t WHERE t.status IN " OPEN_STATES
        " AND t.due_key IS NOT NULL AND "
        "(CASE WHEN t.due_key < ?1 THEN 2 "
        "      WHEN (?1 - t.clock_start) * 100 >= (t.due_key - t.clock_start) * ?2 THEN 1 "
        "      ELSE 0 END) > "
        "(CASE WHEN t.sla_mark_clock IS t.clock AND t.sla_mark_due IS t.due_key "
        "      THEN t.sla_mark_level ELSE 0 END) "
        "ORDER BY t.due_key, t.id LIMIT ?3");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, warn_percent);
    sqlite3_bind_int64(st, 3, (int64_t)limit);
    return read_refs(c, st, limit, out, n);
}

int store_sla_mark_get(struct store_conn *c, int64_t ticket_id, struct sla_mark *out)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SLA_MARK_GET,
                               "SELECT sla_mark_clock, sla_mark_due, sla_mark_level FROM tickets "
                               "WHERE id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ticket_id);
    int src = sqlite3_step(st), rc = STORE_OK;
    if (src == SQLITE_ROW) {
        const char *clock = (const char *)sqlite3_column_text(st, 0);
        out->clock = clock ? sla_clock_parse(clock) : -1;
        out->due = sq_col_id(st, 1);
        out->level = sqlite3_column_int(st, 2);
    } else {
        rc = src == SQLITE_DONE ? STORE_NOTFOUND : sq_rc(c, src, "sla mark get");
    }
    sqlite3_reset(st);
    return rc;
}

int store_sla_mark_set(struct store_conn *c, int64_t ticket_id, const struct sla_mark *m)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SLA_MARK_SET,
                               "UPDATE tickets SET sla_mark_clock = ?2, sla_mark_due = ?3, "
                               "sla_mark_level = ?4 WHERE id = ?1 AND NOT (sla_mark_clock IS ?2 "
                               "AND sla_mark_due IS ?3 AND sla_mark_level >= ?4)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ticket_id);
    sq_bind_text(st, 2, m->clock >= 0 ? sla_clock_name((enum sla_clock)m->clock) : NULL);
    sq_bind_id(st, 3, m->due);
    sqlite3_bind_int(st, 4, m->level);
    int rc = sq_exec(c, st, "sla mark set");
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_CONFLICT;
    return rc;
}

int store_provisional_list(struct store_conn *c, int64_t after, size_t limit,
                           struct ticket_ref **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_PROVISIONAL,
                               "SELECT id, number FROM tickets WHERE deadline_provisional != 0 "
                               "AND status IN " OPEN_STATES " AND id > ?1 ORDER BY id LIMIT ?2");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (int64_t)limit);
    return read_refs(c, st, limit, out, n);
}

int store_category_chain(struct store_conn *c, int64_t id, int64_t *out, size_t max, size_t *n)
{
    *n = 0;
    while (id && *n < max) {
        out[(*n)++] = id;
        sqlite3_stmt *st =
            sq_stmt(c, Q_CAT_PARENT, "SELECT parent_id FROM categories WHERE id = ?1");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        id = src == SQLITE_ROW ? sq_col_id(st, 0) : 0;
        sqlite3_reset(st);
        if (src != SQLITE_ROW && src != SQLITE_DONE)
            return sq_rc(c, src, "category chain");
    }
    return STORE_OK;
}

int store_feed_since(struct store_conn *c, int64_t after, size_t limit, struct feed_event **out,
                     size_t *n)
{
    sqlite3_stmt *st = sq_stmt(
        c, Q_FEED_SINCE,
        "SELECT e.id, e.at, e.action, e.from_status, e.to_status, e.unit_id, u.path, t.number, "
        "t.type, t.urgency, t.title, e.args, CASE WHEN t.status IN ('registered'," 
        "'dispatched','processing','returned','replied') THEN (SELECT group_concat(cu.path, ' ') "
        "FROM ticket_co_units co JOIN units cu ON cu.id = co.unit_id WHERE co.ticket_id = t.id) "
        "END FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        "LEFT JOIN units u ON u.id = e.unit_id WHERE e.id > ?1 ORDER BY e.id LIMIT ?2");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (int64_t)limit);
    struct feed_event *arr = calloc(limit ? limit : 1, sizeof *arr);
    size_t len = 0;
    int src = SQLITE_DONE, rc = STORE_OK;
    if (!arr) {
        sqlite3_reset(st);
        return STORE_NOMEM;
    }
    while (len < limit && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct feed_event *e = &arr[len++];
        int oom = 0;
        const char *fs = (const char *)sqlite3_column_text(st, 3);
        const unsigned char *num = sqlite3_column_text(st, 7);
        e->id = sqlite3_column_int64(st, 0);
        e->at = sqlite3_column_int64(st, 1);
        e->action = (enum action)action_parse_any((const char *)sqlite3_column_text(st, 2));
        e->from_status = fs ? status_parse(fs) : -1;
        e->to_status = status_parse((const char *)sqlite3_column_text(st, 4));
        e->unit_id = sq_col_id(st, 5);
        e->unit_path = sq_col_text(st, 6, &oom);
        if (num && strlen((const char *)num) == TICKET_NUMBER_LEN)
            memcpy(e->number, num, TICKET_NUMBER_LEN + 1);
        e->type = ticket_type_parse((const char *)sqlite3_column_text(st, 8));
        e->urgency = urgency_parse((const char *)sqlite3_column_text(st, 9));
        e->title = sq_col_text(st, 10, &oom);
        e->args_json = sq_col_text(st, 11, &oom);
        e->co_paths = sq_col_text(st, 12, &oom);
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    if (rc == STORE_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "feed");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        store_free_feed(arr, len);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

void store_free_feed(struct feed_event *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        feed_event_release(&a[i]);
    free(a);
}

int store_event_last_id(struct store_conn *c, int64_t *id)
{
    sqlite3_stmt *st = sq_stmt(c, Q_EVENT_LAST, "SELECT ifnull(max(id), 0) FROM ticket_events");
    if (!st)
        return STORE_ERROR;
    int src = sqlite3_step(st);
    *id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int rc = src == SQLITE_ROW ? STORE_OK : sq_rc(c, src, "last event");
    sqlite3_reset(st);
    return rc;
}
