/*
 * demo.c - builds the demo city of demo.h.
 *
 * Units and categories go in through the store in one transaction, the staff
 * through app_user_add(), and then each ticket through app_ticket_create()
 * and a prefix of a realistic life taken with app_ticket_act() at increasing,
 * back-dated times, each action by the user who would take it. Tickets are
 * made oldest first, so numbers follow their dates; each ticket is given a
 * goal (the state it should end in), more open the younger it is, and its
 * life also stops at the first step that would lie in the future.
 */
#include "app/demo.h"

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/kb.h"
#include "core/timeutil.h"

#define MIN_MS INT64_C(60000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define NONE SIZE_MAX
#define RING 256  /* recent open tickets remembered as masters for merges */
#define STOP 1    /* a life step's "the life ends here, fine" */
#define TEXT 4096 /* room for one generated text */

/* A unit as made, and the handler who acts for it. */
struct unit_ref {
    int64_t id;
    char *path;
    size_t district; /* row of its district (streets), else NONE */
    struct actor handler;
};

/* An open ticket a repeat call may be merged into. */
struct master {
    char number[TICKET_NUMBER_LEN + 1];
    char *title, *address, *phone, *name;
    size_t tmpl, street;
    int64_t created_at;
};

struct caller {
    char name[32], phone[16];
};

struct demo {
    struct store *s;
    struct demo_rng rng;
    int64_t now;
    struct unit_ref *units;  /* parallel to demo_units */
    int64_t *cat_ids;        /* parallel to demo_categories */
    size_t *cat_unit;        /* category row -> default unit row */
    size_t *streets, n_streets;
    struct actor agents[8], sups[8];
    size_t n_agents, n_sups;
    int64_t user_count;
    struct caller *callers;
    size_t n_callers;
    struct master ring[RING];
    size_t ring_next;
    int template_total;
    struct app_error err;
    long events, answered, urged, reopened, pending_extensions;
};

enum goal { G_REGISTERED, G_DISPATCHED, G_PROCESSING, G_EXTENSION, G_RETURNED, G_REPLIED,
            G_CLOSED, G_MERGED, G__COUNT, G_ANSWERED = G__COUNT };

/* One ticket being lived. */
struct life {
    struct ticket t;
    const struct demo_template *tp;
    size_t cat, street, unit, co; /* rows; unit is the lead unit now */
    int64_t at;                   /* time of the last action */
    const char *master;
    struct demo_slots slots;
};

static const char *app_code_name(int code)
{
    static const char *const names[] = {"ok", "invalid_argument", "unauthenticated", "forbidden",
                                        "not_found", "conflict", "invalid_transition",
                                        "unavailable", "internal"};
    return code >= 0 && code <= APP_INTERNAL ? names[code] : "unknown";
}

static void report(struct demo *d, const char *what, const char *subject)
{
    fprintf(stderr, "demo: %s '%s' failed: %s (code %s, field %s)\n", what, subject,
            d->err.message, app_code_name(d->err.code), d->err.field ? d->err.field : "-");
}

/* ---- time ---------------------------------------------------------------- */

/* The first moment at or after t within office hours (weekdays 08:30-12:00, 13:30-17:30). */
static int64_t office_time(struct demo *d, int64_t t)
{
    for (int i = 0; i < 8; i++) {
        struct local_time lt;
        time_to_local(t, &lt);
        int m = lt.hour * 60 + lt.minute;
        if (lt.wday >= 1 && lt.wday <= 5) {
            if (m < 510)
                return time_from_local(lt.year, lt.month, lt.day, 8, 30, 0) +
                       demo_between(&d->rng, 0, 50 * MIN_MS);
            if (m < 720 || (m >= 810 && m < 1050))
                return t;
            if (m < 810)
                return time_from_local(lt.year, lt.month, lt.day, 13, 30, 0) +
                       demo_between(&d->rng, 0, 40 * MIN_MS);
        }
        t = time_from_local(lt.year, lt.month, lt.day + 1, 0, 0, 0);
    }
    return t;
}

/* Handlers keep office hours, except for urgent and emergency tickets. */
static int64_t handler_time(struct demo *d, const struct life *l, int64_t t)
{
    return l->t.urgency == URG_NORMAL ? office_time(d, t) : t;
}

/* The center works round the clock, but calls citizens back between 08:00 and 21:00. */
static int64_t callback_time(struct demo *d, int64_t t)
{
    struct local_time lt;

    time_to_local(t, &lt);
    if (lt.hour >= 8 && lt.hour < 21)
        return t;
    return time_from_local(lt.year, lt.month, lt.day + (lt.hour >= 21), 8, 0, 0) +
           demo_between(&d->rng, 0, 90 * MIN_MS);
}

/* t plus a fraction of the span from t to due (a little past due for a few). */
static int64_t within(struct demo *d, int64_t t, int64_t due, double late_share)
{
    double f = demo_chance(&d->rng, late_share) ? 1.02 + 0.4 * demo_real(&d->rng)
                                                : 0.08 + 0.75 * demo_real(&d->rng);
    if (due <= t)
        return t + demo_between(&d->rng, HOUR_MS, 3 * DAY_MS);
    return t + (int64_t)((double)(due - t) * f);
}

/* ---- actions ----------------------------------------------------------------- */

