/*
 * sessions.c - the in-process session cache (sessions.h).
 */
#include "app/sessions.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

struct slot {
    bool used;
    uint8_t hash[32];
    uint64_t mono_ns; /* when the store answered */
    int64_t clock_ms; /* the service clock then */
    struct user user; /* password_hash always NULL */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[SESSION_CACHE_SLOTS];
static uint64_t generation; /* bumped by every invalidation; under lock */

static struct slot *slot_of(const uint8_t hash[32])
{
    uint32_t k; /* the hash is BLAKE2b of a random token: any 4 bytes are uniform */
    memcpy(&k, hash, sizeof k);
    return &slots[k % SESSION_CACHE_SLOTS];
}

static void slot_clear(struct slot *s)
{
    if (s->used)
        user_release(&s->user);
    memset(s, 0, sizeof *s);
}

/* A deep copy of u without its password hash; false if out of memory. */
static bool user_copy(const struct user *u, struct user *out)
{
    *out = *u;
    out->password_hash = NULL;
    out->username = u->username ? strdup(u->username) : NULL;
    out->name = u->name ? strdup(u->name) : NULL;
    out->unit_path = u->unit_path ? strdup(u->unit_path) : NULL;
    if ((u->username && !out->username) || (u->name && !out->name) ||
        (u->unit_path && !out->unit_path)) {
        user_release(out);
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

static bool fresh(const struct slot *s, uint64_t mono_now, int64_t clock_now)
{
    return mono_now - s->mono_ns < (uint64_t)SESSION_CACHE_TTL_MS * 1000000u &&
           clock_now >= s->clock_ms && clock_now - s->clock_ms < SESSION_CACHE_TTL_MS;
}

uint64_t session_cache_generation(void)
{
    pthread_mutex_lock(&lock);
    uint64_t g = generation;
    pthread_mutex_unlock(&lock);
    return g;
}

bool session_cache_get(const uint8_t hash[32], struct user *out)
{
    uint64_t mono_now = time_mono_ns();
    int64_t clock_now = time_now_ms();
    bool hit = false;
    pthread_mutex_lock(&lock);
    struct slot *s = slot_of(hash);
    if (s->used && memcmp(s->hash, hash, 32) == 0) {
        if (fresh(s, mono_now, clock_now))
            hit = user_copy(&s->user, out);
        else
            slot_clear(s);
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void session_cache_put(const uint8_t hash[32], const struct user *u, uint64_t gen)
{
    struct user copy;
    if (!user_copy(u, &copy))
        return; /* the cache is an optimisation: no entry, no harm */
    uint64_t mono_now = time_mono_ns();
    int64_t clock_now = time_now_ms();
    pthread_mutex_lock(&lock);
    if (gen == generation) {
        struct slot *s = slot_of(hash);
        slot_clear(s);
        s->used = true;
        memcpy(s->hash, hash, 32);
        s->mono_ns = mono_now;
        s->clock_ms = clock_now;
        s->user = copy;
        copy.username = copy.name = copy.unit_path = NULL;
    }
    pthread_mutex_unlock(&lock);
    user_release(&copy); /* only still set when not stored */
}

void session_cache_forget(const uint8_t hash[32])
{
    pthread_mutex_lock(&lock);
    generation++;
    struct slot *s = slot_of(hash);
    if (s->used && memcmp(s->hash, hash, 32) == 0)
        slot_clear(s);
    pthread_mutex_unlock(&lock);
}

void session_cache_forget_user(int64_t user_id)
{
    pthread_mutex_lock(&lock);
    generation++;
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++)
        if (slots[i].used && slots[i].user.id == user_id)
            slot_clear(&slots[i]);
    pthread_mutex_unlock(&lock);
}

void session_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    generation++;
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++)
        slot_clear(&slots[i]);
    pthread_mutex_unlock(&lock);
}
