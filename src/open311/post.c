/*
 * post.c - POST requests.xml/.json: a form-encoded service request from an
 * Open311 client, registered as a ticket of channel open311.
 *
 * The order of checks: resource and body (400/404/413), the client
 * address's limit and jurisdiction_id (429/404), api_key (403) and the
 * key's limit (429), then the request's own fields (400, 404 for an
 * unknown service_code). Nothing is stored unless all pass.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "http/ratelimit.h"
#include "open311/o311.h"

#define O311_BODY_MAX 65536
#define DESCRIPTION_MAX_CHARS 4000

/* The parameters that may be given once only. */
static const char *const scalars[] = {"api_key",   "jurisdiction_id", "service_code", "lat",
                                      "long",      "address_string",  "address_id",   "email",
                                      "device_id", "account_id",      "first_name",   "last_name",
                                      "phone",     "description",     "media_url",    NULL};

/* The answers of attribute[CODE] and attribute[CODE][] fields, grouped by code. */
struct answers {
    struct attr_answer *a;
    size_t n;
    char **codes;      /* one per field, owned */
    const char **vals; /* borrowed from the form, grouped by code */
    size_t n_fields;
};

static void answers_release(struct answers *x)
{
    for (size_t i = 0; i < x->n_fields; i++)
        free(x->codes[i]);
    free(x->codes);
    free(x->vals);
    free(x->a);
}

/* The CODE of "attribute[CODE]" or "attribute[CODE][]"; NULL if not that shape. */
static char *attr_code(const char *key)
{
    static const char pre[] = "attribute[";
    const char *s = key + sizeof pre - 1;
    const char *close = strchr(s, ']');
    if (!close || close == s || (strcmp(close, "]") != 0 && strcmp(close, "][]") != 0))
        return NULL;
    return strndup(s, (size_t)(close - s));
}

/* Groups the form's attribute fields; replies 400 and returns -1 on a malformed one. */
static int collect_answers(struct request *r, enum o311_fmt fmt, const struct form *f,
                           struct answers *x)
{
    memset(x, 0, sizeof *x);
    size_t m = 0;
    for (size_t i = 0; i < f->n; i++)
        m += strncmp(f->fields[i].key, "attribute", 9) == 0;
    if (m == 0)
        return 0;
    x->codes = calloc(m, sizeof *x->codes);
    x->vals = calloc(m, sizeof *x->vals);
    x->a = calloc(m, sizeof *x->a);
    const char **field_vals = calloc(m, sizeof *field_vals);
    if (!x->codes || !x->vals || !x->a || !field_vals) {
        free(field_vals);
        o311_error(r, fmt, 500, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < f->n; i++) {
        const char *key = f->fields[i].key;
        if (strncmp(key, "attribute", 9) != 0)
            continue;
        char *code = strncmp(key, "attribute[", 10) == 0 ? attr_code(key) : NULL;
        if (!code) {
            free(field_vals);
            o311_error(r, fmt, 400, "malformed parameter '%.80s': use attribute[CODE]", key);
            return -1;
        }
        field_vals[x->n_fields] = f->fields[i].value;
        x->codes[x->n_fields++] = code;
    }
    /* Lay the values of each code out together, codes in first-seen order. */
    size_t o = 0;
    for (size_t i = 0; i < x->n_fields; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(x->codes[j], x->codes[i]) == 0;
        if (seen)
            continue;
        struct attr_answer *a = &x->a[x->n++];
        a->code = x->codes[i];
        a->values = &x->vals[o];
        for (size_t j = i; j < x->n_fields; j++)
            if (strcmp(x->codes[j], x->codes[i]) == 0)
                x->vals[o++] = field_vals[j], a->n++;
    }
    free(field_vals);
    return 0;
}

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == ' ')
            return true;
    return false;
}

static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    return strlen(s) <= 254 && at && at > s && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
           at[1] != '.' && s[strlen(s) - 1] != '.' && !has_ctl(s);
}

static bool url_ok(const char *s)
{
    return strlen(s) <= 2000 && !has_ctl(s) &&
           (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) && strlen(s) > 8;
}

/* A coordinate in [-lim, lim]. */
static int coord(const char *s, double lim, double *out)
{
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || end == s || !isfinite(v) || v < -lim || v > lim || strlen(s) > 32)
        return -1;
    *out = v;
    return 0;
}

