/*
 * workflow.c - the work-order state machine (DESIGN.md section 2).
 *
 * The whole machine is `rules` below: one row per action saying from which
 * states it may be taken, the state it leads to and the roles that may take
 * it. Every question the rest of the program asks (may this user do this
 * now? what may they do here?) is answered from that table alone.
 */
#include "core/workflow.h"

#include <stddef.h>
#include <string.h>

#include "core/numbers.h"
#include "core/validate.h"

#define BIT(s) (1u << (s))

/* `to` value meaning "the state does not change". */
#define SAME_STATE (-1)

#define OPEN_STATES                                                                           \
    (BIT(ST_REGISTERED) | BIT(ST_DISPATCHED) | BIT(ST_PROCESSING) | BIT(ST_RETURNED) |        \
     BIT(ST_REPLIED))
#define ALL_STATES (OPEN_STATES | BIT(ST_CLOSED) | BIT(ST_MERGED))

#define CENTER (ROLE_AGENT | ROLE_SUPERVISOR)

struct rule {
    unsigned from;  /* mask of BIT(state) the action may start from */
    int to;         /* enum ticket_status, or SAME_STATE */
    unsigned roles; /* mask of enum role */
};

static const struct rule rules[ACT__COUNT] = {
    [ACT_ANSWER] = {BIT(ST_REGISTERED), ST_CLOSED, ROLE_AGENT},
    [ACT_DISPATCH] = {BIT(ST_REGISTERED) | BIT(ST_RETURNED), ST_DISPATCHED, CENTER},
    [ACT_ACCEPT] = {BIT(ST_DISPATCHED), ST_PROCESSING, ROLE_HANDLER},
    [ACT_SUBDISPATCH] = {BIT(ST_DISPATCHED) | BIT(ST_PROCESSING), ST_DISPATCHED, ROLE_HANDLER},
    [ACT_RETURN] = {BIT(ST_DISPATCHED) | BIT(ST_PROCESSING), ST_RETURNED, ROLE_HANDLER},
    [ACT_REFUSE_RETURN] = {BIT(ST_RETURNED), ST_PROCESSING, CENTER},
    [ACT_REQUEST_EXTENSION] = {BIT(ST_PROCESSING), ST_PROCESSING, ROLE_HANDLER},
    [ACT_APPROVE_EXTENSION] = {BIT(ST_PROCESSING), ST_PROCESSING, ROLE_SUPERVISOR},
    [ACT_REFUSE_EXTENSION] = {BIT(ST_PROCESSING), ST_PROCESSING, ROLE_SUPERVISOR},
    [ACT_REPLY] = {BIT(ST_PROCESSING), ST_REPLIED, ROLE_HANDLER},
    [ACT_CALLBACK] = {BIT(ST_REPLIED), ST_CLOSED, CENTER},
    [ACT_REOPEN] = {BIT(ST_REPLIED) | BIT(ST_CLOSED), ST_DISPATCHED, CENTER},
    [ACT_MERGE] = {BIT(ST_REGISTERED) | BIT(ST_DISPATCHED) | BIT(ST_PROCESSING), ST_MERGED,
                   CENTER},
    [ACT_URGE] = {OPEN_STATES, SAME_STATE, CENTER},
    [ACT_COMMENT] = {ALL_STATES, SAME_STATE, ROLE_ANY},
};

/* Most co-handling units one ticket may name. */
#define CO_UNITS_MAX 10

enum wf_result workflow_check(enum ticket_status from, enum action a, unsigned roles,
                              enum ticket_status *to)
{
    const struct rule *r;

    if ((unsigned)from >= ST__COUNT || (unsigned)a >= ACT__COUNT)
        return WF_INVALID_TRANSITION;
    r = &rules[a];
    if ((r->from & BIT(from)) == 0)
        return WF_INVALID_TRANSITION;
    if ((r->roles & roles) == 0)
        return WF_FORBIDDEN;
    if (to != NULL)
        *to = r->to == SAME_STATE ? from : (enum ticket_status)r->to;
    return WF_OK;
}

