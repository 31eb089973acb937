/*
 * fuzz_segment.c - the Chinese word segmenter behind the FTS5 tokenizer
 * (text/segment.c): NFKC case folding and ICU word breaks over any bytes,
 * invalid UTF-8 included. Every token must be non-empty valid UTF-8 whose
 * original offsets lie inside the input, in order, numbered 0, 1, 2...
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "text/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    size_t len;
    size_t last_start;
    int next_index;
};

static int on_token(void *ctx, const struct text_token *t)
{
    struct seen *s = ctx;
    if (!t->text || !t->len || !utf8_valid(t->text, t->len))
        abort();
    if (t->start >= t->end || t->end > s->len || t->start < s->last_start)
        abort();
    if (t->index != s->next_index++ || t->chars < 1)
        abort();
    s->last_start = t->start;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct text_seg *seg;
    if (size > 16384)
        return 0;
    if (!seg && text_seg_new(&seg) != TEXT_OK)
        abort();
    for (unsigned flags = 0; flags <= TEXT_CJK_CHARS; flags += TEXT_CJK_CHARS) {
        struct seen s = {.len = size};
        int rc = text_segment(seg, (const char *)data, size, flags, on_token, &s);
        if (rc != TEXT_OK)
            abort();
    }
    (void)text_has_words(seg, (const char *)data, size);
    return 0;
}
