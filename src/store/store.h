/*
 * store.h - persistence behind one narrow interface.
 *
 * `struct store` is an opened database, shared by all threads. Each thread
 * works through its own `struct store_conn` (store_conn_get), which the SQLite
 * backend keeps one per thread and the PostgreSQL backend will take from a
 * pool. Callers group calls into a transaction with store_begin / store_commit
 * / store_rollback; every call outside a transaction is its own.
 *
 * Nothing here speaks HTTP or JSON, and nothing outside src/store/ speaks SQL.
 * Records are the structs of core/model.h; a function that fills one
 * allocates its strings, which the caller frees with the record's *_release().
 *
 * Every function returns an enum store_rc.
 */
#ifndef REXIAN_STORE_STORE_H
#define REXIAN_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/assess.h"
#include "core/calendar.h"
#include "core/feed.h"
#include "core/dedup.h"
#include "core/kb.h"
#include "core/model.h"
#include "core/sla_rules.h"
#include "core/service.h"

enum store_rc {
    STORE_OK = 0,
    STORE_NOTFOUND,  /* no such row */
    STORE_CONFLICT,  /* a unique key is taken, or the version moved on */
    STORE_BUSY,      /* the database stayed locked; the caller may retry the transaction */
    STORE_INVALID,   /* a reference to a row that does not exist (foreign key) */
    STORE_NOMEM,
    STORE_ERROR      /* anything else; logged by the store */
};
const char *store_rc_name(int rc);

struct store;
struct store_conn;

/*
 * Opens the database at `url` (a file path for SQLite), creating it if need
 * be, and applies pending migrations when `migrate` is true. On failure
 * returns non-zero and writes a message into err.
 */
int store_open(const char *url, bool migrate, struct store **out, char *err, size_t errlen);
/*
 * PostgreSQL (`url` postgres://...): how many connections the store may hold
 * open, set before store_open; 0 = REXIAN_DB_POOL, else two per CPU (at
 * least 4). Any number of threads share them, one transaction at a time
 * each. SQLite ignores it.
 */
void store_set_pool_size(unsigned n);
/* Closes every connection. No thread may use the store afterwards. */
void store_close(struct store *s);
/* Applies pending migrations; *applied (may be NULL) gets how many ran. */
int store_migrate(struct store *s, int *applied);
/* Schema version: the number of the last migration applied. */
int store_schema_version(struct store *s, int *version);
/* Online copy of the whole database into `path` (a new file). */
int store_backup(struct store *s, const char *path, char *err, size_t errlen);

/*
 * The calling thread's connection, opened on first use; borrowed, valid until
 * store_close. Returns NULL if it cannot be opened (logged).
 */
struct store_conn *store_conn_get(struct store *s);
/* Forgets the calling thread's connection (closes it). */
void store_conn_drop(struct store *s);

/* A write transaction takes the write lock at once (SQLite: BEGIN IMMEDIATE). */
int store_begin(struct store_conn *c, bool write);
int store_commit(struct store_conn *c);
void store_rollback(struct store_conn *c);
/*
 * Bulk loading (the demo city): trades durability for speed on this
 * connection only (SQLite: synchronous=OFF). Never used while serving.
 */
int store_set_bulk(struct store_conn *c, bool on);
/* Cheap round trip for health checks. */
int store_ping(struct store_conn *c);

/*
 * Group commit (SQLite). Every write transaction of the process is a
 * savepoint inside a batch transaction on one writer connection; a thread
 * of the store's commits the batch as soon as its previous sync is done and
 * makes it durable with one fdatasync of the log. By default
 * store_commit returns once its writes are durable. A server thread instead
 * calls store_defer_durable(c, true), runs its request, then asks
 * store_take_pending(c): non-zero is a ticket for the request's writes, and
 * store_when_durable(s, ticket, fn, arg) returns 0 and arranges fn(arg, ok)
 * to be called from the store's thread once they are durable (ok) or lost
 * (!ok: the batch could not commit, nothing of it is stored); it returns 1
 * (durable) or -1 (lost) instead, calling nothing, when that is known
 * already. The answer to the client waits, the thread does not. A failed
 * fdatasync ends the process (the log's state on disk is then unknown; the
 * restart recovers what is there). PostgreSQL: every commit is durable when
 * it returns; the ticket is always 0.
 */
