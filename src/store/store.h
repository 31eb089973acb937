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

#include "core/model.h"

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

/* ---- units ---- */
/* Inserts u (id, path, created_at/updated_at are set by the store). */
int store_unit_insert(struct store_conn *c, struct unit *u);
/* Updates code, name, kind, parent_id and active; moves the subtree's paths. */
int store_unit_update(struct store_conn *c, struct unit *u);
int store_unit_get(struct store_conn *c, int64_t id, struct unit *out);
int store_unit_get_by_code(struct store_conn *c, const char *code, struct unit *out);
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
    SORT_DUE      /* the running deadline asc (sign_due for dispatched, reply_due else), then id */
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
/* Ticket counts by state; counts has ST__COUNT slots. */
int store_ticket_count_by_status(struct store_conn *c, int64_t counts[ST__COUNT]);

/* Frees arrays returned by the list functions, releasing each record. */
void store_free_units(struct unit *a, size_t n);
void store_free_categories(struct category *a, size_t n);
void store_free_users(struct user *a, size_t n);
void store_free_tickets(struct ticket *a, size_t n);
void store_free_events(struct ticket_event *a, size_t n);

#endif
