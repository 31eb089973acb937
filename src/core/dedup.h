/*
 * dedup.h - repeat requests (重复诉求): a text fingerprint per ticket and the
 * rules that make an earlier or later ticket a candidate repeat.
 *
 * Pure functions: no SQL, no HTTP. The fingerprint is a 64-bit SimHash over
 * the ticket's segmented words and CJK character pairs (text/segment.h);
 * two tickets about the same matter written differently share most of
 * them, so their fingerprints differ in few bits.
 *
 * A candidate is (DESIGN/issue 4):
 *   - the same citizen phone within phone_days (30), or
 *   - the same category, nearby (the same area code, or within distance_m
 *     when both have coordinates), with similar text (Hamming distance of
 *     the fingerprints at most max_hamming), within text_days (7).
 * Each candidate gets a score in [0, 1] and the reasons that made it one.
 * The agent decides; the merge action does the merging.
 */
#ifndef REXIAN_CORE_DEDUP_H
#define REXIAN_CORE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dedup_rules {
    int phone_days;     /* 30 */
    int text_days;      /* 7 */
    double distance_m;  /* 500 */
    int max_hamming;    /* fingerprints this close count as similar text */
};
void dedup_rules_default(struct dedup_rules *r);

/* A ticket as the rules see it. Strings are borrowed; NULL or "" = none. */
struct dedup_facts {
    int64_t created_at; /* Unix ms */
    const char *phone;
    int64_t category_id; /* 0 = none */
    const char *area;
    bool has_location;
    double lat, lng;
    bool has_simhash;
    uint64_t simhash;
};

enum dedup_reason {
    DR_SAME_PHONE = 1 << 0,
    DR_SAME_CATEGORY = 1 << 1,
    DR_SAME_AREA = 1 << 2,
    DR_NEARBY = 1 << 3, /* within distance_m */
    DR_SIMILAR_TEXT = 1 << 4
};
/* Wire names of the reasons, in bit order: same_phone, same_category, ... */
const char *dedup_reason_name(unsigned bit_index);
#define DR__COUNT 5

struct dedup_match {
    double score;       /* 0..1, higher is more likely the same matter */
    unsigned reasons;   /* enum dedup_reason bits */
    double distance_m;  /* < 0 when either has no coordinates */
    int hamming;        /* fingerprint distance, -1 if either has none */
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

/* Bits that differ. */
int dedup_hamming(uint64_t a, uint64_t b);

/*
 * The fingerprint of a ticket's text. Title words weigh more than content
 * words. Uses the calling thread's segmenter. Returns 0, or -1 if the text
 * could not be segmented (out of memory, ICU); empty text gives 0 bits set.
 */
int dedup_simhash(const char *title, const char *content, uint64_t *out);

#endif
