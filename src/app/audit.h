/*
 * audit.h - the hash-chained audit log of admin changes (users, roles,
 * units, categories, deadline rules, calendar, API keys).
 *
 * Row n's hash is BLAKE2b-256 over a fixed encoding of its own fields and
 * row n-1's hash (32 zero bytes before the first row), and the store keeps
 * the last sequence number and hash apart. So editing any row breaks its own
 * hash, deleting a row breaks the sequence and the next row's link, and
 * deleting the last rows leaves the head pointing past the end. Someone
 * who can write the database can still rebuild the whole chain; against
 * that, keep the head that `rexian audit verify` prints somewhere else.
 */
#ifndef REXIAN_APP_AUDIT_H
#define REXIAN_APP_AUDIT_H

#include <stdint.h>

#include "app/app.h"

/*
 * Appends one row to the log on connection c, inside the caller's write
 * transaction when there is one (so the change and its row commit or roll
 * back together), else in its own. `who_id` 0 with `who` NULL is the
 * command line. `detail` is a JSON object text (NULL = "{}") and must not
 * carry secrets. Returns APP_OK or fills e.
 */
int app_audit(struct store_conn *c, int64_t who_id, const char *who, const char *action,
              const char *object_type, int64_t object_id, const char *detail,
              struct app_error *e);

/* The hash a row must carry, from its fields and prev_hash. */
void app_audit_hash(const struct audit_row *row, uint8_t out[32]);

struct audit_check {
    int64_t rows;        /* rows read */
    int64_t head_seq;    /* what audit_head says */
    uint8_t head[32];
    int64_t bad_seq;     /* first row found wrong, 0 if none (or the head is wrong) */
    char problem[200];   /* empty when the chain holds */
};

/*
 * Walks the whole chain. Returns APP_OK when it holds, APP_CONFLICT when a
 * row was edited, removed or inserted (out->problem says where), or another
 * code if the log could not be read.
 */
int app_audit_verify(struct store *s, struct audit_check *out, struct app_error *e);

/* Lowercase hex of a 32-byte hash into out (65 bytes). */
void app_audit_hex(const uint8_t h[32], char out[65]);

#endif