/* At most `max` code points of s, cut on a character boundary, into out. */
static void clip(const char *s, size_t max, char *out, size_t outlen)
{
    size_t i = 0, chars = 0;
    while (s[i] && chars < max) {
        size_t len = 1;
        while ((s[i + len] & 0xC0) == 0x80)
            len++;
        if (i + len >= outlen)
            break;
        i += len;
        chars++;
    }
    memcpy(out, s, i);
    out[i] = '\0';
}

/* Bad input: replies 400 naming the parameter. */
#define BAD(...)                                                                                   \
    do {                                                                                           \
        o311_error(r, fmt, 400, __VA_ARGS__);                                                      \
        goto done;                                                                                 \
    } while (0)

/* The request's own fields, after the key: validates, then registers. */
static void submit(struct request *r, enum o311_fmt fmt, const struct form *f, int64_t key_id)
{
#define P(name) o311_param(r, f, name)
    struct service_list l = {0};
    struct answers ans = {0};
    struct service_attr *defs = NULL;
    size_t n_defs = 0;
    struct app_error e;
    const char *code = P("service_code"), *lat = P("lat"), *lng = P("long");
    const char *addr = P("address_string"), *addr_id = P("address_id");
    const char *desc = P("description"), *email = P("email"), *phone = P("phone");
    const char *first = P("first_name"), *last = P("last_name"), *media = P("media_url");
    const char *device = P("device_id"), *account = P("account_id");
    struct citizen_submission in = {0};
    struct ticket_input *t = &in.ticket;
    if (!code)
        BAD("service_code is required");
    if (app_services_load(api_store(r), &l, &e) != APP_OK) {
        o311_error(r, fmt, 500, "internal error");
        goto done;
    }
    const struct category *k = service_list_find(&l, code);
    if (!k) {
        o311_error(r, fmt, 404, "unknown service_code '%.64s'", code);
        goto done;
    }
    if (!lat != !lng)
        BAD("lat and long go together");
    if (lat && (coord(lat, 90, &t->lat) != 0 || coord(lng, 180, &t->lng) != 0))
        BAD("lat and long must be decimal degrees");
    t->has_location = lat != NULL;
    if (!lat && !addr && !addr_id)
        BAD("a location is required: lat and long, address_string or address_id");
    if (addr && utf8_length(addr) > 500)
        BAD("address_string is too long (max 500 characters)");
    if (addr_id && strlen(addr_id) > 128)
        BAD("address_id is too long (max 128 bytes)");
    if (desc && utf8_length(desc) > DESCRIPTION_MAX_CHARS)
        BAD("description is too long (max %d characters)", DESCRIPTION_MAX_CHARS);
    if (email && !email_ok(email))
        BAD("email is not a valid e-mail address");
    if (phone && !phone_valid(phone))
        BAD("phone is not a valid phone number");
    if ((first && utf8_length(first) > 50) || (last && utf8_length(last) > 50))
        BAD("first_name and last_name may have at most 50 characters each");
    if (media && !url_ok(media))
        BAD("media_url must be an http or https URL of at most 2000 bytes");
    if ((device && strlen(device) > 128) || (account && strlen(account) > 128))
        BAD("device_id and account_id may have at most 128 bytes each");
    if (collect_answers(r, fmt, f, &ans) != 0)
        goto done;
    if (app_service_attrs(api_store(r), k->id, &defs, &n_defs, &e) != APP_OK) {
        o311_error(r, fmt, 500, "internal error");
        goto done;
    }
    char msg[200];
    const char *bad;
    if (service_check_answers(defs, n_defs, ans.a, ans.n, &bad, msg, sizeof msg) != 0)
        BAD("%s", msg);

    char name[512] = "", title[800], lead[200];
    if (first || last) {
        bool ascii = true;
        for (const char *p = first ? first : ""; *p; p++)
            ascii &= (unsigned char)*p < 0x80;
        for (const char *p = last ? last : ""; *p; p++)
            ascii &= (unsigned char)*p < 0x80;
        /* Chinese names put the family name first, without a space. */
        if (ascii)
            snprintf(name, sizeof name, "%s%s%s", first ? first : "", first && last ? " " : "",
                     last ? last : "");
        else
            snprintf(name, sizeof name, "%s%s", last ? last : "", first ? first : "");
    }
    clip(desc ? desc : "", 40, lead, sizeof lead);
    snprintf(title, sizeof title, "%s%s%s", k->name, lead[0] ? "：" : "", lead);
    t->channel = CH_OPEN311;
    t->type = TT_HELP;
    t->urgency = URG_NORMAL;
    t->citizen_name = name[0] ? name : NULL;
    t->citizen_phone = phone;
    t->title = title;
    t->content = desc ? desc : k->name;
    t->address = addr;
    t->category_id = k->id;
    struct ticket_open311 extras = {.api_key_id = key_id,
                                    .email = (char *)email,
                                    .device_id = (char *)device,
                                    .account_id = (char *)account,
                                    .address_id = (char *)addr_id,
                                    .media_url = (char *)media};
    in.answers = ans.a;
    in.n_answers = ans.n;
    in.open311 = &extras;
    struct ticket out;
    char token[OPEN311_TOKEN_LEN + 1];
    if (app_citizen_submit(api_store(r), &in, &out, token, &e) != APP_OK) {
        o311_error(r, fmt,
                   e.code == APP_INVALID ? 400
                   : e.code == APP_BUSY  ? 503
                                         : 500,
                   "%s", e.code == APP_INVALID ? e.message : "the request could not be stored");
        goto done;
    }
    const struct service_info *info = service_list_info(&l, k->id);
    char notice[600];
    if (info->notice[0])
        snprintf(notice, sizeof notice, "%s", info->notice);
    else
        snprintf(notice, sizeof notice, "已受理，工单号 %s。可凭工单号和手机号后四位查询办理进度。",
                 out.number);
    json_t *res = json_pack("[{s:s, s:s, s:o, s:s}]", "service_request_id", out.number,
                            "service_notice", notice, "account_id",
                            account ? json_string(account) : json_null(), "token", token);
    ticket_release(&out);
    o311_reply(r, 200, fmt, res, "service_requests");
done:
    service_attrs_free(defs, n_defs);
    answers_release(&ans);
    service_list_release(&l);
#undef P
}

