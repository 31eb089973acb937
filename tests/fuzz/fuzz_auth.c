/*
 * fuzz_auth.c - the Authorization header and the session cookie, from the
 * header value to the session lookup, against a real (temporary) database
 * that holds one live session. The oracle: a request authenticates if and
 * only if the token it carries is exactly that session's token.
 *
 * Input: "AUTHORIZATION\nCOOKIE\nX-FORWARDED-FOR"; "@T" anywhere in the first
 * two parts stands for the live token, so the fuzzer can build near misses.
 */
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "http/client.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static char live[SESSION_TOKEN_LEN + 1];
static char dbdir[] = "/tmp/rexian-fuzz-auth-XXXXXX";

static void cleanup(void)
{
    store_close(store);
    char p[96];
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/auth.db%s", dbdir, suffix[i]);
        unlink(p);
    }
    rmdir(dbdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    json_object_seed(1);
    timeutil_set_zone("Asia/Shanghai");
    char path[96], err[256];
    struct user u;
    struct app_error e;
    if (app_init() != 0 || !mkdtemp(dbdir))
        abort();
    snprintf(path, sizeof path, "%s/auth.db", dbdir);
    if (store_open(path, true, &store, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "fuzz_auth: %s\n", err);
        abort();
    }
    atexit(cleanup);
    if (app_user_add(store, "fuzzer", "Fuzz-pass-1", ROLE_AGENT, NULL, 0, NULL, &u, &e) != APP_OK)
        abort();
    user_release(&u);
    if (app_login(store, "fuzzer", "Fuzz-pass-1", 3600 * 1000, live, &u, &e) != APP_OK)
        abort();
    user_release(&u);
    return 0;
}

/* Copies s[0..n) into out, replacing "@T" with the live token. */
static void expand(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        if (s[i] == '@' && i + 1 < n && s[i + 1] == 'T' && o + SESSION_TOKEN_LEN + 1 < cap) {
            memcpy(out + o, live, SESSION_TOKEN_LEN);
            o += SESSION_TOKEN_LEN;
            i++;
        } else {
            out[o++] = s[i] ? s[i] : ' '; /* a header value holds no NUL */
        }
    }
    out[o] = '\0';
}

/* Looks the token up; checks the oracle. */
static void try_token(const char *token)
{
    struct user u;
    struct app_error e;
    int rc = app_session_user(store, token, &u, &e);
    bool want = token && strcmp(token, live) == 0;
    if ((rc == APP_OK) != want)
        abort();
    if (rc == APP_OK)
        user_release(&u);
    else if (rc != APP_UNAUTH)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0;
    const char *p = (const char *)data, *end = p + size;
    const char *part[3] = {p, p, p};
    size_t len[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        part[k] = p;
        len[k] = (size_t)((nl ? nl : end) - p);
        p = nl ? nl + 1 : end;
    }
    char auth[4096], cookie[4096], xff[2100];
    expand(part[0], len[0], auth, sizeof auth);
    expand(part[1], len[1], cookie, sizeof cookie);
    expand(part[2], len[2], xff, sizeof xff);

    const char *bearer = api_bearer(auth);
    if (bearer && (bearer < auth || bearer > auth + strlen(auth)))
        abort();
    try_token(bearer);
    try_token(cookie);

    char addr[64];
    if (forwarded_for_last(xff, addr, sizeof addr) == 0) {
        size_t n = strlen(addr);
        if (!n || n >= sizeof addr)
            abort();
        for (size_t i = 0; i < n; i++)
            if (!strchr("0123456789abcdef.:/", addr[i]))
                abort();
    }
    return 0;
}
