/* xpcsim: the simulated system's root, paths, fatal errors and line-plus-descriptor messages. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim.h"

void xpcsim_fatal(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", msg);
    fflush(stderr);
    abort();
}

const char *xpcsim_root(void) {
    const char *root = getenv("XPCSIM_ROOT");
    return (root != NULL && root[0] == '/') ? root : NULL;
}

int xpcsim_path(char *out, size_t outlen, const char *relative) {
    const char *root = xpcsim_root();
    if (root == NULL) {
        errno = ENOENT;
        return -1;
    }
    int n = snprintf(out, outlen, "%s/%s", root, relative);
    if (n < 0 || (size_t)n >= outlen) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int xpcsim_mkdirs(const char *relative) {
    char path[1024];
    if (xpcsim_path(path, sizeof path, relative) != 0) return -1;
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int xpcsim_service_path(char *out, size_t outlen, const char *name) {
    /* FNV-1a, 64 bit: only a file name, not a security boundary (launchd owns the directory). */
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    char rel[64];
    snprintf(rel, sizeof rel, "mach/%016llx", (unsigned long long)h);
    if (xpcsim_path(out, outlen, rel) != 0) return -1;
    if (strlen(out) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int xpcsim_send_fd_line(int sock, const char *line, int fd) {
    struct iovec iov = {(void *)line, strlen(line)};
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (fd >= 0) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    ssize_t n;
    do n = sendmsg(sock, &msg, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
    return n == (ssize_t)iov.iov_len ? 0 : -1;
}

int xpcsim_recv_fd_line(int sock, char *line, size_t cap, int *fd_out) {
    *fd_out = -1;
    size_t used = 0;
    while (used + 1 < cap) {
        union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
        struct iovec iov = {line + used, 1};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                             .msg_controllen = sizeof control.buf};
        ssize_t n;
        do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
        if (n <= 0) return -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                int fd;
                memcpy(&fd, CMSG_DATA(c), sizeof fd);
                if (*fd_out >= 0) close(fd); else *fd_out = fd;
            }
        }
        if (line[used] == '\n') {
            line[used] = '\0';
            return 0;
        }
        used++;
    }
    return -1;
}
