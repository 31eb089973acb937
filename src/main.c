/*
 * main.c - the command line: serve, migrate, demo, user add, apikey add,
 * calendar due, backup.
 *
 * Settings come from, in order of precedence: flags, REXIAN_* environment
 * variables, the config file (--config or REXIAN_CONFIG: "key = value"
 * lines, '#' comments), and built-in defaults.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "app/assess.h"
#include "app/stats_ops.h"
#include "app/audit.h"
#include "app/deadlines.h"
#include "api/export.h"
#include "app/demo.h"
#include "app/kb.h"
#include "app/throttle.h"
#include "core/sla.h"
#include "core/timeutil.h"
#include "http/metrics.h"
#include "open311/open311.h"

/* Every setting, by its flag name (without "--"); env is REXIAN_ + upper case. */
enum opt_id {
    O_DB, O_LISTEN, O_THREADS, O_BODY_LIMIT, O_TZ, O_SESSION_TTL, O_ACCESS_LOG, O_CONN_LIMIT,
    O_PER_IP_LIMIT, O_TIMEOUT, O_CONFIG, O_TICKETS, O_SEED, O_USERNAME, O_PASSWORD, O_ROLE,
    O_UNIT, O_NAME, O_WEB_ROOT,
    O_HEADER_LIMIT, O_REQUEST_TIMEOUT, O_TRUST_PROXY, O_LOGIN_USER_LIMIT, O_LOGIN_ADDR_LIMIT,
    O_LOGIN_WINDOW, O_JURISDICTION, O_O311_CONTACT, O_O311_KEY_RATE, O_O311_IP_RATE,
    O_PUBLIC_SUBMIT_RATE, O_PUBLIC_LOOKUP_RATE,
    O_DATA_DIR, O_WORKING_HOURS, O_SLA_WARNING, O_SLA_INTERVAL, O_SSE_HEARTBEAT,
    O_SIMILAR_DISTANCE, O_DB_POOL, O__COUNT
};
static const struct {
    const char *name;
    const char *env;
    const char *def;
} opts[O__COUNT] = {
    [O_DB] = {"db", "REXIAN_DB", NULL},
    [O_LISTEN] = {"listen", "REXIAN_LISTEN", "127.0.0.1:8080"},
    [O_THREADS] = {"threads", "REXIAN_THREADS", "0"},
    [O_BODY_LIMIT] = {"body-limit", "REXIAN_BODY_LIMIT", "1048576"},
    [O_TZ] = {"tz", "REXIAN_TZ", "Asia/Shanghai"},
    [O_SESSION_TTL] = {"session-ttl", "REXIAN_SESSION_TTL", "43200"},
    [O_ACCESS_LOG] = {"access-log", "REXIAN_ACCESS_LOG", "on"},
    [O_CONN_LIMIT] = {"conn-limit", "REXIAN_CONN_LIMIT", "1024"},
    [O_PER_IP_LIMIT] = {"per-ip-limit", "REXIAN_PER_IP_LIMIT", "256"},
    [O_TIMEOUT] = {"timeout", "REXIAN_TIMEOUT", "30"},
    [O_CONFIG] = {"config", "REXIAN_CONFIG", NULL},
    [O_TICKETS] = {"tickets", NULL, "2000"},
    [O_SEED] = {"seed", NULL, "12345"},
    [O_USERNAME] = {"username", NULL, NULL},
    [O_PASSWORD] = {"password", NULL, NULL},
    [O_ROLE] = {"role", NULL, NULL},
    [O_UNIT] = {"unit", NULL, NULL},
    [O_NAME] = {"name", NULL, NULL},
    [O_WEB_ROOT] = {"web-root", "REXIAN_WEB_ROOT", "web"},
    [O_HEADER_LIMIT] = {"header-limit", "REXIAN_HEADER_LIMIT", "65536"},
    [O_REQUEST_TIMEOUT] = {"request-timeout", "REXIAN_REQUEST_TIMEOUT", "30"},
    [O_TRUST_PROXY] = {"trust-proxy", "REXIAN_TRUST_PROXY", "off"},
    [O_LOGIN_USER_LIMIT] = {"login-user-limit", "REXIAN_LOGIN_USER_LIMIT", "5"},
    [O_LOGIN_ADDR_LIMIT] = {"login-addr-limit", "REXIAN_LOGIN_ADDR_LIMIT", "30"},
    [O_LOGIN_WINDOW] = {"login-window", "REXIAN_LOGIN_WINDOW", "300"},
    [O_JURISDICTION] = {"jurisdiction", "REXIAN_JURISDICTION", OPEN311_DEFAULT_JURISDICTION},
    [O_O311_CONTACT] = {"open311-contact", "REXIAN_OPEN311_CONTACT", "12345"},
    [O_O311_KEY_RATE] = {"open311-key-rate", "REXIAN_OPEN311_KEY_RATE", "60"},
    [O_O311_IP_RATE] = {"open311-ip-rate", "REXIAN_OPEN311_IP_RATE", "600"},
    [O_PUBLIC_SUBMIT_RATE] = {"public-submit-rate", "REXIAN_PUBLIC_SUBMIT_RATE", "20"},
    [O_PUBLIC_LOOKUP_RATE] = {"public-lookup-rate", "REXIAN_PUBLIC_LOOKUP_RATE", "60"},
    [O_DATA_DIR] = {"data-dir", "REXIAN_DATA_DIR", NULL},
    [O_WORKING_HOURS] = {"working-hours", "REXIAN_WORKING_HOURS", "08:30-12:00,13:30-17:30"},
    [O_SLA_WARNING] = {"sla-warning", "REXIAN_SLA_WARNING", "80"},
    [O_SLA_INTERVAL] = {"sla-interval", "REXIAN_SLA_INTERVAL", "60"},
    [O_SSE_HEARTBEAT] = {"sse-heartbeat", "REXIAN_SSE_HEARTBEAT", "15"},
    [O_DB_POOL] = {"db-pool", "REXIAN_DB_POOL", "0"},
    [O_SIMILAR_DISTANCE] = {"similar-distance", "REXIAN_SIMILAR_DISTANCE", "300"},
};

