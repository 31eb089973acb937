/*
 * kb.h - the knowledge-base use cases and repeat-request lookup, one
 * transaction each, shared by the HTTP API and the command line (the demo
 * seed). Input is validated at the edge into the typed structs below; the
 * rules of who may do what are core/kb.h's.
 */
#ifndef REXIAN_APP_KB_H
#define REXIAN_APP_KB_H

#include <stdio.h>

#include "app/app.h"
#include "core/dedup.h"
#include "core/kb.h"

/* What a create or a PATCH says. For a PATCH only the fields in `set` change. */
struct kb_input {
    unsigned set; /* kb_field bits present (create: ignored, every field is taken) */
    const char *title, *body;
    int64_t category_id; /* 0 = none */
    const char *const *tags;
    size_t n_tags;
    int64_t unit_id;                    /* 0 = none (the center); handlers: default their unit */
    bool unit_given;                    /* create: unit_id was in the body */
    int64_t effective_from, expires_at; /* 0 = open */
    enum kb_state state;                /* create only: draft (default) or published */
    bool demo;                          /* the demo seed only */
};

/* Creates an article and its first revision; *out is the article. */
int app_kb_create(struct store *s, const struct actor *a, const struct kb_input *in,
                  struct kb_article *out, struct app_error *e);
/* Changes the fields in in->set of article id at revision `version`. */
int app_kb_update(struct store *s, const struct actor *a, int64_t id, int version,
                  const struct kb_input *in, struct kb_article *out, struct app_error *e);
/* Publishes or withdraws (act is KA_PUBLISH or KA_WITHDRAW); `note` may be NULL. */
int app_kb_transition(struct store *s, const struct actor *a, int64_t id, int version,
                      enum kb_action act, const char *note, struct kb_article *out,
                      struct app_error *e);
/* An article the actor may read; APP_NOTFOUND otherwise. */
int app_kb_get(struct store *s, const struct actor *a, int64_t id, struct kb_article *out,
               struct app_error *e);
int app_kb_revisions(struct store *s, const struct actor *a, int64_t id, struct kb_revision **out,
                     size_t *n, struct app_error *e);
/* Lists with the actor's visibility applied to f (whose all/scope it sets). */
int app_kb_list(struct store *s, const struct actor *a, struct kb_filter *f,
                struct kb_article **out, char ***snippets, size_t *n, bool *more,
                struct app_error *e);
/* The `limit` published articles in effect most relevant to `text`. */
int app_kb_suggest(struct store *s, const char *text, int limit, struct kb_article **out,
                   char ***snippets, size_t *n, struct app_error *e);
/*
 * For the answer action, inside its transaction: the article a ticket cites
 * must exist and be published and in effect at `at`. Returns STORE_OK, a
 * store rc, or -1 with e set (400, field kb_article_id).
 */
int app_kb_citable(struct store_conn *c, int64_t id, int64_t at, struct app_error *e);

/* Seeds the demo city's articles (demo_kb.c); 0 or -1 (reported on stderr). */
int app_kb_seed_demo(struct store *s);
/*
 * The demo city with `n` tickets written in bulk (demo_bulk.c): for the
 * search benchmarks, where a million tickets through app_ticket_act would
 * take too long. Returns 0, or 1 with the reason on stderr.
 */
int app_demo_bulk(struct store *s, int n, uint64_t seed, FILE *out);

/* ---- repeat requests (similar.c) ---- */
struct similar_item {
    char number[TICKET_NUMBER_LEN + 1];
    char *title;
    enum ticket_status status;
    int64_t created_at;
    int64_t unit_id;
    struct dedup_match m;
};
/* Sets the "nearby" distance in metres (default 300). Call before serving. */
void app_similar_set_distance(double metres);
/* Candidates for ticket t, open ones first, then by score; at most `limit`. */
int app_similar_of(struct store *s, const struct ticket *t, int limit, struct similar_item **out,
                   size_t *n, struct app_error *e);
/* The same for the ticket numbered `number`, which the actor must be able to read. */
int app_ticket_similar(struct store *s, const struct actor *a, const char *number, int limit,
                       struct similar_item **out, size_t *n, struct app_error *e);
void app_similar_free(struct similar_item *a, size_t n);

#endif
