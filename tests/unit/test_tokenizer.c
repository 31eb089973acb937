/*
 * test_tokenizer.c - Chinese segmentation (text/segment.c) and the FTS5
 * tokenizer (text/fts5.c) on real phrases, in an in-memory SQLite database:
 * what a search finds, where highlights land, odd queries, and error codes
 * passed through from xToken.
 */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "text/fts5.h"
#include "text/segment.h"
#include "text/snippet.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- segmentation ---- */

struct collected {
    char text[1024]; /* tokens joined by '|' */
    size_t starts[64], ends[64];
    int kinds[64];
    int n;
};

static int collect(void *ctx, const struct text_token *t)
{
    struct collected *c = ctx;
    size_t l = strlen(c->text);
    snprintf(c->text + l, sizeof c->text - l, "%s%.*s", c->n ? "|" : "", (int)t->len, t->text);
    if (c->n < 64) {
        c->starts[c->n] = t->start;
        c->ends[c->n] = t->end;
        c->kinds[c->n] = t->kind;
    }
    c->n++;
    return 0;
}

static struct collected seg(const char *s, unsigned flags)
{
    struct collected c;
    memset(&c, 0, sizeof c);
    struct text_seg *sg = text_seg_thread();
    assert_non_null(sg);
    assert_int_equal(text_segment(sg, s, strlen(s), flags, collect, &c), TEXT_OK);
    return c;
}

static void test_words(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"咨询免费孕前优生健康检查", "咨询|免费|孕|前|优|生|健康|检查"},
        {"牡丹区交警大队", "牡丹|区|交警|大队"},
        {"Hello, World!", "hello|world"}, /* case folded, punctuation dropped */
        {"１２３４５热线", "12345|热线"}, /* full-width digits made ASCII */
        {"ＡＢＣ公司", "abc|公司"},
        {"12345 或 0530-5311234", "12345|或|0530|5311234"},
        {"面积3.5平方米", "面积|3.5|平方米"}, /* numbers whole */
        {"WiFi密码", "wifi|密码"},
        {"  ，。！？……  ", ""}, /* nothing but punctuation */
        {"", ""},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct collected c = seg(cases[i].in, 0);
        if (strcmp(c.text, cases[i].out) != 0)
            fail_msg("'%s' -> '%s', expected '%s'", cases[i].in, c.text, cases[i].out);
    }
}

static void test_chars_and_offsets(void **state)
{
    (void)state;
    struct collected c = seg("电梯ＡＢ１２", TEXT_CJK_CHARS);
    assert_string_equal(c.text, "电|梯|ab12");
    /* offsets are in the original: 电 0-3, 梯 3-6, ＡＢ１２ 6-18 (four 3-byte characters) */
    assert_int_equal(c.starts[0], 0);
    assert_int_equal(c.ends[0], 3);
    assert_int_equal(c.starts[1], 3);
    assert_int_equal(c.ends[1], 6);
    assert_int_equal(c.starts[2], 6);
    assert_int_equal(c.ends[2], 18);
    /* a ligature that NFKC expands keeps the span of the original character */
    c = seg("x ﬁle", 0);
    assert_string_equal(c.text, "x|file");
    assert_int_equal(c.starts[1], 2);
    assert_int_equal(c.ends[1], 7);
    /* invalid UTF-8 is skipped as a replacement character, offsets stay right */
    c = seg("a\xff"
            "b",
            0);
    assert_string_equal(c.text, "a|b");
    assert_int_equal(c.starts[1], 2);
    /* a character outside the BMP (U+20000, CJK Extension B) */
    c = seg("𠀀字", TEXT_CJK_CHARS);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.ends[0], 4);
    assert_int_equal(c.ends[1], 7);
}

static int stop_after_two(void *ctx, const struct text_token *t)
{
    (void)t;
    int *n = ctx;
    return ++*n == 2 ? 4242 : 0;
}

static void test_callback_code_passes_through(void **state)
{
    (void)state;
    int n = 0;
    const char *s = "一二三四五";
    assert_int_equal(
        text_segment(text_seg_thread(), s, strlen(s), TEXT_CJK_CHARS, stop_after_two, &n), 4242);
    assert_int_equal(n, 2);
    assert_true(text_has_words(text_seg_thread(), "电梯", 6));
    assert_false(text_has_words(text_seg_thread(), "\"()*-", 5));
}

