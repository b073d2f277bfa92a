/*
 * Apple's kqueue on Linux, for what the shim asks of it (see include/sys/event.h): one
 * EVFILT_PROC registration with NOTE_EXIT per kqueue, then a wait for it with a timeout.
 *
 * A kqueue is a descriptor that nothing makes readable (an epoll instance with nothing in it).
 * Registering a process puts a pidfd of it in that descriptor's place (dup3 onto the same number),
 * so the kqueue becomes readable when the process exits and closing the kqueue closes the pidfd;
 * only the watched pid is kept aside, by descriptor number. As on macOS:
 *  - registering a process that does not exist, or one that has already exited but is not yet
 *    reaped (a zombie), fails with ESRCH: what libuv (libuv/libuv#3451) and moonbitlang/async
 *    (#63) found on macOS and now handle by calling waitpid;
 *  - an EV_ONESHOT event is delivered once, then the registration is gone;
 *  - a wait with a NULL timeout waits for ever, a zero timeout only looks;
 *  - errors in the change list are returned by the call when there is no room for EV_ERROR events.
 * Other filters, flags and a second registration on one kqueue are refused with EINVAL (never
 * silently ignored): the shim does not use them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "sim.h"
#include "sys/event.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/*
 * The pid each kqueue watches, by descriptor number (0: none). Not read back from the pidfd's
 * fdinfo: once the process is reaped, that says -1, and the event must still name it.
 */
#define MAX_KQ 65536
static pid_t watched_pid[MAX_KQ];

static pid_t watched(int kq) {
    return kq >= 0 && kq < MAX_KQ ? __atomic_load_n(&watched_pid[kq], __ATOMIC_ACQUIRE) : -1;
}

static void watch(int kq, pid_t pid) {
    __atomic_store_n(&watched_pid[kq], pid, __ATOMIC_RELEASE);
}

int xpcsim_kqueue(void) {
    int kq = epoll_create1(EPOLL_CLOEXEC);
    if (kq >= MAX_KQ) {
        close(kq);
        errno = EMFILE; /* the simulator's limit, far above what the shim holds */
        return -1;
    }
    if (kq >= 0) watch(kq, 0);
    return kq;
}

/* Puts what fd refers to in the kqueue's place, keeping the kqueue's number; closes fd. */
static int replace(int kq, int fd) {
    int r = dup3(fd, kq, O_CLOEXEC);
    int saved = errno;
    close(fd);
    errno = saved;
    return r < 0 ? -1 : 0;
}

static int apply(int kq, const struct kevent *change) {
    if (change->filter != EVFILT_PROC || (change->flags & ~(EV_ADD | EV_DELETE | EV_ONESHOT)) != 0) {
        errno = EINVAL;
        return -1;
    }
    pid_t now = watched(kq);
    if (now < 0) {
        errno = EBADF;
        return -1;
    }
    if (change->flags & EV_DELETE) {
        if (now != (pid_t)change->ident) {
            errno = ENOENT;
            return -1;
        }
        int empty = epoll_create1(EPOLL_CLOEXEC);
        if (empty < 0 || replace(kq, empty) != 0) return -1;
        watch(kq, 0);
        return 0;
    }
    if (!(change->flags & EV_ADD) || change->fflags != NOTE_EXIT || !(change->flags & EV_ONESHOT) || now != 0) {
        errno = EINVAL;
        return -1;
    }
    int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)change->ident, 0);
    if (pidfd < 0) return -1; /* ESRCH for a process that does not exist */
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    if (poll(&p, 1, 0) > 0) { /* exited already: a zombie, which macOS does not find */
        close(pidfd);
        errno = ESRCH;
        return -1;
    }
    if (replace(kq, pidfd) != 0) return -1;
    watch(kq, (pid_t)change->ident);
    return 0;
}

int xpcsim_kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist, int nevents,
                  const struct timespec *timeout) {
    int delivered = 0;
    for (int i = 0; i < nchanges; i++) {
        if (apply(kq, &changelist[i]) == 0) continue;
        if (delivered >= nevents) return -1;
        struct kevent *e = &eventlist[delivered++];
        *e = changelist[i];
        e->flags = EV_ERROR;
        e->data = errno;
    }
    if (delivered > 0 || nevents == 0) return delivered;
    long ms = -1;
    if (timeout != NULL) {
        ms = timeout->tv_sec * 1000L + (timeout->tv_nsec + 999999L) / 1000000L;
        if (ms > INT_MAX) ms = INT_MAX;
    }
    struct pollfd p = {.fd = kq, .events = POLLIN};
    int r = poll(&p, 1, (int)ms);
    if (r <= 0) return r; /* 0: timed out; -1 with errno (EINTR as on macOS) */
    pid_t pid = watched(kq);
    if (pid <= 0) {
        errno = EBADF;
        return -1;
    }
    int empty = epoll_create1(EPOLL_CLOEXEC); /* EV_ONESHOT: the registration ends with its event */
    if (empty < 0 || replace(kq, empty) != 0) return -1;
    watch(kq, 0);
    memset(&eventlist[0], 0, sizeof eventlist[0]);
    eventlist[0].ident = (uintptr_t)pid;
    eventlist[0].filter = EVFILT_PROC;
    eventlist[0].flags = EV_ONESHOT | EV_EOF;
    eventlist[0].fflags = NOTE_EXIT;
    return 1;
}
