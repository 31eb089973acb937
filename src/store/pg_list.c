/*
 * pg_list.c - ticket lists on PostgreSQL: filters, visibility scope and
 * keyset pagination, as in sqlite_list.c.
 *
 * The statement is assembled from fixed fragments, one per filter present;
 * every value is a bound parameter, numbered $1, $2, ... in the order the
 * fragments first name it. Each shape is prepared once per connection as
 * "l<shape>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla.h"
#include "store/pg_int.h"
#include "store/pg_search.h"

enum list_bits {
    LB_STATUS = 1 << 0, LB_UNIT = 1 << 1, LB_CATEGORY = 1 << 2, LB_TYPE = 1 << 3,
    LB_CHANNEL = 1 << 4, LB_FROM = 1 << 5, LB_TO = 1 << 6, LB_PHONE = 1 << 7,
    LB_SCOPE = 1 << 8, LB_CURSOR = 1 << 9, LB_SORT_DUE = 1 << 10, LB_SLA_OK = 1 << 11,
    LB_SLA_WARN = 1 << 12, LB_SLA_OVER = 1 << 13, LB_FTS = 1 << 14, LB_SORT_RANK = 1 << 15,
    LB_EXT_YES = 1 << 16, LB_EXT_NO = 1 << 17
};
/* The status mask is part of the shape (a handler's arms name each state as
   a literal, as in sqlite_list.c): bits 18-24. */
#define LB_MASK_SHIFT 18
#define KEY_MASK(key) (((key) >> LB_MASK_SHIFT) & ((1u << ST__COUNT) - 1))

/* The values a list statement may name; each gets its $N on first use. */
enum slot {
    SL_STATUSES, SL_UNIT, SL_CAT, SL_TYPE, SL_CHANNEL, SL_FROM, SL_TO, SL_PHONE, SL_SCOPE,
    SL_NOW, SL_AKEY, SL_AID, SL_LIMIT, SL_FTS, SL_WARNPCT, SL_ARANK, SL_WINDOW, SL_SU,
    SL__COUNT
};

