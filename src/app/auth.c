/*
 * auth.c - passwords, sessions, API keys and adding users.
 *
 * Passwords are stored as argon2id strings (libsodium). Session tokens and
 * API keys are 32 random bytes shown to the client once, base64url-encoded;
 * the database keeps only their BLAKE2b-256 hash, so a copy of the database
 * does not hand out live sessions.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/sessions.h"
#include "core/timeutil.h"
#include "core/validate.h"

/*
 * One argon2id at a time. Each hash or check takes 19 MiB for tens of
 * milliseconds; two at once on a warm server passed the 64 MB memory
 * target (docs/PERFORMANCE.md). A second login waits for the first, at most
 * APP_PASSWORD_WAIT_MS, and is then refused as busy (503, Retry-After).
 * Before each hash the heap's free memory is handed back to the kernel
 * (malloc_trim), so that the hash's 19 MiB comes on top of what is in use,
 * not on top of what the allocator keeps around after a busy spell.
 */
static pthread_mutex_t pw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pw_cond;
static pthread_once_t pw_once = PTHREAD_ONCE_INIT;
static bool pw_busy;

static void pw_init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC); /* a wall-clock step cannot stretch the wait */
    pthread_cond_init(&pw_cond, &a);
    pthread_condattr_destroy(&a);
}

/* Takes the one hashing slot; false if it stayed taken for APP_PASSWORD_WAIT_MS. */
static bool pw_begin(void)
{
    pthread_once(&pw_once, pw_init);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += APP_PASSWORD_WAIT_MS / 1000;
    until.tv_nsec += (long)(APP_PASSWORD_WAIT_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&pw_lock);
    int rc = 0;
    while (pw_busy && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&pw_cond, &pw_lock, &until);
    bool got = !pw_busy;
    if (got)
        pw_busy = true;
    pthread_mutex_unlock(&pw_lock);
    if (got)
        malloc_trim(0);
    return got;
}

static void pw_end(void)
{
    pthread_mutex_lock(&pw_lock);
    pw_busy = false;
    pthread_cond_signal(&pw_cond);
    pthread_mutex_unlock(&pw_lock);
}

/* crypto_pwhash_str_verify in the hashing slot: 0 match, -1 no match, 1 busy. */
static int pw_verify(const char *hash, const char *password)
{
    if (!pw_begin())
        return 1;
    int rc = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
    pw_end();
    return rc;
}

int app_password_hash(const char *password, char *out, size_t outlen)
{
    if (outlen < crypto_pwhash_STRBYTES)
        return -1;
    if (!pw_begin())
        return 1;
    /* argon2id with t=2 and m=19 MiB (the OWASP minimum): tens of ms and
       19 MiB for the moment of a login. */
    int rc = crypto_pwhash_str(out, password, strlen(password), 2, (size_t)19 << 20);
    pw_end();
    return rc == 0 ? 0 : -1;
}

int app_password_check(const char *password, const char **message)
{
    size_t n = strlen(password);
    if (n < 8) {
        *message = "password must be at least 8 characters";
        return -1;
    }
    if (n > 128) {
        *message = "password must be at most 128 bytes";
        return -1;
    }
    bool digit = false, alpha = false, other = false;
    for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digit = true;
        else if ((*p | 32) >= 'a' && (*p | 32) <= 'z')
            alpha = true;
        else
            other = true;
    }
    if ((int)digit + (int)alpha + (int)other < 2) {
        *message = "password must mix at least two of letters, digits and other characters";
        return -1;
    }
    return 0;
}

static void token_hash(const char *token, uint8_t hash[32])
{
    crypto_generichash(hash, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static void new_token(char *out)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

/* A fixed hash to verify against when the user does not exist, so that a
   wrong username costs as long as a wrong password. */
static char dummy_hash[crypto_pwhash_STRBYTES];

int app_init(void)
{
    if (sodium_init() < 0)
        return -1;
    return app_password_hash("rexian-no-such-user", dummy_hash, sizeof dummy_hash) == 0 ? 0 : -1;
}

int app_login(struct store *s, const char *username, const char *password, int64_t ttl_ms,
              char *token, struct user *user, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = store_user_get_by_username(c, username, user);
    if (rc != STORE_OK && rc != STORE_NOTFOUND)
        return app_store_fail(e, rc, "user");
    if (rc == STORE_NOTFOUND) {
        if (pw_verify(dummy_hash, password) == 1)
            return app_fail(e, APP_BUSY, NULL, "too many logins at once; try again");
        /* (a match cannot happen: nobody knows the dummy's password) */
        return app_fail(e, APP_UNAUTH, NULL, "invalid username or password");
    }
    int v = user->password_hash ? pw_verify(user->password_hash, password) : -1;
    if (v == 1) {
        user_release(user);
        return app_fail(e, APP_BUSY, NULL, "too many logins at once; try again");
    }
    bool ok = v == 0;
    if (!ok || !user->active) {
        user_release(user);
        return app_fail(e, APP_UNAUTH, NULL, "invalid username or password");
    }
    free(user->password_hash);
    user->password_hash = NULL;
    new_token(token);
    uint8_t hash[32];
    token_hash(token, hash);
    int64_t now = time_now_ms();
    rc = store_session_insert(c, hash, user->id, now, now + ttl_ms);
    if (rc != STORE_OK) {
        user_release(user);
        return app_store_fail(e, rc, "session");
    }
    return APP_OK;
}

int app_session_user(struct store *s, const char *token, struct user *out, struct app_error *e)
{
    if (!token || strlen(token) != SESSION_TOKEN_LEN)
        return app_fail(e, APP_UNAUTH, NULL, "not logged in or the session has ended");
    uint8_t hash[32];
    token_hash(token, hash);
    /* A session seen in the last 2 s is taken from the cache (app/sessions.h). */
    if (session_cache_get(hash, out))
        return APP_OK;
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    uint64_t gen = session_cache_generation();
    int rc = store_session_user(c, hash, time_now_ms(), out);
    if (rc == STORE_NOTFOUND)
        return app_fail(e, APP_UNAUTH, NULL, "not logged in or the session has ended");
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "session");
    session_cache_put(hash, out, gen);
    return APP_OK;
}

int app_logout(struct store *s, const char *token)
{
    struct store_conn *c = store_conn_get(s);
    if (!c || !token)
        return APP_INTERNAL;
    uint8_t hash[32];
    token_hash(token, hash);
    if (store_session_delete(c, hash) != STORE_OK)
        return APP_INTERNAL;
    session_cache_forget(hash); /* refused at once on this instance */
    return APP_OK;
}

int app_apikey_check(struct store *s, const char *key, int64_t *id, struct app_error *e)
{
    if (!key || strlen(key) != SESSION_TOKEN_LEN)
        return app_fail(e, APP_UNAUTH, NULL, "unknown API key");
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    uint8_t hash[32];
    token_hash(key, hash);
    int rc = store_apikey_lookup(c, hash, id, NULL);
    if (rc == STORE_NOTFOUND)
        return app_fail(e, APP_UNAUTH, NULL, "unknown API key");
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "API key");
}

