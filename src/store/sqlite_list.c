/*
 * sqlite_list.c - ticket lists: filters, visibility scope and keyset
 * pagination.
 *
 * The statement is assembled from fixed SQL fragments, one per filter that
 * is present, with named parameters bound afterwards: user input is only
 * ever a bound value. Each shape is prepared once per connection and cached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla.h"
#include "store/sqlite_int.h"

/* read_ticket lives in sqlite_tickets.c; the list reuses the same column set. */
int sq_read_ticket_row(sqlite3_stmt *st, struct ticket *t);
int sq_read_tickets(struct store_conn *c, const int64_t *ids, size_t n, struct ticket *arr);

enum list_bits {
    LB_STATUS = 1 << 0,
    LB_UNIT = 1 << 1,
    LB_CATEGORY = 1 << 2,
    LB_TYPE = 1 << 3,
    LB_CHANNEL = 1 << 4,
    LB_FROM = 1 << 5,
    LB_TO = 1 << 6,
    LB_PHONE = 1 << 7,
    LB_SCOPE = 1 << 8,
    LB_CURSOR = 1 << 9,
    LB_SORT_DUE = 1 << 10,
    LB_SLA_OK = 1 << 11,
    LB_SLA_WARN = 1 << 12,
    LB_SLA_OVER = 1 << 13,
    LB_FTS = 1 << 14,      /* q: join the search index, add a snippet column */
    LB_SORT_RANK = 1 << 15, /* with LB_FTS: best match first */
    LB_EXT_YES = 1 << 16,   /* extension_pending=true */
    LB_EXT_NO = 1 << 17     /* extension_pending=false */
};
/* The status mask is part of the shape (statuses are written into the SQL as
   literals, so that the planner can pick an index per state): bits 18-24. */
#define LB_MASK_SHIFT 18
#define KEY_MASK(key) (((key) >> LB_MASK_SHIFT) & ((1u << ST__COUNT) - 1))

void ticket_filter_init(struct ticket_filter *f)
{
    memset(f, 0, sizeof *f);
    f->type = -1;
    f->channel = -1;
    f->sla = -1;
    f->extension_pending = -1;
    f->limit = 50;
}

static unsigned filter_key(const struct ticket_filter *f)
{
    unsigned k = 0;
    if (f->status_mask)
        k |= LB_STATUS | (f->status_mask & ((1u << ST__COUNT) - 1)) << LB_MASK_SHIFT;
    if (f->extension_pending == 1)
        k |= LB_EXT_YES;
    else if (f->extension_pending == 0)
        k |= LB_EXT_NO;
    if (f->unit_id)
        k |= LB_UNIT;
    if (f->category_id)
        k |= LB_CATEGORY;
    if (f->type >= 0)
        k |= LB_TYPE;
    if (f->channel >= 0)
        k |= LB_CHANNEL;
    if (f->from)
        k |= LB_FROM;
    if (f->to)
        k |= LB_TO;
    if (f->phone)
        k |= LB_PHONE;
    if (f->scope_path)
        k |= LB_SCOPE;
    if (f->has_cursor)
        k |= LB_CURSOR;
    if (f->sort == SORT_DUE)
        k |= LB_SORT_DUE;
    if (f->q)
        k |= LB_FTS | (f->sort == SORT_RANK ? LB_SORT_RANK : 0);
    if (f->sla == SLA_OK)
        k |= LB_SLA_OK;
    else if (f->sla == SLA_WARNING)
        k |= LB_SLA_WARN;
    else if (f->sla == SLA_OVERDUE)
        k |= LB_SLA_OVER;
    return k;
}

/* Appends a fixed fragment; returns -1 if the buffer is full (never with these sizes). */
static int add(char *buf, size_t len, size_t *pos, const char *frag)
{
    size_t n = strlen(frag);
    if (*pos + n + 1 > len)
        return -1;
    memcpy(buf + *pos, frag, n + 1);
    *pos += n;
    return 0;
}

