/*
 * ratelimit.c - the token-bucket table: a chained hash table of fixed-size
 * entries under one mutex. The work under the lock is a hash, a short
 * chain walk and a little arithmetic; the sweep when the table is full is
 * O(n) but runs only when a new key finds no room.
 */
#include "http/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct bucket {
    char key[RATELIMIT_KEY_MAX];
    double tokens;
    int64_t last_ms;
    unsigned burst;
    int64_t period_ms;
    struct bucket *next;
};

struct ratelimit {
    pthread_mutex_t lock;
    struct bucket **slots;
    size_t n_slots; /* a power of two */
    size_t n, max;
};

struct ratelimit *ratelimit_new(size_t max_keys)
{
    struct ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    rl->max = max_keys ? max_keys : 1;
    rl->n_slots = 64;
    while (rl->n_slots < rl->max && rl->n_slots < ((size_t)1 << 24))
        rl->n_slots <<= 1;
    rl->slots = calloc(rl->n_slots, sizeof *rl->slots);
    if (!rl->slots) {
        free(rl);
        return NULL;
    }
    pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    for (size_t i = 0; i < rl->n_slots; i++) {
        struct bucket *b = rl->slots[i];
        while (b) {
            struct bucket *next = b->next;
            free(b);
            b = next;
        }
    }
    free(rl->slots);
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

/* FNV-1a. */
static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

/* Brings b's tokens up to `now`. */
static void refill(struct bucket *b, int64_t now)
{
    if (now > b->last_ms && b->period_ms > 0) {
        b->tokens += (double)(now - b->last_ms) * b->burst / (double)b->period_ms;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
    }
    if (now > b->last_ms)
        b->last_ms = now;
}

/* Forgets every bucket that has refilled completely. Caller holds the lock. */
static void sweep(struct ratelimit *rl, int64_t now)
{
    for (size_t i = 0; i < rl->n_slots; i++) {
        struct bucket **p = &rl->slots[i];
        while (*p) {
            refill(*p, now);
            if ((*p)->tokens >= (*p)->burst) {
                struct bucket *dead = *p;
                *p = dead->next;
                free(dead);
                rl->n--;
            } else {
                p = &(*p)->next;
            }
        }
    }
}

/* Seconds until b holds one token again (at least 1). */
static int wait_seconds(const struct bucket *b)
{
    double missing = 1.0 - b->tokens;
    double ms = missing * (double)b->period_ms / b->burst;
    int s = (int)ceil(ms / 1000.0);
    return s < 1 ? 1 : s;
}

static int take_or_peek(struct ratelimit *rl, const char *key, unsigned burst, int64_t period_ms,
                        int64_t now, int take)
{
    if (burst == 0 || !rl)
        return 0;
    if (strlen(key) >= RATELIMIT_KEY_MAX)
        return 60; /* defensive: callers build short keys */
    pthread_mutex_lock(&rl->lock);
    size_t slot = hash(key) & (rl->n_slots - 1);
    struct bucket *b = rl->slots[slot];
    while (b && strcmp(b->key, key) != 0)
        b = b->next;
    int rc = 0;
    if (!b) {
        if (!take)
            goto done; /* a new bucket would be full */
        if (rl->n >= rl->max)
            sweep(rl, now);
        b = rl->n < rl->max ? calloc(1, sizeof *b) : NULL;
        if (!b) {
            rc = 60; /* full of active buckets, or out of memory: refuse for now */
            goto done;
        }
        memcpy(b->key, key, strlen(key) + 1);
        b->tokens = burst;
        b->last_ms = now;
        b->next = rl->slots[slot];
        rl->slots[slot] = b;
        rl->n++;
    }
    b->burst = burst;
    b->period_ms = period_ms;
    refill(b, now);
    if (b->tokens >= 1.0) {
        if (take)
            b->tokens -= 1.0;
    } else {
        rc = wait_seconds(b);
    }
done:
    pthread_mutex_unlock(&rl->lock);
    return rc;
}

int ratelimit_take(struct ratelimit *rl, const char *key, unsigned burst, int64_t period_ms,
                   int64_t now_ms)
{
    return take_or_peek(rl, key, burst, period_ms, now_ms, 1);
}

int ratelimit_peek(struct ratelimit *rl, const char *key, unsigned burst, int64_t period_ms,
                   int64_t now_ms)
{
    return take_or_peek(rl, key, burst, period_ms, now_ms, 0);
}

size_t ratelimit_size(struct ratelimit *rl)
{
    pthread_mutex_lock(&rl->lock);
    size_t n = rl->n;
    pthread_mutex_unlock(&rl->lock);
    return n;
}
