/*
 * reply.h - answering a request. Every handler ends with exactly one call.
 */
#ifndef REXIAN_HTTP_REPLY_H
#define REXIAN_HTTP_REPLY_H

#include <jansson.h>

#include "http/jsonw.h"
#include "http/server.h"

/* Answers `status` with the JSON `body` (steals the reference; NULL = no body). */
void reply_json(struct request *r, unsigned status, json_t *body);

/*
 * Answers `status` with the text of the writer `w` (which must hold one
 * complete value); releases it. A failed writer answers 500 (out of memory).
 */
void reply_jsonw(struct request *r, unsigned status, struct jsonw *w);

/*
 * The one error shape: {"error": {"code", "message", "field"?}}. `extra`
 * (stolen, may be NULL) is merged into the error object.
 */
void reply_error_extra(struct request *r, unsigned status, const char *code, const char *message,
                       const char *field, json_t *extra);
void reply_error(struct request *r, unsigned status, const char *code, const char *message,
                 const char *field);

/* Answers with a body of the given type; copies `body`. */
void reply_bytes(struct request *r, unsigned status, const char *content_type, const char *body,
                 size_t len);
/* Answers with a buffer it takes ownership of (malloc'd). */
void reply_owned(struct request *r, unsigned status, const char *content_type, char *body,
                 size_t len);
/* Answers 204 No Content. */
void reply_empty(struct request *r, unsigned status);

/*
 * Answers with a response the caller built (a callback response for
 * server-sent events), adding the common headers; destroys resp. NULL resp
 * answers 500.
 */
void reply_response(struct request *r, unsigned status, struct MHD_Response *resp);

/* Adds a header to the response about to be sent (before reply_*). */
int reply_header(struct request *r, const char *name, const char *value);

#endif
