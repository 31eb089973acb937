/*
 * export.c - GET /api/v1/tickets/export: a ticket list as CSV or XLSX.
 *
 * The filters, their checks and the role scope are the list's
 * (api_ticket_filter_parse); the citizen columns follow the same privacy
 * rules as the JSON (core/privacy.h): masked phones for units, no reporter
 * at all for report and confidential tickets. Rows are read page by page
 * (app/export.h) and written through the table sink (api/export.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/export.h"
#include "app/export.h"
#include "core/privacy.h"
#include "core/sla.h"
#include "core/timeutil.h"

/* Most rows one export may ask for with `limit`. */
#define EXPORT_LIMIT_MAX 10000000

enum { LANG_ZH, LANG_EN };

static const char *const headers_zh[] = {
    "工单编号", "登记时间", "来源渠道", "诉求类型", "紧急程度", "状态", "诉求分类",
    "区域",     "地址",     "承办单位", "诉求人",   "联系电话", "标题", "诉求内容",
    "办理时限", "时限状态", "答复时间", "办结时间", "满意度",   NULL};
static const char *const headers_en[] = {
    "number",  "created",  "channel", "type",    "urgency", "status",     "category",
    "area",    "address",  "unit",    "reporter", "phone",  "title",      "content",
    "due",     "sla",      "replied_at", "closed_at", "satisfaction", NULL};

/* Chinese labels, as the workstation shows them (web/js/i18n.js). */
static const char *const channel_zh[CH__COUNT] = {"电话", "网站", "App",  "微信",
                                                  "Open311", "邮件", "来信"};
static const char *const type_zh[TT__COUNT] = {"咨询", "求助", "投诉", "举报", "建议", "表扬"};
static const char *const urgency_zh[URG__COUNT] = {"一般", "紧急", "特急"};
static const char *const sla_zh[] = {NULL, "正常", "即将超期", "已超期"};
static const char *const sat_zh[SAT__COUNT] = {"满意", "基本满意", "不满意", "联系不上"};

struct ticket_export {
    struct ticket_pager pager;
    struct export_names names;
    unsigned role;
    int lang;
    char *q, *phone, *scope_path; /* the filter's strings, owned */
};

static void ticket_export_free(void *p)
{
    struct ticket_export *x = p;
    ticket_pager_release(&x->pager);
    export_names_release(&x->names);
    free(x->q);
    free(x->phone);
    free(x->scope_path);
    free(x);
}

static int time_cell(struct table_sink *t, int64_t ms)
{
    char buf[40];
    if (!ms || time_format_rfc3339(ms, buf, sizeof buf) != 0)
        return table_text(t, NULL);
    return table_text(t, buf);
}

static const char *pick(int lang, const char *const *zh, size_t n, int v, const char *en)
{
    if (lang == LANG_EN || v < 0 || (size_t)v >= n)
        return en;
    return zh[v];
}
#define PICK(lang, tab, v, en) pick(lang, tab, sizeof tab / sizeof tab[0], (int)(v), en)

/* One ticket as a row, citizen shown as the role may see it. */
static int ticket_row(struct ticket_export *x, struct table_sink *t, const struct ticket *k)
{
    int lang = x->lang;
    int64_t now = x->pager.f.now, due = 0;
    enum sla_level lvl = api_ticket_sla(k, now, &due);
    enum citizen_view cv = privacy_citizen_view(x->role, k->type, k->confidential, k->anonymous);
    const char *name = NULL, *phone = NULL;
    char masked[64];
    if (cv != CV_HIDDEN) {
        name = k->citizen_name;
        phone = k->citizen_phone;
        if (phone && cv == CV_MASKED)
            phone = privacy_mask_phone(phone, masked, sizeof masked) == 0 ? masked : NULL;
    }
    const char *sat = k->satisfaction >= 0 ? satisfaction_name(k->satisfaction) : NULL;
    int rc = 0;
    rc |= table_text(t, k->number);
    rc |= time_cell(t, k->created_at);
    rc |= table_text(t, PICK(lang, channel_zh, k->channel, channel_name(k->channel)));
    rc |= table_text(t, PICK(lang, type_zh, k->type, ticket_type_name(k->type)));
    rc |= table_text(t, PICK(lang, urgency_zh, k->urgency, urgency_name(k->urgency)));
    rc |= table_text(t, lang == LANG_EN ? status_name(k->status) : status_label_zh(k->status));
    rc |= table_text(t, export_category_path(&x->names, k->category_id));
    rc |= table_text(t, k->area);
    rc |= table_text(t, k->address);
    rc |= table_text(t, export_unit_name(&x->names, k->unit_id));
    rc |= table_text(t, name);
    rc |= table_text(t, phone);
    rc |= table_text(t, k->title);
    rc |= table_text(t, k->content);
    rc |= time_cell(t, due);
    rc |= table_text(t, PICK(lang, sla_zh, lvl, sla_level_name(lvl)));
    rc |= time_cell(t, k->replied_at);
    rc |= time_cell(t, k->closed_at);
    rc |= table_text(t, sat ? PICK(lang, sat_zh, k->satisfaction, sat) : NULL);
    rc |= table_row_end(t);
    return rc ? -1 : 0;
}