void h_o311_post(struct request *r)
{
    char name[ROUTE_PARAM_MAX];
    int f = o311_split(r->params[0], name, sizeof name);
    enum o311_fmt fmt = f < 0 ? FMT_XML : (enum o311_fmt)f;
    if (f < 0 || strcmp(name, "requests") != 0) {
        o311_error(r, fmt, f < 0 ? 404 : 405,
                   f < 0 ? "no such resource: POST requests.xml or requests.json"
                         : "only requests takes POST");
        return;
    }
    if (r->body_len > O311_BODY_MAX) {
        o311_error(r, fmt, 413, "the form is too large (max %d bytes)", O311_BODY_MAX);
        return;
    }
    if (r->body_len && !form_is_urlencoded(request_header(r, "Content-Type"))) {
        o311_error(r, fmt, 400, "the body must be application/x-www-form-urlencoded");
        return;
    }
    struct form form;
    const char *problem = NULL;
    int frc = form_parse(r->body ? r->body : "", r->body_len, &form, &problem);
    if (frc != FORM_OK) {
        o311_error(r, fmt, frc == FORM_NOMEM ? 500 : 400, "%s",
                   problem ? problem : "the form cannot be read");
        return;
    }
    for (int i = 0; scalars[i]; i++) {
        if (form_count(&form, scalars[i]) > 1) {
            o311_error(r, fmt, 400, "parameter '%s' is given more than once", scalars[i]);
            goto done;
        }
    }
    if (o311_common(r, fmt, &form) != 0)
        goto done;
    const char *key = o311_param(r, &form, "api_key");
    struct app_error e;
    int64_t key_id = 0;
    if (!key) {
        o311_error(r, fmt, 403, "api_key is required to submit a request");
        goto done;
    }
    if (app_apikey_check(api_store(r), key, &key_id, &e) != APP_OK) {
        if (e.code == APP_UNAUTH)
            o311_error(r, fmt, 403, "invalid api_key");
        else
            o311_error(r, fmt, 500, "internal error");
        goto done;
    }
    char bucket[RATELIMIT_KEY_MAX];
    snprintf(bucket, sizeof bucket, "o311key:%lld", (long long)key_id);
    if (o311_limit(r, (int)fmt, bucket, o311_ctx(r)->key_per_min, 60000) != 0)
        goto done;
    submit(r, fmt, &form, key_id);
done:
    form_release(&form);
}
