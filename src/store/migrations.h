/* migrations.h - the numbered schema migrations, embedded at build time. */
#ifndef REXIAN_STORE_MIGRATIONS_H
#define REXIAN_STORE_MIGRATIONS_H

struct migration {
    int number;
    const char *name;
    const char *sql;
};

extern const struct migration migrations[];
extern const int migrations_count;

#endif
