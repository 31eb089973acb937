/*
 * pg_int.h - internals shared by the PostgreSQL backend's files: the pool of
 * physical connections, the per-thread handle, prepared statements,
 * parameters and result helpers. Not for use outside src/store/.
 *
 * Connections. `struct store_conn` is the calling thread's handle (one per
 * thread, like the SQLite backend's connection, so store_conn_get keeps its
 * meaning). A handle borrows a physical connection (`struct pg_link`) from
 * the store's pool when it first runs a statement, and gives it back when
 * the transaction ends, or right after the call outside a transaction (the
 * dispatch layer calls pg_conn_idle). So a pool of N connections serves any
 * number of threads, each transaction on one connection.
 */
#ifndef REXIAN_STORE_PG_INT_H
#define REXIAN_STORE_PG_INT_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>

#include "store/backend.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store_backends.h" /* generated: the pg_store_* prototypes */

extern const struct migration pg_migrations[];
extern const int pg_migrations_count;

/* Every fixed statement, prepared once per physical connection as "s<id>". */
enum pq_id {
    PQ_PING,
    PQ_UNIT_INSERT, PQ_UNIT_UPDATE, PQ_UNIT_GET, PQ_UNIT_GET_CODE, PQ_UNIT_LIST,
    PQ_UNIT_MOVE_SUBTREE, PQ_UNIT_CHILDREN,
    PQ_CAT_INSERT, PQ_CAT_UPDATE, PQ_CAT_GET, PQ_CAT_LIST, PQ_CAT_HEIGHT, PQ_CAT_FIX_DEPTHS,
    PQ_USER_INSERT, PQ_USER_UPDATE, PQ_USER_UPDATE_PW, PQ_USER_GET, PQ_USER_GET_NAME,
    PQ_USER_LIST,
    PQ_SESSION_INSERT, PQ_SESSION_USER, PQ_SESSION_DELETE, PQ_SESSION_DELETE_USER,
    PQ_SESSION_PURGE, PQ_APIKEY_INSERT, PQ_APIKEY_LOOKUP,
    PQ_SEQ_NEXT, PQ_TICKET_INSERT, PQ_TICKET_GET, PQ_TICKET_GET_LOCK, PQ_TICKET_UPDATE,
    PQ_CO_INSERT, PQ_CO_DELETE, PQ_EVENT_INSERT, PQ_EVENT_LIST, PQ_TICKET_COUNT_STATUS,
    PQ_NOTIFY,
    /* pg_sla.c, pg_feed.c */
    PQ_CAL_DAYS, PQ_CAL_YEARS, PQ_CAL_PUT, PQ_CAL_DELETE, PQ_CAL_DELETE_YEAR_DAYS, PQ_CAL_MARK_YEAR,
    PQ_CAL_UNMARK_YEAR, PQ_CAL_BUMP, PQ_CAL_REVISION, PQ_RULE_LIST, PQ_RULE_GET, PQ_RULE_INSERT,
    PQ_RULE_UPDATE, PQ_RULE_DELETE, PQ_SLA_PENDING, PQ_SLA_MARK_GET, PQ_SLA_MARK_SET,
    PQ_PROVISIONAL, PQ_CAT_PARENT, PQ_FEED_SINCE, PQ_EVENT_LAST,
    /* pg_open311.c, pg_public.c */
    PQ_SVC_INFO_LIST, PQ_SVC_INFO_GET, PQ_SVC_INFO_PUT, PQ_SVC_ATTR_LIST, PQ_SVC_VALUE_LIST,
    PQ_SVC_ATTR_DELETE, PQ_SVC_ATTR_INSERT, PQ_SVC_VALUE_INSERT, PQ_SVC_CHANGESET,
    PQ_ANSWER_INSERT, PQ_ANSWER_LIST, PQ_O311_INSERT, PQ_O311_GET, PQ_O311_TOKEN, PQ_PUBLIC_LIST,
    PQ_APIKEY_LIST, PQ_APIKEY_REVOKE, PQ_APIKEY_TOUCH,
    /* pg_kb.c, pg_similar.c, pg_search.c */
    PQ_KB_INSERT, PQ_KB_UPDATE, PQ_KB_GET, PQ_KB_REV_INSERT, PQ_KB_REV_LIST, PQ_KB_PEEK, PQ_KB_LIST, PQ_KB_SUGGEST,
    PQ_SIM_PHONE, PQ_SIM_NEAR, PQ_SIM_HASH, PQ_SIM_PUT, PQ_TICKET_FTS, PQ_KB_FTS,
    /* pg_audit.c */
    PQ_AUDIT_HEAD, PQ_AUDIT_HEAD_READ, PQ_AUDIT_APPEND, PQ_AUDIT_MOVE_HEAD, PQ_AUDIT_ALL, PQ_AUDIT_LIST,
    /* pg_assess.c */
    PQ_ASSESS_EVENTS, PQ_ASSESS_DELETE, PQ_ASSESS_INSERT, PQ_ASSESS_SUMS,
    PQ_ASSESS_ITEMS, PQ_ASSESS_MAX, PQ_ASSESS_CLEAR_FACTS, PQ_ASSESS_CLEAR_DAILY, PQ_ASSESS_DAILY,
    PQ_ASSESS_WEIGHTS_GET, PQ_ASSESS_WEIGHTS_PUT,
    /* pg_stats.c */
    PQ_STATS_ADD_DAY, PQ_STATS_ADD_UNIT, PQ_STATS_ADD_AGENT, PQ_STATS_ADD_WORD, PQ_STATS_OVERDUE,
    PQ__COUNT
};

