/*
 * json_out.c - the JSON form of the domain's records (docs/API.md).
 */
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "core/privacy.h"
#include "core/sla.h"
#include "core/timeutil.h"

json_t *jout_time(int64_t ms)
{
    char buf[40];
    if (!ms || time_format_rfc3339(ms, buf, sizeof buf) != 0)
        return json_null();
    return json_string(buf);
}

json_t *jout_id(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *jout_actions(unsigned mask)
{
    json_t *a = json_array();
    for (int i = 0; a && i < ACT__COUNT; i++)
        if (mask & (1u << i))
            json_array_append_new(a, json_string(action_name((enum action)i)));
    return a;
}

enum sla_level api_ticket_sla(const struct ticket *t, int64_t now, int64_t *due_out)
{
    int64_t start = 0, due = 0;
    switch (t->status) {
    case ST_DISPATCHED:
        start = t->dispatched_at, due = t->sign_due;
        break;
    case ST_PROCESSING:
    case ST_RETURNED:
        start = t->reply_started_at ? t->reply_started_at : t->dispatched_at;
        due = t->reply_due;
        break;
    case ST_REPLIED:
        start = t->replied_at, due = t->callback_due;
        break;
    default:
        break;
    }
    if (due_out)
        *due_out = due;
    return sla_level_at(start, due, now);
}

/* The SLA level of the clock now running (DESIGN §3), or NULL. */
static const char *sla_of(const struct ticket *t, int64_t now)
{
    return sla_level_name(api_ticket_sla(t, now, NULL));
}

/* Members of a ticket; each key comes as JSONW_KEY("name").
   A time as RFC 3339, or null for 0 (not set). */
static void w_time(struct jsonw *w, const char *key, size_t klen, int64_t ms)
{
    char buf[40];
    jsonw_key_quoted(w, key, klen);
    if (!ms || time_format_rfc3339(ms, buf, sizeof buf) != 0)
        jsonw_null(w);
    else
        jsonw_string(w, buf);
}

static void w_id(struct jsonw *w, const char *key, size_t klen, int64_t id)
{
    jsonw_key_quoted(w, key, klen);
    if (id)
        jsonw_int(w, id);
    else
        jsonw_null(w);
}

static void w_str(struct jsonw *w, const char *key, size_t klen, const char *s)
{
    jsonw_key_quoted(w, key, klen);
    jsonw_string(w, s); /* NULL is null */
}

static void w_bool(struct jsonw *w, const char *key, size_t klen, bool v)
{
    jsonw_key_quoted(w, key, klen);
    jsonw_bool(w, v);
}

/* -1 unknown (null), else a boolean. */
static void w_tri(struct jsonw *w, const char *key, size_t klen, int v)
{
    jsonw_key_quoted(w, key, klen);
    if (v < 0)
        jsonw_null(w);
    else
        jsonw_bool(w, v != 0);
}

void jout_ticket_members(struct jsonw *w, const struct ticket *t, unsigned role, int64_t now,
                         unsigned allowed)
{
    enum citizen_view cv = privacy_citizen_view(role, t->type, t->confidential, t->anonymous);
    w_str(w, JSONW_KEY("number"), t->number);
    w_str(w, JSONW_KEY("channel"), channel_name(t->channel));
    w_str(w, JSONW_KEY("type"), ticket_type_name(t->type));
    w_str(w, JSONW_KEY("urgency"), urgency_name(t->urgency));
    jsonw_key_quoted(w, JSONW_KEY("citizen"));
    jsonw_object_begin(w);
    const char *name = NULL, *phone = NULL;
    char masked[64];
    if (cv != CV_HIDDEN) {
        name = t->citizen_name;
        if (t->citizen_phone && cv == CV_MASKED)
            phone = privacy_mask_phone(t->citizen_phone, masked, sizeof masked) == 0 ? masked
                                                                                    : NULL;
        else
            phone = t->citizen_phone;
    }
    w_str(w, JSONW_KEY("name"), name);
    w_str(w, JSONW_KEY("phone"), phone);
    w_bool(w, JSONW_KEY("anonymous"), t->anonymous);
    w_bool(w, JSONW_KEY("confidential"), t->confidential);
    jsonw_object_end(w);
    w_str(w, JSONW_KEY("title"), t->title ? t->title : "");
    w_str(w, JSONW_KEY("content"), t->content ? t->content : "");
    w_str(w, JSONW_KEY("address"), t->address);
    w_str(w, JSONW_KEY("area"), t->area);
    jsonw_key_quoted(w, JSONW_KEY("lat"));
    if (t->has_location)
        jsonw_real(w, t->lat);
    else
        jsonw_null(w);
    jsonw_key_quoted(w, JSONW_KEY("lng"));
    if (t->has_location)
        jsonw_real(w, t->lng);
    else
        jsonw_null(w);
    w_id(w, JSONW_KEY("category_id"), t->category_id);
    w_id(w, JSONW_KEY("unit_id"), t->unit_id);
    jsonw_key_quoted(w, JSONW_KEY("co_unit_ids"));
    jsonw_array_begin(w);
    for (size_t i = 0; i < t->n_co_unit_ids; i++)
        jsonw_int(w, t->co_unit_ids[i]);
    jsonw_array_end(w);
    w_str(w, JSONW_KEY("status"), status_name(t->status));
    w_str(w, JSONW_KEY("status_label"), status_label_zh(t->status));
    w_time(w, JSONW_KEY("sign_due"), t->sign_due);
    w_time(w, JSONW_KEY("reply_due"), t->reply_due);
    w_time(w, JSONW_KEY("callback_due"), t->callback_due);
    /* True while a deadline shown was counted on weekdays alone (no calendar for its year). */
    w_bool(w, JSONW_KEY("deadline_provisional"), t->deadline_provisional != 0);
    w_str(w, JSONW_KEY("sla"), sla_of(t, now));
    w_time(w, JSONW_KEY("dispatched_at"), t->dispatched_at);
    w_time(w, JSONW_KEY("accepted_at"), t->accepted_at);
    w_time(w, JSONW_KEY("replied_at"), t->replied_at);
    w_time(w, JSONW_KEY("closed_at"), t->closed_at);
    w_str(w, JSONW_KEY("answer"), t->answer);
    w_id(w, JSONW_KEY("kb_article_id"), t->kb_article_id);
    w_str(w, JSONW_KEY("reply"), t->reply);
    w_tri(w, JSONW_KEY("contacted"), t->contacted);
    w_time(w, JSONW_KEY("contacted_at"), t->contacted_at);
    w_str(w, JSONW_KEY("satisfaction"), t->satisfaction >= 0 ? satisfaction_name(t->satisfaction) : NULL);
    w_tri(w, JSONW_KEY("resolved"), t->resolved);
    w_bool(w, JSONW_KEY("extension_pending"), t->extension_pending);
    w_time(w, JSONW_KEY("extension_until"), t->extension_until);
    w_str(w, JSONW_KEY("extension_reason"), t->extension_reason);
    jsonw_key_quoted(w, JSONW_KEY("urge_count"));
    jsonw_int(w, t->urge_count);
    jsonw_key_quoted(w, JSONW_KEY("reopen_count"));
    jsonw_int(w, t->reopen_count);
    w_str(w, JSONW_KEY("master"), t->master[0] ? t->master : NULL);
    w_time(w, JSONW_KEY("created_at"), t->created_at);
    w_time(w, JSONW_KEY("updated_at"), t->updated_at);
    jsonw_key_quoted(w, JSONW_KEY("version"));
    jsonw_int(w, t->version);
    if (allowed != UINT32_MAX) {
        jsonw_key_quoted(w, JSONW_KEY("allowed_actions"));
        jsonw_array_begin(w);
        for (int i = 0; i < ACT__COUNT; i++)
            if (allowed & (1u << i))
                jsonw_string(w, action_name((enum action)i));
        jsonw_array_end(w);
    }
}

void jout_ticket_reply(struct request *r, unsigned status, const struct ticket *t, unsigned role,
                       int64_t now, unsigned allowed)
{
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_object_begin(&w);
    jout_ticket_members(&w, t, role, now, allowed);
    jsonw_object_end(&w);
    reply_jsonw(r, status, &w);
}

json_t *jout_unit(const struct unit *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:o, s:o}", "id", (json_int_t)u->id, "code",
                     u->code ? u->code : "", "name", u->name ? u->name : "", "kind",
                     unit_kind_name(u->kind), "parent_id", jout_id(u->parent_id), "active",
                     u->active, "created_at", jout_time(u->created_at), "updated_at",
                     jout_time(u->updated_at));
}

