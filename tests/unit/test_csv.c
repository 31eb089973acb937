/*
 * test_csv.c - RFC 4180 cells, CRLF lines, formula injection defused, and
 * the buffer's hard cap (core/csv.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

/* One line of cells written and compared with what a reader expects. */
static void expect_line(const char *const *cells, size_t n, const char *want)
{
    struct csv_buf b;
    csv_init(&b, 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(csv_cell(&b, cells[i]), 0);
    assert_int_equal(csv_end_row(&b), 0);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    csv_release(&b);
}

static void expect_cell(const char *cell, const char *want)
{
    const char *cells[] = {cell};
    expect_line(cells, 1, want);
}

static void test_plain_and_empty(void **state)
{
    (void)state;
    const char *row[] = {"a", "", NULL, "工单"};
    expect_line(row, 4, "a,,,工单\r\n");
    expect_cell("", "\r\n");
    expect_cell("12345", "12345\r\n");
}

static void test_quoting(void **state)
{
    (void)state;
    expect_cell("a,b", "\"a,b\"\r\n");
    expect_cell("say \"hi\"", "\"say \"\"hi\"\"\"\r\n");
    expect_cell("\"", "\"\"\"\"\r\n");
    expect_cell("line1\nline2", "\"line1\nline2\"\r\n");
    expect_cell("cr\rhere", "\"cr\rhere\"\r\n");
    expect_cell("电梯, 坏了", "\"电梯, 坏了\"\r\n");
    /* a quote alone in the middle still needs the cell quoted */
    expect_cell("5\" pipe", "\"5\"\" pipe\"\r\n");
}

static void test_formula_injection(void **state)
{
    (void)state;
    expect_cell("=1+1", "'=1+1\r\n");
    expect_cell("+86 138", "'+86 138\r\n");
    expect_cell("-5", "'-5\r\n");
    expect_cell("@SUM(A1)", "'@SUM(A1)\r\n");
    expect_cell("\tx", "'\tx\r\n");
    expect_cell("\rx", "\"'\rx\"\r\n");
    /* defused and quoted: the apostrophe is inside the quotes */
    expect_cell("=HYPERLINK(\"u\",\"a\")", "\"'=HYPERLINK(\"\"u\"\",\"\"a\"\")\"\r\n");
    /* not at the start: left alone */
    expect_cell("a=b", "a=b\r\n");
    expect_cell(" =1", " =1\r\n");
    assert_true(csv_formula_like("=x"));
    assert_false(csv_formula_like("x="));
    assert_false(csv_formula_like(""));
    assert_false(csv_formula_like(NULL));
}

static void test_rows_and_bom(void **state)
{
    (void)state;
    struct csv_buf b;
    csv_init(&b, 0);
    assert_int_equal(csv_raw(&b, CSV_BOM, 3), 0);
    assert_int_equal(csv_cell(&b, "h1"), 0);
    assert_int_equal(csv_cell(&b, "h2"), 0);
    assert_int_equal(csv_end_row(&b), 0);
    assert_int_equal(csv_cell(&b, "x"), 0);
    assert_int_equal(csv_end_row(&b), 0);
    const char want[] = "\xEF\xBB\xBFh1,h2\r\nx\r\n";
    assert_int_equal(b.len, sizeof want - 1);
    assert_memory_equal(b.data, want, b.len);
    csv_clear(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(csv_cell(&b, "y"), 0);
    assert_int_equal(b.len, 1); /* no separator after a clear */
    csv_release(&b);
    csv_release(&b); /* twice is harmless */
}

static void test_cap(void **state)
{
    (void)state;
    struct csv_buf b;
    csv_init(&b, 16);
    assert_int_equal(csv_cell(&b, "0123456789"), 0);
    size_t before = b.len;
    assert_int_equal(csv_cell(&b, "0123456789"), -1); /* would pass 16 bytes */
    assert_int_equal(b.len, before);                   /* nothing half-written */
    assert_int_equal(csv_cell(&b, "abc"), 0);
    assert_int_equal(csv_end_row(&b), 0);
    assert_int_equal(csv_raw(&b, "xx", 2), -1);
    assert_memory_equal(b.data, "0123456789,abc\r\n", 16);
    csv_release(&b);
    /* a big cell grows the buffer past its first allocation */
    char *big = malloc(100001);
    assert_non_null(big);
    memset(big, 'a', 100000);
    big[100000] = '\0';
    big[50000] = '"';
    csv_init(&b, 0);
    assert_int_equal(csv_cell(&b, big), 0);
    assert_int_equal(b.len, 100000 + 1 + 2);
    csv_release(&b);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_empty),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_formula_injection),
        cmocka_unit_test(test_rows_and_bom),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
