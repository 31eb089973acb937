/*
 * sqlite_int.h - internals shared by the SQLite backend's files: the
 * connection with its cache of prepared statements, and column helpers.
 * Not for use outside src/store/.
 */
#ifndef REXIAN_STORE_SQLITE_INT_H
#define REXIAN_STORE_SQLITE_INT_H

/* First: the backend functions of store.h compile as sqlite_store_* (the
   generated dispatch layer defines the real store_*). */
#include "store_rename.h"

#include <sqlite3.h>

#include "store/backend.h"
#include "store/store.h"

/* Every statement the backend runs, prepared once per connection. */
enum stmt_id {
    Q_BEGIN_READ, Q_BEGIN_WRITE, Q_COMMIT, Q_ROLLBACK, Q_PING, Q_SAVEPOINT, Q_RELEASE,
    Q_FTS_QUEUE_INDEX, Q_FTS_QUEUE_CLEAR, Q_FTS_QUEUE_ANY, Q_SEARCH_CHECK_TICKETS, Q_SEARCH_CHECK_KB,
    Q_TICKET_GET_IDS,
    Q_UNIT_INSERT, Q_UNIT_SET_PATH, Q_UNIT_UPDATE, Q_UNIT_GET, Q_UNIT_GET_CODE, Q_UNIT_LIST,
    Q_UNIT_MOVE_SUBTREE, Q_UNIT_CHILDREN,
    Q_CAT_INSERT, Q_CAT_UPDATE, Q_CAT_GET, Q_CAT_LIST, Q_CAT_HEIGHT, Q_CAT_FIX_DEPTHS,
    Q_USER_INSERT, Q_USER_UPDATE, Q_USER_UPDATE_PW, Q_USER_GET, Q_USER_GET_NAME, Q_USER_LIST,
    Q_SESSION_INSERT, Q_SESSION_USER, Q_SESSION_DELETE, Q_SESSION_DELETE_USER, Q_SESSION_PURGE,
    Q_APIKEY_INSERT, Q_APIKEY_LOOKUP,
    Q_SEQ_NEXT, Q_TICKET_INSERT, Q_TICKET_GET, Q_TICKET_UPDATE, Q_CO_INSERT, Q_CO_DELETE,
    Q_EVENT_INSERT, Q_EVENT_LIST, Q_TICKET_COUNT_STATUS,
    /* sqlite_open311.c */
    Q_SVC_INFO_LIST, Q_SVC_INFO_GET, Q_SVC_INFO_PUT, Q_SVC_ATTR_LIST, Q_SVC_VALUE_LIST,
    Q_SVC_ATTR_DELETE, Q_SVC_ATTR_INSERT, Q_SVC_VALUE_INSERT, Q_SVC_CHANGESET, Q_ANSWER_INSERT,
    Q_ANSWER_LIST, Q_O311_INSERT, Q_O311_GET, Q_O311_TOKEN, Q_PUBLIC_LIST, Q_APIKEY_LIST,
    Q_APIKEY_REVOKE, Q_APIKEY_TOUCH,
    /* sqlite_kb.c, sqlite_similar.c */
    Q_KB_INSERT, Q_KB_UPDATE, Q_KB_GET, Q_KB_REV_INSERT, Q_KB_REV_LIST, Q_KB_LIST, Q_KB_SEARCH,
    Q_KB_SUGGEST, Q_SIM_PHONE, Q_SIM_NEAR, Q_SIM_ONE, Q_SEARCH_BOUND,
    /* sqlite_sla.c, sqlite_feed.c */
    Q_CAL_DAYS, Q_CAL_YEARS, Q_CAL_PUT, Q_CAL_DELETE, Q_CAL_DELETE_YEAR_DAYS, Q_CAL_MARK_YEAR,
    Q_CAL_UNMARK_YEAR, Q_CAL_BUMP, Q_CAL_REVISION,
    Q_RULE_LIST, Q_RULE_GET, Q_RULE_INSERT, Q_RULE_UPDATE, Q_RULE_DELETE,
    Q_SLA_PENDING, Q_SLA_MARK_GET, Q_SLA_MARK_SET, Q_PROVISIONAL, Q_CAT_PARENT, Q_FEED_SINCE,
    Q_EVENT_LAST,
    /* sqlite_assess.c */
    Q_ASSESS_EVENTS, Q_ASSESS_DELETE, Q_ASSESS_INSERT, Q_ASSESS_SUMS, Q_ASSESS_ITEMS,
    /* sqlite_stats.c */
    Q_STATS_ADD_DAY, Q_STATS_ADD_UNIT, Q_STATS_ADD_AGENT, Q_STATS_ADD_WORD, Q_STATS_OVERDUE,
    Q__COUNT
};