/* The structural arguments of an action as a JSON object (texts are in the event's note). */
static void args_json(const struct action_args *a, char *out, size_t outlen)
{
    int n = 0;

    n += snprintf(out + n, outlen - (size_t)n, "{");
    if (a->unit_id)
        n += snprintf(out + n, outlen - (size_t)n, "\"unit_id\":%lld", (long long)a->unit_id);
    if (a->n_co_unit_ids)
        n += snprintf(out + n, outlen - (size_t)n, "%s\"co_unit_ids\":[%lld]", n > 1 ? "," : "",
                      (long long)a->co_unit_ids[0]);
    if (a->until) {
        char when[32];
        time_format_rfc3339(a->until, when, sizeof when);
        n += snprintf(out + n, outlen - (size_t)n, "\"until\":\"%s\"", when);
    }
    if (a->contacted >= 0)
        n += snprintf(out + n, outlen - (size_t)n, "\"contacted\":%s",
                      a->contacted ? "true" : "false");
    if (a->contacted == 1 && a->contacted_at) { /* the history keeps when (docs/ASSESSMENT.md) */
        char when[40];
        time_format_rfc3339(a->contacted_at, when, sizeof when);
        n += snprintf(out + n, outlen - (size_t)n, ",\"contacted_at\":\"%s\"", when);
    }
    if (a->satisfaction != SAT_NONE)
        n += snprintf(out + n, outlen - (size_t)n, "\"satisfaction\":\"%s\",\"resolved\":%s",
                      satisfaction_name(a->satisfaction), a->resolved == 1 ? "true" : "false");
    if (a->master)
        n += snprintf(out + n, outlen - (size_t)n, "\"master\":\"%s\"", a->master);
    snprintf(out + n, outlen - (size_t)n, "}");
}

/*
 * Takes `act` on the ticket as `who` at `at` (pushed just after the last
 * action if not later). Returns 0, STOP when `at` lies in the future (the
 * ticket stays as it is), or -1 on an app error (reported).
 */
static int step(struct demo *d, struct life *l, const struct actor *who, enum action act,
                const struct action_args *args, int64_t at)
{
    struct ticket next;
    char json[256];

    if (at <= l->at)
        at = l->at + demo_between(&d->rng, MIN_MS, 6 * MIN_MS);
    if (at > d->now)
        return STOP;
    args_json(args, json, sizeof json);
    ticket_init(&next);
    if (app_ticket_act(d->s, who, l->t.number, l->t.version, act, args, json, at, &next,
                       &d->err) != APP_OK) {
        report(d, action_name(act), l->t.number);
        ticket_release(&next);
        return -1;
    }
    ticket_release(&l->t);
    l->t = next;
    l->at = at;
    d->events++;
    return 0;
}

#define TRY(x)                                                                                \
    do {                                                                                      \
        int rc_ = (x);                                                                        \
        if (rc_ != 0)                                                                         \
            return rc_;                                                                       \
    } while (0)

static const struct actor *agent(struct demo *d)
{
    return &d->agents[demo_below(&d->rng, (uint32_t)d->n_agents)];
}

static const struct actor *supervisor(struct demo *d)
{
    return &d->sups[demo_below(&d->rng, (uint32_t)d->n_sups)];
}

static const struct actor *handler(struct demo *d, size_t unit)
{
    return &d->units[unit].handler;
}

/* Expands a stock phrase with {U} set to `unit`'s short name. */
static void phrase(struct life *l, const char *tmpl, size_t unit, char *out, size_t outlen)
{
    demo_slot_set(&l->slots, 'U', demo_units[unit].short_name);
    demo_expand(tmpl, &l->slots, out, outlen);
}

/* One to three urges by the center between the last action and `until` (if long). */
static int urges(struct demo *d, struct life *l, int64_t until, double p)
{
    struct action_args a;
    int n = 1 + (int)demo_below(&d->rng, 3);

    if (until - l->at < 2 * DAY_MS || !demo_chance(&d->rng, p))
        return 0;
    for (int i = 0; i < n; i++) {
        action_args_init(&a);
        a.note = demo_pick(&d->rng, demo_urge_notes);
        int64_t at = callback_time(d, l->at + (int64_t)((double)(until - l->at) *
                                                     (0.2 + 0.5 * demo_real(&d->rng))));
        if (at >= until)
            break;
        TRY(step(d, l, demo_chance(&d->rng, 0.8) ? agent(d) : supervisor(d), ACT_URGE, &a, at));
    }
    return 0;
}

/* The unit that gets the ticket first: the category's, or the caller's district (属地). */
static size_t first_unit(struct demo *d, const struct life *l)
{
    if (demo_categories[l->cat].local && demo_chance(&d->rng, 0.7))
        return d->units[l->street].district;
    return d->cat_unit[l->cat];
}

/* Where a returned ticket goes: from a district to the category's unit, else the district. */
static size_t other_unit(struct demo *d, const struct life *l)
{
    return demo_units[l->unit].kind == UK_DISTRICT ? d->cat_unit[l->cat]
                                                   : d->units[l->street].district;
}

static int dispatch(struct demo *d, struct life *l, const struct actor *who, size_t unit,
                    bool with_co, int64_t at)
{
    struct action_args a;
    int64_t co;

    action_args_init(&a);
    a.unit_id = d->units[unit].id;
    if (with_co && l->co != NONE && l->co != unit && demo_chance(&d->rng, 0.6)) {
        co = d->units[l->co].id;
        a.co_unit_ids = &co;
        a.n_co_unit_ids = 1;
    }
    if (demo_chance(&d->rng, 0.3))
        a.note = demo_pick(&d->rng, demo_dispatch_notes);
    TRY(step(d, l, who, ACT_DISPATCH, &a, at));
    l->unit = unit;
    return 0;
}

