/*
 * fuzz_query.c - the query-string side of the list endpoints: qin_only,
 * qin_int, qin_id (api/json_in.c) and the cursor and status-list parsers of
 * GET /api/v1/tickets (api/tickets.c), on "key=value&..." input (the
 * values as libmicrohttpd hands them over, already percent-decoded).
 */
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/types.h"
#include "fake_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct request r;

static void settle(int rc)
{
    if ((rc == 0 && r.replied) || (rc == -1 && (!r.replied || r.status != 400)) ||
        (rc != 0 && rc != -1))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const params[] = {"status", "unit_id", "limit", "after", "sort", NULL};
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    struct fake_kv q[FAKE_MAX];
    size_t n = fake_split((const char *)data, size, buf, q, '&');

    fake_begin(&r, q, n, NULL, 0, NULL, 0);
    settle(qin_only(&r, params));
    fake_end(&r);

    int64_t v = 7;
    fake_begin(&r, q, n, NULL, 0, NULL, 0);
    int rc = qin_int(&r, "limit", 1, 200, &v);
    settle(rc);
    if (rc == 0 && (v < 1 || v > 200))
        abort();
    fake_end(&r);

    fake_begin(&r, q, n, NULL, 0, NULL, 0);
    v = 1;
    rc = qin_id(&r, "unit_id", &v);
    settle(rc);
    if (rc == 0 && v < 1)
        abort();
    fake_end(&r);

    for (size_t i = 0; i < n; i++) {
        int64_t key = 0, id = 0;
        if (api_parse_cursor(q[i].value, &key, &id) == 0) {
            /* A cursor we accept names a row and prints back to itself. */
            if (id <= 0)
                abort();
            char again[64];
            snprintf(again, sizeof again, "%" PRId64 ".%" PRId64, key, id);
            int64_t k2 = 0, i2 = 0;
            if (api_parse_cursor(again, &k2, &i2) != 0 || k2 != key || i2 != id)
                abort();
        }
        unsigned mask = 0;
        if (api_parse_statuses(q[i].value, &mask) == 0)
            if (!mask || (mask >> ST__COUNT) != 0)
                abort();
    }
    free(buf);
    return 0;
}
