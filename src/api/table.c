/*
 * table.c - the table sink: CSV streamed page by page, XLSX built in a
 * temporary file and sent (see api/export.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "api/api.h"
#include "api/export.h"
#include "core/csv.h"
#include "http/stream.h"

/* Bytes of CSV gathered before a piece is handed to libmicrohttpd. */
#define CSV_PIECE 65536

struct table_sink {
    enum table_format format;
    size_t col, rows, max_rows;
    bool full;      /* max_rows reached: further cells are dropped */
    bool too_many;  /* XLSX: past Excel's last row */
    bool more;      /* the fill said more rows follow */
    bool first_out; /* the first piece (header and first page) has been handed over */
    struct csv_buf csv;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    table_fill_fn fill;
    void *ctx;
    void (*ctx_free)(void *ctx);
    /* what to answer if the fill fails before the first byte */
    unsigned fail_status;
    char fail_code[32], fail_message[200], fail_field[32];
};

/* Data rows an XLSX export may hold; lowered by tests only (table_set_xlsx_max_rows). */
static size_t xlsx_max_rows = TABLE_XLSX_MAX_ROWS;

void table_set_xlsx_max_rows(size_t n)
{
    xlsx_max_rows = n && n < TABLE_XLSX_MAX_ROWS ? n : TABLE_XLSX_MAX_ROWS;
}

int table_format_parse(const char *s)
{
    if (strcmp(s, "csv") == 0)
        return TABLE_CSV;
    if (strcmp(s, "xlsx") == 0)
        return TABLE_XLSX;
    return -1;
}

size_t table_rows(const struct table_sink *t)
{
    return t->rows;
}

int table_fail(struct table_sink *t, unsigned status, const char *code, const char *message,
               const char *field)
{
    t->fail_status = status;
    snprintf(t->fail_code, sizeof t->fail_code, "%s", code);
    snprintf(t->fail_message, sizeof t->fail_message, "%s", message);
    snprintf(t->fail_field, sizeof t->fail_field, "%s", field ? field : "");
    return -1;
}

/* The XLSX cell about to be written, or -1 past Excel's last row. */
static int xlsx_room(struct table_sink *t)
{
    if (t->rows >= xlsx_max_rows) {
        t->too_many = true;
        return -1;
    }
    return 0;
}

int table_text(struct table_sink *t, const char *s)
{
    if (t->full)
        return 0;
    int rc = 0;
    if (t->format == TABLE_CSV) {
        rc = csv_cell(&t->csv, s);
    } else if (xlsx_room(t) != 0) {
        rc = -1;
    } else if (s && *s) {
        rc = worksheet_write_string(t->ws, (lxw_row_t)(t->rows + 1), (lxw_col_t)t->col, s,
                                    NULL) == LXW_NO_ERROR
                 ? 0
                 : -1;
    }
    t->col++;
    return rc;
}

int table_number(struct table_sink *t, double v)
{
    if (t->full)
        return 0;
    int rc = 0;
    if (t->format == TABLE_CSV) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.10g", v);
        rc = csv_cell(&t->csv, buf);
    } else if (xlsx_room(t) != 0) {
        rc = -1;
    } else {
        rc = worksheet_write_number(t->ws, (lxw_row_t)(t->rows + 1), (lxw_col_t)t->col, v,
                                    NULL) == LXW_NO_ERROR
                 ? 0
                 : -1;
    }
    t->col++;
    return rc;
}

int table_int(struct table_sink *t, int64_t v)
{
    if (t->format == TABLE_XLSX)
        return table_number(t, (double)v);
    if (t->full)
        return 0;
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    t->col++;
    return csv_cell(&t->csv, buf);
}

int table_row_end(struct table_sink *t)
{
    if (t->full)
        return 0;
    if (t->format == TABLE_CSV && csv_end_row(&t->csv) != 0)
        return -1;
    t->col = 0;
    t->rows++;
    if (t->max_rows && t->rows >= t->max_rows)
        t->full = true;
    return 0;
}

static void sink_free(void *p)
{
    struct table_sink *t = p;
    if (!t)
        return;
    if (t->ctx_free)
        t->ctx_free(t->ctx);
    csv_release(&t->csv);
    free(t);
}

/* One call of the fill; false on failure. */
static bool fill_once(struct table_sink *t)
{
    int rc = t->fill(t->ctx, t);
    if (rc < 0)
        return false;
    t->more = rc > 0 && !t->full;
    return true;
}

/* The failure before the first byte, as the one error shape. */
static void reply_fail(struct request *r, struct table_sink *t)
{
    if (t->too_many) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the export has more than %zu rows, the most an Excel sheet holds; narrow the "
                 "filter or use format=csv",
                 xlsx_max_rows);
        reply_error(r, 400, "invalid_argument", msg, "format");
    } else if (t->fail_status) {
        reply_error(r, t->fail_status, t->fail_code, t->fail_message,
                    t->fail_field[0] ? t->fail_field : NULL);
    } else {
        reply_error(r, 500, "internal", "internal error", NULL);
    }
}