/* The unit sends it back; the center re-dispatches it or refuses the return. */
static int return_flow(struct demo *d, struct life *l, enum goal g)
{
    struct action_args a;
    char reason[512];
    size_t other = other_unit(d, l);

    action_args_init(&a);
    phrase(l, demo_pick(&d->rng, demo_return_reasons), other, reason, sizeof reason);
    a.reason = reason;
    TRY(step(d, l, handler(d, l->unit), ACT_RETURN, &a,
             handler_time(d, l, l->at + demo_between(&d->rng, 20 * MIN_MS, 20 * HOUR_MS))));
    if (g == G_RETURNED)
        return urges(d, l, d->now, 0.25) < 0 ? -1 : STOP;
    int64_t at = l->at + demo_between(&d->rng, 10 * MIN_MS, 5 * HOUR_MS);
    if (demo_chance(&d->rng, 0.3)) {
        action_args_init(&a);
        a.reason = "经核实，该事项属于你单位职责范围，退单理由不成立，请继续办理。";
        return step(d, l, supervisor(d), ACT_REFUSE_RETURN, &a, at);
    }
    return dispatch(d, l, agent(d), other, false, at);
}

/* From registered to processing at some unit, or STOP on the way. */
static int dispatch_phase(struct demo *d, struct life *l, enum goal g)
{
    struct action_args a;
    char note[256];

    TRY(dispatch(d, l, agent(d), first_unit(d, l), true,
                 l->at + demo_between(&d->rng, 3 * MIN_MS, 50 * MIN_MS)));
    if (g == G_RETURNED || (g > G_RETURNED && demo_chance(&d->rng, 0.05)))
        TRY(return_flow(d, l, g));
    if (l->t.status == ST_DISPATCHED && demo_units[l->unit].kind == UK_DISTRICT &&
        demo_chance(&d->rng, 0.7)) {
        action_args_init(&a);
        phrase(l, demo_pick(&d->rng, demo_subdispatch_notes), l->street, note, sizeof note);
        a.note = note;
        a.unit_id = d->units[l->street].id;
        TRY(step(d, l, handler(d, l->unit), ACT_SUBDISPATCH, &a,
                 handler_time(d, l, l->at + demo_between(&d->rng, 10 * MIN_MS, 4 * HOUR_MS))));
        l->unit = l->street;
    }
    if (g == G_DISPATCHED)
        return urges(d, l, d->now, 0.3) < 0 ? -1 : STOP;
    if (l->t.status == ST_DISPATCHED) {
        action_args_init(&a);
        int64_t at = handler_time(d, l, within(d, l->at, l->t.sign_due, 0.06));
        TRY(urges(d, l, at, 0.2));
        TRY(step(d, l, handler(d, l->unit), ACT_ACCEPT, &a, at));
    }
    return 0;
}

/* The reply a unit writes for this ticket, having reached the citizen or not. */
static void reply_text(struct demo *d, struct life *l, bool contacted, char *out, size_t outlen)
{
    char body[TEXT], answer[TEXT];
    const char *tmpl = demo_categories[l->cat].reply;
    int n;

    demo_slot_set(&l->slots, 'U', demo_units[l->unit].short_name);
    if (l->tp->type == TT_CONSULT && l->tp->answer != NULL) {
        demo_expand(l->tp->answer, &l->slots, answer, sizeof answer);
        demo_slot_set(&l->slots, 'A', answer);
        tmpl = demo_consult_reply;
    } else if (l->tp->type == TT_SUGGESTION) {
        tmpl = demo_suggestion_reply;
    } else if (l->tp->type == TT_PRAISE) {
        tmpl = demo_praise_reply;
    }
    demo_expand(tmpl, &l->slots, body, sizeof body);
    demo_expand(demo_pick(&d->rng, demo_reply_openers), &l->slots, answer, sizeof answer);
    n = snprintf(out, outlen, "%s%s", answer, body);
    if (n > 0 && (size_t)n < outlen && tmpl != demo_consult_reply)
        snprintf(out + n, outlen - (size_t)n, "%s",
                 contacted ? demo_pick(&d->rng, demo_reply_closers)
                           : "多次电话联系市民未接通，已通过短信告知办理结果。");
}

