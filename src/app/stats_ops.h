/*
 * stats_ops.h - the operations statistics' use cases: keeping the daily
 * figures (migration 008) in step with every change, recounting them from
 * the tickets, and the hot topics (热点诉求). docs/STATISTICS.md.
 */
#ifndef REXIAN_APP_STATS_OPS_H
#define REXIAN_APP_STATS_OPS_H

#include <stdio.h>

#include "app/app.h"
#include "core/hot.h"
#include "core/stats_ops.h"

/*
 * Moves the daily figures for one change of a ticket, inside the caller's
 * write transaction: `after` is the ticket as written, `unit_before` its
 * lead unit before the change, `act` the event written (an action or a
 * system event; a creation is app_stats_record_create), `at` its time,
 * `actor_id` its user (0 for none). Events that move no figure cost next
 * to nothing.
 */
int app_stats_record(struct store_conn *c, const struct ticket *after, int64_t unit_before,
                     enum action act, int64_t at, int64_t actor_id);

/* The hot-topic words a new ticket is counted under (core/hot.h). */
struct stats_words {
    char w[HOT_WORDS][HOT_WORD_MAX];
    size_t n;
};
/*
 * Cuts them from the ticket's title and content. Dictionary segmentation
 * is the slowest part of counting a creation and needs no database: the
 * creation does it before it takes the write lock. STORE_OK, STORE_NOMEM
 * or STORE_ERROR.
 */
int app_stats_words(const struct ticket *t, struct stats_words *out);
/* The figures of a creation, with its words cut beforehand. */
int app_stats_record_create(struct store_conn *c, const struct ticket *t, int64_t at,
                            int64_t actor_id, const struct stats_words *words);

/* The outcome of a recount. */
struct stats_check {
    size_t tickets;    /* tickets read */
    size_t rows;       /* recounted rows (all tables) */
    size_t mismatches; /* rows that differ from the stored figures */
};
/*
 * Recounts every daily figure from the tickets and their events and
 * compares with the stored rows; with `rebuild` the stored rows are
 * replaced by the recount (one write transaction). Mismatches (at most 20)
 * are described on `log` (may be NULL). STORE_OK or a store rc.
 */
int app_stats_recount(struct store *s, bool rebuild, struct stats_check *out, FILE *log);
/* `rexian stats recount|rebuild`: 0 when the figures match (or were rebuilt), 1 otherwise. */
int app_cli_stats(struct store *s, bool rebuild, FILE *out, FILE *err);

/* ---- hot topics ---- */
enum hot_kind { HOT_CATEGORY, HOT_AREA, HOT_KEYWORD };
#define HOT_SAMPLES 3
struct hot_item {
    enum hot_kind kind;
    char key[64]; /* category id, area code or the word */
    char *name;   /* malloc'd: category or unit name, else the key */
    int64_t count;
    struct hot_score s;
    size_t n_samples;
    char numbers[HOT_SAMPLES][TICKET_NUMBER_LEN + 1];
    char *titles[HOT_SAMPLES];
};
/*
 * The hot topics of the day (`week`: the 7 days ending with it), best
 * first, at most `limit`: categories, areas and words whose count is far
 * above the same window in each of the HOT_BASELINE_WEEKS weeks before.
 * *out malloc'd; free with app_free_hot.
 */
int app_stats_hot(struct store *s, day_key day, bool week, int limit, struct hot_item **out,
                  size_t *n, struct app_error *e);
void app_free_hot(struct hot_item *a, size_t n);
/* The least count an item needs to be listed. */
#define HOT_MIN_DAY 5
#define HOT_MIN_WEEK 10

#endif