/* Content-Disposition: attachment; filename="ascii.ext"; filename*=UTF-8''pct.ext */
static int disposition(struct request *r, const struct table_spec *spec, const char *ext)
{
    char v[600];
    int n = snprintf(v, sizeof v, "attachment; filename=\"%s.%s\"; filename*=UTF-8''",
                     spec->ascii_name, ext);
    static const char attr[] = "!#$&+-.^_`|~";
    for (const unsigned char *p = (const unsigned char *)spec->name;
         *p && n > 0 && (size_t)n < sizeof v - 16; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || strchr(attr, *p);
        n += plain ? snprintf(v + n, sizeof v - (size_t)n, "%c", *p)
                   : snprintf(v + n, sizeof v - (size_t)n, "%%%02X", *p);
    }
    if (n < 0 || (size_t)n >= sizeof v - 16)
        return -1;
    snprintf(v + n, sizeof v - (size_t)n, ".%s", ext);
    return reply_header(r, "Content-Disposition", v);
}

/* libmicrohttpd wants more CSV: the next page(s), up to about CSV_PIECE bytes. */
static int csv_pull(void *ctx, const char **data, size_t *len)
{
    struct table_sink *t = ctx;
    if (t->first_out)
        csv_clear(&t->csv);
    t->first_out = true;
    while (t->more && t->csv.len < CSV_PIECE)
        if (!fill_once(t))
            return -1;
    *data = t->csv.data;
    *len = t->csv.len;
    return t->more ? 1 : 0;
}

static void reply_csv(struct request *r, const struct table_spec *spec, struct table_sink *t)
{
    int rc = csv_raw(&t->csv, CSV_BOM, 3);
    for (size_t i = 0; rc == 0 && spec->headers[i]; i++)
        rc = csv_cell(&t->csv, spec->headers[i]);
    if (rc == 0)
        rc = csv_end_row(&t->csv);
    if (rc != 0 || !fill_once(t)) { /* the first page, read before answering */
        reply_fail(r, t);
        sink_free(t);
        return;
    }
    if (disposition(r, spec, "csv") != 0) {
        reply_error(r, 500, "internal", "internal error", NULL);
        sink_free(t);
        return;
    }
    reply_stream(r, 200, "text/csv; charset=utf-8", csv_pull, sink_free, t);
}

static void reply_xlsx(struct request *r, const struct table_spec *spec, struct table_sink *t)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[512];
    int fd = -1;
    if ((size_t)snprintf(path, sizeof path, "%s/rexian-export-XXXXXX.xlsx", dir) < sizeof path)
        fd = mkstemps(path, 5);
    if (fd < 0) {
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"export: cannot create a temporary file\"}\n");
        reply_error(r, 500, "internal", "internal error", NULL);
        sink_free(t);
        return;
    }
    close(fd);
    fd = -1;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)dir,
                                .use_zip64 = LXW_TRUE};
    t->wb = workbook_new_opt(path, &opt);
    t->ws = t->wb ? workbook_add_worksheet(t->wb, spec->sheet) : NULL;
    lxw_format *bold = t->wb ? workbook_add_format(t->wb) : NULL;
    if (!t->ws || !bold)
        goto fail;
    format_set_bold(bold);
    for (size_t i = 0; spec->headers[i]; i++)
        if (worksheet_write_string(t->ws, 0, (lxw_col_t)i, spec->headers[i], bold) !=
            LXW_NO_ERROR)
            goto fail;
    worksheet_freeze_panes(t->ws, 1, 0);
    t->more = true;
    while (t->more) {
        /* Building holds this worker thread: stop as soon as nobody waits for it. */
        if (t->rows && request_client_gone(r)) {
            reply_error(r, 503, "unavailable", "the client went away", NULL);
            goto done;
        }
        if (!fill_once(t)) {
            reply_fail(r, t);
            goto done;
        }
    }
    lxw_error err = workbook_close(t->wb);
    t->wb = NULL;
    if (err != LXW_NO_ERROR)
        goto fail;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        goto fail;
    unlink(path); /* the open descriptor keeps the file until it is sent */
    if (disposition(r, spec, "xlsx") != 0)
        goto fail;
    reply_fd(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fd,
             (size_t)st.st_size);
    fd = -1;
    sink_free(t);
    return;
fail:
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"export: cannot write the workbook\"}\n");
    reply_error(r, 500, "internal", "internal error", NULL);
done:
    if (t->wb) /* writes out what there is; the file is removed below */
        workbook_close(t->wb);
    t->wb = NULL;
    if (fd >= 0)
        close(fd);
    unlink(path);
    sink_free(t);
}

void table_reply(struct request *r, const struct table_spec *spec, table_fill_fn fill, void *ctx,
                 void (*ctx_free)(void *ctx))
{
    struct table_sink *t = calloc(1, sizeof *t);
    if (!t) {
        if (ctx_free)
            ctx_free(ctx);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    t->format = spec->format;
    t->max_rows = spec->max_rows;
    t->fill = fill;
    t->ctx = ctx;
    t->ctx_free = ctx_free;
    csv_init(&t->csv, 0);
    if (spec->format == TABLE_XLSX)
        reply_xlsx(r, spec, t);
    else
        reply_csv(r, spec, t);
}
