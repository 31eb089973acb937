/*
 * csv.h - RFC 4180 CSV cells for spreadsheets, into a bounded buffer.
 *
 * A cell is quoted when it holds a comma, a double quote, CR or LF (a
 * double quote inside is doubled); lines end with CRLF. A cell that a
 * spreadsheet would read as a formula (first character = + - @, tab or CR)
 * gets a leading apostrophe, so Excel, LibreOffice and WPS show it as text
 * and never run it ("CSV injection"). The BOM (EF BB BF) that makes Excel
 * read the file as UTF-8 is the caller's first write (CSV_BOM).
 *
 * Pure: no I/O. The buffer grows up to its cap and fails cleanly past it.
 */
#ifndef REXIAN_CORE_CSV_H
#define REXIAN_CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#define CSV_BOM "\xEF\xBB\xBF"

struct csv_buf {
    char *data;
    size_t len, cap;
    size_t max;      /* hard cap on cap; 0 = 64 MiB */
    bool row_open;   /* a cell has been written on the current line */
};

/* An empty buffer that may grow to `max` bytes (0 = 64 MiB). */
void csv_init(struct csv_buf *b, size_t max);
/* Frees the contents; the buffer is empty (and usable) afterwards. */
void csv_release(struct csv_buf *b);
/* Forgets the contents, keeping the memory. */
void csv_clear(struct csv_buf *b);
/* Appends raw bytes. 0, or -1 (nothing appended) past the cap or out of memory. */
int csv_raw(struct csv_buf *b, const char *s, size_t n);
/* Appends one cell of the current line (NULL = empty), with its separator. 0 or -1. */
int csv_cell(struct csv_buf *b, const char *s);
/* Ends the line (CRLF). 0 or -1. */
int csv_end_row(struct csv_buf *b);
/* True if a spreadsheet would take text s as a formula (so csv_cell defuses it). */
bool csv_formula_like(const char *s);

#endif
