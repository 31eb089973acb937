/*
 * kb.c - knowledge-base use cases (kb.h): create, edit, publish, withdraw,
 * read, list, suggest, and the check behind citing an article.
 *
 * Every change is one write transaction that reads the article, checks the
 * version the client saw and the actor's rights (core/kb.h), writes the
 * article with its revision bumped and appends the revision row.
 */
#include "app/kb.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

/* Whether unit `id` lies in the acting handler's subtree. */
static int own_unit(struct store_conn *c, const struct actor *a, int64_t id, bool *own)
{
    *own = false;
    if (!(a->role & ROLE_HANDLER) || !a->unit_path || !id)
        return STORE_OK;
    struct unit u = {0};
    int rc = store_unit_get(c, id, &u);
    if (rc == STORE_OK)
        *own = unit_path_within(u.path, a->unit_path);
    unit_release(&u);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* The category and unit named exist (and the category is active). -1 with e set if not. */
static int check_refs(struct store_conn *c, int64_t category_id, int64_t unit_id,
                      struct app_error *e)
{
    if (category_id) {
        struct category k = {0};
        int rc = store_category_get(c, category_id, &k);
        bool active = k.active;
        category_release(&k);
        if (rc == STORE_NOTFOUND || (rc == STORE_OK && !active)) {
            app_fail(e, APP_INVALID, "category_id", "unknown category %lld",
                     (long long)category_id);
            return -1;
        }
        if (rc != STORE_OK)
            return rc;
    }
    if (unit_id) {
        struct unit u = {0};
        int rc = store_unit_get(c, unit_id, &u);
        unit_release(&u);
        if (rc == STORE_NOTFOUND) {
            app_fail(e, APP_INVALID, "unit_id", "unknown unit %lld", (long long)unit_id);
            return -1;
        }
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int set_tags(struct kb_article *t, const char *const *tags, size_t n)
{
    struct kb_article tmp;
    kb_article_init(&tmp);
    tmp.tags = (char **)tags;
    tmp.n_tags = n;
    struct kb_article copy;
    if (kb_article_copy(&copy, &tmp) != 0)
        return -1;
    for (size_t i = 0; i < t->n_tags; i++)
        free(t->tags[i]);
    free(t->tags);
    t->tags = copy.tags;
    t->n_tags = copy.n_tags;
    return 0;
}

static int set_str(char **slot, const char *s)
{
    char *n = s ? strdup(s) : NULL;
    if (s && !n)
        return -1;
    free(*slot);
    *slot = n;
    return 0;
}

/* Writes revision `a->revision` of a (after `act`, fields `changed`). */
static int add_revision(struct store_conn *c, const struct actor *a, const struct kb_article *art,
                        enum kb_action act, unsigned changed, const char *note, int64_t at)
{
    struct kb_revision r = {.revision = art->revision,
                            .at = at,
                            .actor_id = a->user_id,
                            .action = act,
                            .changed = changed,
                            .note = (char *)note,
                            .article = *art};
    return store_kb_revision_insert(c, &r);
}

/* Ends a transaction: commits a STORE_OK, rolls back anything else; maps to an app code. */
static int finish(struct store_conn *c, int rc, struct app_error *e)
{
    if (rc == STORE_OK)
        rc = store_commit(c);
    else
        store_rollback(c);
    if (rc == -1)
        return e->code;
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "article");
}

int app_kb_create(struct store *s, const struct actor *a, const struct kb_input *in,
                  struct kb_article *out, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    kb_article_init(out);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int64_t now = time_now_ms();
    int64_t unit = in->unit_id;
    if (!in->unit_given && (a->role & ROLE_HANDLER))
        unit = a->unit_id; /* a handler drafts for its own unit unless it names one below */
    if (in->effective_from && in->expires_at && in->expires_at <= in->effective_from)
        return app_fail(e, APP_INVALID, "expires_at", "expires_at must be after effective_from");
    int rc = store_begin(c, true);
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "article");
    bool own = false;
    rc = check_refs(c, in->category_id, unit, e);
    if (rc == STORE_OK)
        rc = own_unit(c, a, unit, &own);
    if (rc == STORE_OK && !kb_may_create(a->role, in->state, own)) {
        app_fail(e, APP_FORBIDDEN, (a->role & ROLE_HANDLER) ? "unit_id" : NULL,
                 (a->role & ROLE_HANDLER) && in->state == KB_DRAFT
                     ? "a unit may draft articles for itself and the units below it only"
                     : "your role may not create this article");
        rc = -1;
    }
    if (rc == STORE_OK) {
        out->category_id = in->category_id;
        out->unit_id = unit;
        out->effective_from = in->effective_from;
        out->expires_at = in->expires_at;
        out->state = in->state;
        out->demo = in->demo;
        out->revision = 1;
        out->created_by = out->updated_by = a->user_id;
        out->created_at = out->updated_at = now;
        out->published_at = in->state == KB_PUBLISHED ? now : 0;
        if (set_str(&out->title, in->title) || set_str(&out->body, in->body) ||
            set_tags(out, in->tags, in->n_tags))
            rc = STORE_NOMEM;
    }
    if (rc == STORE_OK)
        rc = store_kb_insert(c, out);
    if (rc == STORE_OK) {
        /* The first revision "changes" every field it sets. */
        struct kb_article none;
        kb_article_init(&none);
        unsigned changed = (kb_article_diff(&none, out) & ~KF_STATE) | KF_STATE;
        rc = add_revision(c, a, out, KA_CREATE, changed, NULL, now);
    }
    int code = finish(c, rc, e);
    if (code != APP_OK)
        kb_article_release(out);
    return code;
}

/* Loads article id in the transaction for a change: readable, at `version`. */
static int load_for_change(struct store_conn *c, const struct actor *a, int64_t id, int version,
                           struct kb_article *art, bool *own, struct app_error *e)
{
    int rc = store_kb_get(c, id, art);
    if (rc == STORE_NOTFOUND) {
        app_fail(e, APP_NOTFOUND, NULL, "article %lld not found", (long long)id);
        return -1;
    }
    if (rc == STORE_OK)
        rc = own_unit(c, a, art->unit_id, own);
    if (rc != STORE_OK)
        return rc;
    if (!kb_may_read(a->role, art->state, *own)) {
        app_fail(e, APP_NOTFOUND, NULL, "article %lld not found", (long long)id);
        return -1;
    }
    if (art->revision != version) {
        app_fail(e, APP_CONFLICT, "version",
                 "article %lld was changed by someone else (version %d, not %d)", (long long)id,
                 art->revision, version);
        return -1;
    }
    return STORE_OK;
}

/* Applies the PATCH fields of `in` to art. STORE_OK, STORE_NOMEM or -1 with e set. */
static int apply_input(struct store_conn *c, const struct actor *a, const struct kb_input *in,
                       struct kb_article *art, struct app_error *e)
{
    if (((in->set & KF_TITLE) && set_str(&art->title, in->title)) ||
        ((in->set & KF_BODY) && set_str(&art->body, in->body)) ||
        ((in->set & KF_TAGS) && set_tags(art, in->tags, in->n_tags)))
        return STORE_NOMEM;
    if (in->set & KF_CATEGORY)
        art->category_id = in->category_id;
    if (in->set & KF_EFFECTIVE)
        art->effective_from = in->effective_from;
    if (in->set & KF_EXPIRES)
        art->expires_at = in->expires_at;
    if (in->set & KF_UNIT) {
        bool own = false;
        int rc = own_unit(c, a, in->unit_id, &own);
        if (rc != STORE_OK)
            return rc;
        if ((a->role & ROLE_HANDLER) && !own) {
            app_fail(e, APP_FORBIDDEN, "unit_id",
                     "a unit may keep articles for itself and the units below it only");
            return -1;
        }
        art->unit_id = in->unit_id;
    }
    if (art->effective_from && art->expires_at && art->expires_at <= art->effective_from) {
        app_fail(e, APP_INVALID, "expires_at", "expires_at must be after effective_from");
        return -1;
    }
    return check_refs(c, (in->set & KF_CATEGORY) ? art->category_id : 0,
                      (in->set & KF_UNIT) ? art->unit_id : 0, e);
}

/* The shared body of update and transitions: `act` KA_UPDATE applies `in`. */
static int change(struct store *s, const struct actor *a, int64_t id, int version,
                  enum kb_action act, const struct kb_input *in, const char *note,
                  struct kb_article *out, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    kb_article_init(out);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int64_t now = time_now_ms();
    int rc = store_begin(c, true);
    if (rc != STORE_OK)
        return app_store_fail(e, rc, "article");
    struct kb_article before;
    kb_article_init(&before);
    bool own = false;
    rc = load_for_change(c, a, id, version, out, &own, e);
    if (rc == STORE_OK && kb_article_copy(&before, out) != 0)
        rc = STORE_NOMEM;
    if (rc == STORE_OK && act == KA_UPDATE) {
        if (!kb_may_edit(a->role, out->state, own)) {
            app_fail(e, APP_FORBIDDEN, NULL,
                     (a->role & ROLE_HANDLER) && own
                         ? "a unit may edit its drafts only; ask a supervisor to change this one"
                         : "your role may not edit this article");
            rc = -1;
        } else {
            rc = apply_input(c, a, in, out, e);
        }
    } else if (rc == STORE_OK) {
        int to = kb_transition(out->state, act);
        if (!kb_may_publish(a->role)) {
            app_fail(e, APP_FORBIDDEN, NULL, "only supervisors and admins may %s articles",
                     kb_action_name(act));
            rc = -1;
        } else if (to < 0) {
            app_fail(e, APP_TRANSITION, NULL, "cannot %s an article that is %s",
                     kb_action_name(act), kb_state_name(out->state));
            e->allowed = (kb_transition(out->state, KA_PUBLISH) >= 0 ? 1u << KA_PUBLISH : 0) |
                         (kb_transition(out->state, KA_WITHDRAW) >= 0 ? 1u << KA_WITHDRAW : 0);
            rc = -1;
        } else {
            out->state = (enum kb_state)to;
            if (to == KB_PUBLISHED)
                out->published_at = now;
        }
    }
    unsigned changed = rc == STORE_OK ? kb_article_diff(&before, out) : 0;
    kb_article_release(&before);
    if (rc == STORE_OK && changed == 0) {
        /* Nothing changed: no new revision. */
        store_rollback(c);
        return APP_OK;
    }
    if (rc == STORE_OK) {
        out->revision = version + 1;
        out->updated_by = a->user_id;
        out->updated_at = now;
        rc = store_kb_update(c, out, version);
    }
    if (rc == STORE_OK)
        rc = add_revision(c, a, out, act, changed, note, now);
    int code = finish(c, rc, e);
    if (code != APP_OK)
        kb_article_release(out);
    return code;
}

int app_kb_update(struct store *s, const struct actor *a, int64_t id, int version,
                  const struct kb_input *in, struct kb_article *out, struct app_error *e)
{
    return change(s, a, id, version, KA_UPDATE, in, NULL, out, e);
}

int app_kb_transition(struct store *s, const struct actor *a, int64_t id, int version,
                      enum kb_action act, const char *note, struct kb_article *out,
                      struct app_error *e)
{
    if (act != KA_PUBLISH && act != KA_WITHDRAW)
        return app_fail(e, APP_INVALID, NULL, "unknown article action");
    return change(s, a, id, version, act, NULL, note, out, e);
}

int app_kb_get(struct store *s, const struct actor *a, int64_t id, struct kb_article *out,
               struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    kb_article_init(out);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = store_kb_get(c, id, out);
    bool own = false;
    if (rc == STORE_OK)
        rc = own_unit(c, a, out->unit_id, &own);
    if (rc == STORE_OK && !kb_may_read(a->role, out->state, own))
        rc = STORE_NOTFOUND;
    if (rc != STORE_OK) {
        kb_article_release(out);
        if (rc == STORE_NOTFOUND)
            return app_fail(e, APP_NOTFOUND, NULL, "article %lld not found", (long long)id);
        return app_store_fail(e, rc, "article");
    }
    return APP_OK;
}

int app_kb_revisions(struct store *s, const struct actor *a, int64_t id, struct kb_revision **out,
                     size_t *n, struct app_error *e)
{
    struct kb_article art;
    int code = app_kb_get(s, a, id, &art, e);
    if (code != APP_OK)
        return code;
    kb_article_release(&art);
    struct store_conn *c = store_conn_get(s);
    int rc = c ? store_kb_revisions(c, id, out, n) : STORE_ERROR;
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "revisions");
}

