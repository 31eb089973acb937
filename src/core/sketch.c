/*
 * sketch.c - the text sketches of repeat-request detection (dedup.h):
 * features, bottom-k selection, encoding and the two similarities.
 */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dedup.h"
#include "text/segment.h"

#define MAX_FEATURES 512 /* per text; the rest of a very long text is not needed */

/* Characters that make a pair say nothing about the matter. */
static const char *const function_chars[] = {"的", "了", "着", "吗", "呢", "吧", "啊", "我",
                                             "你", "他", "她", "们", "是", "在", "也", "都"};
/* Stock phrases of hotline calls, and generic place words. */
static const char *const stock_pairs[] = {
    "反映", "问题", "希望", "尽快", "处理", "解决", "相关", "部门", "市民", "来电", "咨询",
    "投诉", "举报", "要求", "情况", "现在", "已经", "一直", "没有", "自己", "这个", "什么",
    "怎么", "如何", "是否", "可以", "请求", "帮助", "附近", "周边", "目前", "谢谢", "麻烦",
    "影响", "严重", "非常", "经常", "每天", "时间", "多次", "联系", "电话", "居民", "群众",
    "生活", "正常", "工作", "人员", "小区", "号楼", "请问", "一下", "知道", "不知", "能否",
    "尽早", "及时", "有关", "单位", "领导", "给予", "答复", "回复"};

#define N_FUNCTION (sizeof function_chars / sizeof function_chars[0])
#define N_STOCK (sizeof stock_pairs / sizeof stock_pairs[0])

static uint32_t feature_hash(const char *s, size_t n);

/* Every token and pair is looked up: the lists as sorted hashes, built once. */
static struct {
    uint32_t hash[N_FUNCTION + N_STOCK];
    const char *text[N_FUNCTION + N_STOCK];
} lists;
static size_t n_lists;
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void lists_init(void)
{
    for (size_t i = 0; i < N_FUNCTION + N_STOCK; i++) {
        const char *t = i < N_FUNCTION ? function_chars[i] : stock_pairs[i - N_FUNCTION];
        uint32_t h = feature_hash(t, strlen(t));
        size_t j = n_lists++;
        for (; j > 0 && lists.hash[j - 1] > h; j--) { /* insertion sort: 79 entries */
            lists.hash[j] = lists.hash[j - 1];
            lists.text[j] = lists.text[j - 1];
        }
        lists.hash[j] = h;
        lists.text[j] = t;
    }
}

