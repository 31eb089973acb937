/*
 * assess.c - /api/v1/stats/assessment (the monthly unit assessment and its
 * drill-down) and /api/v1/stats/weights. docs/ASSESSMENT.md defines the
 * measures; docs/API.md shows the answers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/export.h"
#include "app/assess.h"
#include "core/timeutil.h"

/* ---- the period ---- */

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int month_days(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Reads exactly n decimal digits at s. -1 if they are not there. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int parse_month(const char *s, int *y, int *m)
{
    if (strlen(s) != 7 || s[4] != '-')
        return -1;
    *y = digits(s, 4);
    *m = digits(s + 5, 2);
    return *y >= 1970 && *y <= 9999 && *m >= 1 && *m <= 12 ? 0 : -1;
}

static int parse_date(const char *s, int32_t *day)
{
    int y, m, d;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    y = digits(s, 4);
    m = digits(s + 5, 2);
    d = digits(s + 8, 2);
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return -1;
    *day = y * 10000 + m * 100 + d;
    return 0;
}

/* The period of month=, quarter= or from=&to= (exactly one). 0, or replies 400. */
static int parse_period(struct request *r, int32_t *from, int32_t *to)
{
    const char *month = request_query(r, "month"), *quarter = request_query(r, "quarter"),
               *f = request_query(r, "from"), *t = request_query(r, "to");
    int forms = (month != NULL) + (quarter != NULL) + (f || t);
    if (forms == 0) {
        reply_error(r, 400, "invalid_argument",
                    "a period is required: month, quarter, or from and to", "month");
        return -1;
    }
    if (forms > 1) {
        reply_error(r, 400, "invalid_argument",
                    "give one period only: month, quarter, or from and to",
                    month && quarter ? "quarter" : "from");
        return -1;
    }
    int y, m;
    if (month) {
        if (parse_month(month, &y, &m) != 0) {
            reply_error(r, 400, "invalid_argument", "month must be YYYY-MM", "month");
            return -1;
        }
        *from = y * 10000 + m * 100 + 1;
        *to = y * 10000 + m * 100 + month_days(y, m);
        return 0;
    }
    if (quarter) {
        y = strlen(quarter) == 7 && quarter[4] == '-' && quarter[5] == 'Q' ? digits(quarter, 4)
                                                                             : -1;
        int q = y >= 1970 ? digits(quarter + 6, 1) : -1;
        if (y < 1970 || q < 1 || q > 4) {
            reply_error(r, 400, "invalid_argument", "quarter must be YYYY-Qn (n 1 to 4)",
                        "quarter");
            return -1;
        }
        int last = q * 3;
        *from = y * 10000 + (last - 2) * 100 + 1;
        *to = y * 10000 + last * 100 + month_days(y, last);
        return 0;
    }
    if (!f || parse_date(f, from) != 0) {
        reply_error(r, 400, "invalid_argument", "from must be a date YYYY-MM-DD", "from");
        return -1;
    }
    if (!t || parse_date(t, to) != 0) {
        reply_error(r, 400, "invalid_argument", "to must be a date YYYY-MM-DD", "to");
        return -1;
    }
    if (*to < *from) {
        reply_error(r, 400, "invalid_argument", "to must not be before from", "to");
        return -1;
    }
    return 0;
}

/* children=true|false, default true. 0, or replies 400. */
static int parse_children(struct request *r, bool *children)
{
    const char *v = request_query(r, "children");
    *children = true;
    if (!v || strcmp(v, "true") == 0)
        return 0;
    if (strcmp(v, "false") == 0) {
        *children = false;
        return 0;
    }
    reply_error(r, 400, "invalid_argument", "children must be true or false", "children");
    return -1;
}

/* ---- encoding ---- */

static json_t *jout_day(int32_t day)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", (int)(day / 10000), (int)(day / 100 % 100),
             (int)(day % 100));
    return json_string(buf);
}

static json_t *jout_period(const struct assess_report *rep)
{
    return json_pack("{s:o, s:o}", "from", jout_day(rep->from), "to", jout_day(rep->to));
}

static json_t *jout_weights(const struct assess_weights *w)
{
    return json_pack("{s:i, s:i, s:i}", "response", w->response, "resolution", w->resolution,
                     "satisfaction", w->satisfaction);
}

