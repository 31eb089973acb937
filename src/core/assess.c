/*
 * assess.c - a ticket's history cut into assignments, each a fact of 0/1
 * flags and counts; rates, score and ranking over summed facts.
 * docs/ASSESSMENT.md states the definitions this code implements.
 */
#include <math.h>
#include <string.h>

#include "core/assess.h"
#include "core/sla.h"

static const char *const measure_names[AM__COUNT] = {
    "received",    "sign_num",  "sign_den",    "reply_num",  "reply_den",   "overdue",
    "returned",    "return_accepted", "return_refused", "ext_asked", "ext_approved",
    "reopened",    "urged",     "resp_num",    "resp_den",   "resol_num",   "resol_den",
    "sat_num",     "sat_den",   "redo_num",    "redo_den"};

const char *assess_measure_name(enum assess_measure m)
{
    return (unsigned)m < AM__COUNT ? measure_names[m] : "?";
}

/* What the walk remembers about the assignment in progress. */
struct run {
    bool open;
    int64_t unit_id, received_at;
    int64_t resp_due;           /* the signing deadline when the unit got it */
    bool acted;                 /* signed or asked to return */
    bool acted_on_time;
    bool sign_overdue, reply_overdue;
    bool replied, replied_late, contacted_in_time;
    bool return_pending, returned, return_accepted;
    int return_refused, ext_asked, ext_approved, urged;
    bool reopened, merged, passed_down;
    bool called_back;
    int satisfaction, resolved;
};

/* The fact of a finished (or still running) assignment. */
static void settle(const struct run *r, int seq, struct assess_fact *f)
{
    memset(f, 0, sizeof *f);
    f->seq = seq;
    f->unit_id = r->unit_id;
    f->received_at = r->received_at;
    if (r->merged || r->passed_down || !r->unit_id)
        return; /* counts for no unit */
    int *v = f->v;
    v[AM_RECEIVED] = 1;
    v[AM_RETURNED] = r->returned;
    v[AM_RETURN_ACCEPTED] = r->return_accepted;
    v[AM_RETURN_REFUSED] = r->return_refused;
    v[AM_EXT_ASKED] = r->ext_asked;
    v[AM_EXT_APPROVED] = r->ext_approved;
    v[AM_URGED] = r->urged;
    if (r->return_accepted)
        return; /* not the unit's ticket: only received and the return count */
    v[AM_SIGN_DEN] = r->acted || r->sign_overdue;
    v[AM_SIGN_NUM] = r->acted && r->acted_on_time;
    v[AM_REPLY_DEN] = r->replied || r->reply_overdue;
    v[AM_REPLY_NUM] = r->replied && !r->replied_late;
    v[AM_OVERDUE] = r->replied_late || (!r->replied && r->reply_overdue);
    v[AM_RESP_DEN] = r->replied;
    v[AM_RESP_NUM] = r->replied && r->contacted_in_time;
    v[AM_REDO_DEN] = r->replied;
    v[AM_REDO_NUM] = r->replied && r->reopened;
    v[AM_REOPENED] = v[AM_REDO_NUM];
    if (r->called_back && r->satisfaction != SAT_UNREACHABLE && r->resolved >= 0) {
        v[AM_RESOL_DEN] = 1;
        v[AM_RESOL_NUM] = r->resolved == 1;
    }
    if (r->called_back && r->satisfaction >= SAT_SATISFIED && r->satisfaction <= SAT_UNSATISFIED) {
        v[AM_SAT_DEN] = 1;
        v[AM_SAT_NUM] = r->satisfaction != SAT_UNSATISFIED;
    }
}

/* A deadline of 0 is none: anything is in time. */
static bool by(int64_t at, int64_t due) { return due == 0 || at <= due; }

