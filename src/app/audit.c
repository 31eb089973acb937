/*
 * audit.c - appending to and checking the hash-chained audit log.
 *
 * The encoding hashed for a row is, in order: the tag "rexian-audit-v1",
 * then seq, at, actor_id, actor, action, object_type, object_id, detail and
 * prev_hash. Integers are 8 bytes big-endian; strings are an 8-byte
 * big-endian length and their bytes, so that no two different rows can
 * encode the same (a field boundary cannot move). Changing this encoding
 * breaks every stored chain: give a new tag instead.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "core/timeutil.h"

#define AUDIT_TAG "rexian-audit-v1"
#define AUDIT_RETRIES 5

static void put_u64(crypto_generichash_state *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 7; i >= 0; i--) {
        b[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    crypto_generichash_update(h, b, sizeof b);
}

static void put_str(crypto_generichash_state *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_u64(h, (uint64_t)n);
    if (n)
        crypto_generichash_update(h, (const unsigned char *)s, n);
}

void app_audit_hash(const struct audit_row *row, uint8_t out[32])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    put_str(&h, AUDIT_TAG);
    put_u64(&h, (uint64_t)row->seq);
    put_u64(&h, (uint64_t)row->at);
    put_u64(&h, (uint64_t)row->actor_id);
    put_str(&h, row->actor);
    put_str(&h, row->action);
    put_str(&h, row->object_type);
    put_u64(&h, (uint64_t)row->object_id);
    put_str(&h, row->detail);
    crypto_generichash_update(&h, row->prev_hash, 32);
    crypto_generichash_final(&h, out, 32);
}

void app_audit_hex(const uint8_t h[32], char out[65])
{
    sodium_bin2hex(out, 65, h, 32);
}

/* One attempt: read the head, chain the new row onto it, write both. */
static int append_once(struct store_conn *c, struct audit_row *row)
{
    int rc = store_begin(c, true);
    if (rc != STORE_OK)
        return rc;
    int64_t seq;
    rc = store_audit_head(c, &seq, row->prev_hash);
    if (rc == STORE_OK) {
        row->seq = seq + 1;
        app_audit_hash(row, row->hash);
        rc = store_audit_append(c, row);
    }
    if (rc == STORE_OK)
        return store_commit(c);
    store_rollback(c);
    return rc;
}

int app_audit(struct store_conn *c, int64_t who_id, const char *who, const char *action,
              const char *object_type, int64_t object_id, const char *detail,
              struct app_error *e)
{
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    struct audit_row row = {
        .at = time_now_ms(),
        .actor_id = who_id,
        .actor = (char *)(who ? who : "(cli)"),
        .action = (char *)action,
        .object_type = (char *)object_type,
        .object_id = object_id,
        .detail = (char *)(detail ? detail : "{}"),
    };
    int rc = append_once(c, &row);
    /* Inside the caller's transaction a busy database cannot happen (it holds
       the write lock); alone, retry like every other write. */
    for (int i = 1; i < AUDIT_RETRIES && rc == STORE_BUSY; i++)
        rc = append_once(c, &row);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "audit log");
}

struct walk {
    struct audit_check *out;
    int64_t last_seq;
    uint8_t last_hash[32];
};

/* Checks one row against the one before it; stops the walk at the first fault. */
static int check_row(const struct audit_row *row, void *ctx)
{
    struct walk *w = ctx;
    struct audit_check *out = w->out;
    uint8_t want[32];
    out->rows++;
    if (row->seq != w->last_seq + 1) {
        out->bad_seq = row->seq;
        snprintf(out->problem, sizeof out->problem,
                 "row %lld follows row %lld: row%s missing", (long long)row->seq,
                 (long long)w->last_seq, row->seq > w->last_seq + 2 ? "s are" : " is");
        return 1;
    }
    if (sodium_memcmp(row->prev_hash, w->last_hash, 32) != 0) {
        out->bad_seq = row->seq;
        snprintf(out->problem, sizeof out->problem,
                 "row %lld does not link to row %lld: a row was replaced or removed",
                 (long long)row->seq, (long long)w->last_seq);
        return 1;
    }
    app_audit_hash(row, want);
    if (sodium_memcmp(row->hash, want, 32) != 0) {
        out->bad_seq = row->seq;
        snprintf(out->problem, sizeof out->problem,
                 "row %lld does not match its hash: it was edited", (long long)row->seq);
        return 1;
    }
    w->last_seq = row->seq;
    memcpy(w->last_hash, row->hash, 32);
    return 0;
}

int app_audit_verify(struct store *s, struct audit_check *out, struct app_error *e)
{
    memset(out, 0, sizeof *out);
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    struct walk w = {.out = out};
    /* One read transaction: the head and the rows are the same snapshot. */
    int rc = store_begin(c, false);
    if (rc == STORE_OK) {
        rc = store_audit_head(c, &out->head_seq, out->head);
        if (rc == STORE_OK)
            rc = store_audit_each(c, check_row, &w);
        store_rollback(c);
    }
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "audit log");
    if (out->problem[0])
        return APP_CONFLICT;
    /* The rows hold together; the head must name the last of them, or rows
       were cut off the end (or the head itself was edited). */
    if (out->head_seq != w.last_seq || sodium_memcmp(out->head, w.last_hash, 32) != 0) {
        snprintf(out->problem, sizeof out->problem,
                 "the log ends at row %lld but its head names row %lld: rows were removed "
                 "from the end or the head was edited",
                 (long long)w.last_seq, (long long)out->head_seq);
        return APP_CONFLICT;
    }
    return APP_OK;
}
