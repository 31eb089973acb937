/*
 * model.h - the records the domain works with: units, categories, users,
 * tickets and their events. Plain structs; strings are owned by the record
 * and freed by its *_release(). A string field that is absent is NULL.
 */
#ifndef REXIAN_CORE_MODEL_H
#define REXIAN_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/numbers.h"
#include "core/sla.h"
#include "core/types.h"

/* 承办单位. `path` is the chain of ids from the root, "/1/7/23/". */
struct unit {
    int64_t id;
    char *code;
    char *name;
    enum unit_kind kind;
    int64_t parent_id; /* 0 for a root */
    bool active;
    char *path;
    int64_t created_at, updated_at;
};
void unit_release(struct unit *u);

/* True if the unit whose path is `path` is `root_path` itself or below it. */
bool unit_path_within(const char *path, const char *root_path);

/* 事项分类: at most three levels. */
#define CATEGORY_MAX_DEPTH 3
struct category {
    int64_t id;
    char *code;
    char *name;
    int64_t parent_id;       /* 0 for a root */
    int64_t default_unit_id; /* 0 if none */
    int depth;               /* 1 for a root */
    bool active;
    int64_t created_at, updated_at;
};
void category_release(struct category *c);

struct user {
    int64_t id;
    char *username;
    char *name;
    enum role role; /* exactly one flag */
    int64_t unit_id; /* handlers: their unit; others: 0 */
    char *unit_path; /* handlers: their unit's path; loaded with the user */
    bool active;
    char *password_hash; /* argon2id string; only loaded when needed */
    int64_t created_at, updated_at;
};
void user_release(struct user *u);

struct ticket {
    int64_t id;
    char number[TICKET_NUMBER_LEN + 1];
    enum channel channel;
    enum ticket_type type;
    enum urgency urgency;
    char *citizen_name;
    char *citizen_phone;
    bool anonymous;
    bool confidential;
    char *title;
    char *content;
    char *address;
    bool has_location;
    double lat, lng;
    char *area;
    int64_t category_id; /* 0 if none */
    int64_t unit_id;     /* lead unit (主办); 0 before dispatch */
    int64_t *co_unit_ids; /* 协办; malloc'd array */
    size_t n_co_unit_ids;
    enum ticket_status status;
    int64_t dispatched_at;  /* start of the current signing clock; 0 if none */
    int64_t sign_due, reply_due, callback_due; /* Unix ms; 0 if not running */
    int64_t reply_started_at; /* start of the reply clock; 0 = dispatched_at */
    /* The spans the clocks were set with (unset when none, or after an
       approved extension), and which deadlines were computed on a year with
       no known calendar (mask of SLA_PROV_BIT(clock)). */
    struct sla_span sign_span, reply_span, callback_span;
    unsigned deadline_provisional;
    int64_t accepted_at, replied_at, closed_at;
    char *answer;
    int64_t kb_article_id;
    char *reply;
    int contacted; /* -1 unknown, 0, 1 */
    int64_t contacted_at;
    int satisfaction; /* enum satisfaction */
    int resolved;     /* -1 unknown, 0, 1 */
    bool extension_pending;
    int64_t extension_until;
    char *extension_reason;
    int urge_count;
    int reopen_count;
    char master[TICKET_NUMBER_LEN + 1]; /* merged: the master's number; else "" */
    int64_t created_by; /* user id; 0 for integrations */
    int64_t created_at, updated_at;
    int version;
};
/* Zeroes the ticket and sets the "unknown" markers (-1, SAT_NONE). */
/* qsort's comparison of two int64_t (ids, times), ascending. */
int cmp_int64(const void *a, const void *b);

void ticket_init(struct ticket *t);
void ticket_release(struct ticket *t);

/* One row of a ticket's history. */
struct ticket_event {
    int64_t id;
    int64_t ticket_id;
    int64_t at;
    int64_t actor_id;  /* 0 for the system or an integration */
    char *actor_name;  /* loaded for display; NULL if none */
    int64_t unit_id;   /* the lead unit right after the event; 0 if none */
    enum action action;
    enum ticket_status from_status, to_status;
    char *note;
    char *args_json; /* the action's arguments as a JSON object text */
};
void ticket_event_release(struct ticket_event *e);

#endif