/* ---- FTS5 ---- */

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sq_search_setup(db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE d USING fts5(t, tokenize='rexian');"
                                  "INSERT INTO d(rowid, t) VALUES"
                                  " (1, '我们老旧小区加装电梯，一楼住户不同意'),"
                                  " (2, '咨询国家免费孕前优生健康检查'),"
                                  " (3, '拨打１２３４５热线反映问题'),"
                                  " (4, '电动自行车驾乘人员要戴头盔'),"
                                  " (5, '小区停电了');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

/* The rowids that the user text `q` finds (all words), as "1,3"; "-" if none. */
static void search(sqlite3 *db, const char *q, bool any, char *out, size_t outlen)
{
    char *expr = NULL;
    int rc = sq_fts_query(q, any, 32, &expr);
    if (rc == STORE_INVALID) {
        snprintf(out, outlen, "invalid");
        return;
    }
    assert_int_equal(rc, STORE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM d WHERE d MATCH ?1 ORDER BY rowid",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
    free(expr);
    size_t p = 0;
    out[0] = '\0';
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        p += (size_t)snprintf(out + p, outlen - p, "%s%lld", p ? "," : "",
                              (long long)sqlite3_column_int64(st, 0));
    if (rc != SQLITE_DONE)
        fail_msg("query '%s' failed: %s", q, sqlite3_errmsg(db));
    if (!p)
        snprintf(out, outlen, "-");
    sqlite3_finalize(st);
}

static void test_fts_finds(void **state)
{
    (void)state;
    static const struct {
        const char *q, *hits;
    } cases[] = {
        {"电梯", "1"},
        {"加装电梯", "1"}, /* ICU cuts 加装 alone differently than inside the text */
        {"老旧小区 电梯", "1"},
        {"孕前检查", "2"}, /* all of 孕|前|检查 */
        {"孕前优生健康检查", "2"},
        {"12345", "3"}, /* the text has full-width digits */
        {"１２３４５", "3"},
        {"头盔", "4"},
        {"电动车头盔", "4"}, /* 电|动|车|头盔: each word is in 电动自行车...头盔 */
        {"汽车头盔", "-"},   /* 汽 is not */
        {"停电", "5"},
        {"电", "1,4,5"},
        {"电梯 头盔", "-"}, /* every word must be there */
    };
    sqlite3 *db = open_db();
    char got[128];
    for (size_t i = 0; i < N(cases); i++) {
        search(db, cases[i].q, false, got, sizeof got);
        if (strcmp(got, cases[i].hits) != 0)
            fail_msg("'%s' found %s, expected %s", cases[i].q, got, cases[i].hits);
    }
    search(db, "电梯 头盔", true, got, sizeof got); /* any of the words */
    assert_string_equal(got, "1,4");
    sqlite3_close(db);
}

static void test_fts_odd_queries(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "\"",        "\"\"",    "电梯\"",      "NEAR(电梯 加装, 3)",
        "*",         "电*",     "-电梯",       "电梯 -加装",
        "(",         ")",       "(电梯",       "电梯 OR",
        "AND",       "OR 电梯", "NOT",         "t:电梯",
        "{t}: 电梯", "^电梯",   "电梯 + 头盔", "'; DROP TABLE d; --",
        "\\",        "%",       "\x01\x02",    "a\"b\"c",
    };
    sqlite3 *db = open_db();
    char got[128];
    for (size_t i = 0; i < N(odd); i++)
        search(db, odd[i], false, got, sizeof got); /* fails the test on an SQL error */
    search(db, "near", false, got, sizeof got);
    assert_string_equal(got, "-"); /* a word like any other */
    search(db, "\"()*-^", false, got, sizeof got);
    assert_string_equal(got, "invalid");
    /* 10 KB of text: the first 32 words are taken, nothing breaks */
    char big[10241];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = "电梯 加装(\"*-"[i % 12];
    big[sizeof big - 1] = '\0';
    big[sizeof big - 2] = ' '; /* do not end inside a character */
    search(db, big, false, got, sizeof got);
    sqlite3_close(db);
}

static void test_fts_highlight_offsets(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT highlight(d, 0, '[', ']') FROM d WHERE d MATCH "
                                        "'\"12345\"'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    /* the mark surrounds the full-width original */
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "拨打[１２３４５]热线反映问题");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT highlight(d, 0, '[', ']') FROM d WHERE d MATCH "
                                        "'\"停\"'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "小区[停]电了");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Our own snippets: the whole word marked, on the original text, cut with "…". */
static void test_snippets(void **state)
{
    (void)state;
    struct text_seg *sg = text_seg_thread();
    static const struct {
        const char *q;
        const char *texts[3];
        const char *want;
    } cases[] = {
        {"加装电梯",
         {"我们老旧小区加装电梯，一楼住户不同意", NULL, NULL},
         "我们老旧小区\x02加装电梯\x03，一楼住户不同意"},
        {"孕前检查",
         {"咨询国家免费孕前优生健康检查", NULL, NULL},
         "咨询国家免费\x02孕前\x03优生健康\x02检查\x03"},
        {"12345", {"拨打１２３４５热线", NULL, NULL}, "拨打\x02１２３４５\x03热线"},
        /* the text where most words match wins; ties go to the earlier */
        {"电梯 停运", {"电梯坏了", "3号楼电梯停运了", NULL}, "3号楼\x02电梯停运\x03了"},
        /* no match: the start of the first text */
        {"头盔", {"小区停电了", "标题", NULL}, "小区停电了"},
        /* markers in the source are not taken for ours */
        {"电",
         {"a\x02"
          "b电",
          NULL, NULL},
         "a b\x02电\x03"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct text_query *tq;
        assert_int_equal(text_query_new(sg, cases[i].q, strlen(cases[i].q), 32, &tq), TEXT_OK);
        char *got = NULL;
        assert_int_equal(text_snippet(sg, tq, cases[i].texts, 3, 60, &got), TEXT_OK);
        if (!got || strcmp(got, cases[i].want) != 0)
            fail_msg("'%s': got '%s'", cases[i].q, got ? got : "(null)");
        free(got);
        text_query_free(tq);
    }
    /* a long text is cut around the first match */
    char longtext[2048];
    size_t lp = 0;
    for (int i = 0; i < 81; i++)
        lp += (size_t)snprintf(longtext + lp, sizeof longtext - lp, "%s",
                               i < 40    ? "很长的内容"
                               : i == 40 ? "电梯坏了"
                                         : "后面的内容");
    struct text_query *tq;
    assert_int_equal(text_query_new(sg, "电梯", strlen("电梯"), 32, &tq), TEXT_OK);
    const char *texts[] = {longtext};
    char *got = NULL;
    assert_int_equal(text_snippet(sg, tq, texts, 1, 30, &got), TEXT_OK);
    assert_non_null(strstr(got, "\x02电梯\x03"));
    assert_memory_equal(got, "…", strlen("…"));
    assert_string_equal(got + strlen(got) - strlen("…"), "…");
    free(got);
    const char *none[] = {NULL, ""};
    assert_int_equal(text_snippet(sg, tq, none, 2, 30, &got), TEXT_OK);
    assert_null(got);
    text_query_free(tq);
}

/* xToken's codes come back from xTokenize unchanged. */
static int token_fails(void *ctx, int flags, const char *tok, int n, int start, int end)
{
    (void)flags, (void)tok, (void)n, (void)start, (void)end;
    int *count = ctx;
    return ++*count == 3 ? SQLITE_ABORT : SQLITE_OK;
}

static void test_fts_xtoken_code(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    assert_non_null(api);
    void *user = NULL;
    fts5_tokenizer tk;
    assert_int_equal(api->xFindTokenizer(api, TEXT_FTS5_TOKENIZER, &user, &tk), SQLITE_OK);
    Fts5Tokenizer *t = NULL;
    assert_int_equal(tk.xCreate(user, NULL, 0, &t), SQLITE_OK);
    int count = 0;
    const char *text = "一二三四五";
    assert_int_equal(
        tk.xTokenize(t, &count, FTS5_TOKENIZE_DOCUMENT, text, (int)strlen(text), token_fails),
        SQLITE_ABORT);
    assert_int_equal(count, 3);
    const char *arg = "x";
    Fts5Tokenizer *t2 = NULL;
    assert_int_equal(tk.xCreate(user, &arg, 1, &t2), SQLITE_ERROR); /* no options taken */
    tk.xDelete(t);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_chars_and_offsets),
        cmocka_unit_test(test_callback_code_passes_through),
        cmocka_unit_test(test_fts_finds),
        cmocka_unit_test(test_fts_odd_queries),
        cmocka_unit_test(test_fts_highlight_offsets),
        cmocka_unit_test(test_snippets),
        cmocka_unit_test(test_fts_xtoken_code),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    text_seg_thread_release();
    return rc;
}