void store_defer_durable(struct store_conn *c, bool on);
/*
 * A thread's reads see its own writes: its batch is committed before its
 * next statement. store_skip_own_writes(c, true) waives that for reads that
 * look only at other rows (the similar tickets of a ticket just created), so
 * the batch may stay open for other writers; false restores it.
 */
void store_skip_own_writes(struct store_conn *c, bool on);
uint64_t store_take_pending(struct store_conn *c);
int store_when_durable(struct store *s, uint64_t ticket, void (*fn)(void *arg, bool ok), void *arg);

/*
 * Several instances on one database (PostgreSQL). fn(arg) is called, from a
 * thread of the store's, whenever another process commits ticket events
 * (LISTEN/NOTIFY), so the live feed need not wait for its next poll;
 * fn = NULL stops the calls (and returns once none is running). SQLite:
 * fn is called each time a batch of this process's writes has become
 * durable (group commit, below); other processes' writes are seen by the
 * feed's poll.
 */
void store_on_remote_events(struct store *s, void (*fn)(void *arg), void *arg);
/*
 * Whether this process should run the timer loop now: exactly one instance
 * on a PostgreSQL database gets true (an advisory lock held by a connection
 * of its own), and another takes over after the holder dies. SQLite: true.
 */
bool store_timer_lead(struct store *s);

/* ---- units ---- */
/* Inserts u (id, path, created_at/updated_at are set by the store). */
int store_unit_insert(struct store_conn *c, struct unit *u);
/* Updates code, name, kind, parent_id and active; moves the subtree's paths. */
int store_unit_update(struct store_conn *c, struct unit *u);
int store_unit_get(struct store_conn *c, int64_t id, struct unit *out);
int store_unit_get_by_code(struct store_conn *c, const char *code, struct unit *out);
/* How many units have `id` as their parent. */
int store_unit_child_count(struct store_conn *c, int64_t id, int64_t *n);
/* All units ordered by path; *out is a malloc'd array of *n records. */
int store_unit_list(struct store_conn *c, struct unit **out, size_t *n);

/* ---- categories ---- */
int store_category_insert(struct store_conn *c, struct category *cat);
int store_category_update(struct store_conn *c, struct category *cat);
int store_category_get(struct store_conn *c, int64_t id, struct category *out);
int store_category_list(struct store_conn *c, struct category **out, size_t *n);
/* Depth of the deepest descendant below `id`, counting `id` as 0. */
int store_category_subtree_height(struct store_conn *c, int64_t id, int *height);

/* ---- users and sessions ---- */
int store_user_insert(struct store_conn *c, struct user *u); /* password_hash required */
/* Updates name, role, unit_id, active, and password_hash when not NULL. */
int store_user_update(struct store_conn *c, const struct user *u);
int store_user_get(struct store_conn *c, int64_t id, struct user *out);
/* Also loads password_hash. */
int store_user_get_by_username(struct store_conn *c, const char *username, struct user *out);
int store_user_list(struct store_conn *c, struct user **out, size_t *n);

/* Sessions are looked up by the hash of their token, never the token. */
int store_session_insert(struct store_conn *c, const uint8_t hash[32], int64_t user_id,
                         int64_t created_at, int64_t expires_at);
/* The active user of an unexpired session; STORE_NOTFOUND otherwise. */
int store_session_user(struct store_conn *c, const uint8_t hash[32], int64_t now,
                       struct user *out);
int store_session_delete(struct store_conn *c, const uint8_t hash[32]);
/* Ends every session of a user (password change, deactivation). */
int store_session_delete_user(struct store_conn *c, int64_t user_id);
int store_session_purge_expired(struct store_conn *c, int64_t now);