/* Processing: maybe a co-unit's comment and an extension, then the reply (or STOP). */
static int processing_phase(struct demo *d, struct life *l, enum goal g)
{
    struct action_args a;
    char text[TEXT];

    if (l->t.n_co_unit_ids > 0 && l->co != NONE && demo_chance(&d->rng, 0.6)) {
        action_args_init(&a);
        a.note = demo_pick(&d->rng, demo_co_comments);
        TRY(step(d, l, handler(d, l->co), ACT_COMMENT, &a,
                 office_time(d, l->at + demo_between(&d->rng, HOUR_MS, 2 * DAY_MS))));
    }
    if (g == G_PROCESSING)
        return urges(d, l, d->now, 0.3) < 0 ? -1 : STOP;
    if (g == G_EXTENSION || demo_chance(&d->rng, 0.06)) {
        action_args_init(&a);
        int64_t asked = handler_time(d, l, within(d, l->at, l->t.reply_due, 0.0));
        int64_t base = l->t.reply_due > asked ? l->t.reply_due : asked;
        struct local_time lt;
        time_to_local(base + demo_between(&d->rng, 4, 15) * DAY_MS, &lt);
        a.until = time_from_local(lt.year, lt.month, lt.day, 17, 30, 0);
        a.reason = demo_pick(&d->rng, demo_extension_reasons);
        TRY(step(d, l, handler(d, l->unit), ACT_REQUEST_EXTENSION, &a, asked));
        if (g == G_EXTENSION)
            return STOP;
        action_args_init(&a);
        int64_t at = office_time(d, l->at + demo_between(&d->rng, HOUR_MS, DAY_MS));
        if (demo_chance(&d->rng, 0.85)) {
            TRY(step(d, l, supervisor(d), ACT_APPROVE_EXTENSION, &a, at));
        } else {
            a.reason = "延期理由不充分，请在原办理时限内办结。";
            TRY(step(d, l, supervisor(d), ACT_REFUSE_EXTENSION, &a, at));
        }
    }
    action_args_init(&a);
    int64_t at = handler_time(d, l, within(d, l->at, l->t.reply_due, 0.08));
    TRY(urges(d, l, at, 0.1));
    a.contacted = l->tp->type == TT_CONSULT || demo_chance(&d->rng, 0.93);
    reply_text(d, l, a.contacted, text, sizeof text);
    a.reply = text;
    /* Most units call the citizen within the signing window, the response
       deadline of the assessment (docs/ASSESSMENT.md); the others call when
       they reply. The same random draws as before keep the rest of the demo. */
    if (a.contacted && demo_chance(&d->rng, 0.7)) {
        int64_t k = (int64_t)demo_below(&d->rng, 6);
        int64_t lo = l->t.dispatched_at, hi = l->t.sign_due < at ? l->t.sign_due : at;
        a.contacted_at = hi > lo ? lo + (hi - lo) * (k + 1) / 7 : at - (at - l->at) / (2 + k);
    }
    TRY(step(d, l, handler(d, l->unit), ACT_REPLY, &a, at));
    return g == G_REPLIED ? STOP : 0;
}

/* The callback; an unhappy citizen may get the ticket reopened and worked once more. */
static int callback_phase(struct demo *d, struct life *l, int round)
{
    struct action_args a;
    double p = demo_real(&d->rng);
    int sat = p < 0.70   ? SAT_SATISFIED
              : p < 0.87 ? SAT_BASICALLY_SATISFIED
              : p < 0.96 ? SAT_UNSATISFIED
                         : SAT_UNREACHABLE;

    if (round > 0 && sat == SAT_UNSATISFIED && demo_chance(&d->rng, 0.5))
        sat = SAT_BASICALLY_SATISFIED;
    action_args_init(&a);
    a.satisfaction = sat;
    a.resolved = sat == SAT_UNSATISFIED ? demo_chance(&d->rng, 0.2) : demo_chance(&d->rng, 0.93);
    if (sat == SAT_SATISFIED && demo_chance(&d->rng, 0.5))
        a.note = demo_pick(&d->rng, demo_callback_notes);
    else if (sat == SAT_BASICALLY_SATISFIED && demo_chance(&d->rng, 0.5))
        a.note = "市民表示基本认可，希望后续加强管理。";
    else if (sat == SAT_UNREACHABLE)
        a.note = "三次电话回访均无人接听。";
    else if (sat == SAT_UNSATISFIED)
        a.note = "市民表示问题没有得到实际解决。";
    TRY(step(d, l, demo_chance(&d->rng, 0.85) ? agent(d) : supervisor(d), ACT_CALLBACK, &a,
             callback_time(d, within(d, l->at, l->t.callback_due, 0.03))));
    if (round > 0 || !(sat == SAT_UNSATISFIED ? demo_chance(&d->rng, 0.55)
                                              : demo_chance(&d->rng, 0.01)))
        return 0;
    action_args_init(&a);
    a.reason = demo_pick(&d->rng, demo_reopen_reasons);
    TRY(step(d, l, supervisor(d), ACT_REOPEN, &a,
             callback_time(d, l->at + demo_between(&d->rng, 30 * MIN_MS, 20 * HOUR_MS))));
    action_args_init(&a);
    TRY(step(d, l, handler(d, l->unit), ACT_ACCEPT, &a,
             handler_time(d, l, within(d, l->at, l->t.sign_due, 0.02))));
    TRY(processing_phase(d, l, G_CLOSED));
    return callback_phase(d, l, 1);
}

/* Drives the ticket towards goal g. Returns 0 or -1 (an app error, reported). */
static int live(struct demo *d, struct life *l, enum goal g)
{
    struct action_args a;
    char answer[TEXT];
    int rc = 0;

    action_args_init(&a);
    switch (g) {
    case G_ANSWERED:
        demo_expand(l->tp->answer, &l->slots, answer, sizeof answer);
        a.answer = answer;
        rc = step(d, l, agent(d), ACT_ANSWER, &a,
                  l->at + demo_between(&d->rng, 2 * MIN_MS, 12 * MIN_MS));
        break;
    case G_MERGED:
        a.master = l->master;
        if (demo_chance(&d->rng, 0.8)) {
            rc = step(d, l, agent(d), ACT_MERGE, &a,
                      l->at + demo_between(&d->rng, 3 * MIN_MS, 25 * MIN_MS));
        } else {
            rc = dispatch(d, l, agent(d), first_unit(d, l), false,
                          l->at + demo_between(&d->rng, 5 * MIN_MS, 40 * MIN_MS));
            if (rc == 0)
                rc = step(d, l, supervisor(d), ACT_MERGE, &a,
                          l->at + demo_between(&d->rng, HOUR_MS, 6 * HOUR_MS));
        }
        break;
    case G_REGISTERED:
        rc = urges(d, l, d->now, 0.25);
        break;
    default:
        rc = dispatch_phase(d, l, g);
        if (rc == 0)
            rc = processing_phase(d, l, g);
        if (rc == 0)
            rc = callback_phase(d, l, 0);
        break;
    }
    return rc < 0 ? -1 : 0;
}

