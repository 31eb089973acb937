/*
 * dedup.c - the candidate rules for repeat requests (dedup.h); the
 * sketches themselves are in sketch.c.
 */
#include "core/dedup.h"

#include <math.h>
#include <string.h>

#define DAY_MS INT64_C(86400000)
#define EARTH_RADIUS_M 6371008.8

void dedup_rules_default(struct dedup_rules *r)
{
    r->phone_days = 30;
    r->text_days = 7;
    r->distance_m = 300;
    r->min_text = 0.12;
    r->min_place = 0.5;
}

const char *dedup_reason_name(unsigned bit_index)
{
    static const char *const names[DR__COUNT] = {"same_phone", "same_category",   "same_area",
                                                 "nearby",     "similar_address", "similar_text"};
    return bit_index < DR__COUNT ? names[bit_index] : "?";
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

static bool present(const char *s)
{
    return s && *s;
}

static int64_t abs_ms(int64_t a, int64_t b)
{
    return a > b ? a - b : b - a;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

bool dedup_match(const struct dedup_rules *r, const struct dedup_facts *probe,
                 const struct dedup_facts *cand, struct dedup_match *m)
{
    memset(m, 0, sizeof *m);
    m->distance_m = m->text = m->place = -1;
    int64_t apart = abs_ms(probe->created_at, cand->created_at);
    bool both_located = probe->has_location && cand->has_location;
    if (both_located)
        m->distance_m = dedup_distance_m(probe->lat, probe->lng, cand->lat, cand->lng);
    if (probe->sketch && cand->sketch) {
        m->text = dedup_text_similarity(probe->sketch, cand->sketch);
        m->place = dedup_place_similarity(probe->sketch, cand->sketch);
    }
    if (present(probe->phone) && present(cand->phone) && strcmp(probe->phone, cand->phone) == 0)
        m->reasons |= DR_SAME_PHONE;
    if (probe->category_id && probe->category_id == cand->category_id)
        m->reasons |= DR_SAME_CATEGORY;
    if (present(probe->area) && present(cand->area) && strcmp(probe->area, cand->area) == 0)
        m->reasons |= DR_SAME_AREA;
    if (both_located && m->distance_m <= r->distance_m)
        m->reasons |= DR_NEARBY;
    if (m->place >= r->min_place)
        m->reasons |= DR_SIMILAR_ADDRESS;
    if (m->text >= r->min_text)
        m->reasons |= DR_SIMILAR_TEXT;

    /* Nearby: the points decide when there are two; else the area, with
       the addresses agreeing where both have one. */
    bool near = (m->reasons & DR_NEARBY) || ((m->reasons & DR_SAME_AREA) &&
                                             (m->place < 0 || (m->reasons & DR_SIMILAR_ADDRESS)));
    bool by_phone = (m->reasons & DR_SAME_PHONE) && apart <= (int64_t)r->phone_days * DAY_MS;
    bool by_place = (m->reasons & DR_SAME_CATEGORY) && near && (m->reasons & DR_SIMILAR_TEXT) &&
                    apart <= (int64_t)r->text_days * DAY_MS;
    if (!by_phone && !by_place)
        return false;
    /* Text similarity of repeats runs from about 0.1 to 0.6; scale it to 0..1. */
    double ts = m->text >= 0 ? clamp01(m->text / 0.5) : 0;
    double score = 0;
    if (by_phone)
        score = 0.5 + 0.4 * ts;
    if (by_place) {
        double place = (m->reasons & DR_NEARBY) || (m->reasons & DR_SIMILAR_ADDRESS) ? 1.0 : 0.5;
        double p = 0.3 + 0.5 * ts + 0.2 * place;
        score = (score > p ? score : p) + (by_phone ? 0.1 : 0);
    }
    m->score = clamp01(score);
    return true;
}