int store_apikey_insert(struct store_conn *c, const char *name, const uint8_t hash[32],
                        int64_t created_at, int64_t *id);
/* Sets *id and *name (malloc'd; may be NULL) of an active key. */
int store_apikey_lookup(struct store_conn *c, const uint8_t hash[32], int64_t *id, char **name);

/* ---- tickets ---- */
/* Reserves the next sequence number of `day` (within the caller's transaction). */
int store_ticket_next_seq(struct store_conn *c, day_key day, int64_t *seq);
/* Inserts t with its co-units; sets t->id. t->number must be set. */
int store_ticket_insert(struct store_conn *c, struct ticket *t);
int store_ticket_get(struct store_conn *c, const char *number, struct ticket *out);
/*
 * Writes every mutable field of t where the stored version is
 * `expected_version`, and sets the stored version to t->version.
 * STORE_CONFLICT if the version moved on.
 */
int store_ticket_update(struct store_conn *c, const struct ticket *t, int expected_version);
int store_event_insert(struct store_conn *c, struct ticket_event *e);
/* Oldest first; *out is a malloc'd array of *n records. */
int store_event_list(struct store_conn *c, int64_t ticket_id, struct ticket_event **out,
                     size_t *n);

enum ticket_sort {
    SORT_NEWEST,  /* created_at desc (id desc) */
    SORT_DUE,     /* the running deadline asc (sign_due for dispatched, reply_due else), then id */
    SORT_RANK     /* with q: best match first (BM25), then id; the key encodes the rank */
};

struct ticket_filter {
    unsigned status_mask; /* 1u << status; 0 = any */
    int64_t unit_id;      /* exact lead unit; 0 = any */
    int64_t category_id;  /* the category or any of its descendants; 0 = any */
    int type;             /* enum ticket_type or -1 */
    int channel;          /* enum channel or -1 */
    int sla;              /* enum sla_level or -1; evaluated at `now` */
    int64_t now;
    int64_t from, to;     /* created_at range [from, to); 0 = open */
    const char *phone;    /* exact citizen phone; NULL = any */
    int extension_pending; /* 1: an extension request waits, 0: none waits, -1: any */
    /* Search text: every word must occur in the title, content, address or
       reply (store_ticket_search). Valid UTF-8 with a word; NULL = none. */
    const char *q;
    /* Visibility: when scope_path is set, only tickets whose lead unit lies in
       that subtree, or that have a co-unit there, while open. */
    const char *scope_path;
    int64_t scope_unit_id;
    enum ticket_sort sort;
    /* Keyset cursor: the sort key and id of the last row of the previous page. */
    bool has_cursor;
    int64_t after_key;
    int64_t after_id;
    int limit; /* 1..200 */
};
void ticket_filter_init(struct ticket_filter *f);

/*
 * Tickets matching f in f->sort order. Fills at most f->limit records into a
 * malloc'd *out; *more tells whether another page follows; the sort key of
 * each row is in (*keys)[i] (malloc'd) for the next cursor.
 */
int store_ticket_list(struct store_conn *c, const struct ticket_filter *f, struct ticket **out,
                      int64_t **keys, size_t *n, bool *more);
/*
 * As store_ticket_list, and when f->q is set also a snippet per row in
 * (*snippets)[i] (malloc'd array of malloc'd strings, or NULL; free with
 * store_free_snippets): the best passage, matches between \x02 and \x03.
 * STORE_INVALID if f->q has no word to search for.
 *
 * A search reads at most SEARCH_WINDOW (1000) tickets containing the words
 * per call: newest first it pages through all of them, and when a page
 * ends because that budget ran out (the filters kept few), *more is set and
 * *resume (may be NULL) is the id to continue below (cursor "0.<id>");
 * ordered by rank or deadline it orders the newest SEARCH_WINDOW hits that
 * pass the filters.
 */
int store_ticket_search(struct store_conn *c, const struct ticket_filter *f, struct ticket **out,
                        int64_t **keys, char ***snippets, size_t *n, bool *more,
                        int64_t *resume);
