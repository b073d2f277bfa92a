/*
 * fetch: the cold-start baseline. A plain HTTP/1.1 GET of the binary's URL streamed to a file
 * (what `curl -o` does), then SHA-256 of the file read back (what `sha256sum` does). Prints
 * the size, both phases' times and the digest, which the suite checks against the deployment's.
 * sha256: the second phase alone, on any file.
 */
#include "cli.h"
#include "sha256.h"
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static void hash_file(const char *path, char hex[65]) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die_errno("open %s", path);
    }
    static uint8_t chunk[CHUNK];
    sha256_t s;
    sha256_init(&s);
    for (;;) {
        size_t r = read_all(fd, chunk, sizeof chunk);
        sha256_update(&s, chunk, r);
        if (r < sizeof chunk) {
            break;
        }
    }
    close(fd);
    uint8_t digest[32];
    sha256_final(&s, digest);
    for (int i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
}

/* http://IPV4:PORT/PATH only: the testbed's address. */
static void parse_url(const char *url, struct sockaddr_in *addr, char *hostport, size_t hp_cap, const char **path) {
    if (strncmp(url, "http://", 7) != 0) {
        die("only http://IPV4:PORT/PATH URLs are supported, got %s", url);
    }
    const char *host = url + 7, *colon = strchr(host, ':'), *slash = strchr(host, '/');
    if (!colon || !slash || colon > slash || (size_t)(slash - host) >= hp_cap) {
        die("only http://IPV4:PORT/PATH URLs are supported, got %s", url);
    }
    char ip[64];
    snprintf(ip, sizeof ip, "%.*s", (int)(colon - host), host);
    char port[16];
    snprintf(port, sizeof port, "%.*s", (int)(slash - colon - 1), colon + 1);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)parse_ulong(port, "the URL's port", 1, 65535));
    if (inet_pton(AF_INET, ip, &addr->sin_addr) != 1) {
        die("not an IPv4 address: %s", ip);
    }
    snprintf(hostport, hp_cap, "%.*s", (int)(slash - host), host);
    *path = slash;
}

int cmd_fetch(const args_t *a) {
    static const char *const known[] = {"--url", "--out", NULL};
    opts_check(a, known);
    const char *url = opt(a, "--url", NULL), *out = opt(a, "--out", NULL), *path;
    struct sockaddr_in addr;
    char hostport[128];
    parse_url(url, &addr, hostport, sizeof hostport, &path);

    uint64_t t0 = now_ns();
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) {
        die_errno("connect to %s", hostport);
    }
    char request[1024];
    int n = snprintf(request, sizeof request,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: thb-fetch\r\nAccept: */*\r\nConnection: close\r\n\r\n", path,
                     hostport);
    write_all(s, request, (size_t)n);

    static uint8_t chunk[CHUNK];
    size_t have = 0;
    char *body = NULL;
    while (!body) {
        ssize_t r = read(s, chunk + have, sizeof chunk - 1 - have);
        if (r <= 0) {
            die("the server closed the connection before the end of the headers");
        }
        have += (size_t)r;
        chunk[have] = '\0';
        body = strstr((char *)chunk, "\r\n\r\n");
    }
    body += 4;
    if (strncmp((char *)chunk, "HTTP/1.1 200", 12) != 0 && strncmp((char *)chunk, "HTTP/1.0 200", 12) != 0) {
        die("the server answered: %.*s", (int)strcspn((char *)chunk, "\r"), chunk);
    }
    long long length = -1;
    for (char *line = strstr((char *)chunk, "\r\n") + 2; line < body - 2; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0) {
            length = atoll(line + 15);
        } else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0) {
            die("chunked transfers are not supported");
        }
    }
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        die_errno("create %s", out);
    }
    size_t first = have - (size_t)((uint8_t *)body - chunk);
    write_all(fd, body, first);
    long long got = (long long)first;
    while (length < 0 || got < length) {
        ssize_t r = read(s, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            die_errno("read the body");
        }
        if (r == 0) {
            if (length >= 0) {
                die("the body ended after %lld of %lld bytes", got, length);
            }
            break;
        }
        write_all(fd, chunk, (size_t)r);
        got += r;
    }
    close(s);
    if (close(fd) != 0) {
        die_errno("close %s", out);
    }
    uint64_t t1 = now_ns();
    char hex[65];
    hash_file(out, hex);
    uint64_t t2 = now_ns();
    printf("bytes %lld\ndownload_ns %llu\nhash_ns %llu\ntotal_ns %llu\nsha256 %s\nsha256_impl %s\n", got,
           (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1), (unsigned long long)(t2 - t0), hex,
           sha256_implementation());
    return 0;
}

int cmd_sha256(const args_t *a) {
    static const char *const known[] = {"--file", NULL};
    opts_check(a, known);
    char hex[65];
    uint64_t t0 = now_ns();
    hash_file(opt(a, "--file", NULL), hex);
    printf("sha256 %s\nhash_ns %llu\nsha256_impl %s\n", hex, (unsigned long long)(now_ns() - t0), sha256_implementation());
    return 0;
}