static unsigned filter_key(const struct ticket_filter *f)
{
    unsigned k = 0;
    if (f->status_mask)
        k |= LB_STATUS | (f->status_mask & ((1u << ST__COUNT) - 1)) << LB_MASK_SHIFT;
    k |= f->extension_pending == 1 ? LB_EXT_YES : f->extension_pending == 0 ? LB_EXT_NO : 0;
    k |= f->unit_id ? LB_UNIT : 0;
    k |= f->category_id ? LB_CATEGORY : 0;
    k |= f->type >= 0 ? LB_TYPE : 0;
    k |= f->channel >= 0 ? LB_CHANNEL : 0;
    k |= f->from ? LB_FROM : 0;
    k |= f->to ? LB_TO : 0;
    k |= f->phone ? LB_PHONE : 0;
    k |= f->scope_path ? LB_SCOPE : 0;
    k |= f->has_cursor ? LB_CURSOR : 0;
    k |= f->sort == SORT_DUE ? LB_SORT_DUE : 0;
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

struct builder {
    char sql[32768];
    size_t pos;
    int bad;
    int num[SL__COUNT]; /* $N of each slot, 0 = not named */
    int next;
};

/* Appends text in which each '?' stands for the next slot of `slots`. */
static void add(struct builder *b, const char *frag, const enum slot *slots)
{
    for (const char *p = frag; *p && !b->bad; p++) {
        char tmp[16];
        const char *piece = tmp;
        if (*p == '?') {
            enum slot s = *slots++;
            if (!b->num[s])
                b->num[s] = ++b->next;
            snprintf(tmp, sizeof tmp, "$%d", b->num[s]);
        } else {
            tmp[0] = *p;
            tmp[1] = '\0';
        }
        size_t n = strlen(piece);
        if (b->pos + n + 1 > sizeof b->sql) {
            b->bad = 1; /* defensive: the fragments always fit */
            return;
        }
        memcpy(b->sql + b->pos, piece, n + 1);
        b->pos += n;
    }
}

#define S(...) ((const enum slot[]){__VA_ARGS__})
#define DUE_EXPR "coalesce(t.due_key, 9223372036854775807)"
#define RANK_EXPR "(-ts_rank(" PG_TICKET_WEIGHTS ", t.search, ?::tsquery))::float8"
#define OPEN_STATES "('registered','dispatched','processing','returned','replied')"

#define KEY_MAX "9223372036854775807"
#define SCOPE_UNITS "(SELECT id FROM units WHERE starts_with(path, ?::text))"
/* The handler's units below its own (its own unit has arms of its own). */
#define BELOW_UNITS "(SELECT id FROM units WHERE starts_with(path, ?::text) AND id <> ?::bigint)"

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
static void add_ticket_filters(struct builder *b, unsigned key)
{
    if (key & LB_UNIT)
        add(b, " AND t.unit_id = ?", S(SL_UNIT));
    if (key & LB_CATEGORY)
        add(b, " AND t.category_id IN (SELECT id FROM cat_sub)", NULL);
    if (key & LB_TYPE)
        add(b, " AND t.type = ?", S(SL_TYPE));
    if (key & LB_CHANNEL)
        add(b, " AND t.channel = ?", S(SL_CHANNEL));
    if (key & LB_FROM)
        add(b, " AND t.created_at >= ?", S(SL_FROM));
    if (key & LB_TO)
        add(b, " AND t.created_at < ?", S(SL_TO));
    if (key & LB_PHONE)
        add(b, " AND t.citizen_phone = ?", S(SL_PHONE));
    if (key & LB_EXT_YES)
        add(b, " AND t.extension_pending = 1", NULL);
    if (key & LB_EXT_NO)
        add(b, " AND t.extension_pending = 0", NULL);
    if (key & LB_SLA_OVER)
        add(b, " AND t.due_key < ?::bigint", S(SL_NOW));
    if (key & LB_SLA_WARN)
        add(b, " AND t.due_key >= ?::bigint AND (?::bigint - t.clock_start) * 100 >= "
               "(t.due_key - t.clock_start) * ?::bigint", S(SL_NOW, SL_NOW, SL_WARNPCT));
    if (key & LB_SLA_OK)
        add(b, " AND t.due_key >= ?::bigint AND (?::bigint - t.clock_start) * 100 < "
               "(t.due_key - t.clock_start) * ?::bigint", S(SL_NOW, SL_NOW, SL_WARNPCT));
}

#define FILTER_BITS                                                                                \
    (LB_UNIT | LB_CATEGORY | LB_TYPE | LB_CHANNEL | LB_FROM | LB_TO | LB_PHONE | LB_EXT_YES |    \
     LB_EXT_NO | LB_SLA_OVER | LB_SLA_WARN | LB_SLA_OK)

/*
 * One arm of a handler's list, as in sqlite_list.c's add_arm: at most $limit
 * (key, id) rows in list order, read in index order. `co` reads
 * ticket_co_units; `state` is one state, or -1 for the units below the
 * handler's (the states of `list`, sorted); `nulls` is the part of a deadline
 * order with no deadline.
 */
static void add_arm(struct builder *b, unsigned key, int *arms, bool co, int state,
                    const char *list, bool nulls)
{
    char frag[512];
    bool due = key & LB_SORT_DUE;
    bool below = state < 0;
    const char *id = co ? "co.ticket_id" : "t.id";
    const char *dk = co ? "co.due_key" : "t.due_key";
    const char *ca = co ? "co.created_at" : "t.created_at";
    if ((*arms)++)
        add(b, co ? " UNION " : " UNION ALL ", NULL);
    char kexpr[64];
    if (!due)
        snprintf(kexpr, sizeof kexpr, "%s", ca);
    else if (below)
        snprintf(kexpr, sizeof kexpr, "coalesce(%s, " KEY_MAX ")", dk);
    else
        snprintf(kexpr, sizeof kexpr, "%s", nulls ? KEY_MAX "::bigint" : dk);
    snprintf(frag, sizeof frag, "(SELECT %s%s AS k, %s AS id FROM %s WHERE %s",
             co && below ? "DISTINCT " : "", kexpr, id,
             !co ? "tickets t"
                 : (key & FILTER_BITS) ? "ticket_co_units co JOIN tickets t ON t.id = co.ticket_id"
                                       : "ticket_co_units co",
             co ? "co.unit_id" : "t.unit_id");
    add(b, frag, NULL);
    if (below) {
        add(b, " IN " BELOW_UNITS, S(SL_SCOPE, SL_SU));
        if (list) {
            snprintf(frag, sizeof frag, " AND %s IN %s", co ? "co.status" : "t.status", list);
            add(b, frag, NULL);
        }
    } else {
        add(b, " = ?::bigint", S(SL_SU));
        snprintf(frag, sizeof frag, " AND %s = '%s'%s", co ? "co.status" : "t.status",
                 status_name((enum ticket_status)state),
                 !due ? "" : nulls ? (co ? " AND co.due_key IS NULL" : " AND t.due_key IS NULL")
                                   : (co ? " AND co.due_key IS NOT NULL"
                                         : " AND t.due_key IS NOT NULL"));
        add(b, frag, NULL);
    }
    add_ticket_filters(b, key);
    if (key & LB_CURSOR) {
        if (!due) {
            snprintf(frag, sizeof frag, " AND (%s, %s) < (?::bigint, ?::bigint)", ca, id);
            add(b, frag, S(SL_AKEY, SL_AID));
        } else if (below || !nulls) {
            snprintf(frag, sizeof frag, " AND (%s, %s) > (?::bigint, ?::bigint)", kexpr, id);
            add(b, frag, S(SL_AKEY, SL_AID));
        } else { /* no deadline: after every deadline, then by id */
            snprintf(frag, sizeof frag,
                     " AND %s > (CASE WHEN ?::bigint = " KEY_MAX " THEN ?::bigint ELSE -1 END)",
                     id);
            add(b, frag, S(SL_AKEY, SL_AID));
        }
    }
    if (below)
        snprintf(frag, sizeof frag, " ORDER BY 1%s, 2%s LIMIT ?)", due ? "" : " DESC",
                 due ? "" : " DESC");
    else if (!due)
        snprintf(frag, sizeof frag, " ORDER BY %s DESC, %s DESC LIMIT ?)", ca, id);
    else if (nulls)
        snprintf(frag, sizeof frag, " ORDER BY %s LIMIT ?)", id);
    else
        snprintf(frag, sizeof frag, " ORDER BY %s, %s LIMIT ?)", dk, id);
    add(b, frag, S(SL_LIMIT));
}

/* A handler's list without a search: the arms of sqlite_list.c (scoped_arms
   says which), here joined in one statement, which PostgreSQL runs as one
   index scan an arm and one top-N sort (docs/PERFORMANCE.md, B). */
static void add_scoped_list(struct builder *b, unsigned key)
{
    unsigned mask = KEY_MASK(key);
    if (!mask)
        mask = (1u << ST__COUNT) - 1;
    unsigned open = mask & ((1u << (ST_REPLIED + 1)) - 1); /* co-units see open tickets */
    char list[160], olist[160];
    state_list(mask, list, sizeof list);
    state_list(open, olist, sizeof olist);
    bool due = key & LB_SORT_DUE;
    int arms = 0;
    add(b, "p AS MATERIALIZED (", NULL);
    for (int s = 0; s < ST__COUNT; s++) {
        if (!(mask & (1u << s)))
            continue;
        if (!due || state_clocked(s))
            add_arm(b, key, &arms, false, s, NULL, false);
        if (due)
            add_arm(b, key, &arms, false, s, NULL, true);
    }
    add_arm(b, key, &arms, false, -1, (key & LB_STATUS) ? list : NULL, false);
    for (int s = 0; s < ST__COUNT; s++) {
        if (!(open & (1u << s)))
            continue;
        if (!due || state_clocked(s))
            add_arm(b, key, &arms, true, s, NULL, false);
        if (due)
            add_arm(b, key, &arms, true, s, NULL, true);
    }
    if (open)
        add_arm(b, key, &arms, true, -1, olist, false);
    add(b, due ? " ORDER BY 1, 2 LIMIT ?) SELECT p.k, " TICKET_COLS_PG
                 " FROM p JOIN tickets t ON t.id = p.id ORDER BY p.k, p.id"
               : " ORDER BY 1 DESC, 2 DESC LIMIT ?) SELECT p.k, " TICKET_COLS_PG
                 " FROM p JOIN tickets t ON t.id = p.id ORDER BY p.k DESC, p.id DESC",
        S(SL_LIMIT));
}

static void build(struct builder *b, unsigned key)
{
    memset(b, 0, sizeof *b);
    /* A search by rank or deadline sorts only the newest PG_SEARCH_WINDOW hits
       (w), as the SQLite backend does; newest first walks ids downwards. */
    bool window = (key & LB_FTS) && (key & (LB_SORT_RANK | LB_SORT_DUE));
    bool scoped = (key & LB_SCOPE) && !(key & LB_FTS);
    if (window || scoped || (key & LB_CATEGORY))
        add(b, "WITH RECURSIVE ", NULL);
    if (key & LB_CATEGORY)
        add(b, "cat_sub(id) AS (SELECT ?::bigint UNION ALL SELECT k.id FROM "
               "categories k JOIN cat_sub ON k.parent_id = cat_sub.id) ", S(SL_CAT));
    if (scoped) {
        if (key & LB_CATEGORY)
            add(b, ", ", NULL);
        add_scoped_list(b, key);
        return;
    }
    if (window) {
        add(b, key & LB_CATEGORY ? ", w AS MATERIALIZED (SELECT t.id AS id, "
                                 : "w AS MATERIALIZED (SELECT t.id AS id, ", NULL);
        if (key & LB_SORT_RANK)
            add(b, RANK_EXPR, S(SL_FTS));
        else
            add(b, DUE_EXPR, NULL);
        add(b, " AS k FROM tickets t WHERE true", NULL);
    } else {
        add(b, "SELECT ", NULL);
        add(b, key & LB_SORT_DUE ? DUE_EXPR : "t.created_at", NULL);
        add(b, ", " TICKET_COLS_PG " FROM tickets t WHERE true", NULL);
    }
    if (key & LB_FTS)
        add(b, " AND t.search @@ ?::tsquery", S(SL_FTS));
    if (key & LB_STATUS)
        add(b, " AND t.status = ANY(?::text[])", S(SL_STATUSES));
    if (key & LB_SCOPE) /* a search: bounded by its window of hits */
        add(b, " AND (t.unit_id IN " SCOPE_UNITS " OR (t.status IN " OPEN_STATES
               " AND t.id IN (SELECT ticket_id FROM ticket_co_units WHERE unit_id IN "
               SCOPE_UNITS ")))", S(SL_SCOPE, SL_SCOPE));
    add_ticket_filters(b, key);
    if (window) {
        add(b, " ORDER BY t.id DESC LIMIT ?) SELECT w.k, " TICKET_COLS_PG
               " FROM w JOIN tickets t ON t.id = w.id WHERE true", S(SL_WINDOW));
        if (key & LB_CURSOR)
            add(b, key & LB_SORT_RANK ? " AND (w.k, w.id) > (?::float8, ?::bigint)"
                                      : " AND (w.k, w.id) > (?::bigint, ?::bigint)",
                key & LB_SORT_RANK ? S(SL_ARANK, SL_AID) : S(SL_AKEY, SL_AID));
        add(b, " ORDER BY w.k, w.id LIMIT ?", S(SL_LIMIT));
    } else if (key & LB_FTS) {
        if (key & LB_CURSOR)
            add(b, " AND t.id < ?::bigint", S(SL_AID));
        add(b, " ORDER BY t.id DESC LIMIT ?", S(SL_LIMIT));
    } else {
        if (key & LB_CURSOR)
            add(b, key & LB_SORT_DUE ? " AND (" DUE_EXPR ", t.id) > (?::bigint, ?::bigint)"
                                     : " AND (t.created_at, t.id) < (?::bigint, ?::bigint)",
                S(SL_AKEY, SL_AID));
        add(b, key & LB_SORT_DUE ? " ORDER BY " DUE_EXPR ", t.id LIMIT ?"
                                 : " ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
            S(SL_LIMIT));
    }
}

/* Sets slot s's value (if the statement names it) as text or an integer. */
static void set_text(struct pg_params *p, const struct builder *b, enum slot s, const char *v)
{
    if (b->num[s])
        p->v[b->num[s] - 1] = v;
}

static void set_int(struct pg_params *p, const struct builder *b, enum slot s, int64_t v)
{
    int i = b->num[s] - 1;
    if (i < 0)
        return;
    snprintf(p->num[i], sizeof p->num[0], "%lld", (long long)v);
    p->v[i] = p->num[i];
}

/* Is the shape prepared on c's link? Records it as prepared if there is room. */
static int shape_prepared(struct store_conn *c, unsigned key, char *name, size_t len)
{
    snprintf(name, len, "l%u", key);
    struct pg_link *l = c->link;
    for (int i = 0; i < l->n_list; i++)
        if (l->list_key[i] == key)
            return 1;
    if (l->n_list == PG_LIST_CACHE) {
        name[0] = '\0'; /* cache full: the unnamed statement, prepared each time */
        return 0;
    }
    l->list_key[l->n_list++] = key;
    return 0;
}

/* A rank (a double) as an int64 key of the same order, and back, exactly (as SQLite's). */
static int64_t rank_key(double d)
{
    int64_t k;
    memcpy(&k, &d, sizeof k);
    return k < 0 ? k ^ INT64_MAX : k;
}

static double rank_of_key(int64_t k)
{
    int64_t b = k < 0 ? k ^ INT64_MAX : k;
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

int pg_store_ticket_list(struct store_conn *c, const struct ticket_filter *f, struct ticket **out,
                         int64_t **keys, size_t *n, bool *more)
{
    return pg_store_ticket_search(c, f, out, keys, NULL, n, more, NULL);
}

/*
 * The GIN index finds every hit at once, so newest first pages through all of
 * them by id without the SQLite backend's per-call budget: *resume stays 0.
 */
int pg_store_ticket_search(struct store_conn *c, const struct ticket_filter *f,
                           struct ticket **out, int64_t **keys, char ***snippets, size_t *n,
                           bool *more, int64_t *resume)
{
    if (resume)
        *resume = 0;
    unsigned key = filter_key(f);
    struct builder b;
    build(&b, key);
    if (b.bad)
        return STORE_ERROR;
    char *tsq = NULL;
    if (key & LB_FTS) {
        int qrc = pg_fts_query(f->q, false, 32, &tsq);
        if (qrc != STORE_OK)
            return qrc;
    }
    struct pg_params p = {0};
    p.n = b.next;
    set_text(&p, &b, SL_FTS, tsq);
    set_int(&p, &b, SL_WARNPCT, sla_warning_percent());
    set_int(&p, &b, SL_WINDOW, PG_SEARCH_WINDOW);
    if (b.num[SL_ARANK]) {
        int i = b.num[SL_ARANK] - 1;
        snprintf(p.num[i], sizeof p.num[0], "%.17g", rank_of_key(f->after_key));
        p.v[i] = p.num[i];
    }
    char statuses[160];
    if (key & LB_STATUS) {
        size_t q = 0;
        statuses[q++] = '{';
        for (int s = 0; s < ST__COUNT; s++)
            if (f->status_mask & (1u << s))
                q += (size_t)snprintf(statuses + q, sizeof statuses - q, "%s%s", q > 1 ? "," : "",
                                      status_name((enum ticket_status)s));
        snprintf(statuses + q, sizeof statuses - q, "}");
        set_text(&p, &b, SL_STATUSES, statuses);
    }
    set_int(&p, &b, SL_UNIT, f->unit_id);
    set_int(&p, &b, SL_CAT, f->category_id);
    if (f->type >= 0)
        set_text(&p, &b, SL_TYPE, ticket_type_name(f->type));
    if (f->channel >= 0)
        set_text(&p, &b, SL_CHANNEL, channel_name(f->channel));
    set_int(&p, &b, SL_FROM, f->from);
    set_int(&p, &b, SL_TO, f->to);
    set_text(&p, &b, SL_PHONE, f->phone);
    set_text(&p, &b, SL_SCOPE, f->scope_path);
    set_int(&p, &b, SL_SU, f->scope_unit_id);
    set_int(&p, &b, SL_NOW, f->now);
    set_int(&p, &b, SL_AKEY, f->after_key);
    set_int(&p, &b, SL_AID, f->after_id);
    int limit = f->limit < 1 ? 1 : f->limit > 200 ? 200 : f->limit;
    set_int(&p, &b, SL_LIMIT, limit + 1);

    int rc = pg_link_get(c);
    if (rc != STORE_OK) {
        free(tsq);
        return rc;
    }
    char name[24];
    int prepared = shape_prepared(c, key, name, sizeof name);
    if (!prepared && getenv("REXIAN_DEBUG_LIST_SQL")) /* for EXPLAIN by hand */
        fprintf(stderr, "%s\n", b.sql);
    PGresult *r = pg_run_named(c, name, b.sql, prepared, &p, &rc);
    free(tsq);
    if (!r) {
        /* not prepared after all: forget the shape so the next call prepares it */
        if (!prepared && name[0] && c->link && c->link->n_list > 0)
            c->link->n_list--;
        return rc;
    }
    int rows = PQntuples(r);
    struct ticket *arr = calloc((size_t)limit, sizeof *arr);
    int64_t *karr = calloc((size_t)limit, sizeof *karr);
    bool snips = snippets && (key & LB_FTS);
    char **sarr = snips ? calloc((size_t)limit, sizeof *sarr) : NULL;
    if (!arr || !karr || (snips && !sarr)) {
        free(arr);
        free(karr);
        free(sarr);
        PQclear(r);
        return STORE_NOMEM;
    }
    size_t len = 0;
    *more = rows > limit;
    for (int i = 0; rc == STORE_OK && i < rows && i < limit; i++) {
        karr[len] = key & LB_SORT_RANK ? rank_key(strtod(PQgetvalue(r, i, 0), NULL))
                                       : pg_col_int(r, i, 0);
        rc = pg_read_ticket(r, i, 1, &arr[len]);
        len++;
        if (sarr && rc == STORE_OK) {
            const struct ticket *t = &arr[len - 1]; /* sqlite_list.c's preference */
            const char *texts[4] = {t->content, t->title, t->reply, t->address};
            rc = pg_snippet(f->q, texts, 4, &sarr[len - 1]);
        }
    }
    PQclear(r);
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
    return STORE_OK;
}

int pg_store_search_current(struct store_conn *c)
{
    (void)c; /* each ticket's search document is written with its row */
    return STORE_OK;
}

int pg_store_search_check(struct store_conn *c)
{
    (void)c; /* each ticket's search document is a column of its own row */
    return STORE_OK;
}