#define KEY_MAX "9223372036854775807"
#define DUE_EXPR "ifnull(t.due_key, " KEY_MAX ")"
#define OPEN_STATES "('registered','dispatched','processing','returned','replied')"
#define SCOPE_UNITS "(SELECT id FROM units WHERE substr(path, 1, length(:scope)) = :scope)"
/* The handler's units below its own (its own unit has arms of its own). */
#define BELOW_UNITS                                                                                \
    "(SELECT id FROM units WHERE substr(path, 1, length(:scope)) = :scope AND id <> :su)"

/* A clock may run in these states (due_key set); in the others due_key is always NULL. */
static bool state_clocked(int s) { return s >= ST_DISPATCHED && s <= ST_REPLIED; }

/* "('a','b')": the states of mask as an SQL list of literals (fixed names, never input). */
static void state_list(unsigned mask, char *buf, size_t len)
{
    size_t p = 0;
    buf[p++] = '(';
    for (int s = 0; s < ST__COUNT && p < len; s++)
        if (mask & (1u << s))
            p += (size_t)snprintf(buf + p, len - p, "%s'%s'", p > 1 ? "," : "",
                                  status_name((enum ticket_status)s));
    if (p < len)
        snprintf(buf + p, len - p, ")");
}

/* The filters on a ticket's own columns (all but status, scope, search and cursor). */
static int add_ticket_filters(char *sql, size_t len, size_t *p, unsigned key)
{
    int bad = 0;
    if (key & LB_UNIT)
        bad |= add(sql, len, p, " AND t.unit_id = :unit");
    if (key & LB_CATEGORY)
        bad |= add(sql, len, p, " AND t.category_id IN (SELECT id FROM cat_sub)");
    if (key & LB_TYPE)
        bad |= add(sql, len, p, " AND t.type = :type");
    if (key & LB_CHANNEL)
        bad |= add(sql, len, p, " AND t.channel = :channel");
    if (key & LB_FROM)
        bad |= add(sql, len, p, " AND t.created_at >= :from");
    if (key & LB_TO)
        bad |= add(sql, len, p, " AND t.created_at < :to");
    if (key & LB_PHONE)
        bad |= add(sql, len, p, " AND t.citizen_phone = :phone");
    if (key & LB_EXT_YES)
        bad |= add(sql, len, p, " AND t.extension_pending = 1");
    if (key & LB_EXT_NO)
        bad |= add(sql, len, p, " AND t.extension_pending = 0");
    if (key & LB_SLA_OVER)
        bad |= add(sql, len, p, " AND t.due_key < :now");
    if (key & LB_SLA_WARN)
        bad |= add(sql, len, p,
                   " AND t.due_key >= :now AND (:now - t.clock_start) * 100 >= "
                   "(t.due_key - t.clock_start) * :warnpct");
    if (key & LB_SLA_OK)
        bad |= add(sql, len, p,
                   " AND t.due_key >= :now AND (:now - t.clock_start) * 100 < "
                   "(t.due_key - t.clock_start) * :warnpct");
    return bad;
}

#define FILTER_BITS                                                                                \
    (LB_UNIT | LB_CATEGORY | LB_TYPE | LB_CHANNEL | LB_FROM | LB_TO | LB_PHONE | LB_EXT_YES |    \
     LB_EXT_NO | LB_SLA_OVER | LB_SLA_WARN | LB_SLA_OK)

/*
 * A handler's list (scope set, no search): "lead unit in the subtree, or
 * co-handled there while open" is a set of arms, each one statement that
 * walks an index in list order and stops at :limit rows: per state of the
 * filter, the handler's own unit as lead (tickets_unit_status_due or
 * _created) and as co-unit (ticket_co_units_due or _created), a deadline
 * order split into the rows with and without a deadline (NULL sorts last);
 * the units below the handler's are one sorted arm each way. scoped_page()
 * merges the arms in C, in one read transaction, and reads only the page's
 * tickets. (One compound statement did the same, but SQLite sorted every
 * arm's rows again in a temporary b-tree before merging them: most of the
 * page's time.)
 */
struct arm {
    bool co;    /* ticket_co_units rather than tickets */
    int state;  /* one state, or -1: the units below the handler's */
    bool nulls; /* the part of a deadline order with no deadline */
};

#define ARMS_MAX 32

/* The states a shape lists (all when the filter names none); a co-unit
   sees the open ones only. */
