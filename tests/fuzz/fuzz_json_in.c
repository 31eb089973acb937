/*
 * fuzz_json_in.c - the strict JSON field decoders every write uses
 * (api/json_in.c: jin_keys, jin_string, jin_int, jin_bool, jin_number,
 * jin_enum, jin_time, jin_id_array) on whatever object the input parses to.
 * Each call must either succeed without answering, or answer exactly one
 * 400 and return -1; accepted values must lie in the bounds asked for.
 */
#include <stdint.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "fake_http.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    json_object_seed(1);
    timeutil_set_zone("Asia/Shanghai");
    return 0;
}

static struct request r;

/* Checks the reply contract of one decoder call and resets the request. */
static void settle(int rc)
{
    if (rc == 0 && r.replied)
        abort();
    if (rc == -1 && (!r.replied || r.status != 400))
        abort();
    if (rc != 0 && rc != -1)
        abort();
    fake_end(&r);
    fake_begin(&r, NULL, 0, NULL, 0, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const allowed[] = {"s", "i", "b", "n", "e", "t", "a", "o", "version", NULL};
    json_error_t err;
    json_t *b = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    if (!b)
        return 0;
    if (!json_is_object(b)) {
        json_decref(b);
        return 0;
    }
    fake_begin(&r, NULL, 0, NULL, 0, NULL, 0);
    settle(jin_keys(&r, b, NULL, allowed));

    const char *s = NULL;
    int rc = jin_string(&r, b, "s", "s", true, 64, &s);
    if (rc == 0 && (!s || strlen(s) > 64 || !utf8_valid(s, strlen(s)) || text_blank(s)))
        abort();
    settle(rc);

    int64_t i = 0;
    rc = jin_int(&r, b, "i", "i", false, -5, 1000, &i);
    if (rc == 0 && (i < -5 || i > 1000))
        abort();
    settle(rc);
    rc = jin_int(&r, b, "version", "version", true, 1, INT32_MAX, &i);
    if (rc == 0 && (i < 1 || i > INT32_MAX))
        abort();
    settle(rc);

    int flag = 0;
    rc = jin_bool(&r, b, "b", "b", false, &flag);
    if (rc == 0 && flag != -1 && flag != 0 && flag != 1)
        abort();
    settle(rc);

    double d = 0;
    bool present = false;
    rc = jin_number(&r, b, "n", "n", false, -90, 90, &d, &present);
    if (rc == 0 && present && !(isfinite(d) && d >= -90 && d <= 90))
        abort();
    settle(rc);

    int e = 0;
    rc = jin_enum(&r, b, "e", "e", false, role_parse, "agent, handler, supervisor, admin", &e);
    if (rc == 0 && e != -1 && !role_name((unsigned)e))
        abort();
    settle(rc);

    int64_t t = 0;
    rc = jin_time(&r, b, "t", "t", false, &t);
    settle(rc);

    int64_t *ids = NULL;
    size_t n = 0;
    rc = jin_id_array(&r, b, "a", "a", 10, &ids, &n);
    if (rc == 0) {
        if (n > 10 || (n && !ids))
            abort();
        for (size_t k = 0; k < n; k++)
            if (ids[k] <= 0)
                abort();
    }
    free(ids);
    settle(rc);

    json_t *o = json_object_get(b, "o");
    if (json_is_object(o))
        settle(jin_keys(&r, o, "o", allowed));
    fake_end(&r);
    json_decref(b);
    return 0;
}
