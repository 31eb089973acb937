/*
 * router.c - segment-by-segment matching of request paths.
 */
#include <string.h>

#include "http/router.h"

/* Matches one pattern; fills params. */
static bool match(const char *pat, const char *path, struct request *r)
{
    int np = 0;
    while (*pat && *path) {
        if (*pat != '/' || *path != '/')
            return false;
        pat++;
        path++;
        const char *pe = strchr(pat, '/');
        size_t plen = pe ? (size_t)(pe - pat) : strlen(pat);
        const char *se = strchr(path, '/');
        size_t slen = se ? (size_t)(se - path) : strlen(path);
        if (plen > 1 && pat[0] == '{' && pat[plen - 1] == '}') {
            if (slen == 0 || slen >= ROUTE_PARAM_MAX || np >= ROUTE_MAX_PARAMS)
                return false;
            memcpy(r->params[np], path, slen);
            r->params[np][slen] = '\0';
            np++;
        } else if (plen != slen || memcmp(pat, path, plen) != 0) {
            return false;
        }
        pat += plen;
        path += slen;
    }
    if (*pat || *path)
        return false;
    r->n_params = np;
    return true;
}

int router_match(const struct route *routes, size_t n, struct request *r, bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < n; i++) {
        if (!match(routes[i].pattern, r->path, r))
            continue;
        if (routes[i].methods & r->method)
            return (int)i;
        *path_known = true;
    }
    r->n_params = 0;
    return -1;
}