static unsigned shape_states(unsigned key, bool co)
{
    unsigned mask = KEY_MASK(key) ? KEY_MASK(key) : (1u << ST__COUNT) - 1;
    return co ? mask & ((1u << (ST_REPLIED + 1)) - 1) : mask;
}

/* The arms of a shape, in a fixed order (their index is part of the cache key). */
static int scoped_arms(unsigned key, struct arm *out)
{
    bool due = key & LB_SORT_DUE;
    int n = 0;
    for (int co = 0; co < 2; co++) {
        unsigned m = shape_states(key, co);
        for (int s = 0; s < ST__COUNT; s++) {
            if (!(m & (1u << s)))
                continue;
            if (!due || state_clocked(s))
                out[n++] = (struct arm){co, s, false};
            if (due)
                out[n++] = (struct arm){co, s, true};
        }
        if (m)
            out[n++] = (struct arm){co, -1, false};
    }
    return n;
}

/* One arm's statement: at most :limit (k, id) rows in list order. */
static int add_arm(char *sql, size_t len, size_t *pos, unsigned key, const struct arm *arm)
{
    char frag[512];
    int bad = 0;
    bool due = key & LB_SORT_DUE, co = arm->co, below = arm->state < 0, nulls = arm->nulls;
    const char *id = co ? "co.ticket_id" : "t.id";
    const char *dk = co ? "co.due_key" : "t.due_key";
    const char *ca = co ? "co.created_at" : "t.created_at";
    char kexpr[64];
    if (!due)
        snprintf(kexpr, sizeof kexpr, "%s", ca);
    else if (below)
        snprintf(kexpr, sizeof kexpr, "ifnull(%s, " KEY_MAX ")", dk);
    else
        snprintf(kexpr, sizeof kexpr, "%s", nulls ? KEY_MAX : dk);
    /* The index is named: left to itself the planner may walk a state's
       tickets of the whole city (tickets_status_created) for the units below. */
    char from[160];
    snprintf(from, sizeof from, "%s INDEXED BY %s%s", co ? "ticket_co_units co" : "tickets t",
             co ? (due ? "ticket_co_units_due" : "ticket_co_units_created")
                : (due ? "tickets_unit_status_due" : "tickets_unit_status_created"),
             co && (key & FILTER_BITS) ? " CROSS JOIN tickets t ON t.id = co.ticket_id" : "");
    snprintf(frag, sizeof frag, "SELECT %s%s AS k, %s AS id FROM %s WHERE %s",
             co && below ? "DISTINCT " : "", kexpr, id, from, co ? "co.unit_id" : "t.unit_id");
    bad |= add(sql, len, pos, frag);
    if (below) {
        /* A lead arm lists the states only when the filter names them. */
        bool listed = co || (key & LB_STATUS);
        char list[160];
        state_list(shape_states(key, co), list, sizeof list);
        snprintf(frag, sizeof frag, " IN " BELOW_UNITS "%s%s%s", listed ? " AND " : "",
                 listed ? (co ? "co.status IN " : "t.status IN ") : "", listed ? list : "");
    } else {
        snprintf(frag, sizeof frag, " = :su AND %s = '%s'%s", co ? "co.status" : "t.status",
                 status_name((enum ticket_status)arm->state),
                 !due ? "" : nulls ? (co ? " AND co.due_key IS NULL" : " AND t.due_key IS NULL")
                                   : (co ? " AND co.due_key IS NOT NULL"
                                         : " AND t.due_key IS NOT NULL"));
    }
    bad |= add(sql, len, pos, frag);
    bad |= add_ticket_filters(sql, len, pos, key);
    if (key & LB_CURSOR) {
        if (!due)
            snprintf(frag, sizeof frag, " AND (%s, %s) < (:akey, :aid)", ca, id);
        else if (below || !nulls)
            snprintf(frag, sizeof frag, " AND (%s, %s) > (:akey, :aid)", kexpr, id);
        else /* no deadline: after every deadline, then by id */
            snprintf(frag, sizeof frag,
                     " AND %s > (CASE WHEN :akey = " KEY_MAX " THEN :aid ELSE -1 END)", id);
        bad |= add(sql, len, pos, frag);
    }
    if (below)
        snprintf(frag, sizeof frag, " ORDER BY 1%s, 2%s LIMIT :limit", due ? "" : " DESC",
                 due ? "" : " DESC");
    else if (!due)
        snprintf(frag, sizeof frag, " ORDER BY %s DESC, %s DESC LIMIT :limit", ca, id);
    else if (nulls)
        snprintf(frag, sizeof frag, " ORDER BY %s LIMIT :limit", id);
    else
        snprintf(frag, sizeof frag, " ORDER BY %s, %s LIMIT :limit", dk, id);
    bad |= add(sql, len, pos, frag);
    return bad;
}

