/*
 * open311.h - Open311 GeoReport v2 under /open311/v2/ (XML and JSON), the
 * citizen page's JSON endpoints under /api/v1/public/, and the admin's API
 * keys and service definitions: their settings, abuse limits and handlers.
 *
 * The handlers build every answer as a jansson tree and render it in the
 * format the path names (o311_reply), so that the XML and the JSON of one
 * resource cannot drift apart.
 */
#ifndef REXIAN_OPEN311_OPEN311_H
#define REXIAN_OPEN311_OPEN311_H

#include <jansson.h>

#include "http/server.h"

/* Settings and state of the public endpoints, one per process. */
struct open311_ctx {
    const char *jurisdiction; /* the jurisdiction_id this server answers for */
    const char *contact;      /* discovery's contact line */
    unsigned key_per_min;     /* Open311 requests per API key per minute (0 = no limit) */
    unsigned ip_per_min;      /* Open311 requests per client address per minute */
    unsigned submit_per_hour; /* citizen-page submissions per client address per hour */
    unsigned lookup_per_hour; /* citizen-page lookups per client address per hour */
    unsigned misses_per_hour; /* wrong-digit lookups per ticket number per hour */
    struct ratelimit *rl;     /* the buckets; NULL = no limits */
};
#define OPEN311_DEFAULT_JURISDICTION "rexian.local"

/* Sets the defaults and makes the bucket table; 0 or -1 (out of memory). */
int open311_ctx_init(struct open311_ctx *x);
void open311_ctx_release(struct open311_ctx *x);

/* ---- /open311/v2 (open311/services.c, requests.c, post.c) ---- */
void h_o311_doc(struct request *r);     /* GET discovery, services, requests .xml/.json */
void h_o311_post(struct request *r);    /* POST requests.xml/.json */
void h_o311_other(struct request *r);   /* any other method: 405 in the Open311 shape */
void h_o311_service(struct request *r); /* GET services/{code}.xml/.json */
void h_o311_request(struct request *r); /* GET requests/{id}.xml/.json */
void h_o311_token(struct request *r);   /* GET tokens/{token}.xml/.json */

/* ---- /api/v1/public (api/public.c) ---- */
void h_public_submit(struct request *r);
void h_public_lookup(struct request *r);

/* ---- /api/v1 admin (api/apikeys.c, api/service_defs.c) ---- */
void h_apikeys_list(struct request *r);
void h_apikey_create(struct request *r);
void h_apikey_revoke(struct request *r);
void h_category_attrs_get(struct request *r);
void h_category_attrs_put(struct request *r);
void h_category_service_get(struct request *r);
void h_category_service_put(struct request *r);
void h_ticket_attrs_get(struct request *r);

#endif
