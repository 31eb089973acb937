/*
 * ratelimit.h - token buckets in memory, keyed by short strings ("ip:...",
 * "key:42"), for the public endpoints' abuse limits.
 *
 * Each bucket holds at most `burst` tokens and refills `burst` tokens every
 * `period_ms`, continuously. The table is per process: several instances
 * behind a load balancer each keep their own, so a client that reaches all
 * of them gets the limit once per instance. It holds at most `max_keys`
 * buckets; when full it forgets the buckets that have refilled completely
 * (they would behave as new ones anyway), and if none has, it refuses new
 * keys until some do. Thread-safe.
 */
#ifndef REXIAN_HTTP_RATELIMIT_H
#define REXIAN_HTTP_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

#define RATELIMIT_KEY_MAX 72

/* A new, empty table; NULL if out of memory. */
struct ratelimit *ratelimit_new(size_t max_keys);
void ratelimit_free(struct ratelimit *rl);

/*
 * Takes one token from bucket `key` (a new bucket starts full). Returns 0
 * if there was one, else the whole seconds (>= 1) until there will be. A
 * `burst` of 0 means no limit.
 */
int ratelimit_take(struct ratelimit *rl, const char *key, unsigned burst, int64_t period_ms,
                   int64_t now_ms);

/* Like ratelimit_take, but only looks: 0 if a token is there now. */
int ratelimit_peek(struct ratelimit *rl, const char *key, unsigned burst, int64_t period_ms,
                   int64_t now_ms);

/* Buckets held now (for tests and metrics). */
size_t ratelimit_size(struct ratelimit *rl);

#endif