void store_free_snippets(char **a, size_t n);
/*
 * Brings the search index up to every committed ticket. SQLite indexes new
 * tickets a few hundred at a time, so a search calls this first:
 * store_ticket_search and store_search_check do it themselves outside a
 * transaction or inside a write one; a caller that searches inside its own
 * read transaction calls it before that begins, since the snapshot would
 * not see the index move. PostgreSQL indexes each ticket in its own row:
 * nothing to do.
 */
int store_search_current(struct store_conn *c);
/*
 * Checks that the search index holds exactly the tickets' and articles'
 * text (SQLite: FTS5's integrity check against the content tables;
 * PostgreSQL keeps each document in its row, so there is nothing apart to
 * check). STORE_OK, or STORE_ERROR with the finding logged.
 */
int store_search_check(struct store_conn *c);
/* Ticket counts by state; counts has ST__COUNT slots. */
int store_ticket_count_by_status(struct store_conn *c, int64_t counts[ST__COUNT]);

/* Frees arrays returned by the list functions, releasing each record. */
void store_free_units(struct unit *a, size_t n);
void store_free_categories(struct category *a, size_t n);
void store_free_users(struct user *a, size_t n);
void store_free_tickets(struct ticket *a, size_t n);
void store_free_events(struct ticket_event *a, size_t n);

/* ---- knowledge base (store/sqlite_kb.c) ---- */
/* Inserts a (created_*, updated_* and revision as given); sets a->id. */
int store_kb_insert(struct store_conn *c, struct kb_article *a);
/* Writes every field of a where the stored revision is `expected`; STORE_CONFLICT otherwise. */
int store_kb_update(struct store_conn *c, const struct kb_article *a, int expected);
int store_kb_get(struct store_conn *c, int64_t id, struct kb_article *out);
/* Appends a revision: r->article is the article as it stands after it. */
int store_kb_revision_insert(struct store_conn *c, const struct kb_revision *r);
/* Oldest first; free with store_free_kb_revisions. */
int store_kb_revisions(struct store_conn *c, int64_t article_id, struct kb_revision **out,
                       size_t *n);

struct kb_filter {
    int state;            /* enum kb_state, -1 = any */
    int64_t category_id;  /* the category or below it; 0 = any */
    int64_t unit_id;      /* exact owning unit; 0 = any */
    const char *tag;      /* exact tag; NULL = any */
    const char *q;        /* search text: all its words; NULL = none (then newest first) */
    bool in_effect;       /* only published articles in effect at `now` */
    int64_t now;
    /* Visibility: `all` sees every state; otherwise published ones, plus, when
       scope_path is set, those owned by a unit in that subtree. */
    bool all;
    const char *scope_path;
    int64_t before_id;    /* without q: ids below this (the cursor); 0 = from the newest */
    int limit;            /* 1..200 */
};
/*
 * Articles matching f: newest first, or best match first with q (then
 * (*snippets)[i] holds each one's best passage, marked as for tickets;
 * NULL snippets when no q). *more: another page follows.
 */
int store_kb_list(struct store_conn *c, const struct kb_filter *f, struct kb_article **out,
                  char ***snippets, size_t *n, bool *more);
/* Up to `limit` published articles in effect at `now` most relevant to any
   word of `text`, best first, with snippets. */
int store_kb_suggest(struct store_conn *c, const char *text, int64_t now, int limit,
                     struct kb_article **out, char ***snippets, size_t *n);
/* The state and dates of article id, cheaply (for citing it); STORE_NOTFOUND if none. */
int store_kb_peek(struct store_conn *c, int64_t id, struct kb_article *out);
void store_free_kb(struct kb_article *a, size_t n);
void store_free_kb_revisions(struct kb_revision *a, size_t n);

