/*
 * workflow.h - the work-order state machine of DESIGN.md section 2.
 *
 * One pure table of (state, action) -> (next state, roles allowed), plus the
 * argument checks of every action. It knows nothing of storage or HTTP;
 * checks that need data (does the unit exist, is the master open) are made by
 * the caller, who asks this module first.
 */
#ifndef REXIAN_CORE_WORKFLOW_H
#define REXIAN_CORE_WORKFLOW_H

#include "core/types.h"

enum wf_result {
    WF_OK = 0,
    WF_INVALID_TRANSITION, /* the action is not allowed in this state */
    WF_FORBIDDEN           /* allowed in this state, but not for these roles */
};

/*
 * May a user holding `roles` (a mask of enum role) take `a` in state `from`?
 * On WF_OK, *to (if not NULL) is the state after the action. The state check
 * comes first: an action impossible in this state is WF_INVALID_TRANSITION
 * whoever asks.
 */
enum wf_result workflow_check(enum ticket_status from, enum action a, unsigned roles,
                              enum ticket_status *to);

/* Mask (1u << action) of the actions `roles` may take in state `s`. */
unsigned workflow_allowed(enum ticket_status s, unsigned roles);

/* Mask of the actions allowed in state `s` for anyone (state check only). */
unsigned workflow_allowed_any(enum ticket_status s);

/* Roles that may take `a` at all (in some state), as a mask. */
unsigned workflow_roles(enum action a);

/* Limits on free text, in bytes of UTF-8. */
#define WF_NOTE_MAX 2000
#define WF_TEXT_MAX 8000

/*
 * The arguments of an action, already decoded and type-checked at the edge.
 * A field not given is NULL / 0 / -1 as noted. Borrowed strings.
 */
struct action_args {
    const char *note;           /* NULL if absent */
    const char *reason;         /* NULL if absent */
    const char *answer;         /* answer */
    int64_t kb_article_id;      /* answer; 0 if absent */
    int64_t unit_id;            /* dispatch, subdispatch, reopen; 0 if absent */
    const int64_t *co_unit_ids; /* dispatch */
    size_t n_co_unit_ids;
    int64_t until;          /* request_extension: Unix ms; 0 if absent */
    const char *reply;      /* reply */
    int contacted;          /* reply: -1 absent, 0 false, 1 true */
    int64_t contacted_at;   /* reply: Unix ms; 0 if absent */
    int satisfaction;       /* callback: enum satisfaction, SAT_NONE if absent */
    int resolved;           /* callback: -1 absent, 0, 1 */
    const char *master;     /* merge: ticket number */
};

/* Sets every field to "absent". */
void action_args_init(struct action_args *a);

/*
 * Checks that `args` carries what action `a` needs and nothing out of range:
 * required fields present, text non-blank and within limits, numbers
 * positive. Returns 0, or -1 with *field set to the offending argument's
 * name and *message to a static, lowercase explanation.
 */
int workflow_check_args(enum action a, const struct action_args *args, const char **field,
                        const char **message);

#endif
