/*
 * reply.c - building and queueing responses; the one error shape.
 */
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "http/reply.h"

int reply_header(struct request *r, const char *name, const char *value)
{
    if (r->n_hdr >= (int)(sizeof r->hdr_name / sizeof r->hdr_name[0]))
        return -1;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    r->hdr_name[r->n_hdr] = n;
    r->hdr_value[r->n_hdr++] = v;
    return 0;
}

/* Queues `resp` with the common headers; destroys it. */
static void queue(struct request *r, unsigned status, struct MHD_Response *resp, size_t len)
{
    if (!resp) {
        r->replied = true;
        r->status = 500;
        return;
    }
    MHD_add_response_header(resp, "X-Request-Id", r->id);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* An API answer is data, never a page: nothing in it may run, load or be
       framed, and no link out of it carries our URLs along. */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'none'");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    for (int i = 0; i < r->n_hdr; i++)
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
    if (r->hold) {
        r->held = resp;
        r->held_status = status;
    } else {
        MHD_queue_response(r->conn, status, resp);
        MHD_destroy_response(resp);
    }
    r->replied = true;
    r->status = status;
    r->resp_bytes = len;
}

void reply_owned(struct request *r, unsigned status, const char *content_type, char *body,
                 size_t len)
{
    if (r->replied) { /* defensive: a second answer is a bug; keep the first */
        free(body);
        return;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
    } else if (content_type) {
        MHD_add_response_header(resp, "Content-Type", content_type);
    }
    queue(r, status, resp, len);
}

void reply_bytes(struct request *r, unsigned status, const char *content_type, const char *body,
                 size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (!copy) {
        reply_owned(r, 500, NULL, NULL, 0);
        return;
    }
    memcpy(copy, body, len);
    reply_owned(r, status, content_type, copy, len);
}

void reply_empty(struct request *r, unsigned status)
{
    if (r->replied)
        return;
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    queue(r, status, resp, 0);
}

void reply_response(struct request *r, unsigned status, struct MHD_Response *resp)
{
    if (r->replied) { /* defensive: a second answer is a bug; keep the first */
        if (resp)
            MHD_destroy_response(resp);
        return;
    }
    queue(r, status, resp, 0);
}

static void reply_oom(struct request *r)
{
    static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
    reply_bytes(r, 500, "application/json", oom, sizeof oom - 1);
}

void reply_json(struct request *r, unsigned status, json_t *body)
{
    if (!body) {
        reply_empty(r, status);
        return;
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        reply_oom(r);
        return;
    }
    reply_owned(r, status, "application/json; charset=utf-8", text, strlen(text));
}

void reply_jsonw(struct request *r, unsigned status, struct jsonw *w)
{
    size_t len = 0;
    char *text = jsonw_finish(w, &len);
    if (!text) {
        reply_oom(r);
        return;
    }
    reply_owned(r, status, "application/json; charset=utf-8", text, len);
}

void reply_error_extra(struct request *r, unsigned status, const char *code, const char *message,
                       const char *field, json_t *extra)
{
    /* Messages quote client input: never let a cut or invalid string lose the body. */
    if (!message || !utf8_valid(message, strlen(message)))
        message = "invalid input";
    if (field && !utf8_valid(field, strlen(field)))
        field = "?";
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (err && field)
        json_object_set_new(err, "field", json_string(field));
    if (err && extra)
        json_object_update(err, extra);
    json_decref(extra);
    reply_json(r, status, err ? json_pack("{s:o}", "error", err) : NULL);
}

void reply_error(struct request *r, unsigned status, const char *code, const char *message,
                 const char *field)
{
    reply_error_extra(r, status, code, message, field, NULL);
}
