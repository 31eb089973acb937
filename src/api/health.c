/*
 * health.c - /healthz and /metrics.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "http/metrics.h"

void h_healthz(struct request *r)
{
    struct store_conn *c = store_conn_get(api_store(r));
    bool db_ok = c && store_ping(c) == STORE_OK;
    int version = 0;
    if (db_ok)
        store_schema_version(api_store(r), &version);
    json_t *o = json_pack("{s:s, s:s, s:i, s:I, s:s, s:i}", "status", db_ok ? "ok" : "unavailable",
                          "db", db_ok ? "ok" : "error", "schema_version", version,
                          "uptime_seconds",
                          (json_int_t)((time_now_ms() - api_of(r)->started_at) / 1000), "zone",
                          timeutil_zone(), "in_flight", (int)server_in_flight(r->srv));
    /* A missing calendar year is a warning in the body, never a failed check. */
    if (o)
        api_calendar_health(o);
    if (o)
        json_object_set_new(o, "event_streams", json_integer((json_int_t)feed_streams(api_of(r)->feed)));
    reply_json(r, db_ok ? 200 : 503, o);
}

void h_metrics(struct request *r)
{
    char extra[1024];
    size_t p = 0;
    struct store_conn *c = store_conn_get(api_store(r));
    int64_t counts[ST__COUNT];
    if (c && store_ticket_count_by_status(c, counts) == STORE_OK) {
        p += (size_t)snprintf(extra, sizeof extra,
                              "# HELP rexian_tickets Tickets by state.\n# TYPE rexian_tickets gauge\n");
        for (int s = 0; s < ST__COUNT && p < sizeof extra; s++)
            p += (size_t)snprintf(extra + p, sizeof extra - p, "rexian_tickets{status=\"%s\"} %lld\n",
                                  status_name((enum ticket_status)s), (long long)counts[s]);
    }
    if (p < sizeof extra)
        snprintf(extra + p, sizeof extra - p,
                 "# HELP rexian_http_in_flight Requests in flight.\n# TYPE rexian_http_in_flight gauge\n"
                 "rexian_http_in_flight %u\n"
                 "# HELP rexian_event_streams Open live-feed streams (GET /api/v1/events).\n"
                 "# TYPE rexian_event_streams gauge\nrexian_event_streams %zu\n",
                 server_in_flight(r->srv), feed_streams(api_of(r)->feed));
    char *text;
    size_t len;
    if (metrics_render(extra, &text, &len) != 0) {
        reply_error(r, 500, "internal", "internal error", NULL);
        return;
    }
    reply_owned(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}