/* ---- making tickets ------------------------------------------------------------ */

/* The state a ticket of this age should end in (shares in percent, by age). */
static enum goal pick_goal(struct demo *d, int64_t age)
{
    static const struct {
        int64_t below_days;
        double share[G__COUNT];
    } ages[] = {
        /*        reg  disp  proc  ext  ret  repl closed merged */
        {3, {24, 25, 23, 2, 5, 8, 10, 3}},
        {14, {9, 12, 22, 3, 4, 18, 29, 3}},
        {30, {5, 8, 14, 2, 3, 14, 51, 3}},
        {INT64_MAX / DAY_MS, {2, 5, 8, 1.5, 3, 8, 69, 3.5}},
    };
    size_t i = 0;
    double p = demo_real(&d->rng) * 100, sum = 0;

    while (age >= ages[i].below_days * DAY_MS)
        i++;
    for (int g = 0; g < G__COUNT; g++) {
        sum += ages[i].share[g];
        if (p < sum)
            return (enum goal)g;
    }
    return G_CLOSED;
}

static bool heating_season(int64_t t)
{
    struct local_time lt;

    time_to_local(t, &lt);
    return lt.month == 12 || lt.month <= 2 || (lt.month == 11 && lt.day >= 15) ||
           (lt.month == 3 && lt.day <= 15);
}

static size_t category_row(const char *code)
{
    for (size_t i = 0; i < demo_categories_count; i++) {
        if (strcmp(demo_categories[i].code, code) == 0)
            return i;
    }
    return NONE;
}

static size_t unit_row(const char *code)
{
    for (size_t i = 0; code != NULL && i < demo_units_count; i++) {
        if (strcmp(demo_units[i].code, code) == 0)
            return i;
    }
    return NONE;
}

/* A template by weight, in season. */
static size_t pick_template(struct demo *d, int64_t at)
{
    for (;;) {
        int p = (int)demo_below(&d->rng, (uint32_t)d->template_total);
        size_t i = 0;
        while (p >= demo_templates[i].weight)
            p -= demo_templates[i++].weight;
        if (!demo_categories[category_row(demo_templates[i].category)].winter ||
            heating_season(at))
            return i;
    }
}

/* A recent open ticket to merge a repeat call at `at` into, or NULL. */
static const struct master *pick_master(struct demo *d, int64_t at)
{
    const struct master *best = NULL;
    int seen = 0;

    for (size_t i = 0; i < RING; i++) {
        const struct master *m = &d->ring[i];
        if (m->title == NULL || m->created_at > at - 30 * MIN_MS ||
            m->created_at < at - 20 * DAY_MS)
            continue;
        if (demo_below(&d->rng, (uint32_t)++seen) == 0)
            best = m;
    }
    return best;
}

static void master_release(struct master *m)
{
    free(m->title);
    free(m->address);
    free(m->phone);
    free(m->name);
    memset(m, 0, sizeof(*m));
}

/* Remembers a ticket that stays open as a possible master for repeat calls. */
static void remember(struct demo *d, const struct life *l)
{
    struct master *m = &d->ring[d->ring_next];

    if (!status_is_open(l->t.status) || l->t.anonymous || l->t.citizen_phone == NULL ||
        l->t.address == NULL)
        return;
    master_release(m);
    memcpy(m->number, l->t.number, sizeof(m->number));
    m->title = strdup(l->t.title);
    m->address = strdup(l->t.address);
    m->phone = strdup(l->t.citizen_phone);
    m->name = strdup(l->t.citizen_name != NULL ? l->t.citizen_name : "");
    if (!m->title || !m->address || !m->phone || !m->name) {
        master_release(m); /* out of memory: just forget it */
        return;
    }
    m->tmpl = (size_t)(l->tp - demo_templates);
    m->street = l->street;
    m->created_at = l->t.created_at;
    d->ring_next = (d->ring_next + 1) % RING;
}

static enum channel pick_channel(struct demo *d)
{
    double p = demo_real(&d->rng);

    return p < 0.68 ? CH_PHONE : p < 0.76 ? CH_WEB : p < 0.85 ? CH_APP : p < 0.97 ? CH_WECHAT
           : p < 0.985 ? CH_EMAIL : CH_LETTER;
}

static enum urgency pick_urgency(struct demo *d, enum urgency most)
{
    double p = demo_real(&d->rng);

    if (most == URG_EMERGENCY)
        return p < 0.7 ? URG_EMERGENCY : p < 0.9 ? URG_URGENT : URG_NORMAL;
    if (most == URG_URGENT)
        return p < 0.6 ? URG_URGENT : URG_NORMAL;
    return p < 0.015 ? URG_URGENT : URG_NORMAL;
}