/* Cache keys of arm statements: the shape, a flag, and the arm's index. */
#define LB_ARM (1u << 25)
#define ARM_SHIFT 26

static sqlite3_stmt *list_stmt(struct store_conn *c, unsigned key)
{
    sq_touch(c);
    for (int i = 0; i < c->n_list; i++)
        if (c->list_key[i] == key) {
            sqlite3_reset(c->list_stmt[i]);
            sqlite3_clear_bindings(c->list_stmt[i]);
            return c->list_stmt[i];
        }
    static _Thread_local char sql[32768];
    size_t p = 0;
    int bad = 0;
    if (key & LB_ARM) { /* one arm of a handler's list (scoped_page) */
        struct arm arms[ARMS_MAX];
        unsigned shape = key & (LB_ARM - 1);
        int i = (int)(key >> ARM_SHIFT);
        if (i >= scoped_arms(shape, arms))
            return NULL; /* defensive: the index comes from scoped_arms */
        if (shape & LB_CATEGORY)
            bad |= add(sql, sizeof sql, &p,
                       "WITH RECURSIVE cat_sub(id) AS (SELECT :cat UNION ALL SELECT k.id FROM "
                       "categories k JOIN cat_sub ON k.parent_id = cat_sub.id) ");
        bad |= add_arm(sql, sizeof sql, &p, shape, &arms[i]);
        goto prepare;
    }
    char list[160];
    state_list(KEY_MASK(key), list, sizeof list);
    /* A search ordered by rank or deadline sorts the newest SEARCH_WINDOW hits
       (sqlite_search.c says why): w, then the page p, then the rows. */
    bool window = (key & LB_FTS) && (key & (LB_SORT_RANK | LB_SORT_DUE));
    if (window || (key & LB_CATEGORY))
        bad |= add(sql, sizeof sql, &p, (key & LB_CATEGORY) ? "WITH RECURSIVE " : "WITH ");
    if (key & LB_CATEGORY)
        bad |= add(sql, sizeof sql, &p,
                   "cat_sub(id) AS (SELECT :cat UNION ALL SELECT k.id FROM "
                   "categories k JOIN cat_sub ON k.parent_id = cat_sub.id)");
    if ((key & LB_CATEGORY) && window)
        bad |= add(sql, sizeof sql, &p, ", ");
    if (key & LB_CATEGORY && !window)
        bad |= add(sql, sizeof sql, &p, " ");
    if (window) {
        bad |= add(sql, sizeof sql, &p, "w AS MATERIALIZED (SELECT t.id AS id, ");
        bad |= add(sql, sizeof sql, &p, key & LB_SORT_RANK ? "f.rank" : DUE_EXPR);
        bad |= add(sql, sizeof sql, &p,
                   " AS k FROM tickets_fts f CROSS JOIN tickets t ON t.id = f.rowid "
                   "WHERE tickets_fts MATCH :fts AND f.rowid >= :lo AND f.rowid < :hi");
    } else if (key & LB_FTS) { /* newest first: the index's own order */
        bad |= add(sql, sizeof sql, &p,
                   "SELECT t.created_at, " TICKET_COLS
                   " FROM tickets_fts f CROSS JOIN tickets t ON t.id = f.rowid "
                   "WHERE tickets_fts MATCH :fts AND f.rowid >= :lo AND f.rowid < :hi");
    } else {
        bad |= add(sql, sizeof sql, &p, "SELECT ");
        bad |= add(sql, sizeof sql, &p, key & LB_SORT_DUE ? DUE_EXPR : "t.created_at");
        bad |= add(sql, sizeof sql, &p, ", " TICKET_COLS " FROM tickets t WHERE 1");
    }
    if (key & LB_STATUS) {
        bad |= add(sql, sizeof sql, &p, " AND t.status IN ");
        bad |= add(sql, sizeof sql, &p, list);
    }
    if (key & LB_SCOPE) /* a search: bounded by its window of hits */
        bad |= add(sql, sizeof sql, &p,
                   " AND (t.unit_id IN " SCOPE_UNITS " OR (t.status IN " OPEN_STATES
                   " AND t.id IN (SELECT ticket_id FROM ticket_co_units WHERE unit_id IN "
                   SCOPE_UNITS ")))");
    bad |= add_ticket_filters(sql, sizeof sql, &p, key);
    if (window) {
        bad |= add(sql, sizeof sql, &p,
                   " ORDER BY f.rowid DESC LIMIT :window), "
                   "p AS MATERIALIZED (SELECT id, k FROM w WHERE 1");
        if (key & LB_CURSOR)
            bad |= add(sql, sizeof sql, &p,
                       key & LB_SORT_RANK ? " AND (k, id) > (:arank, :aid)"
                                          : " AND (k, id) > (:akey, :aid)");
        bad |= add(sql, sizeof sql, &p,
                   " ORDER BY k, id LIMIT :limit) SELECT p.k, " TICKET_COLS
                   " FROM p JOIN tickets t ON t.id = p.id ORDER BY p.k, p.id");
    } else if (key & LB_FTS) { /* the cursor is :hi */
        bad |= add(sql, sizeof sql, &p, " ORDER BY f.rowid DESC LIMIT :limit");
    } else {
        if (key & LB_CURSOR)
            bad |= add(sql, sizeof sql, &p,
                       key & LB_SORT_DUE ? " AND (" DUE_EXPR ", t.id) > (:akey, :aid)"
                                         : " AND (t.created_at, t.id) < (:akey, :aid)");
        bad |= add(sql, sizeof sql, &p,
                   key & LB_SORT_DUE ? " ORDER BY " DUE_EXPR ", t.id LIMIT :limit"
                                     : " ORDER BY t.created_at DESC, t.id DESC LIMIT :limit");
    }
prepare:
    if (bad)
        return NULL; /* defensive: the fragments always fit */
    if (getenv("REXIAN_DEBUG_LIST_SQL"))
        fprintf(stderr, "%s\n", sql);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        sq_rc(c, sqlite3_errcode(c->db), sql);
        return NULL;
    }
    if (c->n_list == (int)(sizeof c->list_stmt / sizeof c->list_stmt[0])) {
        /* Cache full: drop the oldest shape. */
        sqlite3_finalize(c->list_stmt[0]);
        memmove(c->list_stmt, c->list_stmt + 1, sizeof c->list_stmt - sizeof c->list_stmt[0]);
        memmove(c->list_key, c->list_key + 1, sizeof c->list_key - sizeof c->list_key[0]);
        c->n_list--;
    }
    c->list_stmt[c->n_list] = st;
    c->list_key[c->n_list++] = key;
    return st;
}

