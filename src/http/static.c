/*
 * static.c - files of the front end: content types, safe paths, caching.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/reply.h"
#include "http/static.h"

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
};

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* A path we are willing to map onto the disk. */
static bool safe_path(const char *p)
{
    if (p[0] != '/' || strlen(p) > 512)
        return false;
    for (const char *s = p; *s; s++) {
        if (*s == '\\' || (unsigned char)*s < 0x20)
            return false;
        if (s[0] == '/' && s[1] == '.') /* "..", ".git", hidden files */
            return false;
    }
    return true;
}

/* Opens root/rel if it is a regular file; fills *st. */
static int open_file(const char *root, const char *rel, struct stat *st)
{
    char full[1024];
    if ((size_t)snprintf(full, sizeof full, "%s%s", root, rel) >= sizeof full)
        return -1;
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

int static_serve(struct request *r, const char *root)
{
    if (!root || !safe_path(r->path))
        return -1;
    const char *rel = r->path;
    const char *type = type_of(rel);
    struct stat st;
    int fd = -1;
    if (type)
        fd = open_file(root, rel, &st);
    if (fd < 0 && !type) {
        /* A front-end route: its page handles it. */
        rel = strncmp(r->path, "/public", 7) == 0 && (r->path[7] == '/' || !r->path[7])
                  ? "/public/index.html"
                  : "/index.html";
        type = type_of(rel);
        fd = open_file(root, rel, &st);
    }
    if (fd < 0)
        return -1;
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return -1;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    /* Pages always revalidate; the modules they load are small and few. */
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* Scripts only from our own files (no inline script, no eval): an
       injected <script> does not run. Styles may be inline (ECharts sets them). */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; img-src 'self' data:; "
                            "style-src 'self' 'unsafe-inline'; connect-src 'self'; "
                            "object-src 'none'; base-uri 'self'; form-action 'self'; "
                            "frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Request-Id", r->id);
    MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    r->replied = true;
    r->status = 200;
    r->resp_bytes = (size_t)st.st_size;
    return 0;
}
