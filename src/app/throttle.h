/*
 * throttle.h - login throttling per username and per client address.
 *
 * Each key (a username, an address) has a leaky bucket: every login attempt
 * pours one unit in, and the bucket drains `limit` units per `window`
 * seconds. An attempt that would overflow the bucket is refused before the
 * password is even checked, with the seconds until it would fit. So a
 * guesser gets `limit` tries at once and then one try every window/limit
 * seconds, whatever the number of connections it opens: the attempt is
 * charged when it starts, not when it fails. A successful login empties the
 * username's bucket (its owner is back) but only refunds its own unit to
 * the address's (one valid account must not reset the count of a guesser
 * sharing the address); an attempt that
 * neither failed nor succeeded (a busy database) is refunded.
 *
 * The tables are in memory, per process, at most THROTTLE_SLOTS keys each
 * (keyed hashes, not the names); when one is full, the emptiest bucket
 * nearby is forgotten. Thread-safe.
 */
#ifndef REXIAN_APP_THROTTLE_H
#define REXIAN_APP_THROTTLE_H

#include <stdint.h>

#define THROTTLE_SLOTS 4096

struct throttle_config {
    unsigned user_limit; /* attempts per window per username; 0 = no limit */
    unsigned addr_limit; /* attempts per window per client address; 0 = no limit */
    unsigned window_s;   /* seconds, >= 1 */
};

enum throttle_outcome {
    THROTTLE_FAILED,    /* wrong username or password: the charge stays */
    THROTTLE_SUCCEEDED, /* empties the username's bucket */
    THROTTLE_NEUTRAL    /* could not tell (database busy): refunded */
};

struct throttle;

/* A new throttle, or NULL if out of memory. */
struct throttle *throttle_new(const struct throttle_config *cfg);
void throttle_free(struct throttle *t);

/*
 * Starts a login attempt for `user` from `addr` at `now_ms`. Returns 0 and
 * charges both buckets if it may go ahead, else the whole seconds (>= 1) to
 * wait, charging nothing. Every 0 must be followed by one throttle_end.
 */
unsigned throttle_begin(struct throttle *t, const char *user, const char *addr, int64_t now_ms);
void throttle_end(struct throttle *t, const char *user, const char *addr,
                  enum throttle_outcome outcome, int64_t now_ms);

#endif
