/*
 * kb.h - the knowledge base (知识库): articles, their revisions, their
 * states, and who may do what with them. Pure: no SQL, no HTTP.
 *
 * States: draft -> published -> withdrawn -> published ...; a draft may
 * also be withdrawn (dropped). Admins and supervisors create, edit, publish
 * and withdraw anything. Handlers create and edit drafts of their own unit
 * (or a unit below it). Agents read what is published and in effect.
 * Every change makes a revision: who, when, which fields, and the article as
 * it stood afterwards.
 */
#ifndef REXIAN_CORE_KB_H
#define REXIAN_CORE_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kb_state { KB_DRAFT, KB_PUBLISHED, KB_WITHDRAWN, KB__COUNT };
const char *kb_state_name(enum kb_state s);
const char *kb_state_label_zh(enum kb_state s);
int kb_state_parse(const char *s); /* -1 if unknown */

enum kb_action { KA_CREATE, KA_UPDATE, KA_PUBLISH, KA_WITHDRAW, KA__COUNT };
const char *kb_action_name(enum kb_action a);
int kb_action_parse(const char *s);

/* Limits of the fields (checked at the edge, in bytes unless said). */
#define KB_TITLE_MAX_CHARS 200
#define KB_BODY_MAX 20000
#define KB_TAGS_MAX 10
#define KB_TAG_MAX_CHARS 32

/* The fields a revision records as changed, as bits and by name. */
enum kb_field {
    KF_TITLE = 1 << 0,
    KF_BODY = 1 << 1,
    KF_CATEGORY = 1 << 2,
    KF_TAGS = 1 << 3,
    KF_UNIT = 1 << 4,
    KF_EFFECTIVE = 1 << 5,
    KF_EXPIRES = 1 << 6,
    KF_STATE = 1 << 7
};
#define KF__COUNT 8
const char *kb_field_name(unsigned bit_index); /* title, body, category_id, ... */

struct kb_article {
    int64_t id;
    char *title;
    char *body;
    int64_t category_id; /* 0 = none */
    char **tags;         /* malloc'd array of malloc'd strings */
    size_t n_tags;
    int64_t unit_id;                    /* owning unit; 0 = the center */
    int64_t effective_from, expires_at; /* Unix ms; 0 = open */
    enum kb_state state;
    bool demo;    /* seeded demo content */
    int revision; /* the version clients name */
    int64_t created_by, created_at, updated_by, updated_at, published_at;
};
void kb_article_init(struct kb_article *a);
void kb_article_release(struct kb_article *a);
/* Deep copy; 0 or -1 (out of memory, dst released). */
int kb_article_copy(struct kb_article *dst, const struct kb_article *src);
/* The kb_field bits in which a and b differ. */
unsigned kb_article_diff(const struct kb_article *a, const struct kb_article *b);
/* Published, and `now` within [effective_from, expires_at). */
bool kb_in_effect(const struct kb_article *a, int64_t now);

struct kb_revision {
    int64_t id;
    int revision;
    int64_t at;
    int64_t actor_id; /* 0 for the command line (the demo seed) */
    char *actor_name; /* loaded for display */
    enum kb_action action;
    unsigned changed; /* kb_field bits */
    char *note;
    struct kb_article article; /* as it stood after this revision */
};
void kb_revision_release(struct kb_revision *r);

/* ---- permissions ----
 * `role` is one enum role flag. `own_unit` says whether the article's unit
 * lies within the acting handler's unit subtree (ignored for other roles). */
bool kb_may_read(unsigned role, enum kb_state state, bool own_unit);
bool kb_may_create(unsigned role, enum kb_state initial, bool own_unit);
bool kb_may_edit(unsigned role, enum kb_state state, bool own_unit);
bool kb_may_publish(unsigned role);

/* The state after `act` from `from`; -1 if the state does not allow it. */
int kb_transition(enum kb_state from, enum kb_action act);

#endif
