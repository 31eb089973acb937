/*
 * fake_http.h - a request without a connection, for the fuzz targets that
 * drive the API's decoders directly. It stands in for src/http/server.c
 * (which the unit fuzz targets do not link): the query string, headers and
 * cookies a handler looks up come from tables the target sets. The real
 * http/reply.c is linked: replies are built in full, then dropped (there is
 * no connection to queue them on), and r->status tells what was answered.
 * Single-threaded, like libFuzzer's loop.
 */
#ifndef REXIAN_FUZZ_FAKE_HTTP_H
#define REXIAN_FUZZ_FAKE_HTTP_H

#include <stddef.h>

#include "http/server.h"

struct fake_kv {
    const char *key;
    const char *value;
};

#define FAKE_MAX 32

/* Zeroes r and makes its lookups answer from the given tables (borrowed until fake_end). */
void fake_begin(struct request *r, const struct fake_kv *query, size_t nq,
                const struct fake_kv *headers, size_t nh, const struct fake_kv *cookies,
                size_t nc);
/* Frees what the request holds (JSON body, user, added headers). */
void fake_end(struct request *r);

/*
 * Splits data into at most FAKE_MAX "key=value" pairs separated by '&'
 * (a key without '=' has the value ""), NUL-terminating in place in buf
 * (at least len + 1 bytes). Returns the number of pairs.
 */
size_t fake_split(const char *data, size_t len, char *buf, struct fake_kv *out, char sep);

#endif