static void bind_name_int(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_int64(st, i, v);
}

static void bind_name_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* A BM25 rank (a double) as an int64 key of the same order, and back, exactly. */
static int64_t rank_key(double d)
{
    int64_t b;
    memcpy(&b, &d, sizeof b);
    return b < 0 ? b ^ INT64_MAX : b;
}

static double rank_of_key(int64_t k)
{
    int64_t b = k < 0 ? k ^ INT64_MAX : k;
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* The page size asked for, within 1..200. */
static int page_limit(const struct ticket_filter *f)
{
    return f->limit < 1 ? 1 : f->limit > 200 ? 200 : f->limit;
}

/* Binds what a list statement's filters name (:limit is one past the page). */
static void bind_filter(sqlite3_stmt *st, const struct ticket_filter *f)
{
    bind_name_int(st, ":unit", f->unit_id);
    bind_name_int(st, ":cat", f->category_id);
    if (f->type >= 0)
        bind_name_text(st, ":type", ticket_type_name(f->type));
    if (f->channel >= 0)
        bind_name_text(st, ":channel", channel_name(f->channel));
    bind_name_int(st, ":from", f->from);
    bind_name_int(st, ":to", f->to);
    if (f->phone)
        bind_name_text(st, ":phone", f->phone);
    if (f->scope_path)
        bind_name_text(st, ":scope", f->scope_path);
    bind_name_int(st, ":su", f->scope_unit_id);
    bind_name_int(st, ":now", f->now);
    bind_name_int(st, ":warnpct", sla_warning_percent());
    bind_name_int(st, ":akey", f->after_key);
    bind_name_int(st, ":aid", f->after_id);
    bind_name_int(st, ":limit", page_limit(f) + 1);
}

/* A handler's page: the arms (scoped_arms) merged on (k, id), ascending
   for a deadline order, descending for newest first; a ticket two arms
   give (led from the subtree and co-handled there) is taken once. */
static int scoped_page(struct store_conn *c, const struct ticket_filter *f, unsigned key,
                       struct ticket *arr, int64_t *karr, size_t *len, bool *more)
{
    struct arm arms[ARMS_MAX];
    int n = scoped_arms(key, arms);
    sqlite3_stmt *st[ARMS_MAX];
    int64_t hk[ARMS_MAX], hid[ARMS_MAX];
    bool live[ARMS_MAX];
    bool desc = !(key & LB_SORT_DUE);
    int limit = page_limit(f), rc = STORE_OK;
    for (int i = 0; i < n; i++) {
        live[i] = false;
        st[i] = list_stmt(c, key | LB_ARM | (unsigned)i << ARM_SHIFT);
        if (!st[i])
            return STORE_ERROR;
    }
    /* Bound and stepped only now: preparing an arm may evict another's
       statement from the cache, which would lose a row it stood on. */
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        bind_filter(st[i], f);
        int src = sqlite3_step(st[i]);
        if (src == SQLITE_ROW) {
            live[i] = true;
            hk[i] = sqlite3_column_int64(st[i], 0);
            hid[i] = sqlite3_column_int64(st[i], 1);
        } else if (src != SQLITE_DONE) {
            rc = sq_rc(c, src, "ticket list arm");
        }
    }
    int64_t ids[201];
    size_t got = 0;
    while (rc == STORE_OK && got < (size_t)limit + 1) {
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (!live[i])
                continue;
            if (best < 0) {
                best = i;
                continue;
            }
            int order = hk[i] != hk[best] ? (hk[i] > hk[best]) - (hk[i] < hk[best])
                                          : (hid[i] > hid[best]) - (hid[i] < hid[best]);
            if (desc ? order > 0 : order < 0)
                best = i;
        }
        if (best < 0)
            break;
        if (!got || ids[got - 1] != hid[best] || karr[got - 1] != hk[best]) {
            karr[got] = hk[best];
            ids[got++] = hid[best];
        }
        int src = sqlite3_step(st[best]);
        if (src == SQLITE_ROW) {
            hk[best] = sqlite3_column_int64(st[best], 0);
            hid[best] = sqlite3_column_int64(st[best], 1);
        } else {
            live[best] = false;
            if (src != SQLITE_DONE)
                rc = sq_rc(c, src, "ticket list arm");
        }
    }
    for (int i = 0; i < n; i++)
        sqlite3_reset(st[i]);
    *more = got > (size_t)limit;
    if (*more)
        got = (size_t)limit;
    *len = 0;
    if (rc == STORE_OK && got)
        rc = sq_read_tickets(c, ids, got, arr);
    if (rc == STORE_OK)
        *len = got;
    return rc;
}