/* The table sink's fill: the next page of tickets. */
static int ticket_fill(void *ctx, struct table_sink *t)
{
    struct ticket_export *x = ctx;
    int rc = ticket_pager_next(&x->pager);
    if (rc == STORE_BUSY)
        return table_fail(t, 503, "unavailable", "the database is busy; try again", NULL);
    if (rc != STORE_OK)
        return -1;
    for (size_t i = 0; i < x->pager.n; i++)
        if (ticket_row(x, t, &x->pager.items[i]) != 0)
            return -1;
    return x->pager.done ? 0 : 1;
}

void h_tickets_export(struct request *r)
{
    static const char *const params[] = {"status", "unit_id", "category_id", "type", "channel",
                                         "sla",    "phone",   "from",        "to",   "sort",
                                         "q",      "format",  "lang",        "limit",
                                         "extension_pending", NULL};
    struct actor a;
    api_actor(r, &a);
    if (!a.role) {
        reply_error(r, 403, "forbidden", "an API key cannot export tickets", NULL);
        return;
    }
    if (qin_only(r, params))
        return;
    const char *s;
    int format = TABLE_CSV, lang = LANG_ZH;
    if ((s = request_query(r, "format")) && (format = table_format_parse(s)) < 0) {
        reply_error(r, 400, "invalid_argument", "format must be csv or xlsx", "format");
        return;
    }
    if ((s = request_query(r, "lang"))) {
        if (strcmp(s, "en") == 0)
            lang = LANG_EN;
        else if (strcmp(s, "zh") != 0) {
            reply_error(r, 400, "invalid_argument", "lang must be zh or en", "lang");
            return;
        }
    }
    int64_t limit = 0;
    if (qin_int(r, "limit", 1, EXPORT_LIMIT_MAX, &limit))
        return;
    struct ticket_filter f;
    if (api_ticket_filter_parse(r, &a, false, &f) != 0)
        return;
    struct ticket_export *x = calloc(1, sizeof *x);
    if (!x) {
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    x->role = a.role;
    x->lang = lang;
    /* The pages are read while the response is sent: the filter keeps
       copies of its strings, not the request's. */
    if ((f.q && !(x->q = strdup(f.q))) || (f.phone && !(x->phone = strdup(f.phone))) ||
        (f.scope_path && !(x->scope_path = strdup(f.scope_path)))) {
        ticket_export_free(x);
        reply_error(r, 500, "internal", "out of memory", NULL);
        return;
    }
    f.q = x->q;
    f.phone = x->phone;
    f.scope_path = x->scope_path;
    ticket_pager_init(&x->pager, api_store(r), &f);
    int rc = export_names_load(api_store(r), &x->names);
    if (rc != STORE_OK) {
        ticket_export_free(x);
        api_reply_store_error(r, rc, "units");
        return;
    }
    char day[16] = "";
    char stamp[40];
    if (time_format_rfc3339(f.now, stamp, sizeof stamp) == 0 && strlen(stamp) >= 10)
        snprintf(day, sizeof day, "%.4s%.2s%.2s", stamp, stamp + 5, stamp + 8);
    char name[64], ascii[64];
    snprintf(name, sizeof name, "%s-%s", lang == LANG_EN ? "tickets" : "工单导出", day);
    snprintf(ascii, sizeof ascii, "tickets-%s", day);
    struct table_spec spec = {.format = (enum table_format)format,
                              .name = name,
                              .ascii_name = ascii,
                              .sheet = lang == LANG_EN ? "tickets" : "工单",
                              .headers = lang == LANG_EN ? headers_en : headers_zh,
                              .max_rows = (size_t)limit};
    table_reply(r, &spec, ticket_fill, x, ticket_export_free);
}
