/* Descriptor plumbing the JDK does not expose for raw fds. */
#ifdef __linux__
#define _GNU_SOURCE /* pipe2 */
#endif
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

int th_set_cloexec(int fd, int on, char *err, size_t errlen) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return th_fail(err, errlen, errno, "F_GETFD fd %d", fd);
    flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    if (fcntl(fd, F_SETFD, flags) != 0) return th_fail(err, errlen, errno, "F_SETFD fd %d", fd);
    return 0;
}

int th_get_cloexec(int fd, char *err, size_t errlen) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return th_fail(err, errlen, errno, "F_GETFD fd %d", fd);
    return (flags & FD_CLOEXEC) != 0;
}

int th_dup(int fd, char *err, size_t errlen) {
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) return th_fail(err, errlen, errno, "dup fd %d", fd);
    return copy;
}

int th_close(int fd, char *err, size_t errlen) {
    /* Never retry close on EINTR: on Linux and macOS the fd is gone either way and a retry
     * could close an fd another thread just received. */
    if (close(fd) != 0 && errno != EINTR) return th_fail(err, errlen, errno, "close fd %d", fd);
    return 0;
}

int th_pipe(int fds[2], char *err, size_t errlen) {
#ifdef __APPLE__
    /* No pipe2 on macOS; the window before FD_CLOEXEC only matters for fork+exec, and our
     * own spawns use POSIX_SPAWN_CLOEXEC_DEFAULT. */
    if (pipe(fds) != 0) return th_fail(err, errlen, errno, "pipe");
    for (int i = 0; i < 2; i++) {
        if (fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0) {
            int e = errno;
            close(fds[0]);
            close(fds[1]);
            return th_fail(err, errlen, e, "FD_CLOEXEC on pipe");
        }
    }
#else
    if (pipe2(fds, O_CLOEXEC) != 0) return th_fail(err, errlen, errno, "pipe2");
#endif
    return 0;
}

long th_read(int fd, void *buf, size_t len, char *err, size_t errlen) {
    for (;;) {
        ssize_t n = read(fd, buf, len);
        if (n >= 0) return (long)n;
        if (errno != EINTR) return th_fail(err, errlen, errno, "read fd %d", fd);
    }
}

long th_write(int fd, const void *buf, size_t len, char *err, size_t errlen) {
    for (;;) {
        ssize_t n = write(fd, buf, len);
        if (n >= 0) return (long)n;
        if (errno != EINTR) return th_fail(err, errlen, errno, "write fd %d", fd);
    }
}

static int wait_for(int fd, short events, long timeout_ms, char *err, size_t errlen) {
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    int timeout = timeout_ms < 0 ? -1 : (timeout_ms > 0x7fffffffL ? 0x7fffffff : (int)timeout_ms);
    for (;;) {
        int r = poll(&p, 1, timeout);
        if (r >= 0) {
            if (r == 1 && (p.revents & POLLNVAL)) return th_fail(err, errlen, EBADF, "poll fd %d", fd);
            return r;
        }
        /* A signal restarts the full timeout; callers use short timeouts, so that is fine. */
        if (errno != EINTR) return th_fail(err, errlen, errno, "poll fd %d", fd);
    }
}

int th_wait_readable(int fd, long timeout_ms, char *err, size_t errlen) {
    return wait_for(fd, POLLIN, timeout_ms, err, errlen);
}

/* POLLERR/POLLHUP count as ready: the following write then reports EPIPE instead of hanging. */
int th_wait_writable(int fd, long timeout_ms, char *err, size_t errlen) {
    return wait_for(fd, POLLOUT, timeout_ms, err, errlen);
}
