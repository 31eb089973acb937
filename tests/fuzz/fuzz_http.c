/*
 * fuzz_http.c - the whole server: raw bytes over a TCP connection to the
 * real daemon (libmicrohttpd's request parsing, cookies and headers
 * included), the dispatcher, authentication, JSON bodies and every handler,
 * against a temporary database with a small city in it.
 *
 * The input is sent as it is, except that "@A", "@G", "@H" and "@N" stand
 * for an admin's, an agent's and a handler's live session tokens and for a
 * ticket's number, so that mutations reach the handlers behind
 * authentication. The oracle besides ASan/UBSan: no answer is a 500, and
 * the server keeps answering.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/api.h"
#include "app/throttle.h"
#include "core/timeutil.h"
#include "http/metrics.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PASS "Fuzz-pass-1"

static struct store *store;
static struct server *srv;
static struct api api;
static struct server_config cfg;
static unsigned short port;
static char dbdir[] = "/tmp/rexian-fuzz-http-XXXXXX";
static char tok[3][SESSION_TOKEN_LEN + 1]; /* admin, agent, handler */
static char number[TICKET_NUMBER_LEN + 1];
static unsigned long runs;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_http: %s\n", what);
    abort();
}

static void cleanup(void)
{
    server_stop(srv, 1000);
    throttle_free(api.throttle);
    store_close(store);
    char p[96];
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/http.db%s", dbdir, suffix[i]);
        unlink(p);
    }
    rmdir(dbdir);
}

/* A port nobody listens on now (the kernel's pick, released). */
static unsigned short free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("no free port");
    close(fd);
    return ntohs(a.sin_port);
}

static void login_all(void)
{
    static const char *const names[3] = {"fadmin", "fagent", "fhandler"};
    for (int i = 0; i < 3; i++) {
        struct user u;
        struct app_error e;
        if (app_login(store, names[i], PASS, 3600 * 1000, tok[i], &u, &e) != APP_OK)
            die("login");
        user_release(&u);
    }
}

/* The city: one unit, three users, one ticket dispatched to the unit. */
static void build_city(void)
{
    struct store_conn *c = store_conn_get(store);
    struct unit u = {.kind = UK_DISTRICT, .active = true};
    u.code = strdup("D1");
    u.name = strdup("district");
    if (!c || !u.code || !u.name || store_unit_insert(c, &u) != STORE_OK)
        die("unit");
    struct user x;
    struct app_error e;
    if (app_user_add(store, "fadmin", PASS, ROLE_ADMIN, NULL, 0, NULL, &x, &e) != APP_OK)
        die("admin");
    user_release(&x);
    if (app_user_add(store, "fagent", PASS, ROLE_AGENT, NULL, 0, NULL, &x, &e) != APP_OK)
        die("agent");
    struct actor a = {.user_id = x.id, .name = "fagent", .role = ROLE_AGENT};
    user_release(&x);
    if (app_user_add(store, "fhandler", PASS, ROLE_HANDLER, NULL, u.id, NULL, &x, &e) != APP_OK)
        die("handler");
    user_release(&x);
    struct ticket_input in = {.channel = CH_PHONE, .type = TT_REPORT, .urgency = URG_NORMAL,
                              .citizen_name = "name", .citizen_phone = "13812345678",
                              .title = "title", .content = "content"};
    struct ticket t;
    if (app_ticket_create(store, &a, &in, &t, &e) != APP_OK)
        die("ticket");
    memcpy(number, t.number, sizeof number);
    ticket_release(&t);
    struct action_args g;
    action_args_init(&g);
    g.unit_id = u.id;
    if (app_ticket_act(store, &a, number, 1, ACT_DISPATCH, &g, "{}", 0, &t, &e) != APP_OK)
        die("dispatch");
    ticket_release(&t);
    unit_release(&u);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(1);
    timeutil_set_zone("Asia/Shanghai");
    char path[96], err[256];
    if (app_init() != 0 || !mkdtemp(dbdir))
        die("init");
    snprintf(path, sizeof path, "%s/http.db", dbdir);
    if (store_open(path, true, &store, err, sizeof err) != STORE_OK)
        die(err);
    build_city();
    login_all();
    struct throttle_config tc = {.user_limit = 5, .addr_limit = 30, .window_s = 300};
    api.store = store;
    api.started_at = time_now_ms();
    api.throttle = throttle_new(&tc);
    size_t n_routes;
    const char *const *names = api_route_names(&n_routes);
    metrics_init(names, n_routes);
    cfg = (struct server_config){.listen_host = "127.0.0.1", .threads = 1, .body_limit = 65536,
                                 .conn_limit = 64, .per_ip_limit = 64, .timeout_s = 5,
                                 .session_ttl_ms = 3600 * 1000, .access_log = false,
                                 .header_limit = 16384, .request_timeout_s = 5};
    for (int i = 0; i < 5 && !srv; i++) {
        cfg.port = port = free_port();
        srv = server_start(&cfg, &api, api_dispatch);
    }
    if (!srv)
        die("server");
    api.cfg = &cfg;
    atexit(cleanup);
    return 0;
}

