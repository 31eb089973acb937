/*
 * sla_rules.h - the deadline rule table: which spans a ticket's three clocks
 * get, by ticket type, urgency and category.
 *
 * A rule names any of type, urgency and category (the others match
 * anything) and sets any of the three clocks. For each clock separately,
 * the most specific rule that sets it wins:
 *   1. the rule naming more of the three wins;
 *   2. on a tie, urgency outranks category, which outranks type (so an
 *      emergency complaint gets the emergency span, not the complaint one);
 *   3. a rule naming the ticket's own category beats one naming a parent.
 * A category rule also covers the category's descendants. A clock no rule
 * sets falls back to sla_default_spans(). Pure: no SQL, no allocation
 * except in sla_rule_release.
 */
#ifndef REXIAN_CORE_SLA_RULES_H
#define REXIAN_CORE_SLA_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/sla.h"

struct sla_rule {
    int64_t id;
    int type;            /* enum ticket_type, or -1 for any */
    int urgency;         /* enum urgency, or -1 for any */
    int64_t category_id; /* 0 for any */
    struct sla_span span[SLA_CLOCK__COUNT]; /* unset (amount < 0): left to other rules */
    char *note;          /* owned; may be NULL */
    int64_t created_at, updated_at;
};
void sla_rule_init(struct sla_rule *r);
void sla_rule_release(struct sla_rule *r);

/* The note is at most this many bytes. */
#define SLA_RULE_NOTE_MAX 200

/*
 * Picks the spans for a ticket of `type` and `urgency` whose category chain
 * is `cats` (the ticket's category first, then its parent, ...; n_cats may
 * be 0). Writes the winning rule's id per clock into rule_ids (may be NULL;
 * 0 when the default was used).
 */
void sla_rules_pick(const struct sla_rule *rules, size_t n, enum ticket_type type,
                    enum urgency urgency, const int64_t *cats, size_t n_cats,
                    struct sla_spans *out, int64_t rule_ids[SLA_CLOCK__COUNT]);

#endif
