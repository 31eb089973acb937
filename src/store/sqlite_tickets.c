/*
 * sqlite_tickets.c - work orders, their co-handling units and events in
 * SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla.h"
#include "store/sqlite_int.h"
#include "store/common.h"



/* A span column ("15 working_days"); NULL or unreadable is "not set". */
static void read_span(sqlite3_stmt *st, int i, struct sla_span *out)
{
    if (sla_span_parse((const char *)sqlite3_column_text(st, i), out) != 0)
        *out = SLA_SPAN_NONE;
}

/* Binds a span as its text, or NULL when not set (SQLITE_TRANSIENT: the text is on our stack). */
static void bind_span(sqlite3_stmt *st, int i, struct sla_span s)
{
    char buf[32];
    if (sla_span_format(s, buf, sizeof buf) == 0)
        sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static int read_ticket_at(sqlite3_stmt *st, struct ticket *t, int first)
{
    int oom = 0, i = first;
    ticket_init(t);
    t->id = sqlite3_column_int64(st, i++);
    store_copy_number(t->number, (const char *)sqlite3_column_text(st, i++));
    t->channel = channel_parse((const char *)sqlite3_column_text(st, i++));
    t->type = ticket_type_parse((const char *)sqlite3_column_text(st, i++));
    t->urgency = urgency_parse((const char *)sqlite3_column_text(st, i++));
    t->citizen_name = sq_col_text(st, i++, &oom);
    t->citizen_phone = sq_col_text(st, i++, &oom);
    t->anonymous = sqlite3_column_int(st, i++) != 0;
    t->confidential = sqlite3_column_int(st, i++) != 0;
    t->title = sq_col_text(st, i++, &oom);
    t->content = sq_col_text(st, i++, &oom);
    t->address = sq_col_text(st, i++, &oom);
    t->has_location = sqlite3_column_type(st, i) != SQLITE_NULL;
    t->lat = sqlite3_column_double(st, i++);
    t->lng = sqlite3_column_double(st, i++);
    t->area = sq_col_text(st, i++, &oom);
    t->category_id = sq_col_id(st, i++);
    t->unit_id = sq_col_id(st, i++);
    t->status = status_parse((const char *)sqlite3_column_text(st, i++));
    t->dispatched_at = sq_col_id(st, i++);
    t->sign_due = sq_col_id(st, i++);
    t->reply_due = sq_col_id(st, i++);
    t->callback_due = sq_col_id(st, i++);
    t->accepted_at = sq_col_id(st, i++);
    t->replied_at = sq_col_id(st, i++);
    t->closed_at = sq_col_id(st, i++);
    t->answer = sq_col_text(st, i++, &oom);
    t->kb_article_id = sq_col_id(st, i++);
    t->reply = sq_col_text(st, i++, &oom);
    t->contacted = sq_col_tri(st, i++);
    t->contacted_at = sq_col_id(st, i++);
    const unsigned char *sat = sqlite3_column_text(st, i++);
    t->satisfaction = sat ? satisfaction_parse((const char *)sat) : SAT_NONE;
    t->resolved = sq_col_tri(st, i++);
    t->extension_pending = sqlite3_column_int(st, i++) != 0;
    t->extension_until = sq_col_id(st, i++);
    t->extension_reason = sq_col_text(st, i++, &oom);
    t->urge_count = sqlite3_column_int(st, i++);
    t->reopen_count = sqlite3_column_int(st, i++);
    store_copy_number(t->master, (const char *)sqlite3_column_text(st, i++));
    t->created_by = sq_col_id(st, i++);
    t->created_at = sqlite3_column_int64(st, i++);
    t->updated_at = sqlite3_column_int64(st, i++);
    t->version = sqlite3_column_int(st, i++);
    t->reply_started_at = sq_col_id(st, i++);
    read_span(st, i++, &t->sign_span);
    read_span(st, i++, &t->reply_span);
    read_span(st, i++, &t->callback_span);
    t->deadline_provisional = (unsigned)sqlite3_column_int(st, i++);
    const char *co = (const char *)sqlite3_column_text(st, i++);
    if (co && *co && !oom)
        oom = store_parse_co_units(co, t);
    return oom ? STORE_NOMEM : STORE_OK;
}

static int read_ticket(sqlite3_stmt *st, struct ticket *t) { return read_ticket_at(st, t, 0); }

/* For sqlite_list.c: a list row is its sort key followed by the ticket columns. */
int sq_read_ticket_row(sqlite3_stmt *st, struct ticket *t);
int sq_read_ticket_row(sqlite3_stmt *st, struct ticket *t) { return read_ticket_at(st, t, 1); }

/*
 * For sqlite_list.c: the tickets with ids[0..n) into arr[0..n), in that
 * order, with one statement (a handler's page; stepping one statement per
 * row cost more than reading the rows). n <= 200. STORE_ERROR if one is
 * missing (the caller reads the ids in the same transaction).
 */
int sq_read_tickets(struct store_conn *c, const int64_t *ids, size_t n, struct ticket *arr);
int sq_read_tickets(struct store_conn *c, const int64_t *ids, size_t n, struct ticket *arr)
{
    char list[200 * 21 + 2];
    size_t p = 0;
    if (n > 200)
        return STORE_ERROR; /* defensive: pages are at most 200 */
    list[p++] = '[';
    for (size_t i = 0; i < n; i++)
        p += (size_t)snprintf(list + p, sizeof list - p, "%s%lld", i ? "," : "",
                              (long long)ids[i]);
    list[p++] = ']';
    sqlite3_stmt *st = sq_stmt(c, Q_TICKET_GET_IDS,
                               "SELECT " TICKET_COLS " FROM json_each(?1) j "
                               "CROSS JOIN tickets t ON t.id = j.value");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, list, (int)p, SQLITE_STATIC);
    size_t got = 0;
    int src, rc = STORE_OK;
    while (rc == STORE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        size_t at = 0;
        while (at < n && (ids[at] != id || arr[at].id))
            at++;
        if (at == n) {
            rc = STORE_ERROR; /* defensive: json_each gives each id once */
            break;
        }
        rc = read_ticket(st, &arr[at]);
        got++;
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "tickets by id");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* list is on this stack */
    if (rc == STORE_OK && got != n)
        rc = STORE_ERROR;
    if (rc != STORE_OK)
        for (size_t i = 0; i < n; i++) /* what was read; the rest is zeroed */
            ticket_release(&arr[i]);
    return rc;
}

