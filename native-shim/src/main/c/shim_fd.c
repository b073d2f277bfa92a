/* Descriptor plumbing the JDK does not expose for raw fds. */
#ifdef __linux__
#define _GNU_SOURCE /* pipe2 */
#endif
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Room for more descriptors than one message can carry (Linux caps SCM_RIGHTS at 253 per
 * message, SCM_MAX_FD), so the kernel never has to truncate: whatever arrives is seen here and
 * either handed over or closed. Anything that still truncates (another OS) is refused. */
#define TH_RECV_FD_ROOM 512

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

/*
 * 1 when fd has one of events (an error or a hang-up counts, so the I/O that follows reports it:
 * EPIPE for a write, instead of hanging), 0 on timeout or when wake_fd (if >= 0: poll skips a
 * negative one) became readable; EBADF for a descriptor that is not open.
 */
static int wait_for(int fd, short events, int wake_fd, long timeout_ms, char *err, size_t errlen) {
    struct pollfd p[2] = {{.fd = fd, .events = events, .revents = 0},
                          {.fd = wake_fd, .events = POLLIN, .revents = 0}};
    int timeout = timeout_ms < 0 ? -1 : (timeout_ms > 0x7fffffffL ? 0x7fffffff : (int)timeout_ms);
    for (;;) {
        int r = poll(p, 2, timeout);
        if (r >= 0) {
            if (p[0].revents & POLLNVAL) return th_fail(err, errlen, EBADF, "poll fd %d", fd);
            return p[0].revents != 0 ? 1 : 0;
        }
        /* A signal restarts the full timeout; the waits are short or end by a wake-up. */
        if (errno != EINTR) return th_fail(err, errlen, errno, "poll fd %d", fd);
    }
}

int th_wait_readable(int fd, long timeout_ms, char *err, size_t errlen) {
    return wait_for(fd, POLLIN, -1, timeout_ms, err, errlen);
}

/*
 * For a wait another thread must be able to end at once (an fd stream's close writes a byte to
 * wake_fd). Scalars only: the JNA call copies no arrays.
 */
int th_wait_ready_or_woken(int fd, int events, int wake_fd, long timeout_ms, char *err, size_t errlen) {
    return wait_for(fd, (short)events, wake_fd, timeout_ms, err, errlen);
}

static void close_all(const int *fds, int n) {
    for (int i = 0; i < n; i++) close(fds[i]);
}

long th_recv_fds(int sock, void *buf, size_t len, int *fds, int max_fds, int *nfds, char *err, size_t errlen) {
    *nfds = 0;
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(TH_RECV_FD_ROOM * sizeof(int))];
    } control;
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    int flags = 0;
#ifdef MSG_CMSG_CLOEXEC
    flags |= MSG_CMSG_CLOEXEC;
#endif
    ssize_t n;
    do {
        n = recvmsg(sock, &msg, flags);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return th_fail(err, errlen, errno, "recvmsg fd %d", sock);

    int received[TH_RECV_FD_ROOM];
    int count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t payload = c->cmsg_len - CMSG_LEN(0);
        int here = (int)(payload / sizeof(int));
        for (int i = 0; i < here && count < TH_RECV_FD_ROOM; i++) {
            memcpy(&received[count++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        }
    }
#ifndef MSG_CMSG_CLOEXEC
    for (int i = 0; i < count; i++) fcntl(received[i], F_SETFD, FD_CLOEXEC);
#endif
    if (msg.msg_flags & MSG_CTRUNC) {
        close_all(received, count);
        return th_fail(err, errlen, EPROTO, "the descriptors sent with one message did not fit (%d received, all closed)", count);
    }
    if (count > max_fds) {
        close_all(received, count);
        return th_fail(err, errlen, EPROTO, "%d file descriptors sent with one message; at most %d (all closed)", count, max_fds);
    }
    memcpy(fds, received, (size_t)count * sizeof(int));
    *nfds = count;
    return (long)n;
}

/* One send(2) that never blocks, whatever the descriptor's own mode (MSG_DONTWAIT is per call,
 * so a reader blocked on the same socket keeps blocking): the bytes the socket took, 0 when its
 * buffer is full. No SIGPIPE where the flag exists: a gone peer is an EPIPE result. */
long th_send_nowait(int sock, const void *buf, size_t len, char *err, size_t errlen) {
    int flags = MSG_DONTWAIT;
#ifdef MSG_NOSIGNAL
    flags |= MSG_NOSIGNAL;
#endif
    for (;;) {
        ssize_t n = send(sock, buf, len, flags);
        if (n >= 0) return (long)n;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        if (errno != EINTR) return th_fail(err, errlen, errno, "send fd %d", sock);
    }
}

/* poll(2) over n descriptors: events[i] asked of fds[i], revents[i] filled in; the number ready,
 * 0 after a timeout or a signal (the caller loops). */
int th_poll(const int *fds, const int *events, int *revents, int n, long timeout_ms, char *err, size_t errlen) {
    if (n <= 0) return th_fail(err, errlen, EINVAL, "poll of %d descriptors", n);
    struct pollfd *p = calloc((size_t)n, sizeof *p);
    if (p == NULL) return th_fail(err, errlen, ENOMEM, "poll of %d descriptors", n);
    for (int i = 0; i < n; i++) {
        p[i].fd = fds[i];
        p[i].events = (short)events[i];
    }
    int timeout = timeout_ms < 0 ? -1 : (timeout_ms > 0x7fffffffL ? 0x7fffffff : (int)timeout_ms);
    int r = poll(p, (nfds_t)n, timeout);
    int e = errno;
    for (int i = 0; i < n; i++) revents[i] = r > 0 ? p[i].revents : 0;
    free(p);
    if (r >= 0) return r;
    if (e == EINTR) return 0;
    return th_fail(err, errlen, e, "poll of %d descriptors", n);
}
