/*
 * fuzz_time.c - the RFC 3339 parser (core/timeutil.c), which every "until",
 * "contacted_at", "from" and "to" goes through. An accepted time must print
 * (time_format_rfc3339) and parse back to the same millisecond, and map to
 * a real local date.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    timeutil_set_zone("Asia/Shanghai");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char s[257];
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t ms = 0;
    if (time_parse_rfc3339(s, &ms) != 0)
        return 0;
    char out[64];
    if (time_format_rfc3339(ms, out, sizeof out) != 0)
        return 0; /* out of the printable range: refused on output, not a fault */
    int64_t again = 0;
    if (time_parse_rfc3339(out, &again) != 0 || again != ms)
        abort();
    day_key d = time_day_key(ms);
    int y = (int)(d / 10000), m = (int)(d / 100 % 100), dd = (int)(d % 100);
    if (m < 1 || m > 12 || dd < 1 || dd > 31 || y < 0)
        abort();
    return 0;
}