unsigned workflow_allowed(enum ticket_status s, unsigned roles)
{
    unsigned mask = 0;

    for (int a = 0; a < ACT__COUNT; a++) {
        if (workflow_check(s, (enum action)a, roles, NULL) == WF_OK)
            mask |= BIT(a);
    }
    return mask;
}

unsigned workflow_allowed_any(enum ticket_status s)
{
    return workflow_allowed(s, ROLE_ANY);
}

unsigned workflow_roles(enum action a)
{
    if ((unsigned)a >= ACT__COUNT)
        return 0;
    return rules[a].roles;
}

void action_args_init(struct action_args *a)
{
    memset(a, 0, sizeof(*a));
    a->note = NULL;
    a->reason = NULL;
    a->answer = NULL;
    a->co_unit_ids = NULL;
    a->reply = NULL;
    a->master = NULL;
    a->contacted = -1;
    a->satisfaction = SAT_NONE;
    a->resolved = -1;
}

/* ---- argument checks ---------------------------------------------------- */

#define STR_(x) #x
#define STR(x) STR_(x)

/* A free-text argument: its wire name, its limit and its two static messages. */
struct text_rule {
    const char *field;
    size_t max;
    const char *missing;
    const char *too_long;
};

#define TEXT_RULE(name, max)                                                                  \
    {#name, max, #name " is required", #name " is too long (max " STR(max) " bytes)"}

static const struct text_rule T_NOTE = TEXT_RULE(note, WF_NOTE_MAX);
static const struct text_rule T_REASON = TEXT_RULE(reason, WF_NOTE_MAX);
static const struct text_rule T_ANSWER = TEXT_RULE(answer, WF_TEXT_MAX);
static const struct text_rule T_REPLY = TEXT_RULE(reply, WF_TEXT_MAX);

/* Where a failed check reports to; either pointer may be NULL. */
struct verdict {
    const char **field;
    const char **message;
};

/* Records the failure and returns -1, so a check can end with `return fail(...)`. */
static int fail(const struct verdict *v, const char *field, const char *message)
{
    if (v->field != NULL)
        *v->field = field;
    if (v->message != NULL)
        *v->message = message;
    return -1;
}

/*
 * A text argument: when `required`, it must be given and not blank; when
 * given, it must fit its limit. An optional text may be blank.
 */
static int check_text(const struct verdict *v, const struct text_rule *t, const char *s,
                      bool required)
{
    if (s == NULL || (required && text_blank(s)))
        return required ? fail(v, t->field, t->missing) : 0;
    if (strlen(s) > t->max)
        return fail(v, t->field, t->too_long);
    return 0;
}

/* A unit id: 0 means absent; when given it must be positive. */
static int check_unit_id(const struct verdict *v, int64_t id, bool required)
{
    if (id == 0)
        return required ? fail(v, "unit_id", "unit_id is required") : 0;
    if (id < 0)
        return fail(v, "unit_id", "unit_id must be a positive integer");
    return 0;
}

/* The co-handling units of a dispatch: few, positive, distinct, not the lead. */
static int check_co_units(const struct verdict *v, const struct action_args *args)
{
    const char *f = "co_unit_ids";

    if (args->n_co_unit_ids == 0)
        return 0;
    if (args->co_unit_ids == NULL) /* defensive: a count without an array */
        return fail(v, f, "co_unit_ids is malformed");
    if (args->n_co_unit_ids > CO_UNITS_MAX)
        return fail(v, f, "co_unit_ids has too many units (max " STR(CO_UNITS_MAX) ")");
    for (size_t i = 0; i < args->n_co_unit_ids; i++) {
        int64_t id = args->co_unit_ids[i];
        if (id <= 0)
            return fail(v, f, "co_unit_ids must hold positive integers");
        if (id == args->unit_id)
            return fail(v, f, "co_unit_ids must not contain the lead unit_id");
        for (size_t j = 0; j < i; j++) {
            if (args->co_unit_ids[j] == id)
                return fail(v, f, "co_unit_ids must not repeat a unit");
        }
    }
    return 0;
}

/* A tri-state boolean argument (-1 absent, 0, 1) that must be given. */
static int check_flag(const struct verdict *v, int flag, const char *field, const char *missing)
{
    if (flag == 0 || flag == 1)
        return 0;
    return fail(v, field, missing);
}

static int check_reply(const struct verdict *v, const struct action_args *args)
{
    if (check_text(v, &T_REPLY, args->reply, true) != 0)
        return -1;
    if (check_flag(v, args->contacted, "contacted", "contacted is required") != 0)
        return -1;
    if (args->contacted_at < 0)
        return fail(v, "contacted_at", "contacted_at is out of range");
    if (args->contacted_at > 0 && args->contacted != 1)
        return fail(v, "contacted_at", "contacted_at is only allowed when contacted is true");
    return 0;
}

static int check_callback(const struct verdict *v, const struct action_args *args)
{
    if (args->satisfaction == SAT_NONE)
        return fail(v, "satisfaction", "satisfaction is required");
    if (args->satisfaction < SAT_SATISFIED || args->satisfaction > SAT_UNREACHABLE)
        return fail(v, "satisfaction", "satisfaction is out of range");
    if (check_flag(v, args->resolved, "resolved", "resolved is required") != 0)
        return -1;
    return check_text(v, &T_NOTE, args->note, false);
}

/*
 * The per-action checks. Each names only the arguments its action uses; the
 * rest are ignored here (the HTTP layer refuses fields it does not know).
 */
int workflow_check_args(enum action a, const struct action_args *args, const char **field,
                        const char **message)
{
    const struct verdict v = {field, message};

    switch (a) {
    case ACT_ANSWER:
        if (check_text(&v, &T_ANSWER, args->answer, true) != 0)
            return -1;
        if (args->kb_article_id < 0)
            return fail(&v, "kb_article_id", "kb_article_id must be a positive integer");
        return 0;
    case ACT_DISPATCH:
        if (check_unit_id(&v, args->unit_id, true) != 0 || check_co_units(&v, args) != 0)
            return -1;
        return check_text(&v, &T_NOTE, args->note, false);
    case ACT_SUBDISPATCH:
        if (check_unit_id(&v, args->unit_id, true) != 0)
            return -1;
        return check_text(&v, &T_NOTE, args->note, false);
    case ACT_ACCEPT:
    case ACT_APPROVE_EXTENSION:
    case ACT_URGE:
        return check_text(&v, &T_NOTE, args->note, false);
    case ACT_RETURN:
    case ACT_REFUSE_RETURN:
    case ACT_REFUSE_EXTENSION:
        return check_text(&v, &T_REASON, args->reason, true);
    case ACT_REQUEST_EXTENSION:
        if (args->until == 0)
            return fail(&v, "until", "until is required");
        if (args->until < 0)
            return fail(&v, "until", "until is out of range");
        return check_text(&v, &T_REASON, args->reason, true);
    case ACT_REPLY:
        return check_reply(&v, args);
    case ACT_CALLBACK:
        return check_callback(&v, args);
    case ACT_REOPEN:
        if (check_text(&v, &T_REASON, args->reason, true) != 0)
            return -1;
        return check_unit_id(&v, args->unit_id, false);
    case ACT_MERGE:
        if (args->master == NULL || text_blank(args->master))
            return fail(&v, "master", "master is required");
        if (!ticket_number_valid(args->master))
            return fail(&v, "master", "master is not a valid ticket number");
        return 0;
    case ACT_COMMENT:
        return check_text(&v, &T_NOTE, args->note, true);
    default: /* the system events: never taken through the state machine */
        break;
    }
    return fail(&v, "action", "unknown action"); /* defensive: not a client action */
}