static const struct {
    const char *name;
    enum assess_measure m;
} counts[] = {
    {"received", AM_RECEIVED},           {"signed_on_time", AM_SIGN_NUM},
    {"replied_on_time", AM_REPLY_NUM},   {"overdue", AM_OVERDUE},
    {"returned", AM_RETURNED},           {"return_accepted", AM_RETURN_ACCEPTED},
    {"return_refused", AM_RETURN_REFUSED}, {"extension_asked", AM_EXT_ASKED},
    {"extension_approved", AM_EXT_APPROVED}, {"reopened", AM_REOPENED},
    {"urged", AM_URGED},
};

static json_t *jout_line(const struct assess_line *l)
{
    json_t *c = json_object(), *rates = json_object();
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        json_object_set_new(c, counts[i].name, json_integer(l->sums[counts[i].m]));
    for (int k = 0; k < AR__COUNT; k++) {
        double pct = 0;
        bool has = assess_rate_value(l->sums, k, &pct);
        json_object_set_new(rates, assess_rate_name(k),
                            json_pack("{s:I, s:I, s:o}", "num",
                                      (json_int_t)l->sums[assess_rate_num(k)], "den",
                                      (json_int_t)l->sums[assess_rate_den(k)], "rate",
                                      has ? json_real(pct) : json_null()));
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:i, s:o, s:o, s:o}", "unit_id",
                     (json_int_t)l->unit.id, "code", l->unit.code, "name", l->unit.name, "kind",
                     unit_kind_name(l->unit.kind), "rank",
                     l->rank ? json_integer(l->rank) : json_null(), "rank_of", l->rank_of,
                     "score", l->has_score ? json_real(l->score) : json_null(), "counts", c,
                     "rates", rates);
}

/* ---- handlers ---- */

/* ?kind= (optional): an assessed unit kind, the center excluded; -1 when absent. */
static int parse_kind(struct request *r, int *kind)
{
    const char *k = request_query(r, "kind");
    if (k && ((*kind = unit_kind_parse(k)) < 0 || *kind == UK_CENTER)) {
        reply_error(r, 400, "invalid_argument",
                    "kind must be one of bureau, district, street, enterprise", "kind");
        return -1;
    }
    return 0;
}