/* Registers the ticket created at `at` and lives it. Returns 0 or -1. */
static int make_ticket(struct demo *d, int64_t at)
{
    struct life l = {.co = NONE};
    struct ticket_input in = {0};
    char title[TEXT], content[TEXT], name[32], phone[16];
    enum goal g = pick_goal(d, d->now - at);
    const struct master *m = g == G_MERGED ? pick_master(d, at) : NULL;
    int rc;

    if (g == G_MERGED && m == NULL)
        g = d->now - at < 14 * DAY_MS ? G_PROCESSING : G_CLOSED;
    l.tp = &demo_templates[m != NULL ? m->tmpl : pick_template(d, at)];
    l.cat = category_row(l.tp->category);
    l.co = unit_row(demo_categories[l.cat].co_unit);
    l.street = m != NULL ? m->street : d->streets[demo_below(&d->rng, (uint32_t)d->n_streets)];
    demo_slots_pick(&d->rng, l.street, &l.slots);
    in.channel = pick_channel(d);
    in.type = l.tp->type;
    in.urgency = pick_urgency(d, l.tp->urgency);
    if (m != NULL) {
        demo_slot_set(&l.slots, 'A', m->title);
        demo_expand(demo_merge_title, &l.slots, title, sizeof title);
        demo_slot_set(&l.slots, 'A', m->number);
        demo_expand(demo_merge_content, &l.slots, content, sizeof content);
        in.citizen_name = m->name[0] != '\0' ? m->name : NULL;
        in.citizen_phone = m->phone;
        in.address = m->address;
        in.channel = CH_PHONE;
        l.master = m->number;
    } else {
        demo_expand(l.tp->title, &l.slots, title, sizeof title);
        demo_expand(l.tp->content, &l.slots, content, sizeof content);
        in.address = l.slots.v['X' - 'A'];
        if (demo_chance(&d->rng, 0.03)) {
            in.anonymous = true;
            if (demo_chance(&d->rng, 0.7)) {
                demo_mobile(&d->rng, phone, sizeof phone);
                in.citizen_phone = phone;
            }
        } else if (demo_chance(&d->rng, 0.12)) {
            const struct caller *c = &d->callers[demo_below(&d->rng, (uint32_t)d->n_callers)];
            in.citizen_name = c->name;
            in.citizen_phone = c->phone;
        } else {
            demo_person_name(&d->rng, name, sizeof name);
            demo_mobile(&d->rng, phone, sizeof phone);
            in.citizen_name = name;
            in.citizen_phone = phone;
        }
        in.confidential = demo_chance(&d->rng, in.type == TT_REPORT ? 0.4 : 0.02);
    }
    in.title = title;
    in.content = content;
    in.area = demo_units[l.street].code;
    in.has_location = demo_chance(&d->rng, in.channel == CH_PHONE ? 0.15 : 0.8);
    if (in.has_location)
        demo_location(&d->rng, l.street, &in.lat, &in.lng);
    in.category_id = d->cat_ids[l.cat];
    in.created_at = at;
    if (g == G_CLOSED && l.tp->answer != NULL && in.type == TT_CONSULT &&
        demo_chance(&d->rng, 0.65))
        g = G_ANSWERED;
    if (app_ticket_create(d->s, agent(d), &in, &l.t, &d->err) != APP_OK) {
        report(d, "create", title);
        return -1;
    }
    d->events++;
    l.at = at;
    rc = live(d, &l, g);
    if (rc == 0) {
        remember(d, &l);
        d->answered += l.t.answer != NULL && l.t.status == ST_CLOSED;
        d->urged += l.t.urge_count > 0;
        d->reopened += l.t.reopen_count > 0;
        d->pending_extensions += l.t.extension_pending;
    }
    ticket_release(&l.t);
    return rc;
}

static int cmp_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/*
 * n creation times over the last DEMO_DAYS days, oldest first: more by day
 * than by night, more on weekdays, none in the last few minutes.
 */
static int64_t *ticket_times(struct demo *d, int n)
{
    static const int hour_weight[24] = {2,  1,  1,  1,  1,  2,  4,  8,  16, 20, 20, 18,
                                        12, 12, 16, 18, 18, 15, 12, 13, 12, 9,  6,  3};
    int64_t *times = malloc(((size_t)n + 1) * sizeof(*times));
    struct local_time today, lt;
    int total = 0;

    if (times == NULL)
        return NULL;
    for (int h = 0; h < 24; h++)
        total += hour_weight[h];
    time_to_local(d->now, &today);
    for (int i = 0; i < n; i++) {
        int64_t t = d->now - 10 * MIN_MS;
        for (int tries = 0; tries < 100; tries++) {
            int h = 0, p = (int)demo_below(&d->rng, (uint32_t)total);
            while (p >= hour_weight[h])
                p -= hour_weight[h++];
            int64_t c = time_from_local(today.year, today.month,
                                        today.day - (int)demo_below(&d->rng, DEMO_DAYS), h,
                                        (int)demo_below(&d->rng, 60), (int)demo_below(&d->rng, 60));
            time_to_local(c, &lt);
            if ((lt.wday == 0 || lt.wday == 6) && !demo_chance(&d->rng, 0.55))
                continue;
            if (c > d->now - 5 * MIN_MS)
                continue;
            t = c;
            break;
        }
        times[i] = t;
    }
    qsort(times, (size_t)n, sizeof(*times), cmp_time);
    return times;
}

/* ---- the city ---------------------------------------------------------------- */

