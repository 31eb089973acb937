/*
 * fts5.h - the "rexian" tokenizer for SQLite FTS5 (version-1 tokenizer API,
 * SQLite 3.40), built on text_segment().
 *
 * Documents and queries are normalised and cut alike: NFKC + case folding,
 * ICU word breaks, Latin words and numbers whole. CJK text is indexed by
 * character, each at its own position, with the pair it starts beside it;
 * a query word of several CJK characters is the phrase of its pairs. A
 * word of the query therefore matches where its characters stand in a row,
 * whatever way the dictionary happened to cut the same characters in the
 * document ("加装" in "加装电梯" and in "小区加装电梯" are cut differently by
 * ICU), and long posting lists of single characters are not walked for
 * words of two or more (fts5.c). Offsets are those of the original text,
 * so highlight() marks what was written.
 */
#ifndef REXIAN_TEXT_FTS5_H
#define REXIAN_TEXT_FTS5_H

#include <sqlite3.h>

/* The tokenizer's name, as used in tokenize='rexian'. */
#define TEXT_FTS5_TOKENIZER "rexian"
/*
 * An auxiliary ranking function, rexian_rank(w0, w1, ...): BM25 without the
 * document-frequency factor, so that ranking a hit costs only that hit
 * (fts5.c says why). Lower is better, like bm25().
 */
#define TEXT_FTS5_RANK "rexian_rank"

/*
 * Registers the tokenizer and rexian_rank() on db (every connection that
 * writes or searches an FTS5 table using them must). Returns SQLITE_OK or an
 * SQLite error code.
 * Each tokenizer instance (one per table per connection) owns its ICU break
 * iterator, so the instances of one connection's thread share nothing.
 */
int text_fts5_register(sqlite3 *db);

#endif
