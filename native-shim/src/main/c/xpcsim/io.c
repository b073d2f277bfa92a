/*
 * The process's single I/O thread: an epoll loop that owns every simulator socket's readiness.
 * XPC connections and IOKit notification ports register callbacks here; the callbacks never
 * run user code, they only move bytes and queue events on dispatch queues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sim.h"

struct watch { int fd; xpcsim_io_fn fn; void *ctx; struct watch *next_removed; };
struct call { struct call *next; void (*fn)(void *); void *ctx; };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int epfd = -1, wakefd = -1;
static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;
static struct call *calls_head, *calls_tail;
static pthread_t io_thread;

static void run_calls(void) {
    for (;;) {
        pthread_mutex_lock(&calls_lock);
        struct call *c = calls_head;
        if (c != NULL) {
            calls_head = c->next;
            if (calls_head == NULL) calls_tail = NULL;
        }
        pthread_mutex_unlock(&calls_lock);
        if (c == NULL) return;
        c->fn(c->ctx);
        free(c);
    }
}

/* Watches removed while a batch of events is being handled are freed after the batch. */
static struct watch *removed;

static void free_removed(void) {
    while (removed != NULL) {
        struct watch *next = removed->next_removed;
        free(removed);
        removed = next;
    }
}

static void *io_main(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "xpcsim-io");
    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(epfd, events, 64, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            xpcsim_fatal("xpcsim: epoll_wait failed (errno %d)", errno);
        }
        for (int i = 0; i < n; i++) {
            struct watch *w = events[i].data.ptr;
            if (w != NULL && w->fn == NULL) continue; /* removed earlier in this batch */
            if (w == NULL) {
                uint64_t v;
                while (read(wakefd, &v, sizeof v) < 0 && errno == EINTR) {
                }
                continue;
            }
            w->fn(w->ctx, events[i].events);
        }
        run_calls();
        free_removed();
    }
    return NULL;
}

/* Kept open so that, out of descriptors, one can be freed to accept and drop a connection. */
static int reserve_fd = -1;

static void start(void) {
    reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epfd < 0 || wakefd < 0) xpcsim_fatal("xpcsim: cannot create the I/O loop (errno %d)", errno);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, wakefd, &ev);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&io_thread, &attr, io_main, NULL) != 0) xpcsim_fatal("xpcsim: cannot start the I/O thread");
    pthread_attr_destroy(&attr);
}

/* Watches are keyed by fd in a small table; the I/O thread is the only reader of w->fn/ctx. */
#define MAX_FDS 65536
static struct watch *watches[MAX_FDS];

int xpcsim_io_add(int fd, uint32_t events, xpcsim_io_fn fn, void *ctx) {
    pthread_once(&once, start);
    if (fd < 0 || fd >= MAX_FDS) {
        errno = EMFILE;
        return -1;
    }
    struct watch *w = calloc(1, sizeof *w);
    if (w == NULL) return -1;
    w->fd = fd;
    w->fn = fn;
    w->ctx = ctx;
    watches[fd] = w;
    struct epoll_event ev = {.events = events, .data.ptr = w};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int xpcsim_io_modify(int fd, uint32_t events, xpcsim_io_fn fn, void *ctx) {
    struct watch *w = watches[fd];
    w->fn = fn;
    w->ctx = ctx;
    struct epoll_event ev = {.events = events, .data.ptr = w};
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

/* Only on the I/O thread (or before the fd was ever added), so no event for w is in flight. */
void xpcsim_io_remove(int fd) {
    if (fd < 0 || fd >= MAX_FDS || watches[fd] == NULL) return;
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    struct watch *w = watches[fd];
    watches[fd] = NULL;
    w->fn = NULL;
    w->next_removed = removed;
    removed = w;
}

int xpcsim_io_accept(int listen_fd) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0 || (errno != EMFILE && errno != ENFILE)) return fd;
    /* A level-triggered listener would report the waiting connection again at once: shed it. */
    if (reserve_fd >= 0) {
        close(reserve_fd);
        int shed = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (shed >= 0) close(shed);
        reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        errno = shed >= 0 ? ECONNABORTED : EAGAIN;
    } else {
        errno = EAGAIN;
    }
    return -1;
}

void xpcsim_io_call(void (*fn)(void *), void *ctx) {
    pthread_once(&once, start);
    struct call *c = calloc(1, sizeof *c);
    if (c == NULL) xpcsim_fatal("xpcsim: out of memory");
    c->fn = fn;
    c->ctx = ctx;
    pthread_mutex_lock(&calls_lock);
    if (calls_tail != NULL) calls_tail->next = c; else calls_head = c;
    calls_tail = c;
    pthread_mutex_unlock(&calls_lock);
    uint64_t one = 1;
    while (write(wakefd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}