/* Units and categories, in one transaction. */
static int build_org(struct demo *d, struct store_conn *c)
{
    int rc = store_begin(c, true);

    for (size_t i = 0; rc == STORE_OK && i < demo_units_count; i++) {
        const struct demo_unit_row *r = &demo_units[i];
        size_t parent = unit_row(r->parent);
        struct unit u = {.code = (char *)r->code, .name = (char *)r->name, .kind = r->kind,
                         .active = true};
        u.parent_id = parent != NONE ? d->units[parent].id : 0;
        rc = store_unit_insert(c, &u);
        d->units[i].id = u.id;
        d->units[i].path = u.path; /* ours now */
        d->units[i].district = r->kind == UK_STREET ? parent : NONE;
        if (rc != STORE_OK)
            fprintf(stderr, "demo: adding unit '%s' failed: %s\n", r->code, store_rc_name(rc));
    }
    for (size_t i = 0; rc == STORE_OK && i < demo_categories_count; i++) {
        const struct demo_category_row *r = &demo_categories[i];
        size_t parent = category_row(r->parent != NULL ? r->parent : "");
        size_t unit = unit_row(r->unit);
        struct category k = {.code = (char *)r->code, .name = (char *)r->name, .active = true};
        k.parent_id = parent != NONE ? d->cat_ids[parent] : 0;
        k.default_unit_id = unit != NONE ? d->units[unit].id : 0;
        k.depth = parent != NONE ? 2 : 1; /* the store works it out; a hint only */
        rc = store_category_insert(c, &k);
        d->cat_ids[i] = k.id;
        d->cat_unit[i] = unit;
        if (rc != STORE_OK)
            fprintf(stderr, "demo: adding category '%s' failed: %s\n", r->code,
                    store_rc_name(rc));
    }
    if (rc == STORE_OK)
        return store_commit(c) == STORE_OK ? 0 : -1;
    store_rollback(c);
    return -1;
}

static int add_user(struct demo *d, const char *username, const char *name, unsigned role,
                    int64_t unit_id, struct actor *as)
{
    struct user u;

    memset(&u, 0, sizeof(u));
    if (app_user_add(d->s, username, DEMO_PASSWORD, role, NULL, unit_id, name, &u, &d->err) !=
        APP_OK) {
        report(d, "adding user", username);
        return -1;
    }
    *as = (struct actor){.user_id = u.id, .name = name, .role = role, .unit_id = unit_id};
    user_release(&u);
    d->user_count++;
    return 0;
}

/* The center's staff and one handler for every unit but the center. */
static int add_users(struct demo *d)
{
    for (size_t i = 0; i < demo_staff_count; i++) {
        const struct demo_staff_row *r = &demo_staff[i];
        struct actor a, *slot = &a;
        if (r->role == ROLE_AGENT && d->n_agents < 8)
            slot = &d->agents[d->n_agents++];
        else if (r->role == ROLE_SUPERVISOR && d->n_sups < 8)
            slot = &d->sups[d->n_sups++];
        if (add_user(d, r->username, r->name, r->role, 0, slot) != 0)
            return -1;
    }
    for (size_t i = 0; i < demo_units_count; i++) {
        const struct demo_unit_row *r = &demo_units[i];
        if (r->handler == NULL)
            continue;
        if (add_user(d, r->handler, r->handler_name, ROLE_HANDLER, d->units[i].id,
                     &d->units[i].handler) != 0)
            return -1;
        d->units[i].handler.unit_path = d->units[i].path;
    }
    if (d->n_agents == 0 || d->n_sups == 0) { /* defensive: the tables have both */
        fprintf(stderr, "demo: the staff table needs an agent and a supervisor\n");
        return -1;
    }
    return 0;
}

/* Streets by how busy their district is; repeat callers. */
static int prepare_callers(struct demo *d, int n_tickets)
{
    static const struct {
        const char *district;
        int weight;
    } busy[] = {{"DC", 4}, {"XC", 4}, {"GXQ", 3}, {"LHX", 2}};

    d->streets = malloc(demo_units_count * 4 * sizeof(*d->streets));
    d->n_callers = n_tickets / 25 > 20 ? (size_t)n_tickets / 25 : 20;
    d->callers = calloc(d->n_callers, sizeof(*d->callers));
    if (d->streets == NULL || d->callers == NULL)
        return -1;
    for (size_t i = 0; i < demo_units_count; i++) {
        if (demo_units[i].kind != UK_STREET)
            continue;
        int w = 1;
        for (size_t j = 0; j < sizeof(busy) / sizeof(busy[0]); j++) {
            if (strcmp(busy[j].district, demo_units[i].parent) == 0)
                w = busy[j].weight;
        }
        for (int k = 0; k < w; k++)
            d->streets[d->n_streets++] = i;
    }
    for (size_t i = 0; i < d->n_callers; i++) {
        demo_person_name(&d->rng, d->callers[i].name, sizeof(d->callers[i].name));
        demo_mobile(&d->rng, d->callers[i].phone, sizeof(d->callers[i].phone));
    }
    for (size_t i = 0; i < demo_templates_count; i++)
        d->template_total += demo_templates[i].weight;
    return d->n_streets > 0 ? 0 : -1;
}

static int make_tickets(struct demo *d, int n)
{
    int64_t *times = ticket_times(d, n);

    if (times == NULL) {
        fprintf(stderr, "demo: out of memory\n");
        return -1;
    }
    /* Batches of tickets share one commit: each ticket's own transactions
       nest inside as savepoints, so a failure still undoes just that one. */
    struct store_conn *c = store_conn_get(d->s);
    int rc = 0, open_batch = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!open_batch && store_begin(c, true) != STORE_OK) {
            rc = -1;
            break;
        }
        open_batch = 1;
        rc = make_ticket(d, times[i]);
        if (rc == 0 && ((i + 1) % 500 == 0 || i + 1 == n)) {
            rc = store_commit(c) == STORE_OK ? 0 : -1;
            open_batch = 0;
        }
        if (n >= 20000 && (i + 1) % (n / 10) == 0)
            fprintf(stderr, "demo: %d of %d tickets\n", i + 1, n);
    }
    if (open_batch)
        store_rollback(c);
    free(times);
    return rc;
}

/* ---- report -------------------------------------------------------------------- */