/* ---- repeat requests (store/sqlite_similar.c) ---- */
/* A ticket that may repeat another, with what the rules of core/dedup.h need. */
struct similar_row {
    int64_t id;
    char number[TICKET_NUMBER_LEN + 1];
    char *title;
    enum ticket_status status;
    int64_t created_at;
    char *phone;
    int64_t category_id, unit_id;
    char *area;
    bool has_location;
    double lat, lng;
    bool has_sketch;
    struct dedup_sketch sketch;
};
struct similar_query {
    int64_t exclude_id;      /* the ticket itself */
    const char *phone;       /* NULL: no phone candidates */
    int64_t phone_from, phone_to;
    int64_t category_id;     /* 0: no place candidates */
    int64_t near_from, near_to;
    const char *area;        /* same area; NULL = none */
    bool has_box;            /* and/or inside this box */
    double lat0, lat1, lng0, lng1;
    int limit;               /* per kind */
    /* Place candidates are first read from an index with only id,
       created_at, area, lat, lng and sketch filled in (phone and title NULL,
       number empty); only those for which keep() (if set) is true are read
       whole. */
    bool (*keep)(void *ctx, const struct similar_row *partial);
    void *keep_ctx;
};
/* Tickets (never merged ones) with the same phone in its window, and of the
   same category in the same area or box in its window; no duplicates. */
int store_similar_candidates(struct store_conn *c, const struct similar_query *q,
                             struct similar_row **out, size_t *n);
void store_free_similar(struct similar_row *a, size_t n);

/* ---- working calendar and deadline rules (store/sqlite_sla.c) ---- */
/* The days the database lists (admin edits, imports), in date order; *out malloc'd. */
int store_calendar_days(struct store_conn *c, struct cal_day **out, size_t *n);
/* The years the database knows the schedule of, ascending; *out malloc'd. */
int store_calendar_years(struct store_conn *c, int **out, size_t *n);
/* Lists or relists one day (d->source is ignored). Each write bumps the revision. */
int store_calendar_put_day(struct store_conn *c, const struct cal_day *d, int64_t now);
/* Unlists one day; STORE_NOTFOUND if the database did not list it. */
int store_calendar_delete_day(struct store_conn *c, int32_t day);
/* Replaces the listed days of `year` with days[0..n) and marks the year known. */
int store_calendar_replace_year(struct store_conn *c, int year, const struct cal_day *days,
                                size_t n, int64_t now);
/* Forgets the year's days and mark; STORE_NOTFOUND if the database had neither. */
int store_calendar_delete_year(struct store_conn *c, int year);
/* A number that changes with every calendar write. */
int store_calendar_revision(struct store_conn *c, int64_t *rev);

/* Rules in id order; *out malloc'd, free with store_free_sla_rules(). */
int store_sla_rule_list(struct store_conn *c, struct sla_rule **out, size_t *n);
int store_sla_rule_get(struct store_conn *c, int64_t id, struct sla_rule *out);
/* Sets r->id and the times. STORE_CONFLICT if a rule has the same type, urgency, category. */
int store_sla_rule_insert(struct store_conn *c, struct sla_rule *r, int64_t now);
int store_sla_rule_update(struct store_conn *c, struct sla_rule *r, int64_t now);
int store_sla_rule_delete(struct store_conn *c, int64_t id);
void store_free_sla_rules(struct sla_rule *a, size_t n);

/* ---- SLA supervision and the live feed (store/sqlite_feed.c) ---- */
struct ticket_ref {
    int64_t id;
    char number[TICKET_NUMBER_LEN + 1];
};
/* What the timer loop last recorded for a ticket: level (0, 1 warning, 2 overdue) of a clock. */
struct sla_mark {
    int clock;   /* enum sla_clock, or -1 if none */
    int64_t due; /* the deadline the level was recorded against */
    int level;
};
/*
 * Open tickets whose running clock has, at `now` and with the yellow card
 * from `warn_percent`, reached a level above the one recorded for that
 * clock and deadline; most overdue first, at most `limit`; *out malloc'd.
 */
int store_sla_pending(struct store_conn *c, int64_t now, int warn_percent, size_t limit,
                      struct ticket_ref **out, size_t *n);
