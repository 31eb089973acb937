/*
 * export.h - tables as downloads: a header row and rows of cells, written
 * as CSV or XLSX and sent in constant memory, whatever their length.
 *
 * The caller describes the table (struct table_spec) and gives a fill
 * function that writes the next rows (a page) into the sink each time it
 * is called. table_reply() calls it once before answering, so a failure on
 * the first page is still a proper JSON error; then:
 *
 *  - CSV: UTF-8 with a BOM (Excel then reads Chinese correctly), RFC 4180
 *    quoting, CRLF, formula-looking cells defused with a leading
 *    apostrophe (core/csv.h). Streamed as a chunked callback response
 *    (http/stream.h): the next page is read only when the previous one has
 *    been handed to the socket. A failure after the first byte cuts the
 *    body short (no final chunk): the client sees a broken download.
 *  - XLSX: libxlsxwriter in constant_memory mode (rows flushed to its
 *    temporary file as written; strings inline, so cells are text, never
 *    formulas) into an unlinked temporary file, which is then sent. The
 *    whole file is built before the first byte goes out; the build stops
 *    when the client has gone away. Excel's sheet holds 1,048,576 rows:
 *    past 1,048,575 data rows the export is refused (400, field "format").
 *
 * Hooking another table (the monthly assessment) is a spec, a fill
 * function and one call:
 *
 *     static const char *const cols[] = {"承办单位", "类别", "件数", ..., NULL};
 *     static int fill(void *ctx, struct table_sink *t) {
 *         for (each row) { table_text(t, unit); table_int(t, n); ...; table_row_end(t); }
 *         return 0;                     // 1 while more rows follow, -1 on failure
 *     }
 *     struct table_spec spec = {.format = fmt, .name = "考核-2026-11",
 *                               .ascii_name = "assessment-2026-11", .sheet = "考核",
 *                               .headers = cols};
 *     table_reply(r, &spec, fill, ctx, free_ctx);
 */
#ifndef REXIAN_API_EXPORT_H
#define REXIAN_API_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "http/server.h"

enum table_format { TABLE_CSV, TABLE_XLSX };
/* "csv" or "xlsx"; -1 otherwise. */
int table_format_parse(const char *s);

/* Excel's rows per sheet, less the header row. */
#define TABLE_XLSX_MAX_ROWS 1048575

/* Tests only (REXIAN_TEST_XLSX_MAX_ROWS): a lower XLSX row limit; 0 = Excel's. Before serving. */
void table_set_xlsx_max_rows(size_t n);

struct table_spec {
    enum table_format format;
    const char *name;       /* file name without extension, UTF-8 (filename*) */
    const char *ascii_name; /* the same in ASCII, for old clients (filename) */
    const char *sheet;      /* XLSX sheet name (at most 31 characters, no []:*?/\) */
    const char *const *headers; /* column titles, NULL-terminated */
    size_t max_rows;        /* stop after this many rows; 0 = all */
};

struct table_sink;

/* Cells of the current row, left to right. NULL text is an empty cell. 0 or -1. */
int table_text(struct table_sink *t, const char *s);
int table_int(struct table_sink *t, int64_t v);
int table_number(struct table_sink *t, double v);
/* Ends the row. 0 or -1. */
int table_row_end(struct table_sink *t);
/* Rows written so far. */
size_t table_rows(const struct table_sink *t);

/*
 * Writes the next rows into t: returns 1 while more follow, 0 after the
 * last, -1 on failure. Before the first byte is sent, a failure answers
 * 500, or what table_fail() set.
 */
typedef int (*table_fill_fn)(void *ctx, struct table_sink *t);
/* The error to answer if the fill fails before the first byte; returns -1. */
int table_fail(struct table_sink *t, unsigned status, const char *code, const char *message,
               const char *field);

/*
 * Answers r with the table (200, Content-Disposition: attachment with an
 * RFC 5987 filename*). Takes ownership of ctx: ctx_free(ctx) (may be NULL)
 * is called once the table is written or abandoned.
 */
void table_reply(struct request *r, const struct table_spec *spec, table_fill_fn fill, void *ctx,
                 void (*ctx_free)(void *ctx));

#endif
