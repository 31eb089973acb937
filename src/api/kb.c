/*
 * kb.c - /api/v1/kb: knowledge-base articles, their revisions, publishing,
 * search and suggestions while an agent types (docs/API.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/kb.h"
#include "core/timeutil.h"
#include "core/validate.h"

static json_t *jout_tags(char *const *tags, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(tags[i]));
    return a;
}

/* The wire form of an article (snippet: a search hit's passage, or NULL). */
static json_t *jout_kb(const struct kb_article *a, const char *snippet, int64_t now)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:b, s:b, s:i}", "id",
                  (json_int_t)a->id, "title", a->title ? a->title : "", "body",
                  a->body ? a->body : "", "category_id", jout_id(a->category_id), "tags",
                  jout_tags(a->tags, a->n_tags), "unit_id", jout_id(a->unit_id), "effective_from",
                  jout_time(a->effective_from), "expires_at", jout_time(a->expires_at), "state",
                  kb_state_name(a->state), "state_label", kb_state_label_zh(a->state), "in_effect",
                  kb_in_effect(a, now), "demo", a->demo, "version", a->revision);
    if (!o)
        return NULL;
    json_object_set_new(o, "created_by", jout_id(a->created_by));
    json_object_set_new(o, "created_at", jout_time(a->created_at));
    json_object_set_new(o, "updated_by", jout_id(a->updated_by));
    json_object_set_new(o, "updated_at", jout_time(a->updated_at));
    json_object_set_new(o, "published_at", jout_time(a->published_at));
    if (snippet)
        json_object_set_new(o, "snippet", api_snippet(snippet));
    return o;
}

/* Every handler here needs a user (API keys have no role). */
static bool need_user(struct request *r, struct actor *a)
{
    api_actor(r, a);
    if (a->role)
        return true;
    reply_error(r, 403, "forbidden", "an API key cannot use the knowledge base", NULL);
    return false;
}

/* Replies to an app error; a refused transition lists the article actions allowed. */
static void kb_error(struct request *r, const struct app_error *e)
{
    if (e->code != APP_TRANSITION) {
        api_reply_app_error(r, e);
        return;
    }
    json_t *allowed = json_array();
    for (int i = 0; i < KA__COUNT; i++)
        if (e->allowed & (1u << i))
            json_array_append_new(allowed, json_string(kb_action_name((enum kb_action)i)));
    reply_error_extra(r, 409, "invalid_transition", e->message, NULL,
                      json_pack("{s:o}", "allowed", allowed));
}

/* Decodes "tags": an array of at most KB_TAGS_MAX short strings. Borrowed into tags[]. */
static int jin_tags(struct request *r, json_t *b, const char *tags[KB_TAGS_MAX], size_t *n)
{
    *n = 0;
    json_t *v = json_object_get(b, "tags");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) > KB_TAGS_MAX) {
        reply_error(r, 400, "invalid_argument", "tags must be an array of at most 10 strings",
                    "tags");
        return -1;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *t = json_array_get(v, i);
        const char *s = json_is_string(t) ? json_string_value(t) : NULL;
        bool ok = s && !text_blank(s) && strlen(s) == json_string_length(t) &&
                  utf8_length(s) <= KB_TAG_MAX_CHARS;
        for (const char *p = s; ok && *p; p++)
            ok = *p != ',' && (unsigned char)*p >= 0x20 && *p != 0x7f;
        if (!ok) {
            reply_error(r, 400, "invalid_argument",
                        "each tag must be 1-32 characters without commas or control characters",
                        "tags");
            return -1;
        }
        bool dup = false;
        for (size_t k = 0; k < *n && !dup; k++)
            dup = strcmp(tags[k], s) == 0;
        if (!dup)
            tags[(*n)++] = s;
    }
    return 0;
}