static void print_summary(struct demo *d, struct store_conn *c, int n, uint64_t seed,
                          double seconds, FILE *out)
{
    int64_t counts[ST__COUNT] = {0};
    size_t kinds[UK__COUNT] = {0}, leaves = 0;
    static const enum ticket_status order[] = {ST_CLOSED,     ST_REPLIED,    ST_PROCESSING,
                                               ST_DISPATCHED, ST_REGISTERED, ST_RETURNED,
                                               ST_MERGED};

    for (size_t i = 0; i < demo_units_count; i++)
        kinds[demo_units[i].kind]++;
    for (size_t i = 0; i < demo_categories_count; i++)
        leaves += demo_categories[i].reply != NULL;
    fprintf(out, "demo city built in %.1f s (seed %llu):\n", seconds, (unsigned long long)seed);
    fprintf(out,
            "  units       %zu: %zu center, %zu bureaus, %zu enterprises, %zu districts, "
            "%zu streets and towns\n",
            demo_units_count, kinds[UK_CENTER], kinds[UK_BUREAU], kinds[UK_ENTERPRISE],
            kinds[UK_DISTRICT], kinds[UK_STREET]);
    fprintf(out, "  categories  %zu, %zu of them leaves, up to 3 levels\n", demo_categories_count,
            leaves);
    fprintf(out, "  users       %lld: %zu agents, %zu supervisors, an admin, a handler per unit\n",
            (long long)d->user_count, d->n_agents, d->n_sups);
    fprintf(out, "  tickets     %d over the last %d days, %ld events\n", n, DEMO_DAYS, d->events);
    if (store_ticket_count_by_status(c, counts) == STORE_OK) {
        fprintf(out, "             ");
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
            fprintf(out, " %s %s %lld%s", status_label_zh(order[i]), status_name(order[i]),
                    (long long)counts[order[i]], i + 1 < sizeof(order) / sizeof(order[0]) ? "," : "\n");
    }
    fprintf(out,
            "              answered at once %ld, urged %ld, reopened %ld, extension awaiting "
            "approval %ld\n",
            d->answered, d->urged, d->reopened, d->pending_extensions);
    fprintf(out, "\ndemo logins (every demo user's password is %s):\n", DEMO_PASSWORD);
    fprintf(out, "  %-14s %-11s %-7s %s\n", "username", "role", "unit", "name");
    for (size_t i = 0; i < demo_logins_count; i++) {
        const struct demo_login *l = &demo_logins[i];
        fprintf(out, "  %-14s %-11s %-7s %s\n", l->username, l->role,
                l->unit_code != NULL ? l->unit_code : "-", l->name);
    }
    fprintf(out, "  also agent2..agent4, sup2, and a handler for every unit:");
    for (size_t i = 0, col = 80; i < demo_units_count; i++) {
        if (demo_units[i].handler == NULL)
            continue;
        if (col + strlen(demo_units[i].handler) > 78) {
            fprintf(out, "\n   ");
            col = 3;
        }
        fprintf(out, " %s", demo_units[i].handler);
        col += strlen(demo_units[i].handler) + 1;
    }
    fprintf(out, "\n");
}

static void demo_release(struct demo *d)
{
    for (size_t i = 0; d->units != NULL && i < demo_units_count; i++)
        free(d->units[i].path);
    for (size_t i = 0; i < RING; i++)
        master_release(&d->ring[i]);
    free(d->units);
    free(d->cat_ids);
    free(d->cat_unit);
    free(d->streets);
    free(d->callers);
}

int app_demo_build(struct store *s, int n_tickets, uint64_t seed, FILE *out)
{
    struct demo d;
    struct store_conn *c = store_conn_get(s);
    struct unit *existing = NULL;
    size_t n_existing = 0;
    uint64_t started = time_mono_ns();
    int rc = -1;

    memset(&d, 0, sizeof(d));
    if (c == NULL) {
        fprintf(stderr, "demo: cannot open the database\n");
        return 1;
    }
    if (n_tickets < 0 || n_tickets > DEMO_MAX_TICKETS) {
        fprintf(stderr, "demo: tickets must be 0..%d, not %d\n", DEMO_MAX_TICKETS, n_tickets);
        return 1;
    }
    if (store_unit_list(c, &existing, &n_existing) != STORE_OK) {
        fprintf(stderr, "demo: cannot read the units\n");
        return 1;
    }
    store_free_units(existing, n_existing);
    if (n_existing > 0) {
        fprintf(stderr, "demo: database is not empty (it has %zu units); use a fresh --db\n",
                n_existing);
        return 1;
    }
    d.s = s;
    d.rng.state = seed;
    d.now = time_now_ms();
    d.units = calloc(demo_units_count, sizeof(*d.units));
    d.cat_ids = calloc(demo_categories_count, sizeof(*d.cat_ids));
    d.cat_unit = calloc(demo_categories_count, sizeof(*d.cat_unit));
    if (d.units == NULL || d.cat_ids == NULL || d.cat_unit == NULL ||
        prepare_callers(&d, n_tickets) != 0) {
        fprintf(stderr, "demo: out of memory\n");
        goto done;
    }
    if (store_set_bulk(c, true) != STORE_OK)
        fprintf(stderr, "demo: bulk mode is not available; this will be slower\n");
    if (build_org(&d, c) == 0 && add_users(&d) == 0 && app_kb_seed_demo(s) == 0 &&
        make_tickets(&d, n_tickets) == 0)
        rc = 0;
    store_set_bulk(c, false);
    if (rc == 0 && out != NULL)
        print_summary(&d, c, n_tickets, seed, (double)(time_mono_ns() - started) / 1e9, out);
done:
    demo_release(&d);
    return rc == 0 ? 0 : 1;
}
