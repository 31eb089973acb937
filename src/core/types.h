/*
 * types.h - the domain's vocabulary: work-order states, actions, roles and
 * the enumerations of DESIGN.md section 2, with their wire names.
 *
 * Pure: no SQL, no HTTP, no allocation. Every enum has a `*_name()` that
 * returns a static string and a `*_parse()` that maps a wire name back
 * (returns -1 for an unknown name).
 */
#ifndef REXIAN_CORE_TYPES_H
#define REXIAN_CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ticket_status {
    ST_REGISTERED,
    ST_DISPATCHED,
    ST_PROCESSING,
    ST_RETURNED,
    ST_REPLIED,
    ST_CLOSED,
    ST_MERGED,
    ST__COUNT
};

enum action {
    ACT_ANSWER,
    ACT_DISPATCH,
    ACT_ACCEPT,
    ACT_SUBDISPATCH,
    ACT_RETURN,
    ACT_REFUSE_RETURN,
    ACT_REQUEST_EXTENSION,
    ACT_APPROVE_EXTENSION,
    ACT_REFUSE_EXTENSION,
    ACT_REPLY,
    ACT_CALLBACK,
    ACT_REOPEN,
    ACT_MERGE,
    ACT_URGE,
    ACT_COMMENT,
    ACT__COUNT,
    /* Not actions a client can name: events the system writes. They are not
       in the state machine's table and action_parse() never returns them. */
    ACT_CREATE = ACT__COUNT, /* the ticket was made */
    ACT_SLA_WARNING,         /* a clock passed its warning share (yellow card) */
    ACT_SLA_OVERDUE,         /* a clock passed its deadline (red card) */
    ACT_DEADLINE_RECOMPUTED, /* provisional deadlines redone on a newly known calendar */
    ACT__ALL
};

/* Roles as flags so that a rule can name several. */
enum role {
    ROLE_AGENT = 1 << 0,
    ROLE_HANDLER = 1 << 1,
    ROLE_SUPERVISOR = 1 << 2,
    ROLE_ADMIN = 1 << 3
};
#define ROLE_ANY (ROLE_AGENT | ROLE_HANDLER | ROLE_SUPERVISOR | ROLE_ADMIN)

enum channel { CH_PHONE, CH_WEB, CH_APP, CH_WECHAT, CH_OPEN311, CH_EMAIL, CH_LETTER, CH__COUNT };

enum ticket_type {
    TT_CONSULT,
    TT_HELP,
    TT_COMPLAINT,
    TT_REPORT,
    TT_SUGGESTION,
    TT_PRAISE,
    TT__COUNT
};

enum urgency { URG_NORMAL, URG_URGENT, URG_EMERGENCY, URG__COUNT };

enum satisfaction {
    SAT_NONE = -1,
    SAT_SATISFIED = 0,
    SAT_BASICALLY_SATISFIED,
    SAT_UNSATISFIED,
    SAT_UNREACHABLE,
    SAT__COUNT
};

enum unit_kind { UK_CENTER, UK_BUREAU, UK_DISTRICT, UK_STREET, UK_ENTERPRISE, UK__COUNT };

const char *status_name(enum ticket_status s);
int status_parse(const char *s);
/* Chinese label, e.g. "办理中". */
const char *status_label_zh(enum ticket_status s);
/* True for every state but closed and merged. */
bool status_is_open(enum ticket_status s);

const char *action_name(enum action a); /* also knows the system events ("create", ...) */
int action_parse(const char *s);        /* client actions only: never a system event */
int action_parse_any(const char *s);    /* client actions and system events */

const char *role_name(enum role r); /* r is exactly one flag */
int role_parse(const char *s);      /* returns the flag, or -1 */

const char *channel_name(enum channel c);
int channel_parse(const char *s);
const char *ticket_type_name(enum ticket_type t);
int ticket_type_parse(const char *s);
const char *urgency_name(enum urgency u);
int urgency_parse(const char *s);
const char *satisfaction_name(enum satisfaction s); /* NULL for SAT_NONE */
int satisfaction_parse(const char *s);
const char *unit_kind_name(enum unit_kind k);
int unit_kind_parse(const char *s);

#endif
