/*
 * test_numbers.c - the 14-digit ticket number: format, parse, validity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/numbers.h"

static void test_format(void **state)
{
    char out[TICKET_NUMBER_LEN + 1];

    (void)state;
    assert_int_equal(ticket_number_format(20261201, 123, out), 0);
    assert_string_equal(out, "20261201000123");
    assert_int_equal(ticket_number_format(20261201, 1, out), 0);
    assert_string_equal(out, "20261201000001");
    assert_int_equal(ticket_number_format(20261231, TICKET_SEQ_MAX, out), 0);
    assert_string_equal(out, "20261231999999");
    assert_int_equal(ticket_number_format(20240229, 5, out), 0);
    assert_string_equal(out, "20240229000005");
}

static void test_format_rejects(void **state)
{
    char out[TICKET_NUMBER_LEN + 1];

    (void)state;
    assert_int_equal(ticket_number_format(20261201, 0, out), -1);
    assert_int_equal(ticket_number_format(20261201, -1, out), -1);
    assert_int_equal(ticket_number_format(20261201, TICKET_SEQ_MAX + 1, out), -1);
    assert_int_equal(ticket_number_format(20261301, 1, out), -1);
    assert_int_equal(ticket_number_format(20260230, 1, out), -1);
    assert_int_equal(ticket_number_format(20250229, 1, out), -1);
    assert_int_equal(ticket_number_format(20261200, 1, out), -1);
    assert_int_equal(ticket_number_format(2026120, 1, out), -1);
    assert_int_equal(ticket_number_format(-20261201, 1, out), -1);
    assert_int_equal(ticket_number_format(20261201, 1, NULL), -1);
}

static void test_parse(void **state)
{
    day_key day = 0;
    int64_t seq = 0;

    (void)state;
    assert_int_equal(ticket_number_parse("20261201000123", &day, &seq), 0);
    assert_int_equal(day, 20261201);
    assert_int_equal(seq, 123);
    assert_int_equal(ticket_number_parse("20991231999999", &day, NULL), 0);
    assert_int_equal(day, 20991231);
    assert_int_equal(ticket_number_parse("20240229000001", NULL, &seq), 0);
    assert_int_equal(seq, 1);
    assert_int_equal(ticket_number_parse("20240229000001", NULL, NULL), 0);
}

static void test_valid_and_invalid(void **state)
{
    static const char *const good[] = {"20261201000123", "20240229000001", "20000229000001",
                                       "20261231999999", "20260131000010"};
    static const char *const bad[] = {
        "2026120100012",   /* 13 digits */
        "202612010001234", /* 15 digits */
        "2026120100012a",  /* a letter */
        "2026-201000123",  /* punctuation */
        " 20261201000123", /* leading space */
        "20261201000123 ", /* trailing space */
        "20261301000001",  /* month 13 */
        "20260001000001",  /* month 0 */
        "20260230000001",  /* Feb 30 */
        "20250229000001",  /* not a leap year */
        "21000229000001",  /* century, not a leap year */
        "20260431000001",  /* April 31 */
        "20261200000001",  /* day 0 */
        "20261201000000",  /* sequence 0 */
        "00001201000001",  /* year 0 */
        "",
        "２０２６１２０１０００１２３", /* full-width digits */
    };
    day_key day = 77;
    int64_t seq = 77;

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(ticket_number_valid(good[i]));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ticket_number_valid(bad[i]))
            print_error("accepted '%s'\n", bad[i]);
        assert_false(ticket_number_valid(bad[i]));
        assert_int_equal(ticket_number_parse(bad[i], &day, &seq), -1);
    }
    assert_int_equal(day, 77); /* outs untouched on failure */
    assert_int_equal(seq, 77);
    assert_false(ticket_number_valid(NULL));
}

static void test_round_trip(void **state)
{
    static const day_key days[] = {20260101, 20261231, 20240229, 20280229, 19991231};
    static const int64_t seqs[] = {1, 9, 10, 123, 100000, TICKET_SEQ_MAX};
    char out[TICKET_NUMBER_LEN + 1];

    (void)state;
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        for (size_t j = 0; j < sizeof(seqs) / sizeof(seqs[0]); j++) {
            day_key d = 0;
            int64_t s = 0;
            assert_int_equal(ticket_number_format(days[i], seqs[j], out), 0);
            assert_int_equal(strlen(out), TICKET_NUMBER_LEN);
            assert_true(ticket_number_valid(out));
            assert_int_equal(ticket_number_parse(out, &d, &s), 0);
            assert_int_equal(d, days[i]);
            assert_int_equal(s, seqs[j]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_rejects),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_valid_and_invalid),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
