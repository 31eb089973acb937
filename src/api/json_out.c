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

static json_t *tri(int v)
{
    return v < 0 ? json_null() : json_boolean(v);
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

/* The SLA level of the clock now running (DESIGN §3), or null. */
static json_t *sla_of(const struct ticket *t, int64_t now)
{
    const char *name = sla_level_name(api_ticket_sla(t, now, NULL));
    return name ? json_string(name) : json_null();
}

json_t *jout_ticket(const struct ticket *t, unsigned role, int64_t now, unsigned allowed)
{
    enum citizen_view cv = privacy_citizen_view(role, t->type, t->confidential, t->anonymous);
    json_t *name = json_null(), *phone = json_null();
    if (cv != CV_HIDDEN) {
        name = str_or_null(t->citizen_name);
        if (t->citizen_phone && cv == CV_MASKED) {
            char masked[64];
            if (privacy_mask_phone(t->citizen_phone, masked, sizeof masked) == 0)
                phone = json_string(masked);
        } else {
            phone = str_or_null(t->citizen_phone);
        }
    }
    json_t *co = json_array();
    for (size_t i = 0; co && i < t->n_co_unit_ids; i++)
        json_array_append_new(co, json_integer(t->co_unit_ids[i]));
    json_t *citizen = json_pack("{s:o, s:o, s:b, s:b}", "name", name, "phone", phone,
                                "anonymous", t->anonymous, "confidential", t->confidential);
    const char *sat = t->satisfaction >= 0 ? satisfaction_name(t->satisfaction) : NULL;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
        "number", t->number, "channel", channel_name(t->channel), "type",
        ticket_type_name(t->type), "urgency", urgency_name(t->urgency), "citizen", citizen,
        "title", t->title ? t->title : "", "content", t->content ? t->content : "", "address",
        str_or_null(t->address), "area", str_or_null(t->area), "lat",
        t->has_location ? json_real(t->lat) : json_null(), "lng",
        t->has_location ? json_real(t->lng) : json_null(), "category_id", jout_id(t->category_id),
        "unit_id", jout_id(t->unit_id), "co_unit_ids", co, "status", status_name(t->status),
        "status_label", status_label_zh(t->status));
    if (!o)
        return NULL;
    json_object_set_new(o, "sign_due", jout_time(t->sign_due));
    json_object_set_new(o, "reply_due", jout_time(t->reply_due));
    json_object_set_new(o, "callback_due", jout_time(t->callback_due));
    /* True while a deadline shown was counted on weekdays alone (no calendar for its year). */
    json_object_set_new(o, "deadline_provisional", json_boolean(t->deadline_provisional != 0));
    json_object_set_new(o, "sla", sla_of(t, now));
    json_object_set_new(o, "dispatched_at", jout_time(t->dispatched_at));
    json_object_set_new(o, "accepted_at", jout_time(t->accepted_at));
    json_object_set_new(o, "replied_at", jout_time(t->replied_at));
    json_object_set_new(o, "closed_at", jout_time(t->closed_at));
    json_object_set_new(o, "answer", str_or_null(t->answer));
    json_object_set_new(o, "kb_article_id", jout_id(t->kb_article_id));
    json_object_set_new(o, "reply", str_or_null(t->reply));
    json_object_set_new(o, "contacted", tri(t->contacted));
    json_object_set_new(o, "contacted_at", jout_time(t->contacted_at));
    json_object_set_new(o, "satisfaction", str_or_null(sat));
    json_object_set_new(o, "resolved", tri(t->resolved));
    json_object_set_new(o, "extension_pending", json_boolean(t->extension_pending));
    json_object_set_new(o, "extension_until", jout_time(t->extension_until));
    json_object_set_new(o, "extension_reason", str_or_null(t->extension_reason));
    json_object_set_new(o, "urge_count", json_integer(t->urge_count));
    json_object_set_new(o, "reopen_count", json_integer(t->reopen_count));
    json_object_set_new(o, "master", t->master[0] ? json_string(t->master) : json_null());
    json_object_set_new(o, "created_at", jout_time(t->created_at));
    json_object_set_new(o, "updated_at", jout_time(t->updated_at));
    json_object_set_new(o, "version", json_integer(t->version));
    if (allowed != UINT32_MAX)
        json_object_set_new(o, "allowed_actions", jout_actions(allowed));
    return o;
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
