/*
 * stream.h - long responses produced while they are sent, in constant memory.
 *
 * reply_stream() answers with a libmicrohttpd callback response of unknown
 * length (chunked): whenever libmicrohttpd wants more body and the bytes
 * handed over so far are sent, it calls `pull`, which produces the next
 * piece (a page of rows). The reader runs on the connection's worker
 * thread, between other requests of that thread; nothing is produced ahead
 * of what the client reads, so memory stays at one piece however long the
 * response. A client that goes away ends it: libmicrohttpd stops asking and
 * `done` is called.
 *
 * The request timeout (http/deadline.h) has stopped counting once the
 * request was read, so a long download is never cut by it; the idle
 * timeout still drops a client that stops reading.
 */
#ifndef REXIAN_HTTP_STREAM_H
#define REXIAN_HTTP_STREAM_H

#include <stddef.h>

#include "http/server.h"

/*
 * Produces the next piece: sets *data and *len to bytes owned by ctx (valid
 * until the next call) and returns 1; returns 0 at the end of the body, -1
 * on failure (the body is then cut short, without its final chunk, so the
 * client sees a broken transfer rather than a complete-looking file).
 */
typedef int (*stream_pull_fn)(void *ctx, const char **data, size_t *len);

/*
 * Answers r with status, content type and the body pull() produces. Takes
 * ownership of ctx: done(ctx) is called once when the response is finished
 * or abandoned (also when this fails). Headers added with reply_header()
 * before are sent.
 */
void reply_stream(struct request *r, unsigned status, const char *content_type,
                  stream_pull_fn pull, void (*done)(void *ctx), void *ctx);

/*
 * Answers r with `size` bytes read from fd (a file the caller unlinked:
 * constant memory however big); takes ownership of fd (closed when sent).
 */
void reply_fd(struct request *r, unsigned status, const char *content_type, int fd,
              size_t size);

/*
 * True if the client of r has closed its connection (or it broke): long
 * work done before answering can stop. A peek, never a read.
 */
bool request_client_gone(struct request *r);

#endif
