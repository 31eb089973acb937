/*
 * client.h - who is on the other end: the client's address and whether it
 * reached us over TLS, taking a reverse proxy's word only when told to
 * (--trust-proxy).
 */
#ifndef REXIAN_HTTP_CLIENT_H
#define REXIAN_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "http/server.h"

/*
 * The client's address as text: dotted IPv4, or an IPv6 address cut to its
 * /64 ("2001:db8:1:2::/64", one subscriber usually holds a whole /64). With
 * trust_proxy, the last address of the X-Forwarded-For header (the one our
 * proxy saw) when it is a valid address; else the socket's peer. Writes
 * "unknown" if neither can be had. outlen >= 48 is enough.
 */
void request_client_addr(struct request *r, char *out, size_t outlen);

/* True if the request came over TLS: with trust_proxy, X-Forwarded-Proto: https. */
bool request_is_https(struct request *r);

/*
 * The last comma-separated entry of an X-Forwarded-For value, trimmed,
 * written to out if it parses as an IPv4 or IPv6 address (normalised as
 * above). Returns 0, or -1 (out untouched) if there is none or it is not an
 * address. Pure, for tests and fuzzing.
 */
int forwarded_for_last(const char *value, char *out, size_t outlen);

#endif