int app_kb_list(struct store *s, const struct actor *a, struct kb_filter *f,
                struct kb_article **out, char ***snippets, size_t *n, bool *more,
                struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    f->all = (a->role & (ROLE_ADMIN | ROLE_SUPERVISOR)) != 0;
    f->scope_path = (a->role & ROLE_HANDLER) ? a->unit_path : NULL;
    if (!f->now)
        f->now = time_now_ms();
    int rc = store_kb_list(c, f, out, snippets, n, more);
    if (rc == STORE_INVALID)
        return app_fail(e, APP_INVALID, "q", "q has no word to search for");
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "articles");
}

int app_kb_suggest(struct store *s, const char *text, int limit, struct kb_article **out,
                   char ***snippets, size_t *n, struct app_error *e)
{
    struct store_conn *c = store_conn_get(s);
    if (!c)
        return app_fail(e, APP_INTERNAL, NULL, "internal error");
    int rc = store_kb_suggest(c, text, time_now_ms(), limit, out, snippets, n);
    return rc == STORE_OK ? APP_OK : app_store_fail(e, rc, "articles");
}

int app_kb_citable(struct store_conn *c, int64_t id, int64_t at, struct app_error *e)
{
    struct kb_article art;
    int rc = store_kb_peek(c, id, &art);
    if (rc == STORE_NOTFOUND) {
        app_fail(e, APP_INVALID, "kb_article_id", "unknown knowledge base article %lld",
                 (long long)id);
        return -1;
    }
    if (rc != STORE_OK)
        return rc;
    bool ok = kb_in_effect(&art, at);
    const char *why = art.state != KB_PUBLISHED                ? "is not published"
                      : art.expires_at && at >= art.expires_at ? "has expired"
                                                               : "is not in effect yet";
    kb_article_release(&art);
    if (!ok) {
        app_fail(e, APP_INVALID, "kb_article_id", "knowledge base article %lld %s", (long long)id,
                 why);
        return -1;
    }
    return STORE_OK;
}
