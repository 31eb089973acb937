/*
 * assess.h - unit assessment (考核): what a ticket's history says about each
 * unit that held it, and the rates, score and ranking built from those facts.
 * docs/ASSESSMENT.md defines every measure; this header is its code.
 *
 * A ticket's history is cut into assignments: one starts at each dispatch,
 * sub-dispatch and reopen (the unit the event leaves the ticket with), and
 * ends at the next of these or at a merge. Each assignment yields one fact:
 * a row of 0/1 flags and counts (enum assess_measure), dated by the day the
 * unit received it. Pure: no SQL, no HTTP, no allocation.
 */
#ifndef REXIAN_CORE_ASSESS_H
#define REXIAN_CORE_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/types.h"

/* One event of the history as assessment needs it (the store extracts the
   arguments). Deadlines are those in force right after the event (0 = none). */
struct assess_event {
    int64_t ticket_id;
    int64_t at;
    int action;      /* enum action, system events included; -1 if unknown */
    int64_t unit_id; /* the lead unit right after the event */
    int64_t sign_due, reply_due;
    int contacted;        /* reply: 1, 0, or -1 when not given */
    int64_t contacted_at; /* reply: 0 when not given */
    int satisfaction;     /* callback: enum satisfaction, or -1 */
    int resolved;         /* callback: 1, 0, or -1 */
    int clock;            /* sla_warning / sla_overdue: enum sla_clock, or -1 */
};

/* The measures of a fact; also the columns of the stored facts and daily sums. */
enum assess_measure {
    AM_RECEIVED,        /* the assignment counts for the unit at all */
    AM_SIGN_NUM,        /* signed (or asked to return) by the signing deadline */
    AM_SIGN_DEN,        /* signed, asked to return, or its signing deadline passed */
    AM_REPLY_NUM,       /* replied by the reply deadline */
    AM_REPLY_DEN,       /* replied, or its reply deadline passed unreplied */
    AM_OVERDUE,         /* the reply deadline passed before the reply */
    AM_RETURNED,        /* the unit asked to return it (accepted or refused) */
    AM_RETURN_ACCEPTED, /* a return the center followed by re-dispatching */
    AM_RETURN_REFUSED,  /* returns refused (count) */
    AM_EXT_ASKED,       /* extensions asked (count) */
    AM_EXT_APPROVED,    /* extensions approved (count) */
    AM_REOPENED,        /* the unit's reply was reopened (重办) */
    AM_URGED,           /* urges while it held the ticket, the timer's included (count) */
    AM_RESP_NUM,        /* contacted the citizen by the response deadline */
    AM_RESP_DEN,        /* replied */
    AM_RESOL_NUM,       /* resolved per the citizen at callback */
    AM_RESOL_DEN,       /* called back and reached */
    AM_SAT_NUM,         /* satisfied or basically satisfied */
    AM_SAT_DEN,         /* gave a rating: satisfied, basically or unsatisfied */
    AM_REDO_NUM,        /* = reopened, among replied */
    AM_REDO_DEN,        /* replied */
    AM__COUNT
};
/* Column name of a measure ("received", "sign_num", ...). */
const char *assess_measure_name(enum assess_measure m);

/* One assignment's fact. */
struct assess_fact {
    int seq;              /* 1, 2, ... in the ticket's history */
    int64_t unit_id;
    int64_t received_at;  /* when the unit got it */
    int v[AM__COUNT];
};

/*
 * Derives the facts of one ticket's events (oldest first). Writes at most
 * cap facts to out and returns how many the history has (call again with a
 * larger array if that is more than cap). Assignments that count for no
 * unit (merged, passed down to a child unit) are still returned, all zero.
 */
size_t assess_facts(const struct assess_event *ev, size_t n, struct assess_fact *out, size_t cap);

/* The rates, each a numerator and denominator measure. */
enum assess_rate {
    AR_SIGN,         /* 签收及时率 */
    AR_REPLY,        /* 按时办结率 */
    AR_RESPONSE,     /* 响应率 */
    AR_RESOLUTION,   /* 解决率 */
    AR_SATISFACTION, /* 满意率 */
    AR_RETURN,       /* 退单率 */
    AR_REDO,         /* 重办率 */
    AR__COUNT
};
const char *assess_rate_name(enum assess_rate r); /* "sign_on_time", "reply_on_time", ... */
int assess_rate_parse(const char *s);             /* -1 if unknown */
enum assess_measure assess_rate_num(enum assess_rate r);
enum assess_measure assess_rate_den(enum assess_rate r);
/* num / den in percent, rounded to 0.1; false (no rate) when den is 0. */
bool assess_rate_value(const int64_t sums[AM__COUNT], enum assess_rate r, double *pct);

/* Composite score weights, integers summing to 100. */
struct assess_weights {
    int response, resolution, satisfaction;
    int64_t updated_at;
};
#define ASSESS_DEFAULT_WEIGHTS ((struct assess_weights){30, 35, 35, 0})
/* 0 when each weight is 0..100 and they sum to 100; else -1 and *field names one. */
int assess_weights_check(const struct assess_weights *w, const char **field);

/*
 * The composite score, 0..100 rounded to 0.1: the weighted mean of the
 * response, resolution and satisfaction rates over those that exist (a rate
 * with no denominator drops out and the other weights are scaled up).
 * False when none exists or every weight present is 0.
 */
bool assess_score(const int64_t sums[AM__COUNT], const struct assess_weights *w, double *score);

/*
 * Competition ranking ("1, 2, 2, 4") by score, highest first, among the
 * entries sharing a group (e.g. a unit kind). Entries without a score get
 * rank 0. rank_of[i] is the number of entries in i's group.
 */
void assess_rank(const double *score, const bool *has, const int *group, size_t n, int *rank,
                 int *rank_of);

#endif