json_t *jout_category(const struct category *c)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:i, s:b, s:o, s:o}", "id", (json_int_t)c->id,
                     "code", c->code ? c->code : "", "name", c->name ? c->name : "", "parent_id",
                     jout_id(c->parent_id), "default_unit_id", jout_id(c->default_unit_id),
                     "depth", c->depth, "active", c->active, "created_at",
                     jout_time(c->created_at), "updated_at", jout_time(c->updated_at));
}

json_t *jout_user(const struct user *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:o, s:o}", "id", (json_int_t)u->id,
                     "username", u->username ? u->username : "", "name", u->name ? u->name : "",
                     "role", role_name(u->role), "unit_id", jout_id(u->unit_id), "active",
                     u->active, "created_at", jout_time(u->created_at), "updated_at",
                     jout_time(u->updated_at));
}

json_t *jout_event(const struct ticket_event *e)
{
    json_t *args = NULL;
    if (e->args_json)
        args = json_loads(e->args_json, 0, NULL);
    if (!args)
        args = json_object();
    json_t *actor = e->actor_id ? json_pack("{s:I, s:o}", "id", (json_int_t)e->actor_id, "name",
                                            str_or_null(e->actor_name))
                                : json_null();
    return json_pack("{s:I, s:o, s:o, s:s, s:o, s:s, s:o, s:o}", "id", (json_int_t)e->id, "at",
                     jout_time(e->at), "actor", actor, "action", action_name(e->action), "from",
                     e->from_status < ST__COUNT ? json_string(status_name(e->from_status))
                                                : json_null(),
                     "to", status_name(e->to_status), "note", str_or_null(e->note), "args", args);
}