int app_apikey_create(struct store *s, const char *name, char *key, struct app_error *e)
{
    if (!name || !*name || strlen(name) > 100)
        return app_fail(e, APP_INVALID, "name", "name is required (at most 100 bytes)");
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    new_token(key);
    uint8_t hash[32];
    token_hash(key, hash);
    int rc = store_apikey_insert(c, name, hash, time_now_ms(), NULL);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "API key");
}

int app_user_add(struct store *s, const char *username, const char *password, unsigned role,
                 const char *unit_code, int64_t unit_id, const char *name, struct user *out,
                 struct app_error *e)
{
    if (!username || !username_valid(username))
        return app_fail(e, APP_INVALID, "username",
                        "username must be 3-32 of a-z, 0-9, '_', '.', '-'");
    const char *msg = NULL;
    if (!password || app_password_check(password, &msg) != 0)
        return app_fail(e, APP_INVALID, "password", "%s", msg ? msg : "password is required");
    if (role != ROLE_AGENT && role != ROLE_HANDLER && role != ROLE_SUPERVISOR && role != ROLE_ADMIN)
        return app_fail(e, APP_INVALID, "role", "role must be agent, handler, supervisor or admin");
    if (name && (strlen(name) > 100 || !utf8_valid(name, strlen(name))))
        return app_fail(e, APP_INVALID, "name", "name must be at most 100 bytes of UTF-8");
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    if (unit_code) {
        struct unit u = {0};
        int rc = store_unit_get_by_code(c, unit_code, &u);
        unit_id = u.id;
        unit_release(&u);
        if (rc == STORE_NOTFOUND)
            return app_fail(e, APP_INVALID, "unit", "unknown unit '%s'", unit_code);
        if (rc != STORE_OK)
            return app_store_fail(e, rc, "unit");
    } else if (unit_id) {
        struct unit u = {0};
        int rc = store_unit_get(c, unit_id, &u);
        unit_release(&u);
        if (rc == STORE_NOTFOUND)
            return app_fail(e, APP_INVALID, "unit_id", "unknown unit %lld", (long long)unit_id);
        if (rc != STORE_OK)
            return app_store_fail(e, rc, "unit");
    }
    if (role == ROLE_HANDLER && !unit_id)
        return app_fail(e, APP_INVALID, unit_code ? "unit" : "unit_id",
                        "a handler must belong to a unit");
    if (role != ROLE_HANDLER && unit_id)
        return app_fail(e, APP_INVALID, unit_code ? "unit" : "unit_id",
                        "only handlers belong to a unit");
    char hash[crypto_pwhash_STRBYTES];
    int hrc = app_password_hash(password, hash, sizeof hash);
    if (hrc == 1)
        return app_fail(e, APP_BUSY, NULL, "too many password hashes at once; try again");
    if (hrc != 0)
        return app_fail(e, APP_INTERNAL, NULL, "out of memory hashing the password");
    memset(out, 0, sizeof *out);
    out->username = strdup(username);
    out->name = strdup(name && *name ? name : username);
    out->role = role;
    out->unit_id = unit_id;
    out->active = true;
    out->password_hash = strdup(hash);
    if (!out->username || !out->name || !out->password_hash) {
        user_release(out);
        return app_fail(e, APP_INTERNAL, NULL, "out of memory");
    }
    int rc = store_user_insert(c, out);
    free(out->password_hash);
    out->password_hash = NULL;
    if (rc == STORE_CONFLICT) {
        user_release(out);
        return app_fail(e, APP_CONFLICT, "username", "username '%s' is taken", username);
    }
    if (rc != STORE_OK) {
        user_release(out);
        return app_store_fail(e, rc, "user");
    }
    return APP_OK;
}