static const char *flag_val[O__COUNT];
static char *file_val[O__COUNT];
static const char *positional[8];
static int n_positional;

static void usage(FILE *f)
{
    fputs("usage: rexian COMMAND [options]\n"
          "  serve      --db PATH [--listen HOST:PORT] [--threads N] [--body-limit BYTES]\n"
          "             [--tz ZONE] [--session-ttl SECONDS] [--access-log on|off]\n"
          "             [--conn-limit N] [--per-ip-limit N] [--timeout SECONDS] [--config FILE]\n"
          "             [--web-root DIR]\n"
          "             [--header-limit BYTES] [--request-timeout SECONDS] [--trust-proxy on|off]\n"
          "             [--login-user-limit N] [--login-addr-limit N] [--login-window SECONDS]\n"
          "             [--jurisdiction ID] [--open311-contact TEXT] [--open311-key-rate N]\n"
          "             [--open311-ip-rate N] [--public-submit-rate N] [--public-lookup-rate N]\n"
          "             [--data-dir DIR] [--working-hours 08:30-12:00,13:30-17:30]\n"
          "             [--sla-warning PERCENT] [--sla-interval SECONDS] [--sse-heartbeat SECONDS]\n"
          "             [--db-pool N]  (PostgreSQL connections; --db postgres://...)\n"
          "  migrate    --db PATH\n"
          "             [--similar-distance METRES]\n"
          "  demo       --db PATH [--tickets N] [--seed N]\n"
          "  demo-bulk  --db PATH [--tickets N] [--seed N]  (tickets written in bulk, for benchmarks)\n"
          "  user add   --db PATH --username U --password P --role ROLE [--unit CODE] [--name NAME]\n"
          "  apikey add --db PATH --name NAME\n"
          "  calendar due [--db PATH] FROM AMOUNT UNIT  (UNIT: natural_hours, working_hours,\n"
          "             working_days)\n"
          "  calendar import --db PATH FILE\n"
          "  sla scan   --db PATH   (one pass of the timer loop: yellow/red cards, urging)\n"
          "  backup     --db PATH FILE\n"
          "  audit verify --db PATH\n"
          "  assess recount --db PATH   (recount the assessment from the history; 1 on a mismatch)\n"
          "  assess rebuild --db PATH   (re-derive every assessment fact)\n"
          "  stats recount --db PATH  (recount the daily figures; exit 1 if they differ)\n"
          "  stats rebuild --db PATH  (rewrite the daily figures from the tickets)\n"
          "environment: REXIAN_DB, REXIAN_LISTEN, REXIAN_THREADS, REXIAN_BODY_LIMIT, REXIAN_TZ,\n"
          "  REXIAN_SESSION_TTL, REXIAN_ACCESS_LOG, REXIAN_CONN_LIMIT, REXIAN_PER_IP_LIMIT,\n"
          "  REXIAN_TIMEOUT, REXIAN_CONFIG, REXIAN_WEB_ROOT, REXIAN_HEADER_LIMIT,\n"
          "  REXIAN_REQUEST_TIMEOUT, REXIAN_TRUST_PROXY, REXIAN_LOGIN_USER_LIMIT,\n"
          "  REXIAN_LOGIN_ADDR_LIMIT, REXIAN_LOGIN_WINDOW, REXIAN_JURISDICTION,\n"
          "  REXIAN_OPEN311_CONTACT, REXIAN_OPEN311_KEY_RATE, REXIAN_OPEN311_IP_RATE,\n"
          "  REXIAN_PUBLIC_SUBMIT_RATE, REXIAN_PUBLIC_LOOKUP_RATE, REXIAN_DATA_DIR,\n"
          "  REXIAN_WORKING_HOURS, REXIAN_SLA_WARNING, REXIAN_SLA_INTERVAL, REXIAN_SSE_HEARTBEAT\n",
          f);
}

