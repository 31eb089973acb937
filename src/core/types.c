/*
 * types.c - wire names of the domain's enumerations (DESIGN.md section 2).
 *
 * Each enumeration has one table of names indexed by its value; `*_name()`
 * reads the table and `*_parse()` searches it. The tables are the single
 * place where a wire name is spelled.
 */
#include "core/types.h"

#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const status_names[ST__COUNT] = {
    [ST_REGISTERED] = "registered", [ST_DISPATCHED] = "dispatched",
    [ST_PROCESSING] = "processing", [ST_RETURNED] = "returned",
    [ST_REPLIED] = "replied",       [ST_CLOSED] = "closed",
    [ST_MERGED] = "merged",
};

static const char *const status_labels_zh[ST__COUNT] = {
    [ST_REGISTERED] = "已登记", [ST_DISPATCHED] = "已派单", [ST_PROCESSING] = "办理中",
    [ST_RETURNED] = "已退回",   [ST_REPLIED] = "已答复",    [ST_CLOSED] = "已办结",
    [ST_MERGED] = "已并单",
};

/* Past ACT__COUNT: the system events, which have names but cannot be asked for. */
static const char *const action_names[ACT__ALL] = {
    [ACT_ANSWER] = "answer",
    [ACT_DISPATCH] = "dispatch",
    [ACT_ACCEPT] = "accept",
    [ACT_SUBDISPATCH] = "subdispatch",
    [ACT_RETURN] = "return",
    [ACT_REFUSE_RETURN] = "refuse_return",
    [ACT_REQUEST_EXTENSION] = "request_extension",
    [ACT_APPROVE_EXTENSION] = "approve_extension",
    [ACT_REFUSE_EXTENSION] = "refuse_extension",
    [ACT_REPLY] = "reply",
    [ACT_CALLBACK] = "callback",
    [ACT_REOPEN] = "reopen",
    [ACT_MERGE] = "merge",
    [ACT_URGE] = "urge",
    [ACT_COMMENT] = "comment",
    [ACT_CREATE] = "create",
    [ACT_SLA_WARNING] = "sla_warning",
    [ACT_SLA_OVERDUE] = "sla_overdue",
    [ACT_DEADLINE_RECOMPUTED] = "deadline_recomputed",
};

static const char *const channel_names[CH__COUNT] = {
    [CH_PHONE] = "phone",     [CH_WEB] = "web",     [CH_APP] = "app",
    [CH_WECHAT] = "wechat",   [CH_OPEN311] = "open311", [CH_EMAIL] = "email",
    [CH_LETTER] = "letter",
};

static const char *const ticket_type_names[TT__COUNT] = {
    [TT_CONSULT] = "consult", [TT_HELP] = "help",
    [TT_COMPLAINT] = "complaint", [TT_REPORT] = "report",
    [TT_SUGGESTION] = "suggestion", [TT_PRAISE] = "praise",
};

static const char *const urgency_names[URG__COUNT] = {
    [URG_NORMAL] = "normal",
    [URG_URGENT] = "urgent",
    [URG_EMERGENCY] = "emergency",
};

static const char *const satisfaction_names[SAT__COUNT] = {
    [SAT_SATISFIED] = "satisfied",
    [SAT_BASICALLY_SATISFIED] = "basically_satisfied",
    [SAT_UNSATISFIED] = "unsatisfied",
    [SAT_UNREACHABLE] = "unreachable",
};

static const char *const unit_kind_names[UK__COUNT] = {
    [UK_CENTER] = "center", [UK_BUREAU] = "bureau",
    [UK_DISTRICT] = "district", [UK_STREET] = "street",
    [UK_ENTERPRISE] = "enterprise",
};

/* The name at `i` in a table of `n`, or NULL when `i` is out of range. */
static const char *name_at(const char *const *names, size_t n, long i)
{
    if (i < 0 || (size_t)i >= n)
        return NULL;
    return names[i];
}

/* Index of `s` in the first `n` names, or -1 (also for s == NULL). */
static int index_of(const char *const *names, size_t n, const char *s)
{
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (names[i] != NULL && strcmp(names[i], s) == 0)
            return (int)i;
    }
    return -1;
}

const char *status_name(enum ticket_status s)
{
    return name_at(status_names, COUNT_OF(status_names), s);
}

int status_parse(const char *s)
{
    return index_of(status_names, COUNT_OF(status_names), s);
}

const char *status_label_zh(enum ticket_status s)
{
    return name_at(status_labels_zh, COUNT_OF(status_labels_zh), s);
}

bool status_is_open(enum ticket_status s)
{
    return s >= ST_REGISTERED && s < ST__COUNT && s != ST_CLOSED && s != ST_MERGED;
}

const char *action_name(enum action a)
{
    return name_at(action_names, COUNT_OF(action_names), a);
}

int action_parse(const char *s)
{
    /* Only the client-visible actions: "create" is not something one can ask for. */
    return index_of(action_names, ACT__COUNT, s);
}

int action_parse_any(const char *s)
{
    return index_of(action_names, COUNT_OF(action_names), s);
}

const char *role_name(enum role r)
{
    switch (r) {
    case ROLE_AGENT:
        return "agent";
    case ROLE_HANDLER:
        return "handler";
    case ROLE_SUPERVISOR:
        return "supervisor";
    case ROLE_ADMIN:
        return "admin";
    }
    return NULL;
}

int role_parse(const char *s)
{
    static const enum role all[] = {ROLE_AGENT, ROLE_HANDLER, ROLE_SUPERVISOR, ROLE_ADMIN};

    if (s == NULL)
        return -1;
    for (size_t i = 0; i < COUNT_OF(all); i++) {
        if (strcmp(role_name(all[i]), s) == 0)
            return (int)all[i];
    }
    return -1;
}

const char *channel_name(enum channel c)
{
    return name_at(channel_names, COUNT_OF(channel_names), c);
}

int channel_parse(const char *s)
{
    return index_of(channel_names, COUNT_OF(channel_names), s);
}

const char *ticket_type_name(enum ticket_type t)
{
    return name_at(ticket_type_names, COUNT_OF(ticket_type_names), t);
}

int ticket_type_parse(const char *s)
{
    return index_of(ticket_type_names, COUNT_OF(ticket_type_names), s);
}

const char *urgency_name(enum urgency u)
{
    return name_at(urgency_names, COUNT_OF(urgency_names), u);
}

int urgency_parse(const char *s)
{
    return index_of(urgency_names, COUNT_OF(urgency_names), s);
}

const char *satisfaction_name(enum satisfaction s)
{
    return name_at(satisfaction_names, COUNT_OF(satisfaction_names), s);
}

int satisfaction_parse(const char *s)
{
    return index_of(satisfaction_names, COUNT_OF(satisfaction_names), s);
}

const char *unit_kind_name(enum unit_kind k)
{
    return name_at(unit_kind_names, COUNT_OF(unit_kind_names), k);
}

int unit_kind_parse(const char *s)
{
    return index_of(unit_kind_names, COUNT_OF(unit_kind_names), s);
}
