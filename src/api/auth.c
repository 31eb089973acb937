/*
 * auth.c - /api/v1/auth: login, logout, who am I.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/throttle.h"
#include "core/timeutil.h"
#include "http/client.h"

void h_login(struct request *r)
{
    static const char *const keys[] = {"username", "password", NULL};
    const char *username, *password;
    if (jin_keys(r, r->json, NULL, keys) ||
        jin_string(r, r->json, "username", "username", true, 64, &username) ||
        jin_string(r, r->json, "password", "password", true, 1024, &password))
        return;
    char token[SESSION_TOKEN_LEN + 1];
    struct app_error e;
    struct user u;
    /* Throttled before the password is checked (app/throttle.h). */
    struct throttle *th = api_of(r)->throttle;
    char addr[64];
    request_client_addr(r, addr, sizeof addr);
    unsigned wait = throttle_begin(th, username, addr, time_now_ms());
    if (wait) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", wait);
        reply_header(r, "Retry-After", ra);
        reply_error(r, 429, "rate_limited", "too many login attempts; try again later", NULL);
        return;
    }
    int rc = app_login(api_store(r), username, password, r->cfg->session_ttl_ms, token, &u, &e);
    throttle_end(th, username, addr,
                 rc == APP_OK       ? THROTTLE_SUCCEEDED
                 : rc == APP_UNAUTH ? THROTTLE_FAILED
                                    : THROTTLE_NEUTRAL,
                 time_now_ms());
    if (rc != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    char cookie[160];
    snprintf(cookie, sizeof cookie,
             "rexian_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
             (long long)(r->cfg->session_ttl_ms / 1000), request_is_https(r) ? "; Secure" : "");
    reply_header(r, "Set-Cookie", cookie);
    reply_json(r, 200, json_pack("{s:s, s:o}", "token", token, "user", jout_user(&u)));
    user_release(&u);
}

void h_logout(struct request *r)
{
    /* The same token the dispatcher authenticated (api_bearer skips blanks
       after "Bearer", so "Bearer  tok" must end "tok", not " tok"). */
    const char *token = api_bearer(request_header(r, "Authorization"));
    if (!token)
        token = request_cookie(r, "rexian_session");
    /* Only answer 204 once the session is really gone. */
    if (token && app_logout(api_store(r), token) != APP_OK) {
        reply_header(r, "Retry-After", "1");
        reply_error(r, 503, "unavailable", "the session could not be ended, try again", NULL);
        return;
    }
    reply_header(r, "Set-Cookie",
                 request_is_https(r)
                     ? "rexian_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
                     : "rexian_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    reply_empty(r, 204);
}

void h_me(struct request *r)
{
    if (r->apikey_id) {
        reply_json(r, 200, json_pack("{s:n, s:I}", "user", "api_key_id", (json_int_t)r->apikey_id));
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "user", jout_user(&r->user)));
}
