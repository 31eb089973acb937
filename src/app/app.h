/*
 * app.h - the use cases, one transaction each, shared by the HTTP API and the
 * command line (demo, user add). They take typed, edge-validated input, ask
 * core/ for the rules, and write through store/. No HTTP and no JSON here:
 * failures come back as a struct app_error that the API maps to a response.
 */
#ifndef REXIAN_APP_APP_H
#define REXIAN_APP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/workflow.h"
#include "store/store.h"

enum app_code {
    APP_OK = 0,
    APP_INVALID,     /* 400 invalid_argument */
    APP_UNAUTH,      /* 401 unauthenticated */
    APP_FORBIDDEN,   /* 403 forbidden */
    APP_NOTFOUND,    /* 404 not_found */
    APP_CONFLICT,    /* 409 conflict (version moved on, duplicate code) */
    APP_TRANSITION,  /* 409 invalid_transition; `allowed` names the actions */
    APP_BUSY,        /* 503 unavailable: the database stayed locked */
    APP_INTERNAL     /* 500 internal */
};

struct app_error {
    enum app_code code;
    const char *field;  /* static or NULL */
    char message[256];
    unsigned allowed;   /* APP_TRANSITION: mask of actions this user may take */
};

/* Once at start-up, before threads: initialises libsodium. 0 or -1. */
int app_init(void);

/* Sets e and returns e->code. printf-style message. */
int app_fail(struct app_error *e, enum app_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Maps a store rc to an app error (NOTFOUND -> what, CONFLICT, BUSY, ...). */
int app_store_fail(struct app_error *e, int rc, const char *what);

/* Who is acting. For integrations (API keys) user.id is 0 and role 0. */
struct actor {
    int64_t user_id;
    const char *name;
    unsigned role;        /* one enum role flag, or 0 for an integration */
    int64_t unit_id;      /* handlers */
    const char *unit_path;
};

/* ---- visibility ---- */
/* May the actor read this ticket at all? (center roles: yes; handlers: own subtree or co-unit) */
bool app_can_read(const struct actor *a, const struct ticket *t, const char *lead_unit_path,
                  const char *const *co_unit_paths);

/* ---- tickets ---- */
struct ticket_input {
    enum channel channel;
    enum ticket_type type;
    enum urgency urgency;
    const char *citizen_name, *citizen_phone;
    bool anonymous, confidential;
    const char *title, *content, *address, *area;
    bool has_location;
    double lat, lng;
    int64_t category_id; /* 0 if none */
    int64_t created_at;  /* 0 = now (the demo back-dates) */
};

/* Registers a ticket and its "create" event. On success *out is filled. */
int app_ticket_create(struct store *s, const struct actor *a, const struct ticket_input *in,
                      struct ticket *out, struct app_error *e);

/*
 * Loads a ticket the actor may read; APP_NOTFOUND both when it does not exist
 * and when the actor may not see it.
 */
int app_ticket_get(struct store *s, const struct actor *a, const char *number, struct ticket *out,
                   struct app_error *e);

/*
 * Takes action `act` on ticket `number` as `a`, naming the `version` the
 * client saw. Checks the state machine, the role, the unit scope, the
 * arguments and the data they refer to, then writes the new ticket and one
 * event in a single transaction. `at` is the time of the action (0 = now).
 * On success *out holds the ticket after the action.
 */
int app_ticket_act(struct store *s, const struct actor *a, const char *number, int version,
                   enum action act, const struct action_args *args, const char *args_json,
                   int64_t at, struct ticket *out, struct app_error *e);

/* The actions `a` may take on t now (mask of 1u << action), scope included. */
unsigned app_ticket_allowed(struct store *s, const struct actor *a, const struct ticket *t);

/* ---- users and sessions ---- */
#define SESSION_TOKEN_LEN 43 /* 32 random bytes, base64url without padding */

/*
 * Hashes a password with argon2id (19 MiB) into out (crypto_pwhash_STRBYTES). Hashes and checks run one at a time
 * process-wide; a caller waits at most APP_PASSWORD_WAIT_MS for its turn.
 * Returns 0, -1 on failure, or 1 if the wait ran out (answer 503).
 */
#define APP_PASSWORD_WAIT_MS 5000
int app_password_hash(const char *password, char *out, size_t outlen);
/* 0 if the password meets the rules (8..128 bytes, not all one kind); else message. */
int app_password_check(const char *password, const char **message);

/*
 * Checks credentials and opens a session of `ttl_ms`. On success writes the
 * token (SESSION_TOKEN_LEN + 1 bytes) and fills *user.
 */
int app_login(struct store *s, const char *username, const char *password, int64_t ttl_ms,
              char *token, struct user *user, struct app_error *e);
/* The user of a live session token; APP_UNAUTH if none or expired. */
int app_session_user(struct store *s, const char *token, struct user *out, struct app_error *e);
int app_logout(struct store *s, const char *token);
/* The name of the integration holding api `key`; APP_UNAUTH if unknown. */
int app_apikey_check(struct store *s, const char *key, int64_t *id, struct app_error *e);
/* Creates an API key; writes the key (SESSION_TOKEN_LEN + 1 bytes) once. */
int app_apikey_create(struct store *s, const char *name, char *key, struct app_error *e);

/* Adds a user; validates username, role, password, unit (required for handlers). */
int app_user_add(struct store *s, const char *username, const char *password, unsigned role,
                 const char *unit_code, int64_t unit_id, const char *name, struct user *out,
                 struct app_error *e);

#endif
