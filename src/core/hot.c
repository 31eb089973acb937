/*
 * hot.c - a ticket's words for the hot topics (hot.h).
 */
#include <stdint.h>
#include <string.h>

#include "core/hot.h"

#define MAX_DISTINCT 256

/* Stock phrases of calls and generic words that would top every day. */
/* clang-format off */
static const char *const stop_words[] = {
    "反映", "问题", "希望", "尽快", "处理", "解决", "相关", "部门", "市民", "来电", "咨询",
    "投诉", "举报", "要求", "情况", "现在", "已经", "一直", "没有", "自己", "这个", "什么",
    "怎么", "如何", "是否", "可以", "请求", "帮助", "附近", "周边", "目前", "谢谢", "麻烦",
    "影响", "严重", "非常", "经常", "每天", "时间", "多次", "联系", "电话", "居民", "群众",
    "生活", "正常", "工作", "人员", "请问", "一下", "知道", "不知", "能否", "尽早", "及时",
    "有关", "单位", "领导", "给予", "答复", "回复", "我们", "他们", "表示", "因为", "所以",
    "但是", "如果", "需要", "不能", "无法", "出现", "存在", "导致", "一些", "这里", "那里",
    "还是", "的话", "进行", "称", "建议", "表扬", "求助", "工作人员", "我在", "突然", "城区",
    "街道", "小区"};
/* clang-format on */

int hot_stop_word(const char *w, size_t len)
{
    for (size_t i = 0; i < sizeof stop_words / sizeof stop_words[0]; i++)
        if (strlen(stop_words[i]) == len && memcmp(stop_words[i], w, len) == 0)
            return 1;
    return 0;
}

struct tally {
    char word[MAX_DISTINCT][HOT_WORD_MAX];
    int count[MAX_DISTINCT];
    size_t n;
    int weight;
};

static int on_token(void *ctx, const struct text_token *tok)
{
    struct tally *t = ctx;
    if (tok->kind == TK_NUMBER || tok->chars < 2 || tok->len >= HOT_WORD_MAX ||
        hot_stop_word(tok->text, tok->len))
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->word[i]) == tok->len && memcmp(t->word[i], tok->text, tok->len) == 0) {
            t->count[i] += t->weight;
            return 0;
        }
    if (t->n == MAX_DISTINCT)
        return 0;
    memcpy(t->word[t->n], tok->text, tok->len);
    t->word[t->n][tok->len] = '\0';
    t->count[t->n++] = t->weight;
    return 0;
}

int hot_words(struct text_seg *s, const char *title, const char *content,
              char words[HOT_WORDS][HOT_WORD_MAX], size_t *n)
{
    static _Thread_local struct tally t; /* 12 KiB: off the stack */
    t.n = 0;
    *n = 0;
    int rc = TEXT_OK;
    t.weight = 2;
    if (title)
        rc = text_segment(s, title, strlen(title), 0, on_token, &t);
    t.weight = 1;
    if (rc == TEXT_OK && content)
        rc = text_segment(s, content, strlen(content), 0, on_token, &t);
    if (rc != TEXT_OK)
        return rc;
    /* Pick the most frequent, first seen first among equals (a stable selection). */
    unsigned char taken[MAX_DISTINCT] = {0};
    for (size_t k = 0; k < HOT_WORDS; k++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < t.n; i++)
            if (!taken[i] && (best == SIZE_MAX || t.count[i] > t.count[best]))
                best = i;
        if (best == SIZE_MAX)
            break;
        taken[best] = 1;
        memcpy(words[k], t.word[best], HOT_WORD_MAX);
        (*n)++;
    }
    return TEXT_OK;
}