int store_sla_mark_get(struct store_conn *c, int64_t ticket_id, struct sla_mark *out);
/* Records m unless the stored mark is already at m's level or above: STORE_CONFLICT then. */
int store_sla_mark_set(struct store_conn *c, int64_t ticket_id, const struct sla_mark *m);
/* Open tickets with a provisional deadline and id > after, ascending; *out malloc'd. */
int store_provisional_list(struct store_conn *c, int64_t after, size_t limit,
                           struct ticket_ref **out, size_t *n);
/* The category and its ancestors, nearest first (at most max). */
int store_category_chain(struct store_conn *c, int64_t id, int64_t *out, size_t max, size_t *n);
/* Events with id > after, oldest first, at most limit, as the feed shows them. */
int store_feed_since(struct store_conn *c, int64_t after, size_t limit, struct feed_event **out,
                     size_t *n);
void store_free_feed(struct feed_event *a, size_t n);
/* The id of the newest event (0 if none). */
int store_event_last_id(struct store_conn *c, int64_t *id);

/* ---- Open311 services, answers, API keys (store/sqlite_open311.c) ---- */
/* Every category's Open311 info (description, keywords, notice, attribute count). */
int store_service_info_list(struct store_conn *c, struct service_info **out, size_t *n);
/* One category's; a category never set gets empty strings and updated_at 0. */
int store_service_info_get(struct store_conn *c, int64_t category_id, struct service_info *out);
int store_service_info_put(struct store_conn *c, const struct service_info *s, int64_t now);
/* A category's attributes in their order, with their values; malloc'd. */
int store_service_attrs_get(struct store_conn *c, int64_t category_id, struct service_attr **out,
                            size_t *n);
/* Replaces all of a category's attributes (use inside a write transaction). */
int store_service_attrs_put(struct store_conn *c, int64_t category_id,
                            const struct service_attr *a, size_t n, int64_t now);
/* The latest change to any category or Open311 definition, Unix ms (0 if none). */
int store_service_changeset(struct store_conn *c, int64_t *ms);

/* Stores the non-empty values of each answer. */
int store_ticket_answers_put(struct store_conn *c, int64_t ticket_id,
                             const struct attr_answer *a, size_t n);
int store_ticket_answers_get(struct store_conn *c, int64_t ticket_id, struct ticket_answer **out,
                             size_t *n);
int store_ticket_open311_insert(struct store_conn *c, const struct ticket_open311 *o);
/* STORE_NOTFOUND for a ticket that did not come through Open311. */
int store_ticket_open311_get(struct store_conn *c, int64_t ticket_id, struct ticket_open311 *out);
/* The ticket number (TICKET_NUMBER_LEN + 1 bytes) filed under an Open311 token. */
int store_ticket_by_token(struct store_conn *c, const char *token, char *number);

/* Tickets the public may see: no `report` type, not confidential. */
struct public_filter {
    int64_t category_id;  /* exact; 0 = any */
    int64_t from, to;     /* created_at in [from, to] */
    int status;           /* 0 any, 1 open (not closed or merged), 2 closed or merged */
    int limit, offset;
};
/* Newest first; *out and *extras (the Open311 extras of each ticket, zeroed where it has
   none) are malloc'd arrays of *n. Free with store_free_public(). */
int store_public_ticket_list(struct store_conn *c, const struct public_filter *f,
                             struct ticket **out, struct ticket_open311 **extras, size_t *n);
void store_free_public(struct ticket *t, struct ticket_open311 *extras, size_t n);

/* API keys, oldest first, never the key hash. */
int store_apikey_list(struct store_conn *c, struct api_key_info **out, size_t *n);
/* Marks a key revoked (STORE_NOTFOUND if no such key; revoking twice is fine). */
int store_apikey_revoke(struct store_conn *c, int64_t id, int64_t now);
int store_apikey_touch(struct store_conn *c, int64_t id, int64_t now);

