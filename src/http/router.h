/*
 * router.h - matching a method and path against a table of routes.
 *
 * Patterns are literal segments and `{name}` placeholders, one segment
 * each: "/api/v1/tickets/{number}/actions/{action}". A placeholder matches
 * 1..ROUTE_PARAM_MAX-1 bytes without '/'.
 */
#ifndef REXIAN_HTTP_ROUTER_H
#define REXIAN_HTTP_ROUTER_H

#include <stddef.h>

#include "http/server.h"

typedef void (*handler_fn)(struct request *r);

enum route_flags {
    RF_PUBLIC = 1 << 0,    /* no authentication */
    RF_JSON_BODY = 1 << 1  /* the body must be a JSON object */
};

struct route {
    unsigned methods; /* mask of enum http_method */
    const char *pattern;
    handler_fn fn;
    unsigned flags;
};

/*
 * Finds the route for r->method and r->path, fills r->params and returns its
 * index, or -1. *path_known is set when some route matched the path but not
 * the method (405).
 */
int router_match(const struct route *routes, size_t n, struct request *r, bool *path_known);

#endif
