/*
 * xpcsim: Apple's <sys/event.h> on Linux, as much of it as the shim uses: a kqueue that watches
 * one process for NOTE_EXIT (shim_spawn.c's wait for a child's exit). Apple's structure, flag and
 * filter values; kqueue and kevent are renamed to kqueue.c's xpcsim_* functions.
 */
#ifndef XPCSIM_SYS_EVENT_H
#define XPCSIM_SYS_EVENT_H
#include <stdint.h>
#include <time.h>

struct kevent {
    uintptr_t ident;
    int16_t filter;
    uint16_t flags;
    uint32_t fflags;
    intptr_t data;
    void *udata;
};

#define EVFILT_PROC (-5)

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ONESHOT 0x0010
#define EV_EOF 0x8000
#define EV_ERROR 0x4000

#define NOTE_EXIT 0x80000000U

#define EV_SET(kevp, a, b, c, d, e, f)                                                            \
    do {                                                                                          \
        struct kevent *xpcsim_kev_ = (kevp);                                                      \
        xpcsim_kev_->ident = (a);                                                                 \
        xpcsim_kev_->filter = (b);                                                                \
        xpcsim_kev_->flags = (c);                                                                 \
        xpcsim_kev_->fflags = (d);                                                                \
        xpcsim_kev_->data = (e);                                                                  \
        xpcsim_kev_->udata = (f);                                                                 \
    } while (0)

#define kqueue xpcsim_kqueue
#define kevent(kq, changes, nchanges, events, nevents, timeout) \
    xpcsim_kevent(kq, changes, nchanges, events, nevents, timeout)

int xpcsim_kqueue(void);
int xpcsim_kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist, int nevents,
                  const struct timespec *timeout);

#endif
