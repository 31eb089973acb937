/*
 * o311.h - what the Open311 handlers share: formats, rendering, errors,
 * parameters and limits. Internal to src/open311/ (and api/public.c, which
 * uses the limits).
 */
#ifndef REXIAN_OPEN311_O311_H
#define REXIAN_OPEN311_O311_H

#include <jansson.h>
#include <stddef.h>

#include "api/api.h"
#include "app/open311.h"
#include "http/form.h"
#include "open311/open311.h"

enum o311_fmt { FMT_XML, FMT_JSON };

#define O311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define O311_MAX_RESULTS 1000
#define O311_MAX_SPAN_MS (90LL * 86400 * 1000)

/*
 * Splits a last path segment "name.xml" / "name.json" into name (copied into
 * out, NUL-terminated) and format. Returns the format, or -1 if the segment
 * has no known extension or the name does not fit / is empty.
 */
int o311_split(const char *seg, char *out, size_t outlen);

/*
 * Renders `root` (stolen) in `fmt` and answers with it. XML: a document
 * with the declaration and `root_tag` as its element; each array item is
 * an element named after its array (services -> service, service_requests
 * -> request, ...); null is an empty element.
 */
void o311_reply(struct request *r, unsigned status, enum o311_fmt fmt, json_t *root,
                const char *root_tag);

/* The spec's error list with one error whose code is the HTTP status. */
void o311_error(struct request *r, enum o311_fmt fmt, unsigned status, const char *msgfmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A parameter from the form (if any) or else the query; "" counts as absent. */
const char *o311_param(struct request *r, const struct form *f, const char *key);

/*
 * Checks every Open311 call passes: the client address's rate limit and
 * jurisdiction_id. Replies (429 / 404) and returns -1 when one fails.
 */
int o311_common(struct request *r, enum o311_fmt fmt, const struct form *f);

/*
 * Takes a token from bucket `key`; when empty replies 429 with Retry-After
 * (in fmt, or the API's JSON error when fmt < 0) and returns -1.
 */
int o311_limit(struct request *r, int fmt, const char *key, unsigned burst, int64_t period_ms);

/* The settings (defaults when the server was started without any). */
const struct open311_ctx *o311_ctx(struct request *r);

/* W3C datetime with the zone's offset, whole seconds; null for 0. */
json_t *o311_time(int64_t ms);

/* True if the public may see t at all (not a report, not confidential). */
bool o311_visible(const struct ticket *t);

/*
 * The GeoReport request object of t: public fields only, free text redacted
 * of the citizen's identity. `agency` is the lead unit's name (NULL if
 * none); x the ticket's Open311 extras (NULL if none).
 */
json_t *o311_request_json(const struct ticket *t, const struct service_list *l, const char *agency,
                          const struct ticket_open311 *x);

/* xml.c: the XML text of `root` (malloc'd, *len bytes), or NULL if out of memory. */
char *o311_xml(json_t *root, const char *root_tag, size_t *len);

#endif
