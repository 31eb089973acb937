/*
 * fuzz_json_writer.c - the direct JSON writer (http/jsonw.h). The input is
 * cut at '\xfe' bytes into strings (any bytes, NUL and invalid UTF-8
 * included), written as an array of strings, then as an object with the
 * same strings as keys, and parsed back with jansson. Checks: the text
 * always parses; a valid UTF-8 string comes back unchanged and is written
 * exactly as jansson writes it; an invalid one comes back as valid UTF-8 in
 * which every valid sequence of the input survives (U+FFFD stands in for
 * the bad bytes).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "http/jsonw.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    json_object_seed(1);
    return 0;
}

#define MAX_PARTS 64

/* The bytes of `s` with each maximal valid stretch kept: what must survive. */
static void check_string(const char *in, size_t n, const char *out, size_t out_n)
{
    if (!utf8_valid(out, out_n))
        abort();
    if (utf8_valid(in, n)) {
        if (out_n != n || memcmp(in, out, n) != 0)
            abort();
        json_t *j = json_stringn(in, n);
        char *ref = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        struct jsonw w;
        jsonw_init(&w, 0);
        jsonw_string_n(&w, in, n);
        char *mine = jsonw_finish(&w, NULL);
        if (!ref || !mine || strcmp(ref, mine) != 0)
            abort();
        free(ref);
        free(mine);
        json_decref(j);
    } else if (out_n < n) { /* each bad byte becomes 3, nothing is dropped */
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *parts[MAX_PARTS];
    size_t lens[MAX_PARTS], np = 0, start = 0;
    for (size_t i = 0; i <= size && np < MAX_PARTS; i++) {
        if (i == size || data[i] == 0xfe) {
            parts[np] = (const char *)data + start;
            lens[np++] = i - start;
            start = i + 1;
        }
    }
    for (int as_keys = 0; as_keys < 2; as_keys++) {
        struct jsonw w;
        jsonw_init(&w, 0);
        if (as_keys) {
            jsonw_object_begin(&w);
            /* keys go through the same escaping; a key is a C string */
            for (size_t i = 0; i < np; i++) {
                char *k = strndup(parts[i], lens[i]);
                if (!k)
                    abort();
                char idx[8];
                idx[0] = (char)('A' + i % 26), idx[1] = (char)('a' + i / 26), idx[2] = '\0';
                size_t kn = strlen(k);
                char *key = malloc(kn + 3);
                memcpy(key, idx, 2);
                memcpy(key + 2, k, kn + 1);
                jsonw_key(&w, key);
                jsonw_int(&w, (int64_t)i);
                free(key);
                free(k);
            }
            jsonw_object_end(&w);
        } else {
            jsonw_array_begin(&w);
            for (size_t i = 0; i < np; i++)
                jsonw_string_n(&w, parts[i], lens[i]);
            jsonw_array_end(&w);
        }
        size_t len = 0;
        char *text = jsonw_finish(&w, &len);
        if (!text || strlen(text) != len)
            abort();
        json_error_t err;
        json_t *j = json_loadb(text, len, JSON_ALLOW_NUL, &err);
        if (!j)
            abort();
        if (!as_keys) {
            if (json_array_size(j) != np)
                abort();
            for (size_t i = 0; i < np; i++) {
                json_t *s = json_array_get(j, i);
                check_string(parts[i], lens[i], json_string_value(s), json_string_length(s));
            }
        } else if (!json_is_object(j)) {
            abort();
        }
        json_decref(j);
        free(text);
    }
    return 0;
}
