/*
 * assess.h - unit assessment use cases (docs/ASSESSMENT.md): keeping each
 * ticket's facts in step with its history, the monthly report and ranking,
 * the drill-down to tickets, the weights, and the recount that checks the
 * stored daily sums against the history.
 */
#ifndef REXIAN_APP_ASSESS_H
#define REXIAN_APP_ASSESS_H

#include <stdio.h>

#include "app/app.h"
#include "core/assess.h"

/*
 * Re-derives ticket_id's facts from its events and stores them (the daily
 * sums follow), on c inside the caller's write transaction: every writer of
 * an event calls it after the insert. A store rc.
 */
int app_assess_refresh(struct store_conn *c, int64_t ticket_id);

/* One unit's line of a report. */
struct assess_line {
    struct unit unit; /* owned */
    int64_t sums[AM__COUNT];
    bool has_score;
    double score;
    int rank, rank_of; /* rank 0: no score */
};
struct assess_report {
    int32_t from, to; /* days YYYYMMDD */
    bool children;
    struct assess_weights weights;
    struct assess_line *lines;
    size_t n;
};
void app_assess_report_release(struct assess_report *r);

/*
 * Every assessed unit (every kind but the center) with its sums over days
 * from..to, its own and with children its subtree's, score and rank within
 * its kind; then only those of `kind` (-1: all) and those the actor may see
 * (handlers: their subtree). Agents get APP_FORBIDDEN.
 */
int app_assess_report(struct store *s, const struct actor *a, int32_t from, int32_t to, int kind,
                      bool children, struct assess_report *out, struct app_error *e);

/* One unit's line (out->n == 1); APP_NOTFOUND for a unit the actor may not see. */
int app_assess_unit(struct store *s, const struct actor *a, int64_t unit_id, int32_t from,
                    int32_t to, bool children, struct assess_report *out, struct app_error *e);

/* The facts behind one measure of a unit (q->unit_path is filled here). */
int app_assess_items(struct store *s, const struct actor *a, struct assess_query *q,
                     struct assess_item **out, size_t *n, struct app_error *e);

int app_assess_weights_get(struct store *s, struct assess_weights *w, struct app_error *e);
/* Admin only; checked, stored and audited in one transaction. */
int app_assess_weights_put(struct store *s, const struct actor *a, const char *username,
                           const struct assess_weights *w, struct app_error *e);

/* Re-derives every ticket's facts (after a migration or a bulk load). Returns APP_OK or fills e. */
int app_assess_rebuild(struct store *s, FILE *progress, struct app_error *e);

struct assess_recount {
    int64_t tickets, facts;   /* recounted from the events */
    int64_t rows;             /* (unit, day) sums compared */
    int64_t mismatches;       /* (unit, day) rows that differ */
};
/*
 * Recomputes every fact from the events, sums them per unit and day, and
 * compares with the stored daily sums; each difference is written to
 * `report` (may be NULL). APP_OK when read (check out->mismatches).
 */
int app_assess_recount(struct store *s, FILE *report, struct assess_recount *out,
                       struct app_error *e);

#endif