/* ---- audit log (store/sqlite_audit.c; the hashes are app/audit.c's) ---- */
struct audit_row {
    int64_t seq;         /* 1, 2, 3, ... */
    int64_t at;          /* Unix ms */
    int64_t actor_id;    /* 0: the command line */
    char *actor;         /* username at the time */
    char *action;        /* "user.create", ... */
    char *object_type;   /* "user", "unit", ... */
    int64_t object_id;   /* 0 if none */
    char *detail;        /* JSON object text */
    uint8_t prev_hash[32];
    uint8_t hash[32];
};
void audit_row_release(struct audit_row *r);
/* The last sequence number and hash (0 and 32 zero bytes while empty). */
int store_audit_head(struct store_conn *c, int64_t *seq, uint8_t hash[32]);
/* Appends row (whose seq must be head + 1) and moves the head; inside a write transaction. */
int store_audit_append(struct store_conn *c, const struct audit_row *row);
/*
 * Calls fn for every row in sequence order, inside one read transaction;
 * stops early (returning STORE_OK) when fn returns non-zero. The row is
 * borrowed for the call only.
 */
int store_audit_each(struct store_conn *c, int (*fn)(const struct audit_row *row, void *ctx),
                     void *ctx);
/* Up to `limit` (1..1000) rows with seq < before (0 = from the newest), newest first. */
int store_audit_list(struct store_conn *c, int64_t before, int limit, struct audit_row **out,
                     size_t *n);
void store_free_audit(struct audit_row *a, size_t n);

/* ---- unit assessment (store/sqlite_assess.c, pg_assess.c; docs/ASSESSMENT.md) ---- */
/*
 * The events of tickets first..last (ids, inclusive), ordered by ticket and
 * event id, with the arguments assessment reads. *out is malloc'd (free()).
 */
int store_assess_events(struct store_conn *c, int64_t first, int64_t last,
                        struct assess_event **out, size_t *n);
/* The largest ticket id (0 when there are none). */
int store_assess_max_ticket(struct store_conn *c, int64_t *max);
/*
 * Replaces ticket_id's stored facts with f[0..n) (day is each received_at's
 * local date); the daily sums follow. Inside the caller's write transaction.
 */
int store_assess_put(struct store_conn *c, int64_t ticket_id, const struct assess_fact *f,
                     size_t n);
/* Deletes every fact and daily sum (before a rebuild). */
int store_assess_clear(struct store_conn *c);

/* One unit's sums over some days. */
struct assess_sum {
    int64_t unit_id;
    int32_t day; /* store_assess_daily: the day; store_assess_sums: 0 */
    int64_t v[AM__COUNT];
};
/* Per unit, the daily sums of days from..to (YYYYMMDD, inclusive); units without rows are absent. */
int store_assess_sums(struct store_conn *c, int32_t from, int32_t to, struct assess_sum **out,
                      size_t *n);
/* Every stored daily row, by day and unit (for the recount). */
int store_assess_daily(struct store_conn *c, struct assess_sum **out, size_t *n);

/* A drill-down: the facts behind one measure. */
struct assess_query {
    int64_t unit_id;
    const char *unit_path; /* with children: every unit below it too */
    bool children;
    int32_t from, to;            /* days, inclusive */
    enum assess_measure measure; /* facts with this measure > 0 */
    /* keyset: past (unit_id, received_at, ticket_id, seq); all 0 for the first page */
    int64_t after_unit, after_at, after_ticket;
    int after_seq;
    int limit;                   /* 1..200 */
};
struct assess_item {
    int64_t ticket_id, unit_id, received_at;
    int seq;
    char number[15];
    char *title;
    enum ticket_status status;
    char *unit_code;
    int v[AM__COUNT];
};
/* By unit, then oldest received first (the order of the facts' (unit, day) index, so a
   page reads no more than it shows and the facts it skips); free with store_free_assess_items. */
int store_assess_items(struct store_conn *c, const struct assess_query *q,
                       struct assess_item **out, size_t *n);
void store_free_assess_items(struct assess_item *a, size_t n);

