/*
 * backend.h - what the two store backends and the generated dispatch layer
 * share. Not for use outside src/store/.
 *
 * `struct store` and `struct store_conn` of each backend begin with a
 * `struct store_base`, so the dispatch layer (build/.../gen/store_dispatch.c,
 * written by scripts/gen-store-dispatch from store.h) can tell which backend
 * a handle belongs to and call sqlite_store_X or pg_store_X.
 */
#ifndef REXIAN_STORE_BACKEND_H
#define REXIAN_STORE_BACKEND_H

#include <stdbool.h>

enum store_backend {
    STORE_BACKEND_SQLITE = 1,
    STORE_BACKEND_PG = 2
};

struct store_base {
    int backend; /* enum store_backend */
};

/* True for the URLs the PostgreSQL backend takes (postgres:// or postgresql://). */
bool store_url_is_pg(const char *url);

struct store_conn;
/*
 * PostgreSQL: called by the dispatch layer after every call on a connection
 * handle. Outside a transaction it hands the handle's physical connection
 * back to the pool; inside one it does nothing.
 */
void pg_conn_idle(struct store_conn *c);

#endif