/* Replaces the stored co-handling units of t with t's. */
static int save_co_units(struct store_conn *c, const struct ticket *t)
{
    sqlite3_stmt *st = sq_stmt(c, Q_CO_DELETE, "DELETE FROM ticket_co_units WHERE ticket_id = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, t->id);
    int rc = sq_exec(c, st, "co delete");
    for (size_t i = 0; rc == STORE_OK && i < t->n_co_unit_ids; i++) {
        st = sq_stmt(c, Q_CO_INSERT,
                     "INSERT OR IGNORE INTO ticket_co_units(ticket_id, unit_id) VALUES(?1, ?2)");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, t->id);
        sqlite3_bind_int64(st, 2, t->co_unit_ids[i]);
        rc = sq_exec(c, st, "co insert");
    }
    return rc;
}

int store_ticket_next_seq(struct store_conn *c, day_key day, int64_t *seq)
{
    sqlite3_stmt *st = sq_stmt(c, Q_SEQ_NEXT,
                               "INSERT INTO ticket_seq(day, last) VALUES(?1, 1) "
                               "ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, day);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? STORE_OK : sq_rc(c, src, "ticket seq");
    if (src == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

/*
 * Binds the mutable fields shared by INSERT and UPDATE, parameters ?2..?34
 * in the order of the column lists below.
 */
static void bind_mutable(sqlite3_stmt *st, const struct ticket *t)
{
    int i = 2;
    sq_bind_text(st, i++, channel_name(t->channel));
    sq_bind_text(st, i++, ticket_type_name(t->type));
    sq_bind_text(st, i++, urgency_name(t->urgency));
    sq_bind_text(st, i++, t->citizen_name);
    sq_bind_text(st, i++, t->citizen_phone);
    sqlite3_bind_int(st, i++, t->anonymous);
    sqlite3_bind_int(st, i++, t->confidential);
    sq_bind_text(st, i++, t->title);
    sq_bind_text(st, i++, t->content);
    sq_bind_text(st, i++, t->address);
    if (t->has_location) {
        sqlite3_bind_double(st, i++, t->lat);
        sqlite3_bind_double(st, i++, t->lng);
    } else {
        sqlite3_bind_null(st, i++);
        sqlite3_bind_null(st, i++);
    }
    sq_bind_text(st, i++, t->area);
    sq_bind_id(st, i++, t->category_id);
    sq_bind_id(st, i++, t->unit_id);
    sq_bind_text(st, i++, status_name(t->status));
    sq_bind_id(st, i++, t->dispatched_at);
    sq_bind_id(st, i++, t->sign_due);
    sq_bind_id(st, i++, t->reply_due);
    sq_bind_id(st, i++, t->callback_due);
    sq_bind_id(st, i++, t->accepted_at);
    sq_bind_id(st, i++, t->replied_at);
    sq_bind_id(st, i++, t->closed_at);
    sq_bind_text(st, i++, t->answer);
    sq_bind_id(st, i++, t->kb_article_id);
    sq_bind_text(st, i++, t->reply);
    sq_bind_tri(st, i++, t->contacted);
    sq_bind_id(st, i++, t->contacted_at);
    sq_bind_text(st, i++, t->satisfaction >= 0 ? satisfaction_name(t->satisfaction) : NULL);
    sq_bind_tri(st, i++, t->resolved);
    sqlite3_bind_int(st, i++, t->extension_pending);
    sq_bind_id(st, i++, t->extension_until);
    sq_bind_text(st, i++, t->extension_reason);
    sqlite3_bind_int(st, i++, t->urge_count);
    sqlite3_bind_int(st, i++, t->reopen_count);
    sq_bind_text(st, i++, t->master[0] ? t->master : NULL);
    sqlite3_bind_int64(st, i++, t->updated_at);
    sqlite3_bind_int(st, i++, t->version);
    /* The deadline bookkeeping of issue 3 takes ?50..?54 (gaps are allowed). */
    sq_bind_id(st, 50, t->reply_started_at);
    bind_span(st, 51, t->sign_span);
    bind_span(st, 52, t->reply_span);
    bind_span(st, 53, t->callback_span);
    sqlite3_bind_int(st, 54, (int)t->deadline_provisional);
}

#define MUTABLE_COLS                                                                            \
    "channel, type, urgency, citizen_name, citizen_phone, anonymous, confidential, title, "    \
    "content, address, lat, lng, area, category_id, unit_id, status, dispatched_at, "          \
    "sign_due, reply_due, callback_due, accepted_at, replied_at, closed_at, answer, "          \
    "kb_article_id, reply, contacted, contacted_at, satisfaction, resolved, "                  \
    "extension_pending, extension_until, extension_reason, urge_count, reopen_count, master, " \
    "updated_at, version, "                                                                    \
    "reply_started_at, sign_span, reply_span, callback_span, deadline_provisional"
#define DEADLINE_PARAMS "?50, ?51, ?52, ?53, ?54"

int store_ticket_insert(struct store_conn *c, struct ticket *t)
{
    sqlite3_stmt *st = sq_stmt(
        c, Q_TICKET_INSERT,
        "INSERT INTO tickets(number, " MUTABLE_COLS ", created_by, created_at) VALUES(?1, "
        "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, "
        "?38, ?39, " DEADLINE_PARAMS ", ?40, ?41)");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, t->number);
    bind_mutable(st, t);
    sq_bind_id(st, 40, t->created_by);
    sqlite3_bind_int64(st, 41, t->created_at);
    int rc = sq_exec(c, st, "ticket insert");
    if (rc != STORE_OK)
        return rc;
    t->id = sqlite3_last_insert_rowid(c->db);
    return t->n_co_unit_ids ? save_co_units(c, t) : STORE_OK;
}

int store_ticket_get(struct store_conn *c, const char *number, struct ticket *out)
{
    sqlite3_stmt *st =
        sq_stmt(c, Q_TICKET_GET, "SELECT " TICKET_COLS " FROM tickets t WHERE t.number = ?1");
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, number);
    int src = sqlite3_step(st);
    int rc;
    if (src == SQLITE_ROW)
        rc = read_ticket(st, out);
    else if (src == SQLITE_DONE)
        rc = STORE_NOTFOUND;
    else
        rc = sq_rc(c, src, "ticket get");
    sqlite3_reset(st);
    if (rc != STORE_OK && rc != STORE_NOTFOUND)
        ticket_release(out);
    return rc;
}

int store_ticket_update(struct store_conn *c, const struct ticket *t, int expected_version)
{
    sqlite3_stmt *st = sq_stmt(
        c, Q_TICKET_UPDATE,
        "UPDATE tickets SET (" MUTABLE_COLS ") = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
        "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, "
        "?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, " DEADLINE_PARAMS
        ") WHERE id = ?1 AND version = ?40");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, t->id);
    bind_mutable(st, t);
    sqlite3_bind_int(st, 40, expected_version);
    int rc = sq_exec(c, st, "ticket update");
    if (rc != STORE_OK)
        return rc;
    if (sqlite3_changes(c->db) == 0)
        return STORE_CONFLICT;
    return save_co_units(c, t);
}