/* Is s[0..n) a function character or a stock pair? (h: its feature hash) */
static bool listed(const char *s, size_t n, uint32_t h)
{
    pthread_once(&lists_once, lists_init);
    size_t lo = 0, hi = n_lists;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (lists.hash[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n_lists && lists.hash[lo] == h; lo++)
        if (strlen(lists.text[lo]) == n && memcmp(lists.text[lo], s, n) == 0)
            return true;
    return false;
}

/* 64-bit FNV-1a with a final mix, folded to 32 bits. */
static uint32_t feature_hash(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return (uint32_t)(h ^ (h >> 32));
}

struct features {
    uint32_t h[MAX_FEATURES];
    size_t n;
    char prev[4];
    size_t prev_len, prev_end;
    bool have_prev;
};

static void add(struct features *f, uint32_t h)
{
    if (f->n < MAX_FEATURES)
        f->h[f->n++] = h;
}

/* Latin words and numbers as they are; CJK characters in adjacent pairs. */
static int on_token(void *ctx, const struct text_token *t)
{
    struct features *f = ctx;
    if (t->kind != TK_CJK) {
        add(f, feature_hash(t->text, t->len));
        f->have_prev = false;
        return 0;
    }
    /* TEXT_CJK_CHARS: one character a token */
    /* (a pair is never a function character, nor a character a stock pair:
       the lengths differ) */
    bool useful = t->len <= sizeof f->prev && !listed(t->text, t->len, feature_hash(t->text, t->len));
    if (useful && f->have_prev && f->prev_end == t->start) {
        char pair[8];
        memcpy(pair, f->prev, f->prev_len);
        memcpy(pair + f->prev_len, t->text, t->len);
        size_t n = f->prev_len + t->len;
        uint32_t h = feature_hash(pair, n);
        if (!listed(pair, n, h))
            add(f, h);
    }
    f->have_prev = useful;
    if (useful) {
        memcpy(f->prev, t->text, t->len);
        f->prev_len = t->len;
        f->prev_end = t->end;
    }
    return 0;
}

static int feed(struct text_seg *seg, struct features *f, const char *s)
{
    if (!s || !*s)
        return 0;
    f->have_prev = false;
    return text_segment(seg, s, strlen(s), TEXT_CJK_CHARS, on_token, f) == TEXT_OK ? 0 : -1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorts and removes duplicates; returns the new count. */
static size_t sort_unique(uint32_t *h, size_t n)
{
    if (n < 2)
        return n;
    qsort(h, n, sizeof *h, cmp_u32);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (h[i] != h[k - 1])
            h[k++] = h[i];
    return k;
}

static bool contains(const uint32_t *h, size_t n, uint32_t x)
{
    return bsearch(&x, h, n, sizeof *h, cmp_u32) != NULL;
}

/* ---- the thread's last sketch ---- */

/* The texts the last sketch was made of (lengths, SIZE_MAX for a NULL;
   the bytes one after another) and the sketch. */
struct memo {
    size_t n[3];
    char *key;
    size_t cap;
    bool full; /* holds a sketch */
    struct dedup_sketch sk;
};

static pthread_key_t memo_key;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static void memo_free(void *p)
{
    struct memo *m = p;
    if (m)
        free(m->key);
    free(m);
}
static void memo_init(void)
{
    pthread_key_create(&memo_key, memo_free);
}

static struct memo *memo_thread(void)
{
    pthread_once(&memo_once, memo_init);
    struct memo *m = pthread_getspecific(memo_key);
    if (!m && (m = calloc(1, sizeof *m)) != NULL && pthread_setspecific(memo_key, m) != 0) {
        free(m);
        m = NULL;
    }
    return m;
}

/* Does the memo hold these texts? */
static bool memo_is(const struct memo *m, const char *const in[3])
{
    if (!m->full)
        return false;
    size_t at = 0;
    for (int i = 0; i < 3; i++) {
        size_t n = in[i] ? strlen(in[i]) : SIZE_MAX;
        if (n != m->n[i])
            return false;
        if (in[i] && n) {
            if (memcmp(m->key + at, in[i], n) != 0)
                return false;
            at += n;
        }
    }
    return true;
}

static void memo_put(struct memo *m, const char *const in[3], const struct dedup_sketch *sk)
{
    size_t need = 0;
    for (int i = 0; i < 3; i++) {
        m->n[i] = in[i] ? strlen(in[i]) : SIZE_MAX;
        need += in[i] ? m->n[i] : 0;
    }
    m->full = false;
    if (need > m->cap) {
        char *k = realloc(m->key, need);
        if (!k)
            return;
        m->key = k;
        m->cap = need;
    }
    size_t at = 0;
    for (int i = 0; i < 3; i++)
        if (in[i] && m->n[i]) {
            memcpy(m->key + at, in[i], m->n[i]);
            at += m->n[i];
        }
    m->sk = *sk;
    m->full = true;
}

/* ---- making one ---- */

static int sketch_make(const char *title, const char *content, const char *address,
                       struct dedup_sketch *out);

int dedup_sketch_make(const char *title, const char *content, const char *address,
                      struct dedup_sketch *out)
{
    const char *const in[3] = {title, content, address};
    struct memo *m = memo_thread();
    if (m && memo_is(m, in)) {
        *out = m->sk;
        return 0;
    }
    int rc = sketch_make(title, content, address, out);
    if (rc == 0 && m)
        memo_put(m, in, out);
    return rc;
}

static int sketch_make(const char *title, const char *content, const char *address,
                       struct dedup_sketch *out)
{
    memset(out, 0, sizeof *out);
    struct text_seg *seg = text_seg_thread();
    struct features *text = malloc(sizeof *text), *place = malloc(sizeof *place);
    int rc = -1;
    if (!seg || !text || !place)
        goto done;
    text->n = place->n = 0;
    if (feed(seg, place, address) || feed(seg, text, title) || feed(seg, text, content))
        goto done;
    place->n = sort_unique(place->h, place->n);
    text->n = sort_unique(text->h, text->n);
    /* The smallest hashes are the bottom-k sample; the place is not the matter. */
    for (size_t i = 0; i < text->n && out->n_text < DEDUP_TEXT_MAX; i++)
        if (!contains(place->h, place->n, text->h[i]))
            out->text[out->n_text++] = text->h[i];
    for (size_t i = 0; i < place->n && out->n_place < DEDUP_PLACE_MAX; i++)
        out->place[out->n_place++] = place->h[i];
    rc = 0;
done:
    free(text);
    free(place);
    return rc;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t dedup_sketch_encode(const struct dedup_sketch *s, unsigned char *buf)
{
    size_t o = 0;
    buf[o++] = 1; /* format version */
    buf[o++] = s->n_text;
    buf[o++] = s->n_place;
    for (size_t i = 0; i < s->n_text; i++, o += 4)
        put32(buf + o, s->text[i]);
    for (size_t i = 0; i < s->n_place; i++, o += 4)
        put32(buf + o, s->place[i]);
    return o;
}

int dedup_sketch_decode(const void *buf, size_t len, struct dedup_sketch *out)
{
    const unsigned char *p = buf;
    memset(out, 0, sizeof *out);
    if (!p || len < 3 || p[0] != 1 || p[1] > DEDUP_TEXT_MAX || p[2] > DEDUP_PLACE_MAX ||
        len != 3 + 4 * ((size_t)p[1] + p[2]))
        return -1;
    out->n_text = p[1];
    out->n_place = p[2];
    size_t o = 3;
    for (size_t i = 0; i < out->n_text; i++, o += 4)
        out->text[i] = get32(p + o);
    for (size_t i = 0; i < out->n_place; i++, o += 4)
        out->place[i] = get32(p + o);
    return 0;
}

/* Elements in both sorted sets. */
static size_t shared(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j])
            k++, i++, j++;
        else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return k;
}

double dedup_text_similarity(const struct dedup_sketch *a, const struct dedup_sketch *b)
{
    if (!a->n_text || !b->n_text)
        return 0;
    size_t k = shared(a->text, a->n_text, b->text, b->n_text);
    return (double)k / sqrt((double)a->n_text * b->n_text);
}

double dedup_place_similarity(const struct dedup_sketch *a, const struct dedup_sketch *b)
{
    if (!a->n_place || !b->n_place)
        return -1;
    size_t k = shared(a->place, a->n_place, b->place, b->n_place);
    return 2.0 * (double)k / (double)(a->n_place + b->n_place);
}
