/*
 * metrics.h - request counters and latency histograms for /metrics
 * (Prometheus text format), lock-free on the request path.
 */
#ifndef REXIAN_HTTP_METRICS_H
#define REXIAN_HTTP_METRICS_H

#include <stddef.h>

#include "http/server.h"

/* Names the routes (by index) once at start-up; index -1 is "unmatched". */
void metrics_init(const char *const *route_names, size_t n);

/* Counts one answered request of route `route` (or -1), `method` (an enum
   http_method flag) and `status`, taking `seconds`. */
void metrics_observe(int route, unsigned method, unsigned status, double seconds);

/*
 * Appends the metrics in Prometheus text format to a malloc'd buffer
 * (*out, *len). `extra` (may be NULL) is appended verbatim. 0 or -1.
 */
int metrics_render(const char *extra, char **out, size_t *len);

#endif