void h_assess_list(struct request *r)
{
    static const char *const keys[] = {"month", "quarter", "from", "to", "kind", "children", NULL};
    int32_t from = 0, to = 0;
    bool children = true;
    int kind = -1;
    if (qin_only(r, keys) || parse_period(r, &from, &to) || parse_children(r, &children))
        return;
    if (parse_kind(r, &kind))
        return;
    struct actor a;
    api_actor(r, &a);
    struct assess_report rep;
    struct app_error e;
    if (app_assess_report(api_store(r), &a, from, to, kind, children, &rep, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    json_t *units = json_array();
    for (size_t i = 0; i < rep.n; i++)
        json_array_append_new(units, jout_line(&rep.lines[i]));
    json_t *o = json_pack("{s:o, s:o, s:b, s:o}", "period", jout_period(&rep), "weights",
                          jout_weights(&rep.weights), "children", children, "units", units);
    app_assess_report_release(&rep);
    reply_json(r, 200, o);
}

void h_assess_unit(struct request *r)
{
    static const char *const keys[] = {"month", "quarter", "from", "to", "children", NULL};
    int64_t id = api_path_id(r, 0, "unit");
    int32_t from = 0, to = 0;
    bool children = true;
    if (!id || qin_only(r, keys) || parse_period(r, &from, &to) || parse_children(r, &children))
        return;
    struct actor a;
    api_actor(r, &a);
    struct assess_report rep;
    struct app_error e;
    if (app_assess_unit(api_store(r), &a, id, from, to, children, &rep, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    json_t *o = jout_line(&rep.lines[0]);
    json_object_set_new(o, "period", jout_period(&rep));
    json_object_set_new(o, "weights", jout_weights(&rep.weights));
    json_object_set_new(o, "children", json_boolean(children));
    app_assess_report_release(&rep);
    reply_json(r, 200, o);
}

/* "unit_id.received_at.ticket_id.seq" */
static int parse_after(const char *s, struct assess_query *q)
{
    long long unit, at, id;
    int seq, used = 0;
    if (sscanf(s, "%lld.%lld.%lld.%d%n", &unit, &at, &id, &seq, &used) != 4 || s[used] != '\0' ||
        unit < 1 || at < 0 || id < 0 || seq < 0)
        return -1;
    q->after_unit = unit;
    q->after_at = at;
    q->after_ticket = id;
    q->after_seq = seq;
    return 0;
}

void h_assess_tickets(struct request *r)
{
    static const char *const keys[] = {"month", "quarter", "from",  "to",    "children",
                                       "rate",  "part",    "limit", "after", NULL};
    int64_t id = api_path_id(r, 0, "unit");
    struct assess_query q = {.unit_id = id, .after_seq = 0};
    int64_t limit = 50;
    if (!id || qin_only(r, keys) || parse_period(r, &q.from, &q.to) ||
        parse_children(r, &q.children) || qin_int(r, "limit", 1, 200, &limit))
        return;
    const char *rate = request_query(r, "rate"), *part = request_query(r, "part");
    int k = rate ? assess_rate_parse(rate) : -1;
    if (k < 0) {
        reply_error(r, 400, "invalid_argument",
                    "rate must be one of sign_on_time, reply_on_time, response, resolution, "
                    "satisfaction, return, redo",
                    "rate");
        return;
    }
    if (part && strcmp(part, "num") != 0 && strcmp(part, "den") != 0) {
        reply_error(r, 400, "invalid_argument", "part must be num or den", "part");
        return;
    }
    bool den = part && strcmp(part, "den") == 0;
    const char *after = request_query(r, "after");
    if (after && parse_after(after, &q) != 0) {
        reply_error(r, 400, "invalid_argument", "after must be a cursor from a previous page",
                    "after");
        return;
    }
    q.measure = den ? assess_rate_den(k) : assess_rate_num(k);
    q.limit = (int)limit + 1;
    struct actor a;
    api_actor(r, &a);
    struct assess_item *items = NULL;
    size_t n = 0;
    struct app_error e;
    if (app_assess_items(api_store(r), &a, &q, &items, &n, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    json_t *arr = json_array();
    size_t shown = n > (size_t)limit ? (size_t)limit : n;
    for (size_t i = 0; i < shown; i++) {
        const struct assess_item *it = &items[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:o, s:I, s:s, s:i, s:b}", "number", it->number,
                           "title", it->title ? it->title : "", "status",
                           status_name(it->status), "received_at", jout_time(it->received_at),
                           "unit_id", (json_int_t)it->unit_id, "unit_code",
                           it->unit_code ? it->unit_code : "", "assignment", it->seq, "in_num",
                           it->v[assess_rate_num(k)] > 0));
    }
    json_t *next = json_null();
    if (n > shown) {
        char cur[80];
        const struct assess_item *last = &items[shown - 1];
        snprintf(cur, sizeof cur, "%lld.%lld.%lld.%d", (long long)last->unit_id,
                 (long long)last->received_at, (long long)last->ticket_id, last->seq);
        next = json_string(cur);
    }
    store_free_assess_items(items, n);
    reply_json(r, 200, json_pack("{s:o, s:o}", "items", arr, "next", next));
}

void h_weights_get(struct request *r)
{
    struct assess_weights w;
    struct app_error e;
    if (app_assess_weights_get(api_store(r), &w, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    json_t *o = jout_weights(&w);
    json_object_set_new(o, "updated_at", jout_time(w.updated_at));
    reply_json(r, 200, o);
}

void h_weights_put(struct request *r)
{
    static const char *const keys[] = {"response", "resolution", "satisfaction", NULL};
    if (!api_require_role(r, ROLE_ADMIN))
        return;
    int64_t resp = 0, resol = 0, sat = 0;
    json_t *b = r->json;
    if (jin_keys(r, b, NULL, keys) || jin_int(r, b, "response", "response", true, 0, 100, &resp) ||
        jin_int(r, b, "resolution", "resolution", true, 0, 100, &resol) ||
        jin_int(r, b, "satisfaction", "satisfaction", true, 0, 100, &sat))
        return;
    struct assess_weights w = {(int)resp, (int)resol, (int)sat, time_now_ms()};
    struct actor a;
    api_actor(r, &a);
    struct app_error e;
    if (app_assess_weights_put(api_store(r), &a, r->user.username, &w, &e) != APP_OK) {
        api_reply_app_error(r, &e);
        return;
    }
    r->audited = true; /* app_assess_weights_put wrote the audit row with the change */
    json_t *o = jout_weights(&w);
    json_object_set_new(o, "updated_at", jout_time(w.updated_at));
    reply_json(r, 200, o);
}

/* ---- the monthly assessment as a download (CSV / XLSX, api/export.h) ---- */

struct assess_table {
    struct assess_report rep;
    bool en;
};

static void assess_table_free(void *p)
{
    struct assess_table *x = p;
    app_assess_report_release(&x->rep);
    free(x);
}

static const char *kind_label(enum unit_kind k)
{
    switch (k) {
    case UK_BUREAU: return "市直部门";
    case UK_DISTRICT: return "区县";
    case UK_STREET: return "街道（乡镇）";
    case UK_ENTERPRISE: return "企业（公用事业）";
    default: return unit_kind_name(k);
    }
}

/* Kind (bureaus, districts, streets, enterprises), then rank; unranked last. */
static int line_cmp(const void *pa, const void *pb)
{
    const struct assess_line *x = pa, *y = pb;
    if (x->unit.kind != y->unit.kind)
        return (int)x->unit.kind - (int)y->unit.kind;
    int rx = x->rank ? x->rank : INT32_MAX, ry = y->rank ? y->rank : INT32_MAX;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return x->unit.id < y->unit.id ? -1 : x->unit.id > y->unit.id;
}

static int assess_fill(void *ctx, struct table_sink *t)
{
    struct assess_table *x = ctx;
    qsort(x->rep.lines, x->rep.n, sizeof x->rep.lines[0], line_cmp);
    for (size_t i = 0; i < x->rep.n; i++) {
        const struct assess_line *l = &x->rep.lines[i];
        int bad = l->rank ? table_int(t, l->rank) : table_text(t, NULL);
        bad |= table_text(t, l->unit.code);
        bad |= table_text(t, l->unit.name);
        bad |= table_text(t, x->en ? unit_kind_name(l->unit.kind) : kind_label(l->unit.kind));
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
            bad |= table_int(t, l->sums[counts[c].m]);
        for (int k = 0; k < AR__COUNT; k++) {
            double pct = 0;
            bad |= assess_rate_value(l->sums, k, &pct) ? table_number(t, pct) : table_text(t, NULL);
        }
        bad |= l->has_score ? table_number(t, l->score) : table_text(t, NULL);
        bad |= table_row_end(t);
        if (bad)
            return -1;
    }
    return 0;
}

void h_assess_export(struct request *r)
{
    static const char *const keys[] = {"month", "quarter", "from", "to", "kind",
                                       "children", "format", "lang", NULL};
    static const char *const cols_zh[] = {
        "名次", "单位编码", "单位", "类型", "受理", "及时签收", "按时办结", "超期", "退单申请",
        "退单同意", "退单驳回", "延期申请", "延期批准", "重办", "催办", "签收及时率(%)",
        "按时办结率(%)", "响应率(%)", "解决率(%)", "满意率(%)", "退单率(%)", "重办率(%)",
        "综合得分", NULL};
    static const char *const cols_en[] = {
        "rank", "unit_code", "unit", "kind", "received", "signed_on_time", "replied_on_time",
        "overdue", "returned", "return_accepted", "return_refused", "extension_asked",
        "extension_approved", "reopened", "urged", "sign_on_time_pct", "reply_on_time_pct",
        "response_pct", "resolution_pct", "satisfaction_pct", "return_pct", "redo_pct", "score",
        NULL};
    int32_t from = 0, to = 0;
    bool children = true;
    int kind = -1;
    if (qin_only(r, keys) || parse_period(r, &from, &to) || parse_children(r, &children))
        return;
    if (parse_kind(r, &kind))
        return;
    const char *fs = request_query(r, "format");
    int fmt = table_format_parse(fs ? fs : "csv");
    if (fmt < 0) {
        reply_error(r, 400, "invalid_argument", "format must be csv or xlsx", "format");
        return;
    }
    const char *lang = request_query(r, "lang");
    if (lang && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) {
        reply_error(r, 400, "invalid_argument", "lang must be zh or en", "lang");
        return;
    }
    struct actor a;
    api_actor(r, &a);
    struct assess_table *x = calloc(1, sizeof *x);
    if (!x) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    x->en = lang && strcmp(lang, "en") == 0;
    struct app_error e;
    if (app_assess_report(api_store(r), &a, from, to, kind, children, &x->rep, &e) != APP_OK) {
        free(x);
        api_reply_app_error(r, &e);
        return;
    }
    char name[64], ascii[64];
    snprintf(name, sizeof name, "考核-%08d-%08d", (int)from, (int)to);
    snprintf(ascii, sizeof ascii, "assessment-%08d-%08d", (int)from, (int)to);
    struct table_spec spec = {.format = (enum table_format)fmt,
                              .name = name,
                              .ascii_name = ascii,
                              .sheet = x->en ? "assessment" : "考核",
                              .headers = x->en ? cols_en : cols_zh};
    table_reply(r, &spec, assess_fill, x, assess_table_free);
}
