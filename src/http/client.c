/*
 * client.c - the client's address and transport, with or without a
 * trusted reverse proxy in front.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "http/client.h"

/* Writes an IPv4 address, or an IPv6 one cut to its /64 (v4-mapped: as IPv4). */
static void format_v4(const unsigned char b[4], char *out, size_t outlen)
{
    snprintf(out, outlen, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static void format_v6(const unsigned char b[16], char *out, size_t outlen)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, mapped, sizeof mapped) == 0) {
        format_v4(b + 12, out, outlen);
        return;
    }
    snprintf(out, outlen, "%x:%x:%x:%x::/64", b[0] << 8 | b[1], b[2] << 8 | b[3],
             b[4] << 8 | b[5], b[6] << 8 | b[7]);
}

int forwarded_for_last(const char *value, char *out, size_t outlen)
{
    if (!value)
        return -1;
    const char *start = strrchr(value, ',');
    start = start ? start + 1 : value;
    while (*start == ' ' || *start == '\t')
        start++;
    size_t n = strlen(start);
    while (n && (start[n - 1] == ' ' || start[n - 1] == '\t'))
        n--;
    char ip[INET6_ADDRSTRLEN];
    if (n == 0 || n >= sizeof ip)
        return -1;
    memcpy(ip, start, n);
    ip[n] = '\0';
    unsigned char b[16];
    if (inet_pton(AF_INET, ip, b) == 1)
        format_v4(b, out, outlen);
    else if (inet_pton(AF_INET6, ip, b) == 1)
        format_v6(b, out, outlen);
    else
        return -1;
    return 0;
}

void request_client_addr(struct request *r, char *out, size_t outlen)
{
    snprintf(out, outlen, "unknown");
    if (!r)
        return;
    if (r->cfg && r->cfg->trust_proxy &&
        forwarded_for_last(request_header(r, "X-Forwarded-For"), out, outlen) == 0)
        return;
    if (!r->conn)
        return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        format_v4((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr, out, outlen);
    else if (sa->sa_family == AF_INET6)
        format_v6(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr, out, outlen);
}

bool request_is_https(struct request *r)
{
    if (!r || !r->cfg || !r->cfg->trust_proxy)
        return false;
    const char *p = request_header(r, "X-Forwarded-Proto");
    return p && strcasecmp(p, "https") == 0;
}