int store_event_insert(struct store_conn *c, struct ticket_event *e)
{
    sqlite3_stmt *st = sq_stmt(c, Q_EVENT_INSERT,
                               "INSERT INTO ticket_events(ticket_id, at, actor_id, action, "
                               "from_status, to_status, note, args, unit_id, sign_due, reply_due) "
                               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                               /* the deadlines in force after the event (007) */
                               "(SELECT sign_due FROM tickets WHERE id = ?1), "
                               "(SELECT reply_due FROM tickets WHERE id = ?1))");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->ticket_id);
    sqlite3_bind_int64(st, 2, e->at);
    sq_bind_id(st, 3, e->actor_id);
    sq_bind_text(st, 4, action_name(e->action));
    sq_bind_text(st, 5, e->action == ACT_CREATE ? NULL : status_name(e->from_status));
    sq_bind_text(st, 6, status_name(e->to_status));
    sq_bind_text(st, 7, e->note);
    sq_bind_text(st, 8, e->args_json ? e->args_json : "{}");
    sq_bind_id(st, 9, e->unit_id);
    int rc = sq_exec(c, st, "event insert");
    if (rc == STORE_OK)
        e->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int store_event_list(struct store_conn *c, int64_t ticket_id, struct ticket_event **out,
                     size_t *n)
{
    sqlite3_stmt *st = sq_stmt(c, Q_EVENT_LIST,
                               "SELECT e.id, e.at, e.actor_id, u.name, e.action, e.from_status, "
                               "e.to_status, e.note, e.args FROM ticket_events e "
                               "LEFT JOIN users u ON u.id = e.actor_id "
                               "WHERE e.ticket_id = ?1 ORDER BY e.id");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ticket_id);
    size_t cap = 0, len = 0;
    struct ticket_event *arr = NULL;
    int src, rc = STORE_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct ticket_event *na = realloc(arr, ncap * sizeof *na);
            if (!na) {
                rc = STORE_NOMEM;
                break;
            }
            arr = na;
            cap = ncap;
        }
        struct ticket_event *e = &arr[len++];
        int oom = 0;
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        e->ticket_id = ticket_id;
        e->at = sqlite3_column_int64(st, 1);
        e->actor_id = sq_col_id(st, 2);
        e->actor_name = sq_col_text(st, 3, &oom);
        const char *an = (const char *)sqlite3_column_text(st, 4);
        e->action = (enum action)action_parse_any(an);
        const char *fs = (const char *)sqlite3_column_text(st, 5);
        e->from_status = fs ? (enum ticket_status)status_parse(fs) : ST__COUNT;
        e->to_status = status_parse((const char *)sqlite3_column_text(st, 6));
        e->note = sq_col_text(st, 7, &oom);
        e->args_json = sq_col_text(st, 8, &oom);
        if (oom) {
            rc = STORE_NOMEM;
            break;
        }
    }
    if (rc == STORE_OK && src != SQLITE_DONE)
        rc = sq_rc(c, src, "events");
    sqlite3_reset(st);
    if (rc != STORE_OK) {
        store_free_events(arr, len);
        return rc;
    }
    *out = arr;
    *n = len;
    return STORE_OK;
}

void store_free_events(struct ticket_event *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ticket_event_release(&a[i]);
    free(a);
}

void store_free_tickets(struct ticket *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ticket_release(&a[i]);
    free(a);
}

int store_ticket_count_by_status(struct store_conn *c, int64_t counts[ST__COUNT])
{
    sqlite3_stmt *st = sq_stmt(c, Q_TICKET_COUNT_STATUS,
                               "SELECT status, count(*) FROM tickets GROUP BY status");
    if (!st)
        return STORE_ERROR;
    for (int i = 0; i < ST__COUNT; i++)
        counts[i] = 0;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int s = status_parse((const char *)sqlite3_column_text(st, 0));
        if (s >= 0)
            counts[s] = sqlite3_column_int64(st, 1);
    }
    int rc = src == SQLITE_DONE ? STORE_OK : sq_rc(c, src, "count by status");
    sqlite3_reset(st);
    return rc;
}
