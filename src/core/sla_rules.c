/*
 * sla_rules.c - choosing a ticket's deadline spans from the rule table.
 */
#include "core/sla_rules.h"

#include <stdlib.h>
#include <string.h>

void sla_rule_init(struct sla_rule *r)
{
    memset(r, 0, sizeof *r);
    r->type = -1;
    r->urgency = -1;
    r->note = NULL;
    for (int k = 0; k < SLA_CLOCK__COUNT; k++)
        r->span[k] = SLA_SPAN_NONE;
}

void sla_rule_release(struct sla_rule *r)
{
    if (!r)
        return;
    free(r->note);
    r->note = NULL;
}

/*
 * How specific rule r is for this ticket, or -1 if it does not apply. The
 * score orders as the header says: named dimensions (hundreds), then
 * urgency, category, type (bits 4, 2, 1 shifted past the category depth),
 * then how near the named category is.
 */
static long score(const struct sla_rule *r, enum ticket_type type, enum urgency urgency,
                  const int64_t *cats, size_t n_cats)
{
    long named = 0, which = 0, nearness = 0;

    if (r->type >= 0) {
        if (r->type != (int)type)
            return -1;
        named++;
        which |= 1;
    }
    if (r->urgency >= 0) {
        if (r->urgency != (int)urgency)
            return -1;
        named++;
        which |= 4;
    }
    if (r->category_id) {
        size_t i = 0;
        while (i < n_cats && cats[i] != r->category_id)
            i++;
        if (i == n_cats)
            return -1;
        named++;
        which |= 2;
        nearness = 8 - (long)(i < 8 ? i : 8);
    }
    return named * 1000 + which * 10 + nearness;
}

void sla_rules_pick(const struct sla_rule *rules, size_t n, enum ticket_type type,
                    enum urgency urgency, const int64_t *cats, size_t n_cats,
                    struct sla_spans *out, int64_t rule_ids[SLA_CLOCK__COUNT])
{
    struct sla_span *slot[SLA_CLOCK__COUNT] = {&out->sign, &out->reply, &out->callback};
    long best[SLA_CLOCK__COUNT] = {-1, -1, -1};

    sla_default_spans(type, urgency, out);
    if (rule_ids)
        memset(rule_ids, 0, SLA_CLOCK__COUNT * sizeof *rule_ids);
    for (size_t i = 0; i < n; i++) {
        long s = score(&rules[i], type, urgency, cats, n_cats);
        if (s < 0)
            continue;
        for (int k = 0; k < SLA_CLOCK__COUNT; k++) {
            if (!sla_span_set(rules[i].span[k]) || s <= best[k])
                continue;
            best[k] = s;
            *slot[k] = rules[i].span[k];
            if (rule_ids)
                rule_ids[k] = rules[i].id;
        }
    }
}
