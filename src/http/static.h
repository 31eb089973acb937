/*
 * static.h - serving the browser front end (web/) from disk.
 */
#ifndef REXIAN_HTTP_STATIC_H
#define REXIAN_HTTP_STATIC_H

#include "http/server.h"

/*
 * Answers a GET/HEAD for `r->path` from the directory `root`: "/" and paths
 * without an extension that name no file get `index.html` (the front end
 * routes itself); "/public/..." likewise gets public/index.html. Paths with
 * "..", backslashes, NUL or hidden segments are refused (404). Returns 0 if it
 * answered, -1 if there is no such file (the caller answers 404).
 */
int static_serve(struct request *r, const char *root);

#endif