#define PG_LIST_CACHE 48

/* One physical connection with the statements prepared on it. */
struct pg_link {
    PGconn *db;
    unsigned char prepared[PQ__COUNT];
    unsigned list_key[PG_LIST_CACHE]; /* ticket list shapes prepared as "l<key>" */
    int n_list;
    int broken;                /* lost: closed instead of going back to the pool */
    struct pg_link *next;      /* the pool's idle list */
};

struct pg_listener;

struct store {
    struct store_base base;    /* first: STORE_BACKEND_PG */
    char *url;
    pthread_key_t key;
    pthread_mutex_t lock;      /* guards everything below */
    pthread_cond_t freed;      /* a link went back to the pool */
    struct pg_link *idle;
    unsigned n_links, max_links;
    struct store_conn *handles; /* every thread's handle */
    struct pg_listener *listener;
};

/* The calling thread's handle. */
struct store_conn {
    struct store_base base;    /* first: STORE_BACKEND_PG */
    struct store *store;
    struct pg_link *link;      /* borrowed from the pool while in use */
    int depth;                 /* transaction nesting; 0 outside */
    int write;                 /* the outer transaction was begun for writing */
    int failed;                /* a statement failed inside the transaction */
    int pinned;                /* bulk mode: the link stays until it ends */
    struct store_conn *next;
};

/* Logs an error line for the backend ("what" says which statement). */
void pg_log(const char *what, const char *detail);

/* Makes sure c holds a link; STORE_OK, STORE_BUSY (pool exhausted) or an error. */
int pg_link_get(struct store_conn *c);

/* Maps a failed result (or NULL) to a store_rc; marks lost connections. */
int pg_result_rc(struct store_conn *c, PGresult *r, const char *what);

/* Parameters of one statement, in $1, $2, ... order. Text format except bytes. */
#define PG_MAX_PARAMS 48
struct pg_params {
    int n;
    const char *v[PG_MAX_PARAMS];
    int len[PG_MAX_PARAMS];
    int fmt[PG_MAX_PARAMS];
    char num[PG_MAX_PARAMS][32];
};
void pp_text(struct pg_params *p, const char *s);  /* NULL -> NULL */
void pp_int(struct pg_params *p, int64_t v);
void pp_id(struct pg_params *p, int64_t v);         /* 0 -> NULL */
void pp_tri(struct pg_params *p, int v);            /* -1 -> NULL */
void pp_double(struct pg_params *p, double v);
void pp_bytes(struct pg_params *p, const void *b, int len);

/*
 * Runs fixed statement `id` (prepared on the link on first use; the same id
 * always gets the same sql) with params p (may be NULL). Returns the result
 * (caller PQclear()s) or NULL with *rc set. Inside a failed transaction it
 * returns NULL with the failure's rc, without a round trip.
 */
PGresult *pg_run(struct store_conn *c, enum pq_id id, const char *sql, const struct pg_params *p,
                 int *rc);
/* The same for a statement prepared under `name` (ticket list shapes). */
PGresult *pg_run_named(struct store_conn *c, const char *name, const char *sql, int prepared,
                       const struct pg_params *p, int *rc);
/* Runs a statement expected to return no rows; *changed (may be NULL) gets the row count. */
int pg_exec(struct store_conn *c, enum pq_id id, const char *sql, const struct pg_params *p,
            int64_t *changed);
/* Runs one utility command (BEGIN, SAVEPOINT, ...) without parameters. */
int pg_simple(struct store_conn *c, const char *sql);

/* Result helpers. */
char *pg_col_text(PGresult *r, int row, int col, int *oom); /* malloc'd copy or NULL */
const char *pg_col_str(PGresult *r, int row, int col);      /* borrowed or NULL */
int64_t pg_col_int(PGresult *r, int row, int col);          /* NULL -> 0 */
int pg_col_tri(PGresult *r, int row, int col);              /* NULL -> -1 */
double pg_col_double(PGresult *r, int row, int col);
/* A bytea column (text form "\\x...") into buf; 0, or -1 if NULL, malformed or over cap. */
int pg_col_bytes(PGresult *r, int row, int col, unsigned char *buf, size_t cap, size_t *len);

/* The columns every ticket read selects, in the order pg_read_ticket expects. */
#define TICKET_COLS_PG                                                                          \
    "t.id, t.number, t.channel, t.type, t.urgency, t.citizen_name, t.citizen_phone, "          \
    "t.anonymous, t.confidential, t.title, t.content, t.address, t.lat, t.lng, t.area, "       \
    "t.category_id, t.unit_id, t.status, t.dispatched_at, t.sign_due, t.reply_due, "           \
    "t.callback_due, t.accepted_at, t.replied_at, t.closed_at, t.answer, t.kb_article_id, "    \
    "t.reply, t.contacted, t.contacted_at, t.satisfaction, t.resolved, t.extension_pending, "  \
    "t.extension_until, t.extension_reason, t.urge_count, t.reopen_count, t.master, "          \
    "t.created_by, t.created_at, t.updated_at, t.version, "                                    \
    "t.reply_started_at, t.sign_span, t.reply_span, t.callback_span, t.deadline_provisional, " \
    "(SELECT string_agg(unit_id::text, ',' ORDER BY unit_id) FROM ticket_co_units "            \
    "WHERE ticket_id = t.id)"
/* Reads the ticket whose columns start at `first` of row `row` (pg_tickets.c). */
int pg_read_ticket(PGresult *r, int row, int first, struct ticket *t);

/* LISTEN/NOTIFY (pg_notify.c). */
void pg_listener_stop(struct store *s);

#endif