struct store_conn {
    struct store_base base; /* first: STORE_BACKEND_SQLITE */
    sqlite3 *db;
    sqlite3_stmt *stmt[Q__COUNT];
    int depth;            /* 1 inside a transaction */
    bool writing;         /* holds the store's write_lock */
    bool defer;           /* store_defer_durable: commits do not wait */
    bool busy_hold;       /* holds write_lock for a single statement (sqlite.c on_busy) */
    uint64_t ticket;      /* the last batch this thread wrote into, not yet asked for */
    uint64_t visible;     /* batches up to this one are committed: its reads see them */
    bool skip_own;        /* store_skip_own_writes */
    /* Ticket list statements, built from fixed fragments, keyed by which
       filters they carry. */
    sqlite3_stmt *list_stmt[64];
    unsigned list_key[64];
    int n_list;
    struct store *store;
    struct store_conn *next; /* the store's list of connections */
};

/* The columns every ticket read selects, in the order the row reader expects. */
#define TICKET_COLS                                                                             \
    "t.id, t.number, t.channel, t.type, t.urgency, t.citizen_name, t.citizen_phone, "          \
    "t.anonymous, t.confidential, t.title, t.content, t.address, t.lat, t.lng, t.area, "       \
    "t.category_id, t.unit_id, t.status, t.dispatched_at, t.sign_due, t.reply_due, "           \
    "t.callback_due, t.accepted_at, t.replied_at, t.closed_at, t.answer, t.kb_article_id, "    \
    "t.reply, t.contacted, t.contacted_at, t.satisfaction, t.resolved, t.extension_pending, "  \
    "t.extension_until, t.extension_reason, t.urge_count, t.reopen_count, t.master, "          \
    "t.created_by, t.created_at, t.updated_at, t.version, "     \
    "t.reply_started_at, t.sign_span, t.reply_span, t.callback_span, t.deadline_provisional, " \
    "t.co_units" /* migration 010 */

/* Statement `id` with text `sql`, prepared on first use, reset and unbound
   for reuse; NULL on error (logged). The same id must always get the same sql. */
/* Before any statement on a connection (sq_stmt and sq_prepare do it):
   lets go of a held write lock, and commits the batch holding this
   thread's writes so its reads see them (sqlite.c). */
void sq_touch(struct store_conn *c);
sqlite3_stmt *sq_stmt(struct store_conn *c, enum stmt_id id, const char *sql);
/* Prepares an ad-hoc statement (list queries built from fixed fragments). */
sqlite3_stmt *sq_prepare(struct store_conn *c, const char *sql);
/* Maps an SQLite result code to a store_rc, logging unexpected ones. */
int sq_rc(struct store_conn *c, int rc, const char *what);
/* Steps a statement expected to produce no row (INSERT/UPDATE/DELETE). */
int sq_exec(struct store_conn *c, sqlite3_stmt *st, const char *what);

/* Binding helpers: 0 / NULL values bind SQL NULL where the column is optional. */
void sq_bind_text(sqlite3_stmt *st, int i, const char *s);  /* NULL -> NULL */
void sq_bind_id(sqlite3_stmt *st, int i, int64_t v);        /* 0 -> NULL */
void sq_bind_tri(sqlite3_stmt *st, int i, int v);           /* -1 -> NULL */
/* Column helpers: a malloc'd copy or NULL; sets *oom on allocation failure. */
char *sq_col_text(sqlite3_stmt *st, int i, int *oom);
int64_t sq_col_id(sqlite3_stmt *st, int i); /* NULL -> 0 */
int sq_col_tri(sqlite3_stmt *st, int i);    /* NULL -> -1 */

/* sqlite_search.c: registers the "rexian" FTS5 tokenizer and rexian_sketch()
   on a new connection. SQLITE_OK or an SQLite code. */
int sq_search_setup(sqlite3 *db);
/* The FTS5 expression for a user's search text: each word a quoted string,
   all required (any = false) or any of them (any = true), at most max_terms
   distinct words. *out is malloc'd. STORE_INVALID when the text has no word. */
int sq_fts_query(const char *text, bool any, int max_terms, char **out);
/* Hits a ticket search reads per call (store.h, store_ticket_search). */
#define SEARCH_WINDOW 1000
/* The window of a search: *lo, the smallest id among the newest `window`
   tickets below `below` that match the FTS5 expression, and *hits, how many
   there are (0: none). */
int sq_search_bound(struct store_conn *c, const char *fts, int64_t below, int window,
                    int64_t *lo, int *hits);
/* The best passage of texts[0..n) (by preference) for search text q, matches
   between \x02 and \x03 (text/snippet.h); *out malloc'd or NULL. */
#define SNIPPET_CHARS 60
int sq_snippet(const char *q, const char *const *texts, size_t n, char **out);

#endif