void store_free_snippets(char **a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i]);
    free(a);
}

int store_ticket_list(struct store_conn *c, const struct ticket_filter *f, struct ticket **out,
                      int64_t **keys, size_t *n, bool *more)
{
    return store_ticket_search(c, f, out, keys, NULL, n, more, NULL);
}

int store_ticket_search(struct store_conn *c, const struct ticket_filter *f, struct ticket **out,
                        int64_t **keys, char ***snippets, size_t *n, bool *more,
                        int64_t *resume)
{
    unsigned key = filter_key(f);
    char *fts = NULL;
    int64_t lo = 0, hi = INT64_MAX, resume_at = 0;
    if (resume)
        *resume = 0;
    if (f->q) {
        /* The search looks at the newest SEARCH_WINDOW hits below the cursor
           (newest first) or below nothing (by rank or deadline): [lo, hi). */
        int qrc = store_search_current(c);
        if (qrc == STORE_OK)
            qrc = sq_fts_query(f->q, false, 32, &fts);
        bool newest = !(key & (LB_SORT_RANK | LB_SORT_DUE));
        int hits = 0;
        if (qrc == STORE_OK && newest && f->has_cursor)
            hi = f->after_id;
        if (qrc == STORE_OK)
            qrc = sq_search_bound(c, fts, hi, SEARCH_WINDOW, &lo, &hits);
        if (qrc == STORE_OK && hits == 0) {
            free(fts);
            *out = NULL, *keys = NULL, *n = 0, *more = false;
            if (snippets)
                *snippets = NULL;
            return STORE_OK;
        }
        if (qrc != STORE_OK) {
            free(fts);
            return qrc;
        }
        if (newest && hits == SEARCH_WINDOW)
            resume_at = lo; /* older hits may follow: the next page goes on below lo */
    }
    bool scoped = (key & LB_SCOPE) && !(key & LB_FTS);
    int limit = page_limit(f);
    size_t cap = (size_t)limit + (scoped ? 1 : 0); /* scoped_page reads one id past the page */
    struct ticket *arr = calloc(cap, sizeof *arr);
    int64_t *karr = calloc(cap, sizeof *karr);
    char **sarr = snippets && (key & LB_FTS) ? calloc((size_t)limit, sizeof *sarr) : NULL;
    if (!arr || !karr || (snippets && (key & LB_FTS) && !sarr)) {
        free(arr);
        free(karr);
        free(sarr);
        free(fts);
        return STORE_NOMEM;
    }
    size_t len = 0;
    int rc = STORE_OK;
    *more = false;
    if (scoped) {
        /* The arms and the rows from one snapshot. */
        bool own = c->depth == 0;
        rc = own ? store_begin(c, false) : STORE_OK;
        if (rc == STORE_OK)
            rc = scoped_page(c, f, key, arr, karr, &len, more);
        if (own && rc == STORE_OK)
            rc = store_commit(c);
        else if (own)
            store_rollback(c);
        goto done;
    }
    sqlite3_stmt *st = list_stmt(c, key);
    if (!st) {
        free(fts);
        free(arr);
        free(karr);
        free(sarr);
        return STORE_ERROR;
    }
    if (fts) {
        bind_name_text(st, ":fts", fts);
        free(fts);
        bind_name_int(st, ":lo", lo);
        bind_name_int(st, ":hi", hi);
    }
    if (key & LB_SORT_RANK) {
        int ai = sqlite3_bind_parameter_index(st, ":arank");
        if (ai)
            sqlite3_bind_double(st, ai, rank_of_key(f->after_key));
    }
    bind_filter(st, f);
    bind_name_int(st, ":window", SEARCH_WINDOW);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            *more = true;
            break;
        }
        karr[len] = key & LB_SORT_RANK ? rank_key(sqlite3_column_double(st, 0))
                                       : sqlite3_column_int64(st, 0);
        /* The ticket columns follow the sort key, in TICKET_COLS order. */
        rc = sq_read_ticket_row(st, &arr[len]);
        if (sarr && rc == STORE_OK) {
            const struct ticket *t = &arr[len];
            const char *texts[] = {t->content, t->title, t->reply, t->address};
            rc = sq_snippet(f->q, texts, 4, &sarr[len]);
        }
        len++;
        if (rc != STORE_OK)
            break;
    }
    if (rc == STORE_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = sq_rc(c, src, "ticket list");
    sqlite3_reset(st);
done:
    if (rc != STORE_OK) {
        store_free_tickets(arr, len);
        store_free_snippets(sarr, len);
        free(karr);
        return rc;
    }
    *out = arr;
    *keys = karr;
    if (snippets)
        *snippets = sarr;
    *n = len;
    if (resume_at && !*more) {
        *more = true;
        if (resume)
            *resume = resume_at;
    }
    return STORE_OK;
}