/* The input with the placeholders filled in; malloc'd, *n its length. */
static char *expand(const uint8_t *d, size_t size, size_t *n)
{
    char *out = malloc(size * 24 + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < size; i++) {
        const char *sub = NULL;
        if (d[i] == '@' && i + 1 < size) {
            switch (d[i + 1]) {
            case 'A': sub = tok[0]; break;
            case 'G': sub = tok[1]; break;
            case 'H': sub = tok[2]; break;
            case 'N': sub = number; break;
            default: break;
            }
        }
        if (sub) {
            size_t k = strlen(sub);
            memcpy(out + o, sub, k);
            o += k;
            i++;
        } else {
            out[o++] = (char)d[i];
        }
    }
    *n = o;
    return out;
}

/*
 * Where the first answer in buf[0..len) ends, or 0 while it is incomplete:
 * after its head for a status without a body, after Content-Length bytes,
 * or after the last chunk. An answer framed by the close never "ends" here.
 */
static size_t answer_end(const char *buf, size_t len)
{
    const char *head_end = memmem(buf, len, "\r\n\r\n", 4);
    if (!head_end)
        return 0;
    size_t body = (size_t)(head_end - buf) + 4;
    if (len >= 12 && (memcmp(buf + 9, "204", 3) == 0 || memcmp(buf + 9, "304", 3) == 0 ||
                      buf[9] == '1'))
        return body;
    for (const char *p = buf; p < head_end; p++) {
        if (strncasecmp(p, "\r\nContent-Length:", 17) == 0) {
            size_t n = strtoul(p + 17, NULL, 10);
            return len >= body + n ? body + n : 0;
        }
        if (strncasecmp(p, "\r\nTransfer-Encoding: chunked", 29) == 0) {
            const char *last = memmem(buf + body, len - body, "\r\n0\r\n\r\n", 7);
            return last ? (size_t)(last - buf) + 7 : 0;
        }
    }
    return 0;
}

/*
 * Sends one connection's worth of bytes and collects what comes back, until
 * the first answer is complete (and whatever else is already there), the
 * server closes, or it stays silent for 300 ms (an incomplete request: the
 * server is waiting for the rest, which is fine). Returns a malloc'd buffer.
 * (libmicrohttpd 0.9.75 may miss a half-close that arrives with the request,
 * so the end of the stream cannot be waited for.)
 */
static char *exchange(const char *req, size_t n, size_t *got)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("the server stopped accepting connections");
    size_t sent = 0;
    while (sent < n) {
        ssize_t w = send(fd, req + sent, n - sent, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server closed early: it may do that to a bad request */
        sent += (size_t)w;
    }
    /* A moment between the bytes and the half-close lets the daemon see them
       as two events, so it notices the end of an incomplete request at once. */
    usleep(500);
    shutdown(fd, SHUT_WR);
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap + 1);
    bool done = false;
    while (buf && !done) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 300) <= 0)
            break;
        ssize_t r = recv(fd, buf + len, cap - len, 0);
        if (r <= 0)
            break;
        len += (size_t)r;
        done = answer_end(buf, len) != 0;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
    }
    close(fd);
    if (buf)
        buf[len] = '\0';
    *got = len;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    if (++runs % 2000 == 0)
        login_all(); /* the fuzzer may have logged a token out */
    size_t n, got;
    char *req = expand(data, size, &n);
    if (!req)
        return 0;
    char *resp = exchange(req, n, &got);
    free(req);
    /* Every status line of every answer on the connection: never a 500. A
       status line starts the stream or a line; JSON bodies carry no raw
       newline, so a body quoting "HTTP/1.1 500" does not count. */
    for (char *p = resp; p && (p = memmem(p, got - (size_t)(p - resp), "HTTP/1.", 7)); p += 7) {
        if ((p == resp || p[-1] == '\n') && p + 12 <= resp + got && p[8] == ' ' &&
            memcmp(p + 9, "500", 3) == 0) {
            fprintf(stderr, "fuzz_http: answered 500:\n%.2000s\n", resp);
            abort();
        }
    }
    free(resp);
    return 0;
}