static int die(const char *fmt, const char *arg)
{
    fprintf(stderr, "rexian: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fputc('\n', stderr);
    return 2;
}

static int parse_args(int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            if (n_positional == (int)(sizeof positional / sizeof positional[0]))
                return die("too many arguments%s", NULL);
            positional[n_positional++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int id = -1;
        for (int k = 0; k < O__COUNT; k++)
            if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
                id = k;
        if (id < 0)
            return die("unknown option '%s'", a);
        if (eq)
            flag_val[id] = eq + 1;
        else if (i + 1 < argc)
            flag_val[id] = argv[++i];
        else
            return die("option '%s' needs a value", a);
    }
    return 0;
}

static const char *opt(enum opt_id id)
{
    if (flag_val[id])
        return flag_val[id];
    if (opts[id].env && getenv(opts[id].env) && *getenv(opts[id].env))
        return getenv(opts[id].env);
    if (file_val[id])
        return file_val[id];
    return opts[id].def;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* Reads "key = value" lines; keys are the option names ('_' and '-' alike). */
static int load_config(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return die("cannot read config file '%s'", path);
    char line[1024];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            fprintf(stderr, "rexian: %s:%d: expected key = value\n", path, lineno);
            rc = 2;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        for (char *p = key; *p; p++)
            if (*p == '_')
                *p = '-';
        int id = -1;
        for (int k = 0; k < O__COUNT; k++)
            if (strcmp(opts[k].name, key) == 0 && opts[k].env)
                id = k;
        if (id < 0 || id == O_CONFIG) {
            fprintf(stderr, "rexian: %s:%d: unknown setting '%s'\n", path, lineno, key);
            rc = 2;
            break;
        }
        free(file_val[id]);
        file_val[id] = strdup(val);
    }
    fclose(f);
    return rc;
}

/* Parses a whole decimal number in [min, max]; -1 if it is not one. */
static int parse_num(const char *s, long long min, long long max, long long *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int num_opt(enum opt_id id, long long min, long long max, long long *out)
{
    if (parse_num(opt(id), min, max, out) != 0) {
        fprintf(stderr, "rexian: --%s must be a number from %lld to %lld\n", opts[id].name, min,
                max);
        return 2;
    }
    return 0;
}

static int open_store(struct store **s, bool migrate)
{
    const char *db = opt(O_DB);
    if (!db)
        return die("no database: give --db PATH or set REXIAN_DB%s", NULL);
    long long pool;
    if (num_opt(O_DB_POOL, 0, 1000, &pool))
        return 2;
    store_set_pool_size((unsigned)pool); /* PostgreSQL only; 0 = the default */
    char err[512];
    if (store_open(db, migrate, s, err, sizeof err) != STORE_OK)
        return die("%s", err);
    return 0;
}

static int cmd_migrate(void)
{
    struct store *s;
    int rc = open_store(&s, false);
    if (rc)
        return rc;
    int applied = 0, version = 0;
    rc = store_migrate(s, &applied);
    store_schema_version(s, &version);
    store_close(s);
    if (rc != STORE_OK)
        return die("migration failed%s", NULL);
    printf("schema version %d (%d migration%s applied)\n", version, applied,
           applied == 1 ? "" : "s");
    return 0;
}

static int cmd_user_add(void)
{
    int role = role_parse(opt(O_ROLE) ? opt(O_ROLE) : "");
    if (!opt(O_USERNAME) || !opt(O_PASSWORD) || role < 0)
        return die("user add needs --username, --password and --role "
                   "(agent, handler, supervisor, admin)%s",
                   NULL);
    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    struct user u;
    struct app_error e;
    /* The user and its audit row, in one transaction. */
    struct store_conn *c = store_conn_get(s);
    if (!c || store_begin(c, true) != STORE_OK) {
        store_close(s);
        return die("cannot write to the database%s", NULL);
    }
    rc = app_user_add(s, opt(O_USERNAME), opt(O_PASSWORD), (unsigned)role, opt(O_UNIT), 0,
                      opt(O_NAME), &u, &e);
    if (rc == APP_OK) {
        json_t *d = json_pack("{s:s, s:s, s:s?}", "username", u.username, "role",
                              role_name(u.role), "unit", opt(O_UNIT));
        char *detail = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(d);
        rc = app_audit(c, 0, NULL, "user.create", "user", u.id, detail, &e);
        free(detail);
        if (rc == APP_OK && store_commit(c) != STORE_OK)
            rc = app_fail(&e, APP_INTERNAL, NULL, "cannot commit the new user");
        if (rc != APP_OK)
            user_release(&u);
    }
    if (rc != APP_OK)
        store_rollback(c);
    if (rc == APP_OK) {
        printf("user %s (%s) added with id %lld\n", u.username, role_name(u.role),
               (long long)u.id);
        user_release(&u);
    } else {
        fprintf(stderr, "rexian: %s%s%s\n", e.message, e.field ? " -- " : "",
                e.field ? e.field : "");
    }
    store_close(s);
    return rc == APP_OK ? 0 : 1;
}

static int cmd_apikey_add(void)
{
    if (!opt(O_NAME))
        return die("apikey add needs --name%s", NULL);
    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    char key[SESSION_TOKEN_LEN + 1];
    struct app_error e;
    /* The key and its audit row (never the key itself), in one transaction. */
    struct store_conn *c = store_conn_get(s);
    if (!c || store_begin(c, true) != STORE_OK) {
        store_close(s);
        return die("cannot write to the database%s", NULL);
    }
    rc = app_apikey_create(s, opt(O_NAME), key, &e);
    if (rc == APP_OK) {
        json_t *d = json_pack("{s:s}", "name", opt(O_NAME));
        char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
        json_decref(d);
        rc = app_audit(c, 0, NULL, "apikey.create", "api_key", 0, detail, &e);
        free(detail);
        if (rc == APP_OK && store_commit(c) != STORE_OK)
            rc = app_fail(&e, APP_INTERNAL, NULL, "cannot commit the new key");
    }
    if (rc != APP_OK)
        store_rollback(c);
    if (rc == APP_OK)
        printf("%s\n", key);
    else
        fprintf(stderr, "rexian: %s\n", e.message);
    store_close(s);
    return rc == APP_OK ? 0 : 1;
}

/*
 * The demo city: through the use cases (`demo`, every ticket with its full
 * history) or written straight through the store (`demo bulk`, for
 * benchmarks of a million tickets).
 */
static int run_demo(bool bulk)
{
    long long n, seed;
    if (num_opt(O_TICKETS, 0, DEMO_MAX_TICKETS, &n) || num_opt(O_SEED, 0, 1LL << 62, &seed))
        return 2;
    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    if (app_deadlines_load(s, false, stderr) != 0) {
        store_close(s);
        return 1;
    }
    if (bulk) {
        rc = app_demo_bulk(s, (int)n, (uint64_t)seed, stdout);
    } else {
        rc = app_demo_build(s, (int)n, (uint64_t)seed, stdout);
        /* The cards the timer loop would have given the back-dated tickets. */
        if (!rc)
            rc = app_deadlines_settle_all(s, stdout);
    }
    store_close(s);
    return rc ? 1 : 0;
}

static int cmd_demo(void) { return run_demo(false); }
static int cmd_demo_bulk(void) { return run_demo(true); }

static int cmd_backup(void)
{
    if (n_positional != 1)
        return die("backup needs the target FILE%s", NULL);
    struct store *s;
    int rc = open_store(&s, false);
    if (rc)
        return rc;
    char err[512];
    rc = store_backup(s, positional[0], err, sizeof err);
    store_close(s);
    if (rc != STORE_OK)
        return die("%s", err);
    printf("backed up to %s\n", positional[0]);
    return 0;
}

/* `stats recount` / `stats rebuild` (app/stats_ops.h). */
static int cmd_stats(bool rebuild)
{
    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    rc = app_cli_stats(s, rebuild, stdout, stderr);
    store_close(s);
    return rc;
}

/* Walks the audit log's hash chain: exit 0 when it holds, 1 when it does not. */
static int cmd_audit_verify(void)
{
    struct store *s;
    int rc = open_store(&s, false);
    if (rc)
        return rc;
    struct audit_check chk;
    struct app_error e;
    rc = app_audit_verify(s, &chk, &e);
    store_close(s);
    char head[65];
    app_audit_hex(chk.head, head);
    if (rc == APP_OK) {
        printf("audit log ok: %lld rows, head %lld %s\n", (long long)chk.rows,
               (long long)chk.head_seq, head);
        return 0;
    }
    if (rc == APP_CONFLICT) {
        printf("audit log BROKEN: %s\n", chk.problem);
        return 1;
    }
    return die("cannot read the audit log: %s", e.message);
}

/* `rexian assess recount`: every fact again from the events, against the stored daily sums. */
static int cmd_assess_recount(void)
{
    struct store *s;
    int rc = open_store(&s, false);
    if (rc)
        return rc;
    struct assess_recount res;
    struct app_error e;
    rc = app_assess_recount(s, stdout, &res, &e);
    store_close(s);
    if (rc != APP_OK)
        return die("cannot recount the assessment: %s", e.message);
    printf("assessment %s: %lld tickets, %lld facts, %lld unit-days compared, %lld differ\n",
           res.mismatches ? "MISMATCH" : "ok", (long long)res.tickets, (long long)res.facts,
           (long long)res.rows, (long long)res.mismatches);
    return res.mismatches ? 1 : 0;
}

static int cmd_assess_rebuild(void)
{
    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    struct app_error e;
    uint64_t t0 = time_mono_ns();
    rc = app_assess_rebuild(s, stderr, &e);
    store_close(s);
    if (rc != APP_OK)
        return die("cannot rebuild the assessment: %s", e.message);
    printf("assessment facts rebuilt in %.1f s\n", (double)(time_mono_ns() - t0) / 1e9);
    return 0;
}

/* The settings against hostile clients (issue 9): HTTP limits and login throttling. */
static int hostile_limits(struct server_config *cfg, struct throttle_config *t)
{
    long long v;
    if (num_opt(O_HEADER_LIMIT, 8192, 1LL << 20, &v))
        return 2;
    cfg->header_limit = (size_t)v;
    if (num_opt(O_REQUEST_TIMEOUT, 0, 3600, &v))
        return 2;
    cfg->request_timeout_s = (unsigned)v;
    const char *tp = opt(O_TRUST_PROXY);
    if (strcmp(tp, "on") != 0 && strcmp(tp, "off") != 0)
        return die("--trust-proxy must be on or off, got '%s'", tp);
    cfg->trust_proxy = strcmp(tp, "on") == 0;
    if (num_opt(O_LOGIN_USER_LIMIT, 0, 100000, &v))
        return 2;
    t->user_limit = (unsigned)v;
    if (num_opt(O_LOGIN_ADDR_LIMIT, 0, 100000, &v))
        return 2;
    t->addr_limit = (unsigned)v;
    if (num_opt(O_LOGIN_WINDOW, 1, 86400, &v))
        return 2;
    t->window_s = (unsigned)v;
    return 0;
}

/*
 * The settings of Open311 and the citizen page (issue 5): jurisdiction,
 * discovery contact, and the per-key / per-address rate limits (requests per
 * minute for Open311, per hour for the citizen page; 0 = no limit). On
 * success x holds its bucket table, which the caller releases.
 */
static int open311_settings(struct open311_ctx *x)
{
    if (open311_ctx_init(x) != 0)
        return die("out of memory%s", NULL);
    long long v[4];
    if (num_opt(O_O311_KEY_RATE, 0, 1000000, &v[0]) || num_opt(O_O311_IP_RATE, 0, 1000000, &v[1]) ||
        num_opt(O_PUBLIC_SUBMIT_RATE, 0, 1000000, &v[2]) ||
        num_opt(O_PUBLIC_LOOKUP_RATE, 0, 1000000, &v[3])) {
        open311_ctx_release(x);
        return 2;
    }
    const char *j = opt(O_JURISDICTION);
    if (!*j || strlen(j) > 100) {
        open311_ctx_release(x);
        return die("--jurisdiction must be 1-100 bytes, got '%s'", j);
    }
    x->jurisdiction = j;
    x->contact = opt(O_O311_CONTACT);
    x->key_per_min = (unsigned)v[0];
    x->ip_per_min = (unsigned)v[1];
    x->submit_per_hour = (unsigned)v[2];
    x->lookup_per_hour = (unsigned)v[3];
    return 0;
}

static int cmd_calendar_due(void)
{
    if (n_positional != 3)
        return die("calendar due needs FROM AMOUNT UNIT%s", NULL);
    /* The calendar the server would use: the files, and with --db the admin's edits. */
    struct store *s = NULL;
    int rc = opt(O_DB) ? open_store(&s, false) : 0;
    if (rc)
        return rc;
    rc = app_deadlines_load(s, false, stderr);
    if (!rc)
        rc = app_cli_calendar_due(positional[0], positional[1], positional[2], stdout, stderr);
    store_close(s);
    return rc;
}

static int cmd_calendar_import(void)
{
    if (n_positional != 1)
        return die("calendar import needs the calendar FILE%s", NULL);
    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    rc = app_deadlines_load(s, false, stderr);
    if (!rc)
        rc = app_cli_calendar_import(s, positional[0], stdout, stderr);
    store_close(s);
    return rc;
}

static int cmd_sla_scan(void)
{
    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    rc = app_cli_sla_scan(s, stdout, stderr);
    store_close(s);
    return rc;
}

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

static int cmd_serve(void)
{
    struct server_config cfg = {0};
    long long v;
    const char *listen = opt(O_LISTEN);
    const char *colon = strrchr(listen, ':');
    if (!colon || parse_num(colon + 1, 0, 65535, &v) != 0)
        return die("--listen must be HOST:PORT, got '%s'", listen);
    cfg.port = (unsigned short)v;
    char host[64];
    size_t hl = (size_t)(colon - listen);
    if (hl == 0 || hl >= sizeof host)
        return die("--listen must be HOST:PORT, got '%s'", listen);
    memcpy(host, listen, hl);
    host[hl] = '\0';
    if (host[0] == '[' && host[hl - 1] == ']') { /* [::1]:8080 */
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    cfg.listen_host = host;
    if (num_opt(O_THREADS, 0, 256, &v))
        return 2;
    cfg.threads = (unsigned)v;
    if (num_opt(O_BODY_LIMIT, 1024, 64LL << 20, &v))
        return 2;
    cfg.body_limit = (size_t)v;
    if (num_opt(O_SESSION_TTL, 1, 90LL * 86400, &v))
        return 2;
    cfg.session_ttl_ms = v * 1000;
    if (num_opt(O_CONN_LIMIT, 1, 100000, &v))
        return 2;
    cfg.conn_limit = (unsigned)v;
    if (num_opt(O_PER_IP_LIMIT, 1, 100000, &v))
        return 2;
    cfg.per_ip_limit = (unsigned)v;
    if (num_opt(O_TIMEOUT, 1, 3600, &v))
        return 2;
    cfg.timeout_s = (unsigned)v;
    const char *al = opt(O_ACCESS_LOG);
    if (strcmp(al, "on") != 0 && strcmp(al, "off") != 0)
        return die("--access-log must be on or off, got '%s'", al);
    cfg.access_log = strcmp(al, "on") == 0;
    cfg.web_root = opt(O_WEB_ROOT);
    long long similar_m; /* how near two tickets must be to count as one place */
    if (num_opt(O_SIMILAR_DISTANCE, 1, 100000, &similar_m))
        return 2;
    app_similar_set_distance((double)similar_m);
    long long sla_interval, heartbeat;
    if (num_opt(O_SLA_INTERVAL, 0, 86400, &sla_interval) ||
        num_opt(O_SSE_HEARTBEAT, 1, 3600, &heartbeat))
        return 2;
    struct throttle_config tcfg;
    if (hostile_limits(&cfg, &tcfg))
        return 2;

    struct store *s;
    int rc = open_store(&s, true);
    if (rc)
        return rc;
    /* The working calendar, with provisional deadlines redone if a year arrived. */
    if (app_deadlines_load(s, true, stderr) != 0) {
        store_close(s);
        return 1;
    }
    app_deadlines_warn_missing(stderr);
    struct api api = {.store = s, .cfg = NULL, .started_at = time_now_ms()};
    api.throttle = throttle_new(&tcfg);
    if (!api.throttle) {
        store_close(s);
        return die("out of memory%s", NULL);
    }
    struct open311_ctx o311;
    if ((rc = open311_settings(&o311)) != 0) {
        throttle_free(api.throttle);
        store_close(s);
        return rc;
    }
    api.open311 = &o311;
    size_t n_routes;
    const char *const *names = api_route_names(&n_routes);
    metrics_init(names, n_routes);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Pool threads inherit a blocked mask; only this thread takes the signals. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    /* The live feed, woken by every commit of ticket events. */
    api.feed = feed_start(s, (unsigned)heartbeat);
    if (api.feed) {
        app_set_event_hook(feed_wake, api.feed);
        store_on_remote_events(s, feed_wake, api.feed); /* durable batches; other instances' commits */
    }
    struct server *srv = server_start(&cfg, &api, api_dispatch);
    if (!srv) {
        app_set_event_hook(NULL, NULL);
        store_on_remote_events(s, NULL, NULL);
        feed_free(api.feed);
        throttle_free(api.throttle);
        open311_ctx_release(&o311);
        store_close(s);
        return 1;
    }
    api.cfg = &cfg;
    fprintf(stderr,
            "{\"level\":\"info\",\"msg\":\"listening\",\"url\":\"http://%s%s%s:%u/\",\"db\":\"%s\","
            "\"zone\":\"%s\"}\n",
            strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", cfg.port,
            opt(O_DB), timeutil_zone());
    /* The timer loop (yellow and red cards, urging); --sla-interval 0 turns it off. */
    struct app_timer *timer = sla_interval ? app_timer_start(s, (unsigned)sla_interval) : NULL;
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    while (!stop_signal)
        pause();
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopping\",\"signal\":%d,\"in_flight\":%u}\n",
            (int)stop_signal, server_in_flight(srv));
    app_timer_stop(timer);
    /* Event streams end first: the daemon must not stop with a connection suspended. */
    feed_stop(api.feed);
    server_stop(srv, 10000);
    app_set_event_hook(NULL, NULL);
    store_on_remote_events(s, NULL, NULL);
    feed_free(api.feed);
    throttle_free(api.throttle);
    open311_ctx_release(&o311);
    store_close(s);
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopped\"}\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    int first = 2;
    char full[32];
    if ((strcmp(cmd, "user") == 0 || strcmp(cmd, "apikey") == 0 ||
         strcmp(cmd, "calendar") == 0 || strcmp(cmd, "audit") == 0 ||
         strcmp(cmd, "sla") == 0 || strcmp(cmd, "assess") == 0 || strcmp(cmd, "stats") == 0) &&
        argc > 2) {
        snprintf(full, sizeof full, "%s %s", cmd, argv[2]);
        cmd = full;
        first = 3;
    }
    int rc = parse_args(argc, argv, first);
    if (rc)
        return rc;
    if (opt(O_CONFIG) && (rc = load_config(opt(O_CONFIG))) != 0)
        return rc;
    if (timeutil_set_zone(opt(O_TZ)) != 0)
        return die("unknown time zone '%s'", opt(O_TZ));
    if (app_init() != 0)
        return die("cannot initialise libsodium%s", NULL);
    json_object_seed(0);
    /* Tests inject the clock (docs/ARCHITECTURE.md, "Testing with a fake clock"). */
    const char *fake_now = getenv("REXIAN_FAKE_NOW_FILE");
    if (fake_now && *fake_now) {
        if (timeutil_set_clock_file(fake_now) != 0)
            return die("REXIAN_FAKE_NOW_FILE is too long%s", NULL);
        fprintf(stderr, "{\"level\":\"warning\",\"msg\":\"the clock is injected from a file "
                        "(REXIAN_FAKE_NOW_FILE): for tests only\"}\n");
    }
    /* Tests reach the XLSX export's row limit without a million rows. */
    const char *xlsx_max = getenv("REXIAN_TEST_XLSX_MAX_ROWS");
    if (xlsx_max && *xlsx_max) {
        char *end = NULL;
        unsigned long long n = strtoull(xlsx_max, &end, 10);
        if (!end || *end || !n)
            return die("REXIAN_TEST_XLSX_MAX_ROWS must be a positive integer%s", NULL);
        table_set_xlsx_max_rows((size_t)n);
        fprintf(stderr, "{\"level\":\"warning\",\"msg\":\"the XLSX export's row limit is "
                        "lowered (REXIAN_TEST_XLSX_MAX_ROWS): for tests only\"}\n");
    }
    if ((rc = app_deadlines_configure(opt(O_DATA_DIR), opt(O_WORKING_HOURS), opt(O_SLA_WARNING),
                                      stderr)) != 0)
        return rc;

    if (strcmp(cmd, "serve") == 0)
        rc = cmd_serve();
    else if (strcmp(cmd, "migrate") == 0)
        rc = cmd_migrate();
    else if (strcmp(cmd, "demo") == 0)
        rc = cmd_demo();
    else if (strcmp(cmd, "demo-bulk") == 0)
        rc = cmd_demo_bulk();
    else if (strcmp(cmd, "user add") == 0)
        rc = cmd_user_add();
    else if (strcmp(cmd, "apikey add") == 0)
        rc = cmd_apikey_add();
    else if (strcmp(cmd, "calendar due") == 0)
        rc = cmd_calendar_due();
    else if (strcmp(cmd, "calendar import") == 0)
        rc = cmd_calendar_import();
    else if (strcmp(cmd, "sla scan") == 0)
        rc = cmd_sla_scan();
    else if (strcmp(cmd, "backup") == 0)
        rc = cmd_backup();
    else if (strcmp(cmd, "audit verify") == 0)
        rc = cmd_audit_verify();
    else if (strcmp(cmd, "assess recount") == 0)
        rc = cmd_assess_recount();
    else if (strcmp(cmd, "assess rebuild") == 0)
        rc = cmd_assess_rebuild();
    else if (strcmp(cmd, "stats recount") == 0)
        rc = cmd_stats(false);
    else if (strcmp(cmd, "stats rebuild") == 0)
        rc = cmd_stats(true);
    else {
        fprintf(stderr, "rexian: unknown command '%s'\n", cmd);
        usage(stderr);
        rc = 2;
    }
    for (int i = 0; i < O__COUNT; i++)
        free(file_val[i]);
    return rc;
}
