/*
 * actions.c - POST /api/v1/tickets/{number}/actions/{action}.
 *
 * Decodes the body into typed action arguments (rejecting fields the action
 * does not take), then lets app/ check and apply it.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"

/* The argument names each action accepts besides "version". */
static const char *const *action_keys(enum action a)
{
    static const char *const answer[] = {"version", "answer", "kb_article_id", NULL};
    static const char *const dispatch[] = {"version", "unit_id", "co_unit_ids", "note", NULL};
    static const char *const note[] = {"version", "note", NULL};
    static const char *const unit_note[] = {"version", "unit_id", "note", NULL};
    static const char *const reason[] = {"version", "reason", NULL};
    static const char *const ext[] = {"version", "until", "reason", NULL};
    static const char *const reply[] = {"version", "reply", "contacted", "contacted_at", NULL};
    static const char *const callback[] = {"version", "satisfaction", "resolved", "note", NULL};
    static const char *const reopen[] = {"version", "reason", "unit_id", NULL};
    static const char *const merge[] = {"version", "master", "note", NULL};
    switch (a) {
    case ACT_ANSWER: return answer;
    case ACT_DISPATCH: return dispatch;
    case ACT_SUBDISPATCH: return unit_note;
    case ACT_RETURN:
    case ACT_REFUSE_RETURN:
    case ACT_REFUSE_EXTENSION: return reason;
    case ACT_REQUEST_EXTENSION: return ext;
    case ACT_REPLY: return reply;
    case ACT_CALLBACK: return callback;
    case ACT_REOPEN: return reopen;
    case ACT_MERGE: return merge;
    default: return note; /* accept, approve_extension, urge, comment */
    }
}

void h_ticket_action(struct request *r)
{
    int act = action_parse(r->params[1]);
    if (act < 0) {
        reply_error(r, 404, "not_found", "unknown action", "action");
        return;
    }
    struct actor a;
    api_actor(r, &a);
    if (!a.role) {
        reply_error(r, 403, "forbidden", "an API key cannot act on tickets here", NULL);
        return;
    }
    json_t *b = r->json;
    struct action_args g;
    action_args_init(&g);
    int64_t version = 0, kb = 0, unit = 0;
    int sat = -1;
    int64_t *co = NULL;
    size_t n_co = 0;
    if (jin_keys(r, b, NULL, action_keys(act)) ||
        jin_int(r, b, "version", "version", true, 1, INT32_MAX, &version) ||
        jin_string(r, b, "note", "note", false, WF_NOTE_MAX, &g.note) ||
        jin_string(r, b, "reason", "reason", false, WF_NOTE_MAX, &g.reason) ||
        jin_string(r, b, "answer", "answer", false, WF_TEXT_MAX, &g.answer) ||
        jin_string(r, b, "reply", "reply", false, WF_TEXT_MAX, &g.reply) ||
        jin_string(r, b, "master", "master", false, 32, &g.master) ||
        jin_int(r, b, "kb_article_id", "kb_article_id", false, 1, INT64_MAX / 2, &kb) ||
        jin_int(r, b, "unit_id", "unit_id", false, 1, INT64_MAX / 2, &unit) ||
        jin_time(r, b, "until", "until", false, &g.until) ||
        jin_time(r, b, "contacted_at", "contacted_at", false, &g.contacted_at) ||
        jin_bool(r, b, "contacted", "contacted", false, &g.contacted) ||
        jin_bool(r, b, "resolved", "resolved", false, &g.resolved) ||
        jin_enum(r, b, "satisfaction", "satisfaction", false, satisfaction_parse,
                 "satisfied, basically_satisfied, unsatisfied, unreachable", &sat) ||
        jin_id_array(r, b, "co_unit_ids", "co_unit_ids", 10, &co, &n_co))
        return;
    g.kb_article_id = kb;
    g.unit_id = unit;
    g.satisfaction = sat < 0 ? SAT_NONE : sat;
    g.co_unit_ids = co;
    g.n_co_unit_ids = n_co;
    /* The event keeps the arguments as given, without the version. */
    json_t *args = json_deep_copy(b);
    json_object_del(args, "version");
    char *args_json = args ? json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(args);
    if (!args_json) {
        free(co);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    struct ticket t;
    struct app_error e;
    int rc = app_ticket_act(api_store(r), &a, r->params[0], (int)version, act, &g, args_json, 0,
                            &t, &e);
    free(args_json);
    free(co);
    if (rc != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    unsigned allowed = app_ticket_allowed(api_store(r), &a, &t);
    jout_ticket_reply(r, 200, &t, a.role, time_now_ms(), allowed);
    ticket_release(&t);
}
