/*
 * auth.c - /api/v1/auth: login, logout, who am I.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"

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
    if (app_login(api_store(r), username, password, r->cfg->session_ttl_ms, token, &u, &e) !=
        APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    char cookie[160];
    snprintf(cookie, sizeof cookie, "rexian_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
             token, (long long)(r->cfg->session_ttl_ms / 1000));
    reply_header(r, "Set-Cookie", cookie);
    reply_json(r, 200, json_pack("{s:s, s:o}", "token", token, "user", jout_user(&u)));
    user_release(&u);
}

void h_logout(struct request *r)
{
    const char *h = request_header(r, "Authorization");
    const char *token = NULL;
    if (h && strncasecmp(h, "Bearer ", 7) == 0)
        token = h + 7;
    else
        token = request_cookie(r, "rexian_session");
    if (token)
        app_logout(api_store(r), token);
    reply_header(r, "Set-Cookie", "rexian_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
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
