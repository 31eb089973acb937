/*
 * metrics.c - per-route request counts by status and latency histograms.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/metrics.h"

#define MAX_ROUTES 64
static const unsigned statuses[] = {0,   200, 201, 204, 304, 400, 401, 403, 404,
                                    405, 409, 413, 415, 429, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0])
#define OTHER_STATUS N_STATUS /* one more slot for anything else */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define N_BUCKETS (sizeof buckets / sizeof buckets[0])

static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OTHER"};
#define N_METHODS (sizeof methods / sizeof methods[0])

struct route_stats {
    atomic_ullong count[N_METHODS][N_STATUS + 1];
    atomic_ullong bucket[N_BUCKETS + 1]; /* last = +Inf */
    atomic_ullong sum_us;
};

static const char *const *names;
static size_t n_names;
static struct route_stats stats[MAX_ROUTES + 1]; /* last = unmatched */

void metrics_init(const char *const *route_names, size_t n)
{
    names = route_names;
    n_names = n < MAX_ROUTES ? n : MAX_ROUTES;
}

void metrics_observe(int route, unsigned method, unsigned status, double seconds)
{
    size_t mi = 0;
    while (mi < N_METHODS - 1 && !(method & (1u << mi)))
        mi++;
    size_t ri = route >= 0 && (size_t)route < n_names ? (size_t)route : MAX_ROUTES;
    struct route_stats *st = &stats[ri];
    size_t si = OTHER_STATUS;
    for (size_t i = 0; i < N_STATUS; i++)
        if (statuses[i] == status) {
            si = i;
            break;
        }
    atomic_fetch_add_explicit(&st->count[mi][si], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < N_BUCKETS && seconds > buckets[b])
        b++;
    atomic_fetch_add_explicit(&st->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&st->sum_us, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
}

struct buf {
    char *p;
    size_t len, cap;
    int oom;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = b->cap * 2 + (size_t)n;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
}

int metrics_render(const char *extra, char **out, size_t *len)
{
    struct buf b = {malloc(8192), 0, 8192, 0};
    if (!b.p)
        return -1;
    b.p[0] = '\0';
    bprintf(&b, "# HELP rexian_http_requests_total HTTP requests answered, by route and status.\n"
                "# TYPE rexian_http_requests_total counter\n");
    for (size_t r = 0; r <= MAX_ROUTES; r++) {
        if (r >= n_names && r != MAX_ROUTES)
            continue;
        const char *name = r == MAX_ROUTES ? "unmatched" : names[r];
        for (size_t m = 0; m < N_METHODS; m++)
            for (size_t s = 0; s <= N_STATUS; s++) {
                unsigned long long v = atomic_load(&stats[r].count[m][s]);
                if (!v)
                    continue;
                char st[16];
                if (s == OTHER_STATUS)
                    snprintf(st, sizeof st, "other");
                else
                    snprintf(st, sizeof st, "%u", statuses[s]);
                bprintf(&b,
                        "rexian_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} "
                        "%llu\n",
                        name, methods[m], st, v);
            }
    }
    bprintf(&b, "# HELP rexian_http_request_duration_seconds Time to answer, by route.\n"
                "# TYPE rexian_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r <= MAX_ROUTES; r++) {
        if (r >= n_names && r != MAX_ROUTES)
            continue;
        const char *name = r == MAX_ROUTES ? "unmatched" : names[r];
        unsigned long long cum = 0;
        for (size_t i = 0; i <= N_BUCKETS; i++)
            cum += atomic_load(&stats[r].bucket[i]);
        if (!cum)
            continue;
        unsigned long long run = 0;
        for (size_t i = 0; i < N_BUCKETS; i++) {
            run += atomic_load(&stats[r].bucket[i]);
            bprintf(&b, "rexian_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    name, buckets[i], run);
        }
        bprintf(&b, "rexian_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
                name, cum);
        bprintf(&b, "rexian_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
                (double)atomic_load(&stats[r].sum_us) / 1e6);
        bprintf(&b, "rexian_http_request_duration_seconds_count{route=\"%s\"} %llu\n", name, cum);
    }
    if (extra)
        bprintf(&b, "%s", extra);
    if (b.oom) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}
