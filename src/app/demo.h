/*
 * demo.h - the demo city: a fresh database filled with a plausible Chinese
 * prefecture-level city (units, a category tree, staff of every role and a
 * few thousand work orders in every state) so that agents, unit staff and
 * supervisors can try the whole system (`rexian demo`, first `make run`).
 *
 * Everything is made through the same doors as in production: units and
 * categories through the store, users through app_user_add(), tickets through
 * app_ticket_create() and app_ticket_act() with back-dated times, so every
 * ticket carries the events and passed the checks it would have over the API.
 * The same seed gives the same city (ticket times are relative to now).
 *
 * The first half of this header is the public interface (main.c, make run);
 * the second half is shared only by demo.c (the driver) and demo_city.c (the
 * data and the text generator).
 */
#ifndef REXIAN_APP_DEMO_H
#define REXIAN_APP_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/types.h"
#include "store/store.h"

/* Every demo user's password (printed by `rexian demo` and `make run`). */
#define DEMO_PASSWORD "demo-12345"
#define DEMO_DEFAULT_TICKETS 2000
#define DEMO_MAX_TICKETS 1000000
/* Tickets are spread over this many days before now. */
#define DEMO_DAYS 90

/*
 * Builds the demo city into `s` (migrated, and empty: if any unit exists it
 * changes nothing and fails with "database is not empty"). Makes `n_tickets`
 * tickets (0..DEMO_MAX_TICKETS) from PRNG `seed`, prints what it made and the
 * table of demo logins to `out` (may be NULL), and errors to stderr. Returns
 * 0 on success, non-zero on failure (an app error during the build is a bug
 * and is reported with its code, field and message).
 */
int app_demo_build(struct store *s, int n_tickets, uint64_t seed, FILE *out);

/* A representative handful of demo users, one a line, for printing. */
struct demo_login {
    const char *username, *password, *role, *unit_code, *name;
};
extern const struct demo_login demo_logins[];
extern const size_t demo_logins_count;

/* ---- shared by demo.c and demo_city.c only -------------------------------- */

/* splitmix64: a tiny, fast, deterministic generator; good enough for fake data. */
struct demo_rng {
    uint64_t state;
};

static inline uint64_t demo_rand(struct demo_rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));

    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0. The bias of the modulo is irrelevant here. */
static inline uint32_t demo_below(struct demo_rng *r, uint32_t n)
{
    return n == 0 ? 0 : (uint32_t)(demo_rand(r) % n);
}

/* Uniform in [0, 1). */
static inline double demo_real(struct demo_rng *r)
{
    return (double)(demo_rand(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline bool demo_chance(struct demo_rng *r, double p)
{
    return demo_real(r) < p;
}

/* Uniform in [lo, hi]. */
static inline int64_t demo_between(struct demo_rng *r, int64_t lo, int64_t hi)
{
    return hi <= lo ? lo : lo + (int64_t)(demo_rand(r) % (uint64_t)(hi - lo + 1));
}

/* A unit of the city. Parents come before their children. */
struct demo_unit_row {
    const char *code;
    const char *name;
    const char *short_name; /* as said on the phone: 住建局, 东关街道 */
    enum unit_kind kind;
    const char *parent;       /* parent's code, or NULL for a root */
    const char *handler;      /* username of its handler, or NULL (the center) */
    const char *handler_name;
};
extern const struct demo_unit_row demo_units[];
extern const size_t demo_units_count;

/* A category. Parents come before their children; only leaves get tickets. */
struct demo_category_row {
    const char *code;
    const char *name;
    const char *parent;  /* parent's code, or NULL */
    const char *unit;    /* default unit's code, or NULL */
    const char *co_unit; /* a unit that co-handles some of its tickets, or NULL */
    bool local;          /* usually handled by the caller's district (属地) */
    bool winter;         /* only heard in the heating season */
    const char *reply;   /* leaves: the unit's usual reply, with slots */
};
extern const struct demo_category_row demo_categories[];
extern const size_t demo_categories_count;

/* What citizens say: one call pattern of a leaf category, with slots. */
struct demo_template {
    const char *category; /* a leaf's code */
    enum ticket_type type;
    enum urgency urgency; /* the most it may be raised to */
    int weight;           /* relative frequency */
    const char *title, *content;
    const char *answer; /* consult: what the agent can answer at once; else NULL */
};
extern const struct demo_template demo_templates[];
extern const size_t demo_templates_count;

/* Staff of the center (handlers come from demo_units). */
struct demo_staff_row {
    const char *username, *name;
    enum role role;
};
extern const struct demo_staff_row demo_staff[];
extern const size_t demo_staff_count;

/* Short stock phrases for the actions, with slots; NULL-terminated lists. */
extern const char *const demo_return_reasons[];
extern const char *const demo_extension_reasons[];
extern const char *const demo_urge_notes[];
extern const char *const demo_reopen_reasons[];
extern const char *const demo_callback_notes[];
extern const char *const demo_co_comments[];
extern const char *const demo_dispatch_notes[];
extern const char *const demo_subdispatch_notes[];
extern const char *const demo_reply_openers[];
extern const char *const demo_reply_closers[];
extern const char *demo_consult_reply;    /* a dispatched consult: {A} is the answer */
extern const char *demo_suggestion_reply; /* a suggestion's reply */
extern const char *demo_praise_reply;     /* a praise's reply */
extern const char *demo_merge_title;      /* {A} is the master's title */
extern const char *demo_merge_content;    /* {A} is the master's number */

/* Picks one entry of a NULL-terminated list. */
const char *demo_pick(struct demo_rng *r, const char *const *list);

/*
 * The slot values of one call, picked once so that its title, content,
 * address and reply agree. Slots are {A}..{Z}; see demo_city.c for which is
 * which. `street` indexes demo_units (a street), `unit` is the unit whose
 * short name fills {U} (may be changed between expansions).
 */
#define DEMO_SLOT_LEN 96
struct demo_slots {
    char v[26][DEMO_SLOT_LEN];
};
void demo_slots_pick(struct demo_rng *r, size_t street, struct demo_slots *out);
/* Sets slot `key` ('A'..'Z') to `value` (truncated to fit). */
void demo_slot_set(struct demo_slots *s, char key, const char *value);

/*
 * Expands `tmpl`, replacing each {K} by its slot, into out (always
 * NUL-terminated; truncated at a character boundary if too long).
 */
void demo_expand(const char *tmpl, const struct demo_slots *s, char *out, size_t outlen);

/* A caller: name like 张先生 / 李女士 / 王建国, and a valid mobile number. */
void demo_person_name(struct demo_rng *r, char *out, size_t outlen);
void demo_mobile(struct demo_rng *r, char *out, size_t outlen);

/* A point inside the district of `street` (WGS-84). */
void demo_location(struct demo_rng *r, size_t street, double *lat, double *lng);

#endif
