/*
 * fuzz_ticket_json.c - the body of POST /api/v1/tickets: JSON parsing as the
 * dispatcher does it (duplicate keys refused), then the real decoding and
 * validation (api_ticket_input_decode). What it checks besides memory
 * safety: a body is either refused with exactly one 400 naming a field, or
 * accepted with every value inside the limits docs/API.md promises.
 */
#include <stdint.h>
#include <jansson.h>
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

/* A string the decoder accepted: valid UTF-8, no NUL, at most max bytes. */
static void check_text(const char *s, size_t max, int required)
{
    if (!s) {
        if (required)
            abort();
        return;
    }
    size_t n = strlen(s);
    if (n > max || !utf8_valid(s, n) || (required && text_blank(s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *b = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    if (!b)
        return 0;
    if (!json_is_object(b)) {
        json_decref(b);
        return 0;
    }
    struct request r;
    fake_begin(&r, NULL, 0, NULL, 0, NULL, 0);
    struct ticket_input in;
    int rc = api_ticket_input_decode(&r, b, &in);
    if (rc != 0) {
        if (rc != -1 || !r.replied || r.status != 400)
            abort();
    } else {
        if (r.replied)
            abort();
        if (!channel_name(in.channel) || !ticket_type_name(in.type) || !urgency_name(in.urgency))
            abort();
        check_text(in.title, 800, 1);
        if (utf8_length(in.title) > 200)
            abort();
        check_text(in.content, 8000, 1);
        check_text(in.address, 500, 0);
        check_text(in.area, 32, 0);
        check_text(in.citizen_name, 100, 0);
        check_text(in.citizen_phone, 32, 0);
        if (in.citizen_phone && !phone_valid(in.citizen_phone))
            abort();
        if (in.has_location && !(in.lat >= -90 && in.lat <= 90 && in.lng >= -180 && in.lng <= 180))
            abort();
        if (in.category_id < 0)
            abort();
    }
    fake_end(&r);
    json_decref(b);
    return 0;
}