size_t assess_facts(const struct assess_event *ev, size_t n, struct assess_fact *out, size_t cap)
{
    struct run r = {0};
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const struct assess_event *e = &ev[i];
        bool starts = e->action == ACT_DISPATCH || e->action == ACT_SUBDISPATCH ||
                      e->action == ACT_REOPEN;
        if (starts) {
            if (r.open) {
                if (e->action == ACT_SUBDISPATCH)
                    r.passed_down = true;
                else if (e->action == ACT_REOPEN)
                    r.reopened = true;
                else if (r.return_pending)
                    r.return_accepted = true;
                if (count < cap)
                    settle(&r, (int)count + 1, &out[count]);
                count++;
            }
            memset(&r, 0, sizeof r);
            r.open = true;
            r.unit_id = e->unit_id;
            r.received_at = e->at;
            r.resp_due = e->sign_due;
            r.satisfaction = SAT_NONE;
            r.resolved = -1;
            continue;
        }
        if (!r.open)
            continue;
        switch (e->action) {
        case ACT_ACCEPT:
        case ACT_RETURN:
            if (!r.acted) {
                r.acted = true;
                r.acted_on_time = by(e->at, e->sign_due);
            }
            if (e->action == ACT_RETURN)
                r.returned = r.return_pending = true;
            break;
        case ACT_REFUSE_RETURN:
            r.return_refused++;
            r.return_pending = false;
            break;
        case ACT_REQUEST_EXTENSION:
            r.ext_asked++;
            break;
        case ACT_APPROVE_EXTENSION:
            r.ext_approved++;
            break;
        case ACT_REPLY:
            if (r.replied)
                break; /* defensive: a second reply needs a reopen, which starts anew */
            r.replied = true;
            r.replied_late = !by(e->at, e->reply_due);
            if (e->contacted == 1) {
                int64_t when = e->contacted_at ? e->contacted_at : e->at;
                r.contacted_in_time = by(when, r.resp_due);
            }
            break;
        case ACT_CALLBACK:
            r.called_back = true;
            r.satisfaction = e->satisfaction;
            r.resolved = e->resolved;
            break;
        case ACT_URGE:
            r.urged++;
            break;
        case ACT_SLA_OVERDUE:
            if (e->clock == SLA_CLOCK_SIGN && !r.acted)
                r.sign_overdue = true;
            else if (e->clock == SLA_CLOCK_REPLY && !r.replied)
                r.reply_overdue = true;
            break;
        case ACT_MERGE:
            r.merged = true;
            if (count < cap)
                settle(&r, (int)count + 1, &out[count]);
            count++;
            r.open = false;
            break;
        default:
            break;
        }
    }
    if (r.open) {
        if (count < cap)
            settle(&r, (int)count + 1, &out[count]);
        count++;
    }
    return count;
}

static const struct {
    const char *name;
    enum assess_measure num, den;
} rates[AR__COUNT] = {
    {"sign_on_time", AM_SIGN_NUM, AM_SIGN_DEN},   {"reply_on_time", AM_REPLY_NUM, AM_REPLY_DEN},
    {"response", AM_RESP_NUM, AM_RESP_DEN},       {"resolution", AM_RESOL_NUM, AM_RESOL_DEN},
    {"satisfaction", AM_SAT_NUM, AM_SAT_DEN},     {"return", AM_RETURNED, AM_RECEIVED},
    {"redo", AM_REDO_NUM, AM_REDO_DEN},
};

const char *assess_rate_name(enum assess_rate r)
{
    return (unsigned)r < AR__COUNT ? rates[r].name : "?";
}

int assess_rate_parse(const char *s)
{
    for (int i = 0; s && i < AR__COUNT; i++)
        if (strcmp(s, rates[i].name) == 0)
            return i;
    return -1;
}

enum assess_measure assess_rate_num(enum assess_rate r) { return rates[r].num; }
enum assess_measure assess_rate_den(enum assess_rate r) { return rates[r].den; }

static double round1(double x) { return round(x * 10.0) / 10.0; }

bool assess_rate_value(const int64_t sums[AM__COUNT], enum assess_rate r, double *pct)
{
    int64_t den = sums[rates[r].den];
    if (den <= 0)
        return false;
    *pct = round1(100.0 * (double)sums[rates[r].num] / (double)den);
    return true;
}

int assess_weights_check(const struct assess_weights *w, const char **field)
{
    if (w->response < 0 || w->response > 100) {
        *field = "response";
        return -1;
    }
    if (w->resolution < 0 || w->resolution > 100) {
        *field = "resolution";
        return -1;
    }
    if (w->satisfaction < 0 || w->satisfaction > 100) {
        *field = "satisfaction";
        return -1;
    }
    if (w->response + w->resolution + w->satisfaction != 100) {
        *field = "weights";
        return -1;
    }
    return 0;
}

bool assess_score(const int64_t sums[AM__COUNT], const struct assess_weights *w, double *score)
{
    const enum assess_rate which[3] = {AR_RESPONSE, AR_RESOLUTION, AR_SATISFACTION};
    const int weight[3] = {w->response, w->resolution, w->satisfaction};
    double total = 0, wsum = 0;
    for (int i = 0; i < 3; i++) {
        int64_t den = sums[rates[which[i]].den];
        if (den <= 0 || weight[i] <= 0)
            continue;
        /* from the exact ratio, not the rounded percentage */
        total += weight[i] * 100.0 * (double)sums[rates[which[i]].num] / (double)den;
        wsum += weight[i];
    }
    if (wsum <= 0)
        return false;
    *score = round1(total / wsum);
    return true;
}

void assess_rank(const double *score, const bool *has, const int *group, size_t n, int *rank,
                 int *rank_of)
{
    for (size_t i = 0; i < n; i++) {
        int better = 0, members = 0;
        for (size_t j = 0; j < n; j++) {
            if (group[j] != group[i])
                continue;
            members++;
            if (has[i] && has[j] && score[j] > score[i])
                better++;
        }
        rank[i] = has[i] ? better + 1 : 0;
        rank_of[i] = members;
    }
}
