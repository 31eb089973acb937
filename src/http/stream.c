/*
 * stream.c - callback and file responses (see stream.h).
 */
#include "http/stream.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/reply.h"

#define STREAM_BLOCK 65536

struct stream {
    stream_pull_fn pull;
    void (*done)(void *ctx);
    void *ctx;
    const char *data; /* the piece being sent: data[off..len) */
    size_t off, len;
    bool ended;
};

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct stream *s = cls;
    (void)pos;
    while (s->off == s->len) {
        if (s->ended)
            return MHD_CONTENT_READER_END_OF_STREAM;
        const char *d = NULL;
        size_t n = 0;
        int rc = s->pull(s->ctx, &d, &n);
        if (rc < 0) {
            s->ended = true;
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        if (rc == 0)
            s->ended = true;
        s->data = d;
        s->off = 0;
        s->len = d ? n : 0;
    }
    size_t k = s->len - s->off < max ? s->len - s->off : max;
    memcpy(out, s->data + s->off, k);
    s->off += k;
    return (ssize_t)k;
}

static void stream_free(void *cls)
{
    struct stream *s = cls;
    if (s->done)
        s->done(s->ctx);
    free(s);
}

void reply_stream(struct request *r, unsigned status, const char *content_type,
                  stream_pull_fn pull, void (*done)(void *ctx), void *ctx)
{
    struct stream *s = calloc(1, sizeof *s);
    if (!s) {
        if (done)
            done(ctx);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    s->pull = pull;
    s->done = done;
    s->ctx = ctx;
    /* On failure libmicrohttpd does not call stream_free: we do. */
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, reader, s, stream_free);
    if (!resp) {
        stream_free(s);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    MHD_add_response_header(resp, "Content-Type", content_type);
    reply_response(r, status, resp);
}

void reply_fd(struct request *r, unsigned status, const char *content_type, int fd,
              size_t size)
{
    struct MHD_Response *resp = MHD_create_response_from_fd(size, fd);
    if (!resp) {
        close(fd);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    MHD_add_response_header(resp, "Content-Type", content_type);
    reply_response(r, status, resp);
    r->resp_bytes = size;
}

bool request_client_gone(struct request *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return false;
    struct pollfd p = {.fd = ci->connect_fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
        return true;
    char ch;
    ssize_t n = recv(ci->connect_fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}
