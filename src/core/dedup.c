/*
 * dedup.c - SimHash fingerprints and the candidate rules (dedup.h).
 */
#include "core/dedup.h"

#include <math.h>
#include <string.h>

#include "text/segment.h"

#define DAY_MS INT64_C(86400000)
#define EARTH_RADIUS_M 6371008.8

void dedup_rules_default(struct dedup_rules *r)
{
    r->phone_days = 30;
    r->text_days = 7;
    r->distance_m = 500;
    r->max_hamming = 20;
}

const char *dedup_reason_name(unsigned bit_index)
{
    static const char *const names[DR__COUNT] = {"same_phone", "same_category", "same_area",
                                                 "nearby", "similar_text"};
    return bit_index < DR__COUNT ? names[bit_index] : "?";
}

int dedup_hamming(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

double dedup_distance_m(double lat1, double lng1, double lat2, double lng2)
{
    const double rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
    if (h > 1)
        h = 1;
    return 2 * EARTH_RADIUS_M * asin(sqrt(h));
}

static bool present(const char *s) { return s && *s; }

static int64_t abs_ms(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

/* Text similarity in [0, 1]: 1 for equal fingerprints, 0 at half the bits (unrelated). */
static double text_score(int hamming)
{
    double s = 1.0 - (double)hamming / 32.0;
    return s < 0 ? 0 : s;
}

bool dedup_match(const struct dedup_rules *r, const struct dedup_facts *probe,
                 const struct dedup_facts *cand, struct dedup_match *m)
{
    memset(m, 0, sizeof *m);
    m->distance_m = -1;
    m->hamming = -1;
    int64_t apart = abs_ms(probe->created_at, cand->created_at);
    if (probe->has_simhash && cand->has_simhash)
        m->hamming = dedup_hamming(probe->simhash, cand->simhash);
    if (probe->has_location && cand->has_location)
        m->distance_m = dedup_distance_m(probe->lat, probe->lng, cand->lat, cand->lng);
    if (present(probe->phone) && present(cand->phone) && strcmp(probe->phone, cand->phone) == 0)
        m->reasons |= DR_SAME_PHONE;
    if (probe->category_id && probe->category_id == cand->category_id)
        m->reasons |= DR_SAME_CATEGORY;
    if (present(probe->area) && present(cand->area) && strcmp(probe->area, cand->area) == 0)
        m->reasons |= DR_SAME_AREA;
    if (m->distance_m >= 0 && m->distance_m <= r->distance_m)
        m->reasons |= DR_NEARBY;
    if (m->hamming >= 0 && m->hamming <= r->max_hamming)
        m->reasons |= DR_SIMILAR_TEXT;

    double ts = m->hamming >= 0 ? text_score(m->hamming) : 0;
    bool by_phone = (m->reasons & DR_SAME_PHONE) && apart <= (int64_t)r->phone_days * DAY_MS;
    bool by_place = (m->reasons & DR_SAME_CATEGORY) && (m->reasons & (DR_SAME_AREA | DR_NEARBY)) &&
                    (m->reasons & DR_SIMILAR_TEXT) && apart <= (int64_t)r->text_days * DAY_MS;
    if (!by_phone && !by_place)
        return false;
    /* The same caller about similar text is the surest sign; a place match
       rests mostly on the text. */
    double score = 0;
    if (by_phone)
        score = 0.55 + 0.45 * ts;
    if (by_place) {
        double p = 0.35 + 0.55 * ts + ((m->reasons & DR_NEARBY) ? 0.1 : 0);
        score = score > p ? score : p;
        if (by_phone)
            score += 0.1;
    }
    m->score = score > 1 ? 1 : score;
    return true;
}

/* ---- SimHash ---- */

/* 64-bit FNV-1a, then a mixing step so that nearby inputs spread over all bits. */
static uint64_t feature_hash(const char *s, size_t n, uint64_t salt)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ salt;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

struct acc {
    int v[64];
    int weight;          /* of the field being read */
    char prev[8];        /* the previous CJK character, for pairs */
    size_t prev_len, prev_end;
    bool have_prev;
};

static void add(struct acc *a, uint64_t h, int w)
{
    for (int i = 0; i < 64; i++)
        a->v[i] += (h >> i) & 1 ? w : -w;
}

/* Bytes of the UTF-8 sequence starting with lead byte c. */
static size_t seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/*
 * Features: every word of two or more characters, every Latin word and
 * number, and every pair of adjacent CJK characters (which holds up when
 * the dictionary cuts the same text differently).
 */
static int on_token(void *ctx, const struct text_token *t)
{
    struct acc *a = ctx;
    if (t->kind != TK_CJK) {
        add(a, feature_hash(t->text, t->len, 1), a->weight * 2);
        a->have_prev = false;
        return 0;
    }
    if (t->chars >= 2)
        add(a, feature_hash(t->text, t->len, 3), a->weight * 2);
    if (a->have_prev && a->prev_end != t->start)
        a->have_prev = false;
    for (size_t i = 0; i < t->len;) {
        size_t l = seq_len((unsigned char)t->text[i]);
        if (i + l > t->len)
            break; /* defensive: tokens are whole UTF-8 */
        if (a->have_prev) {
            char pair[16];
            memcpy(pair, a->prev, a->prev_len);
            memcpy(pair + a->prev_len, t->text + i, l);
            add(a, feature_hash(pair, a->prev_len + l, 2), a->weight);
        }
        memcpy(a->prev, t->text + i, l);
        a->prev_len = l;
        a->have_prev = true;
        i += l;
    }
    a->prev_end = t->end;
    return 0;
}

static int feed(struct text_seg *seg, struct acc *a, const char *s, int weight)
{
    if (!s || !*s)
        return 0;
    a->weight = weight;
    a->have_prev = false;
    return text_segment(seg, s, strlen(s), 0, on_token, a) == TEXT_OK ? 0 : -1;
}

int dedup_simhash(const char *title, const char *content, uint64_t *out)
{
    struct text_seg *seg = text_seg_thread();
    struct acc a;
    memset(&a, 0, sizeof a);
    *out = 0;
    if (!seg || feed(seg, &a, title, 2) || feed(seg, &a, content, 1))
        return -1;
    uint64_t h = 0;
    for (int i = 0; i < 64; i++)
        if (a.v[i] > 0)
            h |= UINT64_C(1) << i;
    *out = h;
    return 0;
}
