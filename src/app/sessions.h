/*
 * sessions.h - the in-process session cache in front of store_session_user.
 *
 * Every authenticated request used to look its session up in SQL. The cache
 * keeps, per token hash, the user that lookup answered, for at most
 * SESSION_CACHE_TTL_MS (2 s) and at most SESSION_CACHE_SLOTS sessions (a
 * direct-mapped table; a newer session takes its slot from an older one).
 *
 * Invalidation in this process is immediate: logout forgets the token,
 * changing a user (password, deactivation, role, unit, name) forgets every
 * session of that user, and changing a unit (its path) forgets everything.
 * Another instance (PostgreSQL, several instances) or another process (the
 * command line) cannot reach this cache: there a logout or deactivation
 * takes effect within the TTL (docs/DEPLOY.md). The TTL runs on the
 * monotonic clock and on the service clock (time_now_ms), so that a test's
 * injected clock moving on also ends cached entries.
 *
 * Thread-safe (one mutex; entries are copied in and out).
 */
#ifndef REXIAN_APP_SESSIONS_H
#define REXIAN_APP_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

#define SESSION_CACHE_TTL_MS 2000
#define SESSION_CACHE_SLOTS 1024

/* The generation to pass to session_cache_put: read it before the store lookup. */
uint64_t session_cache_generation(void);
/* On a hit copies the cached user into *out (the caller releases it) and returns true. */
bool session_cache_get(const uint8_t hash[32], struct user *out);
/*
 * Remembers `u` (copied) for the session `hash`, unless something was
 * invalidated since `generation` was read (the lookup may predate a logout).
 */
void session_cache_put(const uint8_t hash[32], const struct user *u, uint64_t generation);
void session_cache_forget(const uint8_t hash[32]);
void session_cache_forget_user(int64_t user_id);
void session_cache_clear(void);

#endif
