/*
 * throttle.c - leaky buckets for login attempts (see throttle.h).
 *
 * Two fixed tables of THROTTLE_SLOTS buckets, one for usernames and one for
 * addresses. A key is found by its keyed BLAKE2b-128 hash (the key is random
 * per process, so a client cannot aim names at one spot of the table) and
 * lives in one of PROBE slots from its home slot; a new key takes an empty
 * or drained slot there, or else the one with the least in it.
 */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/throttle.h"

#define PROBE 16
#define NAME_MAX_BYTES 128 /* longer names are cut: they cannot log in anyway */

struct bucket {
    uint8_t key[16];
    bool used;
    double level;    /* attempts not yet drained */
    int64_t last_ms; /* when level was last brought up to date */
};

struct table {
    unsigned limit;
    double drain_per_ms; /* limit / window */
    struct bucket slot[THROTTLE_SLOTS];
};

struct throttle {
    pthread_mutex_t lock;
    uint8_t hash_key[crypto_generichash_KEYBYTES];
    struct table user, addr;
};

static void table_init(struct table *tb, unsigned limit, unsigned window_s)
{
    tb->limit = limit;
    tb->drain_per_ms = (double)limit / ((double)window_s * 1000.0);
}

struct throttle *throttle_new(const struct throttle_config *cfg)
{
    struct throttle *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    unsigned window = cfg->window_s ? cfg->window_s : 1;
    table_init(&t->user, cfg->user_limit, window);
    table_init(&t->addr, cfg->addr_limit, window);
    randombytes_buf(t->hash_key, sizeof t->hash_key);
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void throttle_free(struct throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    sodium_memzero(t->hash_key, sizeof t->hash_key);
    free(t);
}

/* The bucket's level drained up to now (a clock that steps back drains nothing). */
static double drained(const struct table *tb, const struct bucket *b, int64_t now_ms)
{
    if (!b->used)
        return 0;
    double gone = now_ms > b->last_ms ? (double)(now_ms - b->last_ms) * tb->drain_per_ms : 0;
    return b->level > gone ? b->level - gone : 0;
}

/* The bucket of `name`, found or made, brought up to date. Never NULL. */
static struct bucket *bucket_of(struct throttle *t, struct table *tb, const char *name,
                                int64_t now_ms)
{
    char norm[NAME_MAX_BYTES];
    size_t n = 0;
    for (; name[n] && n < sizeof norm; n++) /* "Admin" and "admin" share a bucket */
        norm[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] + 32 : name[n]);
    uint8_t key[16];
    crypto_generichash(key, sizeof key, (const unsigned char *)norm, n, t->hash_key,
                       sizeof t->hash_key);
    uint32_t home = (uint32_t)key[0] | (uint32_t)key[1] << 8 | (uint32_t)key[2] << 16 |
                    (uint32_t)key[3] << 24;
    struct bucket *pick = NULL;
    double pick_level = INFINITY;
    for (unsigned i = 0; i < PROBE; i++) {
        struct bucket *b = &tb->slot[(home + i) % THROTTLE_SLOTS];
        double level = drained(tb, b, now_ms);
        if (b->used && memcmp(b->key, key, sizeof key) == 0) {
            b->level = level;
            if (now_ms > b->last_ms)
                b->last_ms = now_ms;
            return b;
        }
        if (level < pick_level) {
            pick = b;
            pick_level = level;
        }
    }
    /* Not there: take the emptiest slot of the window (a drained one is free). */
    memcpy(pick->key, key, sizeof key);
    pick->used = true;
    pick->level = 0;
    pick->last_ms = now_ms;
    return pick;
}

/* Whole seconds until one more unit fits in b, 0 if it fits now. */
static unsigned wait_s(const struct table *tb, const struct bucket *b)
{
    double over = b->level + 1.0 - (double)tb->limit;
    if (over <= 1e-9)
        return 0;
    double s = ceil(over / tb->drain_per_ms / 1000.0);
    return s < 1 ? 1 : s > 86400 ? 86400 : (unsigned)s;
}

unsigned throttle_begin(struct throttle *t, const char *user, const char *addr, int64_t now_ms)
{
    if (!t)
        return 0;
    pthread_mutex_lock(&t->lock);
    struct bucket *bu = t->user.limit && user ? bucket_of(t, &t->user, user, now_ms) : NULL;
    struct bucket *ba = t->addr.limit && addr ? bucket_of(t, &t->addr, addr, now_ms) : NULL;
    unsigned wu = bu ? wait_s(&t->user, bu) : 0, wa = ba ? wait_s(&t->addr, ba) : 0;
    unsigned wait = wu > wa ? wu : wa;
    if (!wait) {
        if (bu)
            bu->level += 1;
        if (ba)
            ba->level += 1;
    }
    pthread_mutex_unlock(&t->lock);
    return wait;
}

void throttle_end(struct throttle *t, const char *user, const char *addr,
                  enum throttle_outcome outcome, int64_t now_ms)
{
    if (!t || outcome == THROTTLE_FAILED)
        return;
    pthread_mutex_lock(&t->lock);
    struct bucket *bu = t->user.limit && user ? bucket_of(t, &t->user, user, now_ms) : NULL;
    struct bucket *ba = t->addr.limit && addr ? bucket_of(t, &t->addr, addr, now_ms) : NULL;
    if (outcome == THROTTLE_SUCCEEDED) {
        if (bu)
            bu->level = 0;
        if (ba) /* this attempt was not a guess: refund it, keep the others */
            ba->level = ba->level > 1 ? ba->level - 1 : 0;
    } else {
        if (bu)
            bu->level = bu->level > 1 ? bu->level - 1 : 0;
        if (ba)
            ba->level = ba->level > 1 ? ba->level - 1 : 0;
    }
    pthread_mutex_unlock(&t->lock);
}
