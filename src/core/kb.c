/*
 * kb.c - knowledge-base records, states and permissions (kb.h).
 */
#include "core/kb.h"

#include <stdlib.h>
#include <string.h>

#include "core/types.h"

static const char *const state_names[KB__COUNT] = {"draft", "published", "withdrawn"};
static const char *const state_labels[KB__COUNT] = {"草稿", "已发布", "已撤回"};
static const char *const action_names[KA__COUNT] = {"create", "update", "publish", "withdraw"};
static const char *const field_names[KF__COUNT] = {
    "title", "body", "category_id", "tags", "unit_id", "effective_from", "expires_at", "state"};

const char *kb_state_name(enum kb_state s)
{
    return (unsigned)s < KB__COUNT ? state_names[s] : "?";
}

const char *kb_state_label_zh(enum kb_state s)
{
    return (unsigned)s < KB__COUNT ? state_labels[s] : "?";
}

static int parse(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int kb_state_parse(const char *s)
{
    return parse(s, state_names, KB__COUNT);
}

const char *kb_action_name(enum kb_action a)
{
    return (unsigned)a < KA__COUNT ? action_names[a] : "?";
}

int kb_action_parse(const char *s)
{
    return parse(s, action_names, KA__COUNT);
}

const char *kb_field_name(unsigned bit_index)
{
    return bit_index < KF__COUNT ? field_names[bit_index] : "?";
}

void kb_article_init(struct kb_article *a)
{
    memset(a, 0, sizeof *a);
    a->state = KB_DRAFT;
}

static void free_tags(char **tags, size_t n)
{
    for (size_t i = 0; tags && i < n; i++)
        free(tags[i]);
    free(tags);
}

void kb_article_release(struct kb_article *a)
{
    if (!a)
        return;
    free(a->title);
    free(a->body);
    free_tags(a->tags, a->n_tags);
    kb_article_init(a);
}

int kb_article_copy(struct kb_article *dst, const struct kb_article *src)
{
    *dst = *src;
    dst->title = src->title ? strdup(src->title) : NULL;
    dst->body = src->body ? strdup(src->body) : NULL;
    dst->tags = src->n_tags ? calloc(src->n_tags, sizeof *dst->tags) : NULL;
    bool oom =
        (src->title && !dst->title) || (src->body && !dst->body) || (src->n_tags && !dst->tags);
    for (size_t i = 0; !oom && i < src->n_tags; i++)
        oom = !(dst->tags[i] = strdup(src->tags[i]));
    if (oom) {
        if (!dst->tags)
            dst->n_tags = 0;
        kb_article_release(dst);
        return -1;
    }
    return 0;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

unsigned kb_article_diff(const struct kb_article *a, const struct kb_article *b)
{
    unsigned d = 0;
    if (!same_str(a->title, b->title))
        d |= KF_TITLE;
    if (!same_str(a->body, b->body))
        d |= KF_BODY;
    if (a->category_id != b->category_id)
        d |= KF_CATEGORY;
    bool tags_same = a->n_tags == b->n_tags;
    for (size_t i = 0; tags_same && i < a->n_tags; i++)
        tags_same = same_str(a->tags[i], b->tags[i]);
    if (!tags_same)
        d |= KF_TAGS;
    if (a->unit_id != b->unit_id)
        d |= KF_UNIT;
    if (a->effective_from != b->effective_from)
        d |= KF_EFFECTIVE;
    if (a->expires_at != b->expires_at)
        d |= KF_EXPIRES;
    if (a->state != b->state)
        d |= KF_STATE;
    return d;
}

bool kb_in_effect(const struct kb_article *a, int64_t now)
{
    return a->state == KB_PUBLISHED && (!a->effective_from || a->effective_from <= now) &&
           (!a->expires_at || now < a->expires_at);
}

void kb_revision_release(struct kb_revision *r)
{
    if (!r)
        return;
    free(r->actor_name);
    free(r->note);
    kb_article_release(&r->article);
    memset(r, 0, sizeof *r);
}

#define KB_MANAGERS (ROLE_ADMIN | ROLE_SUPERVISOR)

bool kb_may_read(unsigned role, enum kb_state state, bool own_unit)
{
    if (role & KB_MANAGERS)
        return true;
    if (state == KB_PUBLISHED)
        return (role & (ROLE_AGENT | ROLE_HANDLER)) != 0;
    return (role & ROLE_HANDLER) && own_unit;
}

bool kb_may_create(unsigned role, enum kb_state initial, bool own_unit)
{
    if (role & KB_MANAGERS)
        return initial == KB_DRAFT || initial == KB_PUBLISHED;
    return (role & ROLE_HANDLER) && own_unit && initial == KB_DRAFT;
}

bool kb_may_edit(unsigned role, enum kb_state state, bool own_unit)
{
    if (role & KB_MANAGERS)
        return true;
    return (role & ROLE_HANDLER) && own_unit && state == KB_DRAFT;
}

bool kb_may_publish(unsigned role)
{
    return (role & KB_MANAGERS) != 0;
}

int kb_transition(enum kb_state from, enum kb_action act)
{
    switch (act) {
    case KA_PUBLISH:
        return from == KB_DRAFT || from == KB_WITHDRAWN ? KB_PUBLISHED : -1;
    case KA_WITHDRAW:
        return from == KB_DRAFT || from == KB_PUBLISHED ? KB_WITHDRAWN : -1;
    case KA_UPDATE:
        return from;
    default:
        return -1;
    }
}
