/*
 * fuzz_router.c - matching request paths against route patterns
 * (http/router.c). Input: one byte choosing the method, then the path. A
 * match must fill each placeholder with 1..ROUTE_PARAM_MAX-1 bytes without
 * '/', and putting the values back into the pattern must give the path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void h(struct request *r)
{
    (void)r;
}

/* The shapes of the real table (api/dispatch.c), and a few harder ones. */
static const struct route routes[] = {
    {HM_GET | HM_HEAD, "/healthz", h, RF_PUBLIC},
    {HM_POST, "/api/v1/auth/login", h, RF_PUBLIC | RF_JSON_BODY},
    {HM_GET, "/api/v1/tickets", h, 0},
    {HM_GET, "/api/v1/tickets/{number}", h, 0},
    {HM_GET, "/api/v1/tickets/{number}/events", h, 0},
    {HM_POST, "/api/v1/tickets/{number}/actions/{action}", h, RF_JSON_BODY},
    {HM_PATCH, "/api/v1/units/{id}", h, RF_JSON_BODY},
    {HM_GET, "/open311/v2/requests/{id}.json", h, RF_PUBLIC},
    {HM_GET, "/{a}/{b}/{c}", h, 0},
    {HM_GET, "/", h, 0},
};

/* Rebuilds the path from pattern p and the params; 0 if it equals path. */
static int rebuild(const char *p, const struct request *r, const char *path)
{
    char out[4096];
    size_t o = 0;
    int k = 0;
    while (*p) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close || k >= r->n_params)
                return -1;
            size_t n = strlen(r->params[k]);
            if (o + n >= sizeof out)
                return -1;
            memcpy(out + o, r->params[k++], n);
            o += n;
            p = close + 1;
        } else {
            if (o + 1 >= sizeof out)
                return -1;
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return k == r->n_params && strcmp(out, path) == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 2048)
        return 0;
    static const unsigned methods[] = {HM_GET, HM_POST, HM_PATCH, HM_PUT, HM_DELETE, HM_HEAD,
                                       HM_OTHER};
    char path[2049];
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    struct request r;
    memset(&r, 0, sizeof r);
    r.method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    r.path = path;
    bool known = false;
    int i = router_match(routes, sizeof routes / sizeof routes[0], &r, &known);
    if (i < 0) {
        if (r.n_params != 0)
            abort();
        return 0;
    }
    if (!(routes[i].methods & r.method))
        abort();
    for (int k = 0; k < r.n_params; k++) {
        size_t n = strlen(r.params[k]);
        if (n == 0 || n >= ROUTE_PARAM_MAX || strchr(r.params[k], '/'))
            abort();
    }
    if (rebuild(routes[i].pattern, &r, path) != 0)
        abort();
    return 0;
}
