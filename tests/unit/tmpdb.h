/*
 * tmpdb.h - a fresh SQLite database in a temporary directory for the unit
 * tests that run app/ and store/ on a real file, and its removal.
 */
#ifndef REXIAN_TESTS_TMPDB_H
#define REXIAN_TESTS_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A directory /tmp/rexian-NAME-XXXXXX with the path of t.db in it into db
   (dir: 64 bytes, db: 96); 0, or -1 if it cannot be made. */
static inline int tmpdb_make(const char *name, char *dir, char *db)
{
    snprintf(dir, 64, "/tmp/rexian-%s-XXXXXX", name);
    if (!mkdtemp(dir))
        return -1;
    snprintf(db, 96, "%s/t.db", dir);
    return 0;
}

/* Removes the database, its log and the directory. */
static inline void tmpdb_remove(const char *dir)
{
    const char *files[] = {"t.db", "t.db-wal", "t.db-shm"};
    char path[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

#endif