/* The fields a create or PATCH may carry; `set` gets the kb_field bits present. */
static int decode_fields(struct request *r, json_t *b, struct kb_input *in,
                         const char *tags[KB_TAGS_MAX], bool create)
{
    static const struct {
        const char *key;
        unsigned bit;
    } keys[] = {{"title", KF_TITLE},       {"body", KF_BODY},    {"category_id", KF_CATEGORY},
                {"tags", KF_TAGS},         {"unit_id", KF_UNIT}, {"effective_from", KF_EFFECTIVE},
                {"expires_at", KF_EXPIRES}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (json_object_get(b, keys[i].key))
            in->set |= keys[i].bit;
    in->unit_given = json_object_get(b, "unit_id") && !json_is_null(json_object_get(b, "unit_id"));
    if (jin_string(r, b, "title", "title", create || (in->set & KF_TITLE), 4 * KB_TITLE_MAX_CHARS,
                   &in->title) ||
        jin_string(r, b, "body", "body", create || (in->set & KF_BODY), KB_BODY_MAX, &in->body) ||
        jin_int(r, b, "category_id", "category_id", false, 1, INT64_MAX / 2, &in->category_id) ||
        jin_int(r, b, "unit_id", "unit_id", false, 1, INT64_MAX / 2, &in->unit_id) ||
        jin_time(r, b, "effective_from", "effective_from", false, &in->effective_from) ||
        jin_time(r, b, "expires_at", "expires_at", false, &in->expires_at) ||
        jin_tags(r, b, tags, &in->n_tags))
        return -1;
    if (in->title && utf8_length(in->title) > KB_TITLE_MAX_CHARS) {
        reply_error(r, 400, "invalid_argument", "title is too long (max 200 characters)", "title");
        return -1;
    }
    in->tags = tags;
    return 0;
}

void h_kb_create(struct request *r)
{
    static const char *const keys[] = {"title",      "body",    "category_id",
                                       "tags",       "unit_id", "effective_from",
                                       "expires_at", "state",   NULL};
    struct actor a;
    if (!need_user(r, &a) || jin_keys(r, r->json, NULL, keys))
        return;
    struct kb_input in = {0};
    const char *tags[KB_TAGS_MAX];
    int st = -1;
    if (decode_fields(r, r->json, &in, tags, true) ||
        jin_enum(r, r->json, "state", "state", false, kb_state_parse, "draft, published", &st))
        return;
    if (st == KB_WITHDRAWN) {
        reply_error(r, 400, "invalid_argument", "state must be one of draft, published", "state");
        return;
    }
    in.state = st < 0 ? KB_DRAFT : (enum kb_state)st;
    struct kb_article art;
    struct app_error e;
    if (app_kb_create(api_store(r), &a, &in, &art, &e) != APP_OK) {
        kb_error(r, &e);
        return;
    }
    reply_json(r, 201, jout_kb(&art, NULL, time_now_ms()));
    kb_article_release(&art);
}

void h_kb_update(struct request *r)
{
    static const char *const keys[] = {"version",        "title",      "body",
                                       "category_id",    "tags",       "unit_id",
                                       "effective_from", "expires_at", NULL};
    struct actor a;
    int64_t id = api_path_id(r, 0, "article");
    if (!id || !need_user(r, &a) || jin_keys(r, r->json, NULL, keys))
        return;
    struct kb_input in = {0};
    const char *tags[KB_TAGS_MAX];
    int64_t version = 0;
    if (jin_int(r, r->json, "version", "version", true, 1, INT32_MAX, &version) ||
        decode_fields(r, r->json, &in, tags, false))
        return;
    struct kb_article art;
    struct app_error e;
    if (app_kb_update(api_store(r), &a, id, (int)version, &in, &art, &e) != APP_OK) {
        kb_error(r, &e);
        return;
    }
    reply_json(r, 200, jout_kb(&art, NULL, time_now_ms()));
    kb_article_release(&art);
}

static void transition(struct request *r, enum kb_action act)
{
    static const char *const keys[] = {"version", "note", NULL};
    struct actor a;
    int64_t id = api_path_id(r, 0, "article");
    if (!id || !need_user(r, &a) || jin_keys(r, r->json, NULL, keys))
        return;
    int64_t version = 0;
    const char *note = NULL;
    if (jin_int(r, r->json, "version", "version", true, 1, INT32_MAX, &version) ||
        jin_string(r, r->json, "note", "note", false, 2000, &note))
        return;
    struct kb_article art;
    struct app_error e;
    if (app_kb_transition(api_store(r), &a, id, (int)version, act, note, &art, &e) != APP_OK) {
        kb_error(r, &e);
        return;
    }
    reply_json(r, 200, jout_kb(&art, NULL, time_now_ms()));
    kb_article_release(&art);
}

void h_kb_publish(struct request *r)
{
    transition(r, KA_PUBLISH);
}
void h_kb_withdraw(struct request *r)
{
    transition(r, KA_WITHDRAW);
}

void h_kb_get(struct request *r)
{
    struct actor a;
    int64_t id = api_path_id(r, 0, "article");
    if (!id || !need_user(r, &a))
        return;
    struct kb_article art;
    struct app_error e;
    if (app_kb_get(api_store(r), &a, id, &art, &e) != APP_OK) {
        kb_error(r, &e);
        return;
    }
    reply_json(r, 200, jout_kb(&art, NULL, time_now_ms()));
    kb_article_release(&art);
}

void h_kb_revisions(struct request *r)
{
    struct actor a;
    int64_t id = api_path_id(r, 0, "article");
    if (!id || !need_user(r, &a))
        return;
    struct kb_revision *revs = NULL;
    size_t n = 0;
    struct app_error e;
    if (app_kb_revisions(api_store(r), &a, id, &revs, &n, &e) != APP_OK) {
        kb_error(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct kb_revision *v = &revs[i];
        json_t *changed = json_array();
        for (unsigned b = 0; b < KF__COUNT; b++)
            if (v->changed & (1u << b))
                json_array_append_new(changed, json_string(kb_field_name(b)));
        const struct kb_article *s = &v->article;
        json_t *art =
            json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "title", s->title ? s->title : "",
                      "body", s->body ? s->body : "", "category_id", jout_id(s->category_id),
                      "tags", jout_tags(s->tags, s->n_tags), "unit_id", jout_id(s->unit_id),
                      "effective_from", jout_time(s->effective_from), "expires_at",
                      jout_time(s->expires_at), "state", kb_state_name(s->state));
        json_t *actor = v->actor_id ? json_pack("{s:I, s:s?}", "id", (json_int_t)v->actor_id,
                                                "name", v->actor_name)
                                    : json_null();
        json_array_append_new(items, json_pack("{s:i, s:o, s:o, s:s, s:o, s:s?, s:o}", "version",
                                               v->revision, "at", jout_time(v->at), "actor", actor,
                                               "action", kb_action_name(v->action), "changed",
                                               changed, "note", v->note, "article", art));
    }
    store_free_kb_revisions(revs, n);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_kb_list(struct request *r)
{
    static const char *const params[] = {"q",         "state", "category_id", "unit_id", "tag",
                                         "in_effect", "limit", "after",       NULL};
    struct actor a;
    if (!need_user(r, &a) || qin_only(r, params))
        return;
    struct kb_filter f = {.state = -1};
    int64_t limit = 50, after = 0;
    const char *s;
    if (api_search_text(r, "q", &f.q) || qin_id(r, "category_id", &f.category_id) ||
        qin_id(r, "unit_id", &f.unit_id) || qin_int(r, "limit", 1, 200, &limit) ||
        qin_id(r, "after", &after))
        return;
    if ((s = request_query(r, "state")) && (f.state = kb_state_parse(s)) < 0) {
        reply_error(r, 400, "invalid_argument", "state must be draft, published or withdrawn",
                    "state");
        return;
    }
    if ((s = request_query(r, "in_effect"))) {
        if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
            reply_error(r, 400, "invalid_argument", "in_effect must be true or false", "in_effect");
            return;
        }
        f.in_effect = strcmp(s, "true") == 0;
    }
    if ((s = request_query(r, "tag"))) {
        if (!*s || strlen(s) > 4 * KB_TAG_MAX_CHARS || !utf8_valid(s, strlen(s))) {
            reply_error(r, 400, "invalid_argument", "tag is not a valid tag", "tag");
            return;
        }
        f.tag = s;
    }
    if (after && f.q) {
        reply_error(r, 400, "invalid_argument", "a search (q) answers one page; drop after",
                    "after");
        return;
    }
    f.limit = (int)limit;
    f.before_id = after;
    struct kb_article *items = NULL;
    char **snippets = NULL;
    size_t n = 0;
    bool more = false;
    struct app_error e;
    if (app_kb_list(api_store(r), &a, &f, &items, &snippets, &n, &more, &e) != APP_OK) {
        kb_error(r, &e);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, jout_kb(&items[i], snippets ? snippets[i] : NULL, f.now));
    json_t *next = json_null();
    if (more && n && !f.q) {
        char cur[24];
        snprintf(cur, sizeof cur, "%lld", (long long)items[n - 1].id);
        json_decref(next);
        next = json_string(cur);
    }
    store_free_kb(items, n);
    store_free_snippets(snippets, n);
    reply_json(r, 200, json_pack("{s:o, s:o}", "items", arr, "next", next));
}

void h_kb_suggest(struct request *r)
{
    static const char *const params[] = {"text", "limit", NULL};
    struct actor a;
    if (!need_user(r, &a) || qin_only(r, params))
        return;
    const char *text = request_query(r, "text");
    int64_t limit = 5;
    if (qin_int(r, "limit", 1, 10, &limit))
        return;
    if (!text || !*text) {
        reply_error(r, 400, "invalid_argument", "text is required", "text");
        return;
    }
    size_t len = strlen(text);
    if (len > 4 * API_SEARCH_MAX || !utf8_valid(text, len)) {
        reply_error(r, 400, "invalid_argument",
                    len > 4 * API_SEARCH_MAX ? "text is too long (max 4000 bytes)"
                                             : "text is not valid UTF-8",
                    "text");
        return;
    }
    struct kb_article *items = NULL;
    char **snippets = NULL;
    size_t n = 0;
    struct app_error e;
    if (app_kb_suggest(api_store(r), text, (int)limit, &items, &snippets, &n, &e) != APP_OK) {
        kb_error(r, &e);
        return;
    }
    int64_t now = time_now_ms();
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, jout_kb(&items[i], snippets ? snippets[i] : NULL, now));
    store_free_kb(items, n);
    store_free_snippets(snippets, n);
    reply_json(r, 200, json_pack("{s:o}", "items", arr));
}
