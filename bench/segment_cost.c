/*
 * segment_cost.c - what an ICU word break iterator costs, to choose between
 * one per thread, one per connection, and a clone per call (text/segment.h).
 *
 * Prints, for a typical ticket text, the time of: opening an iterator
 * (ubrk_open "zh"), cloning one (ubrk_clone), setting a new text on one we
 * keep (ubrk_setText), a whole dictionary segmentation, and text_segment()
 * in both modes. Built and run by `make bench-search`.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

#include "text/segment.h"

#define TEXT                                                                                                              \
    "市民来电反映：幸福小区3号楼电梯停运两天了，物业说在等配件，老人上下楼很困难，" \
    "希望有关部门督促尽快维修。"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int count(void *ctx, const struct text_token *t)
{
    (void)t;
    ++*(int *)ctx;
    return 0;
}

int main(void)
{
    UErrorCode err = U_ZERO_ERROR;
    UChar text[512];
    int32_t n = 0;
    u_strFromUTF8(text, 512, &n, TEXT, -1, &err);
    const int rounds = 2000;
    double t0 = now_us();
    for (int i = 0; i < rounds; i++) {
        UBreakIterator *b = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
        ubrk_close(b);
    }
    double open_us = (now_us() - t0) / rounds;
    UBreakIterator *proto = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
    t0 = now_us();
    for (int i = 0; i < rounds; i++) {
        UBreakIterator *b = ubrk_clone(proto, &err);
        ubrk_close(b);
    }
    double clone_us = (now_us() - t0) / rounds;
    t0 = now_us();
    for (int i = 0; i < rounds; i++)
        ubrk_setText(proto, text, n, &err);
    double settext_us = (now_us() - t0) / rounds;
    t0 = now_us();
    int words = 0;
    for (int i = 0; i < rounds; i++) {
        ubrk_setText(proto, text, n, &err);
        while (ubrk_next(proto) != UBRK_DONE)
            words++;
    }
    double walk_us = (now_us() - t0) / rounds;
    ubrk_close(proto);
    if (U_FAILURE(err)) {
        fprintf(stderr, "segment_cost: ICU failed: %s\n", u_errorName(err));
        return 1;
    }
    struct text_seg *s = text_seg_thread();
    int toks = 0;
    t0 = now_us();
    for (int i = 0; i < rounds; i++)
        text_segment(s, TEXT, strlen(TEXT), 0, count, &toks);
    double words_us = (now_us() - t0) / rounds;
    t0 = now_us();
    for (int i = 0; i < rounds; i++)
        text_segment(s, TEXT, strlen(TEXT), TEXT_CJK_CHARS, count, &toks);
    double chars_us = (now_us() - t0) / rounds;
    text_seg_thread_release();
    printf("text: %d characters\n", (int)n);
    printf("ubrk_open(UBRK_WORD, \"zh\")      %8.2f us\n", open_us);
    printf("ubrk_clone                       %8.2f us\n", clone_us);
    printf("ubrk_setText on a kept iterator  %8.2f us\n", settext_us);
    printf("setText + walk all boundaries    %8.2f us\n", walk_us);
    printf("text_segment, words (dictionary) %8.2f us\n", words_us);
    printf("text_segment, TEXT_CJK_CHARS     %8.2f us\n", chars_us);
    return 0;
}
