/*
 * dedup.h - repeat requests (重复诉求): a text sketch per ticket and the
 * rules that make an earlier or later ticket a candidate repeat.
 *
 * Pure functions: no SQL, no HTTP. A ticket's sketch holds two small sets
 * of 32-bit feature hashes (bottom-k MinHash sketches; the texts of a
 * ticket are short enough that k covers the whole set almost always):
 *   - the matter: pairs of adjacent CJK characters, Latin words and
 *     numbers of the title and content, less those that also occur in the
 *     address (the place is judged separately) and less the stock phrases
 *     every call has (反映, 希望, 尽快 ... and pairs with 的, 了, 我 ...);
 *   - the place: the same features of the address.
 * Two reports of one matter share matter features even when written
 * differently; another matter at the same compound shares the place but
 * little of the matter; the same matter at another compound shares the
 * matter but not the place. Measured in docs/PERFORMANCE.md.
 *
 * A candidate is (issue 4):
 *   - the same citizen phone within phone_days (30), or
 *   - the same category, nearby (within distance_m when both have
 *     coordinates; else the same area code with a similar address, or no
 *     address to compare), with similar text, within text_days (7).
 * Each candidate gets a score in [0, 1] and the reasons that made it one.
 * The agent decides; the merge action does the merging.
 */
#ifndef REXIAN_CORE_DEDUP_H
#define REXIAN_CORE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dedup_rules {
    int phone_days;    /* 30 */
    int text_days;     /* 7 */
    double distance_m; /* 300 */
    double min_text;   /* matter similarity that counts as similar text (0.12) */
    double min_place;  /* address similarity that counts as the same place (0.5) */
};
void dedup_rules_default(struct dedup_rules *r);

#define DEDUP_TEXT_MAX 32
#define DEDUP_PLACE_MAX 16
/* Longest encoded sketch, in bytes. */
#define DEDUP_SKETCH_BYTES (3 + 4 * (DEDUP_TEXT_MAX + DEDUP_PLACE_MAX))

struct dedup_sketch {
    uint8_t n_text, n_place;
    uint32_t text[DEDUP_TEXT_MAX];   /* sorted ascending, distinct */
    uint32_t place[DEDUP_PLACE_MAX]; /* sorted ascending, distinct */
};

/*
 * The sketch of a ticket's text (any argument may be NULL). Uses the
 * calling thread's segmenter. Returns 0, or -1 if the text could not be
 * segmented (out of memory, ICU).
 *
 * The thread keeps its last sketch: asked again for the same texts, it
 * answers from it. A new ticket's sketch is asked for three times (before
 * its transaction, by the insert that stores it, and by the lookup of
 * similar tickets); only the first, outside the write lock, does the work.
 */
int dedup_sketch_make(const char *title, const char *content, const char *address,
                      struct dedup_sketch *out);
/* Encodes s into buf (DEDUP_SKETCH_BYTES at least); returns the length. */
size_t dedup_sketch_encode(const struct dedup_sketch *s, unsigned char *buf);
/* Decodes an encoded sketch; 0, or -1 if it is not one. */
int dedup_sketch_decode(const void *buf, size_t len, struct dedup_sketch *out);
/* Matter similarity: shared features over the geometric mean of the set sizes. */
double dedup_text_similarity(const struct dedup_sketch *a, const struct dedup_sketch *b);
/* Place similarity: Dice coefficient of the address features (forgiving an
   address written with or without its road); -1 if either has none. */
double dedup_place_similarity(const struct dedup_sketch *a, const struct dedup_sketch *b);

/* A ticket as the rules see it. Strings are borrowed; NULL or "" = none. */
struct dedup_facts {
    int64_t created_at; /* Unix ms */
    const char *phone;
    int64_t category_id; /* 0 = none */
    const char *area;
    bool has_location;
    double lat, lng;
    const struct dedup_sketch *sketch; /* NULL = none */
};

enum dedup_reason {
    DR_SAME_PHONE = 1 << 0,
    DR_SAME_CATEGORY = 1 << 1,
    DR_SAME_AREA = 1 << 2,
    DR_NEARBY = 1 << 3, /* within distance_m */
    DR_SIMILAR_ADDRESS = 1 << 4,
    DR_SIMILAR_TEXT = 1 << 5
};
#define DR__COUNT 6
/* Wire names of the reasons, in bit order: same_phone, same_category, ... */
const char *dedup_reason_name(unsigned bit_index);

struct dedup_match {
    double score;      /* 0..1, higher is more likely the same matter */
    unsigned reasons;  /* enum dedup_reason bits */
    double distance_m; /* < 0 when either has no coordinates */
    double text;       /* matter similarity, -1 if either has no sketch */
    double place;      /* address similarity, -1 if not comparable */
};

/*
 * Decides whether `cand` is a candidate repeat of `probe` under r; fills *m
 * either way (the reasons found). Symmetric in time: a later ticket can be
 * a repeat of an earlier one and the other way round.
 */
bool dedup_match(const struct dedup_rules *r, const struct dedup_facts *probe,
                 const struct dedup_facts *cand, struct dedup_match *m);

/* Great-circle distance in metres (WGS-84 mean radius). */
double dedup_distance_m(double lat1, double lng1, double lat2, double lng2);

#endif