int store_assess_weights_get(struct store_conn *c, struct assess_weights *w);
int store_assess_weights_put(struct store_conn *c, const struct assess_weights *w);
/* ---- operations statistics (store/sqlite_stats.c; migration 008) ---- */
enum stats_table {
    STATS_DAY,   /* k: channel, type, category_top, category_id; text: area;
                    v: created, direct, kb */
    STATS_UNIT,  /* k0: unit_id; v: tickets, overdue */
    STATS_AGENT, /* k0: user_id; v: created, direct, callbacks */
    STATS_WORD   /* text: word; v0: tickets */
};
/* Which columns a sum groups by. */
enum stats_group {
    SG_DAY = 1 << 0,
    SG_K0 = 1 << 1,
    SG_K1 = 1 << 2,
    SG_K2 = 1 << 3,
    SG_K3 = 1 << 4,
    SG_TEXT = 1 << 5
};
/* One row of a daily figures table; columns the table lacks are 0 / NULL. */
struct stat_row {
    day_key day;
    int64_t k[4];
    char *text; /* malloc'd in results; borrowed in store_stats_add */
    int64_t v[3];
};
void store_free_stat_rows(struct stat_row *a, size_t n);
/* Adds r->v (deltas, may be negative) to the row with r's keys, creating it. */
int store_stats_add(struct store_conn *c, enum stats_table t, const struct stat_row *r);
/* Sums of v over days [from, to] grouped by the columns of `group` (the
   others come back 0 / NULL), in group-column order; *out malloc'd. */
int store_stats_sum(struct store_conn *c, enum stats_table t, unsigned group, day_key from,
                    day_key to, struct stat_row **out, size_t *n);
/*
 * Hot-topic series: for the keys (`key` is SG_K3, the category, or SG_TEXT,
 * area or word) whose v0 summed over [win_from, to] is at least `min`, the
 * daily v0 over [base_from, to] as rows (day, key); *out malloc'd. A
 * one-day window (win_from == to) reads only the same weekday: to, to - 7,
 * ... down to base_from (at most 8 weeks back).
 */
int store_stats_series(struct store_conn *c, enum stats_table t, unsigned key, day_key base_from,
                       day_key win_from, day_key to, int64_t min, struct stat_row **out,
                       size_t *n);
/* Empties every daily figures table (before a rebuild). */
int store_stats_clear(struct store_conn *c);
/* What a recount needs of a ticket. */
struct stat_fact {
    int64_t id, created_at, category_id, unit_id, kb_article_id;
    int channel, type;
    char *area, *title, *content; /* malloc'd */
    bool answered;                /* has an answer event */
    bool overdue;                 /* has an sla_overdue event */
};
/* Tickets with id > after, ascending, at most limit; *out malloc'd. */
int store_stats_facts(struct store_conn *c, int64_t after, size_t limit, struct stat_fact **out,
                      size_t *n);
void store_free_stat_facts(struct stat_fact *a, size_t n);
/* Events with id > after that move the agents' figures (create, answer,
   callback; with an actor), ascending, at most limit: (id, at, actor_id, action). */
struct stat_event {
    int64_t id, at, actor_id;
    enum action action;
};
int store_stats_events(struct store_conn *c, int64_t after, size_t limit, struct stat_event **out,
                       size_t *n);
/* How many sla_overdue events ticket_id has. */
int store_stats_overdue_count(struct store_conn *c, int64_t ticket_id, int64_t *n);
/* A sample ticket of a hot topic. */
struct stat_sample {
    char number[TICKET_NUMBER_LEN + 1];
    char *title; /* malloc'd */
};
/* Sample tickets created in [from, to) ms: of a category (exact), else (with
   category_id 0) of an area, else (area NULL) whose title or content holds
   `word` as written; newest first, at most limit (1..50); *out malloc'd,
   free with store_free_stat_samples. */
int store_stats_samples(struct store_conn *c, int64_t category_id, const char *area,
                        const char *word, int64_t from, int64_t to, int limit,
                        struct stat_sample **out, size_t *n);
void store_free_stat_samples(struct stat_sample *a, size_t n);

#endif
