/*
 * sse.h - server-sent event streams that hold no worker thread.
 *
 * A stream is a libmicrohttpd callback response of unknown size. When its
 * buffer runs dry the content reader suspends the connection
 * (MHD_suspend_connection) and returns 0; sse_send() appends to the buffer
 * and resumes it. A suspended connection costs a socket and a few
 * kilobytes, not a thread, so thousands of open streams leave the worker
 * pool to the API.
 *
 * The hub keeps the open streams. Its user (the feed, api/events.c) pushes
 * text to them from its own thread with sse_each() and sse_send(). Before
 * the daemon stops, sse_close_all() ends every stream and resumes the
 * suspended ones: libmicrohttpd must not be stopped with a connection
 * suspended.
 *
 * Thread-safe: streams are reference-counted; every function may be called
 * from any thread.
 */
#ifndef REXIAN_HTTP_SSE_H
#define REXIAN_HTTP_SSE_H

#include <stddef.h>

#include "http/server.h"

struct sse_hub;
struct sse_stream;

/* A hub whose streams buffer at most `buffer_cap` bytes each; NULL on OOM. */
struct sse_hub *sse_hub_new(size_t buffer_cap);
/* Frees the hub; call after sse_close_all() and after the daemon stopped. */
void sse_hub_free(struct sse_hub *h);

/*
 * Answers r (200, text/event-stream) with a new stream whose buffer starts
 * with `first` (e.g. "retry: 3000\n\n"). The stream owns ctx and calls
 * ctx_free(ctx) when it is freed (also when this fails). Returns 0, or -1
 * after answering 503 (the hub is closing) or 500.
 */
int sse_start(struct sse_hub *h, struct request *r, void *ctx, void (*ctx_free)(void *ctx),
              const char *first);

/*
 * Calls fn(stream, ctx, arg) for each open stream, holding a reference for
 * the call; fn may sse_send() and sse_end(). Streams opened meanwhile wait
 * for the next call.
 */
void sse_each(struct sse_hub *h, void (*fn)(struct sse_stream *s, void *ctx, void *arg),
              void *arg);

/*
 * Appends len bytes and wakes the connection. Returns 0, or -1 if the
 * stream has ended or the text does not fit the buffer (the stream then
 * ends: a client that does not read is dropped, and reconnects with
 * Last-Event-ID).
 */
int sse_send(struct sse_stream *s, const char *data, size_t len);
/* Bytes waiting to be sent. */
size_t sse_buffered(struct sse_stream *s);
/* Ends the stream once its buffer is sent. */
void sse_end(struct sse_stream *s);

/* Open streams. */
size_t sse_count(struct sse_hub *h);
/* Ends every stream, resumes the suspended ones and refuses new streams. */
void sse_close_all(struct sse_hub *h);

#endif
