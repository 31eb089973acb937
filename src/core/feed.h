/*
 * feed.h - what the live feed (GET /api/v1/events) tells whom.
 *
 * The feed is the ticket event history read forwards. Each role is told of
 * the events that bring it work:
 *   agent       new tickets, returned tickets (to re-dispatch), replies (to
 *               call back), yellow and red cards;
 *   handler     tickets dispatched, sub-dispatched, reopened or sent back to
 *               its unit subtree, urges, extension decisions, and the yellow
 *               and red cards of its tickets;
 *   supervisor  extension requests and returns waiting for approval, yellow
 *               and red cards, and new tickets and dispatches (so that the
 *               dashboard's figures follow the day live);
 *   admin       every event.
 * A handler only hears of events whose lead unit (as of the event) lies in
 * its subtree, or of tickets its subtree co-handles while they are open.
 * Pure: no SQL, no HTTP.
 */
#ifndef REXIAN_CORE_FEED_H
#define REXIAN_CORE_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "core/numbers.h"
#include "core/types.h"

/* One event as the feed sees it; strings owned, NULL when absent. */
struct feed_event {
    int64_t id;                 /* ticket_events.id: increasing, durable */
    int64_t at;                 /* Unix ms */
    enum action action;         /* any, system events included */
    int from_status;            /* enum ticket_status, or -1 */
    int to_status;              /* enum ticket_status */
    char number[TICKET_NUMBER_LEN + 1];
    int type;                   /* enum ticket_type */
    int urgency;                /* enum urgency */
    int64_t unit_id;            /* the lead unit right after the event; 0 if none */
    char *unit_path;            /* that unit's path */
    char *co_paths;             /* paths of the ticket's co-units while it is open, ' '-joined */
    char *title;
    char *args_json;            /* the event's arguments (a JSON object text) */
};
void feed_event_release(struct feed_event *e);

/* Mask (1u << action) of the events a user of `role` is told of. */
unsigned feed_actions_for(unsigned role);

/*
 * True if a user of `role` (for handlers: of the unit whose path is
 * `unit_path`) is told of e.
 */
bool feed_visible(const struct feed_event *e, unsigned role, const char *unit_path);

#endif
