/*
 * deadline.h - the request timeout: a connection must deliver each request
 * (head and body) within a set time, however slowly it trickles.
 *
 * libmicrohttpd 0.9.75's own timeout (MHD_OPTION_CONNECTION_TIMEOUT) counts
 * idle time only, so a client sending one byte every few seconds keeps a
 * connection forever (slow loris). A watcher thread fixes that: it knows
 * every connection (MHD_OPTION_NOTIFY_CONNECTION), when each began waiting
 * for its current request, and shuts down the socket of one that has waited
 * too long. shutdown() does not close the descriptor, so libmicrohttpd
 * still owns it; it sees the end of the stream and closes the connection in
 * its own thread. Clock per connection: from its start, or from the end of
 * its previous request, until the request has been read in full.
 */
#ifndef REXIAN_HTTP_DEADLINE_H
#define REXIAN_HTTP_DEADLINE_H

#include <microhttpd.h>
#include <stdint.h>

struct deadline;

/* Starts the watcher for `timeout_s` seconds (> 0); NULL if it cannot. */
struct deadline *deadline_start(unsigned timeout_s);
/* Stops the watcher; call before MHD_stop_daemon. Frees what is left after it. */
void deadline_stop(struct deadline *d);
/* Frees the entries of connections closed after deadline_stop (call after MHD_stop_daemon). */
void deadline_free(struct deadline *d);

/* The MHD_NotifyConnectionCallback to register with `d` as its closure. */
void deadline_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe);

/* The current request of conn has been read in full: its clock stops. */
void deadline_request_read(struct MHD_Connection *conn);
/* The current request of conn is over: the clock of the next one starts. */
void deadline_request_done(struct MHD_Connection *conn);

/* Connections cut so far for taking too long. */
uint64_t deadline_cut_count(struct deadline *d);

#endif
